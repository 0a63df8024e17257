import { DEFAULTED } from '../baseline/reading.js';
import { loggedContainerEnv, squashName } from './env-values.js';
import { type Analyzer, clip, envFix, type Finding, outputs, podObject } from './types.js';

const ITEM = String.raw`(?:[\w.-]{1,100}|['"\x60][\w.-]{1,100}['"\x60])`;
/** A list of accepted values: `a, b`, `[a, b]`, `['a', 'b']`, `` `a`, `b` ``, `a | b`, `a or b`. Bounded. */
const LIST = String.raw`\[?(?<list>${ITEM}(?:\s{0,3}(?:,|\||\bor\b)\s{0,3}${ITEM}){0,20})\]?`;
/** The refused value, quoted or not (a JSON log's quotes escaped). */
const VALUE = String.raw`['"\x60\\]{0,2}(?<value>[\w.-]{1,100})`;

/**
 * A program refusing a setting's value that is not among those it accepts, naming both (and often the
 * setting): OpenProject's (Rails') `Value for edition must be one of standard, bim but is classic`, Go's flag
 * package's `invalid value "fast" for flag -mode: must be one of …`, Rust serde's ``unknown variant `x`,
 * expected one of `a`, `b` ``, Python's `must be one of ['json', 'text'], got 'pretty'`. Named groups: the
 * setting (`f1`, `f2`, when named), the list and the value.
 */
const NOT_ALLOWED: readonly RegExp[] = [
  new RegExp(
    String.raw`(?:\bfor (?<f1>[\w.-]{1,100}) |(?<f2>[\w.-]{1,100}) )?must be one of:? ${LIST},? (?:but (?:is|was|got)|got|not) ${VALUE}`,
    'i',
  ),
  new RegExp(
    String.raw`\binvalid value ${VALUE}['"\x60\\]{0,2} for (?:flag |option |key |setting )?-{0,2}(?<f1>[\w.-]{1,100}):? (?:must be|expected) one of:? ${LIST}`,
    'i',
  ),
  new RegExp(String.raw`\bunknown variant ${VALUE}['"\x60\\]{0,2}, expected (?:one of )?${LIST}`, 'i'),
];

/**
 * The allowed values, the one given and the setting the line names (when it does); undefined when the line
 * is not such a refusal, or says the program goes on with a default (a warning, not a stop).
 */
export function notAllowed(line: string): { allowed: string[]; value: string; field?: string } | undefined {
  if (line.length > 4000 || DEFAULTED.test(line)) return undefined;
  for (const re of NOT_ALLOWED) {
    const g = re.exec(line)?.groups;
    if (!g?.['list'] || !g['value']) continue;
    const value = g['value'];
    const allowed = g['list']
      .split(/\s{0,3}(?:,|\||\bor\b)\s{0,3}/)
      .map((x) => x.trim().replace(/^['"\x60]|['"\x60]$/g, ''))
      .filter((x) => /^[\w.-]{1,100}$/.test(x));
    if (allowed.length === 0 || allowed.includes(value)) continue;
    const field = g['f1'] ?? g['f2'];
    return {
      allowed: allowed.slice(0, 12),
      value,
      ...(field && !/^(?:value|it|this)$/i.test(field) ? { field } : {}),
    };
  }
  return undefined;
}

/** Whether a variable's name is the setting's: its last part (`edition` of `settings.edition`) in the name. */
function namesField(variable: string, field: string | undefined): boolean {
  if (!field) return true;
  const last = squashName(field.split(/[.-]/).filter(Boolean).pop() ?? field);
  return last.length > 0 && squashName(variable).includes(last);
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
        const hit = loggedContainerEnv(
          seen,
          ns,
          log,
          (e) => e.value === found.value && namesField(e.name, found.field),
        );
        if (!hit) continue;
        const { pod, container, variable, owner } = hit;
        // The accepted value it differs from only in case, else the first listed.
        const to =
          found.allowed.find((a) => a.toLowerCase() === found.value.toLowerCase()) ?? found.allowed[0]!;
        const out: Finding = {
          weight: 91,
          object: podObject(owner, pod),
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
