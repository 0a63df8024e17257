import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  outputs,
  type Read,
} from './types.js';

// A client that got its Redis address from Sentinel and cannot reach it.
const REFUSED_IP = /dial tcp (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}):(\d{1,5})/;
// A Sentinel endpoint in a client's environment: <service>.<namespace>.svc[.cluster.local]:26379
const SENTINEL_HOST =
  /\b([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc(?:\.cluster\.local)?:26379\b/;

interface Stale {
  pod: string;
  line: string;
  ip: string;
  service: string;
  namespace: string;
}

/** Clients whose log shows a failed dial to an address Sentinel gave, with the Sentinel their environment names. */
function staleClients(ctx: AnalyzerContext): Stale[] {
  const out: Stale[] = [];
  for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
    const line = log.content
      .slice(-200_000)
      .split('\n')
      .find((l) => /sentinel/i.test(l) && REFUSED_IP.test(l));
    if (!line) continue;
    const pod = String(log.args['name'] ?? '');
    const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
    const env = d ? containerSections(d.content).flatMap((c) => envOf(c.body)) : [];
    const m = env.map((e) => SENTINEL_HOST.exec(e.value)).find((x) => x !== null);
    if (!m) continue;
    out.push({ pod, line, ip: REFUSED_IP.exec(line)![1]!, service: m[1]!, namespace: m[2]! });
  }
  return out;
}

/**
 * Redis clients failing on an address Redis Sentinel handed them that no pod has any more: Sentinel
 * records the master and replicas by IP (unless `resolve-hostnames` and `announce-hostnames` are on), so
 * after the Redis pods were recreated with new IPs (a drain, a node replacement) the sentinels keep
 * reporting the old master, cannot agree on a failover, and give clients a dead address while Redis
 * itself runs. Restarting the sentinels makes them discover the current master again.
 * https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/ (IP addresses and DNS names)
 */
export const sentinelStaleAnalyzer: Analyzer = {
  name: 'sentinel-stale',
  reads(ctx): Read[] {
    const s = staleClients(ctx)[0];
    if (!s) return [];
    const listed = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === s.namespace);
    return listed.length ? [] : [{ tool: 'list_pods', args: { namespace: s.namespace } }];
  },
  finds(ctx) {
    for (const s of staleClients(ctx)) {
      const rows = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === s.namespace).flatMap((o) =>
        parseTable(o.content),
      );
      if (rows.length === 0 || rows.some((r) => r['IP'] === s.ip)) continue;
      // The sentinels' Deployment: pods named after the Service (`<service>-<hash>-<id>`).
      const sentinel = rows.find((r) => (r['NAME'] ?? '').startsWith(`${s.service}-`))?.['NAME'];
      const deployment = sentinel && /^(.+)-[a-z0-9]{5,10}-[a-z0-9]{5}$/.exec(sentinel)?.[1];
      const redis = rows.filter(
        (r) => !(r['NAME'] ?? '').startsWith(`${s.service}-`) && /redis/i.test(r['NAME'] ?? ''),
      );
      const out: Finding = {
        weight: 93,
        object: deployment
          ? `deployment ${deployment} (namespace ${s.namespace})`
          : `Sentinel ${s.service}.${s.namespace}`,
        cause: `Redis Sentinel (${s.service} in ${s.namespace}) hands clients a stale master address: ${s.pod} dials ${s.ip} ("${clip(s.line.trim(), 140)}"), which no pod in ${s.namespace} has now${
          redis.length
            ? ` (the Redis pods run at ${redis.map((r) => `${r['NAME']} ${r['IP']}`).join(', ')})`
            : ''
        }. Sentinel records the master and replicas by IP, so after the Redis pods were recreated with new addresses the sentinels keep the old IPs, report the master down and cannot fail over, while Redis itself runs`,
        evidence: [
          `get_pod_logs ${s.pod}: "${clip(s.line.trim(), 140)}"`,
          `list_pods ${s.namespace}: no pod has ${s.ip}`,
        ],
        advice: `restart the sentinels so they discover the current master from the Redis Service (and enable resolve-hostnames / announce-hostnames so a pod's new IP does not strand them again)`,
        ...(deployment
          ? {
              fix: {
                tool: 'restart_deployment',
                args: { namespace: s.namespace, name: deployment },
                text: `restart deployment ${s.namespace}/${deployment}: the sentinels start again and learn the master's current address`,
              },
            }
          : {}),
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
