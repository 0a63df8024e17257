import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HarnessError } from '@sre-harness/core';
import { finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { parseModelSpec } from './model-spec.js';
import { resolveModels } from './models.js';
import { main } from './program.js';
import {
  type BuiltinModelSpec,
  createProviderRegistry,
  defineProvider,
  ModelSpecError,
  PROVIDERS,
  type ProviderCreateOptions,
  parseWith,
} from './providers.js';

function failure(fn: () => unknown): Promise<ModelSpecError> {
  return (async () => {
    try {
      await fn();
    } catch (e) {
      if (ModelSpecError.isInstance(e)) return e;
      throw e;
    }
    throw new Error('expected a ModelSpecError');
  })();
}

/** The help of `sre-eval <args> --help`, in process, with runs of whitespace (line wraps) as one space. */
async function helpOf(args: string[]): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    expect(await main(['node', 'sre-eval', ...args, '--help'])).toBe(0);
  } finally {
    write.mockRestore();
  }
  return out.replace(/\s+/g, ' ');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the provider registry', () => {
  it('lists every provider, with its form and summary, in the --model help of sre-eval run', async () => {
    const help = await helpOf(['run']);
    const model = help.slice(help.indexOf('--model <spec>'), help.indexOf('--persona <name>'));
    expect(PROVIDERS.providers.map((p) => p.name)).toEqual([
      'anthropic',
      'openai',
      'openai-compatible',
      'replay',
    ]);
    for (const p of PROVIDERS.providers) {
      expect(model).toContain(p.forms);
      expect(model).toContain(p.summary.replace(/\s+/g, ' '));
    }
    expect(model).toContain(PROVIDERS.help.replace(/\s+/g, ' '));
  });

  it('lists every registered form when the provider is unknown or missing', async () => {
    for (const text of ['gemini:pro', 'claude']) {
      const e = await failure(() => parseModelSpec(text));
      expect(e.code).toBe('invalid_model_spec');
      for (const p of PROVIDERS.providers) expect(e.message).toContain(p.forms);
      expect(e.message).toContain(`expected ${PROVIDERS.expected}`);
    }
    expect(PROVIDERS.expected).toBe(
      'anthropic:<model>, openai:<model>, openai-compatible:<model>@<baseURL> or replay:<trace.jsonl>[#<runId>]',
    );
    // sre-eval's own "not a model" error lists them too.
    await expect(resolveModels(['claude'])).rejects.toThrow(
      `is not a model; use baseline, personas, persona:<name>, ${PROVIDERS.expected}`,
    );
  });

  it('marks replay runs offline from the registry', async () => {
    const [replay, real] = await resolveModels(['replay:t.jsonl', 'openai:gpt-4.1'], {
      external: () => new ScriptedModel([]),
    });
    expect(replay).toMatchObject({ id: 'replay:t.jsonl', offline: true });
    expect(real).toMatchObject({ id: 'openai:gpt-4.1', offline: false });
  });

  describe('a provider added to a copy of the registry', () => {
    const echoSpec = z.object({
      provider: z.literal('echo'),
      answer: z.string().min(1, 'the answer is empty'),
    });
    type EchoSpec = z.infer<typeof echoSpec>;
    const created: { spec: EchoSpec; options: ProviderCreateOptions }[] = [];
    const echo = defineProvider({
      name: 'echo',
      forms: 'echo:<answer>',
      summary: 'answers with its text, offline',
      offline: true,
      schema: echoSpec,
      parse: (rest) => parseWith(echoSpec, { provider: 'echo', answer: rest }),
      create(spec, _env, options) {
        created.push({ spec, options });
        if (spec.answer === 'broken') throw new HarnessError('invalid_option', 'this answer is broken');
        return new ScriptedModel([finalAnswer(spec.answer)], { name: `echo:${spec.answer}` });
      },
      describe: (spec) => `echo:${spec.answer}`,
    });
    const registry = createProviderRegistry<BuiltinModelSpec | EchoSpec>([...PROVIDERS.providers, echo]);

    it('is parsed, created and described with no other edit', async () => {
      expect(registry.parse(' echo:hello ')).toEqual({ provider: 'echo', answer: 'hello' });
      expect(registry.describe({ provider: 'echo', answer: 'hello' })).toBe('echo:hello');
      const model = await registry.create('echo:hello', {}, { cwd: '/tmp/x', instructions: 'be brief' });
      expect(model).toBeInstanceOf(ScriptedModel);
      expect(model.name).toBe('echo:hello');
      expect(created.at(-1)).toEqual({
        spec: { provider: 'echo', answer: 'hello' },
        options: { cwd: '/tmp/x', instructions: 'be brief', label: 'echo:hello' },
      });
      const fromObject = await registry.create({ provider: 'echo', answer: 'hi' });
      expect(fromObject.name).toBe('echo:hi');
      expect(created.at(-1)?.options).toEqual({ cwd: process.cwd(), label: 'echo:hi' });
      // The built-in providers still work in the copy.
      expect(registry.parse('anthropic:claude-haiku-4-5')).toEqual({
        provider: 'anthropic',
        model: 'claude-haiku-4-5',
      });
    });

    it('joins the help and the expected forms, and gives its errors the usual shape', async () => {
      expect(registry.expected).toBe(
        'anthropic:<model>, openai:<model>, openai-compatible:<model>@<baseURL>, replay:<trace.jsonl>[#<runId>] or echo:<answer>',
      );
      expect(registry.help).toContain('echo:<answer> (answers with its text, offline)');
      expect(registry.get('echo')?.offline).toBe(true);
      expect(registry.providerOf('echo:x')).toBe(echo);

      const unknown = await failure(() => registry.parse('gemini:pro'));
      expect(unknown.message).toBe(
        `--model "gemini:pro": unknown provider "gemini"; expected ${registry.expected}`,
      );
      const empty = await failure(() => registry.parse('echo:'));
      expect(empty.message).toBe('--model "echo:": answer: the answer is empty');
      const badObject = await failure(() => registry.create({ provider: 'echo', answer: '' }));
      expect(badObject.code).toBe('invalid_model_spec');
      expect(badObject.message).toMatch(/^model spec: .*the answer is empty/);
      const unregistered = await failure(() =>
        registry.describe({ provider: 'gemini' } as unknown as EchoSpec),
      );
      expect(unregistered.message).toBe(
        `model spec: unknown provider "gemini"; expected ${registry.expected}`,
      );
      const broken = await failure(() => registry.create('echo:broken'));
      expect(broken.code).toBe('invalid_option');
      expect(broken.message).toBe('--model echo:broken: this answer is broken');
      expect(broken.cause).toBeInstanceOf(HarnessError);

      // The registry the CLI uses is untouched.
      const e = await failure(() => parseModelSpec('echo:hello'));
      expect(e.message).toMatch(/unknown provider "echo"/);
    });
  });

  it('refuses a bad name, a name given twice, or forms that do not start with the name', () => {
    const [anthropic] = PROVIDERS.providers;
    if (!anthropic) throw new Error('no providers');
    expect(() => createProviderRegistry([anthropic, anthropic])).toThrow(/registered twice/);
    expect(() => createProviderRegistry([{ ...anthropic, name: 'Bad Name' as 'anthropic' }])).toThrow(
      /must match/,
    );
    expect(() => createProviderRegistry([{ ...anthropic, forms: 'claude:<model>' }])).toThrow(
      /must start with "anthropic:"/,
    );
  });

  it('imports no model adapter or SDK for the help (offline runs load the same modules)', () => {
    // A resolve hook registered after tsx's sees every import the CLI makes.
    const dir = mkdtempSync(join(tmpdir(), 'providers-'));
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `export async function resolve(specifier, context, next) {
  if (/model-anthropic|model-openai|@anthropic-ai\\/sdk|^openai$/.test(specifier)) process.stderr.write('ADAPTER ' + specifier + '\\n');
  return next(specifier, context);
}\n`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
    );
    const pkg = fileURLToPath(new URL('..', import.meta.url));
    const out = spawnSync(
      process.execPath,
      [
        '--conditions=@sre-harness/source',
        '--import',
        'tsx',
        '--import',
        pathToFileURL(join(dir, 'register.mjs')).href,
        'src/cli.ts',
        'run',
        '--help',
      ],
      { cwd: pkg, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 },
    );
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('--model <spec>');
    expect(out.stderr).not.toContain('ADAPTER');
  }, 120_000);
});
