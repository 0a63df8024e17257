import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapVolumes,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/** A line about a WebSocket request. */
const WEBSOCKET = /websocket/i;
/**
 * A WebSocket request that did not become one: refused by an access log's status (400, or 426 Upgrade
 * Required) or by the server's words (no Upgrade header). Linear: fixed words.
 */
const NOT_UPGRADED =
  /" (?:400|426) \d|\bno '?upgrade\b|missing '?upgrade\b|upgrade required|not a websocket/i;
/** The path of an access log's request line (`"GET /realtime/?noteId=x HTTP/1.1"`). */
const REQUEST_PATH = /"(?:GET|POST) (\/[^\s?"]{0,200})/;
/** An nginx `location` with a prefix path (exact `=` and `^~` too; regular expressions left out). */
const LOCATION = /\blocation\s{1,10}(?:(?:=|\^~)\s{1,10})?(\/[^\s{]{0,200})\s{0,10}\{/g;

/** The text of each location block of an nginx configuration, with its path (braces counted). */
export function nginxLocations(text: string): { path: string; block: string }[] {
  const out: { path: string; block: string }[] = [];
  const t = text.slice(0, 100_000);
  for (const m of t.matchAll(LOCATION)) {
    const open = m.index! + m[0].length;
    let depth = 1;
    let i = open;
    for (; i < t.length && depth > 0; i++) {
      if (t[i] === '{') depth++;
      else if (t[i] === '}') depth--;
    }
    out.push({ path: m[1]!, block: t.slice(open, i - 1) });
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
    for (const p of proxyPods(ctx))
      for (const name of p.configMaps)
        if (!configText(ctx, name))
          reads.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', name, namespace: ctx.ns } });
    return reads.slice(0, 2);
  },
  finds(ctx) {
    const r = refused(ctx);
    if (!r) return [];
    for (const p of proxyPods(ctx)) {
      for (const name of p.configMaps) {
        const text = configText(ctx, name);
        if (!text || !/proxy_pass/.test(text)) continue;
        const locations = nginxLocations(text);
        const path = r.path ?? '/';
        const at = locations
          .filter((l) => path.startsWith(l.path) || `${path}/` === l.path)
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
          object: p.owner ? `deployment ${p.owner} (pod ${p.pod})` : `pod ${p.pod}`,
          cause: `the proxy ${p.owner ?? p.pod} does not pass the WebSocket upgrade on: its nginx configuration (ConfigMap ${name}) proxies location ${at.path} without ${missing.join(' and ')}${version ? '' : ' (nor proxy_http_version 1.1)'}, and nginx does not forward the hop-by-hop Upgrade and Connection headers by itself, so the server behind it gets a plain HTTP request and refuses the WebSocket ("${clip(r.line.trim(), 180)}"); ordinary pages through the same proxy work, and the load on the server is not the cause`,
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

/** The first refused WebSocket request in the namespace's logs, with its path when an access line gives it. */
function refused(ctx: AnalyzerContext) {
  let found: { pod: string; line: string; tool: string; path?: string } | undefined;
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    for (const l of boundedLogLines(o.content)) {
      if (!WEBSOCKET.test(l) || !NOT_UPGRADED.test(l)) continue;
      const path = REQUEST_PATH.exec(l)?.[1];
      // An access line names the path; a server's refusal says why. Keep the first, fill in the path.
      if (!found) found = { pod: String(o.args['name'] ?? ''), line: l, tool: 'get_pod_logs' };
      if (path && !found.path) found.path = path;
    }
  }
  return found;
}

/** Described pods of the namespace that run nginx, with the ConfigMaps they mount and their Deployment. */
function proxyPods(ctx: AnalyzerContext) {
  return outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)
    .filter((d) => containerSections(d.content).some((c) => /^\s+Image:\s+\S{0,200}nginx/m.test(c.body)))
    .map((d) => ({
      pod: String(d.args['name'] ?? ''),
      owner: ownerDeployment(d.content),
      configMaps: configMapVolumes(d.content),
    }));
}

/** The read text of ConfigMap `name` in the namespace (`describe_resource` or `get_resource`). */
function configText(ctx: AnalyzerContext, name: string): string | undefined {
  return outputs(
    ctx.seen,
    'describe_resource',
    (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === ctx.ns,
  )
    .concat(
      outputs(
        ctx.seen,
        'get_resource',
        (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === name && o.args['namespace'] === ctx.ns,
      ),
    )
    .pop()?.content;
}
