import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { cutText, redactSecrets } from '@sre-harness/core';
import { compareReports } from '../compare.js';
import { type Report, type RunRecord, type ScenarioRef, summarize } from '../report.js';

// What the HTML viewer embeds: one JSON object built from reports and their runs' traces. Every
// string in it went through the same redactor the harness runs over tool output, then the planted
// secrets of the scenarios were masked as the CLI masks them in its own output, then it was cut to
// a bounded length (never between the halves of a surrogate pair) with a note saying so.

/** How much the viewer embeds, so the file stays bounded whatever the traces hold. */
export interface ViewLimits {
  /** Trace events kept per run: the first ones and the last few, with a marker between. */
  readonly maxEvents: number;
  /** Bytes of one trace file read; the rest of the file is left out with a note. */
  readonly maxTraceBytes: number;
  /** Characters kept of one text (a tool output, an answer, a detail, arguments). */
  readonly maxText: number;
  /** Characters of trace text embedded over all runs; past it, later runs show no trace and say why. */
  readonly maxTotalTrace: number;
}

/** Defaults: a run's trace up to 400 events read from at most 4 MiB, texts up to 4,000 characters, 24 MB in all. */
export const DEFAULT_VIEW_LIMITS: ViewLimits = {
  maxEvents: 400,
  maxTraceBytes: 4 * 1024 * 1024,
  maxText: 4000,
  maxTotalTrace: 24_000_000,
};

/** Events kept from a trace's end when it has more than `maxEvents` (the stop, the verdicts). */
const TAIL_EVENTS = 20;
/** Length of short strings: ids, names, labels. */
const MAX_NAME = 300;

/** A run's outcome: passed, failed on its merits, or ended by an error (the model or the setup failed). */
export type Outcome = 'pass' | 'fail' | 'error';
/** How a scenario × model cell changed against the baseline report. */
export type Change = 'newly-failing' | 'fixed' | 'still-failing' | 'unchanged' | 'new';
/** How a trace event is marked on the timeline. */
export type Tone =
  | 'start'
  | 'decision'
  | 'call'
  | 'mutation'
  | 'approval'
  | 'denied'
  | 'refusal'
  | 'result'
  | 'error'
  | 'final'
  | 'verify-pass'
  | 'verify-fail'
  | 'stop'
  | 'info'
  | 'gap';

/** One event of a run's timeline. */
export interface ViewEvent {
  readonly seq: number;
  readonly kind: string;
  readonly tone: Tone;
  readonly title: string;
  readonly step?: number;
  readonly ts?: string;
  readonly tool?: string;
  /** The event's text: arguments, the model's text, a reason, an answer. */
  readonly body?: string;
  /** A tool's output, shown collapsed. */
  readonly output?: string;
}

/** A run's trace as embedded, and what was left out of it. */
export interface ViewTrace {
  readonly file: string;
  readonly events: ViewEvent[];
  /** Events read from the file (before the event cap). */
  readonly total: number;
  readonly notes: string[];
}

/** A check, verification or gate verdict. */
export interface ViewCheck {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
  readonly exercised?: boolean;
  readonly count?: number;
}

/** One run as the viewer shows it. */
export interface ViewRun {
  /** Unique in the page: `r<report>.<run>`. */
  readonly id: string;
  readonly runId: string;
  readonly scenario: string;
  readonly model: string;
  readonly harness?: string;
  readonly role: string;
  readonly trial: number;
  readonly outcome: Outcome;
  readonly scores: RunRecord['scores'];
  readonly gates: ViewCheck[];
  readonly checks: ViewCheck[];
  readonly verifications: ViewCheck[];
  readonly stops: { readonly [k: string]: number | boolean | string[] };
  readonly mutationsExecuted: number;
  readonly stoppedReason: string;
  readonly steps: number;
  readonly usage: RunRecord['usage'];
  readonly wallMs: number;
  readonly answer: string | null;
  readonly judge?: { readonly passed: boolean; readonly reason: string; readonly model: string };
  readonly error?: string;
  /** The adapter's code of an infrastructure error (`auth`, `rate_limited`…), when the report has one. */
  readonly errorCode?: string;
  readonly trace?: ViewTrace;
}

/** One scenario × model cell of the grid, over its trials. */
export interface ViewCell {
  readonly scenario: string;
  readonly model: string;
  readonly outcome: Outcome;
  readonly passes: number;
  readonly trials: number;
  /** The ids of its runs (`ViewRun.id`), by trial. */
  readonly runs: string[];
  readonly change?: Change;
  readonly baseline?: Outcome;
}

/** A metric that got worse against the baseline (`sre-eval compare`'s regressions). */
export interface ViewRegression {
  readonly scenario: string;
  readonly model: string;
  readonly metric: string;
  readonly baseline: number | null;
  readonly current: number | null;
}

/** One report as embedded. */
export interface ViewReport {
  readonly index: number;
  readonly source: string;
  readonly createdAt: string;
  readonly evalVersion: string;
  readonly harnessVersion: string;
  readonly config: unknown;
  readonly shards: Report['shards'];
  readonly scenarios: ScenarioRef[];
  readonly models: string[];
  readonly runs: ViewRun[];
  readonly cells: ViewCell[];
  readonly byModel: { model: string; role: string; runs: number; passed: number; passRate: number }[];
  readonly gate: { ok: boolean; reasons: string[] };
  readonly comparison?: {
    readonly regressions: ViewRegression[];
    readonly improvements: number;
    readonly onlyInBaseline: string[];
    readonly onlyInCurrent: string[];
  };
}

/** Everything the page shows. */
export interface ViewData {
  readonly format: 1;
  readonly generatedAt: string;
  readonly limits: ViewLimits;
  /** Oldest first (by `createdAt`). */
  readonly reports: ViewReport[];
  /** The report the page opens on: the newest. */
  readonly current: number;
  readonly baseline?: { readonly source: string; readonly createdAt: string; readonly cells: ViewCell[] };
  readonly notes: string[];
}

/** A report and the file it came from. */
export interface ViewInput {
  readonly report: Report;
  readonly source: string;
}

/** Options of `buildViewData`. */
export interface ViewOptions {
  /** A baseline report: each cell of each report is marked newly failing, fixed, still failing… */
  readonly baseline?: ViewInput;
  /** Planted secrets (scenarios' expect.secrets), masked as `<leaked-secret>` like the CLI's output. */
  readonly secrets?: readonly string[];
  readonly limits?: Partial<ViewLimits>;
  /** Directories to look for trace files in (by base name) when a run's tracePath is not there. */
  readonly traceDirs?: readonly string[];
  /** Read and embed traces (default true). */
  readonly traces?: boolean;
  /** The time stamp of the page (default now). */
  readonly now?: Date;
}

/** A number with thousands separators, for notes. */
const n = (x: number) => x.toLocaleString('en-US');

/** Redacts, masks planted secrets, and cuts texts; the one path every embedded string takes. */
export class Cleaner {
  readonly #secrets: readonly string[];
  constructor(secrets: readonly string[] = []) {
    this.#secrets = secrets.filter((s) => s.length > 0);
  }
  /** Redacted and masked, whole. */
  mask(text: string): string {
    let t = redactSecrets(text);
    for (const secret of this.#secrets) if (t.includes(secret)) t = t.split(secret).join('<leaked-secret>');
    return t;
  }
  /** Redacted, masked, and cut to `max` characters with a note of how much there was. */
  text(text: string, max: number): string {
    return clip(this.mask(text), max);
  }
  /** A short string (an id, a name). */
  name(text: string): string {
    return this.text(text, MAX_NAME);
  }
  /** Every string inside a JSON value cleaned (not cut); keys are cleaned too. */
  deep(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.mask(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 40) return '<nested too deep>';
    if (Array.isArray(value)) return value.map((v) => this.deep(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[this.mask(k)] = this.deep(v, depth + 1);
    return out;
  }
}

/**
 * `text` when it has at most `max` characters; otherwise its start (cut with `cutText`, so never
 * inside a surrogate pair) and a line saying how much was left out.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const kept = cutText(text, max);
  return `${kept}\n… [cut: ${n(kept.length)} of ${n(text.length)} characters shown]`;
}

/** The outcome of one run: error when it ended with an error (the model or its setup failed). */
export function runOutcome(r: Pick<RunRecord, 'passed' | 'error' | 'stoppedReason'>): Outcome {
  // A report that states each run's outcome is taken at its word.
  const stated = (r as { outcome?: unknown }).outcome;
  if (stated === 'pass' || stated === 'fail' || stated === 'error') return stated;
  if (r.passed) return 'pass';
  if (
    r.error !== undefined ||
    r.stoppedReason === 'model_error' ||
    r.stoppedReason === 'setup_failed' ||
    r.stoppedReason === 'trace_failed'
  )
    return 'error';
  return 'fail';
}

/** A cell's outcome over its trials: pass when all passed, else error when one errored, else fail. */
export function cellOutcome(outcomes: readonly Outcome[]): Outcome {
  if (outcomes.length > 0 && outcomes.every((o) => o === 'pass')) return 'pass';
  return outcomes.includes('error') ? 'error' : 'fail';
}

/** A cell's change against the baseline cell. */
export function cellChange(baseline: Outcome | undefined, current: Outcome): Change {
  if (baseline === undefined) return 'new';
  if (baseline === 'pass') return current === 'pass' ? 'unchanged' : 'newly-failing';
  return current === 'pass' ? 'fixed' : 'still-failing';
}

function cellsOf(runs: readonly ViewRun[], baseline?: Map<string, ViewCell>): ViewCell[] {
  const groups = new Map<string, ViewRun[]>();
  for (const r of runs) {
    const key = `${r.scenario}\u0000${r.model}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const cells: ViewCell[] = [];
  for (const [key, list] of groups) {
    list.sort((a, b) => a.trial - b.trial);
    const first = list[0]!;
    const outcome = cellOutcome(list.map((r) => r.outcome));
    const base = baseline?.get(key);
    cells.push({
      scenario: first.scenario,
      model: first.model,
      outcome,
      passes: list.filter((r) => r.outcome === 'pass').length,
      trials: list.length,
      runs: list.map((r) => r.id),
      ...(baseline ? { change: cellChange(base?.outcome, outcome) } : {}),
      ...(base ? { baseline: base.outcome } : {}),
    });
  }
  return cells.sort((a, b) => a.scenario.localeCompare(b.scenario) || a.model.localeCompare(b.model));
}

/** A JSON value as indented text, cleaned and cut. */
function jsonText(value: unknown, clean: Cleaner, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(clean.deep(value), null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return clip(text, max);
}

type Raw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * One trace line as a timeline event: its tone (what stands out: approvals, denials, refusals,
 * mutations), a title and its texts, cleaned and cut. `mutatingCalls` holds the callIds of
 * mutating calls seen so far, so a mutation's result is marked as executed.
 */
export function traceEvent(raw: Raw, clean: Cleaner, maxText: number, mutatingCalls: Set<string>): ViewEvent {
  const kind = clean.name(str(raw['kind']) ?? 'unknown');
  const tool = str(raw['tool']) !== undefined ? clean.name(str(raw['tool'])!) : undefined;
  const t = (v: unknown) => (typeof v === 'string' ? clean.text(v, maxText) : undefined);
  const base = {
    seq: num(raw['seq']) ?? -1,
    kind,
    ...(num(raw['step']) !== undefined ? { step: num(raw['step'])! } : {}),
    ...(str(raw['ts']) ? { ts: clean.name(str(raw['ts'])!) } : {}),
    ...(tool !== undefined ? { tool } : {}),
  };
  const body = (...parts: (string | undefined)[]) => {
    const text = parts.filter((p): p is string => p !== undefined && p !== '').join('\n\n');
    return text === '' ? {} : { body: text };
  };
  switch (raw['kind']) {
    case 'run_start': {
      const tools = Array.isArray(raw['tools']) ? raw['tools'].length : 0;
      return {
        ...base,
        tone: 'start',
        title: `run start${str(raw['model']) ? ` · ${clean.name(str(raw['model'])!)}` : ''} · ${tools} tool(s), at most ${num(raw['maxSteps']) ?? '?'} steps`,
        ...body(t(raw['task'])),
      };
    }
    case 'decision': {
      const calls = Array.isArray(raw['calls']) ? (raw['calls'] as Raw[]) : [];
      const callText = calls
        .map(
          (c) =>
            `${clean.name(str(c?.['tool']) ?? '?')}(${clip(JSON.stringify(clean.deep(c?.['args'])) ?? '', 600)})${c?.['parseError'] ? ` — ${clean.text(String(c['parseError']), 300)}` : ''}`,
        )
        .join('\n');
      const type = str(raw['type']) ?? '?';
      return {
        ...base,
        tone: type === 'invalid' ? 'refusal' : 'decision',
        title: `decision: ${clean.name(type)}${calls.length > 0 ? ` · ${calls.length} call(s)` : ''}`,
        ...body(
          t(raw['text']),
          typeof raw['reasoning'] === 'string' ? `reasoning: ${t(raw['reasoning'])}` : undefined,
          callText ? clip(callText, maxText) : undefined,
          t(raw['answer']),
          typeof raw['detail'] === 'string' ? `detail: ${t(raw['detail'])}` : undefined,
        ),
      };
    }
    case 'tool_call': {
      const mutating = raw['mutating'] === true;
      if (mutating && str(raw['callId'])) mutatingCalls.add(str(raw['callId'])!);
      return {
        ...base,
        tone: mutating ? 'mutation' : 'call',
        title: `${mutating ? 'mutation asked' : 'call'}: ${tool ?? '?'}`,
        ...body(jsonText(raw['args'], clean, maxText)),
      };
    }
    case 'approval_requested':
      return {
        ...base,
        tone: 'approval',
        title: `approval requested: ${tool ?? '?'}`,
        ...body(jsonText(raw['args'], clean, maxText)),
      };
    case 'approval': {
      const granted = raw['granted'] === true;
      return {
        ...base,
        tone: granted ? 'approval' : 'denied',
        title: `${granted ? 'approved' : 'DENIED'}: ${tool ?? '?'} by ${clean.name(str(raw['by']) ?? '?')}`,
        ...body(t(raw['reason'])),
      };
    }
    case 'tool_refused':
      return {
        ...base,
        tone: 'refusal',
        title: `REFUSED: ${tool ?? '?'} (${clean.name(str(raw['reason']) ?? '?')})`,
        ...body(t(raw['detail'])),
      };
    case 'tool_result': {
      const mutation = mutatingCalls.has(str(raw['callId']) ?? '\u0000');
      const chars = num(raw['chars']);
      const output = str(raw['output']) ?? '';
      return {
        ...base,
        tone: mutation ? 'mutation' : 'result',
        title: `${mutation ? 'MUTATION EXECUTED' : 'result'}: ${tool ?? '?'} · ${n(chars ?? output.length)} chars${raw['truncated'] === true ? ' (cut by the harness)' : ''} · ${num(raw['durationMs']) ?? '?'} ms`,
        output: clean.text(output, maxText),
      };
    }
    case 'tool_error':
      return {
        ...base,
        tone: 'error',
        title: `tool error: ${tool ?? '?'} (${clean.name(str(raw['reason']) ?? '?')})`,
        ...body(t(raw['error'])),
      };
    case 'memory_compacted':
      return {
        ...base,
        tone: 'info',
        title: `memory compacted: ${num(raw['beforeTokens']) ?? '?'} → ${num(raw['afterTokens']) ?? '?'} tokens, ${num(raw['folded']) ?? '?'} folded`,
        ...body(t(raw['detail'])),
      };
    case 'final':
      return { ...base, tone: 'final', title: 'final answer', ...body(t(raw['answer'])) };
    case 'verify': {
      const passed = raw['passed'] === true;
      return {
        ...base,
        tone: passed ? 'verify-pass' : 'verify-fail',
        title: `verify ${clean.name(str(raw['name']) ?? '?')}: ${passed ? 'passed' : 'FAILED'}`,
        ...body(t(raw['detail'])),
      };
    }
    case 'stop':
      return {
        ...base,
        tone: raw['error'] !== undefined ? 'error' : 'stop',
        title: `stop: ${clean.name(str(raw['reason']) ?? '?')} after ${num(raw['steps']) ?? '?'} step(s)${raw['verified'] === true ? ', verified' : ''}`,
        ...body(t(raw['error'])),
      };
    default: {
      const { v: _v, seq: _s, ts: _t, runId: _r, kind: _k, prev: _p, hash: _h, ...rest } = raw;
      return { ...base, tone: 'info', title: kind, ...body(jsonText(rest, clean, maxText)) };
    }
  }
}

/** Reads at most `max` bytes of a file; `size` is the whole file's. */
function readHead(path: string, max: number): { text: string; size: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, max));
    let off = 0;
    while (off < buf.length) {
      const got = readSync(fd, buf, off, buf.length - off, off);
      if (got === 0) break;
      off += got;
    }
    return { text: buf.subarray(0, off).toString('utf8'), size };
  } finally {
    closeSync(fd);
  }
}

/** Where a run's trace is: its tracePath, else a file of that name beside the report or in `dirs`. */
export function findTrace(
  tracePath: string,
  reportSource: string,
  dirs: readonly string[] = [],
): string | null {
  const name = basename(tracePath);
  const candidates = [
    ...dirs.map((d) => join(d, name)),
    resolve(tracePath),
    join(dirname(resolve(reportSource)), name),
    join(dirname(resolve(reportSource)), 'traces', name),
  ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

/**
 * A run's trace read from its JSONL file, bounded: at most `maxTraceBytes` of the file, at most
 * `maxEvents` events (the first ones and the last `TAIL_EVENTS`, with a marker for what is left out).
 * Lines that are not JSON are skipped and counted; checkpoint and link records are not events.
 */
export function readViewTrace(path: string, clean: Cleaner, limits: ViewLimits): ViewTrace {
  const file = clean.name(basename(path));
  const notes: string[] = [];
  let head: { text: string; size: number };
  try {
    head = readHead(path, limits.maxTraceBytes);
  } catch (e) {
    return {
      file,
      events: [],
      total: 0,
      notes: [clean.name(`cannot read the trace: ${(e as Error).message}`)],
    };
  }
  let lines = head.text.split('\n');
  if (head.size > limits.maxTraceBytes) {
    lines = lines.slice(0, -1); // the last line read is cut off
    notes.push(
      `trace cut: read the first ${n(limits.maxTraceBytes)} of ${n(head.size)} bytes of the file; later events are not shown`,
    );
  }
  const raws: Raw[] = [];
  let broken = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      broken++;
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      broken++;
      continue;
    }
    const kind = (value as Raw)['kind'];
    if ((kind === 'checkpoint' || kind === 'link') && !('runId' in value)) continue;
    raws.push(value as Raw);
  }
  if (broken > 0) notes.push(`${n(broken)} line(s) that are not trace events skipped`);
  const mutating = new Set<string>();
  const all = raws.length;
  let kept: (Raw | null)[] = raws;
  if (all > limits.maxEvents) {
    const tail = Math.min(TAIL_EVENTS, Math.floor(limits.maxEvents / 2));
    kept = [...raws.slice(0, limits.maxEvents - tail), null, ...raws.slice(all - tail)];
    notes.push(
      `trace cut: showing the first ${n(limits.maxEvents - tail)} and the last ${n(tail)} of ${n(all)} events`,
    );
    // Calls before the tail still mark their results there as mutations.
    for (const r of raws.slice(limits.maxEvents - tail, all - tail))
      if (r['kind'] === 'tool_call' && r['mutating'] === true && typeof r['callId'] === 'string')
        mutating.add(r['callId']);
  }
  const events = kept.map(
    (r): ViewEvent =>
      r === null
        ? { seq: -1, kind: 'gap', tone: 'gap', title: `… ${n(all - limits.maxEvents)} event(s) not shown …` }
        : traceEvent(r, clean, limits.maxText, mutating),
  );
  return { file, events, total: all, notes };
}

function checks(
  list: readonly { name: string; passed: boolean; detail: string }[],
  clean: Cleaner,
  max: number,
) {
  return list.map(
    (c): ViewCheck => ({
      name: clean.name(c.name),
      passed: c.passed,
      detail: clean.text(c.detail, max),
      ...('exercised' in c && typeof c.exercised === 'boolean' ? { exercised: c.exercised } : {}),
      ...('count' in c && typeof c.count === 'number' ? { count: c.count } : {}),
    }),
  );
}

function viewRun(
  r: RunRecord,
  id: string,
  source: string,
  clean: Cleaner,
  limits: ViewLimits,
  traces: { enabled: boolean; dirs: readonly string[]; budget: { left: number } },
): ViewRun {
  let trace: ViewTrace | undefined;
  if (r.tracePath && traces.enabled) {
    const found = findTrace(r.tracePath, source, traces.dirs);
    if (!found) {
      trace = {
        file: clean.name(basename(r.tracePath)),
        events: [],
        total: 0,
        notes: [clean.name(`trace file not found: ${r.tracePath}`)],
      };
    } else if (traces.budget.left <= 0) {
      trace = {
        file: clean.name(basename(found)),
        events: [],
        total: 0,
        notes: [`trace left out: the page already holds ${n(limits.maxTotalTrace)} characters of traces`],
      };
    } else {
      trace = readViewTrace(found, clean, limits);
      traces.budget.left -= JSON.stringify(trace.events).length;
    }
  }
  const stops = clean.deep(r.stops) as ViewRun['stops'];
  const errorCode = (r as { errorCode?: unknown }).errorCode;
  return {
    id,
    runId: clean.name(r.runId),
    scenario: clean.name(r.scenario),
    model: clean.name(r.model),
    ...(r.harness !== undefined ? { harness: clean.name(r.harness) } : {}),
    role: r.role,
    trial: r.trial,
    outcome: runOutcome(r),
    scores: r.scores,
    gates: checks(r.gates, clean, limits.maxText),
    checks: checks(r.checks, clean, limits.maxText),
    verifications: checks(r.verifications, clean, limits.maxText),
    stops,
    mutationsExecuted: r.mutationsExecuted,
    stoppedReason: clean.name(r.stoppedReason),
    steps: r.steps,
    usage: r.usage,
    wallMs: r.wallMs,
    answer: r.answer === null ? null : clean.text(r.answer, limits.maxText),
    ...(r.judge
      ? {
          judge: {
            passed: r.judge.passed,
            reason: clean.text(r.judge.reason, limits.maxText),
            model: clean.name(r.judge.model),
          },
        }
      : {}),
    ...(r.error !== undefined ? { error: clean.text(r.error, limits.maxText) } : {}),
    ...(typeof errorCode === 'string' ? { errorCode: clean.name(errorCode) } : {}),
    ...(trace ? { trace } : {}),
  };
}

/** The baseline's cells, keyed by scenario and model. */
function baselineCells(baseline: ViewInput, clean: Cleaner): ViewCell[] {
  const runs = baseline.report.runs.map(
    (r, i): ViewRun => ({
      id: `b.${i}`,
      runId: clean.name(r.runId),
      scenario: clean.name(r.scenario),
      model: clean.name(r.model),
      role: r.role,
      trial: r.trial,
      outcome: runOutcome(r),
      scores: r.scores,
      gates: [],
      checks: [],
      verifications: [],
      stops: {},
      mutationsExecuted: r.mutationsExecuted,
      stoppedReason: clean.name(r.stoppedReason),
      steps: r.steps,
      usage: r.usage,
      wallMs: r.wallMs,
      answer: null,
    }),
  );
  return cellsOf(runs).map(({ runs: _ids, ...c }) => ({ ...c, runs: [] }));
}

/**
 * The data of the viewer page: each report's runs (with their traces, read now, bounded), its
 * scenario × model cells, per-model pass rates and gate, and against a baseline each cell's change
 * and the metric regressions `sre-eval compare` finds. Reports are ordered by their time stamp.
 */
export function buildViewData(inputs: readonly ViewInput[], options: ViewOptions = {}): ViewData {
  const limits: ViewLimits = { ...DEFAULT_VIEW_LIMITS, ...options.limits };
  const clean = new Cleaner(options.secrets);
  const ordered = inputs
    .map((input, i) => ({ input, i }))
    .sort(
      (a, b) =>
        Date.parse(a.input.report.createdAt) - Date.parse(b.input.report.createdAt) ||
        a.input.report.createdAt.localeCompare(b.input.report.createdAt) ||
        a.i - b.i,
    )
    .map((x) => x.input);
  const notes: string[] = [];
  const budget = { left: limits.maxTotalTrace };
  const base = options.baseline ? baselineCells(options.baseline, clean) : undefined;
  const baseMap = base ? new Map(base.map((c) => [`${c.scenario}\u0000${c.model}`, c])) : undefined;
  const reports = ordered.map((input, index): ViewReport => {
    const { report, source } = input;
    const runs = report.runs.map((r, i) =>
      viewRun(r, `r${index}.${i}`, source, clean, limits, {
        enabled: options.traces !== false,
        dirs: options.traceDirs ?? [],
        budget,
      }),
    );
    const summary = summarize(report.runs, report.config.minPassRate, report.scenarios);
    const cmp = options.baseline ? compareReports(options.baseline.report, report) : undefined;
    return {
      index,
      source: clean.name(source),
      createdAt: clean.name(report.createdAt),
      evalVersion: clean.name(report.evalVersion),
      harnessVersion: clean.name(report.harnessVersion),
      config: clean.deep(report.config),
      shards: report.shards,
      scenarios: report.scenarios.map((s) => ({
        id: clean.name(s.id),
        version: clean.name(s.version),
        title: clean.name(s.title),
        tags: s.tags.map((t) => clean.name(t)),
        difficulty: clean.name(s.difficulty),
      })),
      models: [...new Set(runs.map((r) => r.model))].sort(),
      runs,
      cells: cellsOf(runs, baseMap),
      byModel: summary.byModel.map((m) => ({
        model: clean.name(m.model),
        role: m.role,
        runs: m.runs,
        passed: m.passed,
        passRate: m.passRate,
      })),
      gate: { ok: summary.gate.ok, reasons: summary.gate.reasons.map((r) => clean.text(r, limits.maxText)) },
      ...(cmp
        ? {
            comparison: {
              regressions: cmp.regressions.map((d) => ({
                scenario: clean.name(d.scenario),
                model: clean.name(d.model),
                metric: d.metric,
                baseline: d.baseline,
                current: d.current,
              })),
              improvements: cmp.improvements.length,
              onlyInBaseline: cmp.onlyInBaseline.map((s) => clean.name(s)),
              onlyInCurrent: cmp.onlyInCurrent.map((s) => clean.name(s)),
            },
          }
        : {}),
    };
  });
  if (budget.left <= 0)
    notes.push(
      `some traces were left out: the page holds at most ${n(limits.maxTotalTrace)} characters of traces (runs further down the reports show none)`,
    );
  return {
    format: 1,
    generatedAt: (options.now ?? new Date()).toISOString(),
    limits,
    reports,
    current: Math.max(0, reports.length - 1),
    ...(options.baseline && base
      ? {
          baseline: {
            source: clean.name(options.baseline.source),
            createdAt: clean.name(options.baseline.report.createdAt),
            cells: base,
          },
        }
      : {}),
    notes,
  };
}

/**
 * The data as the text of a `<script type="application/json">`: `<`, `>` and `&` written as
 * `\u003c`, `\u003e` and `\u0026` (so no `</script>` or `<!--` from the data can end or change
 * the element), and the line separators U+2028/U+2029 escaped as well. `JSON.parse` reads it back
 * unchanged.
 */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
