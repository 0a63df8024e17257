import { glossOf } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
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
    return namedRuns(ctx)
      .filter((name) => !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === name).length)
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    for (const name of namedRuns(ctx)) {
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
          cause: `the run the person names finished, but its own log says it lost work: "${clip(hit.line, 220)}" — ${hit.means}${summary ? `; its last summary: "${clip(summary.trim(), 220)}"` : ''}`,
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
