import { parseTable } from '../k8s-text.js';
import { type Analyzer, cronRunOf, outputs } from './types.js';

/** A freshness alert's threshold as people write it: "older than 1h", "older than 90 minutes". */
const OLDER_THAN = /older than (\d{1,4}) ?(h|hours?|m|min(?:utes?)?)\b/i;

/**
 * A staleness alert whose threshold equals the interval of the job that refreshes the data: a run
 * scheduled every hour finishes some minutes after the hour, so for those minutes the last success is
 * more than an hour old and an "older than 1h" alert fires, then resolves when the run completes. The
 * runs succeed; the alert's threshold leaves no room for their run time. The interval comes from the
 * CronJob's Job names, which carry each run's scheduled minute.
 */
export const stalenessThresholdAnalyzer: Analyzer = {
  name: 'staleness-threshold',
  reads() {
    return [];
  },
  finds() {
    return [];
  },
  notes({ task, ns, seen }) {
    const m = OLDER_THAN.exec(task.slice(0, 4000));
    if (!m) return [];
    const threshold = Number(m[1]) * (/^h/i.test(m[2]!) ? 60 : 1);
    const rows = outputs(
      seen,
      'list_pods',
      (o) => o.args['namespace'] === ns && !o.args['labelSelector'],
    ).flatMap((o) => parseTable(o.content));
    const runs = new Map<string, number[]>();
    for (const r of rows) {
      const run = cronRunOf(r['NAME'] ?? '');
      if (!run || !/^(Completed|Succeeded)$/.test(r['STATUS'] ?? '')) continue;
      runs.set(run.cronJob, [...(runs.get(run.cronJob) ?? []), run.minute]);
    }
    for (const [cron, minutes] of runs) {
      const sorted = [...new Set(minutes)].sort((a, b) => a - b);
      if (sorted.length < 2) continue;
      const interval = Math.min(...sorted.slice(1).map((t, i) => t - sorted[i]!));
      if (interval < threshold * 0.9 || interval > threshold) continue;
      return [
        `The alert's threshold equals the interval of the job that refreshes what it watches, so it fires on every run and needs no fix in the cluster: it fires when the last success is older than ${m[1]}${m[2]} (${threshold} minutes), and CronJob ${cron} runs every ${interval} minutes (its Jobs' scheduled minutes are ${interval} apart), so each run completes a few minutes after the previous success turned ${threshold} minutes old; for those minutes the alert fires, and it resolves when the run completes. The runs succeed (${sorted.length} Completed, no failure): nothing is broken and no action is needed on the runs; raise the alert's threshold above the interval plus a run's duration (for example ${threshold + Math.max(15, Math.round(threshold / 4))} minutes) or give it a "for" duration.`,
      ];
    }
    return [];
  },
};
