import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  ownerName,
  podDeployment,
  podListOf,
  type Read,
  schemaGloss,
} from './types.js';

/** Progress a migration prints: `done (42/104)`, `42 of 104`. */
const PROGRESS = /\((\d{1,6})\/(\d{1,6})\)|\b(\d{1,6}) of (\d{1,6})\b/;

/**
 * A line of the release's logs that says the schema is behind the code (a missing table or column): not
 * the migration's own log, and not a notice that a statement skipped a table it did not find.
 */
function schemaBehind(ctx: AnalyzerContext): { pod: string; line: string } | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    if (/migrat/i.test(String(o.args['name'] ?? ''))) continue;
    for (const l of boundedLogLines(o.content))
      if (l.length <= 4000 && schemaGloss(l) !== undefined && !/\bNOTICE\b|, skipping\b/.test(l))
        return { pod: String(o.args['name'] ?? ''), line: l.trim() };
  }
  return undefined;
}

/** Running pods of the namespace whose name says they migrate (a migration Job's pod). */
function migrating(ctx: AnalyzerContext): string[] {
  const listed = podListOf(ctx.seen, ctx.ns);
  return (
    parseTable(listed?.content ?? '')
      // A Job's pod (`<job>-<5>`), not a Deployment's (`<name>-<hash>-<5>`) named for migrating.
      .filter(
        (r) =>
          r['STATUS'] === 'Running' &&
          /migrat/i.test(r['NAME'] ?? '') &&
          podDeployment(r['NAME'] ?? '') === undefined &&
          ownerName(r['NAME'] ?? '') !== r['NAME'],
      )
      .map((r) => r['NAME']!)
      .slice(0, 2)
  );
}

/**
 * A release that serves requests while its schema migration is still running: the namespace's programs
 * log a missing table or column (the schema behind the code) while a migration pod (a Job's, named for
 * migrating) is still Running, and its log shows it part of the way through (`done (42/104)`). The
 * missing tables are the ones not migrated yet; nothing was lost, and a restore would undo the migrated
 * part. The reads: the migration pod's log.
 */
export const migrationInProgressAnalyzer: Analyzer = {
  name: 'migration-in-progress',
  first: true,
  reads(ctx): Read[] {
    if (!schemaBehind(ctx)) return [];
    return migrating(ctx)
      .filter((p) => !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === p).length)
      .map((name) => ({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name } }));
  },
  finds(ctx): Finding[] {
    const behind = schemaBehind(ctx);
    if (!behind) return [];
    for (const pod of migrating(ctx)) {
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop();
      if (!log) continue;
      const lines = boundedLogLines(log.content).filter((l) => l.length <= 4000);
      const at = lines.findLastIndex((l) => PROGRESS.test(l));
      if (at < 0) continue;
      const last = { l: lines[at]!, m: PROGRESS.exec(lines[at]!) };
      // A migration that failed or stopped after its last progress is not still running.
      if (lines.slice(at + 1).some((l) => /\b(?:error|fatal|abort(?:ed|ing)?|failed|rolled back)\b/i.test(l)))
        continue;
      const done = Number(last.m![1] ?? last.m![3]);
      const total = Number(last.m![2] ?? last.m![4]);
      if (!(done < total) || total === 0) continue;
      const job = ownerName(pod);
      return [
        {
          weight: 88,
          object: job !== pod ? `job ${job}` : `pod ${pod}`,
          cause: `the schema migration is still running: pod ${pod} of ${job !== pod ? `job ${job}` : 'the migration'} is Running and its log shows it ${done} of ${total} of the way through ("${clip(last.l.trim(), 160)}"), while the new release already serves requests; what it has not migrated yet lacks the release's tables or columns ("${clip(behind.line, 160)}" in ${behind.pod}). Nothing was lost: those are not migrated yet, and a restore would undo the part that is done`,
          evidence: [
            `get_pod_logs ${pod}: "${clip(last.l.trim(), 160)}"`,
            `get_pod_logs ${behind.pod}: "${clip(behind.line, 160)}"`,
          ],
          advice: `let the migration finish (watch ${pod}'s log), and keep requests from the release until it has (a maintenance page, or the old release for the rest); do not restore the database`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
