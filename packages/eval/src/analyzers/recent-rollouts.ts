import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { RECENT } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  outputs,
  ownerName,
  podListOf,
  type Read,
} from './types.js';

/**
 * The Deployments of a namespace whose every listed pod is younger than `RECENT`: rolled out (or
 * created) recently. From the namespace's latest unfiltered pod list; with the pods' youngest age.
 */
function recentlyRolled(ctx: AnalyzerContext, ns: string): Map<string, string> {
  const listed = podListOf(ctx.seen, ns);
  const ages = new Map<string, { age: string; recent: boolean }>();
  for (const r of parseTable(listed?.content ?? '')) {
    const name = r['NAME'] ?? '';
    const owner = ownerName(name);
    if (owner === name) continue;
    const age = ageSeconds(r['AGE'] ?? '');
    const recent = age !== undefined && age < RECENT;
    const was = ages.get(owner);
    ages.set(owner, { age: r['AGE'] ?? '', recent: (was?.recent ?? true) && recent });
  }
  return new Map([...ages].filter(([, a]) => a.recent).map(([owner, a]) => [owner, a.age]));
}

/** Whether the namespace's listed pods of `owner` carry ReplicaSet-made names (`<owner>-<hash>-<x>`). */
function replicaSetNamed(ctx: AnalyzerContext, owner: string): boolean {
  const listed = podListOf(ctx.seen, ctx.ns);
  return parseTable(listed?.content ?? '').some((r) => {
    const name = r['NAME'] ?? '';
    return ownerName(name) === owner && /-[a-z0-9]{6,10}-[a-z0-9]{5}$/.test(name);
  });
}

/** The namespaces where a Running pod's log read so far reports failures. */
function failingNamespaces(ctx: AnalyzerContext): string[] {
  const out = new Set<string>();
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    if (errorLines(o.content.slice(-200_000)).length > 0) out.add(String(o.args['namespace'] ?? ctx.ns));
  }
  return [...out];
}

/**
 * What changed recently where failures are logged: the Deployments of those namespaces whose pods
 * all started within the last day, with the revision and the change cause their description records
 * (`kubernetes.io/change-cause`, what `kubectl rollout history` lists). The first question of an
 * incident is what changed; a change cause often says it (a driver upgrade, a pool size, a new field).
 * Reads the description of such a Deployment of the namespace asked about; notes only.
 */
export const recentRolloutsAnalyzer: Analyzer = {
  name: 'recent-rollouts',
  reads(ctx): Read[] {
    if (!failingNamespaces(ctx).includes(ctx.ns)) return [];
    // Deployments only: a Job's pods are named after the Job, which has no Deployment to describe.
    const deployments = new Set(
      outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).flatMap((o) =>
        parseTable(o.content).map((r) => r['NAME'] ?? ''),
      ),
    );
    for (const [owner] of recentlyRolled(ctx, ctx.ns)) {
      // Without the Deployment list, the pods' ReplicaSet-made names (`<owner>-<hash>-<x>`) will do.
      if (deployments.size > 0 ? !deployments.has(owner) : !replicaSetNamed(ctx, owner)) continue;
      if (
        !outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['name'] === owner && o.args['namespace'] === ctx.ns,
        ).length
      )
        return [{ tool: 'describe_deployment', args: { namespace: ctx.ns, name: owner } }];
    }
    return [];
  },
  finds: () => [],
  notes(ctx): string[] {
    const said: string[] = [];
    for (const ns of failingNamespaces(ctx)) {
      for (const [owner, age] of recentlyRolled(ctx, ns)) {
        const d = outputs(
          ctx.seen,
          'describe_deployment',
          (o) => o.args['name'] === owner && (o.args['namespace'] ?? ctx.ns) === ns,
        ).pop();
        const revision = /deployment\.kubernetes\.io\/revision=(\d{1,6})/.exec(d?.content ?? '')?.[1];
        const cause = /kubernetes\.io\/change-cause=(.{1,300})$/m.exec(d?.content ?? '')?.[1]?.trim();
        if (!revision || Number(revision) < 2 || !cause) continue;
        said.push(
          `deployment ${owner} in ${ns} rolled out revision ${revision} ${age} ago, change cause "${clip(cause, 200)}"`,
        );
      }
    }
    if (said.length === 0) return [];
    return [`What changed recently where the failures are logged: ${said.slice(0, 2).join('; ')}.`];
  },
};
