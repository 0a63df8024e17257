import { o200kTokenCounter } from '@sre-harness/memory-summarizer';
import { describe, expect, it } from 'vitest';
import { memoryFromSpec } from './memory-option.js';
import { savedO200kCounter } from './token-count-cache.js';

describe('the saved o200k counter', () => {
  it('counts as the o200k counter does, the first time and from what it kept', () => {
    const exact = o200kTokenCounter();
    const texts = [
      '',
      'hello world',
      'NAME  READY  STATUS  RESTARTS\nweb-7d9f  0/1  CrashLoopBackOff  12',
      `a${'x'.repeat(2_000)} b`,
      'données • 東京 • 🙂',
      `${Math.random()}`,
    ];
    const first = savedO200kCounter();
    const second = savedO200kCounter();
    for (const t of texts) {
      expect(first.name).toBe(exact.name);
      expect(first.count(t)).toBe(exact.count(t));
      expect(second.count(t)).toBe(exact.count(t));
    }
  });

  it('is the counter of the summarizing memory a spec builds', () => {
    const memory = memoryFromSpec('summarizer:2000')() as unknown as { tokenCounter: { name: string } };
    expect(memory.tokenCounter.name).toBe('o200k_base');
  });
});
