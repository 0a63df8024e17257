// Table tests of the later rules written after held-out set 39's first contact (the others are in
// held-out-39-rules.test.ts): each row is the reads one rule needs and what it concludes, or that it
// stays silent.
import { describe, expect, it } from 'vitest';
import { errorPageProxyAnalyzer } from './error-page-proxy.js';
import { incompleteChainAnalyzer } from './incomplete-chain.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { redisSlowCommandsAnalyzer } from './redis-slow-commands.js';
import { serverDiskFullAnalyzer } from './server-disk-full.js';

const namespaces = (names: string[]) =>
  observed(
    'list_resources',
    { kind: 'Namespace' },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '30d'])]),
  );

describe('incomplete-chain: API clients refuse a certificate that browsers accept', () => {
  const task =
    'Since the certificate renewal yesterday afternoon, partner integrations calling partners.harborlink.example fail TLS ("certificate signed by unknown authority", "PKIX path building failed"), although the site opens fine in Chrome and the padlock looks green. I think the partners run outdated Java truststores that do not know our CA\'s new root. Can you confirm, so we can send them a notice? Fix anything on our side only if it is safe.';
  const PROBE = 'tls-probe-8k9d48lzj-fppcf';
  const served = (certs: 1 | 2, at: string) =>
    certs === 2
      ? `${at} probe partners.harborlink.example:443 ok: served chain 2 certs [leaf CN=partners.harborlink.example issuer=Northwind RSA DV CA 2, serial 0x3b91c0] [CN=Northwind RSA DV CA 2 issuer=Northwind Root R1]; verify ok; leaf expires 2026-10-19`
      : `${at} probe partners.harborlink.example:443 FAIL: served chain 1 cert [leaf CN=partners.harborlink.example issuer=Northwind RSA DV CA 3, serial 0x5e2a77]; verify error 20 (unable to get local issuer certificate); leaf expires 2027-11-04`;
  const probe = (lines: string[]) => log('monitoring', PROBE, lines);

  it('finds the missing intermediate and says to serve the full chain, with no read', () => {
    expect(incompleteChainAnalyzer.reads(ctx('gateway', [], task))).toEqual([]);
    const [f] = incompleteChainAnalyzer.finds(ctx('gateway', [], task));
    expect(f?.object).toBe('the server certificate chain');
    expect(f?.cause).toMatch(/\("certificate signed by unknown authority"\) while browsers open the site/);
    expect(f?.cause).toMatch(
      /without the intermediate CA certificate that signed it \(an incomplete chain\)/,
    );
    expect(f?.cause).toMatch(/Authority Information Access/);
    expect(f?.cause).toMatch(/The clients' trust stores are not the problem/);
    expect(f?.cause).not.toMatch(/a probe saw/);
    expect(f?.evidence).toEqual([]);
    expect(f?.advice).toMatch(/serve the full chain: put the leaf followed by its intermediate certificate/);
    expect(f?.advice).toMatch(/fullchain\.pem/);
  });
  it("quotes a probe's 'served chain 1 cert' line, not its two-certificate lines", () => {
    const read = probe([
      served(2, '2026-10-05T06:00:00Z'),
      served(2, '2026-10-05T12:00:00Z'),
      served(1, '2026-10-05T18:00:00Z'),
      served(1, '2026-10-06T00:00:00Z'),
    ]);
    const [f] = incompleteChainAnalyzer.finds(ctx('gateway', [read], task));
    expect(f?.cause).toMatch(
      /a probe saw exactly that: "2026-10-05T18:00:00Z probe partners\.harborlink\.example:443 FAIL: served chain 1 cert/,
    );
    expect(f?.evidence).toEqual([`get_pod_logs: "${served(1, '2026-10-05T18:00:00Z').slice(0, 200)}"`]);
    const whole = probe([served(2, '2026-10-05T06:00:00Z'), served(2, '2026-10-05T12:00:00Z')]);
    const [g] = incompleteChainAnalyzer.finds(ctx('gateway', [whole], task));
    expect(g?.cause).not.toMatch(/a probe saw/);
    expect(g?.evidence).toEqual([]);
  });
  it('silent without the browser words, or without a verification failure', () => {
    const clientsOnly =
      'Since the certificate renewal yesterday afternoon, partner integrations calling partners.harborlink.example fail TLS ("certificate signed by unknown authority", "PKIX path building failed"). I think the partners run outdated Java truststores. Can you confirm?';
    expect(incompleteChainAnalyzer.finds(ctx('gateway', [], clientsOnly))).toEqual([]);
    const expired =
      'Partner integrations calling partners.harborlink.example fail TLS ("x509: certificate has expired or is not yet valid"), although the site opens fine in Chrome. Can you confirm?';
    expect(incompleteChainAnalyzer.finds(ctx('gateway', [], expired))).toEqual([]);
  });
});

describe('error-page-proxy: "Error 503 Backend fetch failed" from a Varnish in another namespace', () => {
  const NS = 'catalog';
  const EDGE = 'edge';
  const POD = 'edge-cache-2smp4zgvzm-lgsss';
  const task =
    'Since Monday, "bulk retire" in the merchandising admin fails with a page saying "Error 503 Backend fetch failed" whenever someone selects more than about thirty products; small batches still work. People then click again and again. I think the merch-admin pods in namespace catalog crash under the bulk load and probably need more memory or more replicas. Please find out what is going on and sort it out if it is safe.';
  const listedNamespaces = namespaces(['catalog', 'default', 'edge', 'kube-system', 'search']);
  const deployments = (ns: string, rows: string[][]) =>
    observed(
      'list_deployments',
      { namespace: ns },
      table([['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'], ...rows]),
    );
  const catalog = deployments(NS, [
    ['catalog-api', '3/3', '3', '3', '400d', 'registry.shop.example/catalog/catalog-api:9.12.3'],
    ['merch-admin', '2/2', '2', '2', '400d', 'registry.shop.example/catalog/merch-admin:2026.04.24'],
  ]);
  const edge = deployments(EDGE, [['edge-cache', '2/2', '2', '2', '400d', 'varnish:7.5.0,varnish:7.5.0']]);
  const described = observed(
    'describe_deployment',
    { namespace: EDGE, name: 'edge-cache' },
    [
      'Name:                   edge-cache',
      'Namespace:              edge',
      'CreationTimestamp:      2025-04-01T09:40:00Z (400d ago)',
      'Labels:                 app=edge-cache',
      'Annotations:            deployment.kubernetes.io/revision=2',
      '                        kubernetes.io/change-cause=vcl: cap first_byte_timeout at 30s on every backend (EDGE-118)',
      'Selector:               app=edge-cache',
      'Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable',
      'StrategyType:           RollingUpdate',
      'Pod Template:',
      '  Labels:  app=edge-cache',
      '  Containers:',
      '    varnish:',
      '      Image:          varnish:7.5.0',
      '      Ports:          6081/TCP',
      '      Args:           -F -f /etc/varnish/default.vcl -s malloc,2G',
      '      Environment:',
      '        VCL_REV:  42',
      '      Mounts:',
      '        /etc/varnish from vcl (rw)',
      '    varnishlog:',
      '      Image:          varnish:7.5.0',
      '      Command:        varnishlog',
      '      Args:           -g request -q RespStatus >= 500',
      '      Environment:    <none>',
      'Conditions:',
      '  Type          Status   Reason                     Message',
      '  Available     True     MinimumReplicasAvailable   Deployment has minimum availability.',
      'NewReplicaSet:          edge-cache-2smp4zgvzm (2/2 replicas created)',
      'Events:  <none>',
    ].join('\n'),
  );
  const edgePods = pods(EDGE, [
    [POD, '2/2', 'Running', '0', '2d'],
    ['edge-cache-2smp4zgvzm-vz7dz', '2/2', 'Running', '0', '2d'],
  ]);
  const varnish = log(
    EDGE,
    POD,
    [
      'Debug: Version: varnish-7.5.0 revision eef25264e5ca5f96a77129308edb83ccf84cb1b1',
      'Debug: Platform: Linux,6.1.0,x86_64,-junix,-smalloc,-sdefault,-hcritbit',
      'Child launched OK',
      'Info: Child (27) said Child starts',
    ],
    { container: 'varnish' },
  );
  const varnishlog = log(
    EDGE,
    POD,
    [
      '*   << Request  >> 4718221',
      '-   ReqMethod      POST',
      '-   ReqURL         /admin/products/bulk-retire',
      '-   ReqHeader      Host: merch-admin.shop.example',
      '-   VCL_call       PASS',
      '**  << BeReq    >> 4718222',
      '--  BackendOpen    31 merch_admin 10.96.88.14 80 10.244.0.17 40112 connect',
      '--  Timestamp      Bereq: 1778058881.902115 0.000210 0.000210',
      '--  FetchError     first byte timeout',
      '--  BackendClose   31 merch_admin close RX_TIMEOUT',
      '--  Timestamp      Beresp: 1778058911.903882 30.001977 30.001767',
      '--  BerespStatus   503',
      '--  BerespReason   Backend fetch failed',
      '-   RespStatus     503',
      '-   RespReason     Backend fetch failed',
    ],
    { container: 'varnishlog' },
  );

  it('reads namespace by namespace until a Deployment runs varnish, then its description, pods and logs', () => {
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [listedNamespaces], task))).toEqual([
      { tool: 'list_deployments', args: { namespace: NS } },
    ]);
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [listedNamespaces, catalog], task))).toEqual([
      { tool: 'list_deployments', args: { namespace: EDGE } },
    ]);
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [listedNamespaces, catalog, edge], task))).toEqual([
      { tool: 'describe_deployment', args: { namespace: EDGE, name: 'edge-cache' } },
    ]);
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [listedNamespaces, catalog, edge, described], task))).toEqual(
      [{ tool: 'list_pods', args: { namespace: EDGE } }],
    );
    const seen = [listedNamespaces, catalog, edge, described, edgePods];
    expect(errorPageProxyAnalyzer.reads(ctx(NS, seen, task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: EDGE, name: POD, container: 'varnish' } },
      { tool: 'get_pod_logs', args: { namespace: EDGE, name: POD, container: 'varnishlog' } },
    ]);
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [...seen, varnish], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: EDGE, name: POD, container: 'varnishlog' } },
    ]);
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [...seen, varnish, varnishlog], task))).toEqual([]);
  });
  it("finds varnishlog's FetchError first byte timeout with the rollout's change cause", () => {
    const [f] = errorPageProxyAnalyzer.finds(
      ctx(NS, [listedNamespaces, catalog, edge, described, edgePods, varnish, varnishlog], task),
    );
    expect(f?.object).toBe('deployment edge-cache (namespace edge)');
    expect(f?.cause).toMatch(/the error page the person quotes is Varnish's own \("Backend fetch failed"\)/);
    expect(f?.cause).toMatch(/edge-cache in namespace edge runs Varnish in front of the application/);
    expect(f?.cause).toMatch(/Its log says why: "-- FetchError first byte timeout"/);
    expect(f?.cause).toMatch(/no first byte within first_byte_timeout/);
    expect(f?.cause).toMatch(
      /Its latest rollout \(revision 2\) changed it: "vcl: cap first_byte_timeout at 30s on every backend \(EDGE-118\)"/,
    );
    expect(f?.evidence).toEqual([
      `get_pod_logs ${POD}: "-- FetchError first byte timeout"`,
      'describe_deployment edge-cache: change-cause "vcl: cap first_byte_timeout at 30s on every backend (EDGE-118)"',
    ]);
    expect(f?.advice).toMatch(/fix it in Varnish \(edge-cache in edge\), not in the application behind it/);
  });
  it('no finding before a log with a glossed failure is read', () => {
    expect(
      errorPageProxyAnalyzer.finds(
        ctx(NS, [listedNamespaces, catalog, edge, described, edgePods, varnish], task),
      ),
    ).toEqual([]);
  });
  it('silent for HAProxy\'s "No server is available" page', () => {
    const haproxy =
      'Since Monday, "bulk retire" in the merchandising admin fails with a page saying "503 Service Unavailable: No server is available to handle this request." Please find out what is going on.';
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [], haproxy))).toEqual([]);
    expect(errorPageProxyAnalyzer.reads(ctx(NS, [listedNamespaces, catalog], haproxy))).toEqual([]);
    expect(
      errorPageProxyAnalyzer.finds(
        ctx(NS, [listedNamespaces, catalog, edge, described, edgePods, varnish, varnishlog], haproxy),
      ),
    ).toEqual([]);
  });
});

describe('redis-slow-commands: KEYS over a shared Redis stalls other clients', () => {
  const NS = 'shop';
  const CACHE = 'cache';
  const REDIS = 'redis-shared-0';
  const task =
    'basket-api in namespace shop has had intermittent Redis timeouts since yesterday afternoon; roughly one add-to-cart in ten fails. The shared Redis (redis-shared in namespace cache) is at about 75% of its memory, so I think it is running out of memory and evicting or swapping. Should we give it more memory or restart it? Find the cause and tell me what to do; change something only if it is clearly safe.';
  const listedNamespaces = namespaces(['cache', 'default', 'fulfilment', 'kube-system', 'shop']);
  const basket = log(NS, 'basket-api-wlh7jtdkr-6rk5l', [
    '2026-07-02T10:19:10.004Z INFO POST /v1/basket/items 200 5ms',
    '2026-07-02T10:19:15.488Z ERROR POST /v1/basket/items 503: redis HGETALL sess:7f31c2: i/o timeout (read deadline 500ms)',
    '2026-07-02T10:19:15.502Z ERROR GET /v1/basket 503: redis HGETALL sess:0b9a17: i/o timeout (read deadline 500ms)',
    '2026-07-02T10:19:16.120Z INFO POST /v1/basket/items 200 612ms',
    '2026-07-02T10:19:20.491Z ERROR POST /v1/basket/items 503: redis HSET sess:55e019: i/o timeout (read deadline 500ms)',
  ]);
  const cachePods = pods(CACHE, [[REDIS, '2/2', 'Running', '0', '93d']]);
  const described = observed(
    'describe_pod',
    { namespace: CACHE, name: REDIS },
    [
      `Name:             ${REDIS}`,
      `Namespace:        ${CACHE}`,
      'Node:             ip-172-31-37-2',
      'Labels:           app=redis-shared',
      'Status:           Running',
      'IP:               10.244.0.16',
      'Controlled By:    <none>',
      'Containers:',
      '  redis:',
      '    Image:          redis:7.2.5',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Ports:          6379/TCP',
      '    Args:           --maxmemory 8gb --maxmemory-policy volatile-lru --save 3600 1',
      '    Environment:    <none>',
      '  stats-exporter:',
      '    Image:          registry.shop.example/platform/redis-stats-exporter:0.4.1',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Environment:    <none>',
      'Conditions:',
      '  Type              Status   Reason',
      '  Ready             True',
      'QoS Class:        Burstable',
      'Events:  <none>',
    ].join('\n'),
  );
  const server = log(
    CACHE,
    REDIS,
    [
      '1:M 31 Mar 2026 08:00:09.731 * Ready to accept connections tcp',
      '1:M 02 Jul 2026 10:00:02.018 * 1 changes in 3600 seconds. Saving...',
      '1:M 02 Jul 2026 10:01:15.090 * Background saving terminated with success',
    ],
    { container: 'redis' },
  );
  const info = (at: string) =>
    `2026-07-02T${at}Z info info: used_memory=6.08G maxmemory=8.00G policy=volatile-lru evicted_keys=0 db0:keys=4183221,expires=4180412 connected_clients=161 blocked_clients=0`;
  const slow = (at: string, id: number, us: number, cmd: string, client: string, name: string) =>
    `2026-07-02T${at}Z info slowlog: id=${id} duration_us=${us} cmd="${cmd}" client=${client} name=${name}`;
  const exporter = (entries: string[]) =>
    log(CACHE, REDIS, [info('10:19:00'), ...entries, info('10:20:00')], { container: 'stats-exporter' });
  const keys = [
    slow('10:19:10', 918221, 806112, 'KEYS lock:wave:*', '10.244.0.31:48810', 'pickwave'),
    slow('10:19:15', 918222, 841907, 'KEYS lock:wave:*', '10.244.0.31:48810', 'pickwave'),
    slow('10:19:17', 918223, 12190, 'HGETALL promo:index', '10.244.0.40:51022', 'promo'),
    slow('10:19:20', 918224, 810544, 'KEYS lock:wave:*', '10.244.0.31:48810', 'pickwave'),
    slow('10:19:25', 918225, 828731, 'KEYS lock:wave:*', '10.244.0.31:48810', 'pickwave'),
  ];

  it('reads the pods of the namespace the task names, the Redis pod, then each container log', () => {
    expect(redisSlowCommandsAnalyzer.reads(ctx(NS, [listedNamespaces, basket], task))).toEqual([
      { tool: 'list_pods', args: { namespace: CACHE } },
    ]);
    expect(redisSlowCommandsAnalyzer.reads(ctx(NS, [listedNamespaces, basket, cachePods], task))).toEqual([
      { tool: 'describe_pod', args: { namespace: CACHE, name: REDIS } },
    ]);
    const seen = [listedNamespaces, basket, cachePods, described];
    expect(redisSlowCommandsAnalyzer.reads(ctx(NS, seen, task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: CACHE, name: REDIS, container: 'redis' } },
      { tool: 'get_pod_logs', args: { namespace: CACHE, name: REDIS, container: 'stats-exporter' } },
    ]);
    expect(redisSlowCommandsAnalyzer.reads(ctx(NS, [...seen, server, exporter(keys)], task))).toEqual([]);
  });
  it('reads nothing without a Redis timeout in the namespace, or before the namespaces are listed', () => {
    const calm = log(NS, 'basket-api-wlh7jtdkr-6rk5l', [
      '2026-07-02T10:19:10.004Z INFO POST /v1/basket/items 200 5ms',
    ]);
    expect(redisSlowCommandsAnalyzer.reads(ctx(NS, [listedNamespaces, calm], task))).toEqual([]);
    expect(redisSlowCommandsAnalyzer.reads(ctx(NS, [basket], task))).toEqual([]);
  });
  it('finds the slowest KEYS in the slow log and the client named pickwave', () => {
    const [f] = redisSlowCommandsAnalyzer.finds(
      ctx(NS, [listedNamespaces, basket, cachePods, described, server, exporter(keys)], task),
    );
    expect(f?.object).toBe(`redis ${REDIS}`);
    expect(f?.cause).toMatch(/Redis is blocked by a slow command, not short of memory/);
    expect(f?.cause).toMatch(/KEYS lock:wave:\* taking 0\.84 s, again and again \(4 entries\)/);
    expect(f?.cause).toMatch(/sent by the client named pickwave \(10\.244\.0\.31\)/);
    expect(f?.cause).toMatch(/single thread/);
    expect(f?.evidence).toEqual([`get_pod_logs ${REDIS}: "${keys[1]}"`]);
    expect(f?.advice).toMatch(/stop pickwave from running KEYS on the shared Redis: use SCAN/);
  });
  it('silent for slow-log entries under 100 ms, and for a slow GET', () => {
    const quick = [
      slow('10:19:10', 918221, 80112, 'KEYS lock:wave:*', '10.244.0.31:48810', 'pickwave'),
      slow('10:19:15', 918222, 99999, 'KEYS lock:wave:*', '10.244.0.31:48810', 'pickwave'),
    ];
    const seen = [listedNamespaces, basket, cachePods, described, server];
    expect(redisSlowCommandsAnalyzer.finds(ctx(NS, [...seen, exporter(quick)], task))).toEqual([]);
    const get = [slow('10:19:10', 918221, 906112, 'GET session:7f31c2', '10.244.0.12:40012', 'basket')];
    expect(redisSlowCommandsAnalyzer.finds(ctx(NS, [...seen, exporter(get)], task))).toEqual([]);
  });
});

describe('server-disk-full: a client relays the database server\'s "could not extend file"', () => {
  const NS = 'reporting';
  const DB = 'analytics-db';
  const CLIENT = 'metrics-rollup-9nwbgtlw7-tk7g5';
  const PG = 'pg-analytics-0';
  const failed = (at: string, hour: string) =>
    `2026-11-18T${at}Z ERROR rollup 2026-11-18T${hour} failed: psycopg.errors.DiskFull: could not extend file "base/16402/88213.41": No space left on device`;
  const client = (lines: string[]) =>
    log(NS, CLIENT, [
      '2026-11-17T21:40:12Z INFO metrics-rollup 4.2.0 started (psycopg 3.2.1), campaigns dimension enabled',
      '2026-11-18T04:00:38Z INFO rollup 2026-11-18T03:00 done: 9,871 rows into rollup_hourly',
      ...lines,
    ]);
  const relayed = client([
    failed('05:00:36', '04:00'),
    '2026-11-18T05:00:36Z ERROR HINT:  Check free disk space.',
    failed('06:00:35', '05:00'),
  ]);
  const describedClient = observed(
    'describe_pod',
    { namespace: NS, name: CLIENT },
    [
      `Name:             ${CLIENT}`,
      `Namespace:        ${NS}`,
      'Node:             worker-app-1',
      'Labels:           app=metrics-rollup',
      '                  pod-template-hash=9nwbgtlw7',
      'Status:           Running',
      'Controlled By:    ReplicaSet/metrics-rollup-9nwbgtlw7',
      'Containers:',
      '  rollup:',
      '    Image:          registry.clickvault.example/reporting/metrics-rollup:4.2.0',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Environment:',
      '      PG_DSN:  postgresql://rollup@pg-analytics.analytics-db.svc.cluster.local:5432/clickvault',
      'Conditions:',
      '  Type              Status   Reason',
      '  Ready             True',
      'Events:  <none>',
    ].join('\n'),
  );
  const dbPods = pods(DB, [[PG, '2/2', 'Running', '0', '200d']]);
  const describedServer = observed(
    'describe_pod',
    { namespace: DB, name: PG },
    [
      `Name:             ${PG}`,
      `Namespace:        ${DB}`,
      'Node:             worker-db-1',
      'Labels:           app=pg-analytics',
      'Status:           Running',
      'Controlled By:    <none>',
      'Containers:',
      '  postgres:',
      '    Image:          postgres:16.4',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Ports:          5432/TCP',
      '    Environment:    <none>',
      '    Mounts:',
      '      /var/lib/postgresql/data from data (rw)',
      '  disk-watch:',
      '    Image:          registry.clickvault.example/platform/disk-watch:0.3.0',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Environment:    <none>',
      '    Mounts:',
      '      /data from data (ro)',
      'Conditions:',
      '  Type              Status   Reason',
      '  Ready             True',
      'Events:  <none>',
    ].join('\n'),
  );
  const postgres = log(
    DB,
    PG,
    [
      '2026-11-18 03:05:12.118 UTC [412] LOG:  checkpoints are occurring too frequently (19 seconds apart)',
      '2026-11-18 03:05:12.118 UTC [412] HINT:  Consider increasing the configuration parameter "max_wal_size".',
      '2026-11-18 04:21:40.771 UTC [88120] ERROR:  could not extend file "base/16402/91877.212": No space left on device',
      '2026-11-18 04:21:40.771 UTC [88120] HINT:  Check free disk space.',
      '2026-11-18 04:21:40.771 UTC [88120] CONTEXT:  COPY clickstream_events_2025, line 611204388',
      '2026-11-18 04:21:41.002 UTC [88120] LOG:  disconnection: session time: 1:21:33.771 user=etl database=clickvault host=10.244.0.41',
      '2026-11-18 04:22:31.410 UTC [88533] ERROR:  could not extend file "base/16402/91877.213": No space left on device',
      '2026-11-18 04:22:31.410 UTC [88533] CONTEXT:  COPY clickstream_events_2025, line 41288',
      '2026-11-18 05:00:36.008 UTC [91012] ERROR:  could not extend file "base/16402/88213.41": No space left on device',
      '2026-11-18 05:00:36.008 UTC [91012] STATEMENT:  INSERT INTO rollup_hourly (hour, campaign_id, clicks, uniques) VALUES ($1, $2, $3, $4)',
    ],
    { container: 'postgres' },
  );

  it("reads the pods of the server's namespace, the server pod, its first container's log", () => {
    expect(serverDiskFullAnalyzer.reads(ctx(NS, [relayed, describedClient]))).toEqual([
      { tool: 'list_pods', args: { namespace: DB } },
    ]);
    expect(serverDiskFullAnalyzer.reads(ctx(NS, [relayed, describedClient, dbPods]))).toEqual([
      { tool: 'describe_pod', args: { namespace: DB, name: PG } },
    ]);
    const seen = [relayed, describedClient, dbPods, describedServer];
    expect(serverDiskFullAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: DB, name: PG, container: 'postgres' } },
    ]);
    expect(serverDiskFullAnalyzer.reads(ctx(NS, [...seen, postgres]))).toEqual([]);
  });
  it("reads nothing before the client's describe names its server", () => {
    expect(serverDiskFullAnalyzer.reads(ctx(NS, [relayed]))).toEqual([]);
  });
  it("finds the server's first disk-full line and the COPY it ran; the client's release is sound", () => {
    const [f] = serverDiskFullAnalyzer.finds(
      ctx(NS, [relayed, describedClient, dbPods, describedServer, postgres]),
    );
    expect(f?.object).toBe(`database ${PG} (namespace ${DB})`);
    expect(f?.cause).toMatch(
      /the disk that is full is the database server's, not metrics-rollup-9nwbgtlw7-tk7g5's/,
    );
    expect(f?.cause).toMatch(
      /first at "2026-11-18 04:21:40\.771 UTC \[88120\] ERROR: could not extend file "base\/16402\/91877\.212": No space left on device"/,
    );
    expect(f?.cause).toMatch(/while running COPY clickstream_events_2025: a bulk load/);
    expect(f?.cause).toMatch(/metrics-rollup-9nwbgtlw7-tk7g5's own release is not the cause/);
    expect(f?.evidence[0]).toMatch(
      /^get_pod_logs pg-analytics-0: "2026-11-18 04:21:40\.771 UTC \[88120\] ERROR/,
    );
    expect(f?.advice).toMatch(/stop or clean up the load that filled it, COPY into clickstream_events_2025/);
    expect(f?.advice).toMatch(/do not roll back the clients/);
    expect(f?.revisionSound).toBe(true);
  });
  it("silent when the client's own volume is full (no could not extend file, no DiskFull)", () => {
    const own = client([
      "2026-11-18T05:00:36Z ERROR rollup 2026-11-18T04:00 failed: OSError: [Errno 28] No space left on device: '/tmp/rollup-2026-11-18T04.csv'",
    ]);
    expect(serverDiskFullAnalyzer.reads(ctx(NS, [own, describedClient]))).toEqual([]);
    expect(
      serverDiskFullAnalyzer.finds(ctx(NS, [own, describedClient, dbPods, describedServer, postgres])),
    ).toEqual([]);
  });
});
