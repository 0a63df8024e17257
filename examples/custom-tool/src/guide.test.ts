import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/guide.md quotes whole example files; each quoted block starts with a comment naming its file.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const guide = readFileSync(`${root}docs/guide.md`, 'utf8');
const quoted = [...guide.matchAll(/```ts\n\/\/ (examples\/[^\n]+)\n([\s\S]*?)\n```/g)].map((m) => ({
  file: m[1] ?? '',
  code: m[2] ?? '',
}));

describe('docs/guide.md', () => {
  it('quotes the example files', () => {
    expect(quoted.map((q) => q.file)).toEqual([
      'examples/custom-tool/src/feature-flags.ts',
      'examples/custom-tool/src/approver.ts',
      'examples/custom-tool/src/run.ts',
      'examples/custom-verifier/src/numbers-grounded.ts',
      'examples/custom-verifier/src/dedupe-memory.ts',
    ]);
  });

  for (const { file, code } of quoted) {
    it(`shows ${file} exactly as it is (so the guide's code type-checks and is tested)`, () => {
      expect(code).toBe(readFileSync(`${root}${file}`, 'utf8').trimEnd());
    });
  }
});
