import { cronJobs } from './cron-time-zone.js';
import { type Analyzer, type Finding, flat, outputs, section } from './types.js';

/** A CronJob's Job name ends in its scheduled time in minutes since the Unix epoch (the CronJob controller names them so). */
function scheduledAt(job: string): Date | undefined {
  const n = /-(\d{7,9})$/.exec(job)?.[1];
  return n ? new Date(Number(n) * 60_000) : undefined;
}

/**
 * `concurrencyPolicy: Replace` deletes the Job still running when the next run is due and starts the
 * new one in its place (kubernetes.io, "CronJob": concurrency policy). A run that takes longer than
 * the schedule's interval is then killed every time and never finishes. Found when the CronJob's own
 * events show a Job deleted at the same moment the next was created, and that Job never succeeded:
 * `status.lastSuccessfulTime` is missing or older than the deleted Job's scheduled time (history
 * clean-up of successful Jobs would have set it), and the controller did not report the deleted Job
 * finished (`SawCompletedJob`: clean-up of failed Jobs deletes those).
 */
export const cronReplaceAnalyzer: Analyzer = {
  name: 'cron-replace',
  reads() {
    // The CronJob's description is asked for by cron-time-zone whenever a CronJob is in view.
    return [];
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const c of cronJobs(seen, ns)) {
      const text = outputs(
        seen,
        'describe_resource',
        (o) => o.args['kind'] === 'CronJob' && o.args['name'] === c.name && o.args['namespace'] === c.ns,
      ).pop()?.content;
      if (!text || flat(text, 'concurrencyPolicy') !== 'Replace') continue;
      const rows = section(text, 'Events')
        .split('\n')
        .slice(1)
        .map((l) => l.trim().split(/\s{2,}/));
      const created = new Map(
        rows
          .filter((r) => r[1] === 'SuccessfulCreate')
          .map((r) => [r[2], /Created job (\S+)/.exec(r[4] ?? '')?.[1]]),
      );
      // Jobs the controller saw finish ("Saw completed job: X, status: Failed"): history clean-up
      // deletes those, whatever their outcome; Replace deletes only a running one.
      const finished = new Set(
        rows
          .filter((r) => r[1] === 'SawCompletedJob')
          .map((r) => /Saw completed job: ([^\s,]+)/.exec(r[4] ?? '')?.[1])
          .filter((j): j is string => j !== undefined),
      );
      const lastSuccess = flat(text, 'lastSuccessfulTime');
      for (const r of rows) {
        if (r[1] !== 'SuccessfulDelete') continue;
        const deleted = /Deleted job (\S+)/.exec(r[4] ?? '')?.[1];
        const next = created.get(r[2]);
        const at = deleted ? scheduledAt(deleted) : undefined;
        if (!deleted || !next || !at || finished.has(deleted)) continue;
        if (lastSuccess && new Date(lastSuccess).getTime() >= at.getTime()) continue;
        const schedule = flat(text, 'schedule') ?? '?';
        out.push({
          weight: 86,
          object: `cronjob ${c.name}`,
          cause: `CronJob ${c.name} (schedule "${schedule}") sets concurrencyPolicy Replace: when the next run is due and the previous Job has not finished, the CronJob controller deletes the running Job and starts a new one, so a run that takes longer than the interval between runs is killed every time and never completes (${r[2]} ago it deleted Job ${deleted}, scheduled ${at.toISOString()}, as it created ${next}; ${lastSuccess ? `the last successful run was at ${lastSuccess}` : 'no successful run is recorded'})`,
          evidence: [
            `describe_resource CronJob ${c.name}: concurrencyPolicy Replace, schedule ${schedule}`,
            `events of cronjob/${c.name}: "Deleted job ${deleted}" and "Created job ${next}" at the same time (${r[2]} ago)`,
          ],
          advice: `set concurrencyPolicy: Forbid (a due run waits for the running one) or a schedule longer than a run takes, or make the run shorter than the interval`,
        });
        break;
      }
    }
    return out.slice(0, 1);
  },
};
