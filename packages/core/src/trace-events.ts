import { z } from 'zod';
import { usageSchema } from './model.js';

// The one definition of what a trace holds. The harness writes these types, `parseTrace` reads them
// with these schemas and `verifyTrace` checks approvals and mutations through the same schemas, so
// the writer, the reader and the verifier cannot drift apart.

/**
 * Version of the trace format; bumped on any incompatible change. 2: files may hold `checkpoint`
 * records (signed heads of the chain) and begin with a `link` record (a rotated file). 3: a
 * decision's calls may carry the provider's wire `id`, and a decision its `reasoning` text (the
 * native transcript). Version 1 and 2 files still read, verify and replay.
 */
export const TRACE_VERSION = 3;

const stoppedReasonSchema = z.enum([
  'completed',
  'budget_exhausted',
  'cancelled',
  'model_error',
  'trace_failed',
  'memory_error',
]);
const refusalReasonSchema = z.enum([
  'unknown_tool',
  'invalid_arguments',
  'not_allowed',
  'approval_denied',
  'too_many_calls',
  'invalid_decision',
]);
const toolErrorReasonSchema = z.enum(['threw', 'timeout', 'cancelled']);

/** Why a run ended. */
export type StoppedReason = z.infer<typeof stoppedReasonSchema>;
/** Why a call was refused before it ran. */
export type RefusalReason = z.infer<typeof refusalReasonSchema>;
/** Why a call that was allowed to run did not produce a result. */
export type ToolErrorReason = z.infer<typeof toolErrorReasonSchema>;

const step = z.number().int().nonnegative();
const meta = z.record(z.string(), z.unknown());

// Readers validate with these schemas and keep the value as written, so a newer writer's extra
// fields survive a read by an older reader.
const runStart = z.object({
  kind: z.literal('run_start'),
  task: z.string(),
  model: z.string().optional(),
  tools: z.array(z.object({ name: z.string(), mutating: z.boolean() })),
  allow: z.array(z.object({ tool: z.string(), where: z.record(z.string(), z.string()).optional() })),
  maxSteps: z.number().int().nonnegative(),
  meta: meta.optional(),
});
const decision = z.object({
  kind: z.literal('decision'),
  step: z.number().int().positive(),
  type: z.enum(['tool_calls', 'final', 'invalid']),
  calls: z
    .array(
      z.object({
        callId: z.string(),
        /** The call's id on the wire (the provider's), when it differs from callId. Since v3. */
        id: z.string().optional(),
        tool: z.string(),
        args: z.unknown(),
        parseError: z.string().optional(),
      }),
    )
    .optional(),
  text: z.string().optional(),
  /** The model's reasoning text (thinking blocks), redacted. Since v3. */
  reasoning: z.string().optional(),
  answer: z.string().optional(),
  detail: z.string().optional(),
  usage: usageSchema.optional(),
  /** What the model adapter flagged about this decision (truncation, refusal, stop reason). */
  meta: meta.optional(),
});
const toolCall = z.object({
  kind: z.literal('tool_call'),
  step,
  callId: z.string(),
  tool: z.string(),
  args: z.unknown(),
  mutating: z.boolean(),
  argsHash: z.string().optional(),
});
const approvalRequested = z.object({
  kind: z.literal('approval_requested'),
  step,
  callId: z.string(),
  tool: z.string(),
  args: z.unknown(),
  argsHash: z.string(),
  /**
   * When the redactor masked part of `args`: the hash (as `argsHash`, over the arguments as this event
   * writes them), so a reader can check that the arguments shown are the approved ones.
   */
  shownArgsHash: z.string().optional(),
});
const approval = z.object({
  kind: z.literal('approval'),
  step,
  callId: z.string(),
  tool: z.string(),
  argsHash: z.string(),
  granted: z.boolean(),
  by: z.string(),
  reason: z.string().optional(),
});
const toolRefused = z.object({
  kind: z.literal('tool_refused'),
  step,
  callId: z.string(),
  tool: z.string(),
  reason: refusalReasonSchema,
  detail: z.string(),
});
const toolResult = z.object({
  kind: z.literal('tool_result'),
  step,
  callId: z.string(),
  tool: z.string(),
  output: z.string(),
  chars: z.number().int().nonnegative(),
  truncated: z.boolean(),
  durationMs: z.number().nonnegative(),
});
const toolError = z.object({
  kind: z.literal('tool_error'),
  step,
  callId: z.string(),
  tool: z.string(),
  reason: toolErrorReasonSchema,
  error: z.string(),
  durationMs: z.number().nonnegative(),
});
const memoryCompacted = z.object({
  kind: z.literal('memory_compacted'),
  step,
  beforeTokens: z.number().nonnegative(),
  afterTokens: z.number().nonnegative(),
  folded: z.number().nonnegative(),
  detail: z.string().optional(),
});
const final = z.object({ kind: z.literal('final'), step, answer: z.string() });
const verify = z.object({
  kind: z.literal('verify'),
  name: z.string(),
  passed: z.boolean(),
  detail: z.string(),
});
const stop = z.object({
  kind: z.literal('stop'),
  reason: stoppedReasonSchema,
  steps: z.number().int().nonnegative(),
  verified: z.boolean(),
  usage: usageSchema,
  error: z.string().optional(),
  answer: z.string().nullable().optional(),
});

/** The body of every event kind, without the envelope: one discriminated union on `kind`. */
export const traceEventBodySchema = z.discriminatedUnion('kind', [
  runStart,
  decision,
  toolCall,
  approvalRequested,
  approval,
  toolRefused,
  toolResult,
  toolError,
  memoryCompacted,
  final,
  verify,
  stop,
]);

/** The envelope every event line carries. */
export const traceEnvelopeSchema = z.object({
  v: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  ts: z.string(),
  runId: z.string().min(1),
  kind: z.string().min(1),
  /** In JSONL files: the `hash` of the previous line (null on a file's first line). */
  prev: z.string().nullable().optional(),
  /** In JSONL files: sha256 of this line as written up to this field, making the file a hash chain. */
  hash: z.string().optional(),
});

type Body<S extends z.ZodType> = z.output<S>;

/** The body of each event kind, without the envelope. */
export type TraceEventInput =
  | Body<typeof runStart>
  | Body<typeof decision>
  | Body<typeof toolCall>
  | Body<typeof approvalRequested>
  | Body<typeof approval>
  | Body<typeof toolRefused>
  | Body<typeof toolResult>
  | Body<typeof toolError>
  | Body<typeof memoryCompacted>
  | Body<typeof final>
  | Body<typeof verify>
  | Body<typeof stop>;

/** The envelope every event carries. */
export interface TraceEnvelope {
  v: number;
  seq: number;
  ts: string;
  runId: string;
  /** In JSONL files: the `hash` of the previous line (null on a file's first line). */
  prev?: string | null;
  /** In JSONL files: sha256 of this line as written up to this field, making the file a hash chain. */
  hash?: string;
}

/** One trace event as written: `{ v, seq, ts, runId, kind, ... }`. */
export type TraceEvent = TraceEnvelope & TraceEventInput;

/** The event of one kind. */
export type TraceEventOf<K extends TraceEvent['kind']> = Extract<TraceEvent, { kind: K }>;

/**
 * A signed head of a JSONL file's chain, written by `JsonlFileSink` before approvals and mutations
 * and when a run ends, when it has a signing key or an anchor. Not an event: it has no run.
 * `lines` counts the lines before it in its file; `sig` is an Ed25519 signature (base64) over the
 * line's text up to `,"sig"`, which includes `prev`, the hash of the line before.
 */
export const checkpointRecordSchema = z.object({
  v: z.number().int().min(2),
  kind: z.literal('checkpoint'),
  ts: z.string(),
  lines: z.number().int().nonnegative(),
  keyId: z.string().optional(),
  prev: z.string().nullable(),
  sig: z.string().optional(),
  hash: z.string(),
});

/**
 * The first line of a file that continues another after rotation: `prev` is the last hash of the
 * file it continues (`from`), so the files form one chain.
 */
export const linkRecordSchema = z.object({
  v: z.number().int().min(2),
  kind: z.literal('link'),
  ts: z.string(),
  from: z.string(),
  index: z.number().int().positive(),
  prev: z.string().nullable(),
  hash: z.string(),
});

/** A checkpoint record of a JSONL trace file. */
export type CheckpointRecord = z.output<typeof checkpointRecordSchema>;
/** The record that begins a rotated JSONL trace file. */
export type LinkRecord = z.output<typeof linkRecordSchema>;

/** What an anchor receives at each checkpoint: where the checkpoint is and its hash. */
export const anchorRecordSchema = z.object({
  v: z.number().int().positive(),
  file: z.string().min(1),
  line: z.number().int().positive(),
  hash: z.string(),
  ts: z.string(),
});

/** One published checkpoint head: the checkpoint at `line` of `file` (a base name) has `hash`. */
export type AnchorRecord = z.output<typeof anchorRecordSchema>;

/** Kinds of records that a JSONL trace file may hold besides events. */
export const FILE_RECORD_KINDS: ReadonlySet<string> = new Set(['checkpoint', 'link']);
