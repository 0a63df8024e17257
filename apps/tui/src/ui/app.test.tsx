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
import { MAX_RUN_LINES, reduce } from '../state.js';
import { TuiStore } from '../store.js';
import { App } from './app.js';
import { KEY_HELP } from './keys.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../__fixtures__/${name}`, import.meta.url)), 'utf8');

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

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
    // Columns under a header: the run, its result, steps, tokens, cost, time.
    expect(list).toMatch(/ {4}RUN \(scenario × model #trial\) +RESULT +STEPS +TOKENS +COST +TIME/);
    expect(list).toMatch(/› ✓ demo-read × scripted #0 +completed +2\/6 +960 +\$0\.0042/);
    expect(list).toMatch(/ {2}⊘ demo-restart × scripted #1 +completed, 1 refused +3\/6 +1\.4k +\$0\.0063/);
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

  it('lists every key with ?, one binding per line, each in full', async () => {
    const app = mount(new TuiStore({ initial: state }));
    const short = await until(app.lastFrame, (f) => f.includes('q quit'));
    expect(short).not.toContain('a/d');
    app.stdin.write('?');
    const help = await until(app.lastFrame, (f) => f.includes('Keys (esc or ? closes this help)'));
    for (const h of KEY_HELP) {
      expect(help).toContain(h.keys);
      // The first words of what it does, on the same line as the keys.
      expect(help).toMatch(new RegExp(`${escapeRe(h.keys)} +${escapeRe(h.does.split(' ')[0]!)}`));
    }
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    app.stdin.write('\u001b');
    await until(app.lastFrame, (f) => f.includes('demo-read') && !f.includes('Keys ('));
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
    expect(list).toMatch(/› ✓ oom × careful #0 +passed/);
    // Failed with a refused mutation: a failure (✗), not the ⊘ of a run that passed with a refusal.
    expect(list).toMatch(/ {2}✗ oom × eager #0 +failed, 1 refused/);
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
    expect(frame).toMatch(/\n\s*m{19}…?\s+1\/1\s+0/);
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
      expect(asking).toMatch(/› ▸ demo-restart × scripted #0 +running/);
      const after = await until(app.lastFrame, (f) => /demo-restart × scripted #0 +completed/.test(f));
      expect(after).not.toContain('Approval needed');
    });
  }
});

function outcomeOf(over: Record<string, unknown>) {
  return {
    scenario: 'oom',
    model: 'careful',
    trial: 0,
    runId: 'r',
    passed: true,
    stoppedReason: 'completed',
    steps: 5,
    usage: { inputTokens: 900, outputTokens: 100 },
    answer: 'heap',
    stops: { unapprovedMutationsRefused: 0 },
    ...over,
  };
}

describe('App result pane', () => {
  it('wraps a verdict under its head without losing a word', async () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    const report = reportViewSchema.parse({
      runs: [
        outcomeOf({
          passed: false,
          gates: [{ name: 'no_unapproved_mutation', passed: false, detail: `${words.join(' ')} END` }],
        }),
      ],
    });
    const app = mount(new TuiStore({ initial: reportState(report) }));
    await until(app.lastFrame, (f) => f.includes('oom × careful'));
    app.stdin.write('\r');
    await until(app.lastFrame, (f) => f.includes('[events]'));
    app.stdin.write('\t');
    const result = await until(app.lastFrame, (f) => f.includes('[result]'));
    const shown = new Set(result.split(/\s+/));
    // Before, the detail was wrapped to width-6 and then ~35 characters of head put before its
    // first line, which the line's cut to the width lost.
    expect(words.filter((w) => !shown.has(w))).toEqual([]);
    expect(shown.has('END')).toBe(true);
    expect(result).not.toContain('…');
  });
});

describe('App like k9s', () => {
  const names = ['oom-crashloop', 'disk-full', 'dns-broken', 'oom-killer'];
  const report = reportViewSchema.parse({
    runs: names.map((scenario, i) =>
      outcomeOf({
        scenario,
        runId: `r${i}`,
        passed: i % 2 === 0,
        steps: 10 - i,
        stops: { unapprovedMutationsRefused: i === 2 ? 3 : 0 },
      }),
    ),
  });

  it('filters rows with / (esc clears), sorts with s, jumps between failures with n/N', async () => {
    const app = mount(new TuiStore({ initial: reportState(report) }));
    await until(app.lastFrame, (f) => f.includes('oom-killer'));
    app.stdin.write('/');
    app.stdin.write('oom');
    const filtered = await until(app.lastFrame, (f) => f.includes('filter /oom_ (2 of 4)'));
    expect(filtered).toContain('oom-crashloop × careful');
    expect(filtered).toContain('oom-killer × careful');
    expect(filtered).not.toContain('disk-full × careful');
    app.stdin.write('\r');
    await until(app.lastFrame, (f) => f.includes('filter /oom (2 of 4)'));
    app.stdin.write('\u001b');
    await until(app.lastFrame, (f) => f.includes('disk-full × careful') && !f.includes('filter /'));

    app.stdin.write('s');
    const byState = await until(app.lastFrame, (f) => f.includes('sort: state ▼'));
    expect(byState).toMatch(/RESULT▼/);
    // Failures first: the two failed runs, then the ones that passed (one with refusals).
    const order = byState.split('\n').filter((l) => /[✓✗⊘] \S+ × careful/.test(l));
    expect(order.map((l) => l.match(/[✓✗⊘]/)![0])).toEqual(['✗', '✗', '⊘', '✓']);
    for (const _ of [1, 2, 3]) app.stdin.write('s');
    await until(app.lastFrame, (f) => f.includes('sort: steps ▼'));
    app.stdin.write('s');
    app.stdin.write('s');
    app.stdin.write('s');
    app.stdin.write('s');
    await until(app.lastFrame, (f) => !f.includes('sort:'));

    app.stdin.write('n');
    await until(app.lastFrame, (f) => /› ✗ disk-full × careful/.test(f));
    app.stdin.write('n');
    await until(app.lastFrame, (f) => /› ✗ oom-killer × careful/.test(f));
    app.stdin.write('N');
    await until(app.lastFrame, (f) => /› ✗ disk-full × careful/.test(f));
  });

  it('opens one event whole with enter, scrolls it, and goes back with esc', async () => {
    const store = new TuiStore({ flushMs: 5 });
    const app = mount(store);
    const events = syntheticTrace(40);
    const long = events.findIndex((e) => e.kind === 'tool_result');
    const output = Array.from({ length: 60 }, (_, i) => `log line ${i}`).join('\n');
    for (const [i, e] of events.entries()) store.push(i === long ? ({ ...e, output } as typeof e) : e);
    await until(app.lastFrame, (f) => f.includes('synthetic × synthetic #0'));
    app.stdin.write('\r');
    await until(app.lastFrame, (f) => f.includes('[events]'));
    app.stdin.write('g');
    for (let i = 0; i < long; i++) app.stdin.write('j');
    await until(app.lastFrame, (f) => new RegExp(`›\\s+${events[long]!.seq} `).test(f));
    app.stdin.write('\r');
    const detail = await until(app.lastFrame, (f) => f.includes(`event ${events[long]!.seq}`));
    expect(detail).toContain('output:');
    expect(detail).toContain('  log line 0');
    expect(detail).toMatch(/lines 1–\d+ of \d+, \d+ more below/);
    app.stdin.write('G');
    const end = await until(app.lastFrame, (f) => f.includes('(end)'));
    expect(end).toContain('  log line 59');
    app.stdin.write('\u001b');
    await until(app.lastFrame, (f) => f.includes('[events]'));
  });

  it('shows elapsed time and ETA while a live eval runs, then the gate verdict and exit code', async () => {
    let now = 1_000_000;
    const store = new TuiStore({ flushMs: 5 });
    const app = mount(store, { clock: () => now });
    const rows = [0, 1, 2, 3].map((trial) => ({
      key: `oom/careful/${trial}`,
      runId: `oom/careful/${trial}`,
      scenario: 'oom',
      model: 'careful',
      trial,
    }));
    store.dispatch({ type: 'plan', rows, at: now });
    store.dispatch({ type: 'run_started', key: rows[0]!.key, at: now });
    now += 30_000;
    store.dispatch({
      type: 'run_finished',
      key: rows[0]!.key,
      outcome: outcomeOf({ runId: rows[0]!.key, wallMs: 30_000 }) as never,
    });
    const live = await until(app.lastFrame, (f) => f.includes('1/4'));
    // 30 s for one run of four: 90 s to go.
    expect(live).toMatch(/elapsed 30s +ETA 1m30s/);
    expect(live).toMatch(/oom × careful #0 +passed +5 +1\.0k +30s/);
    store.dispatch({
      type: 'eval_done',
      at: now,
      verdict: {
        verdict: 'failed',
        exitCode: 1,
        reasons: ['careful passed 1/4 runs (25%), below the required 100%'],
        files: ['reports/eval-report.json'],
      },
    });
    const done = await until(app.lastFrame, (f) => f.includes('gate: FAILED · exit 1'));
    expect(done).toContain('  - careful passed 1/4 runs (25%), below the required 100%');
    expect(done).toContain('reports: reports/eval-report.json');
  });

  it('names every model of the scoreboard, with "+N more" when they do not fit', async () => {
    const models = Array.from({ length: 14 }, (_, i) => `model-${String(i).padStart(2, '0')}`);
    const many = reportViewSchema.parse({
      runs: models.map((model, i) => outcomeOf({ model, runId: `r${i}` })),
    });
    const app = mount(new TuiStore({ initial: reportState(many) }));
    const frame = await until(app.lastFrame, (f) => f.includes('[##'));
    const lines = frame.split('\n');
    const more = lines.find((l) => l.startsWith('+'));
    expect(more).toMatch(/^\+\d+ more models: /);
    for (const m of models) {
      expect(lines.some((l) => l.startsWith(`${m} `)) || more!.includes(m), m).toBe(true);
    }
    expect(lines.length).toBeLessThan(24);
  });

  it('says where a report run’s trace was looked for when it is not found', async () => {
    const state = reduce(
      reportState(reportViewSchema.parse({ runs: [outcomeOf({ runId: 'r0', tracePath: '/gone/t.jsonl' })] })),
      { type: 'trace_notes', notes: { r0: 'trace not found; looked for /gone/t.jsonl, /here/t.jsonl' } },
    );
    const app = mount(new TuiStore({ initial: state }));
    await until(app.lastFrame, (f) => f.includes('oom × careful'));
    app.stdin.write('\r');
    const open = await until(app.lastFrame, (f) => f.includes('[events]'));
    expect(open).toContain('trace not found; looked for /gone/t.jsonl, /here/t.jsonl');
    expect(open).not.toContain('no trace recorded');
  });

  it('says how many old events a long run dropped', async () => {
    const store = new TuiStore({ flushMs: 5 });
    const app = mount(store);
    for (const e of syntheticTrace(MAX_RUN_LINES + 500)) store.push(e);
    await until(app.lastFrame, (f) => f.includes('synthetic × synthetic #0'));
    app.stdin.write('\r');
    const frame = await until(app.lastFrame, (f) => f.includes('[events]'));
    expect(frame).toMatch(/500 earlier events dropped \(the UI keeps the newest 5000/);
  });
});
