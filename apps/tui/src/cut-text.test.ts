import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTrace, type TraceEvent } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { formatEvent, oneLine, plainLine, shortRunId } from './format.js';
import { fitText, textWidth, wrapText } from './safe-text.js';
import { initialState, reduce } from './state.js';

// What the TUI shows comes from traces and tools: any string. A cut inside an emoji would print
// half a surrogate pair, which a UTF-8 terminal shows as U+FFFD (and Ink measures wrongly).
const EMOJI = '😀';
const LONE_SURROGATE = /\p{Cs}/u;

const fixtureEvents = parseTrace(
  readFileSync(fileURLToPath(new URL('./__fixtures__/demo.jsonl', import.meta.url)), 'utf8'),
).events;

describe('TUI previews never split an emoji', () => {
  it('oneLine, at every cut position, within max and ending in … when cut', () => {
    const text = `ab${EMOJI}c${EMOJI}${EMOJI}\nd${EMOJI}e`;
    for (let max = 1; max <= text.length + 1; max++) {
      const out = oneLine(text, max);
      expect(out, `max ${max}`).not.toMatch(LONE_SURROGATE);
      expect(out.length).toBeLessThanOrEqual(max);
      if (max < text.length) expect(out.endsWith('…')).toBe(true);
    }
  });

  it('a tool result line, with the emoji straddling the 160-character preview', () => {
    const result = fixtureEvents.find((e) => e.kind === 'tool_result')!;
    for (const pad of [0, 1]) {
      const output = `${'o'.repeat(158 + pad)}${EMOJI.repeat(10)}`;
      const line = formatEvent({ ...result, output } as TraceEvent);
      expect(line.text, `pad ${pad}`).not.toMatch(LONE_SURROGATE);
      expect(line.text).toMatch(/o+😀*…$/u);
    }
  });

  it('run ids in labels and plain lines, and the label is escaped', () => {
    expect(shortRunId(`1234567${EMOJI}89`)).toBe('1234567');
    expect(shortRunId(`123456${EMOJI}89`)).toBe(`123456${EMOJI}`);
    expect(shortRunId(`12345678901${EMOJI}`, 12)).toBe('12345678901');
    const line = formatEvent(fixtureEvents[0]!);
    const plain = plainLine(line, shortRunId(`\x1b]52;${EMOJI}x`));
    expect(plain).not.toMatch(LONE_SURROGATE);
    expect(plain.startsWith(`[␛]52;${EMOJI}x] #`)).toBe(true);
    expect(plainLine(line, shortRunId(`\x1b[2J123${EMOJI}`))).toMatch(/^\[␛\[2J123\] #/);
  });

  it('cells cut to a terminal width (fitText, wrapText), at every width', () => {
    const text = `a${EMOJI}日${EMOJI}${EMOJI}b ${EMOJI}c`;
    for (let width = 1; width <= textWidth(text) + 1; width++) {
      const fit = fitText(text, width);
      expect(fit, `width ${width}`).not.toMatch(LONE_SURROGATE);
      expect(textWidth(fit)).toBeLessThanOrEqual(width);
      for (const line of wrapText(text, width)) expect(line, `width ${width}`).not.toMatch(LONE_SURROGATE);
    }
  });

  it('a run labelled by model and run id', () => {
    const start = fixtureEvents.find((e) => e.kind === 'run_start')!;
    const runId = `1234567${EMOJI}-rest`;
    const state = reduce(initialState, {
      type: 'events',
      events: [{ ...start, runId, model: 'm', meta: {} } as TraceEvent],
    });
    expect(state.runs[runId]?.label).toBe('m 1234567');
  });
});
