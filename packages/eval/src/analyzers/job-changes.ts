import { errorLines } from './app-errors.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  lineStamp,
  namespacePods,
  outputs,
  type Read,
} from './types.js';

/**
 * A line that reports a change of data in bulk: a verb of change and a count (`deleted 61,904,227
 * rows`, `updated 18,244 rows`, `migrated 412 tables`). Linear: each alternative is a fixed word.
 */
const CHANGED =
  /\b(?:deleted|deleting|purged|purging|truncated|dropped|updated|updating|inserted|rewrote|rewritten|migrated|migrating|reindexed|backfilled|imported|moved|compacted|archived|expired|removed|altered|BEGIN)\b/i;
/** A count of things (`61,904,227 rows`, `412 tables`), not a date or a time. */
const COUNT =
  /(?<![\d.:-])\d[\d,._]{0,15}\s(?:rows?|records?|documents?|docs|keys|objects|events|items|entries|tables|indices|indexes|partitions|files|messages|users|accounts|orders)\b/i;
/** At most this many lines of one Job's log are quoted. */
const MAX_QUOTED = 2;

/**
 * The failure lines of the Running pods of the namespace in the logs the run read (empty when none
 * fails): what a batch job's change may explain.
 */
function failures(ctx: AnalyzerContext, rows: readonly Readonly<Record<string, string>>[]): string[] {
  const running = new Set(rows.filter((r) => r['STATUS'] === 'Running').map((r) => r['NAME'] ?? ''));
  return outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns && !o.args['previous'])
    .filter((o) => running.has(String(o.args['name'])))
    .flatMap((o) => errorLines(o.content.slice(-200_000)));
}

/** Pods of the namespace that a Job made (a `job-name` run, finished or running), from the pod list. */
function jobPods(rows: readonly Readonly<Record<string, string>>[]): string[] {
  return rows
    .filter(
      (r) =>
        /^(Completed|Succeeded|Running)$/.test(r['STATUS'] ?? '') &&
        /-\d{6,10}-[a-z0-9]{5}$/.test(r['NAME'] ?? ''),
    )
    .map((r) => r['NAME'] ?? '');
}

/**
 * What a batch job changed before the failures: when a Running client of the namespace logs failures,
 * the runs of its CronJobs (pods named `<cronjob>-<minutes>-<5>`) whose logs were read and report a
 * change of data in bulk (rows deleted, updated or migrated, a transaction begun) are quoted in the
 * answer. The first question of an incident review is what changed; a bulk delete leaves tombstones
 * or bloat, a long import holds locks, a migration rewrites a table, none of which the client's own
 * log names. Notes only: it reads one log of a run nobody read, at the end of the budget.
 */
export const jobChangesAnalyzer: Analyzer = {
  name: 'job-changes',
  reads(ctx): Read[] {
    const rows = namespacePods(ctx);
    if (failures(ctx, rows).length === 0) return [];
    const read = new Set(
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).map((o) =>
        String(o.args['name']),
      ),
    );
    return jobPods(rows)
      .filter((p) => !read.has(p))
      .slice(-1)
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds: () => [],
  notes(ctx): string[] {
    const rows = namespacePods(ctx);
    const failed = failures(ctx, rows);
    if (failed.length === 0) return [];
    const stamps = failed.map(lineStamp).filter((t): t is number => t !== undefined);
    const firstFailure = stamps.length ? Math.min(...stamps) : undefined;
    let before = firstFailure !== undefined;
    const status = new Map(rows.map((r) => [r['NAME'] ?? '', r['STATUS'] ?? '']));
    const said: string[] = [];
    for (const pod of jobPods(rows)) {
      const log = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['namespace'] === ctx.ns && o.args['name'] === pod && !o.args['previous'],
      ).pop();
      if (!log) continue;
      const lines = log.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000 && CHANGED.test(l) && (COUNT.test(l) || /\bBEGIN\b/.test(l)))
        .slice(-MAX_QUOTED);
      if (lines.length === 0) continue;
      const last = lineStamp(lines[lines.length - 1]!);
      if (last === undefined || firstFailure === undefined || last > firstFailure) before = false;
      said.push(
        `${pod} (${status.get(pod) === 'Running' ? 'still running' : 'finished'}) logged: ${lines.map((l) => `"${clip(l, 200)}"`).join('; ')}`,
      );
    }
    if (said.length === 0) return [];
    return [
      `What batch jobs of ${ctx.ns} changed${before ? ' before the first failure' : ''} (a bulk change of data is the first suspect behind slow or failing queries): ${said.slice(0, 2).join('; ')}.`,
    ];
  },
};
