import { type Analyzer, clip, outputs } from './types.js';

/** A rate limiter saying it refused a client over its limit (`ratelimit: key=… exceeded, answering 429`). */
const LIMITED = /rate[ _-]?limit/i;
const REFUSED = /\bexceeded\b|\blimited\b|\b429\b|too many requests/i;
/** An access-log line answered with success (`"GET /v2/quotes …" 200`). */
const SERVED = /"\s(?:2\d\d)\s|\s(?:200|201|202|204)\s\d/;
/** The client the limiter names: an API key, a client id, an address. */
const CLIENT = /\b(?:key|api[_-]?key|client(?:[_-]id)?|consumer|ip)=([\w.:-]{1,80})/i;

/**
 * HTTP 429 answered by the service's own rate limiter, as designed: its log says it limited one
 * client (an API key over its plan's quota) while it serves the other clients' requests. 429 Too Many
 * Requests is the answer a limiter gives a client that sends too many requests (RFC 6585, section 4),
 * with Retry-After saying when to try again: the API is up and protecting itself, and the fix, if
 * any, is the client's rate or its quota, not the cluster.
 */
export const rateLimiterByDesignAnalyzer: Analyzer = {
  name: 'rate-limiter-by-design',
  reads() {
    return [];
  },
  finds() {
    return [];
  },
  notes({ seen, ns, task }) {
    if (!/\b429\b|too many requests|rate[ -]?limit/i.test(task.slice(0, 4000))) return [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const lines = o.content.slice(-200_000).split('\n');
      const limited = lines.find((l) => l.length <= 2000 && LIMITED.test(l) && REFUSED.test(l));
      if (!limited) continue;
      const served = lines.find((l) => l.length <= 2000 && SERVED.test(l) && !/\b429\b/.test(l));
      if (!served) continue;
      const clients = new Set(
        lines
          .filter((l) => l.length <= 2000 && /\b429\b/.test(l))
          .map((l) => CLIENT.exec(l)?.[1])
          .filter(Boolean),
      );
      const client = CLIENT.exec(limited)?.[1];
      const summary = lines.find(
        (l) => l !== limited && l.length <= 2000 && LIMITED.test(l) && /summary|under limit|keys?\b/i.test(l),
      );
      const pod = String(o.args['name'] ?? '');
      return [
        `The 429 answers come from the service's own rate limiter, working as designed: pod ${pod} logs "${clip(limited.trim(), 160)}"${summary ? ` and "${clip(summary.trim(), 140)}"` : ''}. It limits ${client ? `the client ${client}` : clients.size === 1 ? `the one client ${[...clients][0]}` : 'the clients over their quota'} (429 Too Many Requests with Retry-After tells it to slow down) and keeps serving the others ("${clip(served.trim(), 120)}"), so the API is not down and nothing in the cluster is broken: no action is needed here. The client has to stay within its quota (back off on 429, or agree a higher limit); raising the limit is a decision about that client's plan, not a fix.`,
      ];
    }
    return [];
  },
};
