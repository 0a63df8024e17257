import { describe, expect, it } from 'vitest';
import { describePod } from '../tools/describe.js';
import type { Node, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

const gpuNodes = [
  { name: 'cpu-1', cpu: '8', memory: '32Gi', labels: { pool: 'cpu' } },
  { name: 'cpu-2', cpu: '8', memory: '32Gi', labels: { pool: 'cpu' } },
  { name: 'gpu-1', cpu: '8', memory: '64Gi', labels: { pool: 'gpu' }, extended: { 'nvidia.com/gpu': 1 } },
];
const trainer = (extra: Record<string, unknown> = {}, gpus = 1) => ({
  name: 'trainer',
  namespace: 'ml',
  replicas: 1,
  containers: [
    {
      name: 'train',
      image: 'acme/train:1',
      resources: { limits: { 'nvidia.com/gpu': gpus }, requests: { cpu: '1', memory: '4Gi' } },
      behavior: { logs: ['epoch 1'] },
    },
  ],
  ...extra,
});
const podsOf = (c: ReturnType<typeof createSimCluster>, app: string) =>
  c.listNow({ kind: 'Pod', namespace: 'ml', labelSelector: `app=${app}` }) as unknown as Pod[];
const why = (p: Pod) => p.status?.conditions?.find((x) => x.type === 'PodScheduled')?.message;

describe('scheduling', () => {
  it('shows extended resources in node capacity and allocatable, and places a GPU pod on the GPU node', () => {
    const c = createSimCluster({ nodes: gpuNodes, deployments: [trainer()] });
    const node = c.getNow({ kind: 'Node', name: 'gpu-1' }) as unknown as Node;
    expect(node.status?.capacity?.['nvidia.com/gpu']).toBe('1');
    expect(node.status?.allocatable?.['nvidia.com/gpu']).toBe('1');
    expect(podsOf(c, 'trainer')[0]?.spec.nodeName).toBe('gpu-1');
  });

  it("says Insufficient nvidia.com/gpu in kube-scheduler's format, with what preemption found", () => {
    const c = createSimCluster({ nodes: gpuNodes, deployments: [trainer({}, 2)] });
    const pod = podsOf(c, 'trainer')[0]!;
    expect(pod.status?.phase).toBe('Pending');
    expect(why(pod)).toBe(
      '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });

  it('a required node affinity that matches no GPU node mixes reasons, sorted as the scheduler sorts them', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['cpu'] }] }],
        },
      },
    };
    const c = createSimCluster({ nodes: gpuNodes, deployments: [trainer({ affinity })] });
    expect(why(podsOf(c, 'trainer')[0]!)).toBe(
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    );
    const ok = createSimCluster({
      nodes: gpuNodes,
      deployments: [
        trainer({
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: 'pool', operator: 'NotIn', values: ['cpu'] }] },
                ],
              },
            },
          },
        }),
      ],
    });
    expect(podsOf(ok, 'trainer')[0]?.spec.nodeName).toBe('gpu-1');
  });

  it('required pod anti-affinity spreads replicas one per node and leaves the extra one Pending', () => {
    const antiAffinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    };
    const c = createSimCluster({
      nodes: [{ name: 'a' }, { name: 'b' }],
      deployments: [
        {
          name: 'cache',
          namespace: 'ml',
          replicas: 3,
          affinity: antiAffinity,
          containers: [{ name: 'redis', image: 'redis:7', behavior: { logs: ['ready'] } }],
        },
      ],
    });
    const pods = podsOf(c, 'cache');
    expect(
      pods
        .filter((p) => p.spec.nodeName)
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(['a', 'b']);
    const pending = pods.find((p) => !p.spec.nodeName)!;
    expect(why(pending)).toBe(
      "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
  });

  it('required pod affinity follows the pods it names; with none anywhere a pod that matches itself may start', () => {
    const follow = (app: string) => ({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' },
        ],
      },
    });
    const web = (name: string, app: string) => ({
      name,
      namespace: 'ml',
      replicas: 1,
      affinity: follow(app),
      containers: [{ name: 'c', image: 'nginx:1', behavior: { logs: ['up'] } }],
    });
    const c = createSimCluster({
      nodes: [{ name: 'a' }, { name: 'b' }],
      pods: [
        {
          name: 'db',
          namespace: 'ml',
          labels: { app: 'db' },
          node: 'b',
          containers: [{ name: 'pg', image: 'pg:1' }],
        },
      ],
      deployments: [web('api', 'db'), web('orphan', 'nothing-has-this'), web('self', 'self')],
    });
    expect(podsOf(c, 'api')[0]?.spec.nodeName).toBe('b');
    expect(why(podsOf(c, 'orphan')[0]!)).toBe(
      "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    expect(podsOf(c, 'self')[0]?.spec.nodeName).toBeDefined();
  });
});

describe('nodes tainted by their conditions', () => {
  it('DiskPressure taints the node, NotReady makes every condition Unknown and taints it unreachable', () => {
    const c = createSimCluster({
      nodes: [
        { name: 'edge-1', pressure: ['DiskPressure'] },
        { name: 'edge-2', ready: false },
      ],
      deployments: [
        { name: 'app', namespace: 'ml', replicas: 1, containers: [{ name: 'a', image: 'nginx:1' }] },
      ],
    });
    const disk = c.getNow({ kind: 'Node', name: 'edge-1' }) as unknown as Node;
    expect(disk.spec?.taints).toEqual([{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }]);
    const gone = c.getNow({ kind: 'Node', name: 'edge-2' }) as unknown as Node;
    expect(gone.spec?.taints?.map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    expect(new Set(gone.status?.conditions?.map((x) => `${x.status}/${x.reason}`))).toEqual(
      new Set(['Unknown/NodeStatusUnknown']),
    );
    expect(why(podsOf(c, 'app')[0]!)).toBe(
      '0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/disk-pressure: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });

  it('a declared taint is not repeated', () => {
    const c = createSimCluster({
      nodes: [
        {
          name: 'edge-1',
          pressure: ['DiskPressure'],
          taints: [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }],
        },
      ],
    });
    expect((c.getNow({ kind: 'Node', name: 'edge-1' }) as unknown as Node).spec?.taints).toHaveLength(1);
  });
});

describe('declared pod status reason and message', () => {
  it('an Evicted pod keeps its reason and message, declared as facts or in a manifest status', () => {
    const message =
      'The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi. ';
    const c = createSimCluster({
      pods: [
        {
          name: 'old',
          namespace: 'ml',
          containers: [{ name: 'a', image: 'nginx:1' }],
          phase: 'Failed',
          reason: 'Evicted',
          message,
          state: { terminated: { reason: 'ContainerStatusUnknown', exitCode: 137 } },
        },
      ],
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'older', namespace: 'ml' },
          spec: { containers: [{ name: 'a', image: 'nginx:1' }] },
          status: { phase: 'Failed', reason: 'Evicted', message },
        },
      ],
    });
    for (const name of ['old', 'older']) {
      const pod = c.getNow({ kind: 'Pod', name, namespace: 'ml' }) as unknown as Pod;
      expect(pod.status).toMatchObject({ phase: 'Failed', reason: 'Evicted', message });
      // kubectl describe prints them under the status, where an engineer reads why the pod went.
      const text = describePod(pod, [], new Date('2026-01-15T10:00:00Z'));
      expect(text).toMatch(
        /^Status: +Failed.*\nReason: +Evicted\nMessage: +The node was low on resource: ephemeral-storage/m,
      );
    }
  });
});

describe('host ports and topology spread', () => {
  const manifest = (
    name: string,
    replicas: number,
    spec: Record<string, unknown>,
    container: Record<string, unknown> = {},
  ) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ml', creationTimestamp: '2026-01-10T10:00:00Z' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: `acme/${name}:1`, ...container }], ...spec },
      },
    },
  });

  it('keeps a second pod asking for the same host port off a node (NodePorts)', () => {
    const c = createSimCluster({
      nodes: [
        { name: 'media-1', cpu: '8', memory: '32Gi' },
        { name: 'media-2', cpu: '8', memory: '32Gi' },
      ],
      objects: [
        manifest('relay', 3, {}, { ports: [{ containerPort: 3478, hostPort: 3478, protocol: 'UDP' }] }),
        manifest('other', 1, {}, { ports: [{ containerPort: 3478, hostPort: 3478 }] }),
      ],
    } as never);
    const relays = podsOf(c, 'relay');
    expect(
      relays
        .filter((p) => p.spec.nodeName)
        .map((p) => p.spec.nodeName)
        .sort(),
    ).toEqual(['media-1', 'media-2']);
    const waiting = relays.find((p) => !p.spec.nodeName)!;
    expect(why(waiting)).toBe(
      "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
    );
    // The same number over TCP is another port.
    expect(podsOf(c, 'other')[0]?.spec.nodeName).toBeDefined();
  });

  it('refuses nodes whose zone would break a DoNotSchedule spread, and counts only matching pods', () => {
    const zone = (z: string) => ({ 'topology.kubernetes.io/zone': z });
    const c = createSimCluster({
      nodes: [
        { name: 'a-1', cpu: '8', memory: '32Gi', labels: zone('a') },
        { name: 'a-2', cpu: '8', memory: '32Gi', labels: zone('a') },
        { name: 'b-1', cpu: '1', memory: '32Gi', labels: zone('b') },
      ],
      objects: [
        manifest(
          'db',
          4,
          {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: { app: 'db' } },
              },
            ],
          },
          { resources: { requests: { cpu: '600m' } } },
        ),
        manifest('web', 3, {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' },
          ],
        }),
      ],
    } as never);
    const db = podsOf(c, 'db');
    const zones = db
      .filter((p) => p.spec.nodeName)
      .map((p) => (p.spec.nodeName?.startsWith('a') ? 'a' : 'b'));
    expect(zones.sort()).toEqual(['a', 'a', 'b']);
    const waiting = db.find((p) => !p.spec.nodeName)!;
    expect(why(waiting)).toBe(
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match pod topology spread constraints. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    // ScheduleAnyway only scores: every web pod runs.
    expect(podsOf(c, 'web').every((p) => p.spec.nodeName)).toBe(true);
  });

  it('refuses a node without the topology key outright', () => {
    const c = createSimCluster({
      nodes: [{ name: 'n1', cpu: '8', memory: '32Gi' }],
      objects: [
        manifest('db', 1, {
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' },
          ],
        }),
      ],
    } as never);
    expect(why(podsOf(c, 'db')[0]!)).toMatch(
      /^0\/1 nodes are available: 1 node\(s\) didn't match pod topology spread constraints \(missing required label\)\. preemption: 0\/1 nodes are available: 1 Preemption is not helpful for scheduling\.$/,
    );
  });
});
