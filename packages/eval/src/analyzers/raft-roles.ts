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
 * A replica's log line saying which Raft role it took for one partition (group, shard, tablet): Zeebe's
 * "Partition-3 transition to FOLLOWER on term 7 completed", "Partition-2 transitioning to LEADER", and
 * the like ("group 4 became follower", "shard 2 role changed to LEADER"). The number and the role only.
 */
const ROLE =
  /\b(?:partition|group|shard|tablet|region)[- _]?(\d{1,6})\b[^\n]{0,80}?\b(?:transition(?:ing|ed)? to|became|becomes|role(?: changed)? to:?|stepp(?:ed|ing) down to)\s+(leader|follower|candidate|inactive)\b/i;
/** Replicas whose logs are read, at most. */
const MAX_REPLICAS = 5;

interface Replica {
  readonly pod: string;
  /** Each partition's last role in this replica's log, with the line that says it. */
  readonly roles: ReadonlyMap<string, { role: string; line: string }>;
}

/**
 * The last role per partition that a log states (see `ROLE`); kept by log text, since every step reads
 * every log seen so far again.
 */
const rolesIn: (log: string) => ReadonlyMap<string, { role: string; line: string }> = memoByText((log) => {
  const roles = new Map<string, { role: string; line: string }>();
  for (const line of log.slice(-200_000).split('\n')) {
    if (line.length > 4000) continue;
    const m = ROLE.exec(line);
    if (m) roles.set(m[1]!, { role: m[2]!.toUpperCase(), line: line.trim() });
  }
  return roles;
});

/** The set whose replicas' logs state Raft roles: its Running pods in the list, and the roles read so far. */
function raftSet(ctx: AnalyzerContext): { set: string; pods: string[]; read: Replica[] } | undefined {
  const listed = podsOf(ctx.seen, ctx.ns);
  if ('read' in listed) return undefined;
  const logs = outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns && !o.args['previous'] && !o.args['container'],
  );
  for (const o of logs) {
    const m = ORDINAL.exec(String(o.args['name'] ?? ''));
    if (!m || rolesIn(o.content).size === 0) continue;
    const set = m[1]!;
    const pods = listed.rows
      .map((r) => r['NAME'] ?? '')
      .filter((n) => ORDINAL.exec(n)?.[1] === set)
      .filter((n) => listed.rows.find((r) => r['NAME'] === n)?.['STATUS'] === 'Running')
      .slice(0, MAX_REPLICAS);
    const read = pods.flatMap((pod) => {
      const l = logs.filter((x) => x.args['name'] === pod).pop();
      return l ? [{ pod, roles: rolesIn(l.content) }] : [];
    });
    return { set, pods, read };
  }
  return undefined;
}

/**
 * A partition that no replica leads. Raft-replicated stores (Zeebe's brokers, and others that log each
 * partition's role) serve a partition through its leader; when every replica's log last reports it as a
 * follower (or candidate, or inactive), nothing serves it, and requests routed to it time out while the
 * other partitions work. Found from the replicas' own logs: once one pod of a StatefulSet logs partition
 * roles, its sibling Running pods' logs are read (at most five), and a partition whose last role is
 * LEADER in none of them, each of them having stated a role for it, is the finding.
 */
export const raftRolesAnalyzer: Analyzer = {
  name: 'raft-roles',
  reads(ctx): Read[] {
    const s = raftSet(ctx);
    if (!s) return [];
    const read = new Set(s.read.map((r) => r.pod));
    return s.pods
      .filter((p) => !read.has(p))
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    const s = raftSet(ctx);
    if (!s || s.read.length < 2 || s.read.length < s.pods.length) return [];
    const partitions = new Set(s.read.flatMap((r) => [...r.roles.keys()]));
    const out: Finding[] = [];
    for (const p of [...partitions].sort((a, b) => Number(a) - Number(b))) {
      const roles = s.read.map((r) => ({ pod: r.pod, said: r.roles.get(p) }));
      if (roles.some((r) => !r.said) || roles.some((r) => r.said!.role === 'LEADER')) continue;
      const which = [...new Set(roles.map((r) => r.said!.role))].join(' or ');
      out.push({
        weight: 95,
        object: `partition ${p} of ${s.set}`,
        cause: `partition ${p} of ${s.set} has no leader: every replica's log last reports it as ${which}, none as LEADER (${roles.map((r) => `${r.pod}: "${clip(r.said!.line, 120)}"`).join('; ')}), so nothing serves it: requests routed to partition ${p} time out while the partitions that have a leader work`,
        evidence: roles.map((r) => `get_pod_logs ${r.pod}: "${clip(r.said!.line, 150)}"`),
        advice: `find why no replica of partition ${p} takes the lead (its replicas' logs after the last election: a lost quorum, a replica that cannot catch up, a full disk); restarting the replica that last led it starts a new election. Scaling the clients or the gateway changes nothing`,
        revisionSound: true,
      });
    }
    return out;
  },
};
