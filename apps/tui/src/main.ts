import { callbackSink, denyAll, JsonlFileSink, type TraceSink, teeSink } from '@sre-harness/core';
import { collect, fraction, integer, positiveInt, shardArg } from '@sre-harness/eval/flags';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { type ApprovalQueue, interactiveApprover } from './approvals.js';
import { createDemoWorld, runDemo } from './demo.js';
import { TuiError } from './errors.js';
import { buildReport, EXIT, type FinishedEval, finishEval, verdictLine } from './eval-report.js';
import { followTraceFile } from './follow-dir.js';
import { formatEvent, plainLine, shortRunId } from './format.js';
import {
  printReport,
  printTrace,
  reportState,
  runLine,
  runSummary,
  safeWriter,
  scoreText,
  type TextOut,
  traceState,
} from './headless.js';
import { type EvalFlags, type LiveEvalSelection, liveEvalApprover, runLiveEval } from './live-eval.js';
import { loadReport, loadReportTraces, loadTrace } from './load.js';
import { decideMode, type OutputMode, withoutCiEnv } from './mode.js';
import { type EvalVerdict, finishedText, initialState, reduce, scoreboard } from './state.js';
import { TuiStore } from './store.js';

/** Where `main` reads keys and writes output: the process's streams, or a test's. */
export interface MainIo {
  readonly stdout: TextOut & { readonly isTTY?: boolean };
  readonly stderr: TextOut;
  readonly stdin: { readonly isTTY?: boolean };
}

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
    out: z.union([z.string().min(1), z.literal(false)]).default('reports'),
    minPassRate: z.number().min(0).max(1).default(1),
  })
  .refine((o) => [o.trace, o.report, o.demo || undefined].filter(Boolean).length <= 1, {
    message: 'use one of --trace, --report and --demo',
  });

type CliOptions = z.infer<typeof optionsSchema>;

const EXIT_HELP = `
Exit codes (the live eval exits as sre-eval run does):
  0    browsing ended, or every gate held
  1    the live eval's gate failed: a rail broke, or an agent fell below --min-pass-rate
  2    bad flags, unreadable or invalid traces, reports or scenario files
  3    the live eval: nothing failed, but an infrastructure error left runs unjudged
  70   a bug in sre-tui (the stack is printed)
  130  quit before every live run ended: runs in flight are cancelled, no report is written`;

// Ink and React load only here, and only after the CI variables are out of the way.
async function loadUi() {
  const restore = withoutCiEnv();
  const { runInteractive } = await import('./interactive.js');
  restore();
  return runInteractive;
}

/** The streams Ink renders to: only ever the process's own terminal. */
function terminal(io: MainIo) {
  return { stdout: io.stdout as NodeJS.WriteStream, stdin: io.stdin as NodeJS.ReadStream };
}

async function interactive(
  io: MainIo,
  store: TuiStore,
  title: string,
  approvals?: ApprovalQueue,
  onQuit?: () => void,
): Promise<void> {
  const ui = await loadUi();
  await ui({ store, title, approvals, onQuit, ...terminal(io) });
}

// Live scripted runs: the UI follows them and asks a person about the mutation; headless, the
// events stream out as plain lines (or JSON at the end) and mutations are denied.
async function demo(io: MainIo, options: CliOptions, mode: OutputMode): Promise<number> {
  const out = safeWriter(io.stdout);
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
      ...terminal(io),
    });
    controller.abort();
    await runs;
  } else {
    let state = initialState;
    const sink = callbackSink((event) => {
      state = reduce(state, { type: 'events', events: [event] });
      if (mode === 'plain') out.write(`${plainLine(formatEvent(event), shortRunId(event.runId))}\n`);
    });
    await runDemo({
      trace: teeSink(...sinks, sink),
      approver: denyAll('no-terminal'),
      signal: controller.signal,
    });
    const runs = state.runOrder.map((id) => state.runs[id]).filter((r) => r !== undefined);
    if (mode === 'json') io.stdout.write(`${JSON.stringify({ runs: runs.map(runSummary) }, null, 2)}\n`);
    else for (const run of runs) out.write(`${runLine(run)}\n`);
  }
  for (const s of sinks) await s.close?.();
  return EXIT.ok;
}

// Tails a trace file: the UI follows every run in it; headless, lines stream out until every run
// seen has stopped.
async function follow(io: MainIo, path: string, mode: OutputMode): Promise<number> {
  if (mode === 'interactive') {
    const store = new TuiStore();
    const tail = followTraceFile(path, (events) => store.dispatch({ type: 'events', events }), {
      onWarning: (message) => store.dispatch({ type: 'warning', message }),
    });
    tail.poll();
    await interactive(io, store, `following ${path}`);
    tail.stop();
    return EXIT.ok;
  }
  const out = safeWriter(io.stdout);
  const err = safeWriter(io.stderr);
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
        for (const e of events) out.write(`${plainLine(formatEvent(e), shortRunId(e.runId))}\n`);
      }
      const runs = Object.values(state.runs);
      if (runs.length > 0 && runs.every((r) => r.status !== 'running')) finish();
    },
    { onWarning: (message) => err.write(`warning: ${message}\n`) },
  );
  tail.poll();
  await ended;
  clearInterval(keepAlive);
  tail.stop();
  if (mode === 'json') {
    const runs = state.runOrder.map((id) => state.runs[id]).filter((r) => r !== undefined);
    io.stdout.write(`${JSON.stringify({ runs: runs.map(runSummary) }, null, 2)}\n`);
  }
  return EXIT.ok;
}

/** The verdict as plain lines: the verdict and exit code, each reason, the files written. */
function verdictText(v: EvalVerdict): string {
  const lines = [verdictLine(v), ...v.reasons.map((r) => `  - ${r}`)];
  if (v.files.length > 0) lines.push(`reports: ${v.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

// The live eval: the UI fills in as runs finish, shows the gate verdict and the exit code once
// they have all ended, and exits with that code; headless, one line per finished run (or JSON).
// Either way the report files are written as `sre-eval run` writes them.
async function liveEval(io: MainIo, options: CliOptions, mode: OutputMode): Promise<number> {
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
  let selection: LiveEvalSelection | undefined;
  const started = performance.now();
  const finish = async (records: Parameters<typeof buildReport>[1]['records']): Promise<FinishedEval> => {
    const ev = await import('@sre-harness/eval');
    const scenarios = selection?.scenarios ?? [];
    const report = buildReport(ev, {
      records,
      scenarios,
      models: selection?.models ?? [],
      harnessLabels: selection?.harnessLabels ?? [],
      trials: options.trials,
      seed: options.seed,
      filters: { scenario: options.scenario, tag: options.tag, persona: options.persona },
      shard: options.shard,
      minPassRate: options.minPassRate,
    });
    return finishEval(ev, report, {
      out: options.out,
      secrets: [...new Set(scenarios.flatMap((s) => s.scenario.expect.secrets))],
      wallMs: performance.now() - started,
    });
  };
  const controller = new AbortController();
  const out = safeWriter(io.stdout);
  if (mode === 'interactive') {
    const store = new TuiStore();
    let failure: unknown;
    let finished: FinishedEval | undefined;
    let ran = 0;
    // The UI loads first, so it is on screen before the first run starts.
    const ui = await loadUi();
    const approvals = options.approve ? liveEvalApprover(options.person) : undefined;
    const running = (async () => {
      const records = await runLiveEval(flags, store, controller.signal, {
        ...(approvals ? { approvals } : {}),
        onSelection: (s) => {
          selection = s;
        },
      });
      ran = records.length;
      if (controller.signal.aborted) return;
      finished = await finish(records);
      store.dispatch({ type: 'eval_done', verdict: finished.verdict, at: Date.now() });
    })().catch((error: unknown) => {
      failure = error;
      store.dispatch({
        type: 'warning',
        message: `eval failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    });
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
      ...terminal(io),
    });
    controller.abort();
    await running;
    if (failure) throw failure;
    const done = finished as FinishedEval | undefined;
    if (!done) {
      io.stderr.write(`sre-tui: interrupted after ${ran} run(s); no report written\n`);
      return EXIT.interrupted;
    }
    // What sre-eval prints stays in the terminal after the UI is gone.
    out.write(
      `${done.consoleText}\n${done.verdict.files.length ? `\nreports: ${done.verdict.files.join(', ')}\n` : ''}`,
    );
    return done.verdict.exitCode;
  }
  if (options.approve) {
    throw new TuiError(
      'invalid_option',
      '--approve needs a terminal to ask you in; run it without --json and without a pipe',
    );
  }
  const records = await runLiveEval(flags, undefined, controller.signal, {
    onSelection: (s) => {
      selection = s;
    },
    onFinished: (outcome, done, total) => {
      if (mode === 'plain') out.write(`[${done}/${total}] ${finishedText(outcome)}\n`);
    },
  });
  const done = await finish(records);
  const rows = records.map((r) => ({
    key: r.runId,
    scenario: r.scenario,
    model: r.model,
    trial: r.trial,
    state: 'passed' as const,
    runId: r.runId,
    outcome: r,
  }));
  const board = scoreboard(rows);
  if (mode === 'json') {
    const { verdict, exitCode, reasons, files } = done.verdict;
    io.stdout.write(
      `${JSON.stringify({ scoreboard: board, runs: records, gate: { verdict, exitCode, reasons, files } }, null, 2)}\n`,
    );
  } else {
    for (const s of board) out.write(`${scoreText(s)}\n`);
    out.write(verdictText(done.verdict));
  }
  return done.verdict.exitCode;
}

function buildProgram(io: MainIo): Command {
  return new Command()
    .name('sre-tui')
    .description(
      'Watch sre-harness runs live, inspect traces and reports, approve mutations. With no --trace, --report or --demo it runs the eval live (same selection flags as pnpm eval) and writes its reports as sre-eval does.',
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
    .option(
      '--trace-dir <dir>',
      "live eval: keep every run's JSONL trace in this directory; --report: look for the runs' traces here too",
    )
    .option('--approve', "live eval: you approve or deny every mutation, instead of the scenarios' grants")
    .option(
      '--harness <[label=]module>',
      'live eval: score this harness config beside others (repeatable; `default` is the built-in harness)',
      collect,
      [],
    )
    .option(
      '--out <dir>',
      'live eval: where to write eval-report.json, eval-junit.xml and eval-summary.md',
      'reports',
    )
    .option('--no-out', 'live eval: write no report files')
    .option(
      '--min-pass-rate <rate>',
      'live eval: share of runs each agent model must pass for exit 0',
      fraction('--min-pass-rate'),
      1,
    )
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(`sre-tui: ${s.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(run with --help for usage)');
}

/** Errors that mean bad input (flags, files), not a bug: they exit 2 with their message. */
function isUsageError(error: unknown): error is Error {
  return TuiError.isInstance(error) || (error instanceof Error && error.name === 'EvaluationError');
}

async function run(argv: readonly string[], io: MainIo): Promise<number> {
  const program = buildProgram(io);
  try {
    program.parse(argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.help' ||
        e.code === 'commander.version'
        ? EXIT.ok
        : EXIT.usage;
    }
    throw e;
  }
  const parsed = optionsSchema.safeParse(program.opts());
  if (!parsed.success) {
    throw new TuiError('invalid_option', parsed.error.issues.map((i) => i.message).join('; '));
  }
  const options: CliOptions = parsed.data;
  const mode: OutputMode = decideMode({
    json: options.json,
    stdoutIsTTY: io.stdout.isTTY === true,
    stdinIsTTY: io.stdin.isTTY === true,
  });
  if (options.trace && options.follow) return follow(io, options.trace, mode);
  if (options.trace) {
    const trace = await loadTrace(options.trace);
    if (mode !== 'interactive') {
      printTrace(trace, io.stdout, io.stderr, mode === 'json');
      return EXIT.ok;
    }
    await interactive(io, new TuiStore({ initial: traceState(trace) }), `trace ${options.trace}`);
    return EXIT.ok;
  }
  if (options.report) {
    const report = await loadReport(options.report);
    if (mode !== 'interactive') {
      printReport(report, io.stdout, mode === 'json');
      return EXIT.ok;
    }
    const traces = await loadReportTraces(report, {
      reportPath: options.report,
      traceDirs: options.traceDir ? [options.traceDir] : [],
    });
    let state = reduce(reportState(report), { type: 'events', events: traces.events });
    state = reduce(state, { type: 'trace_notes', notes: traces.notes });
    for (const message of traces.warnings) state = reduce(state, { type: 'warning', message });
    await interactive(io, new TuiStore({ initial: state }), `report ${options.report}`);
    return EXIT.ok;
  }
  if (options.demo) return demo(io, options, mode);
  return liveEval(io, options, mode);
}

/**
 * The `sre-tui` command: `argv` without the node and script names. Returns the exit code: 0, or
 * the live eval's as `sre-eval run` gives it (1 gate failed, 3 infrastructure errors), 2 for bad
 * flags or unreadable files, 70 for a bug (its stack printed), 130 when quit before the runs ended.
 */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    if (isUsageError(error)) {
      io.stderr.write(`sre-tui: ${error.message}\n`);
      return EXIT.usage;
    }
    // Not bad input: a bug. Its stack says where, and the code says it is not the flags.
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    io.stderr.write(`sre-tui: unexpected error (a bug; please report it):\n${text}\n`);
    return EXIT.internal;
  }
}
