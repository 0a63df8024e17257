// One run of the core loop in a fresh process, as the side-by-side benchmark runs it: a scripted model
// calling one read-only tool that returns the same JSON string. Prints one JSON line: steps, wall ms
// of the run (harness created and run; module loading excluded), µs per step.
// Usage: node bench/one-run.mjs <steps> <memory|jsonl>
// CORE_DIST=<dir> runs another build of the package (a copy of dist/), to compare two builds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const dist = process.env.CORE_DIST;
const { createHarness, defineTool, JsonlFileSink, MemorySink } = await import(
  dist ? pathToFileURL(join(dist, 'index.js')).href : '@sre-harness/core'
);
const { ScriptedModel } = await import(
  dist ? pathToFileURL(join(dist, 'testing/index.js')).href : '@sre-harness/core/testing'
);

const steps = Number(process.argv[2] ?? 1000);
const kind = process.argv[3] ?? 'memory';
const OUTPUT = JSON.stringify({ service: 'checkout', status: 'Running', ready: '3/3', restarts: 0 });
const dir = kind === 'jsonl' ? mkdtempSync(join(tmpdir(), 'sre-one-run-')) : undefined;

const t0 = performance.now();
const tool = defineTool({
  name: 'get_status',
  description: 'status of a service',
  input: z.object({ service: z.string() }),
  mutating: false,
  execute: () => OUTPUT,
});
function* script() {
  const call = { type: 'tool_calls', calls: [{ tool: 'get_status', args: { service: 'checkout' } }] };
  for (let i = 1; i < steps; i++) yield call;
  yield { type: 'final', answer: 'checkout is healthy' };
}
const sink = dir ? new JsonlFileSink(join(dir, 'run.jsonl'), { fsyncOnFlush: false }) : new MemorySink();
const result = await createHarness({
  model: new ScriptedModel(script(), { record: false }),
  tools: [tool],
  guardrails: { maxSteps: steps, allow: ['get_status'] },
  trace: sink,
}).run('is checkout healthy?');
if (dir) await sink.close();
const ms = performance.now() - t0;
if (dir) rmSync(dir, { recursive: true, force: true });
if (result.stoppedReason !== 'completed' || result.steps !== steps)
  throw new Error(`run ended ${result.stoppedReason} after ${result.steps} steps`);
console.log(JSON.stringify({ impl: 'ts', sink: kind, steps, ms, usPerStep: (ms * 1000) / steps }));
