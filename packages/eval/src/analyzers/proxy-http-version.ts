import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  endpointAddresses,
  type Finding,
  outputs,
  type Read,
} from './types.js';
import { configText, frontProxyReads, nginxLocations, proxyPods } from './websocket-upgrade.js';

/**
 * A request over HTTP/1.0 that got no answer, in a server's or a tunnel's log (`GET /q/1 HTTP/1.0: client
 * closed the stream before the local service answered`, `HTTP/1.0 … 505`). Linear: a bounded gap.
 */
const HTTP10_UNANSWERED =
  /HTTP\/1\.0\b.{0,200}?(?:clos(?:ed|ing)\b|timed? ?out|timeout|not supported|unsupported|\b505\b|\b426\b|reset|unanswered|no response|never answered)/i;
/**
 * A request over HTTP/1.1 answered with a 2xx (`GET /q/1 HTTP/1.1: 200`, `"GET /q HTTP/1.1" 200`, `HTTP/1.1 from
 * 10.0.0.2: 200`), the status after a quote, a colon, a space or `status=`, not inside an address.
 */
const HTTP11_ANSWERED = /HTTP\/1\.1\b.{0,80}?(?:[":]\s{0,2}|status[=: ]{1,2}|\s)2\d\d\b(?![.\d])/;
/** nginx's own error-log line for a request its upstream did not answer, with the request line. */
const UPSTREAM_FAILED =
  /upstream (?:timed out|prematurely closed|sent (?:no|invalid)).{0,400}?request: "[A-Z]{3,7} (\/[^\s"?]{0,200})/;

/** The address nginx's error log gives for an upstream that did not answer (`upstream: "http://10.96.44.17:8080/q"`). */
const UPSTREAM_ADDRESS =
  /upstream (?:timed out|prematurely closed|sent (?:no|invalid)).{0,600}?upstream: "https?:\/\/(\d{1,3}(?:\.\d{1,3}){3})[:/"]/;

/**
 * The reads that reach the program behind an upstream nginx gave up on: the namespace's Services (to
 * turn the address into a Service's endpoints), its pods (to turn those into pods), then the log of the
 * first such pod. At most one read.
 */
function upstreamReads(ctx: AnalyzerContext): Read[] {
  const address = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)
    .flatMap((o) => boundedLogLines(o.content))
    .map((l) => (l.length <= 4000 ? UPSTREAM_ADDRESS.exec(l)?.[1] : undefined))
    .find((a) => a);
  if (!address) return [];
  const listed = outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === ctx.ns);
  if (listed.length === 0) return [{ tool: 'list_services', args: { namespace: ctx.ns } }];
  const services = listed.flatMap((o) => parseTable(o.content.slice(0, 200_000)));
  const row = services.find((r) => r['CLUSTER-IP'] === address);
  const endpoints = new Set(row ? endpointAddresses(row['ENDPOINTS'] ?? '') : [address]);
  const pods = outputs(
    ctx.seen,
    'list_pods',
    (o) => o.args['namespace'] === ctx.ns && !o.args['labelSelector'],
  ).flatMap((o) => parseTable(o.content.slice(0, 200_000)));
  const pod = pods.find((r) => endpoints.has(r['IP'] ?? ''))?.['NAME'];
  if (!pod || outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).length) return [];
  return [{ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: pod } }];
}

/** The first log read in the namespace with an HTTP/1.0 request left unanswered beside an HTTP/1.1 one answered. */
function versionSplit({ ns, seen }: AnalyzerContext) {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    const lines = boundedLogLines(o.content).filter((l) => l.length <= 4000);
    // A server that answers some HTTP/1.0 requests at once handles HTTP/1.0: a slow one is slow for itself.
    if (lines.some((l) => HTTP10_ANSWERED.test(l))) continue;
    const old = lines.find((l) => HTTP10_UNANSWERED.test(l));
    const ok = old && lines.find((l) => HTTP11_ANSWERED.test(l));
    if (old && ok) return { pod: String(o.args['name'] ?? ''), old, ok, refused: UPGRADE_REQUIRED.test(old) };
  }
  return undefined;
}

/** A request over HTTP/1.0 answered with a 2xx (as HTTP11_ANSWERED reads statuses). */
const HTTP10_ANSWERED = /HTTP\/1\.0\b.{0,80}?(?:[":]\s{0,2}|status[=: ]{1,2}|\s)2\d\d\b(?![.\d])/;
/** A server that refuses HTTP/1.0 at once: 426 Upgrade Required (Envoy's answer by default). */
const UPGRADE_REQUIRED = /\b426\b|upgrade required|upgrade_failed/i;

/** Whether a location (or the server or http level it inherits from) sets `proxy_http_version 1.1`. */
function speaks11(node: ReturnType<typeof nginxLocations>[number]['node']): boolean {
  for (let b: typeof node | undefined = node; b; b = b.parent) {
    const m = /(?:^|\n)\s*proxy_http_version\s{1,10}(\S{1,5});/.exec(b.own);
    if (m) return m[1] === '1.1';
  }
  return false;
}

/**
 * A reverse proxy that talks HTTP/1.0 to a server that answers only HTTP/1.1: nginx's proxy module sends
 * HTTP/1.0 unless a location (or its server or http block) sets `proxy_http_version 1.1` (nginx docs,
 * ngx_http_proxy_module), and a server or tunnel that handles only HTTP/1.1 leaves those requests
 * hanging until nginx's read timeout gives a 504, while the same request over HTTP/1.1 (a curl from a
 * shell) answers at once. Found from a log behind the proxy that shows the HTTP/1.0 requests unanswered
 * and HTTP/1.1 ones answered, and the proxy's location for the failing path (from its own "upstream timed
 * out" line) without `proxy_http_version 1.1`.
 */
export const proxyHttpVersionAnalyzer: Analyzer = {
  name: 'proxy-http-version',
  first: true,
  reads(ctx) {
    return versionSplit(ctx) ? frontProxyReads(ctx) : upstreamReads(ctx);
  },
  finds(ctx) {
    const split = versionSplit(ctx);
    if (!split) return [];
    for (const p of proxyPods(ctx)) {
      const failedPath = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === p.pod)
        .flatMap((o) => boundedLogLines(o.content))
        .map((l) => (l.length <= 4000 ? UPSTREAM_FAILED.exec(l) : null))
        .find((m) => m)?.[1];
      for (const name of p.configMaps) {
        const text = configText(ctx, p.namespace, name);
        if (!text || !/proxy_pass/.test(text)) continue;
        const proxied = nginxLocations(text).filter((l) => /proxy_pass\s/.test(l.block));
        const old = proxied.filter((l) => !speaks11(l.node));
        // The location of the failing path when the proxy's log names one; else the only one left on HTTP/1.0.
        const at = failedPath
          ? proxied
              .filter((l) => (l.exact ? failedPath === l.path : failedPath.startsWith(l.path)))
              .sort((a, b) => Number(b.exact) - Number(a.exact) || b.path.length - a.path.length)[0]
          : old.length === 1
            ? old[0]
            : undefined;
        if (!at || speaks11(at.node)) continue;
        const where = `${p.owner ?? p.pod}${p.namespace !== ctx.ns ? ` in namespace ${p.namespace}` : ''}`;
        const others = proxied.filter((l) => l !== at && speaks11(l.node)).map((l) => l.path);
        const out: Finding = {
          weight: 91,
          object: `${p.owner ? `deployment ${p.owner}` : `pod ${p.pod}`}${p.namespace !== ctx.ns ? ` in ${p.namespace}` : ''} (${p.owner ? `pod ${p.pod}` : 'nginx'})`,
          cause: `the nginx proxy ${where} sends requests for location ${at.path} upstream over HTTP/1.0 (ConfigMap ${name} sets no proxy_http_version 1.1 there${others.length > 0 ? `, while ${others.slice(0, 3).join(', ')} set it` : ''}, and nginx proxies with HTTP/1.0 by default), and what answers that path only handles HTTP/1.1: ${split.refused ? `it refuses HTTP/1.0 requests at once with 426 Upgrade Required ("${clip(split.old.trim(), 160)}" in ${split.pod}) while HTTP/1.1 requests to it are answered ("${clip(split.ok.trim(), 120)}"), so every request through that location fails` : `it does not answer HTTP/1.0 requests ("${clip(split.old.trim(), 160)}" in ${split.pod}) while HTTP/1.1 requests to it are answered at once ("${clip(split.ok.trim(), 120)}"), so nginx waits until its read timeout and returns 504. The timeout is the symptom; a longer one would not help`}`,
          evidence: [
            `get_pod_logs ${split.pod}: "${clip(split.old.trim(), 200)}"`,
            `get_pod_logs ${split.pod}: "${clip(split.ok.trim(), 200)}"`,
            `describe_resource ConfigMap ${name}: location ${at.path} has proxy_pass and no proxy_http_version 1.1`,
          ],
          advice: `add proxy_http_version 1.1; and proxy_set_header Connection ""; to location ${at.path} in ConfigMap ${name}, then reload or restart ${p.owner ?? p.pod}`,
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};
