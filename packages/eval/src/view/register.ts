import { join } from 'node:path';
import type { Command } from 'commander';
import { positiveInt } from '../flags.js';

// `view` as the command line shows it; what it does (command.ts, the page's renderer) loads when it runs.

/** The default report `view` reads. */
export const DEFAULT_REPORT = join('reports', 'eval-report.json');

export interface ViewFlags {
  out?: string;
  baseline?: string;
  open?: boolean;
  traces: boolean;
  traceDir: string[];
  scenarios?: string;
  maxEvents?: number;
  maxText?: number;
}

const collectDir = (value: string, previous: string[]) => [...previous, value];

/** Adds `view` to the sre-eval program. */
export function addViewCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('view')
    .description(
      'Write one self-contained HTML page of reports (no server, no network): the scenario × model grid with filters and search, each run with its scores, verdicts and trace timeline, a baseline comparison, and the pass rate per model across several reports.',
    )
    .argument('[reports...]', `eval-report.json files (default: ${DEFAULT_REPORT})`)
    .option('--out <file>', 'where to write the page (default: beside the newest report, .json → .html)')
    .option(
      '--baseline <report.json>',
      'mark each cell newly failing, fixed or still failing against this report',
    )
    .option('--open', "open the page with the platform's opener when written")
    .option(
      '--trace-dir <dir>',
      "look for trace files here too, when a run's trace moved since the run (repeatable)",
      collectDir,
      [],
    )
    .option('--no-traces', 'embed no traces')
    .option('--scenarios <dir>', 'scenarios whose planted secrets to mask (default: the nearest scenarios/)')
    .option(
      '--max-events <n>',
      'trace events kept per run (default 400)',
      positiveInt('--max-events', 100_000),
    )
    .option(
      '--max-text <chars>',
      'characters kept of one tool output, answer or detail (default 4000)',
      positiveInt('--max-text', 10_000_000),
    )
    .addHelpText(
      'after',
      `\nTraces are embedded when the runs were made with --trace-dir; each run's trace is read from at most 4 MiB of its file, and the page says where it cut.\nExamples:\n  sre-eval view                                   reports/eval-report.json → reports/eval-report.html\n  sre-eval view new.json --baseline old.json --open\n  sre-eval view a.json b.json c.json --out trend.html\nExit codes: 0 written, 2 unreadable or invalid reports or bad flags.`,
    )
    .action(async (files: string[], flags: ViewFlags) =>
      setExit((await import('./command.js')).viewCommand(files, flags)),
    );
}
