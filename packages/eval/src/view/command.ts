import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { EvaluationError } from '../errors.js';
import { positiveInt } from '../flags.js';
import { type Report, readReportFile } from '../report.js';
import { loadScenarios } from '../scenario-loader.js';
import { findScenariosDir } from '../selection.js';
import type { ViewInput } from './data.js';
import { renderViewHtml } from './html.js';

/** The default report `view` reads. */
const DEFAULT_REPORT = join('reports', 'eval-report.json');

interface ViewFlags {
  out?: string;
  baseline?: string;
  open?: boolean;
  traces: boolean;
  traceDir: string[];
  scenarios?: string;
  maxEvents?: number;
  maxText?: number;
}

/** The HTML file beside a report: `eval-report.json` → `eval-report.html`. */
export function htmlPathFor(reportFile: string): string {
  return reportFile.replace(/\.json$/i, '') + '.html';
}

/**
 * The planted secrets of the scenarios these reports ran, from the scenarios directory (--scenarios
 * or the nearest scenarios/), so the page masks them as the CLI masks its own output. Best effort:
 * without a readable directory the page still carries the core redactor's masking.
 */
function plantedSecrets(reports: readonly Report[], dir: string | undefined): string[] {
  const ids = new Set(reports.flatMap((r) => r.runs.map((x) => x.scenario)));
  try {
    const loaded = loadScenarios([findScenariosDir(dir)]);
    return [
      ...new Set(loaded.filter((s) => ids.has(s.scenario.id)).flatMap((s) => s.scenario.expect.secrets)),
    ];
  } catch (e) {
    if (dir) throw e;
    return [];
  }
}

/** Opens a file with the platform's opener (open, xdg-open, start); says so when it cannot. */
export function openFile(file: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [file]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', file]]
        : ['xdg-open', [file]];
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', (e) =>
      process.stderr.write(`sre-eval: could not open ${file} with ${cmd} (${e.message}); open it yourself\n`),
    );
    child.unref();
  } catch (e) {
    process.stderr.write(
      `sre-eval: could not open ${file} with ${cmd} (${(e as Error).message}); open it yourself\n`,
    );
  }
}

/** Writes the viewer page of these reports; returns the exit code. */
export function viewCommand(files: readonly string[], flags: ViewFlags): number {
  const sources = files.length > 0 ? [...files] : [DEFAULT_REPORT];
  const inputs: ViewInput[] = sources.map((source) => ({ report: readReportFile(source), source }));
  const baseline = flags.baseline
    ? { report: readReportFile(flags.baseline), source: flags.baseline }
    : undefined;
  const newest = inputs.reduce((a, b) =>
    Date.parse(b.report.createdAt) > Date.parse(a.report.createdAt) ? b : a,
  );
  const out = resolve(flags.out ?? htmlPathFor(newest.source));
  const inputsAt = [...sources, ...(flags.baseline ? [flags.baseline] : [])].map((f) => resolve(f));
  if (inputsAt.includes(out))
    throw new EvaluationError('invalid_option', `--out ${out} is one of the reports read; name another file`);
  if (existsSync(out) && statSync(out).isDirectory())
    throw new EvaluationError('invalid_option', `--out ${out} is a directory; name the HTML file`);
  const secrets = plantedSecrets(
    [...inputs.map((i) => i.report), ...(baseline ? [baseline.report] : [])],
    flags.scenarios,
  );
  const html = renderViewHtml(inputs, {
    ...(baseline ? { baseline } : {}),
    secrets,
    traces: flags.traces,
    traceDirs: flags.traceDir.map((d) => resolve(d)),
    limits: {
      ...(flags.maxEvents ? { maxEvents: flags.maxEvents } : {}),
      ...(flags.maxText ? { maxText: flags.maxText } : {}),
    },
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  const runs = inputs.reduce((s, i) => s + i.report.runs.length, 0);
  process.stdout.write(
    `view: ${out} (${inputs.length} report(s), ${runs} run(s), ${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)\n`,
  );
  if (flags.open) openFile(out);
  return 0;
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
    .action((files: string[], flags: ViewFlags) => setExit(viewCommand(files, flags)));
}
