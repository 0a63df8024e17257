// The default suite run ROUNDS times in this thread, for a CPU profile of the warm eval:
//   node --cpu-prof --import tsx --conditions=@sre-harness/source bench/profile-suite.ts
// (or against the built packages: node --cpu-prof bench/profile-suite.ts after `pnpm build` is not
// possible for a .ts file; use tsx as above). Prints runs per second per round.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simEnvironment } from '../src/environment.js';
import { DEFAULT_MODELS, resolveModels } from '../src/models.js';
import { evalVerifiers, runEval } from '../src/runner.js';
import { loadScenarios } from '../src/scenario-loader.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const scenarios = loadScenarios([join(repo, 'scenarios')], repo);
const models = await resolveModels(DEFAULT_MODELS);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
for (let i = 0; i < rounds; i++) {
  const t0 = performance.now();
  const runs = await runEval({ scenarios, models, environment: simEnvironment, verifiers: evalVerifiers });
  const s = (performance.now() - t0) / 1000;
  console.log(
    `round ${i + 1}: ${runs.length} runs in ${s.toFixed(2)} s (${(runs.length / s).toFixed(0)} runs/s)`,
  );
}
