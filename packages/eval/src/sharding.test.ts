import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { shardFromEnv } from './flags.js';

const require = createRequire(import.meta.url);
const tsx = join(require.resolve('tsx/package.json').replace(/package\.json$/, ''), 'dist/cli.mjs');
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const repo = fileURLToPath(new URL('../../..', import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const out = spawnSync(process.execPath, [tsx, '--conditions=@sre-harness/source', cli, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1', JOB_COMPLETION_INDEX: '', JOB_COMPLETIONS: '', ...env },
    timeout: 120_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('shards from a Kubernetes Indexed Job', () => {
  it('reads JOB_COMPLETION_INDEX (0-based) and JOB_COMPLETIONS, and refuses what names no shard', () => {
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '0', JOB_COMPLETIONS: '4' })).toEqual({ index: 1, total: 4 });
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '4' })).toEqual({ index: 4, total: 4 });
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '2' })).toBeUndefined();
    for (const [i, n] of [
      ['4', '4'],
      ['-1', '4'],
      ['x', '4'],
      ['1', '0'],
    ])
      expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: i, JOB_COMPLETIONS: n })).toThrow(
        /do not name a shard/,
      );
  });

  it('the shipped manifest is an Indexed Job whose pods take their shard from the environment', () => {
    const job = parse(readFileSync(join(repo, 'deploy/kubernetes/eval-indexed-job.yaml'), 'utf8'));
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed' } });
    expect(job.spec.parallelism).toBe(job.spec.completions);
    const container = job.spec.template.spec.containers[0];
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(Number(env.JOB_COMPLETIONS)).toBe(job.spec.completions);
    const command = [...container.command, ...container.args].join(' ');
    expect(command).toMatch(/pnpm eval run /);
    expect(command).toContain('shard-$JOB_COMPLETION_INDEX');
    expect(command).not.toContain('--shard');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('the shipped workflow runs every shard of its matrix and merges them', () => {
    const wf = parse(readFileSync(join(repo, '.github/workflows/eval-shards.yml'), 'utf8'));
    const shards: number[] = wf.jobs.shard.strategy.matrix.shard;
    expect(shards).toEqual(Array.from({ length: Number(wf.jobs.shard.env.SHARDS) }, (_, i) => i + 1));
    const steps = wf.jobs.shard.steps.map((s: { run?: string }) => s.run ?? '').join('\n');
    // GitHub's expression syntax, not a template literal.
    const gh = (expr: string) => `$\{{ ${expr} }}`;
    expect(steps).toContain(`--shard ${gh('matrix.shard')}/${gh('env.SHARDS')}`);
    expect(wf.jobs.merge.needs).toBe('shard');
    expect(wf.jobs.merge.steps.map((s: { run?: string }) => s.run ?? '').join('\n')).toMatch(
      /pnpm eval merge /,
    );
  });

  it('three pods of a 3-completion Indexed Job cover the suite once, and their merge equals one unsharded run', () => {
    const out = mkdtempSync(join(tmpdir(), 'eval-shards-'));
    const args = ['run', '--scenario', 'oom-crashloop,pod-gone,disk-full,bad-command', '--model', 'baseline'];
    const whole = run([...args, '--out', join(out, 'whole')]);
    expect(whole.code, whole.stderr).toBe(0);
    for (const i of [0, 1, 2]) {
      const r = run([...args, '--out', join(out, `shard-${i}`)], {
        JOB_COMPLETION_INDEX: String(i),
        JOB_COMPLETIONS: '3',
      });
      expect(r.code, r.stderr).toBe(0);
    }
    const merged = run([
      'merge',
      ...[0, 1, 2].map((i) => join(out, `shard-${i}`, 'eval-report.json')),
      '--out',
      join(out, 'merged'),
    ]);
    expect(merged.code, merged.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(out, 'whole', 'eval-report.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(out, 'merged', 'eval-report.json'), 'utf8'));
    const key = (r: { scenario: string; model: string; passed: boolean }) =>
      `${r.scenario}|${r.model}|${r.passed}`;
    expect(b.runs.map(key).sort()).toEqual(a.runs.map(key).sort());
    expect(b.runs).toHaveLength(4);
    const bad = run([...args, '--no-out'], { JOB_COMPLETION_INDEX: '5', JOB_COMPLETIONS: '3' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/do not name a shard/);
  }, 300_000);
});
