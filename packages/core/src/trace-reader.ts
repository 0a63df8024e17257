import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { HarnessError } from './errors.js';
import type { TraceEvent, TraceEventOf } from './trace.js';

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

// The envelope every line must carry; the body is kept as written so newer fields survive a read.
const envelopeSchema = z.looseObject({
  v: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  ts: z.string(),
  runId: z.string().min(1),
  kind: z.string().min(1),
});

const usageSchema = z.looseObject({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
});

// Decision events are what replay depends on, so their body is checked too.
const decisionSchema = z.looseObject({
  step: z.number().int().positive(),
  type: z.enum(['tool_calls', 'final', 'invalid']),
  calls: z
    .array(
      z.looseObject({
        callId: z.string(),
        tool: z.string(),
        args: z.unknown(),
        parseError: z.string().optional(),
      }),
    )
    .optional(),
  text: z.string().optional(),
  answer: z.string().optional(),
  detail: z.string().optional(),
  usage: usageSchema.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

const runStartSchema = z.looseObject({
  task: z.string(),
  tools: z.array(z.looseObject({ name: z.string(), mutating: z.boolean() })),
});

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(line)'}: ${i.message}`).join('; ');
}

/**
 * Parses JSONL trace text. Blank lines are ignored; a broken last line (what a killed run can leave)
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
      const envelope = envelopeSchema.safeParse(value);
      if (!envelope.success) problem = `not a trace event (${issuesText(envelope.error)})`;
      else {
        const body =
          envelope.data.kind === 'decision'
            ? decisionSchema.safeParse(value)
            : envelope.data.kind === 'run_start'
              ? runStartSchema.safeParse(value)
              : undefined;
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
