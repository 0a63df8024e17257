#!/usr/bin/env node
// Checks every publishable workspace package the way a consumer will see it: packs it with pnpm (so
// workspace: ranges are rewritten and only `files` ship), then runs publint and are-the-types-wrong
// (esm-only profile: these packages are ESM only, so CommonJS resolutions are out of scope) on the
// tarball, and reads the packed package.json back: its exports must not carry the @sre-harness/source
// condition (src/ is not shipped; pnpm packs publishConfig.exports instead, see
// scripts/lib/packed-manifest.mjs), and every file it points at (exports, main, types, bin) must be in
// the tarball; the packed README's relative links must stay inside the package (npm shows no other
// file). Expects `pnpm build` to have run. Prints a table; exits 1 if any package has a problem.
//
//   pnpm check:packages            all publishable packages
//   pnpm check:packages core otel  only these folders
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { packedManifestProblems, publishExportsDrift, readmeLinkProblems } from './lib/packed-manifest.mjs';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const IGNORED_RESOLUTIONS = new Set(['node10', 'node16-cjs']);

function publishable() {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, name);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (pkg.private === true) continue;
      if (only.length > 0 && !only.includes(name)) continue;
      dirs.push({ dir, folder: `${group}/${name}`, pkg });
    }
  }
  return dirs;
}

function missingBuild(dir, pkg) {
  const targets = new Set();
  const walk = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/')) targets.add(value);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v);
    }
  };
  walk(pkg.exports);
  walk(pkg.bin);
  return [...targets].filter((t) => !existsSync(join(dir, t)));
}

function attw(tarball) {
  const out = spawnSync(
    'pnpm',
    ['exec', 'attw', tarball, '--profile', 'esm-only', '--format', 'json', '--no-color'],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  let problems = [];
  try {
    const json = JSON.parse(out.stdout);
    for (const list of Object.values(json.problems ?? {})) {
      for (const p of list) {
        if (p.resolutionKind && IGNORED_RESOLUTIONS.has(p.resolutionKind)) continue;
        problems.push(
          `${p.kind}${p.entrypoint ? ` (${p.entrypoint}${p.resolutionKind ? `, ${p.resolutionKind}` : ''})` : ''}`,
        );
      }
    }
  } catch {
    problems = [`attw did not run: ${(out.stderr || out.stdout).trim().split('\n')[0] ?? 'no output'}`];
  }
  if (out.status !== 0 && problems.length === 0) problems.push(`attw exited ${out.status}`);
  return problems;
}

const rows = [];
const details = [];
const work = mkdtempSync(join(tmpdir(), 'check-packages-'));
try {
  for (const { dir, folder, pkg } of publishable()) {
    const missing = missingBuild(dir, pkg);
    if (missing.length > 0) {
      rows.push([pkg.name, 'not built', 'not built', `run pnpm build (missing ${missing[0]})`, 'not built']);
      details.push(`${pkg.name}: ${missing.join(', ')} missing; run \`pnpm build\` first`);
      continue;
    }
    const packed = execFileSync('pnpm', ['pack', '--pack-destination', work], {
      cwd: dir,
      encoding: 'utf8',
    });
    const tarball = packed
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .reverse()
      .find((l) => l.endsWith('.tgz'));
    if (!tarball) throw new Error(`pnpm pack printed no tarball for ${folder}`);
    const lint = await publint({ pkgDir: dir, pack: 'pnpm', level: 'suggestion' });
    const lintIssues = lint.messages.map((m) => `${m.type}: ${formatMessage(m, lint.pkg, { color: false })}`);
    const typeIssues = attw(tarball);
    const fields = [];
    for (const field of ['license', 'repository', 'sideEffects', 'files', 'exports', 'engines']) {
      if (pkg[field] === undefined) fields.push(field);
    }
    const shipped = new Set(
      execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
        .split('\n')
        .map((f) => f.replace(/^package\//, '')),
    );
    for (const file of ['README.md', 'LICENSE']) if (!shipped.has(file)) fields.push(file);
    // The manifest as published (pnpm applies publishConfig when it packs), against the tarball's files.
    const packedManifest = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    );
    const manifestIssues = packedManifestProblems(packedManifest, shipped);
    const drift = publishExportsDrift(pkg);
    if (drift) manifestIssues.push(drift);
    if (shipped.has('README.md')) {
      const readme = execFileSync('tar', ['-xzOf', tarball, 'package/README.md'], { encoding: 'utf8' });
      manifestIssues.push(...readmeLinkProblems(readme, shipped));
    }
    const publintErrors = lint.messages.filter((m) => m.type !== 'suggestion').length;
    rows.push([
      pkg.name,
      publintErrors === 0
        ? lintIssues.length
          ? `ok (${lintIssues.length} suggestion)`
          : 'ok'
        : `${publintErrors} problem(s)`,
      typeIssues.length === 0 ? 'ok' : `${typeIssues.length} problem(s)`,
      fields.length === 0 ? 'ok' : `missing ${fields.join(', ')}`,
      manifestIssues.length === 0 ? 'ok' : `${manifestIssues.length} problem(s)`,
    ]);
    for (const issue of manifestIssues) details.push(`${pkg.name} as packed: ${issue}`);
    for (const issue of lintIssues) details.push(`${pkg.name} publint ${issue}`);
    for (const issue of typeIssues) details.push(`${pkg.name} attw ${issue}`);
    if (fields.length > 0) details.push(`${pkg.name}: missing ${fields.join(', ')}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const header = ['package', 'publint', 'attw (esm-only)', 'fields and files', 'exports, links'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of rows) console.log(line(row));
if (details.length > 0) {
  console.log('');
  for (const d of details) console.log(`- ${d}`);
}
const failed = rows.filter((r) => !r[1].startsWith('ok') || r[2] !== 'ok' || r[3] !== 'ok' || r[4] !== 'ok');
process.exitCode = failed.length > 0 ? 1 : 0;
