// Memory over one very long run: 100,000 steps with a JSONL sink and a window memory, the run not
// retaining its trace. Prints the heap after a forced GC at several points; it must stay flat.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createHarness, type Decision, defineTool, JsonlFileSink } from '@sre-harness/core';
import { ScriptedModel } from '@sre-harness/core/testing';
import { z } from 'zod';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const STEPS = Number(process.env.BENCH_LONG_STEPS ?? 100_000);
const checkpoints = new Set([1_000, 10_000, 25_000, 50_000, 75_000, STEPS - 1]);
const samples: { step: number; heapMb: number }[] = [];

const tool = defineTool({
  name: 'get_status',
  description: 'status',
  input: z.object({ i: z.number() }),
  mutating: false,
  execute: ({ i }) => {
    if (checkpoints.has(i)) {
      gc();
      samples.push({ step: i, heapMb: process.memoryUsage().heapUsed / 1e6 });
    }
    return `service ok at check ${i}`;
  },
});
function* script(): Generator<Decision> {
  for (let i = 1; i < STEPS; i++) yield { type: 'tool_calls', calls: [{ tool: 'get_status', args: { i } }] };
  yield { type: 'final', answer: 'done' };
}
const dir = mkdtempSync(join(tmpdir(), 'sre-harness-long-'));
const sink = new JsonlFileSink(join(dir, 'long.jsonl'), { fsyncOnFlush: false });
const t0 = performance.now();
const r = await createHarness({
  model: new ScriptedModel(script(), { record: false }),
  tools: [tool],
  guardrails: { maxSteps: STEPS, allow: ['get_status'] },
  trace: sink,
  retainTrace: false,
}).run('watch the service');
const seconds = (performance.now() - t0) / 1000;
sink.close();
const size = statSync(join(dir, 'long.jsonl')).size;
rmSync(dir, { recursive: true, force: true });
if (r.stoppedReason !== 'completed') throw new Error(`long run ended ${r.stoppedReason}`);
const first = samples[0]!.heapMb;
const last = samples.at(-1)!.heapMb;
console.log(
  `\nlong run: ${STEPS.toLocaleString('en')} steps, JSONL sink (${(size / 1e6).toFixed(0)} MB written), retainTrace: false, ${seconds.toFixed(1)} s`,
);
console.log(
  samples
    .map(
      (s) => `  heap after GC at step ${s.step.toLocaleString('en').padStart(7)}: ${s.heapMb.toFixed(1)} MB`,
    )
    .join('\n'),
);
console.log(
  `  growth from step ${samples[0]!.step.toLocaleString('en')} to the end: ${(last - first).toFixed(1)} MB (${last / first < 1.5 ? 'flat' : 'GROWING'})`,
);
