import { describe, expect, it } from 'vitest';
import { capText, resultText } from './content.js';
import { McpToolsError } from './errors.js';

const EMOJI = '😀';
// A lone surrogate (half an emoji) is invalid UTF-16: a model API may reject the whole request.
const LONE_SURROGATE = /\p{Cs}/u;

describe('capText', () => {
  it('keeps text that fits', () => {
    expect(capText(`ab${EMOJI}`, 4)).toBe(`ab${EMOJI}`);
  });

  it('never keeps half of an emoji straddling the cut, and counts what it kept', () => {
    const text = `${'a'.repeat(9)}${EMOJI}${'b'.repeat(5)}`;
    expect(capText(text, 10)).toBe(`${'a'.repeat(9)}\n[output cut: showing the first 9 of 16 characters]`);
    expect(capText(text, 11)).toBe(
      `${'a'.repeat(9)}${EMOJI}\n[output cut: showing the first 11 of 16 characters]`,
    );
  });
});

describe('resultText cuts every kind of content between code points', () => {
  const body = `${'a'.repeat(19)}${EMOJI.repeat(5)}tail`;
  const results: Record<string, unknown> = {
    text: { content: [{ type: 'text', text: body }] },
    resource: { content: [{ type: 'resource', resource: { uri: 'file:///x', text: body } }] },
    structured: { structuredContent: { v: body } },
    legacy: { toolResult: body },
  };

  for (const [kind, raw] of Object.entries(results)) {
    it(`${kind}, at every cut position through the emoji`, () => {
      for (let max = 18; max <= 32; max++) {
        const out = resultText('t', raw, max);
        expect(out, `max ${max}`).not.toMatch(LONE_SURROGATE);
        expect(out).toMatch(/\n\[output cut: showing the first \d+ of \d+ characters\]$/);
      }
    });
  }

  it('an error result too', () => {
    for (let max = 18; max <= 32; max++) {
      let message = '';
      try {
        resultText('t', { content: [{ type: 'text', text: body }], isError: true }, max);
      } catch (e) {
        expect(McpToolsError.isInstance(e)).toBe(true);
        message = (e as Error).message;
      }
      expect(message, `max ${max}`).toMatch(/\[output cut: showing the first \d+ of \d+ characters\]$/);
      expect(message).not.toMatch(LONE_SURROGATE);
    }
  });
});
