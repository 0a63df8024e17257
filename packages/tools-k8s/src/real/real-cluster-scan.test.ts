// The scan reads typed objects; here it reads them over a real wire: the simulated cluster served
// as a Kubernetes API server, read through the real-cluster adapter, gives the same findings as
// the in-process path, one list request per kind.
import type { AnyTool } from '@sre-harness/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.js';
import { parseFindings } from '../scan/index.js';
import { type ApiServer, serveCluster } from '../sim/api-server.js';
import { createSimCluster } from '../sim/sim-cluster.js';
import { checkoutOomWorld } from '../sim/worlds.js';
import { k8sTools } from '../tools/k8s-tools.js';
import { realCluster } from './real-cluster.js';

function world() {
  const w = checkoutOomWorld();
  return {
    ...w,
    objects: [
      ...(w.objects ?? []),
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'standard' },
        provisioner: 'rancher.io/local-path',
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'cart-data', namespace: 'shop' },
        spec: {
          storageClassName: 'fast-ssd',
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
        },
        status: { phase: 'Pending' },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'nginx' },
        spec: { controller: 'k8s.io/ingress-nginx' },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'storefront', namespace: 'shop' },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'storefront', port: { number: 80 } } },
                  },
                ],
              },
            },
          ],
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'lockdown', namespace: 'shop' },
        spec: { podSelector: { matchLabels: { app: 'checkout' } }, policyTypes: ['Egress'] },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'cart', namespace: 'shop' },
        spec: {
          minReplicas: 1,
          maxReplicas: 4,
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'carts' },
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
            },
          ],
        },
      },
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'shop-policy' },
        webhooks: [
          {
            name: 'validate.shop.example.com',
            failurePolicy: 'Fail',
            clientConfig: { service: { name: 'policy-webhook', namespace: 'shop', port: 443 } },
          },
        ],
      },
    ],
  };
}

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

function scanOf(cluster: Cluster, options: Parameters<typeof k8sTools>[1] = {}) {
  const tool = k8sTools(cluster, options).find((t) => t.name === 'scan') as AnyTool;
  return async (args: Record<string, unknown>) => String(await tool.execute(tool.input.parse(args), ctx));
}

describe('scan over a real wire', () => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await serveCluster(createSimCluster(world()), { namespace: 'shop' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('finds every planted family through the real adapter, as in-process, one list per kind', async () => {
    const direct = await scanOf(createSimCluster(world()))({ namespace: 'shop' });
    const before = server.requests.length;
    const wire = await scanOf(realCluster({ kubeconfig: server.kubeconfigPath, clock: 'server' }))({
      namespace: 'shop',
    });
    expect(wire).toBe(direct);
    const found = parseFindings(wire).map((f) => `${f.kind}/${f.name}/${f.reason}`);
    for (const want of [
      'Pod/checkout-7f9c8d6b5-x2k4p/OOMKilled',
      'PersistentVolumeClaim/cart-data/StorageClassNotFound',
      'Ingress/storefront/BackendServiceNotFound',
      'NetworkPolicy/lockdown/DenyAllEgress',
      'HorizontalPodAutoscaler/cart/ScaleTargetNotFound',
      'ValidatingWebhookConfiguration/shop-policy/WebhookServiceNotFound',
    ])
      expect(found).toContain(want);
    // Typed reads: lists only, never a describe or a log, and no kind listed twice.
    const sent = server.requests.slice(before).map((r) => r.split('?')[0]!);
    expect(sent.every((r) => r.startsWith('GET '))).toBe(true);
    expect(sent.some((r) => r.endsWith('/log'))).toBe(false);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('keeps to the namespaces it may read, and says which cluster-scoped kinds it left out', async () => {
    const confined = scanOf(realCluster({ kubeconfig: server.kubeconfigPath, clock: 'server' }), {
      namespaces: ['shop'],
    });
    await expect(confined({ namespace: 'kube-system' })).rejects.toThrow(/outside this agent's scope/);
    const all = await confined({});
    expect(all).toMatch(/^scan of namespaces shop:/);
    expect(all).toContain('storageclasses (cluster-scoped');
    expect(all).toContain('PersistentVolumeClaim shop/cart-data [Pending]');
  });
});
