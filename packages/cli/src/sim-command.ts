import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import type { Io } from './program.js';

/** Options of `sim serve`. */
export interface SimServeOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port?: number;
  /** Where to write the kubeconfig; default a file in a new temporary directory, removed on stop. */
  readonly kubeconfig?: string;
  /** Write the audit log (every request, read and mutation) here as JSON lines while serving. */
  readonly audit?: string;
  /** `wall` (default): the simulated clock follows wall time; `logical`: it moves per request, as in the eval. */
  readonly clock?: 'wall' | 'logical';
}

/** A word as a POSIX shell reads it: as is when safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function portArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new InvalidArgumentError(`--port must be a whole number from 0 to 65535; got "${value}"`);
  return n;
}

function clockArg(value: string): 'wall' | 'logical' {
  if (value !== 'wall' && value !== 'logical')
    throw new InvalidArgumentError(`--clock must be wall or logical; got "${value}"`);
  return value;
}

/**
 * Serves one scenario's world until `stop` settles: prints how to reach it, then each mutation as it
 * happens; on stop, closes the server, writes out the audit file and prints what was served.
 * Resolves to the exit code (0; 2 for a scenario file that cannot be read or is invalid).
 */
export async function serveScenarioCommand(
  file: string,
  options: SimServeOptions,
  io: Io,
  stop: Promise<unknown>,
): Promise<number> {
  const { EvaluationError, formatIssue, loadScenarioFile, serveScenario } = await import('@sre-harness/eval');
  let loaded: ReturnType<typeof loadScenarioFile>;
  try {
    loaded = loadScenarioFile(resolve(file));
  } catch (e) {
    if (!EvaluationError.isInstance(e)) throw e;
    io.err(`sre-harness: ${e.message}`);
    for (const issue of e.issues) io.err(`  ${formatIssue(issue)}`);
    return 2;
  }
  const { scenario } = loaded;
  const clock = options.clock ?? 'wall';
  const world = await serveScenario(scenario, {
    clock,
    // On the wall clock, clients that compute ages locally (kubectl describe) see the same ages.
    ...(clock === 'wall' ? { wallTimestamps: true } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.kubeconfig !== undefined ? { kubeconfigPath: resolve(options.kubeconfig) } : {}),
    ...(options.audit !== undefined ? { auditFile: resolve(options.audit) } : {}),
    onAudit: (r) => {
      if (r.type !== 'mutation') return;
      const what = `${r.verb} ${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      const calls = r.calls.map((c) => `${c.tool} ${JSON.stringify(c.args)}`);
      const other = r.unmapped.length > 0 ? [`changes no tool covers: ${r.unmapped.join(', ')}`] : [];
      io.out(
        `[${r.simTime}] ${what}${calls.length + other.length > 0 ? ` = ${[...calls, ...other].join('; ')}` : ''}`,
      );
    },
  });
  const kc = shellWord(world.kubeconfigPath);
  io.out(
    [
      `Serving scenario ${scenario.id} (${scenario.title}) on ${world.url}`,
      `port ${world.port}; kubeconfig ${world.kubeconfigPath} (bearer token, namespace ${world.namespace})`,
      '',
      'Use it with kubectl or any Kubernetes client:',
      '',
      `  KUBECONFIG=${kc} kubectl get pods -n ${shellWord(world.namespace)}`,
      `  export KUBECONFIG=${kc}`,
      '',
      'Task:',
      ...world.task.split('\n').map((l) => (l ? `  ${l}` : '')),
      '',
      `The simulated clock starts at ${world.cluster.world.now} and ${
        (options.clock ?? 'wall') === 'wall' ? 'follows wall time' : 'moves with each request'
      }.`,
      ...(options.audit !== undefined
        ? [`Audit log (every request, read and mutation, as JSON lines): ${resolve(options.audit)}`]
        : []),
      'Mutations are printed as they happen. Stop with Ctrl-C.',
    ].join('\n'),
  );
  try {
    await stop;
  } finally {
    await world.close();
  }
  const audit = world.audit();
  const requests = audit.filter((r) => r.type === 'request').length;
  io.out(
    `Stopped: ${requests} request(s), ${world.mutations().length} mutation(s) served${
      options.audit !== undefined ? `; audit log written to ${resolve(options.audit)}` : ''
    }.`,
  );
  return 0;
}

/** The first SIGINT or SIGTERM, as a promise; `dispose` removes the listeners. */
function nextSignal(): { promise: Promise<NodeJS.Signals>; dispose: () => void } {
  let onSignal: (s: NodeJS.Signals) => void = () => {};
  const promise = new Promise<NodeJS.Signals>((res) => {
    onSignal = res;
  });
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Adds `sim serve` to the program. */
export function addSimCommand(program: Command, io: Io, setExit: (code: number) => void): void {
  const sim = program
    .command('sim')
    .description("Serve the eval's simulated Kubernetes worlds to any client.");
  sim
    .command('serve')
    .description(
      "Serve one eval scenario's world (its simulated cluster) with the Kubernetes API on https://127.0.0.1, " +
        'so kubectl, client libraries and agents nobody here wrote can work on it. Writes a kubeconfig (a bearer ' +
        "token, the scenario's namespace as the default), prints how to use it and the task, and serves until " +
        'Ctrl-C (SIGINT) or SIGTERM: then the server closes, the audit file is written out and the exit code is 0. ' +
        'The simulated clock follows wall time (--clock logical: it moves per request, as in the eval). ' +
        'Every mutation is printed as it happens, with the tool calls of the eval it amounts to (what scenario ' +
        'grants are written in); --audit also writes every request, read and mutation as JSON lines.\n\n' +
        'Exit 0 when stopped by a signal, 2 on a usage error or an unreadable or invalid scenario file.',
    )
    .argument('<scenario.yaml>', 'an eval scenario file (see `sre-eval validate`)')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', portArg)
    .option(
      '--kubeconfig <file>',
      'where to write the kubeconfig (default: a file in a new temporary directory)',
    )
    .option('--audit <file.jsonl>', 'write the audit log here as JSON lines while serving')
    .option('--clock <wall|logical>', 'how the simulated clock moves', clockArg, 'wall')
    .addHelpText(
      'after',
      '\nExample:\n  sre-harness sim serve scenarios/oom-crashloop.yaml --audit audit.jsonl\n' +
        '  KUBECONFIG=<printed path> kubectl get pods -n shop',
    )
    .action(async (file: string, opts: SimServeOptions) => {
      const signal = nextSignal();
      try {
        setExit(await serveScenarioCommand(file, opts, io, signal.promise));
      } finally {
        signal.dispose();
      }
    });
}
