import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, flat, outputs, type Read } from './types.js';

// An IANA time zone name (tz database areas).
const ZONE =
  /\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)\/[A-Za-z_]{2,30}(?:\/[A-Za-z_]{2,30})?\b/;
// A run that delivered too late for its consumer (a cut-off, a deadline), or a person saying so.
const LATE =
  /\b(?:after (?:the |their |our )?(?:\d{1,2}:\d{2} )?cut-?off|past (?:the |their )?cut-?off|too late|arrives? (?:too )?late|an hour (?:late|early)|moved to (?:the )?next (?:business )?day|wrong (?:time|hour))\b|\barrives? after\b/i;
// A person speaking of a scheduled job: a CronJob, cron, a schedule, a run every morning or night.
const SCHEDULED = /\b(?:cron ?jobs?|cron|schedule[ds]?|every (?:morning|night|day|evening))\b/i;
// A run that worked but found nothing to work on.
const EMPTY =
  /\b0 rows\b|\bzero rows\b|no rows|nothing to export|no data|NOT_STARTED|not (?:yet )?loaded|empty (?:file|partition|export)/i;

/** CronJobs `find_objects` or `list_resources` showed: namespace and name. */
export function cronJobs(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string) {
  const out = new Map<string, { ns: string; name: string }>();
  for (const o of outputs(seen, 'find_objects'))
    for (const r of parseTable(o.content))
      if (r['KIND'] === 'CronJob' && r['NAME'])
        out.set(`${r['NAMESPACE']}/${r['NAME']}`, { ns: r['NAMESPACE'] ?? ns, name: r['NAME'] });
  for (const o of outputs(seen, 'list_resources', (x) => String(x.args['kind']).toLowerCase() === 'cronjob'))
    for (const r of parseTable(o.content))
      if (r['NAME'])
        out.set(`${String(o.args['namespace'] ?? ns)}/${r['NAME']}`, {
          ns: String(o.args['namespace'] ?? ns),
          name: r['NAME'],
        });
  return [...out.values()];
}

/** How far the local start time is from the schedule's own hour ("1 h later than"), when both are plain times. */
function shiftText(schedule: string, local: string | undefined): string | undefined {
  const [min, hour] = schedule.trim().split(/\s+/);
  const m = /^(\d{2}):(\d{2})$/.exec(local ?? '');
  if (!m || !/^\d{1,2}$/.test(min ?? '') || !/^\d{1,2}$/.test(hour ?? '')) return undefined;
  let diff = Number(m[1]) * 60 + Number(m[2]) - (Number(hour) * 60 + Number(min));
  if (diff > 720) diff -= 1440;
  if (diff < -720) diff += 1440;
  if (diff === 0) return undefined;
  const h = Math.abs(diff) / 60;
  return `${Number.isInteger(h) ? `${h} h` : `${Math.abs(diff)} min`} ${diff > 0 ? 'later' : 'earlier'} than`;
}

/** `HH:MM` of an instant in a time zone, or undefined when the zone is unknown to this runtime. */
function localTime(iso: string, zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));
  } catch {
    return undefined;
  }
}

/**
 * A CronJob's schedule is read in kube-controller-manager's time zone (UTC on most clusters) unless
 * `spec.timeZone` names one (kubernetes.io, "CronJob": time zones). A crontab moved from a machine in
 * local time keeps its hours but fires hours early or late: every run succeeds and finds its input
 * not there yet. Read when a CronJob is in view; found when its runs' logs say they found nothing and
 * a local time zone is named in its logs, annotations or the task.
 */
export const cronTimeZoneAnalyzer: Analyzer = {
  name: 'cron-time-zone',
  reads({ ns, seen }) {
    return cronJobs(seen, ns)
      .slice(0, 2)
      .map(
        (c): Read => ({
          tool: 'describe_resource',
          args: { kind: 'CronJob', name: c.name, namespace: c.ns },
        }),
      );
  },
  finds({ task, ns, seen }) {
    const out: Finding[] = [];
    for (const c of cronJobs(seen, ns)) {
      const spec = outputs(
        seen,
        'describe_resource',
        (o) => o.args['kind'] === 'CronJob' && o.args['name'] === c.name && o.args['namespace'] === c.ns,
      ).pop()?.content;
      if (!spec || /^\s*timeZone:/m.test(spec)) continue;
      const schedule = flat(spec, 'schedule');
      if (!schedule) continue;
      const logs = outputs(seen, 'get_pod_logs', (o) => String(o.args['name']).startsWith(`${c.name}-`));
      // A run that found nothing yet (too early), or one that was too late (after a cut-off).
      const emptyRun = logs.find((l) => EMPTY.test(l.content));
      const lateRun = emptyRun ? undefined : logs.find((l) => LATE.test(l.content));
      const run = emptyRun ?? (lateRun || LATE.test(task) ? (lateRun ?? logs[0]) : undefined);
      if (!run) continue;
      const zone = ZONE.exec(`${run.content}\n${spec}\n${task}`)?.[0];
      if (!zone) continue;
      const line =
        run.content.split('\n').find((l) => (emptyRun ? EMPTY : LATE).test(l)) ??
        run.content.split('\n')[0] ??
        '';
      // When the run's log has no time of its own, the CronJob's last scheduled time (UTC, as the API keeps it).
      const started =
        /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?Z)/.exec(run.content)?.[1] ??
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?Z$/.exec(flat(spec, 'lastScheduleTime') ?? '')?.[0];
      const local = started ? localTime(started, zone) : undefined;
      if (!emptyRun) {
        out.push({
          weight: 90,
          object: `cronjob ${c.name}`,
          cause:
            `CronJob ${c.name} is not slower: its schedule "${schedule}" has no spec.timeZone, so it fires in the controller's time zone (UTC), not ${zone}` +
            `${started && local ? `: the run that started at ${started.slice(11, 16)} UTC ran at ${local} ${zone} time` : ''}, ` +
            `${shiftText(schedule, local) ?? "off by the zone's offset from"} the hour the same crontab kept on a machine in ${zone}, so its output lands at the wrong local hour ("${clip(line.trim(), 120)}")`,
          evidence: [
            `describe_resource CronJob ${c.name}: schedule ${schedule}, no timeZone`,
            `get_pod_logs ${String(run.args['name'])}: "${clip(line.trim(), 140)}"`,
          ],
          advice: `set spec.timeZone: ${zone} on CronJob ${c.name} (the schedule then means ${zone} time, daylight saving included): its start time moved, not its speed`,
        });
        continue;
      }
      out.push({
        weight: 90,
        object: `cronjob ${c.name}`,
        cause:
          `CronJob ${c.name} is not failing: its runs succeed, but its schedule "${schedule}" has no spec.timeZone, so it fires in the controller's time zone (UTC), not ${zone}` +
          `${started && local ? `: the run that started at ${started.slice(11, 16)} UTC ran at ${local} ${zone}` : ''}, ` +
          `not at the hour the same crontab kept on a machine in ${zone}: here before the data it exports is loaded, so each run finds nothing ("${clip(line.trim(), 120)}")`,
        evidence: [
          `describe_resource CronJob ${c.name}: schedule ${schedule}, no timeZone`,
          `get_pod_logs ${String(run.args['name'])}: "${clip(line.trim(), 140)}"`,
        ],
        advice: `set spec.timeZone: ${zone} on CronJob ${c.name} (the schedule then means ${zone} time), then re-run the missed days`,
      });
    }
    return out.slice(0, 1);
  },
};

/**
 * The reads of `cronTimeZoneAnalyzer`, early, when the person says a scheduled job delivers late or early
 * (see `SCHEDULED` and `LATE`): the namespace's CronJobs listed (they name none), then described, before the
 * slower reads of services and dependencies use up the budget. Finds nothing of its own.
 */
export const cronTimeZoneAskedAnalyzer: Analyzer = {
  name: 'cron-time-zone-asked',
  first: true,
  reads(ctx) {
    const task = ctx.task.slice(0, 4000);
    if (!SCHEDULED.test(task) || !LATE.test(task)) return [];
    const listed = outputs(
      ctx.seen,
      'list_resources',
      (x) => /^cronjobs?$/i.test(String(x.args['kind'])) && x.args['namespace'] === ctx.ns,
    );
    if (listed.length === 0)
      return [{ tool: 'list_resources', args: { kind: 'CronJob', namespace: ctx.ns } }];
    return cronTimeZoneAnalyzer.reads(ctx);
  },
  finds: () => [],
};
