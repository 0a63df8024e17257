/**
 * What the command line's commands do, loaded when one runs (program.ts defines the commands and
 * their help, which load none of this).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareReports, formatComparison } from './compare.js';
import { EvaluationError } from './errors.js';
import { EXIT_ERROR, EXIT_GATE, EXIT_INTERRUPTED, EXIT_OK } from './exit-status.js';
import { shardFromEnv } from './flags.js';
import { loadHarness } from './harness-config.js';
import { createJudge } from './judge.js';
import { memoryFromSpec } from './memory-option.js';
import { DEFAULT_MODELS, resolveModels } from './models.js';
import { gateOnPlantedSecrets } from './planted.js';
import {
  mergeReports,
  REPORT_VERSION,
  type Report,
  type RunConfig,
  readReportFile,
  reportScenarios,
  reportTotals,
  runOutcome,
  type Summary,
  sortRuns,
  summarize,
  versions,
} from './report.js';
import { consoleSummary, consoleTable, junitXml, markdownSummary } from './reporters.js';
import { evalVerifiers } from './runner.js';
import { loadScenarios } from './scenario-loader.js';
import { scenarioJsonSchema } from './scenario-schema.js';
import { findScenariosDir, selectScenarios } from './selection.js';
import { renderViewHtml } from './view/html.js';

/** A report file, read and checked (see readReportFile). */
export const readReport = readReportFile;

/**
 * A report, or with `#label` the runs of one harness label as a report of their own (their models
 * without the ` [label]` suffix), so two harnesses of one run set compare like two reports.
 */
export function readLabelled(arg: string): Report {
  const hash = arg.lastIndexOf('#');
  if (hash <= 0) return readReport(arg);
  const file = arg.slice(0, hash);
  const label = arg.slice(hash + 1);
  const report = readReport(file);
  const known = [...new Set(report.runs.map((r) => r.harness ?? 'default'))];
  if (!known.includes(label)) {
    throw new EvaluationError(
      'invalid_option',
      `${file} has no runs of harness "${label}"; it has: ${known.join(', ')}`,
    );
  }
  const suffix = ` [${label}]`;
  return {
    ...report,
    runs: report.runs
      .filter((r) => (r.harness ?? 'default') === label)
      .map((r) => ({ ...r, model: r.model.endsWith(suffix) ? r.model.slice(0, -suffix.length) : r.model })),
  };
}

/** The JSON report with its totals (runs by outcome, errors apart from failures) as of now. */
function reportJson(report: Report): string {
  return `${JSON.stringify({ ...report, totals: reportTotals(report.runs) }, null, 2)}\n`;
}

/** The report files' names and contents. */
function reportFiles(
  report: Report,
  summary: Summary,
  outDir: string,
  comparison?: string,
): [string, string][] {
  return [
    [join(outDir, 'eval-report.json'), reportJson(report)],
    [join(outDir, 'eval-junit.xml'), junitXml(report)],
    [join(outDir, 'eval-summary.md'), markdownSummary(report, summary, comparison)],
    [
      join(outDir, 'eval-report.html'),
      renderViewHtml([{ report, source: join(outDir, 'eval-report.json') }]),
    ],
  ];
}

/** Prints the table, the summary, an optional comparison; returns the exit code. */
export function finish(
  report: Report,
  opts: {
    out?: string | false;
    baseline?: string;
    tolerance: number;
    costTolerance: number;
    quiet?: boolean;
    json?: boolean;
  },
  wallMs?: number,
  secrets: readonly string[] = [],
): number {
  let summary = summarize(report.runs, report.config.minPassRate, report.scenarios);
  let regressions = 0;
  let comparisonText: string | undefined;
  let comparisonMd: string | undefined;
  if (opts.baseline) {
    const base = readReport(opts.baseline);
    const cmp = compareReports(base, report, { rate: opts.tolerance, cost: opts.costTolerance });
    regressions = cmp.regressions.length;
    comparisonText = formatComparison(cmp);
    comparisonMd = formatComparison(cmp, true);
  }
  const render = (summary: Summary): [string, string][] => {
    const out: [string, string][] = [];
    if (opts.json) out.push(['stdout', reportJson(report)]);
    else {
      let text = opts.quiet ? '' : `${consoleTable(report, summary)}\n\n`;
      text += `${consoleSummary(report, summary, wallMs)}\n`;
      if (comparisonText) text += `\n${comparisonText}\n`;
      out.push(['console', text]);
    }
    if (opts.out !== false && opts.out !== undefined)
      out.push(...reportFiles(report, summary, opts.out, comparisonMd));
    return out;
  };
  const gated = gateOnPlantedSecrets(summary, secrets, render, (c) =>
    c === 'console' || c === 'stdout' ? c : `report ${c}`,
  );
  summary = gated.summary;
  const checked = { texts: gated.texts };
  const files = checked.texts.filter(([channel]) => channel !== 'console' && channel !== 'stdout');
  if (files.length > 0) {
    mkdirSync(opts.out as string, { recursive: true });
    for (const [path, text] of files) writeFileSync(path, text);
  }
  for (const [channel, text] of checked.texts)
    if (channel === 'console' || channel === 'stdout') process.stdout.write(text);
  if (!opts.json && files.length > 0)
    process.stdout.write(`\nreports: ${files.map(([p]) => p).join(', ')}\n`);
  if (summary.verdict === 'failed') return EXIT_GATE;
  if (regressions > 0) {
    process.stderr.write(`sre-eval: ${regressions} regression(s) against ${opts.baseline}\n`);
    return EXIT_GATE;
  }
  if (summary.verdict === 'error') {
    process.stderr.write(
      `sre-eval: ${summary.errors} run(s) ended in an infrastructure error (${[...new Set(summary.errorCauses.map((c) => c.code))].join(', ')}); see the causes above\n`,
    );
    return EXIT_ERROR;
  }
  return EXIT_OK;
}

export interface RunFlags {
  scenarios?: string;
  scenario: string[];
  tag: string[];
  model: string[];
  persona: string[];
  agent: string[];
  agentLabel: string[];
  trials: number;
  seed: number;
  concurrency: number;
  runTimeout?: number;
  harness: string[];
  shard?: { index: number; total: number };
  traceDir?: string;
  out: string | false;
  baseline?: string;
  tolerance: number;
  costTolerance: number;
  judge?: string;
  memory?: string;
  minPassRate: number;
  json?: boolean;
  quiet?: boolean;
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const started = performance.now();
  // --shard, else the shard of a Kubernetes Indexed Job pod (docs/sharding.md).
  let shard: RunFlags['shard'];
  try {
    shard = flags.shard ?? shardFromEnv(process.env);
  } catch (e) {
    throw new EvaluationError('invalid_option', (e as Error).message);
  }
  const dir = findScenariosDir(flags.scenarios);
  const scenarios = selectScenarios(loadScenarios([dir]), flags.scenario, flags.tag);
  // External agents serve worlds: that code loads only when something runs, as the environment's.
  const { externalAgents, runEvalWithAgents } = await import('./external-agent.js');
  let agents: ReturnType<typeof externalAgents>;
  try {
    agents = externalAgents(flags.agent, flags.agentLabel);
  } catch (e) {
    throw new EvaluationError('invalid_option', (e as Error).message);
  }
  // --agent alone runs only the agents; with --model or --persona, those too.
  const modelSpecs =
    flags.model.length > 0
      ? flags.model
      : agents.length > 0 && flags.persona.length === 0
        ? []
        : [...DEFAULT_MODELS];
  const models = await resolveModels(modelSpecs, { personas: flags.persona });
  if (models.length === 0 && agents.length === 0)
    throw new EvaluationError('invalid_option', '--persona/--model: nothing left to run');
  const harnesses = [];
  for (const spec of flags.harness) harnesses.push(await loadHarness(spec));
  const labels = harnesses.map((h) => h.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined)
    throw new EvaluationError(
      'invalid_option',
      `--harness: the label "${dup}" is used twice; write --harness <label>=<module>`,
    );
  // The cluster and tools load only when something runs, so --help and merge stay quick.
  const { simEnvironment } = await import('./environment.js');
  const judge = flags.judge ? await createJudge(flags.judge) : undefined;
  const memory = flags.memory ? memoryFromSpec(flags.memory) : undefined;
  const tty = process.stderr.isTTY === true && !process.env['CI'] && !flags.json;
  let last = 0;
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted'));
  process.once('SIGINT', onSigint);
  const runs = await runEvalWithAgents({
    agents,
    signal: interrupt.signal,
    scenarios,
    models,
    environment: simEnvironment,
    trials: flags.trials,
    seed: flags.seed,
    concurrency: flags.concurrency,
    ...(flags.runTimeout ? { runTimeoutMs: flags.runTimeout } : {}),
    ...(harnesses.length > 0 ? { harnesses } : {}),
    ...(shard ? { shard } : {}),
    ...(flags.traceDir ? { traceDir: resolve(flags.traceDir) } : {}),
    ...(judge ? { judge } : {}),
    ...(memory ? { memory } : {}),
    verifiers: evalVerifiers,
    // With --concurrency above 1 the runs go to worker threads, one per core (a judge or harness
    // configs keep them in this thread): the same report, in the same order.
    pool: {
      models: modelSpecs,
      ...(flags.persona.length > 0 ? { personas: flags.persona } : {}),
      ...(flags.memory ? { memory: flags.memory } : {}),
    },
    onProgress: ({ done, total, run }) => {
      const status = { pass: 'ok  ', fail: 'FAIL', error: 'ERR ' }[runOutcome(run)];
      if (tty) {
        const now = performance.now();
        if (now - last > 50 || done === total) {
          last = now;
          const line = `[${done}/${total}] ${status} ${run.scenario} · ${run.model}`;
          process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 100) - 1)}`);
          if (done === total) process.stderr.write('\r\x1b[2K');
        }
      } else if (!flags.json && !flags.quiet) {
        process.stderr.write(
          `[${done}/${total}] ${status} ${run.scenario} · ${run.model} (${run.steps} steps)\n`,
        );
      }
    },
  });
  process.off('SIGINT', onSigint);
  if (interrupt.signal.aborted) {
    if (tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`sre-eval: interrupted after ${runs.length} run(s); no report written\n`);
    return EXIT_INTERRUPTED;
  }
  const config: RunConfig = {
    models: [...models.map((m) => m.id), ...agents.map((a) => a.id)],
    trials: flags.trials,
    seed: flags.seed,
    filters: { scenario: flags.scenario, tag: flags.tag, persona: flags.persona },
    judge: flags.judge ?? null,
    memory: flags.memory ?? null,
    harnesses: labels,
    minPassRate: flags.minPassRate,
  };
  const report: Report = {
    reportVersion: REPORT_VERSION,
    tool: '@sre-harness/eval',
    ...versions(),
    createdAt: new Date().toISOString(),
    config,
    shards: [shard ?? { index: 1, total: 1 }],
    scenarios: reportScenarios(scenarios),
    runs: sortRuns(runs),
  };
  const secrets = [...new Set(scenarios.flatMap((s) => s.scenario.expect.secrets))];
  return finish(report, flags, performance.now() - started, secrets);
}

/** The flags of `merge`, as commander parses them. */
export interface MergeFlags {
  out: string | false;
  baseline?: string;
  tolerance: number;
  costTolerance: number;
  quiet?: boolean;
}

/** `merge`: joins the shards' reports, prints and writes the report files. */
export function mergeCommand(files: string[], flags: MergeFlags): number {
  const merged = mergeReports(files.map((f) => ({ report: readReport(f), source: f })));
  return finish(merged, flags);
}

/** `compare`: prints the comparison; 1 when something regressed. */
export function compareCommand(
  baseline: string,
  current: string,
  flags: { tolerance: number; costTolerance: number },
): number {
  const cmp = compareReports(readLabelled(baseline), readLabelled(current), {
    rate: flags.tolerance,
    cost: flags.costTolerance,
  });
  process.stdout.write(`${formatComparison(cmp)}\n`);
  return cmp.regressions.length > 0 ? EXIT_GATE : EXIT_OK;
}

/** `validate`: checks the files (throws with every problem). */
export function validateCommand(paths: string[]): number {
  const loaded = loadScenarios(paths.length > 0 ? paths : [findScenariosDir(undefined)]);
  process.stdout.write(`${loaded.length} scenario(s) valid\n`);
  return EXIT_OK;
}

/** `list`: the scenarios with their tags and difficulty. */
export function listCommand(flags: { scenarios?: string }): number {
  for (const s of loadScenarios([findScenariosDir(flags.scenarios)])) {
    process.stdout.write(
      `${s.scenario.id.padEnd(34)} ${s.scenario.difficulty.padEnd(7)} ${s.scenario.tags.join(',')}\n`,
    );
  }
  return EXIT_OK;
}

/** `schema`: the scenario files' JSON Schema, printed or written. */
export function schemaCommand(flags: { out?: string }): number {
  const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
  return EXIT_OK;
}
