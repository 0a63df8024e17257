import { parseQuantity } from '@sre-harness/tools-k8s';
import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { isReplicaSets } from './rollout-diff.js';
import { type Analyzer, type AnalyzerContext, flat, outputs, ownerDeployment, type Read } from './types.js';

/**
 * The earlier ReplicaSet of a Deployment whose container was OOM-killed, when its rollout history has
 * two revisions or more: the youngest of its ReplicaSets scaled to zero (the revision it replaced), as
 * `list_resources` ReplicaSet lists them. Undefined when the list was not read or has none.
 */
function previousReplicaSet(ctx: Pick<AnalyzerContext, 'seen'>, deployment: string): string | undefined {
  const list = outputs(ctx.seen, 'list_resources', (o) => isReplicaSets(o.args['kind'])).pop();
  if (!list) return undefined;
  const old = parseTable(list.content).filter(
    (r) =>
      (r['NAME'] ?? '').startsWith(`${deployment}-`) &&
      // `<deployment>-<hash>`, not a sibling's `<deployment>-worker-<hash>`.
      !(r['NAME'] ?? '').slice(deployment.length + 1).includes('-') &&
      /^0\/0\b/.test(r['STATUS'] ?? ''),
  );
  return old.sort((a, b) => (ageSeconds(a['AGE'] ?? '') ?? 0) - (ageSeconds(b['AGE'] ?? '') ?? 0))[0]?.[
    'NAME'
  ];
}

/** The deployment of the first OOM-killed container read, when its history has an earlier revision. */
function oomWithHistory(ctx: AnalyzerContext): { deployment: string; ns: string } | undefined {
  const oom = outputs(ctx.seen, 'describe_pod').find((o) => /Reason:\s+OOMKilled/.test(o.content));
  const deployment = oom ? ownerDeployment(oom.content) : undefined;
  if (!deployment) return undefined;
  const history = outputs(ctx.seen, 'get_rollout_history', (o) => o.args['name'] === deployment).pop();
  const revisions = history ? parseTable(history.content).filter((r) => /^\d/.test(r['REVISION'] ?? '')) : [];
  return revisions.length >= 2 ? { deployment, ns: String(oom!.args['namespace'] ?? ctx.ns) } : undefined;
}

/**
 * The memory limit a container had in the Deployment's previous revision (its ReplicaSet's template,
 * as `describe_resource` flattens it: `template.spec.containers[0].resources.limits.memory: 512Mi`), in
 * bytes with its text, or undefined when that ReplicaSet was not read or set none.
 */
export function previousMemoryLimit(
  ctx: Pick<AnalyzerContext, 'seen'>,
  deployment: string,
  container: string,
): { bytes: number; text: string; replicaSet: string } | undefined {
  // The revision before, when the ReplicaSet list says which it is: the current one may be described too.
  const previous = previousReplicaSet(ctx, deployment);
  for (const o of outputs(
    ctx.seen,
    'describe_resource',
    (x) =>
      isReplicaSets(x.args['kind']) &&
      String(x.args['name'] ?? '').startsWith(`${deployment}-`) &&
      !String(x.args['name'] ?? '')
        .slice(deployment.length + 1)
        .includes('-') &&
      (previous === undefined || x.args['name'] === previous),
  ).reverse()) {
    for (let i = 0; i < 8; i++) {
      if (flat(o.content, `template.spec.containers[${i}].name`) !== container) continue;
      const text = flat(o.content, `template.spec.containers[${i}].resources.limits.memory`);
      const bytes = parseQuantity(text);
      if (text && bytes !== undefined) return { bytes, text, replicaSet: String(o.args['name']) };
    }
  }
  return undefined;
}

/**
 * A container OOM-killed since the latest rollout: what its previous revision gave it. A release that
 * cut the memory limit (a chart's new defaults) is put right by the limit that ran before, which the
 * OOM signature then proposes instead of a bare doubling.
 */
export const previousLimitsAnalyzer: Analyzer = {
  name: 'previous-limits',
  // Its reads follow from the OOM-killed pod's own description and its rollout history: before the
  // reads of services and dependencies, so a short budget keeps the limit to restore.
  first: true,
  reads(ctx): Read[] {
    const oom = oomWithHistory(ctx);
    if (!oom) return [];
    // The ReplicaSets of the OOM-killed pod's own namespace (a dependency's pod may have been described).
    const { deployment, ns } = oom;
    const listed =
      outputs(ctx.seen, 'list_resources', (o) => isReplicaSets(o.args['kind']) && o.args['namespace'] === ns)
        .length > 0;
    if (!listed) return [{ tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: ns } }];
    const previous = previousReplicaSet(ctx, deployment);
    return previous
      ? [{ tool: 'describe_resource', args: { kind: 'ReplicaSet', name: previous, namespace: ns } }]
      : [];
  },
  finds: () => [],
};
