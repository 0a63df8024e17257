import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  configMapText,
  configMapVolumes,
  type Finding,
  outputs,
  ownerDeployment,
  podConfigReads,
  podObject,
  type Read,
} from './types.js';

/**
 * nginx's ngx_http_limit_req_module rejecting a request over a zone's rate ("limiting requests, excess:
 * 0.996 by zone "api_per_client"", logged at error level; the request gets limit_req_status, 503 by
 * default). Bounded: the zone name is at most 64 characters.
 */
const LIMITING = /limiting requests, excess: [\d.]{1,12} by zone "([\w-]{1,64})"/;

interface Limited {
  pod: string;
  zone: string;
  line: string;
  count: number;
}

function limited(ctx: AnalyzerContext): Limited | undefined {
  for (const log of outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => o.args['namespace'] === ctx.ns && !o.args['previous'],
  )) {
    const lines = log.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 4000 && LIMITING.test(l));
    if (lines.length === 0) continue;
    return {
      pod: String(log.args['name']),
      zone: LIMITING.exec(lines[0]!)![1]!,
      line: lines[0]!.trim(),
      count: lines.length,
    };
  }
  return undefined;
}

/** The `limit_req_zone` rate and the `limit_req` lines of a zone in an nginx configuration text. */
function zoneConfig(text: string, zone: string): { rate: string | undefined; uses: string[] } {
  const lines = text
    .slice(0, 200_000)
    .split('\n')
    .map((l) => l.trim());
  const rate = lines
    .filter((l) => l.length <= 2000 && l.startsWith('limit_req_zone') && l.includes(`zone=${zone}:`))
    .map((l) => /\brate=(\d{1,7}r\/[sm])/.exec(l)?.[1])
    .find(Boolean);
  const uses = lines.filter(
    (l) => l.length <= 2000 && /^limit_req\s/.test(l) && new RegExp(`\\bzone=${zone}(?:[\\s;]|$)`).test(l),
  );
  return { rate, uses };
}

/**
 * A front proxy's request rate limit with no room for bursts. nginx's limit_req admits at most one
 * request per 1/rate per key (per client address, for `$binary_remote_addr`) and, without `burst`,
 * rejects every request that comes sooner at once (503 by default; nginx.org, ngx_http_limit_req_module):
 * a page that fires several API calls in parallel loses some of them, a different one on each reload,
 * while the backend is idle. Reads the proxy's ConfigMap; the finding quotes the zone's rate and the
 * `limit_req` line, and advises a burst (with nodelay).
 */
export const nginxLimitReqAnalyzer: Analyzer = {
  name: 'nginx-limit-req',
  first: true,
  reads(ctx): Read[] {
    const l = limited(ctx);
    if (!l) return [];
    return podConfigReads(ctx, l.pod, 1);
  },
  finds(ctx): Finding[] {
    const l = limited(ctx);
    if (!l) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === l.pod).pop()?.content ?? '';
    for (const cm of configMapVolumes(described)) {
      const text = configMapText(ctx.seen, cm);
      if (!text) continue;
      const { rate, uses } = zoneConfig(text, l.zone);
      if (uses.length === 0) continue;
      // The use with the least room first: one without burst, else the smallest burst.
      const room = (u: string) => Number(/\bburst=(\d{1,7})/.exec(u)?.[1] ?? 0);
      uses.sort((a, b) => room(a) - room(b));
      const burst = room(uses[0]!) > 0 ? String(room(uses[0]!)) : undefined;
      if (burst && Number(burst) >= 10) continue;
      const owner = ownerDeployment(described);
      return [
        {
          weight: 88,
          object: podObject(owner, l.pod),
          cause: `the proxy itself rejects the requests: nginx's limit_req on zone ${l.zone}${rate ? ` (rate=${rate} per client)` : ''} is applied ${burst ? `with only burst=${burst}` : 'without burst'} ("${clip(uses[0]!, 120)}" in ConfigMap ${cm}), so of the requests one client sends at once (a page's parallel API calls) all but the first within 1/rate are refused at once with 503 ("${clip(l.line, 180)}", ${l.count} in the log read), a different one each time, while the backend never sees them; it is rate limiting at the edge, not an overloaded backend`,
          evidence: [
            `get_pod_logs ${l.pod}: "${clip(l.line, 200)}"`,
            `get_resource ConfigMap ${cm}: "${clip(uses[0]!, 120)}"${rate ? `, rate=${rate}` : ''}`,
          ],
          advice: `allow bursts: limit_req zone=${l.zone} burst=20 nodelay (sized to the parallel calls a page makes), or raise the rate; scaling the backend changes nothing`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
