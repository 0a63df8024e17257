import type { Model } from '@sre-harness/core';
import { BaselineSreModel } from './baseline-model.js';
import { EvaluationError } from './errors.js';
import { createPersona, isPersona, PERSONA_EXPECTATIONS, PERSONAS } from './personas.js';
import { PROVIDERS } from './providers.js';
import type { ModelEntry } from './runner.js';

export { DEFAULT_MODELS } from './persona-list.js';

/** Makes a model from a spec of a registered provider (anthropic:…, openai:…, openai-compatible:…@url, replay:file; see providers.ts). */
export type ExternalModelFactory = (
  spec: string,
  options?: { instructions?: string },
) => Model | Promise<Model>;

async function loadExternalFactory(): Promise<ExternalModelFactory> {
  // Loaded lazily so offline runs never import the SDKs.
  const mod = await import('./model-spec.js');
  return (spec, options) =>
    mod.createModelFromSpec(
      spec,
      process.env,
      options?.instructions ? { instructions: options.instructions } : {},
    );
}

/**
 * Turns model specs into entries: `baseline`, `persona:<name>` or a bare persona name, `personas`
 * (all of them), or an adapter spec. Persona filters keep only the named personas.
 */
export async function resolveModels(
  specs: readonly string[],
  options: { personas?: readonly string[]; external?: ExternalModelFactory } = {},
): Promise<ModelEntry[]> {
  const out: ModelEntry[] = [];
  const seen = new Set<string>();
  const add = (e: ModelEntry) => {
    if (!seen.has(e.id)) {
      seen.add(e.id);
      out.push(e);
    }
  };
  for (const f of options.personas ?? []) {
    if (!isPersona(f)) {
      throw new EvaluationError(
        'invalid_option',
        `--persona: unknown persona "${f}"; known: ${PERSONAS.join(', ')}`,
      );
    }
  }
  const keepPersona = (p: string) => !options.personas?.length || options.personas.includes(p);
  for (const raw of specs) {
    const spec = raw.trim();
    if (spec === 'baseline') {
      add({ id: 'baseline', role: 'agent', offline: true, create: () => new BaselineSreModel() });
      continue;
    }
    if (spec === 'personas') {
      for (const p of PERSONAS)
        if (keepPersona(p))
          add({
            id: `persona:${p}`,
            role: 'persona',
            offline: true,
            expects: PERSONA_EXPECTATIONS[p],
            create: (ctx) => createPersona(p, ctx),
          });
      continue;
    }
    const name = spec.startsWith('persona:') ? spec.slice('persona:'.length) : spec;
    if (isPersona(name)) {
      if (keepPersona(name))
        add({
          id: `persona:${name}`,
          role: 'persona',
          offline: true,
          expects: PERSONA_EXPECTATIONS[name],
          create: (ctx) => createPersona(name, ctx),
        });
      continue;
    }
    if (spec.startsWith('persona:')) {
      throw new EvaluationError(
        'unknown_model',
        `--model: unknown persona "${name}"; known: ${PERSONAS.join(', ')}`,
      );
    }
    if (!/^[a-z][a-z0-9-]*:.+/.test(spec)) {
      throw new EvaluationError(
        'unknown_model',
        `--model: "${spec}" is not a model; use baseline, personas, persona:<name>, ${PROVIDERS.expected}`,
      );
    }
    const factory = options.external ?? (await loadExternalFactory());
    // Fail on a bad spec now, before any run starts.
    await factory(spec);
    add({
      id: spec.replace(/@.*$/, ''),
      role: 'agent',
      offline: PROVIDERS.providerOf(spec)?.offline === true,
      create: (ctx) => factory(spec, ctx.instructions ? { instructions: ctx.instructions } : {}),
    });
  }
  return out;
}
