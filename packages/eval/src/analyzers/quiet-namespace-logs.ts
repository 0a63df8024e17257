import { errorLines, warningLines } from './app-errors.js';
import { type Analyzer, allPodsReady, namespacePods, outputs, ownerName, type Read } from './types.js';

/** The person reports failures: an alert, errors, an HTTP error status (any 4xx or 5xx), a timeout, a refusal. */
const REPORTED_FAILURE =
  /\b(?:alert|fired|firing|paged|errors?|failing|fails|failed|failures?|timeouts?|timed out|rejected|denied|[45]\d\d)\b/i;
/** Workloads whose logs are read at most, one pod each. */
const MAX_OWNERS = 3;

/**
 * When the person reports failures and every pod of the namespace is Running and Ready, but the logs
 * read so far (the workload the task names) show no failure or warning line: one Running pod of each
 * other workload of the namespace is read (at most three), since the failure the person sees may be
 * logged by the component in front of or behind the one they name (a gateway that rejects the
 * requests, a worker that fails the jobs). Reads only; the families that read logs conclude.
 */
export const quietNamespaceLogsAnalyzer: Analyzer = {
  name: 'quiet-namespace-logs',
  reads(ctx): Read[] {
    const { task, ns, seen } = ctx;
    if (!REPORTED_FAILURE.test(task.slice(0, 4000))) return [];
    if (allPodsReady(seen, ns) !== true) return [];
    const logs = outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous']);
    if (logs.length === 0) return [];
    for (const o of logs) {
      const tail = o.content.slice(-100_000);
      if (errorLines(tail).length > 0 || warningLines(tail).length > 0) return [];
    }
    const owners = new Set(logs.map((o) => ownerName(String(o.args['name']))));
    const reads: Read[] = [];
    for (const r of namespacePods(ctx)) {
      const name = r['NAME'] ?? '';
      if (r['STATUS'] !== 'Running' || owners.has(ownerName(name))) continue;
      owners.add(ownerName(name));
      reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name } });
      if (reads.length >= MAX_OWNERS) break;
    }
    return reads;
  },
  finds() {
    return [];
  },
};
