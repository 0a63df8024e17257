import { readFile } from 'node:fs/promises';
import { type ParsedTrace, readTraceFile } from '@sre-harness/core';
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
