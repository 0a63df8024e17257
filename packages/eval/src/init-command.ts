import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';

// `init` as the command line shows it; what it writes (init.ts) loads when it runs.

/** The example scenarios `init` writes: copies of two of the repository's own (a test keeps them equal). */
export const EXAMPLE_SCENARIOS = ['oom-crashloop.yaml', 'healthy-namespace.yaml'] as const;

/** Registers `sre-eval init [dir]`. */
export function addInitCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('init')
    .description(
      'Write a scenarios/ folder to start from: two example scenarios, the scenario JSON Schema and a README on how to run them.',
    )
    .argument('[dir]', 'where to create scenarios/', '.')
    .option('--force', 'overwrite files init wrote before (or files of the same names)')
    .addHelpText(
      'after',
      `\nWrites scenarios/${EXAMPLE_SCENARIOS.join(', scenarios/')}, scenarios/scenario.schema.json and scenarios/README.md.\nExisting files are never overwritten without --force (exit 2, nothing written).\n\nThen: cd <dir> && sre-eval validate && sre-eval run --model baseline\n`,
    )
    .action(async (dir: string, flags: { force?: boolean }) => {
      const { initScenarios } = await import('./init.js');
      const written = initScenarios(dir, flags);
      const shown = written.map((p) => relative(process.cwd(), p) || p);
      process.stdout.write(`wrote ${shown.join(', ')}\n`);
      const scenariosDir = relative(process.cwd(), join(resolve(dir), 'scenarios')) || 'scenarios';
      process.stdout.write(
        `next: sre-eval validate ${scenariosDir} && sre-eval run --scenarios ${scenariosDir} --model baseline\n`,
      );
      setExit(0);
    });
}
