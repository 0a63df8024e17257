import { type Analyzer, bonus, boundedLogLines, clip, type Finding, outputs } from './types.js';

/** A logfmt field: `key=value` or `key="quoted value"`. */
const FIELD = /([a-z][a-z0-9_]{0,60})=("(?:[^"\\]|\\.){0,2000}"|[^\s"]{0,2000})/g;
/** A status flag that says the thing does not work. */
const DOWN_FLAG = /^(?:working|healthy|ok|up|alive)$/;
/** A field that says errors were logged or counted (`recent_error_logs=true`, `errors_last_run=1`). */
const ERROR_FIELD = /error/;
/** A setting named after errors (`max_errors`, `error_threshold`), not a count of errors logged. */
const ERROR_SETTING = /max|min|limit|threshold|budget|allowed|tolerance/;
/** A field that counts work done in the same check (`events_created_last_check=498`). */
const DONE_FIELD = /(?:event|item|created|processed|sent|delivered|fetched|emitted)/;
/** A count of work that did not go through (`items_failed=12`, `events_dropped=3`). */
const NOT_DONE = /fail|error|skip|drop|reject|retr|lost|discard/;
/** Fields that say when and how a line was logged, not what it is about. */
const LOG_FIELD =
  /^(?:ts|t|time|timestamp|date|level|lvl|severity|msg|message|caller|logger|source|component)$/;

function fields(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of line.slice(0, 4000).matchAll(FIELD)) out.set(m[1]!, m[2]!.replace(/^"|"$/g, ''));
  return out;
}

/**
 * A status that flags something as not working only because it logged an error, while the same status
 * shows it working: a logfmt status line (an exporter's, a scheduler's) with a false status flag
 * (`working=false`), a field that says errors were logged (`recent_error_logs=true`) and a count of work
 * done in the same check (`events_created_last_check=498`). The status is computed from the error logs,
 * so one failing item (the last error line of the same thing, read from the log) keeps it flagged on every
 * run though the rest goes through; a block, a ban or a stuck worker would show no work done. Reads
 * nothing of its own.
 */
export const statusFlagErrorsAnalyzer: Analyzer = {
  name: 'status-flag-errors',
  reads() {
    return [];
  },
  finds(ctx): Finding[] {
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const lines = boundedLogLines(o.content);
      for (const line of lines) {
        if (line.length > 4000 || !line.includes('=false')) continue;
        const f = fields(line);
        const flag = [...f].find(([k, v]) => DOWN_FLAG.test(k) && v === 'false');
        const error = [...f].find(
          ([k, v]) =>
            ERROR_FIELD.test(k) && !ERROR_SETTING.test(k) && (v === 'true' || /^[1-9]\d{0,9}$/.test(v)),
        );
        const done = [...f].find(
          ([k, v]) => DONE_FIELD.test(k) && !NOT_DONE.test(k) && /^[1-9]\d{0,9}$/.test(v),
        );
        if (!flag || !error || !done) continue;
        // The thing the line is about: its first field that is not the logger's (`agent=412`, after `ts=…`),
        // and its name when given.
        const id = [...f].find(([k]) => !LOG_FIELD.test(k));
        if (!id) continue;
        const idKey = id[0];
        const idValue = clip(id[1], 80);
        const name = f.get('name');
        const errorLine = lines.find((l) => {
          if (l.length > 4000 || l === line) return false;
          const g = fields(l);
          return g.get(idKey) === id[1] && /^(?:error|err|fatal)$/i.test(g.get('level') ?? '');
        });
        const pod = String(o.args['name'] ?? '');
        const what = `${idKey} ${idValue}${name ? ` ("${clip(name, 60)}")` : ''}`;
        return [
          {
            weight: 86 + bonus(pod, ctx.hints),
            object: `pod ${pod}`,
            cause: `${what} is flagged not working (${flag[0]}=false) because it has recent error logs (${error[0]}=${error[1]}), not because it stopped: the same status shows its last check did its work (${done[0]}=${done[1]})${errorLine ? `, and the error logged is one failing item: "${clip(errorLine.trim(), 220)}"` : ''}. The flag is computed from logged errors, so a single item that errors on every run keeps it marked not working while the rest goes through; a block, a ban or a stuck worker would show no work done. Fix the one failing case (make the extraction tolerate the item that lacks the value, or skip it), and the flag clears after a clean run`,
            evidence: [
              `get_pod_logs ${pod}: "${clip(line.trim(), 220)}"`,
              ...(errorLine ? [`get_pod_logs ${pod}: "${clip(errorLine.trim(), 220)}"`] : []),
            ],
            advice: `fix the one item ${what} errors on (or let it skip items without the value); a restart changes nothing, since the next run meets the same item`,
          },
        ];
      }
    }
    return [];
  },
};
