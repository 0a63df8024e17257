import { infrastructureHint } from './infra-error.js';
import { pct, type Report, type RunRecord, runOutcome, type Summary, summarize } from './report.js';

const mark = (b: boolean | null) => (b === null ? '-' : b ? 'ok' : 'FAIL');

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Lays rows out in aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The result of a scenario and model over its trials: pass, FAIL, ERROR (infrastructure), or counts. */
function resultCell(s: Summary['byScenario'][number]): string {
  if (s.errors === s.trials) return 'ERROR';
  const judged = s.trials - s.errors;
  const base = s.passes === judged ? 'pass' : s.passes === 0 ? 'FAIL' : `${s.passes}/${judged}`;
  return s.errors > 0 ? `${base} +${s.errors} ERROR` : base;
}

/** The console table: one row per scenario and model, with its scores (ERROR: infrastructure ended the run, not judged). */
export function consoleTable(
  report: Report,
  summary: Summary = summarize(report.runs, report.config.minPassRate, report.scenarios),
): string {
  const rows = summary.byScenario.map((s) => {
    const all = report.runs.filter((r) => r.scenario === s.scenario && r.model === s.model);
    // Scores of runs the infrastructure ended say nothing of the agent: only judged runs count.
    const judged = all.filter((r) => runOutcome(r) !== 'error');
    const any = (f: (r: RunRecord) => boolean | null, runs = judged) => {
      const vals = runs.map(f);
      if (vals.every((v) => v === null)) return null;
      return vals.every((v) => v !== false);
    };
    return [
      s.scenario,
      s.model,
      resultCell(s),
      mark(any((r) => r.scores.safety, all)),
      s.role === 'persona' ? '·' : mark(any((r) => r.scores.diagnosis)),
      s.role === 'persona' ? '·' : mark(any((r) => r.scores.evidence)),
      s.role === 'persona' ? '·' : mark(any((r) => r.scores.resolution)),
      String(s.avgSteps),
      String(Math.round(s.avgTokens)),
      s.trials > 1 ? `${s.passAt1}/${s.passAtK}/${s.passHatK}` : '',
    ];
  });
  return table(
    [
      'scenario',
      'model',
      'result',
      'safety',
      'diagnosis',
      'evidence',
      'resolved',
      'steps',
      'tokens',
      'p@1/p@k/p^k',
    ],
    rows,
  );
}

/** The per-model summary and what the harness stopped, for the console and Markdown. */
export function modelRows(summary: Summary): string[][] {
  return summary.byModel.map((m) => [
    m.model,
    m.role,
    `${m.passed}/${m.runs - m.errors}`,
    m.runs === m.errors ? '-' : pct(m.passRate),
    String(m.errors),
    String(m.safetyFailures),
    m.diagnosisRate === null ? '-' : pct(m.diagnosisRate),
    m.resolutionRate === null ? '-' : pct(m.resolutionRate),
    String(m.avgSteps),
    String(m.tokens),
    m.costUsd > 0 ? `$${m.costUsd.toFixed(4)}` : '-',
    String(m.stopped.unapprovedMutationsRefused),
    String(m.stopped.hallucinationsCaught),
    String(m.stopped.loopsEnded),
    String(m.stopped.invalidCallsRefused),
  ]);
}

const MODEL_HEADER = [
  'model',
  'role',
  'passed',
  'rate',
  'errors',
  'unsafe',
  'diagnosed',
  'resolved',
  'steps',
  'tokens',
  'cost',
  'refused',
  'flagged',
  'loops',
  'bad calls',
];

/** The prompt-injection figures: attack success rate per model, and which models took the bait. */
export function injectionLines(summary: Summary): string[] {
  if (summary.injection.length === 0) return [];
  const runs = Math.max(...summary.injection.map((i) => i.runs));
  const succeeded = summary.injection.filter((i) => i.succeeded > 0);
  const attempted = summary.injection.filter((i) => i.attempted > 0);
  const rates =
    succeeded.length === 0
      ? 'attack success rate 0% for every model'
      : `attack succeeded against ${succeeded.map((i) => `${i.model} in ${i.succeeded}/${i.runs} (${pct(i.successRate)})`).join(', ')}`;
  const tried =
    attempted.length === 0
      ? 'no model asked for the injected mutations'
      : `mutations asked for by ${attempted.map((i) => `${i.model} in ${i.attempted}/${i.runs}`).join(', ')}, ${succeeded.length === 0 ? 'none executed' : 'some executed'}`;
  return [`prompt injection (${runs} run(s) per model): ${rates}; ${tried}`];
}

/** One line naming every rail: held (with what it counted), broken, or not attacked by these runs. */
export function railsLine(summary: Summary): string {
  const parts = summary.rails.map((r) => {
    if (r.runs === 0 && r.notApplicable > 0) return `${r.name} not applicable (external agents)`;
    if (r.runs === 0 || r.exercised === 0) return `${r.name} not exercised`;
    if (r.failed > 0) return `${r.name} FAILED in ${r.failed} run(s)`;
    return `${r.name} ok (${r.count} ${r.unit})`;
  });
  return `rails: ${parts.join(', ')}`;
}

/** How many distinct error causes the console and Markdown list before "and K more". */
const MAX_CAUSES = 10;

/**
 * One line per distinct cause of the infrastructure errors: the code and what it means, how many runs
 * of which model it ended, the error itself. Empty when no run errored.
 */
export function errorLines(summary: Summary): string[] {
  if (summary.errors === 0) return [];
  const out = [
    `errors: ${summary.errors} run(s) ended in an infrastructure error, not the agent's fault (not judged; exit 3):`,
  ];
  for (const c of summary.errorCauses.slice(0, MAX_CAUSES))
    out.push(
      `  ERROR ${c.code} (${infrastructureHint(c.code)}) in ${c.runs} run(s) of ${c.model}: ${c.cause}`,
    );
  if (summary.errorCauses.length > MAX_CAUSES)
    out.push(`  … and ${summary.errorCauses.length - MAX_CAUSES} more cause(s) in the JSON report`);
  return out;
}

/** The runs line: passed, failed and errored counted apart. */
function countsLine(report: Report, summary: Summary): string {
  const errors = summary.errors > 0 ? `, ${summary.errors} error(s)` : '';
  return `${summary.runs} runs over ${report.scenarios.length} scenarios: ${summary.passed} passed, ${summary.failed} failed${errors}, ${summary.safetyFailures} safety failure(s)`;
}

/** The verdict line and its reasons. */
function gateLines(summary: Summary): string {
  if (summary.verdict === 'ok') return 'gate: OK (every rail held; agents met their expectations)';
  const head =
    summary.verdict === 'error'
      ? 'gate: ERROR (no judged run failed, but infrastructure errors left runs unjudged)'
      : 'gate: FAILED';
  return `${head}\n  - ${summary.gate.reasons.join('\n  - ')}`;
}

/** The summary block printed after the table. */
export function consoleSummary(report: Report, summary: Summary, wallMs?: number): string {
  const lines = [
    table(MODEL_HEADER, modelRows(summary)),
    'errors: runs an infrastructure failure ended (not judged); refused: mutations the approval gate or allowlist stopped; flagged: answers a verifier failed; loops: runs the budget ended; bad calls: unknown tools, invalid arguments or decisions',
    '',
  ];
  for (const line of injectionLines(summary)) lines.push(line);
  lines.push(railsLine(summary));
  lines.push(
    `${countsLine(report, summary)}${wallMs === undefined ? '' : ` in ${(wallMs / 1000).toFixed(2)} s`}`,
  );
  lines.push(...errorLines(summary));
  lines.push(gateLines(summary));
  return lines.join('\n');
}

function xml(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/**
 * JUnit XML: a test suite per model, a test case per scenario and trial; a failure lists what did not
 * hold; a run the infrastructure ended is an `<error>` with its code and cause.
 */
export function junitXml(report: Report): string {
  const byModel = new Map<string, RunRecord[]>();
  for (const r of report.runs) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  for (const [model, runs] of byModel) {
    const cases = runs.map((r) => {
      const name = report.config.trials > 1 ? `${r.scenario} #${r.trial}` : r.scenario;
      const failed = [...r.gates, ...(r.role === 'agent' ? r.checks : [])].filter((c) => !c.passed);
      const outcome = runOutcome(r);
      const body =
        outcome === 'pass'
          ? ''
          : outcome === 'error'
            ? `<error type="${xml(r.errorCode ?? 'error')}" message="${xml(`${r.errorCode ?? 'error'}: ${infrastructureHint(r.errorCode ?? '')}`)}">${xml(r.error ?? `run stopped: ${r.stoppedReason}`)}</error>`
            : `<failure message="${xml(failed.map((c) => c.name).join(', ') || `stopped: ${r.stoppedReason}`)}">${xml(
                failed.map((c) => `${c.name}: ${c.detail}`).join('\n') || `run stopped: ${r.stoppedReason}`,
              )}</failure>`;
      return `    <testcase classname="${xml(`${model}`)}" name="${xml(name)}" time="${(r.wallMs / 1000).toFixed(3)}">${body}</testcase>`;
    });
    const e = runs.filter((r) => runOutcome(r) === 'error').length;
    const f = runs.filter((r) => runOutcome(r) === 'fail').length;
    const t = runs.reduce((s, r) => s + r.wallMs, 0) / 1000;
    tests += runs.length;
    failures += f;
    errors += e;
    time += t;
    suites.push(
      `  <testsuite name="${xml(model)}" tests="${runs.length}" failures="${f}" errors="${e}" skipped="0" time="${t.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sre-harness eval" tests="${tests}" failures="${failures}" errors="${errors}" time="${time.toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.map(mdEscape).join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdEscape).join(' | ')} |`),
  ].join('\n');
}

/** A Markdown summary for a pull request: the gate, per-model figures, and every failing run with why. */
export function markdownSummary(
  report: Report,
  summary: Summary = summarize(report.runs, report.config.minPassRate, report.scenarios),
  comparison?: string,
): string {
  const out: string[] = [];
  const verdict = { ok: 'gate OK', failed: 'gate FAILED', error: 'gate ERROR (infrastructure)' }[
    summary.verdict
  ];
  out.push(`## sre-harness eval: ${verdict}`);
  out.push('');
  out.push(
    `${summary.runs} runs (${summary.passed} passed, ${summary.failed} failed, ${summary.errors} errors), ${report.scenarios.length} scenarios, models: ${report.config.models.join(', ')}; harness ${report.harnessVersion}, eval ${report.evalVersion}, trials ${report.config.trials}, seed ${report.config.seed}.`,
  );
  if (!summary.gate.ok) {
    out.push('');
    for (const r of summary.gate.reasons) out.push(`- ${r}`);
  }
  if (summary.errors > 0) {
    out.push('');
    out.push(`### Infrastructure errors (${summary.errors}, not judged)`);
    out.push('');
    for (const c of summary.errorCauses.slice(0, MAX_CAUSES))
      out.push(
        `- **${c.code}** (${infrastructureHint(c.code)}) in ${c.runs} run(s) of \`${c.model}\`: ${mdEscape(c.cause)}`,
      );
    if (summary.errorCauses.length > MAX_CAUSES)
      out.push(`- … and ${summary.errorCauses.length - MAX_CAUSES} more cause(s)`);
  }
  out.push('');
  out.push(mdTable(MODEL_HEADER, modelRows(summary)));
  if (summary.injection.length > 0) {
    out.push('');
    for (const line of injectionLines(summary)) out.push(`- ${line}`);
  }
  const agents = summary.byScenario.filter((s) => s.role === 'agent');
  if (agents.length > 0) {
    out.push('');
    out.push('### Agents by scenario');
    out.push('');
    out.push(
      mdTable(
        ['scenario', 'model', 'pass@1', 'pass@k', 'pass^k', 'errors', 'safety', 'avg steps', 'avg tokens'],
        agents.map((s) => [
          s.scenario,
          s.model,
          ...(s.errors === s.trials
            ? ['-', '-', '-']
            : [String(s.passAt1), String(s.passAtK), String(s.passHatK)]),
          String(s.errors),
          s.safety ? 'ok' : 'FAIL',
          String(s.avgSteps),
          String(Math.round(s.avgTokens)),
        ]),
      ),
    );
  }
  const failing = report.runs.filter((r) => runOutcome(r) === 'fail');
  if (failing.length > 0) {
    out.push('');
    out.push(`### Failing runs (${failing.length})`);
    out.push('');
    for (const r of failing.slice(0, 50)) {
      const why = [...r.gates, ...(r.role === 'agent' ? r.checks : [])]
        .filter((c) => !c.passed)
        .map((c) => `${c.name}: ${c.detail}`)
        .join('; ');
      out.push(
        `- \`${r.scenario}\` / \`${r.model}\`${report.config.trials > 1 ? ` #${r.trial}` : ''}: ${mdEscape(why || `stopped: ${r.stoppedReason}`)}`,
      );
    }
    if (failing.length > 50) out.push(`- … and ${failing.length - 50} more`);
  }
  if (comparison) {
    out.push('');
    out.push(comparison);
  }
  out.push('');
  return out.join('\n');
}
