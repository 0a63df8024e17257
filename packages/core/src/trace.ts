import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeError, HarnessError } from './errors.js';
import type { Usage } from './model.js';

/** Version of the trace event format; bumped on any incompatible change. */
export const TRACE_VERSION = 1;

/** Why a run ended. */
export type StoppedReason = 'completed' | 'budget_exhausted' | 'cancelled' | 'model_error';

/** Why a call was refused before it ran. */
export type RefusalReason =
  | 'unknown_tool'
  | 'invalid_arguments'
  | 'not_allowed'
  | 'approval_denied'
  | 'too_many_calls'
  | 'invalid_decision';

/** Why a call that was allowed to run did not produce a result. */
export type ToolErrorReason = 'threw' | 'timeout' | 'cancelled';

/** The body of each event kind, without the envelope. */
export type TraceEventInput =
  | {
      kind: 'run_start';
      task: string;
      model?: string;
      tools: { name: string; mutating: boolean }[];
      allow: { tool: string; where?: Record<string, string> }[];
      maxSteps: number;
      meta?: Record<string, unknown>;
    }
  | {
      kind: 'decision';
      step: number;
      type: 'tool_calls' | 'final' | 'invalid';
      calls?: { callId: string; tool: string; args: unknown; parseError?: string }[];
      text?: string;
      answer?: string;
      detail?: string;
      usage?: Usage;
      /** What the model adapter flagged about this decision (truncation, refusal, stop reason). */
      meta?: Record<string, unknown>;
    }
  | {
      kind: 'tool_call';
      step: number;
      callId: string;
      tool: string;
      args: unknown;
      mutating: boolean;
      argsHash?: string;
    }
  | {
      kind: 'approval_requested';
      step: number;
      callId: string;
      tool: string;
      args: unknown;
      argsHash: string;
    }
  | {
      kind: 'approval';
      step: number;
      callId: string;
      tool: string;
      argsHash: string;
      granted: boolean;
      by: string;
      reason?: string;
    }
  | {
      kind: 'tool_refused';
      step: number;
      callId: string;
      tool: string;
      reason: RefusalReason;
      detail: string;
    }
  | {
      kind: 'tool_result';
      step: number;
      callId: string;
      tool: string;
      output: string;
      chars: number;
      truncated: boolean;
      durationMs: number;
    }
  | {
      kind: 'tool_error';
      step: number;
      callId: string;
      tool: string;
      reason: ToolErrorReason;
      error: string;
      durationMs: number;
    }
  | {
      kind: 'memory_compacted';
      step: number;
      beforeTokens: number;
      afterTokens: number;
      folded: number;
      detail?: string;
    }
  | { kind: 'final'; step: number; answer: string }
  | { kind: 'verify'; name: string; passed: boolean; detail: string }
  | {
      kind: 'stop';
      reason: StoppedReason;
      steps: number;
      verified: boolean;
      usage: Usage;
      error?: string;
      answer?: string | null;
    };

/** The envelope every event carries. */
export interface TraceEnvelope {
  v: number;
  seq: number;
  ts: string;
  runId: string;
  /** In JSONL files: the `hash` of the previous line (null on a file's first line). */
  prev?: string | null;
  /** In JSONL files: sha256 of this line as written up to this field, making the file a hash chain. */
  hash?: string;
}

/** One trace event as written: `{ v, seq, ts, runId, kind, ... }`. */
export type TraceEvent = TraceEnvelope & TraceEventInput;

/** The event of one kind. */
export type TraceEventOf<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/** Receives every event of a run, in order. `write` must not throw for ordinary I/O trouble it can report. */
export interface TraceSink {
  write(event: TraceEvent): void;
  /**
   * Called before the harness acts. `critical` (the default) comes before an approval request or a
   * mutating tool: a buffering sink must persist what it holds now, so the record precedes the
   * change. Otherwise (before a model call or a read-only tool) it may persist a little later.
   */
  checkpoint?(critical?: boolean): void;
  /** Called once at the end of each run. */
  flush?(): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Keeps events in an array; handy for tests and for the eval. */
export class MemorySink implements TraceSink {
  readonly events: TraceEvent[] = [];
  write(event: TraceEvent): void {
    this.events.push(event);
  }
  /** The events of one kind. */
  ofKind<K extends TraceEvent['kind']>(kind: K): TraceEventOf<K>[] {
    return this.events.filter((e): e is TraceEventOf<K> => e.kind === kind);
  }
}

/** Options of the JSONL file sink. */
export interface JsonlSinkOptions {
  /** fsync after each run's stop event so the whole run survives a power cut. Default true. */
  readonly fsyncOnFlush?: boolean;
  /**
   * Write each event the moment it is emitted (one write per line) instead of at the harness's
   * checkpoints. Both leave only whole lines on disk; unbuffered costs a syscall per event.
   */
  readonly unbuffered?: boolean;
  /** Longest a non-critical event waits before it is written. Default 50 ms. */
  readonly maxDelayMs?: number;
  /** Pending characters (UTF-16 units, about bytes for ASCII) that force a write at the next checkpoint. Default 65,536. */
  readonly maxPendingChars?: number;
}

/** sha256 of a line's text as written before its `hash` member, in the form trace files use. */
export function lineHash(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** The `hash` member every chained trace line ends with. */
export const LINE_HASH_SUFFIX = /,"hash":"(sha256:[0-9a-f]{64})"\}$/;

/** The hash of the last complete, chained line of a file, so appending continues its chain. */
function lastLineHash(fd: number): string | null {
  const size = fstatSync(fd).size;
  if (size === 0) return null;
  const length = Math.min(size, 1 << 20);
  const buf = Buffer.alloc(length);
  readSync(fd, buf, 0, length, size - length);
  const text = buf.toString('utf8').replace(/\n+$/, '');
  const line = text.slice(text.lastIndexOf('\n') + 1);
  return LINE_HASH_SUFFIX.exec(line)?.[1] ?? null;
}

/**
 * Appends one JSON line per event to a file opened O_APPEND, each line chained to the one before
 * (`prev`, `hash`), so editing, deleting or reordering a line is detectable (`verifyTrace`). Writes
 * hold whole lines only, so a process killed at any point leaves a valid prefix. Everything that
 * happened is written before an approval is asked or a mutating tool runs; other events are written
 * within `maxDelayMs` (or once `maxPendingChars` wait), and all of them when the run stops.
 */
export class JsonlFileSink implements TraceSink {
  readonly path: string;
  #fd: number | undefined;
  readonly #fsync: boolean;
  readonly #unbuffered: boolean;
  #pending = '';
  #prev: string | null;
  readonly #maxDelayMs: number;
  readonly #maxPending: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(path: string, options: JsonlSinkOptions = {}) {
    this.path = path;
    this.#fsync = options.fsyncOnFlush ?? true;
    this.#unbuffered = options.unbuffered ?? false;
    this.#maxDelayMs = options.maxDelayMs ?? 50;
    this.#maxPending = options.maxPendingChars ?? 64 * 1024;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#fd = openSync(path, 'a+');
      this.#prev = lastLineHash(this.#fd);
    } catch (cause) {
      throw new HarnessError(
        'trace_write_failed',
        `cannot open trace file ${path}: ${describeError(cause)}`,
        { cause },
      );
    }
  }

  write(event: TraceEvent): void {
    if (this.#fd === undefined)
      throw new HarnessError('trace_write_failed', `trace file ${this.path} is closed`);
    // Events re-written from another file carry that file's chain; this file's chain replaces it.
    let body: object = event;
    if ('hash' in event || 'prev' in event) {
      const { prev: _p, hash: _h, ...rest } = event;
      body = rest;
    }
    const json = JSON.stringify(body);
    const head = `${json.slice(0, -1)},"prev":${this.#prev === null ? 'null' : `"${this.#prev}"`}`;
    const hash = lineHash(head);
    this.#prev = hash;
    this.#pending += `${head},"hash":"${hash}"}\n`;
    if (this.#unbuffered) this.checkpoint();
  }

  checkpoint(critical = true): void {
    if (this.#pending === '' || this.#fd === undefined) return;
    if (critical || this.#unbuffered || this.#pending.length >= this.#maxPending) {
      this.#write();
      return;
    }
    // Written a little later: before a long model call ends, or at the next critical point.
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#write();
      }, this.#maxDelayMs);
      this.#timer.unref?.();
    }
  }

  #write(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#pending === '' || this.#fd === undefined) return;
    const text = this.#pending;
    this.#pending = '';
    try {
      writeSync(this.#fd, text);
    } catch (cause) {
      throw new HarnessError(
        'trace_write_failed',
        `cannot write trace file ${this.path}: ${describeError(cause)}`,
        { cause },
      );
    }
  }

  flush(): void {
    this.checkpoint();
    if (this.#fd !== undefined && this.#fsync) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.checkpoint();
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }
}

/** Calls a function for every event (a UI following a run live). */
export function callbackSink(fn: (event: TraceEvent) => void): TraceSink {
  return { write: fn };
}

/** A sink whose events can be consumed with `for await`; `end()` finishes the iteration. */
export class AsyncIterableSink implements TraceSink, AsyncIterable<TraceEvent> {
  readonly #queue: TraceEvent[] = [];
  #waiting: ((r: IteratorResult<TraceEvent>) => void) | undefined;
  #ended = false;

  write(event: TraceEvent): void {
    if (this.#ended) return;
    const w = this.#waiting;
    if (w) {
      this.#waiting = undefined;
      w({ value: event, done: false });
    } else this.#queue.push(event);
  }

  /** Ends iteration once queued events are consumed. */
  end(): void {
    this.#ended = true;
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  close(): void {
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<TraceEvent> {
    return {
      next: () => {
        const e = this.#queue.shift();
        if (e) return Promise.resolve({ value: e, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.#waiting = resolve;
        });
      },
      return: () => {
        this.end();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

/** Sends each event to several sinks. */
export function teeSink(...sinks: TraceSink[]): TraceSink {
  return {
    write: (e) => {
      for (const s of sinks) s.write(e);
    },
    checkpoint: (critical) => {
      for (const s of sinks) s.checkpoint?.(critical);
    },
    flush: async () => {
      for (const s of sinks) await s.flush?.();
    },
    close: async () => {
      for (const s of sinks) await s.close?.();
    },
  };
}
