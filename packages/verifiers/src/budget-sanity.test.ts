import { callTool, finalAnswer } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { POD, runScript, verifyRun } from './__fixtures__/world.js';
import { budgetSanity } from './budget-sanity.js';

describe('budgetSanity', () => {
  it('passes a completed run, giving steps and tokens', async () => {
    const run = await runScript([
      callTool('list_pods', { namespace: 'shop' }, { inputTokens: 100, outputTokens: 20 }),
      finalAnswer('ok', { inputTokens: 150, outputTokens: 30 }),
    ]);
    const v = await verifyRun(budgetSanity(), run);
    expect(v).toEqual({
      name: 'budget_sanity',
      passed: true,
      detail: 'the run completed in 2 step(s) of 12 using 300 token(s)',
    });
  });

  it('fails a run that ran out of steps, saying what it was doing', async () => {
    const run = await runScript(
      [
        callTool('list_pods', { namespace: 'shop' }),
        callTool('describe_pod', { namespace: 'shop', name: POD }),
      ],
      { maxSteps: 2 },
    );
    const v = await verifyRun(budgetSanity(), run);
    expect(v.passed).toBe(false);
    expect(v.detail).toBe(
      'the run used all 2 step(s) without an answer; its last calls were list_pods, describe_pod; look for repeated calls, or raise maxSteps if the task needs more',
    );
  });

  it('fails a run whose model failed, quoting the failure', async () => {
    const run = await runScript([
      () => {
        throw new Error('429 rate limited');
      },
    ]);
    const v = await verifyRun(budgetSanity(), run);
    expect(v.passed).toBe(false);
    expect(v.detail).toContain('429 rate limited');
  });

  it('applies optional step and token limits to completed runs', async () => {
    const run = await runScript([
      callTool('list_pods', { namespace: 'shop' }, { inputTokens: 900, outputTokens: 200 }),
      finalAnswer('ok'),
    ]);
    expect((await verifyRun(budgetSanity({ maxSteps: 1 }), run)).detail).toContain(
      'took 2 step(s), more than the 1',
    );
    expect((await verifyRun(budgetSanity({ maxTokens: 1000 }), run)).detail).toContain('1100 tokens');
    expect((await verifyRun(budgetSanity({ maxSteps: 2, maxTokens: 1100 }), run)).passed).toBe(true);
  });
});
