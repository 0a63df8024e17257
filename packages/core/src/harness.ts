import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Allowlist, type AllowRule } from './allowlist.js';
import { type ApprovalDecision, type Approver, denyAll } from './approvals.js';
import { callHash, frozenCopy, plainJsonProblem } from './canonical.js';
import { describeError, HarnessError } from './errors.js';
import type { Memory, MemoryContext, MemoryOption, Observation, ObservationStatus } from './memory.js';
import { WindowMemory } from './memory.js';
import {
  addUsage,
  type DecideRequest,
  type Decision,
  decisionSchema,
  type Model,
  type Usage,
} from './model.js';
import { type Redactor, redactSecrets } from './redact.js';
import { cutText } from './text.js';
import { type AnyTool, type ToolDescriptor, ToolRegistry } from './tool.js';
import {
  type RefusalReason,
  type StoppedReason,
  TRACE_VERSION,
  type TraceEvent,
  type TraceEventInput,
  type TraceSink,
} from './trace.js';
import type { Verification, Verifier } from './verifier.js';

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

/** Per-run options. */
export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly runId?: string;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** What a run returns; every way a run can end is a value here, never an exception. */
export interface RunResult {
  readonly runId: string;
  readonly answer: string | null;
  /** True when the run completed and every verifier passed. */
  readonly verified: boolean;
  readonly verifications: readonly Verification[];
  readonly stoppedReason: StoppedReason;
  readonly steps: number;
  readonly usage: Usage;
  /** Set when the model failed (model_error) or the run was cancelled with a reason. */
  readonly error?: string;
  /** The run's events, in order (also written to the configured sinks). */
  readonly trace: readonly TraceEvent[];
}

/** A configured agent: call `run` as often as you like; runs share nothing but configuration. */
export interface Harness {
  run(task: string, options?: RunOptions): Promise<RunResult>;
  readonly tools: ToolRegistry;
}

const DEFAULT_APPROVAL_TIMEOUT = 120_000;
const DEFAULT_TOOL_TIMEOUT = 30_000;
const DEFAULT_MAX_OBSERVATION = 16_000;
const DEFAULT_MAX_CALLS = 8;
/** Characters past the cut that are still redacted, so a secret that straddles the cut is recognised. */
const REDACTION_MARGIN = 4096;

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

/** Builds a harness; configuration mistakes throw a `HarnessError` that names the option. */
export function createHarness(options: HarnessOptions): Harness {
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
  for (const name of allowlist.tools()) {
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
      : registry.descriptors().filter((d) => allowlist.tools().includes(d.name));
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
  const config: RunConfig = {
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
  return {
    tools: registry,
    run: (task, runOptions = {}) => new Run(config, task, runOptions).execute(),
  };
}

interface RunConfig {
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

class Cancelled extends Error {}
class TimedOut extends Error {}
/** A sink could not persist the record before an approval or a mutation: nothing more may change. */
class TraceFailed extends Error {}

/**
 * A cheap structural check of the common, well-formed decision, so the hot path does not clone it;
 * anything else goes through the zod schema, which accepts or explains.
 */
function isWellFormedDecision(v: unknown): v is Decision {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  if (d.usage !== undefined || d.meta !== undefined) return false;
  if (d.type === 'final') return typeof d.answer === 'string';
  if (d.type !== 'tool_calls' || !Array.isArray(d.calls) || d.calls.length === 0) return false;
  if (d.text !== undefined && typeof d.text !== 'string') return false;
  for (const c of d.calls as unknown[]) {
    if (typeof c !== 'object' || c === null) return false;
    const call = c as Record<string, unknown>;
    if (typeof call.tool !== 'string') return false;
    if (call.id !== undefined && typeof call.id !== 'string') return false;
    if (call.parseError !== undefined && typeof call.parseError !== 'string') return false;
  }
  return true;
}

/** Whether a value is a promise-like (so sync memories cost no extra microtask). */
function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Replaces lone surrogates so the text is valid UTF-8 when written (String#toWellFormed, Node 20+). */
function wellFormed(s: string): string {
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}

/** Turns whatever a tool returned into text the model can read. */
function toText(value: unknown): string {
  if (typeof value === 'string') return wellFormed(value);
  if (value instanceof Uint8Array) return decoder.decode(value);
  if (value === undefined) return '(no output)';
  try {
    return wellFormed(JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    return String(value);
  }
}

/**
 * Every string inside the data redacted, and anything JSON cannot hold (bigint, function, symbol,
 * a Map, URL or class instance) replaced by a description, so a sink can always serialize the event;
 * the same object back when nothing changed.
 */
function redactDeep(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (typeof value === 'bigint') return `<bigint ${String(value)}>`;
  if (typeof value === 'function' || typeof value === 'symbol') return `<${typeof value}>`;
  if (typeof value === 'number') return Number.isFinite(value) ? value : `<number ${String(value)}>`;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = redactDeep(v, redact);
      if (r !== v) changed = true;
      return r;
    });
    return changed ? out : value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto?.constructor as { name?: string } | undefined)?.name || 'object';
    let text: string;
    try {
      text = String(value);
    } catch {
      text = '';
    }
    return `<${name}${text && !text.startsWith('[object') ? ` ${redact(text)}` : ''}>`;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const r = redactDeep(v, redact);
    if (r !== v) {
      out ??= { ...(value as Record<string, unknown>) };
      out[k] = r;
    }
  }
  return out ?? value;
}

/**
 * The one place every trace event passes: free text and arguments are redacted before any sink
 * sees them. Tool output is redacted (and capped) where it is produced, so it is not scanned twice;
 * approval hashes were taken over the real arguments before this.
 */
function redactEvent(e: TraceEventInput, redact: Redactor): TraceEventInput {
  switch (e.kind) {
    case 'decision':
      return {
        ...e,
        ...(e.text !== undefined ? { text: redact(e.text) } : {}),
        ...(e.answer !== undefined ? { answer: redact(e.answer) } : {}),
        ...(e.detail !== undefined ? { detail: redact(e.detail) } : {}),
        ...(e.calls ? { calls: redactDeep(e.calls, redact) as typeof e.calls } : {}),
      };
    case 'tool_call':
    case 'approval_requested':
      return { ...e, args: redactDeep(e.args, redact) };
    case 'approval':
      return e.reason === undefined ? e : { ...e, reason: redact(e.reason) };
    case 'tool_refused':
      return { ...e, detail: redact(e.detail) };
    case 'verify':
      return { ...e, detail: redact(e.detail) };
    case 'final':
      return { ...e, answer: redact(e.answer) };
    case 'stop':
      return {
        ...e,
        ...(e.answer ? { answer: redact(e.answer) } : {}),
        ...(e.error ? { error: redact(e.error) } : {}),
      };
    default:
      return e;
  }
}

class Run {
  readonly #c: RunConfig;
  readonly #task: string;
  readonly #runId: string;
  readonly #signal: AbortSignal;
  readonly #events: TraceEvent[] = [];
  readonly #memory: Memory;
  readonly #memoryCtx: MemoryContext;
  readonly #runMeta: Readonly<Record<string, unknown>> | undefined;
  readonly #cancelHooks = new Set<() => void>();
  #seq = 0;
  /** The first error a sink threw from write(), if any. */
  #writeFailure: string | undefined;
  #lastMs = Number.NaN;
  #lastTs = '';
  #steps = 0;
  #calls = 0;
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };

  constructor(config: RunConfig, task: string, options: RunOptions) {
    if (typeof task !== 'string' || task.trim() === '') {
      throw new HarnessError('invalid_option', 'run(task) needs a non-empty task string');
    }
    this.#c = config;
    // Redacted once, here: the model, memory, trace, approvers and verifiers all see this copy.
    this.#task = config.redact(task);
    this.#runId = options.runId ?? randomUUID();
    this.#signal = options.signal ?? new AbortController().signal;
    this.#runMeta = options.meta;
    this.#memory = config.makeMemory();
    this.#memoryCtx = { emit: (e) => this.#emit(e), signal: this.#signal };
  }

  #emit(raw: TraceEventInput): void {
    const input = redactEvent(raw, this.#c.redact);
    const ms = this.#c.now();
    if (ms !== this.#lastMs) {
      this.#lastMs = ms;
      this.#lastTs = new Date(ms).toISOString();
    }
    const event = {
      v: TRACE_VERSION,
      seq: this.#seq++,
      ts: this.#lastTs,
      runId: this.#runId,
      ...input,
    } as TraceEvent;
    if (this.#c.retainTrace) this.#events.push(event);
    for (const sink of this.#c.sinks) {
      try {
        sink.write(event);
      } catch (e) {
        // Kept, not thrown: the next critical checkpoint (before an approval or a mutation) ends the run.
        this.#writeFailure ??= describeError(e);
      }
    }
  }

  /** Lets buffering sinks write out what they hold; critical before approvals and mutations. */
  #checkpoint(critical: boolean): void {
    if (critical && this.#writeFailure !== undefined)
      throw new TraceFailed(`the trace could not be written: ${this.#writeFailure}`);
    for (const sink of this.#c.sinks) {
      try {
        sink.checkpoint?.(critical);
      } catch (e) {
        // Before an approval or a mutation the record must be on disk: if it cannot be, the run ends
        // here, as a value, and the approver is not asked and the tool does not run. Elsewhere the
        // sink keeps what it could not write and the next critical checkpoint decides.
        if (critical) throw new TraceFailed(`the trace could not be written: ${describeError(e)}`);
      }
    }
  }

  async #observe(o: Observation): Promise<void> {
    const r = this.#memory.add(o, this.#memoryCtx);
    if (isThenable(r)) await r;
  }

  /**
   * Runs external work (a tool, an approver, the model) so that it ends in exactly one way: its value,
   * its error, `TimedOut` after `ms`, or `Cancelled` when the run is cancelled, even if the work ignores
   * its signal. The work's signal is created only if it asks for it, which keeps the hot path cheap.
   * Sinks get a checkpoint first: critical before an approver is asked or a mutating tool runs, so
   * the record of everything that happened is persisted before anything changes; otherwise (the
   * model, a read-only tool) a buffering sink may persist a little later.
   */
  #guard<T>(
    ms: number,
    start: (signal: () => AbortSignal) => T | PromiseLike<T>,
    critical = false,
  ): Promise<T> {
    this.#checkpoint(critical);
    return new Promise<T>((resolve, reject) => {
      let controller: AbortController | undefined;
      let abortReason: unknown;
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const signal = () => {
        if (!controller) {
          controller = new AbortController();
          if (abortReason !== undefined) controller.abort(abortReason);
        }
        return controller.signal;
      };
      const finish = (): boolean => {
        if (settled) return false;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        this.#cancelHooks.delete(onCancel);
        return true;
      };
      const abort = (reason: unknown, error: Error) => {
        if (!finish()) return;
        abortReason = reason;
        controller?.abort(reason);
        reject(error);
      };
      const onCancel = () => abort(this.#signal.reason ?? new Error('cancelled'), new Cancelled());
      if (this.#signal.aborted) {
        settled = true;
        reject(new Cancelled());
        return;
      }
      this.#cancelHooks.add(onCancel);
      let out: T | PromiseLike<T>;
      try {
        out = start(signal);
      } catch (e) {
        if (finish()) reject(e);
        return;
      }
      if (!isThenable(out)) {
        if (finish()) resolve(out);
        return;
      }
      // Only work still pending can time out, so the timer starts once the work turned out async.
      if (Number.isFinite(ms) && !settled) {
        timer = setTimeout(() => abort(new Error(`timed out after ${ms} ms`), new TimedOut()), ms);
      }
      out.then(
        (v) => {
          if (finish()) resolve(v);
        },
        (e) => {
          if (finish()) reject(e);
        },
      );
    });
  }

  async execute(): Promise<RunResult> {
    const onAbort = () => {
      for (const hook of [...this.#cancelHooks]) hook();
    };
    this.#signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#perform();
    } finally {
      this.#signal.removeEventListener('abort', onAbort);
    }
  }

  async #perform(): Promise<RunResult> {
    const c = this.#c;
    const meta = c.meta || this.#runMeta ? { ...c.meta, ...this.#runMeta } : undefined;
    this.#emit({
      kind: 'run_start',
      task: this.#task,
      ...(c.model.name ? { model: c.model.name } : {}),
      tools: c.registry.list().map((t) => ({ name: t.name, mutating: t.mutating })),
      allow: c.allowlist.describe(),
      maxSteps: c.maxSteps,
      ...(meta ? { meta } : {}),
    });
    let stoppedReason: StoppedReason;
    let answer: string | null = null;
    let error: string | undefined;
    try {
      await this.#observe({ kind: 'task', content: this.#task });
      const outcome = await this.#loop();
      stoppedReason = outcome.reason;
      answer = outcome.answer ?? null;
      error = outcome.error;
    } catch (e) {
      if (e instanceof TraceFailed) {
        stoppedReason = 'trace_failed';
        error = c.redact(e.message);
      } else if (e instanceof Cancelled || this.#signal.aborted) {
        stoppedReason = 'cancelled';
        error = this.#signal.reason === undefined ? undefined : c.redact(describeError(this.#signal.reason));
      } else throw e;
    }

    const verifications: Verification[] = [];
    if (stoppedReason !== 'cancelled') {
      for (const v of c.verifiers) {
        let result: Verification;
        try {
          const out = await v.verify(
            { task: this.#task, answer, trace: this.#events, runId: this.#runId, stoppedReason },
            { signal: this.#signal },
          );
          result = {
            name: out.name || v.name,
            passed: out.passed === true,
            detail: String(out.detail ?? ''),
          };
        } catch (e) {
          result = { name: v.name, passed: false, detail: `verifier failed to run: ${describeError(e)}` };
        }
        verifications.push(result);
        this.#emit({ kind: 'verify', name: result.name, passed: result.passed, detail: result.detail });
      }
    }
    const verified = stoppedReason === 'completed' && verifications.every((v) => v.passed);
    this.#emit({
      kind: 'stop',
      reason: stoppedReason,
      steps: this.#steps,
      verified,
      usage: this.#usage,
      answer,
      ...(error ? { error } : {}),
    });
    for (const sink of c.sinks) {
      try {
        await sink.flush?.();
      } catch (e) {
        // The run is over; what the sink could not write stays with it (close() retries), and the
        // result says so rather than rejecting.
        error = error ?? c.redact(`the trace could not be written: ${describeError(e)}`);
      }
    }
    return {
      runId: this.#runId,
      answer,
      verified,
      verifications,
      stoppedReason,
      steps: this.#steps,
      usage: this.#usage,
      ...(error ? { error } : {}),
      trace: this.#events,
    };
  }

  async #loop(): Promise<{ reason: StoppedReason; answer?: string; error?: string }> {
    const c = this.#c;
    for (;;) {
      if (this.#signal.aborted) throw new Cancelled();
      if (this.#steps >= c.maxSteps) return { reason: 'budget_exhausted' };
      const step = ++this.#steps;
      const rendered = this.#memory.render();
      const context = isThenable(rendered) ? await rendered : rendered;
      const request: DecideRequest = {
        task: this.#task,
        context,
        tools: c.exposed,
        step,
        maxSteps: c.maxSteps,
        runId: this.#runId,
        signal: this.#signal,
      };
      let raw: unknown;
      try {
        raw = await this.#guard(Number.POSITIVE_INFINITY, () => c.model.decide(request));
      } catch (e) {
        if (e instanceof Cancelled) throw new Cancelled();
        const message = c.redact(describeError(e));
        this.#emit({ kind: 'decision', step, type: 'invalid', detail: `model failed: ${message}` });
        return { reason: 'model_error', error: message };
      }
      const parsed = isWellFormedDecision(raw)
        ? ({ success: true, data: raw } as const)
        : decisionSchema.safeParse(raw);
      if (!parsed.success) {
        const detail = `the model's output is not a valid decision: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`;
        this.#emit({ kind: 'decision', step, type: 'invalid', detail });
        await this.#observe({
          kind: 'note',
          step,
          content: `Your previous output could not be used (${detail}). Call one of the tools or give a final answer.`,
        });
        continue;
      }
      const decision = parsed.data as Decision;
      this.#usage = addUsage(this.#usage, decision.usage);
      if (decision.type === 'final') {
        const answer = c.redact(decision.answer);
        this.#emit({
          kind: 'decision',
          step,
          type: 'final',
          answer,
          ...(decision.usage ? { usage: decision.usage } : {}),
          ...(decision.meta ? { meta: { ...decision.meta } } : {}),
        });
        this.#emit({ kind: 'final', step, answer });
        return { reason: 'completed', answer };
      }
      const calls = decision.calls.map((call) => ({ callId: `c${++this.#calls}`, call }));
      this.#emit({
        kind: 'decision',
        step,
        type: 'tool_calls',
        calls: calls.map(({ callId, call }) => ({
          callId,
          tool: call.tool,
          args: call.args,
          ...(call.parseError !== undefined ? { parseError: call.parseError } : {}),
        })),
        ...(decision.text ? { text: decision.text } : {}),
        ...(decision.usage ? { usage: decision.usage } : {}),
        ...(decision.meta ? { meta: { ...decision.meta } } : {}),
      });
      for (const [index, { callId, call }] of calls.entries()) {
        await this.#handleCall(step, index, callId, call.tool, call.args, call.parseError);
      }
    }
  }

  /** Ends a call the run's cancellation cut short before its tool ran: its one outcome, then the unwind. */
  #abandon(step: number, callId: string, tool: string, error: string): never {
    this.#emit({ kind: 'tool_error', step, callId, tool, reason: 'cancelled', error, durationMs: 0 });
    throw new Cancelled();
  }

  async #refuse(
    step: number,
    callId: string,
    tool: string,
    args: unknown,
    mutating: boolean,
    reason: RefusalReason,
    detail: string,
  ): Promise<void> {
    this.#emit({ kind: 'tool_refused', step, callId, tool, reason, detail });
    await this.#observe({
      kind: 'tool',
      step,
      callId,
      tool,
      args,
      mutating,
      status: 'refused',
      content: `refused (${reason}): ${detail}`,
    });
  }

  async #handleCall(
    step: number,
    index: number,
    callId: string,
    toolName: string,
    rawArgs: unknown,
    parseError: string | undefined,
  ): Promise<void> {
    const c = this.#c;
    const tool = c.registry.get(toolName);
    const mutating = tool?.mutating ?? false;
    this.#emit({ kind: 'tool_call', step, callId, tool: toolName, args: rawArgs, mutating });

    if (this.#signal.aborted) this.#abandon(step, callId, toolName, 'run cancelled before the call ran');
    if (index >= c.maxCalls) {
      return this.#refuse(
        step,
        callId,
        toolName,
        rawArgs,
        mutating,
        'too_many_calls',
        `at most ${c.maxCalls} calls are taken from one decision`,
      );
    }
    if (!tool) {
      const offered = c.exposed.map((d) => d.name).join(', ') || 'none';
      return this.#refuse(
        step,
        callId,
        toolName,
        rawArgs,
        mutating,
        'unknown_tool',
        `no tool named "${toolName}"; available: ${offered}`,
      );
    }
    if (parseError !== undefined) {
      return this.#refuse(
        step,
        callId,
        toolName,
        rawArgs,
        mutating,
        'invalid_arguments',
        `arguments could not be parsed: ${parseError}`,
      );
    }
    const validated = tool.input.safeParse(rawArgs ?? {});
    if (!validated.success) {
      const issues = validated.error.issues
        .map((i: z.core.$ZodIssue) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`)
        .join('; ');
      return this.#refuse(step, callId, toolName, rawArgs, mutating, 'invalid_arguments', issues);
    }
    const args: unknown = validated.data;
    // What is hashed, approved and run must be one value that serializes one way.
    const notJson = plainJsonProblem(args);
    if (notJson !== undefined) {
      return this.#refuse(
        step,
        callId,
        toolName,
        rawArgs,
        mutating,
        'invalid_arguments',
        `the validated arguments are not plain JSON (${notJson})`,
      );
    }
    const allowed = c.allowlist.check(tool.name, args);
    if (!allowed.allowed) {
      return this.#refuse(step, callId, toolName, rawArgs, mutating, 'not_allowed', allowed.reason);
    }
    if (tool.mutating) {
      const argsHash = callHash(tool.name, args);
      this.#emit({ kind: 'approval_requested', step, callId, tool: tool.name, args, argsHash });
      const decision = await this.#askApprover(step, callId, tool.name, args, argsHash);
      // The approval is bound to exactly these arguments: if anything changed them meanwhile, it does not apply.
      const stillSame = callHash(tool.name, args) === argsHash;
      const granted = decision.granted && stillSame;
      this.#emit({
        kind: 'approval',
        step,
        callId,
        tool: tool.name,
        argsHash,
        granted,
        by: decision.by,
        ...(decision.reason || !stillSame
          ? { reason: stillSame ? decision.reason : 'arguments changed after approval was asked' }
          : {}),
      });
      if (this.#signal.aborted)
        this.#abandon(step, callId, tool.name, 'run cancelled while waiting for approval');
      if (!granted) {
        return this.#refuse(
          step,
          callId,
          toolName,
          rawArgs,
          mutating,
          'approval_denied',
          `${decision.by} did not approve this call${decision.reason ? `: ${decision.reason}` : ''}`,
        );
      }
    }
    await this.#execute(step, callId, tool, args);
  }

  async #askApprover(
    step: number,
    callId: string,
    tool: string,
    args: unknown,
    argsHash: string,
  ): Promise<ApprovalDecision> {
    const c = this.#c;
    try {
      const answer = await this.#guard(
        c.approvalTimeoutMs,
        (signal) =>
          c.approver({
            runId: this.#runId,
            callId,
            step,
            tool,
            // A frozen copy: an approver cannot change what runs, before or after it answers.
            args: frozenCopy(args),
            argsHash,
            task: this.#task,
            get signal() {
              return signal();
            },
          }),
        true,
      );
      if (typeof answer !== 'object' || answer === null || typeof answer.granted !== 'boolean') {
        return {
          granted: false,
          by: 'harness',
          reason: 'the approver returned something that is not a decision',
        };
      }
      if (answer.argsHash !== undefined && answer.argsHash !== argsHash) {
        return {
          granted: false,
          by: 'harness',
          reason: `the approver answered for another call (${String(answer.argsHash).slice(0, 20)}…), not this one`,
        };
      }
      return {
        granted: answer.granted,
        by: String(answer.by || 'approver'),
        ...(answer.reason ? { reason: String(answer.reason) } : {}),
      };
    } catch (e) {
      if (e instanceof TraceFailed) throw e;
      if (e instanceof TimedOut) {
        return {
          granted: false,
          by: 'harness',
          reason: `the approver did not answer within ${c.approvalTimeoutMs} ms`,
        };
      }
      if (e instanceof Cancelled) return { granted: false, by: 'harness', reason: 'run cancelled' };
      return { granted: false, by: 'harness', reason: `the approver failed: ${describeError(e)}` };
    }
  }

  /**
   * The one way a tool's outcome (output or error text) becomes what the model, memory and trace see:
   * redacted, then cut to maxObservationChars between code points with a note saying so. Only a
   * bounded head is redacted (the cut point plus a margin, so a secret straddling the cut is still
   * recognised), which keeps the cost of a huge output proportional to what is kept.
   */
  #outcome(raw: string): { content: string; chars: number; truncated: boolean } {
    const max = this.#c.maxObservation;
    const head = cutText(raw, max + REDACTION_MARGIN);
    const text = this.#c.redact(head);
    const truncated = raw.length > head.length || text.length > max;
    if (!truncated) return { content: text, chars: raw.length, truncated };
    const kept = cutText(text, max);
    return {
      content: `${kept}\n[output cut: showing ${kept.length} of ${raw.length} characters]`,
      chars: raw.length,
      truncated,
    };
  }

  async #execute(step: number, callId: string, tool: AnyTool, args: unknown): Promise<void> {
    const c = this.#c;
    const limit = tool.timeoutMs ?? c.toolTimeoutMs;
    const runId = this.#runId;
    const started = performance.now();
    let status: ObservationStatus;
    let content: string;
    try {
      const out = await this.#guard(
        limit,
        (signal) =>
          tool.execute(args, {
            runId,
            callId,
            get signal() {
              return signal();
            },
          }),
        tool.mutating,
      );
      const outcome = this.#outcome(toText(out));
      content = outcome.content;
      status = 'ok';
      this.#emit({
        kind: 'tool_result',
        step,
        callId,
        tool: tool.name,
        output: content,
        chars: outcome.chars,
        truncated: outcome.truncated,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      });
    } catch (e) {
      if (e instanceof TraceFailed) throw e;
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const reason = e instanceof Cancelled ? 'cancelled' : e instanceof TimedOut ? 'timeout' : 'threw';
      const error =
        reason === 'cancelled'
          ? 'run cancelled while the tool ran'
          : reason === 'timeout'
            ? `no answer within ${limit} ms`
            : this.#outcome(describeError(e)).content;
      this.#emit({ kind: 'tool_error', step, callId, tool: tool.name, reason, error, durationMs });
      if (reason === 'cancelled') throw new Cancelled();
      status = reason === 'timeout' ? 'timeout' : 'error';
      content = reason === 'timeout' ? `timed out: ${error}` : `error: ${error}`;
    }
    await this.#observe({
      kind: 'tool',
      step,
      callId,
      tool: tool.name,
      args,
      mutating: tool.mutating,
      status,
      content,
    });
  }
}
