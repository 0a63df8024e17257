import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { type ParsedTrace, readTraceFile, type TraceEvent } from '@sre-harness/core';
import { TuiError } from './errors.js';
import { type ReportView, reportViewSchema } from './outcome.js';

/**
 * Reads a JSONL trace; a broken last line (a killed run) is skipped with a warning, any other
 * broken line is an error naming file and line.
 */
export async function loadTrace(path: string): Promise<ParsedTrace> {
  return readTraceFile(path);
}

/** Reads an eval JSON report; errors name the file and the path of each problem inside it. */
export async function loadReport(path: string): Promise<ReportView> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new TuiError('io_error', `cannot read report ${path}: ${(cause as Error).message}`, { cause });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new TuiError('invalid_report', `${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = reportViewSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new TuiError('invalid_report', `${path}: not an eval report (${issues})`, { cause: parsed.error });
  }
  return parsed.data;
}

/** A stable row key for a run of a report or a live eval. */
export function rowKey(r: { scenario: string; model: string; trial: number }): string {
  return `${r.scenario}\u0000${r.model}\u0000${r.trial}`;
}

/**
 * Reads the traces a report's runs point at (`tracePath`, relative paths taken from the working
 * directory), so a finished run opens with its full trace. Missing or broken files are warnings.
 */
export async function loadReportTraces(
  report: ReportView,
): Promise<{ events: TraceEvent[]; warnings: string[] }> {
  const events: TraceEvent[] = [];
  const warnings: string[] = [];
  const paths = [...new Set(report.runs.map((r) => r.tracePath).filter((p): p is string => Boolean(p)))];
  const results = await Promise.allSettled(paths.map((p) => readTraceFile(isAbsolute(p) ? p : resolve(p))));
  let missing = 0;
  results.forEach((r) => {
    if (r.status === 'fulfilled') {
      for (const e of r.value.events) events.push(e);
      for (const w of r.value.warnings) warnings.push(w);
    } else missing++;
  });
  if (missing > 0)
    warnings.push(`${missing} of ${paths.length} run traces named in the report could not be read`);
  return { events, warnings };
}
