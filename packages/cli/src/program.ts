import { Command, CommanderError } from 'commander';
import { writeKeyPair } from './keygen-command.js';
import { addSimCommand } from './sim-command.js';
import {
  expandPaths,
  formatVerification,
  groupTraces,
  missingFromAnchor,
  readAnchor,
  readPublicKey,
  UsageError,
  type VerifyCommandOptions,
  verifyFile,
} from './verify-command.js';

/** Where the program writes; tests pass their own. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the CLI with these arguments (without node and the script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let exitCode = 0;
  const program = new Command('sre-harness')
    .description('Tools for sre-harness audit traces and simulated worlds.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .showHelpAfterError('(run with --help for usage)');
  const trace = program.command('trace').description('Work with JSONL trace files written by the harness.');
  trace
    .command('verify')
    .description(
      'Check that trace files are intact: the hash chain (an edited, deleted or reordered line is named), ' +
        'seq continuity within each run, every event against the trace schema, and that every mutation that ran ' +
        'had its own granted approval. The chain alone proves self-consistency only: whoever can write the file ' +
        'can rewrite it and recompute every hash. With --key, every checkpoint must carry a valid signature of ' +
        'the writer (JsonlFileSink signingKey) and no run may stop after the last one ("unsigned tail"); with ' +
        '--anchor, the files must agree with the checkpoint heads published there, so a file cut short or ' +
        'rewritten fails. Files are read as streams, so size is no limit. A directory stands for its *.jsonl ' +
        'files; a file rotated by maxFileBytes is checked as the continuation of the file before it. ' +
        'Runs without a stop event are reported as incomplete.\n\n' +
        'Exit 0 when every file verifies, 1 when one does not, 2 on a usage error or unreadable file.',
    )
    .argument('<paths...>', 'JSONL trace files or directories of them, in order')
    .option('--key <public.pem>', "the writer's Ed25519 public key (see `trace keygen`)")
    .option('--anchor <file>', 'the anchor file the writer published checkpoint heads to')
    .option('--require-complete', 'fail (exit 1) when a run has no stop event')
    .option('--json', 'print one JSON object per trace instead of text')
    .action(
      async (
        paths: string[],
        opts: { json?: boolean; key?: string; anchor?: string; requireComplete?: boolean },
      ) => {
        const options: VerifyCommandOptions = {
          ...(opts.key !== undefined ? { publicKey: await readPublicKey(opts.key) } : {}),
          ...(opts.anchor !== undefined ? { anchor: await readAnchor(opts.anchor) } : {}),
        };
        let groups: string[][];
        try {
          groups = await groupTraces(await expandPaths(paths));
        } catch (e) {
          io.err(`sre-harness: ${e instanceof Error ? e.message : String(e)}`);
          exitCode = 2;
          return;
        }
        for (const files of groups) {
          try {
            const v = await verifyFile(files, options);
            const incomplete = opts.requireComplete === true && v.incompleteRuns.length > 0;
            const shown = incomplete
              ? {
                  ...v,
                  ok: false,
                  problems: [
                    ...v.problems,
                    ...v.incompleteRuns.map((runId) => ({
                      line: 1,
                      message: `run ${runId} is incomplete (no stop event) and --require-complete was given`,
                    })),
                  ],
                }
              : v;
            io.out(opts.json ? JSON.stringify(shown) : formatVerification(shown, options));
            if (!shown.ok) exitCode = Math.max(exitCode, 1);
          } catch (e) {
            io.err(`sre-harness: ${e instanceof Error ? e.message : String(e)}`);
            exitCode = 2;
          }
        }
        if (options.anchor) {
          for (const file of missingFromAnchor(options.anchor, groups.flat())) {
            io.out(
              `FAIL ${file}: the anchor records checkpoints of this file, which was not given: a file was deleted`,
            );
            exitCode = Math.max(exitCode, 1);
          }
        }
      },
    );
  trace
    .command('keygen')
    .description(
      'Write a new Ed25519 key pair (PEM) for signed traces: give the private key to JsonlFileSink ' +
        '({ signingKey }) and keep it where the agent cannot rewrite its own trace with it; check traces with ' +
        '`trace verify --key <public>`. Refuses to overwrite existing files unless --force.\n\n' +
        'Exit 0 on success, 2 on a usage error.',
    )
    .option('--private <path>', 'where the private key goes (mode 0600)', 'trace-signing.key.pem')
    .option('--public <path>', 'where the public key goes', 'trace-signing.pub.pem')
    .option('--force', 'replace existing files')
    .action(async (opts: { private: string; public: string; force?: boolean }) => {
      const r = await writeKeyPair(opts.private, opts.public, opts.force === true);
      io.out(`wrote ${r.privatePath} (private) and ${r.publicPath} (public), key id ${r.keyId}`);
    });
  addSimCommand(program, io, (code) => {
    exitCode = Math.max(exitCode, code);
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
    io.err(`sre-harness: ${e instanceof UsageError || e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  return exitCode;
}
