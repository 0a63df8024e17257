import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
} from './types.js';
import { configText, frontProxyReads, nginxLocations, proxyPods } from './websocket-upgrade.js';

/** A program whose client went away before the answer was written (Jetty's, Node's, Go's words). */
const CLIENT_GONE =
  /client closed connection|broken pipe|EofException|ECONNRESET.{0,40}(?:client|request)|client disconnected|context canceled/i;
/** nginx giving up on the upstream's answer (its error log). */
const UPSTREAM_TIMED_OUT = /upstream timed out \(110: Connection timed out\) while reading response header/;
/** nginx's default proxy_read_timeout (nginx docs, ngx_http_proxy_module). */
const DEFAULT_READ_TIMEOUT = '60s';

/** Seconds of an nginx time (`30s`, `2m`, `90`, `1m30s`); NaN when it is none. */
export function nginxSeconds(text: string): number {
  const m = /^(?:(\d{1,5})h)?(?:(\d{1,5})m(?!s))?(?:(\d{1,6})s?)?$/.exec(text.trim());
  if (!m || text.trim() === '') return Number.NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The proxy_read_timeout a location gets: its own, else the first enclosing level's, else nginx's 60s. */
export function readTimeout(node: ReturnType<typeof nginxLocations>[number]['node']): string {
  for (let b: typeof node | undefined = node; b; b = b.parent) {
    const m = /(?:^|\n)\s*proxy_read_timeout\s{1,10}(\S{1,20});/.exec(b.own);
    if (m) return m[1]!;
  }
  return DEFAULT_READ_TIMEOUT;
}

/** The first line of the namespace's logs that says the client went away, with its pod. */
function clientGone({ ns, seen }: AnalyzerContext) {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
    const line = boundedLogLines(o.content).find((l) => l.length <= 4000 && CLIENT_GONE.test(l));
    if (line) return { pod: String(o.args['name'] ?? ''), line };
  }
  return undefined;
}

/**
 * A reverse proxy that stops waiting before the program answers: nginx waits at most
 * `proxy_read_timeout` (60 s by default) for the upstream's response, then answers 504 and closes the
 * connection, so a request that takes longer (a document conversion) fails at the proxy while the
 * program goes on working and finds its client gone when it writes the answer ("Broken pipe"); quick
 * requests through the same proxy work. Found from the program's log (the client gone), the proxy in
 * front of it (in the namespace or one named for it), the location that passes to the program's
 * Service and its timeout, and the proxy's own "upstream timed out" lines.
 */
export const proxyReadTimeoutAnalyzer: Analyzer = {
  name: 'proxy-read-timeout',
  reads(ctx) {
    return clientGone(ctx) ? frontProxyReads(ctx) : [];
  },
  finds(ctx) {
    const gone = clientGone(ctx);
    if (!gone) return [];
    for (const p of proxyPods(ctx)) {
      const timedOut = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === p.pod)
        .flatMap((o) => boundedLogLines(o.content))
        .find((l) => UPSTREAM_TIMED_OUT.test(l));
      for (const name of p.configMaps) {
        const text = configText(ctx, p.namespace, name);
        if (!text) continue;
        // The location that passes to a Service of the program's namespace (`http://app.docs.svc…`).
        const loc = nginxLocations(text).find((l) =>
          new RegExp(`proxy_pass\\s{1,10}https?://[a-z0-9-]{1,63}\\.${ctx.ns}(?:\\.svc)?[.:/;]`).test(
            l.block,
          ),
        );
        if (!loc) continue;
        const timeout = readTimeout(loc.node);
        const seconds = nginxSeconds(timeout);
        if (!(seconds > 0)) continue;
        const out: Finding = {
          weight: 89,
          object: `${p.owner ? `deployment ${p.owner}` : `pod ${p.pod}`}${p.namespace !== ctx.ns ? ` in ${p.namespace}` : ''} (proxy)`,
          cause: `the proxy ${p.owner ?? p.pod}${p.namespace !== ctx.ns ? ` in namespace ${p.namespace}` : ''} gives up after its proxy_read_timeout of ${timeout}${timeout === DEFAULT_READ_TIMEOUT ? " (nginx's default)" : ` (location ${loc.path} of ConfigMap ${name})`}: requests that take longer than ${seconds} seconds get a 504 from the proxy${timedOut ? ` ("${clip(timedOut.trim(), 140)}")` : ''}, while the program goes on working and finds the client gone when it answers ("${clip(gone.line.trim(), 140)}" in ${gone.pod}); quick requests through the same proxy work. The program is not crashing and has memory; it is slower than the proxy waits`,
          evidence: [
            `describe_resource ConfigMap ${name}: location ${loc.path} proxy_read_timeout ${timeout}`,
            ...(timedOut ? [`get_pod_logs ${p.pod}: "${clip(timedOut.trim(), 200)}"`] : []),
            `get_pod_logs ${gone.pod}: "${clip(gone.line.trim(), 200)}"`,
          ],
          advice: `raise proxy_read_timeout (and proxy_send_timeout) in location ${loc.path} of ConfigMap ${name} above the longest request (for example to ${Math.max(300, seconds * 10)}s) and reload the proxy, or make the long request asynchronous (start it, then poll)`,
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};
