import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  type AnchorRecord,
  anchorRecordSchema,
  ed25519Key,
  streamLines,
  type TraceProblem,
  type TraceVerification,
  traceKeyId,
  verifyTraceFiles,
} from '@sre-harness/core';

/** The outcome of verifying one trace (a file and the files rotated after it), for printing. */
export interface FileVerification extends TraceVerification {
  /** The first file of the trace. */
  readonly file: string;
  /** Every file of the trace, in order. */
  readonly files: readonly string[];
  /** Whether a key was given: without one, a pass proves self-consistency only. */
  readonly keyed: boolean;
}

/** What `trace verify` checks against, besides the files themselves. */
export interface VerifyCommandOptions {
  /** PEM text of the writer's Ed25519 public key. */
  readonly publicKey?: string;
  readonly anchor?: readonly AnchorRecord[];
}

/** A usage error: printed as one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function readError(file: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  return new UsageError(
    code === 'ENOENT'
      ? `${file}: no such file`
      : code === 'EISDIR'
        ? `${file}: is a directory, not a trace file`
        : `${file}: cannot read (${code ?? String(e)})`,
  );
}

/** `run.jsonl` → [`run`, 0]; `run.3.jsonl` → [`run`, 3]: the series a rotated file belongs to. */
export function rotationOf(file: string): { series: string; index: number } {
  const ext = extname(file);
  const stem = basename(file, ext);
  const m = /^(.*)\.(\d+)$/.exec(stem);
  return m ? { series: `${m[1]}${ext}`, index: Number(m[2]) } : { series: `${stem}${ext}`, index: 0 };
}

/** The paths given, with each directory replaced by its `*.jsonl` files in rotation order. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (e) {
      throw readError(p, e);
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const names = (await readdir(p)).filter((n) => n.endsWith('.jsonl'));
    names.sort((a, b) => {
      const ra = rotationOf(a);
      const rb = rotationOf(b);
      return ra.series < rb.series ? -1 : ra.series > rb.series ? 1 : ra.index - rb.index;
    });
    if (names.length === 0) throw new UsageError(`${p}: a directory with no .jsonl files`);
    out.push(...names.map((n) => join(p, n)));
  }
  return out;
}

/** Whether a file begins with a rotation `link` record, so it continues the file before it. */
async function continuesPrevious(file: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw readError(file, e);
  }
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return /^\{"v":\d+,"kind":"link",/.test(buf.subarray(0, bytesRead).toString('utf8'));
  } catch (e) {
    throw readError(file, e);
  } finally {
    await handle.close();
  }
}

/** Groups files into traces: a file that begins with a `link` joins the trace of the file before it. */
export async function groupTraces(files: readonly string[]): Promise<string[][]> {
  const groups: string[][] = [];
  for (const f of files) {
    const last = groups.at(-1);
    if (last && (await continuesPrevious(f))) last.push(f);
    else groups.push([f]);
  }
  return groups;
}

/** Reads an anchor file: one JSON record per line; a bad line is a usage error naming it. */
export async function readAnchor(file: string): Promise<AnchorRecord[]> {
  const records: AnchorRecord[] = [];
  let n = 0;
  try {
    for await (const line of streamLines(createReadStream(file))) {
      n++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new UsageError(`${file}:${n}: not JSON (an anchor holds one JSON record per line)`);
      }
      const r = anchorRecordSchema.safeParse(value);
      if (!r.success)
        throw new UsageError(
          `${file}:${n}: not an anchor record (${r.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ')})`,
        );
      records.push(r.data);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw readError(file, e);
  }
  return records;
}

/** Reads the public key file; not a PEM Ed25519 public key is a usage error. */
export async function readPublicKey(file: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    throw readError(file, e);
  }
  try {
    ed25519Key(pem, 'public', file);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  return pem;
}

/** Verifies one trace (its files in order), streaming; a file that cannot be read is an error naming it. */
export async function verifyFile(
  file: string | readonly string[],
  options: VerifyCommandOptions = {},
): Promise<FileVerification> {
  const files = typeof file === 'string' ? [file] : file;
  for (const f of files) {
    try {
      if ((await stat(f)).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    } catch (e) {
      throw readError(f, e);
    }
  }
  let v: TraceVerification;
  try {
    v = await verifyTraceFiles(files, {
      ...(options.publicKey !== undefined ? { publicKey: options.publicKey } : {}),
      ...(options.anchor ? { anchor: options.anchor } : {}),
    });
  } catch (e) {
    throw readError(files[0]!, e);
  }
  return { ...v, file: files[0]!, files, keyed: options.publicKey !== undefined };
}

/** Anchor records that name files of these traces' series that were not given: a deleted file. */
export function missingFromAnchor(anchor: readonly AnchorRecord[], files: readonly string[]): string[] {
  const given = new Set(files.map((f) => basename(f)));
  const series = new Set(files.map((f) => rotationOf(basename(f)).series));
  const missing = new Set<string>();
  for (const r of anchor)
    if (!given.has(r.file) && series.has(rotationOf(r.file).series)) missing.add(r.file);
  return [...missing];
}

const SELF_CONSISTENT_ONLY =
  'no --key: this proves the file is self-consistent only; whoever can write it can rewrite it and recompute every hash';

function where(v: FileVerification, p: TraceProblem): string {
  return `${p.file ?? v.file}:${p.line}`;
}

/** The human-readable report of one verification: the first bad line first. */
export function formatVerification(v: FileVerification, options: { publicKey?: string } = {}): string {
  const out: string[] = [];
  const name = v.files.length > 1 ? `${v.file} (+${v.files.length - 1} rotated file(s))` : v.file;
  if (v.ok) {
    const signed =
      v.keyed && options.publicKey !== undefined
        ? `, ${v.signedCheckpoints} checkpoint(s) signed by key ${traceKeyId(ed25519Key(options.publicKey, 'public', 'key'))}`
        : '';
    out.push(
      `ok ${name}: ${v.lines} lines, ${v.runs} run(s), chain intact, seq continuous, ${v.mutations} mutation(s) each with its own approval${signed}`,
    );
  } else {
    const first = v.problems[0]!;
    out.push(`FAIL ${where(v, first)}: ${first.message}`);
    const more = v.problems.length - 1;
    for (const p of v.problems.slice(1, 6)) out.push(`  also ${where(v, p)}: ${p.message}`);
    if (more > 5) out.push(`  ... and ${more - 5} more problem(s)`);
  }
  for (const w of v.warnings) out.push(`  note ${where(v, w)}: ${w.message}`);
  if (!v.keyed) out.push(`  note ${v.file}: ${SELF_CONSISTENT_ONLY}`);
  return out.join('\n');
}
