// Table tests of the rules written after held-out set 23's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { alarmCleared, appErrorsAnalyzer } from './app-errors.js';
import { dbMemoryAnalyzer, innodbBufferPool } from './db-memory.js';
import { deployToolLogsAnalyzer } from './deploy-tool-logs.js';
import { expectedStatesAnalyzer } from './expected-states.js';
import { externalDnsAnalyzer, flagValues } from './external-dns.js';
import { logGloss } from './log-glosses.js';
import { meshInjectionAnalyzer } from './mesh-injection.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { nodeCacheAddresses, nodeLocalDnsIpvsAnalyzer } from './nodelocaldns-ipvs.js';
import { ctx, observed } from './observed.fixture.js';
import { replicaFightAnalyzer } from './replica-fight.js';
import { scaleDownAnalyzer } from './scale-down.js';
import { sealedSecretAnalyzer, unsealFailure } from './sealed-secret.js';
import { sentinelStaleAnalyzer } from './sentinel-stale.js';
import { archiveDirs, walArchivePathAnalyzer } from './wal-archive-path.js';

describe('log glosses', () => {
  it.each([
    ['exec /app/entrypoint.sh: no such file or directory', /CRLF line endings/],
    ['[FATAL] plugin/loop: Loop (127.0.0.1:51834 -> :53) detected for zone "."', /127\.0\.0\.53.*resolvConf/],
    ['exec /usr/local/bin/server: no such file or directory', undefined],
  ])('%s', (line, want) => {
    const g = logGloss(line);
    if (want) expect(g).toMatch(want);
    else expect(g ?? '').not.toMatch(/CRLF/);
  });
});

describe('sentinel-stale', () => {
  const client = observed(
    'describe_pod',
    { namespace: 'shop', name: 'cart-6d8f9c7b5-k2j4h' },
    'Name:  cart-6d8f9c7b5-k2j4h\nContainers:\n  app:\n    Image:          acme/cart:1\n    Environment:\n      REDIS_SENTINELS:  redis-sentinel.cache.svc.cluster.local:26379\nEvents:  <none>',
  );
  const logs = observed(
    'get_pod_logs',
    { namespace: 'shop', name: 'cart-6d8f9c7b5-k2j4h' },
    'ERROR redis: sentinel: master mymaster is at 10.244.2.31:6379; dial tcp 10.244.2.31:6379: connect: no route to host\n',
  );
  const cache = (redisIp: string) =>
    observed(
      'list_pods',
      { namespace: 'cache' },
      [
        'NAME                             READY   STATUS    RESTARTS   AGE    IP            NODE',
        `redis-0                          1/1     Running   0          100m   ${redisIp.padEnd(13)} n2`,
        'redis-sentinel-7f6d5c4b3-bcmk6   1/1     Running   0          20d    10.244.0.14   n1',
      ].join('\n'),
    );
  it('reads the Sentinel namespace, then restarts the sentinels when no pod has the address', () => {
    expect(sentinelStaleAnalyzer.reads(ctx('shop', [client, logs]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'cache' } },
    ]);
    const [f] = sentinelStaleAnalyzer.finds(ctx('shop', [client, logs, cache('10.244.1.52')]));
    expect(f?.cause).toMatch(/stale master address: .* dials 10\.244\.2\.31 .* no pod in cache has now/);
    expect(f?.fix).toMatchObject({
      tool: 'restart_deployment',
      args: { namespace: 'cache', name: 'redis-sentinel' },
    });
  });
  it('stays silent when a pod still has the address', () => {
    expect(sentinelStaleAnalyzer.finds(ctx('shop', [client, logs, cache('10.244.2.31')]))).toEqual([]);
  });
});

describe('db-memory', () => {
  it.each([
    [
      'my.cnf in a ConfigMap',
      'Data\n====\nmy.cnf:\n----\n[mysqld]\ninnodb_buffer_pool_size = 3G\n',
      { bytes: 3 * 1024 ** 3, text: '3G' },
    ],
    ['a dash spelling in MiB', 'innodb-buffer-pool-size=512M', { bytes: 512 * 1024 ** 2, text: '512M' }],
    ['no setting', 'max_connections = 500', undefined],
  ])('reads the buffer pool: %s', (_name, text, want) => {
    expect(
      innodbBufferPool([
        observed('describe_resource', { kind: 'ConfigMap', name: 'my', namespace: 'db' }, text),
      ]),
    ).toEqual(want);
  });
  it('reads the ConfigMaps an OOM-killed MySQL container mounts, and nothing for another image', () => {
    const pod = (image: string) =>
      observed(
        'describe_pod',
        { namespace: 'db', name: 'mysql-abc12-xyz34' },
        [
          'Containers:',
          '  mysql:',
          `    Image:          ${image}`,
          '    Last State:     Terminated',
          '      Reason:       OOMKilled',
          'Volumes:',
          '  config:',
          '    Type:      ConfigMap (a volume populated by a ConfigMap)',
          '    Name:      mysql-config',
        ].join('\n'),
      );
    expect(dbMemoryAnalyzer.reads(ctx('db', [pod('mysql:8.0')]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'mysql-config', namespace: 'db' } },
    ]);
    expect(dbMemoryAnalyzer.reads(ctx('db', [pod('acme/api:1')]))).toEqual([]);
  });
});

describe('scale-down', () => {
  const task = 'The batch node pool scaled up and never scaled down. Why does the pool not scale down?';
  const system = observed(
    'list_pods',
    { namespace: 'kube-system' },
    'NAME                                  READY   STATUS    RESTARTS   AGE   IP           NODE\ncluster-autoscaler-7xfjkdlcg-h9q6h    1/1     Running   0          9d    10.0.0.9     n0\n',
  );
  const log = (line: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'kube-system', name: 'cluster-autoscaler-7xfjkdlcg-h9q6h' },
      `I0609 static_autoscaler.go] Starting scale down\n${line}\n`,
    );
  it('reads the autoscaler log only when the task asks about scaling down', () => {
    expect(scaleDownAnalyzer.reads(ctx('reports', [system], task))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'kube-system', name: 'cluster-autoscaler-7xfjkdlcg-h9q6h' },
      },
    ]);
    expect(scaleDownAnalyzer.reads(ctx('reports', [system], 'the api is slow'))).toEqual([]);
  });
  it.each([
    [
      'not safe to evict',
      'pod annotated as not safe to evict present: report-builder-49t55sjk6-jdctd',
      /safe-to-evict: "false".* not broken/,
    ],
    [
      'a disruption budget',
      'not enough pod disruption budget to move ledger-api-6c9d8-abcde',
      /PodDisruptionBudget/,
    ],
  ])('%s', (_name, why, want) => {
    const [f] = scaleDownAnalyzer.finds(
      ctx(
        'reports',
        [system, log(`I0609 cluster.go:156] Fast evaluation: node ip-10-60-1-140 cannot be removed: ${why}`)],
        task,
      ),
    );
    expect(f?.cause).toMatch(want);
  });
});

describe('expected-states: pods re-created by a node replacement', () => {
  const task = 'PodsRecreated fired overnight: every pod has a new name. Did something crash?';
  const pods = (restarts: string) =>
    observed(
      'list_pods',
      { namespace: 'shop' },
      [
        'NAME                      READY   STATUS    RESTARTS   AGE     IP            NODE',
        `basket-l545zf8nvp-gcmpv   1/1     Running   ${restarts.padEnd(10)} 3h30m   10.244.0.16   node-b`,
        'basket-l545zf8nvp-qvz92   1/1     Running   0          4h15m   10.244.0.15   node-a',
      ].join('\n'),
    );
  const nodes = observed(
    'list_nodes',
    {},
    'NAME     STATUS   ROLES    AGE     VERSION\nnode-a   Ready    <none>   5h10m   v1.32.0\nnode-b   Ready    <none>   4h20m   v1.32.0\n',
  );
  const events = observed(
    'get_events',
    { namespace: 'default' },
    'LAST SEEN   TYPE     REASON    OBJECT        MESSAGE\n48m         Normal   Upgrade   node/node-b   Successfully upgraded node image for agentpool shop\n',
  );
  it('reads the nodes and their events, then explains the replacement', () => {
    expect(expectedStatesAnalyzer.reads(ctx('shop', [pods('0')], task))).toEqual([
      { tool: 'list_nodes', args: {} },
      { tool: 'get_events', args: { namespace: 'default' } },
    ]);
    const notes = expectedStatesAnalyzer.notes!(ctx('shop', [pods('0'), nodes, events], task));
    expect(notes.join('\n')).toMatch(
      /at most 4h15m old: they did not crash.*Successfully upgraded node image.* no action is needed/,
    );
  });
  it('stays silent when a pod restarted', () => {
    expect(expectedStatesAnalyzer.notes!(ctx('shop', [pods('2'), nodes, events], task))).toEqual([]);
  });
});

describe('sealed-secret', () => {
  const events = observed(
    'get_events',
    { namespace: 'orders-eu' },
    'LAST SEEN   TYPE      REASON            OBJECT                     MESSAGE\n39m         Warning   ErrUnsealFailed   sealedsecret/payments-db   Failed to unseal: no key could decrypt secret (password, username)\n',
  );
  it('says why the Secret is missing, and how to seal it again', () => {
    expect(unsealFailure(events.content, 'payments-db')?.said).toMatch(
      /strict scope .* bound to the name and namespace/,
    );
    expect(unsealFailure(events.content, 'other')).toBeUndefined();
    const [f] = sealedSecretAnalyzer.finds(ctx('orders-eu', [events]));
    expect(f?.advice).toMatch(/kubeseal --namespace orders-eu --name payments-db/);
  });
});

describe('deploy-tool-logs', () => {
  const task =
    'We merged rate-limiter 2.0 but the pods in edge still run 1.9.4. Why did the release not roll out?';
  const nsList = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME          STATUS   AGE\nedge          Active   9d\nflux-system   Active   9d\n',
  );
  const deps = observed(
    'list_deployments',
    { namespace: 'edge' },
    'NAME           READY   UP-TO-DATE   AVAILABLE   AGE   IMAGES\nrate-limiter   3/3     3            3           90d   acme/rate-limiter:1.9.4\n',
  );
  const flux = observed(
    'list_pods',
    { namespace: 'flux-system' },
    'NAME                                  READY   STATUS    RESTARTS   AGE   IP          NODE\nkustomize-controller-qld58qmdrk-2mmsp  1/1     Running   0          9d    10.0.0.5    n1\n',
  );
  const log = observed(
    'get_pod_logs',
    { namespace: 'flux-system', name: 'kustomize-controller-qld58qmdrk-2mmsp' },
    '{"level":"error","msg":"Reconciliation failed","error":"Deployment/edge/rate-limiter dry-run failed (Invalid): Deployment.apps \\"rate-limiter\\" is invalid: spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable"}\n',
  );
  it('reads the GitOps controller of a release that did not roll out', () => {
    expect(deployToolLogsAnalyzer.reads(ctx('edge', [nsList], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'flux-system' } },
    ]);
    expect(deployToolLogsAnalyzer.reads(ctx('edge', [nsList, flux], task))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'flux-system', name: 'kustomize-controller-qld58qmdrk-2mmsp' },
      },
    ]);
    expect(deployToolLogsAnalyzer.reads(ctx('edge', [nsList], 'rate-limiter is slow'))).toEqual([]);
  });
  it('quotes the refusal that names the workload, with what it means', () => {
    const [f] = deployToolLogsAnalyzer.finds(ctx('edge', [nsList, deps, flux, log], task));
    expect(f?.cause).toMatch(
      /never reached the cluster.*field is immutable.* label selector cannot be changed/,
    );
  });
});

describe('log glosses: immutable fields', () => {
  it.each([
    [
      'spec.selector: Invalid value: v1.LabelSelector{}: field is immutable',
      /label selector cannot be changed/,
    ],
    [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'template' are forbidden",
      /volumeClaimTemplates/,
    ],
  ])('%s', (line, want) => {
    expect(logGloss(line)).toMatch(want);
  });
});

describe('mesh-injection', () => {
  const logs = observed(
    'get_pod_logs',
    { namespace: 'refunds', name: 'refund-api-s4mfjbf8z-5ntzv' },
    'ERROR POST /refunds 502: read tcp: connection reset by peer\n',
  );
  const nsList = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME           STATUS   AGE\nrefunds        Active   1d\nistio-system   Active   90d\n',
  );
  const ns = (labels: string) =>
    observed(
      'describe_resource',
      { kind: 'Namespace', name: 'refunds' },
      `Name:         refunds\nLabels:       ${labels}\n`,
    );
  const istio = (name: string) =>
    observed(
      'list_deployments',
      { namespace: 'istio-system' },
      `NAME   READY   UP-TO-DATE   AVAILABLE   AGE   IMAGES\n${name}   1/1     1            1           90d   istio/pilot:1.23.2\n`,
    );
  it('reads the namespace labels and the control plane when calls are reset', () => {
    expect(meshInjectionAnalyzer.reads(ctx('refunds', [logs, nsList]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'Namespace', name: 'refunds' } },
      { tool: 'list_deployments', args: { namespace: 'istio-system' } },
      { tool: 'list_resources', args: { kind: 'PeerAuthentication', namespace: 'istio-system' } },
    ]);
  });
  it.each([
    [
      'the old label with a revisioned control plane',
      'istio-injection=enabled',
      'istiod-1-23',
      /revision 1-23 .* istio\.io\/rev=1-23/,
    ],
    ['the revision label already set: silent', 'istio.io/rev=1-23', 'istiod-1-23', undefined],
    ['a default control plane: silent', 'istio-injection=enabled', 'istiod', undefined],
  ])('%s', (_name, labels, istiod, want) => {
    const [f] = meshInjectionAnalyzer.finds(ctx('refunds', [logs, nsList, ns(labels), istio(istiod)]));
    if (!want) return expect(f).toBeUndefined();
    expect(f?.cause).toMatch(want);
  });
});

describe('replica-fight', () => {
  const events = (downs: string) =>
    observed(
      'get_events',
      { namespace: 'search' },
      [
        'LAST SEEN    TYPE     REASON              OBJECT                              MESSAGE',
        `62s ${downs}    Normal   ScalingReplicaSet   deployment/query-api                Scaled down replica set query-api-5b8f7c6d9 from 9 to 3`,
        '2m2s (x14)   Normal   SuccessfulRescale   horizontalpodautoscaler/query-api   New size: 9; reason: cpu resource utilization above target',
        '2m2s (x14)   Normal   ScalingReplicaSet   deployment/query-api                Scaled up replica set query-api-5b8f7c6d9 from 3 to 9',
      ].join('\n'),
    );
  const nsList = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME     STATUS   AGE\nargocd   Active   90d\nsearch   Active   90d\n',
  );
  it('names the GitOps tool that reverts what the HPA sets', () => {
    const [f] = replicaFightAnalyzer.finds(ctx('search', [events('(x14)'), nsList]));
    expect(f?.cause).toMatch(/scales it to 9 .* back to 3 each time .* Argo CD runs in this cluster/);
    expect(f?.advice).toMatch(/ignoreDifferences/);
  });
  it('stays silent for a single scale-down (the HPA itself scaling in)', () => {
    expect(replicaFightAnalyzer.finds(ctx('search', [events(''), nsList]))).toEqual([]);
  });
});

describe('expected-states: a block already lifted, a heartbeat timeout', () => {
  it('notes that Elasticsearch released its flood-stage block by itself', () => {
    const es = observed(
      'get_pod_logs',
      { namespace: 'logging', name: 'es-logs-1' },
      [
        '{"@timestamp":"2026-12-01T03:10:44Z","message":"flood stage disk watermark [95%] exceeded on [es-logs-1]"}',
        '{"@timestamp":"2026-12-01T03:35:12Z","message":"releasing read-only-allow-delete block on indices: [[logs-app]]"}',
      ].join('\n'),
    );
    expect(expectedStatesAnalyzer.notes!(ctx('logging', [es])).join('\n')).toMatch(
      /released the flood-stage block by itself at 2026-12-01T03:35:12Z.* nothing is left to do/,
    );
    const still = observed(
      'get_pod_logs',
      { namespace: 'logging', name: 'es-logs-1' },
      'flood stage disk watermark [95%] exceeded\n',
    );
    expect(expectedStatesAnalyzer.notes!(ctx('logging', [still]))).toEqual([]);
  });
  it.each([
    [
      'gevent',
      '--worker-class=gevent --timeout=60',
      /gevent worker class .* heartbeat, not a per-request limit/,
    ],
    ['sync workers: the timeout does bound a request', '--workers=4 --timeout=60', undefined],
  ])('gunicorn %s', (_name, args, want) => {
    const pod = observed(
      'describe_pod',
      { namespace: 'reporting', name: 'exports-api-q9tcktkmk-6f748' },
      `Containers:\n  api:\n    Command:        gunicorn\n    Args:           app:app ${args}\n`,
    );
    const notes = expectedStatesAnalyzer.notes!(
      ctx('reporting', [pod], 'requests run past the gunicorn timeout'),
    );
    if (want) expect(notes.join('\n')).toMatch(want);
    else expect(notes).toEqual([]);
  });
});

describe('an alarm raised and cleared, an HPA on memory', () => {
  const log = (cleared: boolean) =>
    [
      '2026-05-05 14:00:12.441 [warning] <0.504.0> disk resource limit alarm set on node rabbit@mq-0.',
      '2026-05-05 14:01:30.902 [info] <0.1288.0> connection <0.1288.0> (10.244.1.33:49122 -> 10.244.0.21:5672 - pub-1): blocked by resource alarm',
      "2026-05-05 14:03:11.017 [info] <0.1391.0> HTTP API: user 'ana' published to exchange 'orders' (1 message)",
      ...(cleared
        ? [
            '2026-05-05 14:15:10.611 [warning] <0.504.0> disk resource limit alarm cleared on node rabbit@mq-0',
          ]
        : []),
      '2026-05-06 09:12:40.004 [info] <0.2011.0> queue orders.audit: 12 messages ready',
    ].join('\n');
  const pods = observed(
    'list_pods',
    { namespace: 'mq' },
    ['NAME   READY   STATUS    RESTARTS   AGE', 'mq-0   1/1     Running   0          9d'].join('\n'),
  );
  it.each([
    [true, true],
    [false, false],
  ])('alarmCleared when the clear line is there: %s', (cleared, want) => {
    const text = log(cleared);
    expect(alarmCleared(text, text.split('\n')[0]!)).toBe(want);
  });
  it('finds no fault in an alarm that cleared, and says why the HTTP API publish went through', () => {
    const logs = (cleared: boolean) =>
      observed('get_pod_logs', { namespace: 'mq', name: 'mq-0' }, log(cleared));
    expect(appErrorsAnalyzer.finds(ctx('mq', [pods, logs(true)]))).toEqual([]);
    expect(appErrorsAnalyzer.finds(ctx('mq', [pods, logs(false)]))[0]?.cause).toMatch(/disk alarm/);
    const notes = misconceptionsAnalyzer.notes!(ctx('mq', [pods, logs(true)], 'were publishers blocked?'));
    expect(notes.join('\n')).toMatch(
      /management HTTP API during the alarm .* is not subject to it.* no action is needed/,
    );
    expect(misconceptionsAnalyzer.notes!(ctx('mq', [pods, logs(false)], 'were publishers blocked?'))).toEqual(
      [],
    );
  });
  const hpa = (resource: string) =>
    observed(
      'describe_resource',
      { kind: 'HorizontalPodAutoscaler', namespace: 'auth', name: 'gw' },
      [
        'Spec:',
        '  minReplicas: 3',
        `  metrics[0].resource.name: ${resource}`,
        '  metrics[0].resource.target.averageUtilization: 75',
        'Status:',
        '  currentReplicas: 8',
        `  currentMetrics[0].resource.name: ${resource}`,
        '  currentMetrics[0].resource.current.averageUtilization: 70',
        '  currentMetrics[0].resource.current.averageValue: 1075Mi',
      ].join('\n'),
    );
  it('reads pod metrics for an HPA on memory and says memory does not fall with load', () => {
    const task = 'why does the HPA not scale down?';
    expect(misconceptionsAnalyzer.reads(ctx('auth', [hpa('memory')], task))).toContainEqual({
      tool: 'get_pod_metrics',
      args: { namespace: 'auth' },
    });
    expect(misconceptionsAnalyzer.reads(ctx('auth', [hpa('cpu')], task))).not.toContainEqual({
      tool: 'get_pod_metrics',
      args: { namespace: 'auth' },
    });
    const notes = misconceptionsAnalyzer.notes!(ctx('auth', [hpa('memory')], task)).join('\n');
    expect(notes).toMatch(
      /70% memory utilization .* per-pod memory does not fall .* 1075Mi .* minReplicas 3/,
    );
    const cpu = misconceptionsAnalyzer.notes!(ctx('auth', [hpa('cpu')], task)).join('\n');
    expect(cpu).toMatch(/70% cpu utilization .* tolerance/);
    expect(cpu).not.toMatch(/per-pod memory/);
  });
});

describe('external-dns', () => {
  const task =
    'The DNS record for www.shop.example.net still points at the old load balancer since we moved it to an Ingress (namespace web).';
  const nss = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME           STATUS   AGE\nexternal-dns   Active   30d\nweb            Active   30d',
  );
  const pods = observed(
    'list_pods',
    { namespace: 'external-dns' },
    'NAME                          READY   STATUS    RESTARTS   AGE\nexternal-dns-7c9d8b6f5-x2x9q   1/1     Running   0          60d',
  );
  const ing = observed(
    'list_resources',
    { kind: 'Ingress', namespace: 'web' },
    'NAME   STATUS   AGE\nshop   -        4h',
  );
  const pod = (args: string) =>
    observed(
      'describe_pod',
      { namespace: 'external-dns', name: 'external-dns-7c9d8b6f5-x2x9q' },
      `Containers:\n  external-dns:\n    Args:           ${args}\n`,
    );
  it.each([
    ['--source=service --source ingress --provider=aws', 'source', ['service', 'ingress']],
    ['--domain-filter=example.net', 'domain-filter', ['example.net']],
    ['--provider=aws', 'source', []],
  ])('flagValues(%s, %s)', (args, flag, want) => {
    expect(flagValues(args, flag)).toEqual(want);
  });
  it('reads the namespaces, then the external-dns pod', () => {
    expect(externalDnsAnalyzer.reads({ task, ns: 'web', hints: [], seen: [] })).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(externalDnsAnalyzer.reads({ task, ns: 'web', hints: [], seen: [nss, pods, ing] })).toEqual([
      { tool: 'describe_pod', args: { namespace: 'external-dns', name: 'external-dns-7c9d8b6f5-x2x9q' } },
      { tool: 'get_pod_logs', args: { namespace: 'external-dns', name: 'external-dns-7c9d8b6f5-x2x9q' } },
    ]);
    expect(externalDnsAnalyzer.reads({ task: 'pods crash', ns: 'web', hints: [], seen: [] })).toEqual([]);
  });
  it('names a missing ingress source, a host outside the domain filter, and stays silent otherwise', () => {
    const seen = (args: string) => ({ task, ns: 'web', hints: [], seen: [nss, pods, ing, pod(args)] });
    expect(
      externalDnsAnalyzer.finds(seen('--source=service --domain-filter=shop.example.net'))[0]?.cause,
    ).toMatch(/--source=service only.* never reads Ingress objects.* www\.shop\.example\.net/);
    expect(
      externalDnsAnalyzer.finds(seen('--source=service --source=ingress --domain-filter=other.org'))[0]
        ?.cause,
    ).toMatch(/--domain-filter=other\.org, and www\.shop\.example\.net is outside it/);
    expect(
      externalDnsAnalyzer.finds(seen('--source=service --source=ingress --domain-filter=example.net')),
    ).toEqual([]);
  });
});

describe('nodelocaldns-ipvs', () => {
  const task = 'DNS lookups time out in every namespace since the node upgrade';
  const pods = observed(
    'list_pods',
    { namespace: 'kube-system' },
    [
      'NAME                   READY   STATUS    RESTARTS   AGE',
      'kube-proxy-4vgk8       1/1     Running   0          9h',
      'node-local-dns-4fq6q   1/1     Running   0          9h',
    ].join('\n'),
  );
  const cache = (localip: string) =>
    observed(
      'describe_pod',
      { namespace: 'kube-system', name: 'node-local-dns-4fq6q' },
      `Containers:\n  node-cache:\n    Args:           -localip ${localip} -conf /etc/Corefile -setupiptables=true\n`,
    );
  const proxy = (mode: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'kube-system', name: 'kube-proxy-4vgk8' },
      `I1020 server_linux.go:66] "Using ${mode} Proxier"`,
    );
  it('reads node-cache and kube-proxy first when DNS fails', () => {
    expect(nodeLocalDnsIpvsAnalyzer.first).toBe(true);
    expect(nodeLocalDnsIpvsAnalyzer.reads({ task, ns: 'kube-system', hints: [], seen: [pods] })).toEqual([
      { tool: 'describe_pod', args: { namespace: 'kube-system', name: 'node-local-dns-4fq6q' } },
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: 'node-local-dns-4fq6q' } },
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: 'kube-proxy-4vgk8' } },
    ]);
  });
  it.each([
    ['ipvs', '169.254.20.10,10.96.0.10', /IPVS mode.* kube-dns Service IP 10\.96\.0\.10/],
    ['ipvs', '169.254.20.10', undefined],
    ['iptables', '169.254.20.10,10.96.0.10', undefined],
  ])('kube-proxy %s, node-cache on %s', (mode, localip, want) => {
    expect(nodeCacheAddresses(`-localip ${localip} -conf x`)).toEqual(localip.split(','));
    const [f] = nodeLocalDnsIpvsAnalyzer.finds({
      task,
      ns: 'kube-system',
      hints: [],
      seen: [pods, cache(localip), proxy(mode)],
    });
    if (want) expect(f?.cause).toMatch(want);
    else expect(f).toBeUndefined();
  });
});

describe('wal-archive-path', () => {
  const log = observed(
    'get_pod_logs',
    { namespace: 'db', name: 'pg-backup-29888730-dwxhv' },
    'INFO: copying archived WAL files\nERROR: switched WAL could not be archived in 10 seconds',
  );
  const listed = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: 'db' },
    'NAME             STATUS     AGE\npg-main-config   1 key(s)   24h\npg-rman-config   1 key(s)   24h\nweb-assets       3 key(s)   9d',
  );
  const rman = (path: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: 'db', name: 'pg-rman-config' },
      `Data\n====\npg_rman.ini:\n----\nBACKUP_PATH='/backup'\nARCLOG_PATH='${path}'\n`,
    );
  const pg = observed(
    'describe_resource',
    { kind: 'ConfigMap', namespace: 'db', name: 'pg-main-config' },
    "Data\n====\npostgresql.conf:\n----\narchive_mode = on\narchive_command = 'test ! -f /pgarchive/%f && cp %p /pgarchive/%f'\n",
  );
  it('reads the ConfigMaps that may hold the two settings', () => {
    expect(walArchivePathAnalyzer.reads(ctx('db', [log]))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: 'db' } },
    ]);
    expect(walArchivePathAnalyzer.reads(ctx('db', [log, listed])).map((r) => r.args['name'])).toEqual([
      'pg-main-config',
      'pg-rman-config',
    ]);
  });
  it.each([
    [
      '/var/lib/pgsql/arclog',
      /ARCLOG_PATH=\/var\/lib\/pgsql\/arclog .* archive_command copies segments to \/pgarchive/,
    ],
    ['/pgarchive/', undefined],
  ])('ARCLOG_PATH %s', (path, want) => {
    expect(archiveDirs('cp %p /pgarchive/%f && gzip /mnt/wal/%f')).toEqual(['/pgarchive', '/mnt/wal']);
    const [f] = walArchivePathAnalyzer.finds(ctx('db', [log, listed, rman(path), pg]));
    if (want) expect(f?.cause).toMatch(want);
    else expect(f).toBeUndefined();
  });
});

describe('bounded work on hostile configuration text', () => {
  const blank = `${' \n'.repeat(100_000)}x`;
  // Quadratic matching of these 200,000 characters would run for minutes, past the test's timeout.
  it('wal-archive-path and nodelocaldns-ipvs read runs of blank lines in linear time', () => {
    const log = observed(
      'get_pod_logs',
      { namespace: 'db', name: 'b-1' },
      'ERROR: switched WAL could not be archived in 10 seconds',
    );
    const cm = observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: 'db', name: 'pg-config' },
      blank,
    );
    expect(walArchivePathAnalyzer.finds(ctx('db', [log, cm]))).toEqual([]);
    const proxy = observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' },
      blank,
    );
    expect(nodeLocalDnsIpvsAnalyzer.finds(ctx('kube-system', [proxy], 'dns lookups fail'))).toEqual([]);
  });
});
