// One run of the core loop in a fresh process, as the side-by-side benchmark runs it: a scripted model
// calling one read-only tool that returns the same JSON string (status-run.mjs). Prints one JSON line:
// steps, wall ms of the run (harness created and run; module loading excluded), µs per step.
// Usage: node bench/one-run.mjs <steps> <memory|jsonl>   (0 steps: load the package only)
// CORE_DIST=<dir> runs another build of the package (a copy of dist/), to compare two builds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore, statusHarness } from './status-run.mjs';

const core = await loadCore();
const steps = Number(process.argv[2] ?? 1000);
// 0 steps: load the modules and stop (what instructions.mjs subtracts to count a run's fixed cost).
if (steps === 0) process.exit(0);
const kind = process.argv[3] ?? 'memory';
const dir = kind === 'jsonl' ? mkdtempSync(join(tmpdir(), 'sre-one-run-')) : undefined;

const t0 = performance.now();
const sink = dir
  ? new core.JsonlFileSink(join(dir, 'run.jsonl'), { fsyncOnFlush: false })
  : new core.MemorySink();
const result = await statusHarness(core, steps, sink).run('is checkout healthy?');
if (dir) await sink.close();
const ms = performance.now() - t0;
if (dir) rmSync(dir, { recursive: true, force: true });
if (result.stoppedReason !== 'completed' || result.steps !== steps)
  throw new Error(`run ended ${result.stoppedReason} after ${result.steps} steps`);
console.log(JSON.stringify({ impl: 'ts', sink: kind, steps, ms, usPerStep: (ms * 1000) / steps }));
