import { createHarness, defineTool, type RunResult, toTranscript, transcriptText } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { z } from 'zod';
import { DedupeMemory } from './dedupe-memory.js';
import { numbersGrounded } from './numbers-grounded.js';

const podStatus = defineTool({
  name: 'pod_status',
  description: 'Shows a pod status, restarts and last termination.',
  input: z.object({ pod: z.string() }),
  mutating: false,
  execute: ({ pod }) => `${pod}: CrashLoopBackOff, restarts 7, last state OOMKilled, limit 512Mi`,
});

/** Runs one agent whose answer is grounded and one that invents a number; the verifier tells them apart. */
export async function runExample(): Promise<{ grounded: RunResult; invented: RunResult; context: string }> {
  const memory = new DedupeMemory({ keep: 10 });
  const agent = (answer: string, runMemory = new DedupeMemory({ keep: 10 })) =>
    createHarness({
      model: new ScriptedModel([
        callTool('pod_status', { pod: 'api-7f9c' }),
        callTool('pod_status', { pod: 'api-7f9c' }),
        finalAnswer(answer),
      ]),
      tools: [podStatus],
      guardrails: { maxSteps: 5, allow: [{ tool: 'pod_status' }] },
      memory: runMemory,
      verifiers: [numbersGrounded()],
    });
  const grounded = await agent(
    'api-7f9c is OOMKilled: 7 restarts at a 512Mi limit. Raise the limit.',
    memory,
  ).run('Why does api-7f9c restart?');
  // The transcript the model would get next, as text.
  const context = transcriptText(toTranscript(memory.render(), 3, 5));
  const invented = await agent('api-7f9c is OOMKilled at a 256Mi limit. Raise it to 1Gi.').run(
    'Why does api-7f9c restart?',
  );
  return { grounded, invented, context };
}
