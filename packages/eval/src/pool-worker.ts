/**
 * A worker of the eval's thread pool (see pool.ts): rebuilds the run set once from the data it was
 * started with, then runs the planned runs it is handed, one record per task.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { workerData } from 'piscina';
import { simEnvironment } from './environment.js';
import { memoryFromSpec } from './memory-option.js';
import { resolveModels } from './models.js';
import { NOT_STARTED, type PoolTask, type PoolWorkerData } from './pool.js';
import type { RunRecord } from './report.js';
import { evalVerifiers, type PlannedRun, planRuns, type RunEvalOptions, runPlanned } from './runner.js';

const data = workerData as PoolWorkerData;
let state: Promise<{ plan: PlannedRun[]; options: RunEvalOptions }> | undefined;
let scratch: string | undefined;
// The main thread removes the whole scratch directory when the pool ends.
const scratchDir = () => {
  if (!scratch) {
    scratch = join(data.scratch, `w${threadId}`);
    mkdirSync(scratch, { recursive: true });
  }
  return scratch;
};

async function build(): Promise<{ plan: PlannedRun[]; options: RunEvalOptions }> {
  const models = await resolveModels(data.spec.models, {
    ...(data.spec.personas ? { personas: data.spec.personas } : {}),
  });
  const options: RunEvalOptions = {
    scenarios: data.scenarios,
    models,
    environment: simEnvironment,
    verifiers: evalVerifiers,
    trials: data.trials,
    seed: data.seed,
    ...(data.shard ? { shard: data.shard } : {}),
    ...(data.runTimeoutMs ? { runTimeoutMs: data.runTimeoutMs } : {}),
    ...(data.traceDir ? { traceDir: data.traceDir } : {}),
    ...(data.spec.memory ? { memory: memoryFromSpec(data.spec.memory) } : {}),
  };
  return { plan: planRuns(data.scenarios, models, data.trials, data.shard), options };
}

/** Runs the planned run at `task.position`; cancelled (as a serial run is) once the run set is. */
export default async function run(task: PoolTask): Promise<RunRecord | typeof NOT_STARTED> {
  if (Atomics.load(data.cancel, 0) === 1) return NOT_STARTED;
  state ??= build();
  const { plan, options } = await state;
  const planned = plan[task.position];
  if (!planned) throw new Error(`no planned run at ${task.position}`);
  // For the pool's tests: a worker that dies while it holds a run.
  const crash = process.env['SRE_EVAL_TEST_CRASH_RUN'];
  if (crash && new RegExp(crash).test(task.runId)) process.exit(70);
  const abort = new AbortController();
  const watch = setInterval(() => {
    if (Atomics.load(data.cancel, 0) === 1) abort.abort(new Error('interrupted'));
  }, 50);
  try {
    const record = await runPlanned(planned, { ...options, signal: abort.signal }, scratchDir);
    if (record.runId !== task.runId)
      throw new Error(`the worker planned ${record.runId} where the main thread planned ${task.runId}`);
    return record;
  } finally {
    clearInterval(watch);
  }
}
