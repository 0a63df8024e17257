import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EvaluationError } from '../errors.js';
import { type Report, readReportFile } from '../report.js';
import { loadScenarios } from '../scenario-loader.js';
import { findScenariosDir } from '../selection.js';
import type { ViewInput } from './data.js';
import { renderViewHtml } from './html.js';
import { DEFAULT_REPORT, type ViewFlags } from './register.js';

export { addViewCommand } from './register.js';

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
