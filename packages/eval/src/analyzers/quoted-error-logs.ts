import { type Analyzer, outputs, podListOf, type Read, runningPerWorkload } from './types.js';

/** An error the person quotes: a `snake_case_exception`, an `…Exception`/`…Error` class, or a quoted phrase of words. */
const QUOTED =
  /"([^"\n]{6,200})"|\b([a-z]{2,30}(?:_[a-z]{2,30}){1,5}_(?:exception|error))\b|\b([A-Z][A-Za-z]{2,60}(?:Exception|Error))\b/;

/**
 * When the person quotes the error their clients see and the namespace looks healthy (nothing failing,
 * so no log was read), the servers' own logs are where the quoted error is explained: one Running pod
 * of each workload of the namespace is read (at most three), as an engineer greps the servers for the
 * message. Reads only; the families that read logs conclude.
 */
export const quotedErrorLogsAnalyzer: Analyzer = {
  name: 'quoted-error-logs',
  reads({ task, ns, seen }): Read[] {
    if (!QUOTED.test(task.slice(0, 4000))) return [];
    if (outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).length > 0) return [];
    // This namespace's newest pod list, not another namespace's read before it.
    const listed = podListOf(seen, ns);
    if (!listed) return [];
    return runningPerWorkload(listed.content, 3).map((name) => ({
      tool: 'get_pod_logs',
      args: { namespace: ns, name },
    }));
  },
  finds() {
    return [];
  },
};
