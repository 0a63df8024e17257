import { Command, CommanderError, Help, type Option } from 'commander';
import type { MergeFlags, RunFlags } from './commands.js';
import { EvaluationError, formatIssue } from './errors.js';
import { EXIT_BUG, EXIT_OK, EXIT_USAGE } from './exit-status.js';
import { collect, fraction, integer, nonNegative, positiveInt, shardArg } from './flags.js';
import { addInitCommand } from './init-command.js';
import { DEFAULT_MODELS, PERSONA_DESCRIPTIONS, PERSONAS } from './persona-list.js';
import { PROVIDERS } from './providers.js';
import { addViewCommand } from './view/register.js';

// What the commands do loads when one runs (commands.ts): the help, and a command's flags, need none of it.
const commands = () => import('./commands.js');

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
    .action(async (flags: RunFlags) => setExit(await (await commands()).runCommand(flags)));

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
    .action(async (files: string[], flags: MergeFlags) =>
      setExit((await commands()).mergeCommand(files, flags)),
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
    .action(async (baseline: string, current: string, flags: { tolerance: number; costTolerance: number }) =>
      setExit((await commands()).compareCommand(baseline, current, flags)),
    );

  program
    .command('validate')
    .description('Check scenario files and report every problem with its file, path and line.')
    .argument('[paths...]', 'scenario files or directories (default: the nearest scenarios/ directory)')
    .action(async (paths: string[]) => setExit((await commands()).validateCommand(paths)));

  program
    .command('list')
    .description('List the scenarios with their tags and difficulty.')
    .option('--scenarios <dir>', 'directory of scenario files')
    .action(async (flags: { scenarios?: string }) => setExit((await commands()).listCommand(flags)));

  addViewCommand(program, setExit);
  addInitCommand(program, setExit);

  program
    .command('schema')
    .description('Print the JSON Schema of scenario files, or write it to a file.')
    .option('--out <file>', 'write it here instead of printing it')
    .action(async (flags: { out?: string }) => setExit((await commands()).schemaCommand(flags)));
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
