import { type Analyzer, clip, type Finding, outputs, type Read, searchedLines } from './types.js';

/**
 * Puma's master on a worker it killed: `! Terminating timed out worker (Worker 2 failed to check in within
 * 60 seconds): 22` (Puma's cluster mode; the check-in interval is `worker_timeout`, 60 s by default, set
 * by `PUMA_WORKER_TIMEOUT` or the config file). The seconds as the group.
 */
const TIMED_OUT =
  /\bTerminating timed out worker\b[^\n]{0,120}?\bfailed to check in within (\d{1,6}) seconds\b/;
/**
 * Unicorn's master on the same: `worker=1 PID:4242 timeout (61s > 60s), killing` (its `timeout` setting).
 * The seconds allowed as the group.
 */
const UNICORN_TIMED_OUT = /\bworker=\d{1,4} PID:\d{1,9} timeout \(\d{1,6}s > (\d{1,6})s\), killing\b/;
/** Either server's kill of a worker past its timeout, and the seconds it allowed. */
function killedAfter(line: string): number | undefined {
  const m = TIMED_OUT.exec(line) ?? UNICORN_TIMED_OUT.exec(line);
  return m ? Number(m[1]) : undefined;
}
/** The search that shows the requests around each kill (those the killed worker held, and how long they took). */
const AROUND = { pattern: 'Terminating timed out worker', context: 8, maxMatches: 3 } as const;
/** A Rails request log's completion with its duration: `Completed 200 OK in 97130ms … POST /api/…`. */
const COMPLETED = /\bCompleted \d{3}\b[^\n]{0,80}?\bin (\d{1,9})ms\b/;

/**
 * Puma killing workers whose requests keep them past `worker_timeout`. In cluster mode each worker checks
 * in with the master; a worker busy long enough on slow requests (all its threads held, or one holding the
 * interpreter) misses the check-in, and the master kills it with every request it was serving, which the
 * proxy in front answers with 502s; the worker boots again and the next burst of slow requests does the
 * same. It is not memory: the kill is the master's timeout, not the kernel's OOM killer. Found from a pod's
 * log or a search of it: "Terminating timed out worker … within N seconds", with the slowest request logged
 * as taking longer than N seconds when the log shows one. Reads: a search of the log around each kill (eight
 * lines of context), which shows the requests the killed workers held. The fix moves the slow work out of the request
 * (a background job) or raises `worker_timeout` above the slowest request; more memory changes nothing.
 */
export const pumaWorkerTimeoutAnalyzer: Analyzer = {
  name: 'puma-worker-timeout',
  reads({ seen }): Read[] {
    for (const o of [...outputs(seen, 'get_pod_logs'), ...outputs(seen, 'search_pod_logs')]) {
      if (!o.content.includes('Terminating timed out worker') || !o.content.includes('failed to check in'))
        continue;
      const pod = o.args['name'];
      if (
        outputs(
          seen,
          'search_pod_logs',
          (x) => x.args['name'] === pod && x.args['pattern'] === AROUND.pattern,
        ).length
      )
        continue;
      return [
        {
          tool: 'search_pod_logs',
          args: {
            namespace: o.args['namespace'],
            name: pod,
            ...(o.args['container'] ? { container: o.args['container'] } : {}),
            ...AROUND,
          },
        },
      ];
    }
    return [];
  },
  finds({ seen }): Finding[] {
    for (const o of [...outputs(seen, 'get_pod_logs'), ...outputs(seen, 'search_pod_logs')]) {
      const pod = String(o.args['name'] ?? '');
      const lines = (
        o.tool === 'search_pod_logs'
          ? searchedLines(seen, (x) => x === o)
          : o.content.slice(-200_000).split('\n')
      ).filter((l) => l.length <= 4000);
      const killed = lines.filter((l) => killedAfter(l) !== undefined);
      if (killed.length === 0) continue;
      // The newest kill: its timeout and its line (a timeout raised since counts as raised).
      const seconds = killedAfter(killed[killed.length - 1]!)!;
      // The slowest request any log read of the pod shows, when it outlasted the timeout, with the read.
      let slowest: { line: string; ms: number; via: string } | undefined;
      const ofPod = [
        ...outputs(seen, 'get_pod_logs', (y) => y.args['name'] === pod).flatMap((x) =>
          x.content
            .slice(-200_000)
            .split('\n')
            .map((line) => ({ line, via: 'get_pod_logs' })),
        ),
        ...searchedLines(seen, (y) => y.args['name'] === pod).map((line) => ({
          line,
          via: 'search_pod_logs',
        })),
      ];
      for (const { line: l, via } of ofPod) {
        const ms = l.length <= 4000 ? Number(COMPLETED.exec(l)?.[1] ?? Number.NaN) : Number.NaN;
        if (ms > seconds * 1000 && (!slowest || ms > slowest.ms)) slowest = { line: l.trim(), ms, via };
      }
      const n = killed.length;
      return [
        {
          weight: 88,
          object: `pod ${pod}`,
          cause: `the web server's master (Puma, Unicorn) kills workers that do not check in within its worker timeout of ${seconds} seconds (worker_timeout, PUMA_WORKER_TIMEOUT; Unicorn's timeout): ${n} worker${n === 1 ? ' was' : 's were'} terminated ("${clip(killed[killed.length - 1]!.trim(), 160)}") while serving requests that ran longer than that${slowest ? ` ("${clip(slowest.line, 200)}", ${Math.round(slowest.ms / 1000)} s)` : ''}, and every request a killed worker held fails (a 502 from the proxy in front). The slow requests, several at once, keep the workers busy past the timeout; it is not memory: the master's timeout kills them, not the OOM killer`,
          evidence: [
            `${o.tool} ${pod}: "${clip(killed[killed.length - 1]!.trim(), 160)}"`,
            ...(slowest ? [`${slowest.via} ${pod}: "${clip(slowest.line, 200)}"`] : []),
          ],
          advice: `move the slow work out of the web request (a background job the request enqueues), or raise worker_timeout (PUMA_WORKER_TIMEOUT) above the slowest request, or run more workers so a burst of slow requests does not hold them all; more memory changes nothing`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
