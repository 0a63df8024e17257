import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clone, clonedStableJson, stableJson } from './names.js';

describe('clonedStableJson', () => {
  it('writes what stableJson writes for a copy, without making one', () => {
    const value = fc.anything({
      withNullPrototype: true,
      withSparseArray: true,
      withDate: true,
      withBoxedValues: true,
      maxDepth: 4,
    });
    fc.assert(
      fc.property(value, (v) => {
        expect(clonedStableJson(v)).toBe(stableJson(clone(v)));
      }),
      { numRuns: 2000 },
    );
    const odd: unknown[] = [
      {
        a: () => 1,
        b: Symbol('x'),
        c: undefined,
        d: [undefined, () => 1, Number.NaN, 1 / 0],
        e: new Date(0),
      },
      JSON.parse('{"__proto__":{"x":1},"y":2}'),
      { toJSON: () => ({ z: 1, a: [1, undefined] }) },
    ];
    for (const v of odd) expect(clonedStableJson(v)).toBe(stableJson(clone(v)));
  });
});
