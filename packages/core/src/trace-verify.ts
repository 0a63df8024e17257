import { type KeyObject, verify as verifySignature } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { callHash } from './canonical.js';
import { CHECKPOINT_SIG_SUFFIX, ed25519Key, LINE_HASH_SUFFIX, lineHash, traceKeyId } from './trace-crypto.js';
import {
  type AnchorRecord,
  checkpointRecordSchema,
  linkRecordSchema,
  TRACE_VERSION,
  traceEventBodySchema,
} from './trace-events.js';

/** One problem found in a trace file, at a 1-based line of `file` (absent for a single text). */
export interface TraceProblem {
  readonly line: number;
  readonly message: string;
  readonly file?: string;
}

/** What `verifyTrace` found. `ok` is false when any problem was found; the first one is the one to read. */
export interface TraceVerification {
  readonly ok: boolean;
  /** Lines read, over every file. */
  readonly lines: number;
  readonly runs: number;
  readonly mutations: number;
  /** Checkpoint records seen, and how many of them carried a signature the given key verified. */
  readonly checkpoints: number;
  readonly signedCheckpoints: number;
  /** True when a key was given and every line is covered by a valid signature (`ok` too). */
  readonly signed: boolean;
  /** Runs with no `stop` event: killed, still running, or cut off. */
  readonly incompleteRuns: readonly string[];
  readonly problems: readonly TraceProblem[];
  /** Tolerated oddities: a cut-off last line, a run with no stop event (a killed run). */
  readonly warnings: readonly TraceProblem[];
}

/** Options of `verifyTrace` and `verifyTraceFiles`. */
export interface VerifyTraceOptions {
  /**
   * The Ed25519 public key (KeyObject or PEM) of the writer's `signingKey`. With it, every checkpoint
   * must carry a valid signature and no run may stop after the last one, so a file rewritten without
   * the private key fails. Without it, verification proves self-consistency only.
   */
  readonly publicKey?: KeyObject | string | Buffer;
  /** What the writer published to its anchor; the files must agree with it. */
  readonly anchor?: readonly AnchorRecord[];
  /** The file name `verifyTrace` reports and looks up in the anchor. */
  readonly file?: string;
}

interface RunState {
  nextSeq: number;
  mutating: Set<string>;
  requested: Map<string, { args: unknown; line: number }>;
  approvals: Map<string, { granted: boolean; argsHash: string; tool: string; line: number }[]>;
  firstLine: number;
  firstFile: string | undefined;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set(traceEventBodySchema.options.map((o) => o.shape.kind.value));

/**
 * Checks a JSONL trace as written by `JsonlFileSink`, one line at a time, so a file of any size is
 * verified in memory bounded by the runs in flight: the hash chain (each line's own hash and its
 * link to the line before, so an edited, deleted or reordered line is caught where it happened),
 * seq continuity within each run, every event against the trace event schema, that every mutating
 * call that ran had a granted approval for the same tool and arguments, and, with a key, the
 * signatures of the checkpoints; with an anchor, that the file agrees with what was published.
 * Feed files in order with `beginFile`, `line` and `endFile`; `result()` reports.
 */
export class TraceVerifier {
  readonly #problems: TraceProblem[] = [];
  readonly #warnings: TraceProblem[] = [];
  readonly #runs = new Map<string, RunState>();
  readonly #stopped = new Set<string>();
  readonly #key: KeyObject | undefined;
  readonly #keyId: string | undefined;
  readonly #anchor: Map<string, Map<number, string>> | undefined;
  #mutations = 0;
  #lines = 0;
  #checkpoints = 0;
  #signed = 0;
  #files = 0;
  // Per file.
  #file: string | undefined;
  #lineNo = 0;
  #pending: string | undefined;
  #blanks: number[] = [];
  #prevHash: string | null = null;
  #headOfLastFile: string | null | undefined;
  #lastFileName: string | undefined;
  #continuesUnseen = false;
  #anchored = new Set<number>();
  #unanchored: number[] = [];
  #lastCheckpoint: { line: number } | undefined;
  // The lines since the last valid signed checkpoint, over files.
  #tail: { file: string | undefined; line: number } | undefined;
  #tailStop: { file: string | undefined; line: number; runId: string } | undefined;
  #lastSigned: { file: string | undefined; line: number } | undefined;

  constructor(options: VerifyTraceOptions = {}) {
    if (options.publicKey !== undefined) {
      this.#key = ed25519Key(options.publicKey, 'public', 'publicKey');
      this.#keyId = traceKeyId(this.#key);
    }
    if (options.anchor) {
      this.#anchor = new Map();
      for (const r of options.anchor) {
        const m = this.#anchor.get(r.file) ?? new Map<number, string>();
        this.#anchor.set(r.file, m);
        m.set(r.line, r.hash);
      }
    }
  }

  #problem(line: number, message: string): void {
    this.#problems.push({ line, message, ...(this.#file !== undefined ? { file: this.#file } : {}) });
  }

  #warn(line: number, message: string, file = this.#file): void {
    this.#warnings.push({ line, message, ...(file !== undefined ? { file } : {}) });
  }

  /** Starts the next file of the trace; a file that begins with a `link` continues the one before. */
  beginFile(file?: string): void {
    this.#file = file;
    this.#lineNo = 0;
    this.#pending = undefined;
    this.#blanks = [];
    this.#anchored = new Set();
    this.#unanchored = [];
    this.#lastCheckpoint = undefined;
    this.#files++;
  }

  /** One line of the current file, without its newline. */
  line(raw: string): void {
    this.#lineNo++;
    if (raw === '') {
      // Blank lines at the very end are tolerated, as `split` leaves them; elsewhere they are problems.
      this.#blanks.push(this.#lineNo);
      return;
    }
    if (this.#pending !== undefined)
      this.#check(this.#pending, this.#lineNo - 1 - this.#blanks.length, false);
    for (const b of this.#blanks) this.#problem(b, 'not a JSON object');
    this.#blanks = [];
    this.#pending = raw;
  }

  /** Ends the current file: its last line may be cut off, and the anchor may know of more. */
  endFile(): void {
    const last = this.#lineNo - this.#blanks.length;
    if (this.#pending !== undefined) this.#check(this.#pending, last, true);
    this.#pending = undefined;
    this.#lines += last;
    this.#headOfLastFile = this.#prevHash;
    this.#lastFileName = this.#file;
    const expected = this.#file !== undefined ? this.#anchor?.get(basename(this.#file)) : undefined;
    if (this.#anchor && last > 0 && expected === undefined && this.#checkpoints > 0)
      this.#problem(
        1,
        'the anchor has no record of this file: it was renamed, or the anchor belongs to another trace',
      );
    if (expected) {
      for (const [line, hash] of [...expected].sort((a, b) => a[0] - b[0])) {
        if (this.#anchored.has(line)) continue;
        this.#problem(
          Math.min(line, last + 1),
          line > last
            ? `the anchor records a checkpoint at line ${line} (${hash.slice(0, 19)}…) but the file ends at line ${last}: the file was cut short`
            : `the anchor records a checkpoint at line ${line}, which is not there: the file was rewritten`,
        );
      }
    }
    for (const line of this.#unanchored) {
      if (line === this.#lastCheckpoint?.line)
        this.#warn(
          line,
          'the last checkpoint is not in the anchor (the writer stopped between the two writes)',
        );
      else this.#problem(line, 'a checkpoint the anchor does not know: the file was rewritten');
    }
  }

  #check(raw: string, lineNo: number, isLast: boolean): void {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(raw);
      if (typeof event !== 'object' || event === null || Array.isArray(event))
        throw new Error('not an object');
    } catch {
      if (isLast) {
        this.#warn(lineNo, 'the last line is cut off (a run killed while writing); ignored');
        return;
      }
      this.#problem(lineNo, 'not a JSON object');
      this.#prevHash = null;
      return;
    }

    // The chain: this line's own hash, then its link to the line before.
    const kind = event.kind;
    const suffix = LINE_HASH_SUFFIX.exec(raw);
    let chained = false;
    if (!suffix) {
      this.#problem(lineNo, 'carries no hash (not written by a chained trace sink, or altered)');
    } else {
      const own = lineHash(raw.slice(0, suffix.index));
      if (own !== suffix[1]) this.#problem(lineNo, 'content does not match its hash: the line was edited');
      else if (lineNo === 1 && kind === 'link' && this.#files > 1 && this.#headOfLastFile !== undefined) {
        if (event.prev !== this.#headOfLastFile)
          this.#problem(
            lineNo,
            `does not continue ${this.#lastFileName !== undefined ? basename(this.#lastFileName) : 'the file before'}: a file was removed, reordered or rewritten`,
          );
        else chained = true;
      } else if (lineNo === 1 && kind === 'link') {
        this.#continuesUnseen = true;
        this.#warn(
          lineNo,
          `continues ${typeof event.from === 'string' ? event.from : 'a file'} (rotation), which was not given: the chain is checked from here`,
        );
        chained = true;
      } else if (event.prev !== (lineNo === 1 ? null : this.#prevHash)) {
        this.#problem(
          lineNo,
          lineNo === 1
            ? 'the first line links to a line before it: lines were removed from the start'
            : `does not follow line ${lineNo - 1}: a line was deleted, inserted or moved here`,
        );
      } else chained = true;
    }
    this.#prevHash = typeof event.hash === 'string' ? event.hash : null;

    if (kind === 'checkpoint' && !('runId' in event)) {
      this.#checkpoint(raw, event, lineNo, chained);
      return;
    }
    if (kind === 'link' && !('runId' in event)) {
      const link = linkRecordSchema.safeParse(event);
      if (!link.success) this.#problem(lineNo, 'bad link record');
      else if (lineNo !== 1) this.#problem(lineNo, 'a link record that is not the first line of its file');
      return;
    }
    this.#tail ??= { file: this.#file, line: lineNo };
    this.#event(event, lineNo);
  }

  #checkpoint(raw: string, event: Record<string, unknown>, lineNo: number, chained: boolean): void {
    this.#checkpoints++;
    const record = checkpointRecordSchema.safeParse(event);
    if (!record.success) {
      this.#problem(lineNo, 'bad checkpoint record');
      return;
    }
    const cp = record.data;
    if (cp.lines !== lineNo - 1)
      this.#problem(
        lineNo,
        `the checkpoint counts ${cp.lines} lines before it, but ${lineNo - 1} precede it: lines were added or removed`,
      );
    // Anchor: the checkpoint at this line must have the published hash.
    const published = this.#file !== undefined ? this.#anchor?.get(basename(this.#file)) : undefined;
    const hash = published?.get(lineNo);
    this.#lastCheckpoint = { line: lineNo };
    if (published && hash === undefined) this.#unanchored.push(lineNo);
    if (hash !== undefined) {
      this.#anchored.add(lineNo);
      if (hash !== cp.hash)
        this.#problem(lineNo, `disagrees with the anchor (${hash.slice(0, 19)}…): the file was rewritten`);
    }
    if (!this.#key) return;
    const sig = CHECKPOINT_SIG_SUFFIX.exec(raw);
    if (cp.sig === undefined || !sig) {
      this.#problem(lineNo, 'checkpoint is not signed');
      return;
    }
    if (cp.keyId !== this.#keyId) {
      this.#problem(
        lineNo,
        `checkpoint is signed with another key (keyId ${cp.keyId}, expected ${this.#keyId})`,
      );
      return;
    }
    let valid = false;
    try {
      valid = verifySignature(null, Buffer.from(sig[1]!), this.#key, Buffer.from(sig[2]!, 'base64'));
    } catch {
      valid = false;
    }
    if (!valid) {
      this.#problem(lineNo, 'the checkpoint signature does not verify: the lines before it were rewritten');
      return;
    }
    if (!chained) return;
    this.#signed++;
    this.#lastSigned = { file: this.#file, line: lineNo };
    this.#tail = undefined;
    this.#tailStop = undefined;
  }

  #event(e: Record<string, unknown>, lineNo: number): void {
    const { runId, seq, kind } = e;
    if (typeof runId !== 'string' || typeof seq !== 'number' || typeof kind !== 'string') {
      this.#problem(lineNo, 'not a trace event (runId, seq and kind are required)');
      return;
    }
    if (typeof e.v === 'number' && e.v > TRACE_VERSION)
      this.#problem(lineNo, `written in trace format v${e.v}; this verifier knows up to v${TRACE_VERSION}`);
    else if (!KNOWN_KINDS.has(kind)) this.#problem(lineNo, `unknown event kind ${JSON.stringify(kind)}`);
    else {
      const body = traceEventBodySchema.safeParse(e);
      if (!body.success)
        this.#problem(
          lineNo,
          `bad ${kind} event (${body.error.issues.map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`).join('; ')})`,
        );
    }

    let run = this.#runs.get(runId);
    if (!run) {
      if (this.#stopped.has(runId)) this.#problem(lineNo, `run ${runId}: an event after its stop event`);
      run = {
        nextSeq: 0,
        mutating: new Set(),
        requested: new Map(),
        approvals: new Map(),
        firstLine: lineNo,
        firstFile: this.#file,
      };
      // A run that began in a rotated file that was not given starts mid-way.
      if (this.#continuesUnseen && seq !== 0) run.nextSeq = seq;
      this.#runs.set(runId, run);
    }
    if (seq !== run.nextSeq)
      this.#problem(lineNo, `run ${runId}: seq ${seq} where ${run.nextSeq} was expected`);
    run.nextSeq = seq + 1;

    // Approvals and mutations; fields are checked, because the file is outside data.
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const callId = str(e.callId);
    const tool = str(e.tool);
    if (kind === 'run_start' && Array.isArray(e.tools)) {
      for (const t of e.tools as unknown[]) {
        const name = str((t as { name?: unknown } | null)?.name);
        if (name && (t as { mutating?: unknown }).mutating === true) run.mutating.add(name);
      }
    }
    if (kind === 'tool_call' && tool && e.mutating === true) run.mutating.add(tool);
    if (kind === 'approval_requested' && callId) run.requested.set(callId, { args: e.args, line: lineNo });
    if (kind === 'approval' && callId) {
      const list = run.approvals.get(callId) ?? [];
      list.push({
        granted: e.granted === true,
        argsHash: str(e.argsHash) ?? '',
        tool: tool ?? '',
        line: lineNo,
      });
      run.approvals.set(callId, list);
    }
    if (kind === 'stop') {
      // Its state is dropped, so memory stays bounded by the runs in flight, not the file's size.
      this.#runs.delete(runId);
      this.#stopped.add(runId);
      this.#tailStop ??= { file: this.#file, line: lineNo, runId };
      return;
    }
    if ((kind === 'tool_result' || kind === 'tool_error') && tool && run.mutating.has(tool)) {
      const granted = (run.approvals.get(callId ?? '') ?? []).filter((a) => a.granted);
      const requested = run.requested.get(callId ?? '');
      run.approvals.delete(callId ?? '');
      run.requested.delete(callId ?? '');
      if (kind === 'tool_error' && e.reason === 'cancelled' && granted.length === 0) return;
      this.#mutations++;
      if (granted.length !== 1) {
        this.#problem(
          lineNo,
          granted.length === 0
            ? `mutating call ${callId} (${tool}) ran without a granted approval`
            : `mutating call ${callId} (${tool}) has ${granted.length} approvals; an approval is for one call`,
        );
      } else if (
        !requested ||
        granted[0]!.tool !== tool ||
        callHash(tool, requested.args) !== granted[0]!.argsHash
      ) {
        this.#problem(
          lineNo,
          `mutating call ${callId} (${tool}) ran, but its approval (line ${granted[0]!.line}) is for another tool or other arguments`,
        );
      }
    } else if ((kind === 'tool_result' || kind === 'tool_error' || kind === 'tool_refused') && callId) {
      run.approvals.delete(callId);
      run.requested.delete(callId);
    }
  }

  /** What was found over every file fed so far. */
  result(): TraceVerification {
    const problems = [...this.#problems];
    const warnings = [...this.#warnings];
    const where = (p: { file: string | undefined; line: number }) =>
      `${p.file !== undefined ? `${basename(p.file)}:` : 'line '}${p.line}`;
    if (this.#key && this.#tail) {
      const after = this.#lastSigned
        ? `the last signed checkpoint (${where(this.#lastSigned)})`
        : 'no signed checkpoint at all';
      const t = this.#tail;
      const entry = (message: string) => ({
        line: t.line,
        message,
        ...(t.file !== undefined ? { file: t.file } : {}),
      });
      if (this.#tailStop)
        problems.push(
          entry(
            `unsigned tail: the lines from here follow ${after}, and run ${this.#tailStop.runId} stopped at ${where(this.#tailStop)}; a run is signed when it stops, so lines were added or rewritten, or the checkpoint removed`,
          ),
        );
      else
        warnings.push(
          entry(
            `unsigned tail: the lines from here follow ${after} and no signature covers them (a run killed or still running)`,
          ),
        );
    }
    const incompleteRuns: string[] = [];
    for (const [runId, run] of this.#runs) {
      incompleteRuns.push(runId);
      warnings.push({
        line: run.firstLine,
        message: `run ${runId} is incomplete: it has no stop event (killed, still running, or cut off)`,
        ...(run.firstFile !== undefined ? { file: run.firstFile } : {}),
      });
    }
    const ok = problems.length === 0;
    return {
      ok,
      lines: this.#lines,
      runs: this.#runs.size + this.#stopped.size,
      mutations: this.#mutations,
      checkpoints: this.#checkpoints,
      signedCheckpoints: this.#signed,
      signed: ok && this.#key !== undefined,
      incompleteRuns,
      problems,
      warnings,
    };
  }
}

/**
 * Checks JSONL trace text as written by `JsonlFileSink` (see `TraceVerifier`). For files, prefer
 * `verifyTraceFiles`, which streams and so has no size limit.
 */
export function verifyTrace(text: string, options: VerifyTraceOptions = {}): TraceVerification {
  const v = new TraceVerifier(options);
  v.beginFile(options.file);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const line of lines) v.line(line);
  v.endFile();
  return v.result();
}

/** The lines of a byte stream split on `\n`, decoded as UTF-8; a last line without `\n` is kept. */
export async function* streamLines(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  let parts: Buffer[] = [];
  for await (const c of chunks) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : c;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        if (start < chunk.length) parts.push(chunk.subarray(start));
        break;
      }
      const piece = chunk.subarray(start, nl);
      yield parts.length > 0 ? Buffer.concat([...parts, piece]).toString('utf8') : piece.toString('utf8');
      parts = [];
      start = nl + 1;
    }
  }
  if (parts.length > 0) yield Buffer.concat(parts).toString('utf8');
}

/**
 * Verifies one trace made of these files, in order (a file rotated by `maxFileBytes` continues the
 * one before it), reading each as a stream: memory stays bounded whatever the files' size.
 * Rejects with the file's error when a file cannot be read.
 */
export async function verifyTraceFiles(
  files: readonly string[],
  options: VerifyTraceOptions = {},
): Promise<TraceVerification> {
  const v = new TraceVerifier(options);
  for (const file of files) {
    v.beginFile(file);
    for await (const line of streamLines(createReadStream(file, { highWaterMark: 1 << 20 }))) v.line(line);
    v.endFile();
  }
  return v.result();
}
