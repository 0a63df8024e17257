// Table tests of the rules written after held-out set 24's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { wiredTigerCache } from '../baseline/signatures/containers/oom-killed.js';
import { mostSpecific } from '../scan-findings.js';
import { clientThrottlingAnalyzer } from './client-throttling.js';
import { csiRegistrationAnalyzer } from './csi-registration.js';
import { jobSidecarsAnalyzer } from './job-sidecars.js';
import { jvmDnsCacheAnalyzer } from './jvm-dns-cache.js';
import { kedaScaledObjectAnalyzer } from './keda-scaledobject.js';
import { logGloss } from './log-glosses.js';
import { meshInjectionAnalyzer } from './mesh-injection.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { mtuBlackholeAnalyzer } from './mtu-blackhole.js';
import { ctx, observed } from './observed.fixture.js';
import { pid1SigtermAnalyzer } from './pid1-sigterm.js';
import { sandboxIpamAnalyzer } from './sandbox-ipam.js';

type Seen = ReturnType<typeof observed>;

describe('a failed run: the line that says why', () => {
  it.each([
    [
      [
        'ERROR txn put /routes/a failed: etcdserver: mvcc: database space exceeded',
        'FATAL 0 of 3 changes applied, exiting',
      ],
      'ERROR txn put /routes/a failed: etcdserver: mvcc: database space exceeded',
    ],
    [
      [
        'Error: UPGRADE FAILED: cannot patch "docs" with kind Ingress: admission webhook denied the request',
        'release docs 2.8.0: FAILED (helm exit 1), rolled back',
      ],
      'Error: UPGRADE FAILED: cannot patch "docs" with kind Ingress: admission webhook denied the request',
    ],
    [['ERROR something failed', 'FATAL export aborted'], 'FATAL export aborted'],
    [[], undefined],
  ])('%j', (lines, want) => {
    expect(mostSpecific(lines)).toBe(want);
  });
});

describe('log glosses', () => {
  it.each([
    [
      'psycopg.errors.DiskFull: could not resize shared memory segment "/PostgreSQL.1" to 134217728 bytes: No space left on device',
      /\/dev\/shm is 64Mi .* emptyDir with medium: Memory/,
    ],
    ['txn failed: etcdserver: mvcc: database space exceeded', /NOSPACE alarm.* compact/],
    [
      'failed to allocate for range 0: no IP addresses available in range set: 10.244.1.97-10.244.1.126',
      /pod address range .* no free address/,
    ],
    [
      'cannot load seccomp profile "/var/lib/kubelet/seccomp/p.json": open …: no such file or directory',
      /not installed on the node/,
    ],
    [
      'request.go:697] Waited for 9.41s due to client-side throttling, not priority and fairness',
      /client-side rate limiter .* QPS of 5/,
    ],
    ['write /data/x: no space left on device', /volume or file system the program writes to is full/],
  ])('%s', (line, want) => {
    expect(logGloss(line)).toMatch(want);
  });
});

describe('csi-registration', () => {
  const events = observed(
    'get_events',
    { namespace: 'render' },
    'LAST SEEN   TYPE      REASON        OBJECT          MESSAGE\n1m          Warning   FailedMount   pod/baker-1     MountVolume.MountDevice failed for volume "pvc-1" : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name scratch.csi.acme.io not found in the list of registered CSI drivers',
  );
  const nss = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME             STATUS   AGE\nrender           Active   30d\nstorage-system   Active   30d',
  );
  const pods = observed(
    'list_pods',
    { namespace: 'storage-system' },
    'NAME                      READY   STATUS    RESTARTS   AGE\nscratch-csi-controller-1  2/2     Running   0          3h\nscratch-csi-node-8xq2k    2/2     Running   0          64d',
  );
  const first = observed(
    'get_pod_logs',
    { namespace: 'storage-system', name: 'scratch-csi-node-8xq2k' },
    'Defaulted container "driver" out of: driver, node-driver-registrar; pass container to read another\nI1224 identity.go:28] GetPluginInfo: name=csi-scratchplugin version=0.9.4',
  );
  it('reads the node plugin pod: its first container, then the others', () => {
    expect(csiRegistrationAnalyzer.reads(ctx('render', [events]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(csiRegistrationAnalyzer.reads(ctx('render', [events, nss, pods]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'storage-system', name: 'scratch-csi-node-8xq2k' } },
    ]);
    expect(csiRegistrationAnalyzer.reads(ctx('render', [events, nss, pods, first]))).toEqual([
      {
        tool: 'get_pod_logs',
        args: {
          namespace: 'storage-system',
          name: 'scratch-csi-node-8xq2k',
          container: 'node-driver-registrar',
        },
      },
      { tool: 'describe_pod', args: { namespace: 'storage-system', name: 'scratch-csi-node-8xq2k' } },
    ]);
  });
  it('names the old driver name the node plugin registers', () => {
    const [f] = csiRegistrationAnalyzer.finds(ctx('render', [events, nss, pods, first]));
    expect(f?.cause).toMatch(
      /asks for CSI driver scratch\.csi\.acme\.io.* still registers under its old name csi-scratchplugin/,
    );
  });
  it('quotes the registrar that fails to register', () => {
    const registrar = observed(
      'get_pod_logs',
      { namespace: 'storage-system', name: 'scratch-csi-node-8xq2k', container: 'node-driver-registrar' },
      'I0220 main.go:173] CSI driver name: "scratch.csi.acme.io"\nE0220 node_register.go:61] "failed to listen on socket" err="listen unix /registration/x-reg.sock: bind: permission denied"',
    );
    const [f] = csiRegistrationAnalyzer.finds(ctx('render', [events, nss, pods, registrar]));
    expect(f?.cause).toMatch(/node-driver-registrar fails to register it.* permission denied.* non-root/);
  });
  it('stays silent without the kubelet message', () => {
    expect(csiRegistrationAnalyzer.reads(ctx('render', [nss, pods, first]))).toEqual([]);
    expect(csiRegistrationAnalyzer.finds(ctx('render', [nss, pods, first]))).toEqual([]);
  });
});

describe('client-throttling', () => {
  const pods = observed(
    'list_pods',
    { namespace: 'ops' },
    'NAME                      READY   STATUS    RESTARTS   AGE\noperator-7d9c8b6f5-x2x9q  1/1     Running   0          9d',
  );
  const pod = observed(
    'describe_pod',
    { namespace: 'ops', name: 'operator-7d9c8b6f5-x2x9q' },
    'Controlled By:  ReplicaSet/operator-7d9c8b6f5\nContainers:\n  operator:\n    Image:  acme/op:1\n',
  );
  const log = observed(
    'get_pod_logs',
    { namespace: 'ops', name: 'operator-7d9c8b6f5-x2x9q' },
    'I0213 request.go:697] Waited for 9.41s due to client-side throttling, not priority and fairness, request: GET:https://10.96.0.1/api',
  );
  const search = observed(
    'search_pod_logs',
    { namespace: 'ops', name: 'operator-7d9c8b6f5-x2x9q', pattern: 'qps' },
    '1 line(s) match\n3:INFO  kube client rate limit: qps=5 burst=10 (KUBE_API_QPS not set, client defaults)',
  );
  it('searches the log for how the client was configured, then sets the variable it names', () => {
    expect(clientThrottlingAnalyzer.reads(ctx('ops', [pods, log]))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'ops',
          name: 'operator-7d9c8b6f5-x2x9q',
          pattern: 'qps',
          context: 0,
          maxMatches: 5,
        },
      },
    ]);
    const [f] = clientThrottlingAnalyzer.finds(ctx('ops', [pods, pod, log, search]));
    expect(f?.cause).toMatch(/own Kubernetes client's rate limiter.*KUBE_API_QPS not set/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        namespace: 'ops',
        deployment: 'operator',
        container: 'operator',
        set: [{ name: 'KUBE_API_QPS', value: '50' }],
      },
    });
    const [bare] = clientThrottlingAnalyzer.finds(ctx('ops', [pods, pod, log]));
    expect(bare?.fix).toBeUndefined();
  });
});

describe('sandbox-ipam', () => {
  const events = observed(
    'get_events',
    { namespace: 'ci' },
    'LAST SEEN   TYPE      REASON                   OBJECT        MESSAGE\n14s (x163)   Warning   FailedCreatePodSandBox   pod/e2e-kq2wz   Failed to create pod sandbox: … failed to allocate for range 0: no IP addresses available in range set: 10.244.1.97-10.244.1.126',
  );
  const pods = observed(
    'list_pods',
    { namespace: 'ci' },
    [
      'NAME        READY   STATUS              RESTARTS   AGE   IP             NODE',
      'e2e-kq2wz   0/1     ContainerCreating   0          40m   <none>         ci-batch-7',
      'e2e-6m245   1/1     Running             0          40m   10.244.2.14    ci-batch-3',
    ].join('\n'),
  );
  it('reads the node and names it with its exhausted range', () => {
    expect(sandboxIpamAnalyzer.reads(ctx('ci', [events, pods]))).toEqual([
      { tool: 'describe_node', args: { name: 'ci-batch-7' } },
    ]);
    const node = observed(
      'describe_node',
      { name: 'ci-batch-7' },
      'Name: ci-batch-7\nPodCIDR:  10.244.1.96/27\n',
    );
    const [f] = sandboxIpamAnalyzer.finds(ctx('ci', [events, pods, node]));
    expect(f?.object).toBe('node ci-batch-7');
    expect(f?.cause).toMatch(
      /address range is exhausted.*\(range 10\.244\.1\.97-10\.244\.1\.126, the node's podCIDR 10\.244\.1\.96\/27/,
    );
    expect(sandboxIpamAnalyzer.finds(ctx('ci', [pods, node]))).toEqual([]);
  });
});

describe('the WiredTiger cache mongod opened with', () => {
  it.each([
    [
      '{"msg":"Opening WiredTiger","attr":{"config":"create,cache_size=31744M,session_max=33000"}}',
      31744 * 1024 ** 2,
    ],
    ['{"msg":"Opening WiredTiger","attr":{"config":"create,cache_size=3G"}}', 3 * 1024 ** 3],
    ['{"msg":"Waiting for connections"}', undefined],
  ])('%s', (line, bytes) => {
    expect(wiredTigerCache(line)?.bytes).toBe(bytes);
  });
});

describe('job-sidecars: a CronJob under Forbid skips its runs', () => {
  const pod = observed(
    'describe_pod',
    { namespace: 'fin', name: 'close-29543160-28wrn' },
    [
      'Controlled By:  Job/close-29543160',
      'Containers:',
      '  report:',
      '    State:          Terminated',
      '      Reason:       Completed',
      '      Exit Code:    0',
      '  vault-agent:',
      '    State:          Running',
    ].join('\n'),
  );
  const cron = (policy: string) =>
    observed(
      'describe_resource',
      { kind: 'CronJob', namespace: 'fin', name: 'close' },
      `Spec:\n  concurrencyPolicy: ${policy}\n`,
    );
  it.each([
    ['Forbid', /concurrencyPolicy Forbid, so while this Job is still active it skips every later run/],
    ['Allow', undefined],
  ])('%s', (policy, want) => {
    const [f] = jobSidecarsAnalyzer.finds(ctx('fin', [pod, cron(policy)]));
    expect(f?.cause).toMatch(/the sidecar vault-agent is still running/);
    if (want) expect(f?.cause).toMatch(want);
    else expect(f?.cause).not.toMatch(/Forbid/);
  });
});

describe('keda-scaledobject', () => {
  const hpa = observed(
    'describe_resource',
    { kind: 'HorizontalPodAutoscaler', namespace: 'billing', name: 'keda-hpa-invoice-worker' },
    'Name: keda-hpa-invoice-worker\n',
  );
  const so = (event: string) =>
    observed(
      'describe_resource',
      { kind: 'ScaledObject', namespace: 'billing', name: 'invoice-worker' },
      `Name:         invoice-worker\nSpec:\n  triggers[0].authenticationRef.name: rabbitmq-conn\nEvents:\n  Type      Reason             Age                    From            Message\n${event}`,
    );
  it('reads the ScaledObject behind a KEDA HPA and quotes its warning', () => {
    expect(kedaScaledObjectAnalyzer.reads(ctx('billing', [hpa]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'ScaledObject', name: 'invoice-worker', namespace: 'billing' },
      },
    ]);
    for (const kind of ['TriggerAuthentication.keda.sh', '<redacted>']) {
      const [f] = kedaScaledObjectAnalyzer.finds(
        ctx('billing', [
          so(
            `  Warning   KEDAScalerFailed   32s (x2150 over 18h)   keda-operator   error getting triggerAuth: ${kind} "rabbitmq-conn" not found`,
          ),
        ]),
      );
      expect(f?.cause).toMatch(
        /TriggerAuthentication rabbitmq-conn, which does not exist in namespace billing .* namespaced/,
      );
    }
    expect(kedaScaledObjectAnalyzer.finds(ctx('billing', [so('')]))).toEqual([]);
  });
});

describe('mesh-injection: clients outside the mesh after mTLS became STRICT', () => {
  const logs = observed(
    'get_pod_logs',
    { namespace: 'batch', name: 'export-1-b7nwc' },
    'ERROR read: connection reset by peer',
  );
  const nss = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME           STATUS   AGE\nbatch          Active   30d\nistio-system   Active   30d',
  );
  const ns = observed(
    'describe_resource',
    { kind: 'Namespace', name: 'batch' },
    'Name:         batch\nLabels:       team=finance\n',
  );
  const pod = observed(
    'describe_pod',
    { namespace: 'batch', name: 'export-1-b7nwc' },
    'Containers:\n  export:\n    Image:  finance/export:2\n',
  );
  const pa = (mode: string) =>
    observed(
      'describe_resource',
      { kind: 'PeerAuthentication', namespace: 'istio-system', name: 'default' },
      `Name:         default\nAnnotations:  sec/change=lockdown\nSpec:\n  mtls.mode: ${mode}\n`,
    );
  it('lists the mesh-wide policy, then names the clients without a sidecar', () => {
    expect(meshInjectionAnalyzer.reads(ctx('batch', [logs]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(meshInjectionAnalyzer.reads(ctx('batch', [logs, nss, ns]))).toContainEqual({
      tool: 'list_resources',
      args: { kind: 'PeerAuthentication', namespace: 'istio-system' },
    });
    const [f] = meshInjectionAnalyzer.finds(ctx('batch', [logs, nss, ns, pod, pa('STRICT')]));
    expect(f?.cause).toMatch(
      /outside the mesh.* PeerAuthentication default in istio-system sets mTLS to STRICT/,
    );
    expect(meshInjectionAnalyzer.finds(ctx('batch', [logs, nss, ns, pod, pa('PERMISSIVE')]))).toEqual([]);
  });
});

describe('expected states: yellow on one node, a pre-promotion analysis, memory above request, a VPA within bounds', () => {
  const note = (ns: string, seen: Seen[], task: string) =>
    misconceptionsAnalyzer.notes!(ctx(ns, seen, task)).join('\n');
  it('an Elasticsearch cluster of one node stays yellow', () => {
    const pods = (n: number) =>
      observed(
        'list_pods',
        { namespace: 'audit' },
        [
          'NAME         READY   STATUS    RESTARTS   AGE',
          ...Array.from({ length: n }, (_, i) => `audit-es-${i}   1/1     Running   0          14d`),
        ].join('\n'),
      );
    const log = observed(
      'get_pod_logs',
      { namespace: 'audit', name: 'audit-es-0' },
      '{"message":"Cluster health status changed from [RED] to [YELLOW] (reason: [shards started])."}\n{"message":"[audit-1] creating index, cause [auto(bulk api)], templates [audit], shards [1]/[1]"}',
    );
    expect(note('audit', [pods(1), log], 'the cluster is yellow')).toMatch(
      /single node .* replica shard on the same node as its primary.* no data is lost|no data is lost.* single node/s,
    );
    expect(note('audit', [pods(3), log], 'the cluster is yellow')).not.toMatch(/single node/);
  });
  it('a blue-green rollout running its pre-promotion analysis', () => {
    const runs = observed(
      'list_resources',
      { kind: 'AnalysisRun', namespace: 'checkout' },
      'NAME                            STATUS    AGE\ncheckout-web-7c9d5f8b6-42-pre   Running   3m14s',
    );
    expect(
      note('checkout', [runs], 'the rollout shows Progressing with no pause; should we promote?'),
    ).toMatch(/Rollout checkout-web is not stuck: it is running its pre-promotion analysis/);
  });
  it.each([
    ['5Gi', '2Gi', '12Gi', '42', /orders-pg-1 uses 5Gi .* 42% of its 12Gi limit.* no restart is needed/],
    ['11.5Gi', '2Gi', '12Gi', '96', undefined],
    ['1Gi', '2Gi', '12Gi', '8', undefined],
  ])('memory %s, request %s, limit %s', (use, req, lim, pct, want) => {
    const metrics = observed(
      'get_pod_metrics',
      { namespace: 'orders-db' },
      `orders-pg-1  restarts: 0  oomKills: 0 known\n  postgres: cpu 300m / request 1 / no limit; memory ${use} / request ${req} / limit ${lim} (${pct}%)`,
    );
    const n = note('orders-db', [metrics], 'it uses 255% of its memory request');
    if (want) expect(n).toMatch(want);
    else expect(n).not.toMatch(/of its .* request but only/);
  });
  it('a VPA whose target differs from requests within its bounds', () => {
    const vpa = observed(
      'describe_resource',
      { kind: 'VerticalPodAutoscaler', namespace: 'search', name: 'search-indexer' },
      [
        '  targetRef.name: search-indexer',
        '  recommendation.containerRecommendations[0].lowerBound.cpu: 410m',
        '  recommendation.containerRecommendations[0].lowerBound.memory: 1200Mi',
        '  recommendation.containerRecommendations[0].target.cpu: 620m',
        '  recommendation.containerRecommendations[0].target.memory: 1900Mi',
        '  recommendation.containerRecommendations[0].upperBound.cpu: 1600m',
        '  recommendation.containerRecommendations[0].upperBound.memory: 3800Mi',
      ].join('\n'),
    );
    const pod = (cpu: string) =>
      observed(
        'describe_pod',
        { namespace: 'search', name: 'search-indexer-rw4pjlkbr5-5l5r4' },
        `Containers:\n  indexer:\n    Requests:\n      cpu:     ${cpu}\n      memory:  1536Mi\n`,
      );
    expect(note('search', [vpa, pod('500m')], 'is the VPA updater broken?')).toMatch(
      /within the recommendation's bounds .* cpu 500m \(between 410m and 1600m\)|cpu 500m \(between 410m and 1600m\).* within the recommendation's bounds/s,
    );
    expect(note('search', [vpa, pod('300m')], 'is the VPA updater broken?')).not.toMatch(
      /within the recommendation's bounds/,
    );
  });
});

describe('jvm-dns-cache', () => {
  const pods = observed(
    'list_pods',
    { namespace: 'payouts' },
    [
      'NAME                  READY   STATUS    RESTARTS   AGE',
      'payout-7d9c8b6f5-4v84v  0/1     Running   0          8d',
      'payout-7d9c8b6f5-9xk2p  0/1     Running   0          8d',
    ].join('\n'),
  );
  const log = observed(
    'get_pod_logs',
    { namespace: 'payouts', name: 'payout-7d9c8b6f5-4v84v' },
    'ERROR POST /v3/payouts failed: java.net.SocketTimeoutException: Connect timed out (api.partner.example/203.0.113.18:443)',
  );
  const search = (name: string, text: string) =>
    observed('search_pod_logs', { namespace: 'payouts', name, pattern: 'networkaddress.cache.ttl' }, text);
  const none = search(
    'payout-7d9c8b6f5-4v84v',
    'no line matches "networkaddress.cache.ttl" in the newest 122 line(s) read',
  );
  const forever = search(
    'payout-7d9c8b6f5-9xk2p',
    '1 line(s) match\n2:INFO  base image: security property networkaddress.cache.ttl=-1 (from java.security)',
  );
  const pod = observed(
    'describe_pod',
    { namespace: 'payouts', name: 'payout-7d9c8b6f5-4v84v' },
    'Controlled By:  ReplicaSet/payout-7d9c8b6f5\n',
  );
  it('searches the failing pod, then a sibling, for the cache setting', () => {
    expect(jvmDnsCacheAnalyzer.reads(ctx('payouts', [pods, log])).map((r) => r.args['name'])).toEqual([
      'payout-7d9c8b6f5-4v84v',
    ]);
    expect(jvmDnsCacheAnalyzer.reads(ctx('payouts', [pods, log, none])).map((r) => r.args['name'])).toEqual([
      'payout-7d9c8b6f5-9xk2p',
    ]);
    expect(jvmDnsCacheAnalyzer.reads(ctx('payouts', [pods, log, none, forever]))).toEqual([]);
  });
  it('names the cached address and restarts the deployment', () => {
    const [f] = jvmDnsCacheAnalyzer.finds(ctx('payouts', [pods, log, none, forever, pod]));
    expect(f?.cause).toMatch(/caches DNS answers forever, so it still connects to 203\.0\.113\.18/);
    expect(f?.fix).toMatchObject({
      tool: 'restart_deployment',
      args: { namespace: 'payouts', name: 'payout' },
    });
    expect(jvmDnsCacheAnalyzer.finds(ctx('payouts', [pods, log, none, pod]))).toEqual([]);
  });
});

describe('pid1-sigterm', () => {
  const task = 'Every deploy of thumbnailer gives us half a minute of 503s. Is the new image slow to boot?';
  const dep = (strategy: string, command: string) =>
    observed(
      'describe_deployment',
      { namespace: 'media', name: 'thumbnailer' },
      `Name:                   thumbnailer\nStrategyType:           ${strategy}\nPod Template:\n  Containers:\n   thumbnailer:\n    Command:        ${command}\n`,
    );
  const nss = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME         STATUS   AGE\nmedia        Active   30d\nmonitoring   Active   30d',
  );
  const mon = observed(
    'list_pods',
    { namespace: 'monitoring' },
    'NAME                               READY   STATUS    RESTARTS   AGE\nk8s-event-logger-5dkjvkh8q-bls4w   1/1     Running   0          33d',
  );
  const logger = observed(
    'get_pod_logs',
    { namespace: 'monitoring', name: 'k8s-event-logger-5dkjvkh8q-bls4w' },
    '2026-03-04T09:40:32Z pod=media/thumbnailer-dmzrh9h5cc-2kfxq container=thumbnailer terminated exitCode=137 reason=Error',
  );
  it('reads an event logger when a Recreate deployment has outages on deploy', () => {
    expect(
      pid1SigtermAnalyzer.reads(ctx('media', [dep('Recreate', 'node dist/server.js'), nss, mon], task)),
    ).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'monitoring', name: 'k8s-event-logger-5dkjvkh8q-bls4w' } },
    ]);
    expect(
      pid1SigtermAnalyzer.reads(ctx('media', [dep('RollingUpdate', 'node dist/server.js'), nss, mon], task)),
    ).toEqual([]);
  });
  it.each([
    ['Recreate', 'node dist/server.js', /runs as PID 1 .* SIGKILL \(exit code 137\).* Recreate strategy/],
    ['Recreate', 'tini -- node dist/server.js', undefined],
    ['RollingUpdate', 'node dist/server.js', undefined],
  ])('%s, %s', (strategy, command, want) => {
    const [f] = pid1SigtermAnalyzer.finds(ctx('media', [dep(strategy, command), logger], task));
    if (want) expect(f?.cause).toMatch(want);
    else expect(f).toBeUndefined();
  });
});

describe('mtu-blackhole', () => {
  const job = observed(
    'get_pod_logs',
    { namespace: 'treasury', name: 'import-29529000-7g6kt' },
    'INFO  GET /v2/statements/x.csv -> 200 headers received (Content-Length: 8412993)\nERROR read timed out after 120s: received 0 of 8412993 body bytes',
  );
  const sys = observed(
    'list_pods',
    { namespace: 'kube-system' },
    'NAME            READY   STATUS    RESTARTS   AGE\ncoredns-abc12   1/1     Running   0          9d\nvpc-cni-8x2kq   1/1     Running   0          4d',
  );
  const cms = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: 'kube-system' },
    'NAME            STATUS     AGE\ncoredns         1 key(s)   9d\negress-routes   2 key(s)   9d',
  );
  const cni = (mtu: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'kube-system', name: 'vpc-cni-8x2kq' },
      `{"msg":"primary ENI eth0 MTU 9001; pod veth MTU set to ${mtu} (POD_MTU)"}`,
    );
  const routes = observed(
    'describe_resource',
    { kind: 'ConfigMap', namespace: 'kube-system', name: 'egress-routes' },
    'Data\n====\nbank.md:\n----\ntunnel MTU: 1400 (no MSS clamping)\nbank firewall policy: all ICMP dropped\n',
  );
  it('reads the network plugin log and the route notes after a stalled transfer', () => {
    expect(mtuBlackholeAnalyzer.reads(ctx('treasury', [job]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'kube-system' } },
    ]);
    expect(mtuBlackholeAnalyzer.reads(ctx('treasury', [job, sys, cms]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: 'vpc-cni-8x2kq' } },
      {
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', name: 'egress-routes', namespace: 'kube-system' },
      },
    ]);
  });
  it.each([
    ['9001', /MTU black hole: pods now send with MTU 9001 .* link with MTU 1400 .* drops ICMP/],
    ['1400', undefined],
  ])('pod MTU %s', (mtu, want) => {
    const [f] = mtuBlackholeAnalyzer.finds(ctx('treasury', [job, sys, cms, cni(mtu), routes]));
    if (want) expect(f?.cause).toMatch(want);
    else expect(f).toBeUndefined();
  });
});
