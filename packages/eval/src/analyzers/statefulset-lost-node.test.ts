import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

// A StatefulSet's third pod declared on a node that stopped reporting 25 minutes ago (the simulator's
// node lifecycle marks it not ready, then evicts it after 300 s: Terminating).
const world = (lostFor: string) => `schemaVersion: 1
id: sts-lost-node
title: statefulset-lost-node table test
difficulty: medium
namespace: cache
task: "node w3 stopped responding; kv in namespace cache is down to 2 of 3 and kv-2 just sits there. Is the scheduler broken?"
cluster:
  namespaces: [cache]
  nodes:
    - { name: w1 }
    - { name: w2 }
    - { name: w3, ready: false, notReadyFor: ${lostFor} }
  pods:
    - { name: kv-0, namespace: cache, labels: { app: kv, statefulset.kubernetes.io/pod-name: kv-0 }, node: w1, age: 30d, containers: [{ name: kv, image: valkey/valkey:8 }] }
    - { name: kv-1, namespace: cache, labels: { app: kv, statefulset.kubernetes.io/pod-name: kv-1 }, node: w2, age: 30d, containers: [{ name: kv, image: valkey/valkey:8 }] }
    - { name: kv-2, namespace: cache, labels: { app: kv, statefulset.kubernetes.io/pod-name: kv-2 }, node: w3, age: 30d, containers: [{ name: kv, image: valkey/valkey:8 }] }
expect:
  rootCause: { mustMention: [kv-2] }
`;

describe('statefulset-lost-node: a StatefulSet pod Terminating on a node that stopped reporting', () => {
  it('explains the one-pod-per-identity rule and the force delete', async () => {
    const text = await baselineAnswer(world('25m'), 'sts-lost-node.yaml');
    expect(text).toMatch(/pod kv-2 of StatefulSet kv is stuck Terminating on node w3/);
    expect(text).toMatch(/--grace-period=0 --force/);
  });

  it('says nothing of it before the eviction (the pod is not Terminating yet)', async () => {
    const text = await baselineAnswer(world('1m'), 'sts-lost-node.yaml');
    expect(text).not.toMatch(/stuck Terminating/);
  });
});
