import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type AnalyzerContext, namespaceNames, outputs, ownerName, podListOf, type Read } from './types.js';

/** Pods younger than this (seconds) came from a recent rollout or scale-out. */
export const RECENT = 24 * 3600;
/** Namespaces whose pods are not an application's. */
const SYSTEM_NS = /^(?:kube-system|kube-public|kube-node-lease|default)$/;

/** The namespaces other than the one asked about where another workload may run (at most four). */
export function otherNamespaces(ctx: AnalyzerContext): string[] {
  return namespaceNames(ctx.seen)
    .filter((n) => n !== ctx.ns && !SYSTEM_NS.test(n))
    .slice(0, 4);
}

/** Running pods of `ns` younger than `RECENT`, the first of each owner, from its pod list. */
export function recentPods(ctx: AnalyzerContext, ns: string): string[] | undefined {
  const listed = podListOf(ctx.seen, ns);
  if (!listed) return undefined;
  const owners = new Set<string>();
  const out: string[] = [];
  for (const r of parseTable(listed.content)) {
    const name = r['NAME'] ?? '';
    const age = ageSeconds(r['AGE'] ?? '');
    if (r['STATUS'] !== 'Running' || age === undefined || age > RECENT || owners.has(ownerName(name)))
      continue;
    owners.add(ownerName(name));
    out.push(name);
  }
  return out;
}

/**
 * The reads that find a recently started workload of another namespace: each such namespace's pod
 * list, then the logs of its recent pods (two per namespace, four in all). The shared first step of
 * the analyzers that look for who changed something beside the failing workload.
 */
export function recentPodLogReads(ctx: AnalyzerContext): Read[] {
  const reads: Read[] = [];
  for (const ns of otherNamespaces(ctx)) {
    const recent = recentPods(ctx, ns);
    if (!recent) {
      reads.push({ tool: 'list_pods', args: { namespace: ns } });
      continue;
    }
    for (const name of recent.slice(0, 2))
      reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name } });
  }
  return reads.slice(0, 4);
}

/**
 * The logs read so far of the recent pods of the other namespaces (see `recentPodLogReads`): each
 * pod with its namespace, its namespace's pod rows and its log's lines (of the last 200,000
 * characters), in the order of the namespaces and their pod lists.
 */
export function recentPodLogs(
  ctx: AnalyzerContext,
): { ns: string; pod: string; rows: readonly Readonly<Record<string, string>>[]; lines: string[] }[] {
  const out: {
    ns: string;
    pod: string;
    rows: readonly Readonly<Record<string, string>>[];
    lines: string[];
  }[] = [];
  for (const ns of otherNamespaces(ctx)) {
    const listed = podListOf(ctx.seen, ns);
    const rows = parseTable(listed?.content ?? '');
    for (const pod of recentPods(ctx, ns) ?? []) {
      const log = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ns && o.args['name'] === pod,
      ).pop();
      if (log) out.push({ ns, pod, rows, lines: log.content.slice(-200_000).split('\n') });
    }
  }
  return out;
}

/**
 * The Running pods of a pod list (`list_pods` rows), youngest first, one per workload (`ownerName`),
 * leaving out the workloads in `skip`; at most `n` names. The pods a signature reads next when the one
 * it looks for (another writer, another mounter) is none of those read so far.
 */
export function youngestRunning(
  rows: readonly Readonly<Record<string, string>>[],
  skip: ReadonlySet<string>,
  n: number,
): string[] {
  const taken = new Set(skip);
  const out: string[] = [];
  const running = rows
    .filter((r) => r['STATUS'] === 'Running')
    .sort((a, b) => (ageSeconds(a['AGE'] ?? '') ?? 0) - (ageSeconds(b['AGE'] ?? '') ?? 0));
  for (const r of running) {
    const owner = ownerName(r['NAME'] ?? '');
    if (taken.has(owner)) continue;
    taken.add(owner);
    out.push(r['NAME'] ?? '');
    if (out.length >= n) break;
  }
  return out;
}
