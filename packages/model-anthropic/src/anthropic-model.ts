import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type { DecideRequest, Decision, Model, ToolCallRequest, Usage } from '@sre-harness/core';
import {
  causeText,
  costOf,
  DEFAULT_SYSTEM_PROMPT,
  describeTool,
  hideSecret,
  httpFailureCode,
  type ModelPrice,
  type PriceTable,
  priceFor,
  type RetryOptions,
  type RetryPolicy,
  retryAfterMs,
  retryPolicy,
  userMessage,
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
  /** Mark the stable prefix (tools and system prompt) for prompt caching. Default true. */
  readonly promptCaching?: boolean;
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
 * A `Model` over the Anthropic Messages API with native tool use. Each decision is one stateless
 * request: the system prompt and tools, marked for prompt caching, then the rendered context.
 */
export class AnthropicModel implements Model {
  readonly name: string;
  readonly #client: Anthropic;
  readonly #model: string;
  readonly #key: string;
  readonly #system: string;
  readonly #maxTokens: number;
  readonly #caching: boolean;
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
    const body: Anthropic.Messages.MessageCreateParamsNonStreaming = {
      model: this.#model,
      max_tokens: this.#maxTokens,
      // Tools come first in the cached prefix, then the system prompt: a breakpoint on each keeps both.
      system: [{ type: 'text', text: this.#system, ...cache }],
      messages: [{ role: 'user', content: userMessage(request) }],
    };
    if (request.tools.length > 0) {
      const last = request.tools.length - 1;
      body.tools = request.tools.map((t, i) => ({
        name: t.name,
        description: describeTool(t),
        input_schema: t.inputSchema as Anthropic.Messages.Tool.InputSchema,
        ...(i === last ? cache : {}),
      }));
    }
    return body;
  }

  async decide(request: DecideRequest): Promise<Decision> {
    const body = this.requestBody(request);
    const cancelled = (attempts: number) =>
      new AnthropicModelError('cancelled', `${this.name}: request cancelled`, { attempts });
    return withRetries({
      policy: this.#retry,
      signal: request.signal,
      attempt: async (n) =>
        this.#toDecision(
          await this.#client.messages.create(body, { signal: request.signal, timeout: this.#timeoutMs }),
          n,
        ),
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
