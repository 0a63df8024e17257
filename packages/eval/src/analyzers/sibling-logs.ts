import { FATAL_WORDS, TELLING } from '../baseline/reading.js';
import type { SeenObservation } from '../observations.js';
import { errorLines } from './app-errors.js';
import { glossedLine } from './log-glosses.js';
import { type Analyzer, containerSections, outputs, type Read, stateBlock } from './types.js';

/** A runtime's own stop: a fatal level, Go's `panic:`, an exception (not "don't panic" in prose). */
const STOPPED =
  /\bfatal\b|\bpanic:|exception\b|\bsegmentation fault\b|\bcore dumped\b|\baborted\b|\bkilled\b|\bout of memory\b|\billegal instruction\b|\bbus error\b/i;

/**
 * Whether a crashed container's log says nothing of why it stopped: no failure line (`errorLines`), no
 * line of known meaning and no telling words (a generic "Oops... something went wrong." and a joke).
 */
export function saysNothing(log: string): boolean {
  const text = log.slice(-50_000);
  if (errorLines(text).length > 0 || glossedLine(text)) return false;
  return !text
    .split('\n')
    .some(
      (l) => l.length <= 4000 && (TELLING.some((re) => re !== FATAL_WORDS && re.test(l)) || STOPPED.test(l)),
    );
}

/**
 * The other containers' logs of a pod whose crashing container says nothing of why: a program that prints
 * a generic line on the console often writes its real error to a log file, which a second container of the
 * pod tails (`tail -F /var/www/app/log/php.log`), or a sidecar the program depends on logs the failure
 * (docs: kubernetes.io, "Logging Architecture", "Using a sidecar container with the logging agent"). The
 * reads: the current log of at most two other Running containers of each such pod, once the crashed
 * container's previous log was read and says nothing. Finds nothing itself: the failure lines read go to
 * the other analyzers.
 */
export const siblingLogsAnalyzer: Analyzer = {
  name: 'sibling-logs',
  first: true,
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)) {
      const pod = String(d.args['name'] ?? '');
      const sections = containerSections(d.content).filter((c) => !c.init);
      if (sections.length < 2) continue;
      const logOf = (container: string, previous: boolean) =>
        outputs(
          ctx.seen,
          'get_pod_logs',
          (o) =>
            o.args['name'] === pod &&
            (o.args['namespace'] ?? ctx.ns) === ctx.ns &&
            o.args['container'] === container &&
            (o.args['previous'] === true) === previous,
        ).pop();
      const quiet = sections.some((c) => {
        if (stateBlock(c.body, 'Last State').reason === undefined) return false;
        const log = logOf(c.name, true);
        return log !== undefined && saysNothing(log.content);
      });
      if (!quiet) continue;
      for (const c of sections
        .filter((c) => stateBlock(c.body, 'Last State').reason === undefined)
        .filter((c) => stateBlock(c.body, 'State').state === 'Running')
        .slice(0, 2))
        if (!logOf(c.name, false))
          reads.push({ tool: 'get_pod_logs', args: { namespace: ctx.ns, name: pod, container: c.name } });
    }
    return reads.slice(0, 2);
  },
  finds: () => [],
};

/**
 * The failure lines (at most five, newest last) that another container of `pod` shows in its current log,
 * when a read of it was made: what a crashed container that says nothing of why leaves to its neighbours
 * (a tailed log file). Undefined when no other container's read log has one.
 */
export function siblingFailures(
  seen: readonly SeenObservation[],
  ns: string,
  pod: string,
  container: string,
): { container: string; lines: readonly string[] } | undefined {
  for (const o of outputs(
    seen,
    'get_pod_logs',
    (x) =>
      x.args['name'] === pod &&
      (x.args['namespace'] ?? ns) === ns &&
      typeof x.args['container'] === 'string' &&
      x.args['container'] !== container &&
      x.args['previous'] !== true,
  ).reverse()) {
    const lines = errorLines(o.content.slice(-100_000)).filter((l) => l.length <= 4000);
    if (lines.length > 0) return { container: String(o.args['container']), lines: lines.slice(-5) };
  }
  return undefined;
}
