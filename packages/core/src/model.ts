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
          args: z.unknown(),
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
