// Each test here pins one way the simulated cluster once differed from Kubernetes (issue #16's list
// of sim bugs), so the difference cannot come back unnoticed.
import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { k8sTools } from '../tools/k8s-tools.js';
import type { Deployment } from '../types.js';
import { normalizeImage } from './pod-state.js';
import { createSimCluster } from './sim-cluster.js';
import type { WorldInput } from './world-schema.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

function setup(world: WorldInput) {
  const cluster = createSimCluster({
    namespaces: ['app'],
    nodes: [{ name: 'node-1', cpu: '8', memory: '32Gi' }],
    ...world,
  });
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  return { cluster, call };
}

describe('simulated cluster fidelity', () => {
  it('a StatefulSet pod keeps its container behaviour when the set name ends in a 9-letter word', async () => {
    const { cluster, call } = setup({
      behaviors: {
        'data-processor/worker': { crash: { exitCode: 2, logs: ['panic: checkpoint directory is corrupt'] } },
      },
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'data-processor', namespace: 'app' },
          spec: { replicas: 1, serviceName: 'data-processor', selector: { matchLabels: { app: 'dp' } } },
        },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'data-processor-0',
            namespace: 'app',
            labels: { app: 'dp' },
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'data-processor', uid: 'u1' },
            ],
          },
          spec: { containers: [{ name: 'worker', image: 'dp:1' }] },
        },
      ],
    });
    cluster.advance(120);
    expect(
      await call('get_pod_logs', { namespace: 'app', name: 'data-processor-0', previous: true }),
    ).toContain('checkpoint directory is corrupt');
  });

  it('an image without a tag is its latest tag, and a registry entry without a tag is only latest', async () => {
    expect(normalizeImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(normalizeImage('bitnami/redis:7.2')).toBe('docker.io/bitnami/redis:7.2');
    expect(normalizeImage('localhost:5000/team/app')).toBe('localhost:5000/team/app:latest');
    expect(normalizeImage('ghcr.io/acme/api@sha256:abc')).toBe('ghcr.io/acme/api@sha256:abc');
    const { cluster, call } = setup({
      registry: { images: ['nginx:latest', 'redis'] },
      deployments: [
        { name: 'web', namespace: 'app', containers: [{ name: 'web', image: 'nginx' }] },
        { name: 'cache', namespace: 'app', containers: [{ name: 'cache', image: 'redis:7.2' }] },
        {
          name: 'cache2',
          namespace: 'app',
          containers: [{ name: 'cache', image: 'docker.io/library/redis:latest' }],
        },
      ],
    });
    cluster.advance(60);
    const pods = await call('list_pods', { namespace: 'app' });
    expect(pods).toMatch(/web-\S+\s+1\/1\s+Running/);
    expect(pods).toMatch(/cache2-\S+\s+1\/1\s+Running/);
    expect(pods).toMatch(/cache-[a-z0-9]+-[a-z0-9]+\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/);
  });

  it('describe_pod names the claim of a PersistentVolumeClaim volume as kubectl does', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'db',
          namespace: 'app',
          containers: [{ name: 'db', image: 'postgres:16' }],
          volumes: [
            { name: 'data', persistentVolumeClaim: { claimName: 'db-data' } },
            { name: 'conf', configMap: { name: 'db-conf' } },
          ],
        },
      ],
      objects: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'db-conf', namespace: 'app' }, data: {} },
      ],
    });
    const pod = cluster.listNow({ kind: 'Pod', namespace: 'app' })[0]!.metadata!.name!;
    const text = await call('describe_pod', { namespace: 'app', name: pod });
    expect(text).toMatch(
      /Volumes:\n\s+data:\n\s+Type:\s+PersistentVolumeClaim .*\n\s+ClaimName:\s+db-data\n/,
    );
    expect(text).toMatch(/conf:\n\s+Type:\s+ConfigMap .*\n\s+Name:\s+db-conf/);
  });

  it('list_pods counts init container restarts while the pod is stuck in Init:CrashLoopBackOff', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'web',
          namespace: 'app',
          initContainers: [
            {
              name: 'migrate',
              image: 'web:2',
              behavior: { crash: { exitCode: 1, logs: ['migration failed'] } },
            },
          ],
          containers: [{ name: 'web', image: 'web:2' }],
        },
      ],
    });
    cluster.advance(900);
    const row = (await call('list_pods', { namespace: 'app' }))
      .split('\n')
      .find((l) => l.startsWith('web-'))!;
    expect(row).toMatch(/Init:(CrashLoopBackOff|Error)/);
    const restarts = Number(/Init:\S+\s+(\d+)/.exec(row)?.[1]);
    expect(restarts).toBeGreaterThanOrEqual(5);
  });

  it('during a rollout READY and AVAILABLE agree when minReadySeconds is 0, as in Kubernetes', async () => {
    const { cluster, call } = setup({
      deployments: [
        { name: 'api', namespace: 'app', replicas: 3, containers: [{ name: 'api', image: 'api:1' }] },
      ],
    });
    await call('set_image', { namespace: 'app', deployment: 'api', container: 'api', image: 'api:2' });
    for (let i = 0; i < 12; i++) {
      const d = cluster.getNow({
        kind: 'Deployment',
        name: 'api',
        namespace: 'app',
      }) as unknown as Deployment;
      expect(d.status?.availableReplicas ?? 0).toBe(d.status?.readyReplicas ?? 0);
      cluster.advance(5);
    }
  });

  it('get_pod_logs without a container reads the default container of a two-container pod and says so', async () => {
    const { call, cluster } = setup({
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          annotations: {},
          containers: [
            { name: 'api', image: 'api:1', behavior: { logs: ['listening on :8080'] } },
            { name: 'envoy', image: 'envoy:1', behavior: { logs: ['envoy ready'] } },
          ],
        },
      ],
    });
    const pod = cluster.listNow({ kind: 'Pod', namespace: 'app' })[0]!.metadata!.name!;
    const text = await call('get_pod_logs', { namespace: 'app', name: pod });
    expect(text).toContain('Defaulted container "api" out of: api, envoy');
    expect(text).toContain('listening on :8080');
    expect(await call('get_pod_logs', { namespace: 'app', name: pod, container: 'envoy' })).toBe(
      'envoy ready',
    );
  });

  it('settle() lets a rollout finish before the world is judged, and does nothing when none is running', async () => {
    const { cluster, call } = setup({
      deployments: [
        { name: 'api', namespace: 'app', replicas: 4, containers: [{ name: 'api', image: 'api:1' }] },
      ],
    });
    expect(cluster.settle()).toBe(0);
    await call('set_image', { namespace: 'app', deployment: 'api', container: 'api', image: 'api:2' });
    const moved = cluster.settle();
    expect(moved).toBeLessThanOrEqual(660);
    const d = cluster.getNow({ kind: 'Deployment', name: 'api', namespace: 'app' }) as unknown as Deployment;
    expect(d.status?.updatedReplicas).toBe(4);
    expect(d.status?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe(
      'NewReplicaSetAvailable',
    );
  });
});
