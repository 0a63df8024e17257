import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '@sre-harness/eval';
import { afterEach, describe, expect, it, vi } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const scenarios = join(here, '../../../scenarios');
const config = join(here, '../harness.config.ts');

function capture() {
  let text = '';
  const write = (chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(write);
  vi.spyOn(process.stderr, 'write').mockImplementation(write);
  return () => text;
}

afterEach(() => vi.restoreAllMocks());

describe('scoring our harness against the default one', () => {
  it('runs both in one sre-eval run; the report and compare show where they differ', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hc-example-'));
    const output = capture();
    const argv = (...a: string[]) => [process.execPath, 'sre-eval', ...a];
    const code = await runCli(
      argv(
        'run',
        '--scenarios',
        scenarios,
        '--scenario',
        'dependency-crash',
        '--scenario',
        'oom-crashloop',
        '--harness',
        'default',
        '--harness',
        `mine=${config}`,
        '--model',
        'baseline',
        '--min-pass-rate',
        '0',
        '--quiet',
        '--out',
        out,
      ),
    );
    expect(code, output()).toBe(0);
    expect(output()).toMatch(/baseline \[default\]\s+agent\s+2\/2/);
    expect(output()).toMatch(/baseline \[mine\]\s+agent\s+1\/2/);
    const report = JSON.parse(readFileSync(join(out, 'eval-report.json'), 'utf8'));
    expect(report.config.harnesses).toEqual(['default', 'mine']);
    const mine = report.runs.filter((r: { harness: string }) => r.harness === 'mine');
    // Our verifier ran in our harness only.
    for (const r of mine)
      expect(r.verifications.map((v: { name: string }) => v.name)).toContain('quotes_tool_output');
    for (const r of report.runs.filter((x: { harness: string }) => x.harness === 'default'))
      expect(r.verifications.map((v: { name: string }) => v.name)).not.toContain('quotes_tool_output');

    const cmp = await runCli(
      argv('compare', `${join(out, 'eval-report.json')}#default`, `${join(out, 'eval-report.json')}#mine`),
    );
    expect(cmp).toBe(1);
    expect(output()).toMatch(/REGRESSION dependency-crash \/ baseline pass@1: 1 → 0/);
  });

  it('refuses a config that loosens the scenario grants, with one line naming the file and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hc-loose-'));
    const loose = join(dir, 'loose.config.ts');
    writeFileSync(
      loose,
      "import { defineHarnessConfig } from '@sre-harness/eval';\nexport default { grants: { approve: [{ tool: 'restart_pod' }] } } as Parameters<typeof defineHarnessConfig>[0];\n",
    );
    const output = capture();
    const code = await runCli([
      process.execPath,
      'sre-eval',
      'run',
      '--scenarios',
      scenarios,
      '--harness',
      `loose=${loose}`,
    ]);
    expect(code).toBe(2);
    const lines = output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /loose\.config\.ts: "grants" is not allowed: the scenario's grants are the approval policy of every run/,
    );
  });
});
