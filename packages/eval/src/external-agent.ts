import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { cutText, cutTextEnd, describeError, type RunResult, type TraceEvent } from '@sre-harness/core';
import { approvedByScenario, checkGates, GATE_NAMES } from './gates.js';
import { callKey, RunOracle } from './oracle.js';
import type { RunRecord } from './report.js';
import {
  DEFAULT_RUN_TIMEOUT_MS,
  evalVerifiers,
  type Judge,
  type ModelEntry,
  type PlannedRun,
  type ProgressEvent,
  planRuns,
  type RunEvalOptions,
  runEval,
  setupFailedRecord,
} from './runner.js';
import type { LoadedScenario } from './scenario-loader.js';
import { scoreRun } from './scoring.js';
import { type ServedMutation, type ServedWorld, serveScenario, type ToolCall } from './served-world.js';

/** An agent the eval runs as a command (`--agent`): any program that reads the task and talks to Kubernetes. */
export interface ExternalAgent {
  /** The report's model for its runs: `agent:<label>`. */
  readonly id: string;
  readonly label: string;
  /** A shell command, run with `/bin/sh -c`. */
  readonly command: string;
}

/** Most of an agent's stdout taken as its answer, in bytes; the rest is read and dropped. */
export const MAX_ANSWER_BYTES = 64 * 1024;
/** Most of an agent's stderr kept for the run's error (its tail). */
const STDERR_TAIL = 2000;
/** How long an agent has to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

/** Gates an external run is judged by: the audit-log ones. The others watch our harness and do not apply. */
const EXTERNAL_GATES: ReadonlySet<string> = new Set([
  'no_unapproved_mutation',
  'nothing_deleted',
  'namespace_only',
]);

const INTERPRETERS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'env',
  'exec',
  'node',
  'python',
  'python3',
  'uv',
  'uvx',
  'npx',
  'pnpm',
  'deno',
  'bun',
]);
const GENERIC = new Set(['agent', 'main', 'run', 'index', 'cli', 'start']);

/**
 * A short label for a command: its program (the script, not the shell or interpreter running it),
 * without directory or extension; a generic script name (agent.sh, main.py) takes its directory's.
 * `sh examples/kubectl-agent/agent.sh` is `kubectl-agent`, `kubectl-ai --quiet …` is `kubectl-ai`.
 */
export function agentLabel(command: string): string {
  const words = command.trim().split(/\s+/);
  let word = words.find(
    (w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && !w.startsWith('-') && !INTERPRETERS.has(basename(w)),
  );
  word ??= words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) ?? 'agent';
  word = word.replace(/^['"]|['"]$/g, '');
  let name = basename(word).replace(/\.[A-Za-z0-9]+$/, '');
  if (GENERIC.has(name) && dirname(word) !== '.') name = basename(dirname(word));
  return name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'agent';
}

/** The external agents of `--agent` commands, labelled by `--agent-label` in order or from their commands; labels are made unique. */
export function externalAgents(commands: readonly string[], labels: readonly string[] = []): ExternalAgent[] {
  if (labels.length > commands.length)
    throw new Error(`--agent-label: ${labels.length} label(s) for ${commands.length} --agent command(s)`);
  const seen = new Map<string, number>();
  return commands.map((command, i) => {
    if (command.trim() === '') throw new Error('--agent: the command is empty');
    const base = labels[i]?.trim() || agentLabel(command);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const label = n === 1 ? base : `${base}-${n}`;
    return { id: `agent:${label}`, label, command };
  });
}

/** How one agent process ended. */
export interface AgentExit {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** Whether stdout was longer than the limit (the answer is its start). */
  readonly truncated: boolean;
  /** The end of stderr. */
  readonly stderrTail: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Set when the process could not be started. */
  readonly spawnError?: string;
}

/** Options of `runAgentCommand`. */
export interface AgentCommandOptions {
  readonly command: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: string;
  readonly timeoutMs: number;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  readonly maxStdoutBytes?: number;
}

/**
 * Runs a shell command (`/bin/sh -c`) in its own process group with the given environment and
 * stdin; keeps the first `maxStdoutBytes` of stdout and the tail of stderr; past the timeout or on
 * the signal, the whole group gets SIGTERM, then SIGKILL. Whatever the command left running when
 * it exited is killed too.
 */
export function runAgentCommand(options: AgentCommandOptions): Promise<AgentExit> {
  const max = options.maxStdoutBytes ?? MAX_ANSWER_BYTES;
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', options.command], {
      cwd: options.cwd ?? process.cwd(),
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    let outBytes = 0;
    let truncated = false;
    let err = '';
    let timedOut = false;
    let cancelled = false;
    let spawnError: string | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const group = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // the group is gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      group('SIGTERM');
      killTimer ??= setTimeout(() => group('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => {
      if (outBytes >= max) {
        truncated = true;
        return;
      }
      const keep = c.subarray(0, max - outBytes);
      if (keep.length < c.length) truncated = true;
      out.push(keep);
      outBytes += keep.length;
    });
    child.stderr.on('data', (c: Buffer) => {
      err = cutTextEnd(err + c.toString('utf8'), STDERR_TAIL * 4);
    });
    // An agent that does not read its stdin closes it early: that is no error.
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin);
    child.on('error', (e) => {
      spawnError = describeError(e);
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Anything the agent left behind in its group holds no pipe open past its exit.
      group('SIGKILL');
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      const text = Buffer.concat(out).toString('utf8');
      resolve({
        code: exit?.code ?? code,
        signal: exit?.signal ?? signal,
        // The byte cut may split a character: cut the text by characters, as the harness cuts.
        stdout: cutText(truncated ? text.replace(/\uFFFD$/, '') : text, max),
        truncated,
        stderrTail: cutTextEnd(err.trim(), STDERR_TAIL),
        timedOut,
        cancelled,
        ...(spawnError !== undefined ? { spawnError } : {}),
      });
    });
  });
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** The execution the eval's gates see for one mutation made through the API: granted when every tool call it amounts to is. */
function executionOf(m: ServedMutation, approve: Parameters<typeof approvedByScenario>[0]) {
  const one = m.calls.length === 1 && m.unmapped.length === 0 ? m.calls[0] : undefined;
  const ns = m.namespace !== undefined ? { namespace: m.namespace } : {};
  const unmappedTool =
    m.unmapped.length > 0
      ? `${m.verb} ${m.kind}${m.verb === 'patch' ? ` (${m.unmapped.slice(0, 3).join(', ')}${m.unmapped.length > 3 ? ', …' : ''})` : ''}`
      : undefined;
  const tool =
    one?.tool ??
    ([...m.calls.map((c) => c.tool), ...(unmappedTool ? [unmappedTool] : [])].join(' + ') ||
      `${m.verb} ${m.kind} (no change)`);
  const args: unknown = one?.args ?? {
    ...ns,
    kind: m.kind,
    name: m.name,
    calls: m.calls,
    unmapped: m.unmapped,
  };
  const granted =
    m.unmapped.length === 0 && m.calls.every((c) => approvedByScenario(approve, c.tool, c.args));
  return {
    callId: `api-${m.seq}`,
    tool,
    args,
    key: callKey(tool, args),
    mutating: true,
    granted,
    applied: [m.entry],
  };
}

/** The reads an agent made, as a trace of tool calls and results the evidence check reads, then its answer. */
function syntheticTrace(runId: string, reads: readonly ToolCall[], answer: string | null): TraceEvent[] {
  const ts = new Date().toISOString();
  const events: TraceEvent[] = [];
  let seq = 0;
  const env = () => ({ v: 3, seq: seq++, ts, runId });
  reads.forEach((r, i) => {
    const callId = `read-${i + 1}`;
    events.push({
      ...env(),
      kind: 'tool_call',
      step: 1,
      callId,
      tool: r.tool,
      args: r.args,
      mutating: false,
    });
    events.push({
      ...env(),
      kind: 'tool_result',
      step: 1,
      callId,
      tool: r.tool,
      output: '',
      chars: 0,
      truncated: false,
      durationMs: 0,
    });
  });
  if (answer !== null) events.push({ ...env(), kind: 'final', step: 1, answer });
  return events;
}

/** Options of `runExternalAgents`. */
export interface ExternalRunOptions {
  readonly scenarios: readonly LoadedScenario[];
  readonly agents: readonly ExternalAgent[];
  readonly trials?: number;
  readonly shard?: { readonly index: number; readonly total: number };
  readonly concurrency?: number;
  /** Wall-clock limit of one run. Default `DEFAULT_RUN_TIMEOUT_MS` (10 minutes). */
  readonly runTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly judge?: Judge;
  /** Keep each run's audit log (JSONL) and the agent's stdout and stderr tail here. */
  readonly traceDir?: string;
  /** Names of the verifiers our own runs get; reported as not applicable (they read our harness trace). */
  readonly verifierNames?: readonly string[];
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onRunStart?: (run: PlannedRun, runId: string) => void;
  /** Working directory of the commands; default the process's. */
  readonly cwd?: string;
  /** Extra environment of the commands (tests). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The planned runs of external agents, in the runner's order and sharding. */
export function planExternalRuns(
  scenarios: readonly LoadedScenario[],
  agents: readonly ExternalAgent[],
  trials: number,
  shard?: { index: number; total: number },
): (PlannedRun & { agent: ExternalAgent })[] {
  const entries: ModelEntry[] = agents.map((a) => ({
    id: a.id,
    role: 'agent',
    create: () => {
      throw new Error(`${a.id} is an external agent: it runs as a command, not through the harness`);
    },
  }));
  return planRuns(scenarios, entries, trials, shard).map((p) => ({
    ...p,
    agent: agents[entries.indexOf(p.model)]!,
  }));
}

/** One run of an external agent on one scenario's served world, scored like our own agents. */
async function runExternal(
  plan: PlannedRun & { agent: ExternalAgent },
  options: ExternalRunOptions,
): Promise<RunRecord> {
  const { loaded, agent, trial } = plan;
  const scenario = loaded.scenario;
  const runId = `${scenario.id}/${agent.id}/${trial}`;
  const started = performance.now();
  options.onRunStart?.(plan, runId);
  const timeoutMs = options.runTimeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  const base = `${safeName(scenario.id)}__${safeName(agent.id)}__t${trial}`;
  if (options.traceDir) mkdirSync(options.traceDir, { recursive: true });
  // The rails that watch our harness, and the verifiers that read its trace: not run on this one.
  const notApplicable = [
    ...GATE_NAMES.filter((g) => !EXTERNAL_GATES.has(g)).map((g) => `gate:${g}`),
    ...(options.verifierNames ?? evalVerifiers().map((v) => v.name)).map((v) => `verifier:${v}`),
  ];
  const failed = (message: string): RunRecord => ({
    ...setupFailedRecord(
      {
        scenario: scenario.id,
        scenarioVersion: loaded.version,
        model: agent.id,
        role: 'agent',
        trial,
        runId,
      },
      message,
      started,
    ),
    external: true,
    notApplicable,
  });
  let world: ServedWorld;
  try {
    world = await serveScenario(scenario, {
      // The world's clock follows wall time: serve its timestamps on it, so ages kubectl computes
      // locally (describe) agree with the ones the server prints.
      wallTimestamps: true,
      ...(options.traceDir ? { auditFile: join(options.traceDir, `${base}.audit.jsonl`) } : {}),
    });
  } catch (cause) {
    return failed(`the world could not be served: ${describeError(cause)}`);
  }
  const cache = mkdtempSync(join(tmpdir(), 'sre-eval-agent-'));
  let exit: AgentExit;
  try {
    exit = await runAgentCommand({
      command: agent.command,
      stdin: `${world.task}\n`,
      timeoutMs,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      env: {
        ...process.env,
        ...options.env,
        KUBECONFIG: world.kubeconfigPath,
        // kubectl's discovery cache, per run: every world is a new server on a new port.
        KUBECACHEDIR: cache,
        SRE_TASK: world.task,
        SRE_NAMESPACE: world.namespace,
        SRE_SCENARIO: scenario.id,
      },
    });
  } finally {
    await world.close();
    rmSync(cache, { recursive: true, force: true });
  }
  if (options.traceDir) {
    writeFileSync(join(options.traceDir, `${base}.stdout.txt`), exit.stdout);
    if (exit.stderrTail)
      writeFileSync(join(options.traceDir, `${base}.stderr-tail.txt`), `${exit.stderrTail}\n`);
  }

  const ok = exit.code === 0 && !exit.timedOut && !exit.cancelled && exit.spawnError === undefined;
  const answer = exit.stdout.trim() === '' ? null : exit.stdout.trim();
  let error: string | undefined;
  if (!ok) {
    const tail = exit.stderrTail ? `; stderr ends: ${exit.stderrTail}` : '';
    error = exit.spawnError
      ? `the agent could not start: ${exit.spawnError}`
      : exit.cancelled
        ? 'the run was cancelled'
        : exit.timedOut
          ? `the agent did not finish within the eval's limit of ${timeoutMs} ms (killed)${tail}`
          : `the agent exited with ${exit.code !== null ? `code ${exit.code}` : `signal ${exit.signal}`}${tail}`;
  }
  const stoppedReason = ok
    ? 'completed'
    : exit.cancelled
      ? 'cancelled'
      : exit.timedOut
        ? 'timeout'
        : 'agent_error';
  const result: RunResult = {
    runId,
    answer: ok ? answer : null,
    verified: false,
    verifications: [],
    stoppedReason: ok ? 'completed' : exit.cancelled ? 'cancelled' : 'model_error',
    steps: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    trace: syntheticTrace(runId, world.reads(), ok ? answer : null),
  };
  // The eval's own record of what changed, read from the server's audit log: the gates as for our agents.
  const oracle = new RunOracle({
    maxSteps: scenario.budget.maxSteps,
    secrets: scenario.expect.secrets,
    untrusted: scenario.expect.untrusted,
    faults: [],
    abort: new AbortController(),
    auditLog: () => world.cluster.auditLog(),
  });
  for (const m of world.mutations()) oracle.executions.push(executionOf(m, scenario.grants.approve));
  const gates = checkGates({ scenario, role: 'agent', expects: undefined, result, oracle }).filter((g) =>
    EXTERNAL_GATES.has(g.name),
  );
  const { settleForJudging, snapshotView } = await import('./environment.js');
  settleForJudging(world.cluster);
  const scored = scoreRun({
    scenario,
    result,
    after: snapshotView(world.cluster.snapshot()),
    gates,
    mutationsExecuted: world.mutations().length,
  });
  let judge: RunRecord['judge'];
  let diagnosis = scored.scores.diagnosis;
  if (options.judge && result.answer !== null) {
    try {
      judge = await options.judge({ scenario, answer: result.answer });
      diagnosis = judge.passed;
    } catch (e) {
      judge = { passed: false, reason: `judge failed: ${describeError(e)}`, model: 'judge' };
    }
  }
  const scores = { ...scored.scores, diagnosis };
  const passed =
    ok && scores.safety && scores.diagnosis !== false && scores.evidence && scores.resolution !== false;
  return {
    scenario: scenario.id,
    scenarioVersion: loaded.version,
    model: agent.id,
    role: 'agent',
    trial,
    runId,
    passed,
    outcome: passed ? 'pass' : 'fail',
    scores,
    gates: [...scored.gates],
    checks: [...scored.checks],
    verifications: [],
    stops: { ...scored.stops, verifiersFailed: [...scored.stops.verifiersFailed] },
    mutationsExecuted: scored.mutationsExecuted,
    stoppedReason,
    steps: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    wallMs: Math.round((performance.now() - started) * 100) / 100,
    answer,
    ...(judge ? { judge } : {}),
    ...(error ? { error } : {}),
    external: true,
    notApplicable,
  };
}

/**
 * Runs external agents (`--agent`) on every scenario, each run on its own served world: the command
 * gets `KUBECONFIG`, `SRE_TASK`, `SRE_NAMESPACE` and the task on stdin; its stdout is the answer.
 * Diagnosis is scored from the answer, evidence from the reads it made through the API, end state
 * from the world after it, safety from the server's audit log against the scenario's grants.
 */
export async function runExternalAgents(options: ExternalRunOptions): Promise<RunRecord[]> {
  const plan = planExternalRuns(options.scenarios, options.agents, options.trials ?? 1, options.shard);
  const results: RunRecord[] = new Array(plan.length);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, plan.length || 1));
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      if (options.signal?.aborted) return;
      const i = next++;
      const p = plan[i];
      if (!p) return;
      const record = await runExternal(p, options);
      results[i] = record;
      done++;
      options.onProgress?.({ done, total: plan.length, run: record });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results.filter((r): r is RunRecord => r !== undefined);
}

/**
 * `runEval` for the models, then `runExternalAgents` for the agents, with one progress count over
 * both. Without agents it is `runEval`. Harness compositions (`harnesses`) apply to models only.
 */
export async function runEvalWithAgents(
  options: RunEvalOptions & { readonly agents?: readonly ExternalAgent[] },
): Promise<RunRecord[]> {
  const agents = options.agents ?? [];
  if (agents.length === 0) return runEval(options);
  const trials = options.trials ?? 1;
  const modelRuns =
    options.models.length > 0
      ? planRuns(options.scenarios, options.models, trials, options.shard, options.harnesses).length
      : 0;
  const total = modelRuns + planExternalRuns(options.scenarios, agents, trials, options.shard).length;
  let done = 0;
  const progress = (run: RunRecord) => options.onProgress?.({ done: ++done, total, run });
  const first = modelRuns > 0 ? await runEval({ ...options, onProgress: (e) => progress(e.run) }) : [];
  if (options.signal?.aborted) return first;
  const verifierNames = (options.verifiers ?? evalVerifiers)().map((v) => v.name);
  const second = await runExternalAgents({
    scenarios: options.scenarios,
    agents,
    trials,
    verifierNames,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.runTimeoutMs ? { runTimeoutMs: options.runTimeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.judge ? { judge: options.judge } : {}),
    ...(options.traceDir ? { traceDir: options.traceDir } : {}),
    ...(options.onRunStart ? { onRunStart: options.onRunStart } : {}),
    onProgress: (e) => progress(e.run),
  });
  return [...first, ...second];
}
