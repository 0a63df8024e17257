import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../sim/sim-cluster.js';
import { k8sTools } from './k8s-tools.js';

// `kubectl describe pod` prints `Runtime Class Name:` after the priority class when the pod names a
// RuntimeClass (kubectl's describe.go), and nothing when it does not.
describe('describe_pod and the RuntimeClass', () => {
  const cluster = createSimCluster({
    namespaces: ['ci'],
    nodes: [{ name: 'w-1' }],
    objects: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'build-1', namespace: 'ci' },
        spec: { runtimeClassName: 'kata-fc', nodeName: 'w-1', containers: [{ name: 'b', image: 'b:1' }] },
      },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'build-2', namespace: 'ci' },
        spec: { nodeName: 'w-1', containers: [{ name: 'b', image: 'b:1' }] },
      },
    ],
  });
  const tool = k8sTools(cluster).find((t) => t.name === 'describe_pod')!;
  const read = async (name: string) =>
    String(
      await tool.execute(tool.input.parse({ namespace: 'ci', name }) as never, {
        signal: new AbortController().signal,
        runId: 'r',
        callId: 'c',
      }),
    );

  it('names the RuntimeClass before the node, and only when there is one', async () => {
    const text = await read('build-1');
    expect(text).toMatch(/^Runtime Class Name: {2}kata-fc$/m);
    expect(text.indexOf('Runtime Class Name')).toBeLessThan(text.indexOf('Node:'));
    expect(await read('build-2')).not.toContain('Runtime Class Name');
  });
});
