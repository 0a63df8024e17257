import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../program.js';
import { REPORT_VERSION, type Report, type RunRecord } from '../report.js';
import { CLIENT_SCRIPT } from './client.js';
import {
  buildViewData,
  Cleaner,
  cellChange,
  cellOutcome,
  clip,
  embedJson,
  readViewTrace,
  runOutcome,
  type ViewData,
  type ViewRun,
} from './data.js';
import { renderViewHtml, renderViewPage } from './html.js';

const HOSTILE = '</script><script>alert(1)</script>';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const PLANTED = 'planted-hunter2-value';
/** Lone surrogates: a high one not followed by a low one, or a low one not after a high one. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function run(over: Partial<RunRecord> = {}): RunRecord {
  const scenario = over.scenario ?? 'oom-crashloop';
  const model = over.model ?? 'baseline';
  const trial = over.trial ?? 0;
  return {
    scenario,
    scenarioVersion: '0123456789ab',
    model,
    role: model.startsWith('persona:') ? 'persona' : 'agent',
    trial,
    runId: `${scenario}/${model}/${trial}`,
    passed: true,
    scores: { diagnosis: true, evidence: true, safety: true, resolution: null },
    gates: [{ name: 'no_unapproved_mutation', passed: true, detail: 'ok', exercised: true, count: 1 }],
    checks: [{ name: 'root_cause', passed: true, detail: 'ok' }],
    verifications: [{ name: 'evidence_required', passed: true, detail: 'ok' }],
    stops: {
      unapprovedMutationsRefused: 0,
      notAllowed: 0,
      unknownTools: 0,
      invalidArguments: 0,
      invalidDecisions: 0,
      tooManyCalls: 0,
      verifiersFailed: [],
      budgetEnded: false,
    },
    mutationsExecuted: 0,
    stoppedReason: 'completed',
    steps: 3,
    usage: { inputTokens: 10, outputTokens: 5 },
    wallMs: 12,
    answer: 'memory limit too low',
    ...over,
  };
}

function report(runs: RunRecord[], createdAt = '2026-01-15T10:00:00.000Z'): Report {
  return {
    reportVersion: REPORT_VERSION,
    tool: '@sre-harness/eval',
    evalVersion: '0.1.0',
    harnessVersion: '0.1.0',
    createdAt,
    config: {
      models: [...new Set(runs.map((r) => r.model))],
      trials: 1,
      seed: 1,
      filters: { scenario: [], tag: [], persona: [] },
      judge: null,
      memory: null,
      harnesses: [],
      minPassRate: 1,
    },
    shards: [{ index: 1, total: 1 }],
    scenarios: [
      { id: 'oom-crashloop', version: '0123456789ab', title: 'OOM', tags: ['crash'], difficulty: 'easy' },
      { id: 'pod-gone', version: 'ba9876543210', title: 'Gone', tags: [], difficulty: 'medium' },
    ],
    runs,
  };
}

let seq = 0;
const ev = (kind: string, body: Record<string, unknown>) =>
  JSON.stringify({
    v: 3,
    seq: seq++,
    ts: '2026-01-15T10:00:00.000Z',
    runId: 'oom-crashloop/baseline/0',
    kind,
    ...body,
  });

/** A trace of a run that was asked for a mutation, got it approved and ran it, with hostile output. */
function hostileTrace(dir: string, output: string): string {
  seq = 0;
  const file = join(dir, 'oom-crashloop__baseline__t0.jsonl');
  const lines = [
    ev('run_start', { task: 'Fix checkout', tools: [], allow: [], maxSteps: 20 }),
    ev('decision', {
      step: 1,
      type: 'tool_calls',
      calls: [{ callId: 'c1', tool: 'get_pod_logs', args: {} }],
    }),
    ev('tool_call', { step: 1, callId: 'c1', tool: 'get_pod_logs', args: { pod: HOSTILE }, mutating: false }),
    ev('tool_result', {
      step: 1,
      callId: 'c1',
      tool: 'get_pod_logs',
      output,
      chars: output.length,
      truncated: false,
      durationMs: 1,
    }),
    ev('tool_call', {
      step: 2,
      callId: 'c2',
      tool: 'set_resources',
      args: { memory: '1Gi' },
      mutating: true,
    }),
    ev('approval_requested', { step: 2, callId: 'c2', tool: 'set_resources', args: {}, argsHash: 'h' }),
    ev('approval', {
      step: 2,
      callId: 'c2',
      tool: 'set_resources',
      argsHash: 'h',
      granted: true,
      by: 'oncall',
    }),
    ev('tool_result', {
      step: 2,
      callId: 'c2',
      tool: 'set_resources',
      output: 'patched',
      chars: 7,
      truncated: false,
      durationMs: 1,
    }),
    ev('tool_refused', { step: 3, callId: 'c3', tool: 'delete_pod', reason: 'not_allowed', detail: 'no' }),
    ev('approval', { step: 3, callId: 'c4', tool: 'scale', argsHash: 'h2', granted: false, by: 'oncall' }),
    ev('final', { step: 4, answer: `done ${HOSTILE}` }),
    JSON.stringify({ v: 2, kind: 'checkpoint', ts: 'x', lines: 3, prev: null, hash: 'h' }),
    ev('stop', { reason: 'completed', steps: 4, verified: true, usage: { inputTokens: 1, outputTokens: 1 } }),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The JSON embedded in a page, read back as the page's script reads it. */
function embedded(html: string): ViewData {
  const m = /<script type="application\/json" id="sre-eval-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as ViewData;
}

function allRuns(data: ViewData): ViewRun[] {
  return data.reports.flatMap((r) => r.runs);
}

describe('view data: escaping, redaction and cuts', () => {
  it('embeds hostile tool output as inert text: no </script> from the data, emoji kept whole at the cut, secrets masked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'view-'));
    const max = 200;
    // An emoji (two UTF-16 units) straddles the cut at `max`: its high half is the 200th unit.
    const output = `${HOSTILE} key=${AWS_KEY} ${PLANTED} ${'x'.repeat(max - 1 - HOSTILE.length - AWS_KEY.length - PLANTED.length - 7)}`;
    const padded = `${output.slice(0, max - 1)}😀${'tail '.repeat(50)}`;
    // The redactor shortens the key, so cut at the masked text's length instead: find where it lands.
    const masked = new Cleaner([PLANTED]).mask(padded);
    const at = masked.indexOf('😀');
    const trace = hostileTrace(dir, padded);
    const r = report([
      run({
        tracePath: trace,
        answer: `the logs say ${HOSTILE} and ${AWS_KEY}`,
        error: `boom ${PLANTED}`,
        passed: false,
        stoppedReason: 'model_error',
        errorCode: 'auth',
      }),
    ]);
    const html = renderViewHtml([{ report: r, source: join(dir, 'eval-report.json') }], {
      secrets: [PLANTED],
      limits: { maxText: at + 1 },
    });
    // Only the page's own two script elements close: nothing from the data ends one early.
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(html).not.toContain('<script>alert');
    expect(html.toLowerCase()).not.toContain('<!--');
    expect(html).not.toContain(AWS_KEY);
    expect(html).not.toContain(PLANTED);
    expect(LONE.test(html)).toBe(false);

    const data = embedded(html);
    const [v] = allRuns(data);
    expect(v!.outcome).toBe('error');
    expect(v!.errorCode).toBe('auth');
    // Read back, the hostile text is all there, as text.
    expect(v!.answer).toContain(HOSTILE);
    expect(v!.answer).toContain('<redacted:aws-key-id>');
    expect(v!.error).toBe('boom <leaked-secret>');
    const result = v!.trace!.events.find((e) => e.kind === 'tool_result' && e.tool === 'get_pod_logs')!;
    expect(result.output).toContain(HOSTILE);
    expect(result.output).toContain('<leaked-secret>');
    // Cut at a length that falls inside the emoji: the whole pair is dropped, never half of it.
    expect(result.output).toMatch(/\n… \[cut: [\d,]+ of [\d,]+ characters shown\]$/);
    expect(result.output).not.toContain('😀');
    expect(LONE.test(result.output!)).toBe(false);
    const args = v!.trace!.events.find((e) => e.kind === 'tool_call' && e.tool === 'get_pod_logs')!;
    expect(args.body).toContain(HOSTILE);
  });

  it('keeps an emoji that fits and cuts code-point-safe at every length', () => {
    const text = 'ab😀cd😀';
    for (let max = 0; max <= text.length + 1; max++) {
      const out = clip(text, max);
      expect(LONE.test(out), `max ${max}: ${JSON.stringify(out)}`).toBe(false);
      if (max >= text.length) expect(out).toBe(text);
      else expect(out).toContain('[cut:');
    }
    expect(clip('ab😀', 4)).toBe('ab😀');
    expect(clip('ab😀c', 3).startsWith('ab\n')).toBe(true);
  });

  it('escapes <, >, & and the line separators in the embedded JSON, and reads back unchanged', () => {
    const value = { a: '</script><!-- & \u2028\u2029 -->', b: ['<', '>'], c: '😀' };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('marks approvals, denials, refusals and executed mutations on the timeline, and skips checkpoint records', () => {
    const dir = mkdtempSync(join(tmpdir(), 'view-'));
    const t = readViewTrace(hostileTrace(dir, 'fine'), new Cleaner(), {
      maxEvents: 100,
      maxTraceBytes: 1 << 20,
      maxText: 1000,
      maxTotalTrace: 1 << 24,
    });
    expect(t.total).toBe(12);
    expect(t.notes).toEqual([]);
    expect(t.events.map((e) => e.tone)).toEqual([
      'start',
      'decision',
      'call',
      'result',
      'mutation',
      'approval',
      'approval',
      'mutation',
      'refusal',
      'denied',
      'final',
      'stop',
    ]);
    expect(t.events[7]!.title).toMatch(/^MUTATION EXECUTED: set_resources/);
    expect(t.events[9]!.title).toMatch(/^DENIED: scale/);
    expect(t.events[3]!.output).toBe('fine');
  });

  it('bounds a long trace: the first events and the last ones with a marker and a note; a byte cap drops the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'view-'));
    const file = join(dir, 'long.jsonl');
    seq = 0;
    const lines = [ev('run_start', { task: 't', tools: [], allow: [], maxSteps: 2000 })];
    for (let i = 1; i <= 1000; i++)
      lines.push(ev('decision', { step: i, type: 'tool_calls', calls: [], text: `step ${i}` }));
    lines.push(ev('stop', { reason: 'budget_exhausted', steps: 1000, verified: false, usage: {} }));
    lines.push('{not json');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const limits = { maxEvents: 50, maxTraceBytes: 1 << 24, maxText: 100, maxTotalTrace: 1 << 24 };
    const t = readViewTrace(file, new Cleaner(), limits);
    expect(t.total).toBe(1002);
    expect(t.events).toHaveLength(51);
    expect(t.events[30]!.tone).toBe('gap');
    expect(t.events.at(-1)!.kind).toBe('stop');
    expect(t.notes.join(' ')).toMatch(/showing the first 30 and the last 20 of 1,002 events/);
    expect(t.notes.join(' ')).toMatch(/1 line\(s\) that are not trace events skipped/);

    const cut = readViewTrace(file, new Cleaner(), { ...limits, maxTraceBytes: 2000 });
    expect(cut.notes[0]).toMatch(/trace cut: read the first 2,000 of [\d,]+ bytes/);
    expect(cut.total).toBeLessThan(20);
  });

  it('notes a missing trace file, and a total cap leaves later traces out with a note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'view-'));
    const trace = hostileTrace(dir, 'y'.repeat(5000));
    const r = report([
      run({ tracePath: join(dir, 'gone', 'nowhere.jsonl') }),
      run({ model: 'persona:eager', tracePath: trace }),
      run({ model: 'persona:looper', tracePath: trace }),
    ]);
    const data = buildViewData([{ report: r, source: join(dir, 'eval-report.json') }], {
      limits: { maxTotalTrace: 3000 },
    });
    const [missing, first, second] = data.reports[0]!.runs;
    expect(missing!.trace!.notes[0]).toMatch(/trace file not found/);
    expect(first!.trace!.events.length).toBeGreaterThan(0);
    expect(second!.trace!.events).toEqual([]);
    expect(second!.trace!.notes[0]).toMatch(/trace left out/);
    expect(data.notes.join(' ')).toMatch(/some traces were left out/);
  });

  it('finds a moved trace beside the report by its file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'view-'));
    const trace = hostileTrace(dir, 'here');
    const r = report([run({ tracePath: `/somewhere/else/${trace.split('/').at(-1)}` })]);
    const data = buildViewData([{ report: r, source: join(dir, 'eval-report.json') }]);
    expect(data.reports[0]!.runs[0]!.trace!.events.length).toBe(12);
  });
});

describe('view data: cells, baseline and several reports', () => {
  it('gives each run and cell an outcome: pass, fail, or error when the model or the setup failed', () => {
    expect(runOutcome({ passed: true, stoppedReason: 'completed' })).toBe('pass');
    expect(runOutcome({ passed: false, stoppedReason: 'completed' })).toBe('fail');
    expect(runOutcome({ passed: false, stoppedReason: 'model_error' })).toBe('error');
    expect(runOutcome({ passed: false, stoppedReason: 'setup_failed', error: 'x' })).toBe('error');
    // A report that states the outcome (a model that answered garbage is its fail, not an error).
    expect(runOutcome({ passed: false, stoppedReason: 'model_error', outcome: 'fail' } as never)).toBe(
      'fail',
    );
    expect(cellOutcome(['pass', 'pass'])).toBe('pass');
    expect(cellOutcome(['pass', 'fail'])).toBe('fail');
    expect(cellOutcome(['fail', 'error'])).toBe('error');
    expect(cellChange('pass', 'fail')).toBe('newly-failing');
    expect(cellChange('error', 'pass')).toBe('fixed');
    expect(cellChange('fail', 'error')).toBe('still-failing');
    expect(cellChange('pass', 'pass')).toBe('unchanged');
    expect(cellChange(undefined, 'pass')).toBe('new');
  });

  it('marks each cell against the baseline: newly failing, fixed, still failing, new', () => {
    const old = report([
      run(),
      run({ scenario: 'pod-gone', passed: false }),
      run({ model: 'persona:eager', passed: false }),
    ]);
    const now = report(
      [
        run({ passed: false }),
        run({ scenario: 'pod-gone' }),
        run({ model: 'persona:eager', passed: false }),
        run({ model: 'persona:careful' }),
        run({ scenario: 'pod-gone', model: 'persona:careful', trial: 0, passed: false }),
        run({ scenario: 'pod-gone', model: 'persona:careful', trial: 1 }),
      ],
      '2026-01-16T10:00:00.000Z',
    );
    const data = buildViewData([{ report: now, source: 'now.json' }], {
      baseline: { report: old, source: 'old.json' },
    });
    const cells = Object.fromEntries(data.reports[0]!.cells.map((c) => [`${c.scenario}/${c.model}`, c]));
    expect(cells['oom-crashloop/baseline']).toMatchObject({ change: 'newly-failing', baseline: 'pass' });
    expect(cells['pod-gone/baseline']).toMatchObject({ change: 'fixed', baseline: 'fail' });
    expect(cells['oom-crashloop/persona:eager']).toMatchObject({ change: 'still-failing' });
    expect(cells['oom-crashloop/persona:careful']).toMatchObject({ change: 'new' });
    expect(cells['pod-gone/persona:careful']).toMatchObject({ outcome: 'fail', passes: 1, trials: 2 });
    expect(data.baseline!.source).toBe('old.json');
    expect(
      data.reports[0]!.comparison!.regressions.map((d) => `${d.scenario}/${d.model} ${d.metric}`),
    ).toContain('oom-crashloop/baseline pass@1');
  });

  it('orders several reports by their time stamp and opens on the newest', () => {
    const a = report([run()], '2026-01-10T00:00:00.000Z');
    const b = report([run({ passed: false })], '2026-01-12T00:00:00.000Z');
    const c = report([run(), run({ model: 'persona:eager' })], '2026-01-11T00:00:00.000Z');
    const data = buildViewData([
      { report: b, source: 'b.json' },
      { report: a, source: 'a.json' },
      { report: c, source: 'c.json' },
    ]);
    expect(data.reports.map((r) => r.source)).toEqual(['a.json', 'c.json', 'b.json']);
    expect(data.current).toBe(2);
    expect(data.reports.map((r) => r.byModel.find((m) => m.model === 'baseline')!.passRate)).toEqual([
      1, 1, 0,
    ]);
    expect(new Set(allRuns(data).map((r) => r.id)).size).toBe(4);
  });
});

describe('view page', () => {
  it('has a script that parses and never writes markup from data', () => {
    expect(() => new Function(CLIENT_SCRIPT)).not.toThrow();
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval('])
      expect(CLIENT_SCRIPT).not.toContain(sink);
  });

  it('is one self-contained file: no external resource, a CSP that forbids the network', () => {
    const html = renderViewPage(buildViewData([{ report: report([run()]), source: 'r.json' }]));
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });
});

describe('sre-eval view', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes the page beside the report by default, or to --out, and exits 2 on a report that is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'view-cli-'));
    const file = join(dir, 'eval-report.json');
    writeFileSync(file, JSON.stringify(report([run({ answer: HOSTILE })])));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['node', 'sre-eval', 'view', file, '--scenarios', join(dir, 'none')])).toBe(2);
    expect(await main(['node', 'sre-eval', 'view', file])).toBe(0);
    expect(existsSync(join(dir, 'eval-report.html'))).toBe(true);
    expect(await main(['node', 'sre-eval', 'view', file, '--out', join(dir, 'x', 'page.html')])).toBe(0);
    const html = readFileSync(join(dir, 'x', 'page.html'), 'utf8');
    expect(embedded(html).reports[0]!.runs[0]!.answer).toBe(HOSTILE);
    expect(String(out.mock.calls.at(-1)?.[0])).toMatch(
      /^view: .*page\.html \(1 report\(s\), 1 run\(s\), \d+ KiB\)/,
    );
    writeFileSync(join(dir, 'bad.json'), '{"runs": 3}');
    expect(await main(['node', 'sre-eval', 'view', join(dir, 'bad.json')])).toBe(2);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/bad\.json is not an eval report/);
    expect(await main(['node', 'sre-eval', 'view', file, '--out', file])).toBe(2);
  });
});
