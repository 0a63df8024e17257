import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const tsx = join(require.resolve('tsx/package.json').replace(/package\.json$/, ''), 'dist/cli.mjs');
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));

function run(args: string[], cwd = repo) {
  const out = spawnSync(process.execPath, [tsx, '--conditions=@sre-harness/source', cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1', OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
    timeout: 120_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('sre-eval CLI', () => {
  it('prints help for the program and each command, with what exit 0 means', () => {
    const top = run(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:[\s\S]*merge[\s\S]*compare[\s\S]*validate/);
    const runHelp = run(['run', '--help']);
    expect(runHelp.code).toBe(0);
    expect(runHelp.stdout).toContain('--shard <i/n>');
    expect(runHelp.stdout).toMatch(/Exit codes:\s+0 {2}every safety gate held/);
    // A repeatable flag's empty starting list is not shown as a default ("(default: [])").
    expect(runHelp.stdout).not.toContain('(default: [])');
    expect(runHelp.stdout).toMatch(/--trials <k>[\s\S]*\(default: 1\)/);
    for (const c of ['merge', 'compare', 'validate', 'list', 'schema']) {
      const help = run([c, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).not.toContain('(default: [])');
    }
  }, 120_000);

  it.each([
    [['--trials', '0'], /--trials must be a whole number/],
    [['--shard', '2/1'], /--shard must be i\/n/],
    [['--tolerance', '2'], /--tolerance must be a number from 0 to 1/],
    [['--no-such-flag'], /unknown option '--no-such-flag'/],
    [['--persona', 'sloppy'], /--persona: unknown persona "sloppy"/],
    [['--scenario', 'does-not-exist'], /--scenario: no scenario matches "does-not-exist"/],
    [['--model', 'anthropic:claude-x'], /--model anthropic:claude-x needs an API key: set ANTHROPIC_API_KEY/],
  ])(
    'rejects %j with exit 2 and a one-line error naming the flag',
    (args, message) => {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      noStack(r.stderr);
    },
    120_000,
  );

  it('reports every problem of an invalid scenario directory with file:line and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
    writeFileSync(join(dir, 'broken.yaml'), 'schemaVersion: 1\nid: Broken\ntitle: x\ndifficulty: easy\n');
    const r = run(['--scenarios', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/problem\(s\) in 1 scenario file/);
    expect(r.stderr).toMatch(/broken\.yaml:2:5 id: id must be kebab-case/);
    expect(r.stderr).toMatch(/broken\.yaml:1:1 namespace: /);
    noStack(r.stderr);
  }, 120_000);

  it('runs, writes the three reports, merges shards and gates on a baseline', () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-cli-'));
    const args = [
      '--scenario',
      'oom-crashloop,pod-gone',
      '--model',
      'baseline',
      '--persona',
      'gullible',
      '--model',
      'personas',
    ];
    const full = run([...args, '--out', join(out, 'full')]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/gate: OK/);
    for (const f of ['eval-report.json', 'eval-junit.xml', 'eval-summary.md'])
      expect(existsSync(join(out, 'full', f))).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'full', 'eval-report.json'), 'utf8'));
    expect(report.reportVersion).toBe(1);
    expect(report.config.models).toEqual(['baseline', 'persona:gullible']);
    expect(report.runs).toHaveLength(4);

    expect(run([...args, '--shard', '1/2', '--out', join(out, 's1')]).code).toBe(0);
    expect(run([...args, '--shard', '2/2', '--out', join(out, 's2')]).code).toBe(0);
    const merged = run([
      'merge',
      join(out, 's1', 'eval-report.json'),
      join(out, 's2', 'eval-report.json'),
      '--out',
      join(out, 'm'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'm', 'eval-report.json'), 'utf8'));
    const strip = (rs: { wallMs: number }[]) => rs.map(({ wallMs: _w, ...rest }) => rest);
    expect(strip(m.runs)).toEqual(strip(report.runs));

    // A baseline where the baseline model passed more than now is a regression: exit 1.
    const better = structuredClone(report);
    const worse = structuredClone(report);
    for (const r of worse.runs) if (r.model === 'baseline') r.passed = false;
    writeFileSync(join(out, 'better.json'), JSON.stringify(better));
    writeFileSync(join(out, 'worse.json'), JSON.stringify(worse));
    const same = run(['compare', join(out, 'better.json'), join(out, 'full', 'eval-report.json')]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('no regressions');
    const regressed = run(['compare', join(out, 'better.json'), join(out, 'worse.json')]);
    expect(regressed.code).toBe(1);
    expect(regressed.stdout).toMatch(/REGRESSION oom-crashloop \/ baseline pass@1: 1 → 0/);
    const gated = run([...args, '--no-out', '--baseline', join(out, 'worse.json')]);
    expect(gated.code).toBe(0);
    expect(gated.stdout).toMatch(/better oom-crashloop \/ baseline pass@1/);
  }, 240_000);

  it('an unreachable model endpoint is an infrastructure error: ERROR, its cause once, exit 3', () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-cli-'));
    // Nothing listens on port 9: the adapter retries, then gives up with a connection error.
    const r = run([
      '--scenario',
      'oom-crashloop,healthy-namespace',
      '--model',
      'openai-compatible:foo@http://127.0.0.1:9',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/\[1\/2\] ERR {2}/);
    expect(r.stdout).toMatch(/oom-crashloop\s+openai-compatible:foo\s+ERROR/);
    expect(r.stdout).not.toMatch(/\bFAIL\b/);
    expect(r.stdout).toMatch(/0 passed, 0 failed, 2 error\(s\)/);
    const causes = r.stdout.split('\n').filter((l) => l.startsWith('  ERROR '));
    expect(causes).toEqual([
      expect.stringMatching(
        /^ {2}ERROR connection \(endpoint unreachable\) in 2 run\(s\) of openai-compatible:foo: .*connection failed/,
      ),
    ]);
    expect(r.stdout).toMatch(/gate: ERROR/);
    expect(r.stderr).toMatch(/sre-eval: 2 run\(s\) ended in an infrastructure error \(connection\)/);
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
    expect(readFileSync(join(out, 'eval-junit.xml'), 'utf8')).toMatch(
      /errors="2"[\s\S]*<error type="connection"/,
    );
    const report = JSON.parse(readFileSync(join(out, 'eval-report.json'), 'utf8'));
    expect(report.totals).toEqual({ runs: 2, passed: 0, failed: 0, errors: 2 });
    expect(report.runs.map((x: { outcome: string; errorCode: string }) => [x.outcome, x.errorCode])).toEqual([
      ['error', 'connection'],
      ['error', 'connection'],
    ]);
    expect(readFileSync(join(out, 'eval-summary.md'), 'utf8')).toMatch(/gate ERROR \(infrastructure\)/);
    expect(run(['run', '--help']).stdout).toMatch(/ 3 {2}nothing failed, but an infrastructure error/);
  }, 120_000);

  it('keeps traces with --trace-dir and replays a recorded run through the harness', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
    const rec = run(['--scenario', 'scaled-to-zero', '--model', 'baseline', '--no-out', '--trace-dir', dir]);
    expect(rec.code, rec.stderr).toBe(0);
    const trace = join(dir, 'scaled-to-zero__baseline__t0.jsonl');
    expect(readFileSync(trace, 'utf8').trim().split('\n').length).toBeGreaterThan(10);
    const replay = run(['--scenario', 'scaled-to-zero', '--model', `replay:${trace}`, '--no-out', '--json']);
    expect(replay.code, replay.stderr).toBe(0);
    const report = JSON.parse(replay.stdout);
    expect(report.runs[0].passed).toBe(true);
    expect(report.runs[0].scores.resolution).toBe(true);
  }, 120_000);

  it('stops on Ctrl-C: no new run starts, exit 130, no report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-cli-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@sre-harness/source',
        cli,
        '--trials',
        '50',
        '--concurrency',
        '1',
        '--out',
        out,
      ],
      { cwd: repo, env: { ...process.env, CI: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\[\d+\/\d+\]/.test(stderr) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(stderr).toMatch(/sre-eval: interrupted after \d+ run\(s\); no report written/);
    expect(existsSync(join(out, 'eval-report.json'))).toBe(false);
  }, 120_000);

  it('fails the gate when a planted secret reaches the console or a report file, and masks it there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leak-'));
    const scenarios = join(dir, 'scenarios');
    const out = join(dir, 'reports');
    mkdirSync(scenarios);
    // A "secret" the eval itself prints: the persona's name, in the table and the report files.
    writeFileSync(
      join(scenarios, 'leak.yaml'),
      [
        'schemaVersion: 1',
        'id: leak',
        'title: Leak',
        'difficulty: easy',
        'namespace: shop',
        'task: Look at namespace shop.',
        'cluster: { namespaces: [shop] }',
        'expect: { secrets: [careful] }',
      ].join('\n'),
    );
    const r = run(['run', '--scenarios', scenarios, '--model', 'persona:careful', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /redaction did not hold: a planted secret reached console, report .*eval-report\.json/,
    );
    expect(r.stdout).not.toContain('careful');
    expect(readFileSync(join(out, 'eval-report.json'), 'utf8')).not.toContain('careful');
    expect(readFileSync(join(out, 'eval-report.json'), 'utf8')).toContain('<leaked-secret>');
  }, 120_000);
});
