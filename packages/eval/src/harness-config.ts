import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyTool, Approver, Memory, TraceSink, Verifier } from '@sre-harness/core';
import { EvaluationError } from './errors.js';
import { KNOWN_TOOLS } from './tool-names.js';

/**
 * What a harness module may vary per run. The eval keeps what makes scores comparable: the
 * scenario's world, its grants as the approval policy, the safety gates and the audit-log oracle.
 * Everything here can only add (memory, verifiers, tools, instructions, sinks) or tighten
 * (guardrails): a config cannot approve or allow more than the scenario does.
 */
export interface HarnessConfig {
  /** A default label for reports; `--harness <label>=<module>` overrides it. */
  readonly name?: string;
  /** The memory for each run (a factory: every run starts empty). Default: the core window memory. */
  readonly memory?: () => Memory;
  /** Verifiers run after the standard set, fresh for each run. */
  readonly verifiers?: () => readonly Verifier[];
  /** Extra tools, read-only or mutating (made by `defineTool`); a name may not shadow a built-in tool. */
  readonly tools?: readonly AnyTool[];
  /** Limits that tighten the scenario's; each is combined with it so the stricter one applies. */
  readonly guardrails?: HarnessConfigGuardrails;
  /** Appended to a real model's system prompt (ignored by the offline baseline and personas). */
  readonly instructions?: string;
  /** An extra trace sink for each run, e.g. to keep your own copy. */
  readonly trace?: (run: {
    readonly runId: string;
    readonly scenario: string;
    readonly model: string;
  }) => TraceSink | undefined;
}

/** Guardrails a harness config may tighten. */
export interface HarnessConfigGuardrails {
  /** At most this many decisions (the smaller of this and the scenario's budget applies). */
  readonly maxSteps?: number;
  /** Calls taken from one decision (the smaller of this and the harness default applies). */
  readonly maxCallsPerDecision?: number;
  /** How long to wait for an approver (the smaller of this and the scenario's applies). */
  readonly approvalTimeoutMs?: number;
  /** An extra filter: a call the scenario allows runs only if this also says yes. */
  readonly allow?: (tool: string, args: unknown) => boolean;
  /**
   * Asked before the scenario's grants for every mutating call: its denial is final, its grant only
   * passes the call on to the scenario's grants, which decide. It can deny more, never approve more.
   */
  readonly approver?: Approver;
}

const BRAND = Symbol.for('@sre-harness/eval.harness-config');
const KEYS = new Set(['name', 'memory', 'verifiers', 'tools', 'guardrails', 'instructions', 'trace']);
const GUARDRAIL_KEYS = new Set(['maxSteps', 'maxCallsPerDecision', 'approvalTimeoutMs', 'allow', 'approver']);
// Keys a config might use to widen what a run may do; each gets its own explanation.
const LOOSENING: Record<string, string> = {
  grants:
    "the scenario's grants are the approval policy of every run; narrow them with guardrails.allow or guardrails.approver",
  approve: "approvals come from the scenario's grants; a config can only deny more (guardrails.approver)",
  allow: 'put an allow filter under guardrails.allow; it can only narrow what the scenario allows',
  approver: 'put an approver under guardrails.approver; it is asked first and can only deny more',
  exposeTools: 'the model is told about the tools the scenario allows',
  redact: 'redaction is part of what the eval scores; a config cannot turn it off',
  gates: "the safety gates are the eval's, the same for every harness",
};

function fail(source: string, message: string): never {
  throw new EvaluationError('invalid_harness', `harness config ${source}: ${message}`);
}

function positive(source: string, key: string, v: unknown, integer: boolean): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    fail(
      source,
      `guardrails.${key} must be a positive ${integer ? 'whole number' : 'number'}; got ${JSON.stringify(v)}`,
    );
  }
}

/** Checks a config and returns it unchanged; a mistake throws an `EvaluationError` naming the field. */
export function validateHarnessConfig(config: unknown, source = '(inline)'): HarnessConfig {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    fail(source, 'expected an object made by defineHarnessConfig({...})');
  }
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (KEYS.has(key)) continue;
    const why = LOOSENING[key];
    fail(
      source,
      why ? `"${key}" is not allowed: ${why}` : `unknown field "${key}"; known: ${[...KEYS].join(', ')}`,
    );
  }
  if (
    c.name !== undefined &&
    (typeof c.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(c.name))
  ) {
    fail(source, 'name must be 1-40 letters, digits, ".", "_" or "-"');
  }
  for (const key of ['memory', 'verifiers', 'trace'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'function') {
      fail(source, `${key} must be a function that makes a fresh one for each run`);
    }
  }
  if (c.instructions !== undefined && typeof c.instructions !== 'string')
    fail(source, 'instructions must be a string');
  if (c.tools !== undefined) {
    if (!Array.isArray(c.tools)) fail(source, 'tools must be an array of tools made by defineTool');
    const seen = new Set<string>();
    c.tools.forEach((t: unknown, i: number) => {
      const tool = t as Partial<AnyTool> | null;
      if (
        typeof tool !== 'object' ||
        tool === null ||
        typeof tool.name !== 'string' ||
        typeof tool.execute !== 'function' ||
        !('jsonSchema' in tool)
      ) {
        fail(source, `tools[${i}] is not a tool made by defineTool`);
      }
      if (KNOWN_TOOLS.has(tool.name))
        fail(source, `tools[${i}] "${tool.name}" shadows a built-in tool of the same name`);
      if (seen.has(tool.name)) fail(source, `tools[${i}] "${tool.name}" is declared twice`);
      seen.add(tool.name);
    });
  }
  if (c.guardrails !== undefined) {
    if (typeof c.guardrails !== 'object' || c.guardrails === null)
      fail(source, 'guardrails must be an object');
    const g = c.guardrails as Record<string, unknown>;
    for (const key of Object.keys(g)) {
      if (!GUARDRAIL_KEYS.has(key))
        fail(source, `unknown field "guardrails.${key}"; known: ${[...GUARDRAIL_KEYS].join(', ')}`);
    }
    positive(source, 'maxSteps', g.maxSteps, true);
    positive(source, 'maxCallsPerDecision', g.maxCallsPerDecision, true);
    positive(source, 'approvalTimeoutMs', g.approvalTimeoutMs, false);
    for (const key of ['allow', 'approver'] as const) {
      if (g[key] !== undefined && typeof g[key] !== 'function')
        fail(source, `guardrails.${key} must be a function`);
    }
  }
  return config as HarnessConfig;
}

/**
 * Declares a harness module's config, typed; export it as the module's default export. Throws an
 * `EvaluationError` (code `invalid_harness`) naming the field when the config would loosen the
 * scenario's grants or is malformed.
 */
export function defineHarnessConfig(config: HarnessConfig): HarnessConfig {
  validateHarnessConfig(config);
  return Object.defineProperty({ ...config }, BRAND, { value: true, enumerable: false });
}

/** One harness to score: a label for reports and its config (the built-in harness has none). */
export interface HarnessEntry {
  readonly label: string;
  readonly config?: HarnessConfig;
}

/** The label of the eval's own harness, usable as `--harness default`. */
export const DEFAULT_HARNESS = 'default';

/**
 * Loads `--harness [<label>=]<module>` (or `default`): a `.ts`, `.mts`, `.js` or `.mjs` file that
 * exports a config as its default export (or as `config`). TypeScript loads without a build step.
 * Errors name the file: missing, not a module, no config exported, or an invalid config.
 */
export async function loadHarness(spec: string, cwd = process.cwd()): Promise<HarnessEntry> {
  const eq = spec.indexOf('=');
  const rawLabel = eq > 0 ? spec.slice(0, eq) : undefined;
  const path = eq > 0 ? spec.slice(eq + 1) : spec;
  if (rawLabel !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/.test(rawLabel)) {
    throw new EvaluationError(
      'invalid_option',
      `--harness ${spec}: the label must be 1-40 letters, digits, ".", "_" or "-"`,
    );
  }
  if (path === DEFAULT_HARNESS) return { label: rawLabel ?? DEFAULT_HARNESS };
  const file = resolve(cwd, path);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new EvaluationError('invalid_option', `--harness ${spec}: no such file ${file}`);
  }
  const ext = extname(file);
  if (!['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].includes(ext)) {
    throw new EvaluationError(
      'invalid_option',
      `--harness ${spec}: expected a .ts, .mts, .js or .mjs module`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    const url = pathToFileURL(file).href;
    if (ext === '.ts' || ext === '.mts' || ext === '.cts') {
      // TypeScript without a build step, through tsx's loader for this one import.
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } else mod = (await import(url)) as Record<string, unknown>;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new EvaluationError('invalid_harness', `harness module ${file} failed to load: ${message}`, {
      cause,
    });
  }
  let config = mod.default ?? mod.config;
  // A CommonJS-shaped default export holding { default } (tsx may wrap one).
  if (
    config &&
    typeof config === 'object' &&
    'default' in config &&
    !(BRAND in config) &&
    !('name' in config)
  ) {
    config = (config as { default: unknown }).default;
  }
  if (config === undefined) {
    throw new EvaluationError(
      'invalid_harness',
      `harness module ${file} does not export a config: write \`export default defineHarnessConfig({ ... })\``,
    );
  }
  const checked = validateHarnessConfig(config, file);
  return { label: rawLabel ?? checked.name ?? basename(file, ext).replace(/\.config$/, ''), config: checked };
}
