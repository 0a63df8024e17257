// The default suite's runs of one model (or a few) at a time, warm, in this thread: runs per second and
// wall time per step for each round, to see what a model's runs cost apart from the others'.
//   MODELS=persona:looper BENCH_ROUNDS=8 node --import tsx --conditions=@sre-harness/source bench/per-model.ts
// (add --cpu-prof before --import for a profile of the warm runs). MODELS is a comma-separated list of
// model specs (default `baseline`); DIR a scenario folder relative to the repository (default `scenarios`).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simEnvironment } from '../src/environment.js';
import { resolveModels } from '../src/models.js';
import { evalVerifiers, runEval } from '../src/runner.js';
import { loadScenarios } from '../src/scenario-loader.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const scenarios = loadScenarios([join(repo, process.env['DIR'] ?? 'scenarios')], repo);
const models = await resolveModels((process.env['MODELS'] ?? 'baseline').split(','));
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
for (let i = 0; i < rounds; i++) {
  const t0 = performance.now();
  const cpu = process.cpuUsage();
  const runs = await runEval({
    scenarios,
    models,
    environment: simEnvironment,
    verifiers: evalVerifiers,
    concurrency: 1,
  });
  const s = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu);
  const steps = runs.reduce((a, r) => a + r.steps, 0);
  console.log(
    `round ${i + 1}: ${runs.length} runs, ${steps} steps in ${s.toFixed(2)} s (CPU ${((used.user + used.system) / 1e6).toFixed(2)} s): ${(runs.length / s).toFixed(0)} runs/s, ${((s * 1e6) / Math.max(1, steps)).toFixed(0)} µs per step`,
  );
}
