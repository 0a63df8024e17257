import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheKey, ensureBundle, packageClosure, readBundle } from './launch-bundle.mjs';

// A small workspace: package a (the command) loads workspace package b from its sources and a
// third-party package `dep` from node_modules.
let root;
let cacheDir;
const spec = { name: 'cmd', entries: { cmd: 'packages/a/src/cli.ts' } };
const write = (file, text) => {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), text);
};
const pkg = (name, deps = {}) =>
  JSON.stringify({
    name,
    type: 'module',
    exports: { '.': { '@sre-harness/source': './src/index.ts', default: './dist/index.js' } },
    dependencies: deps,
  });
const touch = (file, seconds) => utimesSync(join(root, file), seconds, seconds);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'launch-bundle-'));
  cacheDir = join(root, 'node_modules', '.cache', 'launch');
  write('package.json', JSON.stringify({ name: 'fixture', private: true, type: 'module' }));
  write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
  write('packages/a/package.json', pkg('@fx/a', { '@fx/b': 'workspace:^', dep: '1.0.0' }));
  write(
    'packages/a/src/cli.ts',
    [
      "import { b } from '@fx/b';",
      "import dep from 'dep';",
      'const here: string = import.meta.url;',
      "const where: string = import.meta.resolve('dep');",
      'export const result = { here, where, sum: b + dep };',
    ].join('\n'),
  );
  write('packages/a/src/cli.test.ts', 'export {};');
  write('packages/b/package.json', pkg('@fx/b'));
  write('packages/b/src/index.ts', 'export const b: number = 1;');
  write(
    'packages/a/node_modules/dep/package.json',
    JSON.stringify({ name: 'dep', type: 'module', main: 'index.js' }),
  );
  write('packages/a/node_modules/dep/index.js', 'export default 2;');
  mkdirSync(join(root, 'packages/a/node_modules/@fx'), { recursive: true });
  symlinkSync(join(root, 'packages/b'), join(root, 'packages/a/node_modules/@fx/b'), 'dir');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const key = () => cacheKey(root, spec, { esbuild: '0.28.2', node: 'v20.0.0' });
// The fixture has no esbuild of its own: its version is given (the bundling itself imports the
// repository's esbuild), so the test does not depend on an esbuild above the temporary directory.
const bundle = (options = {}) => ensureBundle(root, spec, { cacheDir, esbuildVersion: '0.28.2', ...options });
const run = async (entry) => (await import(`${pathToFileURL(entry).href}?${Math.random()}`)).result;

describe('cacheKey', () => {
  it('covers the command package and the workspace packages it depends on', () => {
    expect(packageClosure(root, 'packages/a')).toEqual(['packages/a', 'packages/b']);
  });

  it('changes when a source of a dependency, a package.json or a version changes, not for a test file', () => {
    const before = key();
    expect(key()).toBe(before);
    touch('packages/a/src/cli.test.ts', 1_000);
    expect(key()).toBe(before);
    touch('packages/b/src/index.ts', 1_000);
    const afterSource = key();
    expect(afterSource).not.toBe(before);
    write('packages/b/package.json', `${pkg('@fx/b')}\n`);
    expect(key()).not.toBe(afterSource);
    const now = key();
    expect(cacheKey(root, spec, { esbuild: '0.28.3', node: 'v20.0.0' })).not.toBe(now);
    expect(cacheKey(root, spec, { esbuild: '0.28.2', node: 'v22.0.0' })).not.toBe(now);
  });

  it('changes when a source file is added', () => {
    const before = key();
    write('packages/b/src/extra.ts', 'export {};');
    expect(key()).not.toBe(before);
  });
});

describe('ensureBundle', () => {
  it('bundles the workspace sources, keeps third-party packages external, and reuses the cache', async () => {
    const first = await bundle();
    expect(first.built).toBe(true);
    const result = await run(first.entry);
    expect(result.sum).toBe(3);
    // import.meta in a bundled source is what it is in that source file.
    expect(result.here).toBe(pathToFileURL(join(root, 'packages/a/src/cli.ts')).href);
    expect(result.where).toMatch(/\/packages\/a\/node_modules\/dep\/index\.js$/);
    const second = await bundle();
    expect(second).toEqual({ ...first, built: false });
  });

  it('rebuilds when a source changes', async () => {
    const first = await bundle();
    write('packages/b/src/index.ts', 'export const b: number = 40;');
    const second = await bundle();
    expect(second.built).toBe(true);
    expect(second.dir).not.toBe(first.dir);
    expect((await run(second.entry)).sum).toBe(42);
  });

  it('rebuilds a truncated or half-written cache entry instead of running it', async () => {
    const first = await bundle();
    writeFileSync(first.entry, 'export const result = ');
    expect(readBundle(first.dir, key())).toBeUndefined();
    const again = await bundle();
    expect(again.built).toBe(true);
    expect((await run(again.entry)).sum).toBe(3);
    rmSync(join(again.dir, 'manifest.json'));
    const third = await bundle();
    expect(third.built).toBe(true);
    expect((await run(third.entry)).sum).toBe(3);
  });

  it('two launchers starting at once end with one complete bundle and no temporary directories', async () => {
    const [a, b] = await Promise.all([bundle(), bundle()]);
    expect(a.dir).toBe(b.dir);
    expect((await run(a.entry)).sum).toBe(3);
    expect(readdirSync(cacheDir)).toEqual([a.dir.slice(cacheDir.length + 1)]);
  });

  it('fails (so the launcher falls back to tsx) when esbuild is missing or the build fails', async () => {
    await expect(bundle({ esbuildVersion: null })).rejects.toThrow(/not installed/);
    await expect(
      bundle({
        loadEsbuild: () => {
          throw new Error('no esbuild here');
        },
      }),
    ).rejects.toThrow(/no esbuild here/);
    write('packages/b/src/index.ts', 'export const b: number = ;');
    await expect(bundle()).rejects.toThrow();
    write('packages/b/src/index.ts', 'export const b = (s: string) => import.meta.resolve(s);');
    await expect(bundle()).rejects.toThrow(/not a string literal/);
    expect(existsSync(cacheDir) ? readdirSync(cacheDir) : []).toEqual([]);
  });
});
