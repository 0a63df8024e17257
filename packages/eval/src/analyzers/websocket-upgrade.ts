import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapVolumes,
  containerSections,
  type Finding,
  namespaceNames,
  outputs,
  ownerDeployment,
  ownerName,
  type Read,
} from './types.js';

/** A line about a WebSocket request. */
const WEBSOCKET = /websocket/i;
/**
 * A WebSocket request that did not become one: refused by an access log's status (400, or 426 Upgrade
 * Required) or by the server's words (no Upgrade header). Linear: fixed words.
 */
const NOT_UPGRADED =
  /" (?:400|426) \d|=> (?:400|426)\b|\b(?:no|without|missing) '?upgrade\b|upgrade required|not a websocket/i;
/** A server's own words for a request that asked for no upgrade. */
const SERVER_WORDS = /\b(?:no|without|missing) '?upgrade\b|upgrade required|not a websocket/i;
/** The path of a request line (`"GET /realtime/?noteId=x HTTP/1.1"`, `GET /hub?Token=x`). */
const REQUEST_PATH = /(?:^|["\s(])(?:GET|POST) (\/[^\s?"]{0,200})/;
/** An nginx `location` with a prefix path, or an exact one (`=`); regular expressions left out. */
const LOCATION = /\blocation\s{1,10}(?:(=|\^~)\s{1,10})?(\/[^\s{]{0,200})\s{0,10}\{/g;
/** Names of the namespaces and workloads that front others: proxies, gateways, edges, ingresses. */
const FRONT = /proxy|nginx|edge|gateway|ingress|front/;

/** The text of each location block of an nginx configuration, with its path (braces counted). */
export function nginxLocations(text: string): { path: string; exact: boolean; block: string }[] {
  const out: { path: string; exact: boolean; block: string }[] = [];
  const t = text.slice(0, 100_000);
  for (const m of t.matchAll(LOCATION)) {
    const open = m.index! + m[0].length;
    let depth = 1;
    let i = open;
    for (; i < t.length && depth > 0; i++) {
      if (t[i] === '{') depth++;
      else if (t[i] === '}') depth--;
    }
    out.push({ path: m[2]!, exact: m[1] === '=', block: t.slice(open, i - 1) });
  }
  return out;
}

/** Whether the headers a location sends carry `name` (its own `proxy_set_header`s, else the inherited ones). */
function sends(text: string, block: string, name: string): boolean {
  const header = new RegExp(`proxy_set_header\\s{1,10}${name}\\b`, 'i');
  // nginx inherits proxy_set_header from the level above only when the location sets none of its own.
  if (/proxy_set_header/i.test(block)) return header.test(block);
  let outside = text.slice(0, 100_000);
  for (const l of nginxLocations(outside)) outside = outside.replace(l.block, '');
  return header.test(outside);
}

/**
 * A reverse proxy that does not pass the WebSocket handshake on: `Upgrade` and `Connection` are
 * hop-by-hop headers, which nginx does not forward to the proxied server, so a location that proxies
 * WebSocket requests must set them itself (`proxy_http_version 1.1; proxy_set_header Upgrade
 * $http_upgrade; proxy_set_header Connection "upgrade";`, nginx.org "WebSocket proxying"). Without them
 * the server behind it gets a plain request and refuses the WebSocket (400, or its own "no Upgrade
 * header"), while ordinary pages through the same proxy work. Found from a log that shows a WebSocket
 * request refused, the path it asked for, and the proxy's configuration (a ConfigMap its pod mounts).
 */
export const websocketUpgradeAnalyzer: Analyzer = {
  name: 'websocket-upgrade',
  first: true,
  reads(ctx) {
    if (!refused(ctx)) return [];
    const reads: Read[] = [];
    const proxies = proxyPods(ctx);
    for (const p of proxies)
      for (const name of p.configMaps)
        if (!configText(ctx, p.namespace, name))
          reads.push({
            tool: 'describe_resource',
            args: { kind: 'ConfigMap', name, namespace: p.namespace },
          });
    if (proxies.length > 0) return reads.slice(0, 2);
    // No proxy in the namespace: the one in front may be in a namespace named for it (`edge`, `ingress`).
    for (const other of namespaceNames(ctx.seen)
      .filter((n) => n !== ctx.ns && FRONT.test(n))
      .slice(0, 2)) {
      const listed = outputs(
        ctx.seen,
        'list_pods',
        (o) => o.args['namespace'] === other && !o.args['labelSelector'],
      ).pop();
      if (!listed) {
        reads.push({ tool: 'list_pods', args: { namespace: other } });
        continue;
      }
      const owners = new Set<string>();
      for (const r of parseTable(listed.content)) {
        const name = r['NAME'] ?? '';
        if (r['STATUS'] !== 'Running' || owners.has(ownerName(name)) || owners.size >= 2) continue;
        owners.add(ownerName(name));
        if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === name).length)
          reads.push({ tool: 'describe_pod', args: { namespace: other, name } });
      }
    }
    return reads.slice(0, 2);
  },
  finds(ctx) {
    const r = refused(ctx);
    if (!r) return [];
    for (const p of proxyPods(ctx)) {
      for (const name of p.configMaps) {
        const text = configText(ctx, p.namespace, name);
        if (!text || !/proxy_pass/.test(text)) continue;
        const locations = nginxLocations(text);
        const path = r.path ?? '/';
        const at = locations
          .filter((l) => (l.exact ? path === l.path : path.startsWith(l.path) || `${path}/` === l.path))
          .sort((a, b) => b.path.length - a.path.length)[0];
        if (!at || !/proxy_pass/.test(at.block)) continue;
        const upgrade = sends(text, at.block, 'Upgrade');
        const connection = sends(text, at.block, 'Connection');
        if (upgrade && connection) continue;
        const missing = [
          ...(upgrade ? [] : ['proxy_set_header Upgrade $http_upgrade']),
          ...(connection ? [] : ['proxy_set_header Connection "upgrade"']),
        ];
        const version = /proxy_http_version\s{1,10}1\.1/.test(at.block);
        const who = p.owner ? `deployment ${p.owner}` : `pod ${p.pod}`;
        const out: Finding = {
          weight: 92,
          object: `${p.owner ? `deployment ${p.owner}` : `pod ${p.pod}`}${p.namespace !== ctx.ns ? ` in ${p.namespace}` : ''} (${p.owner ? `pod ${p.pod}` : 'nginx'})`,
          cause: `the proxy ${p.owner ?? p.pod}${p.namespace !== ctx.ns ? ` in namespace ${p.namespace}` : ''} does not pass the WebSocket upgrade on: ${r.path ? `requests for ${r.path} fall to` : 'its'} location ${at.path} of its nginx configuration (ConfigMap ${name}), which proxies them without ${missing.join(' and ')}${version ? '' : ' (nor proxy_http_version 1.1)'}, and nginx does not forward the hop-by-hop Upgrade and Connection headers by itself, so the server behind it gets a plain HTTP request and refuses the WebSocket ("${clip(r.line.trim(), 180)}"); ordinary pages through the same proxy work, and the load on the server is not the cause`,
          evidence: [
            `${r.tool} ${r.pod}: "${clip(r.line.trim(), 200)}"`,
            `describe_resource ConfigMap ${name}: location ${at.path} sets no ${missing.map((m) => m.split(' ').slice(0, 2).join(' ')).join(', no ')}`,
          ],
          advice: `in ${who}'s ConfigMap ${name}, add to location ${at.path}: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade"; then reload or restart the proxy pods; scaling the server out would not help`,
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};

/**
 * The refused WebSocket request in the namespace's logs: the server's own words for it when a line has
 * them (`request without 'Upgrade: websocket' header`), else the first refusal (a 400 in an access line),
 * with the request's path when a line gives it.
 */
function refused(ctx: AnalyzerContext) {
  let found: { pod: string; line: string; tool: string; path?: string } | undefined;
  let worded = false;
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    for (const l of boundedLogLines(o.content)) {
      if (!WEBSOCKET.test(l) || !NOT_UPGRADED.test(l)) continue;
      const path = REQUEST_PATH.exec(l)?.[1];
      const words = SERVER_WORDS.test(l);
      if (!found || (words && !worded)) {
        found = {
          pod: String(o.args['name'] ?? ''),
          line: l,
          tool: 'get_pod_logs',
          ...(found?.path ? { path: found.path } : {}),
        };
        worded = words;
      }
      if (path && !found.path) found.path = path;
    }
  }
  return found;
}

/**
 * Described pods that run nginx, with the ConfigMaps they mount and their Deployment: those of the
 * namespace, else those of the other namespaces read.
 */
function proxyPods(ctx: AnalyzerContext) {
  const nginx = outputs(ctx.seen, 'describe_pod')
    .filter((d) => containerSections(d.content).some((c) => /^\s+Image:\s+\S{0,200}nginx/m.test(c.body)))
    .map((d) => ({
      pod: String(d.args['name'] ?? ''),
      namespace: String(d.args['namespace'] ?? ctx.ns),
      owner: ownerDeployment(d.content),
      configMaps: configMapVolumes(d.content),
    }));
  const here = nginx.filter((p) => p.namespace === ctx.ns);
  return here.length > 0 ? here : nginx;
}

/** The read text of ConfigMap `name` in `namespace` (`describe_resource` or `get_resource`). */
function configText(ctx: AnalyzerContext, namespace: string, name: string): string | undefined {
  const of = (tool: string) =>
    outputs(
      ctx.seen,
      tool,
      (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === namespace,
    );
  return [...of('describe_resource'), ...of('get_resource')].pop()?.content;
}
