import { localTimeExists } from './cron-dst-gap.js';
import { envOf } from './env-values.js';
import { type Analyzer, clip, type Finding, outputs, ownerName } from './types.js';

/** A line stamped with local time and its UTC offset: `2026-03-07T02:30:00-05:00 …`. */
const STAMP = /^\[?(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):\d\d(?:\.\d{1,9})?([+-]\d\d:\d\d)\b/;
/** A scheduled job's run or its next run, as in-process schedulers log them. */
const FIRED = /\bjob ([\w.:-]{1,80}) (?:fired|started|triggered|ran)\b/i;
const NEXT = /\bnext (?:fire|run) time (?:for )?([\w.:-]{1,80}) ?[=:] ?(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/i;
/** The person reports something that did not happen. */
const MISSING = /\bno\b|missing|skipped|did(?: not|n't) run|not run|absent|never (?:ran|came)/i;

const minutes = (offset: string) => {
  const sign = offset.startsWith('-') ? -1 : 1;
  return sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
};
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An in-process scheduler (a job runner inside the program, not a CronJob) whose daily job did not
 * run on the night the clocks went forward: the program's log shows its UTC offset grow by an hour
 * (daylight saving time began), and the job's local time falls in the hour that did not exist that
 * night (02:00-03:00 in American and European zones), so it had no fire time that day; most schedulers
 * skip such a time rather than run it late. Found from the job's fire lines (their local time) or its
 * "next fire time" jumping over the day, and the zone from the container's `TZ` when it was read.
 */
export const schedulerDstGapAnalyzer: Analyzer = {
  name: 'scheduler-dst-gap',
  reads: () => [],
  finds({ task, seen, ns }): Finding[] {
    if (!MISSING.test(task.slice(0, 4000))) return [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const lines = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000);
      let before: string | undefined;
      let change:
        | { date: string; from: string; to: string; year: number; month: number; day: number }
        | undefined;
      for (const l of lines) {
        const m = STAMP.exec(l);
        if (!m) continue;
        if (before !== undefined && minutes(m[6]!) - minutes(before) === 60 && !change)
          change = {
            date: `${m[1]}-${m[2]}-${m[3]}`,
            from: before,
            to: m[6]!,
            year: Number(m[1]),
            month: Number(m[2]) - 1,
            day: Number(m[3]),
          };
        before = m[6]!;
      }
      if (!change) continue;
      const pod = String(o.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      const zone = d
        ? envOf(d.content).find((v) => v.name === 'TZ' && /^[A-Za-z_]+\/[A-Za-z_+-]+$/.test(v.value))?.value
        : undefined;
      // Each job's daily local time, from its fire lines.
      const times = new Map<string, { hour: number; minute: number; line: string }>();
      for (const l of lines) {
        const f = FIRED.exec(l);
        const s = f ? STAMP.exec(l) : null;
        if (f && s && !times.has(f[1]!))
          times.set(f[1]!, { hour: Number(s[4]), minute: Number(s[5]), line: l });
      }
      for (const [job, t] of times) {
        const skipped = zone
          ? !localTimeExists(zone, change.year, change.month, change.day, t.hour, t.minute)
          : t.hour === 2;
        if (!skipped) continue;
        const firedThatDay = lines.some((l) => FIRED.exec(l)?.[1] === job && l.startsWith(change.date));
        if (firedThatDay) continue;
        const hhmm = `${pad(t.hour)}:${pad(t.minute)}`;
        // A "next fire time" logged before the change that lands after it: the scheduler skipped the day.
        const next = lines.find((l) => {
          const n = NEXT.exec(l);
          const s = STAMP.exec(l);
          if (!n || !s || n[1] !== job) return false;
          const at = `${s[1]}-${s[2]}-${s[3]}`;
          const to = `${n[2]}-${n[3]}-${n[4]}`;
          return at < change.date && to > change.date;
        });
        return [
          {
            weight: 88,
            object: `${ownerName(pod)} (its job ${job})`,
            cause: `daylight saving time: the clocks sprang forward on ${change.date} (the log's UTC offset goes from ${change.from} to ${change.to}${zone ? `; the container runs in TZ=${zone}` : ''}), so ${hhmm} local time did not exist that night, and job ${job}, scheduled daily at ${hhmm} ("${clip(t.line, 110)}"), had no fire time that day${next ? `: its next fire time skips it ("${clip(next, 120)}")` : ''}. The scheduler skipped the run; nothing failed and no credential or upload is at fault`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(t.line, 150)}"`,
              ...(next ? [`get_pod_logs ${pod}: "${clip(next, 150)}"`] : []),
            ],
            advice: `run ${job} once by hand for the missing day, and schedule it outside 02:00-03:00 local time (or in UTC) so a daylight-saving change cannot skip or repeat it`,
            revisionSound: true,
          },
        ];
      }
    }
    return [];
  },
};
