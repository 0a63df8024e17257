// The cache arithmetic of bench/prompt-cache.ts, on small hand-made request lists. The counter is one
// token per character, so every unit costs its text length plus UNIT_OVERHEAD.
import { describe, expect, it } from 'vitest';
import {
  AnthropicCache,
  anthropicUnits,
  canonical,
  OpenAICache,
  openaiUnits,
  runShare,
  UNIT_OVERHEAD,
} from '../bench/cache-share.js';

const chars = (text: string) => text.length;
const bp = { cache_control: { type: 'ephemeral' } };
const tool = (name: string, extra = {}) => ({
  name,
  description: `${name} tool`,
  input_schema: {},
  ...extra,
});
const SYSTEM = 'S'.repeat(100);

/** Today's layout: tools and system marked, then one rebuilt user message per step. */
function rebuilt(context: string) {
  return {
    model: 'm',
    tools: [tool('a'), tool('b', bp)],
    system: [{ type: 'text', text: SYSTEM, ...bp }],
    messages: [{ role: 'user', content: context }],
  };
}

/** A native transcript: the breakpoint on the last block of the last user turn. */
function transcript(turns: number) {
  const messages: { role: string; content: Record<string, unknown>[] }[] = [
    { role: 'user', content: [{ type: 'text', text: 'Task: find the root cause' }] },
  ];
  for (let i = 1; i <= turns; i++) {
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: `step ${i}: looking` },
        { type: 'tool_use', id: `toolu_${i}`, name: 'a', input: { n: i } },
      ],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: `result ${i}` }],
    });
  }
  const lastTurn = messages.at(-1)!.content;
  lastTurn[lastTurn.length - 1] = { ...lastTurn.at(-1)!, ...bp };
  return { model: 'm', tools: [tool('a')], system: [{ type: 'text', text: SYSTEM, ...bp }], messages };
}

const total = (body: unknown) => anthropicUnits(body, chars).reduce((a, u) => a + u.tokens, 0);

describe('canonical', () => {
  it('sorts keys and leaves out cache_control at any depth', () => {
    expect(
      canonical({ b: 1, a: { cache_control: { type: 'ephemeral' }, y: [{ cache_control: 1, z: 2 }] } }),
    ).toBe('{"a":{"y":[{"z":2}]},"b":1}');
  });
});

describe('anthropicUnits', () => {
  it('orders tools, system, then each block of each message, with breakpoints where marked', () => {
    const units = anthropicUnits(transcript(1), chars);
    expect(units.map((u) => u.label)).toEqual([
      'tool',
      'system',
      'user[0].text',
      'assistant[1].text',
      'assistant[1].tool_use',
      'user[2].tool_result',
    ]);
    expect(units.map((u) => u.breakpoint)).toEqual([false, true, false, false, false, true]);
    expect(units[1]!.tokens).toBe(SYSTEM.length + UNIT_OVERHEAD);
    expect(units[5]!.text).toBe('result 1');
  });

  it('tells one message of two blocks from two messages of one block', () => {
    const one = anthropicUnits(
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'x' },
              { type: 'text', text: 'y' },
            ],
          },
        ],
      },
      chars,
    );
    const two = anthropicUnits(
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'x' }] },
          { role: 'user', content: [{ type: 'text', text: 'y' }] },
        ],
      },
      chars,
    );
    expect(one[1]!.key).not.toBe(two[1]!.key);
  });

  it('reads a top-level cache_control as a breakpoint on the last block', () => {
    const units = anthropicUnits({ ...rebuilt('ctx'), cache_control: { type: 'ephemeral' } }, chars);
    expect(units.at(-1)!.breakpoint).toBe(true);
  });
});

describe('AnthropicCache', () => {
  it('serves only tools and system when each step rebuilds the one user message', () => {
    const cache = new AnthropicCache({ minTokens: 0 });
    const prefix = total(rebuilt('')) - UNIT_OVERHEAD; // everything but the user message
    const first = cache.observe(anthropicUnits(rebuilt('Task: x'), chars));
    expect(first).toMatchObject({ cachedTokens: 0, writeTokens: prefix, breakpoints: [1, 2] });
    const second = cache.observe(anthropicUnits(rebuilt('Task: x\n\n[step 1] a → ok'), chars));
    expect(second.cachedTokens).toBe(prefix);
    expect(second.writeTokens).toBe(0);
    expect(second.cachedUnits).toBe(3);
  });

  it('serves the whole previous transcript when the breakpoint moves to the last block', () => {
    const cache = new AnthropicCache({ minTokens: 0 });
    const bodies = [transcript(0), transcript(1), transcript(2)];
    const out = bodies.map((b) => cache.observe(anthropicUnits(b, chars)));
    expect(out[0]!.cachedTokens).toBe(0);
    // Each request reads the prefix the one before wrote at its last block, and writes the rest.
    expect(out[1]!.cachedTokens).toBe(total(transcript(0)));
    expect(out[2]!.cachedTokens).toBe(total(transcript(1)));
    expect(out[2]!.writeTokens).toBe(total(transcript(2)) - total(transcript(1)));
    // A prefix ending where the earlier request had no breakpoint is no hit: the marker moved, the content did not.
    expect(out[1]!.cachedUnits).toBe(3);
  });

  it('looks back only 20 blocks from a breakpoint, and keeps the unlimited figure beside it', () => {
    const cache = new AnthropicCache({ minTokens: 0 });
    cache.observe(anthropicUnits(transcript(0), chars));
    // 10 turns later the last breakpoint is 30 blocks past the prefix the first request wrote.
    const late = cache.observe(anthropicUnits(transcript(10), chars));
    const system = total({ tools: [tool('a')], system: SYSTEM });
    expect(late.cachedTokens).toBe(system); // found by the look-back of the system breakpoint
    expect(late.altCachedTokens).toBe(total(transcript(0)));
    const wide = new AnthropicCache({ minTokens: 0, lookback: 100 });
    wide.observe(anthropicUnits(transcript(0), chars));
    expect(wide.observe(anthropicUnits(transcript(10), chars)).cachedTokens).toBe(total(transcript(0)));
  });

  it('writes nothing for a prefix below the minimum', () => {
    const cache = new AnthropicCache({ minTokens: 10_000 });
    expect(cache.observe(anthropicUnits(rebuilt('a'), chars)).writeTokens).toBe(0);
    expect(cache.observe(anthropicUnits(rebuilt('b'), chars)).cachedTokens).toBe(0);
  });

  it('caches nothing without breakpoints', () => {
    const cache = new AnthropicCache({ minTokens: 0 });
    const plain = { system: SYSTEM, messages: [{ role: 'user', content: 'x' }] };
    cache.observe(anthropicUnits(plain, chars));
    expect(cache.observe(anthropicUnits(plain, chars))).toMatchObject({ cachedTokens: 0, writeTokens: 0 });
  });
});

describe('OpenAICache', () => {
  const big = 'x'.repeat(1500);
  const body = (messages: unknown[]) => ({
    model: 'gpt',
    messages: [{ role: 'system', content: big }, ...messages],
    tools: [{ type: 'function', function: { name: 'a', description: 'a tool', parameters: {} } }],
  });

  it('serves the longest shared prefix of whole units, from 1,024 tokens on, in steps of 128', () => {
    const cache = new OpenAICache(chars);
    expect(cache.observe(openaiUnits(body([{ role: 'user', content: 'Task: x' }]), chars)).cachedTokens).toBe(
      0,
    );
    const long = `Task: ${'y'.repeat(300)}`;
    cache.observe(openaiUnits(body([{ role: 'user', content: long }]), chars));
    const units = openaiUnits(body([{ role: 'user', content: `${long}\n\nmore` }]), chars);
    const shared = units[0]!.tokens + units[1]!.tokens; // the tool and the system message
    const second = cache.observe(units);
    expect(second.cachedUnits).toBe(2);
    expect(second.cachedTokens).toBe(Math.floor(shared / 128) * 128);
    // Matching characters reaches into the rebuilt user message: all of the earlier one's text.
    expect(second.altCachedTokens).toBe(Math.floor((shared + long.length) / 128) * 128);
    expect(second.altCachedTokens).toBeGreaterThan(second.cachedTokens);
  });

  it('keeps assistant tool_calls and tool messages as whole units of an append-only transcript', () => {
    const cache = new OpenAICache(chars, { minTokens: 0, step: 1 });
    const turn = [
      { role: 'user', content: 'Task: x' },
      {
        role: 'assistant',
        content: 'looking',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'a', arguments: '{"n":1}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'result 1' },
    ];
    const a = openaiUnits(body(turn.slice(0, 1)), chars);
    const b = openaiUnits(body(turn), chars);
    expect(b.map((u) => u.label)).toEqual([
      'tool',
      'system[0]',
      'user[1]',
      'assistant[2].tool_calls',
      'tool[3]',
    ]);
    expect(b[3]!.text).toBe('looking\na {"n":1}');
    cache.observe(a);
    expect(cache.observe(b).cachedTokens).toBe(a.reduce((s, u) => s + u.tokens, 0));
  });

  it('caches nothing of a prompt under the minimum', () => {
    const cache = new OpenAICache(chars);
    const small = { messages: [{ role: 'user', content: 'hi' }] };
    cache.observe(openaiUnits(small, chars));
    expect(cache.observe(openaiUnits(small, chars))).toMatchObject({ cachedTokens: 0, altCachedTokens: 0 });
  });
});

describe('runShare', () => {
  it('reports the share over all requests and after the first', () => {
    const o = (input: number, cached: number, alt = cached) => ({
      inputTokens: input,
      cachedTokens: cached,
      writeTokens: 0,
      altCachedTokens: alt,
      cachedUnits: 0,
      units: 0,
      breakpoints: [],
    });
    const s = runShare([o(100, 0), o(200, 150, 180), o(200, 170, 190)]);
    expect(s.share).toBeCloseTo(320 / 500);
    expect(s.shareAfterFirst).toBeCloseTo(320 / 400);
    expect(s.altShareAfterFirst).toBeCloseTo(370 / 400);
    expect(runShare([]).shareAfterFirst).toBe(0);
  });
});
