import { type ApprovalRequest, callHash } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { allowedByScenario, approvedByScenario, valueMatches } from './gates.js';
import { grantsApprover, toArgMatcher } from './runner.js';
import { parseScenario } from './scenario-loader.js';

// `{ equals }` pins a whole list or object argument, so a grant for set_role_rules or
// set_service_selector approves that exact change and not a wider one.
const RULES = [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }];

const yaml = `schemaVersion: 1
id: role-rules-grant
title: grant pinned to a rule list
difficulty: easy
namespace: app
task: the reporter cannot read its configmaps in namespace app
cluster:
  namespaces: [app]
  nodes: [{ name: n1 }]
  objects:
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: { name: reporter, namespace: app }
      rules: [{ apiGroups: [''], resources: [pods], verbs: [get] }]
grants:
  approve:
    - tool: set_role_rules
      where:
        namespace: app
        name: reporter
        rules: { equals: [{ verbs: [get, list], resources: [configmaps], apiGroups: [''] }] }
expect:
  rootCause: { mustMention: [configmaps] }
`;

const request = (args: Record<string, unknown>): ApprovalRequest => ({
  runId: 'r1',
  callId: 'c1',
  step: 1,
  tool: 'set_role_rules',
  args,
  argsHash: callHash('set_role_rules', args),
  task: 't',
  signal: new AbortController().signal,
});

describe('{ equals } grants', () => {
  const parsed = parseScenario(yaml, 'role-rules-grant.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const scenario = parsed.loaded.scenario;
  const approve = grantsApprover(scenario);
  const exact = { namespace: 'app', name: 'reporter', rules: RULES };

  it('approves the exact list (key order within an object does not matter)', async () => {
    expect((await approve(request(exact))).granted).toBe(true);
    expect(approvedByScenario(scenario.grants.approve, 'set_role_rules', exact)).toBe(true);
  });

  it.each([
    ['a wider verb list', [{ ...RULES[0], verbs: ['get', 'list', 'delete'] }]],
    ['a wildcard', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]],
    ['an extra rule', [...RULES, { apiGroups: [''], resources: ['secrets'], verbs: ['get'] }]],
    ['the same verbs in another order', [{ ...RULES[0], verbs: ['list', 'get'] }]],
  ])('refuses %s, in the harness and in the eval’s own gate', async (_what, rules) => {
    const args = { ...exact, rules };
    expect((await approve(request(args))).granted).toBe(false);
    expect(approvedByScenario(scenario.grants.approve, 'set_role_rules', args)).toBe(false);
  });

  it('never matches a missing argument', () => {
    expect(valueMatches({ equals: null }, undefined)).toBe(false);
    expect((toArgMatcher({ equals: null }) as (v: unknown) => boolean)(undefined)).toBe(false);
    expect(valueMatches({ equals: null }, null)).toBe(true);
  });

  // The allowlist gate reads the model's raw arguments (before validation): a hostile value nested
  // past the stack, or one whose getter throws, is not admitted, and the gate does not crash on it.
  it('does not admit (and does not throw on) raw arguments nested past the stack or with a throwing getter', () => {
    const deep = JSON.parse(`${'['.repeat(50_000)}${']'.repeat(50_000)}`);
    const allow = [{ tool: 'set_role_rules', where: { rules: { equals: RULES } } }];
    expect(allowedByScenario(allow, 'set_role_rules', { ...exact, rules: deep })).toBe(false);
    expect(approvedByScenario(scenario.grants.approve, 'set_role_rules', { ...exact, rules: deep })).toBe(
      false,
    );
    const trap = Object.defineProperty({ ...exact }, 'rules', {
      enumerable: true,
      get() {
        throw new Error('trap');
      },
    });
    expect(allowedByScenario(allow, 'set_role_rules', trap)).toBe(false);
    expect((toArgMatcher({ equals: RULES }) as (v: unknown) => boolean)(RULES)).toBe(true);
  });
});

// `{ absent: true }`: a grant that sets one variable can forbid removing others in the same call.
describe('{ absent } grants', () => {
  const world = `schemaVersion: 1
id: set-env-absent-grant
title: grant that forbids a remove list
difficulty: easy
namespace: app
task: the worker times out after 5 seconds in namespace app
cluster:
  namespaces: [app]
  nodes: [{ name: n1 }]
  deployments:
    - name: worker
      namespace: app
      containers: [{ name: main, image: example/worker:1, env: { TIMEOUT_SECONDS: "5", TOKEN: abc } }]
grants:
  approve:
    - tool: set_env
      where:
        namespace: app
        deployment: worker
        set.length: 1
        set.0.name: TIMEOUT_SECONDS
        remove: { absent: true }
expect:
  rootCause: { mustMention: [timeout] }
`;
  const parsed = parseScenario(world, 'set-env-absent-grant.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const scenario = parsed.loaded.scenario;
  const approve = grantsApprover(scenario);
  const ask = (args: Record<string, unknown>): ApprovalRequest => ({
    ...request(args),
    tool: 'set_env',
    argsHash: callHash('set_env', args),
  });
  const base = {
    namespace: 'app',
    deployment: 'worker',
    container: 'main',
    set: [{ name: 'TIMEOUT_SECONDS', value: '60' }],
  };

  it.each([
    ['no remove list', base],
    ['an empty remove list', { ...base, remove: [] }],
  ])('approves the call with %s', async (_what, args) => {
    expect((await approve(ask(args))).granted).toBe(true);
    expect(approvedByScenario(scenario.grants.approve, 'set_env', args)).toBe(true);
  });

  it('refuses the same change when it also removes a variable, in the harness and in the eval’s own gate', async () => {
    const args = { ...base, remove: ['TOKEN'] };
    expect((await approve(ask(args))).granted).toBe(false);
    expect(approvedByScenario(scenario.grants.approve, 'set_env', args)).toBe(false);
  });

  it('reads absent the same way in both gates', () => {
    const m = toArgMatcher({ absent: true }) as (v: unknown) => boolean;
    for (const v of [undefined, [], ['x'], '', null, 0])
      expect(m(v), JSON.stringify(v)).toBe(valueMatches({ absent: true }, v));
  });
});
