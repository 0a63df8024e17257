// Image pulls that take time (`registry.pulls`): a container waits in ContainerCreating while its
// node pulls the image, then starts; the node then holds the image, so a later pod there starts at
// once ("already present on machine"), and a node that listed the image never pulls it.
import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { k8sTools } from '../tools/k8s-tools.js';
import type { KubeEvent, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';
import type { WorldInput } from './world-schema.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };
const IMAGE = 'lab/notebook:3.2';

const world = (age: string, pull: string, nodeImages: string[] = []): WorldInput => ({
  namespaces: ['lab'],
  nodes: [{ name: 'gpu-a', images: nodeImages }],
  registry: { pulls: { [IMAGE]: { time: pull, size: 6_442_450_944 } } },
  deployments: [
    {
      name: 'notebook',
      namespace: 'lab',
      replicas: 1,
      pods: [{ age, node: 'gpu-a' }],
      containers: [{ name: 'notebook', image: IMAGE, behavior: { logs: ['server ready'] } }],
    },
  ],
});

function view(w: WorldInput) {
  const cluster = createSimCluster(w);
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>) => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  const pod = () => (cluster.listNow({ kind: 'Pod', namespace: 'lab' }) as unknown as Pod[])[0]!;
  const state = () => {
    const s = pod().status?.containerStatuses?.[0]?.state ?? {};
    return s.waiting?.reason ?? Object.keys(s)[0];
  };
  const events = () =>
    (cluster.listNow({ kind: 'Event', namespace: 'lab' }) as unknown as KubeEvent[])
      .filter((e) => e.reason === 'Pulling' || e.reason === 'Pulled')
      .map((e) => `${e.reason}: ${e.message}`);
  return { cluster, call, pod, state, events };
}

describe('image pulls that take time', () => {
  it('a pod still pulling is ContainerCreating with a Pulling event; once pulled it runs', () => {
    const v = view(world('2m', '5m'));
    expect(v.state()).toBe('ContainerCreating');
    expect(v.pod().status?.phase).toBe('Pending');
    expect(v.events()).toEqual([`Pulling: Pulling image "${IMAGE}"`]);
    v.cluster.advance(200);
    expect(v.state()).toBe('running');
    expect(v.events()).toContain(
      `Pulled: Successfully pulled image "${IMAGE}" in 5m0s (5m0s including waiting). Image size: 6442450944 bytes.`,
    );
  });

  it('a pod whose pull ended in the past runs, and its events say how long the pull took', async () => {
    const v = view(world('30m', '12m30s'));
    expect(v.state()).toBe('running');
    expect(v.events().sort()).toEqual([
      `Pulled: Successfully pulled image "${IMAGE}" in 12m30s (12m30s including waiting). Image size: 6442450944 bytes.`,
      `Pulling: Pulling image "${IMAGE}"`,
    ]);
    const started = v.pod().status?.containerStatuses?.[0]?.state?.running?.startedAt;
    const created = v.pod().metadata.creationTimestamp;
    expect(Date.parse(started!) - Date.parse(created!)).toBe((12 * 60 + 30 + 1) * 1000);
    expect(await v.call('describe_pod', { namespace: 'lab', name: v.pod().metadata.name })).toContain(
      'Successfully pulled image',
    );
  });

  it('a node that holds the image starts the pod at once: already present on machine', () => {
    const v = view(world('2m', '5m', [IMAGE]));
    expect(v.state()).toBe('running');
    expect(v.events()).toEqual([`Pulled: Container image "${IMAGE}" already present on machine`]);
  });

  it('a replacement pod on the same node does not pull again', async () => {
    const v = view(world('30m', '5m'));
    expect(await v.call('restart_deployment', { namespace: 'lab', name: 'notebook' })).toMatch(/restart/i);
    v.cluster.settle();
    const pods = v.cluster.listNow({ kind: 'Pod', namespace: 'lab' }) as unknown as Pod[];
    const fresh = pods.find(
      (p) => p.metadata.name !== undefined && p.status?.containerStatuses?.[0]?.state?.running,
    );
    expect(fresh).toBeDefined();
    const messages = (v.cluster.listNow({ kind: 'Event', namespace: 'lab' }) as unknown as KubeEvent[])
      .filter((e) => e.involvedObject?.name === fresh!.metadata.name && e.reason?.startsWith('Pull'))
      .map((e) => e.message);
    expect(messages).toEqual([`Container image "${IMAGE}" already present on machine`]);
  });

  it('an image without a declared pull time says nothing about pulls', () => {
    const w = world('2m', '5m');
    w.registry = { pulls: { 'other/image:1': { time: '5m' } } };
    const v = view(w);
    expect(v.state()).toBe('running');
    expect(v.events()).toEqual([]);
  });

  it('a malformed pull time is refused naming the field', () => {
    const w = world('2m', 'soon');
    expect(() => createSimCluster(w)).toThrow(/pulls/);
  });
});
