import type { TraceEvent, TraceEventOf } from '@sre-harness/core';

/** Names of tools the run declared mutating (run_start) or saw called as mutating (tool_call). */
export function mutatingTools(trace: readonly TraceEvent[]): Set<string> {
  const out = new Set<string>();
  for (const e of trace) {
    if (e.kind === 'run_start') for (const t of e.tools) if (t.mutating) out.add(t.name);
    if (e.kind === 'tool_call' && e.mutating) out.add(e.tool);
  }
  return out;
}

/** Every call by callId with its events, in trace order. */
export function callsById(trace: readonly TraceEvent[]): Map<string, CallRecord> {
  const calls = new Map<string, CallRecord>();
  for (const e of trace) {
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
