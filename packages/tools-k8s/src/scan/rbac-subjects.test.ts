// Table tests of rbac-subjects: a pod's ServiceAccount that no binding binds, while a binding names a
// ServiceAccount of that name in another namespace (a workload moved, its binding left behind).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import { pod } from './__fixtures__/build.js';
import { factsFrom } from './facts.js';
import { analyze } from './index.js';
import { rbacSubjectsAnalyzer } from './rbac-subjects.js';

const binding = (
  kind: 'ClusterRoleBinding' | 'RoleBinding',
  name: string,
  subjects: { kind?: string; name?: string; namespace?: string }[],
  namespace?: string,
): KubeObject =>
  ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'agent-reader' },
    subjects,
  }) as unknown as KubeObject;

const agent = (sa = 'grafana-agent') =>
  pod('grafana-agent-6b8c7d9f5-w4hzt', { serviceAccountName: sa }, { phase: 'Running' });
const found = (objects: KubeObject[]) =>
  analyze(factsFrom(objects, { read: ['Pod', 'ClusterRoleBinding', 'RoleBinding'] }), [rbacSubjectsAnalyzer]);

describe('rbac-subjects', () => {
  it('a binding left on the old namespace is found, with the fix to name this one', () => {
    const [f] = found([
      agent(),
      binding('ClusterRoleBinding', 'grafana-agent', [
        { kind: 'ServiceAccount', name: 'grafana-agent', namespace: 'observability' },
      ]),
    ]);
    expect(f?.reason).toBe('BindingNamesOtherNamespace');
    expect(f?.message).toContain('in namespace observability');
    expect(f?.fix).toContain('add ServiceAccount grafana-agent in namespace');
  });

  it('a binding that names this namespace too, a RoleBinding subject without a namespace, or the default account is no finding', () => {
    const ns = String(agent().metadata?.namespace);
    expect(
      found([
        agent(),
        binding('ClusterRoleBinding', 'grafana-agent', [
          { kind: 'ServiceAccount', name: 'grafana-agent', namespace: 'observability' },
          { kind: 'ServiceAccount', name: 'grafana-agent', namespace: ns },
        ]),
      ]),
    ).toEqual([]);
    expect(
      found([
        agent(),
        binding('RoleBinding', 'agent', [{ kind: 'ServiceAccount', name: 'grafana-agent' }], ns),
        binding('ClusterRoleBinding', 'old', [
          { kind: 'ServiceAccount', name: 'grafana-agent', namespace: 'observability' },
        ]),
      ]),
    ).toEqual([]);
    expect(
      found([
        agent('default'),
        binding('ClusterRoleBinding', 'x', [{ kind: 'ServiceAccount', name: 'default', namespace: 'other' }]),
      ]),
    ).toEqual([]);
  });

  it('an unbound account with no binding elsewhere, a User subject, or bindings not read say nothing', () => {
    expect(found([agent()])).toEqual([]);
    expect(
      found([agent(), binding('ClusterRoleBinding', 'x', [{ kind: 'User', name: 'grafana-agent' }])]),
    ).toEqual([]);
    expect(
      analyze(
        factsFrom(
          [
            agent(),
            binding('ClusterRoleBinding', 'g', [
              { kind: 'ServiceAccount', name: 'grafana-agent', namespace: 'observability' },
            ]),
          ],
          { read: ['Pod'] },
        ),
        [rbacSubjectsAnalyzer],
      ),
    ).toEqual([]);
  });
});
