import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
} from './types.js';

// A StatefulSet pod's DNS name: <set>-<ordinal>.<service>.<namespace>.svc
const PEER =
  /\b([a-z0-9](?:[a-z0-9-]{0,50}[a-z0-9])?)-(\d{1,4})\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc\b/;
// Words of a name that does not resolve.
const UNRESOLVED = [
  'Name or service not known',
  'no such host',
  'NXDOMAIN',
  'UnknownHostException',
  'could not resolve',
  'nodename nor servname',
];

interface Stale {
  log: ReturnType<typeof outputs>[number];
  line: string;
  set: string;
  ordinal: number;
  service: string;
  namespace: string;
}

/** Log lines naming a StatefulSet pod by DNS name that does not resolve (the first per log). */
function unresolvedPeers(ctx: AnalyzerContext): Stale[] {
  const out: Stale[] = [];
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    for (const line of log.content.slice(-200_000).split('\n')) {
      if (!UNRESOLVED.some((w) => line.includes(w))) continue;
      const m = PEER.exec(line);
      if (!m) continue;
      out.push({ log, line, set: m[1]!, ordinal: Number(m[2]), service: m[3]!, namespace: m[4]! });
      break;
    }
  }
  return out;
}

/** The replicas of a StatefulSet as `list_resources` shows them (`2/2 ready`), or undefined. */
function replicasOf(ctx: AnalyzerContext, ns: string, set: string): number | undefined {
  for (const o of outputs(
    ctx.seen,
    'list_resources',
    (x) => x.args['namespace'] === ns && /^(statefulsets?|sts)$/i.test(String(x.args['kind'])),
  )) {
    const row = parseTable(o.content).find((r) => r['NAME'] === set);
    const m = /^\d{1,4}\/(\d{1,4})\b/.exec(row?.['STATUS'] ?? row?.['READY'] ?? '');
    if (m) return Number(m[1]);
  }
  return undefined;
}

/**
 * A program that fails on a StatefulSet member that no longer exists: the name it cannot resolve
 * (`mongo-2.mongo.db.svc`) has an ordinal at or above the set's replicas, so the set was scaled down and
 * the member is gone, while a peer list (a MongoDB replica set configuration, a Kafka or ZooKeeper
 * server list) still names it. Scaling a StatefulSet down removes pods, not members: the member has to
 * be removed from the cluster's own configuration (MongoDB: rs.remove on the primary). The program's
 * image is not at fault.
 */
export const stalePeerAnalyzer: Analyzer = {
  name: 'stale-peer',
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const s of unresolvedPeers(ctx).slice(0, 1))
      if (replicasOf(ctx, s.namespace, s.set) === undefined)
        reads.push({ tool: 'list_resources', args: { kind: 'StatefulSet', namespace: s.namespace } });
    return reads;
  },
  finds(ctx) {
    for (const s of unresolvedPeers(ctx)) {
      const replicas = replicasOf(ctx, s.namespace, s.set);
      if (replicas === undefined || s.ordinal < replicas) continue;
      const pod = String(s.log.args['name'] ?? '');
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
      const owner = described ? ownerDeployment(described.content) : undefined;
      const member = `${s.set}-${s.ordinal}`;
      const listed = s.log.content
        .split('\n')
        .find((l) => l.includes(member) && /member|config|seed|servers|peers|hosts/i.test(l) && l !== s.line);
      const mongo = /mongo/i.test(`${s.set} ${s.line} ${listed ?? ''}`);
      const out: Finding = {
        weight: 93,
        object: podObject(owner, pod),
        cause: `it fails on ${member}, a member that no longer exists: StatefulSet ${s.namespace}/${s.set} runs ${replicas} replica(s) (${Array.from({ length: Math.min(replicas, 5) }, (_, i) => `${s.set}-${i}`).join(', ')}), so ${member}.${s.service} does not resolve ("${clip(s.line.trim(), 140)}"), yet it is still listed as a member${
          listed ? ` ("${clip(listed.trim(), 160)}")` : ''
        }: the set was scaled down without removing ${member} from the ${mongo ? 'replica set configuration' : "cluster's own member configuration"}, and the program tries every configured member. Its own image is not the cause`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(s.line.trim(), 140)}"`,
          `list_resources StatefulSet ${s.namespace}: ${s.set} has ${replicas} replica(s)`,
        ],
        advice: mongo
          ? `remove the stale member from the replica set configuration on the primary (rs.remove("${member}.${s.service}.${s.namespace}.svc.cluster.local:27017"), or rs.reconfig without it); a rollback of the client would not help`
          : `remove ${member} from the cluster's member configuration (or scale the StatefulSet back up); a rollback of the client would not help`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
