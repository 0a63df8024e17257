import { type ApprovalRequest, callHash, TRACE_VERSION, type TraceEvent } from '@sre-harness/core';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { interactiveApprover } from '../approvals.js';
import { initialState, reduce } from '../state.js';
import { TuiStore } from '../store.js';
import { App } from './app.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

async function until(frame: () => string | undefined, check: (f: string) => boolean): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const f = frame() ?? '';
    if (check(f)) {
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

// What a hostile tool output or model can put in a string: an OSC 52 clipboard write (BEL- and
// ST-terminated), a CSI that would clear the screen, and the one-byte C1 CSI.
const OSC52 = '\x1b]52;c;cm0gLXJmIC8K\x07';
const OSC52_ST = '\x1b]52;c;ZWNobyBoaQ==\x1b\\';
const CSI = '\x1b[2J\x1b[H';
const C1_CSI = '\u009b31m';

function request(tool: string, args: unknown): ApprovalRequest {
  return {
    runId: 'run-1',
    callId: 'call-1',
    step: 3,
    tool,
    args,
    argsHash: callHash(tool, args),
    task: 'fix checkout',
    signal: new AbortController().signal,
  };
}

/** The app with one call waiting for alice; resolves with the decision once she answers. */
function ask(args: unknown, target: string | undefined, tool = 'set_env') {
  const approver = interactiveApprover({ person: 'alice', describeTarget: () => target });
  const app = render(<App store={new TuiStore()} title="test" approvals={approver.queue} />);
  unmounts.push(app.unmount);
  const decision = approver(request(tool, args));
  return { app, decision, queue: approver.queue };
}

describe('the approval panel', () => {
  it('shows terminal control sequences in the arguments and the target as visible escapes', async () => {
    const { app } = ask(
      { namespace: 'shop', name: 'checkout', note: `${OSC52}${CSI}${C1_CSI}red` },
      `deployment checkout: 1/3 ready\nlast log line: ${OSC52_ST}${CSI}${C1_CSI}done\x7f`,
    );
    const frame = await until(app.lastFrame, (f) => f.includes('target now:'));
    for (const f of app.frames) {
      expect(f).not.toContain('\x1b');
      expect(f).not.toContain('\x07');
      expect(f).not.toContain('\u009b');
      expect(f).not.toContain('\x7f');
    }
    // The arguments are JSON, where the model's ESC is already the text \u001b; the C1 CSI is not.
    expect(frame).toContain('"note": "\\u001b]52;c;cm0gLXJmIC8K\\u0007\\u001b[2J\\u001b[H\\u009b31mred"');
    expect(frame).toContain('last log line: ␛]52;c;ZWNobyBoaQ==␛\\␛[2J␛[H\\u009b31mdone␡');
  });

  it('masks secrets in the arguments and in the target, as the harness does', async () => {
    const { app, decision, queue } = ask(
      { name: 'checkout', env: ['PASSWORD=hunter2hunter2'] },
      'env:\n    PASSWORD=hunter2hunter2\n    LOG_LEVEL=debug',
    );
    const frame = await until(app.lastFrame, (f) => f.includes('LOG_LEVEL=debug'));
    expect(frame).not.toContain('hunter2');
    expect(frame).toContain('"PASSWORD=<redacted>"');
    expect(frame).toContain('    PASSWORD=<redacted>');
    // The answer still binds to the exact call, which the panel names by its hash.
    const [pending] = queue.getSnapshot();
    expect(frame).toContain(`argsHash: ${pending!.request.argsHash}`);
    app.stdin.write('d');
    expect(await decision).toMatchObject({ granted: false, by: 'alice' });
  });

  it('scrolls a call longer than the panel, and approves only once all of it was on screen', async () => {
    const env = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`VAR_${i}`, `value-${i}`]));
    const { app, decision } = ask(
      { namespace: 'shop', name: 'checkout', env },
      'deployment checkout: 3/3 ready',
    );
    const first = await until(app.lastFrame, (f) => f.includes('Approval needed'));
    expect(first).toContain('"namespace": "shop"');
    expect(first).not.toContain('"VAR_29": "value-29"');
    expect(first).not.toContain('3/3 ready');
    // The panel takes the rows the view below can spare (24 rows: 16 lines of the call, not 12).
    expect(first).toMatch(/lines 1–16 of 41, 25 more below/);

    // Approving before reading to the end does nothing but say why.
    app.stdin.write('a');
    await until(app.lastFrame, (f) => f.includes('scroll to the end of the call (G) before approving'));

    app.stdin.write('j');
    await until(app.lastFrame, (f) => /lines 2–17 of 41/.test(f));
    app.stdin.write('\x1b[6~'); // PgDn
    await until(app.lastFrame, (f) => /lines 17–32 of 41/.test(f));
    app.stdin.write('\x1b[5~'); // PgUp
    await until(app.lastFrame, (f) => /lines 2–17 of 41/.test(f));
    for (let i = 0; i < 40; i++) app.stdin.write('\x1b[B'); // ↓, past the end
    const end = await until(app.lastFrame, (f) => f.includes('3/3 ready'));
    expect(end).toMatch(/lines 26–41 of 41 \(end\)/);
    expect(end).toContain('"VAR_29": "value-29"');
    expect(end).not.toContain('"namespace": "shop"');

    app.stdin.write('a');
    expect(await decision).toMatchObject({ granted: true, by: 'alice' });
  });

  it('lets a call that fits be approved straight away, movement keys still moving the list', async () => {
    const { app, decision } = ask({ namespace: 'shop', name: 'checkout' }, 'deployment checkout: 1/3 ready');
    const frame = await until(app.lastFrame, (f) => f.includes('1/3 ready'));
    expect(frame).not.toContain('lines 1–');
    expect(frame).toContain('tool: set_env');
    app.stdin.write('a');
    expect(await decision).toMatchObject({ granted: true });
  });
});

describe('text from a trace', () => {
  const ts = '2026-01-01T00:00:00.000Z';
  const events: TraceEvent[] = [
    {
      v: TRACE_VERSION,
      seq: 0,
      ts,
      runId: 'r1',
      kind: 'run_start',
      task: `investigate ${CSI}checkout`,
      tools: [],
      allow: [],
      maxSteps: 5,
      meta: { scenario: `evil${CSI}`, model: 'm', trial: 0 },
    },
    {
      v: TRACE_VERSION,
      seq: 1,
      ts,
      runId: 'r1',
      kind: 'tool_result',
      step: 1,
      callId: 'c1',
      tool: 'get_logs',
      output: `line one ${OSC52} line two`,
      chars: 40,
      truncated: false,
      durationMs: 3,
    },
    {
      v: TRACE_VERSION,
      seq: 2,
      ts,
      runId: 'r1',
      kind: 'final',
      step: 2,
      answer: `Restarted.\n${OSC52}${CSI}${C1_CSI}Done.`,
    },
  ];

  it('reaches the terminal escaped, in the events and in the answer', async () => {
    const state = reduce(initialState, { type: 'events', events });
    const app = render(<App store={new TuiStore({ initial: state })} title="test" />);
    unmounts.push(app.unmount);
    const list = await until(app.lastFrame, (f) => f.includes('× m #0'));
    expect(list).toContain('evil␛[2J␛[H × m #0');
    app.stdin.write('\r');
    const trace = await until(app.lastFrame, (f) => f.includes('get_logs'));
    expect(trace).toContain('line one ␛]52;c;cm0gLXJmIC8K␇ line two');
    expect(trace).toContain('investigate ␛[2J␛[Hcheckout');
    app.stdin.write('\t');
    const result = await until(app.lastFrame, (f) => f.includes('Restarted.'));
    expect(result).toContain('␛]52;c;cm0gLXJmIC8K␇␛[2J␛[H\\u009b31mDone.');
    for (const f of app.frames) {
      expect(f).not.toContain('\x1b');
      expect(f).not.toContain('\x07');
      expect(f).not.toContain('\u009b');
    }
  });
});
