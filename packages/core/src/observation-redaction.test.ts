import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHarness, defineTool, MemorySink, policyApprover } from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

// A tool's observation carries the call's arguments back to the model; they were not redacted there
// while the model's own turn and the trace were, so a token the model put in an argument came back
// to it (and to its memory) in the clear.
describe('the arguments in a tool observation are redacted', () => {
  const TOKEN = `ghp_${'Q7r8S9t0U1'.repeat(3)}654321`;
  for (const approve of [true, false]) {
    it(approve ? 'after the tool ran' : 'after the call was refused', async () => {
      const tool = defineTool({
        name: 'set_env',
        description: 'sets an env var',
        mutating: true,
        input: z.object({ value: z.string() }),
        execute: () => 'done',
      });
      const model = new ScriptedModel([callTool('set_env', { value: TOKEN }), finalAnswer('ok')]);
      const sink = new MemorySink();
      await createHarness({
        model,
        tools: [tool],
        guardrails: {
          maxSteps: 3,
          allow: ['set_env'],
          approver: policyApprover({
            rules: [{ tool: 'set_env', action: approve ? 'allow' : 'deny' }],
            fallback: 'deny',
          }),
        },
        trace: sink,
      }).run('go');
      expect(model.requests).toHaveLength(2);
      expect(JSON.stringify(model.requests[1])).not.toContain(TOKEN);
      expect(JSON.stringify(sink.events)).not.toContain(TOKEN);
    });
  }
});
