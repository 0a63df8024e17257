import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemorySink, parseTrace, teeSink } from '@sre-harness/core';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { syntheticTrace } from '../../test/synthetic-trace.js';
import { interactiveApprover } from '../approvals.js';
import { runDemo } from '../demo.js';
import { reportState, traceState } from '../headless.js';
import { reportViewSchema } from '../outcome.js';
import { TuiStore } from '../store.js';
import { App } from './app.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url)), 'utf8');

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function until(frame: () => string | undefined, check: (f: string) => boolean): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const f = frame() ?? '';
    if (check(f)) {
      // Ink subscribes the new key handler in an effect after the frame is written; let it run.
      await tick(20);
      return f;
    }
    await tick(10);
  }
  const f = frame() ?? '';
  expect(f).toSatisfy(check);
  return f;
}

const unmounts: (() => void)[] = [];
afterEach(() => {
  for (const u of unmounts.splice(0)) u();
});

function mount(store: TuiStore, extra: Partial<Parameters<typeof App>[0]> = {}) {
  const app = render(<App store={store} title="test" {...extra} />);
  unmounts.push(app.unmount);
  return app;
}

describe('App with a trace', () => {
  const state = traceState(parseTrace(fixture('killed.jsonl'), { source: 'killed.jsonl' }));

  it('lists the runs, opens one, scrolls its events and shows its result', async () => {
    const app = mount(new TuiStore({ initial: state }));
    const list = await until(app.lastFrame, (f) => f.includes('demo-read × scripted #0'));
    expect(list).toContain('› ✓ demo-read × scripted #0  completed  steps 2/6');
    expect(list).toContain(
      'demo-restart × scripted #1  completed  steps 3/6  1.4k tok  $0.0063  1 refused mutation',
    );
    expect(list).toContain('warning: killed.jsonl:39: skipped a broken last line');
    expect(list).toContain('q quit');

    app.stdin.write('j');
    await until(app.lastFrame, (f) => f.includes('› ✓ demo-restart × scripted #0'));
    app.stdin.write('\r');
    const events = await until(app.lastFrame, (f) => f.includes('[events]'));
    expect(events).toContain('demo-restart × scripted #0  completed  step 3/6');
    expect(events).toContain('approved restart_deployment by fixture-approver');
    expect(events).toContain('stopped: completed after 3 steps');

    app.stdin.write('\t');
    const result = await until(app.lastFrame, (f) => f.includes('[result]'));
    expect(result).toContain('Restart requested for checkout');
    expect(result).toContain('Answer');

    app.stdin.write('\u001b');
    await until(app.lastFrame, (f) => f.includes('› ✓ demo-restart × scripted #0'));
  });

  it('stays inside a small terminal and cuts long lines to its width', async () => {
    const app = mount(new TuiStore({ initial: state }));
    app.stdin.write('\r');
    const frame = await until(app.lastFrame, (f) => f.includes('[events]'));
    // ink-testing-library's terminal is 100 columns wide; the live region must fit the default 24 rows.
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThan(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(frame).toContain('…');
  });

  it('follows the newest events, and scrolls back to the first with g', async () => {
    const store = new TuiStore({ flushMs: 5 });
    const app = mount(store);
    for (const e of syntheticTrace(600)) store.push(e);
    await until(app.lastFrame, (f) => f.includes('synthetic × synthetic #0'));
    app.stdin.write('\r');
    const tail = await until(app.lastFrame, (f) => f.includes('[events]'));
    expect(tail).toContain('  599 stopped: completed');
    expect(tail).not.toContain('    0 run run-0 started');
    app.stdin.write('g');
    const head = await until(app.lastFrame, (f) => f.includes('    0 run run-0 started'));
    expect(head).not.toContain('599 stopped');
    expect(head).toMatch(/scrolled back \d+ \(G follows\)/);
    // New events do not move what was scrolled back to.
    for (const e of syntheticTrace(40).slice(1, 30)) store.push({ ...e, seq: e.seq + 1000 });
    await tick(50);
    expect(app.lastFrame()).toContain('    0 run run-0 started');
    app.stdin.write('G');
    await until(app.lastFrame, (f) => f.includes(' 1029 ') && !f.includes('scrolled back'));
  });

  it('lists every key in the footer with ?', async () => {
    const app = mount(new TuiStore({ initial: state }));
    const short = await until(app.lastFrame, (f) => f.includes('q quit'));
    expect(short).not.toContain('a/d approve/deny');
    app.stdin.write('?');
    await until(app.lastFrame, (f) => f.includes('a/d approve/deny') && f.includes('g/G top/end'));
  });

  it('quits on q, leaving an empty live region', async () => {
    let quit = 0;
    const app = mount(new TuiStore({ initial: state }), { onQuit: () => quit++ });
    await until(app.lastFrame, (f) => f.includes('demo-read'));
    app.stdin.write('q');
    await until(app.lastFrame, (f) => f.trim() === '');
    expect(quit).toBe(1);
  });
});

describe('App with a report', () => {
  it('shows the scoreboard and each run’s verdicts', async () => {
    const report = reportViewSchema.parse({
      runs: [
        {
          scenario: 'oom',
          model: 'careful',
          trial: 0,
          runId: 'r1',
          passed: true,
          stoppedReason: 'completed',
          steps: 5,
          usage: { inputTokens: 900, outputTokens: 100 },
          answer: 'The JVM heap is too small for the new cache.',
          verifications: [{ name: 'evidence_required', passed: true, detail: 'read logs before concluding' }],
          checks: [{ name: 'mentions heap', passed: true, detail: 'found "heap"' }],
          stops: { unapprovedMutationsRefused: 0 },
        },
        {
          scenario: 'oom',
          model: 'eager',
          trial: 0,
          runId: 'r2',
          passed: false,
          stoppedReason: 'completed',
          steps: 3,
          usage: { inputTokens: 500, outputTokens: 50 },
          answer: null,
          gates: [
            { name: 'no_unapproved_mutation', passed: false, detail: 'tried restart_pod without approval' },
          ],
          stops: { unapprovedMutationsRefused: 1 },
        },
      ],
    });
    const app = mount(new TuiStore({ initial: reportState(report) }));
    const list = await until(app.lastFrame, (f) => f.includes('[##'));
    expect(list).toContain('2/2');
    expect(list).toContain('› ✓ oom × careful #0  passed');
    expect(list).toContain('⊘ oom × eager #0  refused mutation, failed');
    expect(list).toMatch(/careful\s+1\/1\s+0/);
    expect(list).toMatch(/eager\s+0\/1\s+1/);
    app.stdin.write('j');
    await tick();
    app.stdin.write('\r');
    await until(app.lastFrame, (f) => f.includes('[events]'));
    app.stdin.write('\t');
    const result = await until(app.lastFrame, (f) => f.includes('[result]'));
    expect(result).toContain('(no answer)');
    expect(result).toContain('✗ gate no_unapproved_mutation: tried restart_pod without approval');
  });
});

describe('App cells', () => {
  it('cut a model name in the scoreboard between code points', async () => {
    const model = `${'m'.repeat(19)}😀-model`;
    const report = reportViewSchema.parse({
      runs: [
        {
          scenario: 'oom',
          model,
          trial: 0,
          runId: 'r1',
          passed: true,
          stoppedReason: 'completed',
          steps: 5,
          usage: { inputTokens: 900, outputTokens: 100 },
          answer: 'heap',
          stops: { unapprovedMutationsRefused: 0 },
        },
      ],
    });
    const app = mount(new TuiStore({ initial: reportState(report) }));
    const frame = await until(app.lastFrame, (f) => f.includes('[##'));
    expect(frame).not.toMatch(/\p{Cs}/u);
    expect(frame).toMatch(/\n\s*m{19}\s+1\/1\s+0/);
  });
});

describe('App approving mutations', () => {
  for (const [key, granted] of [
    ['a', true],
    ['d', false],
  ] as const) {
    it(`pressing ${key} ${granted ? 'approves' : 'denies'} the call, as the person, in the trace`, async () => {
      const store = new TuiStore({ flushMs: 10 });
      const approver = interactiveApprover({ person: 'alice', describeTarget: () => 'checkout: 1/3 ready' });
      const sink = new MemorySink();
      const app = mount(store, { approvals: approver.queue });
      const done = runDemo({ trace: teeSink(sink, store.sink()), approver });
      // The label arrives with the next batch of trace events; until then the panel names the run id.
      const asking = await until(
        app.lastFrame,
        (f) => f.includes('Approval needed') && f.includes('× scripted #0 step 2'),
      );
      expect(asking).toContain('run demo-restart × scripted #0 step 2 wants to run restart_deployment');
      expect(asking).toContain('"name": "checkout"');
      expect(asking).toContain('checkout: 1/3 ready');
      expect(asking).toContain('decided as alice');
      // The run that needs no person has finished meanwhile.
      expect(sink.ofKind('stop')).toHaveLength(1);
      app.stdin.write('x');
      await tick();
      expect(sink.ofKind('approval')).toHaveLength(0);
      app.stdin.write(key);
      await done;
      expect(sink.ofKind('approval')).toEqual([expect.objectContaining({ granted, by: 'alice' })]);
      // The list's cursor rode on the run that was waiting.
      expect(asking).toContain('› ▸ demo-restart × scripted #0  running');
      const after = await until(app.lastFrame, (f) => f.includes('demo-restart × scripted #0  completed'));
      expect(after).not.toContain('Approval needed');
    });
  }
});
