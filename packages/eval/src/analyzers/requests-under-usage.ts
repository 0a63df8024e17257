import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  outputs,
  podDeployment,
  podListOf,
  type Read,
} from './types.js';

/**
 * A question about how nodes are packed or rebalanced by their utilization: the descheduler's
 * node-utilization plugins (LowNodeUtilization, HighNodeUtilization), nodes called under- or overutilized
 * (not its other strategies, PodLifeTime or duplicates, which ignore utilization).
 */
const PACKING = /\b(?:Low|High)NodeUtilization\b|\b(?:under|over)-?utili[sz](?:ed|ation)\b/i;

/** A container line of `get_pod_metrics`: `name: cpu 1250m / request 100m / …`. */
const USAGE =
  /^\s{1,8}([a-z0-9][a-z0-9-]{0,62}): cpu (\d{1,7}(?:\.\d{1,3})?)(m?) \/ request (\d{1,7}(?:\.\d{1,3})?)(m?) \/ (?:limit (\d{1,7}(?:\.\d{1,3})?)(m?)|no limit)/;

const milli = (n: string, m: string) => (m === 'm' ? Number(n) : Number(n) * 1000);

interface Under {
  readonly deployment: string;
  readonly container: string;
  readonly pods: { pod: string; used: number; requested: number; limit: number | undefined }[];
}

/**
 * The Deployment of the namespace whose containers use the most CPU beyond a request a quarter or less of
 * it; when the task names nodes the pods run on (the pod list's NODE column), only the pods on those nodes.
 */
function under(ctx: AnalyzerContext, onNodes: ReadonlySet<string> | undefined): Under | undefined {
  const by = new Map<string, Under>();
  for (const o of outputs(ctx.seen, 'get_pod_metrics', (x) => x.args['namespace'] === ctx.ns)) {
    let pod: string | undefined;
    for (const line of o.content.slice(0, 200_000).split('\n', 4000)) {
      const head = /^([a-z0-9][a-z0-9.-]{0,252}) {2}restarts:/.exec(line);
      if (head) {
        pod = head[1];
        continue;
      }
      const m = USAGE.exec(line);
      if (!m || !pod) continue;
      if (onNodes && !onNodes.has(pod)) continue;
      const used = milli(m[2]!, m[3]!);
      const requested = milli(m[4]!, m[5]!);
      if (requested <= 0 || used < requested * 4 || used - requested < 500) continue;
      const deployment = podDeployment(pod);
      if (!deployment) continue;
      const key = `${deployment}/${m[1]}`;
      const u = by.get(key) ?? { deployment, container: m[1]!, pods: [] };
      const limit = m[6] !== undefined ? milli(m[6], m[7] ?? '') : undefined;
      if (!u.pods.some((p) => p.pod === pod)) u.pods.push({ pod, used, requested, limit });
      by.set(key, u);
    }
  }
  const gap = (u: Under) => u.pods.reduce((s, p) => s + p.used - p.requested, 0);
  return [...by.values()].sort((a, b) => gap(b) - gap(a))[0];
}

/** The nodes of the namespace's pod list that the task names, and the pods on them. */
function namedNodes(ctx: AnalyzerContext, task: string): { nodes: string[]; pods: Set<string> } | undefined {
  const rows = parseTable(podListOf(ctx.seen, ctx.ns)?.content.slice(0, 200_000) ?? '');
  const nodes = [...new Set(rows.map((r) => r['NODE'] ?? '').filter(Boolean))].filter((n) =>
    new RegExp(`(?<![\\w-])${n.replace(/\./g, '\\.')}(?![\\w-])`).test(task),
  );
  if (nodes.length === 0) return undefined;
  return {
    nodes,
    pods: new Set(rows.filter((r) => nodes.includes(r['NODE'] ?? '')).map((r) => r['NAME'] ?? '')),
  };
}

/** The descheduler's pod in kube-system, from a listing of it. */
function deschedulerPod(ctx: AnalyzerContext): string | undefined {
  const listed = podListOf(ctx.seen, 'kube-system');
  return parseTable(listed?.content.slice(0, 200_000) ?? '')
    .map((r) => r['NAME'] ?? '')
    .find((n) => /^descheduler(?:-|$)/.test(n));
}

/**
 * Pods that use many times the CPU they request, asked about as a node-packing question: the scheduler and
 * the descheduler's LowNodeUtilization plugin count requests, not what the pods use (the descheduler's
 * docs: "the utilization of nodes is calculated from pod requests"), so a node full of such pods looks
 * underutilized while `kubectl top` shows it saturated, and more pods are placed or moved onto it. The fix
 * (`set_resources`) raises the request to what the pods use.
 */
export const requestsUnderUsageAnalyzer: Analyzer = {
  name: 'requests-under-usage',
  reads(ctx): Read[] {
    const task = ctx.task.slice(0, 4000);
    if (!PACKING.test(task)) return [];
    const out: Read[] = [];
    if (outputs(ctx.seen, 'get_pod_metrics', (x) => x.args['namespace'] === ctx.ns).length === 0)
      out.push({ tool: 'get_pod_metrics', args: { namespace: ctx.ns } });
    if (!/descheduler/i.test(task)) return out;
    if (!podListOf(ctx.seen, 'kube-system'))
      return [...out, { tool: 'list_pods', args: { namespace: 'kube-system' } }];
    const pod = deschedulerPod(ctx);
    if (pod && outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === pod).length === 0)
      out.push({ tool: 'get_pod_logs', args: { namespace: 'kube-system', name: pod } });
    return out;
  },
  finds(ctx): Finding[] {
    const task = ctx.task.slice(0, 4000);
    if (!PACKING.test(task)) return [];
    const named = namedNodes(ctx, task);
    const u = under(ctx, named?.pods) ?? (named ? undefined : under(ctx, undefined));
    if (!u) return [];
    const on = named ? named.nodes.join(', ') : undefined;
    // What the descheduler computed for that node: its requests-based usage.
    const pod = deschedulerPod(ctx);
    const said = named
      ? outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === pod)
          .flatMap((o) => o.content.slice(-200_000).split('\n'))
          .filter((l) => named.nodes.some((n) => l.includes(`node="${n}"`)) && /usagePercentage=/.test(l))
          .pop()
      : undefined;
    const most = Math.max(...u.pods.map((p) => p.used));
    // Never above the container's CPU limit: the API server refuses a request over its limit.
    const limits = u.pods.map((p) => p.limit).filter((l): l is number => l !== undefined);
    const request = Math.min(Math.ceil(most / 100) * 100, ...limits);
    const each = u.pods[0]!;
    return [
      {
        weight: 93 + bonus(u.deployment, ctx.hints),
        object: `deployment ${u.deployment}`,
        cause: `the ${u.deployment} pods request ${each.requested}m CPU each but use about ${most}m (${u.pods.length} pod${u.pods.length === 1 ? '' : 's'}${on ? ` on ${on}` : ''}): the scheduler and the descheduler's LowNodeUtilization count requests, not actual usage, so a node running them looks underutilized by requests${said ? ` (the descheduler's own figure: "${clip(said.trim(), 220)}")` : ''} while kubectl top shows it saturated, and more pods are placed or moved onto it. The metrics are not stale: the requests are far below what the pods use`,
        evidence: [
          ...u.pods
            .slice(0, 3)
            .map((p) => `get_pod_metrics ${p.pod}: cpu ${p.used}m / request ${p.requested}m`),
          ...(said ? [`get_pod_logs ${pod}: "${clip(said.trim(), 200)}"`] : []),
        ],
        advice: `raise ${u.deployment}'s CPU request to what it uses (about ${request}m), so the scheduler and the descheduler see the node's real load; then the descheduler stops moving pods onto it`,
        fix: {
          tool: 'set_resources',
          args: {
            namespace: ctx.ns,
            deployment: u.deployment,
            container: u.container,
            requests: { cpu: `${request}m` },
          },
          text: `set the CPU request of ${u.deployment}/${u.container} to ${request}m (it uses about ${most}m)`,
        },
      },
    ];
  },
};
