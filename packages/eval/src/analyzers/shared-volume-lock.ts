import { youngestRunning } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  ownerName,
  podsOf,
  type Read,
} from './types.js';

/**
 * A program that cannot take the lock file of its data directory because another process holds it:
 * Lucene's (Solr's, Elasticsearch's) `LockObtainFailedException: Lock held by another program: …/write.lock`,
 * Solr's "Index locked for write", Prometheus' "lock DB directory: resource temporarily unavailable",
 * and the generic "is locked by another process". Fixed phrases only.
 */
const LOCK_HELD =
  /Lock held by another program|LockObtainFailedException|Index locked for write|lock DB directory|locked by another process|failed to obtain (?:node )?locks?/i;
/** A claim a described pod mounts (`ClaimName:  data`), as kubectl prints its volumes. */
const CLAIM = /ClaimName:[ \t]{1,40}([a-z0-9][a-z0-9.-]{0,252})/g;
/** Other Running pods described at most, looking for the one that mounts the same claim. */
const MAX_READS = 2;

/** The first line of the namespace's logs that says a lock is held by another program, with its pod. */
function heldLine(ctx: AnalyzerContext): { pod: string; line: string } | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && LOCK_HELD.test(l));
    if (line) return { pod: String(o.args['name'] ?? ''), line: line.trim() };
  }
  return undefined;
}

/** The claims a pod's latest description (in `ns`) mounts. */
function claimsOf(ctx: AnalyzerContext, pod: string): string[] {
  const d = outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
  ).pop();
  return d ? [...new Set([...d.content.matchAll(CLAIM)].map((m) => m[1]!))] : [];
}

/** A described pod of another workload in the namespace that mounts one of `claims`. */
function sharer(ctx: AnalyzerContext, locked: string, claims: readonly string[]) {
  for (const o of outputs(ctx.seen, 'describe_pod', (x) => x.args['namespace'] === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    if (ownerName(pod) === ownerName(locked)) continue;
    const claim = claimsOf(ctx, pod).find((c) => claims.includes(c));
    if (claim) return { pod, claim };
  }
  return undefined;
}

/**
 * Two workloads on one data volume, one of which cannot lock it. A program that keeps an index or a
 * database in a directory takes an exclusive lock file there (Lucene's `write.lock`, Prometheus'
 * `lock`), so a second process pointed at the same directory fails to open it ("Lock held by another
 * program"). Found from that line in a pod's log, the claims the pod mounts, and another workload's
 * pod in the namespace that mounts the same claim (a copy made for a one-off job, a second replica);
 * when no such pod was described, the namespace's other Running pods are described, youngest first
 * (at most two). The fix is to stop the other workload or give it a volume of its own; the locked
 * program's restart alone changes nothing while the other holds the lock.
 */
export const sharedVolumeLockAnalyzer: Analyzer = {
  name: 'shared-volume-lock',
  reads(ctx): Read[] {
    const held = heldLine(ctx);
    if (!held) return [];
    const claims = claimsOf(ctx, held.pod);
    if (claims.length === 0 || sharer(ctx, held.pod, claims)) return [];
    const listed = podsOf(ctx.seen, ctx.ns);
    if ('read' in listed) return [listed.read];
    const described = new Set(
      outputs(ctx.seen, 'describe_pod', (x) => x.args['namespace'] === ctx.ns).map((o) =>
        ownerName(String(o.args['name'] ?? '')),
      ),
    );
    return youngestRunning(listed.rows, described, MAX_READS).map((name) => ({
      tool: 'describe_pod',
      args: { namespace: ctx.ns, name },
    }));
  },
  finds(ctx): Finding[] {
    const held = heldLine(ctx);
    if (!held) return [];
    const other = sharer(ctx, held.pod, claimsOf(ctx, held.pod));
    if (!other) return [];
    const owner = ownerName(other.pod);
    const mine = ownerName(held.pod);
    return [
      {
        weight: 92,
        object: `${owner} (pod ${other.pod}), which holds the lock on the shared volume`,
        cause: `${mine} and ${owner} both mount the same claim ${other.claim}, so both programs use the same data directory; ${owner} holds its lock file, so ${mine} cannot open it: "${clip(held.line, 180)}" (pod ${held.pod}). A program that keeps an index or a database there takes an exclusive lock on it, and only one process at a time may hold it`,
        evidence: [
          `get_pod_logs ${held.pod}: "${clip(held.line, 150)}"`,
          `describe_pod ${other.pod}: ClaimName ${other.claim}`,
        ],
        advice: `stop ${owner} (scale it to 0) or give it a volume of its own, then restart ${mine}; restarting ${mine} alone changes nothing while ${owner} holds the lock`,
        revisionSound: true,
      },
    ];
  },
};
