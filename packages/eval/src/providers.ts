import { resolve } from 'node:path';
import { HarnessError, type Model, ReplayModel } from '@sre-harness/core';
import { z } from 'zod';

// This module must not import a model adapter (and so its SDK) when it loads: the `--model` help
// and offline runs read the registry. Each provider's `create` imports its adapter when called.

const MARKER = Symbol.for('@sre-harness/eval.model-spec-error');

/** Why a `--model` spec could not become a model. */
export type ModelSpecErrorCode = 'invalid_model_spec' | 'missing_key' | 'invalid_option' | 'invalid_trace';

/** A bad `--model` spec or a missing key; the message is one line meant for the terminal. */
export class ModelSpecError extends Error {
  readonly [MARKER] = true;
  readonly code: ModelSpecErrorCode;

  constructor(code: ModelSpecErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelSpecError';
    this.code = code;
  }

  /** True for any ModelSpecError, even one created by another copy of the package. */
  static isInstance(value: unknown): value is ModelSpecError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A parsed `--model` spec of some provider: `provider` is the provider's name, the rest is its own. */
export interface ProviderSpec {
  readonly provider: string;
}

/** Where keys and base URLs come from (`process.env` unless given). */
export type ProviderEnv = Readonly<Record<string, string | undefined>>;

/** What a provider's `create` is given besides the spec and the environment. */
export interface ProviderCreateOptions {
  /** Resolves relative paths (a replay trace). */
  readonly cwd: string;
  /** Appended to a real model's system prompt (a harness config's instructions); absent when none. */
  readonly instructions?: string;
  /** The spec as the user wrote it (`describe(spec)`), for error messages: `--model ${label}: …`. */
  readonly label: string;
}

/**
 * One model provider of `--model <name>:<rest>`.
 *
 * - `name`: the text before the first `:` (`[a-z][a-z0-9-]*`), unique in a registry.
 * - `forms`: its usage, starting with `<name>:`, as the help text and errors show it
 *   (`openai-compatible:<model>@<baseURL>`).
 * - `summary`: one line for the help text (what it runs; which variables it reads).
 * - `offline`: its models need no network or key (a replay), so runs get the offline time limit.
 * - `schema`: checks a spec given as an object rather than text.
 * - `parse(rest)`: the text after `<name>:` to a spec whose `provider` is `name`, or a one-line
 *   reason it is not one (`model: the model name is empty`); `parseWith` builds this from a schema.
 * - `create(spec, env, options)`: the model; may be async and import its adapter lazily. Throw a
 *   `ModelSpecError` for a bad spec or a missing key (`adapterFailure` turns an adapter's own error
 *   into one); a core `HarnessError` becomes one with the label in front.
 * - `describe(spec)`: the spec as a user would write it, so `parse` of its rest gives it back.
 */
export interface Provider<S extends ProviderSpec = ProviderSpec> {
  readonly name: S['provider'];
  readonly forms: string;
  readonly summary: string;
  readonly offline?: boolean;
  readonly schema: z.ZodType<S>;
  parse(rest: string): S | string;
  create(spec: S, env: ProviderEnv, options: ProviderCreateOptions): Model | Promise<Model>;
  describe(spec: S): string;
}

/** Options of `createModelFromSpec` and a registry's `create`. */
export interface CreateModelOptions {
  /** Resolves relative replay paths. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Appended to a real model's system prompt (a harness config's instructions). */
  readonly instructions?: string;
}

/** The providers `--model` understands, and the spec functions generated from them. */
export interface ProviderRegistry<S extends ProviderSpec = ProviderSpec> {
  /** The entries, in the order given (the order of the help text and of `expected`). */
  readonly providers: readonly Provider<S>[];
  /** The forms as a list for messages: `anthropic:<model>, openai:<model> or replay:<trace.jsonl>[#<runId>]`. */
  readonly expected: string;
  /** The help text of the providers: `<form> (<summary>)` per entry, joined by `, `. */
  readonly help: string;
  /** The entry of this provider name, if registered. */
  get(name: string): Provider<S> | undefined;
  /** The entry a spec text names (its text before the first `:`), if registered. */
  providerOf(text: string): Provider<S> | undefined;
  /**
   * Parses `<name>:<rest>` (trimmed) with the entry of `name`. Throws a `ModelSpecError`
   * `invalid_model_spec`: `--model "<text>": expected <forms>` without a provider,
   * `--model "<text>": unknown provider "<name>"; expected <forms>` for an unregistered one, and
   * `--model "<text>": <reason>` when the entry rejects the rest.
   */
  parse(text: string): S;
  /**
   * Makes the model a spec (text or object) names. An object is checked against its entry's schema
   * (`invalid_model_spec`, `model spec: …`). The entry's errors come back as `ModelSpecError`s: a
   * core `HarnessError` as `invalid_option` (or `invalid_trace`) `--model <label>: <message>`.
   */
  create(spec: string | S, env?: ProviderEnv, options?: CreateModelOptions): Promise<Model>;
  /** The spec as a user would write it, by its entry's `describe`; throws `invalid_model_spec` for an unregistered provider. */
  describe(spec: S): string;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/** Declares a provider, inferring its spec type from `schema`; the entry is returned as given. */
export function defineProvider<S extends ProviderSpec>(provider: Provider<S>): Provider<S> {
  return provider;
}

/**
 * A registry of these providers. Throws a `TypeError` for a name that is not `[a-z][a-z0-9-]*`, a
 * name given twice, or forms that do not start with `<name>:`.
 */
export function createProviderRegistry<S extends ProviderSpec>(
  providers: readonly Provider<S>[],
): ProviderRegistry<S> {
  const byName = new Map<string, Provider<S>>();
  for (const p of providers) {
    if (!NAME.test(p.name)) throw new TypeError(`provider name "${p.name}" must match ${NAME}`);
    if (byName.has(p.name)) throw new TypeError(`provider "${p.name}" is registered twice`);
    if (!p.forms.startsWith(`${p.name}:`)) {
      throw new TypeError(`provider "${p.name}": forms "${p.forms}" must start with "${p.name}:"`);
    }
    byName.set(p.name, p);
  }
  const list = [...byName.values()];
  const forms = list.map((p) => p.forms);
  const expected =
    forms.length > 1 ? `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1]}` : (forms[0] ?? '');
  const help = list.map((p) => `${p.forms} (${p.summary})`).join(', ');

  const entryOf = (spec: S): Provider<S> => {
    const name = typeof spec === 'object' && spec !== null ? (spec as ProviderSpec).provider : undefined;
    const entry = typeof name === 'string' ? byName.get(name) : undefined;
    if (!entry) {
      throw new ModelSpecError(
        'invalid_model_spec',
        `model spec: unknown provider ${JSON.stringify(name) ?? 'undefined'}; expected ${expected}`,
      );
    }
    return entry;
  };

  const registry: ProviderRegistry<S> = {
    providers: list,
    expected,
    help,
    get: (name) => byName.get(name),
    providerOf(text) {
      const raw = typeof text === 'string' ? text.trim() : '';
      const colon = raw.indexOf(':');
      return colon > 0 ? byName.get(raw.slice(0, colon)) : undefined;
    },
    parse(text) {
      const raw = typeof text === 'string' ? text.trim() : '';
      const colon = raw.indexOf(':');
      if (colon <= 0) {
        throw new ModelSpecError('invalid_model_spec', `--model "${raw}": expected ${expected}`);
      }
      const name = raw.slice(0, colon);
      const entry = byName.get(name);
      if (!entry) {
        throw new ModelSpecError(
          'invalid_model_spec',
          `--model "${raw}": unknown provider "${name}"; expected ${expected}`,
        );
      }
      const result = entry.parse(raw.slice(colon + 1));
      if (typeof result === 'string') {
        throw new ModelSpecError('invalid_model_spec', `--model "${raw}": ${result}`);
      }
      return result;
    },
    async create(spec, env = process.env, options = {}) {
      const parsed = typeof spec === 'string' ? registry.parse(spec) : checked(entryOf(spec), spec);
      const entry = entryOf(parsed);
      const label = entry.describe(parsed);
      try {
        return await entry.create(parsed, env, {
          cwd: options.cwd ?? process.cwd(),
          label,
          ...(options.instructions ? { instructions: options.instructions } : {}),
        });
      } catch (error) {
        throw translate(error, label);
      }
    },
    describe: (spec) => entryOf(spec).describe(spec),
  };
  return registry;
}

function checked<S extends ProviderSpec>(entry: Provider<S>, spec: S): S {
  const parsed = entry.schema.safeParse(spec);
  if (!parsed.success) {
    throw new ModelSpecError(
      'invalid_model_spec',
      `model spec: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`,
    );
  }
  return parsed.data;
}

function translate(error: unknown, label: string): unknown {
  if (ModelSpecError.isInstance(error)) return error;
  if (HarnessError.isInstance(error)) {
    return new ModelSpecError(
      error.code === 'invalid_option' ? 'invalid_option' : 'invalid_trace',
      `--model ${label}: ${error.message}`,
      { cause: error },
    );
  }
  return error;
}

/**
 * A provider's `parse` result from a candidate spec: the spec if `schema` accepts it, else the
 * issues on one line, `<path>: <message>` joined by `; ` (`model: the model name is empty`).
 */
export function parseWith<S extends ProviderSpec>(schema: z.ZodType<S>, candidate: unknown): S | string {
  const parsed = schema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ');
}

/**
 * A model adapter's error (`{ code, message }`, as AnthropicModelError and OpenAIModelError are) as
 * a `ModelSpecError`: `missing_key` becomes `--model <label> needs an API key: set <VARIABLE>` when
 * the message names the variable (`set X`); anything else `invalid_option` `--model <label>: <message>`.
 */
export function adapterFailure(error: { code: string; message: string }, label: string): ModelSpecError {
  const code = error.code === 'missing_key' ? 'missing_key' : 'invalid_option';
  const variable = /set (\w+)/.exec(error.message)?.[1];
  const message =
    error.code === 'missing_key' && variable
      ? `--model ${label} needs an API key: set ${variable}`
      : `--model ${label}: ${error.message}`;
  return new ModelSpecError(code, message, { cause: error });
}

function instructionsOf(options: ProviderCreateOptions): { instructions?: string } {
  return options.instructions ? { instructions: options.instructions } : {};
}

const modelName = z.string().min(1, 'the model name is empty').regex(/^\S+$/, 'the model name has spaces');

const httpUrl = z.string().superRefine((s, ctx) => {
  if (!URL.canParse(s)) ctx.addIssue({ code: 'custom', message: 'not a URL' });
  else if (!/^https?:$/.test(new URL(s).protocol)) {
    ctx.addIssue({ code: 'custom', message: 'the base URL must start with http:// or https://' });
  }
});

/** `anthropic:<model>` as a spec. */
export const anthropicSpecSchema = z.object({ provider: z.literal('anthropic'), model: modelName });
/** `openai:<model>` as a spec. */
export const openaiSpecSchema = z.object({ provider: z.literal('openai'), model: modelName });
/** `openai-compatible:<model>[@<baseURL>]` as a spec. */
export const openaiCompatibleSpecSchema = z.object({
  provider: z.literal('openai-compatible'),
  model: modelName,
  baseURL: httpUrl.optional(),
});
/** `replay:<trace.jsonl>[#<runId>]` as a spec. */
export const replaySpecSchema = z.object({
  provider: z.literal('replay'),
  path: z.string().min(1, 'the trace path is empty'),
  runId: z.string().min(1).optional(),
});

/** Claude through the Anthropic Messages API. */
export const anthropicProvider = defineProvider({
  name: 'anthropic',
  forms: 'anthropic:<model>',
  summary: 'Anthropic API; ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL',
  schema: anthropicSpecSchema,
  parse: (rest) => parseWith(anthropicSpecSchema, { provider: 'anthropic', model: rest }),
  async create(spec, env, options) {
    const { AnthropicModel, AnthropicModelError } = await import('@sre-harness/model-anthropic');
    try {
      return new AnthropicModel({ model: spec.model, env, ...instructionsOf(options) });
    } catch (error) {
      throw AnthropicModelError.isInstance(error) ? adapterFailure(error, options.label) : error;
    }
  },
  describe: (spec) => `anthropic:${spec.model}`,
});

/** OpenAI's API. */
export const openaiProvider = defineProvider({
  name: 'openai',
  forms: 'openai:<model>',
  summary: 'OpenAI API; OPENAI_API_KEY, OPENAI_BASE_URL',
  schema: openaiSpecSchema,
  parse: (rest) => parseWith(openaiSpecSchema, { provider: 'openai', model: rest }),
  async create(spec, env, options) {
    const { OpenAIModel, OpenAIModelError } = await import('@sre-harness/model-openai');
    try {
      return new OpenAIModel({ model: spec.model, env, ...instructionsOf(options) });
    } catch (error) {
      throw OpenAIModelError.isInstance(error) ? adapterFailure(error, options.label) : error;
    }
  },
  describe: (spec) => `openai:${spec.model}`,
});

// Model names may hold ':' (qwen3:8b), so the URL is what follows the last '@' that starts one.
const BASE_URL_AT = /@(?=(?:https?|[a-z][a-z0-9+.-]*:\/\/))(?!.*@(?:https?|[a-z][a-z0-9+.-]*:\/\/))/i;

/** A server speaking OpenAI's chat API (vLLM, Ollama, llama.cpp); the URL may come from OPENAI_BASE_URL. */
export const openaiCompatibleProvider = defineProvider({
  name: 'openai-compatible',
  forms: 'openai-compatible:<model>@<baseURL>',
  summary: 'vLLM, Ollama, llama.cpp; OPENAI_BASE_URL without @<baseURL>, OPENAI_API_KEY if needed',
  schema: openaiCompatibleSpecSchema,
  parse(rest) {
    const provider = 'openai-compatible';
    const at = rest.search(BASE_URL_AT);
    return parseWith(
      openaiCompatibleSpecSchema,
      at >= 0
        ? { provider, model: rest.slice(0, at), baseURL: rest.slice(at + 1) }
        : { provider, model: rest },
    );
  },
  async create(spec, env, options) {
    const baseURL = spec.baseURL ?? (env['OPENAI_BASE_URL'] || undefined);
    if (!baseURL) {
      throw new ModelSpecError(
        'invalid_model_spec',
        `--model ${options.label}: no base URL; write openai-compatible:<model>@<baseURL> or set OPENAI_BASE_URL`,
      );
    }
    const { OpenAIModel, OpenAIModelError } = await import('@sre-harness/model-openai');
    // A local server usually needs no key; one behind a gateway may take OPENAI_API_KEY.
    const apiKey = env['OPENAI_API_KEY'] || undefined;
    try {
      return new OpenAIModel({
        model: spec.model,
        provider: 'openai-compatible',
        baseURL,
        env,
        ...instructionsOf(options),
        ...(apiKey ? { apiKey } : {}),
      });
    } catch (error) {
      throw OpenAIModelError.isInstance(error) ? adapterFailure(error, options.label) : error;
    }
  },
  describe: (spec) => `openai-compatible:${spec.model}${spec.baseURL ? `@${spec.baseURL}` : ''}`,
});

/** A run recorded in a JSONL trace, replayed decision by decision; `#<runId>` picks one of several. */
export const replayProvider = defineProvider({
  name: 'replay',
  forms: 'replay:<trace.jsonl>[#<runId>]',
  summary: 'a recorded run, offline',
  offline: true,
  schema: replaySpecSchema,
  parse(rest) {
    const provider = 'replay';
    const hash = rest.lastIndexOf('#');
    return parseWith(
      replaySpecSchema,
      hash > 0
        ? { provider, path: rest.slice(0, hash), runId: rest.slice(hash + 1) }
        : { provider, path: rest },
    );
  },
  create: (spec, _env, options) =>
    ReplayModel.fromFile(resolve(options.cwd, spec.path), spec.runId ? { runId: spec.runId } : {}),
  describe: (spec) => `replay:${spec.path}${spec.runId ? `#${spec.runId}` : ''}`,
});

/** The spec type of a provider entry. */
export type SpecOf<P> = P extends Provider<infer S> ? S : never;

/** The built-in providers, in help order: adding one is its adapter package and an entry here. */
export const BUILTIN_PROVIDERS = [
  anthropicProvider,
  openaiProvider,
  openaiCompatibleProvider,
  replayProvider,
] as const;

/** A spec of a built-in provider: `{ provider: 'anthropic', model }`, `{ provider: 'replay', path, runId? }`, … */
export type BuiltinModelSpec = SpecOf<(typeof BUILTIN_PROVIDERS)[number]>;

/** The registry `--model`, `parseModelSpec`, `createModelFromSpec` and `describeSpec` use. */
export const PROVIDERS: ProviderRegistry<BuiltinModelSpec> =
  createProviderRegistry<BuiltinModelSpec>(BUILTIN_PROVIDERS);
