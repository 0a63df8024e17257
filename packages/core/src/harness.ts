import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ApprovalDecision } from './approvals.js';
import { checkCall, type Refusal } from './call-checks.js';
import { callHash, frozenCopy } from './canonical.js';
import { describeError, HarnessError } from './errors.js';
import { type HarnessOptions, type RunConfig, resolveHarnessOptions } from './harness-options.js';
import type { Memory, MemoryContext, Observation, ObservationStatus } from './memory.js';
import {
  addUsage,
  type DecideRequest,
  type Decision,
  decisionSchema,
  isWellFormedDecision,
  type Usage,
} from './model.js';
import type { Redactor } from './redact.js';
import { cutText } from './text.js';
import type { AnyTool, ToolRegistry } from './tool.js';
import { type StoppedReason, TRACE_VERSION, type TraceEvent, type TraceEventInput } from './trace.js';
import {
  isWireId,
  type Transcript,
  TranscriptBuilder,
  type TranscriptCall,
  transcriptText,
} from './transcript.js';
import type { Verification } from './verifier.js';

export type { Guardrails, HarnessOptions } from './harness-options.js';

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
  /** Set when the model or the memory failed (model_error, memory_error), the trace could not be written, or the run was cancelled with a reason. */
  readonly error?: string;
  /** The run's events, in order (also written to the configured sinks). */
  readonly trace: readonly TraceEvent[];
}

/** A configured agent: call `run` as often as you like; runs share nothing but configuration. */
export interface Harness {
  run(task: string, options?: RunOptions): Promise<RunResult>;
  readonly tools: ToolRegistry;
}

/** Characters past the cut that are still redacted, so a secret that straddles the cut is recognised. */
const REDACTION_MARGIN = 4096;

/** Builds a harness; configuration mistakes throw a `HarnessError` that names the option. */
export function createHarness(options: HarnessOptions): Harness {
  const config = resolveHarnessOptions(options);
  return {
    tools: config.registry,
    run: (task, runOptions = {}) => new Run(config, task, runOptions).execute(),
  };
}

/** What a memory's render() gives: its entries, or a text (see `Memory`). */
type RenderedMemory = Parameters<TranscriptBuilder['build']>[0];

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Where a call stands when it is refused: what the refusal event and the observation name. */
interface CallRef {
  readonly step: number;
  readonly callId: string;
  readonly tool: string;
  readonly args: unknown;
  readonly mutating: boolean;
}

class Cancelled extends Error {}
class TimedOut extends Error {}
/** A sink could not persist the record before an approval or a mutation: nothing more may change. */
class TraceFailed extends Error {}
/** The memory threw (in `add` or `render`): the run ends, as a value, with what it said. */
class MemoryFailed extends Error {}

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

/** Data nested deeper than this is described, not walked: a model's arguments cannot exhaust the stack. */
const REDACT_DEPTH = 64;

/** A command-line flag (`--password`, `-p`), whose next argument is its value. */
const FLAG = /^-{1,2}[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * A string redacted as the value of `name`: the redactor reads it as `"name":"value"`, so a value
 * that is a secret only by its name (`password`, an env var `DB_PASSWORD`, a flag `--token`) is
 * masked as it is in text. When the redactor's answer is not a single JSON string value any more,
 * the whole value is masked.
 */
function redactUnder(name: string, v: string, redact: Redactor): string {
  const text = `${JSON.stringify(name)}:${JSON.stringify(v)}`;
  const out = redact(text);
  if (out === text) return v;
  try {
    const parsed: unknown = JSON.parse(`{${out}}`);
    const values = Object.values(parsed as Record<string, unknown>);
    if (values.length === 1 && typeof values[0] === 'string') return values[0];
  } catch {
    // the redactor rewrote the quoting: mask the whole value
  }
  return '<redacted>';
}

/** A pair's field names, matched without case (`name`, `Name`, `NAME`): Kubernetes, AWS (`Key`, `Value`), headers. */
function pairField(k: string): 'name' | 'key' | 'value' | undefined {
  if (k.length < 3 || k.length > 5) return undefined;
  const lower = k.toLowerCase();
  return lower === 'name' || lower === 'key' || lower === 'value' ? lower : undefined;
}

/**
 * Every string inside the data redacted, each as the value of what names it (its key; the `name`
 * or `key` beside a `value`, as in Kubernetes' env vars, AWS tags or HTTP header lists, in any case;
 * the flag before it in a list of arguments, else the name of the list), a number under a secret's
 * name masked like a string, each key redacted as text (a map keyed by URLs or tokens), and anything
 * JSON cannot hold (bigint, function, symbol, a Map, URL or class instance, an object whose reading
 * throws) replaced by a description, so a sink can always serialize the event; the same object back
 * when nothing changed. Each property is read once: the copy holds what was redacted, not a second
 * reading of a getter.
 */
function redactDeep(value: unknown, redact: Redactor, depth = 0, name?: string): unknown {
  if (typeof value === 'string') {
    const own = redact(value);
    return name === undefined ? own : redactUnder(name, own, redact);
  }
  if (typeof value === 'bigint') return `<bigint ${String(value)}>`;
  if (typeof value === 'function' || typeof value === 'symbol') return `<${typeof value}>`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `<number ${String(value)}>`;
    // A PIN, or a numeric password as YAML reads it: masked when its name says it is a secret.
    if (name === undefined) return value;
    const text = String(value);
    return redactUnder(name, text, redact) === text ? value : '<redacted>';
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= REDACT_DEPTH) return `<nested deeper than ${REDACT_DEPTH} levels>`;
  try {
    return redactObject(value, redact, depth, name);
  } catch (e) {
    // A getter or a proxy that throws: described by the error's kind (its message can quote a
    // value), so the event is still written and the run goes on.
    const kind = (e as { constructor?: { name?: unknown } } | null | undefined)?.constructor?.name;
    return `<unreadable object: ${typeof kind === 'string' && kind ? kind : 'an error'}>`;
  }
}

function redactObject(value: object, redact: Redactor, depth: number, name: string | undefined): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out: unknown[] = [];
    let flag: string | undefined;
    const n = value.length;
    for (let i = 0; i < n; i++) {
      const v: unknown = value[i];
      // An element is named by the flag before it (`--token x`), else by the list's own name.
      const r = redactDeep(v, redact, depth + 1, flag ?? name);
      if (r !== v) changed = true;
      out.push(r);
      flag = typeof v === 'string' && FLAG.test(v) ? v.replace(/^-+/, '') : undefined;
    }
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
  // Own enumerable keys, as Object.entries gives them; each value read once, here.
  const keys = Object.keys(value);
  const values: unknown[] = [];
  let valueKey: string | undefined;
  let pairName: string | undefined;
  let pairKey: string | undefined;
  for (const k of keys) {
    const v: unknown = (value as Record<string, unknown>)[k];
    values.push(v);
    const field = pairField(k);
    if (field === 'value') valueKey ??= k;
    else if (field === 'name' && typeof v === 'string') pairName ??= v;
    else if (field === 'key' && typeof v === 'string') pairKey ??= v;
  }
  // A { name, value } or { key, value } pair: the value is named by its sibling, not by "value".
  const sibling = valueKey === undefined ? undefined : (pairName ?? pairKey);
  let changed = false;
  const outKeys: string[] = [];
  const outValues: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = values[i];
    const r = redactDeep(v, redact, depth + 1, k === valueKey && sibling !== undefined ? sibling : k);
    const rk = redact(k);
    if (r !== v || rk !== k) changed = true;
    outKeys.push(rk);
    outValues.push(r);
  }
  if (!changed) return value;
  // Built with data properties (an own "__proto__" stays a key); two keys masked alike stay two.
  const out: Record<string, unknown> = {};
  const used = new Set<string>();
  for (let i = 0; i < outKeys.length; i++) {
    let k = outKeys[i]!;
    if (k !== keys[i])
      for (let n = 2; used.has(k) || Object.hasOwn(value, k); n++) k = `${outKeys[i]} (${n})`;
    used.add(k);
    Object.defineProperty(out, k, {
      value: outValues[i],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * The one place every trace event passes: free text and arguments are redacted before any sink
 * sees them. Tool output is redacted (and capped) where it is produced, so it is not scanned twice;
 * approval hashes were taken over the real arguments before this. `e` is the event's own new
 * envelope (never an object a caller holds), so its fields are replaced in place: one object per event.
 */
function redactEventFields(e: Record<string, unknown>, redact: Redactor): void {
  switch (e.kind) {
    case 'decision':
      redactField(e, 'text', redact);
      redactField(e, 'reasoning', redact);
      redactField(e, 'answer', redact);
      redactField(e, 'detail', redact);
      if (Array.isArray(e.calls)) {
        const calls: unknown[] = [];
        for (const call of e.calls) calls.push(redactCall(call, redact));
        e.calls = calls;
      }
      return;
    case 'tool_call':
      e.args = redactDeep(e.args, redact);
      return;
    case 'approval_requested': {
      const shown = redactDeep(e.args, redact);
      // Where a value was masked the trace cannot show what argsHash was taken over; the hash of the
      // arguments as written lets a reader still tell that these are the arguments that were approved.
      const shownHash = callHash(String(e.tool), shown);
      if (shownHash !== e.argsHash) e.shownArgsHash = shownHash;
      e.args = shown;
      return;
    }
    case 'approval':
      redactField(e, 'reason', redact);
      return;
    case 'tool_refused':
    case 'verify':
      redactField(e, 'detail', redact);
      return;
    case 'final':
      redactField(e, 'answer', redact);
      return;
    case 'stop':
      if (e.answer) redactField(e, 'answer', redact);
      if (e.error) redactField(e, 'error', redact);
      return;
  }
}

/** One text field of an event redacted in place, when it is a string. */
function redactField(e: Record<string, unknown>, k: string, redact: Redactor): void {
  const v = e[k];
  if (typeof v === 'string') e[k] = redact(v);
}

/**
 * One call of a decision event, as the loop builds it (`callId`, then `id`, `tool`, `args`,
 * `parseError` from the model): every field redacted but a call id of the harness's own form
 * (`c1`, `c2`, …), which holds nothing anyone wrote (an event a memory hands in may hold another).
 */
const HARNESS_CALL_ID = /^c[0-9]{1,15}$/;

function redactCall(call: unknown, redact: Redactor): unknown {
  if (typeof call !== 'object' || call === null || Object.getPrototypeOf(call) !== Object.prototype)
    return redactDeep(call, redact, 1);
  let out: Record<string, unknown> | undefined;
  for (const k in call) {
    const v = (call as Record<string, unknown>)[k];
    if (k === 'callId' && typeof v === 'string' && HARNESS_CALL_ID.test(v)) continue;
    const r = redactDeep(v, redact, 2);
    if (r !== v) {
      out ??= { ...(call as Record<string, unknown>) };
      out[k] = r;
    }
  }
  return out ?? call;
}

/**
 * A decide request whose plain-text `context` is rendered, and whose `signal` is made, only if a
 * model reads them. Built as one literal (no spread): it is made at every step.
 */
function decideRequest(
  fields: Omit<DecideRequest, 'context' | 'signal'>,
  signal: () => AbortSignal,
): DecideRequest {
  let context: string | undefined;
  const { task, transcript, tools, step, maxSteps, runId } = fields;
  return {
    task,
    transcript,
    get context() {
      context ??= transcriptText(transcript as Transcript);
      return context;
    },
    tools,
    step,
    maxSteps,
    runId,
    get signal() {
      return signal();
    },
  };
}

class Run {
  readonly #c: RunConfig;
  readonly #task: string;
  readonly #runId: string;
  /** The caller's signal; without one nothing can cancel the run, and none is made unless asked for. */
  readonly #signal: AbortSignal | undefined;
  /** The run's signal when the caller gave none: made on first read (by a model, memory or verifier). */
  #idle: AbortSignal | undefined;
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
  readonly #transcript: TranscriptBuilder;
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };

  constructor(config: RunConfig, task: string, options: RunOptions) {
    if (typeof task !== 'string' || task.trim() === '') {
      throw new HarnessError('invalid_option', 'run(task) needs a non-empty task string');
    }
    this.#c = config;
    // Redacted once, here: the model, memory, trace, approvers and verifiers all see this copy.
    this.#task = config.redact(task);
    this.#runId = options.runId ?? randomUUID();
    this.#signal = options.signal;
    this.#runMeta = options.meta;
    this.#memory = config.makeMemory();
    this.#transcript = new TranscriptBuilder(config.maxSteps);
    const signalOf = this.#signalOf;
    this.#memoryCtx = {
      emit: (e) => this.#emit(e),
      get signal() {
        return signalOf();
      },
    };
  }

  /** `#runSignal` as a function, for the getters of the memory's context and of each request. */
  readonly #signalOf = (): AbortSignal => this.#runSignal();

  /**
   * The signal models, memories and verifiers see: the caller's, or one that never aborts, made
   * when first read. A fresh process then loads no AbortController for a run nothing can cancel.
   */
  #runSignal(): AbortSignal {
    if (this.#signal) return this.#signal;
    this.#idle ??= new AbortController().signal;
    return this.#idle;
  }

  #aborted(): boolean {
    return this.#signal?.aborted === true;
  }

  #emit(raw: TraceEventInput): void {
    const ms = this.#c.now();
    if (ms !== this.#lastMs) {
      this.#lastMs = ms;
      this.#lastTs = new Date(ms).toISOString();
    }
    const seq = this.#seq++;
    const envelope: Record<string, unknown> = {
      v: TRACE_VERSION,
      seq,
      ts: this.#lastTs,
      runId: this.#runId,
      ...raw,
    };
    // The envelope is the harness's: an event handed in (by a memory, say) cannot set its own. Set
    // again after the spread, so the fields keep their place first in the line.
    envelope.v = TRACE_VERSION;
    envelope.seq = seq;
    envelope.ts = this.#lastTs;
    envelope.runId = this.#runId;
    redactEventFields(envelope, this.#c.redact);
    const event = envelope as unknown as TraceEvent;
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

  /**
   * Hands the memory one observation. A synchronous memory (the default) returns nothing to wait
   * for, so the loop does not suspend at every step; an async one returns its promise, whose
   * failure is the memory's, like a throw.
   */
  #observe(o: Observation): Promise<void> | undefined {
    let r: unknown;
    try {
      r = this.#memory.add(o, this.#memoryCtx);
    } catch (e) {
      throw this.#memoryFailed('add', e);
    }
    return isThenable(r) ? this.#memoryWork(r, 'add').then(() => undefined) : undefined;
  }

  /** The memory's context for the next step: the value, or a promise of it from an async memory. */
  #render(): RenderedMemory | Promise<RenderedMemory> {
    let r: RenderedMemory | PromiseLike<RenderedMemory>;
    try {
      r = this.#memory.render();
    } catch (e) {
      throw this.#memoryFailed('render', e);
    }
    return isThenable(r) ? this.#memoryWork(r, 'render') : r;
  }

  async #memoryWork<T>(pending: PromiseLike<T>, method: string): Promise<T> {
    try {
      return await pending;
    } catch (e) {
      throw this.#memoryFailed(method, e);
    }
  }

  #memoryFailed(method: string, e: unknown): Error {
    if (e instanceof TraceFailed || e instanceof Cancelled) return e;
    return new MemoryFailed(`the memory failed in ${method}(): ${describeError(e)}`);
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
  ): T | Promise<T> {
    this.#checkpoint(critical);
    if (this.#aborted()) throw new Cancelled();
    let controller: AbortController | undefined;
    let abortReason: unknown;
    const signal = () => {
      if (!controller) {
        controller = new AbortController();
        if (abortReason !== undefined) controller.abort(abortReason);
      }
      return controller.signal;
    };
    // Work that ends synchronously (a scripted model, an in-process tool) takes no promise, timer or
    // hook: its value, or its error, is the outcome, unless the run was cancelled while it ran.
    let out: T | PromiseLike<T>;
    try {
      out = start(signal);
    } catch (e) {
      if (this.#aborted()) throw this.#cancelWork(controller);
      throw e;
    }
    if (this.#aborted()) throw this.#cancelWork(controller);
    if (!isThenable(out)) return out;
    const pending = out;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
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
      const onCancel = () => abort(this.#signal?.reason ?? new Error('cancelled'), new Cancelled());
      this.#cancelHooks.add(onCancel);
      // Only work still pending can time out, so the timer starts once the work turned out async.
      if (Number.isFinite(ms)) {
        timer = setTimeout(() => abort(new Error(`timed out after ${ms} ms`), new TimedOut()), ms);
      }
      pending.then(
        (v) => {
          if (finish()) resolve(v);
        },
        (e) => {
          if (finish()) reject(e);
        },
      );
    });
  }

  /** The run was cancelled while synchronous work ran: its signal says so too, and the outcome is Cancelled. */
  #cancelWork(controller: AbortController | undefined): Cancelled {
    controller?.abort(this.#signal?.reason ?? new Error('cancelled'));
    return new Cancelled();
  }

  async execute(): Promise<RunResult> {
    const onAbort = () => {
      for (const hook of [...this.#cancelHooks]) hook();
    };
    const signal = this.#signal;
    if (!signal) return this.#perform();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.#perform();
    } finally {
      signal.removeEventListener('abort', onAbort);
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
      } else if (e instanceof MemoryFailed) {
        stoppedReason = 'memory_error';
        error = c.redact(e.message);
      } else if (e instanceof Cancelled || this.#aborted()) {
        stoppedReason = 'cancelled';
        const reason = this.#signal?.reason;
        error = reason === undefined ? undefined : c.redact(describeError(reason));
      } else throw e;
    }

    const verifications: Verification[] = [];
    if (stoppedReason !== 'cancelled') {
      for (const v of c.verifiers) {
        let result: Verification;
        try {
          const out = await v.verify(
            { task: this.#task, answer, trace: this.#events, runId: this.#runId, stoppedReason },
            { signal: this.#runSignal() },
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
      if (this.#aborted()) throw new Cancelled();
      if (this.#steps >= c.maxSteps) return { reason: 'budget_exhausted' };
      const step = ++this.#steps;
      let rendered = this.#render();
      if (isThenable(rendered)) rendered = await rendered;
      const transcript = this.#transcript.build(rendered, step);
      const request = decideRequest(
        {
          task: this.#task,
          transcript,
          tools: c.exposed,
          step,
          maxSteps: c.maxSteps,
          runId: this.#runId,
        },
        this.#signalOf,
      );
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
        const pending = this.#observe({
          kind: 'note',
          step,
          content: `Your previous output could not be used (${detail}). Call one of the tools or give a final answer.`,
        });
        if (pending) await pending;
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
      // Arrays on the hot path are built with push, not map: an array from the builtin and one from
      // the optimizing compiler's inlined map can differ in shape, which throws optimized code away.
      // Each field of a call is read once, so the decision event, the model's own turn and the call
      // that is checked and run hold the same values, even from an object whose getters change.
      const calls: { callId: string; tool: string; args: unknown; parseError: string | undefined }[] = [];
      // As the trace shows them, and as the model's own turn reaches it again, native (redacted).
      const shownCalls: Record<string, unknown>[] = [];
      const turn: TranscriptCall[] = [];
      for (const call of decision.calls) {
        const callId = `c${++this.#calls}`;
        const { tool, args, parseError } = call;
        const wireId = call.id;
        // Repeated ids are made unique where the transcript is built, among the turns it holds.
        const id = isWireId(wireId) ? wireId : callId;
        calls.push({ callId, tool, args, parseError });
        const shown: Record<string, unknown> = { callId };
        if (id !== callId) shown.id = id;
        shown.tool = tool;
        shown.args = args;
        if (parseError !== undefined) shown.parseError = parseError;
        shownCalls.push(shown);
        turn.push({ id, callId, tool, args: redactDeep(args, c.redact) });
      }
      const reasoning = decision.reasoning?.length ? decision.reasoning : undefined;
      const thought = reasoning
        ?.map((r) => r.text ?? '')
        .filter(Boolean)
        .join('\n\n');
      // Optional fields are set one by one, in the line's order: no spread of a temporary object
      // per field at every step.
      const event: Record<string, unknown> = {
        kind: 'decision',
        step,
        type: 'tool_calls',
        calls: shownCalls,
      };
      if (decision.text) event.text = decision.text;
      if (thought) event.reasoning = thought;
      if (decision.usage) event.usage = decision.usage;
      if (decision.meta) event.meta = { ...decision.meta };
      this.#emit(event as TraceEventInput);
      const own: Mutable<Extract<Observation, { kind: 'assistant' }>> = {
        kind: 'assistant',
        step,
        calls: turn,
      };
      if (decision.text) own.text = c.redact(decision.text);
      if (reasoning) own.reasoning = reasoning;
      const observed = this.#observe(own);
      if (observed) await observed;
      for (let index = 0; index < calls.length; index++) {
        const { callId, tool, args, parseError } = calls[index]!;
        await this.#handleCall(step, index, callId, tool, args, parseError);
      }
    }
  }

  /** Ends a call the run's cancellation cut short before its tool ran: its one outcome, then the unwind. */
  #abandon(step: number, callId: string, tool: string, error: string): never {
    this.#emit({ kind: 'tool_error', step, callId, tool, reason: 'cancelled', error, durationMs: 0 });
    throw new Cancelled();
  }

  /** The one way a call ends refused: a tool_refused event, and the refusal observed by the model. */
  async #refuse(call: CallRef, refusal: Refusal): Promise<void> {
    const { step, callId, tool, args, mutating } = call;
    this.#emit({ kind: 'tool_refused', step, callId, tool, reason: refusal.reason, detail: refusal.detail });
    return this.#observe({
      kind: 'tool',
      step,
      callId,
      tool,
      // Redacted like the model's own turn: the observation reaches the model and the memory.
      args: redactDeep(args, this.#c.redact),
      mutating,
      status: 'refused',
      content: `refused (${refusal.reason}): ${refusal.detail}`,
    });
  }

  /**
   * One call, as a pipeline: the checks (calls per decision, resolve, parse, validate with defaults,
   * plain JSON, allowlist), then the approval gate for a mutating tool, then the tool. Any step can
   * refuse, and every refusal takes the same path.
   */
  async #handleCall(
    step: number,
    index: number,
    callId: string,
    toolName: string,
    rawArgs: unknown,
    parseError: string | undefined,
  ): Promise<void> {
    const c = this.#c;
    const mutating = c.registry.get(toolName)?.mutating ?? false;
    const ref: CallRef = { step, callId, tool: toolName, args: rawArgs, mutating };
    this.#emit({ kind: 'tool_call', step, callId, tool: toolName, args: rawArgs, mutating });
    if (this.#aborted()) this.#abandon(step, callId, toolName, 'run cancelled before the call ran');
    const checked = checkCall({ index, toolName, rawArgs, parseError }, c);
    if (!checked.ok) return this.#refuse(ref, checked.refusal);
    const { tool, args } = checked;
    if (tool.mutating) {
      const refusal = await this.#approvalGate(step, callId, tool.name, args);
      if (refusal) return this.#refuse(ref, refusal);
    }
    await this.#execute(step, callId, tool, args);
  }

  /** Asks for approval of exactly this call; a refusal unless it was granted for these very arguments. */
  async #approvalGate(
    step: number,
    callId: string,
    tool: string,
    args: unknown,
  ): Promise<Refusal | undefined> {
    const argsHash = callHash(tool, args);
    this.#emit({ kind: 'approval_requested', step, callId, tool, args, argsHash });
    const decision = await this.#askApprover(step, callId, tool, args, argsHash);
    // The approval is bound to exactly these arguments: if anything changed them meanwhile, it does not apply.
    const stillSame = callHash(tool, args) === argsHash;
    const granted = decision.granted && stillSame;
    this.#emit({
      kind: 'approval',
      step,
      callId,
      tool,
      argsHash,
      granted,
      by: decision.by,
      ...(decision.reason || !stillSame
        ? { reason: stillSame ? decision.reason : 'arguments changed after approval was asked' }
        : {}),
    });
    if (this.#aborted()) this.#abandon(step, callId, tool, 'run cancelled while waiting for approval');
    if (!granted) {
      return {
        reason: 'approval_denied',
        detail: `${decision.by} did not approve this call${decision.reason ? `: ${decision.reason}` : ''}`,
      };
    }
    return undefined;
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
    return this.#observe({
      kind: 'tool',
      step,
      callId,
      tool: tool.name,
      // Redacted like the model's own turn: the observation reaches the model and the memory.
      args: redactDeep(args, this.#c.redact),
      mutating: tool.mutating,
      status,
      content,
    });
  }
}
