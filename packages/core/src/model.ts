import { z } from 'zod';
import type { ToolDescriptor } from './tool.js';
import type { ReasoningPart, Transcript } from './transcript.js';

/** Token usage and cost of one model decision (or a sum of them). */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  costUsd?: number;
}

/** One tool call the model asks for. `parseError` marks arguments the adapter could not parse. */
export interface ToolCallRequest {
  /** The provider's id for the call; it goes back on the wire with the call's result. */
  readonly id?: string;
  readonly tool: string;
  readonly args: unknown;
  readonly parseError?: string;
}

/** A model's answer for one step: tool calls, or a final answer. */
export type Decision =
  | {
      readonly type: 'tool_calls';
      readonly calls: readonly ToolCallRequest[];
      /** What the model wrote beside its calls; it reaches the model again in later requests. */
      readonly text?: string;
      /** Reasoning the provider needs back with this turn (Anthropic thinking blocks). */
      readonly reasoning?: readonly ReasoningPart[];
      readonly usage?: Usage;
      readonly meta?: Readonly<Record<string, unknown>>;
    }
  | {
      readonly type: 'final';
      readonly answer: string;
      readonly usage?: Usage;
      readonly meta?: Readonly<Record<string, unknown>>;
    };

/** What the loop hands the model at each step. */
export interface DecideRequest {
  readonly task: string;
  /**
   * What the model has seen so far, compacted by the memory, as a native tool-use conversation:
   * alternating user and assistant messages, every call paired with its result, tool output fenced,
   * ending with a user message whose last part is the step line. Adapters map it onto their wire
   * format; see `TranscriptMessage`.
   */
  readonly transcript: Transcript;
  /**
   * The same transcript as one plain text (`transcriptText`), made on first read. For models that
   * read text; adapters should send `transcript`.
   */
  readonly context: string;
  readonly tools: readonly ToolDescriptor[];
  /** 1-based number of this decision within the run. */
  readonly step: number;
  readonly maxSteps: number;
  readonly runId: string;
  readonly signal: AbortSignal;
}

/** The model port: one method. Adapters do their own retries; a thrown error ends the run as model_error. */
export interface Model {
  readonly name?: string;
  decide(request: DecideRequest): Promise<Decision>;
}

/** The shape of token usage, shared by decisions and the trace events that record them. */
export const usageSchema = z.object({
  inputTokens: z.number().nonnegative(),
  outputTokens: z.number().nonnegative(),
  cacheReadTokens: z.number().nonnegative().optional(),
  cacheWriteTokens: z.number().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
});

/** The shape of a reasoning part a decision carries; see `ReasoningPart`. */
export const reasoningPartSchema = z.object({
  provider: z.string(),
  type: z.string(),
  text: z.string().optional(),
  signature: z.string().optional(),
  data: z.string().optional(),
});

/** The shape every decision is checked against before the loop trusts it. */
export const decisionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('tool_calls'),
    calls: z
      .array(
        z.object({
          id: z.string().optional(),
          tool: z.string(),
          // Optional, so a call to a tool that takes nothing may leave it out: the loop validates
          // a missing one as {} against the tool's own schema.
          args: z.unknown().optional(),
          parseError: z.string().optional(),
        }),
      )
      .min(1),
    text: z.string().optional(),
    reasoning: z.array(reasoningPartSchema).optional(),
    usage: usageSchema.optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    type: z.literal('final'),
    answer: z.string(),
    usage: usageSchema.optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  }),
]);

/**
 * A cheap structural check of the common, well-formed decision, so the hot path does not clone it;
 * anything else goes through the zod schema (`decisionSchema`), which accepts or explains. It says
 * yes only where the schema would give back the same value: known keys only (the schema strips
 * others), the same types and bounds. Internal: the loop's; `decisionSchema` is the public contract.
 */
export function isWellFormedDecision(v: unknown): v is Decision {
  if (!isPlainObject(v)) return false;
  const d = v as Record<string, unknown>;
  if (d.usage !== undefined && !isUsage(d.usage)) return false;
  // The schema's record copy loses an own "__proto__" key; such a meta goes to it.
  if (d.meta !== undefined && (!isPlainObject(d.meta) || Object.hasOwn(d.meta as object, '__proto__')))
    return false;
  if (d.type === 'final') {
    return typeof d.answer === 'string' && onlyKeys(d, FINAL_KEYS);
  }
  if (d.type !== 'tool_calls' || !Array.isArray(d.calls) || d.calls.length === 0) return false;
  if (!onlyKeys(d, TOOL_CALLS_KEYS)) return false;
  if (d.text !== undefined && typeof d.text !== 'string') return false;
  if (d.reasoning !== undefined) {
    if (!Array.isArray(d.reasoning)) return false;
    for (const part of d.reasoning as unknown[]) if (!isReasoningPart(part)) return false;
  }
  for (const c of d.calls as unknown[]) {
    if (!isPlainObject(c)) return false;
    const call = c as Record<string, unknown>;
    if (typeof call.tool !== 'string') return false;
    if (call.id !== undefined && typeof call.id !== 'string') return false;
    if (call.parseError !== undefined && typeof call.parseError !== 'string') return false;
    if (!onlyKeys(call, CALL_KEYS)) return false;
  }
  return true;
}

const FINAL_KEYS: readonly string[] = ['type', 'answer', 'usage', 'meta'];
const TOOL_CALLS_KEYS: readonly string[] = ['type', 'calls', 'text', 'reasoning', 'usage', 'meta'];
const CALL_KEYS: readonly string[] = ['id', 'tool', 'args', 'parseError'];
const USAGE_KEYS: readonly string[] = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'costUsd',
];
const REASONING_KEYS: readonly string[] = ['provider', 'type', 'text', 'signature', 'data'];

/**
 * An object literal (not an array, a class instance or a null-prototype object: the schema would
 * give back a copy of those with Object's prototype, so they go to it).
 */
function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Whether every own key of `o` is one of `keys` (for…in: an object literal has no inherited ones). */
function onlyKeys(o: Record<string, unknown>, keys: readonly string[]): boolean {
  for (const k in o) if (!keys.includes(k)) return false;
  return true;
}

/** `usageSchema`'s shape: finite, non-negative numbers, the two counts required. */
function isUsage(v: unknown): boolean {
  if (!isPlainObject(v) || !onlyKeys(v as Record<string, unknown>, USAGE_KEYS)) return false;
  const u = v as Record<string, unknown>;
  for (const k of USAGE_KEYS) {
    const n = u[k];
    if (n === undefined && k !== 'inputTokens' && k !== 'outputTokens') continue;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return false;
  }
  return true;
}

/** `reasoningPartSchema`'s shape. */
function isReasoningPart(v: unknown): boolean {
  if (!isPlainObject(v) || !onlyKeys(v as Record<string, unknown>, REASONING_KEYS)) return false;
  const p = v as Record<string, unknown>;
  if (typeof p.provider !== 'string' || typeof p.type !== 'string') return false;
  for (const k of ['text', 'signature', 'data'] as const) {
    if (p[k] !== undefined && typeof p[k] !== 'string') return false;
  }
  return true;
}

/** Adds usage figures; undefined sides count as zero. */
export function addUsage(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  const out: Usage = {
    inputTokens: a.inputTokens + (b.inputTokens || 0),
    outputTokens: a.outputTokens + (b.outputTokens || 0),
  };
  const cr = (a.cacheReadTokens ?? 0) + (b.cacheReadTokens ?? 0);
  const cw = (a.cacheWriteTokens ?? 0) + (b.cacheWriteTokens ?? 0);
  const cost = (a.costUsd ?? 0) + (b.costUsd ?? 0);
  if (a.cacheReadTokens !== undefined || b.cacheReadTokens !== undefined) out.cacheReadTokens = cr;
  if (a.cacheWriteTokens !== undefined || b.cacheWriteTokens !== undefined) out.cacheWriteTokens = cw;
  if (a.costUsd !== undefined || b.costUsd !== undefined) out.costUsd = cost;
  return out;
}
