import { memoByText } from './memo.js';
import { type Analyzer, clip, clipAround, type Finding, outputs, tableOf } from './types.js';

/**
 * A ring member whose heartbeat stopped, as a hash ring's lifecycler names it (Cortex, Loki, Mimir,
 * Tempo: `err="instance ingester-…-k2vzt past heartbeat timeout"`, `instance X is unhealthy`).
 */
const STALE = /\binstance "?([\w.:-]{1,120})"? (?:is )?(?:past (?:its |the )?heartbeat timeout|unhealthy)\b/i;
/** The program saying it will not become ready while the ring has that problem. */
const BLOCKS_READY =
  /\bcannot become ready\b|\bnot (?:become |be )?ready until\b|\bwaiting for (?:the )?ring\b/i;
/** The same member marked unhealthy by another component (`marking UNHEALTHY … instance=<id>`). */
const MARKED = /\bunhealthy\b/i;

/** The stale member a log says keeps the program from becoming ready, with the line. */
const staleIn: (log: string) => { member: string; line: string; times: number } | undefined = memoByText(
  (log) => {
    const found: { member: string; line: string }[] = [];
    for (const line of log.slice(-200_000).split('\n')) {
      if (line.length > 4000 || !BLOCKS_READY.test(line)) continue;
      const m = STALE.exec(line);
      if (m) found.push({ member: m[1]!, line: line.trim() });
    }
    const last = found[found.length - 1];
    // The newest member named, and how many lines name that one.
    return last ? { ...last, times: found.filter((f) => f.member === last.member).length } : undefined;
  },
);

/** Whether `line` names `name` whole (`ingester-1` is not in `instance=ingester-12`). */
function namesWhole(line: string, name: string): boolean {
  for (let at = line.indexOf(name); at >= 0; at = line.indexOf(name, at + 1)) {
    const before = line[at - 1] ?? ' ';
    const after = line.slice(at + name.length, at + name.length + 2);
    if (!/[\w.-]/.test(before) && !/^(?:[\w-]|\.\w)/.test(after)) return true;
  }
  return false;
}

/**
 * A ring entry left by a member that is gone. Systems that shard by a hash ring (Cortex, Loki, Mimir,
 * Tempo ingesters) keep each member in the ring until it leaves cleanly; a pod killed without its
 * shutdown (evicted with no grace period, its node deleted) leaves its entry behind, past its heartbeat
 * timeout, and a new member will not report ready while the ring holds an unhealthy entry, so a rollout
 * stalls with its first new pod unready. Found from a pod's log: a line saying it cannot become ready
 * and naming the instance past its heartbeat timeout; the finding says whether a pod of that name is in
 * the pod lists read, and quotes another log that marked it unhealthy. Rolling back does not help (a pod
 * of the old version waits the same way); the entry must be forgotten (the ring page's "Forget", or the
 * ring's auto-forget of unhealthy members).
 */
export const staleRingMemberAnalyzer: Analyzer = {
  name: 'stale-ring-member',
  reads: () => [],
  finds({ seen }): Finding[] {
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const pod = String(o.args['name'] ?? '');
      const s = staleIn(o.content);
      if (!s) continue;
      const pods = tableOf(seen, 'list_pods').map((r) => r['NAME'] ?? '');
      // Only a name that could be a pod's (not an address, `10.0.3.7:9095`) is looked for among the pods.
      const podLike =
        /^[a-z0-9](?:[a-z0-9-]{0,251}[a-z0-9])?$/.test(s.member) &&
        !/^\d{1,3}(?:[.-]\d{1,3}){3}$/.test(s.member);
      const gone = podLike && pods.length > 0 && !pods.includes(s.member);
      const marked = outputs(seen, 'get_pod_logs', (x) => x.args['name'] !== pod)
        .flatMap((x) => x.content.slice(-100_000).split('\n'))
        .find((l) => l.length <= 4000 && namesWhole(l, s.member) && MARKED.test(l))
        ?.trim();
      return [
        {
          weight: 92,
          object: `pod ${pod}`,
          cause: `${pod} cannot become ready because the ring still holds the stale entry of instance ${s.member}, past its heartbeat timeout ("${clipAround(s.line, s.member, 240)}", ${s.times} time${s.times === 1 ? '' : 's'})${gone ? `; no pod of that name runs any more: it left without leaving the ring (evicted or deleted without its shutdown)` : ''}${marked ? `; "${clip(marked, 200)}"` : ''}. A member waits until every entry of the ring is healthy, so the rollout stalls at this pod; the new version is not what fails, and a pod of the old version would wait the same way`,
          evidence: [
            `get_pod_logs ${pod}: "${clipAround(s.line, s.member, 240)}"`,
            ...(marked ? [`another log: "${clip(marked, 200)}"`] : []),
          ],
          advice: `forget the stale instance ${s.member} in the ring (the ring page's "Forget" on the distributor, or the ring's auto-forget of unhealthy members so it happens by itself next time); do not roll back`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
