import { type Analyzer, clip, outputs } from './types.js';

/** The person's words for something that keeps getting bigger. */
const GROWS =
  /\b(?:keeps? growing|grow(?:s|ing|n)?|grew|growth|fill(?:s|ing)? (?:up|the)|leak\w*|bloat\w*|piling up|piles? up|accumulat\w*)\b/i;
/**
 * A program's own cleanup of what it stored: "removed 1841022 client metrics rows older than 1 hour",
 * "deleted 120 sessions older than 30d", "purged 42 records older than 7 days". The count, and the age
 * past which it removes.
 */
const CLEANUP =
  /\b(?:removed|deleted|purged|pruned|expired|cleaned up|dropped)\s(\d[\d,]{0,15})\s[^\n]{0,80}?\bolder than\s(\d{1,6})\s?(seconds?|minutes?|hours?|days?|[smhd])\b/i;

/**
 * Growth that the program's own retention bounds. What a monitor sees as a table or store that "keeps
 * growing" after a burst of traffic (a load test) is rows the program keeps for a fixed time and then
 * removes itself: its log shows the cleanup removing what is older than the retention, with counts.
 * The growth follows the traffic and rolls off after the retention: expected, not a leak. Said as a
 * note when the person reports growth and a log read shows such a cleanup with a count above zero.
 */
export const retentionCleanupAnalyzer: Analyzer = {
  name: 'retention-cleanup',
  reads: () => [],
  finds: () => [],
  notes({ seen, task }) {
    const asked = task.slice(0, 4000);
    if (!GROWS.test(asked)) return [];
    for (const o of outputs(seen, 'get_pod_logs')) {
      const runs = o.content
        .slice(-200_000)
        .split('\n')
        .filter((l) => l.length <= 4000)
        .map((l) => ({ l: l.trim(), m: CLEANUP.exec(l) }))
        .filter((x) => x.m && Number(x.m[1]!.replace(/,/g, '')) > 0);
      const last = runs[runs.length - 1];
      if (!last?.m) continue;
      const unit = last.m[3]!.toLowerCase();
      const word =
        unit.length === 1 ? { s: 'second', m: 'minute', h: 'hour', d: 'day' }[unit]! : unit.replace(/s$/, '');
      const age = `${last.m[2]} ${word}${Number(last.m[2]) === 1 ? '' : 's'}`;
      const burst = /\bload[- ]?test/i.test(asked)
        ? 'the load test, its many client instances'
        : /\b(?:traffic|burst|spike|peak|campaign)\b/i.test(asked)
          ? 'the burst of traffic'
          : undefined;
      return [
        `The growth is bounded by the program's own retention: ${String(o.args['name'] ?? '')}'s log shows its cleanup removing what is older than ${age} (${runs.length} run${runs.length === 1 ? '' : 's'} read, the latest: "${clip(last.l, 180)}"). ${burst ? `More traffic (${burst}) writes` : 'More data written means'} more rows, and the cleanup removes them once they are older than ${age}, so the table grows with the traffic and shrinks after it: expected, not a leak, and nothing needs fixing.`,
      ];
    }
    return [];
  },
};
