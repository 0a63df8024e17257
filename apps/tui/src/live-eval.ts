import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { LoadedScenario, RunRecord } from '@sre-harness/eval';
import { TuiError } from './errors.js';
import { followTraceDir } from './follow-dir.js';
import type { RunOutcome } from './outcome.js';
import type { TuiStore } from './store.js';

/** The eval flags the TUI accepts: the same selection as `pnpm eval`. */
export interface EvalFlags {
  readonly scenarios?: string | undefined;
  readonly scenario: readonly string[];
  readonly tag: readonly string[];
  readonly model: readonly string[];
  readonly persona: readonly string[];
  readonly trials: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly shard?: { readonly index: number; readonly total: number } | undefined;
  readonly traceDir?: string | undefined;
}

/** Row key of a run: the runner's own run id, `scenario/model/trial`. */
export function evalRowKey(scenario: string, model: string, trial: number): string {
  return `${scenario}/${model}/${trial}`;
}

function findScenariosDir(explicit: string | undefined): string {
  if (explicit) return explicit;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, 'scenarios');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new TuiError(
    'invalid_option',
    '--scenarios: no scenarios/ directory here or above; pass --scenarios <dir>',
  );
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

// The same selection rules as `sre-eval run`: ids with * and ? wildcards, then tags (or difficulty).
function selectScenarios(all: readonly LoadedScenario[], ids: readonly string[], tags: readonly string[]) {
  let out = [...all];
  if (ids.length > 0) {
    const res = ids.map(wildcard);
    ids.forEach((id, i) => {
      if (!all.some((s) => res[i]!.test(s.scenario.id))) {
        throw new TuiError('invalid_option', `--scenario: no scenario matches "${id}"`);
      }
    });
    out = out.filter((s) => res.some((re) => re.test(s.scenario.id)));
  }
  if (tags.length > 0) {
    out = out.filter((s) => tags.some((t) => s.scenario.tags.includes(t) || s.scenario.difficulty === t));
    if (out.length === 0)
      throw new TuiError('invalid_option', `--tag: no scenario has tag ${tags.join(' or ')}`);
  }
  return out;
}

/** What a live eval reports while it goes. */
export interface LiveEvalHooks {
  readonly onPlan?: (rows: { key: string; scenario: string; model: string; trial: number }[]) => void;
  readonly onStarted?: (key: string) => void;
  readonly onFinished?: (outcome: RunOutcome, done: number, total: number) => void;
}

/**
 * Runs the eval with the given selection and feeds `store`: the plan as queued rows, every run's
 * trace live (followed from the trace directory the runner writes), each record as it finishes.
 * Resolves with the records when every run has ended or `signal` cancelled them.
 */
export async function runLiveEval(
  flags: EvalFlags,
  store: TuiStore | undefined,
  signal: AbortSignal,
  hooks: LiveEvalHooks = {},
): Promise<RunRecord[]> {
  // Loaded here so that browsing a trace never pays for the eval and its SDKs.
  const ev = await import('@sre-harness/eval');
  const dir = findScenariosDir(flags.scenarios);
  const scenarios = selectScenarios(ev.loadScenarios([dir]), flags.scenario, flags.tag);
  const models = await ev.resolveModels(flags.model.length > 0 ? flags.model : [...ev.DEFAULT_MODELS], {
    personas: flags.persona,
  });
  if (models.length === 0) throw new TuiError('invalid_option', '--persona/--model: nothing left to run');
  const plan = ev.planRuns(scenarios, models, flags.trials, flags.shard);
  const rows = plan.map((p) => ({
    key: evalRowKey(p.loaded.scenario.id, p.model.id, p.trial),
    scenario: p.loaded.scenario.id,
    model: p.model.id,
    trial: p.trial,
  }));
  store?.dispatch({ type: 'plan', rows });
  hooks.onPlan?.(rows);
  // The runner has no start hook, but its workers take runs in plan order, each taking the next
  // as soon as it reports one finished: so the runs in flight are known without one.
  const inFlight = Math.max(1, Math.min(flags.concurrency, rows.length));
  const started = (index: number) => {
    const row = rows[index];
    if (!row || signal.aborted) return;
    store?.dispatch({ type: 'run_started', key: row.key });
    hooks.onStarted?.(row.key);
  };
  for (let i = 0; i < inFlight; i++) started(i);
  const ownDir = flags.traceDir === undefined;
  const traceDir = flags.traceDir ? resolve(flags.traceDir) : mkdtempSync(join(tmpdir(), 'sre-tui-traces-'));
  const follower = store
    ? followTraceDir(traceDir, (events) => store.dispatch({ type: 'events', events }), {
        onWarning: (message) => store.dispatch({ type: 'warning', message }),
      })
    : undefined;
  try {
    return await ev.runEval({
      scenarios,
      models,
      environment: ev.simEnvironment,
      trials: flags.trials,
      seed: flags.seed,
      concurrency: flags.concurrency,
      ...(flags.shard ? { shard: flags.shard } : {}),
      traceDir,
      verifiers: ev.evalVerifiers,
      signal,
      onProgress: ({ done, total, run }) => {
        // Read the finished run's last lines first, so its trace is complete before its verdict shows.
        follower?.poll();
        store?.dispatch({
          type: 'run_finished',
          key: evalRowKey(run.scenario, run.model, run.trial),
          outcome: run,
        });
        hooks.onFinished?.(run, done, total);
        started(done + inFlight - 1);
      },
    });
  } finally {
    follower?.stop();
    if (ownDir) rmSync(traceDir, { recursive: true, force: true });
  }
}
