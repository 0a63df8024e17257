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
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { OpenAIModelError, type OpenAIModelErrorCode } from './errors.js';
import { DEFAULT_OPENAI_PRICES } from './prices.js';

/** Options of the OpenAI (and OpenAI-compatible) Chat Completions model. */
export interface OpenAIModelOptions {
  /** Model name, e.g. `gpt-4.1` or whatever a local server serves. */
  readonly model: string;
  /** `openai` (default) requires a key; `openai-compatible` (vLLM, Ollama, llama.cpp) does not. */
  readonly provider?: 'openai' | 'openai-compatible';
  /** The API key; default: the environment variable named by `apiKeyEnv`. Never traced or shown. */
  readonly apiKey?: string;
  /** Which environment variable holds the key. Default `OPENAI_API_KEY`. */
  readonly apiKeyEnv?: string;
  /** API base URL, e.g. `http://127.0.0.1:8000/v1`; default: `OPENAI_BASE_URL`, else OpenAI's. */
  readonly baseURL?: string;
  /** Where keys and base URLs are read from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces the default system prompt. */
  readonly systemPrompt?: string;
  /** Appended to the system prompt (site conventions, runbook pointers). */
  readonly instructions?: string;
  /** Output token limit per response. Default 4096. */
  readonly maxTokens?: number;
  /** Which request field carries it: default `max_completion_tokens` for OpenAI, `max_tokens` otherwise. */
  readonly maxTokensField?: 'max_completion_tokens' | 'max_tokens';
  readonly temperature?: number;
  /** Per-attempt HTTP timeout. Default 120 s. */
  readonly timeoutMs?: number;
  readonly retry?: RetryOptions;
  /** Prices merged over `DEFAULT_OPENAI_PRICES`. */
  readonly prices?: PriceTable;
  /** The price of this model, taking precedence over any table. */
  readonly price?: ModelPrice;
  /** Extra HTTP headers for every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Send the model's `reasoning_content` back with its tool-call turns. Off by default: most servers
   * that return it reject it on input, but DeepSeek's thinking mode with tools requires it.
   */
  readonly sendReasoning?: boolean;
}

const RETRYABLE: ReadonlySet<OpenAIModelErrorCode> = new Set([
  'rate_limited',
  'overloaded',
  'server',
  'connection',
  'timeout',
  'empty_response',
]);

// Servers that need no key still get an Authorization header from the SDK; this placeholder says why.
const NO_KEY = 'no-key-needed';

/**
 * A `Model` over the Chat Completions API with native tool calling. Each decision is one request:
 * the system prompt and tools, then the run's transcript as messages (the model's own text and
 * `tool_calls`, a `tool` message per call tied to it by id, the harness's text as user messages),
 * laid out so each request's messages start with the previous request's, which is what OpenAI's
 * automatic prompt caching serves.
 */
export class OpenAIModel implements Model {
  readonly name: string;
  readonly #client: OpenAI;
  readonly #model: string;
  readonly #key: string | undefined;
  readonly #system: string;
  readonly #maxTokens: number;
  readonly #maxTokensField: 'max_completion_tokens' | 'max_tokens';
  readonly #temperature: number | undefined;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #price: ModelPrice | undefined;
  readonly #provider: 'openai' | 'openai-compatible';
  readonly #sendReasoning: boolean;

  constructor(options: OpenAIModelOptions) {
    if (
      typeof options !== 'object' ||
      options === null ||
      typeof options.model !== 'string' ||
      !options.model
    ) {
      throw new OpenAIModelError('invalid_option', 'OpenAIModel needs { model: "<model name>" }');
    }
    const provider = options.provider ?? 'openai';
    if (provider !== 'openai' && provider !== 'openai-compatible') {
      throw new OpenAIModelError(
        'invalid_option',
        `provider must be openai or openai-compatible; got ${provider}`,
      );
    }
    const env = options.env ?? process.env;
    const keyVar = options.apiKeyEnv ?? 'OPENAI_API_KEY';
    const key = options.apiKey ?? (env[keyVar] || undefined);
    if (!key && provider === 'openai') {
      throw new OpenAIModelError(
        'missing_key',
        `no OpenAI API key: set ${keyVar} in the environment (or pass apiKey)`,
      );
    }
    const baseURL = options.baseURL ?? (env['OPENAI_BASE_URL'] || undefined);
    if (provider === 'openai-compatible' && !baseURL) {
      throw new OpenAIModelError(
        'invalid_option',
        'an openai-compatible model needs baseURL (or OPENAI_BASE_URL), e.g. http://127.0.0.1:8000/v1',
      );
    }
    const policy = retryPolicy(options.retry);
    if (typeof policy === 'string') throw new OpenAIModelError('invalid_option', policy);
    const maxTokens = options.maxTokens ?? 4096;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new OpenAIModelError(
        'invalid_option',
        `maxTokens must be a positive whole number; got ${maxTokens}`,
      );
    }
    const timeoutMs = options.timeoutMs ?? 120_000;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new OpenAIModelError('invalid_option', `timeoutMs must be a positive number; got ${timeoutMs}`);
    }
    this.#provider = provider;
    this.#sendReasoning = options.sendReasoning === true;
    this.#model = options.model;
    this.#key = key;
    this.name = `${provider}:${options.model}`;
    this.#system =
      (options.systemPrompt ?? DEFAULT_SYSTEM_PROMPT) +
      (options.instructions ? `\n\n${options.instructions}` : '');
    this.#maxTokens = maxTokens;
    this.#maxTokensField =
      options.maxTokensField ?? (provider === 'openai' ? 'max_completion_tokens' : 'max_tokens');
    this.#temperature = options.temperature;
    this.#timeoutMs = timeoutMs;
    this.#retry = policy;
    this.#price = options.price ?? priceFor({ ...DEFAULT_OPENAI_PRICES, ...options.prices }, options.model);
    // The SDK's own retries are off: ours honour retry-after with a cap and are tested on the wire.
    this.#client = new OpenAI({
      apiKey: key ?? NO_KEY,
      ...(baseURL ? { baseURL } : {}),
      maxRetries: 0,
      timeout: timeoutMs,
      logLevel: 'off',
      ...(options.headers ? { defaultHeaders: { ...options.headers } } : {}),
    });
  }

  /** The request body for one decision (exposed for inspection and tests). */
  requestBody(request: DecideRequest): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
    const body: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming = {
      model: this.#model,
      messages: [
        { role: 'system', content: this.#system },
        ...toChatMessages(request.transcript, { sendReasoning: this.#sendReasoning }),
      ],
      [this.#maxTokensField]: this.#maxTokens,
    };
    if (this.#temperature !== undefined) body.temperature = this.#temperature;
    const offered = providerTools(request.tools);
    if (offered.tools.length > 0) {
      body.tools = offered.tools.map(({ tool, schema }) => ({
        type: 'function' as const,
        function: {
          name: tool.name,
          description: describeTool(tool),
          parameters: schema as Record<string, unknown>,
        },
      }));
      body.tool_choice = 'auto';
    }
    return body;
  }

  async decide(request: DecideRequest): Promise<Decision> {
    const body = this.requestBody(request);
    const skipped = providerTools(request.tools).skipped;
    const cancelled = (attempts: number) =>
      new OpenAIModelError('cancelled', `${this.name}: request cancelled`, { attempts });
    const decision = await withRetries({
      policy: this.#retry,
      signal: request.signal,
      attempt: async (n) => {
        const { signal, done } = requestSignal(request.signal);
        try {
          return this.#toDecision(
            await this.#client.chat.completions.create(body, { signal, timeout: this.#timeoutMs }),
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
        new OpenAIModelError(last.code, `${last.message} (${why})`, {
          ...(last.status !== undefined ? { status: last.status } : {}),
          attempts,
        }),
      cancelled,
    });
    return skipped.length === 0
      ? decision
      : { ...decision, meta: { ...decision.meta, toolsSkipped: skipped } };
  }

  #toDecision(completion: OpenAI.Chat.Completions.ChatCompletion, attempts: number): Decision {
    const usage = this.#usage(completion.usage);
    const choice = completion.choices?.[0];
    const message = choice?.message;
    const finishReason = choice?.finish_reason ?? null;
    const meta: Record<string, unknown> = {
      provider: this.#provider,
      model: completion.model ?? this.#model,
      finishReason,
      ...(attempts > 1 ? { attempts } : {}),
      // Some OpenAI-compatible servers send no usage: say so rather than report zero tokens.
      ...(usage ? {} : { usageMissing: true }),
    };
    const withUsage = usage ? { usage } : {};
    const refusal =
      typeof message?.refusal === 'string' && message.refusal.trim() !== '' ? message.refusal : undefined;
    if (refusal !== undefined || finishReason === 'content_filter') {
      // A refusal ends the run with an answer that says so; any tool calls alongside it are not run.
      const why = refusal ?? 'the response was withheld by the content filter';
      return {
        type: 'final',
        answer: `The model refused to continue: ${why}`,
        ...withUsage,
        meta: { ...meta, refusal: true },
      };
    }
    // Reasoning models served raw (Qwen3, DeepSeek-R1 on llama.cpp or Ollama) put it in <think> tags.
    const { text, thought } = splitThink(typeof message?.content === 'string' ? message.content : '');
    const truncated = finishReason === 'length';
    // Some compatible servers leave out `type`; a call with a function is a function call.
    const rawCalls = (Array.isArray(message?.tool_calls) ? message.tool_calls : []).filter(
      (c): c is OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall =>
        typeof c === 'object' &&
        c !== null &&
        (c.type === 'function' || c.type === undefined) &&
        typeof (c as { function?: { name?: unknown } }).function?.name === 'string',
    );
    const reasoning = reasoningOf(message);
    if (thought) reasoning.push({ provider: 'openai', type: 'think_tag', text: thought });
    if (rawCalls.length > 0) {
      const calls: ToolCallRequest[] = rawCalls.map((c, i) => {
        const parsed = parseArguments(c.function.arguments);
        // Cut off by the token limit, the last call may be incomplete even when it parses: never run it.
        const cut =
          truncated && i === rawCalls.length - 1
            ? 'the response hit the max-tokens limit, so this call may be incomplete and was not run; make it again, with shorter arguments'
            : undefined;
        const parseError = cut ?? parsed.error;
        return {
          ...(typeof c.id === 'string' && c.id ? { id: c.id } : {}),
          tool: c.function.name,
          args: parseError === undefined ? parsed.value : c.function.arguments,
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
    throw new OpenAIModelError(
      'empty_response',
      `${this.name}: the response held neither text nor a tool call (finish_reason ${String(finishReason)})`,
      { attempts },
    );
  }

  #usage(raw: OpenAI.Completions.CompletionUsage | undefined): Usage | undefined {
    if (!raw || typeof raw.prompt_tokens !== 'number') return undefined;
    const usage: Usage = {
      inputTokens: raw.prompt_tokens,
      outputTokens: raw.completion_tokens ?? 0,
    };
    const cached = raw.prompt_tokens_details?.cached_tokens;
    if (typeof cached === 'number') usage.cacheReadTokens = cached;
    if (this.#price) usage.costUsd = costOf(this.#price, usage);
    return usage;
  }

  #classify(error: unknown, attempts: number): OpenAIModelError {
    const safe = (s: string) => hideSecret(s, this.#key).replace(/\s+/g, ' ').slice(0, 400);
    if (OpenAIModelError.isInstance(error)) return error;
    if (error instanceof APIConnectionTimeoutError) {
      return new OpenAIModelError('timeout', `${this.name}: no response within ${this.#timeoutMs} ms`, {
        attempts,
      });
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      const status = error.status;
      const code: OpenAIModelErrorCode = httpFailureCode(status);
      const detail = serverMessage(error);
      const hint = code === 'auth' ? ' (check the API key)' : '';
      return new OpenAIModelError(code, safe(`${this.name}: ${code} (HTTP ${status})${hint}: ${detail}`), {
        status,
        attempts,
      });
    }
    const text = error instanceof Error ? `${error.message}${causeText(error)}` : String(error);
    if (error instanceof APIConnectionError) {
      return new OpenAIModelError('connection', safe(`${this.name}: connection failed: ${text}`), {
        attempts,
      });
    }
    if (isBodyReadFailure(error)) {
      return new OpenAIModelError(
        'connection',
        safe(`${this.name}: the connection dropped while the response was read: ${text}`),
        { attempts },
      );
    }
    return new OpenAIModelError('invalid_response', safe(`${this.name}: unusable response: ${text}`), {
      attempts,
    });
  }
}

function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return error.message;
}

/**
 * Parses tool-call arguments as servers really send them: a JSON string (OpenAI, vLLM, Ollama), an
 * object already parsed (llama.cpp's server and some proxies), or nothing (`null`, `""`: no
 * arguments). Anything else, or a string that is not a JSON object, is a parse error the loop refuses.
 */
export function parseArguments(raw: unknown): { value: unknown; error?: string } {
  if (raw === undefined || raw === null) return { value: {} };
  if (typeof raw === 'object') {
    if (Array.isArray(raw)) return { value: raw, error: 'arguments must be a JSON object' };
    return { value: raw };
  }
  if (typeof raw !== 'string')
    return { value: raw, error: `arguments must be a JSON object; got ${typeof raw}` };
  const text = raw.trim();
  if (text === '') return { value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
    // Some servers encode the arguments twice: a JSON string holding the JSON object.
    if (typeof value === 'string' && value.trimStart().startsWith('{')) value = JSON.parse(value);
  } catch (e) {
    return { value: raw, error: `invalid JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { value: raw, error: 'arguments must be a JSON object' };
  }
  return { value };
}

/**
 * The transcript as Chat Completions messages: a user turn's tool results become `tool` messages
 * (right after the assistant message whose `tool_calls` they answer, as the API requires), then its
 * text one `user` message; an assistant turn is its text and `tool_calls` with the arguments as a
 * JSON string. Reasoning goes back only with `sendReasoning` (as `reasoning_content`).
 */
export function toChatMessages(
  transcript: readonly TranscriptMessage[],
  options: { sendReasoning?: boolean } = {},
): OpenAI.Chat.Completions.ChatCompletionMessageParam[] {
  const out: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [];
  for (const m of transcript) {
    if (m.role === 'assistant') {
      const reasoning = options.sendReasoning
        ? (m.reasoning ?? [])
            .filter(
              (r) => r?.provider === 'openai' && r.type === 'reasoning_content' && typeof r.text === 'string',
            )
            .map((r) => r.text)
            .join('\n')
        : '';
      out.push({
        role: 'assistant',
        content: m.text ?? null,
        // A field some servers add (DeepSeek); not in the SDK's types.
        ...(reasoning ? ({ reasoning_content: reasoning } as Record<string, string>) : {}),
        tool_calls: m.calls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: {
            name: c.tool,
            arguments: typeof c.args === 'string' ? c.args : (safeJson(c.args) ?? '{}'),
          },
        })),
      });
      continue;
    }
    const texts: string[] = [];
    for (const p of m.parts) {
      if (p.type === 'tool_result') out.push({ role: 'tool', tool_call_id: p.id, content: p.content });
      else texts.push(p.text);
    }
    if (texts.length > 0) out.push({ role: 'user', content: texts.join('\n\n') });
  }
  return out;
}

function safeJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** Content that opens with a `<think>…</think>` block, split into the thought and the rest (both trimmed). */
export function splitThink(content: string): { text: string; thought?: string } {
  const start = content.trimStart();
  if (!start.startsWith('<think>')) return { text: content.trim() };
  const end = start.indexOf('</think>');
  if (end < 0) return { text: content.trim() };
  const thought = start.slice('<think>'.length, end).trim();
  return { text: start.slice(end + '</think>'.length).trim(), ...(thought ? { thought } : {}) };
}

/** Reasoning text some OpenAI-compatible servers return (`reasoning_content`, `reasoning`), for the trace. */
function reasoningOf(message: unknown): ReasoningPart[] {
  if (typeof message !== 'object' || message === null) return [];
  const out: ReasoningPart[] = [];
  for (const field of ['reasoning_content', 'reasoning'] as const) {
    const v = (message as Record<string, unknown>)[field];
    if (typeof v === 'string' && v.trim() !== '') out.push({ provider: 'openai', type: field, text: v });
  }
  return out;
}

/** Creates an OpenAI Chat Completions model; see `OpenAIModelOptions`. */
export function openaiModel(options: OpenAIModelOptions): OpenAIModel {
  return new OpenAIModel(options);
}
