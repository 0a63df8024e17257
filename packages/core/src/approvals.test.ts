import { describe, expect, it } from 'vitest';
import {
  Allowlist,
  type ApprovalRequest,
  allowExactCalls,
  callbackApprover,
  callHash,
  canonicalJson,
  denyAll,
  policyApprover,
} from './index.js';

function req(tool: string, args: unknown): ApprovalRequest {
  return {
    runId: 'r',
    callId: 'c1',
    step: 1,
    tool,
    args,
    argsHash: callHash(tool, args),
    task: 't',
    signal: new AbortController().signal,
  };
}

describe('canonical arguments', () => {
  it('is independent of key order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(callHash('t', { a: 1, b: 2 })).toBe(callHash('t', { b: 2, a: 1 }));
    expect(callHash('t', { a: 1 })).not.toBe(callHash('u', { a: 1 }));
    expect(callHash('t', { a: 1 })).not.toBe(callHash('t', { a: '1' }));
  });
});

describe('approvers', () => {
  it('deny-all denies', async () => {
    expect((await denyAll()(req('x', {}))).granted).toBe(false);
  });

  it('exact-call list approves only the exact arguments', async () => {
    const a = allowExactCalls([{ tool: 'restart_pod', args: { namespace: 'shop', name: 'p1' } }]);
    expect((await a(req('restart_pod', { name: 'p1', namespace: 'shop' }))).granted).toBe(true);
    expect((await a(req('restart_pod', { name: 'p2', namespace: 'shop' }))).granted).toBe(false);
    expect((await a(req('scale', { name: 'p1', namespace: 'shop' }))).granted).toBe(false);
  });

  it('callback approver records who decided', async () => {
    const a = callbackApprover((r) => r.tool === 'ok', 'alice');
    expect(await a(req('ok', {}))).toEqual({ granted: true, by: 'alice' });
    expect(await a(req('no', {}))).toEqual({ granted: false, by: 'alice' });
  });

  it('policy: first matching rule decides, ask delegates, no match denies', async () => {
    const asked: string[] = [];
    const p = policyApprover({
      rules: [
        { tool: '*', where: { namespace: 'kube-system' }, action: 'deny', reason: 'never touch kube-system' },
        {
          tool: 'scale_deployment',
          where: { replicas: (v) => typeof v === 'number' && v <= 5 },
          action: 'allow',
        },
        { tool: 'restart_pod', action: 'ask' },
      ],
      ask: async (r) => {
        asked.push(r.tool);
        return { granted: true, by: 'oncall' };
      },
    });
    expect(await p(req('scale_deployment', { namespace: 'kube-system', replicas: 1 }))).toMatchObject({
      granted: false,
      reason: 'never touch kube-system',
    });
    expect((await p(req('scale_deployment', { namespace: 'shop', replicas: 3 }))).granted).toBe(true);
    expect((await p(req('scale_deployment', { namespace: 'shop', replicas: 50 }))).granted).toBe(false);
    expect(await p(req('restart_pod', { namespace: 'shop' }))).toEqual({ granted: true, by: 'oncall' });
    expect(asked).toEqual(['restart_pod']);
    expect((await p(req('rollback', {}))).granted).toBe(false);
  });

  it('policy without an ask approver denies ask rules', async () => {
    const p = policyApprover({ rules: [{ tool: 'x', action: 'ask' }] });
    expect((await p(req('x', {}))).granted).toBe(false);
  });
});

describe('allowlist', () => {
  const list = new Allowlist([
    'list_pods',
    { tool: 'get_logs', where: { namespace: ['shop', 'payments'] } },
    { tool: 'get_logs', where: { namespace: /^team-/ } },
  ]);

  it('denies by default and allows listed tools', () => {
    expect(list.check('list_pods', {}).allowed).toBe(true);
    expect(list.check('restart_pod', {})).toEqual({
      allowed: false,
      reason: 'tool "restart_pod" is not in the allowlist',
    });
  });

  it('constrains by argument values, any rule sufficing', () => {
    expect(list.check('get_logs', { namespace: 'shop' }).allowed).toBe(true);
    expect(list.check('get_logs', { namespace: 'team-a' }).allowed).toBe(true);
    const denied = list.check('get_logs', { namespace: 'kube-system' });
    expect(denied.allowed).toBe(false);
    expect(!denied.allowed && denied.reason).toContain('namespace="kube-system"');
  });

  it('rejects malformed rules with the index', () => {
    expect(() => new Allowlist([{ tool: '' }])).toThrow(/guardrails.allow\[0\]/);
  });
});
