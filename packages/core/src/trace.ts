import type { TraceEvent } from './trace-events.js';

export { AsyncIterableSink } from './sinks/async-iterable-sink.js';
export { callbackSink } from './sinks/callback-sink.js';
export { JsonlFileSink, type JsonlSinkOptions } from './sinks/jsonl-file-sink.js';
export { MemorySink } from './sinks/memory-sink.js';
export { teeSink } from './sinks/tee-sink.js';
export {
  CHECKPOINT_SIG_SUFFIX,
  ed25519Key,
  LINE_HASH_SUFFIX,
  lineHash,
  traceKeyId,
} from './trace-crypto.js';
export {
  type AnchorRecord,
  type CheckpointRecord,
  type LinkRecord,
  type RefusalReason,
  type StoppedReason,
  type ToolErrorReason,
  TRACE_VERSION,
  type TraceEnvelope,
  type TraceEvent,
  type TraceEventInput,
  type TraceEventOf,
  traceEventBodySchema,
} from './trace-events.js';

/** Receives every event of a run, in order. `write` must not throw for ordinary I/O trouble it can report. */
export interface TraceSink {
  write(event: TraceEvent): void;
  /**
   * Called before the harness acts. `critical` (the default) comes before an approval request or a
   * mutating tool: a buffering sink must persist what it holds now, so the record precedes the
   * change, and throws a `HarnessError` (`trace_write_failed`) when it cannot, so the change does
   * not happen unrecorded. Otherwise (before a model call or a read-only tool) it may persist a
   * little later, and never throws.
   */
  checkpoint?(critical?: boolean): void;
  /** Called once at the end of each run. */
  flush?(): void | Promise<void>;
  close?(): void | Promise<void>;
}
