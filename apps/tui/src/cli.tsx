import { Command } from 'commander';
import { z } from 'zod';
import { TuiError } from './errors.js';
import { printReport, printTrace, reportState, traceState } from './headless.js';
import { loadReport, loadTrace } from './load.js';
import { decideMode, type OutputMode, withoutCiEnv } from './mode.js';
import type { TuiState } from './state.js';
import { TuiStore } from './store.js';

const optionsSchema = z
  .object({
    trace: z.string().min(1).optional(),
    report: z.string().min(1).optional(),
    json: z.boolean().default(false),
    person: z.string().min(1).optional(),
  })
  .refine((o) => !(o.trace && o.report), { message: '--trace and --report cannot be used together' });

type CliOptions = z.infer<typeof optionsSchema>;

// Ink and React load only here, and only after the CI variables are out of the way.
async function interactive(state: TuiState, title: string): Promise<void> {
  const restore = withoutCiEnv();
  const { runInteractive } = await import('./interactive.js');
  restore();
  const store = new TuiStore({ initial: state });
  await runInteractive({ store, title });
}

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command()
    .name('sre-tui')
    .description('Watch sre-harness runs live, inspect traces and reports, approve mutations.')
    .option('--trace <file>', 'open a JSONL trace written by the harness')
    .option('--report <file>', 'open a JSON report written by sre-eval')
    .option('--json', 'print JSON instead of starting the UI')
    .option('--person <name>', 'who approves mutations (default: $USER)')
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
    await interactive(traceState(trace), `trace ${options.trace}`);
    return 0;
  }
  if (options.report) {
    const report = await loadReport(options.report);
    if (mode !== 'interactive') {
      printReport(report, process.stdout, mode === 'json');
      return 0;
    }
    await interactive(reportState(report), `report ${options.report}`);
    return 0;
  }
  throw new TuiError('invalid_option', 'give --trace <file> or --report <file>');
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
