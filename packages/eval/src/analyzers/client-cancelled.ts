import { quietLogs } from './app-errors.js';
import type { Analyzer } from './types.js';

/** An access-log line answered 499, with its request path (`"GET /api/suggest?q=li HTTP/2.0" 499 0`). */
const ANSWERED_499 =
  /"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (\/[^\s"?]{0,300})[^\s"]{0,2000} HTTP\/[\d.]{1,3}" 499 /;
/** nginx's $request_time as log formats print it (`rt=0.047`, `request_time=0.047`). */
const REQUEST_TIME = /\b(?:rt|request_time)=(\d{1,6}(?:\.\d{1,6})?)\b/;

/**
 * A healthy namespace whose proxy answers 499: that is nginx's own status for a request whose client
 * closed the connection before the answer was sent (nginx's ngx_http_request.h, NGX_HTTP_CLIENT_CLOSED_REQUEST;
 * it never goes to the client). The client gave up or cancelled, the server did not fail; when those
 * requests took a fraction of a second, no timeout was involved: the client cancelled them itself, as
 * a search-as-you-type box does with each superseded request (the Fetch API's AbortController). A note
 * only, and only where nothing fails.
 */
export const clientCancelledAnalyzer: Analyzer = {
  name: 'client-cancelled',
  reads: () => [],
  finds: () => [],
  notes({ ns, seen }): string[] {
    const logs = quietLogs(seen, ns);
    if (!logs) return [];
    for (const o of logs) {
      const lines = o.content.slice(-200_000).split('\n').slice(-5000);
      const hits = lines
        .map((l) => (l.length <= 4000 ? ANSWERED_499.exec(l) : null))
        .filter((m) => m !== null);
      if (hits.length === 0) continue;
      const byPath = new Map<string, number>();
      for (const m of hits) byPath.set(m[1]!, (byPath.get(m[1]!) ?? 0) + 1);
      const [path, count] = [...byPath].sort((a, b) => b[1] - a[1])[0]!;
      const times = hits
        .map((m) => REQUEST_TIME.exec(m.input)?.[1])
        .filter((t): t is string => t !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      const median = times.length ? times[Math.floor(times.length / 2)]! : undefined;
      const quick = median !== undefined && median < 1;
      return [
        `${String(o.args['name'])} answered 499 to ${hits.length} request(s) in the log read (${count} of them ${path}): 499 is nginx's own code for "client closed request", logged when the client closed the connection before the answer was sent; the client gave up or cancelled, the server did not fail${
          quick
            ? `. These requests had run a median of ${median} s, far below any timeout, so the clients cancelled them themselves: a page that aborts a superseded request when a newer one starts (a search-as-you-type box firing a request per keystroke and aborting the previous one with AbortController) produces exactly this`
            : ''
        }. It is expected and harmless: nothing is broken and no action is needed on the server side (to quiet the dashboard, leave 499 out of the error rate)`,
      ];
    }
    return [];
  },
};
