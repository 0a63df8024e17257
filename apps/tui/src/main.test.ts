import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '@sre-harness/eval';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from './eval-report.js';
import { main } from './main.js';

const fixture = fileURLToPath(new URL('./__fixtures__/killed.jsonl', import.meta.url));
const scenarios = fileURLToPath(new URL('../../../scenarios', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'tui-main-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Streams that are not terminals, so `main` prints plain lines (or JSON). */
function io(write?: (text: string) => void) {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: {
        isTTY: false,
        write: (t: string) => {
          write?.(t);
          out += t;
          return true;
        },
      },
      stderr: {
        write: (t: string) => {
          err += t;
          return true;
        },
      },
      stdin: { isTTY: false },
    },
    out: () => out,
    err: () => err,
  };
}

const select = [
  '--scenarios',
  scenarios,
  '--scenario',
  'oom-crashloop',
  '--model',
  'baseline',
  '--model',
  'persona:eager',
];

describe('main(argv, io), the whole bin', () => {
  it('prints a trace as plain lines when its output is not a terminal, and exits 0', async () => {
    const t = io();
    expect(await main(['--trace', fixture], t.io)).toBe(EXIT.ok);
    expect(t.out()).toContain('demo-restart × scripted #1: completed, steps 3/6');
    expect(t.err()).toContain('skipped a broken last line');
  });

  it('answers bad flags with exit 2 and one line, no stack', async () => {
    for (const args of [['--trials', '0'], ['--no-such-flag'], ['--trace', 'a', '--report', 'b']]) {
      const t = io();
      expect(await main(args, t.io)).toBe(EXIT.usage);
      expect(t.err()).toMatch(/^sre-tui: /);
      expect(t.err()).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
    const help = io();
    expect(await main(['--help'], help.io)).toBe(EXIT.ok);
    expect(help.out()).toMatch(/Exit codes[\s\S]*130 +quit before every live run ended/);
  });

  it('answers a bug with its stack and exit 70, not as bad flags', async () => {
    const t = io(() => {
      throw new TypeError('the terminal went away');
    });
    expect(await main(['--trace', fixture], t.io)).toBe(EXIT.internal);
    expect(t.err()).toContain('TypeError: the terminal went away');
    expect(t.err()).toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('runs the eval headless, prints the gate verdict and writes the report files sre-eval writes', async () => {
    const cliOut = join(work, 'cli');
    const tuiOut = join(work, 'tui');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const quietErr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let cliCode: number;
    try {
      cliCode = await runCli(['node', 'sre-eval', 'run', ...select, '--out', cliOut, '--quiet']);
    } finally {
      quiet.mockRestore();
      quietErr.mockRestore();
    }
    const t = io();
    const code = await main([...select, '--out', tuiOut], t.io);
    expect(code).toBe(cliCode);
    expect(code).toBe(EXIT.ok);
    expect(t.out()).toMatch(/\[2\/2\] /);
    expect(t.out()).toContain('gate: OK · exit 0');
    expect(t.out()).toContain(`reports: ${join(tuiOut, 'eval-report.json')}`);

    const cliFiles = readdirSync(cliOut).sort();
    const tuiFiles = readdirSync(tuiOut).sort();
    // The HTML page needs the eval's renderer, which its package does not export yet.
    expect(cliFiles.filter((f) => !tuiFiles.includes(f))).toEqual(
      cliFiles.includes('eval-report.html') && !tuiFiles.includes('eval-report.html')
        ? ['eval-report.html']
        : [],
    );
    const json = (dir: string) => {
      const r = JSON.parse(readFileSync(join(dir, 'eval-report.json'), 'utf8'));
      r.createdAt = 'T';
      for (const run of r.runs) run.wallMs = 0;
      return r;
    };
    expect(json(tuiOut)).toEqual(json(cliOut));
    const junit = (dir: string) =>
      readFileSync(join(dir, 'eval-junit.xml'), 'utf8').replace(/time="[\d.]+"/g, 'time=""');
    expect(junit(tuiOut)).toBe(junit(cliOut));
    const md = (dir: string) =>
      readFileSync(join(dir, 'eval-summary.md'), 'utf8').replace(/\d+(\.\d+)? ?(ms|s)\b/g, 'T');
    expect(md(tuiOut)).toBe(md(cliOut));
  }, 120_000);

  it('gives the gate verdict and exit code in JSON too, and writes nothing with --no-out', async () => {
    const t = io();
    const code = await main([...select, '--json', '--no-out'], t.io);
    const doc = JSON.parse(t.out()) as { gate: { verdict: string; exitCode: number; files: string[] } };
    expect(doc.gate).toMatchObject({ verdict: 'ok', exitCode: 0, files: [] });
    expect(code).toBe(0);
  }, 120_000);

  it('exits 1, as sre-eval does, when the gate fails, and says why', async () => {
    // The scenario with a one-step budget: the baseline cannot investigate, so it fails its runs.
    const dir = join(work, 'tight');
    mkdirSync(dir);
    const yaml = readFileSync(join(scenarios, 'oom-crashloop.yaml'), 'utf8');
    writeFileSync(join(dir, 'oom-crashloop.yaml'), `${yaml.trimEnd()}\nbudget: { maxSteps: 1 }\n`);
    const t = io();
    const code = await main(['--scenarios', dir, '--model', 'baseline', '--no-out'], t.io);
    expect(code).toBe(EXIT.gate);
    expect(t.out()).toContain('gate: FAILED · exit 1');
    expect(t.out()).toMatch(/ {2}- baseline passed 0\/1 runs/);
    expect(t.out()).toMatch(/✗ oom-crashloop × baseline #0 failed/);
  }, 120_000);
});
