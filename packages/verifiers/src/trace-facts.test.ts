import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventChecks, readTrace } from './trace-facts.js';

// The loose zod shapes readTrace used to parse with: the plain checks must accept exactly these.
const num = z.number();
const str = z.string();
const schemas: Record<string, z.ZodType> = {
  run_start: z.looseObject({
    task: str,
    tools: z.array(z.looseObject({ name: str, mutating: z.boolean() })),
    maxSteps: num,
  }),
  decision: z.looseObject({ step: num, type: z.enum(['tool_calls', 'final', 'invalid']) }),
  tool_call: z.looseObject({ step: num, callId: str, tool: str, mutating: z.boolean() }),
  approval_requested: z.looseObject({ step: num, callId: str, tool: str, argsHash: str }),
  approval: z.looseObject({ step: num, callId: str, tool: str, argsHash: str, granted: z.boolean() }),
  tool_refused: z.looseObject({ step: num, callId: str, tool: str, reason: str }),
  tool_result: z.looseObject({ step: num, callId: str, tool: str, output: str }),
  tool_error: z.looseObject({ step: num, callId: str, tool: str, reason: str, error: str }),
  memory_compacted: z.looseObject({ step: num, beforeTokens: num, afterTokens: num }),
  final: z.looseObject({ step: num, answer: str }),
  verify: z.looseObject({ name: str, passed: z.boolean() }),
  stop: z.looseObject({ reason: str }),
};

const FIELDS = [
  'task',
  'tools',
  'maxSteps',
  'step',
  'type',
  'callId',
  'tool',
  'mutating',
  'argsHash',
  'granted',
  'reason',
  'output',
  'error',
  'beforeTokens',
  'afterTokens',
  'answer',
  'name',
  'passed',
];
const value = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom('tool_calls', 'final', 'invalid', 'other'),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(
    fc.oneof(
      fc.record({ name: fc.oneof(fc.string(), fc.integer()), mutating: fc.oneof(fc.boolean(), fc.string()) }),
      fc.constant(null),
      fc.constant([]),
      fc.string(),
    ),
    { maxLength: 3 },
  ),
);
const event = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 });

describe('readTrace', () => {
  it('checks each kind exactly as the loose zod shapes did', () => {
    expect(Object.keys(eventChecks).sort()).toEqual(Object.keys(schemas).sort());
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(schemas)), event, (kind, e) => {
        expect(eventChecks[kind as keyof typeof eventChecks]!(e)).toBe(schemas[kind]!.safeParse(e).success);
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps the well-formed events, in order, and numbers a missing seq by position', () => {
    const trace = [
      { kind: 'stop', reason: 'completed' },
      { kind: 'final', step: 'x', answer: 'a' },
      null,
      [],
      { kind: 'unknown' },
      { kind: 'verify', name: 'v', passed: true, seq: 9 },
    ];
    expect(readTrace(trace)).toEqual([
      { kind: 'stop', reason: 'completed', seq: 0 },
      { kind: 'verify', name: 'v', passed: true, seq: 9 },
    ]);
  });
});
