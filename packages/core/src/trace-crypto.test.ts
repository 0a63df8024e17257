import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineHash } from './trace-crypto.js';

describe('lineHash', () => {
  it('is sha256 of the UTF-8 text, as createHash gives it, for any text (lone surrogates included)', () => {
    const reference = (t: string) => `sha256:${createHash('sha256').update(t).digest('hex')}`;
    for (const t of ['', 'a', '{"kind":"stop"}', 'ünïcödé ✓ 😀', '\ud800', 'x\udc00y', '\ud83d']) {
      expect(lineHash(t)).toBe(reference(t));
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (t) => lineHash(t) === reference(t)),
      { numRuns: 500 },
    );
  });
});
