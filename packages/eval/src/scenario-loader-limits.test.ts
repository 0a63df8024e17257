import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './program.js';
import { MAX_SCENARIO_DEPTH, nestingTooDeep, parseScenario } from './scenario-loader.js';

const GOOD = `schemaVersion: 1
id: tiny
title: A tiny scenario
difficulty: easy
namespace: shop
task: "Is anything wrong in the shop namespace? It's [quiet] today {so far}"
cluster:
  namespaces: [shop]
expect:
  rootCause:
    mustMention: [nothing]
`;

/** Runs `sre-eval validate <paths>` in process and returns its exit code and what it wrote to stderr. */
async function validate(...paths: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['node', 'sre-eval', 'validate', ...paths]), stderr };
  } finally {
    spy.mockRestore();
    out.mockRestore();
  }
}

describe('the scenario loader trusts no input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scenario-limits-'));
  afterEach(() => vi.restoreAllMocks());

  it('refuses 100,000 nested [ with a one-line error instead of aborting the process', async () => {
    const file = join(dir, 'deep.yaml');
    writeFileSync(file, `id: ${'['.repeat(100_000)}`);
    const { code, stderr } = await validate(file);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(`deep\\.yaml:1 .*: YAML nests deeper than ${MAX_SCENARIO_DEPTH} levels\n`),
    );
    const blocks = `${Array.from({ length: 100 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`;
    expect(nestingTooDeep(blocks, MAX_SCENARIO_DEPTH)).toEqual({ line: 65, depth: 65 });
    expect(nestingTooDeep(`${'- '.repeat(1000)}x\n`, MAX_SCENARIO_DEPTH)?.line).toBe(1);
    expect(
      nestingTooDeep(`a: "${'['.repeat(1000)}"\nb: it's ${'['.repeat(1000)}\n`, MAX_SCENARIO_DEPTH)?.line,
    ).toBe(2);
    expect(parseScenario(GOOD, 'tiny.yaml').ok).toBe(true);
  });

  it('refuses a symlink to /dev/zero and a FIFO as not regular files, without reading or blocking', async () => {
    const zero = join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const { code, stderr } = await validate(zero, fifo);
    expect(code).toBe(2);
    expect(stderr).toMatch(/zero\.yaml .*: not a regular file\n/);
    expect(stderr).toMatch(/fifo\.yaml .*: not a regular file\n/);
  });

  it('refuses a file over 1 MiB', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `${GOOD}# ${'x'.repeat(1024 * 1024)}\n`);
    const { code, stderr } = await validate(big);
    expect(code).toBe(2);
    expect(stderr).toMatch(/big\.yaml .*: file is larger than 1048576 bytes/);
    const ok = join(dir, 'ok');
    execFileSync('mkdir', [ok]);
    writeFileSync(join(ok, 'tiny.yaml'), GOOD);
    expect((await validate(ok)).code).toBe(0);
  });
});
