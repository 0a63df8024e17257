import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Approver, callHash, createHarness, defineTool, MemorySink, type TraceEvent } from './index.js';
import { ScriptedModel } from './testing/index.js';

// Random sequences of model decisions, including garbage, against read-only and mutating tools and a
// random approver; after every run the trace must satisfy the core's invariants.

const names = fc.constantFrom('pod-a', 'pod-b', 'etcd-0');
const callArb = fc.oneof(
  fc.record({
    tool: fc.constant('list_pods'),
    args: fc.record({ namespace: fc.constantFrom('shop', 'kube-system') }),
  }),
  fc.record({ tool: fc.constant('list_pods'), args: fc.anything() }),
  fc.record({
    tool: fc.constant('restart_pod'),
    args: fc.record({ namespace: fc.constantFrom('shop', 'kube-system'), name: names }),
  }),
  fc.record({ tool: fc.constant('restart_pod'), args: fc.anything() }),
  fc.record({ tool: fc.constant('scale'), args: fc.record({ replicas: fc.integer({ min: -2, max: 9 }) }) }),
  fc.record({ tool: fc.constant('flaky'), args: fc.constant({}) }),
  fc.record({ tool: fc.string({ maxLength: 8 }), args: fc.anything() }),
  fc.record({ tool: fc.constant('restart_pod'), args: fc.string(), parseError: fc.constant('bad json') }),
);
const decisionArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('tool_calls'),
      calls: fc.array(callArb, { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('final'), answer: fc.string() }) },
  { weight: 1, arbitrary: fc.anything() },
);

describe('core invariants under random model behaviour', () => {
  it('no mutation without a matching approval; gap-free seq; one outcome per call; budget holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(decisionArb, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 1, max: 12 }),
        fc.func(fc.boolean()),
        fc.boolean(),
        async (decisions, maxSteps, grantFn, approverThrows) => {
          const executed: { tool: string; args: unknown }[] = [];
          const tool = (name: string, mutating: boolean | undefined, input: z.ZodObject) =>
            defineTool({
              name,
              description: name,
              input,
              ...(mutating === undefined ? {} : { mutating }),
              execute: (args) => {
                executed.push({ tool: name, args: structuredClone(args) });
                if (name === 'flaky') throw new Error('flaky');
                return `${name} ok`;
              },
            });
          const tools = [
            tool('list_pods', false, z.object({ namespace: z.string() })),
            tool('restart_pod', true, z.object({ namespace: z.string(), name: z.string() })),
            tool('scale', undefined, z.object({ replicas: z.number().int().min(0) })),
            tool('flaky', false, z.object({})),
          ];
          const approver: Approver = async (req) => {
            if (approverThrows && req.step % 3 === 0) throw new Error('approver down');
            return { granted: grantFn(req.argsHash), by: 'prop' };
          };
          const sink = new MemorySink();
          const h = createHarness({
            model: new ScriptedModel(decisions, { record: false }),
            tools,
            guardrails: {
              maxSteps,
              allow: ['list_pods', { tool: 'restart_pod', where: { namespace: 'shop' } }, 'scale', 'flaky'],
              approver,
            },
            trace: sink,
          });
          const result = await h.run('random task');
          check(sink.events, executed, maxSteps);
          expect(result.steps).toBeLessThanOrEqual(maxSteps);
          expect(['completed', 'budget_exhausted', 'model_error']).toContain(result.stoppedReason);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function check(events: readonly TraceEvent[], executed: { tool: string; args: unknown }[], maxSteps: number) {
  // seq is gap-free from 0; one run_start first, one stop last.
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  expect(events[0]!.kind).toBe('run_start');
  expect(events.at(-1)!.kind).toBe('stop');
  expect(events.filter((e) => e.kind === 'stop')).toHaveLength(1);

  // The budget counts every decision, refused and invalid ones included.
  const decisions = events.filter((e) => e.kind === 'decision');
  expect(decisions.length).toBeLessThanOrEqual(maxSteps);

  // Every tool_call ends in exactly one outcome event.
  const outcomes = new Map<string, number>();
  for (const e of events) {
    if (e.kind === 'tool_result' || e.kind === 'tool_error' || e.kind === 'tool_refused') {
      outcomes.set(e.callId, (outcomes.get(e.callId) ?? 0) + 1);
    }
  }
  const calls = events.filter((e) => e.kind === 'tool_call');
  for (const c of calls) expect(outcomes.get(c.callId), `outcomes of ${c.callId}`).toBe(1);
  expect([...outcomes.keys()].length).toBe(calls.length);

  // A mutating tool ran only after a granted approval bound to the exact tool and arguments.
  const mutatingNames = new Set(['restart_pod', 'scale']);
  let mutationsRun = 0;
  for (const e of events) {
    if (e.kind !== 'tool_result' && e.kind !== 'tool_error') continue;
    if (!mutatingNames.has(e.tool)) continue;
    mutationsRun++;
    const approval = events.find((a) => a.kind === 'approval' && a.callId === e.callId && a.seq < e.seq);
    expect(approval, `approval for ${e.callId}`).toBeDefined();
    if (approval?.kind !== 'approval') throw new Error('unreachable');
    expect(approval.granted).toBe(true);
    const requested = events.find((a) => a.kind === 'approval_requested' && a.callId === e.callId);
    if (requested?.kind !== 'approval_requested') throw new Error('approval_requested missing');
    expect(callHash(e.tool, requested.args)).toBe(approval.argsHash);
  }
  // What actually executed matches the trace one to one.
  const ranMutations = executed.filter((x) => mutatingNames.has(x.tool));
  expect(ranMutations.length).toBe(mutationsRun);
  for (const m of ranMutations) {
    expect(
      events.some((a) => a.kind === 'approval' && a.granted && a.argsHash === callHash(m.tool, m.args)),
    ).toBe(true);
  }
  // No call to restart_pod outside the allowed namespace ever ran.
  expect(
    executed.some((x) => x.tool === 'restart_pod' && (x.args as { namespace: string }).namespace !== 'shop'),
  ).toBe(false);
}
