import { memoByText } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  clipAround,
  type Finding,
  ORDINAL,
  outputs,
  podsOf,
  type Read,
} from './types.js';

/**
 * A program's own words for a write to its disk that does not complete: Pebble's (CockroachDB's) "write to
 * WAL file … has not completed for 70.0s (fsync pending)", "disk stall detected", etcd's "slow fdatasync"
 * (with how long it `took`) and "sync duration of 12.5s, expected less than 1s". Pebble's "write stall"
 * is flow control while memtables flush, not a disk that hangs, and is left out.
 */
const STALL =
  /\bhas not completed for (\d{1,7}(?:\.\d{1,3})?)\s?s\b|\bdisk (?:stall|stalled|is stalled)\b|\bslow fdatasync\b[^\n]{0,80}?\btook"?\s?[:=]?\s?"?(\d{1,7}(?:\.\d{1,6})?)s\b|\bsync duration of (\d{1,7}(?:\.\d{1,3})?)\s?s\b/i;
/** A member waiting on what another holds: "attempting to acquire lease (held by n2,s2)", "lease held by n2". */
const HELD_BY = /\b(?:lease|leadership|leader lease|lock)\b[^\n]{0,60}?\bheld by (n\d{1,4})\b/i;
/** Seconds a write may hang before it is a stall rather than a slow disk. */
const STALLED_AFTER = 10;
/** Sibling logs read, at most. */
const MAX_SIBLINGS = 4;

interface Facts {
  /** The latest stall line and the longest wait it states (seconds; undefined for a stall said in words). */
  readonly stall: { line: string; seconds: number | undefined } | undefined;
  /** The node a waiting line names as holder, with the line. */
  readonly heldBy: { node: string; line: string } | undefined;
}

const factsOf: (log: string) => Facts = memoByText((log) => {
  let stall: Facts['stall'];
  let heldBy: Facts['heldBy'];
  for (const line of log.slice(-200_000).split('\n')) {
    if (line.length > 4000) continue;
    const m = STALL.exec(line);
    if (m) {
      const s = m[1] ?? m[2] ?? m[3];
      const seconds = s === undefined ? undefined : Number(s);
      if (seconds === undefined || seconds >= STALLED_AFTER)
        if (!stall || (seconds ?? 0) >= (stall.seconds ?? 0)) stall = { line: line.trim(), seconds };
    }
    const h = HELD_BY.exec(line);
    if (h) heldBy = { node: h[1]!, line: line.trim() };
  }
  return { stall, heldBy };
});

/** The logged members of StatefulSet-like sets, by `<namespace>/<set>`, current logs only. */
function members(ctx: AnalyzerContext): Map<string, { ns: string; set: string; logs: Map<string, string> }> {
  const out = new Map<string, { ns: string; set: string; logs: Map<string, string> }>();
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'] && !x.args['container'])) {
    const pod = String(o.args['name'] ?? '');
    const m = ORDINAL.exec(pod);
    if (!m) continue;
    const ns = String(o.args['namespace'] ?? ctx.ns);
    const key = `${ns}/${m[1]}`;
    const entry = out.get(key) ?? { ns, set: m[1]!, logs: new Map() };
    entry.logs.set(pod, o.content);
    out.set(key, entry);
  }
  return out;
}

/**
 * One member of a replicated store whose disk stalls. A database node whose writes to its disk hang
 * (its write-ahead log's fsync does not return for tens of seconds) stays Running and Ready, but every
 * write that needs it hangs; when it holds the leases of ranges (CockroachDB's leaseholder, a leader)
 * the other members wait for it and the clients' writes time out everywhere, which looks like a network
 * split. Found from the members' logs: once a member's log shows a stall or waits on a lease another
 * node holds, the set's other members' logs are read (at most four), and the member whose log says its
 * writes have not completed for ten seconds or more is the finding, with the waiting line of another
 * member when it names that member's node (the node id its own log lines carry, `[n2,`).
 */
export const diskStallAnalyzer: Analyzer = {
  name: 'disk-stall',
  reads(ctx): Read[] {
    const out: Read[] = [];
    for (const g of members(ctx).values()) {
      const any = [...g.logs.values()].some((l) => {
        const f = factsOf(l);
        return f.stall !== undefined || f.heldBy !== undefined;
      });
      if (!any) continue;
      const listed = podsOf(ctx.seen, g.ns);
      if ('read' in listed) {
        out.push(listed.read);
        continue;
      }
      const sibs = [...new Set(listed.rows.map((r) => r['NAME'] ?? ''))].filter(
        (n) => ORDINAL.exec(n)?.[1] === g.set && !g.logs.has(n),
      );
      for (const name of sibs.slice(0, MAX_SIBLINGS))
        out.push({ tool: 'get_pod_logs', args: { namespace: g.ns, name } });
    }
    return out;
  },
  finds(ctx): Finding[] {
    const out: Finding[] = [];
    for (const g of members(ctx).values()) {
      for (const [pod, log] of g.logs) {
        const f = factsOf(log);
        if (!f.stall) continue;
        // Another member waiting on a node this member's own lines carry (`[n2,s2,…]`, `[n2]`).
        const waiting = [...g.logs]
          .filter(([p]) => p !== pod)
          .map(([p, l]) => ({ p, h: factsOf(l).heldBy }))
          .find((x) => x.h && new RegExp(`\\[${x.h.node}[,\\]]`).test(log.slice(-200_000)));
        const node = waiting?.h?.node;
        const how =
          f.stall.seconds !== undefined
            ? `its writes to disk have not completed for ${f.stall.seconds} s`
            : 'its disk stalls';
        out.push({
          weight: waiting ? 93 : 86,
          object: `pod ${pod} in ${g.ns}`,
          cause: `the disk of ${pod}${node ? ` (node ${node})` : ''} is stalled: ${how} ("${clip(f.stall.line, 180)}"), so every write that needs it hangs while the pod stays Running and Ready${waiting ? `. ${node} holds the leases (it is the leaseholder) of ranges the other members need, and they wait for it (${waiting.p}: "${clipAround(waiting.h!.line, 'held by', 160)}"), so writes to those ranges, and the heartbeats kept on them, time out across the cluster` : ''}; it is the one member's storage, not the network`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(f.stall.line, 180)}"`,
            ...(waiting
              ? [`get_pod_logs ${waiting.p}: "${clipAround(waiting.h!.line, 'held by', 160)}"`]
              : []),
          ],
          advice: `take ${pod} out of service so its leases move to healthy members (stop it, or drain its node${node ? ` / decommission ${node}` : ''}) and replace its disk or volume; check the node's storage (its volume's latency, the cloud disk's health). Restarting the other members or changing the network changes nothing`,
          revisionSound: true,
        });
      }
    }
    return out;
  },
};
