#!/usr/bin/env node
// Runs one of the repository's commands (`pnpm eval`, `pnpm demo`, `pnpm tui`, `pnpm sre-harness`)
// from the built dist when every package it loads was built after its sources last changed, and from
// the TypeScript sources through tsx otherwise. Starting from dist saves the transpiling (about 2 s
// of a `pnpm eval` on the 2-core machine); a fresh clone, or any edit since the last `pnpm build`,
// runs the sources, so what runs is never older than what is on disk. The built entry runs in this
// process (its argv as if node had started it), which saves starting a second node (about 0.1 s);
// the sources run in a child node with tsx's loader.
//
// Usage: node scripts/launch.mjs <eval|demo|tui|sre-harness> [arguments...]
// SRE_HARNESS_FROM=source or SRE_HARNESS_FROM=dist forces one (dist fails when it is not built).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each command: its source entry, its built entry, and the workspace packages it loads. */
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
  },
  demo: {
    source: 'packages/eval/src/demo/cli.ts',
    dist: undefined,
    packages: [],
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
  },
  'sre-harness': {
    source: 'packages/cli/src/cli.ts',
    dist: 'packages/cli/dist/cli.js',
    packages: ['packages/cli', 'packages/core', 'packages/eval', 'packages/tools-k8s'],
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
const fromDist = wanted === 'dist' || (wanted !== 'source' && fresh(command));
if (fromDist) {
  const entry = join(root, command.dist);
  process.argv = [process.execPath, entry, ...args];
  await import(pathToFileURL(entry).href);
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
