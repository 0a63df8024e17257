import { reportedClientStatus } from '../baseline/signatures/status-first.js';
import { type Analyzer, boundedLogLines, clip, type Finding, outputs, podsOf, type Read } from './types.js';
import { configText, type NginxBlock, nginxTree, proxyPods } from './websocket-upgrade.js';

/** nginx's error for a request body over client_max_body_size (it answers 413). */
const TOO_LARGE = /client intended to send too large body: (\d{1,15}) bytes/;
/** nginx's default client_max_body_size: 1m (nginx.org, ngx_http_core_module). */
const DEFAULT_LIMIT = 2 ** 20;

/** Bytes of an nginx size (`8000M`, `512k`, `2g`, plain bytes); undefined for anything else. */
export function nginxSize(value: string): number | undefined {
  const m = /^(\d{1,12})([kKmMgG]?)$/.exec(value.trim());
  if (!m) return undefined;
  const unit = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m[2]!.toLowerCase()] ?? 1;
  return Number(m[1]) * unit;
}

/** One server block: what it listens on, its names, and the client_max_body_size in force (its own or inherited). */
export interface NginxServer {
  listen: string[];
  names: string[];
  limit: number;
  limitText: string;
}

/** The server blocks of an nginx configuration with their effective client_max_body_size. */
export function nginxServers(text: string): NginxServer[] {
  const out: NginxServer[] = [];
  const own = (b: NginxBlock, directive: string): string[] =>
    [...b.own.matchAll(new RegExp(`(?:^|\\n)${directive}\\s{1,10}([^;\\n]{1,200});`, 'g'))].map((m) =>
      m[1]!.trim(),
    );
  const stack: NginxBlock[] = [nginxTree(text)];
  while (stack.length > 0) {
    const b = stack.pop()!;
    if (b.head === 'server') {
      let limitText: string | undefined;
      for (let x: NginxBlock | undefined = b; x && limitText === undefined; x = x.parent)
        limitText = own(x, 'client_max_body_size').pop();
      const limit = (limitText !== undefined ? nginxSize(limitText) : undefined) ?? DEFAULT_LIMIT;
      out.push({
        listen: own(b, 'listen'),
        names: own(b, 'server_name').flatMap((n) => n.split(/\s+/)),
        limit,
        limitText: limitText ?? '1m (the default)',
      });
    }
    for (let i = b.children.length - 1; i >= 0; i--) stack.push(b.children[i]!);
  }
  return out;
}

const gib = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/**
 * An nginx that refuses uploads with 413 because the server block that receives them caps
 * `client_max_body_size` below the body (nginx logs "client intended to send too large body: N bytes").
 * When another block for the same server name (plain HTTP, say) allows more, the blocks disagree and only the
 * requests through the smaller one fail: a switch from http:// to https:// moves uploads onto it. Found from
 * the error line and the configuration in the nginx pod's ConfigMap.
 */
export const nginxBodySizeAnalyzer: Analyzer = {
  name: 'nginx-body-size',
  reads(ctx): Read[] {
    const logged = outputs(ctx.seen, 'get_pod_logs', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns).find(
      (o) => TOO_LARGE.test(o.content.slice(-200_000)),
    );
    if (!logged) {
      // The person reports a 413: the logs of the pods that front the namespace (a gateway, a proxy) say why.
      if (reportedClientStatus(ctx.task) !== '413') return [];
      const pods = podsOf(ctx.seen, ctx.ns);
      if ('read' in pods) return [pods.read];
      return pods.rows
        .filter((r) => r['STATUS'] === 'Running' && /nginx|gateway|proxy|edge|ingress/.test(r['NAME'] ?? ''))
        .filter((r) => !outputs(ctx.seen, 'get_pod_logs', (x) => x.args['name'] === r['NAME']).length)
        .slice(0, 2)
        .map((r) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: r['NAME'] } }));
    }
    const pod = String(logged.args['name'] ?? '');
    if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).length)
      return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } }];
    const reads: Read[] = [];
    for (const p of proxyPods(ctx).filter((x) => x.pod === pod))
      for (const name of p.configMaps)
        if (!configText(ctx, p.namespace, name))
          reads.push({
            tool: 'describe_resource',
            args: { kind: 'ConfigMap', name, namespace: p.namespace },
          });
    return reads.slice(0, 2);
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const line = boundedLogLines(o.content).find((l) => TOO_LARGE.test(l));
      if (!line) continue;
      const body = Number(TOO_LARGE.exec(line)![1]);
      const host = /\bserver: ([A-Za-z0-9.*_-]{1,253})/.exec(line)?.[1];
      const pod = String(o.args['name'] ?? '');
      for (const p of proxyPods(ctx).filter((x) => x.pod === pod)) {
        for (const map of p.configMaps) {
          const text = configText(ctx, p.namespace, map);
          if (!text) continue;
          const servers = nginxServers(text).filter(
            (s) => !host || s.names.length === 0 || s.names.includes(host),
          );
          const refusing = servers.filter((s) => s.limit < body);
          if (refusing.length === 0) continue;
          const allowing = servers.filter((s) => s.limit >= body);
          const where = (s: NginxServer) => (s.listen.length ? `listen ${s.listen.join(', ')}` : 'no listen');
          const r = refusing[0]!;
          const a = allowing[0];
          return [
            {
              weight: 90,
              object: `configmap ${map} (nginx in ${p.owner ?? pod})`,
              cause: `nginx refuses the upload with 413: the server block${host ? ` for ${host}` : ''} with ${where(r)} sets client_max_body_size ${r.limitText}, below the ${body}-byte body (${gib(body)}) it was sent ("${clip(line.trim(), 140)}")${a ? `, while the block with ${where(a)} allows ${a.limitText}: the two blocks differ, so only requests through the first one fail` : ''}`,
              evidence: [
                `get_pod_logs ${pod}: "${clip(line.trim(), 160)}"`,
                `describe_resource ConfigMap ${map}: ${servers.map((s) => `server ${where(s)}: client_max_body_size ${s.limitText}`).join('; ')}`,
              ],
              advice: `raise client_max_body_size in the block with ${where(r)} to ${a ? `${a.limitText}, as the other block has` : 'above the largest upload'}, then reload nginx (its pods pick up the ConfigMap after a restart or a reload)`,
              revisionSound: true,
            },
          ];
        }
      }
    }
    return [];
  },
};
