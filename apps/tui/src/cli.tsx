import { callbackSink, denyAll, JsonlFileSink, type TraceSink, teeSink } from '@sre-harness/core';
import { collect, integer, positiveInt, shardArg } from '@sre-harness/eval/flags';
import { Command } from 'commander';
import { z } from 'zod';
import { type ApprovalQueue, interactiveApprover } from './approvals.js';
import { createDemoWorld, runDemo } from './demo.js';
import { TuiError } from './errors.js';
import { followTraceFile } from './follow-dir.js';
import { compactNumber, formatEvent, money, plainLine, shortRunId } from './format.js';
import {
  printReport,
  printTrace,
  reportState,
  runLine,
  runSummary,
  safeWriter,
  traceState,
} from './headless.js';
import { type EvalFlags, liveEvalApprover, runLiveEval } from './live-eval.js';
import { loadReport, loadReportTraces, loadTrace } from './load.js';
import { decideMode, type OutputMode, withoutCiEnv } from './mode.js';
import { finishedText, initialState, reduce, scoreboard } from './state.js';
import { TuiStore } from './store.js';

// Plain output carries text from tools, models and scenario files: escaped like the UI's.
const plainStdout = safeWriter(process.stdout);
const plainStderr = safeWriter(process.stderr);

const optionsSchema = z
  .object({
    trace: z.string().min(1).optional(),
    report: z.string().min(1).optional(),
    json: z.boolean().default(false),
    person: z.string().min(1).optional(),
    demo: z.boolean().default(false),
    save: z.string().min(1).optional(),
    follow: z.boolean().default(false),
    scenarios: z.string().min(1).optional(),
    scenario: z.array(z.string()).default([]),
    tag: z.array(z.string()).default([]),
    model: z.array(z.string()).default([]),
    persona: z.array(z.string()).default([]),
    trials: z.number().int().min(1).max(1000).default(1),
    seed: z.number().int().default(1),
    concurrency: z.number().int().min(1).max(256).default(2),
    shard: z.object({ index: z.number().int(), total: z.number().int() }).optional(),
    traceDir: z.string().min(1).optional(),
    approve: z.boolean().default(false),
    harness: z.array(z.string().min(1)).default([]),
  })
  .refine((o) => [o.trace, o.report, o.demo || undefined].filter(Boolean).length <= 1, {
    message: 'use one of --trace, --report and --demo',
  });

type CliOptions = z.infer<typeof optionsSchema>;

// Ink and React load only here, and only after the CI variables are out of the way.
async function interactive(
  store: TuiStore,
  title: string,
  approvals?: ApprovalQueue,
  onQuit?: () => void,
): Promise<void> {
  const ui = await loadUi();
  await ui({ store, title, approvals, onQuit });
}

async function loadUi() {
  const restore = withoutCiEnv();
  const { runInteractive } = await import('./interactive.js');
  restore();
  return runInteractive;
}

// Live scripted runs: the UI follows them and asks a person about the mutation; headless, the
// events stream out as plain lines (or JSON at the end) and mutations are denied.
async function demo(options: CliOptions, mode: OutputMode): Promise<number> {
  const sinks: TraceSink[] = [];
  if (options.save) sinks.push(new JsonlFileSink(options.save, { fsyncOnFlush: false, unbuffered: true }));
  const controller = new AbortController();
  if (mode === 'interactive') {
    const store = new TuiStore();
    const ui = await loadUi();
    const world = createDemoWorld();
    const approver = interactiveApprover({
      ...(options.person ? { person: options.person } : {}),
      describeTarget: world.describeTarget,
    });
    const runs = runDemo({
      world,
      trace: teeSink(...sinks, store.sink()),
      approver,
      delayMs: 400,
      signal: controller.signal,
    });
    await ui({
      store,
      title: 'demo: two scripted runs',
      approvals: approver.queue,
      onQuit: () => controller.abort(),
    });
    controller.abort();
    await runs;
  } else {
    let state = initialState;
    const out = callbackSink((event) => {
      state = reduce(state, { type: 'events', events: [event] });
      if (mode === 'plain') plainStdout.write(`${plainLine(formatEvent(event), shortRunId(event.runId))}\n`);
    });
    await runDemo({
      trace: teeSink(...sinks, out),
      approver: denyAll('no-terminal'),
      signal: controller.signal,
    });
    const runs = state.runOrder.map((id) => state.runs[id]).filter((r) => r !== undefined);
    if (mode === 'json') process.stdout.write(`${JSON.stringify({ runs: runs.map(runSummary) }, null, 2)}\n`);
    else for (const run of runs) plainStdout.write(`${runLine(run)}\n`);
  }
  for (const s of sinks) await s.close?.();
  return 0;
}

// Tails a trace file: the UI follows every run in it; headless, lines stream out until every run
// seen has stopped.
async function follow(path: string, mode: OutputMode): Promise<number> {
  if (mode === 'interactive') {
    const store = new TuiStore();
    const tail = followTraceFile(path, (events) => store.dispatch({ type: 'events', events }), {
      onWarning: (message) => store.dispatch({ type: 'warning', message }),
    });
    tail.poll();
    await interactive(store, `following ${path}`);
    tail.stop();
    return 0;
  }
  let state = initialState;
  // The tail's timer does not hold the process open; this one does, until the runs end.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let finish: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const tail = followTraceFile(
    path,
    (events) => {
      state = reduce(state, { type: 'events', events });
      if (mode === 'plain') {
        for (const e of events) plainStdout.write(`${plainLine(formatEvent(e), shortRunId(e.runId))}\n`);
      }
      const runs = Object.values(state.runs);
      if (runs.length > 0 && runs.every((r) => r.status !== 'running')) finish();
    },
    { onWarning: (message) => plainStderr.write(`warning: ${message}\n`) },
  );
  tail.poll();
  await ended;
  clearInterval(keepAlive);
  tail.stop();
  if (mode === 'json') {
    const runs = state.runOrder.map((id) => state.runs[id]).filter((r) => r !== undefined);
    process.stdout.write(`${JSON.stringify({ runs: runs.map(runSummary) }, null, 2)}\n`);
  }
  return 0;
}

// The live eval: the UI fills in as runs finish; headless, one line per finished run (or JSON).
async function liveEval(options: CliOptions, mode: OutputMode): Promise<number> {
  const flags: EvalFlags = {
    scenarios: options.scenarios,
    scenario: options.scenario,
    tag: options.tag,
    model: options.model,
    persona: options.persona,
    trials: options.trials,
    seed: options.seed,
    concurrency: options.concurrency,
    shard: options.shard,
    traceDir: options.traceDir,
    harness: options.harness,
  };
  const controller = new AbortController();
  if (mode === 'interactive') {
    const store = new TuiStore();
    let failure: unknown;
    // The UI loads first, so it is on screen before the first run starts.
    const ui = await loadUi();
    const approvals = options.approve ? liveEvalApprover(options.person) : undefined;
    const running = runLiveEval(flags, store, controller.signal, approvals ? { approvals } : {}).catch(
      (error: unknown) => {
        failure = error;
        store.dispatch({
          type: 'warning',
          message: `eval failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      },
    );
    await ui({
      store,
      title: options.approve
        ? 'eval: scenarios × models (you approve mutations)'
        : 'eval: scenarios × models',
      ...(approvals ? { approvals: approvals.approver.queue } : {}),
      onQuit: () => {
        approvals?.approver.queue.denyAll();
        controller.abort();
      },
    });
    controller.abort();
    await running;
    if (failure) throw failure;
    return 0;
  }
  if (options.approve) {
    throw new TuiError(
      'invalid_option',
      '--approve needs a terminal to ask you in; run it without --json and without a pipe',
    );
  }
  const records = await runLiveEval(flags, undefined, controller.signal, {
    onFinished: (outcome, done, total) => {
      if (mode === 'plain') plainStdout.write(`[${done}/${total}] ${finishedText(outcome)}\n`);
    },
  });
  const rows = records.map((r) => ({
    key: `${r.scenario}/${r.model}/${r.trial}`,
    scenario: r.scenario,
    model: r.model,
    trial: r.trial,
    state: 'passed' as const,
    runId: r.runId,
    outcome: r,
  }));
  const board = scoreboard(rows);
  if (mode === 'json') {
    process.stdout.write(`${JSON.stringify({ scoreboard: board, runs: records }, null, 2)}\n`);
    return 0;
  }
  for (const s of board) {
    plainStdout.write(
      `${s.model}: ${s.passed}/${s.done} passed, ${s.refused} refused mutation, avg ${s.avgSteps.toFixed(1)} steps, ${compactNumber(s.tokens)} tok, ${money(s.costUsd)}\n`,
    );
  }
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('sre-tui')
    .description(
      'Watch sre-harness runs live, inspect traces and reports, approve mutations. With no --trace, --report or --demo it runs the eval live (same selection flags as pnpm eval).',
    )
    .option('--trace <file>', 'open a JSONL trace written by the harness')
    .option('--report <file>', 'open a JSON report written by sre-eval')
    .option('--json', 'print JSON instead of starting the UI')
    .option('--person <name>', 'who approves mutations (default: $USER)')
    .option('--demo', 'run two scripted runs live (one asks to restart a deployment)')
    .option('--save <file>', 'with --demo: also write the trace to this JSONL file')
    .option('--follow', 'with --trace: keep reading as a running harness appends to the file')
    .option('--scenarios <dir>', 'live eval: directory of scenario files (default: nearest scenarios/)')
    .option('--scenario <id>', 'live eval: only these scenarios (repeatable, * and ? wildcards)', collect, [])
    .option('--tag <tag>', 'live eval: only scenarios with this tag or difficulty (repeatable)', collect, [])
    .option(
      '--model <spec>',
      'live eval: models to run (repeatable; default baseline and every persona)',
      collect,
      [],
    )
    .option('--persona <name>', 'live eval: only these personas (repeatable)', collect, [])
    .option('--trials <k>', 'live eval: runs per scenario and model', positiveInt('--trials'), 1)
    .option('--seed <n>', 'live eval: seed for the personas that vary', integer('--seed'), 1)
    .option('--concurrency <n>', 'live eval: runs in flight at once', positiveInt('--concurrency'), 2)
    .option('--shard <i/n>', 'live eval: run only shard i of n', shardArg)
    .option('--trace-dir <dir>', "live eval: keep every run's JSONL trace in this directory")
    .option('--approve', "live eval: you approve or deny every mutation, instead of the scenarios' grants")
    .option(
      '--harness <[label=]module>',
      'live eval: score this harness config beside others (repeatable; `default` is the built-in harness)',
      collect,
      [],
    )
    .showHelpAfterError()
    .parse(argv as string[]);
  const parsed = optionsSchema.safeParse(program.opts());
  if (!parsed.success) {
    throw new TuiError('invalid_option', parsed.error.issues.map((i) => i.message).join('; '));
  }
  const options: CliOptions = parsed.data;
  const mode: OutputMode = decideMode({
    json: options.json,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
  });
  if (options.trace && options.follow) return follow(options.trace, mode);
  if (options.trace) {
    const trace = await loadTrace(options.trace);
    if (mode !== 'interactive') {
      printTrace(trace, process.stdout, process.stderr, mode === 'json');
      return 0;
    }
    await interactive(new TuiStore({ initial: traceState(trace) }), `trace ${options.trace}`);
    return 0;
  }
  if (options.report) {
    const report = await loadReport(options.report);
    if (mode !== 'interactive') {
      printReport(report, process.stdout, mode === 'json');
      return 0;
    }
    const traces = await loadReportTraces(report);
    let state = reduce(reportState(report), { type: 'events', events: traces.events });
    for (const message of traces.warnings) state = reduce(state, { type: 'warning', message });
    await interactive(new TuiStore({ initial: state }), `report ${options.report}`);
    return 0;
  }
  if (options.demo) return demo(options, mode);
  return liveEval(options, mode);
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = TuiError.isInstance(error) || (error instanceof Error && error.name.endsWith('Error'));
    process.stderr.write(`sre-tui: ${known ? (error as Error).message : String(error)}\n`);
    process.exitCode = 2;
  },
);
