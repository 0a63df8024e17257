// Table tests of the rules written after held-out set 35's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { badReleaseOfRunningPods } from '../baseline/signatures/run/bad-rollout.js';
import type { Facts } from '../baseline/signatures/types.js';
import { appErrorsAnalyzer, errorLines } from './app-errors.js';
import { cacheStampedeAnalyzer } from './cache-stampede.js';
import { etcdDiskAnalyzer } from './etcd-disk.js';
import { namedWorkloadElsewhereAnalyzer } from './named-workload-elsewhere.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { poolRefillAnalyzer } from './pool-refill.js';
import { quietNamespaceLogsAnalyzer } from './quiet-namespace-logs.js';
import { redeliveryAnalyzer } from './redelivery.js';
import { rolloutDiffAnalyzer, rolloutHistoryAnalyzer, templateChanges } from './rollout-diff.js';
import { schedulerDstGapAnalyzer } from './scheduler-dst-gap.js';
import { sqliteWriterAnalyzer } from './sqlite-writer.js';
import type { Finding } from './types.js';

type Seen = ReturnType<typeof observed>;
const namespaces = (names: string[]) =>
  observed(
    'list_resources',
    { kind: 'Namespace' },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '30d'])]),
  );
/** `get_rollout_history` as the tool prints it: the deployment's line, then kubectl's table. */
const history = (ns: string, name: string, rows: string[][]) =>
  observed(
    'get_rollout_history',
    { namespace: ns, name },
    `deployment.apps/${name}\n${table([['REVISION', 'CHANGE-CAUSE', 'IMAGES'], ...rows])}`,
  );

describe('sqlite-writer', () => {
  const API = 'label-api-cjv25fgvl-nf6bg';
  const BACKFILL = 'label-backfill-ref2-gkmj7';
  const locked = log('shipping', API, [
    '2026-05-20T15:01:40Z INFO  POST /labels 201 18ms carrier=dhl',
    '2026-05-20T15:04:09Z ERROR POST /labels 500 5006ms: sqlite3.OperationalError: database is locked',
    '2026-05-20T15:04:10Z INFO  GET /labels/SH-99131 200 4ms',
  ]);
  const listed = pods('shipping', [
    [API, '1/1', 'Running', '0', '6d'],
    ['printer-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '2h'],
    ['rates-6d9f7c8b54-kq2xw', '1/1', 'Running', '0', '3d'],
    [BACKFILL, '1/1', 'Running', '0', '39m'],
    ['migrate-5d8f7c9b4-xxwvt', '0/1', 'Completed', '0', '1m'],
    ['webhook-5d8f7c9b4-zzxwv', '1/1', 'Running', '0', '10m'],
  ]);
  const holding = log('shipping', BACKFILL, [
    '2026-05-20T15:00:41Z INFO  backfill_ref2: opening /data/labels.db (journal_mode=wal)',
    '2026-05-20T15:00:41Z INFO  BEGIN IMMEDIATE; updating ref2 for all labels in one transaction (commit at the end)',
    '2026-05-20T15:30:41Z INFO  progress 931500/1912204 rows (49%), transaction open 1800s',
  ]);
  it('lists the pods, then reads the other Running pods youngest first, at most three', () => {
    expect(sqliteWriterAnalyzer.reads(ctx('shipping', [locked]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'shipping' } },
    ]);
    expect(sqliteWriterAnalyzer.reads(ctx('shipping', [locked, listed]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: 'webhook-5d8f7c9b4-zzxwv' } },
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: BACKFILL } },
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: 'printer-7c9f5d8b6d-bcdfg' } },
    ]);
  });
  it('names the pod whose log holds a write transaction open', () => {
    const seen = [locked, listed, holding];
    expect(sqliteWriterAnalyzer.reads(ctx('shipping', seen))).toEqual([]);
    const [f] = sqliteWriterAnalyzer.finds(ctx('shipping', seen));
    expect(f?.object).toMatch(/^label-backfill-ref2 \(pod label-backfill-ref2-gkmj7\)/);
    expect(f?.cause).toMatch(/BEGIN IMMEDIATE/);
    expect(f?.cause).toMatch(/later ".*transaction open 1800s/);
    expect(f?.cause).toMatch(/database is locked/);
    expect(f?.advice).toMatch(/small batches/);
  });
  it('silent without a writer, or without "database is locked"', () => {
    const progress = log('shipping', BACKFILL, ['2026-05-20T15:10:41Z INFO  progress 310000/1912204 rows']);
    expect(sqliteWriterAnalyzer.finds(ctx('shipping', [locked, listed, progress]))).toEqual([]);
    const fine = log('shipping', API, ['2026-05-20T15:01:40Z INFO  POST /labels 201 18ms']);
    expect(sqliteWriterAnalyzer.reads(ctx('shipping', [fine, listed]))).toEqual([]);
    expect(sqliteWriterAnalyzer.finds(ctx('shipping', [fine, listed, holding]))).toEqual([]);
  });
});

describe('redelivery', () => {
  const POD = 'workspace-provisioner-s9x2q2g2zt-9tx8p';
  const lines = [
    '2026-06-03T09:02:11Z INFO  consumer ws-create bound (durable, explicit ack)',
    '2026-06-03T09:05:02Z INFO  msg seq=71822 delivered=1 create workspace ws-5d31 for user u-1180',
    '2026-06-03T09:05:32Z INFO  msg seq=71822 delivered=2 create workspace ws-5d31 for user u-1180',
    '2026-06-03T09:05:33Z WARN  workspace-api: POST /workspaces ws-5d31 -> 409 AlreadyExists',
    '2026-06-03T09:05:33Z ERROR create ws-5d31 failed (AlreadyExists); status=ERROR written to portal',
    '2026-06-03T09:05:43Z INFO  create ws-5d31 finished in 41.2s (image pull 33.9s); status=READY skipped: status already ERROR',
  ];
  it('names the message delivered twice, the seconds between, and the failure after it', () => {
    const [f] = redeliveryAnalyzer.finds(ctx('workspaces', [log('workspaces', POD, lines)]));
    expect(f?.object).toBe(`the consumer in pod ${POD}`);
    expect(f?.cause).toMatch(/message 71822 came a second time/);
    expect(f?.cause).toMatch(/delivered=2/);
    expect(f?.cause).toMatch(/ 30 s after its first delivery/);
    expect(f?.cause).toMatch(/not idempotent.*AlreadyExists/);
    expect(f?.evidence.join('\n')).toMatch(/AlreadyExists/);
  });
  it('silent when every delivery count is 1', () => {
    const once = [
      '2026-06-03T09:05:02Z INFO  msg seq=71822 delivered=1 create workspace ws-5d31 for user u-1180',
      '2026-06-03T09:05:43Z INFO  create ws-5d31 finished in 41.2s; status=READY',
      '2026-06-03T09:12:40Z INFO  msg seq=71823 delivered=1 create workspace ws-5d32 for user u-0219',
      '2026-06-03T09:13:11Z ERROR create ws-5d32 failed: quota exceeded',
    ];
    expect(redeliveryAnalyzer.finds(ctx('workspaces', [log('workspaces', POD, once)]))).toEqual([]);
  });
});

describe('rollout-diff', () => {
  const NS = 'netops';
  const DEP = 'dns-failover-controller';
  const OLD = `${DEP}-6r8sp8h7l5`;
  const NEW = `${DEP}-w7hxskfcwr`;
  const POD = `${NEW}-9dsms`;
  /** A ReplicaSet's `describe_resource`, its pod template flattened as the tool prints it. */
  const rs = (name: string, revision: number, template: string[], ns = NS) =>
    observed(
      'describe_resource',
      { kind: 'ReplicaSet', namespace: ns, name },
      [
        `Name:         ${name}`,
        `Namespace:    ${ns}`,
        'Kind:         ReplicaSet (apps/v1)',
        `Annotations:  deployment.kubernetes.io/revision=${revision}`,
        'Spec:',
        `  selector.matchLabels.pod-template-hash: ${name.slice(name.lastIndexOf('-') + 1)}`,
        `  template.metadata.labels.pod-template-hash: ${name.slice(name.lastIndexOf('-') + 1)}`,
        ...template.map((l) => `  template.spec.${l}`),
        '  template.spec.restartPolicy: Always',
        'Status:',
        '  replicas: 2',
        'Events:  <none>',
      ].join('\n'),
    );
  const container = (image: string, env: [string, string][], extra: string[] = []) => [
    'containers[0].name: controller',
    `containers[0].image: ${image}`,
    ...extra.map((l) => `containers[0].${l}`),
    ...env.flatMap(([n, v], i) => [
      `containers[0].env[${i}].name: ${n}`,
      `containers[0].env[${i}].value: ${v}`,
    ]),
  ];
  const before = rs(
    OLD,
    1,
    container('netops/dns-failover-controller:1.9.3', [
      ['LEASE_DURATION', '30s'],
      ['LEASE_NAMESPACE', 'netops'],
    ]),
  );
  const after = rs(
    NEW,
    2,
    container(
      'netops/dns-failover-controller:1.9.3',
      [
        ['LEASE_DURATION', '10s'],
        ['LEASE_NAMESPACE', 'netops'],
      ],
      ['resources.limits.memory: 128Mi'],
    ),
  );
  const listed = pods(NS, [
    [POD, '0/1', 'CrashLoopBackOff', '15 (67s ago)', '52m'],
    [`${NEW}-kx77x`, '0/1', 'CrashLoopBackOff', '15 (67s ago)', '52m'],
  ]);
  const panicked = log(NS, POD, [
    'I0325 10:35:55.002 main.go:61] dns-failover-controller 1.9.3',
    'I0325 10:35:55.004 leader.go:40] leader election: leaseDuration=10s renewDeadline=15s retryPeriod=2s',
    'panic: leaseDuration must be greater than renewDeadline',
    '',
    'goroutine 1 [running]:',
  ]);
  const described = (revision: number) =>
    observed(
      'describe_deployment',
      { namespace: NS, name: DEP },
      [
        `Name:                   ${DEP}`,
        `Namespace:              ${NS}`,
        `Annotations:            deployment.kubernetes.io/revision=${revision}`,
        '                        kubernetes.io/change-cause=NET-771 faster failover: shorter leader lease',
        'Replicas:               2 desired | 2 updated | 2 total | 0 available | 2 unavailable',
      ].join('\n'),
    );
  const replicaSets = observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: NS },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [OLD, '0/0 ready', '2d'],
      [NEW, '0/2 ready', '52m'],
    ]),
  );

  describe('templateChanges', () => {
    it('an env value changed, an env renamed by case, an image changed; the template hash ignored', () => {
      const renamed = rs(
        NEW,
        2,
        container('netops/dns-failover-controller:1.9.4', [
          ['LEASE_DURATION', '10s'],
          ['lease_namespace', 'netops'],
        ]),
      );
      expect(templateChanges(before.content, renamed.content)).toEqual([
        {
          container: 'controller',
          field: 'image',
          before: 'netops/dns-failover-controller:1.9.3',
          after: 'netops/dns-failover-controller:1.9.4',
        },
        {
          container: 'controller',
          field: 'env LEASE_DURATION',
          env: 'LEASE_DURATION',
          before: '30s',
          after: '10s',
        },
        {
          container: 'controller',
          field: 'env LEASE_NAMESPACE',
          env: 'LEASE_NAMESPACE',
          before: 'netops',
          after: undefined,
        },
        {
          container: 'controller',
          field: 'env lease_namespace',
          env: 'lease_namespace',
          before: undefined,
          after: 'netops',
        },
      ]);
    });
    it('nothing when only the pod-template-hash differs', () => {
      const same = rs(
        NEW,
        2,
        container('netops/dns-failover-controller:1.9.3', [
          ['LEASE_DURATION', '30s'],
          ['LEASE_NAMESPACE', 'netops'],
        ]),
      );
      expect(same.content).not.toBe(before.content);
      expect(templateChanges(before.content, same.content)).toEqual([]);
    });
  });

  it('with revision 2 read, lists the ReplicaSets, then describes the previous and the current one', () => {
    const seen = [listed, panicked, described(2)];
    expect(rolloutDiffAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: NS } },
    ]);
    expect(rolloutDiffAnalyzer.reads(ctx(NS, [...seen, replicaSets]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ReplicaSet', name: OLD, namespace: NS } },
      { tool: 'describe_resource', args: { kind: 'ReplicaSet', name: NEW, namespace: NS } },
    ]);
    expect(rolloutDiffAnalyzer.reads(ctx(NS, [...seen, replicaSets, before]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ReplicaSet', name: NEW, namespace: NS } },
    ]);
    expect(rolloutDiffAnalyzer.reads(ctx(NS, [...seen, replicaSets, before, after]))).toEqual([]);
  });
  it('takes the revision from the rollout history too ("2 (current)")', () => {
    const h = history(NS, DEP, [
      ['1', 'release 1.9.3', 'controller=netops/dns-failover-controller:1.9.3'],
      [
        '2 (current)',
        'NET-771 faster failover: shorter leader lease',
        'controller=netops/dns-failover-controller:1.9.3',
      ],
    ]);
    expect(rolloutDiffAnalyzer.reads(ctx(NS, [listed, panicked, h]))).toEqual([
      { tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: NS } },
    ]);
  });
  it('nothing for revision 1, or before a revision is known', () => {
    const seen = [listed, panicked, described(1), replicaSets, before, after];
    expect(rolloutDiffAnalyzer.reads(ctx(NS, [listed, panicked, described(1)]))).toEqual([]);
    expect(rolloutDiffAnalyzer.finds(ctx(NS, seen))).toEqual([]);
    expect(rolloutDiffAnalyzer.notes!(ctx(NS, seen))).toEqual([]);
    expect(rolloutDiffAnalyzer.reads(ctx(NS, [listed, panicked]))).toEqual([]);
  });
  it('a failure line naming a changed variable: the change is the finding, set_env restores it', () => {
    const seen = [listed, panicked, described(2), replicaSets, before, after];
    const [f] = rolloutDiffAnalyzer.finds(ctx(NS, seen));
    expect(f?.object).toBe(`deployment ${DEP}`);
    expect(f?.cause).toMatch(/revision 2: "NET-771 faster failover/);
    expect(f?.cause).toMatch(/changed LEASE_DURATION of container controller from "30s" to "10s"/);
    expect(f?.cause).toMatch(/leaseDuration must be greater than renewDeadline/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: DEP,
        container: 'controller',
        set: [{ name: 'LEASE_DURATION', value: '30s' }],
      },
    });
  });
  it('a variable renamed by letter case: "only the letter case differs"', () => {
    const renamed = rs(
      NEW,
      2,
      container('netops/dns-failover-controller:1.9.3', [
        ['lease_duration', '10s'],
        ['LEASE_NAMESPACE', 'netops'],
      ]),
    );
    const [f] = rolloutDiffAnalyzer.finds(
      ctx(NS, [listed, panicked, described(2), replicaSets, before, renamed]),
    );
    expect(f?.cause).toMatch(
      /renamed LEASE_DURATION of container controller to lease_duration \(only the letter case differs\)/,
    );
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'LEASE_DURATION', value: '30s' }] });
  });
  it('notes the changes; a failure line naming none of them makes no finding', () => {
    const seen = [listed, panicked, described(2), replicaSets, before, after];
    const [note] = rolloutDiffAnalyzer.notes!(ctx(NS, seen));
    expect(note).toMatch(/Revision 2 of deployment dns-failover-controller changed its pod template/);
    expect(note).toMatch(/env LEASE_DURATION "30s" -> "10s"/);
    expect(note).toMatch(/resources\.limits\.memory unset -> "128Mi"/);
    expect(note).not.toMatch(/LEASE_NAMESPACE/);
    const other = log(NS, POD, ['panic: cannot reach the API server']);
    expect(
      rolloutDiffAnalyzer.finds(ctx(NS, [listed, other, described(2), replicaSets, before, after])),
    ).toEqual([]);
  });
  it('glosses a *LINGER* variable in the notes', () => {
    const T = 'telemetry';
    const RELAY = 'clickstream-relay';
    const relay = (name: string, revision: number, linger: string) =>
      rs(
        name,
        revision,
        [
          'containers[0].name: relay',
          'containers[0].image: telemetry/clickstream-relay:6.4.2',
          'containers[0].env[0].name: KAFKA_ACKS',
          'containers[0].env[0].value: all',
          'containers[0].env[1].name: KAFKA_LINGER_MS',
          `containers[0].env[1].value: ${linger}`,
        ],
        T,
      );
    const seen = [
      pods(T, [[`${RELAY}-4p7wb2jp5-lq29f`, '1/1', 'Running', '0', '20h']]),
      log(T, `${RELAY}-4p7wb2jp5-lq29f`, [
        '2026-02-11T09:51:00Z ERROR delivery failed for 3,112 messages: Local: Message timed out (message.timeout.ms=300000) topic=clicks',
      ]),
      history(T, RELAY, [
        ['1', 'release 6.4.2', 'relay=telemetry/clickstream-relay:6.4.2'],
        [
          '2 (current)',
          'config cleanup: drop legacy producer overrides',
          'relay=telemetry/clickstream-relay:6.4.2',
        ],
      ]),
      observed(
        'list_resources',
        { kind: 'ReplicaSet', namespace: T },
        table([
          ['NAME', 'STATUS', 'AGE'],
          [`${RELAY}-4p7wb2jp5`, '1/1 ready', '20h'],
          [`${RELAY}-5cvs7vh8l`, '0/0 ready', '2d'],
        ]),
      ),
      relay(`${RELAY}-5cvs7vh8l`, 1, '50'),
      relay(`${RELAY}-4p7wb2jp5`, 2, '0'),
    ];
    const [note] = rolloutDiffAnalyzer.notes!(ctx(T, seen));
    expect(note).toMatch(/container relay: env KAFKA_LINGER_MS "50" -> "0"/);
    expect(note).toMatch(/linger\.ms .*how long a Kafka producer waits to fill a batch/);
    expect(rolloutDiffAnalyzer.finds(ctx(T, seen))).toEqual([]);
  });
  it('rollout-history: asks for the history only when neither it nor the description was read', () => {
    expect(rolloutHistoryAnalyzer.reads(ctx(NS, [listed, panicked]))).toEqual([
      { tool: 'get_rollout_history', args: { namespace: NS, name: DEP } },
    ]);
    expect(rolloutHistoryAnalyzer.reads(ctx(NS, [listed, panicked, described(2)]))).toEqual([]);
    const h = history(NS, DEP, [['1', '<none>', 'controller=netops/dns-failover-controller:1.9.3']]);
    expect(rolloutHistoryAnalyzer.reads(ctx(NS, [listed, panicked, h]))).toEqual([]);
    const old = pods(NS, [[POD, '0/1', 'CrashLoopBackOff', '15 (67s ago)', '40d']]);
    expect(rolloutHistoryAnalyzer.reads(ctx(NS, [old, panicked]))).toEqual([]);
  });
});

describe('pool-refill', () => {
  const POD = 'invoice-service-tqwfc2ggp-648v8';
  const lines = (took: string) => [
    '2026-07-08T13:42:10Z INFO  HikariPool-1 - Start completed (10 connections).',
    '2026-07-08T14:12:09Z DEBUG HikariPool-1 - Closing connection org.postgresql.jdbc.PgConnection@1f3a: (connection has passed maxLifetime)',
    '2026-07-08T14:12:09Z DEBUG HikariPool-1 - Closing connection org.postgresql.jdbc.PgConnection@6b21: (connection has passed maxLifetime)',
    `2026-07-08T14:12:13Z DEBUG HikariPool-1 - Added connection org.postgresql.jdbc.PgConnection@7c02 (took ${took})`,
    '2026-07-08T14:12:20Z ERROR o.h.e.j.s.SqlExceptionHelper - HikariPool-1 - Connection is not available, request timed out after 10000ms (total=4, active=4, idle=0, waiting=21)',
  ];
  it('retirements at maxLifetime, slow additions and timeouts: the pool refills too slowly', () => {
    const [f] = poolRefillAnalyzer.finds(ctx('billing', [log('billing', POD, lines('3512ms'))]));
    expect(f?.object).toBe(`invoice-service (pod ${POD})`);
    expect(f?.cause).toMatch(/maximum lifetime \(maxLifetime\)/);
    expect(f?.cause).toMatch(/2 in the log read/);
    expect(f?.cause).toMatch(/about 3\.5 s to open/);
    expect(f?.cause).toMatch(/Connection is not available/);
  });
  it('silent when connections open fast', () => {
    expect(poolRefillAnalyzer.finds(ctx('billing', [log('billing', POD, lines('12ms'))]))).toEqual([]);
  });
});

describe('cache-stampede', () => {
  const POD = 'stats-api-nxrsrnlrg-5vwnt';
  it('3+ misses of one key within 2 s: a cache stampede on the expired key', () => {
    const lines = [
      '2026-11-19T16:04:58.120Z info  GET /api/stats/global 200 3ms cache=hit',
      '2026-11-19T16:05:00.004Z info  cache miss stats:global (expired), computing from site-db',
      '2026-11-19T16:05:00.011Z info  cache miss stats:global (expired), computing from site-db',
      '2026-11-19T16:05:00.019Z info  cache miss stats:global (expired), computing from site-db',
      '2026-11-19T16:05:00.262Z info  cache miss stats:global (expired), computing from site-db',
      '2026-11-19T16:05:11.402Z info  stats:global computed in 11.4s, cache set ttl=300s',
    ];
    const [f] = cacheStampedeAnalyzer.finds(ctx('public-site', [log('public-site', POD, lines)]));
    expect(f?.object).toBe('stats-api (namespace public-site)');
    expect(f?.cause).toMatch(/^a cache stampede: the cached key stats:global expired and 4 requests/);
  });
  it('silent for misses of one key minutes apart', () => {
    const lines = [
      '2026-11-19T16:05:00.004Z info  cache miss stats:global (expired), computing from site-db',
      '2026-11-19T16:10:00.011Z info  cache miss stats:global (expired), computing from site-db',
      '2026-11-19T16:15:00.019Z info  cache miss stats:global (expired), computing from site-db',
    ];
    expect(cacheStampedeAnalyzer.finds(ctx('public-site', [log('public-site', POD, lines)]))).toEqual([]);
  });
});

describe('scheduler-dst-gap', () => {
  const POD = 'settlement-scheduler-2p8l6rm2r4-4lfl2';
  const MISSING =
    "Treasury found no settlement file for Saturday's business. Find out why the file is missing.";
  const lines = [
    '2026-03-06T02:30:00-05:00 INFO  job export-settlements fired (business date 2026-03-05)',
    '2026-03-06T02:41:12-05:00 INFO  next fire time export-settlements = 2026-03-07T02:30:00-05:00',
    '2026-03-07T02:30:00-05:00 INFO  job export-settlements fired (business date 2026-03-06)',
    '2026-03-07T02:40:03-05:00 INFO  next fire time export-settlements = 2026-03-09T02:30:00-04:00',
    '2026-03-07T06:00:00-05:00 INFO  job rotate-audit-log fired',
    '2026-03-08T06:00:00-04:00 INFO  job rotate-audit-log fired',
  ];
  const tz = observed(
    'describe_pod',
    { namespace: 'finance', name: POD },
    'Containers:\n  scheduler:\n    Image:          finance/settlement-scheduler:3.3.2\n    Environment:\n      TZ:  America/New_York\n      SCHEDULE_FILE:  /etc/scheduler/jobs.yaml\n    Mounts:\n      /etc/scheduler from jobs (rw)\n',
  );
  it('a daily 02:30 job with no fire on the night the offset went from -05:00 to -04:00', () => {
    const [f] = schedulerDstGapAnalyzer.finds(ctx('finance', [log('finance', POD, lines)], MISSING));
    expect(f?.object).toBe('settlement-scheduler (its job export-settlements)');
    expect(f?.cause).toMatch(/sprang forward on 2026-03-08/);
    expect(f?.cause).toMatch(/from -05:00 to -04:00/);
    expect(f?.cause).toMatch(/02:30 local time did not exist/);
    expect(f?.cause).toMatch(/next fire time skips it .*2026-03-09T02:30/);
  });
  it("with the container's TZ from describe_pod", () => {
    const [f] = schedulerDstGapAnalyzer.finds(ctx('finance', [log('finance', POD, lines), tz], MISSING));
    expect(f?.cause).toMatch(/the container runs in TZ=America\/New_York/);
    expect(f?.cause).toMatch(/2026-03-08/);
    expect(f?.cause).toMatch(/02:30/);
  });
  it('silent for a job at 06:00, and when the task reports nothing missing', () => {
    const six = [
      '2026-03-06T06:00:00-05:00 INFO  job export-settlements fired (business date 2026-03-05)',
      '2026-03-07T06:00:00-05:00 INFO  job export-settlements fired (business date 2026-03-06)',
      '2026-03-08T07:00:00-04:00 INFO  s3 credentials valid until 2026-03-08T17:59:12Z (refreshed hourly)',
    ];
    expect(schedulerDstGapAnalyzer.finds(ctx('finance', [log('finance', POD, six)], MISSING))).toEqual([]);
    expect(schedulerDstGapAnalyzer.finds(ctx('finance', [log('finance', POD, six), tz], MISSING))).toEqual(
      [],
    );
    const asked = 'Which jobs does settlement-scheduler in finance run, and when?';
    expect(schedulerDstGapAnalyzer.finds(ctx('finance', [log('finance', POD, lines), tz], asked))).toEqual(
      [],
    );
  });
});

describe('etcd-disk: a program syncing every write on an HDD class', () => {
  const POD = 'event-ledger-dxnkprcmj-prwxj';
  const slow = log('ledger', POD, [
    '2026-09-16T18:31:03Z INFO  rocksdb opened: wal_dir=/var/lib/ledger/wal, WriteOptions.sync=true (LEDGER_DURABLE_WRITES=true)',
    '2026-09-17T08:20:00Z INFO  stats: appends 410/s, append latency p50=31ms p99=52ms, cpu 0.6 cores',
    '2026-09-17T08:20:00Z INFO  stats: wal fsync p50=24ms p99=49ms on /var/lib/ledger (device nvme1n1)',
  ]);
  const pod = observed(
    'describe_pod',
    { namespace: 'ledger', name: POD },
    [
      `Name:             ${POD}`,
      'Controlled By:    ReplicaSet/event-ledger-dxnkprcmj',
      'Containers:',
      '  ledger:',
      '    Image:          ledger/event-ledger:4.2.0',
      '    Environment:',
      '      LEDGER_DATA_DIR:  /var/lib/ledger',
      '      LEDGER_DURABLE_WRITES:  true',
      '    Mounts:',
      '      /var/lib/ledger from data (rw)',
      'Volumes:',
      '  data:',
      '    Type:      PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
      '    ClaimName: ledger-data',
      '    ReadOnly:  false',
    ].join('\n'),
  );
  const claim = observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'ledger-data', namespace: 'ledger' },
    [
      'Name:         ledger-data',
      'Namespace:    ledger',
      'Kind:         PersistentVolumeClaim (v1)',
      'Annotations:  volume.kubernetes.io/storage-provisioner=ebs.csi.aws.com,pv.kubernetes.io/bind-completed=yes',
      'Spec:',
      '  accessModes[0]: ReadWriteOnce',
      '  storageClassName: bulk-hdd',
      'Status:',
      '  phase: Bound',
    ].join('\n'),
  );
  const sc = observed(
    'describe_resource',
    { kind: 'StorageClass', name: 'bulk-hdd' },
    [
      'Name:         bulk-hdd',
      'Kind:         StorageClass (storage.k8s.io/v1)',
      'Provisioner:  ebs.csi.aws.com',
      'Parameters:  type=st1',
      'Events:  <none>',
    ].join('\n'),
  );
  it('reads the pod, then its claim, then its StorageClass', () => {
    expect(etcdDiskAnalyzer.reads(ctx('ledger', [slow]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'ledger', name: POD } },
    ]);
    expect(etcdDiskAnalyzer.reads(ctx('ledger', [slow, pod]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', name: 'ledger-data', namespace: 'ledger' },
      },
    ]);
    expect(etcdDiskAnalyzer.reads(ctx('ledger', [slow, pod, claim]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'StorageClass', name: 'bulk-hdd' } },
    ]);
    expect(etcdDiskAnalyzer.reads(ctx('ledger', [slow, pod, claim, sc]))).toEqual([]);
  });
  it('names the deployment, the HDD class and the variable that syncs every write', () => {
    const [f] = etcdDiskAnalyzer.finds(ctx('ledger', [slow, pod, claim, sc]));
    expect(f?.object).toBe('deployment event-ledger');
    expect(f?.cause).toMatch(/^event-ledger \(pod event-ledger-dxnkprcmj-prwxj\) is waiting on its disk/);
    expect(f?.cause).toMatch(/wal fsync p50=24ms/);
    expect(f?.cause).toMatch(/LEDGER_DURABLE_WRITES=true/);
    expect(f?.cause).toMatch(
      /StorageClass bulk-hdd \(ebs\.csi\.aws\.com, type=st1\), a hard-disk \(HDD\) volume/,
    );
    expect(f?.advice).toMatch(/bulk-hdd is a hard-disk class/);
  });
  it('silent when no log reports slow syncs', () => {
    const quiet = log('ledger', POD, [
      '2026-09-17T08:20:00Z INFO  stats: appends 410/s, append latency p50=3ms',
    ]);
    expect(etcdDiskAnalyzer.reads(ctx('ledger', [quiet]))).toEqual([]);
    expect(etcdDiskAnalyzer.finds(ctx('ledger', [quiet, pod, claim, sc]))).toEqual([]);
  });
});

describe('quiet-namespace-logs: workloads named by the task first', () => {
  const API = 'label-api-cjv25fgvl-nf6bg';
  const listed = pods('shipping', [
    ['gateway-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '9d'],
    ['printer-6d9f7c8b54-kq2xw', '1/1', 'Running', '0', '9d'],
    ['rates-5d8f7c9b4-zzxwv', '1/1', 'Running', '0', '9d'],
    [API, '1/1', 'Running', '0', '6d'],
  ]);
  const task = 'Creating shipping labels fails with HTTP 500 while looking them up works.';
  it('with no log read yet, reads the workload sharing a word with the task first ("labels": label-api)', () => {
    expect(quietNamespaceLogsAnalyzer.reads(ctx('shipping', [listed], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: API } },
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: 'gateway-7c9f5d8b6d-bcdfg' } },
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: 'printer-6d9f7c8b54-kq2xw' } },
    ]);
  });
  it('a log with only WARN lines no longer stops it; an ERROR line does', () => {
    const warned = log('shipping', API, [
      '2026-05-20T15:02:55Z WARN  GET /labels/search?q=returns 200 1.4s (full scan, no index on ref2)',
    ]);
    expect(quietNamespaceLogsAnalyzer.reads(ctx('shipping', [listed, warned], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: 'gateway-7c9f5d8b6d-bcdfg' } },
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: 'printer-6d9f7c8b54-kq2xw' } },
      { tool: 'get_pod_logs', args: { namespace: 'shipping', name: 'rates-5d8f7c9b4-zzxwv' } },
    ]);
    const failing = log('shipping', API, [
      '2026-05-20T15:04:09Z ERROR POST /labels 500 5006ms: sqlite3.OperationalError: database is locked',
    ]);
    expect(quietNamespaceLogsAnalyzer.reads(ctx('shipping', [listed, failing], task))).toEqual([]);
  });
});

describe('errorLines: Python tracebacks', () => {
  it('the innermost frame and the exception, not the header', () => {
    const text = [
      '2026-10-06T10:41:12Z INFO  "GET /oauth/callback?code=...&state=Zk3q... HTTP/1.1" 302',
      '2026-10-06T10:41:30Z ERROR Internal Server Error: /oauth/callback ua="ShopApp/7.2.0 (iOS 18.0)"',
      'Traceback (most recent call last):',
      '  File "/app/auth/views.py", line 211, in callback',
      '    next_path = parse_next_path(state_parts)',
      '  File "/app/auth/views.py", line 174, in parse_next_path',
      "    return base64.urlsafe_b64decode(force_bytes(encoded + '====')).decode('utf-8')",
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0x9c in position 1: invalid start byte",
      '2026-10-06T10:41:30Z INFO  "GET /oauth/callback?code=...&state=p0Wc... HTTP/1.1" 500',
    ];
    const bad = errorLines(text.join('\n'));
    expect(bad).toContain(text[1]);
    expect(bad).toContain(text[5]);
    expect(bad).toContain(text[7]);
    expect(bad).not.toContain(text[2]);
    expect(bad).not.toContain(text[3]);
    expect(bad.join('\n')).toMatch(/File "\/app\/auth\/views.py", line 174, in parse_next_path/);
    expect(bad.join('\n')).toMatch(/^UnicodeDecodeError: 'utf-8' codec can't decode/m);
    expect(bad.join('\n')).not.toMatch(/Traceback \(most recent call last\):/);
  });
  it("a chained traceback keeps the last one's exception", () => {
    const text = [
      '2026-10-06T10:41:30Z ERROR Exception in worker',
      'Traceback (most recent call last):',
      '  File "/app/config.py", line 10, in load',
      '    data = json.loads(raw)',
      'ValueError: Expecting value: line 1 column 1 (char 0)',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/app/worker.py", line 40, in main',
      '    cfg = load()',
      '  File "/app/config.py", line 12, in load',
      '    raise ConfigError("cannot load settings") from e',
      'app.errors.ConfigError: cannot load settings',
    ];
    const bad = errorLines(text.join('\n'));
    expect(bad).toContain('app.errors.ConfigError: cannot load settings');
    expect(bad).toContain('  File "/app/config.py", line 12, in load');
    expect(bad).not.toContain('  File "/app/worker.py", line 40, in main');
    expect(bad).not.toContain('Traceback (most recent call last):');
  });
});

describe('app-errors: retries recovered during a finished rollout', () => {
  const POD = 'presence-ring-44bllqnfs-628tk';
  const lines = [
    '2026-12-02T13:00:41Z INFO  presence-ring 3.7.0 starting, joining ring via presence-ring-gossip.realtime.svc:7946',
    '2026-12-02T13:00:42Z INFO  memberlist: joined, 6 members known',
    '2026-12-02T13:00:55Z WARN  memberlist: failed to send gossip to 10.244.1.41:7946: dial tcp 10.244.1.41:7946: connect: connection refused',
    '2026-12-02T13:00:57Z WARN  memberlist: failed to send gossip to 10.244.1.38:7946: dial tcp 10.244.1.38:7946: connect: connection refused',
    '2026-12-02T13:01:02Z WARN  memberlist: failed to send push/pull to 10.244.1.44:7946: dial tcp 10.244.1.44:7946: connect: connection refused (suppressed 212 similar)',
    '2026-12-02T13:01:31Z INFO  memberlist: marking 10.244.1.41:7946 as dead (left at 13:00:53)',
    '2026-12-02T13:01:44Z INFO  memberlist: removed 6 departed members of revision 3.6.4',
    '2026-12-02T13:02:00Z INFO  ring: 6/6 members ACTIVE, tokens balanced (max skew 2.1%)',
    '2026-12-02T13:09:00Z INFO  ring: 6/6 members ACTIVE, 18,204 sessions tracked',
  ];
  const listed = (age: string) =>
    pods('realtime', [
      [POD, '1/1', 'Running', '0', age],
      ['presence-ring-44bllqnfs-8zxtq', '1/1', 'Running', '0', age],
    ]);
  it('the refused peers were the old pods of a rollout that finished: no action', () => {
    const notes = appErrorsAnalyzer.notes!(ctx('realtime', [listed('9m'), log('realtime', POD, lines)]));
    const note = notes.find((n) => n.includes(POD));
    expect(note).toMatch(/retries that recovered/);
    expect(note).toMatch(/removed 6 departed members/);
    expect(note).toMatch(/9m ago, during the rollout that replaced the pods of presence-ring/);
    expect(note).toMatch(/no action/);
  });
  it('no rollout sentence for pods started days ago', () => {
    const notes = appErrorsAnalyzer.notes!(ctx('realtime', [listed('2d'), log('realtime', POD, lines)]));
    expect(notes.join('\n')).toMatch(/retries that recovered/);
    expect(notes.join('\n')).not.toMatch(/during the rollout/);
  });
});

describe('named-workload-elsewhere: "stats-api in public-site"', () => {
  const task =
    'The site database (namespace db) spikes to 100% CPU every five minutes, and pages served by stats-api in public-site time out during those spikes.';
  const dbLog = log('db', 'site-db-0', [
    '2026-11-19 16:05:09.870 UTC [412] ERROR:  canceling statement due to statement timeout',
    '2026-11-19 16:05:10.002 UTC [418] LOG:  duration: 9861.2 ms  statement: SELECT count(*) FROM donations',
  ]);
  const seen = [
    namespaces(['db', 'default', 'kube-system', 'public-site']),
    pods('db', [['site-db-0', '1/1', 'Running', '0', '150d']]),
    dbLog,
  ];
  it('reads list_pods of the named namespace even when the namespace read first logs failures', () => {
    expect(errorLines(dbLog.content).length).toBeGreaterThan(0);
    expect(namedWorkloadElsewhereAnalyzer.reads(ctx('db', seen, task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'public-site' } },
    ]);
    const there = pods('public-site', [
      ['site-cache-8vwcn2c64-28zf4', '1/1', 'Running', '0', '60m'],
      ['stats-api-nxrsrnlrg-5vwnt', '1/1', 'Running', '0', '60m'],
    ]);
    expect(namedWorkloadElsewhereAnalyzer.reads(ctx('db', [...seen, there], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'public-site', name: 'stats-api-nxrsrnlrg-5vwnt' } },
    ]);
  });
  it('silent when the word after "in" is not a known namespace', () => {
    const unknown = [namespaces(['db', 'default', 'kube-system']), ...seen.slice(1)];
    expect(namedWorkloadElsewhereAnalyzer.reads(ctx('db', unknown, task))).toEqual([]);
  });
});

describe('bad-release-of-running-pods', () => {
  const POD = 'web-7c9f5d8b6d-bcdfg';
  const failing = (): Finding => ({
    weight: 90,
    object: `pod ${POD}`,
    cause: 'the pod logs "TypeError: cannot read properties of undefined"',
    evidence: [],
  });
  const listed = (age: string) =>
    pods('shop', [
      [POD, '1/1', 'Running', '0', age],
      ['web-7c9f5d8b6d-zzxwv', '1/1', 'Running', '0', age],
    ]);
  const rolled = (image: string) =>
    history('shop', 'web', [
      ['1', 'release 2.2.4', 'web=shop/web:2.2.4'],
      ['2 (current)', `release ${image}`, `web=shop/web:${image}`],
    ]);
  const refine = (seen: Seen[], found: Finding[]) => {
    if (!('refine' in badReleaseOfRunningPods)) throw new Error('a refining signature');
    badReleaseOfRunningPods.refine(ctx('shop', seen) as unknown as Facts, found);
    return found;
  };
  it('pods all younger than a day and a new image: the strongest finding gets a rollback', () => {
    const [f] = refine([listed('3h'), rolled('2.3.0')], [failing()]);
    expect(f?.fix).toMatchObject({ tool: 'rollback_deployment', args: { namespace: 'shop', name: 'web' } });
    expect(f?.cause).toMatch(/latest rollout of deployment web \(revision 2: release 2\.3\.0/);
    expect(f?.cause).toMatch(/upgraded web from 2\.2\.4 to 2\.3\.0/);
    expect(f?.evidence.join('\n')).toMatch(/get_rollout_history web: 2 revisions, latest 2/);
  });
  it('no fix when the image did not change, or the pods are older than a day', () => {
    expect(refine([listed('3h'), rolled('2.2.4')], [failing()])[0]?.fix).toBeUndefined();
    expect(refine([listed('2d'), rolled('2.3.0')], [failing()])[0]?.fix).toBeUndefined();
  });
});
