/**
 * Standard five-field cron schedules (minute hour day-of-month month day-of-week) as a CronJob's
 * `spec.schedule` takes them, in UTC: `*`, `a-b`, lists, steps (`*\/15`, `1-30/5`), month and day
 * names, and the macros `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly`.
 * As in cron, when both day fields are restricted a day matching either one fires.
 */
export interface CronSchedule {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly anyDay: boolean;
  readonly anyWeekday: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function field(text: string, min: number, max: number, names?: readonly string[]): Set<number> | undefined {
  const out = new Set<number>();
  const value = (v: string): number | undefined => {
    const named = names?.indexOf(v.toLowerCase()) ?? -1;
    if (named >= 0) return named + min;
    if (!/^\d{1,2}$/.test(v)) return undefined;
    return Number(v);
  };
  if (text.length > 200) return undefined;
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined) return undefined;
    const step = stepText === undefined ? 1 : /^\d{1,2}$/.test(stepText) ? Number(stepText) : 0;
    if (step < 1) return undefined;
    let lo: number | undefined;
    let hi: number | undefined;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
    } else {
      const [a, b, more] = range.split('-');
      if (more !== undefined || a === undefined) return undefined;
      lo = value(a);
      hi = b === undefined ? (stepText === undefined ? lo : max) : value(b);
    }
    if (lo === undefined || hi === undefined || lo < min || hi > max || lo > hi) return undefined;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses a schedule; undefined when it is not one (the API server would refuse it). */
export function parseCron(schedule: string): CronSchedule | undefined {
  const text = MACROS[schedule.trim().toLowerCase()] ?? schedule.trim();
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return undefined;
  const [m, h, dom, mon, dow] = parts as [string, string, string, string, string];
  const minutes = field(m, 0, 59);
  const hours = field(h, 0, 23);
  const days = field(dom, 1, 31);
  const months = field(mon, 1, 12, MONTHS);
  const weekdays = field(dow, 0, 7, DAYS);
  if (!minutes || !hours || !days || !months || !weekdays) return undefined;
  if (weekdays.has(7)) weekdays.add(0);
  return {
    minutes,
    hours,
    days,
    months,
    weekdays,
    anyDay: dom === '*' || dom === '?',
    anyWeekday: dow === '*' || dow === '?',
  };
}

/**
 * Which of the two day fields a calendar day matches (`day` 1-31, `weekday` 0-6, Sunday 0). When both
 * fields are restricted (neither `*` nor `?`), cron and the CronJob controller fire on a day that
 * matches either one (POSIX crontab, "day of month" and "day of week"; kubernetes.io, "CronJob":
 * schedule syntax), so a day that matches only one of them still runs.
 */
export function dayFieldsMatched(
  s: CronSchedule,
  day: number,
  weekday: number,
): { dayOfMonth: boolean; dayOfWeek: boolean } {
  return { dayOfMonth: s.days.has(day), dayOfWeek: s.weekdays.has(weekday) };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.days.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  if (s.anyDay && s.anyWeekday) return true;
  if (s.anyDay) return dow;
  if (s.anyWeekday) return dom;
  return dom || dow;
}

/**
 * The first time the schedule fires strictly after `afterMs` (epoch milliseconds), or undefined when
 * there is none within about eight years (a 31 February, say). Skips whole months, days and hours that
 * cannot match, so the work is bounded.
 */
export function nextFire(s: CronSchedule, afterMs: number): number | undefined {
  const d = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  const limit = afterMs + 8 * 366 * 86_400_000;
  for (let i = 0; i < 200_000 && d.getTime() <= limit; i++) {
    if (!s.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d.getTime();
  }
  return undefined;
}
