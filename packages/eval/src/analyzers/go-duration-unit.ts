import { loggedContainerEnv } from './env-values.js';
import { type Analyzer, clip, envFix, type Finding, outputs, podObject } from './types.js';

/** Go's time.ParseDuration on a bare number: `time: missing unit in duration "300"` (Go's time package), quotes JSON-escaped in a structured log. */
const MISSING_UNIT = /time: missing unit in duration \\?"(\d{1,12})\\?"/;

/**
 * A Go program that exits because a variable holding a duration has no unit: Go's time.ParseDuration
 * (and the envconfig or flag packages that use it) accepts `300s` or `5m`, never a bare `300`. The
 * variable is the one of the container's whose value is that number; the fix gives it seconds as its
 * unit, through `set_env`.
 */
export const goDurationUnitAnalyzer: Analyzer = {
  name: 'go-duration-unit',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const line = log.content.split('\n').find((l) => MISSING_UNIT.test(l));
      if (!line) continue;
      const value = MISSING_UNIT.exec(line)![1]!;
      const hit = loggedContainerEnv(seen, ns, log, (e) => e.value === value);
      if (!hit) continue;
      const { pod, container, variable, owner } = hit;
      // A bare number in a duration setting was meant as seconds (what integer settings it
      // replaced, flags and timeouts, count in), whatever unit the container's other durations use.
      const fixed = `${value}s`;
      const out: Finding = {
        weight: 89,
        object: podObject(owner, pod),
        cause: `the container ${container} exits at start because ${variable}=${value} has no unit: Go's time.ParseDuration reads durations only with one (${value}s, 5m, 250ms), so "${value}" fails with "time: missing unit in duration"; the variable needs its unit, e.g. ${fixed}`,
        evidence: [
          `previous logs of ${pod}: ${clip(line.trim(), 200)}`,
          `describe_pod ${pod}: ${variable}: ${value}`,
        ],
        advice: `set ${variable} to ${fixed} (a Go duration with its unit)`,
        ...envFix(
          ns,
          owner,
          container,
          [{ name: variable, value: fixed }],
          `set ${variable} of ${owner}/${container} to ${fixed}, the duration with its unit`,
        ),
      };
      return [out];
    }
    return [];
  },
};
