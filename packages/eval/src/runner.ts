import { lstatSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AllowRule,
  type AnyTool,
  type Approver,
  type ArgMatcher,
  callHash,
  canonicalJson,
  createHarness,
  describeError,
  JsonlFileSink,
  type Memory,
  type Model,
  type PolicyRule,
  policyApprover,
  type RunResult,
  type TraceSink,
  type Verifier,
} from '@sre-harness/core';
import { parseQuantity } from '@sre-harness/tools-k8s';
import { standardVerifiers } from '@sre-harness/verifiers';
import { approvedByScenario, checkGates, type PersonaExpectations } from './gates.js';
import type { HarnessConfig, HarnessEntry } from './harness-config.js';
import { infrastructureCause } from './infra-error.js';
import { memoryFromSpec } from './memory-option.js';
import { type AuditEntry, RunOracle } from './oracle.js';
import type { ModelFactory } from './personas.js';
import type { PoolSpec } from './pool.js';
import type { RunRecord } from './report.js';
import type { LoadedScenario } from './scenario-loader.js';
import type { AllowEntry, Scenario, ValueMatcher } from './scenario-schema.js';
import { type ClusterView, scoreRun } from './scoring.js';
import { MUTATING_TOOLS } from './tool-names.js';

/** A model the eval runs: an id for reports, whether it is an agent or a harness-stressing persona, a factory. */
export interface ModelEntry {
  readonly id: string;
  readonly role: 'agent' | 'persona';
  readonly create: ModelFactory;
  /** For a persona: what it does wrong, which the gates check the harness caught. */
  readonly expects?: PersonaExpectations;
  /** True for models that answer locally in microseconds (baseline, personas, replay): a shorter run limit. */
  readonly offline?: boolean;
}

/** The world one run acts on: its tools and a way to look at the cluster's objects. */
export interface ScenarioEnvironment {
  readonly tools: readonly AnyTool[];
  /**
   * The cluster once the run is over, settled for judging; called only for a scenario with end-state
   * checks (settling and copying the world is most of a short run's judging cost).
   */
  snapshot(): Promise<ClusterView>;
  /** The cluster's own audit log of applied mutations, oldest first (the safety gates' oracle). */
  auditLog(): readonly AuditEntry[];
}

/** Builds a fresh environment for one run of a scenario. */
export type EnvironmentFactory = (scenario: Scenario) => Promise<ScenarioEnvironment>;

/** Grades a root-cause answer with a model; replaces the rubric's diagnosis score when configured. */
export type Judge = (input: {
  scenario: Scenario;
  answer: string;
}) => Promise<{ passed: boolean; reason: string; model: string }>;

/** Progress of a run set, for live displays. */
export interface ProgressEvent {
  readonly done: number;
  readonly total: number;
  readonly run: RunRecord;
}

/** Options of `runEval`. */
export interface RunEvalOptions {
  readonly scenarios: readonly LoadedScenario[];
  readonly models: readonly ModelEntry[];
  readonly environment: EnvironmentFactory;
  readonly trials?: number;
  readonly seed?: number;
  /** 1-based shard index and shard count: this process runs every run whose index mod total is index-1. */
  readonly shard?: { readonly index: number; readonly total: number };
  readonly concurrency?: number;
  /** Keep each run's JSONL trace in this directory. */
  readonly traceDir?: string;
  readonly judge?: Judge;
  /** The harness memory for each run; default the core window memory. */
  readonly memory?: () => Memory;
  /** Verifiers the harness runs at the end of each run (safety gates are checked by the eval regardless). */
  readonly verifiers?: () => readonly Verifier[];
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Called as each run starts, with the runner's run id (`scenario/model/trial`). */
  readonly onRunStart?: (run: PlannedRun, runId: string) => void;
  /**
   * Who approves each run's mutations. Default: the scenario's grants (what a human would approve).
   * A UI passes a person here; `grants` is the default, to fall back on or to show.
   */
  readonly approver?: (ctx: ApproverContext) => Approver;
  /** An extra trace sink per run, e.g. for a UI that follows runs live. */
  readonly trace?: (run: PlannedRun, runId: string) => TraceSink | undefined;
  readonly signal?: AbortSignal;
  /**
   * Harness compositions to score side by side (`--harness`); each run of the plan runs once per
   * entry, and its record's model reads `<model> [<label>]`. Default: the built-in harness only.
   */
  readonly harnesses?: readonly HarnessEntry[];
  /** Wall-clock limit of one run; past it the run is cancelled and fails the budget gate. Default 10 minutes. */
  readonly runTimeoutMs?: number;
  /**
   * Run in a pool of worker threads (as many as `concurrency` and the cores allow) instead of this
   * thread; workers rebuild the run set from this spec, the simulated cluster and the eval's
   * verifiers, so the other options must describe the same run set. Runs with an approver, a trace
   * hook, a judge or harness configs (functions a worker cannot be given) run in this thread.
   */
  readonly pool?: PoolSpec;
}

/** What an `approver` factory of `runEval` is told about the run it serves. */
export interface ApproverContext {
  readonly scenario: Scenario;
  readonly runId: string;
  readonly environment: ScenarioEnvironment;
  /** The approver the scenario's grants describe. */
  readonly grants: Approver;
}

/** The verifiers the eval's harness runs by default: the recommended standard set. */
export function evalVerifiers(): Verifier[] {
  return standardVerifiers();
}

/** One planned run. */
export interface PlannedRun {
  readonly index: number;
  readonly loaded: LoadedScenario;
  readonly model: ModelEntry;
  readonly trial: number;
  /** The harness composition this run scores, when the run set names more than the built-in one. */
  readonly harness?: HarnessEntry;
}

/** Every run of a run set in canonical order, then the slice of one shard. */
export function planRuns(
  scenarios: readonly LoadedScenario[],
  models: readonly ModelEntry[],
  trials: number,
  shard?: { index: number; total: number },
  harnesses: readonly HarnessEntry[] = [],
): PlannedRun[] {
  const sorted = [...scenarios].sort((a, b) => a.scenario.id.localeCompare(b.scenario.id));
  const all: PlannedRun[] = [];
  const each: (HarnessEntry | undefined)[] = harnesses.length > 0 ? [...harnesses] : [undefined];
  for (const loaded of sorted) {
    for (const model of models) {
      for (const harness of each) {
        for (let trial = 0; trial < trials; trial++)
          all.push({ index: all.length, loaded, model, trial, ...(harness ? { harness } : {}) });
      }
    }
  }
  if (!shard) return all;
  return all.filter((r) => r.index % shard.total === shard.index - 1);
}

/** Turns a scenario file's value matcher into a core argument matcher. */
export function toArgMatcher(m: ValueMatcher): ArgMatcher {
  if (typeof m !== 'object') return m;
  if ('oneOf' in m) return m.oneOf;
  if ('pattern' in m) return new RegExp(m.pattern);
  if ('any' in m) return () => true;
  if ('absent' in m) return (v) => v === undefined || (Array.isArray(v) && v.length === 0);
  if ('equals' in m) {
    const want = canonicalJson(m.equals);
    return (v) => v !== undefined && canonicalJson(v) === want;
  }
  // Not a quantity (on either side) compares as NaN: the matcher never holds.
  const quantity = (x: unknown) => parseQuantity(x) ?? Number.NaN;
  if ('atLeast' in m) {
    const min = quantity(m.atLeast);
    return (v) => quantity(v) >= min;
  }
  if ('atMost' in m) {
    const max = quantity(m.atMost);
    return (v) => quantity(v) <= max;
  }
  const above = quantity(m.above);
  return (v) => quantity(v) > above;
}

/** The approver a scenario's grants describe: what a human would approve is allowed, everything else denied. */
export function grantsApprover(scenario: Scenario) {
  const rules: PolicyRule[] = scenario.grants.approve.map((r) => ({
    tool: r.tool,
    action: 'allow',
    ...(r.where
      ? { where: Object.fromEntries(Object.entries(r.where).map(([k, v]) => [k, toArgMatcher(v)])) }
      : {}),
    reason: r.reason ?? `scenario grant: ${r.tool}`,
  }));
  return policyApprover({ rules, fallback: 'deny', name: 'scenario-grants' });
}

/** The text the agent is given: the task, and the alert when there is one. */
export function taskFor(scenario: Scenario): string {
  const a = scenario.alert;
  if (!a) return scenario.task;
  const labels = a.labels
    ? ` ${Object.entries(a.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`
    : '';
  return `${scenario.task}\n\nAlert ${a.name} [${a.severity}]: ${a.summary}${labels}`;
}

/**
 * Removes a file if it is there (what `rmSync(path, { force: true })` does). A path with nothing
 * there (the usual case before a run: the scratch directory is fresh) is told by an lstat that
 * does not throw, instead of by a failed unlink's error object.
 */
function removeFile(path: string): void {
  if (lstatSync(path, { throwIfNoEntry: false }) === undefined) return;
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The eval's wall-clock limit per run when none is given: long enough for a slow real model. */
export const DEFAULT_RUN_TIMEOUT_MS = 600_000;
/** The limit for offline models (baseline, personas, replay), whose runs take milliseconds. */
export const OFFLINE_RUN_TIMEOUT_MS = 60_000;
/** Calls the harness takes from one decision unless configured otherwise (core's documented default). */
const HARNESS_MAX_CALLS = 8;

function coreAllow(allow: readonly AllowEntry[]): AllowRule[] {
  return allow.map((rule) =>
    typeof rule === 'string'
      ? rule
      : {
          tool: rule.tool,
          ...(rule.where
            ? { where: Object.fromEntries(Object.entries(rule.where).map(([k, v]) => [k, toArgMatcher(v)])) }
            : {}),
        },
  );
}

/** A run that could not start (its environment or model failed to build): failed, with its cause. */
function setupFailure(
  plan: PlannedRun,
  runId: string,
  started: number,
  cause: unknown,
  what = 'the run could not start',
): RunRecord {
  const { loaded, model: entry, trial } = plan;
  return setupFailedRecord(
    {
      scenario: loaded.scenario.id,
      scenarioVersion: loaded.version,
      model: modelLabel(plan),
      ...(plan.harness ? { harness: plan.harness.label } : {}),
      role: entry.role,
      trial,
      runId,
    },
    `${what}: ${describeError(cause)}`,
    started,
  );
}

/**
 * The record of a run that failed before it could be judged (`setup_failed`): nothing scored, a
 * failed `run_setup` gate with `message`, and the wall time since `started` (performance.now()).
 */
export function setupFailedRecord(
  who: Pick<RunRecord, 'scenario' | 'scenarioVersion' | 'model' | 'role' | 'trial' | 'runId'> &
    Partial<Pick<RunRecord, 'harness'>>,
  message: string,
  started: number,
): RunRecord {
  return {
    ...who,
    passed: false,
    outcome: 'fail',
    scores: { diagnosis: null, evidence: false, safety: false, resolution: null },
    gates: [{ name: 'run_setup', passed: false, detail: message, exercised: true, count: 0 }],
    checks: [],
    verifications: [],
    stops: {
      unapprovedMutationsRefused: 0,
      notAllowed: 0,
      unknownTools: 0,
      invalidArguments: 0,
      invalidDecisions: 0,
      tooManyCalls: 0,
      verifiersFailed: [],
      budgetEnded: false,
    },
    mutationsExecuted: 0,
    stoppedReason: 'setup_failed',
    steps: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    wallMs: Math.round((performance.now() - started) * 100) / 100,
    answer: null,
    error: message,
  };
}

/** A run's model as reports show it: the model id, and the harness label when one was named. */
export function modelLabel(plan: Pick<PlannedRun, 'model' | 'harness'>): string {
  return plan.harness ? `${plan.model.id} [${plan.harness.label}]` : plan.model.id;
}

/** The smaller of two optional limits. */
function tighter(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/**
 * The scenario's approver behind a harness config's: the config's denial is final (a throw or a
 * non-decision counts as one), its grant only passes the call on. It can deny more, never approve more.
 */
function behind(front: Approver, grants: Approver): Approver {
  return async (req) => {
    let first: unknown;
    try {
      first = await front(req);
    } catch (e) {
      return {
        granted: false,
        by: 'harness-config',
        reason: `the config's approver failed: ${describeError(e)}`,
      };
    }
    const d = first as { granted?: unknown; by?: unknown; reason?: unknown } | null;
    if (typeof d !== 'object' || d === null || d.granted !== true) {
      return {
        granted: false,
        by: typeof d?.by === 'string' ? d.by : 'harness-config',
        reason: typeof d?.reason === 'string' ? d.reason : "the config's approver did not grant it",
      };
    }
    return grants(req);
  };
}

/** Runs one planned run and returns its record (the pool's workers run their runs with this). */
export async function runPlanned(
  plan: PlannedRun,
  options: RunEvalOptions,
  scratchDir: () => string,
): Promise<RunRecord> {
  const { loaded, model: entry, trial } = plan;
  const config: HarnessConfig = plan.harness?.config ?? {};
  const scenario = loaded.scenario;
  const seed = options.seed ?? 1;
  const model = modelLabel(plan);
  const runId = `${scenario.id}/${model}/${trial}`;
  const started = performance.now();
  options.onRunStart?.(plan, runId);
  let env: ScenarioEnvironment;
  let innerModel: Model;
  // A harness config's memory, else --memory, else the memory the world is about.
  let memory = config.memory ?? options.memory;
  try {
    if (!memory && scenario.harness.memory) memory = memoryFromSpec(scenario.harness.memory);
    env = await options.environment(scenario);
    innerModel = await entry.create({
      seed,
      trial,
      ...(config.instructions ? { instructions: config.instructions } : {}),
    });
  } catch (cause) {
    return setupFailure(plan, runId, started, cause);
  }
  const sinks: TraceSink[] = [];
  const extra = options.trace?.(plan, runId);
  if (extra) sinks.push(extra);
  const own = config.trace?.({ runId, scenario: scenario.id, model });
  if (own) sinks.push(own);
  const fileName = `${safeName(scenario.id)}__${safeName(entry.id)}${plan.harness ? `__${safeName(plan.harness.label)}` : ''}__t${trial}.jsonl`;
  // The trace goes to a file in every run: the durability gate reads it back before each mutation.
  const tracePath = join(options.traceDir ?? scratchDir(), fileName);
  // A scratch directory is made afresh for this eval and holds one file per planned run: nothing stale to remove.
  if (options.traceDir) removeFile(tracePath);
  const fileSink = new JsonlFileSink(tracePath, { fsyncOnFlush: false });
  const extraTools = config.tools ?? [];
  const configAllow = config.guardrails?.allow;
  const baseAllow: AllowRule[] = scenario.grants.allow
    ? coreAllow(scenario.grants.allow)
    : env.tools.map((t) => t.name);
  const allow: AllowRule[] = [...baseAllow, ...extraTools.map((t) => t.name)].map((rule) => {
    if (!configAllow) return rule;
    const r = typeof rule === 'string' ? { tool: rule } : rule;
    return { ...r, check: (args: unknown) => configAllow(r.tool, args) === true };
  });
  // The tools the model may be told about: those the rules name, and no other.
  const offered = new Set(allow.map((r) => (typeof r === 'string' ? r : r.tool)));
  const runAbort = new AbortController();
  const maxSteps = Math.min(
    scenario.budget.maxSteps,
    config.guardrails?.maxSteps ?? Number.POSITIVE_INFINITY,
  );
  const oracle = new RunOracle({
    maxSteps,
    secrets: scenario.expect.secrets,
    untrusted: scenario.expect.untrusted,
    faults: scenario.faults.approver,
    abort: runAbort,
    auditLog: () => env.auditLog(),
    traceFile: tracePath,
    // With the scenario's grants as the approver (a config can only deny more), a grant beyond
    // them is a policy bug; a person approving in the TUI may approve what they like.
    ...(options.approver
      ? {}
      : { policy: (tool: string, args: unknown) => approvedByScenario(scenario.grants.approve, tool, args) }),
    offerable: (tool: string) => offered.has(tool),
    maxCallsPerDecision: config.guardrails?.maxCallsPerDecision ?? HARNESS_MAX_CALLS,
  });
  sinks.push(oracle.probeSink(), fileSink);
  // The model's own thrown error: the harness keeps only its text, the eval needs its code to tell
  // an infrastructure failure (unreachable, key rejected, quota) from the model's.
  let modelFailure: unknown;
  const watched: Model = {
    ...(innerModel.name ? { name: innerModel.name } : {}),
    async decide(request) {
      try {
        return await innerModel.decide(request);
      } catch (e) {
        modelFailure = e;
        throw e;
      }
    },
  };
  const tools = [
    ...env.tools.map((t) => oracle.wrapTool(t, t.mutating || MUTATING_TOOLS.has(t.name))),
    // A config's own tools: the eval audits them too; a mutating one still needs the scenario's grants.
    ...extraTools.map((t) => oracle.wrapTool(t, t.mutating !== false)),
  ];
  const grants = grantsApprover(scenario);
  const base = options.approver ? options.approver({ scenario, runId, environment: env, grants }) : grants;
  const front = config.guardrails?.approver;
  const approver = front ? behind(front, base) : base;
  const approvalTimeoutMs = tighter(scenario.budget.approvalTimeoutMs, config.guardrails?.approvalTimeoutMs);
  const timeoutMs = options.runTimeoutMs ?? (entry.offline ? OFFLINE_RUN_TIMEOUT_MS : DEFAULT_RUN_TIMEOUT_MS);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    runAbort.abort(new Error(`the run exceeded the eval's limit of ${timeoutMs} ms`));
  }, timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, runAbort.signal]) : runAbort.signal;
  let result: RunResult;
  try {
    const harness = createHarness({
      model: oracle.wrapModel(watched),
      tools,
      guardrails: {
        maxSteps,
        allow,
        approver: oracle.wrapApprover(approver, callHash),
        ...(approvalTimeoutMs ? { approvalTimeoutMs } : {}),
        ...(config.guardrails?.maxCallsPerDecision
          ? { maxCallsPerDecision: config.guardrails.maxCallsPerDecision }
          : {}),
      },
      verifiers: [...(options.verifiers?.() ?? []), ...(config.verifiers?.() ?? [])],
      ...(memory ? { memory } : {}),
      trace: sinks,
      meta: {
        scenario: scenario.id,
        scenarioVersion: loaded.version,
        model: entry.id,
        trial,
        seed,
        ...(plan.harness ? { harness: plan.harness.label } : {}),
      },
    });
    result = await harness.run(taskFor(scenario), { runId, signal });
  } catch (cause) {
    clearTimeout(timer);
    await fileSink.close();
    return setupFailure(plan, runId, started, cause);
  } finally {
    clearTimeout(timer);
  }
  await fileSink.close();
  if (scenario.expect.secrets.length > 0) {
    try {
      oracle.scan('trace file', readFileSync(tracePath, 'utf8'));
    } catch {
      // no file: nothing to leak
    }
    oracle.scan(
      'report',
      JSON.stringify({ answer: result.answer, error: result.error, v: result.verifications }),
    );
  }
  if (!options.traceDir) rmSync(tracePath, { force: true });
  // Settling the world for judging runs the simulated controllers on: a fault there is the world's
  // (or the simulator's), reported for this run rather than ending the eval. Only end-state checks
  // read the settled world, so a scenario without them is not settled.
  let after: ClusterView | undefined;
  if (scenario.expect.endState.length > 0) {
    try {
      after = await env.snapshot();
    } catch (cause) {
      return setupFailure(
        plan,
        runId,
        started,
        cause,
        'the run could not be judged: settling the world failed',
      );
    }
  }
  const gates = checkGates({
    scenario,
    role: entry.role,
    expects: entry.expects,
    result,
    oracle,
    ...(timedOut ? { timedOutMs: timeoutMs } : {}),
  });
  const scored = scoreRun({
    scenario,
    result,
    after,
    gates,
    mutationsExecuted: oracle.executions.filter((e) => e.mutating).length,
  });
  let judge: RunRecord['judge'];
  let diagnosis = scored.scores.diagnosis;
  if (options.judge && entry.role === 'agent' && result.answer !== null) {
    try {
      judge = await options.judge({ scenario, answer: result.answer });
      diagnosis = judge.passed;
    } catch (e) {
      judge = { passed: false, reason: `judge failed: ${describeError(e)}`, model: 'judge' };
    }
  }
  const scores = { ...scored.scores, diagnosis };
  const agentPass =
    result.stoppedReason === 'completed' &&
    scores.safety &&
    scores.diagnosis !== false &&
    scores.evidence &&
    scores.resolution !== false;
  // Whose fault: a run the infrastructure ended (and in which every rail held) is an error, not judged.
  const infra =
    result.stoppedReason === 'model_error' && scores.safety ? infrastructureCause(modelFailure) : undefined;
  const passed = infra ? false : entry.role === 'persona' ? scores.safety : agentPass;
  return {
    scenario: scenario.id,
    scenarioVersion: loaded.version,
    model,
    ...(plan.harness ? { harness: plan.harness.label } : {}),
    role: entry.role,
    trial,
    runId,
    // A persona is there to attack the harness: its run passes when the harness held every gate.
    passed,
    outcome: infra ? 'error' : passed ? 'pass' : 'fail',
    ...(infra ? { errorCode: infra.code } : {}),
    scores,
    gates: [...scored.gates],
    checks: [...scored.checks],
    verifications: result.verifications.map((v) => ({ name: v.name, passed: v.passed, detail: v.detail })),
    stops: { ...scored.stops, verifiersFailed: [...scored.stops.verifiersFailed] },
    mutationsExecuted: scored.mutationsExecuted,
    stoppedReason: result.stoppedReason,
    steps: result.steps,
    usage: {
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      ...(result.usage.costUsd !== undefined ? { costUsd: result.usage.costUsd } : {}),
    },
    wallMs: Math.round((performance.now() - started) * 100) / 100,
    answer: result.answer,
    ...(judge ? { judge } : {}),
    ...(result.error ? { error: result.error } : {}),
    ...(options.traceDir ? { tracePath } : {}),
  };
}

/** Runs every planned run (or one shard of them) with bounded concurrency; results come back in plan order (after a cancellation, only the runs that started). */
export async function runEval(options: RunEvalOptions): Promise<RunRecord[]> {
  const plan = planRuns(
    options.scenarios,
    options.models,
    options.trials ?? 1,
    options.shard,
    options.harnesses,
  );
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, plan.length || 1));
  if (
    options.pool &&
    concurrency > 1 &&
    !options.approver &&
    !options.trace &&
    !options.judge &&
    !options.onRunStart &&
    !options.harnesses?.length
  ) {
    const { runPooled } = await import('./pool.js');
    return runPooled(plan, { ...options, pool: options.pool });
  }
  const results: RunRecord[] = new Array(plan.length);
  let next = 0;
  let done = 0;
  let scratch: string | undefined;
  const scratchDir = () => {
    scratch ??= mkdtempSync(join(tmpdir(), 'sre-eval-'));
    return scratch;
  };
  const worker = async () => {
    for (;;) {
      // Offline runs resolve entirely in microtasks; yielding to the event loop between runs lets
      // signals (Ctrl-C), timers and output through.
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Once cancelled, no new run starts; runs in flight end as cancelled.
      if (options.signal?.aborted) return;
      const i = next++;
      const p = plan[i];
      if (!p) return;
      const record = await runPlanned(p, options, scratchDir);
      results[i] = record;
      done++;
      options.onProgress?.({ done, total: plan.length, run: record });
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return results.filter((r): r is RunRecord => r !== undefined);
}
