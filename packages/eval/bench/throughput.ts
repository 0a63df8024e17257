/*
 * Offline eval throughput: the whole default suite (every scenario x baseline and all personas) on
 * the simulated cluster, at in-process concurrency 1 and 2, then as two shard processes in parallel.
 * Prints runs per second, the scaling ratios and peak memory; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simEnvironment } from '../src/environment.js';
import { DEFAULT_MODELS, resolveModels } from '../src/models.js';
import { evalVerifiers, runEval } from '../src/runner.js';
import { loadScenarios } from '../src/scenario-loader.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const scenarios = loadScenarios([join(repo, 'scenarios')], repo);
const models = await resolveModels(DEFAULT_MODELS);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 3);

async function inProcess(concurrency: number): Promise<{ runs: number; seconds: number }> {
  const t0 = performance.now();
  let runs = 0;
  for (let i = 0; i < rounds; i++) {
    const out = await runEval({
      scenarios,
      models,
      environment: simEnvironment,
      verifiers: evalVerifiers,
      concurrency,
    });
    runs += out.length;
  }
  return { runs, seconds: (performance.now() - t0) / 1000 };
}

function shardProcesses(total: number): Promise<{ runs: number; seconds: number }> {
  const require = createRequire(import.meta.url);
  const tsx = join(require.resolve('tsx/package.json').replace(/package\.json$/, ''), 'dist/cli.mjs');
  const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const t0 = performance.now();
  const one = (index: number) =>
    new Promise<number>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          tsx,
          '--conditions=@sre-harness/source',
          cli,
          '--shard',
          `${index}/${total}`,
          '--no-out',
          '--json',
          '--concurrency',
          '1',
        ],
        { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CI: '1' } },
      );
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.on('error', reject);
      child.on('close', () => {
        try {
          resolve((JSON.parse(out) as { runs: unknown[] }).runs.length);
        } catch (e) {
          reject(e);
        }
      });
    });
  return Promise.all(Array.from({ length: total }, (_, i) => one(i + 1))).then((counts) => ({
    runs: counts.reduce((a, b) => a + b, 0),
    seconds: (performance.now() - t0) / 1000,
  }));
}

const perRound = scenarios.length * models.length;
console.log(
  `suite: ${scenarios.length} scenarios x ${models.length} models = ${perRound} runs per round, ${rounds} rounds; ${availableParallelism()} CPUs; Node ${process.versions.node}`,
);
await inProcess(1); // warm-up: module loading and JIT
const c1 = await inProcess(1);
const c2 = await inProcess(2);
const rate = (r: { runs: number; seconds: number }) => r.runs / r.seconds;
console.log(
  `in-process concurrency 1: ${rate(c1).toFixed(1)} runs/s (${c1.runs} runs in ${c1.seconds.toFixed(2)} s)`,
);
console.log(
  `in-process concurrency 2: ${rate(c2).toFixed(1)} runs/s (${c2.runs} runs in ${c2.seconds.toFixed(2)} s)`,
);
console.log(
  `scaling 1 -> 2 in one process: ${(rate(c2) / rate(c1)).toFixed(2)}x (the simulated cluster is CPU-bound, one thread)`,
);
console.log(`whole suite once: ${(perRound / rate(c1)).toFixed(2)} s of eval work at concurrency 1`);
globalThis.gc?.();
console.log(
  `peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; heap in use after the runs: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`,
);
const one = await shardProcesses(1);
const two = await shardProcesses(2);
console.log(
  `CLI, one process, whole suite incl. startup: ${one.seconds.toFixed(2)} s (${rate(one).toFixed(1)} runs/s); two shard processes in parallel: ${two.seconds.toFixed(2)} s (${rate(two).toFixed(1)} runs/s), ${(rate(two) / rate(one)).toFixed(2)}x`,
);

// Load: over 1,000 runs at concurrency 2 in one process; the heap after a forced GC must stay flat
// (what grows is only the small per-run records the report keeps).
{
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const trials = Math.ceil(1000 / perRound);
  const total = perRound * trials;
  const marks = new Set([100, 250, 500, 750, total]);
  const samples: { done: number; heapMb: number }[] = [];
  const t0 = performance.now();
  await runEval({
    scenarios,
    models,
    environment: simEnvironment,
    verifiers: evalVerifiers,
    concurrency: 2,
    trials,
    onProgress: (e) => {
      if (marks.has(e.done)) {
        gc();
        samples.push({ done: e.done, heapMb: process.memoryUsage().heapUsed / 2 ** 20 });
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `load: ${total} runs (${trials} trials of the suite) at concurrency 2 in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} runs/s)`,
  );
  for (const s of samples)
    console.log(`  heap after GC at ${String(s.done).padStart(5)} runs: ${s.heapMb.toFixed(1)} MB`);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  console.log(
    `  growth from ${first.done} to ${last.done} runs: ${(last.heapMb - first.heapMb).toFixed(1)} MB (${last.heapMb / first.heapMb < 1.5 ? 'flat' : 'GROWING'}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}
