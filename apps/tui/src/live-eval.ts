import { resolve } from 'node:path';
import type { ApprovalRequest, Approver, Redactor } from '@sre-harness/core';
import type { LoadedScenario, RunRecord, ScenarioEnvironment } from '@sre-harness/eval';
import { type InteractiveApprover, interactiveApprover } from './approvals.js';
import { TuiError } from './errors.js';
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
  /** `--harness [<label>=]<module>` specs: harness compositions scored side by side. */
  readonly harness?: readonly string[];
}

/** The read that shows what a mutating tool's call would change: the tool and its arguments. */
interface TargetRead {
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/**
 * For each mutating Kubernetes tool, the read-only tool that describes the object it changes, built
 * from the call's own arguments (the names follow each tool's input schema in
 * packages/tools-k8s/src/tools/). `apply_manifest` has none: the manifest is the change, and the
 * approval shows it in full. A tool missing here gets no target panel, never a wrong one.
 */
const TARGET_READS: Readonly<Record<string, (a: Record<string, unknown>) => TargetRead>> = {
  scale_deployment: (a) => deployment(a, 'name'),
  rollback_deployment: (a) => deployment(a, 'name'),
  restart_deployment: (a) => deployment(a, 'name'),
  set_image: (a) => deployment(a, 'deployment'),
  set_resources: (a) => deployment(a, 'deployment'),
  set_command: (a) => deployment(a, 'deployment'),
  set_env: (a) => deployment(a, 'deployment'),
  set_probe: (a) => deployment(a, 'deployment'),
  set_node_placement: (a) => deployment(a, 'deployment'),
  restart_pod: (a) => ({ tool: 'describe_pod', args: { namespace: a['namespace'], name: a['name'] } }),
  set_service_selector: (a) => ({
    tool: 'describe_service',
    args: { namespace: a['namespace'], name: a['name'] },
  }),
  set_labels: (a) => ({
    tool: 'describe_resource',
    args: { kind: a['kind'], name: a['name'], namespace: a['namespace'] },
  }),
  set_role_rules: (a) => ({
    tool: 'describe_resource',
    args: { kind: 'Role', name: a['name'], namespace: a['namespace'] },
  }),
};

function deployment(a: Record<string, unknown>, nameArg: string): TargetRead {
  return { tool: 'describe_deployment', args: { namespace: a['namespace'], name: a[nameArg] } };
}

/** The read that describes the target of a mutating call, or undefined when there is none. */
export function targetRead(tool: string, args: Record<string, unknown>): TargetRead | undefined {
  return Object.hasOwn(TARGET_READS, tool) ? TARGET_READS[tool]!(args) : undefined;
}

/**
 * An approver that asks a person about every mutation of a live eval, showing the target's current
 * state as the run's own cluster describes it. The description is read straight from the run's
 * tools, outside the harness, so the queue masks it (with `redact`, default the harness's
 * `redactSecrets`) and caps it, as the harness does every tool output. Its `queue` is what the UI
 * shows.
 */
export function liveEvalApprover(
  person?: string,
  options: { readonly redact?: Redactor } = {},
): {
  approver: InteractiveApprover;
  forRun: (runId: string, environment: ScenarioEnvironment) => Approver;
} {
  const environments = new Map<string, ScenarioEnvironment>();
  const describeTarget = async (request: ApprovalRequest): Promise<string | undefined> => {
    const env = environments.get(request.runId);
    const args = (request.args ?? {}) as Record<string, unknown>;
    const read = targetRead(request.tool, args);
    const tool = read && env?.tools.find((t) => t.name === read.tool);
    if (!read || !tool) return undefined;
    const out = await tool.execute(read.args, {
      signal: request.signal,
      runId: request.runId,
      callId: `${request.callId}-target`,
    });
    return String(out);
  };
  const approver = interactiveApprover({
    ...(person ? { person } : {}),
    ...(options.redact ? { redact: options.redact } : {}),
    describeTarget,
  });
  return {
    approver,
    forRun: (runId, environment) => {
      environments.set(runId, environment);
      return approver;
    },
  };
}

/** Row key of a run: the runner's own run id, `scenario/model/trial`. */
export function evalRowKey(scenario: string, model: string, trial: number): string {
  return `${scenario}/${model}/${trial}`;
}

/** What was selected to run: what the report records beside the runs. */
export interface LiveEvalSelection {
  readonly scenarios: readonly LoadedScenario[];
  readonly models: readonly { readonly id: string }[];
  readonly harnessLabels: readonly string[];
}

/** What a live eval reports while it goes. */
export interface LiveEvalHooks {
  /** Called once the scenarios and models are resolved, before the first run starts. */
  readonly onSelection?: (selection: LiveEvalSelection) => void;
  readonly onPlan?: (rows: { key: string; scenario: string; model: string; trial: number }[]) => void;
  readonly onStarted?: (key: string) => void;
  readonly onFinished?: (outcome: RunOutcome, done: number, total: number) => void;
  /** When set, a person approves every mutation instead of the scenarios' grants. */
  readonly approvals?: ReturnType<typeof liveEvalApprover>;
}

/**
 * Runs the eval with the given selection and feeds `store`: the plan as queued rows, every run's
 * trace live as it happens, each record as it finishes.
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
  const scenarios = ev.selectScenarios(
    ev.loadScenarios([ev.findScenariosDir(flags.scenarios)]),
    flags.scenario,
    flags.tag,
  );
  const models = await ev.resolveModels(flags.model.length > 0 ? flags.model : [...ev.DEFAULT_MODELS], {
    personas: flags.persona,
  });
  if (models.length === 0) throw new TuiError('invalid_option', '--persona/--model: nothing left to run');
  const harnesses = [];
  for (const spec of flags.harness ?? []) harnesses.push(await ev.loadHarness(spec));
  const labels = harnesses.map((h) => h.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined)
    throw new TuiError(
      'invalid_option',
      `--harness: the label "${dup}" is used twice; write --harness <label>=<module>`,
    );
  hooks.onSelection?.({ scenarios, models, harnessLabels: labels });
  const plan = ev.planRuns(scenarios, models, flags.trials, flags.shard, harnesses);
  // With --harness, a row's model carries the harness label, as in the reports. The row key is the
  // run id the runner will give the run, so rows and traces are matched by id.
  const rows = plan.map((p) => {
    const key = evalRowKey(p.loaded.scenario.id, ev.modelLabel(p), p.trial);
    return { key, runId: key, scenario: p.loaded.scenario.id, model: ev.modelLabel(p), trial: p.trial };
  });
  store?.dispatch({ type: 'plan', rows, at: Date.now() });
  hooks.onPlan?.(rows);
  // Each run's events reach the store as they happen; the runner's run id is the row key.
  const sink = store?.sink();
  try {
    return await ev.runEval({
      scenarios,
      models,
      environment: ev.simEnvironment,
      trials: flags.trials,
      seed: flags.seed,
      concurrency: flags.concurrency,
      ...(flags.shard ? { shard: flags.shard } : {}),
      ...(flags.traceDir ? { traceDir: resolve(flags.traceDir) } : {}),
      ...(harnesses.length > 0 ? { harnesses } : {}),
      ...(sink ? { trace: () => sink } : {}),
      ...(hooks.approvals
        ? { approver: ({ runId, environment }) => hooks.approvals!.forRun(runId, environment) }
        : {}),
      verifiers: ev.evalVerifiers,
      signal,
      onRunStart: (_, runId) => {
        if (signal.aborted) return;
        store?.dispatch({ type: 'run_started', key: runId, runId, at: Date.now() });
        hooks.onStarted?.(runId);
      },
      onProgress: ({ done, total, run }) => {
        store?.dispatch({ type: 'run_finished', key: run.runId, outcome: run });
        hooks.onFinished?.(run, done, total);
      },
    });
  } finally {
    await sink?.flush?.();
  }
}
