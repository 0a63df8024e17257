// A child process for the durability tests: a JSONL trace written to a full disk (/dev/full).
// Usage: full-disk-run.ts sink   (the sink alone: a delayed write fails in its timer)
//        full-disk-run.ts run    (a harness run with a mutating tool)
import { z } from 'zod';
import { callbackApprover, createHarness, defineTool, HarnessError, JsonlFileSink } from '../index.js';
import { callTool, finalAnswer, ScriptedModel } from '../testing/index.js';

const mode = process.argv[2];
const sink = new JsonlFileSink('/dev/full', { maxDelayMs: 5 });
if (mode === 'sink') {
  sink.write({
    v: 2,
    seq: 0,
    ts: '2026-01-01T00:00:00.000Z',
    runId: 'r',
    kind: 'final',
    step: 1,
    answer: 'x',
  });
  sink.checkpoint(false);
  await new Promise((r) => setTimeout(r, 60));
  process.stdout.write(`ALIVE ${sink.writeError?.code}\n`);
  try {
    sink.checkpoint(true);
    process.stdout.write('CHECKPOINT PASSED\n');
  } catch (e) {
    process.stdout.write(`CHECKPOINT THREW ${HarnessError.isInstance(e) ? e.code : String(e)}\n`);
  }
} else {
  let mutated = false;
  const fix = defineTool({
    name: 'fix',
    description: 'fix',
    input: z.object({}),
    mutating: true,
    execute: () => {
      mutated = true;
      return 'fixed';
    },
  });
  const slow = {
    name: 'slow',
    decide: async () => {
      await new Promise((r) => setTimeout(r, 40));
      return callTool('fix');
    },
  };
  const model = new ScriptedModel([callTool('fix'), finalAnswer('done')]);
  try {
    const r = await createHarness({
      model: mode === 'run-slow' ? slow : model,
      tools: [fix],
      guardrails: { maxSteps: 3, allow: ['fix'], approver: callbackApprover(() => true, 'test') },
      trace: sink,
    }).run('t');
    process.stdout.write(`RESULT ${r.stoppedReason} ${r.error ?? ''}\n`);
  } catch (e) {
    process.stdout.write(`REJECTED ${HarnessError.isInstance(e) ? e.code : String(e)}\n`);
  }
  process.stdout.write(`MUTATED ${mutated}\n`);
}
