import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EvaluationError } from './errors.js';
import { EXAMPLE_SCENARIOS, initFiles, initScenarios } from './init.js';
import { loadScenarios } from './scenario-loader.js';

const require = createRequire(import.meta.url);
const tsx = join(require.resolve('tsx/package.json').replace(/package\.json$/, ''), 'dist/cli.mjs');
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const repoScenarios = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

function run(args: string[], cwd: string) {
  const out = spawnSync(process.execPath, [tsx, '--conditions=@sre-harness/source', cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('sre-eval init', () => {
  it('ships the examples as exact copies of the repository scenarios and its schema', () => {
    const files = Object.fromEntries(initFiles());
    for (const name of EXAMPLE_SCENARIOS) {
      // If this fails, copy scenarios/<name> to packages/eval/templates/scenarios/.
      expect(files[name], name).toBe(readFileSync(join(repoScenarios, name), 'utf8'));
    }
    expect(JSON.parse(files['scenario.schema.json']!)).toEqual(
      JSON.parse(readFileSync(join(repoScenarios, 'scenario.schema.json'), 'utf8')),
    );
    expect(files['README.md']).toMatch(/npx sre-eval validate/);
  });

  it('writes scenarios/ that validates and runs, refuses to overwrite, and overwrites with --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-init-'));
    const first = run(['init', 'project'], dir);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^wrote project\/scenarios\/oom-crashloop\.yaml, /);
    const scenarios = join(dir, 'project', 'scenarios');
    for (const f of [...EXAMPLE_SCENARIOS, 'scenario.schema.json', 'README.md'])
      expect(existsSync(join(scenarios, f)), f).toBe(true);

    const valid = run(['validate', scenarios], dir);
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toBe('2 scenario(s) valid\n');
    // From inside the project, sre-eval finds its scenarios/ by itself.
    const listed = run(['list'], join(dir, 'project'));
    expect(listed.stdout).toMatch(/^healthy-namespace .*\noom-crashloop /);
    const ran = run(['run', '--model', 'baseline', '--no-out', '--quiet'], join(dir, 'project'));
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);

    // A file the user edited is not overwritten: exit 2, nothing written.
    writeFileSync(join(scenarios, 'README.md'), 'mine\n');
    const again = run(['init', 'project'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exist.*pass --force to overwrite/);
    expect(readFileSync(join(scenarios, 'README.md'), 'utf8')).toBe('mine\n');
    const forced = run(['init', 'project', '--force'], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(scenarios, 'README.md'), 'utf8')).toMatch(/^# Scenarios/);

    const help = run(['init', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: sre-eval init \[options\] \[dir\][\s\S]*--force/);
  }, 240_000);

  it('refuses before writing anything when one file is in the way', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-init-'));
    initScenarios(dir);
    writeFileSync(join(dir, 'scenarios', 'oom-crashloop.yaml'), 'edited\n');
    expect(() => initScenarios(dir)).toThrow(EvaluationError);
    expect(readFileSync(join(dir, 'scenarios', 'oom-crashloop.yaml'), 'utf8')).toBe('edited\n');
    initScenarios(dir, { force: true });
    expect(loadScenarios([join(dir, 'scenarios')]).map((s) => s.scenario.id)).toEqual([
      'healthy-namespace',
      'oom-crashloop',
    ]);
  });
});
