import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hasSource,
  manifestTargets,
  packedManifestProblems,
  publishExportsDrift,
  readmeLinkProblems,
  withoutSource,
} from './packed-manifest.mjs';

const workspace = {
  name: '@sre-harness/x',
  exports: {
    '.': { '@sre-harness/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
    './sub': { '@sre-harness/source': './src/sub.ts', types: './dist/sub.d.ts', default: './dist/sub.js' },
    './package.json': './package.json',
  },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  bin: { x: './dist/cli.js' },
};
const shipped = new Set([
  'package.json',
  'README.md',
  'dist/index.js',
  'dist/index.d.ts',
  'dist/sub.js',
  'dist/sub.d.ts',
  'dist/cli.js',
]);

describe('packed manifests', () => {
  it('strips the source condition at any depth and leaves the rest as it was', () => {
    const stripped = withoutSource(workspace.exports);
    expect(hasSource(workspace.exports)).toBe(true);
    expect(hasSource(stripped)).toBe(false);
    expect(stripped['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    expect(stripped['./package.json']).toBe('./package.json');
    expect(withoutSource({ a: [{ '@sre-harness/source': 'x', default: 'y' }] })).toEqual({
      a: [{ default: 'y' }],
    });
  });

  it('fails a packed exports map that keeps the source condition or points at a file not shipped', () => {
    const problems = packedManifestProblems(workspace, shipped);
    expect(problems[0]).toMatch(/exports still carry the @sre-harness\/source condition/);
    expect(problems).toContain(
      'exports["."]["@sre-harness/source"] points at ./src/index.ts, which is not in the tarball',
    );
    const published = { ...workspace, exports: withoutSource(workspace.exports) };
    expect(packedManifestProblems(published, shipped)).toEqual([]);
    const lost = new Set([...shipped].filter((f) => f !== 'dist/sub.d.ts' && f !== 'dist/cli.js'));
    expect(packedManifestProblems(published, lost)).toEqual([
      'exports["./sub"]["types"] points at ./dist/sub.d.ts, which is not in the tarball',
      'bin["x"] points at ./dist/cli.js, which is not in the tarball',
    ]);
  });

  it('reads subpath patterns, main, types and a bin given as a string', () => {
    const m = { exports: { './*': './dist/*.js' }, main: './dist/index.js', bin: './dist/cli.js' };
    expect(manifestTargets(m).map(([f]) => f)).toEqual(['exports["./*"]', 'main', 'bin']);
    expect(packedManifestProblems(m, shipped)).toEqual([]);
    expect(packedManifestProblems({ exports: { './*': './lib/*.js' } }, shipped)).toEqual([
      'exports["./*"] points at ./lib/*.js, which is not in the tarball',
    ]);
  });

  it('says when publishConfig.exports is missing or drifted from exports', () => {
    expect(publishExportsDrift(workspace)).toMatch(/publishConfig\.exports is not set/);
    const synced = { ...workspace, publishConfig: { exports: withoutSource(workspace.exports) } };
    expect(publishExportsDrift(synced)).toBeUndefined();
    const drifted = {
      ...synced,
      exports: {
        ...workspace.exports,
        './new': { '@sre-harness/source': './src/new.ts', default: './dist/new.js' },
      },
    };
    expect(publishExportsDrift(drifted)).toMatch(/is not exports without the source condition/);
    expect(publishExportsDrift({ exports: { '.': './dist/index.js' } })).toBeUndefined();
  });

  it('every published library under packages/ publishes its exports without the source condition', () => {
    const root = resolve(import.meta.dirname, '../../packages');
    for (const name of readdirSync(root)) {
      let pkg;
      try {
        pkg = JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (pkg.private === true) continue;
      expect(
        publishExportsDrift(pkg),
        `packages/${name}: run node scripts/sync-publish-exports.mjs ${name}`,
      ).toBeUndefined();
    }
  });
});

describe('packed README links', () => {
  it('flags links out of the package or to files not shipped, not URLs, anchors or code', () => {
    const text = [
      'A `Model` for [sre-harness](../../README.md) and [the guide](../../docs/guide.md#4-a-memory).',
      'See [usage](#usage), [site](https://example.com/x), [mail](mailto:a@b.c), [readme](./README.md).',
      '[missing](dist/nope.js "title") and [a ref][ref].',
      '',
      '[ref]: ../LICENSE',
      '```md',
      '[in code](../../ignored.md)',
      '```',
    ].join('\n');
    expect(readmeLinkProblems(text, shipped)).toEqual([
      'README links to ../../README.md, which is not in the package (use an absolute URL)',
      'README links to ../../docs/guide.md#4-a-memory, which is not in the package (use an absolute URL)',
      'README links to dist/nope.js, which is not in the package (use an absolute URL)',
      'README links to ../LICENSE, which is not in the package (use an absolute URL)',
    ]);
  });

  it("every package README's links work on npm", () => {
    const root = resolve(import.meta.dirname, '../../packages');
    for (const name of readdirSync(root)) {
      let text;
      try {
        text = readFileSync(join(root, name, 'README.md'), 'utf8');
      } catch {
        continue;
      }
      expect(readmeLinkProblems(text, new Set(['README.md', 'package.json'])), name).toEqual([]);
      expect(text, `${name} README says it is ESM only`).toMatch(
        /## ESM only[\s\S]*"type": "module"[\s\S]*"module": "nodenext"/,
      );
    }
  });
});
