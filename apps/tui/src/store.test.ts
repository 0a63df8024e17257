import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTrace } from '@sre-harness/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TuiStore } from './store.js';

const { events } = parseTrace(
  readFileSync(fileURLToPath(new URL('./__fixtures__/demo.jsonl', import.meta.url)), 'utf8'),
);

describe('TuiStore', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('batches a burst of events into one update per flush interval', () => {
    vi.useFakeTimers();
    const store = new TuiStore({ flushMs: 50 });
    let updates = 0;
    store.subscribe(() => updates++);
    const sink = store.sink();
    for (let i = 0; i < 1000; i++) for (const e of events) sink.write({ ...e, runId: `${e.runId}-${i % 3}` });
    expect(updates).toBe(0);
    expect(store.getSnapshot().eventCount).toBe(0);
    vi.advanceTimersByTime(49);
    expect(updates).toBe(0);
    vi.advanceTimersByTime(1);
    expect(updates).toBe(1);
    expect(store.getSnapshot().eventCount).toBe(1000 * events.length);
    expect(store.getSnapshot().runOrder).toHaveLength(12);
  });

  it('keeps actions in order around events and does not alias a caller array', () => {
    const store = new TuiStore();
    const mine = [events[0]!];
    store.dispatch({ type: 'events', events: mine });
    store.push(events[1]!);
    store.dispatch({ type: 'warning', message: 'w' });
    store.push(events[2]!);
    store.flush();
    expect(mine).toHaveLength(1);
    expect(store.getSnapshot().eventCount).toBe(3);
    expect(store.getSnapshot().warnings).toEqual(['w']);
  });
});
