import { loggedContainerEnv } from './env-values.js';
import { type Analyzer, clip, envFix, type Finding, outputs } from './types.js';

/**
 * A program refusing a setting's value that is not among those it accepts, naming both: OpenProject's
 * (Rails') `Value for edition must be one of standard, bim but is classic`, and the common `invalid value
 * "x" for y: must be one of a, b`, `must be one of [a, b], got "x"`. Groups: the allowed list and the value
 * given, in either order. Bounded: at most 400 characters of list, 100 of value.
 */
const NOT_ALLOWED: readonly RegExp[] = [
  /\bmust be one of:? \[?([\w.,| -]{1,400}?)\]?,? but (?:is|was|got) \\?["'`]?([\w.-]{1,100})/i,
  /\binvalid value \\?["'`]?([\w.-]{1,100})\\?["'`]? for [\w.-]{1,100}:? (?:must be|expected) one of:? \[?([\w.,| -]{1,400}?)\]?\s*$/i,
  /\bmust be one of:? \[?([\w.,| -]{1,400}?)\]?,? got \\?["'`]?([\w.-]{1,100})/i,
];

/** The allowed values and the one given, from a line; undefined when the line is not such a refusal. */
export function notAllowed(line: string): { allowed: string[]; value: string } | undefined {
  if (line.length > 4000) return undefined;
  for (const [i, re] of NOT_ALLOWED.entries()) {
    const m = re.exec(line);
    if (!m) continue;
    const [list, value] = i === 1 ? [m[2]!, m[1]!] : [m[1]!, m[2]!];
    const allowed = list
      .split(/\s*(?:,|\||\bor\b)\s*/)
      .map((x) => x.trim().replace(/^["'`]|["'`]$/g, ''))
      .filter((x) => /^[\w.-]{1,100}$/.test(x));
    if (allowed.length === 0 || allowed.includes(value)) continue;
    return { allowed: allowed.slice(0, 12), value };
  }
  return undefined;
}

/**
 * A program that stops because a variable holds a value it no longer (or never) accepts, and says which
 * it accepts: an edition, a mode or a driver renamed or dropped in an upgrade ("Value for edition must be
 * one of standard, bim but is classic"). The variable is the container's one whose value is the refused
 * one; the fix sets it to the first value the program lists, which is where such lists start (the
 * default), through `set_env`. The release is not at fault: the setting is.
 */
export const valueNotAllowedAnalyzer: Analyzer = {
  name: 'value-not-allowed',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      for (const line of log.content.slice(-100_000).split('\n')) {
        const found = line.includes('one of') ? notAllowed(line) : undefined;
        if (!found) continue;
        const hit = loggedContainerEnv(seen, ns, log, (e) => e.value === found.value);
        if (!hit) continue;
        const { pod, container, variable, owner } = hit;
        const to = found.allowed[0]!;
        const out: Finding = {
          weight: 91,
          object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
          cause: `the container ${container} stops at start because ${variable}=${found.value} is not a value the program accepts: it takes only ${found.allowed.join(', ')} ("${clip(line.trim(), 200)}"). The value was valid for an earlier release or copied from another setup; set it to ${to} instead (the first value the program lists), or remove the variable to get the default`,
          evidence: [
            `logs of ${pod}: "${clip(line.trim(), 200)}"`,
            `describe_pod ${pod}: ${variable}: ${found.value}`,
          ],
          advice: `set ${variable} to ${to} (or remove it for the program's default); no rollback is needed`,
          ...envFix(
            ns,
            owner,
            container,
            [{ name: variable, value: to }],
            `set ${variable} of ${owner ?? pod}/${container} to ${to}, a value the program accepts`,
          ),
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};
