import { type Analyzer, namespaceNames, outputs, type Read } from './types.js';

/**
 * A task that says a workload moved from one namespace to another (`moved the agent from namespace a to
 * b`, `migrated … from a to b`): both namespaces exist (once the namespace list is read). Bounded: fixed
 * words and gaps of at most 160 characters.
 */
const MOVED =
  /\b(?:moved|migrated|relocated|moving|migrating)\b[^.]{0,160}?\bfrom (?:the )?(?:namespace )?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?: namespace)? (?:in)?to (?:the )?(?:namespace )?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b/i;

/**
 * After a workload moves to another namespace, the bindings that gave its ServiceAccount a role may still
 * name the old namespace, and its API calls are then refused. The scan's opt-in `rbac-subjects` family
 * checks exactly that (a pod's ServiceAccount no binding binds, while one names an account of that name
 * elsewhere); this asks for it in the namespace the task says the workload moved to, then reads the binding a
 * finding names. Reads only: the scan's finding is ranked with the others (scan-findings).
 */
export const movedWorkloadBindingsAnalyzer: Analyzer = {
  name: 'moved-workload-bindings',
  first: true,
  reads(ctx): Read[] {
    const m = MOVED.exec(ctx.task.slice(0, 4000));
    if (!m) return [];
    const to = m[2]!.toLowerCase();
    const listed = namespaceNames(ctx.seen);
    if (listed.length === 0 || !listed.includes(to) || !listed.includes(m[1]!.toLowerCase())) return [];
    const asked = outputs(
      ctx.seen,
      'scan',
      (o) =>
        o.args['namespace'] === to &&
        Array.isArray(o.args['analyzers']) &&
        (o.args['analyzers'] as unknown[]).includes('rbac-subjects'),
    );
    if (asked.length === 0) return [{ tool: 'scan', args: { namespace: to, analyzers: ['rbac-subjects'] } }];
    // The binding a finding names, read (the scan's `next:`), so the answer rests on the object itself.
    const reads: Read[] = [];
    for (const o of asked)
      for (const m of o.content
        .slice(0, 100_000)
        .matchAll(
          /next: get_resource kind=(ClusterRoleBinding|RoleBinding) name=([a-z0-9][a-z0-9.:-]{0,252})(?: namespace=([a-z0-9-]{1,63}))?/g,
        )) {
        const args = { kind: m[1]!, name: m[2]!, ...(m[3] ? { namespace: m[3] } : {}) };
        if (
          !outputs(
            ctx.seen,
            'get_resource',
            (x) => x.args['kind'] === args.kind && x.args['name'] === args.name,
          ).length &&
          !reads.some((r) => r.args['name'] === args.name)
        )
          reads.push({ tool: 'get_resource', args });
      }
    return reads.slice(0, 2);
  },
  finds: () => [],
};
