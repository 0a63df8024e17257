import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import { describePod } from '../tools/describe.js';
import type { Deployment, KubeEvent, Pod } from '../types.js';
import { limitRangeRefusal } from './admission.js';
import { daemonPodTolerations, nodeShouldRun } from './daemonset-controller.js';
import { type Taint, tolerates, untoleratedTaint } from './scheduler.js';
import { createSimCluster } from './sim-cluster.js';

const NOW = '2026-01-15T10:00:00Z';
const defaultClass = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: 'ebs.csi.aws.com',
  volumeBindingMode: 'Immediate',
};
const statefulSet = (spec: Record<string, unknown> = {}, name = 'web') => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name, namespace: 'db', creationTimestamp: '2026-01-10T10:00:00Z' },
  spec: {
    replicas: 3,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: 'db', image: 'acme/db:1', readinessProbe: { tcpSocket: { port: 5432 } } }],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
    ...spec,
  },
});
const daemonSet = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'obs', creationTimestamp: '2026-01-10T10:00:00Z' },
  spec: {
    selector: { matchLabels: { app: 'agent' } },
    template: {
      metadata: { labels: { app: 'agent' } },
      spec: { containers: [{ name: 'agent', image: 'acme/agent:1' }] },
    },
    ...spec,
  },
});
const nodes = [
  { name: 'n1', cpu: '4', memory: '16Gi' },
  { name: 'n2', cpu: '4', memory: '16Gi' },
  {
    name: 'gpu1',
    cpu: '4',
    memory: '16Gi',
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
  },
];
type Cluster = ReturnType<typeof createSimCluster>;
/** A cluster of namespace db on the three nodes, the web StatefulSet's program listening on 5432 (or nowhere). */
const dbCluster = (objects: unknown[], { listening = true }: { listening?: boolean } = {}) =>
  createSimCluster({
    now: NOW,
    namespaces: ['db'],
    nodes,
    behaviors: { 'web/db': { listenPorts: listening ? [5432] : [] } },
    objects,
  } as never);

const pods = (c: Cluster, ns: string) => c.listNow({ kind: 'Pod', namespace: ns }) as unknown as Pod[];
const names = (c: Cluster, ns: string) => pods(c, ns).map((p) => p.metadata.name);
const events = (c: Cluster, ns: string, kind: string) =>
  (c.listNow({ kind: 'Event', namespace: ns }) as unknown as KubeEvent[])
    .filter((e) => e.involvedObject.kind === kind)
    .map((e) => `${e.reason}: ${e.message}`);
const status = (c: Cluster, kind: string, name: string, namespace: string) =>
  c.getNow({ kind, name, namespace }).status as Record<string, unknown>;
const scale = (c: Cluster, replicas: number) =>
  c.patch(
    { kind: 'StatefulSet', name: 'web', namespace: 'db' },
    { type: 'merge', body: { spec: { replicas } } },
  );
const setImage = (c: Cluster, kind: string, name: string, ns: string, container: string, image: string) =>
  c.patch(
    { kind, name, namespace: ns },
    {
      type: 'strategic',
      body: { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
    },
  );

describe('the StatefulSet controller', () => {
  it('makes <set>-<ordinal> pods with their claims, as they stood before the world started', () => {
    const c = dbCluster([defaultClass, statefulSet()]);
    expect(names(c, 'db')).toEqual(['web-0', 'web-1', 'web-2']);
    const p = pods(c, 'db')[1]!;
    expect(p.status?.phase).toBe('Running');
    expect(p.metadata.labels).toMatchObject({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    expect(p.metadata.labels?.['controller-revision-hash']).toMatch(/^web-[a-z0-9]{9,10}$/);
    expect(p.metadata.generateName).toBeUndefined();
    expect(p.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'StatefulSet',
      name: 'web',
      controller: true,
    });
    expect(p.spec).toMatchObject({ hostname: 'web-1', subdomain: 'web' });
    expect(p.spec.volumes).toContainEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-web-1' },
    });
    const claims = c.listNow({ kind: 'PersistentVolumeClaim', namespace: 'db' }) as KubeObject[];
    expect(claims.map((x) => [x.metadata?.name, (x.status as { phase?: string }).phase])).toEqual([
      ['data-web-0', 'Bound'],
      ['data-web-1', 'Bound'],
      ['data-web-2', 'Bound'],
    ]);
    expect(claims[0]?.metadata?.labels).toEqual({ app: 'web' });
    expect(status(c, 'StatefulSet', 'web', 'db')).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
    // What happened before the world started is not news.
    expect(events(c, 'db', 'StatefulSet')).toEqual([]);
  });

  it('OrderedReady: a pod that never becomes Ready holds back every higher ordinal', () => {
    const c = dbCluster([defaultClass, statefulSet()], { listening: false });
    expect(names(c, 'db')).toEqual(['web-0']);
    c.advance(600);
    expect(names(c, 'db')).toEqual(['web-0']);
    expect(status(c, 'StatefulSet', 'web', 'db')).toMatchObject({ replicas: 1, readyReplicas: 0 });
  });

  it('Parallel makes every pod at once', () => {
    const c = dbCluster([defaultClass, statefulSet({ podManagementPolicy: 'Parallel' })], {
      listening: false,
    });
    expect(names(c, 'db')).toEqual(['web-0', 'web-1', 'web-2']);
  });

  it('scales up from the lowest missing ordinal, and down from the highest, keeping the claims', async () => {
    const c = dbCluster([defaultClass, statefulSet()]);
    await scale(c, 5);
    c.settle();
    expect(names(c, 'db')).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    // (A pod whose program is up at once is Ready at once here, so the two came in one instant, in order.)
    expect(events(c, 'db', 'StatefulSet')).toContain(
      'SuccessfulCreate: create Pod web-3 in StatefulSet web successful',
    );
    expect(events(c, 'db', 'StatefulSet')).toContain(
      'SuccessfulCreate: create Claim data-web-3 Pod web-3 in StatefulSet web success',
    );
    await scale(c, 2);
    c.settle();
    expect(names(c, 'db')).toEqual(['web-0', 'web-1']);
    const deleted = events(c, 'db', 'StatefulSet').filter((e) => e.startsWith('SuccessfulDelete'));
    expect(deleted.sort().reverse()).toEqual([
      'SuccessfulDelete: delete Pod web-4 in StatefulSet web successful',
      'SuccessfulDelete: delete Pod web-3 in StatefulSet web successful',
      'SuccessfulDelete: delete Pod web-2 in StatefulSet web successful',
    ]);
    // The claims stay (persistentVolumeClaimRetentionPolicy Retain).
    expect(c.listNow({ kind: 'PersistentVolumeClaim', namespace: 'db' })).toHaveLength(5);
  });

  it('rolls a new template from the highest ordinal; a revision that never gets Ready stops it, and reverting does not replace that pod', async () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['db'],
      nodes,
      registry: { images: ['acme/db:1', 'acme/db:2'] },
      behaviors: { 'web/db': { listenPorts: [5432] } },
      objects: [defaultClass, statefulSet()],
    } as never);
    await setImage(c, 'StatefulSet', 'web', 'db', 'db', 'acme/db:2');
    c.settle();
    expect(pods(c, 'db').map((p) => p.spec.containers[0]?.image)).toEqual([
      'acme/db:2',
      'acme/db:2',
      'acme/db:2',
    ]);
    expect(status(c, 'StatefulSet', 'web', 'db')).toMatchObject({ updatedReplicas: 3, readyReplicas: 3 });
    await setImage(c, 'StatefulSet', 'web', 'db', 'db', 'acme/db:3-typo');
    c.settle();
    const images = () => pods(c, 'db').map((p) => p.spec.containers[0]?.image);
    expect(images()).toEqual(['acme/db:2', 'acme/db:2', 'acme/db:3-typo']);
    expect(pods(c, 'db')[2]?.status?.containerStatuses?.[0]?.state?.waiting?.reason).toMatch(
      /ErrImagePull|ImagePullBackOff/,
    );
    await setImage(c, 'StatefulSet', 'web', 'db', 'db', 'acme/db:2');
    c.settle();
    expect(images()).toEqual(['acme/db:2', 'acme/db:2', 'acme/db:3-typo']);
    // Deleting the stuck pod by hand lets the controller make it again from the current template.
    await c.delete({ kind: 'Pod', name: 'web-2', namespace: 'db' });
    c.settle();
    expect(images()).toEqual(['acme/db:2', 'acme/db:2', 'acme/db:2']);
  });

  it('adopts the pods a world declared for its ordinals and makes none twice', () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['db'],
      nodes,
      behaviors: { 'web/db': { listenPorts: [5432] } },
      pods: [
        {
          name: 'web-0',
          namespace: 'db',
          labels: { app: 'web' },
          containers: [{ name: 'db', image: 'acme/db:1' }],
        },
      ],
      objects: [defaultClass, statefulSet({ replicas: 2, volumeClaimTemplates: [] })],
    } as never);
    expect(names(c, 'db')).toEqual(['web-0', 'web-1']);
    expect(pods(c, 'db')[0]?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'StatefulSet',
      name: 'web',
    });
  });

  it('a declared updateRevision names the declared template: its pods are up to date, in every copy of the world', () => {
    const world = {
      now: NOW,
      namespaces: ['db'],
      nodes,
      behaviors: { 'web/db': { listenPorts: [5432] } },
      pods: ['web-0', 'web-1'].map((name) => ({
        name,
        namespace: 'db',
        labels: { app: 'web', 'controller-revision-hash': 'web-5f6b8d7c9a' },
        containers: [{ name: 'db', image: 'acme/db:1' }],
      })),
      objects: [
        {
          ...statefulSet({ replicas: 2, volumeClaimTemplates: [] }),
          status: {
            replicas: 2,
            readyReplicas: 2,
            currentRevision: 'web-5f6b8d7c9a',
            updateRevision: 'web-5f6b8d7c9a',
          },
        },
      ],
    };
    for (let i = 0; i < 3; i++) {
      const c = createSimCluster(world);
      c.advance(900);
      expect(names(c, 'db')).toEqual(['web-0', 'web-1']);
      expect(events(c, 'db', 'StatefulSet')).toEqual([]);
      expect(
        (c.listNow({ kind: 'ControllerRevision', namespace: 'db' }) as KubeObject[]).map(
          (r) => r.metadata?.name,
        ),
      ).toEqual(['web-5f6b8d7c9a']);
    }
  });

  it('a LimitRange refusal is the controller FailedCreate event, with the API server words', () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['db'],
      nodes,
      behaviors: { 'web/db': { listenPorts: [5432] } },
      objects: [
        defaultClass,
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'caps', namespace: 'db' },
          spec: { limits: [{ type: 'Container', max: { memory: '4Gi' } }] },
        },
        statefulSet({
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [{ name: 'db', image: 'acme/db:1', resources: { limits: { memory: '8Gi' } } }],
            },
          },
        }),
      ],
    } as never);
    expect(names(c, 'db')).toEqual([]);
    expect(events(c, 'db', 'StatefulSet')).toContain(
      'FailedCreate: create Pod web-0 in StatefulSet web failed error: pods "web-0" is forbidden: maximum memory usage per Container is 4Gi, but limit is 8Gi',
    );
  });
});

describe('LimitRange admission', () => {
  const pod = (resources: Record<string, unknown> | undefined): Pod =>
    ({
      metadata: { name: 'p', generateName: 'api-7d9c-' },
      spec: { containers: [{ name: 'app', image: 'x', ...(resources ? { resources } : {}) }] },
    }) as Pod;
  const range = (limits: unknown[]): KubeObject => ({
    kind: 'LimitRange',
    metadata: { name: 'lr' },
    spec: { limits },
  });

  it.each([
    [
      { limits: { memory: '8Gi' } },
      [{ type: 'Container', max: { memory: '4Gi' } }],
      'maximum memory usage per Container is 4Gi, but limit is 8Gi',
    ],
    [
      undefined,
      [{ type: 'Container', min: { cpu: '100m' }, defaultRequest: { cpu: '50m' } }],
      'minimum cpu usage per Container is 100m, but request is 50m',
    ],
    [{ requests: { cpu: '1' } }, [{ type: 'Container', max: { cpu: '2' }, default: {} }], undefined],
    [
      { requests: { memory: '1Gi' }, limits: { memory: '4Gi' } },
      [{ type: 'Container', maxLimitRequestRatio: { memory: '2' } }],
      'memory max limit to request ratio per Container is 2, but provided ratio is 4.000000',
    ],
    [
      { limits: { memory: '3Gi' } },
      [{ type: 'Pod', max: { memory: '2Gi' } }],
      'maximum memory usage per Pod is 2Gi, but limit is 3Gi',
    ],
  ])('%j under %j', (resources, limits, refusal) => {
    const got = limitRangeRefusal(pod(resources as never), [range(limits)]);
    expect(got).toBe(refusal === undefined ? undefined : `pods "api-7d9c-" is forbidden: ${refusal}`);
  });

  it('writes the defaults into the containers: a missing limit is the default (else the max), a missing request the default request (else the limit)', () => {
    const p = pod(undefined);
    expect(
      limitRangeRefusal(p, [
        range([{ type: 'Container', max: { memory: '1Gi' }, defaultRequest: { cpu: '100m' } }]),
      ]),
    ).toBeUndefined();
    expect(p.spec.containers[0]?.resources).toEqual({
      requests: { memory: '1Gi', cpu: '100m' },
      limits: { memory: '1Gi' },
    });
    const own = pod({ limits: { memory: '512Mi' } });
    limitRangeRefusal(own, [range([{ type: 'Container', default: { memory: '1Gi' } }])]);
    expect(own.spec.containers[0]?.resources).toEqual({
      requests: { memory: '512Mi' },
      limits: { memory: '512Mi' },
    });
  });

  it('records what its defaults set in the pod annotation kubernetes.io/limit-ranger, as the plugin does', () => {
    const p = pod(undefined);
    limitRangeRefusal(p, [
      range([
        { type: 'Container', default: { memory: '256Mi', cpu: '1' }, defaultRequest: { memory: '128Mi' } },
      ]),
    ]);
    expect(p.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app',
    );
    const declared = pod({ requests: { memory: '1Gi' }, limits: { memory: '1Gi', cpu: '2' } });
    limitRangeRefusal(declared, [range([{ type: 'Container', default: { memory: '256Mi', cpu: '1' } }])]);
    expect(declared.metadata.annotations).toBeUndefined();
  });

  it('a default limit is what the kubelet enforces (a Deployment pod without one is OOM-killed at it)', () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['app'],
      nodes,
      objects: [
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'defaults', namespace: 'app' },
          spec: { limits: [{ type: 'Container', default: { memory: '256Mi' } }] },
        },
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'api', namespace: 'app', creationTimestamp: '2026-01-15T09:00:00Z' },
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: 'api' } },
            template: {
              metadata: { labels: { app: 'api' } },
              spec: { containers: [{ name: 'api', image: 'acme/api:1' }] },
            },
          },
        },
      ],
      behaviors: { 'api/api': { memory: { need: '400Mi' } } },
    } as never);
    const p = pods(c, 'app')[0]!;
    expect(p.spec.containers[0]?.resources?.limits).toEqual({ memory: '256Mi' });
    expect(JSON.stringify(p.status?.containerStatuses?.[0])).toContain('OOMKilled');
    // kubectl describe pod shows what the plugin set, under Annotations.
    expect(describePod(p, [], new Date(NOW))).toContain(
      'Annotations:      kubernetes.io/limit-ranger: LimitRanger plugin set: memory request for container api; memory limit for container api\n',
    );
  });
});

describe('the DaemonSet controller', () => {
  it('one pod per node it should run on; a node whose taint it does not tolerate gets none and is not counted', () => {
    const c = createSimCluster({ now: NOW, namespaces: ['obs'], nodes, objects: [daemonSet()] } as never);
    const ps = pods(c, 'obs');
    expect(ps.map((p) => p.spec.nodeName).sort()).toEqual(['n1', 'n2']);
    for (const p of ps) {
      expect(p.metadata.name).toMatch(/^agent-[a-z0-9]{5}$/);
      expect(p.status?.phase).toBe('Running');
      expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent' });
      expect(p.metadata.labels?.['controller-revision-hash']).toMatch(/^[a-z0-9]{9,10}$/);
      expect(JSON.stringify((p.spec as { affinity?: unknown }).affinity)).toContain(
        `"values":["${p.spec.nodeName}"]`,
      );
      expect(p.spec.tolerations).toContainEqual({
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
      });
    }
    expect(status(c, 'DaemonSet', 'agent', 'obs')).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 2,
      numberAvailable: 2,
      numberMisscheduled: 0,
      updatedNumberScheduled: 2,
    });
    expect(events(c, 'obs', 'DaemonSet')).toEqual([]);
  });

  it('a toleration of the taint puts a pod there too; a cordoned node still gets one; a node selector narrows it', () => {
    const tolerant = createSimCluster({
      now: NOW,
      namespaces: ['obs'],
      nodes: nodes.map((n) => (n.name === 'n2' ? { ...n, unschedulable: true } : n)),
      objects: [
        daemonSet({
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: {
              tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }],
              containers: [{ name: 'agent', image: 'acme/agent:1' }],
            },
          },
        }),
      ],
    } as never);
    expect(
      pods(tolerant, 'obs')
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(['gpu1', 'n1', 'n2']);
    const selected = createSimCluster({
      now: NOW,
      namespaces: ['obs'],
      nodes: nodes.map((n) => (n.name === 'n1' ? { ...n, labels: { pool: 'edge' } } : n)),
      objects: [
        daemonSet({
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: { nodeSelector: { pool: 'edge' }, containers: [{ name: 'agent', image: 'acme/agent:1' }] },
          },
        }),
      ],
    } as never);
    expect(pods(selected, 'obs').map((p) => p.spec.nodeName)).toEqual(['n1']);
    expect(status(selected, 'DaemonSet', 'agent', 'obs')).toMatchObject({ desiredNumberScheduled: 1 });
  });

  it('a node without room leaves its pod Pending with the scheduler message', () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['obs'],
      nodes: [{ name: 'n1', cpu: '1', memory: '4Gi' }],
      objects: [
        daemonSet({
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: {
              containers: [{ name: 'agent', image: 'acme/agent:1', resources: { requests: { cpu: '2' } } }],
            },
          },
        }),
      ],
    } as never);
    const p = pods(c, 'obs')[0]!;
    expect(p.status?.phase).toBe('Pending');
    expect(JSON.stringify(p.status?.conditions)).toContain('Insufficient cpu');
    expect(status(c, 'DaemonSet', 'agent', 'obs')).toMatchObject({
      desiredNumberScheduled: 1,
      currentNumberScheduled: 1,
      numberReady: 0,
      numberUnavailable: 1,
    });
  });

  it('rolls a new template node by node, each once the others are available', async () => {
    const c = createSimCluster({ now: NOW, namespaces: ['obs'], nodes, objects: [daemonSet()] } as never);
    await setImage(c, 'DaemonSet', 'agent', 'obs', 'agent', 'acme/agent:2');
    c.settle();
    expect(pods(c, 'obs').map((p) => p.spec.containers[0]?.image)).toEqual(['acme/agent:2', 'acme/agent:2']);
    expect(status(c, 'DaemonSet', 'agent', 'obs')).toMatchObject({
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    });
    expect(events(c, 'obs', 'DaemonSet').filter((e) => e.startsWith('SuccessfulDelete'))).toHaveLength(2);
  });
});

describe('taints and tolerations', () => {
  const taint: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each([
    [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
    [{ key: 'dedicated', value: 'gpu' }, true],
    [{ key: 'dedicated', value: 'cpu' }, false],
    [{ key: 'dedicated', operator: 'Exists' }, true],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ operator: 'Exists' }, true],
    [{ operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, true],
    [{ value: 'gpu' }, false],
  ])('%j tolerates dedicated=gpu:NoSchedule: %s', (tol, want) => {
    expect(tolerates(tol, taint)).toBe(want);
  });

  it('PreferNoSchedule does not filter; a daemon pod tolerates the node conditions and a cordon', () => {
    expect(untoleratedTaint([{ key: 'a', effect: 'PreferNoSchedule' }], [])).toBeUndefined();
    const conditions = ['not-ready', 'unreachable', 'disk-pressure', 'memory-pressure', 'unschedulable'].map(
      (k) => ({
        key: `node.kubernetes.io/${k}`,
        effect: k.endsWith('ready') || k === 'unreachable' ? 'NoExecute' : 'NoSchedule',
      }),
    );
    expect(untoleratedTaint(conditions, daemonPodTolerations(false))).toBeUndefined();
    const node = { metadata: { name: 'n' }, spec: { taints: [{ key: 'x', effect: 'NoExecute' }] } } as never;
    expect(nodeShouldRun(node, { spec: { containers: [] } })).toEqual({
      shouldRun: false,
      shouldContinue: false,
    });
  });
});

describe('a paused Deployment', () => {
  const world = (extra: Record<string, unknown>) =>
    ({
      now: NOW,
      namespaces: ['app'],
      nodes,
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          replicas: 2,
          age: '5d',
          containers: [{ name: 'api', image: 'acme/api:2' }],
          history: [{ image: 'acme/api:1', age: '5d' }],
          ...extra,
        },
      ],
    }) as never;
  const deployment = (c: Cluster) =>
    c.getNow({ kind: 'Deployment', name: 'api', namespace: 'app' }) as Deployment;

  it('changed while paused: no ReplicaSet for the new template, every pod on the old one, Progressing Unknown', async () => {
    const c = createSimCluster(world({ paused: true, rollout: { startedAgo: '2h' } }));
    expect(c.listNow({ kind: 'ReplicaSet', namespace: 'app' })).toHaveLength(1);
    expect(pods(c, 'app').map((p) => p.spec.containers[0]?.image)).toEqual(['acme/api:1', 'acme/api:1']);
    const d = deployment(c);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status?.updatedReplicas).toBe(0);
    expect(d.status?.conditions?.find((x) => x.type === 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });
    c.advance(3600);
    expect(c.listNow({ kind: 'ReplicaSet', namespace: 'app' })).toHaveLength(1);
    // Resumed (kubectl rollout resume), it rolls.
    await c.patch(
      { kind: 'Deployment', name: 'api', namespace: 'app' },
      { type: 'merge', body: { spec: { paused: false } } },
    );
    c.settle();
    expect(pods(c, 'app').map((p) => p.spec.containers[0]?.image)).toEqual(['acme/api:2', 'acme/api:2']);
    expect(deployment(c).status?.updatedReplicas).toBe(2);
  });

  it('paused, a template change rolls nothing, a scale change still happens', async () => {
    const c = createSimCluster(world({ paused: true }));
    await setImage(c, 'Deployment', 'api', 'app', 'api', 'acme/api:3');
    await c.patch(
      { kind: 'Deployment', name: 'api', namespace: 'app' },
      { type: 'merge', body: { spec: { replicas: 3 } } },
    );
    c.settle();
    expect(pods(c, 'app').map((p) => p.spec.containers[0]?.image)).toEqual([
      'acme/api:2',
      'acme/api:2',
      'acme/api:2',
    ]);
  });
});

describe('kubectl get columns', () => {
  it('StatefulSet READY and DaemonSet DESIRED/CURRENT/READY/UP-TO-DATE/AVAILABLE/NODE SELECTOR', async () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['db', 'obs'],
      nodes,
      behaviors: { 'web/db': { listenPorts: [5432] } },
      objects: [defaultClass, statefulSet(), daemonSet()],
    } as never);
    const { asTable } = await import('./table.js');
    const sts = asTable(
      c.listNow({ kind: 'StatefulSet', namespace: 'db' }),
      'StatefulSet',
      new Date(NOW),
      '1',
    );
    expect(sts.columnDefinitions.filter((d) => d.priority === 0).map((d) => d.name)).toEqual([
      'Name',
      'Ready',
      'Age',
    ]);
    expect(sts.rows[0]?.cells.slice(0, 3)).toEqual(['web', '3/3', '5d']);
    const ds = asTable(c.listNow({ kind: 'DaemonSet', namespace: 'obs' }), 'DaemonSet', new Date(NOW), '1');
    expect(ds.rows[0]?.cells.slice(0, 8)).toEqual(['agent', 2, 2, 2, 2, 2, '<none>', '5d']);
  });
});

describe('hostile or broken input to the workload controllers', () => {
  it('a malformed StatefulSet, DaemonSet or Deployment write is refused with 422 and the cluster keeps working', async () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['db', 'obs', 'app'],
      nodes,
      behaviors: { 'web/db': { listenPorts: [5432] } },
      deployments: [
        { name: 'api', namespace: 'app', replicas: 1, containers: [{ name: 'api', image: 'acme/api:1' }] },
      ],
      objects: [defaultClass, statefulSet(), daemonSet()],
    } as never);
    const bad: [string, string, string, Record<string, unknown>][] = [
      ['StatefulSet', 'web', 'db', { spec: { template: 'x' } }],
      ['StatefulSet', 'web', 'db', { spec: { template: { spec: { containers: 'x' } } } }],
      ['StatefulSet', 'web', 'db', { spec: { replicas: -1 } }],
      ['StatefulSet', 'web', 'db', { spec: { replicas: 101 } }],
      ['StatefulSet', 'web', 'db', { spec: { podManagementPolicy: 'Bogus' } }],
      ['DaemonSet', 'agent', 'obs', { spec: { template: { spec: { tolerations: 'x' } } } }],
      ['DaemonSet', 'agent', 'obs', { spec: { template: { spec: { tolerations: [null] } } } }],
      ['Deployment', 'api', 'app', { spec: { paused: 'false' } }],
    ];
    for (const [kind, name, namespace, body] of bad)
      await expect(c.patch({ kind, name, namespace }, { type: 'merge', body })).rejects.toMatchObject({
        status: 422,
      });
    expect(names(c, 'db')).toEqual(['web-0', 'web-1', 'web-2']);
    c.advance(60);
    expect(pods(c, 'obs')).toHaveLength(2);
  });

  it('a world that declares malformed manifests loads, and they make no pods', () => {
    // A pod template whose list fields are not lists is refused, naming the field (pod-shape.ts).
    expect(() =>
      createSimCluster({
        now: NOW,
        namespaces: ['obs'],
        nodes,
        objects: [daemonSet({ template: { spec: { containers: 'x', tolerations: 'x' } } })],
      } as never),
    ).toThrow(/objects\[0\]\.spec\.template\.spec\.tolerations: expected a list/);
    const c = createSimCluster({
      now: NOW,
      namespaces: ['db', 'obs'],
      nodes,
      objects: [
        { ...statefulSet(), spec: { replicas: 2, selector: {}, template: 'x', volumeClaimTemplates: 'y' } },
        daemonSet({ template: 'x' }),
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'lr', namespace: 'obs' },
          spec: { limits: 'x' },
        },
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'lr2', namespace: 'obs' },
          spec: { limits: [null, 3] },
        },
      ],
    } as never);
    expect(pods(c, 'db')).toEqual([]);
    expect(pods(c, 'obs')).toEqual([]);
  });

  it('a DaemonSet whose pods crash takes a fixed image: old pods that are not available go at once', async () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['obs'],
      nodes,
      behaviors: { 'agent/agent': { byImage: { 'acme/agent:1': { crash: { exitCode: 1 } } } } },
      objects: [daemonSet()],
    } as never);
    await setImage(c, 'DaemonSet', 'agent', 'obs', 'agent', 'acme/agent:2');
    c.settle();
    expect(pods(c, 'obs').map((p) => p.spec.containers[0]?.image)).toEqual(['acme/agent:2', 'acme/agent:2']);
    expect(status(c, 'DaemonSet', 'agent', 'obs')).toMatchObject({
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    });
  });

  it('deleting a lost Node frees its Terminating StatefulSet pod, and the set makes it again', async () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['db'],
      nodes: [
        { name: 'n1', cpu: '4', memory: '16Gi' },
        { name: 'n2', cpu: '4', memory: '16Gi', ready: false, notReadyFor: '10m' },
      ],
      behaviors: { 'web/db': { listenPorts: [5432] } },
      pods: ['web-0', 'web-1'].map((name, i) => ({
        name,
        namespace: 'db',
        node: i === 1 ? 'n2' : 'n1',
        labels: { app: 'web' },
        containers: [{ name: 'db', image: 'acme/db:1' }],
      })),
      objects: [statefulSet({ replicas: 2, volumeClaimTemplates: [] })],
    } as never);
    const web1 = () => pods(c, 'db').find((p) => p.metadata.name === 'web-1');
    expect(web1()?.metadata.deletionTimestamp).toBeDefined();
    c.advance(600);
    expect(web1()?.spec.nodeName).toBe('n2');
    await c.delete({ kind: 'Node', name: 'n2' });
    c.settle();
    expect(web1()?.spec.nodeName).toBe('n1');
    expect(web1()?.metadata.deletionTimestamp).toBeUndefined();
  });

  it('a node lost before the world started kept its daemon pod, counted as misscheduled', () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['obs'],
      nodes: [
        { name: 'n1', cpu: '4', memory: '16Gi' },
        { name: 'n2', cpu: '4', memory: '16Gi', ready: false, notReadyFor: '10m' },
      ],
      objects: [daemonSet()],
    } as never);
    expect(
      pods(c, 'obs')
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(['n1', 'n2']);
    expect(status(c, 'DaemonSet', 'agent', 'obs')).toMatchObject({
      desiredNumberScheduled: 1,
      numberMisscheduled: 1,
    });
  });

  it('LimitRange: a default limit below the own request is an invalid pod; init containers are checked too', () => {
    const pod = (spec: Record<string, unknown>) => ({ metadata: { name: 'p' }, spec }) as unknown as Pod;
    const range = (limits: unknown[]): KubeObject => ({
      kind: 'LimitRange',
      metadata: { name: 'lr' },
      spec: { limits },
    });
    expect(
      limitRangeRefusal(
        pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { memory: '2Gi' } } }] }),
        [range([{ type: 'Container', max: { memory: '4Gi' }, default: { memory: '1Gi' } }])],
      ),
    ).toBe(
      'Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi',
    );
    expect(
      limitRangeRefusal(
        pod({
          containers: [{ name: 'a', image: 'x', resources: { limits: { memory: '512Mi' } } }],
          initContainers: [{ name: 'i', image: 'x', resources: { limits: { memory: '8Gi' } } }],
        }),
        [range([{ type: 'Container', max: { memory: '1Gi' } }])],
      ),
    ).toBe('pods "p" is forbidden: maximum memory usage per Container is 1Gi, but limit is 8Gi');
  });

  it('a paused Deployment caught mid-rollout spreads a scale change over its ReplicaSets', async () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['app'],
      nodes,
      behaviors: { 'api/api': { byImage: { 'acme/api:2': { listenPorts: [] } } } },
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          replicas: 4,
          age: '5d',
          containers: [{ name: 'api', image: 'acme/api:2', readinessProbe: { tcpSocket: { port: 8080 } } }],
          history: [{ image: 'acme/api:1', age: '5d' }],
          rollout: { startedAgo: '1m' },
        },
      ],
    } as never);
    await c.patch(
      { kind: 'Deployment', name: 'api', namespace: 'app' },
      { type: 'merge', body: { spec: { paused: true } } },
    );
    const before = (
      c.listNow({ kind: 'ReplicaSet', namespace: 'app' }) as unknown as { spec: { replicas: number } }[]
    )
      .map((r) => r.spec.replicas)
      .reduce((a, b) => a + b, 0);
    await c.patch(
      { kind: 'Deployment', name: 'api', namespace: 'app' },
      { type: 'merge', body: { spec: { replicas: 8 } } },
    );
    const sizes = (
      c.listNow({ kind: 'ReplicaSet', namespace: 'app' }) as unknown as { spec: { replicas: number } }[]
    ).map((r) => r.spec.replicas);
    expect(before).toBe(4);
    expect(sizes.sort()).toEqual([2, 6]);
    expect(sizes.every((n) => n > 0)).toBe(true);
  });
});

describe('the ReplicaSet controller counts only active pods', () => {
  it('an evicted (Failed) pod it owns is replaced and stays as a record, out of the counts', () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['app'],
      nodes: [{ name: 'n1' }, { name: 'n2' }],
      deployments: [
        {
          name: 'api',
          namespace: 'app',
          replicas: 2,
          containers: [{ name: 'api', image: 'acme/api:1' }],
          pods: [
            { node: 'n1', age: '2h' },
            {
              node: 'n2',
              age: '2h',
              phase: 'Failed',
              reason: 'Evicted',
              message: 'The node was low on resource: ephemeral-storage.',
            },
          ],
        },
      ],
    } as never);
    const all = c
      .listNow({ kind: 'Pod', namespace: 'app' })
      .map((p) => p as unknown as Pod)
      .map((p) => ({ phase: p.status?.phase, reason: p.status?.reason }));
    expect(all.filter((p) => p.phase === 'Failed')).toEqual([{ phase: 'Failed', reason: 'Evicted' }]);
    expect(all.filter((p) => p.phase !== 'Failed')).toHaveLength(2);
    const rs = c.listNow({ kind: 'ReplicaSet', namespace: 'app' })[0] as unknown as {
      status: { replicas: number };
    };
    expect(rs.status.replicas).toBe(2);
  });
});
