import { errorLines, warningLines } from './app-errors.js';
import { type Analyzer, allPodsReady, clip, outputs } from './types.js';

/**
 * Log lines that flag something an engineer recognises as routine, with why. Each entry matches when
 * every one of its substrings appears in the line (case-insensitive, no regular expression over the
 * untrusted line). Kept apart from the failure glosses: these explain, they never make a finding.
 */
const EXPECTED: readonly { all: readonly string[]; means: string }[] = [
  // pg_stat_activity shows an autovacuum worker's "query" as `autovacuum: VACUUM <table>`
  // (https://www.postgresql.org/docs/current/routine-vacuuming.html#AUTOVACUUM).
  {
    all: ['autovacuum: vacuum'],
    means:
      "the long-running query is PostgreSQL's own autovacuum worker (pg_stat_activity lists it as 'autovacuum: VACUUM <table>'), routine maintenance that reclaims dead rows; on a large table after a bulk delete or update it runs for hours and reads the table from disk (the extra read I/O), while it holds only a lock that lets reads and writes go on. That is expected and not stuck: let it finish (cancelling it only makes it start over later), and tune autovacuum's cost limit if it must go faster",
  },
];

/** The meaning of a routine line, if it is one. */
export function expectedLine(line: string): string | undefined {
  const l = line.slice(0, 4096).toLowerCase();
  return EXPECTED.find((e) => e.all.every((w) => l.includes(w)))?.means;
}

/**
 * When the namespace is healthy (every pod Running and Ready, no failure line in the logs read),
 * the warnings of those logs that flag routine work are explained in the answer, so a flag the person
 * asks about (a health page's "long-running query") gets its reason rather than silence. Notes only.
 */
export const expectedLogLinesAnalyzer: Analyzer = {
  name: 'expected-log-lines',
  reads: () => [],
  finds: () => [],
  notes({ ns, seen }): string[] {
    if (allPodsReady(seen, ns) !== true) return [];
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && !o.args['previous']);
    if (logs.some((o) => errorLines(o.content.slice(-200_000)).length > 0)) return [];
    const out: string[] = [];
    for (const o of logs) {
      for (const line of warningLines(o.content.slice(-200_000))) {
        const means = line.length <= 4000 ? expectedLine(line) : undefined;
        if (means && out.length < 2)
          out.push(`${String(o.args['name'])} warns "${clip(line, 200)}": ${means}.`);
      }
    }
    return out;
  },
};
