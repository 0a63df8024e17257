// Table tests of the rules written after held-out set 33's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { errorLines } from './app-errors.js';
import { expectedLine, expectedLogLinesAnalyzer } from './expected-log-lines.js';
import { logGloss } from './log-glosses.js';
import { loggedLimitAnalyzer } from './logged-limit.js';
import { explainingEvents } from './normal-events.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { poolTimesReplicasAnalyzer } from './pool-times-replicas.js';
import { producerReleaseAnalyzer } from './producer-release.js';
import { quietNamespaceLogsAnalyzer } from './quiet-namespace-logs.js';
import { s3PrefixRateAnalyzer } from './s3-prefix-rate.js';

const namespaces = (names: string[]) =>
  observed(
    'list_resources',
    { kind: 'Namespace' },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '9d'])]),
  );
const env = (ns: string, name: string, lines: string[]) =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    `Controlled By:  ReplicaSet/${name.replace(/-[a-z0-9]{5}$/, '')}\nContainers:\n  app:\n    Image: a:1\n    Environment:\n${lines.map((l) => `      ${l}`).join('\n')}\n`,
  );

describe('glosses: RabbitMQ blocked publishers, PostgreSQL wraparound, Redis Cluster slots', () => {
  it.each([
    ['WARN amqp connection blocked by broker: reason="low on memory"', /memory alarm/],
    ['WARN connection blocked: reason="low on disk"', /disk alarm/],
    [
      'psycopg.errors.ProgramLimitExceeded: database is not accepting commands that assign new transaction IDs to avoid wraparound data loss',
      /database-wide VACUUM/,
    ],
    ["ReplyError: CROSSSLOT Keys in request don't hash to the same slot", /hash tag/],
  ])('%s', (line, means) => {
    expect(logGloss(line)).toMatch(means);
  });
});

describe('failure lines', () => {
  it('a lower-case level right after the timestamp, and the exception line after an error line', () => {
    const text = [
      '2026-04-15T00:43:17.005Z error failed to enqueue job',
      '2026-04-15T00:43:18.000Z info errors: 0',
      '2026-04-16 05:58:31 ERROR django.request: Internal Server Error: /save',
      'psycopg.errors.ProgramLimitExceeded: database is not accepting commands',
      'HINT:  Execute a database-wide VACUUM in that database.',
      'ValueError: not after a failure',
    ];
    expect(errorLines(text.join('\n'))).toEqual([text[0], text[2], text[3]]);
  });
});

describe('quiet-namespace-logs', () => {
  const WEB = 'portal-7c9f5d8b6d-bcdfg';
  const GW = 'gateway-6d9f7c8b54-kq2xw';
  const listed = pods('p', [
    [WEB, '1/1', 'Running', '0', '9d'],
    [GW, '1/1', 'Running', '0', '9d'],
  ]);
  it('reads the other workloads when failures are reported and the named one is quiet', () => {
    const quiet = log('p', WEB, ['INFO serving on :3000']);
    expect(
      quietNamespaceLogsAnalyzer.reads(ctx('p', [listed, quiet], 'users get a 401 after login')),
    ).toEqual([{ tool: 'get_pod_logs', args: { namespace: 'p', name: GW } }]);
  });
  it('silent when the log read already fails or nothing is reported', () => {
    const failing = log('p', WEB, ['ERROR session lost']);
    expect(quietNamespaceLogsAnalyzer.reads(ctx('p', [listed, failing], 'users get a 401'))).toEqual([]);
    const quiet = log('p', WEB, ['INFO serving on :3000']);
    expect(quietNamespaceLogsAnalyzer.reads(ctx('p', [listed, quiet], 'how many replicas run?'))).toEqual([]);
  });
});

describe('producer-release', () => {
  const CONSUMER = 'tracker-7c9f5d8b6d-bcdfg';
  const PRODUCER = 'gateway-6d9f7c8b54-kq2xw';
  const failing = log('t', CONSUMER, [
    'ERROR Error deserializing Avro message for id 214: Found string, expecting long (topic shipment-status, partition 1)',
  ]);
  const seen = [namespaces(['t', 'logistics', 'kube-system']), failing];
  it('lists the other namespaces, reads recent pods, then the producer deployment', () => {
    expect(producerReleaseAnalyzer.reads(ctx('t', seen))).toEqual([
      { tool: 'list_pods', args: { namespace: 'logistics' } },
    ]);
    const listed = pods('logistics', [[PRODUCER, '1/1', 'Running', '0', '62m']]);
    expect(producerReleaseAnalyzer.reads(ctx('t', [...seen, listed]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'logistics', name: PRODUCER } },
    ]);
    const registered = log('logistics', PRODUCER, [
      'INFO registered schema id=214 subject=shipment-status-value',
    ]);
    expect(producerReleaseAnalyzer.reads(ctx('t', [...seen, listed, registered]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: 'logistics', name: 'gateway' } },
    ]);
    const [f] = producerReleaseAnalyzer.finds(ctx('t', [...seen, listed, registered]));
    expect(f?.fix).toMatchObject({
      tool: 'rollback_deployment',
      args: { namespace: 'logistics', name: 'gateway' },
    });
  });
  it('silent when the recent pod does not write that schema or topic, or the pods are old', () => {
    const other = log('logistics', PRODUCER, ['INFO registered schema id=99 subject=other-value']);
    const recent = pods('logistics', [[PRODUCER, '1/1', 'Running', '0', '62m']]);
    expect(producerReleaseAnalyzer.finds(ctx('t', [...seen, recent, other]))).toEqual([]);
    const old = pods('logistics', [[PRODUCER, '1/1', 'Running', '0', '40d']]);
    const registered = log('logistics', PRODUCER, ['INFO registered schema id=214']);
    expect(producerReleaseAnalyzer.finds(ctx('t', [...seen, old, registered]))).toEqual([]);
  });
});

describe('s3-prefix-rate', () => {
  const CLIENT = 'render-7c9f5d8b6d-bcdfg';
  const BACKFILL = 'backfill-6d9f7c8b54-kq2xw';
  const slowed = log('billing', CLIENT, [
    'ERROR upload failed s3://docs/invoices/2026/04/INV-1.pdf: SlowDown: Please reduce your request rate.',
  ]);
  const seen = [
    namespaces(['billing', 'batch']),
    slowed,
    pods('batch', [
      [BACKFILL, '1/1', 'Running', '0', '41m'],
      ['backfill-6d9f7c8b54-zzxwv', '1/1', 'Running', '0', '41m'],
    ]),
  ];
  it('names the recent workload writing the same prefix', () => {
    expect(s3PrefixRateAnalyzer.reads(ctx('billing', seen))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'batch', name: BACKFILL } },
    ]);
    const rate = log('batch', BACKFILL, ['INFO rate: 3910 PUT/s across workers under invoices/2026/']);
    const [f] = s3PrefixRateAnalyzer.finds(ctx('billing', [...seen, rate]));
    expect(f?.object).toBe('deployment backfill in batch');
    expect(f?.cause).toContain('2 pods, 2 started recently');
  });
  it('silent when the other workload logs neither the prefix nor SlowDown', () => {
    const other = log('batch', BACKFILL, ['INFO processed 20 rows']);
    expect(s3PrefixRateAnalyzer.finds(ctx('billing', [...seen, other]))).toEqual([]);
  });
});

describe('logged-limit: a client-side timeout', () => {
  const POD = 'collector-7c9f5d8b6d-bcdfg';
  const cancelled = log('o', POD, [
    'ERROR failed to fetch metric: pq: canceling statement due to statement timeout (query ran 5.0s)',
  ]);
  it('raises the variable that holds the logged seconds', () => {
    const [f] = loggedLimitAnalyzer.finds(
      ctx('o', [cancelled, env('o', POD, ['QUERY_TIMEOUT_SECONDS:  5'])]),
    );
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'QUERY_TIMEOUT_SECONDS', value: '30' }] });
  });
  it('silent without such a variable, or for a line that is not a cancellation', () => {
    expect(loggedLimitAnalyzer.finds(ctx('o', [cancelled, env('o', POD, ['SCRAPE_INTERVAL:  5'])]))).toEqual(
      [],
    );
    const slow = log('o', POD, ['WARN metric lag took 3.1s (timeout 5s)']);
    expect(loggedLimitAnalyzer.finds(ctx('o', [slow, env('o', POD, ['QUERY_TIMEOUT_SECONDS:  5'])]))).toEqual(
      [],
    );
  });
});

describe('pool-times-replicas', () => {
  const CLIENT = 'cart-7c9f5d8b6d-bcdfg';
  const server = log('store', 'sessions-0', [
    '{"msg":"Connection accepted","attr":{"connectionCount":2011}}',
    '{"s":"E","msg":"pthread_create failed","attr":{"error":"Resource temporarily unavailable"}}',
  ]);
  const reset = log('shop', CLIENT, ['ERROR session load failed: MongoNetworkError: read ECONNRESET']);
  const listed = pods('shop', [
    [CLIENT, '1/1', 'Running', '0', '4h'],
    ['cart-7c9f5d8b6d-zzxwv', '1/1', 'Running', '0', '4h'],
    ['cart-7c9f5d8b6d-xxwvt', '1/1', 'Running', '0', '4h'],
  ]);
  it('describes the client, then multiplies its pool by its replicas', () => {
    expect(poolTimesReplicasAnalyzer.reads(ctx('store', [server, reset, listed]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'shop', name: CLIENT } },
    ]);
    const d = env('shop', CLIENT, ['MONGO_URL:  mongodb://sessions.store:27017/s?maxPoolSize=100']);
    const [f] = poolTimesReplicasAnalyzer.finds(ctx('store', [server, reset, listed, d]));
    expect(f?.cause).toContain('3 replicas');
    expect(f?.cause).toContain('up to 300 connections');
    expect(f?.cause).toContain('connectionCount 2011');
  });
  it('silent when the client sets no pool size', () => {
    const d = env('shop', CLIENT, ['MONGO_URL:  mongodb://sessions.store:27017/s']);
    expect(poolTimesReplicasAnalyzer.finds(ctx('store', [server, reset, listed, d]))).toEqual([]);
  });
});

describe('expected-log-lines and Normal events', () => {
  it('explains an autovacuum flagged as a long-running query in a healthy namespace', () => {
    const POD = 'health-7c9f5d8b6d-bcdfg';
    const seen = [
      pods('d', [[POD, '1/1', 'Running', '0', '9d']]),
      log('d', POD, ['WARN long-running query (3h12m): autovacuum: VACUUM public.order_lines']),
    ];
    expect(expectedLogLinesAnalyzer.notes!(ctx('d', seen))[0]).toContain(
      "PostgreSQL's own autovacuum worker",
    );
    expect(expectedLine('WARN long-running query: SELECT * FROM orders')).toBeUndefined();
  });
  it('quotes the distinct messages of one reason', () => {
    const events = observed(
      'get_events',
      { namespace: 's' },
      table([
        ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
        ['5h', 'Normal', 'Issuing', 'certificate/shop-tls', 'The certificate has been successfully issued'],
        ['5h', 'Normal', 'Issuing', 'certificate/shop-tls', 'Renewing certificate as renewal was scheduled'],
      ]),
    );
    const [note] = explainingEvents(ctx('s', [events]));
    expect(note).toContain('successfully issued');
    expect(note).toContain('renewal was scheduled');
  });
});
