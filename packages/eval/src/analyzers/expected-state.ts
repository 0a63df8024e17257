import { parseTable } from '../k8s-text.js';
import { type AnalyzerContext, flat, outputs } from './types.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * A five-field cron schedule in words, for the shapes that say how often a job runs: every N
 * minutes, hourly, daily, weekly on a day, monthly on a date. Undefined for anything else (the
 * schedule is then quoted as it is). Field order and day numbers (0 or 7 = Sunday) as cron(8) and
 * the Kubernetes CronJob documentation give them.
 */
export function scheduleInWords(schedule: string): string | undefined {
  const f = schedule.trim().split(/\s+/);
  if (f.length !== 5) return undefined;
  const [min, hour, dom, mon, dow] = f as [string, string, string, string, string];
  const num = (s: string) => (/^\d{1,2}$/.test(s) ? Number(s) : undefined);
  const at =
    num(hour) !== undefined && num(min) !== undefined
      ? `${hour.padStart(2, '0')}:${min.padStart(2, '0')}`
      : undefined;
  if (/^\*\/\d{1,2}$/.test(min) && hour === '*' && dom === '*' && mon === '*' && dow === '*')
    return `every ${min.slice(2)} minutes`;
  if (num(min) !== undefined && hour === '*' && dom === '*' && mon === '*' && dow === '*') return 'hourly';
  if (!at || mon !== '*') return undefined;
  if (dom === '*' && dow === '*') return `daily at ${at}`;
  if (dom === '*' && num(dow) !== undefined && num(dow)! <= 7)
    return `weekly, on ${DAYS[num(dow)! % 7]} at ${at}`;
  if (num(dom) !== undefined && dow === '*') return `monthly, on day ${dom} at ${at}`;
  return undefined;
}

/**
 * A schedule that restricts both the day of the month and the day of the week: cron runs it when
 * EITHER matches (the two fields are ORed, not ANDed), so `0 6 1-7 * 1` runs on days 1 to 7 and on
 * every Monday, not only on the first Monday. As crontab(5) documents it, and as the CronJob
 * controller's parser (robfig/cron) implements it.
 */
export function eitherDay(schedule: string): string | undefined {
  const f = schedule.trim().split(/\s+/);
  if (f.length !== 5) return undefined;
  const [, , dom, , dow] = f as [string, string, string, string, string];
  if (dom === '*' || dom === '?' || dow === '*' || dow === '?') return undefined;
  const day = /^[0-6]$/.test(dow) ? `every ${DAYS[Number(dow)]}` : `every weekday ${dow}`;
  return `Its schedule restricts both the day of the month (${dom}) and the day of the week (${dow}); cron then runs it when either field matches (they are ORed, not ANDed), so it runs on days ${dom} of every month and also on ${day}, not only where both hold. To run on, say, the first Monday only, keep one field restricted and check the other in the job's command (or use day-of-week with a date test).`;
}

/**
 * What a CronJob the person asks about does on schedule: how often it runs, when it last ran and
 * last succeeded, so a long "LAST SCHEDULE" of a weekly job reads as expected.
 */
export function cronJobSchedules({ seen, hints }: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of outputs(seen, 'describe_resource', (x) => /^cronjobs?$/i.test(String(x.args['kind'])))) {
    const name = String(o.args['name'] ?? '');
    if (!hints.some((h) => name === h || name.startsWith(`${h}-`) || (h.length >= 5 && name.includes(h))))
      continue;
    const schedule = flat(o.content, 'schedule');
    if (!schedule) continue;
    const words = scheduleInWords(schedule);
    const either = eitherDay(schedule);
    const last = flat(o.content, 'lastScheduleTime');
    const success = flat(o.content, 'lastSuccessfulTime');
    out.push(
      `CronJob ${name} runs on the schedule "${schedule}"${words ? ` (${words})` : ''}${
        last ? `; its last run was scheduled at ${last}` : ''
      }${success ? ` and last completed successfully at ${success}` : ''}${
        words?.startsWith('weekly') || words?.startsWith('monthly')
          ? `: a ${words.split(',')[0]} job's last schedule is days old by design, so the controller is not stuck and nothing needs to be started by hand`
          : ''
      }.${either ? ` ${either}` : ''}`,
    );
  }
  return out;
}

/**
 * ReplicaSets a Deployment keeps at 0 replicas: its revision history (`revisionHistoryLimit`, 10 by
 * default), kept so `kubectl rollout undo` can go back; they own no pods and reserve nothing.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#revision-history-limit
 */
export function replicaSetHistory({ seen, ns }: AnalyzerContext): string[] {
  const o = outputs(
    seen,
    'list_resources',
    (x) => /^(replicasets?|rs)$/i.test(String(x.args['kind'])) && x.args['namespace'] === ns,
  ).pop();
  if (!o) return [];
  const idle = parseTable(o.content).filter((r) => /^0\/0\b/.test(r['STATUS'] ?? ''));
  if (idle.length === 0) return [];
  const owners = [...new Set(idle.map((r) => (r['NAME'] ?? '').replace(/-[a-z0-9]{5,10}$/, '')))];
  return [
    `The ${idle.length} ReplicaSet(s) at 0 replicas (${idle
      .slice(0, 4)
      .map((r) => `${r['NAME']} ${r['AGE'] ?? ''}`.trim())
      .join(
        ', ',
      )}${idle.length > 4 ? ', …' : ''}) are the revision history of deployment ${owners.slice(0, 3).join(', ')}: a Deployment keeps the ReplicaSets of its earlier revisions, scaled to 0, up to revisionHistoryLimit (10 by default), so kubectl rollout undo can roll back. They are not leftovers of failed deploys: they run no pods and cost nothing; to keep fewer, lower revisionHistoryLimit rather than deleting them by hand.`,
  ];
}

/**
 * A Deployment whose pods are all Ready but not yet Available because of `minReadySeconds`: a pod
 * counts as available only after it has been Ready that long, so right after a rollout AVAILABLE
 * lags READY by design.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#min-ready-seconds
 */
export function minReadyWait({ seen, task }: AnalyzerContext): string[] {
  const out: string[] = [];
  for (const o of outputs(seen, 'describe_deployment')) {
    const min = /^MinReadySeconds:\s+(\d{1,6})$/m.exec(o.content)?.[1];
    const replicas =
      /^Replicas:\s+(\d{1,5}) desired \| (\d{1,5}) updated \| (\d{1,5}) total \| (\d{1,5}) available/m.exec(
        o.content,
      );
    if (!min || Number(min) === 0 || !replicas) continue;
    const [desired, , , nowAvailable] = replicas.slice(1).map(Number) as [number, number, number, number];
    // The lowest AVAILABLE any listing showed: the lag may have ended while the investigation ran.
    const name = String(o.args['name']);
    const listed = outputs(seen, 'list_deployments')
      .flatMap((l) => parseTable(l.content))
      .filter((r) => r['NAME'] === name)
      .map((r) => Number(r['AVAILABLE']))
      .filter((n) => Number.isFinite(n));
    const available = Math.min(nowAvailable, ...listed);
    // The lag seen here, or reported by the person (READY n/n, AVAILABLE 0) from before it ended.
    if (available >= desired && !/\bavailable\b/i.test(task)) continue;
    out.push(
      `Deployment ${String(o.args['name'])} sets minReadySeconds ${min}: a new pod counts as available only after it has been Ready for ${min} s (${Math.round(Number(min) / 60)} min), so right after the rollout AVAILABLE lags READY by design (${available} of ${desired} available now); it catches up once the pods have been Ready that long, and nothing needs a rollback.`,
    );
  }
  return out;
}

/**
 * Completed pods of a CronJob's runs (`<cronjob>-<scheduled minute>-<suffix>`): the CronJob keeps its
 * last successful Jobs, and so their pods, as history (`successfulJobsHistoryLimit`, 3 by default;
 * `failedJobsHistoryLimit`, 1) and deletes older ones as new runs finish, so a steady number of
 * Completed pods is by design, not a leak.
 * https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
 */
export function cronJobHistory({ seen, ns }: AnalyzerContext): string[] {
  const listed = outputs(seen, 'list_pods', (x) => x.args['namespace'] === ns).pop();
  if (!listed) return [];
  const byCron = new Map<string, string[]>();
  for (const r of parseTable(listed.content)) {
    if (r['STATUS'] !== 'Completed') continue;
    const m = /^([a-z0-9][a-z0-9-]{0,80}?)-(\d{8,10})-[a-z0-9]{5}$/.exec(r['NAME'] ?? '');
    if (!m) continue;
    byCron.set(m[1]!, [...(byCron.get(m[1]!) ?? []), r['NAME']!]);
  }
  const out: string[] = [];
  for (const [cron, pods] of byCron) {
    const spec = outputs(
      seen,
      'describe_resource',
      (x) => /^cronjobs?$/i.test(String(x.args['kind'])) && x.args['name'] === cron,
    ).pop()?.content;
    const limit = spec ? flat(spec, 'successfulJobsHistoryLimit') : undefined;
    out.push(
      `The ${pods.length} Completed pod(s) of ${cron} (${pods.slice(0, 4).join(', ')}${pods.length > 4 ? ', …' : ''}) belong to the last successful Jobs of CronJob ${cron}: a CronJob keeps that many finished Jobs, and their pods, as history (successfulJobsHistoryLimit${limit ? ` ${limit}` : ', 3 by default'}; failedJobsHistoryLimit, 1 by default) and deletes the oldest as each new run completes, so the count stays constant. They are kept by design, not stuck or leaking, and use no CPU or memory; no cleanup job is needed (lower successfulJobsHistoryLimit to keep fewer).`,
    );
  }
  return out;
}
