import { readFile } from 'node:fs/promises';
import { type TraceVerification, verifyTrace } from '@sre-harness/core';

/** The outcome of verifying one file, for printing. */
export interface FileVerification extends TraceVerification {
  readonly file: string;
}

/** Reads and verifies one trace file; a file that cannot be read is an error naming it. */
export async function verifyFile(file: string): Promise<FileVerification> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${file}: no such file`
        : code === 'EISDIR'
          ? `${file}: is a directory, not a trace file`
          : `${file}: cannot read (${code ?? String(e)})`,
    );
  }
  return { file, ...verifyTrace(text) };
}

/** The human-readable report of one verification: the first bad line first. */
export function formatVerification(v: FileVerification): string {
  const out: string[] = [];
  if (v.ok) {
    out.push(
      `ok ${v.file}: ${v.lines} lines, ${v.runs} run(s), chain intact, seq continuous, ${v.mutations} mutation(s) each with its own approval`,
    );
  } else {
    const first = v.problems[0]!;
    out.push(`FAIL ${v.file}:${first.line}: ${first.message}`);
    const more = v.problems.length - 1;
    for (const p of v.problems.slice(1, 6)) out.push(`  also ${v.file}:${p.line}: ${p.message}`);
    if (more > 5) out.push(`  ... and ${more - 5} more problem(s)`);
  }
  for (const w of v.warnings) out.push(`  note ${v.file}:${w.line}: ${w.message}`);
  return out.join('\n');
}
