import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedScenario, Report, RunConfig, RunRecord, Summary } from '@sre-harness/eval';
import type { EvalVerdict } from './state.js';

// The live eval ends as `sre-eval run` ends: the same report, summarized by the eval's own
// `summarize`, written by its own reporters to the same files, and the same exit code. The codes
// are `sre-eval`'s (see its --help); its constants are not exported, so they are repeated here.

/** `sre-eval`'s exit codes, which the TUI's live eval exits with too. */
export const EXIT = {
  ok: 0,
  /** A rail broke, an agent fell below --min-pass-rate on its judged runs. */
  gate: 1,
  /** Bad flags, unreadable or invalid scenario files or reports. */
  usage: 2,
  /** Nothing failed, but an infrastructure error ended a run before it could be judged. */
  error: 3,
  /** A bug: an unexpected error, printed with its stack. */
  internal: 70,
  /** Quit (q, ctrl-c) before every run ended: runs in flight are cancelled, no report is written. */
  interrupted: 130,
} as const;

type Eval = typeof import('@sre-harness/eval');

/** What was run: the selection of a live eval, as the report records it. */
export interface EvalRunSet {
  readonly records: readonly RunRecord[];
  readonly scenarios: readonly LoadedScenario[];
  readonly models: readonly { readonly id: string }[];
  readonly harnessLabels: readonly string[];
  readonly trials: number;
  readonly seed: number;
  readonly filters: { readonly scenario: string[]; readonly tag: string[]; readonly persona: string[] };
  readonly shard?: { readonly index: number; readonly total: number } | undefined;
  readonly minPassRate: number;
}

/** The JSON report of a run set, as `sre-eval run` builds it (runs in its canonical order). */
export function buildReport(ev: Eval, set: EvalRunSet, now = new Date()): Report {
  const config: RunConfig = {
    models: set.models.map((m) => m.id),
    trials: set.trials,
    seed: set.seed,
    filters: set.filters,
    judge: null,
    memory: null,
    harnesses: [...set.harnessLabels],
    minPassRate: set.minPassRate,
  };
  return {
    reportVersion: ev.REPORT_VERSION,
    tool: '@sre-harness/eval',
    ...ev.versions(),
    createdAt: now.toISOString(),
    config,
    shards: [set.shard ? { ...set.shard } : { index: 1, total: 1 }],
    scenarios: ev.reportScenarios(set.scenarios),
    runs: ev.sortRuns(set.records),
  };
}

/** The report files `sre-eval run --out <dir>` writes, with the eval's reporters. */
export function reportFiles(ev: Eval, report: Report, summary: Summary, outDir: string): [string, string][] {
  const files: [string, string][] = [
    [
      join(outDir, 'eval-report.json'),
      `${JSON.stringify({ ...report, totals: ev.reportTotals(report.runs) }, null, 2)}\n`,
    ],
    [join(outDir, 'eval-junit.xml'), ev.junitXml(report)],
    [join(outDir, 'eval-summary.md'), ev.markdownSummary(report, summary)],
  ];
  // The HTML page is written once the eval package exports its renderer (today it is internal).
  const html = (ev as { renderViewHtml?: (reports: { report: Report; source: string }[]) => string })
    .renderViewHtml;
  if (typeof html === 'function') {
    files.push([
      join(outDir, 'eval-report.html'),
      html([{ report, source: join(outDir, 'eval-report.json') }]),
    ]);
  }
  return files;
}

/** What finishing a run set came to: the eval's summary, the verdict, the files written. */
export interface FinishedEval {
  readonly report: Report;
  readonly summary: Summary;
  readonly verdict: EvalVerdict;
  /** The eval's summary block (model table, rails, counts, error causes, gate), for plain output. */
  readonly consoleText: string;
}

/**
 * Summarizes the run set and writes its report files (unless `out` is false), as `sre-eval run`
 * does: a planted secret (a scenario's expect.secrets) found in what is printed or written fails
 * the gate and is masked there. Returns the verdict and the exit code `sre-eval` would give.
 */
export function finishEval(
  ev: Eval,
  report: Report,
  options: { readonly out: string | false; readonly secrets?: readonly string[]; readonly wallMs?: number },
): FinishedEval {
  let summary = ev.summarize(report.runs, report.config.minPassRate, report.scenarios);
  const secrets = options.secrets ?? [];
  const render = (summary: Summary): [string, string][] => [
    ['console', ev.consoleSummary(report, summary, options.wallMs)],
    ...(options.out === false ? [] : reportFiles(ev, report, summary, options.out)),
  ];
  const gated = ev.gateOnPlantedSecrets(summary, secrets, render, (c) =>
    c === 'console' ? c : `report ${c}`,
  );
  summary = gated.summary;
  const checked = { texts: gated.texts };
  const files = checked.texts.filter(([channel]) => channel !== 'console');
  if (files.length > 0 && options.out !== false) {
    mkdirSync(options.out, { recursive: true });
    for (const [path, text] of files) writeFileSync(path, text);
  }
  const verdict = summary.verdict;
  return {
    report,
    summary,
    consoleText: checked.texts.find(([c]) => c === 'console')?.[1] ?? '',
    verdict: {
      verdict,
      exitCode: verdict === 'failed' ? EXIT.gate : verdict === 'error' ? EXIT.error : EXIT.ok,
      reasons: summary.gate.reasons,
      files: files.map(([path]) => path),
    },
  };
}

/** The verdict as one line: `gate: FAILED (exit 1): reason; …`. */
export function verdictLine(v: EvalVerdict): string {
  const head =
    v.verdict === 'ok'
      ? 'gate: OK'
      : v.verdict === 'error'
        ? 'gate: ERROR (infrastructure errors left runs unjudged)'
        : v.verdict === 'interrupted'
          ? 'interrupted: no report written'
          : 'gate: FAILED';
  return `${head} · exit ${v.exitCode}`;
}
