import { errorLines } from './app-errors.js';
import { type Analyzer, allPodsReady, clip, outputs } from './types.js';

/** Clock times the person gives (`02:06`, `from 2:41`), as minutes of the day. */
const CLOCK = /\b([01]?\d|2[0-3]):([0-5]\d)\b/g;
/** Background work that programs schedule and that loads a disk or a CPU while it runs. */
const ROUTINE =
  /\b(?:compaction|compacting|vacuum|backup|snapshot|reindex(?:ing)?|rebalanc(?:e|ing)|defrag(?:mentation)?|scrub(?:bing)?|garbage collection|retention (?:sweep|run))\b/i;
/** A line's time of day, from an ISO stamp anywhere in its first 120 characters (`ts=2026-12-01T02:00:00Z`). */
const STAMP = /\d{4}-\d\d-\d\dT(\d\d):(\d\d)/;
/** Minutes around the reported window within which routine work counts as at that time. */
const SLACK = 15;

/**
 * A symptom the person reports over a window of clock times (an alert that fired at 02:06 and
 * resolved at 02:41), in a namespace that is healthy now, while a program's log there shows scheduled
 * background work running in that window (a full compaction, a vacuum, a backup, a snapshot): the
 * work explains the load, by design, and it ended on its own. The note names the lines and their times
 * so the person can line them up; nothing is wrong and no move or restart is needed. Notes only.
 */
export const routineWorkWindowAnalyzer: Analyzer = {
  name: 'routine-work-window',
  reads: () => [],
  finds: () => [],
  notes({ task, ns, seen }): string[] {
    const times = [...task.slice(0, 4000).matchAll(CLOCK)].map((m) => Number(m[1]) * 60 + Number(m[2]));
    if (times.length < 2 || allPodsReady(seen, ns) !== true) return [];
    const from = Math.min(...times) - SLACK;
    const to = Math.max(...times) + SLACK;
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
      const text = o.content.slice(-200_000);
      if (errorLines(text).length > 0) continue;
      const inWindow = text.split('\n').filter((l) => {
        if (l.length > 4000 || !ROUTINE.test(l)) return false;
        const m = STAMP.exec(l.slice(0, 120));
        const at = m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
        return at !== undefined && at >= from && at <= to;
      });
      if (inWindow.length === 0) continue;
      const first = inWindow[0]!;
      const last = inWindow[inWindow.length - 1]!;
      const work = ROUTINE.exec(first)?.[0]?.toLowerCase() ?? 'background work';
      return [
        `The window the person reports lines up with scheduled ${work} in the log of ${String(o.args['name'])}: "${clip(first, 160)}"${last !== first ? ` … "${clip(last, 140)}"` : ''}. That is routine background work (it rewrites data on disk, so disk I/O runs high while it lasts), expected by design, and it has finished: the program is Running and Ready and logs no failure, so nothing is broken and no action is needed (no move, no restart). If the load matters, schedule the ${work} at a quieter time or throttle it.`,
      ];
    }
    return [];
  },
};
