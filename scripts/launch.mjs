#!/usr/bin/env node
// Runs one of the repository's commands (`pnpm eval`, `pnpm demo`, `pnpm tui`, `pnpm sre-harness`)
// from the built dist when every package it loads was built after its sources last changed, and
// otherwise from a bundle of the TypeScript sources that esbuild makes once and caches under
// node_modules/.cache/sre-harness-launch (see scripts/lib/launch-bundle.mjs), so what runs is never
// older than what is on disk. Both run in this process (argv as if node had started the entry), which
// saves starting a second node. When esbuild is missing or the bundling fails, the sources run in a
// child node through tsx's loader, as before, with one line on stderr saying why.
//
// Usage: node scripts/launch.mjs <eval|demo|tui|sre-harness> [arguments...]
// SRE_HARNESS_FROM=dist|bundle|source forces one (dist fails when it is not built; source is tsx).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBundle } from './lib/launch-bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const POOL = {
  entries: { 'pool-worker': 'packages/eval/src/pool-worker.ts' },
  define: { __SRE_EVAL_POOL_WORKER__: 'pool-worker' },
};

/**
 * Each command: its source entry, its built entry, the workspace packages it loads, and what its bundle
 * holds besides the entry (the eval's pool worker, whose URL the bundle's pool.ts is given).
 */
const COMMANDS = {
  eval: {
    source: 'packages/eval/src/cli.ts',
    dist: 'packages/eval/dist/cli.js',
    packages: [
      'packages/eval',
      'packages/core',
      'packages/tools-k8s',
      'packages/verifiers',
      'packages/memory-summarizer',
      'packages/model-anthropic',
      'packages/model-openai',
    ],
    bundle: POOL,
  },
  demo: {
    source: 'packages/eval/src/demo/cli.ts',
    dist: undefined,
    packages: [],
    bundle: POOL,
  },
  tui: {
    source: 'apps/tui/src/cli.tsx',
    dist: 'apps/tui/dist/cli.js',
    packages: [
      'apps/tui',
      'packages/eval',
      'packages/core',
      'packages/tools-k8s',
      'packages/verifiers',
      'packages/memory-summarizer',
      'packages/model-anthropic',
      'packages/model-openai',
    ],
    bundle: POOL,
  },
  'sre-harness': {
    source: 'packages/cli/src/cli.ts',
    dist: 'packages/cli/dist/cli.js',
    packages: ['packages/cli', 'packages/core', 'packages/eval', 'packages/tools-k8s'],
    bundle: POOL,
  },
};

/** The newest modification time (ms) of the files under `dir` that pass `keep`, or 0. */
function newest(dir, keep) {
  let out = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = Math.max(out, newest(p, keep));
    else if (keep(e.name)) out = Math.max(out, statSync(p).mtimeMs);
  }
  return out;
}

/** The oldest modification time (ms) of the built JavaScript under `dir`, or 0 when there is none. */
function oldestBuilt(dir) {
  let out = Number.POSITIVE_INFINITY;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = Math.min(out, oldestBuilt(p) || Number.POSITIVE_INFINITY);
    else if (e.name.endsWith('.js')) out = Math.min(out, statSync(p).mtimeMs);
  }
  return Number.isFinite(out) ? out : 0;
}

const isSource = (name) => /\.(ts|tsx|mts|json)$/.test(name) && !/\.test\.tsx?$/.test(name);

/** Whether every package's dist was built after its sources (and its package.json) last changed. */
function fresh(command) {
  if (!command.dist || !existsSync(join(root, command.dist))) return false;
  for (const pkg of command.packages) {
    const built = oldestBuilt(join(root, pkg, 'dist'));
    if (built === 0) return false;
    const changed = Math.max(
      newest(join(root, pkg, 'src'), isSource),
      statSync(join(root, pkg, 'package.json')).mtimeMs,
    );
    if (changed > built) return false;
  }
  return true;
}

const [name, ...args] = process.argv.slice(2);
const command = COMMANDS[name];
if (!command) {
  process.stderr.write(
    `usage: node scripts/launch.mjs <${Object.keys(COMMANDS).join('|')}> [arguments...]\n`,
  );
  process.exit(2);
}
const wanted = process.env.SRE_HARNESS_FROM;
if (wanted && !['dist', 'bundle', 'source'].includes(wanted)) {
  process.stderr.write(`SRE_HARNESS_FROM=${wanted}: expected dist, bundle or source\n`);
  process.exit(2);
}

/**
 * Runs a built or bundled entry in this process, its argv as if node had started it (a bundle's
 * argv[1] is its source entry, as when tsx runs it: the demo checks it was started directly).
 */
async function runHere(entry, argv1 = entry, sourceMaps = false) {
  // Stack traces of a bundle point into the sources (costs about 4 % of a default eval's CPU time).
  if (sourceMaps) process.setSourceMapsEnabled(true);
  process.argv = [process.execPath, argv1, ...args];
  await import(pathToFileURL(entry).href);
}

/** The bundle's entry, or undefined (with one line on stderr saying why) when it cannot be made. */
async function bundled() {
  try {
    const { entry } = await ensureBundle(root, {
      name,
      entries: { [name]: command.source, ...command.bundle?.entries },
      define: command.bundle?.define,
    });
    return entry;
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    process.stderr.write(`${name}: running the sources through tsx (could not bundle them: ${why})\n`);
    return undefined;
  }
}

const fromDist = wanted === 'dist' || (wanted === undefined && fresh(command));
const bundleEntry = fromDist || wanted === 'source' ? undefined : await bundled();
if (fromDist) {
  await runHere(join(root, command.dist));
} else if (bundleEntry) {
  await runHere(bundleEntry, join(root, command.source), true);
} else {
  const argv = [
    '--import',
    import.meta.resolve('tsx'),
    '--conditions=@sre-harness/source',
    join(root, command.source),
    ...args,
  ];
  const child = spawn(process.execPath, argv, { stdio: 'inherit', cwd: process.cwd(), env: process.env });
  // Ctrl-C reaches the child too (same process group): it cancels its runs and writes their stop
  // events; this process waits for it instead of exiting first.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (constants.signals[signal] ?? 1));
  });
  child.on('error', (e) => {
    process.stderr.write(`could not start ${name}: ${e.message}\n`);
    process.exit(1);
  });
}
