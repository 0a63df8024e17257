import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHarness, defineTool, MemorySink, policyApprover } from './index.js';
import { callTool, finalAnswer, ScriptedModel } from './testing/index.js';

// A tool's observation carries the call's arguments back to the model; they were not redacted there
// while the model's own turn and the trace were, so a token the model put in an argument came back
// to it (and to its memory) in the clear.
describe('the arguments in a tool observation are redacted', () => {
  const TOKEN = `ghp_${'Q7r8S9t0U1'.repeat(3)}654321`;
  for (const approve of [true, false]) {
    it(approve ? 'after the tool ran' : 'after the call was refused', async () => {
      const tool = defineTool({
        name: 'set_env',
        description: 'sets an env var',
        mutating: true,
        input: z.object({ value: z.string() }),
        execute: () => 'done',
      });
      const model = new ScriptedModel([callTool('set_env', { value: TOKEN }), finalAnswer('ok')]);
      const sink = new MemorySink();
      await createHarness({
        model,
        tools: [tool],
        guardrails: {
          maxSteps: 3,
          allow: ['set_env'],
          approver: policyApprover({
            rules: [{ tool: 'set_env', action: approve ? 'allow' : 'deny' }],
            fallback: 'deny',
          }),
        },
        trace: sink,
      }).run('go');
      expect(model.requests).toHaveLength(2);
      expect(JSON.stringify(model.requests[1])).not.toContain(TOKEN);
      expect(JSON.stringify(sink.events)).not.toContain(TOKEN);
    });
  }
});

// A value that is a secret only by what names it (a `password` key, an env var `DB_PASSWORD` in a
// { name, value } pair, the argument after `--token`) has no format the redactor could know it by on
// its own; every structured value the harness keeps or shows is read with its name.
describe('values named as secrets in structured arguments are redacted', () => {
  const PASSWORD = 'Tr0ub4dor-and-3-horses';
  const args = {
    password: PASSWORD,
    env: [
      { name: 'DB_PASSWORD', value: PASSWORD },
      { name: 'LOG_LEVEL', value: 'debug' },
    ],
    headers: [{ key: 'X-Api-Key', value: PASSWORD }],
    argv: ['--token', PASSWORD, '--queue', 'orders'],
    secretName: 'db-creds',
    note: 'namespace shop',
  };

  it('in the trace, the model’s next request and the observation; the tool gets the real values', async () => {
    let received: unknown;
    const tool = defineTool({
      name: 'configure',
      description: 'configures',
      mutating: false,
      input: z.object({}).passthrough(),
      execute: (a) => {
        received = a;
        return 'done';
      },
    });
    const model = new ScriptedModel([callTool('configure', args), finalAnswer('ok')]);
    const sink = new MemorySink();
    await createHarness({
      model,
      tools: [tool],
      guardrails: { maxSteps: 3, allow: ['configure'] },
      trace: sink,
    }).run('go');
    expect(received).toEqual(args);
    const trace = JSON.stringify(sink.events);
    const seen = JSON.stringify(model.requests[1]);
    for (const text of [trace, seen]) {
      expect(text).not.toContain(PASSWORD);
      // What names a reference, a setting or a plain value stays readable.
      for (const kept of [
        '"debug"',
        '"orders"',
        '"db-creds"',
        '"namespace shop"',
        '"DB_PASSWORD"',
        '"--token"',
      ])
        expect(text).toContain(kept);
    }
  });

  it('with redaction turned off nothing is masked (one rule, the redactor’s)', async () => {
    const tool = defineTool({
      name: 'configure',
      description: 'configures',
      mutating: false,
      input: z.object({}).passthrough(),
      execute: () => 'done',
    });
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([callTool('configure', args), finalAnswer('ok')]),
      tools: [tool],
      guardrails: { maxSteps: 3, allow: ['configure'] },
      trace: sink,
      redact: false,
    }).run('go');
    expect(JSON.stringify(sink.events)).toContain(PASSWORD);
  });
});
