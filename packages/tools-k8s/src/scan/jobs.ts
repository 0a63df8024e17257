import { dayFieldsMatched, parseCron } from '../cron.js';
import type { Pod } from '../types.js';
import type { CronJob, Job } from './objects.js';
import { type Analyzer, eventLine, type Found, quote } from './types.js';

/** Jobs and CronJobs: a Job that failed (backoffLimit exceeded, deadline), failed pods, a suspended CronJob, a CronJob whose last Job failed, a CronJob whose runs a still-active Job blocks (Forbid). */
export const jobsAnalyzer: Analyzer = {
  name: 'jobs',
  kinds: ['Job', 'CronJob', 'Pod', 'Event'],
  priority: 78,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    const jobs = facts.list<Job>('Job');
    for (const j of jobs) {
      const ns = j.metadata.namespace;
      const name = j.metadata.name ?? '';
      const failed = j.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      const failures = j.status?.failed ?? 0;
      const mine = pods.filter(
        (p) =>
          p.metadata.namespace === ns &&
          (p.metadata.labels?.['job-name'] === name ||
            p.metadata.ownerReferences?.some((o) => o.kind === 'Job' && o.name === name)),
      );
      const bad = mine.filter(
        (p) =>
          p.status?.phase === 'Failed' ||
          (p.status?.containerStatuses ?? []).some(
            (c) =>
              (c.state?.terminated?.exitCode ?? 0) !== 0 || (c.lastState?.terminated?.exitCode ?? 0) !== 0,
          ),
      );
      const exit = bad
        .flatMap((p) => p.status?.containerStatuses ?? [])
        .map((c) => c.state?.terminated ?? c.lastState?.terminated)
        .find((t) => t && t.exitCode !== 0);
      const oom = exit?.reason === 'OOMKilled';
      const limit = oom
        ? bad.flatMap((p) => p.spec.containers).find((c) => c.resources?.limits?.['memory'])?.resources
            ?.limits?.['memory']
        : undefined;
      const podsSay = oom
        ? `; its pods are OOMKilled (exit code ${exit?.exitCode ?? 137}): they use more memory than their ${limit ? `${limit} ` : ''}memory limit`
        : exit
          ? `; its pods exit with code ${exit.exitCode}`
          : '';
      if (!failed && failures === 0 && bad.length === 0) continue;
      if (!failed && (j.status?.succeeded ?? 0) >= (j.spec?.completions ?? 1)) continue;
      const ev = facts.eventsFor('Job', name, ns).find((e) => e.type === 'Warning');
      const owner = j.metadata.ownerReferences?.find((o) => o.kind === 'CronJob');
      out.push({
        kind: 'Job',
        name,
        ...(ns ? { namespace: ns } : {}),
        ...(owner ? { owner: `CronJob/${owner.name}` } : {}),
        reason: failed ? quote(failed.reason, 60) || 'Failed' : 'FailedPods',
        message: failed
          ? `job ${name} failed: ${quote(failed.reason, 60)}${failed.reason === 'BackoffLimitExceeded' ? ` (${failures} failed pod(s), backoffLimit ${j.spec?.backoffLimit ?? 6}); a Job that hit its backoffLimit does not retry` : ''}${podsSay}`
          : `job ${name} has ${Math.max(failures, bad.length)} failed pod(s) and is retrying (backoffLimit ${j.spec?.backoffLimit ?? 6})${podsSay}`,
        evidence: [
          ...(failed ? [`condition Failed True ${quote(failed.reason, 60)}: ${quote(failed.message)}`] : []),
          `status: active ${j.status?.active ?? 0}, succeeded ${j.status?.succeeded ?? 0}, failed ${failures}`,
          ...(exit
            ? [
                `a pod's container terminated: Reason ${quote(exit.reason, 40) || '?'}, Exit Code ${exit.exitCode}`,
              ]
            : []),
          ...(ev ? [eventLine(ev)] : []),
        ],
        ...(bad[0] ? { next: `get_pod_logs namespace=${ns} name=${bad[0].metadata.name}` } : {}),
        fix: oom
          ? 'raise the memory limit of the job template (or lower its memory use), then run the job again'
          : 'fix what the job’s pods fail on (their logs say), then run the job again',
      });
    }
    for (const cj of facts.list<CronJob>('CronJob')) {
      const ns = cj.metadata.namespace;
      const name = cj.metadata.name ?? '';
      const base = { kind: 'CronJob', name, ...(ns ? { namespace: ns } : {}) };
      if (cj.spec?.suspend) {
        out.push({
          ...base,
          reason: 'Suspended',
          message: `cronjob ${name} is suspended, so it starts no jobs`,
          evidence: [`spec.suspend true; schedule ${quote(cj.spec.schedule, 60)}`],
          fix: `unsuspend cronjob ${name} if it should run`,
        });
        continue;
      }
      const either = dayFieldsEither(cj, facts.list<Job>('Job'), facts.list<Pod>('Pod'));
      if (either) out.push({ ...base, ...either });
      // Forbid: while one Job runs, every scheduled run is skipped (JobAlreadyActive). A Job that
      // has been running far longer than the schedule's period is stuck, and nothing stops it
      // without activeDeadlineSeconds.
      const skipped = facts.eventsFor('CronJob', name, ns).find((e) => e.reason === 'JobAlreadyActive');
      const activeName = cj.status?.active?.[0]?.name;
      const active = facts
        .list<Job>('Job')
        .find((j) => j.metadata.namespace === ns && j.metadata.name === activeName);
      const started = active?.status?.startTime ?? active?.metadata.creationTimestamp;
      const hours = started ? (facts.now.getTime() - Date.parse(started)) / 3_600_000 : Number.NaN;
      if (skipped && active && (skipped.count ?? 1) >= 3 && hours >= 1) {
        const deadline = active.spec?.activeDeadlineSeconds;
        const pods = facts
          .list<Pod>('Pod')
          .filter(
            (p) =>
              p.metadata.namespace === ns &&
              p.metadata.ownerReferences?.some((o) => o.name === active.metadata.name),
          );
        const age =
          hours >= 48 ? `${Math.floor(hours / 24)}d${Math.floor(hours % 24)}h` : `${Math.floor(hours)}h`;
        out.push({
          ...base,
          reason: 'ActiveJobBlocksRuns',
          message: `cronjob ${name} starts no new runs: its Job ${activeName} has been running for ${age} and never finished (stuck or hung), and with concurrencyPolicy ${cj.spec?.concurrencyPolicy ?? 'Forbid'} every scheduled run is skipped while it is active${deadline ? '' : '; the job template sets no activeDeadlineSeconds, so nothing times it out'}`,
          evidence: [
            eventLine(skipped),
            `status.active ${activeName}; started ${quote(started, 40)}; schedule ${quote(cj.spec?.schedule, 60)}`,
          ],
          ...(pods[0] ? { next: `get_pod_logs namespace=${ns} name=${pods[0].metadata.name}` } : {}),
          fix: `find where ${activeName} hangs (its pod's logs), delete that Job so the next run starts, and set activeDeadlineSeconds on the job template`,
        });
        continue;
      }
      // Runs that overlap: concurrencyPolicy Allow (the default) starts the next run while the last
      // still runs, so runs that outlast the schedule pile up and contend for the same data or locks.
      // https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
      const running = cj.status?.active ?? [];
      const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
      if (policy === 'Allow' && running.length >= 2) {
        const pods = facts
          .list<Pod>('Pod')
          .filter(
            (p) =>
              p.metadata.namespace === ns &&
              running.some(
                (a) =>
                  p.metadata.ownerReferences?.some((o) => o.name === a.name) ||
                  (a.name !== undefined && (p.metadata.name ?? '').startsWith(`${a.name}-`)),
              ),
          )
          // The newest run first: it is the one waiting on the runs before it.
          .sort((a, b) => (b.metadata.name ?? '').localeCompare(a.metadata.name ?? ''));
        out.push({
          ...base,
          reason: 'OverlappingRuns',
          message: `cronjob ${name} has ${running.length} runs active at once: with concurrencyPolicy ${policy}${
            cj.spec?.concurrencyPolicy ? '' : ' (the default)'
          } each scheduled run starts while the previous one still runs, so runs that take longer than the schedule (${quote(
            cj.spec?.schedule,
            60,
          )}) overlap and pile up, competing for the same work`,
          evidence: [
            `spec.concurrencyPolicy ${policy}; status.active ${running
              .slice(0, 5)
              .map((a) => a.name)
              .join(', ')}`,
          ],
          ...(pods[0] ? { next: `get_pod_logs namespace=${ns} name=${pods[0].metadata.name}` } : {}),
          fix: 'set concurrencyPolicy Forbid (or Replace) so runs never overlap, and find why one run outlasts the schedule',
        });
        continue;
      }
      const ev = facts.eventsFor('CronJob', name, ns).find((e) => e.type === 'Warning');
      if (ev) {
        out.push({
          ...base,
          reason: quote(ev.reason, 60) || 'Warning',
          message: `cronjob ${name}: ${quote(ev.message, 160)}`,
          evidence: [eventLine(ev)],
        });
      }
    }
    // A CronJob's failed Jobs are said once, under the Job, which names the CronJob as owner.
    return out;
  },
};

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The calendar day and weekday (Sunday 0) of `ms` in time zone `zone` (UTC when unset or unknown). */
function calendarDay(ms: number, zone: string | undefined): { day: number; weekday: number; text: string } {
  const utc = new Date(ms);
  let day = utc.getUTCDate();
  let weekday = utc.getUTCDay();
  let text = utc.toISOString().slice(0, 16).replace('T', ' ');
  if (zone) {
    try {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).formatToParts(utc);
      const part = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
      day = Number(part('day'));
      weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(part('weekday'));
      text = `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${zone}`;
    } catch {
      // An unknown zone: the API server refuses those, so the UTC reading stands.
    }
  } else text += ' UTC';
  return { day, weekday, text };
}

/**
 * A CronJob whose schedule restricts both the day of month and the day of week, with a run on a day
 * that matches only one of them: cron, and the CronJob controller after it, fires on a day matching
 * either field (kubernetes.io, "CronJob", schedule syntax; POSIX crontab), which a schedule such as
 * "first Monday of the month" (`0 6 1-7 * 1`) does not mean. A run's scheduled time is its Job's
 * `batch.kubernetes.io/cronjob-scheduled-timestamp` annotation or, failing that, the minutes since the
 * Unix epoch the controller puts at the end of the Job's name (its pods' names carry the Job's).
 */
function dayFieldsEither(
  cj: CronJob,
  jobs: readonly Job[],
  pods: readonly Pod[],
): Omit<Found, 'kind' | 'name' | 'namespace'> | undefined {
  const name = cj.metadata.name ?? '';
  const ns = cj.metadata.namespace;
  const schedule = cj.spec?.schedule ?? '';
  const parsed = parseCron(schedule);
  if (!name || !parsed || parsed.anyDay || parsed.anyWeekday) return undefined;
  const zone = cj.spec?.timeZone;
  const runs = new Map<string, number>();
  const prefix = `${name}-`;
  for (const j of jobs) {
    const job = j.metadata.name ?? '';
    if (j.metadata.namespace !== ns || !job.startsWith(prefix)) continue;
    // A run started by hand (`kubectl create job --from=cronjob/…`) is not one the schedule made.
    if (j.metadata.annotations?.['cronjob.kubernetes.io/instantiate'] === 'manual') continue;
    const owned = j.metadata.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === name);
    const stamp = Date.parse(
      j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '',
    );
    const minutes = /^(\d{7,9})$/.exec(job.slice(prefix.length))?.[1];
    if (!owned && !minutes) continue;
    const at = Number.isFinite(stamp) ? stamp : minutes ? Number(minutes) * 60_000 : Number.NaN;
    if (Number.isFinite(at)) runs.set(job, at);
  }
  for (const p of pods) {
    const m = /^(\d{7,9})-[a-z0-9]{5}$/.exec((p.metadata.name ?? '').slice(prefix.length));
    if (p.metadata.namespace !== ns || !(p.metadata.name ?? '').startsWith(prefix) || !m) continue;
    const job = `${prefix}${m[1]}`;
    if (!runs.has(job)) runs.set(job, Number(m[1]) * 60_000);
  }
  // A time before the CronJob existed is no run of its schedule (a name that ends in a date, read as minutes).
  const born = Date.parse(cj.metadata.creationTimestamp ?? '');
  // Without a creation time, a time before CronJobs existed (2017) is no scheduled run either.
  const floor = Number.isFinite(born) ? born : Date.UTC(2017, 0, 1);
  for (const [job, at] of runs) if (at < floor) runs.delete(job);
  const odd = [...runs]
    .sort((a, b) => a[1] - b[1])
    .map(([job, at]) => {
      const d = calendarDay(at, zone);
      const hit = dayFieldsMatched(parsed, d.day, d.weekday);
      return { job, d, hit };
    })
    .filter((r) => r.hit.dayOfMonth !== r.hit.dayOfWeek);
  if (odd.length === 0) return undefined;
  const fields = schedule.trim().split(/\s+/);
  const [dom, dow] = [fields[2] ?? '?', fields[4] ?? '?'];
  const said = odd
    .slice(0, 3)
    .map(
      (r) =>
        `${r.job} ran ${WEEKDAYS[r.d.weekday] ?? '?'} ${r.d.text}, day ${r.d.day} of the month (matches only the ${r.hit.dayOfMonth ? 'day of month' : 'day of week'})`,
    );
  return {
    reason: 'DayFieldsEither',
    message: `cronjob ${name}'s schedule ${quote(schedule, 60)} restricts both the day of month (${quote(dom, 40)}) and the day of week (${quote(dow, 40)}): as in cron, the CronJob controller runs on a day that matches either field, not only on a day that matches both: ${said.join('; ')}`,
    evidence: [
      `spec.schedule ${quote(schedule, 60)}${zone ? `, spec.timeZone ${quote(zone, 60)}` : ''}`,
      ...said.map((s) => `run ${s}`),
    ],
    fix: `keep one day field restricted: schedule on the days of month only (day of week "*") and have the job exit early on the other weekdays, or the reverse; cron cannot express "the first Monday" in its schedule alone`,
  };
}
