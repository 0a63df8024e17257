import { describeError } from '../errors.js';

/** One named contract check; `run` rejects (with an assertion error) when the implementation breaks the contract. */
export interface ConformanceCheck {
  readonly name: string;
  run(): Promise<void>;
}

/** The outcome of one check, for frameworks that are not vitest or jest. */
export interface ConformanceResult {
  readonly name: string;
  readonly passed: boolean;
  readonly error?: string;
}

/**
 * The two functions a test framework provides; vitest's and jest's `describe` and `it` fit as they are,
 * so core never depends on a test framework.
 */
export interface TestRegistrar {
  readonly describe: (name: string, fn: () => void) => void;
  readonly it: (name: string, fn: () => Promise<void>, timeout?: number) => void;
}

/** Options for registering a kit's checks as tests. */
export interface RegisterOptions {
  /** Per-check timeout handed to `it`. Default 60 seconds, generous for loaded CI machines. */
  readonly timeoutMs?: number;
}

/** Runs checks one after another and reports each, never throwing. */
export async function runConformance(checks: readonly ConformanceCheck[]): Promise<ConformanceResult[]> {
  const out: ConformanceResult[] = [];
  for (const check of checks) {
    try {
      await check.run();
      out.push({ name: check.name, passed: true });
    } catch (e) {
      out.push({ name: check.name, passed: false, error: describeError(e) });
    }
  }
  return out;
}

/** Registers each check as one test inside a `describe` block named `suite`. */
export function registerConformance(
  suite: string,
  checks: readonly ConformanceCheck[],
  t: TestRegistrar,
  options: RegisterOptions = {},
): void {
  t.describe(suite, () => {
    for (const check of checks) t.it(check.name, () => check.run(), options.timeoutMs ?? 60_000);
  });
}

/** Freezes a value and everything reachable from it, so a write anywhere throws (modules run in strict mode). */
export function deepFreeze<T>(value: T, seen = new Set<object>()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}
