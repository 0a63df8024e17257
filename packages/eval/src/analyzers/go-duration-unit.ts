import {
  type Analyzer,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  setEnvFix,
} from './types.js';

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
      const pod = String(log.args['name'] ?? '');
      const d = outputs(
        seen,
        'describe_pod',
        (o) => o.args['name'] === pod && o.args['namespace'] === ns,
      ).pop();
      if (!d) continue;
      for (const c of containerSections(d.content)) {
        if (log.args['container'] && log.args['container'] !== c.name) continue;
        const env = envOf(c.body);
        const named = env.filter((e) => e.value === value);
        if (named.length !== 1) continue;
        const variable = named[0]!.name;
        // A bare number in a duration setting was meant as seconds (what integer settings it
        // replaced, flags and timeouts, count in), whatever unit the container's other durations use.
        const unit = 's';
        const owner = ownerDeployment(d.content);
        const fixed = `${value}${unit}`;
        const out: Finding = {
          weight: 89,
          object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
          cause: `the container ${c.name} exits at start because ${variable}=${value} has no unit: Go's time.ParseDuration reads durations only with one (${value}s, 5m, 250ms), so "${value}" fails with "time: missing unit in duration"; the variable needs its unit, e.g. ${fixed}`,
          evidence: [
            `previous logs of ${pod}: ${clip(line.trim(), 200)}`,
            `describe_pod ${pod}: ${variable}: ${value}`,
          ],
          advice: `set ${variable} to ${fixed} (a Go duration with its unit)`,
          ...(owner
            ? {
                fix: setEnvFix(
                  ns,
                  owner,
                  c.name,
                  [{ name: variable, value: fixed }],
                  `set ${variable} of ${owner}/${c.name} to ${fixed}, the duration with its unit`,
                ),
              }
            : {}),
        };
        return [out];
      }
    }
    return [];
  },
};

/** The literal variables of a container's `Environment:` block in describe_pod (references left out). */
export function envOf(body: string): { name: string; value: string }[] {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^\s*Environment:\s*$/.test(l));
  if (at < 0) return [];
  const indent = (lines[at]!.match(/^\s*/)?.[0].length ?? 0) + 1;
  const out: { name: string; value: string }[] = [];
  for (const l of lines.slice(at + 1, at + 201)) {
    if ((l.match(/^\s*/)?.[0].length ?? 0) < indent || !l.trim()) break;
    const m = /^\s*([A-Za-z_][A-Za-z0-9_.-]{0,127}):\s{1,20}(.{0,4096})$/.exec(l);
    if (m && !m[2]!.startsWith('<set to')) out.push({ name: m[1]!, value: m[2]!.trim() });
  }
  return out;
}
