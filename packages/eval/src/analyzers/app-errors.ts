import { parseTable } from '../k8s-text.js';
import { glossedLine } from './log-glosses.js';
import { type Analyzer, bonus, clip, outputs, textOf } from './types.js';

// Words a program uses when something fails, as log levels and runtimes print them (case kept:
// "ERROR" and "Exception" are levels and class names, "error" in prose is not).
const ERROR_MARKS = [
  'ERROR',
  'FATAL',
  'CRITICAL',
  'level=error',
  '"level":"error"',
  'Exception',
  'Traceback',
  'panic:',
  'division by zero',
  'ZeroDivisionError',
  'Forbidden',
  'forbidden:',
  'Unauthorized',
  'connection refused',
  'i/o timeout',
];
const STATUS_5XX = / (500|502|503|504) /;
// klog's error and fatal lines (Kubernetes components and controllers): `E1127 12:59:40.205114 …`.
const KLOG_ERROR = /^[EF]\d{4} \d\d:\d\d:\d\d/;

/** The lines of a log that say something failed (levels, runtimes' failure words, 5xx statuses). */
export function errorLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => !/^\(no log lines|^Defaulted container "/.test(l))
    .filter((l) => ERROR_MARKS.some((m) => l.includes(m)) || STATUS_5XX.test(` ${l} `) || KLOG_ERROR.test(l));
}

/**
 * A pod that runs and is Ready but whose program logs failures: not healthy, whatever its status
 * says. Weighed below every specific family, so a named cause (RBAC, a NetworkPolicy) wins.
 */
export const appErrorsAnalyzer: Analyzer = {
  name: 'app-errors',
  reads() {
    return [];
  },
  finds({ seen, hints }) {
    const rows = parseTable(textOf(seen, 'list_pods'));
    const running = new Set(rows.filter((r) => r['STATUS'] === 'Running').map((r) => r['NAME'] ?? ''));
    return outputs(
      seen,
      'get_pod_logs',
      (o) => !o.args['previous'] && running.has(String(o.args['name'])),
    ).flatMap((o) => {
      const pod = String(o.args['name']);
      const bad = errorLines(o.content);
      // A well-known failure logged at another level (a Kafka consumer's WARN that it left its group)
      // counts too.
      const known = glossedLine(bad.join('\n')) ?? glossedLine(o.content);
      if (bad.length === 0 && !known) return [];
      if (known && !bad.includes(known.line)) bad.push(known.line);
      const total = o.content.split('\n').filter((l) => l.trim()).length;
      // A line that says what failed beats an access-log line that only counts the failure (a 500).
      // A well-known error whose meaning is known says more than the last failure line.
      const line =
        known?.line ??
        bad.filter((l) => ERROR_MARKS.some((m) => l.includes(m))).pop() ??
        bad[bad.length - 1]!;
      return [
        {
          weight: (known && !known.symptom ? 76 : 64) + bonus(pod, hints),
          object: `pod ${pod}`,
          cause: `pod ${pod} is Running but its program logs failures (${bad.length} of ${total} lines): "${clip(line, 160)}"${known ? ` — ${known.means}` : ''}`,
          evidence: [`get_pod_logs ${pod}: "${clip(line, 160)}"`],
          advice: 'fix what the log lines report; the pod status alone does not show it',
        },
      ];
    });
  },
};
