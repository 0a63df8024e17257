import type { KubeObject } from '../cluster.js';
import { ageOf } from '../duration.js';
import { K8sError } from '../errors.js';
import { podRestartsColumn, podStatusColumn } from '../pod-status.js';
import { endpointsText, eventTime } from '../tools/describe.js';
import type { KindTypes } from './object-store.js';

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

type Column<T = KubeObject> = [name: string, cell: (o: T, now: Date) => string | number];

/** A kind's columns whose cells read the object as that kind (`Pod`, `Service`...). */
function typed<K extends keyof KindTypes>(_kind: K, columns: Column<KindTypes[K] & KubeObject>[]): Column[] {
  return columns as Column[];
}

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

/** Loose reads of fields the typed views do not cover. */
// biome-ignore lint/suspicious/noExplicitAny: a printer reads optional fields of any kind's manifest
type Loose = any;
const spec = (o: KubeObject): Loose => o.spec ?? {};
const status = (o: KubeObject): Loose => o.status ?? {};
const MODES: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};
const modesText = (modes: unknown) =>
  Array.isArray(modes) && modes.length ? modes.map((m) => MODES[String(m)] ?? String(m)).join(',') : '';
const trueCondition = (o: KubeObject, type: string) =>
  ((status(o).conditions ?? []) as { type?: string; status?: string }[]).some(
    (c) => c.type === type && c.status === 'True',
  );
const isDefaultClass = (o: KubeObject, annotation: string) =>
  o.metadata?.annotations?.[annotation] === 'true'
    ? `${o.metadata?.name} (default)`
    : (o.metadata?.name ?? '');

/** A duration as kubectl prints one (`45s`, `3m20s`, `2d4h`). */
function shortDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 60)}m`;
  if (s < 86400)
    return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
  return `${Math.floor(s / 86400)}d${Math.floor((s % 86400) / 3600) ? `${Math.floor((s % 86400) / 3600)}h` : ''}`;
}

/** An HPA's TARGETS cell: `cpu: 45%/80%`, `cpu: <unknown>/80%` while no current metric is known. */
function hpaTargets(o: KubeObject): string {
  const metrics: Loose[] =
    spec(o).metrics ??
    (spec(o).targetCPUUtilizationPercentage !== undefined
      ? [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: spec(o).targetCPUUtilizationPercentage },
            },
          },
        ]
      : []);
  const current: Loose[] = status(o).currentMetrics ?? [];
  const parts = metrics.map((m) => {
    if (m.type === 'Resource' && m.resource) {
      const name = m.resource.name;
      const cur = current.find((c) => c.type === 'Resource' && c.resource?.name === name)?.resource?.current;
      const t = m.resource.target ?? {};
      if (t.type === 'AverageValue')
        return `${name}: ${cur?.averageValue ?? '<unknown>'}/${t.averageValue ?? '<unknown>'}`;
      return `${name}: ${cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : '<unknown>'}/${t.averageUtilization ?? 80}%`;
    }
    const target = m.external?.target ?? m.pods?.target ?? m.object?.target ?? {};
    return `<unknown>/${target.averageValue ?? target.value ?? '<unknown>'}${m.type === 'External' && target.type === 'AverageValue' ? ' (avg)' : ''}`;
  });
  return parts.length ? parts.join(', ') : '<none>';
}
// Server-side printing, so `kubectl get` shows kubectl's usual columns with ages on the simulated clock.
const COLUMNS: Record<string, Column[]> = {
  Pod: typed('Pod', [
    [
      'Ready',
      (o) =>
        `${(o.status?.containerStatuses ?? []).filter((c) => c.ready).length}/${o.spec.containers.length}`,
    ],
    ['Status', (o) => podStatusColumn(o)],
    ['Restarts', (o, now) => podRestartsColumn(o, (t) => ageOf(t, now))],
    age,
    ['IP', (o) => o.status?.podIP ?? '<none>'],
    ['Node', (o) => o.spec.nodeName ?? '<none>'],
    ['Nominated Node', () => '<none>'],
    ['Readiness Gates', () => '<none>'],
  ]),
  Event: typed('Event', [
    ['Last Seen', (o, now) => ageOf(eventTime(o), now)],
    ['Type', (o) => o.type ?? ''],
    ['Reason', (o) => o.reason ?? ''],
    ['Object', (o) => `${(o.involvedObject.kind ?? '').toLowerCase()}/${o.involvedObject.name ?? ''}`],
    ['Message', (o) => o.message ?? ''],
  ]),
  Service: typed('Service', [
    ['Type', (o) => o.spec.type ?? 'ClusterIP'],
    ['Cluster-IP', (o) => o.spec.clusterIP ?? '<none>'],
    [
      'External-IP',
      (o) =>
        (o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').join(',') ||
        (o.spec.type === 'LoadBalancer' ? '<pending>' : '<none>'),
    ],
    ['Port(s)', (o) => (o.spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',')],
    age,
    ['Selector', (o) => labelsText(o.spec.selector)],
  ]),
  Endpoints: typed('Endpoints', [['Endpoints', (o) => endpointsText(o)], age]),
  Node: typed('Node', [
    [
      'Status',
      (o) =>
        `${
          o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? 'Ready' : 'NotReady'
        }${o.spec?.unschedulable ? ',SchedulingDisabled' : ''}`,
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
    ['Version', (o) => o.status?.nodeInfo?.kubeletVersion ?? ''],
  ]),
  ReplicaSet: typed('ReplicaSet', [
    ['Desired', (o) => o.spec.replicas ?? 0],
    ['Current', (o) => o.status?.replicas ?? 0],
    ['Ready', (o) => o.status?.readyReplicas ?? 0],
    age,
    ...workloadWide,
  ]),
  Job: [
    [
      'Status',
      (o) =>
        ['Complete', 'Failed', 'FailureTarget', 'SuccessCriteriaMet', 'Suspended'].find((c) =>
          trueCondition(o, c),
        ) ?? 'Running',
    ],
    ['Completions', (o) => `${status(o).succeeded ?? 0}/${spec(o).completions ?? 1}`],
    [
      'Duration',
      (o, now) => {
        const start = Date.parse(status(o).startTime ?? '');
        if (!Number.isFinite(start)) return '';
        const end = Date.parse(status(o).completionTime ?? '');
        return shortDuration(((Number.isFinite(end) ? end : now.getTime()) - start) / 1000);
      },
    ],
    age,
    ...workloadWide,
  ],
  CronJob: [
    ['Schedule', (o) => spec(o).schedule ?? ''],
    ['Timezone', (o) => spec(o).timeZone ?? '<none>'],
    ['Suspend', (o) => (spec(o).suspend ? 'True' : 'False')],
    ['Active', (o) => (status(o).active ?? []).length],
    [
      'Last Schedule',
      (o, now) => (status(o).lastScheduleTime ? ageOf(status(o).lastScheduleTime, now) : '<none>'),
    ],
    age,
  ],
  PersistentVolumeClaim: [
    ['Status', (o) => status(o).phase ?? 'Pending'],
    ['Volume', (o) => spec(o).volumeName ?? ''],
    ['Capacity', (o) => status(o).capacity?.storage ?? ''],
    ['Access Modes', (o) => modesText(status(o).accessModes)],
    ['StorageClass', (o) => spec(o).storageClassName ?? '<unset>'],
    ['VolumeAttributesClass', (o) => spec(o).volumeAttributesClassName ?? '<unset>'],
    age,
  ],
  PersistentVolume: [
    ['Capacity', (o) => spec(o).capacity?.storage ?? ''],
    ['Access Modes', (o) => modesText(spec(o).accessModes)],
    ['Reclaim Policy', (o) => spec(o).persistentVolumeReclaimPolicy ?? 'Retain'],
    ['Status', (o) => status(o).phase ?? 'Available'],
    ['Claim', (o) => (spec(o).claimRef ? `${spec(o).claimRef.namespace}/${spec(o).claimRef.name}` : '')],
    ['StorageClass', (o) => spec(o).storageClassName ?? ''],
    ['VolumeAttributesClass', () => '<unset>'],
    ['Reason', (o) => status(o).reason ?? ''],
    age,
  ],
  StorageClass: [
    ['Provisioner', (o) => (o as Loose).provisioner ?? ''],
    ['ReclaimPolicy', (o) => (o as Loose).reclaimPolicy ?? 'Delete'],
    ['VolumeBindingMode', (o) => (o as Loose).volumeBindingMode ?? 'Immediate'],
    ['AllowVolumeExpansion', (o) => ((o as Loose).allowVolumeExpansion ? 'true' : 'false')],
    age,
  ],
  PriorityClass: [
    ['Value', (o) => (o as Loose).value ?? 0],
    ['Global-Default', (o) => ((o as Loose).globalDefault ? 'true' : 'false')],
    age,
    ['PreemptionPolicy', (o) => (o as Loose).preemptionPolicy ?? 'PreemptLowerPriority'],
  ],
  HorizontalPodAutoscaler: [
    ['Reference', (o) => `${spec(o).scaleTargetRef?.kind ?? ''}/${spec(o).scaleTargetRef?.name ?? ''}`],
    ['Targets', (o) => hpaTargets(o)],
    ['MinPods', (o) => spec(o).minReplicas ?? 1],
    ['MaxPods', (o) => spec(o).maxReplicas ?? 0],
    ['Replicas', (o) => status(o).currentReplicas ?? 0],
    age,
  ],
  Ingress: [
    ['Class', (o) => spec(o).ingressClassName ?? '<none>'],
    ['Hosts', (o) => (spec(o).rules ?? []).map((r: Loose) => r.host ?? '*').join(',') || '*'],
    [
      'Address',
      (o) => (status(o).loadBalancer?.ingress ?? []).map((i: Loose) => i.ip ?? i.hostname ?? '').join(','),
    ],
    ['Ports', (o) => ((spec(o).tls ?? []).length ? '80, 443' : '80')],
    age,
  ],
  StatefulSet: [
    ['Ready', (o) => `${status(o).readyReplicas ?? 0}/${spec(o).replicas ?? 1}`],
    age,
    ...workloadWide.filter(([name]) => name !== 'Selector'),
  ],
  DaemonSet: [
    ['Desired', (o) => status(o).desiredNumberScheduled ?? 0],
    ['Current', (o) => status(o).currentNumberScheduled ?? 0],
    ['Ready', (o) => status(o).numberReady ?? 0],
    ['Up-to-date', (o) => status(o).updatedNumberScheduled ?? 0],
    ['Available', (o) => status(o).numberAvailable ?? 0],
    [
      'Node Selector',
      (o) =>
        Object.entries((spec(o).template?.spec?.nodeSelector ?? {}) as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || '<none>',
    ],
    age,
    ...workloadWide,
  ],
  Deployment: typed('Deployment', [
    ['Ready', (o) => `${o.status?.readyReplicas ?? 0}/${o.spec.replicas ?? 1}`],
    ['Up-to-date', (o) => o.status?.updatedReplicas ?? 0],
    ['Available', (o) => o.status?.availableReplicas ?? 0],
    age,
    ...workloadWide,
  ]),
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
  const first: Column =
    kind === 'StorageClass'
      ? ['Name', (o) => isDefaultClass(o, 'storageclass.kubernetes.io/is-default-class')]
      : ['Name', (o) => o.metadata?.name ?? ''];
  const columns: Column[] = [first, ...(COLUMNS[kind] ?? [age])];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(([name]) => ({
      name,
      type: [
        'Restarts',
        'Up-to-date',
        'Available',
        'Desired',
        'Current',
        'Active',
        'MinPods',
        'MaxPods',
        'Replicas',
      ].includes(name)
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
