import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, defineTool, JsonlFileSink, type Model, ReplayModel } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { AnthropicModel } from '@sre-harness/model-anthropic';
import { OpenAIModel } from '@sre-harness/model-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createModelFromSpec,
  describeSpec,
  type ModelSpec,
  ModelSpecError,
  parseModelSpec,
} from './model-spec.js';

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<ModelSpecError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    if (ModelSpecError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a ModelSpecError');
}

describe('parseModelSpec', () => {
  it('parses each provider form', () => {
    expect(parseModelSpec('anthropic:claude-haiku-4-5')).toEqual({
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
    });
    expect(parseModelSpec(' openai:gpt-4.1 ')).toEqual({ provider: 'openai', model: 'gpt-4.1' });
    expect(parseModelSpec('openai-compatible:qwen3:8b@http://127.0.0.1:11434/v1')).toEqual({
      provider: 'openai-compatible',
      model: 'qwen3:8b',
      baseURL: 'http://127.0.0.1:11434/v1',
    });
    expect(parseModelSpec('openai-compatible:llama')).toEqual({
      provider: 'openai-compatible',
      model: 'llama',
    });
    expect(parseModelSpec('replay:runs/incident.jsonl')).toEqual({
      provider: 'replay',
      path: 'runs/incident.jsonl',
    });
    expect(parseModelSpec('replay:runs/incident.jsonl#run-7')).toEqual({
      provider: 'replay',
      path: 'runs/incident.jsonl',
      runId: 'run-7',
    });
  });

  it('round-trips through describeSpec', () => {
    for (const text of [
      'anthropic:claude-haiku-4-5',
      'openai-compatible:qwen3:8b@http://127.0.0.1:11434/v1',
      'replay:a.jsonl#r1',
    ]) {
      expect(describeSpec(parseModelSpec(text))).toBe(text);
    }
  });

  it('rejects bad specs with one clear line', async () => {
    const cases: [string, RegExp][] = [
      ['claude', /expected anthropic:<model>, openai:<model>/],
      ['gemini:pro', /unknown provider "gemini"/],
      ['anthropic:', /model: the model name is empty/],
      ['openai:gpt 4', /the model name has spaces/],
      ['openai-compatible:m@http//nope', /baseURL: not a URL/],
      ['openai-compatible:m@ftp://host/v1', /must start with http:\/\/ or https:\/\//],
      ['openai-compatible:m@https://', /baseURL: not a URL/],
      ['replay:', /path: the trace path is empty/],
    ];
    for (const [text, pattern] of cases) {
      const e = await failure(() => parseModelSpec(text));
      expect(e.code).toBe('invalid_model_spec');
      expect(e.message).toMatch(pattern);
      expect(e.message).not.toMatch(/\n/);
    }
  });
});

describe('createModelFromSpec', () => {
  it('makes the adapter each spec names, with keys from the environment given', async () => {
    const a = await createModelFromSpec('anthropic:claude-haiku-4-5', { ANTHROPIC_API_KEY: 'k' });
    expect(a).toBeInstanceOf(AnthropicModel);
    expect(a.name).toBe('anthropic:claude-haiku-4-5');
    const o = await createModelFromSpec('openai:gpt-4.1', { OPENAI_API_KEY: 'k' });
    expect(o).toBeInstanceOf(OpenAIModel);
    expect(o.name).toBe('openai:gpt-4.1');
    const c = await createModelFromSpec('openai-compatible:qwen3:8b@http://127.0.0.1:1/v1', {});
    expect(c.name).toBe('openai-compatible:qwen3:8b');
  });

  it('names the variable to set when a key is missing, in one line', async () => {
    const a = await failure(createModelFromSpec('anthropic:claude-haiku-4-5', {}));
    expect(a.code).toBe('missing_key');
    expect(a.message).toBe('--model anthropic:claude-haiku-4-5 needs an API key: set ANTHROPIC_API_KEY');
    const o = await failure(createModelFromSpec('openai:gpt-4.1', { ANTHROPIC_API_KEY: 'k' }));
    expect(o.message).toBe('--model openai:gpt-4.1 needs an API key: set OPENAI_API_KEY');
  });

  it('takes a spec object, checked against its provider', async () => {
    const o = await createModelFromSpec({ provider: 'openai', model: 'gpt-4.1' }, { OPENAI_API_KEY: 'k' });
    expect(o.name).toBe('openai:gpt-4.1');
    const empty = await failure(createModelFromSpec({ provider: 'anthropic', model: '' }, {}));
    expect(empty.code).toBe('invalid_model_spec');
    expect(empty.message).toMatch(/^model spec: .*the model name is empty/);
    expect(empty.message).not.toMatch(/\n/);
    const unknown = await failure(
      createModelFromSpec({ provider: 'gemini', model: 'pro' } as unknown as ModelSpec, {}),
    );
    expect(unknown.message).toMatch(/^model spec: unknown provider "gemini"; expected anthropic:<model>/);
  });

  it('needs a base URL for an openai-compatible server, from the spec or OPENAI_BASE_URL', async () => {
    const e = await failure(createModelFromSpec('openai-compatible:llama', {}));
    expect(e.message).toMatch(/set OPENAI_BASE_URL/);
    const m = await createModelFromSpec('openai-compatible:llama', {
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
    });
    expect(m.name).toBe('openai-compatible:llama');
  });

  it('replays a recorded trace, picking a run by #runId', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'model-spec-'));
    const path = join(dir, 'runs.jsonl');
    const sink = new JsonlFileSink(path);
    const tool = defineTool({
      name: 'list_pods',
      description: 'List pods',
      input: z.object({ namespace: z.string() }),
      mutating: false,
      execute: () => 'web-1 Running',
    });
    const recorder = createHarness({
      model: new ScriptedModel([
        callTool('list_pods', { namespace: 'a' }),
        finalAnswer('A'),
        finalAnswer('B'),
      ]),
      tools: [tool],
      guardrails: { maxSteps: 4, allow: ['list_pods'] },
      trace: sink,
    });
    await recorder.run('first', { runId: 'r1' });
    await recorder.run('second', { runId: 'r2' });
    sink.close();

    const several = await failure(createModelFromSpec('replay:runs.jsonl', {}, { cwd: dir }));
    expect(several.code).toBe('invalid_option');
    expect(several.message).toMatch(/holds 2 runs \(r1, r2\); pass runId/);
    const model: Model = await createModelFromSpec('replay:runs.jsonl#r1', {}, { cwd: dir });
    expect(model).toBeInstanceOf(ReplayModel);
    const replay = createHarness({ model, tools: [tool], guardrails: { maxSteps: 4, allow: ['list_pods'] } });
    const result = await replay.run('first');
    expect(result.answer).toBe('A');
    expect(result.steps).toBe(2);

    const missing = await failure(createModelFromSpec('replay:nope.jsonl', {}, { cwd: dir }));
    expect(missing.code).toBe('invalid_trace');
    expect(missing.message).toMatch(/cannot read trace file .*nope\.jsonl/);
  });
});

describe('base URL overrides reach the wire', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'claude-haiku-4-5',
            content: [{ type: 'text', text: 'fine', citations: null }],
            stop_reason: 'end_turn',
            stop_sequence: null,
            usage: { input_tokens: 1, output_tokens: 1 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends anthropic requests to ANTHROPIC_BASE_URL', async () => {
    const model = await createModelFromSpec('anthropic:claude-haiku-4-5', {
      ANTHROPIC_API_KEY: 'k',
      ANTHROPIC_BASE_URL: url,
    });
    const d = await model.decide({
      task: 't',
      context: 'Task: t',
      transcript: [{ role: 'user', parts: [{ type: 'text', source: 'task', text: 'Task: t' }] }],
      tools: [],
      step: 1,
      maxSteps: 1,
      runId: 'r',
      signal: new AbortController().signal,
    });
    expect(d).toMatchObject({ type: 'final', answer: 'fine' });
    expect(seen).toEqual(['POST /v1/messages']);
  });
});
