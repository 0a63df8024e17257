import { envOf } from './env-values.js';
import { perSeen } from './memo.js';
import { bypassesProxy } from './no-proxy-cluster.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
} from './types.js';

/** A request that got no answer (a dial that timed out, a network it cannot reach). */
const TIMEOUT =
  /\b(?:i\/o timeout|timed out|context deadline exceeded|ETIMEDOUT|network is unreachable|connect timeout)/i;
/** The host of the first https:// URL of a line. */
const HTTPS_HOST = /https:\/\/([\w.-]{1,253})/;

/** A line that reports an https:// request without an answer, and the host it asked. */
function timedOutHttps(line: string): string | undefined {
  if (line.length > 4000 || !line.includes('https://') || !TIMEOUT.test(line)) return undefined;
  return HTTPS_HOST.exec(line)?.[1]?.toLowerCase();
}

interface Missing {
  pod: string;
  owner?: string;
  container: string;
  line: string;
  http: string;
  /** Another workload of the namespace that sets HTTPS_PROXY, and its value. */
  peer?: { name: string; value: string };
}

const HTTPS_NAMES = new Set(['HTTPS_PROXY', 'https_proxy']);
const HTTP_NAMES = new Set(['HTTP_PROXY', 'http_proxy']);

function missing(ctx: AnalyzerContext): Missing | undefined {
  return perSeen(ctx.seen, ['httpsProxyMissing', ctx.ns], () => {
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns);
    for (const log of outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns)) {
      const pod = String(log.args['name'] ?? '');
      const line = boundedLogLines(log.content).find((l) => timedOutHttps(l) !== undefined);
      // Through a proxy the dial is the proxy's (`proxyconnect tcp: …`): that is the proxy's trouble.
      if (!line || /\bproxyconnect\b/.test(line)) continue;
      const host = timedOutHttps(line)!;
      const d = described.filter((o) => o.args['name'] === pod).pop();
      if (!d) continue;
      for (const c of containerSections(d.content.slice(0, 100_000)).filter((x) =>
        log.args['container'] ? x.name === log.args['container'] : !x.init,
      )) {
        // Set by reference (a ConfigMap's or Secret's key) counts as set.
        const env = envOf(c.body, true);
        const http = env.find((e) => HTTP_NAMES.has(e.name));
        if (!http || env.some((e) => HTTPS_NAMES.has(e.name))) continue;
        // A host NO_PROXY exempts goes direct by design.
        const noProxy = env.find((e) => e.name === 'NO_PROXY' || e.name === 'no_proxy')?.value;
        if (noProxy && bypassesProxy(host, noProxy.slice(0, 4000))) continue;
        // Another pod of the namespace (another workload) that sets the variable this one lacks.
        let peer: Missing['peer'];
        for (const o of described) {
          const other = ownerDeployment(o.content) ?? String(o.args['name'] ?? '');
          if (o.args['name'] === pod || other === ownerDeployment(d.content)) continue;
          const v = containerSections(o.content.slice(0, 100_000))
            .flatMap((x) => envOf(x.body))
            .find((e) => HTTPS_NAMES.has(e.name));
          if (v) {
            peer = { name: other, value: v.value };
            break;
          }
        }
        const owner = ownerDeployment(d.content);
        return {
          pod,
          ...(owner ? { owner } : {}),
          container: c.name,
          line: line.trim(),
          http: http.value,
          ...(peer ? { peer } : {}),
        };
      }
    }
    return undefined;
  });
}

/**
 * A container that sets HTTP_PROXY but not HTTPS_PROXY and times out calling an https:// URL: Go's
 * net/http (`ProxyFromEnvironment`), curl and Python's requests take the proxy for https:// requests from
 * HTTPS_PROXY only, so those requests go direct, and where the way out is through the proxy they get no
 * answer. A values split or a copied manifest that kept one of the two variables does this.
 */
export const httpsProxyMissingAnalyzer: Analyzer = {
  name: 'https-proxy-missing',
  reads: () => [],
  finds(ctx): Finding[] {
    const m = missing(ctx);
    if (!m) return [];
    const value = m.peer?.value ?? m.http;
    return [
      {
        weight: 88,
        object: m.owner ? `deployment ${m.owner} (pod ${m.pod})` : `pod ${m.pod}`,
        cause: `the ${m.container} container sets HTTP_PROXY (${clip(m.http, 100)}) but no HTTPS_PROXY, and its https:// request times out ("${clip(m.line, 220)}"): programs take the proxy for https:// URLs from HTTPS_PROXY only (Go's net/http, curl, Python requests), so this request goes out directly instead of through the proxy and gets no answer where the way out is the proxy${m.peer ? `; ${m.peer.name} in the same namespace sets HTTPS_PROXY=${clip(m.peer.value, 100)}` : ''}`,
        evidence: [
          `describe_pod ${m.pod}: HTTP_PROXY=${clip(m.http, 100)}, no HTTPS_PROXY`,
          `logs of ${m.pod}: "${clip(m.line, 200)}"`,
          ...(m.peer ? [`describe_pod of ${m.peer.name}: HTTPS_PROXY=${clip(m.peer.value, 100)}`] : []),
        ],
        // A value set by reference (`<set to the key …>`) is not one to copy.
        ...envFix(
          ctx.ns,
          value.startsWith('<set to') ? undefined : m.owner,
          m.container,
          [{ name: 'HTTPS_PROXY', value }],
          `set HTTPS_PROXY=${value} on ${m.owner ?? m.pod}`,
        ),
        advice: `set HTTPS_PROXY=${value} on the ${m.container} container (next to its HTTP_PROXY and NO_PROXY)`,
      },
    ];
  },
};
