// A child process for the durability tests: a long run writing a JSONL trace, with a slow tool so that
// signals arrive mid-run. Usage: durable-run.ts <trace.jsonl> <steps> <toolDelayMs>
import { z } from 'zod';
import {
  callbackApprover,
  cancelOnSignals,
  createHarness,
  type Decision,
  defineTool,
  JsonlFileSink,
} from '../index.js';
import { ScriptedModel } from '../testing/index.js';

const [file, stepsArg, delayArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const delay = Number(delayArg);
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

const tools = [
  defineTool({
    name: 'read',
    description: 'read',
    input: z.object({ i: z.number() }),
    mutating: false,
    execute: async ({ i }, { signal }) => {
      // After the first mutation (step 5), whose record had to reach the disk before it ran.
      if (i === 6) process.stdout.write('READY\n');
      if (delay > 0 && i >= 6) await sleep(delay, signal);
      return `value ${i}`;
    },
  }),
  defineTool({
    name: 'write',
    description: 'write',
    input: z.object({ i: z.number() }),
    mutating: true,
    execute: ({ i }) => `wrote ${i}`,
  }),
];
function* script(): Generator<Decision> {
  for (let i = 1; i < steps; i++) {
    yield { type: 'tool_calls', calls: [{ tool: i % 5 === 0 ? 'write' : 'read', args: { i } }] };
  }
  yield { type: 'final', answer: 'done' };
}
const cancel = cancelOnSignals();
const sink = new JsonlFileSink(file!);
const result = await createHarness({
  model: new ScriptedModel(script(), { record: false }),
  tools,
  guardrails: {
    maxSteps: steps,
    allow: ['read', 'write'],
    approver: callbackApprover((r) => (r.args as { i: number }).i % 10 === 0, 'test'),
  },
  trace: sink,
}).run('durability', { signal: cancel.signal });
sink.close();
process.stdout.write(`STOPPED ${result.stoppedReason}\n`);
process.exitCode = cancel.exitCode() ?? 0;
