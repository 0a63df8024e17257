import { type Analyzer, clip, type Finding, outputs, podsOf, type Read, serviceHost } from './types.js';

/** Redis refusing a write on a replica (the READONLY error, as clients print it). */
const READ_ONLY = /You can't write against a read only replica|\bREADONLY\b/;
/** A Redis URL in a container's environment: its host. */
const REDIS_HOST = /rediss?:\/\/(?:[^@\s/]{0,200}@)?([a-z0-9][a-z0-9.-]{0,200})(?::\d{1,5})?/i;
/** Redis's log when a REPLICAOF (SLAVEOF) command turns it into a replica, and who sent it. */
const MADE_REPLICA =
  /REPLICAOF (\S{1,100}:\d{1,5}) enabled \(user request from '[^']{0,40}addr=(\S{1,60}?):\d{1,5}/;
/** An address in the private ranges (RFC 1918) or the pod network: a master there may be a real one. */
const PRIVATE = /^(?:10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|127\.)/;

/** The Service a crashing client's Redis URL names, from its description. */
function redisService(seen: Parameters<Analyzer['reads']>[0]['seen'], ns: string) {
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
    if (!READ_ONLY.test(log.content.slice(-100_000))) continue;
    const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === log.args['name']).pop();
    const host = d ? REDIS_HOST.exec(d.content)?.[1] : undefined;
    const svc = host ? serviceHost(host, true) : undefined;
    if (svc) return { ...svc, client: String(log.args['name'] ?? '') };
  }
  return undefined;
}

/**
 * A standalone Redis turned into a replica of a host outside the cluster: Redis answers REPLICAOF
 * (SLAVEOF) from any client that can connect when it has no password (`--protected-mode no`, no
 * requirepass), and a replica refuses writes (READONLY), so its clients crash on their first write.
 * A REPLICAOF from an outside address to an outside master is the pattern of attacks on exposed Redis
 * servers (a master that serves a malicious module). Found from the client's READONLY error, the
 * Redis its URL names (its log's REPLICAOF line) and that Redis's Service type.
 */
export const redisMadeReplicaAnalyzer: Analyzer = {
  name: 'redis-made-replica',
  reads({ seen, ns }): Read[] {
    const svc = redisService(seen, ns);
    if (!svc) return [];
    const listed = podsOf(seen, svc.namespace);
    if ('read' in listed) return [listed.read];
    const pod = listed.rows.find((r) => (r['NAME'] ?? '').startsWith(`${svc.service}-`))?.['NAME'];
    return [
      ...(pod ? [{ tool: 'get_pod_logs', args: { namespace: svc.namespace, name: pod } }] : []),
      { tool: 'describe_service', args: { namespace: svc.namespace, name: svc.service } },
    ];
  },
  finds({ seen, ns }) {
    const svc = redisService(seen, ns);
    if (!svc) return [];
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === svc.namespace)) {
      const line = log.content
        .slice(-200_000)
        .split('\n')
        .find((l) => l.length <= 2000 && MADE_REPLICA.test(l));
      if (!line) continue;
      const [, master, from] = MADE_REPLICA.exec(line)!;
      const outside = !PRIVATE.test(master!) || !PRIVATE.test(from!);
      const described = outputs(
        seen,
        'describe_service',
        (o) => o.args['name'] === svc.service && o.args['namespace'] === svc.namespace,
      ).pop();
      const type = described ? /^Type:\s+(\S{1,30})/m.exec(described.content)?.[1] : undefined;
      const exposed = type === 'LoadBalancer' || type === 'NodePort';
      const module = log.content
        .split('\n')
        .find((l) => l.length <= 2000 && /Module '.{1,60}' loaded from/.test(l));
      const out: Finding = {
        weight: 94,
        object: `redis ${svc.service} in ${svc.namespace}`,
        cause: `${svc.service} in namespace ${svc.namespace} is no longer a primary: a REPLICAOF command made it a replica of ${master}${outside ? ', a host outside the cluster,' : ''} ("${clip(line.trim(), 170)}"), and a replica refuses writes, so ${svc.client} crashes on its first write with READONLY. ${exposed ? `Its Service is type ${type}, so it is exposed outside the cluster, and ` : ''}Redis accepts such a command from any client that can connect when it has no password, which is how exposed Redis servers are taken over${module ? ` (its log also shows "${clip(module.trim(), 100)}", a sign of compromise)` : ''}. Nobody deployed a Redis cluster`,
        evidence: [
          `get_pod_logs ${String(log.args['name'])} (namespace ${svc.namespace}): "${clip(line.trim(), 160)}"`,
          ...(type ? [`describe_service ${svc.service}: Type ${type}`] : []),
        ],
        advice: `treat it as a security incident: take ${svc.service} off the outside (make its Service ClusterIP again), set a password (requirepass) and keep protected mode, then run REPLICAOF NO ONE and check its data and loaded modules before trusting it again`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
