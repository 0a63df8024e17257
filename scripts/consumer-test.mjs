#!/usr/bin/env node
// The consumer test: packs the packages with pnpm (as they would be published), installs the tarballs
// into a fresh project in the system temp directory (outside the workspace, so no workspace links),
// then type-checks and runs consumer-test/src/agent.ts there. Expects `pnpm build` to have run.
//
//   pnpm test:consumer            build output must exist; exits non-zero on any failure
//   pnpm test:consumer --keep     leave the temporary project for inspection
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');

// The packages the consumer agent composes, and the eval with its model adapters (for `sre-eval`).
const PACKAGES = [
  'core',
  'tools-k8s',
  'verifiers',
  'memory-summarizer',
  'tools-mcp',
  'otel',
  'model-anthropic',
  'model-openai',
  'eval',
];

// Third-party packages the consumer installs itself, at the versions this workspace tests with.
function workspaceVersion(pkgDir, name) {
  return JSON.parse(readFileSync(join(root, pkgDir, 'node_modules', name, 'package.json'), 'utf8')).version;
}
const THIRD_PARTY = {
  // A peer dependency of tools-k8s: the consumer brings its own Kubernetes client.
  '@kubernetes/client-node': workspaceVersion('packages/tools-k8s', '@kubernetes/client-node'),
  '@modelcontextprotocol/sdk': workspaceVersion('packages/tools-mcp', '@modelcontextprotocol/sdk'),
  '@opentelemetry/api': workspaceVersion('packages/otel', '@opentelemetry/api'),
  '@opentelemetry/sdk-trace-base': workspaceVersion('packages/otel', '@opentelemetry/sdk-trace-base'),
  zod: workspaceVersion('packages/tools-mcp', 'zod'),
};
const DEV = {
  typescript: workspaceVersion('.', 'typescript'),
  '@types/node': workspaceVersion('.', '@types/node'),
};

function run(cmd, args, cwd) {
  process.stdout.write(`$ ${cmd} ${args.join(' ')}\n`);
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

const work = mkdtempSync(join(tmpdir(), 'sre-harness-consumer-'));
let failed = false;
try {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const files = {};
  for (const name of PACKAGES) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    // A tarball without declarations would fail later with a confusing type error; say what is missing.
    if (!existsSync(join(root, 'packages', name, 'dist', 'index.d.ts'))) {
      throw new Error(`packages/${name}/dist/index.d.ts is missing: run \`pnpm build\` first`);
    }
    const out = run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', name));
    const tgz = out
      .trim()
      .split('\n')
      .reverse()
      .find((l) => l.trim().endsWith('.tgz'));
    if (!tgz) throw new Error(`pnpm pack printed no tarball for ${name}`);
    files[pkg.name] = `file:${tgz.trim()}`;
  }

  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify(
      {
        name: 'sre-harness-consumer',
        private: true,
        type: 'module',
        dependencies: { ...files, ...THIRD_PARTY },
        devDependencies: DEV,
        // Internal ranges such as "@sre-harness/core": "^0.1.0" must resolve to the tarballs, not the registry.
        pnpm: { overrides: files },
      },
      null,
      2,
    )}\n`,
  );
  cpSync(join(root, 'consumer-test', 'src'), join(project, 'src'), { recursive: true });
  cpSync(join(root, 'consumer-test', 'tsconfig.json'), join(project, 'tsconfig.json'));

  run('pnpm', ['install', '--ignore-workspace', '--config.auto-install-peers=true'], project);
  run('pnpm', ['exec', 'tsc', '-p', 'tsconfig.json'], project);
  process.stdout.write(run('node', ['dist/agent.js'], project));

  // The published sre-eval scores a user's own harness module (TypeScript, no build step) beside
  // the built-in one, outside the monorepo.
  cpSync(join(root, 'consumer-test', 'harness'), join(project, 'harness'), { recursive: true });
  mkdirSync(join(project, 'scenarios'));
  for (const id of ['oom-crashloop', 'scaled-to-zero']) {
    cpSync(join(root, 'scenarios', `${id}.yaml`), join(project, 'scenarios', `${id}.yaml`));
  }
  const scored = run(
    'pnpm',
    [
      'exec',
      'sre-eval',
      'run',
      '--scenarios',
      'scenarios',
      '--harness',
      'default',
      '--harness',
      'mine=./harness/harness.config.ts',
      '--model',
      'baseline',
      '--quiet',
      '--no-out',
    ],
    project,
  );
  process.stdout.write(scored);
  for (const expected of [
    /baseline \[default\]\s+agent\s+2\/2/,
    /baseline \[mine\]\s+agent\s+2\/2/,
    /gate: OK/,
  ]) {
    if (!expected.test(scored)) throw new Error(`sre-eval --harness: the output does not match ${expected}`);
  }
} catch (error) {
  failed = true;
  process.stderr.write(`consumer test failed: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error && typeof error === 'object' && 'stdout' in error && error.stdout) {
    process.stderr.write(String(error.stdout));
  }
} finally {
  if (keep) process.stdout.write(`kept ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
