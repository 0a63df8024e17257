import { type Analyzer, bonus, clip, type Finding, outputs } from './types.js';

/**
 * A Node.js program's report that its event loop is delayed or blocked (`event loop delay high p99_ms=2310`,
 * `Event loop blocked for 2400ms`), as monitors built on perf_hooks.monitorEventLoopDelay print it.
 * Bounded: the figure comes within 80 characters of the words.
 */
const LOOP = /event[ -]?loop (?:delay|lag|blocked)[^\n]{0,80}?(\d{3,6})(?:\.\d{1,3})?\s?ms/i;
const LOOP_JSON = /event[ -]?loop (?:delay|lag|blocked)[^\n]{0,80}?"(?:p99_ms|max_ms|ms)":\s?(\d{3,6})/i;
/** A synchronous call a log names (`crypto.pbkdf2Sync`, `hashPasswordSync`, `readFileSync`). */
const SYNC_CALL = /\b((?:[a-z][\w$]{0,40}\.)?[a-z][A-Za-z0-9$]{1,40}Sync)\b/g;
/** A delay past which requests and health checks wait visibly (a second). */
const BLOCKED_MS = 1000;

/**
 * A Node.js program whose event loop is blocked for seconds: Node runs all JavaScript on one thread, so
 * while a synchronous call runs (a `*Sync` API such as crypto.pbkdf2Sync, a long JSON.parse) no other
 * request is answered, health checks included; a liveness probe with a short timeout then fails and the
 * kubelet restarts the container, and requests queue behind each other (nodejs.org, "Don't Block the
 * Event Loop (or the Worker Pool)"). Found from the program's own event-loop delay reports, with the
 * synchronous calls its log names.
 */
export const eventLoopBlockedAnalyzer: Analyzer = {
  name: 'event-loop-blocked',
  reads: () => [],
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
      const lines = o.content.slice(-200_000).split('\n').slice(-5000);
      const slow = lines.filter((l) => {
        if (l.length > 4000) return false;
        const ms = Number((LOOP_JSON.exec(l) ?? LOOP.exec(l))?.[1] ?? 0);
        return ms >= BLOCKED_MS;
      });
      if (slow.length === 0) continue;
      const calls = [
        ...new Set(
          lines.filter((l) => l.length <= 4000).flatMap((l) => [...l.matchAll(SYNC_CALL)].map((m) => m[1]!)),
        ),
      ].slice(0, 3);
      const pod = String(o.args['name'] ?? '');
      const line = slow[slow.length - 1]!;
      return [
        {
          weight: 84 + bonus(pod, ctx.hints),
          // About the pod, as the log findings are: a release that brought the blocking call in is
          // then rolled back by the run signature for releases of running pods.
          object: `pod ${pod}`,
          cause: `the Node.js event loop of pod ${pod} is blocked for seconds ("${clip(line, 200)}"): Node runs all JavaScript on one thread, so while synchronous work runs${
            calls.length
              ? ` (its log names ${calls.join(', ')}, a synchronous call that holds the thread until it returns)`
              : ''
          } no other request is answered, not even the /healthz health check; the liveness probe times out and the kubelet restarts the container, and requests wait behind each other (slow or failed with 502 at the caller). It is blocking, not memory or the node`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(line, 200)}"`,
            ...(calls.length ? [`get_pod_logs ${pod}: ${calls.join(', ')}`] : []),
          ],
          advice:
            'move the work off the event loop (the asynchronous API, such as crypto.pbkdf2 instead of pbkdf2Sync, or a worker thread), or return to the release before the synchronous call came in',
        },
      ];
    }
    return [];
  },
};
