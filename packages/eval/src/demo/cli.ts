import { Command } from 'commander';
import { demoSucceeded, runDemo } from './demo.js';

/** Entry point of `pnpm demo`: parses flags, runs the two seed runs, prints as they happen. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = new Command()
    .name('pnpm demo')
    .description(
      'Reproduces the seed demo offline on a simulated cluster: a read-only triage run, then a remediation attempt whose restart is declined by the approver.',
    )
    .option('--trace-dir <dir>', 'where to write demo-*.jsonl traces', 'traces')
    .option('--quiet', 'print only the results')
    .exitOverride();
  try {
    program.parse([...argv]);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 2;
  }
  const opts = program.opts<{ traceDir: string; quiet?: boolean }>();
  const runs = await runDemo({
    traceDir: opts.traceDir,
    print: (line) => {
      if (!opts.quiet || line.startsWith('---') || line.startsWith('===')) console.log(line);
    },
  });
  const ok = demoSucceeded(runs);
  console.log('');
  console.log(
    ok ? 'demo: both runs behaved as expected' : 'demo: a run did not behave as expected (see above)',
  );
  return ok ? 0 : 1;
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
