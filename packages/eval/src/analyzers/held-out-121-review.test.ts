// Review of the general rules written after held-out sets 118 to 121 (git diff 1c704fe: clickhouse-small-inserts,
// daemonset-untolerated-nodes, jvm-processors, pool-over-cpu, rabbitmq-watermark, throttled-dependency,
// traefik-provider-off, the Traefik IngressClass line, cron-time-zone's reads and lastScheduleTime, the
// ephemeral-storage eviction dated by pod age, rbac's refusal in a crashed container's log and the scan's
// anti-affinity scale fix), on inputs made up for the review (names, hosts, addresses, namespaces and log
// lines are not the worlds'), by a helper who had not written them. Each test is written as the rule should
// behave; a test that showed a bug is skipped with a `// Found in review, fixed:` line above it.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import type { SeenObservation } from '../observations.js';
import { clickhouseSmallInsertsAnalyzer } from './clickhouse-small-inserts.js';
import { cronTimeZoneAnalyzer, cronTimeZoneAskedAnalyzer } from './cron-time-zone.js';
import { daemonSetUntoleratedNodesAnalyzer } from './daemonset-untolerated-nodes.js';
import { ephemeralStorageAnalyzer } from './ephemeral-storage.js';
import { expectedLine } from './expected-log-lines.js';
import { jvmProcessorsAnalyzer } from './jvm-processors.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { poolOverCpuAnalyzer } from './pool-over-cpu.js';
import { rabbitmqWatermarkAnalyzer } from './rabbitmq-watermark.js';
import { rbacAnalyzer } from './rbac.js';
import { throttledDependencyAnalyzer } from './throttled-dependency.js';
import { traefikProviderOffAnalyzer } from './traefik-provider-off.js';
import type { AnalyzerContext } from './types.js';

// --- shared helpers ------------------------------------------------------------------------------------------

interface ContainerText {
  name: string;
  image: string;
  args?: string[];
  limits?: Record<string, string>;
  requests?: Record<string, string>;
  env?: Record<string, string>;
}

/** `kubectl describe pod` of a Running pod: its controller, and each container's args, resources, variables. */
function podText(ns: string, name: string, owner: string, containers: ContainerText[]): string {
  const block = (head: string, r: Record<string, string> | undefined) =>
    r ? [`    ${head}:`, ...Object.entries(r).map(([k, v]) => `      ${k}:  ${v}`)] : [];
  return [
    `Name:             ${name}`,
    `Namespace:        ${ns}`,
    'Priority:         0',
    'Service Account:  default',
    'Node:             pool-a-2/10.0.3.12',
    'Start Time:       Mon, 02 Mar 2026 07:58:12 +0000',
    'Status:           Running',
    'IP:               10.244.2.31',
    `Controlled By:    ${owner}`,
    'Containers:',
    ...containers.flatMap((c) => [
      `  ${c.name}:`,
      `    Container ID:   containerd://4f7e1c2a9b${c.name.length}d0e3`,
      `    Image:          ${c.image}`,
      ...(c.args ? ['    Args:', ...c.args.map((a) => `      ${a}`)] : []),
      '    State:          Running',
      '      Started:      Mon, 02 Mar 2026 07:58:14 +0000',
      '    Ready:          True',
      '    Restart Count:  0',
      ...block('Limits', c.limits),
      ...block('Requests', c.requests),
      ...(c.env
        ? ['    Environment:', ...Object.entries(c.env).map(([k, v]) => `      ${k}:  ${v}`)]
        : ['    Environment:    <none>']),
      '    Mounts:',
      '      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-8m2qz (ro)',
    ]),
    'Conditions:',
    '  Type              Status',
    '  Ready             True',
    'QoS Class:        Burstable',
    'Events:           <none>',
  ].join('\n');
}

const described = (ns: string, name: string, text: string): SeenObservation =>
  observed('describe_pod', { namespace: ns, name }, text);

/** `get_pod_metrics` of a namespace: one block per pod, `[pod, [container line, …]]`. */
const metrics = (ns: string, blocks: [string, string[]][]): SeenObservation =>
  observed(
    'get_pod_metrics',
    { namespace: ns },
    blocks.map(([pod, lines]) => [`${pod}  restarts: 0  oomKills: 0 known`, ...lines].join('\n')).join('\n'),
  );

const withHints = (c: AnalyzerContext, hints: string[]): AnalyzerContext => ({ ...c, hints });

const node = (name: string, extra = '') => `{ name: ${name}, cpu: "8", memory: 32Gi${extra} }`;

// --- daemonset-untolerated-nodes -----------------------------------------------------------------------------

describe('review: daemonset-untolerated-nodes', () => {
  const NS = 'telemetry';
  const nodeList = (names: string[]) =>
    observed(
      'list_nodes',
      {},
      table([
        ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
        ...names.map((n) => [n, 'Ready', n.startsWith('cp-') ? 'control-plane' : '<none>', '41d', 'v1.30.4']),
      ]),
    );
  const nodeDescribed = (name: string, taints: string[]) =>
    observed(
      'describe_node',
      { name },
      [
        `Name:               ${name}`,
        'Roles:              <none>',
        `Labels:             kubernetes.io/hostname=${name}`,
        'CreationTimestamp:  Tue, 20 Jan 2026 10:00:00 +0000',
        ...(taints.length === 0
          ? ['Taints:             <none>']
          : taints.map((t, i) => `${i === 0 ? 'Taints:' : '       '}             ${t}`)),
        'Unschedulable:      false',
        'Conditions:',
        '  Type             Status',
        '  Ready            True',
      ].join('\n'),
    );
  const ds = (name: string, desired: number, spec: string[]) =>
    observed(
      'describe_resource',
      { kind: 'DaemonSet', name, namespace: NS },
      [
        `Name:         ${name}`,
        `Namespace:    ${NS}`,
        'Kind:         DaemonSet (apps/v1)',
        'Spec:',
        `  selector.matchLabels.app: ${name}`,
        `  template.spec.containers[0].name: ${name}`,
        `  template.spec.containers[0].image: registry.example.com/obs/${name}:3.1.2`,
        ...spec.map((l) => `  template.spec.${l}`),
        'Status:',
        `  currentNumberScheduled: ${desired}`,
        '  numberMisscheduled: 0',
        `  desiredNumberScheduled: ${desired}`,
        `  numberReady: ${desired}`,
        'Events:  <none>',
      ].join('\n'),
    );
  const podList = (rows: [string, string][]) =>
    observed(
      'list_pods',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
        ...rows.map(([p, n], i) => [p, '1/1', 'Running', '0', '9d', `10.244.${i}.7`, n]),
      ]),
    );

  it('names an accelerator taint the template does not tolerate, with a toleration of the right shape', () => {
    const seen = [
      ds('gpu-metrics', 2, ['tolerations[0].key: CriticalAddonsOnly', 'tolerations[0].operator: Exists']),
      nodeList(['gpu-a100-1', 'gpu-a100-2', 'std-1', 'std-2']),
      podList([
        ['gpu-metrics-7xk2p', 'std-1'],
        ['gpu-metrics-q4m9z', 'std-2'],
      ]),
      nodeDescribed('gpu-a100-1', ['nvidia.com/gpu=present:NoSchedule']),
      nodeDescribed('gpu-a100-2', ['nvidia.com/gpu=present:NoSchedule']),
    ];
    const [f] = daemonSetUntoleratedNodesAnalyzer.finds(
      withHints(ctx(NS, seen, 'gpu-metrics shows nothing for the A100 nodes.'), ['gpu-metrics']),
    );
    expect(f?.object).toBe('daemonset gpu-metrics');
    expect(f?.cause).toMatch(/runs no pod on nodes gpu-a100-1, gpu-a100-2/);
    expect(f?.cause).toMatch(/tolerations: CriticalAddonsOnly Exists/);
    expect(f?.advice).toMatch(/key nvidia\.com\/gpu, operator Equal, value present, effect NoSchedule/);
  });

  it('asks for the node list first, then describes at most three nodes without a pod', () => {
    const dsOnly = [ds('gpu-metrics', 1, [])];
    const c = (seen: SeenObservation[]) => withHints(ctx(NS, seen), ['gpu-metrics']);
    expect(daemonSetUntoleratedNodesAnalyzer.reads(c(dsOnly))).toEqual([{ tool: 'list_nodes', args: {} }]);
    const seen = [
      ...dsOnly,
      nodeList(['a-1', 'b-1', 'b-2', 'b-3', 'b-4']),
      podList([['gpu-metrics-7xk2p', 'a-1']]),
    ];
    expect(daemonSetUntoleratedNodesAnalyzer.reads(c(seen))).toEqual(
      ['b-1', 'b-2', 'b-3'].map((name) => ({ tool: 'describe_node', args: { name } })),
    );
  });

  it('stays quiet when a keyless Exists toleration tolerates every taint', () => {
    const seen = [
      ds('gpu-metrics', 1, ['tolerations[0].operator: Exists']),
      nodeList(['gpu-a100-1', 'std-1']),
      podList([['gpu-metrics-7xk2p', 'std-1']]),
      nodeDescribed('gpu-a100-1', ['nvidia.com/gpu=present:NoSchedule']),
    ];
    expect(daemonSetUntoleratedNodesAnalyzer.finds(withHints(ctx(NS, seen), ['gpu-metrics']))).toEqual([]);
  });

  // Found in review, fixed: a DaemonSet kept off Windows nodes by its own nodeSelector (kubernetes.io/os: linux) is reported as kept off by their os=windows taint, and the advice to tolerate the taint would place no pod there.
  it('stays quiet when the nodes without a pod are excluded by the template nodeSelector', () => {
    const seen = [
      ds('log-forwarder', 2, ['nodeSelector.kubernetes.io/os: linux']),
      nodeList(['lin-1', 'lin-2', 'win-1']),
      podList([
        ['log-forwarder-h8d2k', 'lin-1'],
        ['log-forwarder-v7n4c', 'lin-2'],
      ]),
      nodeDescribed('win-1', ['os=windows:NoSchedule']),
    ];
    expect(daemonSetUntoleratedNodesAnalyzer.finds(withHints(ctx(NS, seen), ['log-forwarder']))).toEqual([]);
  });

  // Found in review, fixed: beside the control-plane node (whose NoSchedule taint keeps most DaemonSets off by design), the finding cites and advises tolerating the control-plane taint, not the taint of the GPU nodes the person asks about.
  it('advises the toleration for the taint of the nodes the person asks about, not the control plane', () => {
    const seen = [
      ds('log-forwarder', 2, []),
      nodeList(['cp-1', 'gpu-1', 'gpu-2', 'w-1', 'w-2']),
      podList([
        ['log-forwarder-h8d2k', 'w-1'],
        ['log-forwarder-v7n4c', 'w-2'],
      ]),
      nodeDescribed('cp-1', ['node-role.kubernetes.io/control-plane:NoSchedule']),
      nodeDescribed('gpu-1', ['nvidia.com/gpu=present:NoSchedule']),
      nodeDescribed('gpu-2', ['nvidia.com/gpu=present:NoSchedule']),
    ];
    const [f] = daemonSetUntoleratedNodesAnalyzer.finds(
      withHints(ctx(NS, seen, 'log-forwarder ships no logs from the GPU nodes.'), ['log-forwarder']),
    );
    expect(f?.advice).toMatch(/nvidia\.com\/gpu/);
  });
});

// --- rabbitmq-watermark --------------------------------------------------------------------------------------

describe('review: rabbitmq-watermark', () => {
  const NS = 'queues';
  const alarmLog = (pod: string, used: number, allowed: number) =>
    log(NS, pod, [
      '2026-03-02 09:14:02.551203+00:00 [info] <0.230.0> Server startup complete; 5 plugins started.',
      `2026-03-02 09:14:07.118342+00:00 [info] <0.492.0> vm_memory_high_watermark set. Memory used:${used} allowed:${allowed}`,
      `2026-03-02 09:14:07.118519+00:00 [warning] <0.490.0> memory resource limit alarm set on node 'rabbit@${pod}.rabbitmq-nodes.${NS}'.`,
      '2026-03-02 09:14:07.118519+00:00 [warning] <0.490.0> **********************************************************',
      '2026-03-02 09:14:07.118519+00:00 [warning] <0.490.0> *** Publishers will be blocked until this alarm clears ***',
    ]);
  const broker = (pod: string, owner: string, env?: Record<string, string>) =>
    described(
      NS,
      pod,
      podText(NS, pod, owner, [
        {
          name: 'rabbitmq',
          image: 'docker.io/library/rabbitmq:3.12.14-management',
          limits: { cpu: '2', memory: '2Gi' },
          requests: { cpu: '500m', memory: '2Gi' },
          ...(env ? { env } : {}),
        },
      ]),
    );

  it('reads a watermark from rabbitmq.conf in a ConfigMap and advises 40 % of the limit', () => {
    const pod = 'events-broker-6b9f7c5d8-t2wqz';
    const conf = observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'events-broker-config', namespace: NS },
      [
        'Name:         events-broker-config',
        `Namespace:    ${NS}`,
        'Data',
        '====',
        'rabbitmq.conf:',
        '----',
        'listeners.tcp.default = 5672',
        'vm_memory_high_watermark.absolute = 200MB',
        'disk_free_limit.absolute = 1GB',
      ].join('\n'),
    );
    const [f] = rabbitmqWatermarkAnalyzer.finds(
      ctx(NS, [
        log(NS, pod, [
          `2026-03-02 09:14:07.118519+00:00 [warning] <0.490.0> memory resource limit alarm set on node 'rabbit@${pod}'.`,
        ]),
        broker(pod, 'ReplicaSet/events-broker-6b9f7c5d8'),
        conf,
      ]),
    );
    expect(f?.object).toBe(`deployment events-broker (pod ${pod})`);
    expect(f?.cause).toMatch(/vm_memory_high_watermark\.absolute = 200MB" in ConfigMap events-broker-config/);
    expect(f?.advice).toMatch(/vm_memory_high_watermark\.absolute = 819MiB/);
  });

  it('stays quiet when the watermark is the default share of the limit and the broker is truly full', () => {
    const pod = 'rabbitmq-1';
    const allowed = Math.floor(0.4 * 2 * 1024 ** 3);
    expect(
      rabbitmqWatermarkAnalyzer.finds(
        ctx(NS, [alarmLog(pod, allowed + 52_428_800, allowed), broker(pod, 'StatefulSet/rabbitmq')]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: for a broker run as a StatefulSet (rabbitmq-0, the usual way) the advice says "on container rabbitmq of undefined", since the text is built from a Deployment that does not exist.
  it('names the StatefulSet pod, not "undefined", in the advice for a broker run as a StatefulSet', () => {
    const pod = 'rabbitmq-0';
    const [f] = rabbitmqWatermarkAnalyzer.finds(
      ctx(NS, [
        alarmLog(pod, 281_493_504, 268_435_456),
        broker(pod, 'StatefulSet/rabbitmq', { RABBITMQ_VM_MEMORY_HIGH_WATERMARK: '256MiB' }),
      ]),
    );
    expect(f?.cause).toMatch(
      /RABBITMQ_VM_MEMORY_HIGH_WATERMARK=256MiB on container rabbitmq allows 256MiB, 13 %/,
    );
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).not.toMatch(/undefined/);
  });
});

// --- pool-over-cpu -------------------------------------------------------------------------------------------

describe('review: pool-over-cpu', () => {
  const NS = 'render';
  const POD = 'thumb-worker-7d9c6b5f4-k2xqp';
  const pinnedAt = (pod = POD, container = 'worker', limit = '2') =>
    metrics(NS, [
      [
        pod,
        [`  ${container}: cpu ${limit} / request 1 / limit ${limit} (100%); memory 1210Mi / limit 2Gi (59%)`],
      ],
    ]);
  const worker = (env: Record<string, string>, owner = 'ReplicaSet/thumb-worker-7d9c6b5f4', pod = POD) =>
    described(
      NS,
      pod,
      podText(NS, pod, owner, [
        {
          name: 'worker',
          image: 'registry.example.com/render/thumb-worker:4.2.0',
          args: ['celery', '-A', 'thumbs', 'worker', '--loglevel=INFO'],
          limits: { cpu: '2', memory: '2Gi' },
          requests: { cpu: '1', memory: '1Gi' },
          env,
        },
      ]),
    );

  it("sets Gunicorn's WEB_CONCURRENCY to one worker per CPU of the limit", () => {
    const [f] = poolOverCpuAnalyzer.finds(
      ctx(NS, [
        pinnedAt(),
        worker({ WEB_CONCURRENCY: '12', GUNICORN_CMD_ARGS: '--bind=0.0.0.0:8000' }),
        log(NS, POD, [
          '[2026-03-02 09:00:01 +0000] [1] [INFO] Starting gunicorn 22.0.0',
          '[2026-03-02 09:00:01 +0000] [1] [INFO] Using worker: sync',
        ]),
      ]),
    );
    expect(f?.object).toBe(`deployment thumb-worker (pod ${POD})`);
    expect(f?.cause).toMatch(
      /pool of 12 worker processes or threads \(WEB_CONCURRENCY=12\) on a CPU limit of 2/,
    );
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'thumb-worker',
        container: 'worker',
        set: [{ name: 'WEB_CONCURRENCY', value: '2' }],
      },
      text: expect.stringMatching(/^set WEB_CONCURRENCY=2 on container worker of deployment thumb-worker/),
    });
  });

  it('stays quiet when the pool matches the CPU limit, however busy', () => {
    expect(poolOverCpuAnalyzer.finds(ctx(NS, [pinnedAt(), worker({ WEB_CONCURRENCY: '2' })]))).toEqual([]);
  });

  // Found in review, fixed: the first pool-like variable decides (OMP_NUM_THREADS=1, set in most Python images), so the Celery concurrency of 16 beside it is never looked at and the rule stays quiet.
  it('finds the Celery concurrency even when OMP_NUM_THREADS=1 comes first', () => {
    const [f] = poolOverCpuAnalyzer.finds(
      ctx(NS, [pinnedAt(), worker({ OMP_NUM_THREADS: '1', CELERY_WORKER_CONCURRENCY: '16' })]),
    );
    expect(f?.cause).toMatch(/CELERY_WORKER_CONCURRENCY=16/);
  });

  // Found in review, fixed: any pod's "Connection reset by peer" is quoted as the pinned worker's own heartbeats dropped by its broker, here an nginx upstream error of another workload.
  it("does not quote another pod's connection reset as the worker's lost heartbeats", () => {
    const [f] = poolOverCpuAnalyzer.finds(
      ctx(NS, [
        pinnedAt(),
        worker({ CELERY_WORKER_CONCURRENCY: '16' }),
        log(NS, 'edge-proxy-5f6d7c8b9-zz2lm', [
          '2026/03/02 09:12:01 [error] 29#29: *1841 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 10.244.1.9, server: _, request: "GET /status HTTP/1.1", upstream: "http://10.244.2.17:8000/status", host: "render.example.com"',
        ]),
      ]),
    );
    expect(f).toBeDefined();
    expect(f?.cause).not.toMatch(/heartbeats/);
  });

  // Found in review, fixed: for a worker run as a StatefulSet the advice reads "on container worker of undefined".
  it('does not say "of undefined" for a worker run as a StatefulSet', () => {
    const pod = 'thumb-worker-0';
    const [f] = poolOverCpuAnalyzer.finds(
      ctx(NS, [pinnedAt(pod), worker({ CELERY_WORKER_CONCURRENCY: '16' }, 'StatefulSet/thumb-worker', pod)]),
    );
    expect(f?.cause).toMatch(/CELERY_WORKER_CONCURRENCY=16/);
    expect(f?.advice).not.toMatch(/undefined/);
  });
});

// --- throttled-dependency ------------------------------------------------------------------------------------

describe('review: throttled-dependency', () => {
  const NS = 'shop';
  const services = (names: string[]) =>
    observed(
      'list_services',
      { namespace: NS },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
        ...names.map((n, i) => [n, 'ClusterIP', `10.96.14.${i + 20}`, '<none>', '8080/TCP', '33d']),
      ]),
    );
  const INV = 'inventory-5c7d9b8f4-xk2lp';
  const invAt = (percent: number) =>
    metrics(NS, [
      [
        INV,
        [
          `  app: cpu ${percent >= 100 ? '1' : '400m'} / request 250m / limit 1 (${percent}%); memory 612Mi / limit 1Gi (59%)`,
        ],
      ],
    ]);

  it("leads with the throttled Service a Go client's deadline names", () => {
    const client = 'checkout-6f8b7d9c5-q2w8e';
    const [f] = throttledDependencyAnalyzer.finds(
      ctx(NS, [
        services(['checkout', 'inventory']),
        log(NS, client, [
          'time="2026-03-02T09:14:07Z" level=error msg="reserve failed" error="Post \\"http://inventory.shop.svc.cluster.local:8080/v1/reserve\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"',
        ]),
        invAt(100),
      ]),
    );
    expect(f?.object).toBe(`deployment inventory (pod ${INV})`);
    expect(f?.cause).toMatch(/^checkout-6f8b7d9c5-q2w8e's requests to inventory time out/);
    expect(f?.advice).toMatch(/raise or remove its 1 CPU limit/);
  });

  it('stays quiet when the Service behind the timeouts is far from its CPU limit', () => {
    expect(
      throttledDependencyAnalyzer.finds(
        ctx(NS, [
          services(['inventory']),
          log(NS, 'checkout-6f8b7d9c5-q2w8e', ['ERROR inventory client: Read timed out. (read timeout=5)']),
          invAt(40),
        ]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a client whose name starts with the Service's (orders-worker calling orders) is taken for the Service itself, so its timeouts are never read.
  it('fires for a client whose name the Service name prefixes (orders-worker calling orders)', () => {
    const [f] = throttledDependencyAnalyzer.finds(
      ctx(NS, [
        services(['orders', 'orders-worker']),
        log(NS, 'orders-worker-7b6c5d4f9-p8q2r', [
          'time="2026-03-02T09:14:07Z" level=error msg="sync batch failed" error="Post \\"http://orders:8080/internal/reserve\\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"',
        ]),
        metrics(NS, [
          [
            'orders-6d8f9b7c5-m2k4x',
            ['  api: cpu 2 / request 1 / limit 2 (100%); memory 1Gi / limit 2Gi (50%)'],
          ],
        ]),
      ]),
    );
    expect(f?.object).toBe('deployment orders (pod orders-6d8f9b7c5-m2k4x)');
  });

  // Found in review, fixed: a start-up line that only prints the client's settings ("read timeout 30s") is read as a timeout, so a busy dependency is blamed for timeouts that never happened.
  it('does not take a printed timeout setting for a timeout', () => {
    expect(
      throttledDependencyAnalyzer.finds(
        ctx(NS, [
          services(['inventory']),
          log(NS, 'checkout-6f8b7d9c5-q2w8e', [
            '2026-03-02 09:00:01.204 INFO  [main] InventoryClient: base url http://inventory:8080, connect timeout 2s, read timeout 30s',
            '2026-03-02 09:00:02.991 INFO  [main] Started CheckoutApplication in 4.117 seconds',
          ]),
          invAt(100),
        ]),
      ),
    ).toEqual([]);
  });

  it('stays bounded on many long lines full of Service names', () => {
    const svc = services(['search', 'inventory', 'pricing']);
    const noisy = Array.from(
      { length: 2000 },
      () => `${'search-inventory-pricing '.repeat(150)}read timeout`,
    );
    const plain = Array.from({ length: 2000 }, () => `${'x'.repeat(3750)} read timeout`);
    const run = (lines: string[]) => () =>
      throttledDependencyAnalyzer.finds(
        ctx(NS, [svc, log(NS, 'checkout-6f8b7d9c5-q2w8e', lines), invAt(100)]),
      );
    expectBounded(run(noisy), run(plain));
  });
});

// --- traefik-provider-off ------------------------------------------------------------------------------------

describe('review: traefik-provider-off', () => {
  const NS = 'ingress';
  const JSON_LINE =
    '{"level":"error","error":"middleware \\"docs-strip-prefix@kubernetescrd\\" does not exist","entryPointName":"websecure","routerName":"ingress-docs-docs-example-com-docs@kubernetes","time":"2026-03-02T09:14:07Z","message":"Error while creating router"}';
  const traefik = (pod: string, owner: string, args: string[], env?: Record<string, string>) =>
    described(
      NS,
      pod,
      podText(NS, pod, owner, [
        {
          name: 'traefik',
          image: 'docker.io/traefik:v3.1.4',
          args,
          limits: { memory: '256Mi' },
          requests: { cpu: '100m', memory: '128Mi' },
          ...(env ? { env } : {}),
        },
      ]),
    );

  it('reads a JSON log and flags given as Args, and advises the flag without a set_env fix', () => {
    const pod = 'traefik-7c9f8d6b5-w4k8n';
    const [f] = traefikProviderOffAnalyzer.finds(
      ctx(NS, [
        log(NS, pod, [JSON_LINE]),
        traefik(pod, 'ReplicaSet/traefik-7c9f8d6b5', [
          '--entryPoints.web.address=:8000/tcp',
          '--entryPoints.websecure.address=:8443/tcp',
          '--providers.kubernetesingress',
          '--log.format=json',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(/cannot find the middleware docs-strip-prefix/);
    expect(f?.cause).toMatch(/turns on only kubernetesingress/);
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).toMatch(/--providers\.kubernetescrd/);
  });

  it('stays quiet when the CRD provider is on and the Middleware is simply missing', () => {
    const pod = 'traefik-7c9f8d6b5-w4k8n';
    expect(
      traefikProviderOffAnalyzer.finds(
        ctx(NS, [
          log(NS, pod, [JSON_LINE]),
          traefik(pod, 'ReplicaSet/traefik-7c9f8d6b5', [
            '--providers.kubernetesingress',
            '--providers.kubernetescrd',
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a provider turned on by one of its options (--providers.kubernetescrd.namespaces=…, which enables it in Traefik's static configuration) is not counted, so the CRD provider is reported off while it runs.
  it('counts the CRD provider enabled by one of its options', () => {
    const pod = 'traefik-7c9f8d6b5-w4k8n';
    expect(
      traefikProviderOffAnalyzer.finds(
        ctx(NS, [
          log(NS, pod, [JSON_LINE]),
          traefik(pod, 'ReplicaSet/traefik-7c9f8d6b5', [
            '--providers.kubernetesingress',
            '--providers.kubernetescrd.namespaces=ingress,docs',
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: for Traefik run as a DaemonSet the advice reads "on container traefik of undefined".
  it('does not say "of undefined" for Traefik run as a DaemonSet', () => {
    const pod = 'traefik-x7k2p';
    const [f] = traefikProviderOffAnalyzer.finds(
      ctx(NS, [
        log(NS, pod, [JSON_LINE]),
        traefik(pod, 'DaemonSet/traefik', [], { TRAEFIK_PROVIDERS_KUBERNETESINGRESS: 'true' }),
      ]),
    );
    expect(f?.cause).toMatch(/not enabled/);
    expect(f?.advice).not.toMatch(/undefined/);
  });

  it('stays bounded on a long line of near-miss middleware references', () => {
    const bad = 'middleware \\"a'.repeat(260);
    const lines = (l: string) => Array.from({ length: 2000 }, () => l.slice(0, 3990));
    const run = (l: string) => () =>
      traefikProviderOffAnalyzer.finds(ctx(NS, [log(NS, 'traefik-7c9f8d6b5-w4k8n', lines(l))]));
    expectBounded(run(bad), run('x'.repeat(3990)));
  });
});

// --- clickhouse-small-inserts --------------------------------------------------------------------------------

describe('review: clickhouse-small-inserts', () => {
  const NS = 'analytics';
  const CH = 'chi-events-main-0-0-0';
  const chLog = (lines: string[]) => log(NS, CH, lines);

  it("reads ClickHouse's delay line when no refusal was logged yet, and quotes the collector's batching", () => {
    const otel = observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'otel-gateway', namespace: NS },
      [
        'Name:         otel-gateway',
        `Namespace:    ${NS}`,
        'Data',
        '====',
        'relay:',
        '----',
        'processors:',
        '  batch:',
        '    send_batch_size: 200',
        '    timeout: 100ms',
        'exporters:',
        '  clickhouse:',
        '    endpoint: tcp://chi-events-main:9000',
      ].join('\n'),
    );
    const [f] = clickhouseSmallInsertsAnalyzer.finds(
      ctx(NS, [
        chLog([
          '2026.03.02 09:14:07.118342 [ 815 ] {7b2c3d4e-5f60-4a71-9b8c-0d1e2f3a4b5c} <Information> otel.otel_logs (a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d): Delaying inserting block by 2.5 ms. because there are 412 parts and their average size is 3.21 KiB',
        ]),
        otel,
      ]),
    );
    expect(f?.object).toBe(`pod ${CH}`);
    expect(f?.cause).toMatch(/412 active parts averaging 3\.21 KiB/);
    expect(f?.cause).toMatch(
      /send_batch_size: 200, timeout: 100ms \(ConfigMap otel-gateway's batch processor\)/,
    );
    expect(f?.advice).toMatch(/async_insert/);
  });

  it('stays quiet when the parts are large (merges stalled, not tiny inserts)', () => {
    expect(
      clickhouseSmallInsertsAnalyzer.finds(
        ctx(NS, [
          chLog([
            "2026.03.02 09:14:07.221104 [ 902 ] {} <Error> executeQuery: Code: 252. DB::Exception: Too many parts (3001 with average size of 184.20 MiB) in table 'events.raw (4f1c0b2e-7d8a-4b3c-9e6f-1a2b3c4d5e6f)'. Merges are processing significantly slower than inserts. (TOO_MANY_PARTS) (version 24.3.5.47 (official build))",
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  it('stays quiet on too many partitions for one INSERT block (a partitioning key, same error code)', () => {
    expect(
      clickhouseSmallInsertsAnalyzer.finds(
        ctx(NS, [
          chLog([
            "2026.03.02 09:14:07.221104 [ 902 ] {} <Error> executeQuery: Code: 252. DB::Exception: Too many partitions for single INSERT block (more than 100). The limit is controlled by 'max_partitions_per_insert_block' setting. (TOO_MANY_PARTS) (version 24.3.5.47 (official build))",
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  it('stays bounded on long lines that almost match', () => {
    const near = `${'there are 1 parts and their average size is 1.'.repeat(160)}`.slice(0, 7990);
    const run = (l: string) => () =>
      clickhouseSmallInsertsAnalyzer.finds(ctx(NS, [chLog(Array.from({ length: 2000 }, () => l))]));
    expectBounded(run(near), run('y'.repeat(7990)));
  });
});

// --- jvm-processors ------------------------------------------------------------------------------------------

describe('review: jvm-processors', () => {
  const NS = 'search';
  const ES = 'es-data-1';
  const rejected = (pool: string, size: number) =>
    log(NS, ES, [
      `{"@timestamp":"2026-03-02T09:14:07.118Z","log.level":"WARN","message":"failed to execute","error.type":"org.elasticsearch.common.util.concurrent.EsRejectedExecutionException","error.message":"rejected execution of org.elasticsearch.common.util.concurrent.TimedRunnable@6c1b8f0b on EsThreadPoolExecutor[name = ${ES}/${pool}, queue capacity = 1000, org.elasticsearch.common.util.concurrent.EsThreadPoolExecutor@4a3bb8c1[Running, pool size = ${size}, active threads = ${size}, queued tasks = 1000, completed tasks = 1283746]]"}`,
    ]);
  const esPod = (containers: ContainerText[]) =>
    described(NS, ES, podText(NS, ES, 'StatefulSet/es-data', containers));
  const es = (
    requests: Record<string, string>,
    limits: Record<string, string>,
    env?: Record<string, string>,
  ) => ({
    name: 'elasticsearch',
    image: 'docker.elastic.co/elasticsearch/elasticsearch:7.17.9',
    requests,
    limits,
    ...(env ? { env } : {}),
  });

  it('reads a write-pool refusal beside a 2-CPU request and no CPU limit', () => {
    const [f] = jvmProcessorsAnalyzer.finds(
      ctx(NS, [rejected('write', 2), esPod([es({ cpu: '2', memory: '8Gi' }, { memory: '8Gi' })])]),
    );
    expect(f?.object).toBe(`pod ${ES}`);
    expect(f?.cause).toMatch(/its write thread pool has only 2 threads/);
    expect(f?.cause).toMatch(/availableProcessors\(\) returns 2/);
  });

  it('stays quiet when ES_JAVA_OPTS sets the processor count', () => {
    expect(
      jvmProcessorsAnalyzer.finds(
        ctx(NS, [
          rejected('search', 2),
          esPod([
            es(
              { cpu: '1', memory: '8Gi' },
              { memory: '8Gi' },
              { ES_JAVA_OPTS: '-Xms4g -Xmx4g -XX:ActiveProcessorCount=1' },
            ),
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: search_throttled is a fixed pool of one thread whatever the processor count, yet its refusal is read as the JVM counting one processor from the CPU request.
  it('stays quiet on the search_throttled pool, fixed at one thread', () => {
    expect(
      jvmProcessorsAnalyzer.finds(
        ctx(NS, [
          rejected('search_throttled', 1),
          esPod([es({ cpu: '1', memory: '8Gi' }, { memory: '8Gi' })]),
        ]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a pool sized for fewer processors than the request (search pool 2, request 4) still fires and claims availableProcessors() returns 4, which would have made a 7-thread pool.
  it('does not claim the JVM counted 4 processors for a pool sized for 1', () => {
    const [f] = jvmProcessorsAnalyzer.finds(
      ctx(NS, [rejected('search', 2), esPod([es({ cpu: '4', memory: '8Gi' }, { memory: '8Gi' })])]),
    );
    expect(f?.cause ?? '').not.toMatch(/availableProcessors\(\) returns 4/);
  });

  // Found in review, fixed: the CPU request of any container counts, so a metrics sidecar with 50m and no limit is blamed while Elasticsearch itself has a 1-CPU limit (a real single CPU, not a miscount).
  it("does not blame a sidecar's CPU request for Elasticsearch's pool", () => {
    expect(
      jvmProcessorsAnalyzer.finds(
        ctx(NS, [
          rejected('search', 2),
          esPod([
            es({ cpu: '1', memory: '8Gi' }, { cpu: '1', memory: '8Gi' }),
            {
              name: 'es-exporter',
              image: 'quay.io/prometheuscommunity/elasticsearch-exporter:v1.7.0',
              requests: { cpu: '50m', memory: '64Mi' },
              limits: { memory: '128Mi' },
            },
          ]),
        ]),
      ),
    ).toEqual([]);
  });
});

// --- ephemeral-storage: an eviction dated by the pod's age ----------------------------------------------------

describe('review: ephemeral-storage dated by pod age', () => {
  const NS = 'reports';
  const OLD = 'report-builder-6d4f9c7b8-q9w2x';
  const evicted = observed(
    'describe_pod',
    { namespace: NS, name: OLD },
    [
      `Name:             ${OLD}`,
      `Namespace:        ${NS}`,
      'Node:             pool-a-3/10.0.4.13',
      'Status:           Failed',
      'Reason:           Evicted',
      'Message:          The node was low on resource: ephemeral-storage. Threshold quantity: 10120387611, available: 9641268Ki. Container builder was using 38213412Ki, request is 0, has larger consumption of ephemeral-storage. ',
      'Controlled By:    ReplicaSet/report-builder-6d4f9c7b8',
      'Containers:',
      '  builder:',
      '    Image:          registry.example.com/reports/builder:3.2.0',
      '    State:          Terminated',
      '      Reason:       ContainerStatusUnknown',
      '      Exit Code:    137',
      '    Ready:          False',
      'Volumes:',
      '  scratch:',
      "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
      '    Medium:',
      '    SizeLimit:  <unset>',
      'Events:           <none>',
    ].join('\n'),
  );
  const listed = (oldAge: string, newAge: string) =>
    observed(
      'list_pods',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        [OLD, '0/1', 'Evicted', '0', oldAge],
        ['report-builder-6d4f9c7b8-m4k8z', '1/1', 'Running', '0', newAge],
      ]),
    );

  it('treats an eviction as past when the replacement has served for days', () => {
    expect(ephemeralStorageAnalyzer.finds(ctx(NS, [listed('6d', '3d'), evicted]))).toEqual([]);
  });

  // Found in review, fixed: the evicted pod's AGE is counted from its creation, not its eviction: a pod that ran 6 days and was evicted 2 hours ago (its replacement is 2h old) is filed as a past episode.
  it('keeps an eviction of a long-lived pod whose replacement is two hours old', () => {
    const found = ephemeralStorageAnalyzer.finds(ctx(NS, [listed('6d', '2h'), evicted]));
    expect(found.length).toBeGreaterThan(0);
  });
});

// --- cron-time-zone: the person's words, and lastScheduleTime -----------------------------------------------

describe('review: cron-time-zone reads and lastScheduleTime', () => {
  const NS = 'finance';

  it('lists the CronJobs when the person says a nightly job lands after a cut-off', () => {
    // The early reads moved to their own analyzer after this review (cron-time-zone-asked).
    expect(
      cronTimeZoneAskedAnalyzer.reads(
        ctx(
          NS,
          [],
          'The nightly ledger CronJob delivers its file after the 06:30 cut-off since we moved clusters.',
        ),
      ),
    ).toEqual([{ tool: 'list_resources', args: { kind: 'CronJob', namespace: NS } }]);
  });

  it("dates a run whose log has no time by the CronJob's lastScheduleTime", () => {
    const seen = [
      observed(
        'list_resources',
        { kind: 'CronJob', namespace: NS },
        table([
          ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'],
          ['ledger-export', '0 6 * * *', '<none>', 'False', '0', '3h', '20d'],
        ]),
      ),
      observed(
        'describe_resource',
        { kind: 'CronJob', name: 'ledger-export', namespace: NS },
        [
          'Name:         ledger-export',
          `Namespace:    ${NS}`,
          'Kind:         CronJob (batch/v1)',
          'Spec:',
          '  schedule: 0 6 * * *',
          '  concurrencyPolicy: Forbid',
          '  jobTemplate.spec.template.spec.containers[0].name: export',
          'Status:',
          '  lastScheduleTime: 2026-03-02T06:00:00Z',
          '  lastSuccessfulTime: 2026-03-02T06:02:41Z',
        ].join('\n'),
      ),
      log(NS, 'ledger-export-29541960-x7k2p', [
        'export: 18231 rows written to sftp://bank.example.net/in/ledger-20260302.csv',
        'export: done',
      ]),
    ];
    const [f] = cronTimeZoneAnalyzer.finds(
      ctx(NS, seen, 'The ledger file arrives after the 06:30 cut-off of our bank in Europe/Berlin.'),
    );
    expect(f?.cause).toMatch(/started at 06:00 UTC ran at 07:00 Europe\/Berlin time, 1 h later than/);
    expect(f?.advice).toMatch(/spec\.timeZone: Europe\/Berlin/);
  });
});

// --- rbac: a refusal in a crashed container's log -----------------------------------------------------------

describe("review: rbac's refusal in a crashed container's log", () => {
  const NS = 'fleet';
  const POD = 'lease-agent-5d8c7f9b6-r2d2x';
  const refusal =
    'E0302 09:14:07.402118       1 store.go:88] unable to load state: configmaps "agent-state" is forbidden: User "system:serviceaccount:fleet:lease-agent" cannot get resource "configmaps" in API group "" in the namespace "fleet"';

  it('leads with the refusal the program exits on', () => {
    const [f] = rbacAnalyzer.finds(
      ctx(NS, [
        log(
          NS,
          POD,
          [
            'I0302 09:14:07.118342       1 main.go:61] starting lease-agent v2.3.1',
            refusal,
            'F0302 09:14:07.402301       1 main.go:72] cannot start without state',
          ],
          {
            previous: true,
          },
        ),
      ]),
    );
    expect(f?.object).toBe('serviceaccount lease-agent');
    expect(f?.weight).toBe(95);
  });

  // Found in review, fixed: a refusal the program logged, retried and lived past is taken as what it exits on, even when the crashed log ends in a nil-pointer panic of its own.
  it('does not lead with a retried refusal when the crash is a panic of its own', () => {
    const [f] = rbacAnalyzer.finds(
      ctx(NS, [
        log(
          NS,
          POD,
          [
            `${refusal}; will retry in 5s`,
            'I0302 09:14:12.402998       1 store.go:91] state loaded from cache',
            'panic: runtime error: invalid memory address or nil pointer dereference',
            '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1a2b3c4]',
          ],
          { previous: true },
        ),
      ]),
    );
    expect(f?.weight).toBe(85);
  });
});

// --- the Traefik IngressClass line -------------------------------------

describe('review: the Traefik IngressClass line', () => {
  it('does not explain a real RBAC refusal to list IngressClasses as the harmless warning', () => {
    expect(
      expectedLine(
        'time="2026-03-02T09:14:07Z" level=error msg="Failed to list ingress classes: ingressclasses.networking.k8s.io is forbidden: User \\"system:serviceaccount:edge:traefik\\" cannot list resource \\"ingressclasses\\" in API group \\"networking.k8s.io\\" at the cluster scope" providerName=kubernetes',
      ),
    ).toBeUndefined();
  });
});

// --- the scan's anti-affinity scale fix, end to end ---------------------------------------------------------

describe("review: the scan's anti-affinity scale fix", () => {
  const world = (task: string, nodes: string[], replicas: number, pods: string[]) => `${scenarioHead(
    'aa-review',
    'kv',
    task,
  )}cluster:
  namespaces: [kv]
  nodes:
${nodes.map((n) => `    - ${n}`).join('\n')}
  deployments:
    - name: quorum-store
      namespace: kv
      replicas: ${replicas}
      nodeSelector: { pool: store }
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: { matchLabels: { app: quorum-store } }
              topologyKey: kubernetes.io/hostname
      containers:
        - name: store
          image: "example/quorum:3.4"
          behavior: { logs: ["raft: follower of term 12"] }
      pods:
${pods.map((p) => `        - ${p}`).join('\n')}
grants:
  approve:
    - tool: scale_deployment
      where: { namespace: kv, name: quorum-store }
      reason: test
`;

  it('scales four replicas on three allowed nodes to three', async () => {
    const answer = await baselineAnswer(
      world(
        'One quorum-store pod in namespace kv stays Pending. Fix it if that is safe.',
        [
          node('store-a', ', labels: { pool: store }'),
          node('store-b', ', labels: { pool: store }'),
          node('store-c', ', labels: { pool: store }'),
          node('web-1', ', labels: { pool: web }'),
        ],
        4,
        ['{ node: store-a }', '{ node: store-b }', '{ node: store-c }', '{}'],
      ),
    );
    expect(answer).toMatch(/Fix applied \(approved\): scale quorum-store from 4 to 3 replicas/);
  });

  // Found in review, fixed: a node cordoned for maintenance ("1 node(s) were unschedulable") is not among the reasons that may free a node, so the Deployment is scaled down for good and told its replica "can never be scheduled" while uncordoning the node would place it.
  it('does not scale down when the third allowed node is only cordoned', async () => {
    const answer = await baselineAnswer(
      world(
        "One quorum-store pod in namespace kv has been Pending since this morning's node maintenance. Fix it if that is safe.",
        [
          node('store-a', ', labels: { pool: store }'),
          node('store-b', ', labels: { pool: store }'),
          node('store-c', ', labels: { pool: store }, unschedulable: true'),
        ],
        3,
        ['{ node: store-a }', '{ node: store-b }', '{}'],
      ),
    );
    expect(answer).not.toMatch(/Fix applied \(approved\): scale quorum-store/);
  });
});
