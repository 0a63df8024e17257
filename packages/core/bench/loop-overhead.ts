// Harness overhead per step: a scripted model and in-process tools, so nearly all time is the loop's.
// Prints microseconds per step (median of several runs, minus the bare cost of calling the same
// model and tool without the harness) and peak memory, with the in-memory and the JSONL sink.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The built package, as users run it (turbo builds it before `bench`).
import {
  createHarness,
  type Decision,
  defineTool,
  JsonlFileSink,
  MemorySink,
  type TraceSink,
} from '@sre-harness/core';
import { ScriptedModel } from '@sre-harness/core/testing';
import { z } from 'zod';

const STEPS = Number(process.env.BENCH_STEPS ?? 10_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);

const readTool = defineTool({
  name: 'get_status',
  description: 'status of a service',
  input: z.object({ service: z.string(), verbose: z.boolean().optional() }),
  mutating: false,
  execute: ({ service }) => `${service}: Running, 3/3 ready, 0 restarts`,
});

function* script(steps: number): Generator<Decision> {
  const call: Decision = {
    type: 'tool_calls',
    calls: [{ tool: 'get_status', args: { service: 'checkout' } }],
  };
  for (let i = 1; i < steps; i++) yield call;
  yield { type: 'final', answer: 'all good' };
}

async function bare(steps: number): Promise<number> {
  const model = new ScriptedModel(script(steps), { record: false });
  const signal = new AbortController().signal;
  const req = {
    task: 't',
    context: '',
    transcript: [],
    tools: [],
    step: 0,
    maxSteps: steps,
    runId: 'r',
    signal,
  };
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const d = await model.decide(req);
    if (d.type === 'tool_calls')
      await readTool.execute({ service: 'checkout' }, { signal, runId: 'r', callId: 'c' });
  }
  return performance.now() - t0;
}

async function harnessRun(steps: number, sink: TraceSink): Promise<number> {
  const h = createHarness({
    model: new ScriptedModel(script(steps), { record: false }),
    tools: [readTool],
    guardrails: { maxSteps: steps, allow: ['get_status'] },
    trace: sink,
  });
  const t0 = performance.now();
  const r = await h.run('is checkout healthy?');
  const ms = performance.now() - t0;
  if (r.stoppedReason !== 'completed' || r.steps !== steps)
    throw new Error(`bench run ended ${r.stoppedReason} after ${r.steps}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function measure(label: string, makeSink: () => { sink: TraceSink; done: () => void }) {
  const bareTimes: number[] = [];
  const times: number[] = [];
  // Warm up the JIT on both paths first.
  await bare(STEPS);
  const warm = makeSink();
  await harnessRun(STEPS, warm.sink);
  warm.done();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  for (let i = 0; i < REPEATS; i++) {
    bareTimes.push(await bare(STEPS));
    const s = makeSink();
    times.push(await harnessRun(STEPS, s.sink));
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    s.done();
  }
  const totalUs = (median(times) * 1000) / STEPS;
  const bareUs = (median(bareTimes) * 1000) / STEPS;
  return { label, totalUs, bareUs, overheadUs: totalUs - bareUs, heapPeakMb: (heapPeak - heapBefore) / 1e6 };
}

const dir = mkdtempSync(join(tmpdir(), 'sre-harness-bench-'));
let n = 0;
const rows = [
  await measure('in-memory sink', () => {
    const sink = new MemorySink();
    return { sink, done: () => {} };
  }),
  await measure('JSONL file sink', () => {
    const sink = new JsonlFileSink(join(dir, `run-${n++}.jsonl`));
    return { sink, done: () => sink.close() };
  }),
];
rmSync(dir, { recursive: true, force: true });

const targets: Record<string, number> = { 'in-memory sink': 5, 'JSONL file sink': 10 };
console.log(
  `\ncore loop overhead: ScriptedModel, ${STEPS.toLocaleString('en')} steps, median of ${REPEATS} runs, node ${process.version}`,
);
console.log('sink              harness µs/step   total µs/step   bare µs/step   target    heap growth MB');
for (const r of rows) {
  const t = targets[r.label]!;
  console.log(
    `${r.label.padEnd(18)}${r.overheadUs.toFixed(2).padStart(15)}${r.totalUs.toFixed(2).padStart(16)}${r.bareUs.toFixed(2).padStart(15)}${`≤ ${t}`.padStart(9)}${r.heapPeakMb.toFixed(1).padStart(18)}   ${r.overheadUs <= t ? 'within target' : 'OVER TARGET'}`,
  );
}
console.log(
  `JSONL / in-memory cost ratio (same run): ${(rows[1]!.overheadUs / rows[0]!.overheadUs).toFixed(2)}`,
);
console.log(`peak RSS of the process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
