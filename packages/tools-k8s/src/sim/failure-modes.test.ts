import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { k8sTools } from '../tools/k8s-tools.js';
import { createSimCluster, type SimCluster } from './sim-cluster.js';
import type { WorldInput } from './world-schema.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

function setup(world: WorldInput) {
  const cluster = createSimCluster({
    namespaces: ['app'],
    nodes: [{ name: 'node-1', cpu: '2', memory: '8Gi' }],
    ...world,
  });
  const tools = new Map(k8sTools(cluster).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  return { cluster, call };
}

const pods = (c: SimCluster, selector: string) =>
  c.listNow({ kind: 'Pod', namespace: 'app', labelSelector: selector });
const podName = (c: SimCluster, selector: string) => pods(c, selector)[0]!.metadata!.name!;

describe('declared failure modes', () => {
  it('a missing environment variable crashes the container with its exit code and log line', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          containers: [
            {
              name: 'api',
              image: 'api:1.0',
              behavior: {
                requiredEnv: [
                  { name: 'DATABASE_URL', logs: ['FATAL: DATABASE_URL is not set'], exitCode: 3 },
                ],
              },
            },
          ],
        },
      ],
    });
    cluster.advance(120);
    const name = podName(cluster, 'app=api');
    expect(await call('list_pods', { namespace: 'app' })).toMatch(/CrashLoopBackOff|Running/);
    expect(await call('describe_pod', { namespace: 'app', name })).toMatch(
      /Reason:\s+Error\n\s+Exit Code:\s+3/,
    );
    expect(await call('get_pod_logs', { namespace: 'app', name, previous: true })).toBe(
      'FATAL: DATABASE_URL is not set',
    );
    expect(await call('get_events', { namespace: 'app', kind: 'Pod' })).toMatch(/BackOff/);
  });

  it('an init container whose command is not in the image exits 127 and holds the pod in Init', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'web',
          namespace: 'app',
          initContainers: [
            {
              name: 'migrate',
              image: 'web:2',
              command: ['migrat'],
              behavior: { executables: ['migrate', 'web'] },
            },
          ],
          containers: [{ name: 'web', image: 'web:2' }],
        },
      ],
    });
    cluster.advance(60);
    const name = podName(cluster, 'app=web');
    expect(await call('list_pods', { namespace: 'app' })).toMatch(/Init:(CrashLoopBackOff|Error)/);
    const text = await call('describe_pod', { namespace: 'app', name });
    expect(text).toMatch(/Init Containers:\n\s+migrate:/);
    expect(text).toMatch(/Exit Code:\s+127/);
    expect(
      await call('get_pod_logs', { namespace: 'app', name, container: 'migrate', previous: true }),
    ).toContain('migrat: not found');
  });

  it('an image missing from the registry backs off, and set_image to a present tag fixes it', async () => {
    const { cluster, call } = setup({
      registry: { images: ['shop/cart:1.8.3'], denied: ['private.example.com/'] },
      deployments: [
        { name: 'cart', namespace: 'app', containers: [{ name: 'cart', image: 'shop/cart:1.8.4' }] },
        {
          name: 'billing',
          namespace: 'app',
          containers: [{ name: 'billing', image: 'private.example.com/billing:1' }],
        },
      ],
    });
    cluster.advance(60);
    const listing = await call('list_pods', { namespace: 'app' });
    expect(listing).toMatch(/cart-\S+\s+0\/1\s+ImagePullBackOff/);
    const events = await call('get_events', { namespace: 'app' });
    expect(events).toContain('shop/cart:1.8.4: not found');
    expect(events).toContain('pull access denied');
    await call('set_image', {
      namespace: 'app',
      deployment: 'cart',
      container: 'cart',
      image: 'shop/cart:1.8.3',
    });
    cluster.advance(60);
    expect(await call('list_pods', { namespace: 'app', labelSelector: 'app=cart' })).toMatch(
      /1\/1\s+Running\s+0/,
    );
  });

  it('an unmatched nodeSelector and too little cpu leave pods Pending with FailedScheduling', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'gpu',
          namespace: 'app',
          nodeSelector: { accelerator: 'a100' },
          containers: [{ name: 'gpu', image: 'gpu:1' }],
        },
        {
          name: 'big',
          namespace: 'app',
          containers: [{ name: 'big', image: 'big:1', resources: { requests: { cpu: '3' } } }],
        },
      ],
    });
    const events = await call('get_events', { namespace: 'app', kind: 'Pod' });
    expect(events).toMatch(
      /FailedScheduling.*0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector/,
    );
    expect(events).toMatch(/FailedScheduling.*1 Insufficient cpu/);
    expect(await call('list_pods', { namespace: 'app' })).toMatch(/big-\S+\s+0\/1\s+Pending/);
    await call('set_resources', {
      namespace: 'app',
      deployment: 'big',
      container: 'big',
      requests: { cpu: '500m' },
    });
    cluster.advance(60);
    expect(await call('list_pods', { namespace: 'app', labelSelector: 'app=big' })).toMatch(/1\/1\s+Running/);
  });

  it('a ResourceQuota that forbids the pods leaves none, with FailedCreate on the ReplicaSet', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'worker',
          namespace: 'app',
          replicas: 2,
          containers: [{ name: 'w', image: 'w:1', resources: { limits: { memory: '1Gi' } } }],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'mem', namespace: 'app' },
          spec: { hard: { 'limits.memory': '1536Mi' } },
        },
      ],
    });
    // The world declares two replicas, but only what the quota allows exists.
    expect(pods(cluster, 'app=worker').length).toBeLessThan(2);
    await call('scale_deployment', { namespace: 'app', name: 'worker', replicas: 3 });
    const events = await call('get_events', { namespace: 'app', kind: 'ReplicaSet' });
    expect(events).toMatch(
      /FailedCreate.*exceeded quota: mem, requested: limits\.memory=1024Mi, used: limits\.memory=1024Mi, limited: limits\.memory=1536Mi/,
    );
    expect(await call('describe_deployment', { namespace: 'app', name: 'worker' })).toMatch(
      /ReplicaFailure\s+True\s+FailedCreate/,
    );
    expect(await call('list_resources', { kind: 'quota', namespace: 'app' })).toContain(
      'limits.memory: 1024Mi/1536Mi',
    );
  });

  it('a missing ConfigMap or Secret is CreateContainerConfigError', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          containers: [
            {
              name: 'api',
              image: 'api:1',
              env: { DB_PASSWORD: { secretKeyRef: { name: 'db', key: 'password' } } },
            },
          ],
        },
      ],
    });
    const name = podName(cluster, 'app=api');
    expect(await call('list_pods', { namespace: 'app' })).toContain('CreateContainerConfigError');
    expect(await call('describe_pod', { namespace: 'app', name })).toContain(
      "DB_PASSWORD:  <set to the key 'password' in secret 'db'>",
    );
    expect(await call('get_events', { namespace: 'app' })).toContain('Error: secret "db" not found');
  });

  it('a liveness probe on the wrong port restarts the container with Unhealthy events', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'web',
          namespace: 'app',
          containers: [
            {
              name: 'web',
              image: 'web:1',
              ports: [8080],
              livenessProbe: {
                httpGet: { path: '/healthz', port: 8081 },
                periodSeconds: 10,
                failureThreshold: 3,
              },
              behavior: { listenPorts: [8080] },
            },
          ],
        },
      ],
    });
    cluster.advance(300);
    const events = await call('get_events', { namespace: 'app', kind: 'Pod' });
    expect(events).toMatch(
      /Unhealthy.*Liveness probe failed: Get "http:\/\/[\d.]+:8081\/healthz".*connection refused/,
    );
    expect(events).toContain('failed liveness probe, will be restarted');
    const status = pods(cluster, 'app=web')[0]!.status as { containerStatuses: { restartCount: number }[] };
    expect(status.containerStatuses[0]!.restartCount).toBeGreaterThan(1);
  });

  it('a service whose selector matches nothing has no endpoints; a named targetPort that no container has, none either', async () => {
    const { call } = setup({
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          labels: { app: 'api-v2' },
          containers: [{ name: 'api', image: 'api:1', ports: [8080] }],
        },
      ],
      services: [
        { name: 'api', namespace: 'app', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] },
        {
          name: 'api-v2',
          namespace: 'app',
          selector: { app: 'api-v2' },
          ports: [{ port: 80, targetPort: 'http' }],
        },
        {
          name: 'api-ok',
          namespace: 'app',
          selector: { app: 'api-v2' },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      ],
    });
    expect(await call('describe_service', { namespace: 'app', name: 'api' })).toMatch(/Endpoints:\s+<none>/);
    expect(await call('describe_service', { namespace: 'app', name: 'api-v2' })).toMatch(
      /Endpoints:\s+<none>/,
    );
    expect(await call('describe_service', { namespace: 'app', name: 'api-ok' })).toMatch(
      /Endpoints:\s+10\.244\.\d+\.\d+:8080/,
    );
  });

  it('describe_service prints an ExternalName, a load balancer address and the traffic policies, as kubectl does', async () => {
    const { call } = setup({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'db', namespace: 'app' },
          spec: { type: 'ExternalName', externalName: 'db.example.internal' },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'gw', namespace: 'app' },
          spec: {
            type: 'LoadBalancer',
            externalTrafficPolicy: 'Local',
            internalTrafficPolicy: 'Local',
            ports: [{ port: 443 }],
          },
          status: { loadBalancer: { ingress: [{ hostname: 'gw.elb.example' }] } },
        },
      ],
    });
    expect(await call('describe_service', { namespace: 'app', name: 'db' })).toMatch(
      /External Name:\s+db\.example\.internal/,
    );
    const gw = await call('describe_service', { namespace: 'app', name: 'gw' });
    expect(gw).toMatch(/LoadBalancer Ingress: gw\.elb\.example/);
    expect(gw).toMatch(/External Traffic Policy: Local/);
    expect(gw).toMatch(/Internal Traffic Policy: Local/);
  });

  it('an object being deleted lists as Terminating and describes its deletion and finalizers, as kubectl does', async () => {
    const { call } = setup({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: {
            name: 'scratch',
            namespace: 'app',
            deletionTimestamp: '2026-01-01T00:00:00Z',
            finalizers: ['kubernetes.io/pvc-protection'],
          },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          status: { phase: 'Bound' },
        },
      ],
    });
    expect(await call('list_resources', { kind: 'PersistentVolumeClaim', namespace: 'app' })).toMatch(
      /scratch\s+Terminating/,
    );
    const d = await call('describe_resource', {
      kind: 'PersistentVolumeClaim',
      namespace: 'app',
      name: 'scratch',
    });
    expect(d).toMatch(/Status:\s+Terminating \(lasts /);
    expect(d).toMatch(/Finalizers:\s+\[kubernetes\.io\/pvc-protection\]/);
  });

  it('cpu need above the limit shows as usage pinned at the limit', async () => {
    const { call } = setup({
      deployments: [
        {
          name: 'calc',
          namespace: 'app',
          containers: [
            {
              name: 'calc',
              image: 'calc:1',
              resources: { limits: { cpu: '500m' } },
              behavior: { cpu: { need: '2' } },
            },
          ],
        },
      ],
    });
    expect(await call('get_pod_metrics', { namespace: 'app' })).toContain('cpu 500m / limit 500m (100%)');
  });

  it('disk full: declared logs and a PVC read through the generic tools', async () => {
    const { call } = setup({
      pods: [
        {
          name: 'postgres-0',
          namespace: 'app',
          containers: [{ name: 'postgres', image: 'postgres:16' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-postgres-0' } }],
          logs: [
            'LOG:  checkpoint starting',
            'PANIC:  could not write to file "pg_wal/xlogtemp.123": No space left on device',
          ],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'data-postgres-0', namespace: 'app' },
          spec: { resources: { requests: { storage: '10Gi' } }, accessModes: ['ReadWriteOnce'] },
          status: { phase: 'Bound', capacity: { storage: '10Gi' } },
        },
      ],
    });
    expect(await call('get_pod_logs', { namespace: 'app', name: 'postgres-0' })).toContain(
      'No space left on device',
    );
    expect(await call('list_resources', { kind: 'pvc', namespace: 'app' })).toMatch(
      /data-postgres-0\s+Bound/,
    );
    expect(
      await call('describe_resource', {
        kind: 'PersistentVolumeClaim',
        name: 'data-postgres-0',
        namespace: 'app',
      }),
    ).toContain('resources.requests.storage: 10Gi');
  });

  it('a bad rollout: the new revision crashes, the old pods keep serving, rollback restores health', async () => {
    const { cluster, call } = setup({
      deployments: [
        {
          name: 'shop',
          namespace: 'app',
          replicas: 2,
          containers: [
            {
              name: 'shop',
              image: 'shop:1.1',
              behavior: {
                byImage: {
                  'shop:1.2': { crash: { exitCode: 1, logs: ['panic: nil map in config loader'] } },
                },
              },
            },
          ],
        },
      ],
    });
    await call('set_image', { namespace: 'app', deployment: 'shop', container: 'shop', image: 'shop:1.2' });
    cluster.advance(300);
    const listing = await call('list_pods', { namespace: 'app' });
    const names = pods(cluster, 'app=shop').map((p) => p.metadata!.name!);
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(listing).toMatch(/CrashLoopBackOff|Running\s+[1-9]/);
    expect(await call('describe_deployment', { namespace: 'app', name: 'shop' })).toMatch(
      /OldReplicaSets:\s+shop-\w+ \(\d\/\d replicas created\)/,
    );
    expect(await call('rollback_deployment', { namespace: 'app', name: 'shop' })).toContain(
      'rolled back to revision 1 (shop=shop:1.1)',
    );
    cluster.advance(300);
    const after = pods(cluster, 'app=shop');
    expect(after).toHaveLength(2);
    for (const p of after) {
      expect((p.spec as { containers: { image: string }[] }).containers[0]!.image).toBe('shop:1.1');
      expect(
        (p.status as { containerStatuses: { restartCount: number }[] }).containerStatuses[0]!.restartCount,
      ).toBe(0);
    }
  });
});

describe('generic kinds', () => {
  it('serves any declared kind through the generic tools, custom ones included', async () => {
    const { cluster, call } = setup({
      objects: [
        {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'api', namespace: 'app' },
          spec: { minReplicas: 2, maxReplicas: 2, scaleTargetRef: { kind: 'Deployment', name: 'api' } },
          status: {
            currentReplicas: 2,
            desiredReplicas: 2,
            conditions: [{ type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas' }],
          },
        },
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w1', namespace: 'app' },
          spec: { size: 3 },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db', namespace: 'app' },
          spec: { replicas: 1 },
          status: { replicas: 1, readyReplicas: 0 },
        },
      ],
    });
    expect(await call('list_resources', { kind: 'hpa', namespace: 'app' })).toMatch(/api\s+ScalingLimited/);
    expect(await call('get_resource', { kind: 'widget', name: 'w1', namespace: 'app' })).toContain('size: 3');
    expect(await call('list_resources', { kind: 'statefulsets', namespace: 'app' })).toMatch(
      /db\s+0\/1 ready/,
    );
    expect(cluster.kindList().some((k) => k.kind === 'Widget' && k.plural === 'widgets')).toBe(true);
    await expect(call('get_resource', { kind: 'gadget', name: 'x', namespace: 'app' })).rejects.toThrow(
      `the server doesn't have a resource type "gadget"`,
    );
  });
});

describe('worlds written as plain manifests', () => {
  it('a Deployment manifest gets its ReplicaSet and settled pods, with behaviour from `behaviors`', async () => {
    const { cluster, call } = setup({
      behaviors: { 'api/api': { memory: { need: '900Mi' }, logs: ['api up'] } },
      objects: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'app', creationTimestamp: '2026-01-10T10:00:00Z' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'api' } },
            template: {
              metadata: { labels: { app: 'api' } },
              spec: {
                containers: [{ name: 'api', image: 'api:3', resources: { limits: { memory: '1Gi' } } }],
              },
            },
          },
        },
      ],
    });
    const listing = await call('list_pods', { namespace: 'app' });
    expect(listing.match(/api-\w+-\w{5}\s+1\/1\s+Running\s+0\s+60m/g)).toHaveLength(2);
    expect(await call('list_deployments', { namespace: 'app' })).toMatch(/api\s+2\/2\s+2\s+2\s+5d/);
    expect(await call('get_events', { namespace: 'app' })).toContain('No events found');
    const name = podName(cluster, 'app=api');
    expect(await call('get_pod_logs', { namespace: 'app', name })).toBe('api up');
    // Behaviour comes with the manifest: a limit below the need OOMs the replacement.
    await call('set_resources', {
      namespace: 'app',
      deployment: 'api',
      container: 'api',
      limits: { memory: '512Mi' },
    });
    cluster.advance(300);
    expect(await call('list_pods', { namespace: 'app' })).toMatch(
      /OOMKilled|CrashLoopBackOff|Running\s+[1-9]/,
    );
  });
});

describe('more declared faults', () => {
  it('a readiness probe on the wrong port keeps the pod unready and out of the endpoints', async () => {
    const { call } = setup({
      deployments: [
        {
          name: 'web',
          namespace: 'app',
          containers: [
            {
              name: 'web',
              image: 'web:1',
              ports: [8080],
              readinessProbe: { tcpSocket: { port: 9090 } },
              behavior: { listenPorts: [8080] },
            },
          ],
        },
      ],
      services: [
        { name: 'web', namespace: 'app', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      ],
    });
    expect(await call('list_pods', { namespace: 'app' })).toMatch(/web-\S+\s+0\/1\s+Running/);
    const svc = await call('describe_service', { namespace: 'app', name: 'web' });
    expect(svc).toMatch(/Endpoints:\s+<none>/);
    expect(svc).toMatch(/NotReadyEndpoints: 10\.244\.\d+\.\d+ \(web-/);
    expect(await call('get_events', { namespace: 'app' })).toContain('Readiness probe failed');
  });

  it('a missing ConfigMap volume leaves the pod ContainerCreating with FailedMount', async () => {
    const { call } = setup({
      deployments: [
        {
          name: 'web',
          namespace: 'app',
          volumes: [{ name: 'conf', configMap: { name: 'web-conf' } }],
          containers: [
            { name: 'web', image: 'web:1', volumeMounts: [{ name: 'conf', mountPath: '/etc/web' }] },
          ],
        },
      ],
    });
    expect(await call('list_pods', { namespace: 'app' })).toMatch(/0\/1\s+ContainerCreating/);
    expect(await call('get_events', { namespace: 'app' })).toContain(
      'MountVolume.SetUp failed for volume "conf" : configmap "web-conf" not found',
    );
  });

  it('a NoSchedule taint keeps untolerating pods off the node; a pull secret lifts a pull denial', async () => {
    const { call } = setup({
      nodes: [{ name: 'tainted', taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] }],
      registry: { denied: ['private.example.com/'] },
      deployments: [
        { name: 'api', namespace: 'app', containers: [{ name: 'api', image: 'api:1' }] },
        {
          name: 'db',
          namespace: 'app',
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db' }],
          imagePullSecrets: [{ name: 'regcred' }],
          containers: [{ name: 'db', image: 'private.example.com/db:1' }],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'regcred', namespace: 'app' },
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': 'e30=' },
        },
      ],
    });
    expect(await call('get_events', { namespace: 'app' })).toContain(
      '1 node(s) had untolerated taint {dedicated: db}',
    );
    expect(await call('list_pods', { namespace: 'app', labelSelector: 'app=db' })).toMatch(/1\/1\s+Running/);
  });

  it("an image built for other platforms than the node's: no match for platform in manifest", async () => {
    const { cluster, call } = setup({
      nodes: [
        { name: 'graviton-1', labels: { 'kubernetes.io/arch': 'arm64' } },
        { name: 'x86-1', labels: { pool: 'x86' } },
      ],
      registry: { platforms: { 'media/thumbs:4.4.0': ['linux/amd64'] } },
      deployments: [
        {
          name: 'thumbs',
          namespace: 'app',
          nodeSelector: { 'kubernetes.io/arch': 'arm64' },
          containers: [{ name: 'thumbs', image: 'media/thumbs:4.4.0' }],
        },
        {
          name: 'thumbs-x86',
          namespace: 'app',
          nodeSelector: { pool: 'x86' },
          containers: [{ name: 'thumbs', image: 'media/thumbs:4.4.0' }],
        },
      ],
    });
    cluster.advance(60);
    expect(await call('get_events', { namespace: 'app' })).toContain(
      'failed to pull and unpack image "media/thumbs:4.4.0": no match for platform in manifest: not found',
    );
    // Nodes carry kubernetes.io/arch (amd64 unless declared): the amd64 node runs it.
    expect(await call('list_pods', { namespace: 'app', labelSelector: 'app=thumbs-x86' })).toMatch(
      /1\/1\s+Running/,
    );
  });

  it('a pull secret missing from the namespace: FailedToRetrieveImagePullSecret naming it, then the denial', async () => {
    const { cluster, call } = setup({
      registry: { denied: ['private.example.com/'] },
      deployments: [
        {
          name: 'db',
          namespace: 'app',
          imagePullSecrets: [{ name: 'regcred' }, { name: 'other' }],
          containers: [{ name: 'db', image: 'private.example.com/db:1' }],
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'other', namespace: 'app' },
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': 'e30=' },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'regcred', namespace: 'default' },
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': 'e30=' },
        },
      ],
    });
    cluster.advance(300);
    const events = await call('get_events', { namespace: 'app' });
    expect(events).toContain(
      'Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.',
    );
    expect(events).toContain('FailedToRetrieveImagePullSecret');
  });
});

describe('pod manifests with a status', () => {
  it('keep their declared status as facts, with logs from the behaviour of their containers', async () => {
    const { call } = setup({
      behaviors: { 'nightly-report-29x8k/report': { logs: ['starting report', 'Killed'] } },
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'nightly-report-29x8k',
            namespace: 'app',
            creationTimestamp: '2026-01-15T08:00:00Z',
          },
          spec: {
            nodeName: 'node-1',
            containers: [{ name: 'report', image: 'report:1', resources: { limits: { memory: '256Mi' } } }],
          },
          status: {
            phase: 'Running',
            podIP: '10.244.9.9',
            containerStatuses: [
              {
                name: 'report',
                ready: false,
                restartCount: 5,
                state: { waiting: { reason: 'CrashLoopBackOff' } },
                lastState: {
                  terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-01-15T09:58:00Z' },
                },
              },
            ],
          },
        },
      ],
    });
    expect(await call('list_pods', { namespace: 'app' })).toMatch(
      /nightly-report-29x8k\s+0\/1\s+CrashLoopBackOff\s+5 \(2m\d*s? ago\)\s+120m\s+10\.244\.9\.9\s+node-1/,
    );
    expect(await call('get_pod_logs', { namespace: 'app', name: 'nightly-report-29x8k' })).toBe(
      'starting report\nKilled',
    );
    expect(await call('describe_pod', { namespace: 'app', name: 'nightly-report-29x8k' })).toMatch(
      /Reason:\s+OOMKilled/,
    );
  });
});

describe('declared facts and derived events', () => {
  it('declared logs alone do not silence the events a crash derives; a declared state does', async () => {
    const { cluster, call } = setup({
      pods: [
        {
          name: 'ledger-0',
          namespace: 'app',
          age: '2h',
          containers: [
            {
              name: 'db',
              image: 'db:1',
              behavior: { crash: { exitCode: 1, logs: ['No space left on device'] } },
            },
          ],
          logs: ['FATAL: could not write lock file: No space left on device'],
        },
        {
          name: 'ledger-1',
          namespace: 'app',
          age: '2h',
          containers: [{ name: 'db', image: 'db:1', behavior: { crash: { exitCode: 1 } } }],
          restarts: 2,
          state: { running: {} },
        },
      ],
    });
    cluster.advance(30);
    const events = await call('get_events', { namespace: 'app', kind: 'Pod' });
    expect(events).toMatch(/BackOff\s+pod\/ledger-0/);
    expect(events).not.toContain('pod/ledger-1');
    expect(await call('get_pod_logs', { namespace: 'app', name: 'ledger-0' })).toContain(
      'could not write lock file',
    );
  });
});
