// A world that starts mid-rollout (`rollout`): the previous revision still serving, the current one's
// first pods failing, the Deployment timed out progressing; the controller and the fixes go on from there.
import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { k8sTools } from '../tools/k8s-tools.js';
import type { Deployment, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';
import { parseWorld, type WorldInput } from './world-schema.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

const world = (
  rollout: Record<string, unknown> | undefined,
  extra: Record<string, unknown> = {},
): WorldInput => ({
  namespaces: ['shop'],
  deployments: [
    {
      name: 'cart',
      namespace: 'shop',
      replicas: 4,
      history: [{ image: 'shop/cart:1.8.0', changeCause: 'release 1.8.0' }],
      changeCause: 'release 1.9.0',
      ...(rollout ? { rollout } : {}),
      ...extra,
      containers: [
        {
          name: 'cart',
          image: 'shop/cart:1.9.0',
          behavior: {
            logs: ['listening on :8080'],
            byImage: {
              'shop/cart:1.9.0': {
                crash: { exitCode: 1, logs: ['Error: Cannot find module "./dist/server.js"'] },
              },
            },
          },
        },
      ],
    },
  ],
});

function setup(w: WorldInput) {
  const cluster = createSimCluster(w);
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  const pods = () => cluster.listNow({ kind: 'Pod', namespace: 'shop' }) as unknown as Pod[];
  const byImage = () => {
    const out: Record<string, string[]> = {};
    for (const p of pods()) {
      const image = p.spec.containers[0]!.image!;
      const s = p.status?.containerStatuses?.[0]?.state ?? {};
      out[image] = [...(out[image] ?? []), s.waiting?.reason ?? Object.keys(s)[0]!];
    }
    return out;
  };
  return { cluster, call, pods, byImage };
}

describe('a world that starts mid-rollout', () => {
  it('the old revision serves every replica, the new one has its surge crash-looping, and the rollout has timed out', async () => {
    const { cluster, call, byImage, pods } = setup(world({ startedAgo: '25m' }));
    expect(byImage()).toEqual({
      'shop/cart:1.8.0': ['running', 'running', 'running', 'running'],
      'shop/cart:1.9.0': ['CrashLoopBackOff'],
    });
    const fresh = pods().find((p) => p.spec.containers[0]!.image === 'shop/cart:1.9.0')!;
    expect(fresh.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(3);
    const d = cluster.getNow({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart',
    }) as unknown as Deployment;
    expect(d.status).toMatchObject({
      replicas: 5,
      updatedReplicas: 1,
      readyReplicas: 4,
      availableReplicas: 4,
    });
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
    expect(await call('get_rollout_history', { namespace: 'shop', name: 'cart' })).toMatch(
      /1\s+release 1\.8\.0[\s\S]*2 \(current\)\s+release 1\.9\.0/,
    );
    expect(await call('describe_deployment', { namespace: 'shop', name: 'cart' })).toMatch(
      /ScalingReplicaSet\s+25m\s+deployment-controller\s+Scaled up replica set cart-[a-z0-9]+ from 0 to 1/,
    );
    await call('rollback_deployment', { namespace: 'shop', name: 'cart' });
    cluster.settle();
    expect(byImage()).toEqual({ 'shop/cart:1.8.0': ['running', 'running', 'running', 'running'] });
  });

  it('a rollout just begun is still progressing', () => {
    const { cluster, byImage } = setup(world({ startedAgo: '2m' }));
    expect(byImage()['shop/cart:1.9.0']).toHaveLength(1);
    const d = cluster.getNow({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart',
    }) as unknown as Deployment;
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'ReplicaSetUpdated',
    });
  });

  it('a rollout without an earlier revision is refused naming the field', () => {
    const w = world({ startedAgo: '5m' });
    delete (w.deployments![0] as { history?: unknown }).history;
    expect(() => parseWorld(w)).toThrow(/deployments\.0\.rollout|deployments\[0\]\.rollout/);
  });

  it('revisionAge dates the current ReplicaSet (not the deployment), and cannot be older than the deployment', async () => {
    const w = world(undefined, { age: '90d', revisionAge: '40m' });
    const { call } = setup(w);
    expect(await call('describe_deployment', { namespace: 'shop', name: 'cart' })).toContain('(90d ago)');
    const rs = await call('list_resources', { kind: 'ReplicaSet', namespace: 'shop' });
    expect(rs).toMatch(/cart-[a-z0-9]+\s+\d\/4 ready\s+40m/);
    expect(() => parseWorld(world(undefined, { age: '10m', revisionAge: '40m' }))).toThrow(
      /revisionAge[\s\S]*cannot be older than the deployment/,
    );
  });

  it('Recreate stops every old pod before a new one starts: a bad release is an outage, not a stalled rollout', async () => {
    const w = world(undefined, { strategy: { type: 'Recreate' } });
    const c = w.deployments![0]!.containers[0]!;
    c.image = 'shop/cart:1.8.0';
    const { cluster, call, byImage, pods } = setup(w);
    expect(byImage()).toEqual({ 'shop/cart:1.8.0': ['running', 'running', 'running', 'running'] });
    const hashes = () => new Set(pods().map((p) => p.metadata.labels?.['pod-template-hash']));
    await call('restart_deployment', { namespace: 'shop', name: 'cart' });
    expect(hashes().size).toBe(1);
    cluster.settle();
    expect(hashes().size).toBe(1);
    expect(byImage()['shop/cart:1.8.0']).toHaveLength(4);
    await call('set_image', {
      namespace: 'shop',
      deployment: 'cart',
      container: 'cart',
      image: 'shop/cart:1.9.0',
    });
    cluster.settle();
    expect(byImage()).toEqual({
      'shop/cart:1.9.0': ['CrashLoopBackOff', 'CrashLoopBackOff', 'CrashLoopBackOff', 'CrashLoopBackOff'],
    });
  });

  it('an earlier revision declaring nothing different was a rollout restart: kept apart, nothing rolls at start', () => {
    const w = world(undefined, { revisionAge: '3h' });
    const d = w.deployments![0]!;
    d.history = [
      { image: 'shop/cart:1.8.0', changeCause: 'release 1.8.0' },
      { changeCause: 'config reload' },
    ];
    d.containers[0]!.image = 'shop/cart:1.8.0';
    const { cluster, byImage } = setup(w);
    expect(byImage()).toEqual({ 'shop/cart:1.8.0': ['running', 'running', 'running', 'running'] });
    const dep = cluster.getNow({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'cart',
    }) as unknown as Deployment;
    expect(dep.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(dep.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(
      '2026-01-15T07:00:00Z',
    );
    expect(dep.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    );
    const sets = cluster.listNow({ kind: 'ReplicaSet', namespace: 'shop' }) as unknown as {
      spec: { replicas: number };
    }[];
    expect(sets.map((r) => r.spec.replicas).sort()).toEqual([0, 0, 4]);
  });

  it("an earlier revision's declared behaviour holds for its own pods only, not the current ones", async () => {
    const w = world(undefined);
    const d = w.deployments![0]!;
    d.containers[0]!.behavior = { crash: { exitCode: 3, logs: ['config: unknown field "cache_ttl"'] } };
    d.history = [
      {
        changeCause: 'release 1.8.0',
        containers: [{ name: 'cart', image: 'shop/cart:1.8.0', behavior: { logs: ['listening on :8080'] } }],
      },
    ];
    const { cluster, call, byImage } = setup(w);
    expect(byImage()).toEqual({
      'shop/cart:1.9.0': ['CrashLoopBackOff', 'CrashLoopBackOff', 'CrashLoopBackOff', 'CrashLoopBackOff'],
    });
    await call('rollback_deployment', { namespace: 'shop', name: 'cart' });
    cluster.settle();
    expect(byImage()).toEqual({ 'shop/cart:1.8.0': ['running', 'running', 'running', 'running'] });
  });
});
