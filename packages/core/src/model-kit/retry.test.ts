import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { abortableSleep, onAbort, requestSignal, retryPolicy, withRetries } from './retry.js';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('abort listeners of retries', () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
  });

  it('a sleep that ends or is cut short leaves no listener on the signal', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 30; i++) await abortableSleep(0, controller.signal);
    expect(listeners(controller.signal)).toBe(0);
    const cut = abortableSleep(60_000, controller.signal);
    expect(listeners(controller.signal)).toBe(1);
    controller.abort(new Error('stop'));
    await expect(cut).rejects.toThrow('stop');
    expect(listeners(controller.signal)).toBe(0);
    await expect(abortableSleep(1, controller.signal)).rejects.toThrow('stop');
  });

  it('many sleeps and requests waiting on one signal at once share one listener (no MaxListenersExceededWarning)', async () => {
    const controller = new AbortController();
    const sleeps = Array.from({ length: 40 }, (_, i) => abortableSleep(i % 5, controller.signal));
    const requests = Array.from({ length: 40 }, () => requestSignal(controller.signal));
    expect(listeners(controller.signal)).toBe(1);
    await Promise.all(sleeps);
    expect(listeners(controller.signal)).toBe(1);
    for (const r of requests) r.done();
    expect(listeners(controller.signal)).toBe(0);
    // Aborting afterwards reaches only those still waiting.
    const late = requestSignal(controller.signal);
    const pending = abortableSleep(60_000, controller.signal);
    controller.abort(new Error('bye'));
    await expect(pending).rejects.toThrow('bye');
    expect(late.signal.aborted).toBe(true);
    expect(requests.every((r) => !r.signal.aborted)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('twenty requests retried five times each on one run signal leave no listener and no warning', async () => {
    const controller = new AbortController();
    const policy = retryPolicy({ maxRetries: 4, baseDelayMs: 1, maxDelayMs: 2 });
    if (typeof policy === 'string') throw new Error(policy);
    let attempts = 0;
    const one = () =>
      withRetries<never, Error>({
        policy,
        signal: controller.signal,
        attempt: async () => {
          attempts++;
          const { done } = requestSignal(controller.signal);
          try {
            await abortableSleep(1, controller.signal);
            throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
          } finally {
            done();
          }
        },
        classify: (error) => ({ error: error as Error, retryable: true }),
        giveUp: (last, n, why) => new Error(`${last.message} after ${n} (${why})`),
        cancelled: () => new Error('cancelled'),
      });
    const results = await Promise.allSettled(Array.from({ length: 20 }, one));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(attempts).toBe(100);
    expect(listeners(controller.signal)).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('onAbort runs at once on a signal already aborted, and a stopped waiter is not called', () => {
    const calls: string[] = [];
    onAbort(AbortSignal.abort(), () => calls.push('now'));
    const controller = new AbortController();
    const stop = onAbort(controller.signal, () => calls.push('stopped'));
    onAbort(controller.signal, () => calls.push('kept'));
    stop();
    controller.abort();
    expect(calls).toEqual(['now', 'kept']);
  });
});
