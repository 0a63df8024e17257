// CPU time per step of the core loop in one process, first run and warm: the process's user + system
// CPU time (process.cpuUsage, so JIT and GC threads count) over RUNS runs of STEPS steps each, with a
// scripted model calling one read-only tool that returns the same JSON string, as one-run.mjs does.
// CPU time is far less sensitive than wall time to other work on a shared machine, which makes this
// the benchmark to compare two builds of the package with (CORE_DIST=<copy of dist/>), interleaved.
// Prints one JSON line: the first run's µs per step, and the median of the second half of the runs.
// Usage: node bench/cpu-per-step.mjs [steps=1000] [memory|jsonl] [runs=40]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore, statusHarness } from './status-run.mjs';

const core = await loadCore();
const steps = Number(process.argv[2] ?? 1000);
const kind = process.argv[3] ?? 'memory';
const runs = Number(process.argv[4] ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'sre-cpu-per-step-'));
const perStep = [];
try {
  for (let r = 0; r < runs; r++) {
    const before = process.cpuUsage();
    const sink =
      kind === 'jsonl'
        ? new core.JsonlFileSink(join(dir, `run-${r}.jsonl`), { fsyncOnFlush: false })
        : new core.MemorySink();
    const result = await statusHarness(core, steps, sink).run('is checkout healthy?');
    if (kind === 'jsonl') await sink.close();
    if (result.stoppedReason !== 'completed') throw new Error(`run ended ${result.stoppedReason}`);
    const used = process.cpuUsage(before);
    perStep.push((used.user + used.system) / steps);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const warm = perStep.slice(Math.floor(runs / 2)).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    steps,
    sink: kind,
    runs,
    firstRunCpuUsPerStep: Number(perStep[0].toFixed(1)),
    warmMedianCpuUsPerStep: Number(warm[Math.floor(warm.length / 2)].toFixed(1)),
  }),
);
