import type { TraceEvent, TraceSink } from '@sre-harness/core';
import { initialState, reduceAll, type TuiAction, type TuiState } from './state.js';

/** Options of `TuiStore`. */
export interface TuiStoreOptions {
  /** Longest time an action waits before the state is recomputed. Default 50 ms. */
  readonly flushMs?: number;
  readonly initial?: TuiState;
}

/**
 * Holds the UI state outside React and batches what changes it: actions queue up and are applied
 * at most once per `flushMs`, so a run writing 10,000 events a second costs the renderer about 20
 * updates a second, not 10,000. Plugs into `useSyncExternalStore`.
 */
export class TuiStore {
  #state: TuiState;
  #queue: TuiAction[] = [];
  // The events array of the last queued action, when push created it (safe to append to).
  #open: TraceEvent[] | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #flushMs: number;
  readonly #listeners = new Set<() => void>();

  constructor(options: TuiStoreOptions = {}) {
    this.#flushMs = options.flushMs ?? 50;
    this.#state = options.initial ?? initialState;
  }

  /** The state as of the last flush. */
  readonly getSnapshot = (): TuiState => this.#state;

  /** Calls `listener` after every flush that changed something; returns the unsubscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** Queues an action; it takes effect at the next flush. */
  dispatch(action: TuiAction): void {
    this.#queue.push(action);
    this.#open = undefined;
    this.#schedule();
  }

  /** Queues one trace event. */
  push(event: TraceEvent): void {
    // Consecutive events share one action so the queue stays short under a flood.
    if (this.#open) this.#open.push(event);
    else {
      this.#open = [event];
      this.#queue.push({ type: 'events', events: this.#open });
    }
    this.#schedule();
  }

  /** A trace sink that feeds this store (give it to a harness or the eval runner). */
  sink(): TraceSink {
    return { write: (event) => this.push(event) };
  }

  /** Applies everything queued now. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#queue.length === 0) return;
    const actions = this.#queue;
    this.#queue = [];
    this.#open = undefined;
    this.#state = reduceAll(this.#state, actions);
    for (const l of this.#listeners) l();
  }

  /** Stops the pending timer; queued actions are applied first. */
  close(): void {
    this.flush();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#flushMs);
    // A pending redraw must not keep a finished process alive.
    this.#timer.unref?.();
  }
}
