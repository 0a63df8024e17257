import { request as httpsRequest } from 'node:https';
import type { AnyTool } from '@sre-harness/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.js';
import { K8sError } from '../errors.js';
import { type ApiServer, serveCluster } from '../sim/api-server.js';
import { createSimCluster } from '../sim/sim-cluster.js';
import { checkoutOomWorld } from '../sim/worlds.js';
import { k8sTools } from '../tools/k8s-tools.js';
import { connectRealCluster, realCluster } from './real-cluster.js';

function world() {
  const w = checkoutOomWorld();
  return {
    ...w,
    objects: [
      ...(w.objects ?? []),
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'checkout', namespace: 'shop' },
        spec: {
          minReplicas: 1,
          maxReplicas: 1,
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout' },
        },
        status: {
          currentReplicas: 1,
          desiredReplicas: 1,
          conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }],
        },
      },
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: 'shop' },
        spec: { size: 3 },
      },
    ],
  };
}

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };
const POD = 'checkout-7f9c8d6b5-x2k4p';

function caller(cluster: Cluster) {
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  return async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    try {
      return `ok: ${String(await tool.execute(tool.input.parse(args), ctx))}`;
    } catch (error) {
      return `error: ${(error as Error).name}: ${(error as Error).message}`;
    }
  };
}

// The same conversation, read-only and mutating, bad calls included.
const SCRIPT: [string, Record<string, unknown>][] = [
  ['list_pods', { namespace: 'shop' }],
  ['list_pods', { namespace: 'shop', labelSelector: 'app=cart' }],
  ['describe_pod', { namespace: 'shop', name: POD }],
  ['get_pod_logs', { namespace: 'shop', name: POD, previous: true, tail: 5 }],
  ['get_pod_logs', { namespace: 'shop', name: POD }],
  ['get_pod_metrics', { namespace: 'shop' }],
  ['get_events', { namespace: 'shop' }],
  ['list_deployments', { namespace: 'shop' }],
  ['describe_deployment', { namespace: 'shop', name: 'checkout' }],
  ['get_rollout_history', { namespace: 'shop', name: 'checkout' }],
  ['list_services', { namespace: 'shop' }],
  ['describe_service', { namespace: 'shop', name: 'checkout' }],
  ['list_nodes', {}],
  ['describe_node', { name: 'worker-a' }],
  ['get_resource', { kind: 'Secret', name: 'payments-api', namespace: 'shop' }],
  ['list_resources', { kind: 'configmaps', namespace: 'shop' }],
  ['describe_resource', { kind: 'cm', name: 'checkout-config', namespace: 'shop' }],
  ['describe_pod', { namespace: 'shop', name: 'checkout-7f9c' }],
  ['list_resources', { kind: 'hpa', namespace: 'shop' }],
  ['get_resource', { kind: 'widget', name: 'w1', namespace: 'shop' }],
  ['describe_resource', { kind: 'Widget', name: 'w1', namespace: 'shop' }],
  ['get_resource', { kind: 'gadget', name: 'g1', namespace: 'shop' }],
  ['get_pod_logs', { namespace: 'shop', name: POD, container: 'sidecar' }],
  ['restart_pod', { namespace: 'shop', name: POD }],
  ['list_pods', { namespace: 'shop' }],
  ['scale_deployment', { namespace: 'shop', name: 'cart', replicas: 3 }],
  [
    'set_resources',
    { namespace: 'shop', deployment: 'checkout', container: 'checkout', requests: { memory: '2Gi' } },
  ],
  [
    'set_resources',
    { namespace: 'shop', deployment: 'checkout', container: 'checkout', limits: { memory: '1Gi' } },
  ],
  [
    'set_image',
    {
      namespace: 'shop',
      deployment: 'payments',
      container: 'payments',
      image: 'registry.example.com/shop/payments:3.2.1',
    },
  ],
  ['rollback_deployment', { namespace: 'shop', name: 'checkout', toRevision: 1 }],
  ['describe_deployment', { namespace: 'shop', name: 'checkout' }],
  ['list_pods', { namespace: 'shop' }],
  ['get_events', { namespace: 'shop', kind: 'ReplicaSet' }],
];

describe('real adapter against the simulated API server', { timeout: 60_000 }, () => {
  let server: ApiServer;
  const served = createSimCluster(world());

  beforeAll(async () => {
    server = await serveCluster(served, { namespace: 'shop' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('gives the same tool output as the in-memory path for the same world', async () => {
    const direct = caller(createSimCluster(world()));
    const real = caller(realCluster({ kubeconfig: server.kubeconfigPath, clock: 'server' }));
    for (const [tool, args] of SCRIPT) {
      const expected = await direct(tool, args);
      expect(await real(tool, args), `${tool} ${JSON.stringify(args)}`).toBe(expected);
    }
    // The script did reach the cluster and change it.
    expect(served.snapshot().mutations.map((m) => m.verb)).toEqual([
      'delete',
      'patch',
      'patch',
      'patch',
      'patch',
    ]);
  });

  it('turns Status errors into K8sErrors with the API reason', async () => {
    const cluster = realCluster({ kubeconfig: server.kubeconfigPath });
    const missing = await cluster
      .get({ kind: 'Pod', name: 'nope', namespace: 'shop' })
      .catch((e: unknown) => e);
    expect(K8sError.isInstance(missing) && missing.code === 'not_found' && missing.status === 404).toBe(true);
    expect((missing as Error).message).toBe('pods "nope" not found');
    const invalid = await cluster
      .patch(
        { kind: 'Deployment', name: 'cart', namespace: 'shop' },
        { type: 'merge', body: { spec: { replicas: -2 } } },
      )
      .catch((e: unknown) => e);
    expect(K8sError.isInstance(invalid) && invalid.code === 'invalid' && invalid.status === 422).toBe(true);
    expect((invalid as Error).message).toContain('spec.replicas: Invalid value: -2');
  });

  it('refuses namespaces outside its scope before sending anything', async () => {
    const before = server.requests.length;
    const scoped = realCluster({ kubeconfig: server.kubeconfigPath, namespaces: ['shop'] });
    await expect(scoped.list({ kind: 'Pod', namespace: 'kube-system' })).rejects.toThrow(
      /outside this cluster connection's scope/,
    );
    expect(server.requests.length).toBe(before);
    expect((await scoped.list({ kind: 'Pod' })).every((p) => p.metadata?.namespace === 'shop')).toBe(true);
  });

  it('answers bad requests with Kubernetes Status objects', async () => {
    // The server's own certificate and token, as a client that read its kubeconfig would use them.
    const get = (
      path: string,
      init?: { method?: string; headers?: Record<string, string>; body?: string },
    ): Promise<{ code: number; body: Record<string, unknown> }> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(
          `${server.url}${path}`,
          {
            method: init?.method ?? 'GET',
            headers: { ...init?.headers, Authorization: `Bearer ${server.token}` },
            ca: server.ca,
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (c: string) => {
              text += c;
            });
            res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(init?.body);
      });
    const nf = await get('/api/v1/namespaces/shop/pods/ghost');
    expect(nf.code).toBe(404);
    expect(nf.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'pods "ghost" not found',
    });
    const bad = await get('/apis/apps/v1/namespaces/shop/deployments/cart', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{not json',
    });
    expect(bad.code).toBe(400);
    expect(bad.body.reason).toBe('BadRequest');
    const invalid = await get('/apis/apps/v1/namespaces/shop/deployments/cart', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: JSON.stringify([
        { op: 'replace', path: '/spec/template/spec/containers/0/resources/limits/memory', value: 'much' },
      ]),
    });
    expect(invalid.code).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    const unknown = await get('/apis/example.com/v1/namespaces/shop/gadgets');
    expect(unknown.code).toBe(404);
  });
});

describe('real adapter configuration', () => {
  it('names the contexts a kubeconfig has when asked for one it lacks', async () => {
    const server = await serveCluster(createSimCluster(checkoutOomWorld()));
    try {
      await expect(
        connectRealCluster({ kubeconfig: server.kubeconfigPath, context: 'prod' }),
      ).rejects.toThrow('context "prod" is not in the kubeconfig; it has: sre-harness-sim');
      const lazy = realCluster({ kubeconfig: server.kubeconfigPath, context: 'prod' });
      const err = await lazy.list({ kind: 'Pod', namespace: 'shop' }).catch((e: unknown) => e);
      expect(K8sError.isInstance(err) && err.code === 'invalid_option').toBe(true);
      const ok = await connectRealCluster({ kubeconfig: server.kubeconfigPath, context: 'sre-harness-sim' });
      expect((await ok.list({ kind: 'Pod', namespace: 'shop' })).length).toBe(4);
    } finally {
      await server.close();
    }
  });
});
