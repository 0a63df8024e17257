// Table tests of the general rules written after held-out set 56's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer } from './app-errors.js';
import { bufferOverflowAnalyzer } from './buffer-overflow.js';
import { cacheFillsLimitAnalyzer } from './cache-fills-limit.js';
import { idleCullerAnalyzer } from './idle-culler.js';
import { localhostSettingAnalyzer } from './localhost-setting.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { probeCause } from './probes.js';
import { vectorsInMemoryAnalyzer } from './vectors-in-memory.js';

describe('localhost-setting: a setting left at localhost', () => {
  const NS = 'edge';
  const POD = 'edge-gateway-84gd9vfl8-vm99z';
  const refused = log(
    NS,
    POD,
    [
      "Warning! Request etcd endpoint 'http://127.0.0.1:2379/version' error, connection refused, retry time=1",
    ],
    { container: 'gateway', previous: true },
  );
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({
      ns: NS,
      name: POD,
      container: 'gateway',
      env: { GATEWAY_ETCD_HOST: 'http://127.0.0.1:2379', GATEWAY_ETCD_PREFIX: '/edge' },
    }).replace(
      'Status:           Running',
      'Status:           Running\nControlled By:    ReplicaSet/edge-gateway-84gd9vfl8',
    ),
  );
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['edge', 'Active', '30d'],
      ['edge-config', 'Active', '30d'],
      ['monitoring', 'Active', '30d'],
    ]),
  );
  const services = (rows: string[][]) =>
    observed(
      'list_services',
      { namespace: 'edge-config' },
      table([['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'ENDPOINTS'], ...rows]),
    );
  const task = 'Its configuration lives in the etcd cluster config-etcd in namespace edge-config.';

  it('lists the namespaces, then the Services of the one the task names', () => {
    expect(localhostSettingAnalyzer.reads(ctx(NS, [refused], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(localhostSettingAnalyzer.reads(ctx(NS, [refused, namespaces], task))).toEqual([
      { tool: 'list_services', args: { namespace: 'edge-config' } },
    ]);
  });

  it('points the variable at the Service on that port whose name shares its telling word', () => {
    const [f] = localhostSettingAnalyzer.finds(
      ctx(
        NS,
        [
          refused,
          described,
          namespaces,
          services([['config-etcd', 'ClusterIP', '10.96.1.2', '2379/TCP,2380/TCP', '10.244.0.16:2379']]),
        ],
        task,
      ),
    );
    expect(f?.cause).toMatch(/GATEWAY_ETCD_HOST points it at http:\/\/127\.0\.0\.1:2379/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'edge-gateway',
      set: [{ name: 'GATEWAY_ETCD_HOST', value: 'http://config-etcd.edge-config.svc:2379' }],
    });
  });

  it('says nothing when no Service of that name serves the port, or two do', () => {
    expect(
      localhostSettingAnalyzer.finds(
        ctx(
          NS,
          [
            refused,
            described,
            namespaces,
            services([['config-store', 'ClusterIP', '10.96.1.2', '2379/TCP', '<none>']]),
          ],
          task,
        ),
      ),
    ).toEqual([]);
    expect(
      localhostSettingAnalyzer.finds(
        ctx(
          NS,
          [
            refused,
            described,
            namespaces,
            services([
              ['config-etcd', 'ClusterIP', '10.96.1.2', '2379/TCP', '<none>'],
              ['backup-etcd', 'ClusterIP', '10.96.1.3', '2379/TCP', '<none>'],
            ]),
          ],
          task,
        ),
      ),
    ).toEqual([]);
  });
});

describe('cache-fills-limit: a cache sized to the whole memory limit', () => {
  const NS = 'graph-db';
  const pod = (cache: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: 'alpha-5tvlbznvf-tchn9' },
      [
        'Name:             alpha-5tvlbznvf-tchn9',
        'Controlled By:    ReplicaSet/alpha-5tvlbznvf',
        'Containers:',
        '  alpha:',
        '    State:          Waiting',
        '      Reason:       CrashLoopBackOff',
        '    Last State:     Terminated',
        '      Reason:       OOMKilled',
        '      Exit Code:    137',
        '    Limits:',
        '      memory: 4Gi',
        '    Environment:',
        `      ALPHA_CACHE_MB:  ${cache}`,
        'Conditions:',
      ].join('\n'),
    );

  it('names the cache and gives it a third of the limit', () => {
    const [f] = cacheFillsLimitAnalyzer.finds(ctx(NS, [pod('4096')]));
    expect(f?.cause).toMatch(/ALPHA_CACHE_MB=4096 lets the cache alone grow to 4096 MB under a 4Gi limit/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'alpha',
      set: [{ name: 'ALPHA_CACHE_MB', value: '1365' }],
    });
  });

  it('says nothing for a cache well under the limit', () => {
    expect(cacheFillsLimitAnalyzer.finds(ctx(NS, [pod('1024')]))).toEqual([]);
  });
});

describe('buffer-overflow: intake faster than output', () => {
  const NS = 'telemetry';
  const running = pods(NS, [['relay-jhkhngd5n-r54kr', '1/1', 'Running', '0', '6h']]);
  const overflow = (n: number) =>
    `W! [outputs.influxdb_v2] Metric buffer overflow; ${n} metrics have been dropped`;

  it('quotes the statistics that show more taken in than written', () => {
    const [f] = bufferOverflowAnalyzer.finds(
      ctx(NS, [
        running,
        log(NS, 'relay-jhkhngd5n-r54kr', [
          overflow(18212),
          'I! last 10s: agent.metrics_gathered=106950 outputs.influxdb_v2.metrics_written=27500 buffer_size=150000',
          overflow(79450),
        ]),
      ]),
    );
    expect(f?.cause).toMatch(
      /106950 taken in against 27500 written in the same interval \(about 3\.9 times faster/,
    );
  });

  it('says nothing for one overflow, or when it writes as fast as it takes in', () => {
    const pod = 'relay-jhkhngd5n-r54kr';
    const stats = 'I! last 10s: agent.metrics_gathered=1000 outputs.x.metrics_written=2000';
    expect(bufferOverflowAnalyzer.finds(ctx(NS, [running, log(NS, pod, [overflow(1), stats])]))).toEqual([]);
    expect(
      bufferOverflowAnalyzer.finds(ctx(NS, [running, log(NS, pod, [overflow(1), stats, overflow(2)])])),
    ).toEqual([]);
  });
});

describe('probes: a readiness 503 while the data volume is short of space', () => {
  it('names the space, not the probe', () => {
    const { cause, advice } = probeCause(
      'readiness',
      'Readiness probe failed: HTTP probe failed with statuscode: 503',
      'Readiness: http-get :8081/service/rest/v1/status/writable delay=0s timeout=1s period=15s #failure=3',
      'WARN WritableStatusCheck - node is no longer writable: low disk space on blob store',
    );
    expect(cause).toMatch(
      /reports itself not ready because the volume it stores its data on is short of space/,
    );
    expect(advice).toMatch(/grow the volume/);
  });
});

describe('idle-culler: sessions ended for inactivity, as configured', () => {
  it('says the sessions end after the inactivity period, by design', () => {
    const portal = log('sso', 'auth-portal-kt2cfnk2s-67879', [
      'level=warning msg="Session for user \'mchen\' was reset: inactivity period of 5m0s exceeded"',
      'level=warning msg="Session for user \'apatel\' was reset: inactivity period of 5m0s exceeded"',
    ]);
    const [note] = idleCullerAnalyzer.notes!(
      ctx('sso', [portal], 'the log viewer just stops updating after a while'),
    );
    expect(note).toMatch(/session's inactivity limit, as configured[\s\S]*expected, by design/);
  });
});

describe("app-errors: a few end users' failed logins are not a fault", () => {
  const NS = 'sso';
  const running = pods(NS, [['auth-portal-kt2cfnk2s-67879', '1/1', 'Running', '0', '3d']]);
  it('leaves a failed login attempt alone, and still finds a database refusing the program', () => {
    const users = log(NS, 'auth-portal-kt2cfnk2s-67879', [
      'level=error msg="Unsuccessful 1FA authentication attempt by user \'jdoe\'" error="user not found"',
    ]);
    expect(appErrorsAnalyzer.finds(ctx(NS, [running, users]))).toEqual([]);
    const db = log(NS, 'auth-portal-kt2cfnk2s-67879', [
      'ERROR FATAL: password authentication failed for user "portal"',
    ]);
    expect(appErrorsAnalyzer.finds(ctx(NS, [running, db]))).toHaveLength(1);
  });
});

describe('vectors-in-memory: a vector store whose memory is its vectors', () => {
  const NS = 'vector-search';
  const store = log(NS, 'vecstore-0', [
    'INFO Recovered collection docs-embeddings: 48/48 segments, 6812400 points, dim 1536, distance Cosine',
  ]);
  const metrics = (use: string) =>
    observed(
      'get_pod_metrics',
      { namespace: NS },
      `vecstore-0  restarts: 0  oomKills: 0 known\n  qdrant: cpu 1800m / request 4 / limit 8 (23%); memory ${use} / request 40Gi / limit 48Gi (94%)`,
    );
  const config = (vectors: string) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'vecstore-collections' },
      `Data\n====\ndocs.json:\n----\n{\n  "vectors": ${vectors},\n  "on_disk_payload": true,\n  "hnsw_config": { "m": 16, "on_disk": true }\n}\n`,
    );

  it('computes the vectors held in RAM and names the configuration that keeps them there', () => {
    const [f] = vectorsInMemoryAnalyzer.finds(
      ctx(NS, [store, metrics('45Gi'), config('{ "size": 1536, "distance": "Cosine" }')]),
    );
    expect(f?.cause).toMatch(/6812400 points × 1536 dimensions × 4 bytes \(float32\) = 39\.0 GiB/);
    expect(f?.cause).toMatch(/no "on_disk": true under "vectors"/);
  });

  it('says nothing when the vectors are on disk, or the pod is far from its limit', () => {
    expect(
      vectorsInMemoryAnalyzer.finds(
        ctx(NS, [store, metrics('45Gi'), config('{ "size": 1536, "distance": "Cosine", "on_disk": true }')]),
      ),
    ).toEqual([]);
    expect(
      vectorsInMemoryAnalyzer.finds(ctx(NS, [store, metrics('20Gi'), config('{ "size": 1536 }')])),
    ).toEqual([]);
  });
});
