import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, outputs, ownerDeployment, ownerName, podListOf, type Read } from './types.js';

/** The person reports a symptom that is over: it resolved, recovered or stopped on its own. */
const PAST_SYMPTOM =
  /\bresolved\b|\brecovered\b|\bwent away\b|\bcleared\b|\bstopped on its own\b|\bon its own\b|\bcame back\b/i;
/** Clock times the person gives (`07:03`, `at 7:19`), in minutes of the day. */
const CLOCK = /\b([01]?\d|2[0-3]):([0-5]\d)\b/g;
/** Pods younger than this (seconds) were made by a recent rollout. */
const RECENT = 12 * 3600;
/** Minutes around the reported times within which a rollout counts as at that time. */
const SLACK = 30;

/** The minutes of the day of the clock times in `text`. */
function clockTimes(text: string): number[] {
  return [...text.slice(0, 4000).matchAll(CLOCK)].map((m) => Number(m[1]) * 60 + Number(m[2]));
}

/** Healthy pods of the namespace younger than `RECENT`, the first of each owner. */
function recentPods(rows: readonly Readonly<Record<string, string>>[]): Readonly<Record<string, string>>[] {
  const owners = new Set<string>();
  return rows.filter((r) => {
    const age = ageSeconds(r['AGE'] ?? '');
    const owner = ownerName(r['NAME'] ?? '');
    if (age === undefined || age > RECENT || owners.has(owner)) return false;
    if (r['STATUS'] !== 'Running' || !/^(\d+)\/\1$/.test(r['READY'] ?? '')) return false;
    owners.add(owner);
    return true;
  });
}

/**
 * A symptom the person reports as over (an alert that fired and resolved, at clock times they give),
 * in a namespace that is healthy now, at the time a deployment there rolled out a new revision: its
 * pods started then (`describe_pod`'s Start Time), and its change cause says what the change was. What
 * changed at the time of an incident is the first thing to line up with it; a release that completed,
 * with every pod Ready since, explains a transient and needs no restart or rollback.
 */
export const releaseDuringPastAlertAnalyzer: Analyzer = {
  name: 'release-during-past-alert',
  reads({ task, ns, seen }): Read[] {
    if (!PAST_SYMPTOM.test(task.slice(0, 4000)) || clockTimes(task).length === 0) return [];
    const listed = podListOf(seen, ns);
    if (!listed) return [];
    const reads: Read[] = [];
    for (const r of recentPods(parseTable(listed.content)).slice(0, 2)) {
      const name = r['NAME'] ?? '';
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === name).pop();
      if (!d) reads.push({ tool: 'describe_pod', args: { namespace: ns, name } });
      const owner = d ? ownerDeployment(d.content) : undefined;
      if (owner && !outputs(seen, 'describe_deployment', (o) => o.args['name'] === owner).length)
        reads.push({ tool: 'describe_deployment', args: { namespace: ns, name: owner } });
    }
    return reads;
  },
  finds() {
    return [];
  },
  notes({ task, ns, seen }) {
    if (!PAST_SYMPTOM.test(task.slice(0, 4000))) return [];
    const times = clockTimes(task);
    if (times.length === 0) return [];
    const from = Math.min(...times) - SLACK;
    const to = Math.max(...times) + SLACK;
    const listed = podListOf(seen, ns);
    if (!listed) return [];
    const rows = parseTable(listed.content);
    if (rows.some((r) => r['STATUS'] !== 'Running' && !/^(Completed|Succeeded)$/.test(r['STATUS'] ?? '')))
      return [];
    for (const r of recentPods(rows)) {
      const name = r['NAME'] ?? '';
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === name).pop();
      const start = /^Start Time:\s+\d{4}-\d\d-\d\dT(\d\d):(\d\d)/m.exec(d?.content ?? '');
      if (!start) continue;
      const at = Number(start[1]) * 60 + Number(start[2]);
      if (at < from || at > to) continue;
      const owner = ownerDeployment(d?.content ?? '');
      if (!owner) continue;
      const described = outputs(
        seen,
        'describe_deployment',
        (o) => o.args['namespace'] === ns && o.args['name'] === owner,
      ).pop();
      const cause = /kubernetes\.io\/change-cause=(.{1,300})$/m.exec(described?.content ?? '')?.[1];
      const revision = /deployment\.kubernetes\.io\/revision=(\d{1,6})/.exec(described?.content ?? '')?.[1];
      const hhmm = `${start[1]}:${start[2]}`;
      return [
        `What changed at that time: deployment ${owner} rolled out${revision ? ` revision ${revision}` : ' a new revision'} at ${hhmm} UTC (its pods started then, ${r['AGE']} ago), within the times reported (${times.map((t) => `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`).join(', ')})${cause ? `, with the change cause "${clip(cause, 200)}"` : ''}. The symptom came with that change${cause && /\b(?:window|maintenance|planned|scheduled|CHG-?\d+|change request)\b/i.test(cause) ? ', a planned change with its own window' : ''}; the rollout completed and every pod has been Running and Ready since, so it is over: nothing to restart or roll back now (if the alert should not page during such a change, silence it for the change's window next time).`,
      ];
    }
    return [];
  },
};
