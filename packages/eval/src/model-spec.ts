import { resolve } from 'node:path';
import { HarnessError, type Model, ReplayModel } from '@sre-harness/core';
import { AnthropicModel, AnthropicModelError } from '@sre-harness/model-anthropic';
import { OpenAIModel, OpenAIModelError } from '@sre-harness/model-openai';
import { z } from 'zod';

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

const modelName = z.string().min(1, 'the model name is empty').regex(/^\S+$/, 'the model name has spaces');

const httpUrl = z.string().superRefine((s, ctx) => {
  if (!URL.canParse(s)) ctx.addIssue({ code: 'custom', message: 'not a URL' });
  else if (!/^https?:$/.test(new URL(s).protocol)) {
    ctx.addIssue({ code: 'custom', message: 'the base URL must start with http:// or https://' });
  }
});

/** A parsed `--model` spec. */
export const modelSpecSchema = z.discriminatedUnion('provider', [
  z.object({ provider: z.literal('anthropic'), model: modelName }),
  z.object({ provider: z.literal('openai'), model: modelName }),
  z.object({ provider: z.literal('openai-compatible'), model: modelName, baseURL: httpUrl.optional() }),
  z.object({
    provider: z.literal('replay'),
    path: z.string().min(1, 'the trace path is empty'),
    runId: z.string().min(1).optional(),
  }),
]);

/** A parsed `--model` spec. */
export type ModelSpec = z.infer<typeof modelSpecSchema>;

const FORMS =
  'anthropic:<model>, openai:<model>, openai-compatible:<model>@<baseURL> or replay:<trace.jsonl>[#<runId>]';

/**
 * Parses `anthropic:<model>`, `openai:<model>`, `openai-compatible:<model>@<baseURL>` (the URL may
 * come from OPENAI_BASE_URL instead) and `replay:<trace.jsonl>` with an optional `#<runId>`.
 */
export function parseModelSpec(text: string): ModelSpec {
  const raw = typeof text === 'string' ? text.trim() : '';
  const colon = raw.indexOf(':');
  if (colon <= 0) {
    throw new ModelSpecError('invalid_model_spec', `--model "${raw}": expected ${FORMS}`);
  }
  const provider = raw.slice(0, colon);
  const rest = raw.slice(colon + 1);
  let candidate: unknown;
  if (provider === 'openai-compatible') {
    // Model names may hold ':' (qwen3:8b), so the URL is what follows the last '@' that starts one.
    const at = rest.search(/@(?=(?:https?|[a-z][a-z0-9+.-]*:\/\/))(?!.*@(?:https?|[a-z][a-z0-9+.-]*:\/\/))/i);
    candidate =
      at >= 0
        ? { provider, model: rest.slice(0, at), baseURL: rest.slice(at + 1) }
        : { provider, model: rest };
  } else if (provider === 'replay') {
    const hash = rest.lastIndexOf('#');
    candidate =
      hash > 0
        ? { provider, path: rest.slice(0, hash), runId: rest.slice(hash + 1) }
        : { provider, path: rest };
  } else if (provider === 'anthropic' || provider === 'openai') {
    candidate = { provider, model: rest };
  } else {
    throw new ModelSpecError(
      'invalid_model_spec',
      `--model "${raw}": unknown provider "${provider}"; expected ${FORMS}`,
    );
  }
  const parsed = modelSpecSchema.safeParse(candidate);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'spec'}: ${i.message}`).join('; ');
    throw new ModelSpecError('invalid_model_spec', `--model "${raw}": ${why}`);
  }
  return parsed.data;
}

/** Options of `createModelFromSpec`. */
export interface CreateModelOptions {
  /** Resolves relative replay paths. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Appended to a real model's system prompt (a harness config's instructions). */
  readonly instructions?: string;
}

function instructionsOf(options: CreateModelOptions): { instructions?: string } {
  return options.instructions ? { instructions: options.instructions } : {};
}

/**
 * Makes the model a spec names. Keys and base URLs come from `env` (ANTHROPIC_API_KEY,
 * ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL); a missing key is a `ModelSpecError` whose
 * one-line message names the variable to set.
 */
export async function createModelFromSpec(
  spec: string | ModelSpec,
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: CreateModelOptions = {},
): Promise<Model> {
  const parsed = typeof spec === 'string' ? parseModelSpec(spec) : checked(spec);
  const label = describeSpec(parsed);
  try {
    switch (parsed.provider) {
      case 'anthropic':
        return new AnthropicModel({ model: parsed.model, env, ...instructionsOf(options) });
      case 'openai':
        return new OpenAIModel({ model: parsed.model, env, ...instructionsOf(options) });
      case 'openai-compatible': {
        const baseURL = parsed.baseURL ?? (env['OPENAI_BASE_URL'] || undefined);
        if (!baseURL) {
          throw new ModelSpecError(
            'invalid_model_spec',
            `--model ${label}: no base URL; write openai-compatible:<model>@<baseURL> or set OPENAI_BASE_URL`,
          );
        }
        // A local server usually needs no key; one behind a gateway may take OPENAI_API_KEY.
        const apiKey = env['OPENAI_API_KEY'] || undefined;
        return new OpenAIModel({
          model: parsed.model,
          provider: 'openai-compatible',
          baseURL,
          env,
          ...instructionsOf(options),
          ...(apiKey ? { apiKey } : {}),
        });
      }
      case 'replay':
        return await ReplayModel.fromFile(
          resolve(options.cwd ?? process.cwd(), parsed.path),
          parsed.runId ? { runId: parsed.runId } : {},
        );
    }
  } catch (error) {
    throw translate(error, label);
  }
}

function checked(spec: ModelSpec): ModelSpec {
  const parsed = modelSpecSchema.safeParse(spec);
  if (!parsed.success) {
    throw new ModelSpecError(
      'invalid_model_spec',
      `model spec: ${z.prettifyError(parsed.error).replaceAll('\n', '; ')}`,
    );
  }
  return parsed.data;
}

/** The spec as a user would write it. */
export function describeSpec(spec: ModelSpec): string {
  switch (spec.provider) {
    case 'openai-compatible':
      return `openai-compatible:${spec.model}${spec.baseURL ? `@${spec.baseURL}` : ''}`;
    case 'replay':
      return `replay:${spec.path}${spec.runId ? `#${spec.runId}` : ''}`;
    default:
      return `${spec.provider}:${spec.model}`;
  }
}

function translate(error: unknown, label: string): unknown {
  if (ModelSpecError.isInstance(error)) return error;
  if (AnthropicModelError.isInstance(error) || OpenAIModelError.isInstance(error)) {
    const code = error.code === 'missing_key' ? 'missing_key' : 'invalid_option';
    const variable = /set (\w+)/.exec(error.message)?.[1];
    const message =
      error.code === 'missing_key' && variable
        ? `--model ${label} needs an API key: set ${variable}`
        : `--model ${label}: ${error.message}`;
    return new ModelSpecError(code, message, { cause: error });
  }
  if (HarnessError.isInstance(error)) {
    return new ModelSpecError(
      error.code === 'invalid_option' ? 'invalid_option' : 'invalid_trace',
      `--model ${label}: ${error.message}`,
      { cause: error },
    );
  }
  return error;
}
