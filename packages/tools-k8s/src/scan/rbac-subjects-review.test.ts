// Attacker's review of rbac-subjects (held-out set 91's review, with packages/eval/src/analyzers/
// held-out-91-review.test.ts), by a helper who did not write it: 10 tests, 5 of them bugs it found (each marked
// `// Found in review, fixed:`), the rest behaviour that held.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import { NS, pod, running } from './__fixtures__/build.js';
import { factsFrom } from './facts.js';
import { analyze } from './index.js';
import { rbacSubjectsAnalyzer } from './rbac-subjects.js';

const binding = (
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  subjects: unknown,
  namespace?: string,
): KubeObject =>
  ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'agent-reader' },
    subjects,
  }) as unknown as KubeObject;

const up = { phase: 'Running', containerStatuses: [running()] };
const agent = (sa = 'grafana-agent', extra: Record<string, unknown> = {}) =>
  pod('grafana-agent-6b8c7d9f5-w4hzt', { serviceAccountName: sa, ...extra }, up);
const stale = binding('ClusterRoleBinding', 'grafana-agent', [
  { kind: 'ServiceAccount', name: 'grafana-agent', namespace: 'observability' },
]);
const found = (objects: KubeObject[], read = ['Pod', 'ClusterRoleBinding', 'RoleBinding']) =>
  analyze(factsFrom(objects, { read }), [rbacSubjectsAnalyzer]);

describe('rbac-subjects', () => {
  it('a RoleBinding elsewhere whose subject omits the namespace names its own namespace', () => {
    const [f] = found([
      agent(),
      binding('RoleBinding', 'agent', [{ kind: 'ServiceAccount', name: 'grafana-agent' }], 'observability'),
    ]);
    expect(f?.reason).toBe('BindingNamesOtherNamespace');
    expect(f?.message).toContain('in namespace observability');
  });

  it('a ClusterRoleBinding subject without a namespace (invalid) is not read as another namespace', () => {
    expect(
      found([
        agent(),
        binding('ClusterRoleBinding', 'x', [{ kind: 'ServiceAccount', name: 'grafana-agent' }]),
      ]),
    ).toEqual([]);
  });

  it('one finding per ServiceAccount, however many pods use it', () => {
    const more = [1, 2, 3, 4].map((i) =>
      pod(`grafana-agent-6b8c7d9f5-x${i}hzt`, { serviceAccountName: 'grafana-agent' }, up),
    );
    const out = found([agent(), ...more, stale]);
    expect(out).toHaveLength(1);
    expect(out[0]?.message.match(/grafana-agent-6b8c7d9f5-/g)?.length).toBe(3);
  });

  // Found in review, fixed: a ServiceAccount bound through its group (`system:serviceaccounts:<ns>` or `system:serviceaccounts`) is reported as bound by nothing; a Group subject naming its namespace's (or every) ServiceAccount group should count as a binding.
  it('an account bound through the group system:serviceaccounts:<ns> is no finding', () => {
    expect(
      found([
        agent(),
        stale,
        binding('ClusterRoleBinding', 'ns-readers', [
          { kind: 'Group', name: `system:serviceaccounts:${NS}`, apiGroup: 'rbac.authorization.k8s.io' },
        ]),
      ]),
    ).toEqual([]);
  });

  // Found in review, fixed: with only ClusterRoleBindings read, the namespace's RoleBindings (which may bind the account) are unknown, yet the account is reported as bound by no RoleBinding; both kinds should be read before saying so.
  it('says nothing when the RoleBindings were not read', () => {
    expect(found([agent(), stale], ['Pod', 'ClusterRoleBinding'])).toEqual([]);
  });

  // Found in review, fixed: when the stale binding is a RoleBinding in the old namespace, the fix adds this namespace's account to it, which grants the role only in the old namespace; the fix should be a RoleBinding in the pod's namespace.
  it("a stale RoleBinding in the old namespace gets a fix in the pod's namespace", () => {
    const [f] = found([
      agent(),
      binding(
        'RoleBinding',
        'agent',
        [{ kind: 'ServiceAccount', name: 'grafana-agent', namespace: 'observability' }],
        'observability',
      ),
    ]);
    expect(f?.fix).not.toMatch(
      /^add ServiceAccount grafana-agent in namespace \S+ to the subjects of RoleBinding/,
    );
  });

  // Found in review, fixed: a pod that mounts no API token (automountServiceAccountToken: false) makes no API calls, yet is reported as having every call forbidden; such a pod should be left out.
  it('a pod without an API token is no finding', () => {
    expect(found([agent('grafana-agent', { automountServiceAccountToken: false }), stale])).toEqual([]);
  });

  // Found in review, fixed: a malformed binding whose subjects is an object rather than a list throws, and the whole analyzer fails (AnalyzerFailed); a non-list subjects should be skipped.
  it('a binding with malformed subjects is skipped, the others still read', () => {
    const out = found([agent(), binding('ClusterRoleBinding', 'bad', { kind: 'ServiceAccount' }), stale]);
    expect(out.map((f) => f.reason)).toEqual(['BindingNamesOtherNamespace']);
  });

  it('null subjects and subjects with missing fields do not throw', () => {
    const out = found([
      agent(),
      binding('ClusterRoleBinding', 'nulls', [null, {}, { kind: 'ServiceAccount' }]),
      binding('ClusterRoleBinding', 'none', null),
      stale,
    ]);
    expect(out.map((f) => f.reason)).toEqual(['BindingNamesOtherNamespace']);
  });

  it('a hostile binding name is quoted bounded in the message', () => {
    const long = `x${'\n'.repeat(50)}${'a'.repeat(5000)}`;
    const [f] = found([
      agent(),
      binding('ClusterRoleBinding', long, [
        { kind: 'ServiceAccount', name: 'grafana-agent', namespace: 'observability' },
      ]),
    ]);
    expect(f?.message.length).toBeLessThan(1200);
    expect(f?.message).not.toContain('\n');
  });
});
