import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { simEnvironment } from './environment.js';
import { DEFAULT_MODELS, resolveModels } from './models.js';
import {
  POOL_START_WHEN_LEFT_MS,
  POOL_START_WHEN_LEFT_MS_FEW_CORES,
  poolStartWhenLeftMs,
  WORKER_CRASHED,
} from './pool.js';
import type { RunRecord } from './report.js';
import { evalVerifiers, type RunEvalOptions, runEval } from './runner.js';
import { loadScenarios } from './scenario-loader.js';
import { selectScenarios } from './selection.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const all = loadScenarios([join(repo, 'scenarios')], repo);
// A few worlds of different kinds (a fix, a leak, approval faults, memory) keep the test quick.
const scenarios = selectScenarios(
  all,
  ['oom-crashloop', 'leaked-credentials', 'approval-faults', 'disk-full', 'healthy-namespace'],
  [],
);

async function options(extra: Partial<RunEvalOptions> = {}): Promise<RunEvalOptions> {
  return {
    scenarios,
    models: await resolveModels(DEFAULT_MODELS),
    environment: simEnvironment,
    verifiers: evalVerifiers,
    trials: 2,
    // The workers start at once (by default an offline run set starts them only when it is long).
    pool: { models: [...DEFAULT_MODELS], startWhenLeftMs: 0 },
    ...extra,
  };
}

/** Everything but the wall time, which no two runs share. */
const comparable = (runs: readonly RunRecord[]) => runs.map(({ wallMs: _, ...r }) => r);

afterEach(() => {
  delete process.env['SRE_EVAL_TEST_CRASH_RUN'];
});

describe('the worker pool behind --concurrency', () => {
  it('gives the serial run’s records, in the same order, and progress for every run', async () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(4);
    const serial = await runEval(await options({ concurrency: 1 }));
    const seen: string[] = [];
    const pooled = await runEval(
      await options({ concurrency: 2, onProgress: (e) => seen.push(`${e.done}/${e.total} ${e.run.runId}`) }),
    );
    expect(pooled.length).toBe(serial.length);
    expect(comparable(pooled)).toEqual(comparable(serial));
    expect(seen).toHaveLength(serial.length);
    expect(seen.at(-1)).toMatch(new RegExp(`^${serial.length}/${serial.length} `));
    // Twice in a row: nothing of one pool is left to the next.
    const again = await runEval(await options({ concurrency: 2 }));
    expect(comparable(again)).toEqual(comparable(serial));
  }, 120_000);

  it('workers start only when the runs left would take long enough in this thread, with the same records', async () => {
    const serial = await runEval(await options({ concurrency: 1 }));
    // A crash in any worker would show: with a limit no run set reaches, none starts.
    process.env['SRE_EVAL_TEST_CRASH_RUN'] = '.';
    const never = await runEval(
      await options({ concurrency: 2, pool: { models: [...DEFAULT_MODELS], startWhenLeftMs: 1e9 } }),
    );
    expect(comparable(never)).toEqual(comparable(serial));
    delete process.env['SRE_EVAL_TEST_CRASH_RUN'];
    // With a limit every run set reaches, they start once this thread has run for a while.
    const later = await runEval(
      await options({ concurrency: 2, trials: 4, pool: { models: [...DEFAULT_MODELS], startWhenLeftMs: 1 } }),
    );
    const serial4 = await runEval(await options({ concurrency: 1, trials: 4 }));
    expect(comparable(later)).toEqual(comparable(serial4));
  }, 120_000);

  it('a shard in the pool is the same shard run serially', async () => {
    const shard = { index: 2, total: 3 };
    const serial = await runEval(await options({ concurrency: 1, shard }));
    const pooled = await runEval(await options({ concurrency: 3, shard }));
    expect(comparable(pooled)).toEqual(comparable(serial));
  }, 120_000);

  it('a worker that dies costs no record: its run is an infrastructure error and the rest still run', async () => {
    const serial = await runEval(await options({ concurrency: 1 }));
    // Every run of one world kills the worker that takes it (this thread runs some of them unharmed).
    process.env['SRE_EVAL_TEST_CRASH_RUN'] = '^approval-faults/';
    const pooled = await runEval(await options({ concurrency: 2 }));
    expect(pooled.map((r) => r.runId)).toEqual(serial.map((r) => r.runId));
    const crashed = pooled.filter((r) => r.errorCode === WORKER_CRASHED);
    expect(crashed.length).toBeGreaterThan(0);
    for (const r of crashed) {
      expect(r.runId).toMatch(/^approval-faults\//);
      expect(r).toMatchObject({ outcome: 'error', passed: false, stoppedReason: 'setup_failed' });
      expect(r.error).toMatch(/worker running this run stopped/);
    }
    const kept = new Set(crashed.map((r) => r.runId));
    expect(comparable(pooled.filter((r) => !kept.has(r.runId)))).toEqual(
      comparable(serial.filter((r) => !kept.has(r.runId))),
    );
  }, 120_000);

  it('a failing progress callback ends the run set and its workers, and nothing reports afterwards', async () => {
    let calls = 0;
    await expect(
      runEval(
        await options({
          concurrency: 2,
          onProgress: () => {
            calls++;
            if (calls === 2) throw new Error('display failed');
          },
        }),
      ),
    ).rejects.toThrow('display failed');
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(after);
  }, 120_000);

  it('a cancelled run set starts no new run and ends its workers', async () => {
    const abort = new AbortController();
    let done = 0;
    const total = (await runEval(await options({ concurrency: 1, trials: 1 }))).length * 4;
    const runs = await runEval(
      await options({
        concurrency: 2,
        trials: 4,
        signal: abort.signal,
        onProgress: () => {
          if (++done === 3) abort.abort(new Error('interrupted'));
        },
      }),
    );
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThan(total);
    // The pool is gone: nothing keeps the process alive, and no worker threads are left.
    const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
    expect(
      handles.filter((h) => (h as { constructor?: { name?: string } }).constructor?.name === 'Worker'),
    ).toEqual([]);
  }, 120_000);

  it('Ctrl-C ends a pooled CLI run at once: exit 130, no report, no worker left', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@sre-harness/source',
        cli,
        '--trials',
        '50',
        '--concurrency',
        '2',
        '--no-out',
      ],
      { cwd: repo, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    let sent = 0;
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        // After a few runs, so the workers are up and busy.
        if ((stderr.match(/\[\d+\/\d+\]/g) ?? []).length >= 20 && !child.killed) {
          sent = performance.now();
          child.kill('SIGINT');
        }
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/sre-eval: interrupted after \d+ run\(s\); no report written/);
    // Well inside the pool's 5 s grace: the workers were ended, not waited out.
    expect(performance.now() - sent).toBeLessThan(5_000);
  }, 120_000);
});

describe('poolStartWhenLeftMs', () => {
  it('waits for a longer offline run set on 2 cores or fewer, where a worker has no core of its own', () => {
    expect(POOL_START_WHEN_LEFT_MS_FEW_CORES).toBeGreaterThan(POOL_START_WHEN_LEFT_MS);
    expect(poolStartWhenLeftMs(1)).toBe(POOL_START_WHEN_LEFT_MS_FEW_CORES);
    expect(poolStartWhenLeftMs(2)).toBe(POOL_START_WHEN_LEFT_MS_FEW_CORES);
    expect(poolStartWhenLeftMs(3)).toBe(POOL_START_WHEN_LEFT_MS);
    expect(poolStartWhenLeftMs(64)).toBe(POOL_START_WHEN_LEFT_MS);
    // By default, this machine's cores.
    expect(poolStartWhenLeftMs()).toBe(poolStartWhenLeftMs(availableParallelism()));
  });
});
