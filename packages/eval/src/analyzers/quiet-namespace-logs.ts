import { errorLines } from './app-errors.js';
import { type Analyzer, allPodsReady, namespacePods, outputs, ownerName, type Read } from './types.js';

/**
 * The person reports failures: an alert, errors, an HTTP error status (any 4xx or 5xx), a timeout, a
 * refusal, work that arrives late or not at all, is not running or never ran (`zero trials`, `not being
 * created`), an object that stays NotReady, or results that stay empty (graphs with no data).
 */
const REPORTED_FAILURE =
  /\b(?:alert|fired|firing|paged|errors?|failing|fails|failed|failures?|timeouts?|timed out|rejected|refused|denied|[45]\d\d|late|delayed|not at all|stopped|stuck|missing|broken|empty|no data|not running|not ready|NotReady|zero \w{3,20}|not being created|no \w{3,20} (?:are|is|were|was|have been|has been) (?:being )?(?:created|run|started)|never (?:ran|run|started|arrived)|(?:is|are|was|were)n['’]t (?:running|ready|being created|created|started)|didn['’]t (?:run|start|arrive))\b/i;
/** Workloads whose logs are read at most, one pod each. */
const MAX_OWNERS = 3;

/** Words of a text, lower-cased, four letters or longer (a task's nouns: "labels", "workspaces"). */
function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z]{4,30}/g) ?? []);
}

/**
 * When the person reports failures and every pod of the namespace is Running and Ready, but no log
 * read so far shows a failure (an error line; a warning alone does not explain what the person
 * sees, and a log may carry unrelated ones): one Running pod of each other workload of the namespace
 * is read (at most three), since the failure the person sees may be logged by the component in front
 * of or behind the one they name (a gateway that rejects the requests, a worker that fails the jobs).
 * When no log was read at all (the task names no workload), the workloads whose names share a word
 * with the task come first. Reads only; the families that read logs conclude.
 */
export const quietNamespaceLogsAnalyzer: Analyzer = {
  name: 'quiet-namespace-logs',
  reads(ctx): Read[] {
    const { task, ns, seen } = ctx;
    if (!REPORTED_FAILURE.test(task.slice(0, 4000))) return [];
    if (allPodsReady(seen, ns) !== true) return [];
    // A crashed container's previous log was read: the investigation follows that crash, not a quiet namespace.
    if (
      outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && x.args['previous'] === true).length
    )
      return [];
    const logs = outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous']);
    for (const o of logs) if (errorLines(o.content.slice(-100_000)).length > 0) return [];
    const owners = new Set(logs.map((o) => ownerName(String(o.args['name']))));
    const reads: Read[] = [];
    const asked = words(task.slice(0, 4000));
    const named = (pod: string) =>
      ownerName(pod)
        .split('-')
        .some((w) => asked.has(w) || asked.has(`${w}s`));
    const rows = [...namespacePods(ctx)];
    if (logs.length === 0)
      rows.sort((a, b) => Number(named(b['NAME'] ?? '')) - Number(named(a['NAME'] ?? '')));
    for (const r of rows) {
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
