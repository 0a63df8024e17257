import { previewText, type TraceEvent, type TraceEventOf } from '@sre-harness/core';

// Loose shapes: only the fields the verifiers read are required, anything else passes through, so a
// trace from a newer core (extra fields) still reads and a damaged event is skipped instead of throwing.
// Plain checks, not a schema library: every verifier reads the whole trace at the end of every run,
// and these are the same checks `zod`'s loose objects made (trace-facts.test.ts holds them equal).
type Fields = Record<string, unknown>;
const num = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown) => typeof v === 'string';
const bool = (v: unknown) => typeof v === 'boolean';
const DECISION_TYPES: readonly unknown[] = ['tool_calls', 'final', 'invalid'];
const call = (e: Fields) => num(e['step']) && str(e['callId']) && str(e['tool']);
const isTool = (t: unknown) =>
  typeof t === 'object' &&
  t !== null &&
  !Array.isArray(t) &&
  str((t as Fields)['name']) &&
  bool((t as Fields)['mutating']);
/** Each kind the verifiers read, with the fields it needs. */
export const eventChecks: Partial<Record<TraceEvent['kind'], (e: Fields) => boolean>> = {
  run_start: (e) =>
    str(e['task']) && Array.isArray(e['tools']) && e['tools'].every(isTool) && num(e['maxSteps']),
  decision: (e) => num(e['step']) && DECISION_TYPES.includes(e['type']),
  tool_call: (e) => call(e) && bool(e['mutating']),
  approval_requested: (e) => call(e) && str(e['argsHash']),
  approval: (e) => call(e) && str(e['argsHash']) && bool(e['granted']),
  tool_refused: (e) => call(e) && str(e['reason']),
  tool_result: (e) => call(e) && str(e['output']),
  tool_error: (e) => call(e) && str(e['reason']) && str(e['error']),
  memory_compacted: (e) => num(e['step']) && num(e['beforeTokens']) && num(e['afterTokens']),
  final: (e) => num(e['step']) && str(e['answer']),
  verify: (e) => str(e['name']) && bool(e['passed']),
  stop: (e) => str(e['reason']),
};

/**
 * The well-formed events of a trace, in order. Anything that is not an object with a known `kind` and
 * the fields that kind needs is skipped, and `seq` falls back to the position when it is missing, so
 * verifiers can read empty, truncated or damaged traces without throwing.
 */
export function readTrace(trace: unknown): TraceEvent[] {
  if (!Array.isArray(trace)) return [];
  const out: TraceEvent[] = [];
  // An index loop rather than `entries()`: no [index, value] pair per event, on every verifier's read.
  for (let index = 0; index < trace.length; index++) {
    const raw: unknown = trace[index];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
    const kind = (raw as { kind?: unknown }).kind;
    if (typeof kind !== 'string' || !Object.hasOwn(eventChecks, kind)) continue;
    if (!eventChecks[kind as TraceEvent['kind']]!(raw as Fields)) continue;
    const seq = (raw as { seq?: unknown }).seq;
    out.push((typeof seq === 'number' && Number.isFinite(seq) ? raw : { ...raw, seq: index }) as TraceEvent);
  }
  return out;
}

/** Names of tools the run declared mutating (run_start) or saw called as mutating (tool_call). */
export function mutatingTools(trace: readonly TraceEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of readTrace(trace)) {
    if (e.kind === 'run_start') for (const t of e.tools) if (t.mutating) out.add(t.name);
    if (e.kind === 'tool_call' && e.mutating) out.add(e.tool);
  }
  return out;
}

/** Every call by callId with its events, in trace order. */
export function callsById(trace: readonly TraceEvent[]): Map<string, CallRecord> {
  const calls = new Map<string, CallRecord>();
  for (const e of readTrace(trace)) {
    if (!('callId' in e) || typeof e.callId !== 'string') continue;
    let rec = calls.get(e.callId);
    if (!rec) {
      rec = { callId: e.callId, events: [] };
      calls.set(e.callId, rec);
    }
    rec.events.push(e);
    if (e.kind === 'tool_call') rec.call = e;
    if (e.kind === 'approval_requested') rec.requested = e;
    if (e.kind === 'approval') rec.approvals = [...(rec.approvals ?? []), e];
    if (e.kind === 'tool_result' || e.kind === 'tool_error') rec.executed = e;
  }
  return calls;
}

/** What the trace says about one call. */
export interface CallRecord {
  callId: string;
  events: TraceEvent[];
  call?: TraceEventOf<'tool_call'>;
  requested?: TraceEventOf<'approval_requested'>;
  approvals?: TraceEventOf<'approval'>[];
  /** The outcome event, when the tool actually started (result, or an error from running it). */
  executed?: TraceEventOf<'tool_result'> | TraceEventOf<'tool_error'>;
}

/** True when the call's outcome shows the tool actually ran (a result, or an error other than a cancellation). */
export function ran(rec: CallRecord): boolean {
  const ex = rec.executed;
  if (!ex) return false;
  return (
    ex.kind === 'tool_result' || ex.reason !== 'cancelled' || (rec.approvals ?? []).some((a) => a.granted)
  );
}

/** Short, single-line JSON of call arguments for a verifier's detail text. */
export function showArgs(args: unknown, max = 120): string {
  let text: string;
  try {
    text = JSON.stringify(args) ?? '';
  } catch {
    text = '[unserializable]';
  }
  return previewText(text, max);
}

/** Joins findings for a detail, listing at most `max` and saying how many more there were. */
export function listFindings(findings: readonly string[], max = 8, separator = '; '): string {
  const shown = findings.slice(0, max).join(separator);
  return findings.length > max ? `${shown}${separator}and ${findings.length - max} more` : shown;
}

/** A verifier's input with every field checked, so a damaged input reads as empty rather than throwing. */
export interface SafeInput {
  readonly task: string;
  readonly answer: string | null;
  readonly events: TraceEvent[];
  readonly stoppedReason: string | undefined;
}

/** Reads a VerifyInput defensively: non-string answers become null, a non-array trace becomes empty. */
export function safeInput(input: unknown): SafeInput {
  const i = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  return {
    task: typeof i['task'] === 'string' ? i['task'] : '',
    answer: typeof i['answer'] === 'string' ? i['answer'] : null,
    events: readTrace(i['trace']),
    stoppedReason: typeof i['stoppedReason'] === 'string' ? i['stoppedReason'] : undefined,
  };
}
