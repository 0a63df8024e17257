import { errorLines, RETRIED, warningLines } from './app-errors.js';
import { type Analyzer, allPodsReady, clip, outputs, searchedLines } from './types.js';

/** A failure the program stopped retrying: the work was lost, not recovered. */
const GAVE_UP =
  /giving up|gave up|failed after \d{1,4} (?:attempts|retries|tries)|retries exhausted|max(?:imum)? retries/i;

/** The person reports errors a program logged (a burst, a spike, overnight). */
const REPORTED = /\b(?:errors?|failures?|failed|resets?|timeouts?)\b/i;

/**
 * A healthy namespace whose program logged failures it retried, none since: the failure lines a
 * search of its whole log found (they scrolled out of the tail) all say the program retried, and the
 * tail read now shows no failure or warning. A blip it rode out (a peer restarting, a network path
 * replaced for a few seconds) is not a fault to fix. A note; the search is quiet-tail-search's.
 */
export const retriedAndRecoveredAnalyzer: Analyzer = {
  name: 'retried-and-recovered',
  reads: () => [],
  finds: () => [],
  notes({ ns, seen, task }): string[] {
    if (!REPORTED.test(task.slice(0, 4000)) || allPodsReady(seen, ns) !== true) return [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
      const tail = o.content.slice(-100_000);
      if (errorLines(tail).length > 0 || warningLines(tail).length > 0) continue;
      const name = o.args['name'];
      const found = searchedLines(seen, (x) => x.args['name'] === name && x.args['namespace'] === ns)
        .filter((l) => l.length <= 4000)
        .filter((l) => errorLines(l).length > 0 || warningLines(l).length > 0);
      const failures = found.filter((l) =>
        /\b(?:db|connect\w*|connection|ECONN\w+|ETIMEDOUT|reset|refused|timeout)\b/i.test(l),
      );
      if (failures.length === 0 || !failures.every((l) => RETRIED.test(l) && !GAVE_UP.test(l))) continue;
      const last =
        tail
          .split('\n')
          .filter((l) => l.trim())
          .pop() ?? '';
      return [
        `The failures ${String(name)} logged earlier were transient: every one the search of its whole log found was retried by the program itself ("${clip(failures[0]!.trim(), 180)}"${failures.length > 1 ? `, ${failures.length} such lines` : ''}), and nothing has failed since: its log now shows normal work ("${clip(last.trim(), 160)}"). A brief blip it recovered from (the peer or the network path between them went away for seconds, such as a restart or a node's network being replaced) is not a fault: nothing is broken and no action is needed`,
      ];
    }
    return [];
  },
};
