import type { Model } from '@sre-harness/core';
import { z } from 'zod';
import { type BuiltinModelSpec, type CreateModelOptions, PROVIDERS, type ProviderEnv } from './providers.js';

// The spec functions are generated from the provider registry (providers.ts): to add a provider,
// add its entry there. Nothing here or there imports a model adapter until a model is created.

export {
  type CreateModelOptions,
  createProviderRegistry,
  defineProvider,
  ModelSpecError,
  type ModelSpecErrorCode,
  PROVIDERS,
  type Provider,
  type ProviderRegistry,
} from './providers.js';

/** A parsed `--model` spec: one of the registered providers' specs, told apart by `provider`. */
export type ModelSpec = BuiltinModelSpec;

/** Checks a `--model` spec object: any registered provider's schema. */
export const modelSpecSchema: z.ZodType<ModelSpec> = z.union(
  PROVIDERS.providers.map((p) => p.schema) as [z.ZodType<ModelSpec>, ...z.ZodType<ModelSpec>[]],
);

/**
 * Parses `<provider>:<rest>` with the registered provider: `anthropic:<model>`, `openai:<model>`,
 * `openai-compatible:<model>@<baseURL>` (the URL may come from OPENAI_BASE_URL instead) and
 * `replay:<trace.jsonl>` with an optional `#<runId>`. Throws a one-line `ModelSpecError`
 * `invalid_model_spec`: no provider or an unknown one (the message lists every registered form),
 * or `--model "<text>": <field>: <reason>` when the provider rejects the rest.
 */
export function parseModelSpec(text: string): ModelSpec {
  return PROVIDERS.parse(text);
}

/**
 * Makes the model a spec names. Keys and base URLs come from `env` (ANTHROPIC_API_KEY,
 * ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL); a missing key is a `ModelSpecError`
 * `missing_key` whose one-line message names the variable to set; a bad spec `invalid_model_spec`;
 * an unreadable or ambiguous trace `invalid_trace` or `invalid_option`.
 */
export function createModelFromSpec(
  spec: string | ModelSpec,
  env: ProviderEnv = process.env,
  options: CreateModelOptions = {},
): Promise<Model> {
  return PROVIDERS.create(spec, env, options);
}

/** The spec as a user would write it (`parseModelSpec` gives it back). */
export function describeSpec(spec: ModelSpec): string {
  return PROVIDERS.describe(spec);
}
