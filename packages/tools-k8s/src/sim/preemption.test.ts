import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../cluster.js';
import type { KubeEvent, Pod } from '../types.js';
import { podPriority, priorityClassInvalid, priorityRefusal } from './priority.js';
import { createSimCluster } from './sim-cluster.js';

const NOW = '2026-01-15T10:00:00Z';
type Cluster = ReturnType<typeof createSimCluster>;

const priorityClass = (name: string, value: number, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'scheduling.k8s.io/v1',
  kind: 'PriorityClass',
  metadata: { name },
  value,
  ...extra,
});
const deployment = (
  name: string,
  ns: string,
  replicas: number,
  cpu: string,
  spec: Record<string, unknown> = {},
) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, creationTimestamp: '2026-01-10T10:00:00Z' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name, image: `acme/${name}:1`, resources: { requests: { cpu } } }],
        ...spec,
      },
    },
  },
});

/** One 2-CPU node running two 800m batch pods of low priority. */
const busyWorld = (objects: unknown[] = [], perMutation = '60s') => ({
  now: NOW,
  clock: { perMutation },
  namespaces: ['batch', 'pay'],
  nodes: [{ name: 'n1', cpu: '2', memory: '8Gi' }],
  objects: [
    priorityClass('batch-low', 100),
    priorityClass('payments-critical', 100_000),
    deployment('reindex', 'batch', 2, '800m', { priorityClassName: 'batch-low' }),
    ...objects,
  ],
});
const busyCluster = (objects: unknown[] = [], perMutation = '60s') =>
  createSimCluster(busyWorld(objects, perMutation) as never);

const pods = (c: Cluster, ns: string) => c.listNow({ kind: 'Pod', namespace: ns }) as unknown as Pod[];
const events = (c: Cluster, ns: string) =>
  c.listNow({ kind: 'Event', namespace: ns }) as unknown as KubeEvent[];
const reasons = (c: Cluster, ns: string, reason: string) =>
  events(c, ns)
    .filter((e) => e.reason === reason)
    .map((e) => `${e.involvedObject.name}: ${e.message}`);

describe('priority admission', () => {
  it('writes the class value and policy into a new pod, and the global default into one naming none', () => {
    const classes = [
      priorityClass('high', 1000, { preemptionPolicy: 'Never' }),
      priorityClass('std', 10, { globalDefault: true }),
    ] as KubeObject[];
    const named = {
      metadata: { generateName: 'api-' },
      spec: { containers: [], priorityClassName: 'high' },
    } as unknown as Pod;
    expect(priorityRefusal(named, classes)).toBeUndefined();
    expect(named.spec).toMatchObject({ priority: 1000, preemptionPolicy: 'Never' });
    const plain = { metadata: { generateName: 'web-' }, spec: { containers: [] } } as unknown as Pod;
    expect(priorityRefusal(plain, classes)).toBeUndefined();
    expect(plain.spec).toMatchObject({
      priority: 10,
      priorityClassName: 'std',
      preemptionPolicy: 'PreemptLowerPriority',
    });
    const system = {
      metadata: { name: 'dns' },
      spec: { containers: [], priorityClassName: 'system-cluster-critical' },
    } as unknown as Pod;
    expect(priorityRefusal(system, [])).toBeUndefined();
    expect(system.spec.priority).toBe(2_000_000_000);
    expect(podPriority({ metadata: {}, spec: { containers: [] } } as unknown as Pod, [])).toBe(0);
  });

  it('refuses a pod naming a class that does not exist, in the API server words, as a FailedCreate', () => {
    const pod = {
      metadata: { generateName: 'api-7d9c-' },
      spec: { containers: [], priorityClassName: 'gold' },
    } as unknown as Pod;
    expect(priorityRefusal(pod, [])).toBe(
      'pods "api-7d9c-" is forbidden: no PriorityClass with name gold was found',
    );
    const c = busyCluster([deployment('api', 'pay', 1, '100m', { priorityClassName: 'gold' })]);
    expect(pods(c, 'pay')).toEqual([]);
    const failed = reasons(c, 'pay', 'FailedCreate');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(
      /^api-[a-z0-9]+: Error creating: pods "api-[a-z0-9]+-" is forbidden: no PriorityClass with name gold was found$/,
    );
  });

  it('validates PriorityClasses as the API server does', async () => {
    expect(priorityClassInvalid(priorityClass('x', 1_000_000_001) as KubeObject)).toMatch(
      /must be less than or equal to 1000000000/,
    );
    expect(priorityClassInvalid(priorityClass('system-mine', 1) as KubeObject)).toMatch(
      /reserved for system use/,
    );
    expect(
      priorityClassInvalid(priorityClass('x', 1, { preemptionPolicy: 'Sometimes' }) as KubeObject),
    ).toMatch(/Unsupported value/);
    expect(priorityClassInvalid({ kind: 'PriorityClass', metadata: { name: 'x' } } as KubeObject)).toMatch(
      /^value: /,
    );
    expect(
      priorityClassInvalid(priorityClass('x', 2) as KubeObject, priorityClass('x', 1) as KubeObject),
    ).toMatch(/field is immutable/);
    const c = busyCluster([priorityClass('std', 1, { globalDefault: true })]);
    await expect(c.create(priorityClass('other', 2, { globalDefault: true }) as KubeObject)).rejects.toThrow(
      /PriorityClass std is already marked as default/,
    );
    await expect(c.create(priorityClass('huge', 2 ** 31) as KubeObject)).rejects.toThrow(/422|invalid/);
    const listed = c.listNow({ kind: 'PriorityClass' }).map((o) => o.metadata?.name);
    expect(listed).toEqual(['batch-low', 'payments-critical', 'std']);
  });
});

describe('preemption', () => {
  it('schedules higher-priority pods first when they wait together', () => {
    const c = busyCluster([
      deployment('ledger', 'pay', 2, '800m', { priorityClassName: 'payments-critical' }),
    ]);
    const running = (ns: string) => pods(c, ns).filter((p) => p.spec.nodeName).length;
    // Both sets of pods waited at the world's start: the queue takes the critical ones first.
    expect(running('pay')).toBe(2);
    expect(running('batch')).toBe(0);
    expect(reasons(c, 'batch', 'Preempted')).toEqual([]);
  });

  it('evicts a lower-priority pod for a pod that fits nowhere, which then runs on the freed node', async () => {
    // A write takes 5 s here (60 s by default, past the victim's grace period).
    const c = busyCluster([], '5s');
    expect(pods(c, 'batch').every((p) => p.spec.nodeName === 'n1')).toBe(true);
    await c.create(
      deployment('ledger', 'pay', 1, '1', { priorityClassName: 'payments-critical' }) as KubeObject,
    );
    const [ledger] = pods(c, 'pay');
    expect(ledger?.spec.nodeName).toBeUndefined();
    expect(ledger?.status?.nominatedNodeName).toBe('n1');
    // The attempt that preempted, then the retries while the victim terminates.
    expect(reasons(c, 'pay', 'FailedScheduling').sort()).toEqual([
      `${ledger?.metadata.name}: 0/1 nodes are available: 1 Insufficient cpu.`,
      `${ledger?.metadata.name}: 0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.`,
    ]);
    // One victim is enough (800m + 1 CPU fits in 2): the other batch pod stays.
    const victims = pods(c, 'batch').filter((p) => p.metadata.deletionTimestamp);
    expect(victims).toHaveLength(1);
    const victim = victims[0]!;
    expect(reasons(c, 'batch', 'Preempted')).toEqual([
      `${victim.metadata.name}: Preempted by pod ${ledger?.metadata.uid} on node n1`,
    ]);
    expect(victim.status?.conditions).toContainEqual(
      expect.objectContaining({
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: 'default-scheduler: preempting to accommodate a higher priority pod',
      }),
    );
    // The victim terminates over its grace period, then the preemptor is scheduled.
    c.advance(26);
    expect(pods(c, 'batch').some((p) => p.metadata.name === victim.metadata.name)).toBe(false);
    const after = pods(c, 'pay')[0];
    expect(after?.spec.nodeName).toBe('n1');
    expect(after?.status?.nominatedNodeName).toBeUndefined();
    expect(reasons(c, 'pay', 'Scheduled')).toEqual([
      `${after?.metadata.name}: Successfully assigned pay/${after?.metadata.name} to n1`,
    ]);
    // The ReplicaSet made a replacement that finds no room and no victims of lower priority.
    const waiting = pods(c, 'batch').filter((p) => !p.spec.nodeName);
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.status?.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('picks the node whose victims matter least, and evicts nothing of equal or higher priority', async () => {
    const c = createSimCluster({
      now: NOW,
      namespaces: ['batch', 'pay'],
      nodes: [
        { name: 'n1', cpu: '1', memory: '8Gi', labels: { pool: 'one' } },
        { name: 'n2', cpu: '1', memory: '8Gi', labels: { pool: 'two' } },
      ],
      objects: [
        priorityClass('low', 10),
        priorityClass('mid', 50),
        priorityClass('critical', 1000),
        {
          ...deployment('a', 'batch', 1, '900m', {
            priorityClassName: 'mid',
            nodeSelector: { pool: 'one' },
          }),
        },
        {
          ...deployment('b', 'batch', 1, '900m', {
            priorityClassName: 'low',
            nodeSelector: { pool: 'two' },
          }),
        },
      ],
    } as never);
    await c.create(deployment('ledger', 'pay', 1, '500m', { priorityClassName: 'critical' }) as KubeObject);
    const preempted = reasons(c, 'batch', 'Preempted');
    expect(preempted).toHaveLength(1);
    expect(preempted[0]).toMatch(/^b-[a-z0-9]+-[a-z0-9]+: Preempted by pod .* on node n2$/);
    expect(pods(c, 'pay')[0]?.spec.nodeName).toBe('n2');
    await c.create(deployment('peer', 'pay', 1, '500m', { priorityClassName: 'low' }) as KubeObject);
    const peer = pods(c, 'pay').find((p) => p.metadata.name?.startsWith('peer'));
    expect(peer?.spec.nodeName).toBeUndefined();
    expect(peer?.status?.conditions?.[0]?.message).toMatch(/No preemption victims found for incoming pod/);
  });

  it('never preempts for a pod whose policy is Never, and says so', async () => {
    const c = busyCluster([priorityClass('queue-jumper', 100_000, { preemptionPolicy: 'Never' })]);
    await c.create(deployment('ledger', 'pay', 1, '1', { priorityClassName: 'queue-jumper' }) as KubeObject);
    c.advance(60);
    expect(pods(c, 'batch').filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
    expect(pods(c, 'pay')[0]?.status?.conditions?.[0]?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('does not preempt for a pod that resources cannot help (a taint, a selector)', async () => {
    const c = busyCluster();
    await c.create(
      deployment('ledger', 'pay', 1, '1', {
        priorityClassName: 'payments-critical',
        nodeSelector: { pool: 'pay' },
      }) as KubeObject,
    );
    expect(pods(c, 'batch').filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
    expect(pods(c, 'pay')[0]?.status?.conditions?.[0]?.message).toMatch(
      /Preemption is not helpful for scheduling/,
    );
  });

  it('keeps what it decided in a copy of a built cluster', async () => {
    // The same world object each time: the simulator reuses what it parsed from it.
    const world = busyWorld();
    const runs: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const c = createSimCluster(world as never);
      await c.create(
        deployment('ledger', 'pay', 1, '1', { priorityClassName: 'payments-critical' }) as KubeObject,
      );
      c.advance(31);
      runs.push(pods(c, 'pay').map((p) => `${p.metadata.name}@${p.spec.nodeName}`));
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(runs[0]?.[0]).toMatch(/@n1$/);
  });
});
