import { callbackSink, denyAll, JsonlFileSink, type TraceSink, teeSink } from '@sre-harness/core';
import { Command } from 'commander';
import { z } from 'zod';
import { type ApprovalQueue, interactiveApprover } from './approvals.js';
import { runDemo } from './demo.js';
import { TuiError } from './errors.js';
import { formatEvent, plainLine } from './format.js';
import { printReport, printTrace, reportState, runLine, runSummary, traceState } from './headless.js';
import { loadReport, loadTrace } from './load.js';
import { decideMode, type OutputMode, withoutCiEnv } from './mode.js';
import { initialState, reduce } from './state.js';
import { TuiStore } from './store.js';

const optionsSchema = z
  .object({
    trace: z.string().min(1).optional(),
    report: z.string().min(1).optional(),
    json: z.boolean().default(false),
    person: z.string().min(1).optional(),
    demo: z.boolean().default(false),
    save: z.string().min(1).optional(),
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
  const restore = withoutCiEnv();
  const { runInteractive } = await import('./interactive.js');
  restore();
  await runInteractive({ store, title, approvals, onQuit });
}

// Live scripted runs: the UI follows them and asks a person about the mutation; headless, the
// events stream out as plain lines (or JSON at the end) and mutations are denied.
async function demo(options: CliOptions, mode: OutputMode): Promise<number> {
  const sinks: TraceSink[] = [];
  if (options.save) sinks.push(new JsonlFileSink(options.save, { fsyncOnFlush: false, unbuffered: true }));
  const controller = new AbortController();
  if (mode === 'interactive') {
    const store = new TuiStore();
    const approver = interactiveApprover(options.person ? { person: options.person } : {});
    const runs = runDemo({
      trace: teeSink(...sinks, store.sink()),
      approver,
      delayMs: 400,
      signal: controller.signal,
    });
    await interactive(store, 'demo: two scripted runs', approver.queue, () => controller.abort());
    controller.abort();
    await runs;
  } else {
    let state = initialState;
    const out = callbackSink((event) => {
      state = reduce(state, { type: 'events', events: [event] });
      if (mode === 'plain')
        process.stdout.write(`${plainLine(formatEvent(event), event.runId.slice(0, 8))}\n`);
    });
    await runDemo({
      trace: teeSink(...sinks, out),
      approver: denyAll('no-terminal'),
      signal: controller.signal,
    });
    const runs = state.runOrder.map((id) => state.runs[id]).filter((r) => r !== undefined);
    if (mode === 'json') process.stdout.write(`${JSON.stringify({ runs: runs.map(runSummary) }, null, 2)}\n`);
    else for (const run of runs) process.stdout.write(`${runLine(run)}\n`);
  }
  for (const s of sinks) await s.close?.();
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('sre-tui')
    .description('Watch sre-harness runs live, inspect traces and reports, approve mutations.')
    .option('--trace <file>', 'open a JSONL trace written by the harness')
    .option('--report <file>', 'open a JSON report written by sre-eval')
    .option('--json', 'print JSON instead of starting the UI')
    .option('--person <name>', 'who approves mutations (default: $USER)')
    .option('--demo', 'run two scripted runs live (one asks to restart a deployment)')
    .option('--save <file>', 'with --demo: also write the trace to this JSONL file')
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
    await interactive(new TuiStore({ initial: reportState(report) }), `report ${options.report}`);
    return 0;
  }
  if (options.demo) return demo(options, mode);
  throw new TuiError('invalid_option', 'give --trace <file>, --report <file> or --demo');
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
