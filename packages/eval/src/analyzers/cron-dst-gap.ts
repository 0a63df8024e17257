import { type Analyzer, outputs } from './types.js';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAY_MONTH = new RegExp(
  `\\b(\\d{1,2})(?:st|nd|rd|th)? (${MONTHS.join('|')})\\b|\\b(${MONTHS.join('|')}) (\\d{1,2})(?:st|nd|rd|th)?\\b`,
  'gi',
);

/** Whether local time `hour:minute` exists on `y-m-d` in `zone` (false inside a daylight-saving gap). */
export function localTimeExists(
  zone: string,
  y: number,
  m: number,
  d: number,
  hour: number,
  minute: number,
): boolean {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    return true;
  }
  const want = `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}, ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  const base = Date.UTC(y, m, d, hour, minute);
  for (let off = -14 * 60; off <= 14 * 60; off += 15)
    if (fmt.format(base - off * 60_000) === want) return true;
  return false;
}

/**
 * A daily CronJob whose run is missing on one date, scheduled in its time zone at a time that did not
 * exist that night: clocks went forward for daylight saving (02:00 to 03:00 in Europe's zones, the
 * last Sunday of March), so a schedule inside the skipped hour has no run that day (the CronJob
 * controller computes schedules in `spec.timeZone`, and cron skips local times that do not occur).
 * The next run catches up from its watermark; expected, and the lasting change is a schedule outside
 * 02:00-03:00 or in UTC.
 */
export const cronDstGapAnalyzer: Analyzer = {
  name: 'cron-dst-gap',
  reads() {
    return [];
  },
  finds() {
    return [];
  },
  notes({ task, ns, seen }) {
    if (!/\bno\b|missing|skipped|did(?: not|n't) run|not run|absent/i.test(task.slice(0, 4000))) return [];
    const dates = [...task.slice(0, 4000).matchAll(DAY_MONTH)].map((m) => ({
      day: Number(m[1] ?? m[4]),
      month: MONTHS.indexOf((m[2] ?? m[3])!.toLowerCase()),
    }));
    if (dates.length === 0) return [];
    for (const o of outputs(
      seen,
      'describe_resource',
      (x) => x.args['namespace'] === ns && /^cronjobs?$/i.test(String(x.args['kind'])),
    )) {
      const schedule = /^\s*schedule:\s*(\d{1,2}) (\d{1,2}) \* \* \*\s*$/m.exec(o.content);
      const zone = /^\s*timeZone:\s*([A-Za-z_]{2,30}\/[A-Za-z_+-]{2,40})\s*$/m.exec(o.content)?.[1];
      if (!schedule || !zone) continue;
      const minute = Number(schedule[1]);
      const hour = Number(schedule[2]);
      const year = Number(
        /\b(20\d\d)-\d\d-\d\d/.exec(
          outputs(seen, 'get_pod_logs')
            .map((x) => x.content)
            .join('\n')
            .slice(0, 200_000),
        )?.[1] ?? new Date().getUTCFullYear(),
      );
      const gap = dates.find((d) => !localTimeExists(zone, year, d.month, d.day, hour, minute));
      if (!gap) continue;
      const hh = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
      return [
        `The missing run is daylight saving time, not a fault: CronJob ${String(o.args['name'])} runs at ${hh} in time zone ${zone} (schedule "${schedule[1]} ${schedule[2]} * * *"), and on ${gap.day} ${MONTHS[gap.month]![0]!.toUpperCase()}${MONTHS[gap.month]!.slice(1)} ${year} the clocks went forward (spring forward), so ${hh} local time did not exist that night and the controller had no run to start. Nothing is broken and no action is needed now: the next run exports from its watermark, so the skipped day's entries are in the following file. To avoid the gap, schedule it outside 02:00-03:00 or in UTC.`,
      ];
    }
    return [];
  },
};
