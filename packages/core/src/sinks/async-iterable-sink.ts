import type { TraceSink } from '../trace.js';
import type { TraceEvent } from '../trace-events.js';

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
