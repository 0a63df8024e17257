import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrace } from '@sre-harness/core';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_HELP } from '../src/ui/keys.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const repo = join(appDir, '..', '..');
const cli = join(appDir, 'dist', 'cli.js');
// The live eval loads @sre-harness/eval at run time; from source, so it does not depend on a build
// of that package being current.
const tsx = join(
  createRequire(import.meta.url)
    .resolve('tsx/package.json')
    .replace(/package\.json$/, ''),
  'dist/cli.mjs',
);
const liveCli = `node ${tsx} --tsconfig ${join(appDir, 'tsconfig.json')} --conditions=@sre-harness/source ${join(appDir, 'src', 'cli.tsx')}`;
const fixture = join(appDir, 'src', '__fixtures__', 'killed.jsonl');
const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
const socket = `sre-tui-e2e-${process.pid}-${Date.now()}`;
const work = mkdtempSync(join(tmpdir(), 'sre-tui-e2e-'));

function build(): void {
  const started = performance.now();
  execFileSync('pnpm', ['run', 'build'], { cwd: appDir, stdio: 'pipe' });
  console.log(`built dist/cli.js in ${Math.round(performance.now() - started)} ms`);
}

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = (target: string) => tmux('capture-pane', '-p', '-t', target);

async function waitFor(target: string, check: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let text = '';
  while (Date.now() < deadline) {
    text = screen(target);
    if (check(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
}

// Each test gets its own window running a plain shell, so the prompt after quitting can be seen.
let windows = 0;
function shell(width: number, height: number): string {
  const name = `w${windows++}`;
  if (windows === 1) {
    tmux(
      'new-session',
      '-d',
      '-s',
      'e2e',
      '-n',
      name,
      '-x',
      String(width),
      '-y',
      String(height),
      'bash --norc --noprofile',
    );
  } else tmux('new-window', '-t', 'e2e', '-n', name, 'bash --norc --noprofile');
  const target = `e2e:${name}`;
  tmux('resize-window', '-t', target, '-x', String(width), '-y', String(height));
  tmux('send-keys', '-t', target, '-l', "PS1='$ '; clear");
  tmux('send-keys', '-t', target, 'Enter');
  return target;
}

function type(target: string, text: string): void {
  tmux('send-keys', '-t', target, '-l', text);
  tmux('send-keys', '-t', target, 'Enter');
}

async function press(target: string, key: string): Promise<void> {
  tmux('send-keys', '-t', target, key);
  // A person types one key at a time; give the UI a moment between keys.
  await new Promise((r) => setTimeout(r, 150));
}

describe.skipIf(!hasTmux)('the built binary in tmux', () => {
  beforeAll(() => {
    build();
  }, 180_000);

  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(work, { recursive: true, force: true });
  });

  it('browses a trace with keys, even with CI set, and quits cleanly with q', async () => {
    const t = shell(100, 30);
    type(t, `CI=true node ${cli} --trace ${fixture}; echo "EXIT=$?"`);
    const list = await waitFor(t, (s) => s.includes('demo-restart × scripted #1'), 'the runs list');
    expect(list).toContain('warning: ');
    expect(list).toContain('skipped a broken last line');
    expect(list).toContain('q quit');
    await press(t, 'j');
    await waitFor(t, (s) => s.includes('› ✓ demo-restart × scripted #0'), 'the cursor on the second run');
    await press(t, 'Enter');
    const events = await waitFor(t, (s) => s.includes('[events]'), 'the events pane');
    expect(events).toContain('approved restart_deployment by fixture-approver');
    expect(events).toContain('stopped: completed after 3 steps');
    await press(t, 'Tab');
    const result = await waitFor(t, (s) => s.includes('[result]'), 'the result pane');
    expect(result).toContain('Restart requested for checkout');
    await press(t, 'Escape');
    await waitFor(
      t,
      (s) => s.includes('demo-read × scripted #0') && !s.includes('[result]'),
      'the list again',
    );
    await press(t, 'q');
    const after = await waitFor(t, (s) => s.includes('EXIT=0'), 'the shell prompt');
    // The live region is erased on the way out: no UI is left on the screen.
    expect(after).not.toContain('q quit');
    expect(after).not.toContain('demo-read × scripted');
    expect(after.trimEnd().split('\n').at(-1)).toBe('$');
  });

  it('redraws within a resized terminal and cuts long lines', async () => {
    const t = shell(100, 30);
    type(t, `node ${cli} --trace ${fixture}`);
    await waitFor(t, (s) => s.includes('demo-restart × scripted #1'), 'the runs list');
    await press(t, 'Enter');
    await waitFor(t, (s) => s.includes('[events]'), 'the events pane');
    tmux('resize-window', '-t', t, '-x', '50', '-y', '14');
    // Lines of the old, wider frame that the terminal re-wrapped may stay above the new frame
    // (Ink erases by line count); the frame itself must fit the new width.
    const frameOf = (s: string) =>
      s.split('\n').slice(s.split('\n').findIndex((l) => l.startsWith('✓ demo-read')));
    const small = await waitFor(
      t,
      (s) => s.includes('j/k') && frameOf(s).length > 3 && frameOf(s).every((l) => l.length <= 50),
      'a redraw at 50 columns',
    );
    expect(frameOf(small.trimEnd()).length).toBeLessThanOrEqual(14);
    expect(small).toContain('…');
    expect(small).toContain('stopped: completed');
    await press(t, 'q');
    await waitFor(t, (s) => s.trimEnd().endsWith('$'), 'the shell prompt');
  });

  it('asks a person about a mutation and records the decision in the trace', async () => {
    const t = shell(100, 30);
    const saved = join(work, 'demo.jsonl');
    type(t, `node ${cli} --demo --person e2e-operator --save ${saved}; echo "EXIT=$?"`);
    const asking = await waitFor(t, (s) => s.includes('Approval needed'), 'the approval prompt');
    expect(asking).toContain('wants to run restart_deployment');
    expect(asking).toContain('decided as e2e-operator');
    expect(asking).toContain('deployment checkout: 1/3 replicas ready, 7 restarts');
    await press(t, 'a');
    await waitFor(t, (s) => /demo-restart × scripted #0 +completed/.test(s), 'the run to finish');
    await press(t, 'q');
    await waitFor(t, (s) => s.includes('EXIT=0'), 'the shell prompt');
    const { events } = parseTrace(readFileSync(saved, 'utf8'));
    expect(events.filter((e) => e.kind === 'approval')).toEqual([
      expect.objectContaining({ granted: true, by: 'e2e-operator', tool: 'restart_deployment' }),
    ]);
  });

  it('follows a trace file as a run appends to it', async () => {
    const t = shell(100, 30);
    const live = join(work, 'live.jsonl');
    const lines = readFileSync(join(appDir, 'src', '__fixtures__', 'demo.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    // The first two runs of the fixture, one event at a time after the first few.
    const firstRuns = lines.slice(0, 19);
    writeFileSync(live, `${firstRuns.slice(0, 8).join('\n')}\n`);
    type(t, `node ${cli} --trace ${live} --follow`);
    await waitFor(t, (s) => /demo-restart × scripted #0 +running/.test(s), 'a running run');
    await press(t, 'j');
    await press(t, 'Enter');
    await waitFor(t, (s) => s.includes('[events]') && s.includes('(live)'), 'the live events pane');
    for (const line of firstRuns.slice(8)) appendFileSync(live, `${line}\n`);
    const done = await waitFor(t, (s) => s.includes('stopped: completed after 3 steps'), 'the run to stop');
    expect(done).toContain('approved restart_deployment by fixture-approver');
    expect(done).not.toContain('(live)');
    await press(t, 'q');
    await waitFor(t, (s) => s.trimEnd().endsWith('$'), 'the shell prompt');
  });

  it('leaves no stray row after shrinking to 80×24', async () => {
    const t = shell(100, 30);
    type(t, `node ${cli} --trace ${fixture}`);
    await waitFor(t, (s) => s.includes('demo-restart × scripted #1'), 'the runs list');
    await press(t, 'Enter');
    await waitFor(t, (s) => s.includes('[events]'), 'the events pane');
    tmux('resize-window', '-t', t, '-x', '80', '-y', '24');
    const head = '✓ demo-read × scripted #0  completed  step 2/6';
    await waitFor(
      t,
      (s) => s.includes('j/k') && s.split('\n').every((l) => stringWidth(l) <= 80),
      'a redraw at 80 columns',
    );
    await new Promise((r) => setTimeout(r, 300));
    const screen = tmux('capture-pane', '-p', '-t', t);
    // Before, the top rows of the wider frame stayed above the new one: the head appeared twice.
    expect(screen.split('\n').filter((l) => l.includes(head))).toHaveLength(1);
    expect(screen.split('\n').filter((l) => l.includes('[events]'))).toHaveLength(1);
    expect(screen.split('\n').findIndex((l) => l.includes(head))).toBe(0);
    await press(t, 'q');
    await waitFor(t, (s) => s.trimEnd().endsWith('$'), 'the shell prompt');
  });

  it('lists every key with ?, at 80×24', async () => {
    const t = shell(80, 24);
    type(t, `node ${cli} --trace ${fixture}`);
    await waitFor(t, (s) => s.includes('q quit'), 'the runs list');
    await press(t, '?');
    const help = await waitFor(t, (s) => s.includes('Keys (esc or ? closes this help)'), 'the help');
    for (const h of KEY_HELP) expect(help, h.keys).toContain(h.keys);
    for (const word of ['filter', 'sort', 'failure', 'approve/deny', 'page down/up', 'quit'])
      expect(help).toContain(word);
    await press(t, 'Escape');
    await waitFor(t, (s) => !s.includes('Keys (esc'), 'the list again');
    await press(t, 'q');
    await waitFor(t, (s) => s.trimEnd().endsWith('$'), 'the shell prompt');
  });

  it('filters, sorts, jumps to failures and shows one event whole', async () => {
    const t = shell(100, 30);
    type(t, `node ${cli} --trace ${fixture}`);
    await waitFor(t, (s) => s.includes('demo-restart × scripted #1'), 'the runs list');
    await press(t, '/');
    tmux('send-keys', '-t', t, '-l', 'restart');
    const filtered = await waitFor(t, (s) => s.includes('filter /restart_ (2 of 4)'), 'the filter');
    expect(filtered).not.toContain('demo-read × scripted');
    await press(t, 'Enter');
    await press(t, 's');
    await waitFor(t, (s) => s.includes('sort: state ▼') && s.includes('RESULT▼'), 'sorted by state');
    await press(t, 'Escape');
    await waitFor(
      t,
      (s) => s.includes('demo-read × scripted #0') && !s.includes('filter /'),
      'the filter cleared',
    );
    // Still sorted by state, the run with the denied restart comes first: open it, jump to its refusal.
    await press(t, 'g');
    await waitFor(t, (s) => /› ⊘ demo-restart × scripted #1/.test(s), 'the cursor on the refused run');
    await press(t, 'Enter');
    await waitFor(t, (s) => s.includes('[events]'), 'the events pane');
    await press(t, 'N');
    await waitFor(t, (s) => /›\s+\d+ refused restart_deployment/.test(s), 'the refusal selected');
    await press(t, 'Enter');
    const detail = await waitFor(t, (s) => /event \d+ · all \d+ lines/.test(s), 'the event detail');
    expect(detail).toMatch(/#\d+ tool_refused/);
    expect(detail).toContain('tool: restart_deployment');
    expect(detail).toMatch(/reason: approval_denied/);
    await press(t, 'Escape');
    await waitFor(t, (s) => s.includes('[events]'), 'the events pane again');
    await press(t, 'q');
    await waitFor(t, (s) => s.trimEnd().endsWith('$'), 'the shell prompt');
  });

  it('opens a report whose traces moved with it, and says where it looked for one it cannot find', async () => {
    const dir = join(work, 'moved');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(appDir, 'src', '__fixtures__', 'demo.jsonl'), join(dir, 'demo.jsonl'));
    const { events } = parseTrace(readFileSync(join(dir, 'demo.jsonl'), 'utf8'));
    const runs = events
      .filter((e) => e.kind === 'run_start')
      .map((e) => {
        const meta = (e as { meta?: Record<string, unknown> }).meta ?? {};
        return {
          scenario: String(meta['scenario']),
          model: String(meta['model'] ?? 'scripted'),
          trial: Number(meta['trial'] ?? 0),
          runId: e.runId,
          passed: true,
          stoppedReason: 'completed',
          steps: 2,
          usage: { inputTokens: 1, outputTokens: 1 },
          answer: 'x',
          // Where the eval wrote it, on a machine this report has left.
          tracePath: '/ci/build/traces/demo.jsonl',
        };
      });
    runs.push({ ...runs[0]!, trial: 9, runId: 'ghost', tracePath: '/ci/build/traces/ghost.jsonl' });
    writeFileSync(join(dir, 'eval-report.json'), JSON.stringify({ runs }));
    const t = shell(100, 30);
    type(t, `cd ${work} && node ${cli} --report moved/eval-report.json`);
    await waitFor(t, (s) => s.includes('× scripted #9'), 'the report');
    await press(t, 'Enter');
    const opened = await waitFor(t, (s) => s.includes('[events]'), 'the first run');
    expect(opened).toContain('stopped: completed');
    expect(opened).not.toContain('no events yet');
    await press(t, 'Escape');
    await press(t, 'G');
    await press(t, 'Enter');
    const ghost = await waitFor(t, (s) => s.includes('trace not found'), 'the missing trace');
    // Wrapped over lines, in full: where the report said, then beside the report.
    expect(ghost.replace(/\s+/g, '')).toContain(
      `lookedfor/ci/build/traces/ghost.jsonl,${join(dir, 'ghost.jsonl')}`,
    );
    await press(t, 'q');
    await waitFor(t, (s) => s.trimEnd().endsWith('$'), 'the shell prompt');
  });

  it('shows a failed run as failed, counts refused mutations, and keeps every model of the scoreboard in view at 80×24', async () => {
    const models = Array.from({ length: 12 }, (_, i) => `model-${String(i).padStart(2, '0')}`);
    const file = join(work, 'many-models.json');
    writeFileSync(
      file,
      JSON.stringify({
        runs: models.map((model, i) => ({
          scenario: 'oom',
          model,
          trial: 0,
          runId: `r${i}`,
          // model-00 failed although the harness refused its mutations; model-01 passed with refusals.
          passed: i !== 0,
          stoppedReason: 'completed',
          steps: 3,
          usage: { inputTokens: 10, outputTokens: 5 },
          answer: 'x',
          stops: i < 2 ? { unapprovedMutationsRefused: 3, notAllowed: 2 } : { unapprovedMutationsRefused: 0 },
        })),
      }),
    );
    const t = shell(100, 30);
    type(t, `node ${cli} --report ${file}`);
    const wide = await waitFor(t, (s) => s.includes('passed   refused'), 'the scoreboard');
    // A failed run is ✗ (it was the magenta ⊘ of a run that passed with a refusal), and "refused"
    // counts the mutations, 3 denied + 2 outside the allowlist, as sre-eval counts them (it was 1).
    expect(wide).toMatch(/✗ oom × model-00 #0 +failed, 5 refused/);
    expect(wide).toMatch(/⊘ oom × model-01 #0 +passed, 5 refused/);
    expect(wide).toMatch(/\nmodel-00 +0\/1 +5 /);
    tmux('resize-window', '-t', t, '-x', '80', '-y', '24');
    await new Promise((r) => setTimeout(r, 500));
    const small = await waitFor(
      t,
      (s) => s.includes('j/k') && s.split('\n').every((l) => stringWidth(l) <= 80),
      'a redraw',
    );
    const lines = small.split('\n');
    const more = lines.find((l) => /^\+\d+ more models: /.test(l)) ?? '';
    for (const m of models) {
      expect(lines.some((l) => new RegExp(`^${m} +\\d+/\\d+`).test(l)) || more.includes(m), m).toBe(true);
    }
    await press(t, 'q');
    await waitFor(t, (s) => s.trimEnd().endsWith('$'), 'the shell prompt');
  });

  it('live eval: the cursor follows the run in flight, then the gate verdict, its exit code and the reports', async () => {
    const dir = join(work, 'live');
    mkdirSync(dir, { recursive: true });
    const t = shell(100, 30);
    type(
      t,
      `cd ${dir} && ${liveCli} --scenarios ${join(repo, 'scenarios')} --scenario oom-crashloop --model baseline --model persona:careful --model persona:eager --concurrency 1; echo "EXIT=$?"`,
    );
    const ended = await waitFor(t, (s) => /3\/3 +0 running/.test(s), 'every run to end');
    // Before, with nothing running the cursor went back to row 1; it stays on the run that ended last.
    expect(ended).toMatch(/› ⊘ oom-crashloop × persona:eager #0/);
    const done = await waitFor(t, (s) => s.includes('gate: OK · exit 0'), 'the gate verdict');
    expect(done).toMatch(/3\/3 +0 running +took \d/);
    expect(done).toContain(
      'reports: reports/eval-report.json, reports/eval-junit.xml, reports/eval-summary.md',
    );
    await press(t, 'q');
    const after = await waitFor(
      t,
      (s) => /EXIT=\d/.test(s),
      'the shell prompt (the exit code, not the typed echo)',
    );
    expect(after).toContain('EXIT=0');
    // What sre-eval prints stays in the terminal.
    expect(after).toContain('gate: OK (every rail held; agents met their expectations)');
    for (const f of ['eval-report.json', 'eval-junit.xml', 'eval-summary.md'])
      expect(existsSync(join(dir, 'reports', f))).toBe(true);
  });

  it('live eval with --approve at 80×24: the whole call in the panel, and exit 1 when the gate fails', async () => {
    const t = shell(80, 24);
    type(
      t,
      `cd ${work} && ${liveCli} --scenarios ${join(repo, 'scenarios')} --scenario oom-crashloop --model baseline --approve --person e2e; echo "EXIT=$?"`,
    );
    const asking = await waitFor(t, (s) => s.includes('Approval needed'), 'the approval panel');
    // The head names the tool in full (it was cut to "set_r…"), and the panel uses the rows the
    // view below can spare: the target's state is on the first screen (it was 3 lines below).
    expect(asking).toMatch(
      /wants to run\s+(set_resources|restart_deployment|rollback_deployment|scale_deployment|set_image|restart_pod)\n/,
    );
    expect(asking.split('\n').find((l) => l.startsWith('Approval needed'))).not.toContain('…');
    expect(asking).toContain('target now:');
    // Deny every mutation: the baseline cannot fix the incident, so its run fails the gate.
    let screen = asking;
    for (let i = 0; i < 20 && !screen.includes('gate:'); i++) {
      if (screen.includes('Approval needed')) await press(t, 'd');
      await new Promise((r) => setTimeout(r, 300));
      screen = tmux('capture-pane', '-p', '-t', t);
    }
    const failed = await waitFor(t, (s) => s.includes('gate: FAILED · exit 1'), 'the failed gate');
    expect(failed).toMatch(/- baseline passed 0\/1 runs/);
    await press(t, 'q');
    const after = await waitFor(
      t,
      (s) => /EXIT=\d/.test(s),
      'the shell prompt (the exit code, not the typed echo)',
    );
    expect(after).toContain('EXIT=1');
  });

  it('keeps Ink out of the static import graph of the bin', () => {
    // Headless runs must not pay for React: only the interactive chunk (imported dynamically) may name ink.
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(appDir, 'dist', file), 'utf8');
      expect(text).not.toMatch(/from ["'](ink|react)["']/);
      for (const m of text.matchAll(/^import[^;]*?from ["']\.\/([^"']+)["']/gm)) visit(m[1]!);
    };
    visit('cli.js');
    expect(readFileSync(cli, 'utf8')).toMatch(/import\(["']\.\/interactive-[^"']+\.js["']\)/);
  });

  it('prints plain lines when its output is piped', async () => {
    const t = shell(100, 30);
    type(t, `node ${cli} --trace ${fixture} | tail -n 3; echo "EXIT=$?"`);
    const out = await waitFor(t, (s) => s.includes('EXIT=0'), 'the command to end');
    expect(out).toContain('demo-restart × scripted #1: completed, steps 3/6');
    expect(out).not.toContain('q quit');
  });
});

if (!hasTmux) {
  describe('the built binary in tmux', () => {
    it.skip('SKIPPED: tmux is not installed (scripts/ensure-test-tools.sh installs it)', () => {});
  });
}
