import {
  type Analyzer,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
  podObject,
} from './types.js';

/**
 * A pool with nothing free, as programs log it: `pool exhausted (5 busy, 0 idle, 14 waiting)`,
 * `waiting for a free browser`, `no idle worker available`. Linear: fixed words, bounded gaps.
 */
const EXHAUSTED =
  /\bpool (?:is )?exhausted\b|\bwaiting for a free\b|\bno (?:free|idle|available) (?:\w{1,20} ){0,2}(?:available|left)\b|\b0 idle\b/i;
/** A member of the pool given up on without being returned to it (`abandoning page (not released)`). */
const NOT_RELEASED =
  /\bnot released\b|\bnever released\b|\bwithout releas\w{1,3}\b|\bleaked\b|\bleaking\b|\bleak suspected\b/i;
/** The waiting count a pool line gives (`14 waiting`). */
const WAITING = /\b(\d{1,7}) waiting\b/i;

/**
 * A pool whose members leaked: work the program gave up on (a render past its time limit) was
 * abandoned without its member (a browser, a worker, a connection) being returned to the pool, one
 * member at a time, until none is free; every new request then waits for a member that never comes
 * back, while the program stays Running and Ready and idle on CPU. Callers time out in front of it
 * (a proxy's 504). Nothing recovers until the process restarts and builds a fresh pool; a restart is
 * the remedy now, the leak itself is for the program's maintainers (or a time limit that releases).
 * Found from the program's own log: members abandoned without release, then the pool exhausted with
 * requests waiting.
 */
export const poolLeakAnalyzer: Analyzer = {
  name: 'pool-leak',
  reads() {
    return [];
  },
  finds({ ns, seen, hints }) {
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = boundedLogLines(log.content);
      const leaked = lines.map((l, i) => ({ l, i })).filter(({ l }) => NOT_RELEASED.test(l));
      if (leaked.length === 0) continue;
      // Exhausted with somebody waiting: a pool that is merely busy (`0 idle, 0 waiting`) is no wedge.
      const exhausted = lines
        .map((l, i) => ({ l, i }))
        .filter(({ l, i }) => EXHAUSTED.test(l) && i > leaked[0]!.i && Number(WAITING.exec(l)?.[1] ?? 1) > 0);
      if (exhausted.length === 0) continue;
      const last = exhausted[exhausted.length - 1]!.l;
      const waiting = exhausted
        .map(({ l }) => Number(WAITING.exec(l)?.[1] ?? Number.NaN))
        .filter((n) => n >= 0);
      const pod = String(log.args['name'] ?? '');
      const owner = podDeployment(pod);
      const out: Finding = {
        weight: 89 + (hints.some((h) => pod.startsWith(h)) ? 4 : 0),
        object: podObject(owner, pod),
        cause: `${owner ?? pod}'s pool is wedged: ${leaked.length} of its members were abandoned without being released back to the pool ("${clip(leaked[0]!.l.trim(), 160)}"), so none is free and every new request waits for one that never comes back ("${clip(last.trim(), 160)}"${waiting.length > 1 && waiting[waiting.length - 1]! > waiting[0]! ? `, the queue growing from ${waiting[0]} to ${waiting[waiting.length - 1]} waiting` : ''}); the pod stays Running and Ready, and callers in front of it time out. The members are stuck (leaked), not slow: nothing recovers until the process is restarted with a fresh pool`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(leaked[0]!.l.trim(), 200)}"`,
          `get_pod_logs ${pod}: "${clip(last.trim(), 200)}"`,
        ],
        advice: `restart ${owner ? `deployment ${owner}` : `pod ${pod}`} to recycle the pool now (a new pod starts with every member free), then stop the leak: a version that releases what it abandons, or a time limit that frees the member (and an alert on the pool's waiting count)`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
