import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../sim/sim-cluster.js';
import { k8sTools } from './k8s-tools.js';

// describe_node as `kubectl describe node` prints it: roles from the node-role labels, and only
// non-terminated pods (phase neither Succeeded nor Failed) listed and counted against allocatable.
describe('describe_node', () => {
  const cluster = createSimCluster({
    namespaces: ['batch'],
    nodes: [
      { name: 'cp-1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      { name: 'w-1', cpu: '4', memory: '8Gi' },
    ],
    pods: [
      {
        name: 'report-28391-abcde',
        namespace: 'batch',
        node: 'w-1',
        phase: 'Succeeded',
        containers: [{ name: 'r', image: 'r:1', resources: { requests: { cpu: '2' } } }],
      },
      {
        name: 'api-0',
        namespace: 'batch',
        node: 'w-1',
        containers: [{ name: 'a', image: 'a:1', resources: { requests: { cpu: '1' } } }],
      },
    ],
  });
  const tool = k8sTools(cluster).find((t) => t.name === 'describe_node')!;
  const read = async (name: string) =>
    String(
      await tool.execute(tool.input.parse({ name }) as never, {
        signal: new AbortController().signal,
        runId: 'r',
        callId: 'c',
      }),
    );

  it('prints the roles of the node-role labels, or <none>', async () => {
    expect(await read('cp-1')).toMatch(/^Roles:\s+control-plane$/m);
    expect(await read('w-1')).toMatch(/^Roles:\s+<none>$/m);
  });

  it('leaves finished pods out of the non-terminated list and the allocated requests', async () => {
    const text = await read('w-1');
    expect(text).toMatch(/Non-terminated Pods: \(1 in total\)/);
    expect(text).toContain('api-0');
    expect(text).not.toContain('report-28391-abcde');
    expect(text).toMatch(/cpu\s+1000m/);
  });
});
