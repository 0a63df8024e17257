import type { Model } from '@sre-harness/core';
import { Command } from 'commander';
import { createModelFromSpec } from '../model-spec.js';
import { type DemoRun, demoSucceeded, runDemo } from './demo.js';

/** Entry point of `pnpm demo`: parses flags, runs the two seed runs, prints as they happen. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = new Command()
    .name('pnpm demo')
    .description(
      'Reproduces the seed demo offline on a simulated cluster: a read-only triage run, then a remediation attempt whose restart is declined by the approver.',
    )
    .option('--trace-dir <dir>', 'where to write demo-*.jsonl traces', 'traces')
    .option('--quiet', 'print only the results')
    .option(
      '--model <spec>',
      'run both runs with this model instead of the seed personas: anthropic:<model>, openai:<model>, openai-compatible:<model>@<baseURL> or replay:<trace.jsonl>[#runId]',
    )
    .exitOverride();
  try {
    program.parse([...argv]);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 2;
  }
  const opts = program.opts<{ traceDir: string; quiet?: boolean; model?: string }>();
  let models: Record<'triage' | 'remediation', Model> | undefined;
  if (opts.model) {
    try {
      models = {
        triage: await createModelFromSpec(opts.model),
        remediation: await createModelFromSpec(opts.model),
      };
    } catch (error) {
      console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
  }
  const runs = await runDemo({
    traceDir: opts.traceDir,
    ...(models ? { models } : {}),
    print: (line) => {
      if (!opts.quiet || line.startsWith('---') || line.startsWith('===')) console.log(line);
    },
  });
  // The seed personas must show what the demo is about; another model only has to end its runs
  // without a model failure and without a mutation that was not approved.
  const ok = models ? runs.every(heldUp) : demoSucceeded(runs);
  console.log('');
  console.log(
    ok
      ? models
        ? `demo: both runs with ${opts.model} ended safely`
        : 'demo: both runs behaved as expected'
      : 'demo: a run did not behave as expected (see above)',
  );
  return ok ? 0 : 1;
}

function heldUp(run: DemoRun): boolean {
  return (
    run.result.stoppedReason !== 'model_error' &&
    run.result.verifications.every((v) => v.name !== 'no_unapproved_mutation' || v.passed)
  );
}

const invokedDirectly = process.argv[1] !== undefined && /demo[\\/]cli\.[cm]?[jt]s$/.test(process.argv[1]);
if (invokedDirectly) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
