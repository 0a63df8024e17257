import { HarnessError } from './errors.js';

/** A constraint on one argument value: a literal, one of several, a pattern, or a predicate. */
export type ArgMatcher =
  | string
  | number
  | boolean
  | RegExp
  | readonly (string | number | boolean)[]
  | ((value: unknown) => boolean);

/** Arguments constraints keyed by argument name; a dotted name reaches into nested objects. */
export type ArgMatchers = Readonly<Record<string, ArgMatcher>>;

/**
 * One allowlist entry: a tool name, or a tool whose arguments must match (`where`, per argument) and,
 * optionally, pass `check` (a predicate over the whole validated arguments; throwing counts as no).
 */
export type AllowRule =
  | string
  | { readonly tool: string; readonly where?: ArgMatchers; readonly check?: (args: unknown) => boolean };

/** The outcome of an allowlist check. */
export type AllowCheck = { allowed: true } | { allowed: false; reason: string };

/** Reads a dotted path out of an arguments object. */
export function argAt(args: unknown, path: string): unknown {
  let cur: unknown = args;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Whether one value satisfies one matcher. */
export function matchesArg(matcher: ArgMatcher, value: unknown): boolean {
  if (typeof matcher === 'function') {
    try {
      return matcher(value) === true;
    } catch {
      return false;
    }
  }
  if (matcher instanceof RegExp) {
    if (typeof value !== 'string') return false;
    matcher.lastIndex = 0;
    return matcher.test(value);
  }
  if (Array.isArray(matcher)) return matcher.includes(value as string);
  return matcher === value;
}

/** Whether every matcher holds for the arguments; returns the first failing argument otherwise. */
export function matchAll(
  where: ArgMatchers | undefined,
  args: unknown,
): { ok: true } | { ok: false; arg: string } {
  if (!where) return { ok: true };
  for (const [path, matcher] of Object.entries(where)) {
    if (!matchesArg(matcher, argAt(args, path))) return { ok: false, arg: path };
  }
  return { ok: true };
}

/** A printable form of a matcher, for run_start events and refusal reasons. */
export function describeMatcher(matcher: ArgMatcher): string {
  if (typeof matcher === 'function') return '<predicate>';
  if (matcher instanceof RegExp) return String(matcher);
  return JSON.stringify(matcher);
}

/** Deny-by-default allowlist: a call runs only if some rule names its tool and all its matchers hold. */
export class Allowlist {
  readonly #byTool = new Map<string, { where?: ArgMatchers; check?: (args: unknown) => boolean }[]>();

  constructor(rules: readonly AllowRule[]) {
    if (!Array.isArray(rules)) {
      throw new HarnessError(
        'invalid_option',
        'guardrails.allow must be an array of tool names or { tool, where } rules',
      );
    }
    rules.forEach((rule, i) => {
      const tool = typeof rule === 'string' ? rule : rule?.tool;
      if (typeof tool !== 'string' || tool === '') {
        throw new HarnessError(
          'invalid_option',
          `guardrails.allow[${i}] must be a tool name or { tool, where }`,
        );
      }
      const where = typeof rule === 'string' ? undefined : rule.where;
      if (where !== undefined && (typeof where !== 'object' || where === null)) {
        throw new HarnessError(
          'invalid_option',
          `guardrails.allow[${i}].where must be an object of argument matchers`,
        );
      }
      const check = typeof rule === 'string' ? undefined : rule.check;
      if (check !== undefined && typeof check !== 'function') {
        throw new HarnessError(
          'invalid_option',
          `guardrails.allow[${i}].check must be a function (args) => boolean`,
        );
      }
      const list = this.#byTool.get(tool) ?? [];
      list.push({ ...(where ? { where } : {}), ...(check ? { check } : {}) });
      this.#byTool.set(tool, list);
    });
  }

  tools(): string[] {
    return [...this.#byTool.keys()];
  }

  check(tool: string, args: unknown): AllowCheck {
    const rules = this.#byTool.get(tool);
    if (!rules) return { allowed: false, reason: `tool "${tool}" is not in the allowlist` };
    const failures: string[] = [];
    for (const rule of rules) {
      const m = matchAll(rule.where, args);
      if (m.ok && rule.check) {
        let ok = false;
        try {
          ok = rule.check(args) === true;
        } catch {
          ok = false;
        }
        if (ok) return { allowed: true };
        failures.push("the rule's check refused these arguments");
        continue;
      }
      if (m.ok) return { allowed: true };
      const matcher = rule.where?.[m.arg];
      failures.push(
        `${m.arg}=${JSON.stringify(argAt(args, m.arg)) ?? 'undefined'} does not match ${matcher === undefined ? '?' : describeMatcher(matcher)}`,
      );
    }
    return { allowed: false, reason: `arguments not allowed for "${tool}": ${failures.join('; ')}` };
  }

  /** A JSON-safe description of the rules, for the run_start event. */
  describe(): { tool: string; where?: Record<string, string> }[] {
    const out: { tool: string; where?: Record<string, string> }[] = [];
    for (const [tool, rules] of this.#byTool) {
      for (const r of rules) {
        const where: Record<string, string> = r.where
          ? Object.fromEntries(Object.entries(r.where).map(([k, m]) => [k, describeMatcher(m)]))
          : {};
        if (r.check) where['(arguments)'] = '<check>';
        out.push(Object.keys(where).length > 0 ? { tool, where } : { tool });
      }
    }
    return out;
  }
}
