import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionSchema, isWellFormedDecision } from './model.js';

// The loop's structural check must never take a decision the schema would reject or change: when it
// says yes, the schema accepts the same value and gives back an equal one (nothing stripped).

const text = fc.oneof(
  { arbitrary: fc.string(), weight: 8 },
  fc.constant(undefined),
  fc.integer(),
  fc.constant(null),
);
const count = fc.oneof(
  { arbitrary: fc.nat(), weight: 12 },
  fc.double(),
  fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY, -0),
  fc.constant(undefined),
  fc.string(),
);
const extra = fc.option(fc.constantFrom('extra', 'costUSD', '__proto__x'), { nil: undefined, freq: 6 });
const withExtra = <T extends Record<string, unknown>>(arb: fc.Arbitrary<T>) =>
  fc.tuple(arb, extra).map(([o, k]) => (k === undefined ? o : { ...o, [k]: 1 }));
const usage = withExtra(
  fc.record(
    {
      inputTokens: count,
      outputTokens: count,
      cacheReadTokens: count,
      cacheWriteTokens: count,
      costUsd: count,
    },
    { requiredKeys: [], noNullPrototype: true },
  ),
);
const part = withExtra(
  fc.record(
    { provider: text, type: text, text, signature: text, data: text },
    { requiredKeys: [], noNullPrototype: true },
  ),
);
const call = withExtra(
  fc.record(
    { id: text, tool: text, args: fc.oneof(fc.anything(), fc.constant(undefined)), parseError: text },
    { requiredKeys: ['tool'], noNullPrototype: true },
  ),
);
const meta = fc.oneof(
  fc.dictionary(fc.string(), fc.anything()),
  fc.constant([]),
  fc.constant(new Date(0)),
  fc.constant(undefined),
);
const someUsage = fc.oneof(usage, fc.constant(undefined), fc.constant(null));
// Decisions as adapters build them: every value of the right type.
const okUsage = fc.record(
  {
    inputTokens: fc.nat(),
    outputTokens: fc.nat(),
    cacheReadTokens: fc.nat(),
    cacheWriteTokens: fc.nat(),
    costUsd: fc.double({ min: 0, max: 10, noNaN: true }),
  },
  { requiredKeys: ['inputTokens', 'outputTokens'], noNullPrototype: true },
);
const okCall = fc.record(
  { id: fc.string(), tool: fc.string(), args: fc.jsonValue(), parseError: fc.string() },
  { requiredKeys: ['tool'], noNullPrototype: true },
);
const okPart = fc.record(
  { provider: fc.string(), type: fc.string(), text: fc.string(), signature: fc.string(), data: fc.string() },
  { requiredKeys: ['provider', 'type'], noNullPrototype: true },
);
const okMeta = fc.dictionary(fc.string(), fc.jsonValue(), { noNullPrototype: true });
const okDecision = fc.oneof(
  fc.record(
    {
      type: fc.constant('tool_calls'),
      calls: fc.array(okCall, { minLength: 1, maxLength: 3 }),
      text: fc.string(),
      reasoning: fc.array(okPart, { maxLength: 2 }),
      usage: okUsage,
      meta: okMeta,
    },
    { requiredKeys: ['type', 'calls'], noNullPrototype: true },
  ),
  fc.record(
    { type: fc.constant('final'), answer: fc.string(), usage: okUsage, meta: okMeta },
    { requiredKeys: ['type', 'answer'], noNullPrototype: true },
  ),
);
// Keys left out or present (possibly undefined), and sometimes one the schema does not know.
const decision = fc.oneof(
  okDecision,
  withExtra(
    fc.record(
      {
        type: fc.constantFrom('tool_calls', 'final'),
        calls: fc.array(call, { maxLength: 3 }),
        text,
        reasoning: fc.oneof(fc.array(part, { maxLength: 2 }), fc.string()),
        usage: someUsage,
        meta,
      },
      { requiredKeys: ['type', 'calls'], noNullPrototype: true },
    ),
  ),
  withExtra(
    fc.record(
      { type: fc.constantFrom('final', 'tool_calls'), answer: text, usage: someUsage, meta },
      { requiredKeys: ['type', 'answer'], noNullPrototype: true },
    ),
  ),
  fc.anything(),
);

describe('isWellFormedDecision', () => {
  it('says yes only to what decisionSchema accepts unchanged', () => {
    let yes = 0;
    fc.assert(
      fc.property(decision, (d) => {
        if (!isWellFormedDecision(d)) return;
        yes++;
        const parsed = decisionSchema.safeParse(d);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toStrictEqual(d);
      }),
      { numRuns: 3000 },
    );
    // The generator reaches the fast path often enough for the property to mean something.
    expect(yes).toBeGreaterThan(300);
  });

  it('takes the decisions models send: calls with usage, reasoning and meta; a final answer with usage', () => {
    const usage = { inputTokens: 1200, outputTokens: 80, cacheReadTokens: 1000, costUsd: 0.004 };
    expect(
      isWellFormedDecision({
        type: 'tool_calls',
        calls: [{ id: 'toolu_1', tool: 'list_pods', args: { namespace: 'shop' } }],
        text: 'checking pods',
        reasoning: [{ provider: 'anthropic', type: 'thinking', text: 'hm', signature: 'sig' }],
        usage,
        meta: { latencyMs: 900 },
      }),
    ).toBe(true);
    expect(isWellFormedDecision({ type: 'final', answer: 'done', usage })).toBe(true);
    expect(isWellFormedDecision({ type: 'final', answer: 'done', usage: { inputTokens: 1 } })).toBe(false);
    expect(isWellFormedDecision({ type: 'final', answer: 'done', reasoning: [] })).toBe(false);
  });
});
