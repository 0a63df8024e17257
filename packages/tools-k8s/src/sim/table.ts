import type { KubeObject } from '../cluster.js';
import { ageOf } from '../duration.js';
import { K8sError } from '../errors.js';
import { podRestartsColumn, podStatusColumn } from '../pod-status.js';
import { endpointsText, eventTime } from '../tools/describe.js';
import type { Deployment, Endpoints, KubeEvent, Node, Pod, ReplicaSet, Service } from '../types.js';

/** Columns kubectl shows only with `-o wide` (priority 1). */
const WIDE = new Set(['IP', 'Node', 'Nominated Node', 'Readiness Gates', 'Containers', 'Images', 'Selector']);

/** What a Table row's `object` holds: `includeObject` of meta.k8s.io/v1 TableOptions. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/**
 * `includeObject` from a query: absent is `Metadata` (Kubernetes' default); anything other than `None`,
 * `Metadata` or `Object` is a 400 like the API server's.
 */
export function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw new K8sError(
    'bad_request',
    `includeObject: Unsupported value: ${JSON.stringify(v.slice(0, 64))}: supported values: "Metadata", "None", "Object"`,
    { status: 400 },
  );
}

type Column = [name: string, cell: (o: KubeObject, now: Date) => string | number];

/** `k=v,k2=v2`, or `<none>`, as kubectl prints a selector. */
const labelsText = (m: Record<string, string> | undefined) =>
  Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '<none>';

/** The `-o wide` columns of a workload: its template's containers and images, and its selector. */
const workloadWide: Column[] = [
  [
    'Containers',
    (o) =>
      templateContainers(o)
        .map((c) => c.name)
        .join(','),
  ],
  [
    'Images',
    (o) =>
      templateContainers(o)
        .map((c) => c.image ?? '')
        .join(','),
  ],
  [
    'Selector',
    (o) =>
      labelsText((o.spec as { selector?: { matchLabels?: Record<string, string> } })?.selector?.matchLabels),
  ],
];

function templateContainers(o: KubeObject): { name: string; image?: string }[] {
  return (
    (o.spec as { template?: { spec?: { containers?: { name: string; image?: string }[] } } })?.template?.spec
      ?.containers ?? []
  );
}

const age: Column = ['Age', (o, now) => ageOf(o.metadata?.creationTimestamp, now)];
// Server-side printing, so `kubectl get` shows kubectl's usual columns with ages on the simulated clock.
const COLUMNS: Record<string, Column[]> = {
  Pod: [
    [
      'Ready',
      (o) =>
        `${((o as unknown as Pod).status?.containerStatuses ?? []).filter((c) => c.ready).length}/${(o as unknown as Pod).spec.containers.length}`,
    ],
    ['Status', (o) => podStatusColumn(o as unknown as Pod)],
    ['Restarts', (o, now) => podRestartsColumn(o as unknown as Pod, (t) => ageOf(t, now))],
    age,
    ['IP', (o) => (o as unknown as Pod).status?.podIP ?? '<none>'],
    ['Node', (o) => (o as unknown as Pod).spec.nodeName ?? '<none>'],
    ['Nominated Node', () => '<none>'],
    ['Readiness Gates', () => '<none>'],
  ],
  Event: [
    ['Last Seen', (o, now) => ageOf(eventTime(o as unknown as KubeEvent), now)],
    ['Type', (o) => (o as unknown as KubeEvent).type ?? ''],
    ['Reason', (o) => (o as unknown as KubeEvent).reason ?? ''],
    [
      'Object',
      (o) =>
        `${((o as unknown as KubeEvent).involvedObject.kind ?? '').toLowerCase()}/${(o as unknown as KubeEvent).involvedObject.name ?? ''}`,
    ],
    ['Message', (o) => (o as unknown as KubeEvent).message ?? ''],
  ],
  Service: [
    ['Type', (o) => (o as unknown as Service).spec.type ?? 'ClusterIP'],
    ['Cluster-IP', (o) => (o as unknown as Service).spec.clusterIP ?? '<none>'],
    [
      'External-IP',
      (o) =>
        (
          (o as unknown as { status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } })
            .status?.loadBalancer?.ingress ?? []
        )
          .map((i) => i.ip ?? i.hostname ?? '')
          .join(',') || ((o as unknown as Service).spec.type === 'LoadBalancer' ? '<pending>' : '<none>'),
    ],
    [
      'Port(s)',
      (o) =>
        ((o as unknown as Service).spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','),
    ],
    age,
    ['Selector', (o) => labelsText((o as unknown as Service).spec.selector)],
  ],
  Endpoints: [['Endpoints', (o) => endpointsText(o as unknown as Endpoints)], age],
  Node: [
    [
      'Status',
      (o) =>
        `${
          (o as unknown as Node).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
            ? 'Ready'
            : 'NotReady'
        }${(o as unknown as Node).spec?.unschedulable ? ',SchedulingDisabled' : ''}`,
    ],
    [
      'Roles',
      (o) =>
        Object.keys(o.metadata?.labels ?? {})
          .filter((l) => l.startsWith('node-role.kubernetes.io/'))
          .map((l) => l.slice('node-role.kubernetes.io/'.length))
          .join(',') || '<none>',
    ],
    age,
    ['Version', (o) => (o as unknown as Node).status?.nodeInfo?.kubeletVersion ?? ''],
  ],
  ReplicaSet: [
    ['Desired', (o) => (o as unknown as ReplicaSet).spec.replicas ?? 0],
    ['Current', (o) => (o as unknown as ReplicaSet).status?.replicas ?? 0],
    ['Ready', (o) => (o as unknown as ReplicaSet).status?.readyReplicas ?? 0],
    age,
    ...workloadWide,
  ],
  Deployment: [
    [
      'Ready',
      (o) =>
        `${(o as unknown as Deployment).status?.readyReplicas ?? 0}/${(o as unknown as Deployment).spec.replicas ?? 1}`,
    ],
    ['Up-to-date', (o) => (o as unknown as Deployment).status?.updatedReplicas ?? 0],
    ['Available', (o) => (o as unknown as Deployment).status?.availableReplicas ?? 0],
    age,
    ...workloadWide,
  ],
};

/**
 * A meta.k8s.io/v1 Table of objects of one kind, as the API server answers `Accept: ...;as=Table`:
 * kubectl's usual columns for the kinds it prints (ages on the server's clock `now`), Name and Age for
 * others; each row's `object` is what `include` asks for (the whole object, its PartialObjectMetadata,
 * or nothing).
 */
export function asTable(
  items: readonly KubeObject[],
  kind: string,
  now: Date,
  resourceVersion: string,
  include: IncludeObject = 'Metadata',
) {
  const columns: Column[] = [['Name', (o) => o.metadata?.name ?? ''], ...(COLUMNS[kind] ?? [age])];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(([name]) => ({
      name,
      type: ['Restarts', 'Up-to-date', 'Available', 'Desired', 'Current'].includes(name)
        ? 'integer'
        : 'string',
      format: name === 'Name' ? 'name' : '',
      description: '',
      priority: WIDE.has(name) ? 1 : 0,
    })),
    rows: items.map((o) => ({
      cells: columns.map(([, cell]) => cell(o, now)),
      ...(include === 'Object'
        ? { object: o }
        : include === 'Metadata'
          ? {
              object: {
                kind: 'PartialObjectMetadata',
                apiVersion: 'meta.k8s.io/v1',
                metadata: o.metadata ?? {},
              },
            }
          : {}),
    })),
  };
}
