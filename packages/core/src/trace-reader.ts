import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { HarnessError } from './errors.js';
import {
  FILE_RECORD_KINDS,
  type TraceEvent,
  type TraceEventOf,
  traceEnvelopeSchema,
  traceEventBodySchema,
} from './trace-events.js';

const KNOWN_KINDS: ReadonlySet<string> = new Set(traceEventBodySchema.options.map((o) => o.shape.kind.value));

/** What reading a JSONL trace produced: the events, and what was skipped and why. */
export interface ParsedTrace {
  readonly events: readonly TraceEvent[];
  /** Problems that were tolerated, such as a cut-off last line left by a killed process. */
  readonly warnings: readonly string[];
}

/** Options of `parseTrace` and `readTraceFile`. */
export interface ParseTraceOptions {
  /** Names the input in error messages (a file path). */
  readonly source?: string;
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(line)'}: ${i.message}`).join('; ');
}

/**
 * Parses JSONL trace text: every event, checked against the trace event schema (`trace-events.ts`);
 * `checkpoint` and `link` records are skipped. Blank lines are ignored; a broken last line (what a killed run can leave)
 * is skipped with a warning; any other broken line throws a `HarnessError` (`invalid_trace`) naming it.
 */
export function parseTrace(text: string, options: ParseTraceOptions = {}): ParsedTrace {
  const where = options.source ?? 'trace';
  const lines = text.split('\n');
  let last = lines.length - 1;
  while (last >= 0 && (lines[last] ?? '').trim() === '') last--;
  const events: TraceEvent[] = [];
  const warnings: string[] = [];
  for (let i = 0; i <= last; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const lineNo = i + 1;
    let problem: string | undefined;
    let event: TraceEvent | undefined;
    try {
      const value: unknown = JSON.parse(line);
      const kind = (value as { kind?: unknown } | null)?.kind;
      // Checkpoints and rotation links belong to the file, not to a run: `verifyTrace` checks them.
      if (typeof kind === 'string' && FILE_RECORD_KINDS.has(kind) && !('runId' in (value as object)))
        continue;
      const envelope = traceEnvelopeSchema.safeParse(value);
      if (!envelope.success) problem = `not a trace event (${issuesText(envelope.error)})`;
      else {
        // Known kinds are checked against the one schema; unknown kinds (a newer writer) are kept.
        const body = KNOWN_KINDS.has(envelope.data.kind) ? traceEventBodySchema.safeParse(value) : undefined;
        if (body && !body.success) problem = `bad ${envelope.data.kind} event (${issuesText(body.error)})`;
        else event = value as TraceEvent;
      }
    } catch (e) {
      problem = `not valid JSON (${e instanceof Error ? e.message : String(e)})`;
    }
    if (event) {
      events.push(event);
      continue;
    }
    if (i === last) {
      warnings.push(`${where}:${lineNo}: skipped a broken last line, as a killed run leaves: ${problem}`);
      continue;
    }
    throw new HarnessError('invalid_trace', `${where}:${lineNo}: ${problem}`);
  }
  return { events, warnings };
}

/** Reads and parses a JSONL trace file (see `parseTrace`); errors name the file and line. */
export async function readTraceFile(path: string): Promise<ParsedTrace> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new HarnessError(
      'invalid_trace',
      `cannot read trace file ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  return parseTrace(text, { source: path });
}

/** One run's events from a trace, in `seq` order. */
export interface TraceRun {
  readonly runId: string;
  readonly events: readonly TraceEvent[];
  readonly start: TraceEventOf<'run_start'> | undefined;
  readonly stop: TraceEventOf<'stop'> | undefined;
}

/** Splits a trace into its runs, in the order each run first appears; events are sorted by `seq`. */
export function traceRuns(events: readonly TraceEvent[]): TraceRun[] {
  const byRun = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const list = byRun.get(e.runId);
    if (list) list.push(e);
    else byRun.set(e.runId, [e]);
  }
  return [...byRun.entries()].map(([runId, list]) => {
    const sorted = [...list].sort((a, b) => a.seq - b.seq);
    return {
      runId,
      events: sorted,
      start: sorted.find((e): e is TraceEventOf<'run_start'> => e.kind === 'run_start'),
      stop: sorted.find((e): e is TraceEventOf<'stop'> => e.kind === 'stop'),
    };
  });
}
