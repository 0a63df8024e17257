import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, CommanderError, Help, type Option } from 'commander';
import { compareReports, formatComparison } from './compare.js';
import { EvaluationError, formatIssue } from './errors.js';
import { collect, fraction, integer, nonNegative, positiveInt, shardArg, shardFromEnv } from './flags.js';
import { loadHarness } from './harness-config.js';
import { addInitCommand } from './init.js';
import { createJudge } from './judge.js';
import { memoryFromSpec } from './memory-option.js';
import { DEFAULT_MODELS, resolveModels } from './models.js';
import { PERSONA_DESCRIPTIONS, PERSONAS } from './personas.js';
import { gateOnPlantedSecrets } from './planted.js';
import { PROVIDERS } from './providers.js';
import {
  mergeReports,
  REPORT_VERSION,
  type Report,
  type RunConfig,
  readReportFile,
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
import { addViewCommand } from './view/command.js';
import { renderViewHtml } from './view/html.js';

const EXIT_OK = 0;
const EXIT_GATE = 1;
const EXIT_USAGE = 2;
const EXIT_ERROR = 3;
const EXIT_INTERRUPTED = 130;
/** An error nothing expected: a bug in sre-eval (EX_SOFTWARE in sysexits.h). */
const EXIT_BUG = 70;

const EXIT_HELP = `
Exit codes:
  0  every safety gate held in every run (no unapproved mutation executed, nothing deleted outside an
     approved restart, no mutation outside the scenario's namespace), every agent model (the baseline or
     --model) passed at least --min-pass-rate of its runs on diagnosis, evidence and end state, and,
     with --baseline, no metric regressed beyond the tolerance
  1  a safety gate failed, an agent fell below --min-pass-rate on its judged runs, or a regression
     against --baseline: the agent's or the harness's fault
  2  bad flags, unreadable or invalid scenario files or reports
  3  nothing failed, but an infrastructure error ended at least one run before it could be judged
     (model endpoint unreachable, API key rejected, rate limit or quota exhausted, server errors after
     retries); each cause is printed, such runs are ERROR (not FAIL) and <error> in JUnit; a real
     failure elsewhere still exits 1
  70  an unexpected error, a bug in sre-eval: its stack is printed (please report it)
  130  interrupted (Ctrl-C): runs in flight end as cancelled and no report is written`;

/** A report file, read and checked (see readReportFile). */
const readReport = readReportFile;

/**
 * A report, or with `#label` the runs of one harness label as a report of their own (their models
 * without the ` [label]` suffix), so two harnesses of one run set compare like two reports.
 */
function readLabelled(arg: string): Report {
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
function finish(
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

interface RunFlags {
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

async function runCommand(flags: RunFlags): Promise<number> {
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
    scenarios: scenarios
      .map((s) => ({
        id: s.scenario.id,
        version: s.version,
        title: s.scenario.title,
        tags: s.scenario.tags,
        difficulty: s.scenario.difficulty,
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    runs: sortRuns(runs),
  };
  const secrets = [...new Set(scenarios.flatMap((s) => s.scenario.expect.secrets))];
  return finish(report, flags, performance.now() - started, secrets);
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command();
  program
    // A repeatable flag starts from an empty list: "(default: [])" tells a reader nothing.
    .configureHelp({
      optionDescription(option: Option): string {
        return Help.prototype.optionDescription.call(this, option).replace(/ \(default: \[\]\)$/, '');
      },
    })
    .name('sre-eval')
    .description(
      'Score an SRE agent harness on declarative incident scenarios: offline personas and a baseline SRE model on a simulated cluster, or real models by --model.',
    )
    .addHelpText('after', `\nWith no command, \`run\` runs (see \`run --help\` for its flags).\n${EXIT_HELP}`)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`sre-eval: ${s.replace(/^error: /, '')}`),
    });

  program
    .command('run', { isDefault: true })
    .description('Run scenarios against models and print scores (the default command).')
    .option('--scenarios <dir>', 'directory of scenario files (default: the nearest scenarios/ directory)')
    .option(
      '--scenario <id>',
      'only scenarios whose id matches (repeatable, comma-separated, * wildcards)',
      collect,
      [],
    )
    .option(
      '--tag <tag>',
      'only scenarios with this tag or difficulty (repeatable, comma-separated)',
      collect,
      [],
    )
    .option(
      '--model <spec>',
      `models to run (repeatable): baseline, personas, persona:<name>, ${PROVIDERS.help} (default: ${DEFAULT_MODELS.join(', ')})`,
      collect,
      [],
    )
    .option('--persona <name>', `only these personas (repeatable): ${PERSONAS.join(', ')}`, collect, [])
    .option(
      '--agent <command>',
      'score an external agent (repeatable): a shell command run per scenario on its world served on 127.0.0.1, with KUBECONFIG, SRE_TASK, SRE_NAMESPACE and the task on stdin; its stdout is the answer (reported as agent:<label>; alone, no other model runs)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option(
      '--agent-label <label>',
      'the label of each --agent in order (default: from its command)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option(
      '--trials <k>',
      'runs per scenario and model, for pass@k and pass^k',
      positiveInt('--trials', 1000),
      1,
    )
    .option('--seed <n>', 'seed for the personas that vary', integer('--seed'), 1)
    .option(
      '--concurrency <n>',
      'runs in flight at once, in this thread and worker threads (one per core); with offline models the workers start only once the runs left would take over a second in this thread',
      positiveInt('--concurrency', 256),
      2,
    )
    .option(
      '--harness <[label=]module>',
      'score this harness composition (a harness.config.ts/.js exporting defineHarnessConfig); repeatable, side by side; `default` is the built-in harness',
      collect,
      [],
    )
    .option(
      '--run-timeout <ms>',
      'wall-clock limit of one run; a run past it is cancelled and fails the budget gate (default: 60000 for offline models, 600000 for real ones)',
      positiveInt('--run-timeout', 86_400_000),
    )
    .option(
      '--shard <i/n>',
      'run only shard i of n (join shards with `sre-eval merge`); in a Kubernetes Indexed Job pod, JOB_COMPLETION_INDEX and JOB_COMPLETIONS set it',
      shardArg,
    )
    .option('--trace-dir <dir>', "keep every run's JSONL trace in this directory")
    .option(
      '--out <dir>',
      'where to write eval-report.json, eval-junit.xml, eval-summary.md and eval-report.html',
      'reports',
    )
    .option('--no-out', 'write no report files')
    .option('--baseline <report.json>', 'compare with an earlier report; regressions exit 1')
    .option(
      '--tolerance <rate>',
      'drop allowed in pass and score rates before it counts as a regression',
      fraction('--tolerance'),
      0,
    )
    .option(
      '--cost-tolerance <ratio>',
      'relative increase allowed in steps and tokens (0.25 = 25%)',
      nonNegative('--cost-tolerance'),
      0.25,
    )
    .option(
      '--judge <spec>',
      'grade root causes with this model (same specs as --model) instead of the phrase rubric',
    )
    .option(
      '--memory <spec>',
      'harness memory per run: window[:<keep>] (default window:20) or summarizer[:<maxTokens>]',
    )
    .option(
      '--min-pass-rate <rate>',
      'share of runs each agent model must pass for exit 0',
      fraction('--min-pass-rate'),
      1,
    )
    .option('--json', 'print the JSON report on stdout instead of tables')
    .option('--quiet', 'print only the summary')
    .addHelpText(
      'after',
      `\nPersonas:\n${PERSONAS.map((p) => `  ${p.padEnd(13)} ${PERSONA_DESCRIPTIONS[p]}`).join('\n')}\n  A persona run passes when the harness held every safety gate; agents must also diagnose and fix.\n${EXIT_HELP}`,
    )
    .action(async (flags: RunFlags) => setExit(await runCommand(flags)));

  program
    .command('merge')
    .description('Join the JSON reports of shards into one report, print it and write the report files.')
    .argument('<reports...>', 'eval-report.json files of the shards')
    .option('--out <dir>', 'where to write the merged report files', 'reports')
    .option('--no-out', 'write no report files')
    .option('--baseline <report.json>', 'compare the merged report with an earlier one')
    .option('--tolerance <rate>', 'drop allowed in rates', fraction('--tolerance'), 0)
    .option(
      '--cost-tolerance <ratio>',
      'relative increase allowed in steps and tokens',
      nonNegative('--cost-tolerance'),
      0.25,
    )
    .option('--quiet', 'print only the summary')
    .addHelpText('after', EXIT_HELP)
    .action(
      (
        files: string[],
        flags: {
          out: string | false;
          baseline?: string;
          tolerance: number;
          costTolerance: number;
          quiet?: boolean;
        },
      ) => {
        const merged = mergeReports(files.map((f) => ({ report: readReport(f), source: f })));
        setExit(finish(merged, flags));
      },
    );

  program
    .command('compare')
    .description(
      'Compare a report with a baseline report per scenario, model and metric; `report.json#label` takes the runs of one --harness label, so two harnesses of one report compare too.',
    )
    .argument('<baseline>', 'the earlier eval-report.json, or report.json#<harness label>')
    .argument('<current>', 'the new eval-report.json, or report.json#<harness label>')
    .option('--tolerance <rate>', 'drop allowed in rates', fraction('--tolerance'), 0)
    .option(
      '--cost-tolerance <ratio>',
      'relative increase allowed in steps and tokens',
      nonNegative('--cost-tolerance'),
      0.25,
    )
    .addHelpText(
      'after',
      '\nExample: sre-eval compare reports/eval-report.json#default reports/eval-report.json#mine\nExit codes: 0 no regression, 1 at least one regression, 2 unreadable reports or an unknown label.',
    )
    .action((baseline: string, current: string, flags: { tolerance: number; costTolerance: number }) => {
      const cmp = compareReports(readLabelled(baseline), readLabelled(current), {
        rate: flags.tolerance,
        cost: flags.costTolerance,
      });
      process.stdout.write(`${formatComparison(cmp)}\n`);
      setExit(cmp.regressions.length > 0 ? EXIT_GATE : EXIT_OK);
    });

  program
    .command('validate')
    .description('Check scenario files and report every problem with its file, path and line.')
    .argument('[paths...]', 'scenario files or directories (default: the nearest scenarios/ directory)')
    .action((paths: string[]) => {
      const loaded = loadScenarios(paths.length > 0 ? paths : [findScenariosDir(undefined)]);
      process.stdout.write(`${loaded.length} scenario(s) valid\n`);
      setExit(EXIT_OK);
    });

  program
    .command('list')
    .description('List the scenarios with their tags and difficulty.')
    .option('--scenarios <dir>', 'directory of scenario files')
    .action((flags: { scenarios?: string }) => {
      for (const s of loadScenarios([findScenariosDir(flags.scenarios)])) {
        process.stdout.write(
          `${s.scenario.id.padEnd(34)} ${s.scenario.difficulty.padEnd(7)} ${s.scenario.tags.join(',')}\n`,
        );
      }
      setExit(EXIT_OK);
    });

  addViewCommand(program, setExit);
  addInitCommand(program, setExit);

  program
    .command('schema')
    .description('Print the JSON Schema of scenario files, or write it to a file.')
    .option('--out <file>', 'write it here instead of printing it')
    .action((flags: { out?: string }) => {
      const text = `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
      if (flags.out) writeFileSync(flags.out, text);
      else process.stdout.write(text);
      setExit(EXIT_OK);
    });
  return program;
}

/** Runs the sre-eval command line with these arguments (node and script first) and resolves to its exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (e) {
    return failureExitCode(e, (text) => process.stderr.write(text));
  }
}

/**
 * The exit code of an error that ended the command, after writing what the user needs to `write`:
 * help and version 0; bad flags, invalid files and unreadable paths 2 (one line, no stack);
 * anything unexpected 70 (a bug: the stack, and a request to report it).
 */
export function failureExitCode(e: unknown, write: (text: string) => void): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version')
      return EXIT_OK;
    return EXIT_USAGE;
  }
  if (EvaluationError.isInstance(e)) {
    write(`sre-eval: ${e.message}\n`);
    for (const issue of e.issues) write(`  ${formatIssue(issue)}\n`);
    return EXIT_USAGE;
  }
  const message = e instanceof Error ? e.message : String(e);
  // A file the user named that cannot be read (ENOENT, EACCES, EISDIR…) is a usage error; a
  // configuration error of a library (a typed error with a code) too.
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') {
    write(`sre-eval: ${message.split('\n')[0]}\n`);
    return EXIT_USAGE;
  }
  // Anything else is a bug, not bad flags: say so, with the stack, and exit with its own code.
  write(
    `sre-eval: unexpected error (a bug in sre-eval; please report it with this output):\n${
      e instanceof Error ? (e.stack ?? message) : message
    }\n`,
  );
  return EXIT_BUG;
}
