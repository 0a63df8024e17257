import { describe, expect, it } from 'vitest';
import type { Endpoints } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

// The Endpoints controller leaves Endpoints that are already right as they are stored; these check that
// every change of what a Service selects still reaches its Endpoints.
const world = {
  now: '2026-03-02T10:00:00Z',
  nodes: [{ name: 'n1', cpu: '8', memory: '32Gi' }],
  deployments: [
    {
      name: 'web',
      namespace: 'shop',
      replicas: 2,
      age: '3d',
      containers: [
        {
          name: 'web',
          image: 'acme/web:1',
          ports: [{ name: 'http', containerPort: 8080 }],
          behavior: { listenPorts: [8080], logs: ['listening on :8080'] },
        },
      ],
    },
  ],
  services: [
    { name: 'web', namespace: 'shop', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] },
  ],
};

type Cluster = ReturnType<typeof createSimCluster>;
const endpoints = (c: Cluster) =>
  c.getNow({ kind: 'Endpoints', name: 'web', namespace: 'shop' }) as unknown as Endpoints;
const ready = (c: Cluster) => endpoints(c).subsets?.[0]?.addresses?.map((a) => a.targetRef?.name) ?? [];

describe('the Endpoints controller', () => {
  it('follows the pods a Service selects through scaling, and empties when it selects none', async () => {
    const c = createSimCluster(world);
    const first = endpoints(c);
    expect(ready(c)).toHaveLength(2);
    expect(first.subsets?.[0]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    c.advance(60);
    expect(endpoints(c)).toEqual(first);

    await c.patch(
      { kind: 'Deployment', name: 'web', namespace: 'shop' },
      { type: 'merge', body: { spec: { replicas: 3 } } },
    );
    c.settle();
    expect(ready(c)).toHaveLength(3);
    await c.patch(
      { kind: 'Deployment', name: 'web', namespace: 'shop' },
      { type: 'merge', body: { spec: { replicas: 1 } } },
    );
    c.settle();
    expect(ready(c)).toHaveLength(1);

    await c.patch(
      { kind: 'Service', name: 'web', namespace: 'shop' },
      { type: 'merge', body: { spec: { selector: { app: 'nothing' } } } },
    );
    c.advance(4);
    expect(endpoints(c).subsets).toBeUndefined();
    expect(endpoints(c).metadata.name).toBe('web');
  });
});
