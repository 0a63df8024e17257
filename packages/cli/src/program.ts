import { Command, CommanderError } from 'commander';
import { formatVerification, verifyFile } from './verify-command.js';

/** Where the program writes; tests pass their own. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the CLI with these arguments (without node and the script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  const program = new Command('sre-harness')
    .description('Tools for sre-harness audit traces.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)');
  const trace = program.command('trace').description('Work with JSONL trace files written by the harness.');
  trace
    .command('verify')
    .description(
      'Check that trace files are intact: the hash chain (an edited, deleted or reordered line is named), ' +
        'seq continuity within each run, and that every mutation that ran had its own granted approval. ' +
        'Exit 0 when every file verifies, 1 when one does not, 2 on a usage error or unreadable file.',
    )
    .argument('<files...>', 'JSONL trace files')
    .option('--json', 'print one JSON object per file instead of text')
    .action(async (files: string[], opts: { json?: boolean }) => {
      for (const file of files) {
        try {
          const v = await verifyFile(file);
          io.out(opts.json ? JSON.stringify(v) : formatVerification(v));
          if (!v.ok) exitCode = Math.max(exitCode, 1);
        } catch (e) {
          io.err(`sre-harness: ${e instanceof Error ? e.message : String(e)}`);
          exitCode = 2;
        }
      }
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.help' ||
        e.code === 'commander.version'
        ? 0
        : 2;
    }
    io.err(`sre-harness: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  return exitCode;
}
