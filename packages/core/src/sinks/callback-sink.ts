import type { TraceSink } from '../trace.js';
import type { TraceEvent } from '../trace-events.js';

/** Calls a function for every event (a UI following a run live). */
export function callbackSink(fn: (event: TraceEvent) => void): TraceSink {
  return { write: fn };
}
