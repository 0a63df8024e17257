import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { callHash, createHarness, defineTool, MemorySink, policyApprover } from './index.js';
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

/** One call of a tool that takes any arguments, through the harness: what the tool got, the trace, the model's next request. */
async function runWith(args: Record<string, unknown>, options: { redact?: false } = {}) {
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
  const result = await createHarness({
    model,
    tools: [tool],
    guardrails: { maxSteps: 3, allow: ['configure'] },
    trace: sink,
    ...options,
  }).run('go');
  return { received, result, trace: JSON.stringify(sink.events), seen: JSON.stringify(model.requests[1]) };
}

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
    const { received, trace, seen } = await runWith(args);
    expect(received).toEqual(args);
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
    expect((await runWith(args, { redact: false })).trace).toContain(PASSWORD);
  });
});

// Shapes a name reaches its value by that the first version did not follow: a pair's fields in
// another case (AWS tags, ECS env: Key/Value, Name/Value), a number under a secret's name (a PIN, a
// numeric password as YAML reads it), a list under a secret's name or after a secret-named flag, and
// a secret in a key (a map keyed by connection URLs). Each reached the trace and the model in the clear.
describe('secrets that reach the trace through other shapes of named values', () => {
  const PASSWORD = 'Tr0ub4dor-and-3-horses';
  const PIN = 73915482;
  const URL_KEY = `postgres://app:${PASSWORD}@db.shop:5432/orders`;

  it('are masked in the trace and for the model, and the tool gets the real values', async () => {
    const args = {
      tags: [
        { Key: 'DB_PASSWORD', Value: PASSWORD },
        { Key: 'team', Value: 'payments' },
      ],
      containerEnv: [{ Name: 'API_TOKEN', Value: PASSWORD }],
      pin: { password: PIN },
      passwordHistory: [PASSWORD],
      env: [{ name: 'DB_PASSWORD', value: [PASSWORD] }],
      argv: ['--password', [PASSWORD], '--queue', 'orders'],
      replicas: { [URL_KEY]: 'primary' },
      tokenTTL: 3600,
      port: 5432,
      secretKeyRef: { name: 'db', key: 'password' },
      namespace: 'auth',
    };
    const { received, trace, seen } = await runWith(args);
    expect(received).toEqual(args);
    for (const text of [trace, seen]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(String(PIN));
      // What names a reference, a setting or a plain value stays readable.
      for (const kept of [
        '"payments"',
        '"DB_PASSWORD"',
        '"API_TOKEN"',
        '"orders"',
        '"tokenTTL":3600',
        '"port":5432',
        '"secretKeyRef":{"name":"db","key":"password"}',
        '"namespace":"auth"',
        'postgres://app:<redacted>@db.shop:5432/orders',
        '"primary"',
      ])
        expect(text).toContain(kept);
    }
  });

  it('two keys masked alike stay two keys, and an own "__proto__" key stays a key', async () => {
    const other = `postgres://app:another-Pa55@db.shop:5432/orders`;
    const args = JSON.parse(
      JSON.stringify({ replicas: { [URL_KEY]: 'primary', [other]: 'standby' } }).replace(
        '"replicas"',
        '"__proto__":{"password":"x-y-z-secret"},"replicas"',
      ),
    ) as Record<string, unknown>;
    const { trace } = await runWith(args);
    expect(trace).not.toContain(PASSWORD);
    expect(trace).not.toContain('x-y-z-secret');
    expect(trace).toContain('"primary"');
    expect(trace).toContain('"standby"');
    expect(trace).toContain('"__proto__":{"password":"<redacted>"}');
  });
});

// Arguments from an in-process model adapter can be any object: a getter that throws, or a schema's
// refinement that throws on the model's value, made run() reject instead of ending as a value, with
// no stop event in the trace.
describe('arguments whose reading or validation throws', () => {
  it('the call is refused and the run ends as a value; the trace says what could not be read', async () => {
    const tool = defineTool({
      name: 'configure',
      description: 'configures',
      mutating: false,
      input: z.object({ s: z.string().refine((s) => JSON.parse(s) !== undefined) }).passthrough(),
      execute: () => 'done',
    });
    const hostile = {
      get password(): string {
        throw new Error('boom');
      },
    };
    const sink = new MemorySink();
    const result = await createHarness({
      model: {
        decide: async (req) =>
          req.step === 1
            ? {
                type: 'tool_calls',
                calls: [
                  { tool: 'configure', args: { s: 'Tr0ub4dor-and-3-horses is not JSON' } },
                  { tool: 'configure', args: { s: '1', nested: hostile } },
                ],
              }
            : { type: 'final', answer: 'ok' },
      },
      tools: [tool],
      guardrails: { maxSteps: 3, allow: ['configure'] },
      trace: sink,
    }).run('go');
    expect(result.stoppedReason).toBe('completed');
    const refused = sink.events.filter((e) => e.kind === 'tool_refused');
    expect(refused.map((e) => (e as { reason: string }).reason)).toEqual([
      'invalid_arguments',
      'invalid_arguments',
    ]);
    // The thrown message can quote the value (JSON.parse does): only the error's kind is said.
    expect(JSON.stringify(refused)).not.toContain('Tr0ub4dor');
    expect(JSON.stringify(refused)).toContain('threw SyntaxError');
    expect(JSON.stringify(sink.events)).toContain('"nested":"<unreadable object: Error>"');
  });
});

// The approval_requested event shows the arguments redacted, while argsHash is over the real ones: a
// reader (the no_unapproved_mutation verifier) could not tell the shown arguments were the approved
// ones. The event now carries the hash of the arguments as shown, when the redactor masked any.
describe('an approval request whose arguments were masked', () => {
  const TOKEN = `ghp_${'Q7r8S9t0U1'.repeat(3)}654321`;
  const run = async (value: string) => {
    const tool = defineTool({
      name: 'set_env',
      description: 'sets an env var',
      mutating: true,
      input: z.object({ value: z.string() }),
      execute: () => 'done',
    });
    const sink = new MemorySink();
    await createHarness({
      model: new ScriptedModel([callTool('set_env', { value }), finalAnswer('ok')]),
      tools: [tool],
      guardrails: {
        maxSteps: 3,
        allow: ['set_env'],
        approver: policyApprover({ rules: [{ tool: 'set_env', action: 'allow' }], fallback: 'deny' }),
      },
      trace: sink,
    }).run('go');
    return sink.events.find((e) => e.kind === 'approval_requested') as
      | { args: unknown; argsHash: string; shownArgsHash?: string }
      | undefined;
  };
  it('carries the hash of the arguments as shown', async () => {
    const e = await run(TOKEN);
    expect(JSON.stringify(e?.args)).toContain('<redacted');
    expect(e?.shownArgsHash).toBe(callHash('set_env', e?.args));
    expect(e?.shownArgsHash).not.toBe(e?.argsHash);
  });
  it('has none when nothing was masked', async () => {
    const e = await run('plain');
    expect(e?.shownArgsHash).toBeUndefined();
  });
});
