import { ageSeconds } from '../baseline/reading.js';
import { glossOf } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  allPodsReady,
  bonus,
  clip,
  type Finding,
  namespacePods,
  outputs,
  type Read,
} from './types.js';

/** A finished pod: a Job's run that completed or failed. */
const FINISHED = /^(?:Completed|Succeeded|Error|Failed)$/;

/** The finished pods of the namespace whose name begins with a name the task gives (`the products-reindex job`). */
function namedRuns(ctx: AnalyzerContext): string[] {
  const words = new Set(
    ctx.task
      .slice(0, 4000)
      .toLowerCase()
      .match(/[a-z0-9]+(?:-[a-z0-9]+)+/g) ?? [],
  );
  return namespacePods(ctx)
    .filter((r) => FINISHED.test(r['STATUS'] ?? ''))
    .map((r) => r['NAME'] ?? '')
    .filter((name) => [...words].some((w) => w.length >= 6 && name.startsWith(`${w}-`)))
    .slice(0, 1);
}

/** The person speaks of scheduled or batch runs without naming one ("the mails that cron sends", "the nightly job"). */
const RUN_WORDS = /\b(?:cron|cronjobs?|jobs?|batch|nightly|scheduled|the run|each run|every run)\b/i;

/**
 * The finished pods of the namespace whose logs were read, when the person speaks of runs without
 * naming one: newest first (a CronJob's pods are named by the minute they were scheduled), at most three.
 */
function readRuns(ctx: AnalyzerContext): string[] {
  if (!RUN_WORDS.test(ctx.task.slice(0, 4000))) return [];
  const read = new Set(
    outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns && !o.args['previous']).map((o) =>
      String(o.args['name'] ?? ''),
    ),
  );
  return namespacePods(ctx)
    .filter((r) => FINISHED.test(r['STATUS'] ?? '') && read.has(r['NAME'] ?? ''))
    .map((r) => r['NAME'] ?? '')
    .reverse()
    .slice(0, 3);
}

/**
 * The person names a run that has finished (a Job: "the products-reindex job"), and what it did is
 * what they ask about: its pod's log is read, though the pod Completed (a Job's pod that exits 0 is no
 * failure by its status, and the other rules read only running pods' logs). A failure line in it with a
 * known meaning is the finding: a run can finish "successfully" having dropped or skipped work.
 */
export const namedRunLogsAnalyzer: Analyzer = {
  name: 'named-run-logs',
  first: true,
  reads(ctx): Read[] {
    const unread = (name: string) =>
      !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name).length;
    // Runs spoken of without a name, in a namespace where nothing else fails: the newest run's log.
    const newest =
      RUN_WORDS.test(ctx.task.slice(0, 4000)) && allPodsReady(ctx.seen, ctx.ns)
        ? namespacePods(ctx)
            .filter((r) => FINISHED.test(r['STATUS'] ?? ''))
            // The youngest by its AGE (kubectl lists pods by name, not by age).
            .sort(
              (a, b) =>
                (ageSeconds(a['AGE'] ?? '') ?? Number.POSITIVE_INFINITY) -
                (ageSeconds(b['AGE'] ?? '') ?? Number.POSITIVE_INFINITY),
            )
            .map((r) => r['NAME'] ?? '')
            .slice(0, 1)
        : [];
    return [...new Set([...namedRuns(ctx), ...newest])]
      .filter(unread)
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    const named = namedRuns(ctx);
    for (const name of [...named, ...readRuns(ctx).filter((n) => !named.includes(n))]) {
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name).pop();
      if (!log) continue;
      const lines = log.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000);
      let hit: { line: string; means: string } | undefined;
      for (const l of lines) {
        const g = glossOf(l);
        if (g && !g.symptom) {
          hit = { line: l.trim(), means: g.means };
          break;
        }
      }
      if (!hit) continue;
      // The run's own summary, when it prints one at the end (counts of what it did and dropped).
      const summary = [...lines]
        .reverse()
        .find((l) => /\b(?:finished|done|completed|summary)\b/i.test(l) && /\d/.test(l));
      return [
        {
          weight: 84 + bonus(name, ctx.hints),
          object: `pod ${name}`,
          cause: `${named.includes(name) ? 'the run the person names finished, but its own log says it lost work' : `the run ${name} finished, but its own log reports a failure`}: "${clip(hit.line, 220)}" — ${hit.means}${summary ? `; its last summary: "${clip(summary.trim(), 220)}"` : ''}`,
          evidence: [
            `get_pod_logs ${name}: "${clip(hit.line, 200)}"`,
            ...(summary ? [`get_pod_logs ${name}: "${clip(summary.trim(), 160)}"`] : []),
          ],
          advice: "fix what the run's log reports before running it again",
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
