// Table tests of the rules written after held-out set 22's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { expectedStatesAnalyzer } from './expected-states.js';
import { fdLimitAnalyzer } from './fd-limit.js';
import { helmReleaseAnalyzer } from './helm-release.js';
import { nodeSysctlAnalyzer } from './node-sysctl.js';
import { ctx, observed } from './observed.fixture.js';
import { redisEvictionAnalyzer } from './redis-eviction.js';
import { goMaxProcsAnalyzer, nodeHeapAnalyzer } from './runtime-limits.js';
import { stalePeerAnalyzer } from './stale-peer.js';
import { storageAnalyzer } from './storage.js';
import { topologySpreadAnalyzer } from './topology-spread.js';

type Seen = ReturnType<typeof observed>;

const describePod = (name: string, container: string, limits: string, env: string, last = 'Error') =>
  [
    `Name:             ${name}`,
    'Namespace:        app',
    'Priority:         0',
    'Status:           Running (CrashLoopBackOff)',
    `Controlled By:    ReplicaSet/${name.replace(/-[a-z0-9]{5}$/, '')}`,
    'Containers:',
    `  ${container}:`,
    '    Image:          acme/app:1',
    '    State:          Waiting',
    '      Reason:       CrashLoopBackOff',
    '    Last State:     Terminated',
    `      Reason:       ${last}`,
    '    Limits:',
    ...limits.split(',').map((l) => `      ${l}`),
    '    Environment:',
    ...(env ? env.split(',').map((e) => `      ${e}`) : ['      <none>']),
    'QoS Class:        Burstable',
    'Events:  <none>',
  ].join('\n');

describe('node-heap', () => {
  const pod = 'feed-4b7c9d6f5-x2k8p';
  const logs = observed(
    'get_pod_logs',
    { namespace: 'app', name: pod },
    '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n',
  );
  it.each([
    [
      'no NODE_OPTIONS: adds the flag',
      'memory: 4Gi',
      'NODE_ENV:  production',
      'Error',
      '--max-old-space-size=3276',
    ],
    [
      'keeps other flags',
      'memory: 4Gi',
      'NODE_OPTIONS:  --enable-source-maps',
      'Error',
      '--enable-source-maps --max-old-space-size=3276',
    ],
    [
      'replaces a small flag',
      'memory: 2Gi',
      'NODE_OPTIONS:  --max-old-space-size=512 --trace-warnings',
      'Error',
      '--max-old-space-size=1638 --trace-warnings',
    ],
    ['an OOM kill is the container limit, not this', 'memory: 4Gi', '', 'OOMKilled', undefined],
    ['no memory limit: silent', 'cpu: 1', '', 'Error', undefined],
  ])('%s', (_name, limits, env, last, want) => {
    const [f] = nodeHeapAnalyzer.finds(
      ctx('app', [
        observed(
          'describe_pod',
          { namespace: 'app', name: pod },
          describePod(pod, 'builder', limits, env, last),
        ),
        logs,
      ]),
    );
    if (!want) return expect(f).toBeUndefined();
    expect(f?.cause).toMatch(/V8 JavaScript heap is full .* not OOMKilled/);
    expect(f?.fix?.args).toEqual({
      namespace: 'app',
      deployment: 'feed',
      container: 'builder',
      set: [{ name: 'NODE_OPTIONS', value: want }],
    });
  });
});

describe('go-maxprocs', () => {
  const pod = 'router-6c8f7b9d4-q7w2e';
  const logs = (n: number) =>
    observed(
      'get_pod_logs',
      { namespace: 'app', name: pod },
      `{"msg":"router starting","num_cpu":${n},"gomaxprocs":${n}}\n`,
    );
  const metrics = observed(
    'get_pod_metrics',
    { namespace: 'app' },
    `${pod}  restarts: 0\n  router: cpu 2 / request 1 / limit 2 (100%); memory 700Mi / request 1Gi / limit 2Gi (35%)\n`,
  );
  it.each([
    ['48 threads on a 2-CPU limit', 48, '', '2'],
    ['GOMAXPROCS already set: silent', 48, 'GOMAXPROCS:  2', undefined],
    ['close to the limit: silent', 3, '', undefined],
  ])('%s', (_name, procs, env, want) => {
    const [f] = goMaxProcsAnalyzer.finds(
      ctx('app', [
        observed(
          'describe_pod',
          { namespace: 'app', name: pod },
          describePod(pod, 'router', 'cpu: 2,memory: 2Gi', env),
        ),
        logs(procs),
        metrics,
      ]),
    );
    if (!want) return expect(f).toBeUndefined();
    expect(f?.cause).toMatch(/GOMAXPROCS 48 .*\(CPU 2 of its 2 limit, 100%\)/);
    expect(f?.fix?.args['set']).toEqual([{ name: 'GOMAXPROCS', value: want }]);
  });
});

describe('expected-states', () => {
  const hpa = (current: number, used: number, active = 'True') =>
    observed(
      'describe_resource',
      { kind: 'HorizontalPodAutoscaler', name: 'ui', namespace: 'web' },
      `Name:         ui\nSpec:\n  minReplicas: 1\n  maxReplicas: 12\n  metrics[0].resource.name: cpu\n  metrics[0].resource.target.averageUtilization: 70\nStatus:\n  currentReplicas: ${current}\n  currentMetrics[0].resource.current.averageUtilization: ${used}\n  conditions[1].type: ScalingActive\n  conditions[1].status: ${active}\n`,
    );
  it.each([
    [
      'at the minimum under low load',
      hpa(1, 8),
      /holds 1 replica\(s\) because that is its minReplicas .* 8% of requests against a 70% target/,
    ],
    ['above the minimum: silent', hpa(3, 8), undefined],
    ['at the minimum but busy: silent', hpa(1, 90), undefined],
    ['cannot read its metric: silent', hpa(1, 8, 'False'), undefined],
  ])('HPA %s', (_name, seen, want) => {
    const notes = expectedStatesAnalyzer.notes!(ctx('web', [seen]));
    if (want) expect(notes.join('\n')).toMatch(want);
    else expect(notes).toEqual([]);
  });

  const service = (extra = '') =>
    observed(
      'describe_service',
      { namespace: 'monitoring', name: 'grafana' },
      `Name:              grafana\nType:              LoadBalancer\nIP:                10.96.51.234\n${extra}Events:  <none>\n`,
    );
  const ingressList = observed(
    'list_resources',
    { kind: 'Ingress', namespace: 'monitoring' },
    'NAME      STATUS   AGE\ngrafana   -        4h\n',
  );
  const ingress = observed(
    'describe_resource',
    { kind: 'Ingress', name: 'grafana', namespace: 'monitoring' },
    'Spec:\n  rules[0].host: grafana.ops.example\n  rules[0].http.paths[0].backend.service.name: grafana\n',
  );
  const namespaces = (extra: string) =>
    observed('list_resources', { kind: 'Namespace' }, `NAME   STATUS   AGE\ndefault   Active   3d\n${extra}`);
  it('reads the Ingresses that may route to a LoadBalancer Service', () => {
    expect(expectedStatesAnalyzer.reads(ctx('monitoring', [service(), ingressList]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'Ingress', name: 'grafana', namespace: 'monitoring' } },
    ]);
  });
  it.each([
    [
      'no implementation, an Ingress in front',
      [service(), ingress, namespaces('')],
      /nothing in this cluster implements LoadBalancer Services.*Ingress grafana \(host grafana\.ops\.example\)/,
    ],
    [
      'an address assigned: silent',
      [service('LoadBalancer Ingress:     203.0.113.9\n'), namespaces('')],
      undefined,
    ],
    ['MetalLB installed: silent', [service(), namespaces('metallb-system   Active   3d\n')], undefined],
  ])('LoadBalancer %s', (_name, seen, want) => {
    const notes = expectedStatesAnalyzer.notes!(ctx('monitoring', seen as Seen[]));
    if (want) expect(notes.join('\n')).toMatch(want);
    else expect(notes).toEqual([]);
  });
});

describe('storage: a claim waiting for its first consumer', () => {
  const claims = observed(
    'list_resources',
    { kind: 'PersistentVolumeClaim', namespace: 'analytics' },
    'NAME      STATUS    AGE\nscratch   Pending   5h\n',
  );
  const claim = observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'scratch', namespace: 'analytics' },
    'Spec:\n  storageClassName: gp3-wffc\nStatus:\n  phase: Pending\nEvents:\n  Normal   WaitForFirstConsumer   2s (x99 over 5h)   persistentvolume-controller   waiting for first consumer to be created before binding\n',
  );
  const cronList = observed(
    'list_resources',
    { kind: 'CronJob', namespace: 'analytics' },
    'NAME      STATUS   AGE\nrollup    -        5h\n',
  );
  const cron = observed(
    'describe_resource',
    { kind: 'CronJob', name: 'rollup', namespace: 'analytics' },
    'Spec:\n  schedule: 0 3 1 * *\n  jobTemplate.spec.template.spec.volumes[0].persistentVolumeClaim.claimName: scratch\n',
  );
  it('reads the namespace CronJobs, then names the one that mounts the claim', () => {
    const reads = storageAnalyzer.reads(ctx('analytics', [claims, claim], 'PVC scratch is Pending'));
    expect(reads).toContainEqual({
      tool: 'list_resources',
      args: { kind: 'CronJob', namespace: 'analytics' },
    });
    expect(storageAnalyzer.reads(ctx('analytics', [claims, claim, cronList], 'PVC scratch'))).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'CronJob', name: 'rollup', namespace: 'analytics' },
    });
    const [note] = storageAnalyzer.notes!(ctx('analytics', [claims, claim, cronList, cron]));
    expect(note).toMatch(/Its consumer is CronJob rollup \(schedule "0 3 1 \* \*"\).* no action is needed/);
  });
});

describe('fd-limit', () => {
  const logs = observed(
    'get_pod_logs',
    { namespace: 'app', name: 'ingest-7d9c8b6f5-ab12c' },
    'INFO rlimit nofile: soft=1024 hard=524288\nhttp: Accept error: accept tcp [::]:4317: accept4: too many open files; retrying in 5ms\n',
  );
  const pods = (other: string) => {
    const row = (cells: string[]) => cells.map((c, k) => c.padEnd([25, 8, 19, 11, 6, 12, 0][k]!)).join('');
    return observed(
      'list_pods',
      { namespace: 'app' },
      [
        row(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE']),
        row(['ingest-7d9c8b6f5-ab12c', '0/1', 'CrashLoopBackOff', '57', '2d', '10.0.0.1', 'edge-4']),
        row(['ingest-7d9c8b6f5-cd34e', '1/1', other, '0', '2d', '10.0.0.2', 'edge-1']),
      ].join('\n'),
    );
  };
  it.each([
    [
      'a sibling runs on another node: the node',
      'Running',
      /soft nofile limit of 1024.*Only the replica on node edge-4 fails.* not from the release/,
    ],
    [
      'every replica fails: the limit, no node named',
      'CrashLoopBackOff',
      /soft nofile limit of 1024, as it logs at start$/,
    ],
  ])('%s', (_name, other, want) => {
    const [f] = fdLimitAnalyzer.finds(ctx('app', [logs, pods(other)]));
    expect(f?.cause).toMatch(want);
    expect(f?.revisionSound).toBe(true);
  });
  it('stays silent without the error', () => {
    expect(fdLimitAnalyzer.finds(ctx('app', [pods('Running')]))).toEqual([]);
  });
});

describe('node-sysctl', () => {
  const logs = observed(
    'get_pod_logs',
    { namespace: 'logging', name: 'es-0' },
    '{"message":"node validation exception\\nbootstrap check failure [1] of [1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]"}\n',
  );
  const list = observed(
    'list_resources',
    { kind: 'DaemonSet', namespace: 'kube-system' },
    'NAME          STATUS      AGE\nsysctl-tuner  0/0 ready   24h\nkube-proxy    3/3 ready   90d\n',
  );
  const ds = observed(
    'describe_resource',
    { kind: 'DaemonSet', name: 'sysctl-tuner', namespace: 'kube-system' },
    'Spec:\n  template.spec.nodeSelector.pool: old\n  template.spec.initContainers[0].command[2]: sysctl -w vm.max_map_count=262144\nStatus:\n  desiredNumberScheduled: 0\n',
  );
  it('reads kube-system DaemonSets, then the tuner among them', () => {
    expect(nodeSysctlAnalyzer.reads(ctx('logging', [logs]))).toEqual([
      { tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'kube-system' } },
    ]);
    expect(nodeSysctlAnalyzer.reads(ctx('logging', [logs, list]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'DaemonSet', name: 'sysctl-tuner', namespace: 'kube-system' },
      },
    ]);
  });
  it.each([
    [
      'the tuner runs nowhere',
      [logs, list, ds],
      /vm\.max_map_count is 65530.*below the 262144.*runs on no node \(0 desired\): its nodeSelector pool=old/,
    ],
    ['no tuner read: the setting alone', [logs], /per-node sysctl, not the heap or the container$/],
  ])('%s', (_name, seen, want) => {
    const [f] = nodeSysctlAnalyzer.finds(ctx('logging', seen as Seen[]));
    expect(f?.cause).toMatch(want);
  });
});

describe('redis-eviction', () => {
  const client = observed(
    'get_pod_logs',
    { namespace: 'app', name: 'pages-6d8f9c7b5-k2j4h' },
    '{"msg":"fragment cache write failed","err":"ReplyError: OOM command not allowed when used memory > \'maxmemory\'."}\n',
  );
  const redis = (env: string, image = 'bitnami/redis:7.2.5') =>
    observed(
      'describe_pod',
      { namespace: 'app', name: 'cache-7f6d5c4b3-x9z8y' },
      [
        'Name:             cache-7f6d5c4b3-x9z8y',
        'Controlled By:    ReplicaSet/cache-7f6d5c4b3',
        'Containers:',
        '  redis:',
        `    Image:          ${image}`,
        '    Environment:',
        `      ${env}`,
        'Events:  <none>',
      ].join('\n'),
    );
  it.each([
    [
      'no policy: adds allkeys-lru',
      'REDIS_EXTRA_FLAGS:  --maxmemory 512mb',
      '--maxmemory 512mb --maxmemory-policy allkeys-lru',
    ],
    [
      'volatile policy: replaced',
      'REDIS_ARGS:  --maxmemory 1gb --maxmemory-policy volatile-lru',
      '--maxmemory 1gb --maxmemory-policy allkeys-lru',
    ],
    ['already evicting: silent', 'REDIS_ARGS:  --maxmemory 1gb --maxmemory-policy allkeys-lfu', undefined],
  ])('%s', (_name, env, want) => {
    const [f] = redisEvictionAnalyzer.finds(ctx('app', [client, redis(env)]));
    if (!want) return expect(f).toBeUndefined();
    expect(f?.cause).toMatch(/refuses writes at its maxmemory/);
    expect(f?.fix?.args['deployment']).toBe('cache');
    expect(f?.fix?.args['set']).toEqual([{ name: expect.any(String), value: want }]);
  });
  it('stays silent for a container that is not Redis', () => {
    expect(
      redisEvictionAnalyzer.finds(ctx('app', [client, redis('FLAGS:  --maxmemory 1gb', 'acme/app:1')])),
    ).toEqual([]);
  });
});

describe('topology-spread', () => {
  const pending = observed(
    'describe_pod',
    { namespace: 'db', name: 'crdb-3' },
    [
      'Name:             crdb-3',
      'Status:           Pending',
      'Controlled By:    StatefulSet/crdb',
      'Topology Spread Constraints:  topology.kubernetes.io/zone:DoNotSchedule when max skew 1 is exceeded for selector app=crdb',
      'Events:',
      '  Warning   FailedScheduling    2s (x9 over 1h)   default-scheduler    0/3 nodes are available: 3 Insufficient cpu.',
    ].join('\n'),
  );
  const nodes = observed(
    'list_nodes',
    {},
    'NAME   STATUS   ROLES    AGE   VERSION\nn-a    Ready    <none>   9d    v1.32.0\nn-b    Ready    <none>   9d    v1.32.0\nn-c    Ready    <none>   9d    v1.32.0\n',
  );
  const node = (name: string, zone: string) =>
    observed(
      'describe_node',
      { name },
      `Name:               ${name}\nLabels:             kubernetes.io/arch=amd64\n                    topology.kubernetes.io/zone=${zone}\nAnnotations:        <none>\n`,
    );
  const pods = observed(
    'list_pods',
    { namespace: 'db' },
    'NAME     READY   STATUS    RESTARTS   AGE   IP         NODE\ncrdb-0   1/1     Running   0          1d    10.0.0.1   n-a\ncrdb-1   1/1     Running   0          1d    10.0.0.2   n-b\ncrdb-2   1/1     Running   0          1d    10.0.0.3   n-b\ncrdb-3   0/1     Pending   0          1d    <none>     <none>\n',
  );
  it('reads every node, then says which zone the pod is held to', () => {
    expect(topologySpreadAnalyzer.reads(ctx('db', [pending, nodes]))).toHaveLength(3);
    const [f] = topologySpreadAnalyzer.finds(
      ctx('db', [pending, nodes, pods, node('n-a', 'a'), node('n-b', 'b'), node('n-c', 'c')]),
    );
    expect(f?.cause).toMatch(
      /crdb-0 in a, crdb-1 and crdb-2 in b, none in c, so it may only go to c .*node\(s\) there \(n-c\) have no room/,
    );
  });
  it('stays silent when every zone is allowed', () => {
    const even = observed(
      'list_pods',
      { namespace: 'db' },
      'NAME     READY   STATUS    RESTARTS   AGE   IP         NODE\ncrdb-0   1/1     Running   0          1d    10.0.0.1   n-a\ncrdb-1   1/1     Running   0          1d    10.0.0.2   n-b\n',
    );
    expect(
      topologySpreadAnalyzer.finds(ctx('db', [pending, nodes, even, node('n-a', 'a'), node('n-b', 'b')])),
    ).toEqual([]);
  });
});

describe('storage: a resized claim on a file system that does not enforce sizes', () => {
  const claims = observed(
    'list_resources',
    { kind: 'PersistentVolumeClaim', namespace: 'ml' },
    'NAME       STATUS   AGE\nfeatures   Bound    180d\n',
  );
  const claim = (capacity: string) =>
    observed(
      'describe_resource',
      { kind: 'PersistentVolumeClaim', name: 'features', namespace: 'ml' },
      `Spec:\n  storageClassName: shared\n  resources.requests.storage: 250Gi\nStatus:\n  phase: Bound\n  capacity.storage: ${capacity}\n`,
    );
  const sc = (provisioner: string) =>
    observed(
      'describe_resource',
      { kind: 'StorageClass', name: 'shared' },
      `Name:         shared\nProvisioner:  ${provisioner}\n`,
    );
  const task = 'We resized the features PVC; did the resize fail?';
  it('reads the class of a claim the task asks to resize', () => {
    expect(
      storageAnalyzer.reads({ task, ns: 'ml', hints: ['features'], seen: [claims, claim('250Gi')] }),
    ).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'StorageClass', name: 'shared' },
    });
  });
  it.each([
    [
      'SeaweedFS',
      'seaweedfs-csi-driver',
      '250Gi',
      /SeaweedFS, a shared file system that does not enforce a per-volume size.* no action is needed/,
    ],
    ['NFS', 'nfs.csi.k8s.io', '250Gi', /NFS, a shared file system/],
    ['block storage: silent', 'ebs.csi.aws.com', '250Gi', undefined],
    ['resize not done yet: silent', 'seaweedfs-csi-driver', '100Gi', undefined],
  ])('%s', (_name, provisioner, capacity, want) => {
    const notes = storageAnalyzer.notes!({
      task,
      ns: 'ml',
      hints: [],
      seen: [claims, claim(capacity), sc(provisioner)],
    });
    if (want) expect(notes.join('\n')).toMatch(want);
    else expect(notes).toEqual([]);
  });
});

describe('stale-peer', () => {
  const logs = observed(
    'get_pod_logs',
    { namespace: 'sync', name: 'sync-6f7d8c9b5-q1w2e' },
    [
      'INFO replica set rs0 members from config: mongo-0.mongo.db.svc.cluster.local:27017, mongo-2.mongo.db.svc.cluster.local:27017',
      'pymongo.errors.ServerSelectionTimeoutError: mongo-2.mongo.db.svc.cluster.local:27017: [Errno -2] Name or service not known',
    ].join('\n'),
  );
  const sets = (status: string) =>
    observed(
      'list_resources',
      { kind: 'StatefulSet', namespace: 'db' },
      `NAME    STATUS      AGE\nmongo   ${status}   90d\n`,
    );
  it('reads the StatefulSets of the namespace the name points at', () => {
    expect(stalePeerAnalyzer.reads(ctx('sync', [logs]))).toEqual([
      { tool: 'list_resources', args: { kind: 'StatefulSet', namespace: 'db' } },
    ]);
  });
  it.each([
    [
      'scaled below the member',
      '2/2 ready',
      /mongo-2, a member that no longer exists: StatefulSet db\/mongo runs 2 replica\(s\).* replica set configuration/,
    ],
    ['the member exists (a DNS fault elsewhere): silent', '3/3 ready', undefined],
  ])('%s', (_name, status, want) => {
    const [f] = stalePeerAnalyzer.finds(ctx('sync', [logs, sets(status)]));
    if (!want) return expect(f).toBeUndefined();
    expect(f?.cause).toMatch(want);
    expect(f?.advice).toMatch(/rs\.remove/);
  });
});

describe('helm-release', () => {
  const refused = observed(
    'get_pod_logs',
    { namespace: 'ci', name: 'runner-2' },
    '$ helm upgrade --install archive charts/archive -n store -f values.yaml --wait\nError: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n',
  );
  const first = observed(
    'get_pod_logs',
    { namespace: 'ci', name: 'runner-1' },
    '$ helm upgrade --install archive charts/archive -n store\nError: UPGRADE FAILED: cannot patch "data" with kind PersistentVolumeClaim: forbidden: only dynamically provisioned pvc can be resized\n',
  );
  const secrets = observed(
    'list_resources',
    { kind: 'Secret', namespace: 'store' },
    'NAME                            STATUS     AGE\nsh.helm.release.v1.archive.v6   1 key(s)   19d\nsh.helm.release.v1.archive.v7   1 key(s)   19h\n',
  );
  const v7 = (status: string) =>
    observed(
      'describe_resource',
      { kind: 'Secret', name: 'sh.helm.release.v1.archive.v7', namespace: 'store' },
      `Name:         sh.helm.release.v1.archive.v7\nLabels:       name=archive,owner=helm,status=${status},version=7\n`,
    );
  it('reads the release Secrets, then the newest revision', () => {
    expect(helmReleaseAnalyzer.reads(ctx('ci', [refused]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Secret', namespace: 'store' } },
    ]);
    expect(helmReleaseAnalyzer.reads(ctx('ci', [refused, secrets]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'Secret', name: 'sh.helm.release.v1.archive.v7', namespace: 'store' },
      },
    ]);
  });
  it.each([
    [
      'pending-upgrade, with the run that left it',
      'pending-upgrade',
      /stuck in pending-upgrade: its revision 7 .* only dynamically provisioned pvc can be resized/,
    ],
    ['the newest revision deployed: silent', 'deployed', undefined],
  ])('%s', (_name, status, want) => {
    const [f] = helmReleaseAnalyzer.finds(ctx('ci', [refused, first, secrets, v7(status)]));
    if (!want) return expect(f).toBeUndefined();
    expect(f?.cause).toMatch(want);
    expect(f?.advice).toMatch(/helm rollback archive 6 -n store/);
  });
});
