import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type {
  DecideRequest,
  Decision,
  Model,
  ReasoningPart,
  ToolCallRequest,
  TranscriptMessage,
  Usage,
} from '@sre-harness/core';
import {
  causeText,
  costOf,
  DEFAULT_SYSTEM_PROMPT,
  describeTool,
  hideSecret,
  httpFailureCode,
  isBodyReadFailure,
  type ModelPrice,
  type PriceTable,
  priceFor,
  providerTools,
  type RetryOptions,
  type RetryPolicy,
  requestSignal,
  retryAfterMs,
  retryPolicy,
  withRetries,
} from '@sre-harness/core/model-kit';
import { AnthropicModelError, type AnthropicModelErrorCode } from './errors.js';
import { DEFAULT_ANTHROPIC_PRICES } from './prices.js';

/** Options of the Anthropic Messages API model. */
export interface AnthropicModelOptions {
  /** Model name, e.g. `claude-sonnet-4-5`. */
  readonly model: string;
  /** The API key; default: the environment variable named by `apiKeyEnv`. Never traced or shown. */
  readonly apiKey?: string;
  /** Which environment variable holds the key. Default `ANTHROPIC_API_KEY`. */
  readonly apiKeyEnv?: string;
  /** API base URL; default: `ANTHROPIC_BASE_URL`, else Anthropic's. */
  readonly baseURL?: string;
  /** Where keys and base URLs are read from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces the default system prompt. */
  readonly systemPrompt?: string;
  /** Appended to the system prompt (site conventions, runbook pointers). */
  readonly instructions?: string;
  /** Output token limit per response. Default 4096. */
  readonly maxTokens?: number;
  /**
   * Prompt caching: breakpoints after the system prompt (tools and system), on the end of the
   * previous request's transcript (a hit on what it wrote) and on the newest block (written for the
   * next request). Default true.
   */
  readonly promptCaching?: boolean;
  /**
   * Extended thinking with this many tokens of budget (at least 1,024, below `maxTokens`); the
   * thinking blocks of each tool-use turn are sent back unchanged, as the API requires, and their
   * text is traced (redacted) as the decision's reasoning. Default off.
   */
  readonly thinking?: { readonly budgetTokens: number };
  /** Per-attempt HTTP timeout. Default 120 s. */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Prices merged over `DEFAULT_ANTHROPIC_PRICES`. */
  readonly prices?: PriceTable;
  /** The price of this model, taking precedence over any table. */
  readonly price?: ModelPrice;
  /** Extra HTTP headers for every request (a beta flag, say). */
  readonly headers?: Readonly<Record<string, string>>;
}

const RETRYABLE: ReadonlySet<AnthropicModelErrorCode> = new Set([
  'rate_limited',
  'overloaded',
  'server',
  'connection',
  'timeout',
  'empty_response',
]);

const TRUNCATED = new Set(['max_tokens', 'model_context_window_exceeded']);

/**
 * A `Model` over the Anthropic Messages API with native tool use. Each decision is one request: the
 * tools and system prompt, then the run's transcript as alternating turns (the model's own text,
 * thinking and `tool_use` blocks; `tool_result` blocks tied to them by id), with cache breakpoints
 * so that the transcript a request shares with the one before it is read from the prompt cache.
 */
export class AnthropicModel implements Model {
  readonly name: string;
  readonly #client: Anthropic;
  readonly #model: string;
  readonly #key: string;
  readonly #system: string;
  readonly #maxTokens: number;
  readonly #caching: boolean;
  readonly #thinking: number | undefined;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #price: ModelPrice | undefined;

  constructor(options: AnthropicModelOptions) {
    if (
      typeof options !== 'object' ||
      options === null ||
      typeof options.model !== 'string' ||
      !options.model
    ) {
      throw new AnthropicModelError('invalid_option', 'AnthropicModel needs { model: "<model name>" }');
    }
    const env = options.env ?? process.env;
    const keyVar = options.apiKeyEnv ?? 'ANTHROPIC_API_KEY';
    const key = options.apiKey ?? (env[keyVar] || undefined);
    if (!key) {
      throw new AnthropicModelError(
        'missing_key',
        `no Anthropic API key: set ${keyVar} in the environment (or pass apiKey)`,
      );
    }
    const policy = retryPolicy(options.retry);
    if (typeof policy === 'string') throw new AnthropicModelError('invalid_option', policy);
    const maxTokens = options.maxTokens ?? 4096;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new AnthropicModelError(
        'invalid_option',
        `maxTokens must be a positive whole number; got ${maxTokens}`,
      );
    }
    const timeoutMs = options.timeoutMs ?? 120_000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new AnthropicModelError(
        'invalid_option',
        `timeoutMs must be a positive number; got ${timeoutMs}`,
      );
    }
    const thinking = options.thinking?.budgetTokens;
    if (thinking !== undefined && !(Number.isInteger(thinking) && thinking >= 1024 && thinking < maxTokens)) {
      throw new AnthropicModelError(
        'invalid_option',
        `thinking.budgetTokens must be a whole number from 1024 to below maxTokens (${maxTokens}); got ${thinking}`,
      );
    }
    this.#thinking = thinking;
    this.#model = options.model;
    this.#key = key;
    this.name = `anthropic:${options.model}`;
    this.#system =
      (options.systemPrompt ?? DEFAULT_SYSTEM_PROMPT) +
      (options.instructions ? `\n\n${options.instructions}` : '');
    this.#maxTokens = maxTokens;
    this.#caching = options.promptCaching ?? true;
    this.#timeoutMs = timeoutMs;
    this.#retry = policy;
    this.#price =
      options.price ?? priceFor({ ...DEFAULT_ANTHROPIC_PRICES, ...options.prices }, options.model);
    const baseURL = options.baseURL ?? (env['ANTHROPIC_BASE_URL'] || undefined);
    // The SDK's own retries are off: ours honour retry-after with a cap and are tested on the wire.
    this.#client = new Anthropic({
      apiKey: key,
      baseURL: baseURL ?? null,
      maxRetries: 0,
      timeout: timeoutMs,
      logLevel: 'off',
      ...(options.headers ? { defaultHeaders: { ...options.headers } } : {}),
    });
  }

  /** The request body for one decision (exposed for inspection and tests). */
  requestBody(request: DecideRequest): Anthropic.Messages.MessageCreateParamsNonStreaming {
    const cache = this.#caching ? { cache_control: { type: 'ephemeral' as const } } : {};
    const messages = toMessages(request.transcript);
    if (this.#caching) markCacheBreakpoints(messages);
    const body: Anthropic.Messages.MessageCreateParamsNonStreaming = {
      model: this.#model,
      max_tokens: this.#maxTokens,
      // The cached prefix is tools, then system: one breakpoint after the system prompt keeps both.
      system: [{ type: 'text', text: this.#system, ...cache }],
      messages,
    };
    // The API rejects thinking on when the last tool-use turn comes back without its thinking blocks
    // (a memory that dropped them): that request goes without thinking.
    if (this.#thinking !== undefined && !thinkingLost(request))
      body.thinking = { type: 'enabled', budget_tokens: this.#thinking };
    const offered = providerTools(request.tools);
    if (offered.tools.length > 0) {
      body.tools = offered.tools.map(({ tool, schema }) => ({
        name: tool.name,
        description: describeTool(tool),
        input_schema: schema as Anthropic.Messages.Tool.InputSchema,
      }));
    }
    return body;
  }

  async decide(request: DecideRequest): Promise<Decision> {
    const body = this.requestBody(request);
    const skipped = providerTools(request.tools).skipped;
    const notes: Record<string, unknown> = {};
    if (skipped.length > 0) notes.toolsSkipped = skipped;
    if (this.#thinking !== undefined && body.thinking === undefined)
      notes.thinkingOff = 'the last tool-use turn came back without its thinking blocks';
    const cancelled = (attempts: number) =>
      new AnthropicModelError('cancelled', `${this.name}: request cancelled`, { attempts });
    const decision = await withRetries({
      policy: this.#retry,
      signal: request.signal,
      attempt: async (n) => {
        const { signal, done } = requestSignal(request.signal);
        try {
          return this.#toDecision(
            await this.#client.messages.create(body, { signal, timeout: this.#timeoutMs }),
            n,
          );
        } finally {
          done();
        }
      },
      classify: (error, attempts) => {
        if (request.signal.aborted || error instanceof APIUserAbortError) {
          return { error: cancelled(attempts), retryable: false };
        }
        const failure = this.#classify(error, attempts);
        return {
          error: failure,
          retryable: RETRYABLE.has(failure.code),
          serverAskMs: error instanceof APIError ? retryAfterMs(error.headers) : undefined,
        };
      },
      giveUp: (last, attempts, why) =>
        new AnthropicModelError(last.code, `${last.message} (${why})`, {
          ...(last.status !== undefined ? { status: last.status } : {}),
          attempts,
        }),
      cancelled,
    });
    return Object.keys(notes).length === 0 ? decision : { ...decision, meta: { ...decision.meta, ...notes } };
  }

  #toDecision(message: Anthropic.Messages.Message, attempts: number): Decision {
    const usage = this.#usage(message.usage);
    const stopReason = message.stop_reason ?? null;
    const meta: Record<string, unknown> = {
      provider: 'anthropic',
      model: message.model ?? this.#model,
      stopReason,
      ...(attempts > 1 ? { attempts } : {}),
    };
    const withUsage = usage ? { usage } : {};
    const blocks = Array.isArray(message.content) ? message.content : [];
    const text = blocks
      .filter((b): b is Anthropic.Messages.TextBlock => b.type === 'text')
      .map((b) => b.text)
      .join('\n')
      .trim();
    if (stopReason === 'refusal') {
      // A refusal ends the run with an answer that says so; any tool use alongside it is not run.
      const details = message.stop_details;
      const why = details?.explanation || text || 'no reason given';
      return {
        type: 'final',
        answer: `The model refused to continue: ${why}`,
        ...withUsage,
        meta: { ...meta, refusal: true, ...(details?.category ? { refusalCategory: details.category } : {}) },
      };
    }
    const truncated = stopReason !== null && TRUNCATED.has(stopReason);
    const uses = blocks.filter((b): b is Anthropic.Messages.ToolUseBlock => b.type === 'tool_use');
    const lastBlock = blocks[blocks.length - 1];
    const reasoning = reasoningOf(blocks);
    if (uses.length > 0) {
      const calls: ToolCallRequest[] = uses.map((u) => {
        const parsed = parseInput(u.input);
        // Cut off by the token limit, a trailing tool use may be incomplete: never run it.
        const cut =
          truncated && u === lastBlock
            ? 'the response hit the max-tokens limit, so this call may be incomplete and was not run; make it again, with shorter arguments'
            : undefined;
        const parseError = cut ?? parsed.error;
        return {
          ...(u.id ? { id: u.id } : {}),
          tool: u.name,
          args: parsed.value,
          ...(parseError !== undefined ? { parseError } : {}),
        };
      });
      return {
        type: 'tool_calls',
        calls,
        ...(text ? { text } : {}),
        ...(reasoning.length > 0 ? { reasoning } : {}),
        ...withUsage,
        meta: truncated ? { ...meta, truncated: true } : meta,
      };
    }
    if (text) {
      return {
        type: 'final',
        answer: text,
        ...withUsage,
        meta: truncated ? { ...meta, truncated: true } : meta,
      };
    }
    throw new AnthropicModelError(
      'empty_response',
      `${this.name}: the response held neither text nor a tool use (stop_reason ${String(stopReason)})`,
      { attempts },
    );
  }

  #usage(raw: Anthropic.Messages.Usage | undefined): Usage | undefined {
    if (!raw || typeof raw.input_tokens !== 'number') return undefined;
    const read = raw.cache_read_input_tokens ?? 0;
    const write = raw.cache_creation_input_tokens ?? 0;
    // The API counts cached input apart; here inputTokens is every input token, as for other providers.
    const usage: Usage = {
      inputTokens: raw.input_tokens + read + write,
      outputTokens: raw.output_tokens ?? 0,
      cacheReadTokens: read,
      cacheWriteTokens: write,
    };
    if (this.#price) usage.costUsd = costOf(this.#price, usage);
    return usage;
  }

  #classify(error: unknown, attempts: number): AnthropicModelError {
    const safe = (s: string) => hideSecret(s, this.#key).replace(/\s+/g, ' ').slice(0, 400);
    if (AnthropicModelError.isInstance(error)) return error;
    if (error instanceof APIConnectionTimeoutError) {
      return new AnthropicModelError('timeout', `${this.name}: no response within ${this.#timeoutMs} ms`, {
        attempts,
      });
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      const status = error.status;
      const code: AnthropicModelErrorCode = httpFailureCode(status);
      const hint = code === 'auth' ? ' (check the API key)' : '';
      return new AnthropicModelError(
        code,
        safe(`${this.name}: ${code} (HTTP ${status})${hint}: ${serverMessage(error)}`),
        { status, attempts },
      );
    }
    const text = error instanceof Error ? `${error.message}${causeText(error)}` : String(error);
    if (error instanceof APIConnectionError) {
      return new AnthropicModelError('connection', safe(`${this.name}: connection failed: ${text}`), {
        attempts,
      });
    }
    if (isBodyReadFailure(error)) {
      return new AnthropicModelError(
        'connection',
        safe(`${this.name}: the connection dropped while the response was read: ${text}`),
        { attempts },
      );
    }
    return new AnthropicModelError('invalid_response', safe(`${this.name}: unusable response: ${text}`), {
      attempts,
    });
  }
}

function serverMessage(error: APIError): string {
  const body = error.error as { error?: { message?: unknown; type?: unknown } } | undefined;
  const inner = body?.error;
  if (inner && typeof inner.message === 'string') {
    return typeof inner.type === 'string' ? `${inner.type}: ${inner.message}` : inner.message;
  }
  return error.message;
}

type Block = Anthropic.Messages.ContentBlockParam;

/**
 * The transcript as Messages API turns: a user turn's tool results (`tool_result`, tied to the
 * `tool_use` id, `is_error` unless the call ran and returned) before its text; an assistant turn's
 * thinking blocks (sent back unchanged), text, then `tool_use` blocks with the model's arguments.
 */
export function toMessages(transcript: readonly TranscriptMessage[]): Anthropic.Messages.MessageParam[] {
  return transcript.map((m): Anthropic.Messages.MessageParam => {
    if (m.role === 'user') {
      const content: Block[] = m.parts.map((p) =>
        p.type === 'tool_result'
          ? {
              type: 'tool_result',
              tool_use_id: p.id,
              content: p.content,
              ...(p.isError ? { is_error: true } : {}),
            }
          : { type: 'text', text: p.text },
      );
      return { role: 'user', content };
    }
    const content: Block[] = [];
    for (const r of thinkingOf(m)) content.push(r);
    if (m.text) content.push({ type: 'text', text: m.text });
    for (const c of m.calls) {
      const input =
        typeof c.args === 'object' && c.args !== null && !Array.isArray(c.args)
          ? (c.args as Record<string, unknown>)
          : {};
      content.push({ type: 'tool_use', id: c.id, name: c.tool, input });
    }
    return { role: 'assistant', content };
  });
}

/** An assistant turn's thinking blocks as the API takes them back; malformed parts are left out. */
function thinkingOf(m: TranscriptMessage): Block[] {
  if (m.role !== 'assistant' || !Array.isArray(m.reasoning)) return [];
  const out: Block[] = [];
  for (const r of m.reasoning as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    const p = r as Record<string, unknown>;
    if (p.provider !== 'anthropic') continue;
    if (p.type === 'thinking' && typeof p.text === 'string' && typeof p.signature === 'string')
      out.push({ type: 'thinking', thinking: p.text, signature: p.signature });
    else if (p.type === 'redacted_thinking' && typeof p.data === 'string')
      out.push({ type: 'redacted_thinking', data: p.data });
  }
  return out;
}

/**
 * Puts cache breakpoints on the last block of the last user turn (written for the next request) and
 * of the user turn before it (which ended the previous request, so it is read from the cache even
 * when many blocks came since: the API looks back only 20 blocks from a breakpoint).
 */
function markCacheBreakpoints(messages: Anthropic.Messages.MessageParam[]): void {
  let marked = 0;
  for (let i = messages.length - 1; i >= 0 && marked < 2; i--) {
    const m = messages[i]!;
    if (m.role !== 'user' || !Array.isArray(m.content) || m.content.length === 0) continue;
    const last = m.content[m.content.length - 1] as Block & { cache_control?: unknown };
    last.cache_control = { type: 'ephemeral' };
    marked++;
  }
}

/** Whether the newest assistant turn of the transcript lacks the thinking blocks it needs. */
function thinkingLost(request: DecideRequest): boolean {
  for (let i = request.transcript.length - 1; i >= 0; i--) {
    const m = request.transcript[i]!;
    if (m.role === 'assistant') return thinkingOf(m).length === 0;
  }
  return false;
}

/** Thinking blocks of a response, kept so they can go back with the turn. */
function reasoningOf(blocks: readonly Anthropic.Messages.ContentBlock[]): ReasoningPart[] {
  const out: ReasoningPart[] = [];
  for (const b of blocks) {
    if (b.type === 'thinking')
      out.push({ provider: 'anthropic', type: 'thinking', text: b.thinking, signature: b.signature });
    else if (b.type === 'redacted_thinking')
      out.push({ provider: 'anthropic', type: 'redacted_thinking', data: b.data });
  }
  return out;
}

/** Tool input arrives parsed; a string (what some proxies send) is parsed here, anything else refused. */
function parseInput(input: unknown): { value: unknown; error?: string } {
  if (input === undefined || input === null) return { value: {} };
  if (typeof input === 'string') {
    if (input.trim() === '') return { value: {} };
    let value: unknown;
    try {
      value = JSON.parse(input);
    } catch (e) {
      return { value: input, error: `invalid JSON (${e instanceof Error ? e.message : String(e)})` };
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { value };
    return { value: input, error: 'arguments must be a JSON object' };
  }
  if (typeof input === 'object' && !Array.isArray(input)) return { value: input };
  return { value: input, error: 'arguments must be a JSON object' };
}

/** Creates an Anthropic Messages API model; see `AnthropicModelOptions`. */
export function anthropicModel(options: AnthropicModelOptions): AnthropicModel {
  return new AnthropicModel(options);
}
