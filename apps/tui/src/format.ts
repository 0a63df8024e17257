import { cutText, previewText, type TraceEvent } from '@sre-harness/core';
import { safeLine, safeText } from './safe-text.js';

/** How a trace line is coloured: one tone per family of event kinds. */
export type Tone =
  | 'tool'
  | 'result'
  | 'refusal'
  | 'error'
  | 'approval'
  | 'verify-pass'
  | 'verify-fail'
  | 'decision'
  | 'final'
  | 'stop'
  | 'info';

/** One trace event as one display line. */
export interface TraceLine {
  readonly seq: number;
  readonly kind: string;
  readonly tone: Tone;
  readonly text: string;
  /** The event itself, for the detail view (Enter on a line). */
  readonly event?: TraceEvent;
}

/**
 * Squeezes any text onto one line, cut to `max` characters: newlines and tabs become spaces, and
 * every other control character is shown as a visible stand-in (`safeText`), never sent to the
 * terminal, so an escape sequence in a tool's output shows as text (`␛]52;…`) and does nothing.
 */
export function oneLine(text: string, max = 400): string {
  const flat = safeText(text.replaceAll('\r\n', '\n'))
    .replace(/[\n\t]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return previewText(flat, max);
}

/** Compact JSON of tool arguments for a one-line summary. */
export function argsText(args: unknown, max = 160): string {
  let text: string;
  try {
    text = JSON.stringify(args) ?? String(args);
  } catch {
    text = String(args);
  }
  return oneLine(text, max);
}

/** A duration for a person: `42s`, `3m05s`, `1h02m`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** 1234 → "1.2k", 1234567 → "1.2M". */
export function compactNumber(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const abs = Math.abs(n);
  if (abs >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (abs >= 10_000) return `${Math.round(n / 1000)}k`;
  if (abs >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Dollars with enough digits for small model bills. */
export function money(usd: number | undefined): string {
  if (usd === undefined) return '$-';
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}

function toneOf(event: TraceEvent): Tone {
  switch (event.kind) {
    case 'tool_call':
      return 'tool';
    case 'tool_result':
      return 'result';
    case 'tool_refused':
      return 'refusal';
    case 'tool_error':
      return 'error';
    case 'approval_requested':
    case 'approval':
      return 'approval';
    case 'verify':
      return event.passed ? 'verify-pass' : 'verify-fail';
    case 'decision':
      return event.type === 'invalid' ? 'refusal' : 'decision';
    case 'final':
      return 'final';
    case 'stop':
      return 'stop';
    default:
      return 'info';
  }
}

function body(event: TraceEvent): string {
  switch (event.kind) {
    case 'run_start':
      return `run ${event.runId} started${event.model ? ` with ${event.model}` : ''}, budget ${event.maxSteps} steps: ${oneLine(event.task, 200)}`;
    case 'decision': {
      const usage = event.usage ? ` (${event.usage.inputTokens}+${event.usage.outputTokens} tok)` : '';
      if (event.type === 'tool_calls') {
        const calls = (event.calls ?? []).map((c) => c.tool).join(', ');
        return `step ${event.step}: model calls ${calls || '(nothing)'}${usage}`;
      }
      if (event.type === 'final') return `step ${event.step}: model answers${usage}`;
      return `step ${event.step}: invalid decision: ${oneLine(event.detail ?? 'unparseable output', 200)}${usage}`;
    }
    case 'tool_call':
      return `${event.mutating ? '! ' : ''}${event.tool} ${argsText(event.args)}`;
    case 'approval_requested':
      return `approval requested for ${event.tool} ${argsText(event.args)}`;
    case 'approval':
      return `${event.granted ? 'approved' : 'denied'} ${event.tool} by ${event.by}${event.reason ? `: ${oneLine(event.reason, 160)}` : ''}`;
    case 'tool_refused':
      return `refused ${event.tool} (${event.reason}): ${oneLine(event.detail, 200)}`;
    case 'tool_result':
      return `${event.tool} → ${event.chars} chars${event.truncated ? ' (cut)' : ''} in ${Math.round(event.durationMs)} ms: ${oneLine(event.output, 160)}`;
    case 'tool_error':
      return `${event.tool} ${event.reason} after ${Math.round(event.durationMs)} ms: ${oneLine(event.error, 200)}`;
    case 'memory_compacted':
      return `memory compacted ${event.beforeTokens} → ${event.afterTokens} tokens (${event.folded} folded)`;
    case 'final':
      return `answer: ${oneLine(event.answer, 240)}`;
    case 'verify':
      return `${event.passed ? '✓' : '✗'} ${event.name}: ${oneLine(event.detail, 200)}`;
    case 'stop':
      return `stopped: ${event.reason} after ${event.steps} steps, ${event.verified ? 'verified' : 'not verified'}${event.error ? ` (${oneLine(event.error, 120)})` : ''}`;
    default: {
      // A newer writer may add kinds; show them rather than drop them.
      const unknown = event as { kind: string };
      return `${unknown.kind}`;
    }
  }
}

/** Formats one trace event as a coloured display line. */
export function formatEvent(event: TraceEvent): TraceLine {
  return { seq: event.seq, kind: event.kind, tone: toneOf(event), text: oneLine(body(event), 600), event };
}

/**
 * The plain-text form of a line for headless output: `#seq kind text`. The run label comes from the
 * trace (a run id is any string), so it is escaped like the text.
 */
export function plainLine(line: TraceLine, runLabel?: string): string {
  return `${runLabel ? `[${safeLine(runLabel)}] ` : ''}#${line.seq} ${safeLine(line.kind).padEnd(18)} ${line.text}`;
}

/** The first characters of a run id for a label, cut between code points (a run id is any string). */
export function shortRunId(runId: string, max = 8): string {
  return cutText(runId, max);
}
