import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callbackApprover, createHarness, defineTool, MemorySink } from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

const listPods = defineTool({
  name: 'list_pods',
  description: 'List pods',
  input: z.object({ namespace: z.string() }),
  mutating: false,
  execute: ({ namespace }) => `pod-a Running in ${namespace}`,
});

let restarts = 0;
const restartPod = defineTool({
  name: 'restart_pod',
  description: 'Restart a pod',
  input: z.object({ namespace: z.string(), pod: z.string() }),
  execute: ({ pod }) => {
    restarts++;
    return `deleted ${pod}`;
  },
});

describe('harness smoke', () => {
  it('runs reads, asks for mutations, and ends with a verified answer', async () => {
    const sink = new MemorySink();
    const model = new ScriptedModel([
      callTool('list_pods', { namespace: 'shop' }),
      callTool('restart_pod', { namespace: 'shop', pod: 'pod-a' }),
      finalAnswer('done'),
    ]);
    const h = createHarness({
      model,
      tools: [listPods, restartPod],
      guardrails: {
        maxSteps: 5,
        allow: ['list_pods', 'restart_pod'],
        approver: callbackApprover((r) => r.tool === 'restart_pod', 'test'),
      },
      trace: sink,
    });
    const r = await h.run('what is wrong?');
    model.assertComplete();
    expect(r.stoppedReason).toBe('completed');
    expect(r.answer).toBe('done');
    expect(restarts).toBe(1);
    expect(sink.events.map((e) => e.kind)).toEqual([
      'run_start',
      'decision',
      'tool_call',
      'tool_result',
      'decision',
      'tool_call',
      'approval_requested',
      'approval',
      'tool_result',
      'decision',
      'final',
      'stop',
    ]);
    expect(sink.events.map((e) => e.seq)).toEqual(sink.events.map((_, i) => i));
  });
});
