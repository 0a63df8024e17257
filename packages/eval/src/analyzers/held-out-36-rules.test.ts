// Table tests of the rules written after held-out set 36's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { errorLines } from './app-errors.js';
import { dependencySideAnalyzer } from './dependency-side.js';
import { djangoCsrfOriginsAnalyzer } from './django-allowed-hosts.js';
import { kafkaMinIsrAnalyzer } from './kafka-min-isr.js';
import { logGloss } from './log-glosses.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { recentRolloutsAnalyzer } from './recent-rollouts.js';
import { rolloutHistoryAnalyzer } from './rollout-diff.js';
import { routineWorkWindowAnalyzer } from './routine-work-window.js';

const namespaces = (names: string[]) =>
  observed(
    'list_resources',
    { kind: 'Namespace' },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '30d'])]),
  );
/** `list_deployments` as the tool prints it, or its "No resources found" line for none. */
const deployments = (ns: string, names: string[]) =>
  observed(
    'list_deployments',
    { namespace: ns },
    names.length
      ? table([
          ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
          ...names.map((n) => [n, '1/1', '1', '1', '90d', `registry.corp.example/${n}:1`]),
        ])
      : `No resources found in ${ns} namespace.`,
  );
/** `get_rollout_history` as the tool prints it: the deployment's line, then kubectl's table. */
const history = (ns: string, name: string, rows: string[][]) =>
  observed(
    'get_rollout_history',
    { namespace: ns, name },
    `deployment.apps/${name}\n${table([['REVISION', 'CHANGE-CAUSE', 'IMAGES'], ...rows])}`,
  );
/** A `describe_pod` of one container with its environment, controlled by `owner`. */
const described = (ns: string, name: string, owner: string, env: string[]) =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    [
      `Name:             ${name}`,
      `Namespace:        ${ns}`,
      `Controlled By:    ${owner}`,
      'Containers:',
      '  app:',
      '    Image:          registry.corp.example/app:1.0.0',
      '    Ready:          True',
      '    Restart Count:  0',
      '    Environment:',
      ...env.map((l) => `      ${l}`),
      'QoS Class:        BestEffort',
      'Events:  <none>',
    ].join('\n'),
  );

describe('glosses: Redis fork and MISCONF, Elasticsearch privileges, OpenSSL 3 renegotiation, NOT_ENOUGH_REPLICAS', () => {
  it.each([
    [
      "1:M 19 Aug 2026 17:05:41.009 # Can't save in background: fork: Cannot allocate memory",
      [/vm\.overcommit_memory/, /MISCONF/],
    ],
    [
      "2026-08-20 09:58:11,207 ERROR session save failed: redis.exceptions.ResponseError: MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled.",
      [/MISCONF/, /background save/, /stop-writes-on-bgsave-error/],
    ],
    [
      '[2026-07-08T14:02:13,402][INFO ][logstash.outputs.elasticsearch][audit] retrying failed action with response code: 403 ({"type"=>"security_exception", "reason"=>"action [indices:admin/auto_create] is unauthorized for user [logstash_writer] with effective roles [logstash_writer] on indices [audit-2026.07.08]"})',
      [/privilege/, /index name/, /403/],
    ],
    [
      "2026-06-04 13:50:01,902 ERROR remit: upload failed: (Caused by SSLError(SSLError(1, '[SSL: UNSAFE_LEGACY_RENEGOTIATION_DISABLED] unsafe legacy renegotiation disabled (_ssl.c:1000)')))",
      [/OpenSSL 3/, /RFC 5746/, /legacy renegotiation/],
    ],
    [
      '[2026-03-18 10:11:47,318] WARN [Producer clientId=cdc-connect--configs] Got error produce response with correlation id 412 on topic-partition connect-configs-0, retrying (2147483211 attempts left). Error: NOT_ENOUGH_REPLICAS',
      [/replication factor/, /min\.insync\.replicas/],
    ],
  ])('%s', (line, means) => {
    const gloss = logGloss(line);
    for (const m of means) expect(gloss).toMatch(m);
  });
  it('NOT_ENOUGH_REPLICAS no longer says "broker is down"', () => {
    expect(logGloss('Error: NOT_ENOUGH_REPLICAS')).not.toMatch(/broker is down/);
  });
  it('silent for a save that started, an index write allowed, a handshake that succeeded', () => {
    expect(logGloss('1:M 19 Aug 2026 17:05:41.009 * Background saving started by pid 812') ?? '').not.toMatch(
      /overcommit/,
    );
    expect(
      logGloss('[2026-07-08T14:02:13,402][INFO ][logstash.outputs.elasticsearch] indexed 500 events') ?? '',
    ).not.toMatch(/security_exception|privilege/);
    expect(logGloss('2026-06-04 13:50:01,902 INFO remit: TLS handshake ok (TLSv1.2)') ?? '').not.toMatch(
      /renegotiation/,
    );
  });
});

describe('errorLines: Cannot allocate memory', () => {
  it("counts Redis's refused fork as a failure line, not its successful save", () => {
    const text = [
      '1:M 19 Aug 2026 17:05:40.001 * 10000 changes in 60 seconds. Saving...',
      "1:M 19 Aug 2026 17:05:41.009 # Can't save in background: fork: Cannot allocate memory",
      '1:M 19 Aug 2026 17:10:41.009 * Background saving started by pid 812',
    ];
    expect(errorLines(text.join('\n'))).toEqual([text[1]]);
    expect(errorLines([text[0], text[2]].join('\n'))).toEqual([]);
  });
});

describe('kafka-min-isr', () => {
  const NS = 'streaming';
  const POD = 'cdc-connect-mgtvr4jq7t-h2ll2';
  const refused = log(NS, POD, [
    '[2026-03-17 14:21:02,114] INFO Kafka Connect worker 7.6.1 starting, group.id=cdc-connect',
    "[2026-03-17 14:21:04,512] INFO Topic 'connect-configs' already exists. (org.apache.kafka.connect.util.TopicAdmin)",
    '[2026-03-18 10:11:47,318] WARN [Producer clientId=cdc-connect--configs] Got error produce response with correlation id 412 on topic-partition connect-configs-0, retrying (2147483211 attempts left). Error: NOT_ENOUGH_REPLICAS',
    '[2026-03-18 10:12:17,322] ERROR Failed to write connector configuration for orders-cdc (org.apache.kafka.connect.storage.KafkaConfigBackingStore) org.apache.kafka.common.errors.TimeoutException: Timeout expired while writing to the config topic',
  ]);
  const worker = (configFactor: string) =>
    described(NS, POD, 'ReplicaSet/cdc-connect-mgtvr4jq7t', [
      'CONNECT_BOOTSTRAP_SERVERS:  kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092',
      'CONNECT_CONFIG_STORAGE_TOPIC:  connect-configs',
      `CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR:  ${configFactor}`,
      'CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR:  3',
      'CONNECT_STATUS_STORAGE_REPLICATION_FACTOR:  3',
      'CONNECT_PRODUCER_ACKS:  all',
    ]);
  const brokerConfig = observed(
    'describe_resource',
    { kind: 'ConfigMap', namespace: NS, name: 'kafka-broker-config' },
    [
      'Name:         kafka-broker-config',
      'Namespace:    streaming',
      'Kind:         ConfigMap (v1)',
      'Data',
      '====',
      'server.properties:',
      '----',
      'num.partitions=6',
      'default.replication.factor=3',
      'min.insync.replicas=2',
      'auto.create.topics.enable=false',
    ].join('\n'),
  );
  it('names the topic and the replication-factor variable of 1', () => {
    const [f] = kafkaMinIsrAnalyzer.finds(ctx(NS, [refused, worker('1')]));
    expect(f?.object).toBe('deployment cdc-connect');
    expect(f?.cause).toMatch(/NOT_ENOUGH_REPLICAS/);
    expect(f?.cause).toMatch(/topic connect-configs, one it creates, has replication factor 1/);
    expect(f?.cause).toMatch(/CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR=1/);
    expect(f?.cause).not.toMatch(/CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR/);
    expect(f?.cause).not.toMatch(/min\.insync\.replicas=2/);
    expect(f?.evidence.join('\n')).toMatch(
      /describe_pod cdc-connect-mgtvr4jq7t-h2ll2: CONNECT_CONFIG_STORAGE/,
    );
  });
  it("quotes the brokers' min.insync.replicas=2 when a describe_resource output shows it", () => {
    const [f] = kafkaMinIsrAnalyzer.finds(ctx(NS, [refused, worker('1'), brokerConfig]));
    expect(f?.cause).toMatch(/the brokers require min\.insync\.replicas=2 for acks=all writes/);
  });
  it('silent when the factor variables are 3, or before the pod is described', () => {
    expect(kafkaMinIsrAnalyzer.finds(ctx(NS, [refused, worker('3'), brokerConfig]))).toEqual([]);
    expect(kafkaMinIsrAnalyzer.finds(ctx(NS, [refused, brokerConfig]))).toEqual([]);
  });
});

describe('django-csrf-origins', () => {
  const NS = 'ops-admin';
  const POD = 'console-web-7c9f5d8b6d-bcdfg';
  const refused = log(NS, POD, [
    '10.244.2.9 - - [06/Oct/2026:08:51:10 +0000] "GET /admin/login/ HTTP/1.1" 200 4173',
    '[2026-10-06 08:51:18,402] WARNING django.security.csrf: Forbidden (Origin checking failed - https://console.ops.example.org does not match any trusted origins.): /admin/login/',
    '10.244.2.9 - - [06/Oct/2026:08:51:18 +0000] "POST /admin/login/ HTTP/1.1" 403 2870',
  ]);
  const web = (origins: string) =>
    described(NS, POD, 'ReplicaSet/console-web-7c9f5d8b6d', [
      'DJANGO_SETTINGS_MODULE:  console.settings.prod',
      'DJANGO_ALLOWED_HOSTS:  old.example.org,console.ops.example.org',
      `CSRF_TRUSTED_ORIGINS:  ${origins}`,
    ]);
  it('describes the pod whose log refuses an origin', () => {
    expect(djangoCsrfOriginsAnalyzer.reads(ctx(NS, [refused]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    expect(djangoCsrfOriginsAnalyzer.reads(ctx(NS, [refused, web('https://old.example.org')]))).toEqual([]);
  });
  it('a set_env that keeps the old origin and adds the refused one', () => {
    const [f] = djangoCsrfOriginsAnalyzer.finds(ctx(NS, [refused, web('https://old.example.org')]));
    expect(f?.object).toBe('deployment console-web');
    expect(f?.cause).toMatch(/Origin https:\/\/console\.ops\.example\.org is not trusted/);
    expect(f?.cause).toMatch(/CSRF_TRUSTED_ORIGINS=https:\/\/old\.example\.org, which does not list/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'console-web',
        container: 'app',
        set: [
          { name: 'CSRF_TRUSTED_ORIGINS', value: 'https://old.example.org,https://console.ops.example.org' },
        ],
      },
    });
  });
  it('silent when the origin is already listed', () => {
    const listed = web('https://old.example.org, https://console.ops.example.org');
    expect(djangoCsrfOriginsAnalyzer.finds(ctx(NS, [refused, listed]))).toEqual([]);
  });
});

describe('dependency-side: a failed Job as the client, a broker rolled out shortly before', () => {
  const CI = 'ci';
  const QA = 'qa-env';
  const JOB = 'checkout-it-7731-xlhnq';
  const BROKER = 'qa-kafka-87nc2bg2v-42mt2';
  const TASK = 'The checkout-it integration tests in ci fail since this morning. What broke?';
  const ciPods = (status: string) =>
    pods(CI, [
      [JOB, '0/1', status, '0', '9m4s'],
      ['payments-it-5120-lqqht', '0/1', 'Completed', '0', '9m31s'],
    ]);
  const jobLog = log(CI, JOB, [
    '11:21:04.118 INFO  ItBootstrap - checkout-it 2026.04.02, producing to order-events-it via qa-kafka.qa-env:9092',
    '11:21:04.402 WARN  NetworkClient - [Producer clientId=it-producer] Error while fetching metadata with correlation id 2 : {order-events-it=UNKNOWN_TOPIC_OR_PARTITION}',
    '11:22:04.120 ERROR OrderFlowIT - placeOrder_publishesOrderCreated FAILED: org.apache.kafka.common.errors.TimeoutException: Topic order-events-it not present in metadata after 60000 ms.',
    '11:22:04.131 INFO  ItBootstrap - Tests run: 14, Failures: 9, Errors: 0, Skipped: 0',
  ]);
  const jobEnv = (name = 'KAFKA_BOOTSTRAP') =>
    described(CI, JOB, 'Job/checkout-it-7731', [
      `${name}:  qa-kafka.qa-env:9092`,
      'IT_TOPIC:  order-events-it',
    ]);
  const nsList = namespaces([CI, QA, 'kube-system']);
  const qaPods = (age: string) => pods(QA, [[BROKER, '1/1', 'Running', '0', age]]);
  const brokerLog = log(QA, BROKER, [
    '[2026-04-07 06:31:02,003] INFO 	auto.create.topics.enable = false',
    '[2026-04-07 06:31:05,774] INFO [KafkaServer id=0] started (kafka.server.KafkaServer)',
    '[2026-04-07 09:02:11,402] INFO [Admin] Created topic payments-settled-it with 3 partitions (requested by payments-it)',
    '[2026-04-07 09:05:30,920] INFO [Log partition=payments-settled-it-1] Rolled new log segment at offset 52011 in 2 ms',
  ]);
  const brokerHistory = history(QA, 'qa-kafka', [
    ['1', 'bump qa-kafka image to 3.6.2-r6', 'kafka=registry.corp.example/qa/kafka-single:3.6.2-r6'],
    [
      '2 (current)',
      'bump qa-kafka image to 3.6.2-r7 (weekly base refresh)',
      'kafka=registry.corp.example/qa/kafka-single:3.6.2-r7',
    ],
  ]);

  it('with no namespace list read and a failing client, lists the namespaces first', () => {
    expect(dependencySideAnalyzer.reads(ctx(CI, [ciPods('Error'), jobLog, jobEnv()], TASK))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(dependencySideAnalyzer.reads(ctx(CI, [ciPods('Completed'), jobLog, jobEnv()], TASK))).toEqual([]);
  });
  it("a Job's pod in Error with 0 restarts is a failing client from its current log, KAFKA_BOOTSTRAP its address", () => {
    expect(dependencySideAnalyzer.reads(ctx(CI, [nsList, ciPods('Error'), jobLog, jobEnv()], TASK))).toEqual([
      { tool: 'list_pods', args: { namespace: QA } },
    ]);
    // Completed: no failing client.
    expect(
      dependencySideAnalyzer.reads(ctx(CI, [nsList, ciPods('Completed'), jobLog, jobEnv()], TASK)),
    ).toEqual([]);
    // A variable whose name says no address: nothing to follow.
    expect(
      dependencySideAnalyzer.reads(ctx(CI, [nsList, ciPods('Error'), jobLog, jobEnv('KAFKA_NODES')], TASK)),
    ).toEqual([]);
  });
  it('a server pod younger than a day whose Deployment is listed: reads its rollout history, then says what changed', () => {
    const seen = [nsList, ciPods('Error'), jobLog, jobEnv(), qaPods('5h')];
    expect(dependencySideAnalyzer.reads(ctx(CI, seen, TASK))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: QA, name: BROKER } },
    ]);
    const listed = [...seen, brokerLog, deployments(QA, ['qa-kafka'])];
    expect(dependencySideAnalyzer.reads(ctx(CI, listed, TASK))).toEqual([
      { tool: 'get_rollout_history', args: { namespace: QA, name: 'qa-kafka' } },
    ]);
    expect(dependencySideAnalyzer.reads(ctx(CI, [...listed, brokerHistory], TASK))).toEqual([]);
    const [note] = dependencySideAnalyzer.notes!(ctx(CI, [...listed, brokerHistory], TASK));
    expect(note).toMatch(
      /failing calls of checkout-it-7731-xlhnq: they go to the Service qa-kafka in namespace qa-env \(its KAFKA_BOOTSTRAP\)/,
    );
    expect(note).toMatch(
      /That server changed shortly before: deployment qa-kafka in namespace qa-env rolled out revision 2 5h ago/,
    );
    expect(note).toMatch(/"bump qa-kafka image to 3\.6\.2-r7 \(weekly base refresh\)"/);
    expect(note).toMatch(
      /changed its image from kafka=registry\.corp\.example\/qa\/kafka-single:3\.6\.2-r6 to kafka=registry\.corp\.example\/qa\/kafka-single:3\.6\.2-r7/,
    );
  });
  it('no history read and no change sentence for a server pod 41 days old', () => {
    const seen = [
      nsList,
      ciPods('Error'),
      jobLog,
      jobEnv(),
      qaPods('41d'),
      brokerLog,
      deployments(QA, ['qa-kafka']),
    ];
    expect(dependencySideAnalyzer.reads(ctx(CI, seen, TASK))).toEqual([]);
    const notes = dependencySideAnalyzer.notes!(ctx(CI, [...seen, brokerHistory], TASK));
    expect(notes.join('\n')).not.toMatch(/changed shortly before/);
  });
});

describe('routine-work-window', () => {
  const NS = 'metrics';
  const TASK =
    "NodeDiskIOSaturation fired for node ip-10-3-2-17 from 02:06 to 02:41 last night, and the Grafana dashboards were sluggish meanwhile. Is the node's disk failing, and should we move tsdb somewhere else?";
  const healthy = pods(NS, [['tsdb-0', '1/1', 'Running', '0', '120d']]);
  const lines = (day: string, hour: string) => [
    `ts=${day}T${hour}:00:00.004Z lvl=info msg="Full compaction window opened" schedule="daily ${hour}:00"`,
    `ts=${day}T${hour}:00:02.118Z lvl=info msg="TSM compaction (start)" level=full shard=912 files=14 size=38.2GiB`,
    `ts=${day}T${hour}:31:14.402Z lvl=info msg="TSM compaction (end)" level=full shard=912 files_out=3 size=31.9GiB duration=31m12s`,
    `ts=${day}T${hour}:39:51.661Z lvl=info msg="Full compaction window closed" shards=2`,
    'ts=2026-12-01T07:29:00.002Z lvl=info msg="write stats" points_per_sec=48112 query_p99=118ms',
  ];
  const compacted = log(NS, 'tsdb-0', lines('2026-12-01', '02'));
  it('compaction in the reported window of a healthy namespace: expected, no action', () => {
    const [note] = routineWorkWindowAnalyzer.notes!(ctx(NS, [healthy, compacted], TASK));
    expect(note).toMatch(/scheduled compaction in the log of tsdb-0/);
    // The first and the last line of the work in the window, quoted.
    expect(note).toMatch(/: "ts=2026-12-01T02:00:00\.004Z lvl=info msg="Full compaction window opened"/);
    expect(note).toMatch(/ … "ts=2026-12-01T02:39:51\.661Z lvl=info msg="Full compaction window closed"/);
    expect(note).toMatch(/expected by design/);
    expect(note).toMatch(/no action is needed/);
    expect(routineWorkWindowAnalyzer.finds(ctx(NS, [healthy, compacted], TASK))).toEqual([]);
    const start = log(NS, 'tsdb-0', [lines('2026-12-01', '02')[1]!]);
    const [one] = routineWorkWindowAnalyzer.notes!(ctx(NS, [healthy, start], TASK));
    expect(one).toMatch(
      /: "ts=2026-12-01T02:00:02\.118Z lvl=info msg="TSM compaction \(start\)" level=full shard=912/,
    );
    expect(one).toMatch(/no action is needed/);
  });
  it('silent when the work ran outside the window, the log has an ERROR line, or the task gives one time', () => {
    const elsewhere = log(NS, 'tsdb-0', lines('2026-12-01', '05'));
    expect(routineWorkWindowAnalyzer.notes!(ctx(NS, [healthy, elsewhere], TASK))).toEqual([]);
    const failed = log(NS, 'tsdb-0', [
      ...lines('2026-12-01', '02'),
      '2026-12-01T02:20:11Z ERROR write shard 912: input/output error',
    ]);
    expect(routineWorkWindowAnalyzer.notes!(ctx(NS, [healthy, failed], TASK))).toEqual([]);
    const once = 'NodeDiskIOSaturation fired for node ip-10-3-2-17 at 02:06 last night. Is the disk failing?';
    expect(routineWorkWindowAnalyzer.notes!(ctx(NS, [healthy, compacted], once))).toEqual([]);
  });
  it('silent while a pod of the namespace is not Ready', () => {
    const unready = pods(NS, [['tsdb-0', '0/1', 'Running', '3', '120d']]);
    expect(routineWorkWindowAnalyzer.notes!(ctx(NS, [unready, compacted], TASK))).toEqual([]);
  });
});

describe('rollout readers skip Jobs', () => {
  const NS = 'ci';
  const JOB = 'checkout-it-7731-xlhnq';
  const API = 'checkout-api-7c9f5d8b6d-bcdfg';
  const failed = log(NS, JOB, [
    '11:22:04.120 ERROR OrderFlowIT - placeOrder_publishesOrderCreated FAILED: org.apache.kafka.common.errors.TimeoutException: Topic order-events-it not present in metadata after 60000 ms.',
  ]);
  const jobOnly = pods(NS, [
    [JOB, '0/1', 'Error', '0', '9m4s'],
    ['payments-it-5120-lqqht', '0/1', 'Completed', '0', '9m31s'],
  ]);
  it("a recently started Job's pod: no describe_deployment, no get_rollout_history", () => {
    const seen = [jobOnly, failed, deployments(NS, [])];
    expect(recentRolloutsAnalyzer.reads(ctx(NS, seen))).toEqual([]);
    expect(rolloutHistoryAnalyzer.reads(ctx(NS, seen))).toEqual([]);
    const others = [jobOnly, failed, deployments(NS, ['stub-server'])];
    expect(recentRolloutsAnalyzer.reads(ctx(NS, others))).toEqual([]);
    expect(rolloutHistoryAnalyzer.reads(ctx(NS, others))).toEqual([]);
  });
  it('a listed Deployment beside it still gets them', () => {
    const both = pods(NS, [
      [JOB, '0/1', 'Error', '0', '9m4s'],
      [API, '0/1', 'CrashLoopBackOff', '4 (20s ago)', '2h'],
    ]);
    const apiLog = log(NS, API, ['2026-04-07T11:20:00Z ERROR startup failed: connection refused']);
    const seen = [both, failed, apiLog, deployments(NS, ['checkout-api'])];
    expect(recentRolloutsAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'checkout-api' } },
    ]);
    expect(rolloutHistoryAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'get_rollout_history', args: { namespace: NS, name: 'checkout-api' } },
    ]);
  });
});
