/**
 * Runs a run set's planned runs in this thread and a pool of worker threads (piscina), so
 * `--concurrency` uses every core: the simulated cluster, the harness and the scoring are CPU-bound
 * and one thread runs one run at a time. Each worker rebuilds the run set from a plain description (`PoolSpec`: the loaded
 * scenarios, the model specs, the memory spec) and runs the runs it is handed by their place in
 * the plan; the records come back in plan order, so the report is the serial run's report.
 *
 * Workers end when the run set ends, when it fails and when it is cancelled. A worker that dies
 * takes no record with it: each run it held is recorded as an infrastructure error
 * (`errorCode: worker_crashed`) and the pool starts another worker for the rest.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Piscina } from 'piscina';
import type { RunRecord } from './report.js';
import type { PlannedRun, RunEvalOptions } from './runner.js';
import { modelLabel, runPlanned, setupFailedRecord } from './runner.js';
import type { LoadedScenario } from './scenario-loader.js';

/** What a worker needs to rebuild the run set: plain data, copied to each worker once. */
export interface PoolSpec {
  /** The model specs (`--model`) and persona filter (`--persona`) the run set resolved. */
  readonly models: readonly string[];
  readonly personas?: readonly string[];
  /** The `--memory` spec, when one was given. */
  readonly memory?: string;
  /**
   * With offline models only: start the worker threads once the runs left would take at least this
   * long in this thread at its pace so far (measured after `POOL_PROBE_MS`); 0 starts them at once.
   * Default `poolStartWhenLeftMs()` (by the machine's cores). Runs of real models start the workers at once.
   */
  readonly startWhenLeftMs?: number;
}

/**
 * A worker costs about half a second of CPU before its first run (its own copy of the code, loaded
 * and warmed up), and its first runs are slow: an offline run set that this thread finishes in
 * well under a second would only get slower. The workers start once the runs left would take
 * longer than this in this thread.
 */
export const POOL_START_WHEN_LEFT_MS = 1_000;
/**
 * The same on a machine of 2 cores or fewer, where a second thread has no core of its own: one node
 * process alone keeps about 1.35 cores busy (V8 compiles on background threads), so a worker competes
 * with this thread and the compiler for the same two cores, and costs CPU of its own (its copy of the
 * code, loaded and warmed up). Measured on the 2-core development machine, shared with other sessions
 * (load average 3–6), the default suite from the built dist in interleaved pairs,
 * `/usr/bin/time node packages/eval/dist/cli.js --trials N --no-out --json --concurrency 1` against
 * `--concurrency 2` (wall seconds; each pair gave the same records):
 *
 * | --trials (runs) | concurrency 1 | concurrency 2 (the pool) |
 * |---|---|---|
 * | 1 (252) | 2.54 2.47 2.48, 5.21 4.73 4.81 | 2.75 2.70 3.07, 6.97 5.39 4.82 |
 * | 5 (1,260) | 10.58 12.97 14.14, 11.01 8.24 9.09 | 9.01 20.25 16.07, 12.32 8.17 12.25 |
 * | 10 (2,520) | 22.88 25.25 20.82, 16.86 20.42 16.18 | 28.09 29.02 38.44, 17.65 25.10 24.91 |
 * | 20 (5,040) | 39.94 35.92 | 44.63 38.80 |
 *
 * The pool was faster in 2 pairs of 20 (9.01 against 10.58 s, 8.17 against 8.24 s) and spent more
 * CPU in every pair (user time 28.5 and 30.2 s against 35.1 and 39.0 s at 20 trials). Up to 40 s of
 * work it does not pay here, so on such machines the workers start only for an offline run set of
 * more than a minute; a machine with a free core (3 or more) keeps the 1 s above (not measured here).
 */
export const POOL_START_WHEN_LEFT_MS_FEW_CORES = 60_000;

/**
 * How long (ms) the runs left must be projected to take in this thread before the worker threads start,
 * for a machine with `cores` cores (`os.availableParallelism()` by default): `POOL_START_WHEN_LEFT_MS`
 * with 3 cores or more, `POOL_START_WHEN_LEFT_MS_FEW_CORES` with 2 or fewer.
 */
export function poolStartWhenLeftMs(cores: number = availableParallelism()): number {
  return cores <= 2 ? POOL_START_WHEN_LEFT_MS_FEW_CORES : POOL_START_WHEN_LEFT_MS;
}

/** How long this thread runs before its pace is trusted to project the rest (its first runs are cold). */
export const POOL_PROBE_MS = 200;

/** One task: run the planned run at this place in the plan. */
export interface PoolTask {
  readonly position: number;
  readonly runId: string;
}

/** What every worker is given when it starts. */
export interface PoolWorkerData {
  readonly spec: PoolSpec;
  readonly scenarios: readonly LoadedScenario[];
  readonly trials: number;
  readonly seed: number;
  readonly shard?: { readonly index: number; readonly total: number };
  readonly runTimeoutMs?: number;
  readonly traceDir?: string;
  /** A directory for the traces of runs that keep none; each worker writes in its own folder of it. */
  readonly scratch: string;
  /** Set to 1 by the main thread when the run set is cancelled: workers cancel the runs they hold. */
  readonly cancel: Int32Array;
}

/** The code of the infrastructure error a run gets when the worker running it died. */
export const WORKER_CRASHED = 'worker_crashed';

/** How long workers get to finish the runs they hold after a cancellation before they are ended. */
const CANCEL_GRACE_MS = 5_000;

/** What a worker answers for a task it did not start because the run set was cancelled. */
export const NOT_STARTED = 'not started';

/**
 * Set by scripts/launch.mjs when it bundles the sources with esbuild: the URL of the bundle's own
 * worker entry (pool-worker.ts, bundled next to the command's entry). Undefined everywhere else.
 */
declare const __SRE_EVAL_POOL_WORKER__: string | undefined;

/** The worker's module: the bundle's, the built one next to this file, or from the sources through tsx. */
function workerFile(): { filename: string; execArgv: string[] } {
  if (typeof __SRE_EVAL_POOL_WORKER__ === 'string')
    return { filename: __SRE_EVAL_POOL_WORKER__, execArgv: [] };
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = new URL(fromSource ? './pool-worker-source.mjs' : './pool-worker.js', import.meta.url)
    .href;
  return { filename, execArgv: fromSource ? ['--conditions=@sre-harness/source'] : [] };
}

/** The runId the runner gives a planned run (kept in step with runner.ts). */
export function plannedRunId(plan: PlannedRun): string {
  return `${plan.loaded.scenario.id}/${modelLabel(plan)}/${plan.trial}`;
}

/** A run whose worker died: an infrastructure error, with the cause, never dropped. */
function crashedRecord(plan: PlannedRun, started: number, cause: unknown): RunRecord {
  const message = cause instanceof Error ? cause.message : String(cause);
  return {
    ...setupFailedRecord(
      {
        scenario: plan.loaded.scenario.id,
        scenarioVersion: plan.loaded.version,
        model: modelLabel(plan),
        role: plan.model.role,
        trial: plan.trial,
        runId: plannedRunId(plan),
      },
      `the worker running this run stopped: ${message}`,
      started,
    ),
    outcome: 'error',
    errorCode: WORKER_CRASHED,
  };
}

/**
 * Runs `plan` (the runner's plan, in order) in this thread and in worker threads, one thread per
 * core in all (this one counts: it has the code loaded and warm already); resolves to the records in
 * plan order (after a cancellation, only the runs that started). Each lane takes the next run of
 * the plan when it is free. The pool is destroyed before this returns or throws.
 */
export async function runPooled(
  plan: readonly PlannedRun[],
  options: RunEvalOptions & { readonly pool: PoolSpec },
): Promise<RunRecord[]> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const threads = Math.max(1, Math.min(concurrency, availableParallelism(), plan.length) - 1);
  // Offline models answer in microseconds: a worker then holds a second run, so it never waits for
  // this thread to hand it the next. A real model's runs stay at --concurrency in flight.
  const offline = options.models.every((m) => m.offline === true);
  const perThread = offline ? 2 : Math.max(1, Math.ceil((concurrency - 1) / threads));
  const startWhenLeftMs = offline ? (options.pool.startWhenLeftMs ?? poolStartWhenLeftMs()) : 0;
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  if (options.signal?.aborted) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'sre-eval-pool-'));
  const data: PoolWorkerData = {
    spec: options.pool,
    scenarios: options.scenarios,
    trials: options.trials ?? 1,
    seed: options.seed ?? 1,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.runTimeoutMs ? { runTimeoutMs: options.runTimeoutMs } : {}),
    ...(options.traceDir ? { traceDir: options.traceDir } : {}),
    scratch,
    cancel,
  };
  const results: (RunRecord | undefined)[] = new Array(plan.length);
  let next = 0;
  let done = 0;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let pool: Piscina | undefined;
  const stopped = () => Atomics.load(cancel, 0) === 1;
  const onAbort = () => {
    // No new run starts; the runs in flight end as cancelled (in their workers, or with the pool).
    Atomics.store(cancel, 0, 1);
    graceTimer = setTimeout(() => void pool?.destroy(), CANCEL_GRACE_MS);
  };
  // The first lane that fails ends the run set: no lane takes another run, and its error is thrown
  // once every lane has ended.
  let failure: { error: unknown } | undefined;
  let onFailure = () => {};
  const failed = new Promise<void>((resolve) => {
    onFailure = resolve;
  });
  const guarded = (lane: Promise<void>) =>
    lane.catch((error: unknown) => {
      failure ??= { error };
      Atomics.store(cancel, 0, 1);
      onFailure();
    });
  const workerLanes: Promise<void>[] = [];
  const record = (position: number, run: RunRecord) => {
    results[position] = run;
    done++;
    options.onProgress?.({ done, total: plan.length, run });
  };
  let mainScratch: string | undefined;
  const mainScratchDir = () => {
    mainScratch ??= mkdtempSync(join(scratch, 'main-'));
    return mainScratch;
  };
  // piscina loads only when workers start: a run set this thread finishes alone never needs it.
  const startPool = async () => {
    const { Piscina } = await import('piscina');
    if (pool || stopped()) return;
    const { filename, execArgv } = workerFile();
    const started = new Piscina({
      filename,
      execArgv,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: perThread,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: data,
    });
    pool = started;
    // A worker that cannot even start (its module fails to load) fails every run it would have run:
    // the pool is ended, which fails the runs still waiting, and they are recorded as such.
    started.on('error', () => void started.destroy());
    for (let i = 0; i < threads * perThread; i++) workerLanes.push(guarded(inWorker(started)));
  };
  const t0 = performance.now();
  let ranHere = 0;
  /** Whether the runs left would take long enough in this thread, at its pace so far, to pay for workers. */
  const workersPay = () => {
    const elapsed = performance.now() - t0;
    if (elapsed < POOL_PROBE_MS || ranHere === 0) return false;
    return (plan.length - next) * (elapsed / ranHere) >= startWhenLeftMs;
  };
  const inThread = async () => {
    for (;;) {
      // Let the workers' answers, signals and timers through between runs.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (stopped()) return;
      if (!pool && workersPay()) await startPool();
      const position = next++;
      const p = plan[position];
      if (!p) return;
      record(position, await runPlanned(p, options, mainScratchDir));
      ranHere++;
    }
  };
  const inWorker = async (pool: Piscina) => {
    for (;;) {
      if (stopped()) return;
      const position = next++;
      const p = plan[position];
      if (!p) return;
      const started = performance.now();
      let out: RunRecord | typeof NOT_STARTED;
      try {
        out = (await pool.run({ position, runId: plannedRunId(p) } satisfies PoolTask)) as
          | RunRecord
          | typeof NOT_STARTED;
      } catch (cause) {
        // Cancelled before it started: no record, as in a serial run. Else the worker died.
        out = stopped() ? NOT_STARTED : crashedRecord(p, started, cause);
      }
      if (out !== NOT_STARTED) record(position, out);
    }
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let main: Promise<void> = Promise.resolve();
  try {
    if (startWhenLeftMs <= 0) await startPool();
    // Worker lanes start before this thread's lane ends (it starts them), so once it has ended they are all known.
    main = guarded(inThread());
    await Promise.race([main, failed]);
    if (!failure) await Promise.race([Promise.all(workerLanes), failed]);
    // A lane failed (a progress callback threw): no lane takes another run, the pool is ended.
    if (failure) throw failure.error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (graceTimer) clearTimeout(graceTimer);
    await pool?.destroy();
    // Every lane has ended before this returns: none runs or reports anything afterwards.
    await Promise.allSettled([main, ...workerLanes]);
    rmSync(scratch, { recursive: true, force: true });
  }
  return results.filter((r): r is RunRecord => r !== undefined);
}
