import { createHarness, MemorySink, type RunResult } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { killSwitchApprover } from './approver.js';
import { featureFlagTools, memoryFlagStore } from './feature-flags.js';

/** Runs the example: a scripted model tries two mutations; the approver lets one through. */
export async function runExample(): Promise<{
  result: RunResult;
  flags: Record<string, boolean>;
  sink: MemorySink;
}> {
  const store = memoryFlagStore({ 'new-checkout': true, recommendations: true });
  const sink = new MemorySink();
  // A real agent passes a model adapter here (e.g. from @sre-harness/model-anthropic).
  const model = new ScriptedModel([
    callTool('get_flag', { flag: 'new-checkout' }),
    callTool('set_flag', {
      flag: 'new-checkout',
      enabled: false,
      reason: 'checkout errors since the rollout',
    }),
    callTool('set_flag', { flag: 'recommendations', enabled: false, reason: 'free up database connections' }),
    finalAnswer('Turned off new-checkout (a kill switch); turning off recommendations was not approved.'),
  ]);
  const harness = createHarness({
    model,
    tools: featureFlagTools(store),
    guardrails: {
      maxSteps: 10,
      allow: [{ tool: 'get_flag' }, { tool: 'set_flag' }],
      approver: killSwitchApprover({ killSwitches: ['new-checkout'] }),
    },
    trace: sink,
  });
  const result = await harness.run('Checkout is failing since the last release. Mitigate.');
  return { result, flags: Object.fromEntries(store.flags), sink };
}
