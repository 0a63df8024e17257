import { createHarness, type DecideRequest } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { killSwitchApprover } from './approver.js';
import { featureFlagTools, memoryFlagStore } from './feature-flags.js';
import { runExample } from './run.js';

describe('custom tool example', () => {
  it('runs the read-only tool freely and the mutating one only where the approver agrees', async () => {
    const { result, flags, sink } = await runExample();
    expect(result.stoppedReason).toBe('completed');
    expect(flags).toEqual({ 'new-checkout': false, recommendations: true });
    expect(sink.ofKind('approval').map((e) => [e.granted, e.by])).toEqual([
      [true, 'kill-switch-policy'],
      [false, 'kill-switch-policy'],
    ]);
    expect(sink.ofKind('tool_refused').map((e) => e.reason)).toEqual(['approval_denied']);
  });

  it('tells the model which tool mutates, and validates arguments before anyone is asked', async () => {
    const store = memoryFlagStore({ a: true });
    let seen: DecideRequest | undefined;
    const harness = createHarness({
      model: new ScriptedModel([
        (req: DecideRequest) => {
          seen = req;
          return callTool('set_flag', { flag: 'a', enabled: false, reason: 'short' });
        },
        finalAnswer('gave up'),
      ]),
      tools: featureFlagTools(store),
      guardrails: {
        maxSteps: 5,
        allow: [{ tool: 'set_flag' }],
        approver: killSwitchApprover({ killSwitches: ['a'] }),
      },
      exposeTools: 'all',
    });
    const result = await harness.run('turn a off');
    expect(seen?.tools.map((t) => [t.name, t.mutating])).toEqual([
      ['get_flag', false],
      ['set_flag', true],
    ]);
    expect(result.trace.filter((e) => e.kind === 'approval_requested')).toHaveLength(0);
    expect(store.flags.get('a')).toBe(true);
  });

  it('the approver never lets the agent turn a flag on', async () => {
    const approve = killSwitchApprover({ killSwitches: ['a'] });
    const decision = await approve({
      runId: 'r',
      callId: 'c',
      step: 1,
      tool: 'set_flag',
      args: { flag: 'a', enabled: true, reason: 'turning it back on' },
      argsHash: 'x',
      task: 't',
      signal: new AbortController().signal,
    });
    expect(decision.granted).toBe(false);
  });
});
