// Table tests of the general rules written after held-out set 55's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { clientPoolCapAnalyzer } from './client-pool-cap.js';
import { diskStallAnalyzer } from './disk-stall.js';
import { endlessRetryAnalyzer } from './endless-retry.js';
import { LIMIT_REACHED } from './failure-settings.js';
import { gunicornTimeoutAnalyzer } from './gunicorn-timeout.js';
import { idleCullerAnalyzer } from './idle-culler.js';
import { kafkaRetentionAnalyzer } from './kafka-retention.js';
import { loadRefusedMemoryAnalyzer } from './load-refused-memory.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { primaryHandoverAnalyzer } from './primary-handover.js';
import { retentionCleanupAnalyzer } from './retention-cleanup.js';
import { retiredServiceHostAnalyzer } from './retired-service-host.js';
import { snapshotsOnDataVolumeAnalyzer } from './snapshots-on-data-volume.js';

/** A pod description with its ReplicaSet's owner line, so the rules can name (and fix) its Deployment. */
const ownedPod = (ns: string, name: string, env: Record<string, string>, extra: string[] = []) =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    describedPodText({ ns, name, env }).replace(
      'Status:           Running',
      `Status:           Running\nControlled By:    ReplicaSet/${name.split('-').slice(0, -1).join('-')}\n${extra.join('\n')}`,
    ),
  );

describe('endless-retry: one send retried without end', () => {
  const NS = 'monitoring';
  const running = pods(NS, [['shipper-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '9d']]);
  const retries = (n: number, start = 4311) =>
    Array.from(
      { length: n },
      (_, i) =>
        `2026-11-18T15:5${i}:02Z error sending a block to "http://archive.longterm.svc:9201/write" got unexpected status code 500 (retry #${start + i}); re-sending in 60s`,
    );

  it('names the receiver, its status and the growing queue', () => {
    const [f] = endlessRetryAnalyzer.finds(
      ctx(NS, [
        running,
        log(NS, 'shipper-7c9f5d8b6d-bcdfg', [
          ...retries(4),
          'warn on-disk queue holds 1.02GB >= 1GB; dropping the oldest pending blocks',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(
      /the receiver archive\.longterm\.svc answers 500 to every block \(4 lines, up to retry #4314/,
    );
    expect(f?.cause).toMatch(/until the queue is full and the oldest data is dropped/);
  });

  it("takes a redacted numbered target from the pod's -remoteWrite.url arguments", () => {
    const line = (i: number) =>
      `error sending a block with size 88214 bytes to "2:secret-url" got unexpected status code 500 (retry #${100 + i})`;
    const described = observed(
      'describe_pod',
      { namespace: NS, name: 'shipper-7c9f5d8b6d-bcdfg' },
      describedPodText({
        ns: NS,
        name: 'shipper-7c9f5d8b6d-bcdfg',
        args: '-remoteWrite.url=http://vminsert.store.svc:8480/write -remoteWrite.url=http://archive.longterm.svc:9201/write',
      }),
    );
    const [f] = endlessRetryAnalyzer.finds(
      ctx(NS, [running, described, log(NS, 'shipper-7c9f5d8b6d-bcdfg', [line(1), line(2), line(3)])]),
    );
    expect(f?.cause).toMatch(/to the receiver archive\.longterm\.svc/);
  });

  it('says nothing for a few retries, a count under twenty, a read retried, or a pod not Running', () => {
    const pod = 'shipper-7c9f5d8b6d-bcdfg';
    expect(endlessRetryAnalyzer.finds(ctx(NS, [running, log(NS, pod, retries(2))]))).toEqual([]);
    expect(endlessRetryAnalyzer.finds(ctx(NS, [running, log(NS, pod, retries(5, 1))]))).toEqual([]);
    const reads = Array.from(
      { length: 4 },
      (_, i) => `ERROR subscribe failed: status: ResourceExhausted (attempt ${1200 + i}, backoff 30s)`,
    );
    expect(endlessRetryAnalyzer.finds(ctx(NS, [running, log(NS, pod, reads)]))).toEqual([]);
    const crashed = pods(NS, [[pod, '0/1', 'CrashLoopBackOff', '7', '9d']]);
    expect(endlessRetryAnalyzer.finds(ctx(NS, [crashed, log(NS, pod, retries(4))]))).toEqual([]);
  });
});

describe('client-pool-cap: a client pool whose one cap ran out', () => {
  const NS = 'edge';
  const POD = 'gateway-7c9f5d8b6d-bcdfg';
  const seen = (env: Record<string, string>, lines: string[], extra: ReturnType<typeof log>[] = []) => [
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
        ['gateway', '3/3', '3', '3', '240d'],
      ]),
    ),
    ownedPod(NS, POD, env),
    log(NS, POD, lines),
    ...extra,
  ];
  const exhausted = ['level=error msg="redigo: connection pool exhausted"'];

  it('names the cap, the server count of clients and raises the cap tenfold', () => {
    const [f] = clientPoolCapAnalyzer.finds(
      ctx(
        NS,
        seen({ STORE_MAXIDLE: '100', STORE_MAXACTIVE: '100' }, exhausted, [
          log(NS, 'redis-0', ['# INFO clients: connected_clients:301 blocked_clients:0']),
        ]),
      ),
    );
    expect(f?.cause).toMatch(/each pod may hold only 100 active connections \(STORE_MAXACTIVE=100\)/);
    expect(f?.cause).toMatch(/the server counts 301 connected clients, the 3 pods' pools of 100 all in use/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'gateway',
      set: [{ name: 'STORE_MAXACTIVE', value: '1000' }],
    });
  });

  it("keeps all replicas under half of the server's default client limit", () => {
    const [f] = clientPoolCapAnalyzer.finds(ctx(NS, seen({ STORE_MAXACTIVE: '4000' }, exhausted)));
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'STORE_MAXACTIVE', value: '4001' }] });
  });

  it('says nothing when the server refuses, when fewer than the cap are in use, when threads outnumber it, or with two caps', () => {
    expect(
      clientPoolCapAnalyzer.finds(
        ctx(
          NS,
          seen({ DB_POOL_MAX: '50' }, [...exhausted, 'FATAL: no more connections allowed (max_client_conn)']),
        ),
      ),
    ).toEqual([]);
    expect(
      clientPoolCapAnalyzer.finds(
        ctx(NS, seen({ DB_POOL_MAX: '50' }, ['timeout acquiring a connection from the pool (12 in use)'])),
      ),
    ).toEqual([]);
    expect(
      clientPoolCapAnalyzer.finds(ctx(NS, seen({ DB_POOL_SIZE: '5', JOB_THREADS: '20' }, exhausted))),
    ).toEqual([]);
    expect(
      clientPoolCapAnalyzer.finds(ctx(NS, seen({ A_MAXACTIVE: '10', B_POOL_SIZE: '10' }, exhausted))),
    ).toEqual([]);
  });

  it('describes the pod whose log ran out of pooled connections when it was not described', () => {
    expect(clientPoolCapAnalyzer.reads(ctx(NS, [log(NS, POD, exhausted)]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
  });
});

describe('retired-service-host: a setting that still names a Service that is gone', () => {
  const NS = 'sentry';
  const POD = 'relay-c8nvpkdzm-2xq8f';
  const relayLog = log(NS, POD, [
    'INFO connected to kafka at kafka.sentry.svc:9092',
    'ERROR could not connect to redis at sentry-redis.sentry.svc:6379: failed to lookup address information: Name or service not known',
  ]);
  const services = (names: string[]) =>
    observed(
      'list_services',
      { namespace: NS },
      table([['NAME', 'TYPE', 'CLUSTER-IP'], ...names.map((n) => [n, 'ClusterIP', '10.96.0.9'])]),
    );
  const relay = ownedPod(NS, POD, { RELAY_REDIS_URL: 'redis://sentry-redis.sentry.svc:6379/0' });
  const web = observed(
    'describe_deployment',
    { namespace: NS, name: 'sentry-web' },
    'Name: sentry-web\nPod Template:\n  Containers:\n    web:\n      Environment:\n        SENTRY_REDIS_HOST:  cache-redis.shared-cache.svc\n        SENTRY_REDIS_PORT:  6379\n',
  );

  it('reads the Service list and the pod once its log shows the one name that does not resolve', () => {
    expect(retiredServiceHostAnalyzer.reads(ctx(NS, [relayLog]))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
  });

  it('points the variable at what the other workloads use, scheme, port and path kept', () => {
    const [f] = retiredServiceHostAnalyzer.finds(
      ctx(NS, [relayLog, services(['kafka', 'relay']), relay, web]),
    );
    expect(f?.cause).toMatch(/RELAY_REDIS_URL still points at sentry-redis\.sentry\.svc/);
    expect(f?.cause).toMatch(
      /The other workloads use cache-redis\.shared-cache\.svc \(sentry-web: SENTRY_REDIS_HOST/,
    );
    expect(f?.fix?.args).toMatchObject({
      deployment: 'relay',
      set: [{ name: 'RELAY_REDIS_URL', value: 'redis://cache-redis.shared-cache.svc:6379/0' }],
    });
  });

  it('without a workload of the same kind: the finding, no fix', () => {
    const [f] = retiredServiceHostAnalyzer.finds(ctx(NS, [relayLog, services(['kafka']), relay]));
    expect(f?.cause).toMatch(/there is no Service sentry-redis in namespace sentry any more/);
    expect(f?.fix).toBeUndefined();
  });

  it('says nothing when the Service exists, or when several names fail (DNS itself), or none works', () => {
    expect(retiredServiceHostAnalyzer.finds(ctx(NS, [relayLog, services(['sentry-redis']), relay]))).toEqual(
      [],
    );
    const dns = log(NS, POD, [
      'ERROR lookup a.one.svc.cluster.local on 10.96.0.10:53: no such host',
      'ERROR lookup b.two.svc.cluster.local on 10.96.0.10:53: no such host',
    ]);
    expect(retiredServiceHostAnalyzer.reads(ctx(NS, [dns]))).toEqual([]);
    const alone = log(NS, POD, ['ERROR sentry-redis.sentry.svc: Name or service not known']);
    expect(retiredServiceHostAnalyzer.reads(ctx(NS, [alone]))).toEqual([]);
  });
});

describe('idle-culler and retention-cleanup: expected, said as notes', () => {
  const NS = 'jupyter';
  const hub = log(NS, 'hub-5c8d7f9b6d-abcde', [
    "Starting service 'idle-culler': ['python3', '-m', 'jupyterhub_idle_culler', '--timeout=3600']",
    'Culling server for user ana (inactive for 01:04:12)',
    'Culling server for user jonas (inactive for 01:09:55)',
  ]);

  it('names the idle culler and its timeout when the person says servers die', () => {
    const [note] = idleCullerAnalyzer.notes!(ctx(NS, [hub], 'our notebook servers keep dying after lunch'));
    expect(note).toMatch(/idle culler, by design[\s\S]*inactive for longer than 1 hour/);
  });

  it('says nothing when the person reports no stop, or the culler acted once', () => {
    expect(idleCullerAnalyzer.notes!(ctx(NS, [hub], 'the hub is slow'))).toEqual([]);
    const once = log(NS, 'hub-5c8d7f9b6d-abcde', ['Culling server for user ana (inactive for 01:04:12)']);
    expect(idleCullerAnalyzer.notes!(ctx(NS, [once], 'servers keep dying'))).toEqual([]);
  });

  it('names the retention and the load test for a table that keeps growing', () => {
    const app = log('flags', 'unleash-5c8d7f9b6d-abcde', [
      'scheduler - clientMetricsCleanup: removed 1841022 client metrics rows older than 1 hour',
    ]);
    const [note] = retentionCleanupAnalyzer.notes!(
      ctx('flags', [app], 'after the load test the metrics table keeps growing'),
    );
    expect(note).toMatch(/removing what is older than 1 hour[\s\S]*More traffic \(the load test/);
    expect(retentionCleanupAnalyzer.notes!(ctx('flags', [app], 'the API answers 500'))).toEqual([]);
    const none = log('flags', 'unleash-5c8d7f9b6d-abcde', ['removed 0 rows older than 1 hour']);
    expect(retentionCleanupAnalyzer.notes!(ctx('flags', [none], 'it keeps growing'))).toEqual([]);
  });
});

describe('snapshots-on-data-volume: copies kept on the volume they fill', () => {
  const NS = 'search';
  const described = (mounts: string[]) =>
    observed(
      'describe_pod',
      { namespace: NS, name: 'store-0' },
      `Name: store-0\nContainers:\n  store:\n    Image: s:1\n    Mounts:\n${mounts.map((m) => `      ${m}`).join('\n')}\nConditions:\n`,
    );
  const full = log(NS, 'store-0', [
    'ERROR Optimization error: IO Error: No space left on device (os error 28)',
  ]);
  const job = log(NS, 'snapshot-29901720-db5cv', [
    'snapshots now stored for docs: 29 (oldest docs-2026-05-10.snapshot), total 1.19 TiB',
  ]);

  it('names the second mount of the same volume and the count kept', () => {
    const [f] = snapshotsOnDataVolumeAnalyzer.finds(
      ctx(NS, [
        full,
        job,
        described(['/data/storage from storage (rw)', '/data/snapshots from storage (rw,path="snapshots")']),
      ]),
    );
    expect(f?.cause).toMatch(
      /what fills it is the snapshots kept on it[\s\S]*\(\/data\/snapshots from storage, path "snapshots"/,
    );
    expect(f?.cause).toMatch(/snapshots now stored for docs: 29/);
  });

  it('says nothing when the copies have a volume of their own, or the disk is not full', () => {
    expect(
      snapshotsOnDataVolumeAnalyzer.finds(
        ctx(NS, [full, described(['/data/storage from storage (rw)', '/data/snapshots from snaps (rw)'])]),
      ),
    ).toEqual([]);
    expect(
      snapshotsOnDataVolumeAnalyzer.finds(
        ctx(NS, [
          log(NS, 'store-0', ['INFO all good']),
          described([
            '/data/storage from storage (rw)',
            '/data/snapshots from storage (rw,path="snapshots")',
          ]),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('load-refused-memory: a load refused because it would not fit', () => {
  const NS = 'vectors';
  const refused =
    '[WARN] ["load segment failed, OOM if load"] [memUsage=10950MB] [predictMemUsage=16512MB] [totalMem=16384MB] [thresholdFactor=0.900000]';

  it('quotes the predicted use against the threshold of total memory', () => {
    const [f] = loadRefusedMemoryAnalyzer.finds(ctx(NS, [log(NS, 'querynode-0', [refused, refused])]));
    expect(f?.cause).toMatch(
      /it would need 16512 MB with the new data, more than the 14746 MB it may use \(0\.9 of its 16384 MB total memory\), since it already holds 10950 MB/,
    );
    expect(f?.cause).not.toMatch(/OOMKilled/);
  });

  it('says nothing for one refusal', () => {
    expect(loadRefusedMemoryAnalyzer.finds(ctx(NS, [log(NS, 'querynode-0', [refused])]))).toEqual([]);
  });
});

describe("disk-stall: one member's disk stalls, the others wait on its leases", () => {
  const NS = 'ledger';
  const listed = pods(NS, [
    ['db-0', '1/1', 'Running', '0', '35d'],
    ['db-1', '1/1', 'Running', '0', '35d'],
    ['db-2', '1/1', 'Running', '0', '35d'],
  ]);
  const waiting = log(NS, 'db-0', [
    'W 09:21:12 [n1,s1,r64] have been waiting 61.00s attempting to acquire lease (held by n2,s2)',
  ]);
  const stalled = log(NS, 'db-1', [
    'W 09:20:09 [n2,s2,pebble] write to WAL file 001873.log has not completed for 10.0s (fsync pending)',
    'W 09:44:09 [n2,s2,pebble] write to WAL file 001873.log has not completed for 1440.0s (fsync pending)',
  ]);

  it("reads the set's other members once one waits on a lease", () => {
    expect(diskStallAnalyzer.reads(ctx(NS, [listed, waiting]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'db-1' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'db-2' } },
    ]);
  });

  it('names the stalled member, its node and the wait on its leases', () => {
    const [f] = diskStallAnalyzer.finds(ctx(NS, [listed, waiting, stalled]));
    expect(f?.object).toBe(`pod db-1 in ${NS}`);
    expect(f?.cause).toMatch(
      /the disk of db-1 \(node n2\) is stalled: its writes to disk have not completed for 1440 s/,
    );
    expect(f?.cause).toMatch(/n2 holds the leases \(it is the leaseholder\)/);
  });

  it('says nothing for a write slow under ten seconds', () => {
    const slow = log(NS, 'db-1', [
      'W [n2,s2,pebble] write to WAL file has not completed for 4.0s (fsync pending)',
    ]);
    expect(diskStallAnalyzer.finds(ctx(NS, [listed, waiting, slow]))).toEqual([]);
  });
});

describe('primary-handover: writes refused while a primary moved', () => {
  const DB = 'orders-db';
  const listed = observed(
    'list_pods',
    { namespace: DB },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'NODE'],
      ['store-0', '1/1', 'Running', '0', '80d', 'db-1'],
      ['store-2', '1/1', 'Running', '0', '26m', 'db-3'],
    ]),
  );
  const server = log(DB, 'store-0', [
    'info: Disconnected from server "store_2"',
    'info: Table orders.events: store_0 is now primary replica for shard ["", +inf)',
    'info: Table orders.events: handing primary replica for shard ["", +inf) back to configured primary store_2',
  ]);
  const nodeEvents = observed(
    'get_events',
    { namespace: 'default' },
    table([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      ['29m', 'Normal', 'Rebooted', 'node/db-3', 'Node db-3 has been rebooted'],
      ['34m', 'Normal', 'NodeNotSchedulable', 'node/db-3', 'Node db-3 status is now: NodeNotSchedulable'],
    ]),
  );
  const client = log('orders', 'writer-7c9f5d8b6d-bcdfg', [
    'WARN 41 events dropped in the last 10s (WRITE_RETRIES=0)',
  ]);

  it("reads the member's events and the node events", () => {
    expect(primaryHandoverAnalyzer.reads(ctx('orders', [listed, server]))).toEqual([
      { tool: 'get_events', args: { namespace: DB } },
      { tool: 'get_events', args: { namespace: 'default' } },
    ]);
  });

  it('names the member, its node taken out, the handover and the writer without retries', () => {
    const [f] = primaryHandoverAnalyzer.finds(ctx('orders', [listed, server, nodeEvents, client]));
    expect(f?.cause).toMatch(
      /store-2 \(on node db-3\) stopped because its node db-3 was taken out for maintenance/,
    );
    expect(f?.cause).toMatch(/then handed it back when store-2 came back/);
    expect(f?.cause).toMatch(/the writer does not retry them \(WRITE_RETRIES=0\)/);
  });

  it('says nothing without a stop in the events', () => {
    expect(primaryHandoverAnalyzer.finds(ctx('orders', [listed, server]))).toEqual([]);
  });
});

describe('kafka-retention: a Redpanda broker and a topic list in a ConfigMap', () => {
  const NS = 'streaming';
  const broker = log(
    NS,
    'events-redpanda-0',
    [
      'ERROR [shard 2] storage - segment_appender.cc:118 - write to kafka/clickstream.raw/7/1201-1-v1.log failed: std::__1::system_error (error system:28, No space left on device)',
    ],
    { previous: true },
  );
  const configMaps = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: NS },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['redpanda-topics', '2 key(s)', '24h'],
      ['collector-settings', '1 key(s)', '9d'],
    ]),
  );
  const topics = observed(
    'get_resource',
    { kind: 'ConfigMap', name: 'redpanda-topics', namespace: NS },
    [
      'data:',
      '  topics.yaml: |',
      '    - name: sessions.closed',
      '      config: { retention.ms: "604800000" }',
      '    - name: clickstream.raw',
      '      config: { retention.ms: "-1", retention.bytes: "-1" }',
    ].join('\n'),
  );

  it('lists the ConfigMaps and reads the one that holds topics', () => {
    expect(kafkaRetentionAnalyzer.reads(ctx(NS, [broker, configMaps]))).toEqual([
      { tool: 'list_resources', args: { kind: 'KafkaTopic', namespace: NS } },
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: NS } },
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'redpanda-topics', namespace: NS } },
    ]);
  });

  it('names the topic the log writes whose retention is off', () => {
    const [f] = kafkaRetentionAnalyzer.finds(ctx(NS, [broker, configMaps, topics]));
    expect(f?.cause).toMatch(
      /topic clickstream\.raw keeps every message forever \(retention\.ms -1, retention\.bytes -1/,
    );
  });
});

describe('gunicorn-timeout: a timeout already set, and a query longer than it', () => {
  it('quotes the database statement that outlasted the timeout', () => {
    const web = observed(
      'describe_pod',
      { namespace: 'bi', name: 'web-5d8c7b9f4d-abcde' },
      'Name: web-5d8c7b9f4d-abcde\nControlled By:    ReplicaSet/web-5d8c7b9f4d\nContainers:\n  web:\n    Image: gunicorn-app:1\n    Environment:\n      GUNICORN_CMD_ARGS:  --workers 4 --timeout 60\n',
    );
    const [f] = gunicornTimeoutAnalyzer.finds(
      ctx('bi', [
        log('bi', 'web-5d8c7b9f4d-abcde', [
          '[2026-11-24 10:42:09 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:41)',
        ]),
        web,
        log('warehouse', 'dwh-0', [
          'LOG:  duration: 71904.112 ms  statement: SELECT 1',
          'LOG:  duration: 1204.3 ms  statement: SELECT 2',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(/runs longer than its worker timeout of 60 seconds/);
    expect(f?.cause).toMatch(/dwh-0: "LOG: duration: 71904\.112 ms/);
  });
});

describe('failure-settings: a limit reached, in the words servers use', () => {
  it("takes Redis' maximum number of clients reached", () => {
    expect(LIMIT_REACHED.test('-ERR max number of clients reached')).toBe(true);
    expect(LIMIT_REACHED.test('maximum number of open connections reached')).toBe(true);
    expect(LIMIT_REACHED.test('reached the maximum of the chart')).toBe(false);
  });
});
