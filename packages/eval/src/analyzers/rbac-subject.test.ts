import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

// A RoleBinding whose Role grants what the program needs, bound to another ServiceAccount than the
// one the pods run as (the namespace's `default`): the subject is what is wrong, not the Role; a
// binding whose name merely contains the account's name is not a binding of it.
const world = (subject: string) => `schemaVersion: 1
id: rbac-subject
title: rbac-subject table test
difficulty: easy
namespace: lb-system
task: "lb-sync in namespace lb-system keeps restarting"
cluster:
  namespaces: [lb-system]
  nodes: [{ name: n1 }]
  deployments:
    - name: lb-sync
      namespace: lb-system
      serviceAccountName: lb-sync
      containers:
        - name: sync
          image: acme/lb-sync:2
          behavior:
            logs: ["starting leader election"]
            apiCalls:
              - { verb: get, resource: configmaps, name: lb-sync-leader, exitCode: 1, logs: ["E1127 leaderelection.go:332] error retrieving resource lock: {error}"] }
  objects:
    - { apiVersion: v1, kind: ServiceAccount, metadata: { name: lb-sync, namespace: lb-system } }
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata: { name: lb-sync-leader-election, namespace: lb-system }
      rules: [{ apiGroups: [""], resources: [configmaps], verbs: [get, list, watch, create, update] }]
    - apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: { name: lb-sync-leader-election, namespace: lb-system }
      roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: lb-sync-leader-election }
      subjects: [{ kind: ServiceAccount, name: ${subject}, namespace: lb-system }]
expect:
  rootCause: { mustMention: [lb-sync] }
`;

describe('rbac: a binding of the right Role to another account', () => {
  it('names the subject the binding has and the account the pods run as', async () => {
    const text = await baselineAnswer(world('default'), 'rbac-subject.yaml');
    expect(text).toMatch(
      /RoleBinding lb-sync-leader-election binds the Role lb-sync-leader-election, which grants get on configmaps, to the ServiceAccount lb-system\/default, not to lb-sync/,
    );
    expect(text).not.toMatch(/but not "get"/);
  });
  it('says nothing of the kind when the binding names the account (the program then runs)', async () => {
    expect(await baselineAnswer(world('lb-sync'), 'rbac-subject.yaml')).not.toMatch(/not to lb-sync/);
  });
});
