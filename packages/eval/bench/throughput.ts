/*
 * Offline eval throughput: the whole default suite (every scenario x baseline and all personas) on
 * the simulated cluster, at concurrency 1 (this thread) and 2 (the worker pool, one thread per core,
 * started afresh and at once each round), then as one and as two shard processes of the
 * CLI (from the built dist when it is fresh, as `pnpm eval` runs), and the one process again pinned to
 * one core (`taskset`, where there is one) for the one-core-to-two ratios. Prints runs per second, the
 * scaling ratios and peak memory; asserts nothing.
 * Env: BENCH_ROUNDS (default 3), BENCH_TRIALS (trials per round, default 2), BENCH_SHARD_TRIALS
 * (trials of the shard comparison, default 5, so start-up is amortised).
 */
import { spawn, spawnSync } from 'node:child_process';
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
const trials = Number(process.env['BENCH_TRIALS'] ?? 2);
const shardTrials = Number(process.env['BENCH_SHARD_TRIALS'] ?? 5);

/**
 * Runs the suite `rounds` times; above concurrency 1 in the worker pool. The pool is started at once
 * (`startWhenLeftMs: 0`): left to its default, it starts only for run sets it projects to take longer
 * than a second (a minute on 2 cores or fewer, see pool.ts), so a round of this size would run in this
 * thread alone and the figure would not measure the pool at all.
 */
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
      trials,
      pool: { models: [...DEFAULT_MODELS], ...(concurrency > 1 ? { startWhenLeftMs: 0 } : {}) },
    });
    runs += out.length;
  }
  return { runs, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Runs the suite as `total` CLI processes, one `--shard` each, in parallel; with `oneCore`, all of them
 * on CPU 0 alone (`taskset -c 0`), so the same command measures the eval on one core and on two.
 */
function shardProcesses(total: number, oneCore = false): Promise<{ runs: number; seconds: number }> {
  const launch = join(repo, 'scripts/launch.mjs');
  const t0 = performance.now();
  const one = (index: number) =>
    new Promise<number>((resolve, reject) => {
      const node = [
        launch,
        'eval',
        '--shard',
        `${index}/${total}`,
        '--trials',
        String(shardTrials),
        '--no-out',
        '--json',
        '--concurrency',
        '1',
      ];
      const child = spawn(
        oneCore ? 'taskset' : process.execPath,
        oneCore ? ['-c', '0', process.execPath, ...node] : node,
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

const perRound = scenarios.length * models.length * trials;
console.log(
  `suite: ${scenarios.length} scenarios x ${models.length} models x ${trials} trials = ${perRound} runs per round, ${rounds} rounds; ${availableParallelism()} CPUs; Node ${process.versions.node}`,
);
await inProcess(1); // warm-up of this thread: module loading and JIT (pool workers start cold each round)
const c1 = await inProcess(1);
const c2 = await inProcess(2);
const rate = (r: { runs: number; seconds: number }) => r.runs / r.seconds;
console.log(
  `concurrency 1 (this thread, warm): ${rate(c1).toFixed(1)} runs/s (${c1.runs} runs in ${c1.seconds.toFixed(2)} s)`,
);
console.log(
  `concurrency 2 (worker pool, started at once each round): ${rate(c2).toFixed(1)} runs/s (${c2.runs} runs in ${c2.seconds.toFixed(2)} s)`,
);
console.log(`scaling 1 -> 2 in one process: ${(rate(c2) / rate(c1)).toFixed(2)}x`);
console.log(
  `one round (${perRound} runs): ${(perRound / rate(c1)).toFixed(2)} s of eval work at concurrency 1`,
);
globalThis.gc?.();
console.log(
  `peak RSS of this process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; heap in use after the runs: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB`,
);
// Interleaved, so both see the same machine load: one, two, one, two.
const ones = [await shardProcesses(1)];
const twos = [await shardProcesses(2)];
ones.push(await shardProcesses(1));
twos.push(await shardProcesses(2));
const best = (xs: { runs: number; seconds: number }[]) => xs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
const one = best(ones);
const two = best(twos);
console.log(
  `CLI --concurrency 1 --trials ${shardTrials}, incl. start-up (best of 2, interleaved): one process ${one.seconds.toFixed(2)} s (${rate(one).toFixed(1)} runs/s); two --shard processes in parallel ${two.seconds.toFixed(2)} s (${rate(two).toFixed(1)} runs/s): ${(rate(two) / rate(one)).toFixed(2)}x`,
);
// One core against two: the same CLI pinned to CPU 0. A lone process already keeps more than one core
// busy (V8 compiles and collects garbage on threads of its own), so "one process against two" above
// understates what a second core gives; this is the ratio the machine's cores give the eval.
if (availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0) {
  const pinned = [await shardProcesses(1, true)];
  pinned.push(await shardProcesses(1, true));
  const p = best(pinned);
  console.log(
    `the same on one core (taskset -c 0, best of 2): ${p.seconds.toFixed(2)} s (${rate(p).toFixed(1)} runs/s); one core -> two: ${(rate(one) / rate(p)).toFixed(2)}x with one process, ${(rate(two) / rate(p)).toFixed(2)}x with two --shard processes`,
  );
} else console.log('one core against two: not measured (needs 2 CPUs and taskset)');

// Load: over 1,000 runs in this thread; the heap after a forced GC must stay flat
// (what grows is only the small per-run records the report keeps).
{
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const loadTrials = Math.ceil(1000 / (scenarios.length * models.length));
  const total = scenarios.length * models.length * loadTrials;
  const marks = new Set([100, 250, 500, 750, total]);
  const samples: { done: number; heapMb: number }[] = [];
  const t0 = performance.now();
  await runEval({
    scenarios,
    models,
    environment: simEnvironment,
    verifiers: evalVerifiers,
    concurrency: 1,
    trials: loadTrials,
    onProgress: (e) => {
      if (marks.has(e.done)) {
        gc();
        samples.push({ done: e.done, heapMb: process.memoryUsage().heapUsed / 2 ** 20 });
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `load: ${total} runs (${loadTrials} trials of the suite) in this thread in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} runs/s)`,
  );
  for (const s of samples)
    console.log(`  heap after GC at ${String(s.done).padStart(5)} runs: ${s.heapMb.toFixed(1)} MB`);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  console.log(
    `  growth from ${first.done} to ${last.done} runs: ${(last.heapMb - first.heapMb).toFixed(1)} MB (${last.heapMb / first.heapMb < 1.5 ? 'flat' : 'GROWING'}); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
}
