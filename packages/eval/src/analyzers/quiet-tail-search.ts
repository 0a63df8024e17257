import { errorLines, warningLines } from './app-errors.js';
import { type Analyzer, allPodsReady, outputs, ownerName, type Read } from './types.js';

/** The person reports failures: an alert that fired, errors, an HTTP status, a timeout, work late or missing. */
const REPORTED_FAILURE =
  /\b(?:alert|fired|firing|paged|errors?|failing|failed|failures?|timeouts?|timed out|HTTP [45]\d\d|[45]\d\d(?:s| errors?| responses?)|late|delayed|not at all|stopped|stuck|missing)\b/i;

/** What a search of a whole log looks for when the tail shows nothing wrong: levels and failure words. */
export const FAILURE_PATTERN = 'ERROR|WARN|FATAL|Exception|fail';

/**
 * When the person reports failures, every pod of the namespace is Running and Ready, and the log tails
 * read show no failure or warning line (routine lines, health checks, pushed the failures out of the
 * tail): the whole log of each of those pods is searched for failure lines, as an engineer greps a
 * server's log for the error around the time it was reported. One pod, the first read.
 * Reads only; the families that read logs (app-errors' earlier failure lines) conclude.
 */
export const quietTailSearchAnalyzer: Analyzer = {
  name: 'quiet-tail-search',
  reads({ task, ns, seen }): Read[] {
    if (!REPORTED_FAILURE.test(task.slice(0, 4000))) return [];
    if (allPodsReady(seen, ns) !== true) return [];
    const searched = new Set(outputs(seen, 'search_pod_logs').map((o) => String(o.args['name'])));
    const owners = new Set<string>();
    const reads: Read[] = [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const pod = String(o.args['name']);
      if (searched.has(pod) || owners.has(ownerName(pod))) continue;
      const tail = o.content.slice(-100_000);
      if (/^\(no log lines/.test(tail) || errorLines(tail).length > 0 || warningLines(tail).length > 0)
        continue;
      owners.add(ownerName(pod));
      reads.push({
        tool: 'search_pod_logs',
        args: {
          namespace: ns,
          name: pod,
          ...(o.args['container'] ? { container: o.args['container'] } : {}),
          pattern: FAILURE_PATTERN,
          context: 0,
          maxMatches: 5,
        },
      });
      if (reads.length >= 1) break;
    }
    return reads;
  },
  finds() {
    return [];
  },
};
