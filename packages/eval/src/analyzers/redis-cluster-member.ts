import { ageSeconds } from '../baseline/reading.js';
import { calledService, serverPods } from './dependency-side.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  describedVolumes,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/** Redis Cluster's refusal when a key's hash slot has no serving master (cluster state fail). */
const CLUSTERDOWN = /CLUSTERDOWN/;
/**
 * What a Redis Cluster node logs at start when it finds no nodes.conf (`cluster-config-file`): it makes
 * itself a new, empty node with a new id, which belongs to no cluster until it is met and given slots.
 */
const FRESH = /No cluster configuration found, I'm ([0-9a-f]{8,40})/;

interface Fresh {
  pod: string;
  namespace: string;
  line: string;
  age: string;
  failing: string | undefined;
  client: string;
  failure: string;
}

/** The server's Running pods, youngest first. */
function youngestFirst(rows: readonly Record<string, string>[]): Record<string, string>[] {
  return [...rows].sort(
    (a, b) => (ageSeconds(a['AGE'] ?? '') ?? Infinity) - (ageSeconds(b['AGE'] ?? '') ?? Infinity),
  );
}

function fresh(ctx: AnalyzerContext): Fresh | undefined {
  const t = calledService(ctx);
  if (!t?.failures.some((l) => CLUSTERDOWN.test(l))) return undefined;
  const pods = serverPods(ctx.seen, t) ?? [];
  for (const r of youngestFirst(pods)) {
    const pod = r['NAME'] ?? '';
    const log = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === t.namespace && o.args['name'] === pod && !o.args['previous'],
    ).pop()?.content;
    const line = log
      ?.slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 2000 && FRESH.test(l));
    if (!line) continue;
    // What the other members said of the node it replaced.
    const failing = pods
      .flatMap((p) =>
        outputs(
          ctx.seen,
          'get_pod_logs',
          (o) => o.args['namespace'] === t.namespace && o.args['name'] === p['NAME'],
        ).flatMap((o) => o.content.slice(-200_000).split('\n')),
      )
      .find(
        (l) =>
          l.length <= 2000 &&
          /Marking node [0-9a-f]{8,40}[^\n]{0,80} as failing|Cluster state changed: fail/.test(l),
      );
    return {
      pod,
      namespace: t.namespace,
      line: line.trim(),
      age: r['AGE'] ?? '',
      failing: failing?.trim(),
      client: t.client,
      failure: t.failures.find((l) => CLUSTERDOWN.test(l))!.trim(),
    };
  }
  return undefined;
}

/**
 * A Redis Cluster master that came back empty. Clients get CLUSTERDOWN ("Hash slot not served") for the
 * keys of the slots whose master is marked failing and has no replica to promote (redis.io, "Redis
 * cluster specification": cluster-require-full-coverage). A member recreated without its nodes.conf (its
 * /data on an emptyDir, lost with the old pod) starts as a brand-new node, "No cluster configuration
 * found", with a new id: it owns no slots and is not part of the cluster, so its predecessor's slots stay
 * unserved. Reads the server's pods' logs, the youngest first, and its description (the data volume);
 * the finding names the member, the volume and what must be done (re-add the node, move its slots).
 */
export const redisClusterMemberAnalyzer: Analyzer = {
  name: 'redis-cluster-member',
  first: true,
  reads(ctx): Read[] {
    const t = calledService(ctx);
    if (!t?.failures.some((l) => CLUSTERDOWN.test(l))) return [];
    const pods = serverPods(ctx.seen, t);
    if (!pods) return [];
    const f = fresh(ctx);
    if (f) {
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === f.pod).length;
      return described ? [] : [{ tool: 'describe_pod', args: { namespace: f.namespace, name: f.pod } }];
    }
    const young = youngestFirst(pods)[0]?.['NAME'];
    if (!young) return [];
    const read = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === t.namespace && o.args['name'] === young,
    ).length;
    return read ? [] : [{ tool: 'get_pod_logs', args: { namespace: t.namespace, name: young } }];
  },
  finds(ctx): Finding[] {
    const f = fresh(ctx);
    if (!f) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === f.pod).pop()?.content ?? '';
    const empty = describedVolumes(described).find((v) => v.type === 'EmptyDir');
    const mount = empty
      ? new RegExp(`^\\s+(\\S{1,400}) from ${empty.name} \\(rw\\)`, 'm').exec(described)?.[1]
      : undefined;
    return [
      {
        weight: 90,
        object: `pod ${f.pod} in ${f.namespace}`,
        cause: `${f.client}'s Redis calls fail with CLUSTERDOWN ("${clip(f.failure, 160)}") because one master of the Redis Cluster is gone: pod ${f.pod} (started ${f.age} ago) came back without its cluster state, "${clip(f.line, 140)}", a new empty node with a new id that is not part of the cluster and serves no slots${f.failing ? `, while the other members marked the node it replaced as failing ("${clip(f.failing, 140)}")` : ''}; its nodes.conf (the cluster config file) was lost with the old pod${empty ? ` because its data volume ${empty.name}${mount ? ` at ${mount}` : ''} is an emptyDir` : ''}, and with no replica to take over, the slots of the old master (a third of the keys with three masters) have no owner, so the cluster refuses them. It is not memory or eviction`,
        evidence: [
          `get_pod_logs ${f.pod}: "${clip(f.line, 160)}"`,
          ...(f.failing ? [`get_pod_logs (other members): "${clip(f.failing, 160)}"`] : []),
          ...(empty ? [`describe_pod ${f.pod}: volume ${empty.name} is an emptyDir`] : []),
        ],
        advice: `re-add ${f.pod} to the cluster (CLUSTER MEET, then assign the orphaned slots to it or use redis-cli --cluster fix) and restore its data; give the members persistent volumes (a StatefulSet volumeClaimTemplate for /data) and replicas so a lost pod does not take its slots with it`,
        revisionSound: true,
      },
    ];
  },
};
