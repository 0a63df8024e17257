import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
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

/** Where to look for a report's traces besides the paths it records. */
export interface ReportTraceOptions {
  /** The report file: relative trace paths are also taken from its directory, and traces moved
   * with it (beside it, or in a `traces/` directory beside it) are found. */
  readonly reportPath?: string;
  /** Directories to look in too (`--trace-dir`): by the recorded file name, or, for runs whose
   * report recorded no trace, every JSONL file in them. */
  readonly traceDirs?: readonly string[];
  /** Where relative paths start (default: the working directory). */
  readonly cwd?: string;
}

/** Traces found for a report: their events, warnings, and per run id where a missing one was sought. */
export interface ReportTraces {
  readonly events: TraceEvent[];
  readonly warnings: string[];
  /** Per run id: what the UI says when the run has no trace (where it looked, what to pass). */
  readonly notes: Record<string, string>;
}

// At most this many JSONL files are read from one --trace-dir.
const MAX_DIR_FILES = 5000;

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * Reads the traces a report's runs point at (`tracePath`), so a finished run opens with its full
 * trace: the path as recorded (relative ones from the working directory), then from the report's
 * directory, then by file name beside the report, in a `traces/` directory beside it, and in each
 * `traceDirs`. A run whose report recorded no trace is looked for in `traceDirs` by its run id.
 * Missing or broken files are warnings; each run without a trace gets a note saying where the TUI
 * looked and what would help.
 */
export async function loadReportTraces(
  report: ReportView,
  options: ReportTraceOptions = {},
): Promise<ReportTraces> {
  const cwd = options.cwd ?? process.cwd();
  const reportDir = options.reportPath ? dirname(resolve(cwd, options.reportPath)) : undefined;
  const dirs = (options.traceDirs ?? []).map((d) => resolve(cwd, d));
  const events: TraceEvent[] = [];
  const warnings: string[] = [];
  const notes: Record<string, string> = {};
  const withPath = report.runs.filter((r) => r.tracePath);
  const paths = [...new Set(withPath.map((r) => r.tracePath as string))];
  const found = new Map<string, string>();
  const looked = new Map<string, string[]>();
  for (const p of paths) {
    const name = basename(p);
    const candidates = [
      ...new Set([
        isAbsolute(p) ? p : resolve(cwd, p),
        ...(reportDir
          ? [
              ...(isAbsolute(p) ? [] : [resolve(reportDir, p)]),
              join(reportDir, name),
              join(reportDir, 'traces', name),
            ]
          : []),
        ...dirs.map((d) => join(d, name)),
      ]),
    ];
    looked.set(p, candidates);
    const hit = candidates.find(isFile);
    if (hit) found.set(p, hit);
  }
  const results = await Promise.allSettled([...found.values()].map((file) => readTraceFile(file)));
  const unreadable = new Set<string>();
  [...found.entries()].forEach(([p, file], i) => {
    const r = results[i]!;
    if (r.status === 'fulfilled') {
      for (const e of r.value.events) events.push(e);
      for (const w of r.value.warnings) warnings.push(w);
    } else {
      unreadable.add(p);
      warnings.push(`cannot read trace ${file}: ${(r.reason as Error).message}`);
    }
  });
  const missing = paths.filter((p) => !found.has(p) || unreadable.has(p)).length;
  if (missing > 0)
    warnings.push(`${missing} of ${paths.length} run traces named in the report could not be read`);
  // Runs the report recorded no trace for: any trace in --trace-dir that has their run id.
  const seen = new Set(events.map((e) => e.runId));
  const wanted = new Set(report.runs.filter((r) => !r.tracePath && !seen.has(r.runId)).map((r) => r.runId));
  if (wanted.size > 0 && dirs.length > 0) {
    const read = new Set(found.values());
    for (const dir of dirs) {
      let files: string[] = [];
      try {
        files = readdirSync(dir)
          .filter((f) => f.endsWith('.jsonl'))
          .sort()
          .slice(0, MAX_DIR_FILES)
          .map((f) => join(dir, f))
          .filter((f) => !read.has(f));
      } catch (cause) {
        warnings.push(`cannot read --trace-dir ${dir}: ${(cause as Error).message}`);
      }
      for (const file of files) {
        try {
          const parsed = await readTraceFile(file);
          for (const e of parsed.events) if (wanted.has(e.runId)) events.push(e);
        } catch {
          warnings.push(`skipped ${file}: not a trace`);
        }
      }
    }
  }
  const loaded = new Set(events.map((e) => e.runId));
  for (const run of report.runs) {
    if (loaded.has(run.runId)) continue;
    if (run.tracePath) {
      const where = looked.get(run.tracePath) ?? [run.tracePath];
      notes[run.runId] = unreadable.has(run.tracePath)
        ? `trace ${found.get(run.tracePath)} could not be read (see the warning)`
        : `trace not found; looked for ${where.join(', ')}${dirs.length ? '' : ' (--trace-dir <dir> looks elsewhere)'}`;
    } else {
      notes[run.runId] = dirs.length
        ? `no trace recorded in the report, and none with run id ${run.runId} in ${dirs.join(', ')}`
        : 'no trace recorded: the eval ran without --trace-dir (pass --trace-dir <dir> if the traces are kept elsewhere)';
    }
  }
  return { events, warnings, notes };
}
