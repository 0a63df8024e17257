import { fenceToolOutput, type ObservationStatus, type TranscriptEntry } from './memory.js';

/**
 * The transcript a model reads: the harness's own neutral form of a native tool-use conversation,
 * which each adapter maps one to one onto its provider's wire format (Anthropic `tool_use` /
 * `tool_result` blocks, OpenAI `tool_calls` / `tool` messages).
 *
 * The loop builds it from what the memory renders (`toTranscript`), in one place, so every model
 * gets the same guarantees whatever memory is configured:
 * - messages alternate, starting and ending with a user message;
 * - every tool call of an assistant message has exactly one result, in the next user message, tied
 *   to it by `id`, and every result answers a call (a result whose call the memory dropped becomes
 *   harness text);
 * - tool output and summaries made from it are fenced as untrusted data;
 * - each user message before an assistant turn ends with the step line of that turn, and the last
 *   one with the step line of this request, so that between compactions the transcript of one
 *   request is a prefix of the next one's (what lets a provider's prompt cache serve it).
 */
export type TranscriptMessage = UserMessage | AssistantMessage;

/** Text the harness writes, and where it came from. */
export interface TextPart {
  readonly type: 'text';
  /** `task`, `note` (refusals of unusable output), `summary` (stands in for compacted turns), `step` (where the run stands), `context` (a memory that renders plain text). */
  readonly source: 'task' | 'note' | 'summary' | 'step' | 'context';
  readonly text: string;
}

/** The outcome of one tool call, tied to the call by `id`. */
export interface ToolResultPart {
  readonly type: 'tool_result';
  /** The call's wire id, as in the assistant message's call. */
  readonly id: string;
  /** The harness's call id (`c1`, `c2`, … as in the trace). */
  readonly callId: string;
  readonly tool: string;
  readonly step: number;
  readonly status: ObservationStatus;
  /** True unless the call ran and returned (`status` ok). */
  readonly isError: boolean;
  /** The arguments the harness judged (validated, defaults applied), or the model's when it refused them. */
  readonly args: unknown;
  readonly mutating: boolean;
  /** The output (or the reason it has none), fenced as untrusted data: what a model reads. */
  readonly content: string;
  /** The same output unfenced, for offline models and analyzers; never send this to a model. */
  readonly output: string;
}

export type UserPart = TextPart | ToolResultPart;

export interface UserMessage {
  readonly role: 'user';
  /** Never empty. */
  readonly parts: readonly UserPart[];
}

/** One tool call as the model made it. */
export interface TranscriptCall {
  /**
   * The call's id on the wire: the id the provider gave it when that was usable (non-empty,
   * `[A-Za-z0-9_-]`, at most 40 characters, unique in the transcript), else the harness's call id.
   */
  readonly id: string;
  /** The harness's call id (`c1`, `c2`, …). */
  readonly callId: string;
  /** The tool name; in a transcript, `invalid_tool_name` when the model's name is one no API accepts back. */
  readonly tool: string;
  /** The arguments as the model sent them, redacted; a string when they did not parse. */
  readonly args: unknown;
}

/**
 * Provider reasoning kept so it can be sent back (Anthropic's extended thinking needs the thinking
 * blocks of a tool-use turn returned unchanged, signature included). Opaque to the harness.
 */
export interface ReasoningPart {
  /** Which adapter made it; others ignore it. */
  readonly provider: string;
  /** The provider's block type, e.g. `thinking` or `redacted_thinking`. */
  readonly type: string;
  readonly text?: string;
  readonly signature?: string;
  readonly data?: string;
}

export interface AssistantMessage {
  readonly role: 'assistant';
  readonly step: number;
  /** What the model wrote beside its calls (its hypotheses and plan), redacted. */
  readonly text?: string;
  /** Never empty. */
  readonly calls: readonly TranscriptCall[];
  readonly reasoning?: readonly ReasoningPart[];
}

/** A whole transcript; see `TranscriptMessage`. */
export type Transcript = readonly TranscriptMessage[];

/** The step line that ends the user message before decision `step`. */
export function stepLine(step: number, maxSteps: number): string {
  return `(step ${step} of ${maxSteps}: call tools to investigate or act, or reply in plain text to give your final answer)`;
}

/**
 * The transcript as one plain text, in the format the harness's text memories have always shown:
 * the task, `[step N] tool {args} → status` headers with fenced output, notes, summaries. Step lines
 * are left out unless `withSteps`; the model's own turns appear as `[step N] you: text` when they
 * hold text. For models that read text (the offline baseline, a summarizer) and for scanning.
 */
export function transcriptText(transcript: Transcript, options: { withSteps?: boolean } = {}): string {
  const out: string[] = [];
  for (const m of transcript) {
    if (m.role === 'assistant') {
      if (m.text) out.push(`[step ${m.step}] you: ${m.text}`);
      continue;
    }
    for (const p of m.parts) {
      if (p.type === 'tool_result') out.push(resultHeader(p) + p.content);
      else if (p.source !== 'step' || options.withSteps) out.push(p.text);
    }
  }
  return out.join('\n\n');
}

/** `[step N] tool {args} → status` and a newline: the header text memories put above a result. */
export function resultHeader(p: {
  readonly step: number;
  readonly tool: string;
  readonly args: unknown;
  readonly status: string;
}): string {
  const args = p.args === undefined ? '' : ` ${safeJson(p.args)}`;
  return `[step ${p.step}] ${p.tool}${args} → ${p.status}\n`;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '[unserializable]';
  }
}

/** Every tool result in the transcript, oldest first: what offline models and analyzers read. */
export function toolResults(transcript: Transcript): ToolResultPart[] {
  const out: ToolResultPart[] = [];
  for (const m of transcript) {
    if (m.role !== 'user') continue;
    for (const p of m.parts) if (p.type === 'tool_result') out.push(p);
  }
  return out;
}

/** The line above a fenced summary when the memory names none. */
export const DEFAULT_SUMMARY_HEADER = 'Summary of earlier observations (extracted from tool output):';

/** The output a call gets when the memory kept the call but not its result. */
const NO_RESULT = 'no result was kept for this call (the memory dropped it)';

// OpenAI caps tool call ids at 40 characters; Anthropic wants `^[a-zA-Z0-9_-]+$`. Both hold here.
const WIRE_ID = /^[A-Za-z0-9_-]{1,40}$/;
// Both APIs check the tool names of earlier turns against this pattern and reject the request.
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The name a call whose tool name no API accepts (`multi_tool_use.parallel`, spaces, empty) is sent under. */
export const INVALID_TOOL_NAME = 'invalid_tool_name';

/** Whether a provider's call id can go back on the wire as is: non-empty, `[A-Za-z0-9_-]`, at most 40. */
export function isWireId(id: unknown): id is string {
  return typeof id === 'string' && WIRE_ID.test(id);
}

/**
 * Turns what a memory rendered into the transcript a model reads; see `TranscriptMessage` for what
 * it guarantees. `step` is the decision being asked for and `maxSteps` the run's budget. This is the
 * one place tool output and summaries are fenced on their way to a model.
 */
export function toTranscript(
  rendered: readonly TranscriptEntry[] | string,
  step: number,
  maxSteps: number,
): TranscriptMessage[] {
  return new TranscriptBuilder(maxSteps).build(rendered, step);
}

/**
 * `toTranscript` for one run, incremental: when a render starts with the very entries (the same
 * objects) the previous render held, only the new ones are converted, so a step costs what it
 * added, not the whole window. Any other render is converted from scratch. The messages returned
 * are never changed afterwards; later builds reuse them.
 */
export class TranscriptBuilder {
  readonly #maxSteps: number;
  /** The entries converted so far, in order. */
  #entries: TranscriptEntry[] = [];
  /** Closed messages: every assistant message, and every user message before one. */
  #out: TranscriptMessage[] = [];
  /** The parts of the user message still open, and the calls of the newest assistant message not yet answered. */
  #parts: UserPart[] = [];
  #open = new Map<string, TranscriptCall>();
  #used = new Set<string>();

  constructor(maxSteps: number) {
    this.#maxSteps = maxSteps;
  }

  build(rendered: readonly TranscriptEntry[] | string, step: number): TranscriptMessage[] {
    if (typeof rendered === 'string') {
      const parts: UserPart[] = [];
      if (rendered !== '') parts.push({ type: 'text', source: 'context', text: rendered });
      parts.push({ type: 'text', source: 'step', text: stepLine(step, this.#maxSteps) });
      this.#reset();
      return [{ role: 'user', parts }];
    }
    // Neither a string nor an array (a broken memory): nothing to show but the step line.
    if (!Array.isArray(rendered)) rendered = [];
    const known = this.#entries;
    let same = known.length <= rendered.length;
    for (let i = 0; same && i < known.length; i++) same = rendered[i] === known[i];
    if (!same) this.#reset();
    for (let i = this.#entries.length; i < rendered.length; i++) {
      const e = rendered[i]!;
      this.#entries.push(e);
      this.#add(e);
    }
    // The open user message, closed for this request only: the state stays open for the next build.
    const parts = [...this.#parts, ...this.#unanswered()];
    parts.push({ type: 'text', source: 'step', text: stepLine(step, this.#maxSteps) });
    return [...this.#out, { role: 'user', parts: ordered(parts) }];
  }

  #reset(): void {
    this.#entries = [];
    this.#out = [];
    this.#parts = [];
    this.#open = new Map();
    this.#used = new Set();
  }

  /** A result for every call of the newest assistant message still waiting for one. */
  #unanswered(): ToolResultPart[] {
    if (this.#open.size === 0) return [];
    const step = (this.#out[this.#out.length - 1] as AssistantMessage).step;
    return [...this.#open.values()].map((call) => ({
      type: 'tool_result',
      id: call.id,
      callId: call.callId,
      tool: call.tool,
      step,
      status: 'error',
      isError: true,
      args: call.args,
      mutating: false,
      content: fenceToolOutput(NO_RESULT),
      output: NO_RESULT,
    }));
  }

  /** Converts one entry; anything malformed a custom memory hands over is skipped or shown as text, never thrown on. */
  #add(e: TranscriptEntry): void {
    if (typeof e !== 'object' || e === null) return;
    switch (e.kind) {
      case 'task':
        this.#parts.push({ type: 'text', source: 'task', text: `Task: ${text(e.content)}` });
        return;
      case 'summary':
        // The Messages API rejects a text block of only whitespace.
        if (text(e.content).trim() === '') return;
        this.#parts.push({
          type: 'text',
          source: 'summary',
          // Anything not marked trusted is fenced: a memory must opt out, not in.
          text:
            e.untrusted === false
              ? text(e.content)
              : `${typeof e.header === 'string' && e.header ? e.header : DEFAULT_SUMMARY_HEADER}\n${fenceToolOutput(text(e.content))}`,
        });
        return;
      case 'note':
        this.#parts.push({ type: 'text', source: 'note', text: `[step ${e.step}] note: ${text(e.content)}` });
        return;
      case 'assistant': {
        if (!Array.isArray(e.calls)) return;
        // Built with push, not filter: see the loop's note on arrays in harness.ts.
        // Only the first entry holding a callId counts (a malformed one included), as the memory
        // handed them over.
        const wellFormed: TranscriptCall[] = [];
        const ids: unknown[] = [];
        for (const c of e.calls as unknown[]) {
          const callId = typeof c === 'object' && c !== null ? (c as { callId?: unknown }).callId : undefined;
          const first = !ids.includes(callId);
          ids.push(callId);
          if (!first || typeof callId !== 'string' || typeof (c as TranscriptCall).tool !== 'string')
            continue;
          wellFormed.push(c as TranscriptCall);
        }
        if (wellFormed.length === 0) return;
        const parts = [...this.#parts, ...this.#unanswered()];
        parts.push({ type: 'text', source: 'step', text: stepLine(e.step, this.#maxSteps) });
        this.#out.push({ role: 'user', parts: ordered(parts) });
        this.#parts = [];
        this.#open = new Map();
        const calls: TranscriptCall[] = [];
        for (const c of wellFormed) {
          let id = isWireId(c.id) && !this.#used.has(c.id) ? c.id : c.callId;
          for (let n = 2; this.#used.has(id); n++) id = `${c.callId}_${n}`;
          this.#used.add(id);
          // A name no API accepts back would fail every later request; the result still names it.
          const tool = TOOL_NAME.test(c.tool) ? c.tool : INVALID_TOOL_NAME;
          const call = id === c.id && tool === c.tool ? c : { ...c, id, tool };
          calls.push(call);
          this.#open.set(c.callId, call);
        }
        const message: { -readonly [K in keyof AssistantMessage]: AssistantMessage[K] } = {
          role: 'assistant',
          step: e.step,
          calls,
        };
        if (typeof e.text === 'string' && e.text.trim() !== '') message.text = e.text;
        if (Array.isArray(e.reasoning) && e.reasoning.length > 0) message.reasoning = e.reasoning;
        this.#out.push(message);
        return;
      }
      case 'tool': {
        const call = typeof e.callId === 'string' ? this.#open.get(e.callId) : undefined;
        const output = text(e.content);
        const content = fenceToolOutput(output);
        if (call) {
          this.#open.delete(e.callId);
          this.#parts.push({
            type: 'tool_result',
            id: call.id,
            callId: e.callId,
            tool: e.tool,
            step: e.step,
            status: e.status,
            isError: e.status !== 'ok',
            args: e.args,
            mutating: e.mutating,
            content,
            output,
          });
        } else {
          // A result whose call the memory did not keep: shown as harness text, header and fence.
          this.#parts.push({ type: 'text', source: 'context', text: resultHeader(e) + content });
        }
        return;
      }
    }
  }
}

/** A field a memory should have given as a string, as one. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  try {
    return String(v);
  } catch {
    return '';
  }
}

/** Results first: the Messages API wants a user turn's tool results before any text. */
function ordered(parts: UserPart[]): UserPart[] {
  let sawText = false;
  let needed = false;
  for (const p of parts) {
    if (p.type === 'text') sawText = true;
    else if (sawText) needed = true;
  }
  if (!needed) return parts;
  return [...parts.filter((p) => p.type === 'tool_result'), ...parts.filter((p) => p.type === 'text')];
}
