import { Allowlist, type AllowRule } from './allowlist.js';
import { type Approver, denyAll } from './approvals.js';
import { HarnessError } from './errors.js';
import type { Memory, MemoryOption } from './memory.js';
import { WindowMemory } from './memory.js';
import type { Model } from './model.js';
import { type Redactor, redactSecrets } from './redact.js';
import { type AnyTool, type ToolDescriptor, ToolRegistry } from './tool.js';
import type { TraceSink } from './trace.js';
import type { Verifier } from './verifier.js';

/** The rails every call passes, in this order: step budget, allowlist, approval gate. */
export interface Guardrails {
  /** Most model decisions a run may make; refused and invalid decisions count too. */
  readonly maxSteps: number;
  /** Deny by default: only tools named here (with matching arguments, if constrained) may run. */
  readonly allow?: readonly AllowRule[];
  /** Asked before every mutating call; the default denies everything. */
  readonly approver?: Approver;
  /** An approver slower than this is a denial. Default two minutes. */
  readonly approvalTimeoutMs?: number;
  /** Calls beyond this many in one decision are refused. Default 8. */
  readonly maxCallsPerDecision?: number;
}

/** Everything a harness is made of. */
export interface HarnessOptions {
  readonly model: Model;
  readonly tools: ToolRegistry | readonly AnyTool[];
  readonly guardrails: Guardrails;
  /** Default: a window memory keeping the last 20 observations, fresh for each run. */
  readonly memory?: MemoryOption;
  readonly verifiers?: readonly Verifier[];
  readonly trace?: TraceSink | readonly TraceSink[];
  /** Time limit for tools that do not set their own. Default 30 seconds. */
  readonly toolTimeoutMs?: number;
  /** Tool output longer than this is cut, with a note saying so. Default 16,000 characters. */
  readonly maxObservationChars?: number;
  /**
   * Masks secrets in tool output and tool errors before the model, memory, trace or anyone else sees
   * them. Default: the built-in `redactSecrets`; pass your own function, or false to turn it off.
   */
  readonly redact?: Redactor | false;
  /** Which tools the model is told about: only allowed ones (default), or every registered one. */
  readonly exposeTools?: 'allowed' | 'all';
  /** Clock for event timestamps (tests pin it). */
  readonly now?: () => number;
  /** Extra fields for the run_start event (scenario id, persona, versions). */
  readonly meta?: Readonly<Record<string, unknown>>;
  /**
   * Keep the run's events in memory for verifiers and `RunResult.trace` (default true). Very long
   * runs can turn it off to run in flat memory: events still go to the sinks, but verifiers and the
   * result then see an empty trace.
   */
  readonly retainTrace?: boolean;
}

const DEFAULT_APPROVAL_TIMEOUT = 120_000;
const DEFAULT_TOOL_TIMEOUT = 30_000;
const DEFAULT_MAX_OBSERVATION = 16_000;
const DEFAULT_MAX_CALLS = 8;

function positiveInt(value: unknown, option: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new HarnessError(
      'invalid_option',
      `${option} must be a whole number of at least ${min}; got ${String(value)}`,
    );
  }
  return value;
}

function positiveMs(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new HarnessError(
      'invalid_option',
      `${option} must be a positive number of milliseconds; got ${String(value)}`,
    );
  }
  return value;
}

/** A harness's configuration once every option is checked and every default applied. */
export interface RunConfig {
  model: Model;
  registry: ToolRegistry;
  allowlist: Allowlist;
  approver: Approver;
  approvalTimeoutMs: number;
  toolTimeoutMs: number;
  maxObservation: number;
  redact: Redactor;
  maxSteps: number;
  maxCalls: number;
  exposed: readonly ToolDescriptor[];
  sinks: readonly TraceSink[];
  verifiers: readonly Verifier[];
  now: () => number;
  makeMemory: () => Memory;
  meta: Readonly<Record<string, unknown>> | undefined;
  retainTrace: boolean;
}

/**
 * Checks every option of `createHarness` and applies the defaults, in one place; a mistake throws a
 * `HarnessError` (code `invalid_option` or `unknown_tool`) that names the option.
 */
export function resolveHarnessOptions(options: HarnessOptions): RunConfig {
  if (typeof options !== 'object' || options === null) {
    throw new HarnessError('invalid_option', 'createHarness expects { model, tools, guardrails }');
  }
  const { model, guardrails } = options;
  if (!model || typeof model.decide !== 'function') {
    throw new HarnessError('invalid_option', 'model must have a decide(request) method');
  }
  if (!guardrails || typeof guardrails !== 'object') {
    throw new HarnessError('invalid_option', 'guardrails is required, with at least maxSteps');
  }
  const maxSteps = positiveInt(guardrails.maxSteps, 'guardrails.maxSteps');
  const maxCalls = positiveInt(
    guardrails.maxCallsPerDecision ?? DEFAULT_MAX_CALLS,
    'guardrails.maxCallsPerDecision',
  );
  const approvalTimeoutMs = positiveMs(
    guardrails.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT,
    'guardrails.approvalTimeoutMs',
  );
  const toolTimeoutMs = positiveMs(options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT, 'toolTimeoutMs');
  const maxObservation = positiveInt(
    options.maxObservationChars ?? DEFAULT_MAX_OBSERVATION,
    'maxObservationChars',
    100,
  );
  if (guardrails.approver !== undefined && typeof guardrails.approver !== 'function') {
    throw new HarnessError(
      'invalid_option',
      'guardrails.approver must be a function (request) => Promise<decision>',
    );
  }
  const approver = guardrails.approver ?? denyAll();
  const allowlist = new Allowlist(guardrails.allow ?? []);
  const registry =
    options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools ?? []);
  const allowed = new Set(allowlist.tools());
  for (const name of allowed) {
    if (!registry.has(name)) {
      throw new HarnessError(
        'unknown_tool',
        `guardrails.allow names tool "${name}", which is not registered`,
      );
    }
  }
  const exposed: readonly ToolDescriptor[] =
    options.exposeTools === 'all'
      ? registry.descriptors()
      : registry.descriptors().filter((d) => allowed.has(d.name));
  const sinks: readonly TraceSink[] = options.trace
    ? Array.isArray(options.trace)
      ? (options.trace as readonly TraceSink[])
      : [options.trace as TraceSink]
    : [];
  for (const [i, s] of sinks.entries()) {
    if (!s || typeof s.write !== 'function') {
      throw new HarnessError('invalid_option', `trace[${i}] must be a sink with a write(event) method`);
    }
  }
  const verifiers = options.verifiers ?? [];
  for (const [i, v] of verifiers.entries()) {
    if (!v || typeof v.verify !== 'function' || typeof v.name !== 'string') {
      throw new HarnessError('invalid_option', `verifiers[${i}] must have a name and a verify(input) method`);
    }
  }
  const memoryOption = options.memory;
  if (memoryOption !== undefined && typeof memoryOption !== 'function') {
    if (typeof memoryOption.add !== 'function' || typeof memoryOption.render !== 'function') {
      throw new HarnessError(
        'invalid_option',
        'memory must have add(observation) and render() methods, or be a factory',
      );
    }
  }
  const now = options.now ?? Date.now;
  return {
    model,
    registry,
    allowlist,
    approver,
    approvalTimeoutMs,
    toolTimeoutMs,
    maxObservation,
    redact: options.redact === false ? (t: string) => t : (options.redact ?? redactSecrets),
    maxSteps,
    maxCalls,
    exposed,
    sinks,
    verifiers,
    now,
    makeMemory: () =>
      memoryOption === undefined
        ? new WindowMemory()
        : typeof memoryOption === 'function'
          ? memoryOption()
          : memoryOption,
    meta: options.meta,
    retainTrace: options.retainTrace !== false,
  };
}
