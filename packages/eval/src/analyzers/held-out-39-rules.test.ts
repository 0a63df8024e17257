// Table tests of the rules written after held-out set 39's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer, errorLines } from './app-errors.js';
import { celeryPrefetchAnalyzer } from './celery-prefetch.js';
import { clientCancelledAnalyzer } from './client-cancelled.js';
import { consumerRebalanceAnalyzer } from './consumer-rebalance.js';
import { eventLoopBlockedAnalyzer } from './event-loop-blocked.js';
import { glossOf } from './log-glosses.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { scrapeRelabelAnalyzer } from './scrape-relabel.js';

describe('glosses: a rotating refresh token presented twice', () => {
  it('invalid_grant for a refresh token already used: single-use tokens, two replicas', () => {
    const g = glossOf(
      '2026-04-01T02:31:40.522Z ERROR quillbooks: token refresh failed: 400 {"error":"invalid_grant","error_description":"refresh token …a81f was already used; token family rf_71c0 revoked"}',
    );
    expect(g?.symptom).toBe(false);
    expect(g?.means).toMatch(/rotates refresh tokens/);
    expect(g?.means).toMatch(/single-use/);
    expect(g?.means).toMatch(/replay/);
    expect(g?.means).toMatch(/two replicas/);
    expect(g?.means).toMatch(/did not run out of its lifetime/);
  });
  it('no gloss for a plain invalid_grant that says only that the token was revoked', () => {
    expect(
      glossOf(
        'ERROR quillbooks: token refresh failed: 400 invalid_grant (refresh token revoked); 50 invoices left in outbox, attempt 6',
      ),
    ).toBeUndefined();
  });
});

describe('app-errors: files browsers ask for on their own, an OAuth error without its reason', () => {
  const missing = (path: string, request: string) =>
    `2026/12/03 13:58:09 [error] 29#29: *771202 open() "/usr/share/nginx/html/${path}" failed (2: No such file or directory), client: 203.0.113.41, server: www.shop.example, request: "GET /${request} HTTP/2.0", host: "www.shop.example"`;

  it.each([
    ['favicon.ico'],
    ['apple-touch-icon-precomposed.png'],
    ['apple-touch-icon.png'],
    ['robots.txt'],
    ['.well-known/assetlinks.json'],
    ['.well-known/security.txt'],
  ])('errorLines ignores the missing %s', (path) => {
    expect(errorLines(missing(path, path))).toEqual([]);
  });
  it('errorLines still counts a missing index.html, and a favicon that cannot be read', () => {
    const index = missing('index.html', '');
    expect(errorLines(index)).toEqual([index]);
    const denied = missing('favicon.ico', 'favicon.ico').replace(
      '(2: No such file or directory)',
      '(13: Permission denied)',
    );
    expect(errorLines(denied)).toEqual([denied]);
  });

  const NS = 'integrations';
  const POD = 'bookkeep-sync-5d8c9b7f4-k8ngc';
  const OTHER = 'bookkeep-sync-5d8c9b7f4-tr4zh';
  const listed = pods(NS, [
    [POD, '1/1', 'Running', '0', '12d'],
    [OTHER, '1/1', 'Running', '0', '17h'],
    ['crm-bridge-j5nv4cnmb8-gl5gj', '1/1', 'Running', '0', '21d'],
  ]);
  const revoked = (attempt: number) =>
    `ERROR quillbooks: token refresh failed: 400 invalid_grant (refresh token revoked); 50 invoices left in outbox, attempt ${attempt}`;
  const tail = (name: string) =>
    log(NS, name, [
      '[output cut: showing the last 8000 of 16489 characters; use tail]',
      'valid_grant (refresh token revoked); 50 invoices left in outbox, attempt 4',
      revoked(5),
      revoked(6),
      revoked(69),
    ]);
  const search = (name: string) => ({
    tool: 'search_pod_logs',
    args: { namespace: NS, name, pattern: 'error_description', context: 0, maxMatches: 5 },
  });

  it('reads: a search for error_description in each log (two at most) whose tail has invalid_grant only', () => {
    const reads = appErrorsAnalyzer.reads(ctx(NS, [listed, tail(POD)]));
    expect(reads).toContainEqual(search(POD));
    const both = appErrorsAnalyzer.reads(ctx(NS, [listed, tail(POD), tail(OTHER)]));
    expect(both).toContainEqual(search(POD));
    expect(both).toContainEqual(search(OTHER));
  });
  it('no such search when the tail already holds error_description, or has no OAuth error', () => {
    const described = log(NS, POD, [
      '2026-04-01T02:33:06.020Z ERROR quillbooks: token refresh failed: 400 {"error":"invalid_grant","error_description":"refresh token …c27d has been revoked"}',
      revoked(1),
    ]);
    expect(appErrorsAnalyzer.reads(ctx(NS, [listed, described]))).not.toContainEqual(search(POD));
    const other = log(NS, POD, ['ERROR quillbooks: POST /v3/invoices failed: 503 Service Unavailable']);
    expect(appErrorsAnalyzer.reads(ctx(NS, [listed, other]))).not.toContainEqual(search(POD));
  });
});

describe('client-cancelled: nginx 499s of requests the clients aborted', () => {
  const NS = 'web';
  const POD = 'storefront-edge-7p4w7lk66-r6pxg';
  const listed = pods(NS, [
    ['catalog-web-rqbglckbf7-fvf2g', '1/1', 'Running', '0', '9d'],
    ['storefront-edge-7p4w7lk66-ntvnx', '1/1', 'Running', '0', '9d'],
    [POD, '1/1', 'Running', '0', '9d'],
    ['suggest-api-bwszswjp7n-cflh5', '1/1', 'Running', '0', '9d'],
  ]);
  const iphone = '"https://www.shop.example/" "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1) Safari/604.1"';
  const lines = [
    '198.51.100.7 - - "GET /api/products/3600 HTTP/2.0" 200 2311 rt=0.021 urt=0.020',
    `203.0.113.41 - - [03/Dec/2026:13:58:01 +0000] "GET /api/suggest?q=l HTTP/2.0" 499 0 ${iphone} rt=0.061 urt=0.061`,
    `203.0.113.41 - - [03/Dec/2026:13:58:01 +0000] "GET /api/suggest?q=li HTTP/2.0" 499 0 ${iphone} rt=0.048 urt=0.048`,
    `203.0.113.41 - - [03/Dec/2026:13:58:01 +0000] "GET /api/suggest?q=lin HTTP/2.0" 499 0 ${iphone} rt=0.052 urt=0.052`,
    `203.0.113.41 - - [03/Dec/2026:13:58:02 +0000] "GET /api/suggest?q=line HTTP/2.0" 200 1842 ${iphone} rt=0.071 urt=0.070`,
    `203.0.113.41 - - [03/Dec/2026:13:58:04 +0000] "GET /search?q=linen+shirt HTTP/2.0" 200 48121 ${iphone} rt=0.188 urt=0.187`,
    '2026/12/03 13:58:09 [error] 29#29: *771202 open() "/usr/share/nginx/html/apple-touch-icon-precomposed.png" failed (2: No such file or directory), client: 203.0.113.41, server: www.shop.example',
    '192.0.2.18 - - [03/Dec/2026:13:59:12 +0000] "GET /api/suggest?q=wo HTTP/2.0" 499 0 "https://www.shop.example/women" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0" rt=0.039 urt=0.039',
    '2026/12/03 13:59:30 [warn] 30#30: *771391 a client request body is buffered to a temporary file /var/cache/nginx/client_temp/0000012211, client: 192.0.2.90, server: www.shop.example, request: "POST /api/returns/upload HTTP/2.0"',
    '192.0.2.90 - - [03/Dec/2026:13:59:31 +0000] "POST /api/returns/upload HTTP/2.0" 201 88 "https://www.shop.example/returns" "Mozilla/5.0 (Macintosh) Firefox/133.0" rt=0.412 urt=0.402',
    '198.51.100.66 - - [03/Dec/2026:13:59:48 +0000] "GET /api/suggest?q=ru HTTP/2.0" 499 0 "https://www.shop.example/" "Mozilla/5.0 (Linux; Android 15) Chrome/131.0 Mobile" rt=0.044 urt=0.044',
  ];

  it('notes 499 is "client closed request", the path, the median time, no action', () => {
    const [note] = clientCancelledAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, lines)]));
    expect(note).toMatch(
      /storefront-edge-7p4w7lk66-r6pxg answered 499 to 5 request\(s\) in the log read \(5 of them \/api\/suggest\)/,
    );
    expect(note).toMatch(/client closed request/);
    expect(note).toMatch(/a median of 0\.048 s/);
    expect(note).toMatch(/AbortController/);
    expect(note).toMatch(/no action is needed/);
    expect(clientCancelledAnalyzer.finds(ctx(NS, [listed, log(NS, POD, lines)]))).toEqual([]);
  });
  it('slow 499s (clients that timed out) get the note without the self-cancel reading', () => {
    const slow = lines.map((l) => l.replace(/rt=0\.0\d\d urt=0\.0\d\d$/, 'rt=30.001 urt=30.001'));
    const [note] = clientCancelledAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, slow)]));
    expect(note).toMatch(/client closed request/);
    expect(note).not.toMatch(/median/);
    expect(note).not.toMatch(/AbortController/);
  });
  it('silent when a log has an error line, when no 499 is logged, when a pod is not ready', () => {
    const failing = [
      ...lines,
      '2026/12/03 13:59:50 [error] 29#29: *771502 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 192.0.2.18, server: www.shop.example, request: "GET /api/suggest?q=woo HTTP/2.0"',
    ];
    expect(clientCancelledAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, failing)]))).toEqual([]);
    const no499 = lines.filter((l) => !l.includes('" 499 '));
    expect(clientCancelledAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, no499)]))).toEqual([]);
    const unready = pods(NS, [[POD, '0/1', 'Running', '0', '9d']]);
    expect(clientCancelledAnalyzer.notes!(ctx(NS, [unready, log(NS, POD, lines)]))).toEqual([]);
  });
});

describe('consumer-rebalance: a Kafka consumer group rebalancing as KEDA scales it', () => {
  const NS = 'streams';
  const POD = 'clickpipe-consumer-gzn7dplz6-whxxd';
  const PATTERN = 'rebalanc|Revoke previously assigned|joined group';
  const task =
    'The clickpipe-consumer logs in namespace streams have been full of rebalance messages since last night, and the consumer lag alert fired at about 02:12. Something is wrong with the consumer group. Please find what is broken and fix it.';
  const listed = pods(NS, [
    ['clickpipe-consumer-gzn7dplz6-2rr9t', '1/1', 'Running', '0', '3d'],
    ['clickpipe-consumer-gzn7dplz6-cd7s2', '1/1', 'Running', '0', '3d'],
    [POD, '1/1', 'Running', '0', '3d'],
  ]);
  const consumer = (at: string, what: string) =>
    `${at} INFO [Consumer clientId=clickpipe-a, groupId=clickpipe] ${what}`;
  const rebalanced = [
    consumer('2027-01-13T18:30:05.120Z', 'Request joining group due to: group is already rebalancing'),
    consumer(
      '2027-01-13T18:30:05.121Z',
      'Revoke previously assigned partitions clicks-0, clicks-1, clicks-2, clicks-3',
    ),
    consumer(
      '2027-01-13T18:30:08.440Z',
      "Successfully joined group with generation Generation{generationId=218, protocol='range'}",
    ),
    consumer('2027-01-14T02:10:04.210Z', 'Request joining group due to: group is already rebalancing'),
    consumer('2027-01-14T02:10:04.211Z', 'Revoke previously assigned partitions clicks-0, clicks-1'),
    consumer(
      '2027-01-14T02:10:07.602Z',
      "Successfully joined group with generation Generation{generationId=219, protocol='range'}",
    ),
  ];
  const lines = [
    '2027-01-11T10:02:12.004Z INFO clickpipe-consumer 2.11.0 started (kafka-clients 3.7.1), group=clickpipe topic=clicks (12 partitions)',
    ...rebalanced.slice(0, 3),
    consumer('2027-01-13T18:30:08.447Z', 'Adding newly assigned partitions: clicks-0, clicks-1'),
    '2027-01-13T21:40:19.332Z WARN skipped 1 record with unknown schema id 4412 at clicks-1@88120417 (sent to clicks.dlq)',
    ...rebalanced.slice(3),
    consumer(
      '2027-01-14T02:10:07.610Z',
      'Adding newly assigned partitions: clicks-0, clicks-1, clicks-2, clicks-3',
    ),
    '2027-01-14T02:11:00.000Z INFO lag report: partitions=4 lag=3,114 rate=5,210 msg/min',
    '2027-01-14T02:13:00.000Z INFO lag report: partitions=4 lag=141 rate=6,880 msg/min',
    '2027-01-14T02:15:00.000Z INFO lag report: partitions=4 lag=12 rate=1,204 msg/min',
    'INFO lag report: partitions=4 lag=9 rate=1,180 msg/min (tick 1)',
    'INFO lag report: partitions=4 lag=9 rate=1,180 msg/min (tick 2)',
  ];
  const read = log(NS, POD, lines);
  const args = { namespace: NS, name: POD, pattern: PATTERN, context: 0, maxMatches: 12 };
  const searched = observed(
    'search_pod_logs',
    args,
    [
      `6 line(s) match "${PATTERN}" in the newest 93 line(s) read`,
      ...rebalanced.slice(0, 3).map((l, i) => `${i + 2}:${l}`),
      '--',
      ...rebalanced.slice(3).map((l, i) => `${i + 7}:${l}`),
    ].join('\n'),
  );

  it("reads: searches the consumer's whole log for its rebalances, once", () => {
    expect(consumerRebalanceAnalyzer.reads(ctx(NS, [listed, read], task))).toEqual([
      { tool: 'search_pod_logs', args },
    ]);
    expect(consumerRebalanceAnalyzer.reads(ctx(NS, [listed, read, searched], task))).toEqual([]);
  });
  it('reads nothing for a task about something else, or a log of no Kafka consumer', () => {
    const calm = 'clickpipe-consumer in namespace streams starts slowly after a deploy. Find out why.';
    expect(consumerRebalanceAnalyzer.reads(ctx(NS, [listed, read], calm))).toEqual([]);
    const web = log(NS, POD, ['2027-01-14T02:11:00.000Z INFO GET /healthz 200 1ms']);
    expect(consumerRebalanceAnalyzer.reads(ctx(NS, [listed, web], task))).toEqual([]);
  });
  it('notes the generations, their times, the lag that drained, no action', () => {
    const [note] = consumerRebalanceAnalyzer.notes!(ctx(NS, [listed, read, searched], task));
    expect(note).toMatch(/The consumer group of clickpipe-consumer rebalanced 2 time\(s\)/);
    expect(note).toMatch(/generation 218 at 2027-01-13T18:30, generation 219 at 2027-01-14T02:10/);
    expect(note).toMatch(/KEDA/);
    expect(note).toMatch(/peaked at 3114 and is 9 now/);
    expect(note).toMatch(/no action is needed/);
    expect(consumerRebalanceAnalyzer.finds(ctx(NS, [listed, read, searched], task))).toEqual([]);
  });
  it('lag still high: the note does not say it drained', () => {
    const behind = log(NS, POD, [
      ...lines,
      'INFO lag report: partitions=4 lag=2,950 rate=410 msg/min (tick 3)',
    ]);
    const [note] = consumerRebalanceAnalyzer.notes!(ctx(NS, [listed, behind, searched], task));
    expect(note).not.toMatch(/peaked at/);
  });
  it('silent without the search, with an error line, with a pod not ready', () => {
    expect(consumerRebalanceAnalyzer.notes!(ctx(NS, [listed, read], task))).toEqual([]);
    const failing = log(NS, POD, [
      ...lines,
      '2027-01-14T08:40:00.000Z ERROR [Consumer clientId=clickpipe-a, groupId=clickpipe] Offset commit failed on partition clicks-0: The coordinator is not available.',
    ]);
    expect(consumerRebalanceAnalyzer.notes!(ctx(NS, [listed, failing, searched], task))).toEqual([]);
    const unready = pods(NS, [[POD, '0/1', 'Running', '0', '3d']]);
    expect(consumerRebalanceAnalyzer.notes!(ctx(NS, [unready, read, searched], task))).toEqual([]);
  });
});

describe('event-loop-blocked: synchronous PBKDF2 on the request path', () => {
  const NS = 'identity';
  const POD = 'passgate-q4z6zkfjs-c26zh';
  const blocked = [
    '{"level":"info","msg":"passgate 3.14.0 listening","port":8080,"node":"v20.15.1"}',
    '(node:1) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead.',
    '{"level":"info","msg":"password hasher ready","algo":"pbkdf2-sha512","iterations":600000,"impl":"@acme/crypto-utils 2.0.0 hashPasswordSync (crypto.pbkdf2Sync)"}',
    '{"level":"warn","msg":"jwks refresh slow","issuer":"https://login.acme.example","ms":480}',
    '{"level":"info","msg":"POST /v1/login 200","ms":1893}',
    '{"level":"info","msg":"POST /v1/login 200","ms":2644}',
    '{"level":"warn","msg":"event loop delay high","p99_ms":2310,"max_ms":4180,"window":"10s"}',
    '{"level":"info","msg":"GET /healthz 200","ms":2571}',
    '{"level":"info","msg":"POST /v1/login 200","ms":3120}',
    '{"level":"warn","msg":"event loop delay high","p99_ms":2890,"max_ms":5020,"window":"10s"}',
  ];

  it('finds: the last delay report, the synchronous calls the log names', () => {
    const [f] = eventLoopBlockedAnalyzer.finds(ctx(NS, [log(NS, POD, blocked)]));
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toMatch(/event loop of pod passgate-q4z6zkfjs-c26zh is blocked for seconds/);
    expect(f?.cause).toMatch(/"p99_ms":2890/);
    expect(f?.cause).toMatch(/its log names hashPasswordSync, crypto\.pbkdf2Sync/);
    expect(f?.cause).toMatch(/liveness probe times out/);
    expect(f?.evidence).toContain(`get_pod_logs ${POD}: hashPasswordSync, crypto.pbkdf2Sync`);
    expect(f?.advice).toMatch(/crypto\.pbkdf2 instead of pbkdf2Sync/);
  });
  it("from the previous container's log too", () => {
    const [f] = eventLoopBlockedAnalyzer.finds(ctx(NS, [log(NS, POD, blocked, { previous: true })]));
    expect(f?.object).toBe(`pod ${POD}`);
  });
  it('silent at p99_ms 12 (the release before), and for slow requests without a delay report', () => {
    const healthy = [
      '{"level":"info","msg":"passgate 3.13.2 listening","port":8080,"node":"v20.15.1"}',
      '{"level":"info","msg":"password hasher ready","algo":"pbkdf2-sha512","iterations":210000,"impl":"crypto.pbkdf2 (async, libuv pool of 8)"}',
      '{"level":"info","msg":"POST /v1/login 200","ms":212}',
      '{"level":"info","msg":"event loop delay","p99_ms":12,"max_ms":31,"window":"60s"}',
    ];
    expect(eventLoopBlockedAnalyzer.finds(ctx(NS, [log(NS, POD, healthy)]))).toEqual([]);
    const slow = blocked.filter((l) => !l.includes('event loop'));
    expect(eventLoopBlockedAnalyzer.finds(ctx(NS, [log(NS, POD, slow)]))).toEqual([]);
    expect(eventLoopBlockedAnalyzer.reads(ctx(NS, [log(NS, POD, blocked)]))).toEqual([]);
  });
});

describe('celery-prefetch: workers hoarding short tasks behind long statements', () => {
  const NS = 'reports';
  const W = 'pressroom-worker-wl9tjqnzx';
  const listed = pods(NS, [
    ['pressroom-api-h7vs7vfq2-2tbzm', '1/1', 'Running', '0', '9d'],
    [`${W}-cdpzl`, '1/1', 'Running', '0', '20h'],
    [`${W}-mw4kr`, '1/1', 'Running', '0', '20h'],
    [`${W}-q8vt9`, '1/1', 'Running', '0', '20h'],
  ]);
  const ready = (at: string, prefetch = 64) => [
    `[2026-05-18 ${at},771: INFO/MainProcess] celery@pressroom-worker v5.4.0 (opalescent) ready: transport amqp://pressroom:**@rabbitmq.messaging.svc.cluster.local:5672//, concurrency 4 (prefork), queues pressroom.exports`,
    `[2026-05-18 ${at},775: INFO/MainProcess] basic.qos: prefetch_count->${prefetch}`,
  ];
  const pool = (at: string, active: number, reserved: number, prefetch = 64) =>
    `[2026-05-19 ${at},000: INFO/MainProcess] pool: active=${active} reserved=${reserved} prefetch_count=${prefetch} (queue pressroom.exports)`;
  const idle = log(NS, `${W}-cdpzl`, [
    ...ready('12:33:20'),
    '[2026-05-19 07:58:41,201: INFO/ForkPoolWorker-2] Task pressroom.make_thumbnail[0b77aa31] succeeded in 0.41s',
    pool('08:10:00', 0, 0),
    pool('08:20:00', 0, 0),
  ]);
  const hoarding = (prefetch = 64, reserved = 57, active = 4) =>
    log(NS, `${W}-mw4kr`, [
      ...ready('12:32:11', prefetch),
      '[2026-05-19 07:40:02,603: INFO/MainProcess] Task pressroom.render_annual_statement[a91c0410] received',
      '[2026-05-19 07:40:02,611: INFO/MainProcess] Task pressroom.send_receipt_pdf[5f2e8830] received',
      pool('08:10:00', active, reserved, prefetch),
      "[2026-05-19 08:14:09,310: ERROR/ForkPoolWorker-3] Task pressroom.make_thumbnail[0b77aa52] raised: PIL.UnidentifiedImageError: cannot identify image file 'upload-55121.heic'",
      pool('08:20:00', active, reserved, prefetch),
    ]);
  const third = log(NS, `${W}-q8vt9`, [
    ...ready('12:31:04'),
    '[2026-05-19 07:40:02,551: INFO/MainProcess] Task pressroom.render_annual_statement[a91c03f0] received',
    '[2026-05-19 08:01:17,402: INFO/ForkPoolWorker-1] Task pressroom.render_annual_statement[a91c03f1] succeeded in 1274.83s',
    '[2026-05-19 08:01:17,466: INFO/ForkPoolWorker-1] Task pressroom.render_annual_statement[a91c03f2] started',
    pool('08:10:00', 4, 60),
    pool('08:20:00', 4, 58),
    '[2026-05-19 08:21:33,780: INFO/ForkPoolWorker-4] Task pressroom.send_receipt_pdf[5f2e8810] succeeded in 2.37s',
  ]);
  const described = (pod: string, multiplier = '16') =>
    observed(
      'describe_pod',
      { namespace: NS, name: pod },
      [
        `Name:             ${pod}`,
        `Namespace:        ${NS}`,
        'Status:           Running',
        `Controlled By:    ReplicaSet/${W}`,
        'Containers:',
        '  worker:',
        '    Image:          registry.example.net/reports/pressroom:5.8.0',
        '    State:          Running',
        '    Ready:          True',
        '    Restart Count:  0',
        '    Command:        celery',
        '    Args:           -A pressroom worker -Q pressroom.exports --loglevel INFO',
        '    Environment:',
        '      CELERY_BROKER_URL:  amqp://pressroom@rabbitmq.messaging.svc.cluster.local:5672//',
        '      CELERY_WORKER_CONCURRENCY:  4',
        `      CELERY_WORKER_PREFETCH_MULTIPLIER:  ${multiplier}`,
        '      CELERY_TASK_ACKS_LATE:  true',
        'Conditions:',
        '  Type              Status   Reason',
        '  Ready             True',
        'Events:  <none>',
      ].join('\n'),
    );

  it("reads: a sibling's log while no worker holds reserved tasks, then the hoarding pod's describe", () => {
    expect(celeryPrefetchAnalyzer.reads(ctx(NS, [listed, idle]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: `${W}-mw4kr` } },
    ]);
    expect(celeryPrefetchAnalyzer.reads(ctx(NS, [listed, idle, hoarding()]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: `${W}-mw4kr` } },
    ]);
    expect(
      celeryPrefetchAnalyzer.reads(ctx(NS, [listed, idle, hoarding(), described(`${W}-mw4kr`)])),
    ).toEqual([]);
  });
  it('reads nothing without a prefetching worker, or after three workers read', () => {
    const api = log(NS, 'pressroom-api-h7vs7vfq2-2tbzm', ['INFO GET /healthz 200']);
    expect(celeryPrefetchAnalyzer.reads(ctx(NS, [listed, api]))).toEqual([]);
    const calm = (pod: string) => log(NS, `${W}-${pod}`, [...ready('12:33:20'), pool('08:10:00', 0, 0)]);
    expect(
      celeryPrefetchAnalyzer.reads(ctx(NS, [listed, calm('cdpzl'), calm('mw4kr'), calm('q8vt9')])),
    ).toEqual([]);
  });
  it('finds the hoard and the long-running tasks; set_env CELERY_WORKER_PREFETCH_MULTIPLIER=1', () => {
    const [f] = celeryPrefetchAnalyzer.finds(ctx(NS, [listed, idle, hoarding(), described(`${W}-mw4kr`)]));
    expect(f?.object).toBe(`deployment pressroom-worker (pod ${W}-mw4kr)`);
    expect(f?.cause).toMatch(
      /pressroom-worker-wl9tjqnzx-mw4kr asks the broker for 64 messages \(prefetch_count\) with 4 worker processes and holds 57 tasks reserved but not started \(CELERY_WORKER_PREFETCH_MULTIPLIER=16\)/,
    );
    expect(f?.cause).toMatch(
      /all 4 processes of pressroom-worker-wl9tjqnzx-mw4kr stay busy across pool reports 10 minutes apart/,
    );
    expect(f?.evidence).toContain(`get_pod_logs ${W}-mw4kr: prefetch_count 64, reserved 57, concurrency 4`);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'pressroom-worker',
        container: 'worker',
        set: [{ name: 'CELERY_WORKER_PREFETCH_MULTIPLIER', value: '1' }],
      },
    });
  });
  it("with every worker read: the longest task's run time, the quickest task, a sibling's describe", () => {
    const [f] = celeryPrefetchAnalyzer.finds(
      ctx(NS, [listed, idle, hoarding(), third, described(`${W}-mw4kr`)]),
    );
    expect(f?.object).toBe(`deployment pressroom-worker (pod ${W}-q8vt9)`);
    expect(f?.cause).toMatch(/holds 60 tasks reserved/);
    expect(f?.cause).toMatch(/pressroom\.render_annual_statement took 1275 s/);
    expect(f?.cause).toMatch(/pressroom\.make_thumbnail takes 0\.41 s/);
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'CELERY_WORKER_PREFETCH_MULTIPLIER', value: '1' }] });
  });
  it('no fix when the multiplier is already 1 or the pod is not described', () => {
    const [one] = celeryPrefetchAnalyzer.finds(
      ctx(NS, [listed, idle, hoarding(), described(`${W}-mw4kr`, '1')]),
    );
    expect(one?.fix).toBeUndefined();
    const [none] = celeryPrefetchAnalyzer.finds(ctx(NS, [listed, idle, hoarding()]));
    expect(none?.object).toBe(`pod ${W}-mw4kr`);
    expect(none?.fix).toBeUndefined();
  });
  it('silent when prefetch_count <= concurrency, or no task runs long', () => {
    expect(
      celeryPrefetchAnalyzer.finds(ctx(NS, [listed, idle, hoarding(4, 0), described(`${W}-mw4kr`, '1')])),
    ).toEqual([]);
    expect(
      celeryPrefetchAnalyzer.finds(ctx(NS, [listed, idle, hoarding(64, 57, 1), described(`${W}-mw4kr`)])),
    ).toEqual([]);
  });
});

describe('scrape-relabel: a target dropped whole for its sample_limit', () => {
  const NS = 'loyalty';
  const PROM = 'prometheus-main-0';
  const task =
    'Since this morning the TargetDown alert fires for stampcard-ledger in namespace loyalty and its Grafana board is empty, yet the pods look fine and no customer has complained. Last week we added a NetworkPolicy to loyalty, so my guess is that it now blocks Prometheus from scraping port 9102. Please check, and fix it if it is safe.';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['default', 'Active', '30d'],
      ['kube-system', 'Active', '30d'],
      ['legacy-billing', 'Active', '30d'],
      ['loyalty', 'Active', '30d'],
      ['monitoring', 'Active', '30d'],
    ]),
  );
  const monitoring = pods('monitoring', [[PROM, '1/1', 'Running', '0', '33d']]);
  const args = { namespace: 'monitoring', name: PROM, pattern: 'Scrape failed', context: 0, maxMatches: 3 };
  const over = (ip: string, at: string) =>
    `ts=2026-09-03T${at}Z caller=scrape.go:1331 level=warn component="scrape manager" scrape_pool=loyalty-pods target=http://${ip}:9102/metrics msg="scrape failed, sample limit exceeded" sample_limit=5000 samples=27133`;
  const deadline =
    'ts=2026-09-03T10:14:44.031Z caller=scrape.go:1331 level=warn component="scrape manager" scrape_pool=legacy-billing target=http://invoice-exporter.legacy-billing.svc:9300/metrics msg="scrape failed" err="context deadline exceeded"';
  const searched = observed(
    'search_pod_logs',
    args,
    [
      '3 line(s) match "Scrape failed" in the newest 6 line(s) read',
      `3:${over('10.244.1.21', '07:03:15.210')}`,
      `4:${over('10.244.2.17', '07:03:21.877')}`,
      '--',
      `6:${deadline}`,
    ].join('\n'),
  );
  const timedOut = observed(
    'search_pod_logs',
    args,
    ['1 line(s) match "Scrape failed" in the newest 6 line(s) read', `6:${deadline}`].join('\n'),
  );
  const ledger = log(NS, 'stampcard-ledger-dqckszcgb-9j4p4', [
    '2026-09-03T07:02:31Z INFO metrics on :9102/metrics; partner labels enabled (METRICS_PARTNER_LABELS=true): 26,918 series registered (stamp_ops_duration_seconds histogram by partner x tier x endpoint)',
    'INFO POST /v1/cards/stamp 200 14ms',
    '2026-09-03T10:12:40Z WARN partner API fuelco slow: POST /stamps/confirm took 1240ms',
    '2026-09-03T10:14:20Z INFO POST /v1/cards/redeem 200 31ms',
  ]);

  it("reads in order: the namespaces, Prometheus's pods, the search of its log", () => {
    expect(scrapeRelabelAnalyzer.reads(ctx(NS, [], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(scrapeRelabelAnalyzer.reads(ctx(NS, [namespaces], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'monitoring' } },
    ]);
    expect(scrapeRelabelAnalyzer.reads(ctx(NS, [namespaces, monitoring], task))).toEqual([
      { tool: 'search_pod_logs', args },
    ]);
  });
  it('reads no ConfigMap after a sample-limit line; the ConfigMaps when there is none', () => {
    expect(scrapeRelabelAnalyzer.reads(ctx(NS, [namespaces, monitoring, searched], task))).toEqual([]);
    expect(scrapeRelabelAnalyzer.reads(ctx(NS, [namespaces, monitoring, timedOut], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: 'monitoring' } },
    ]);
  });
  it("finds: samples over sample_limit, the scrape pool, the target's own series count", () => {
    const [f] = scrapeRelabelAnalyzer.finds(ctx(NS, [namespaces, monitoring, searched, ledger], task));
    expect(f?.object).toBe('scrape target http://10.244.1.21:9102/metrics');
    expect(f?.cause).toMatch(/\(scrape pool loyalty-pods\)/);
    expect(f?.cause).toMatch(/it returns 27133 samples, more than the job's sample_limit of 5000/);
    expect(f?.cause).toMatch(/TargetDown/);
    expect(f?.cause).toMatch(/26,918 series registered/);
    expect(f?.evidence[0]).toMatch(/^search_pod_logs prometheus: "ts=2026-09-03T07:03:15\.210Z/);
    expect(f?.advice).toMatch(/raise that job's sample_limit above 27133/);
  });
  it('silent without the sample-limit line, or for a task about something else', () => {
    expect(scrapeRelabelAnalyzer.finds(ctx(NS, [namespaces, monitoring, timedOut, ledger], task))).toEqual(
      [],
    );
    const calm = 'stampcard-ledger in namespace loyalty answers slowly since this morning. Find out why.';
    expect(scrapeRelabelAnalyzer.finds(ctx(NS, [namespaces, monitoring, searched, ledger], calm))).toEqual(
      [],
    );
    expect(scrapeRelabelAnalyzer.reads(ctx(NS, [namespaces], calm))).toEqual([]);
  });
});
