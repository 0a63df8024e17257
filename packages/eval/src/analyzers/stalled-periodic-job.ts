import { type Analyzer, boundedLogLines, clip, type Finding, lineStamp, outputs } from './types.js';

/** The job a worker's log line is about (`class=Inboxes::FetchImapEmailInboxesJob`, `task=reports.build`). */
const JOB = /\b(?:class|job|task|worker)=([A-Za-z_][\w:.]{2,120})/;
/** A line that says a job ended in failure or was given up on. Linear: fixed words. */
const FAILED =
  /\b(?:fail(?:ed|ure)?|raised exception|exception|dead set|no retries left|gave up|giving up|discarded)\b|timeout\b|error\b/i;
/** A line that says the job was given up on for good. */
const GIVEN_UP = /\b(?:dead set|no retries left|gave up|giving up|discarded|will not be retried)\b/i;
/** At least this many runs make a job periodic. */
const MIN_RUNS = 3;

/** The median of a non-empty list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * A periodic job of a worker (a cron-scheduled Sidekiq, Celery beat or Quartz job) that ran at a steady
 * interval, failed once, was given up on (moved to the dead set, no retries left), and has not run since,
 * while the worker's other jobs go on: the job that schedules the work died with it, so the work stopped
 * without an error since. Found from one worker log with timestamps: the job's runs (three or more, by
 * their `class=`), its last line more than five intervals and at least half an hour before the log's
 * last line, a failure line of it right after its last run, and other jobs logged after that.
 */
export const stalledPeriodicJobAnalyzer: Analyzer = {
  name: 'stalled-periodic-job',
  reads: () => [],
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = boundedLogLines(log.content);
      const stamped = lines
        .map((line, i) => ({ line, i, at: lineStamp(line), job: JOB.exec(line)?.[1] }))
        .filter((x) => x.at !== undefined);
      const end = stamped[stamped.length - 1]?.at;
      if (end === undefined) continue;
      const byJob = new Map<string, { at: number; i: number }[]>();
      for (const x of stamped)
        if (x.job) byJob.set(x.job, [...(byJob.get(x.job) ?? []), { at: x.at!, i: x.i }]);
      for (const [job, runs] of byJob) {
        // One time per run: lines of one run (start, done) within a few seconds count once.
        const times = runs.map((r) => r.at).filter((t, k, a) => k === 0 || t - a[k - 1]! > 5_000);
        if (times.length < MIN_RUNS) continue;
        const gaps = times.slice(1).map((t, k) => t - times[k]!);
        const every = median(gaps);
        const last = runs[runs.length - 1]!;
        if (every <= 0 || end - last.at < Math.max(5 * every, 30 * 60_000)) continue;
        // The failure right after its last run (the lines up to five after it), the give-up line first.
        // Lines that name another job are that job's, not this one's.
        const after = lines.slice(last.i, last.i + 6);
        const failures = after.filter((l) => FAILED.test(l) && (JOB.exec(l)?.[1] ?? job) === job);
        if (failures.length === 0) continue;
        const givenUp = failures.find((l) => GIVEN_UP.test(l));
        // Other jobs go on after it: the worker itself is alive.
        const others = stamped.filter((x) => x.at! > last.at + every && x.job && x.job !== job);
        if (others.length === 0) continue;
        const reason =
          failures.find((l) => l !== givenUp && !/raised exception|\bfail\b/i.test(l)) ?? failures[0]!;
        const pod = String(log.args['name'] ?? '');
        const minutes = Math.round(every / 60_000);
        out.push({
          weight: 82,
          object: `pod ${pod}`,
          cause: `the periodic job ${job} ran every ${minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(every / 1000)} s`} until ${new Date(last.at).toISOString()}, then failed ("${clip(reason.trim(), 160)}")${givenUp ? ` and was given up on ("${clip(givenUp.trim(), 160)}")` : ''}; it has not run since, while the worker's other jobs keep running (${clip(others[others.length - 1]!.job!, 80)} last at ${new Date(others[others.length - 1]!.at!).toISOString()}): the job that schedules the work is dead, so the work stopped without a new error`,
          evidence: [
            `get_pod_logs ${pod}: "${clip((givenUp ?? reason).trim(), 200)}"`,
            `get_pod_logs ${pod}: no ${job} line after ${new Date(last.at).toISOString()}, the log's last line at ${new Date(end).toISOString()}`,
          ],
          advice: `re-enqueue the dead job (retry it from the dead set, or restart the scheduler that loads the cron jobs) so it is scheduled again, and give it retries or a timeout it survives`,
          revisionSound: true,
        });
        break;
      }
    }
    return out.slice(0, 1);
  },
};
