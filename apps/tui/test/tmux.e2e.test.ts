import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrace } from '@sre-harness/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(appDir, 'dist', 'cli.js');
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
    expect(frameOf(small).length).toBeLessThanOrEqual(14);
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
    await waitFor(t, (s) => s.includes('demo-restart × scripted #0  completed'), 'the run to finish');
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
    await waitFor(t, (s) => s.includes('demo-restart × scripted #0  running'), 'a running run');
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
