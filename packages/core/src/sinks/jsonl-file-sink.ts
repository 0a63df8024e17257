import { type KeyObject, sign } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { describeError, HarnessError } from '../errors.js';
import type { TraceSink } from '../trace.js';
import { ed25519Key, LINE_HASH_SUFFIX, lineHash, traceKeyId } from '../trace-crypto.js';
import { type AnchorRecord, TRACE_VERSION, type TraceEvent } from '../trace-events.js';

/** Options of the JSONL file sink. */
export interface JsonlSinkOptions {
  /** fsync after each run's stop event so the whole run survives a power cut. Default true. */
  readonly fsyncOnFlush?: boolean;
  /**
   * Write each event the moment it is emitted (one write per line) instead of at the harness's
   * checkpoints. Both leave only whole lines on disk; unbuffered costs a syscall per event.
   */
  readonly unbuffered?: boolean;
  /** Longest a non-critical event waits before it is written. Default 50 ms. */
  readonly maxDelayMs?: number;
  /** Pending characters (UTF-16 units, about bytes for ASCII) that force a write at the next checkpoint. Default 65,536. */
  readonly maxPendingChars?: number;
  /**
   * An Ed25519 private key (a `KeyObject` or PEM text) the trace does not contain. With it, every
   * write ends with a `checkpoint` line that signs the head of the chain, so a file rewritten by
   * someone without the key no longer verifies (`sre-harness trace verify --key public.pem`).
   */
  readonly signingKey?: KeyObject | string | Buffer;
  /**
   * A second place each checkpoint's position and hash are published to, so a file that is cut
   * short or rewritten disagrees with it: a file path (one JSON line appended per checkpoint) or a
   * function (stdout, an OTel log). Checkpoints are written when this or `signingKey` is set.
   */
  readonly anchor?: string | ((record: AnchorRecord) => void);
  /**
   * Start a new file once the current one would grow past this many bytes: `run.jsonl`, then
   * `run.1.jsonl`, `run.2.jsonl`, ..., each beginning with a `link` line chained to the last hash
   * of the file before. A single line longer than this still goes into one file. Default: no limit.
   */
  readonly maxFileBytes?: number;
}

/** Lines waiting to be written, for the file of one rotation index. */
interface Segment {
  readonly index: number;
  /** Text not yet tried, or the bytes left over from a write that failed part-way. */
  data: string | Buffer;
}

/** The hash of the last complete, chained line of a file, so appending continues its chain. */
function lastLineHash(fd: number): string | null {
  const size = fstatSync(fd).size;
  if (size === 0) return null;
  const length = Math.min(size, 1 << 20);
  const buf = Buffer.alloc(length);
  readSync(fd, buf, 0, length, size - length);
  const text = buf.toString('utf8').replace(/\n+$/, '');
  const line = text.slice(text.lastIndexOf('\n') + 1);
  return LINE_HASH_SUFFIX.exec(line)?.[1] ?? null;
}

/** Newlines in a file, read in chunks (only needed to number checkpoints in a file appended to). */
function countLines(fd: number): number {
  const buf = Buffer.alloc(1 << 20);
  let lines = 0;
  let pos = 0;
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) return lines;
    for (let i = buf.indexOf(10, 0); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
    pos += n;
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Opens `path` (Node's `openSync` flags), making its directory first only when it is missing: a sink
 * per run in one directory (the eval's) skips a `mkdir` per run. Throws what `openSync` or `mkdirSync` throws.
 */
function openCreatingDir(path: string, flags: string): number {
  try {
    return openSync(path, flags);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, flags);
  }
}

/**
 * Appends one JSON line per event to a file opened O_APPEND, each line chained to the one before
 * (`prev`, `hash`), so editing, deleting or reordering a line is detectable (`verifyTrace`). Writes
 * hold whole lines only, so a process killed at any point leaves a valid prefix. Everything that
 * happened is written before an approval is asked or a mutating tool runs; other events are written
 * within `maxDelayMs` (or once `maxPendingChars` wait), and all of them when the run stops.
 *
 * A write that fails (a full disk) is never thrown from a timer: its lines are kept and retried,
 * and the next critical `checkpoint()` (before an approval or a mutation), `flush()` or `close()`
 * throws a `HarnessError` with code `trace_write_failed` if they still cannot be written.
 */
export class JsonlFileSink implements TraceSink {
  /** The first file; rotated files sit beside it (see `maxFileBytes`). */
  readonly path: string;
  #fd: number | undefined;
  #fdIndex = 0;
  #closed = false;
  readonly #fsync: boolean;
  readonly #unbuffered: boolean;
  readonly #maxDelayMs: number;
  readonly #maxPending: number;
  readonly #maxFileBytes: number;
  readonly #key: KeyObject | undefined;
  readonly #keyId: string | undefined;
  readonly #anchor: ((record: AnchorRecord) => void) | undefined;
  readonly #anchorPath: string | undefined;
  #anchorFd: number | undefined;
  readonly #checkpoints: boolean;
  #segments: Segment[] = [];
  #pendingChars = 0;
  #prev: string | null;
  #checkpointedAt: string | null | undefined;
  /** Rotation index of the file new lines go to, its bytes and lines (written and pending). */
  #index = 0;
  #fileBytes = 0;
  #fileLines = 0;
  #anchorQueue: AnchorRecord[] = [];
  #writeError: HarnessError | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(path: string, options: JsonlSinkOptions = {}) {
    this.path = path;
    this.#fsync = options.fsyncOnFlush ?? true;
    this.#unbuffered = options.unbuffered ?? false;
    this.#maxDelayMs = options.maxDelayMs ?? 50;
    this.#maxPending = options.maxPendingChars ?? 64 * 1024;
    this.#maxFileBytes = options.maxFileBytes ?? Number.POSITIVE_INFINITY;
    if (!(this.#maxFileBytes > 0))
      throw new HarnessError('invalid_option', `maxFileBytes must be positive, got ${options.maxFileBytes}`);
    if (options.signingKey !== undefined) {
      this.#key = ed25519Key(options.signingKey, 'private', 'signingKey');
      this.#keyId = traceKeyId(this.#key);
    }
    if (typeof options.anchor === 'function') this.#anchor = options.anchor;
    else if (typeof options.anchor === 'string') this.#anchorPath = options.anchor;
    this.#checkpoints = this.#key !== undefined || options.anchor !== undefined;
    try {
      if (Number.isFinite(this.#maxFileBytes)) {
        mkdirSync(dirname(path), { recursive: true });
        this.#index = this.#lastRotation();
      }
      this.#fdIndex = this.#index;
      this.#fd = openCreatingDir(this.fileAt(this.#index), 'a+');
      this.#prev = lastLineHash(this.#fd);
      this.#fileBytes = fstatSync(this.#fd).size;
      if (this.#checkpoints && this.#fileBytes > 0) this.#fileLines = countLines(this.#fd);
    } catch (cause) {
      if (this.#fd !== undefined) closeSync(this.#fd);
      throw new HarnessError(
        'trace_write_failed',
        `cannot open trace file ${this.fileAt(this.#index)}: ${describeError(cause)}`,
        { cause },
      );
    }
    if (this.#anchorPath !== undefined) {
      try {
        this.#anchorFd = openCreatingDir(this.#anchorPath, 'a');
      } catch (cause) {
        closeSync(this.#fd);
        throw new HarnessError(
          'trace_write_failed',
          `cannot open trace anchor ${this.#anchorPath}: ${describeError(cause)}`,
          { cause },
        );
      }
    }
  }

  /** The file of rotation index `index`: the path itself for 0, `run.<index>.jsonl` after. */
  fileAt(index: number): string {
    if (index === 0) return this.path;
    const ext = extname(this.path);
    return join(dirname(this.path), `${basename(this.path, ext)}.${index}${ext}`);
  }

  /** The file new lines go to now. */
  get currentPath(): string {
    return this.fileAt(this.#index);
  }

  /** The last write that failed and has not been retried successfully since, if any. */
  get writeError(): HarnessError | undefined {
    return this.#writeError;
  }

  #lastRotation(): number {
    const ext = extname(this.path);
    const re = new RegExp(`^${escapeRe(basename(this.path, ext))}\\.(\\d+)${escapeRe(ext)}$`);
    let last = 0;
    for (const name of readdirSync(dirname(this.path))) {
      const m = re.exec(name);
      if (m) last = Math.max(last, Number(m[1]));
    }
    return last;
  }

  write(event: TraceEvent): void {
    if (this.#closed) throw new HarnessError('trace_write_failed', `trace file ${this.path} is closed`);
    // Events re-written from another file carry that file's chain; this file's chain replaces it.
    let body: object = event;
    if ('hash' in event || 'prev' in event) {
      const { prev: _p, hash: _h, ...rest } = event;
      body = rest;
    }
    const json = JSON.stringify(body);
    const head = `${json.slice(0, -1)},"prev":${this.#prevJson()}`;
    // The line's bytes: its head and `,"hash":"sha256:<64 hex>"}\n` (83 bytes).
    if (
      this.#maxFileBytes !== Number.POSITIVE_INFINITY &&
      this.#fileBytes > 0 &&
      this.#fileBytes + Buffer.byteLength(head) + 83 > this.#maxFileBytes
    ) {
      this.#rotate();
      this.#append(`${json.slice(0, -1)},"prev":${this.#prevJson()}`);
    } else this.#append(head);
    if (this.#unbuffered) this.#write(false);
  }

  #prevJson(): string {
    return this.#prev === null ? 'null' : `"${this.#prev}"`;
  }

  /** Adds a line whose text up to `"prev":…` is `head`, chaining it. */
  #append(head: string): void {
    const hash = lineHash(head);
    this.#prev = hash;
    const line = `${head},"hash":"${hash}"}\n`;
    const last = this.#segments.at(-1);
    if (last && last.index === this.#index && typeof last.data === 'string') last.data += line;
    else this.#segments.push({ index: this.#index, data: line });
    this.#pendingChars += line.length;
    this.#fileLines++;
    if (Number.isFinite(this.#maxFileBytes)) this.#fileBytes += Buffer.byteLength(line);
  }

  /** Ends the current file (signed, when there is a key) and starts the next, linked to its head. */
  #rotate(): void {
    if (this.#checkpoints) this.#appendCheckpoint();
    const from = basename(this.currentPath);
    this.#index++;
    this.#fileBytes = 0;
    this.#fileLines = 0;
    const ts = new Date().toISOString();
    this.#append(
      `{"v":${TRACE_VERSION},"kind":"link","ts":"${ts}","from":${JSON.stringify(from)},"index":${this.#index},"prev":${this.#prevJson()}`,
    );
  }

  /** A checkpoint line over the head of the chain: signed with the key, published to the anchor. */
  #appendCheckpoint(): void {
    if (this.#prev === this.#checkpointedAt || this.#fileLines === 0) return;
    const ts = new Date().toISOString();
    let head = `{"v":${TRACE_VERSION},"kind":"checkpoint","ts":"${ts}","lines":${this.#fileLines}`;
    if (this.#keyId !== undefined) head += `,"keyId":"${this.#keyId}"`;
    head += `,"prev":${this.#prevJson()}`;
    if (this.#key !== undefined)
      head += `,"sig":"${sign(null, Buffer.from(head), this.#key).toString('base64')}"`;
    const line = this.#fileLines + 1;
    this.#append(head);
    this.#checkpointedAt = this.#prev;
    if (this.#anchor || this.#anchorPath !== undefined)
      this.#anchorQueue.push({
        v: TRACE_VERSION,
        file: basename(this.currentPath),
        line,
        hash: this.#prev!,
        ts,
      });
  }

  checkpoint(critical = true): void {
    if (this.#closed) return;
    if (critical) {
      if (!this.#write(true)) throw this.#writeError!;
      return;
    }
    if (this.#segments.length === 0 && this.#anchorQueue.length === 0) return;
    if (this.#unbuffered || this.#pendingChars >= this.#maxPending) {
      this.#write(true);
      return;
    }
    // Written a little later: before a long model call ends, or at the next critical point. The
    // timer never throws: a failure is kept for the next critical checkpoint.
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#write(true);
      }, this.#maxDelayMs);
      this.#timer.unref?.();
    }
  }

  /**
   * Writes every pending line (and a checkpoint first, when `signed` and checkpoints are on), then
   * publishes the checkpoints. Returns false, keeping what was not written, when a write fails.
   */
  #write(signed: boolean): boolean {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#closed) return this.#writeError === undefined;
    if (signed && this.#checkpoints) this.#appendCheckpoint();
    let where = this.fileAt(this.#fdIndex);
    try {
      while (this.#segments.length > 0) {
        const seg = this.#segments[0]!;
        if (seg.index !== this.#fdIndex) {
          where = this.fileAt(seg.index);
          const fd = openSync(where, 'a');
          if (this.#fd !== undefined) closeSync(this.#fd);
          this.#fd = fd;
          this.#fdIndex = seg.index;
        }
        where = this.fileAt(seg.index);
        const buf = typeof seg.data === 'string' ? Buffer.from(seg.data) : seg.data;
        let off = 0;
        try {
          while (off < buf.length) off += writeSync(this.#fd!, buf, off, buf.length - off);
        } finally {
          // What did reach the file is never written twice; the rest is kept for a retry.
          if (off < buf.length) {
            seg.data = buf.subarray(off);
          }
        }
        this.#segments.shift();
      }
      this.#pendingChars = 0;
      where = this.#anchorPath ?? 'the anchor';
      while (this.#anchorQueue.length > 0) {
        const record = this.#anchorQueue[0]!;
        if (this.#anchorFd !== undefined) writeSync(this.#anchorFd, `${JSON.stringify(record)}\n`);
        else this.#anchor?.(record);
        this.#anchorQueue.shift();
      }
    } catch (cause) {
      this.#writeError = new HarnessError(
        'trace_write_failed',
        `cannot write trace file ${where}: ${describeError(cause)}; ${this.#pendingLines()} kept to retry`,
        { cause },
      );
      return false;
    }
    this.#writeError = undefined;
    return true;
  }

  #pendingLines(): string {
    const n = this.#segments.reduce((sum, s) => {
      const text = typeof s.data === 'string' ? s.data : s.data.toString('utf8');
      return sum + (text.match(/\n/g)?.length ?? 0);
    }, 0);
    return n === 1 ? '1 line' : `${n} lines`;
  }

  /** Writes and signs everything pending and fsyncs; throws `trace_write_failed` if that fails. */
  flush(): void {
    this.checkpoint(true);
    if (this.#fd !== undefined && this.#fsync) {
      try {
        fsyncSync(this.#fd);
        if (this.#anchorFd !== undefined) fsyncSync(this.#anchorFd);
      } catch (cause) {
        throw new HarnessError(
          'trace_write_failed',
          `cannot fsync trace file ${this.currentPath}: ${describeError(cause)}`,
          {
            cause,
          },
        );
      }
    }
  }

  /**
   * Writes and signs everything pending, then closes the file. If that write fails it throws
   * `trace_write_failed` and stays open, so a later `close()` can retry.
   */
  close(): void {
    if (this.#closed) return;
    this.checkpoint(true);
    this.#closed = true;
    if (this.#fd !== undefined) closeSync(this.#fd);
    if (this.#anchorFd !== undefined) closeSync(this.#anchorFd);
    this.#fd = undefined;
    this.#anchorFd = undefined;
  }
}
