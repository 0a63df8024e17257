import { memoByText } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  ORDINAL,
  outputs,
  podsOf,
  type Read,
} from './types.js';

/**
 * The server a member replicates from, as Redis-protocol servers log it ("Connecting to MASTER
 * kv-1.kv:6379", "Reconnecting to MASTER …", "REPLICAOF kv-1.kv 6379") or in words ("replicating from
 * kv-1"). The host only: at most 253 characters of a DNS name.
 */
const MASTER =
  /\b(?:(?:re)?connecting to master|replicaof|slaveof|replicating from|replica of)\s+([a-z0-9][a-z0-9.-]{0,252})(?::\d{1,5}|\s+\d{1,5})?\b/gi;
/** Every member takes writes and replicates them on: KeyDB's `active-replica yes`, a `multi-master yes`. */
const ACTIVE = /\b(?:active[- ]replica|multi[- ]master)\b["']?\s{0,3}(?:yes|on|true|enabled)\b/i;
/** The key count a member reports, and its database when it says (`db0:keys=412877`). */
const KEYS = /\b(?:(db\d{1,5}):)?keys=(\d{1,12})\b/;
/** Sibling logs read, at most. */
const MAX_SIBLINGS = 4;

interface Facts {
  /** The host of the last master the log names, with the first line naming it. */
  readonly master: { host: string; line: string } | undefined;
  /** Every master host the log names. */
  readonly masters: ReadonlySet<string>;
  readonly active: string | undefined;
  /** The member's keys: the sum of each database's latest count (`db0:keys=…`), or its latest `keys=`. */
  readonly keys: number | undefined;
}

const factsOf: (log: string) => Facts = memoByText((log) => {
  let master: Facts['master'];
  const masters = new Set<string>();
  let active: string | undefined;
  const perDb = new Map<string, number>();
  for (const line of log.slice(-200_000).split('\n')) {
    if (line.length > 4000) continue;
    for (const m of line.matchAll(MASTER)) {
      const host = m[1]!.toLowerCase();
      masters.add(host);
      // The first line naming the master it now has (a later line naming the same one is a reconnect).
      if (master?.host !== host) master = { host, line: line.trim() };
    }
    if (active === undefined && ACTIVE.test(line)) active = line.trim();
    const k = KEYS.exec(line);
    if (k) perDb.set(k[1] ?? '', Number(k[2]));
  }
  const keys = perDb.size > 0 ? [...perDb.values()].reduce((a, b) => a + b, 0) : undefined;
  return { master, masters, active, keys };
});

interface Member {
  readonly ns: string;
  readonly pod: string;
  readonly set: string;
  readonly facts: Facts;
}

/** The logged members of StatefulSet-like sets (`<set>-<ordinal>`), by `<ns>/<pod>`, their latest log's facts. */
function loggedMembers(ctx: AnalyzerContext): Map<string, Member> {
  const out = new Map<string, Member>();
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const pod = String(o.args['name'] ?? '');
    const set = ORDINAL.exec(pod)?.[1];
    if (set === undefined) continue;
    const ns = String(o.args['namespace'] ?? ctx.ns);
    out.set(`${ns}/${pod}`, { ns, pod, set, facts: factsOf(o.content) });
  }
  return out;
}

/** The sibling a member replicates from: the master host's first label, a pod of the same set. */
function masterPod(m: Member): string | undefined {
  const first = m.facts.master?.host.split('.')[0];
  return first !== undefined && first !== m.pod && ORDINAL.exec(first)?.[1] === m.set ? first : undefined;
}

/** The pods of a set in its namespace's pod list (undefined when the list was not read). */
function setPods(ctx: AnalyzerContext, ns: string, set: string): string[] | undefined {
  const listed = podsOf(ctx.seen, ns);
  if ('read' in listed) return undefined;
  return [...new Set(listed.rows.map((r) => r['NAME'] ?? ''))].filter((n) => ORDINAL.exec(n)?.[1] === set);
}

/**
 * Members that take writes (active replica, multi-master) chained in a ring. Each member of a
 * multi-master group must replicate from every other one; when each names only one master, the next
 * in a cycle (0 from 1, 1 from 2, 2 from 0), a write on one member reaches the others only hop by hop
 * around the ring, later at each hop and not at all past a broken link, so a read through the Service
 * on another member misses what was just written and the members' key counts drift apart. Found from
 * the logs of three or more pods of one set: each names one sibling as its master, the links form one
 * cycle through every member of the set, and a log says active replication or multi-master is on.
 * Reads: once a member's log says both, its siblings' logs (at most four).
 */
export const replicationRingAnalyzer: Analyzer = {
  name: 'replication-ring',
  reads(ctx): Read[] {
    const members = loggedMembers(ctx);
    const out: Read[] = [];
    const asked = new Set<string>();
    for (const m of members.values()) {
      if (m.facts.active === undefined || masterPod(m) === undefined) continue;
      const pods = setPods(ctx, m.ns, m.set);
      if (pods === undefined) {
        if (!asked.has(`list/${m.ns}`)) {
          asked.add(`list/${m.ns}`);
          out.push({ tool: 'list_pods', args: { namespace: m.ns } });
        }
        continue;
      }
      const sibs = [masterPod(m)!, ...pods.filter((p) => p !== m.pod)].filter((p) => pods.includes(p));
      for (const name of [...new Set(sibs)].slice(0, MAX_SIBLINGS)) {
        const key = `${m.ns}/${name}`;
        if (members.has(key) || asked.has(key)) continue;
        asked.add(key);
        out.push({ tool: 'get_pod_logs', args: { namespace: m.ns, name } });
      }
    }
    return out;
  },
  finds(ctx): Finding[] {
    const members = loggedMembers(ctx);
    const done = new Set<string>();
    for (const m of members.values()) {
      const group = `${m.ns}/${m.set}`;
      if (done.has(group)) continue;
      done.add(group);
      const pods = setPods(ctx, m.ns, m.set) ?? [];
      if (pods.length < 3) continue;
      const of = pods.map((p) => members.get(`${m.ns}/${p}`));
      if (of.some((x) => x === undefined || masterPod(x) === undefined)) continue;
      const ring = of as Member[];
      // A member that names every other one as a master is the full mesh a multi-master group wants.
      const siblingsNamed = (x: Member) =>
        new Set(
          [...x.facts.masters].map((h) => h.split('.')[0]!).filter((p) => p !== x.pod && pods.includes(p)),
        ).size;
      if (ring.some((x) => siblingsNamed(x) >= pods.length - 1)) continue;
      const active = ring.map((x) => x.facts.active).find((a) => a !== undefined);
      if (active === undefined) continue;
      // One cycle through every member: follow the masters from the first, back to it in exactly n hops.
      const next = new Map(ring.map((x) => [x.pod, masterPod(x)!]));
      let at = ring[0]!.pod;
      const visited = new Set<string>();
      while (!visited.has(at) && next.has(at)) {
        visited.add(at);
        at = next.get(at)!;
      }
      if (at !== ring[0]!.pod || visited.size !== ring.length) continue;
      const links = ring.map((x) => `${x.pod} from ${next.get(x.pod)}`).join(', ');
      const keys = ring.map((x) => x.facts.keys);
      const drift =
        keys.every((k) => k !== undefined) &&
        Math.max(...(keys as number[])) > Math.min(...(keys as number[]))
          ? `; their key counts have drifted apart (${ring.map((x) => `${x.pod} ${x.facts.keys}`).join(', ')})`
          : '';
      return [
        {
          weight: 88,
          object: `StatefulSet ${m.set} in ${m.ns}`,
          cause: `${m.set}'s ${ring.length} members replicate in a ring, each from only the next one (${links}: "${clip(ring[0]!.facts.master!.line, 140)}"), while every member takes writes (active replica: "${clip(active, 140)}"). A write on one member reaches the others only hop by hop around the ring, later at each hop and not at all past a broken link, so a read through the Service on another member often misses what was just written${drift}. In a multi-master group each member must replicate from every other one (a full mesh), not from one`,
          evidence: ring.map((x) => `get_pod_logs ${x.pod}: "${clip(x.facts.master!.line, 160)}"`),
          advice: `make every member of ${m.set} replicate from all the others (each one lists every other member as a master, active replication kept on), or send reads and writes of one client to one member`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
