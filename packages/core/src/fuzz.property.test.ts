import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionSchema, HarnessError, parseTrace, verifyTrace } from './index.js';

// Thousands of generated inputs against every parser that reads outside data: none may crash with
// anything but a typed, explained error.

const traceLine = fc.oneof(
  fc.string(),
  fc.json(),
  fc
    .record({
      v: fc.oneof(fc.constant(1), fc.integer()),
      seq: fc.oneof(fc.nat(), fc.integer(), fc.string()),
      ts: fc.string(),
      runId: fc.oneof(fc.constant('r1'), fc.string()),
      kind: fc.constantFrom('run_start', 'decision', 'tool_call', 'approval', 'tool_result', 'stop', 'x'),
      tools: fc.anything(),
      calls: fc.anything(),
      step: fc.anything(),
      type: fc.anything(),
      callId: fc.anything(),
      tool: fc.anything(),
      granted: fc.anything(),
      argsHash: fc.anything(),
    })
    .map((o) => JSON.stringify(o)),
);

describe('fuzz: trace reading and verification', () => {
  it('parseTrace returns events or throws a HarnessError naming the line, never anything else', () => {
    fc.assert(
      fc.property(fc.array(traceLine, { maxLength: 12 }), (lines) => {
        try {
          const r = parseTrace(lines.join('\n'), { source: 'fuzz.jsonl' });
          expect(Array.isArray(r.events)).toBe(true);
        } catch (e) {
          expect(HarnessError.isInstance(e)).toBe(true);
          expect((e as Error).message).toMatch(/^fuzz\.jsonl:\d+: /);
        }
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  it('verifyTrace never throws and reports problems with line numbers inside the input', () => {
    fc.assert(
      fc.property(fc.array(traceLine, { maxLength: 12 }), (lines) => {
        const v = verifyTrace(lines.join('\n'));
        for (const p of [...v.problems, ...v.warnings]) {
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.line).toBeLessThanOrEqual(Math.max(1, lines.length));
          expect(p.message.length).toBeGreaterThan(0);
        }
        expect(v.ok).toBe(v.problems.length === 0);
      }),
      { numRuns: 3000 },
    );
  }, 120_000);

  it('the decision schema accepts or explains any value', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const r = decisionSchema.safeParse(value);
        if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  }, 120_000);
});
