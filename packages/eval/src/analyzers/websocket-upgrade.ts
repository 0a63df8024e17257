import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapVolumes,
  containerSections,
  type Finding,
  isFrontName,
  namespaceNames,
  outputs,
  ownerDeployment,
  podListOf,
  type Read,
  runningPerWorkload,
} from './types.js';

/** A line about a WebSocket request. */
const WEBSOCKET = /websocket/i;
/**
 * A WebSocket request that did not become one: refused by an access log's status (400, or 426 Upgrade
 * Required) or by the server's words (no Upgrade header). Linear: fixed words.
 */
const NOT_UPGRADED =
  /" (?:400|426) \d|=> (?:400|426)\b|\b(?:no|without|missing) '?upgrade\b|upgrade required|not a websocket/i;
/** A request line with a method other than GET (`"POST /api/websocket-settings`). */
const OTHER_METHOD = /(?:^|["\s(])(?:POST|PUT|PATCH|DELETE) \//;
/** A server's own words for a request that asked for no upgrade. */
const SERVER_WORDS = /\b(?:no|without|missing) '?upgrade\b|upgrade required|not a websocket/i;
/** The path of a request line (`"GET /realtime/?noteId=x HTTP/1.1"`, `GET /hub?Token=x`). */
const REQUEST_PATH = /(?:^|["\s(])(?:GET|POST) (\/[^\s?"]{0,200})/;
/** Names of the namespaces and workloads that front others: proxies, gateways, edges, ingresses. */

/** One block of an nginx configuration: its head (`location /x`, `server`), its own directives, its blocks. */
export interface NginxBlock {
  readonly head: string;
  own: string;
  readonly children: NginxBlock[];
  readonly parent: NginxBlock | undefined;
}

/**
 * The block tree of an nginx configuration, in one pass over its first 100,000 characters: comments (`#`
 * to the end of the line) and quoted strings are skipped, `{` opens a block whose head is the last line
 * of text before it, `}` closes one, and each `;`-ended directive belongs to the block it is in.
 */
export function nginxTree(text: string): NginxBlock {
  const t = text.slice(0, 100_000);
  const root: NginxBlock = { head: '', own: '', children: [], parent: undefined };
  let cur = root;
  let stmt = '';
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (c === '#') {
      const end = t.indexOf('\n', i);
      i = end < 0 ? t.length : end - 1;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = t.indexOf(c, i + 1);
      const line = t.indexOf('\n', i + 1);
      const to = end < 0 || (line >= 0 && line < end) ? i : end;
      stmt += t.slice(i, to + 1);
      i = to;
      continue;
    }
    if (c === '{') {
      const head =
        stmt
          .split('\n')
          .filter((l) => l.trim() !== '')
          .pop()
          ?.trim() ?? '';
      const child: NginxBlock = { head, own: '', children: [], parent: cur };
      cur.children.push(child);
      cur = child;
      stmt = '';
    } else if (c === '}') {
      if (cur.parent) cur = cur.parent;
      stmt = '';
    } else if (c === ';') {
      cur.own += `${stmt.trim()};\n`;
      stmt = '';
    } else stmt += c;
  }
  return root;
}

/** The location blocks of an nginx configuration: path, exact (`=`) or prefix, own directives, and block. */
export function nginxLocations(
  text: string,
): { path: string; exact: boolean; block: string; node: NginxBlock }[] {
  const out: { path: string; exact: boolean; block: string; node: NginxBlock }[] = [];
  // Depth first, in order, without recursion (a hostile text may nest thousands of blocks).
  const stack: NginxBlock[] = [nginxTree(text)];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const m = /^location\s{1,10}(?:(=|\^~)\s{1,10})?(\/\S{0,200})$/.exec(b.head);
    if (m) out.push({ path: m[2]!, exact: m[1] === '=', block: b.own, node: b });
    for (let i = b.children.length - 1; i >= 0; i--) stack.push(b.children[i]!);
  }
  return out;
}

/**
 * Whether the headers a location sends carry `name`: its own `proxy_set_header`s, else those of the
 * first enclosing level (server, http) that sets any, as nginx inherits them only into a level that
 * sets none of its own (nginx docs, proxy_set_header).
 */
function sends(node: NginxBlock, name: string): boolean {
  const header = new RegExp(`proxy_set_header\\s{1,10}${name}\\b`, 'i');
  for (let b: NginxBlock | undefined = node; b; b = b.parent)
    if (/proxy_set_header/i.test(b.own)) return header.test(b.own);
  return false;
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
    return refused(ctx) ? frontProxyReads(ctx) : [];
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
          .sort((a, b) => Number(b.exact) - Number(a.exact) || b.path.length - a.path.length)[0];
        if (!at || !/proxy_pass/.test(at.block)) continue;
        const upgrade = sends(at.node, 'Upgrade');
        const connection = sends(at.node, 'Connection');
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
      // A handshake is a GET: a POST or PUT to a path that names websockets is an API call.
      if (!WEBSOCKET.test(l) || !NOT_UPGRADED.test(l) || OTHER_METHOD.test(l)) continue;
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
 * The reads that show the nginx proxy in front of the namespace's programs and its configuration: the
 * ConfigMaps of the described nginx pods; with none, the pods of a namespace named for a proxy (`edge`,
 * `ingress`, `gateway`), described one per workload, two at most. At most two reads at a time.
 */
export function frontProxyReads(ctx: AnalyzerContext): Read[] {
  const reads: Read[] = [];
  const proxies = proxyPods(ctx);
  for (const p of proxies)
    for (const name of p.configMaps)
      if (!configText(ctx, p.namespace, name))
        reads.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', name, namespace: p.namespace } });
  if (proxies.length > 0) return reads.slice(0, 2);
  for (const other of namespaceNames(ctx.seen)
    .filter((n) => n !== ctx.ns && isFrontName(n))
    .slice(0, 2)) {
    const listed = podListOf(ctx.seen, other);
    if (!listed) {
      reads.push({ tool: 'list_pods', args: { namespace: other } });
      continue;
    }
    for (const name of runningPerWorkload(listed.content, 2))
      if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === name).length)
        reads.push({ tool: 'describe_pod', args: { namespace: other, name } });
  }
  return reads.slice(0, 2);
}

/**
 * Described pods that run nginx, with the ConfigMaps they mount and their Deployment: those of the
 * namespace, else those of the other namespaces read.
 */
export function proxyPods(ctx: AnalyzerContext) {
  const nginx = outputs(ctx.seen, 'describe_pod')
    // nginx by its image, or by the container's name (an application image that runs nginx in front).
    .filter((d) =>
      containerSections(d.content).some(
        (c) => c.name === 'nginx' || /^\s+Image:\s+\S{0,200}nginx/m.test(c.body),
      ),
    )
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
export function configText(ctx: AnalyzerContext, namespace: string, name: string): string | undefined {
  const of = (tool: string) =>
    outputs(
      ctx.seen,
      tool,
      (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === namespace,
    );
  return [...of('describe_resource'), ...of('get_resource')].pop()?.content;
}
