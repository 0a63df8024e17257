import type { TraceSink } from '../trace.js';
import type { TraceEvent, TraceEventOf } from '../trace-events.js';

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
