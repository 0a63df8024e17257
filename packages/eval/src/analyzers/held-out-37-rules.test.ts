// Table tests of the rules written after held-out set 37's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer, oneClientFailures } from './app-errors.js';
import { consumerOffsetResetAnalyzer } from './consumer-offset-reset.js';
import { expectedLine, expectedLogLinesAnalyzer } from './expected-log-lines.js';
import { logGloss } from './log-glosses.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { rolloutDiffAnalyzer } from './rollout-diff.js';

/** `list_deployments` as the tool prints it. */
const deployments = (ns: string, names: string[]) =>
  observed(
    'list_deployments',
    { namespace: ns },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ...names.map((n) => [n, '2/2', '2', '2', '60d', `media/${n}:4.8.2`]),
    ]),
  );
/** `get_rollout_history` as the tool prints it: the deployment's line, then kubectl's table. */
const history = (ns: string, name: string, rows: string[][]) =>
  observed(
    'get_rollout_history',
    { namespace: ns, name },
    `deployment.apps/${name}\n${table([['REVISION', 'CHANGE-CAUSE', 'IMAGES'], ...rows])}`,
  );

describe('app-errors: one client sending malformed requests', () => {
  const NS = 'tools';
  const POD = 'compile-api-6d8cbf7q9x-k2m4p';
  const firefox =
    '2026-12-01T13:02:11.502Z info  POST /api/compiler/gcc141/compile 200 1.31s ua="Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"';
  const safari =
    '2026-12-01T13:02:12.440Z info  POST /api/compiler/clang191/compile 200 2.04s ua="Mozilla/5.0 (Macintosh) Safari/18.1"';
  const legacy = (at: string, position = 212) =>
    `2026-12-01T13:${at}Z error POST /api/compiler/gcc141/compile 500 2ms ua="LegacyCppCli/0.9.2" err="SyntaxError: Unexpected token } in JSON at position ${position}" (unhandled in body parser)`;
  const bad = [legacy('02:11.977'), legacy('02:13.020', 198), legacy('20:31.004'), legacy('20:51.004')];
  const text = [
    '2026-12-01T12:40:03.114Z info  compile-api 8.14.0 listening on :10240 (412 compilers)',
    firefox,
    bad[0]!,
    safari,
    bad[1]!,
    '2026-12-01T13:14:40.611Z warn  compiler cache 91% full, evicted 240 entries',
    bad[2]!,
    bad[3]!,
  ];
  const listed = pods(NS, [[POD, '1/1', 'Running', '0', '80m']]);

  it('oneClientFailures: every failure a parse error of LegacyCppCli while other clients get 200', () => {
    const one = oneClientFailures(text.join('\n'));
    expect(one?.client).toBe('LegacyCppCli/0.9.2');
    expect(one?.failures).toEqual(bad);
  });
  it('finds nothing for that pod; notes say one client, not an outage, 400, no action', () => {
    const seen = [listed, log(NS, POD, text)];
    expect(appErrorsAnalyzer.finds(ctx(NS, seen))).toEqual([]);
    const [note] = appErrorsAnalyzer.notes!(ctx(NS, seen));
    expect(note).toMatch(/all come from one client, LegacyCppCli\/0\.9\.2/);
    expect(note).toMatch(/SyntaxError: Unexpected token \} in JSON/);
    expect(note).toMatch(/not an outage/);
    expect(note).toMatch(/400/);
    expect(note).toMatch(/no action is needed/);
  });
  it('silent when two clients fail, when the failures are not parse errors, when no other client succeeds', () => {
    const twoClients = [
      firefox,
      ...bad.slice(0, 2),
      bad[2]!.replace('LegacyCppCli/0.9.2', 'OtherCli/2.0'),
      bad[3]!,
    ];
    expect(oneClientFailures(twoClients.join('\n'))).toBeUndefined();
    const [f] = appErrorsAnalyzer.finds(ctx(NS, [listed, log(NS, POD, twoClients)]));
    expect(f?.object).toBe(`pod ${POD}`);
    const notParse = [
      firefox,
      ...bad.map((l) =>
        l.replace(/SyntaxError: Unexpected token \} in JSON at position \d+/, 'connect ECONNREFUSED'),
      ),
    ];
    expect(oneClientFailures(notParse.join('\n'))).toBeUndefined();
    const alone = [text[0]!, ...bad];
    expect(oneClientFailures(alone.join('\n'))).toBeUndefined();
    const [note] = appErrorsAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, alone)]));
    expect(note ?? '').not.toMatch(/one client/);
  });
});

describe('expected-log-lines: refused TLS handshakes of old clients after a hardening', () => {
  const NS = 'edge';
  const POD = 'ingress-controller-7f6d9c5b8-x2x9q';
  const refused =
    '2026/12/09 09:41:12 [info] 31#31: *881233 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 198.51.100.23, server: 0.0.0.0:443';
  const lines = [
    'I1202 09:14:03.102211       7 controller.go:214] "Backend successfully reloaded"',
    refused,
    '203.0.113.8 - - [09/Dec/2026:09:41:13 +0000] "GET /products/winter-boots HTTP/2.0" 200 18211 "-" "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X)" 61 0.041 [shop-storefront-80]',
    '198.51.100.90 - - [09/Dec/2026:09:50:21 +0000] "POST /checkout/confirm HTTP/2.0" 200 912 "-" "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0" 402 1.912 [shop-storefront-80]',
  ];
  const healthy = pods(NS, [
    [POD, '1/1', 'Running', '0', '7d'],
    ['ingress-controller-7f6d9c5b8-bcdfg', '1/1', 'Running', '0', '7d'],
  ]);

  it('notes TLS 1.0/1.1 from old clients, TLSv1.2 and later allowed, no action', () => {
    const [note] = expectedLogLinesAnalyzer.notes!(ctx(NS, [healthy, log(NS, POD, lines)]));
    expect(note).toMatch(/ingress-controller-7f6d9c5b8-x2x9q logs ".*SSL_do_handshake\(\) failed/);
    expect(note).toMatch(/TLS 1\.0 or TLS 1\.1/);
    expect(note).toMatch(/TLSv1\.2/);
    expect(note).toMatch(/old \(legacy\) clients/);
    expect(note).toMatch(/no action is needed/);
  });
  it('expectedLine(line, true) matches the refusal, not an ordinary info line', () => {
    expect(expectedLine(refused, true)).toMatch(/TLS 1\.0 or TLS 1\.1/);
    expect(expectedLine(lines[0]!, true)).toBeUndefined();
    expect(
      expectedLine('2026/12/09 09:41:12 [info] 31#31: *881234 client closed connection', true),
    ).toBeUndefined();
  });
  it('silent when a pod is not ready or a log holds an error line', () => {
    const unready = pods(NS, [[POD, '0/1', 'Running', '0', '7d']]);
    expect(expectedLogLinesAnalyzer.notes!(ctx(NS, [unready, log(NS, POD, lines)]))).toEqual([]);
    const failing = [
      ...lines,
      '2026/12/09 09:56:00 [error] 31#31: *881700 connect() failed (111: Connection refused)',
    ];
    expect(expectedLogLinesAnalyzer.notes!(ctx(NS, [healthy, log(NS, POD, failing)]))).toEqual([]);
  });
});

describe('consumer-offset-reset: a consumer group replaying from earliest', () => {
  const NS = 'notify';
  const POD = 'order-mailer-898fh8vcw-mlkb6';
  const PATTERN = 'committed offset|auto.offset.reset|Resetting offset';
  const task =
    'Since about 09:00 customers are writing in that they got order-confirmation mails again for orders they placed last week. order-mailer in the notify namespace sends those mails from the order-events topic. The team thinks the Kafka brokers redelivered old messages.';
  const config = (reset: string) =>
    `2026-08-11 08:58:21.402  INFO 1 --- [main] o.a.k.clients.consumer.ConsumerConfig : ConsumerConfig values: allow.auto.create.topics = true, auto.commit.interval.ms = 5000, auto.offset.reset = ${reset}, bootstrap.servers = [kafka.kafka.svc:9092], enable.auto.commit = false, group.id = order-mailer, max.poll.records = 500`;
  const noCommit =
    '2026-08-11 08:58:22.117  INFO 1 --- [container-0-C-1] o.a.k.c.c.internals.ConsumerCoordinator : [Consumer clientId=consumer-order-mailer-1, groupId=order-mailer] Found no committed offset for partition order-events-0';
  const resetting =
    '2026-08-11 08:58:22.121  INFO 1 --- [container-0-C-1] o.a.k.c.c.internals.SubscriptionState : [Consumer clientId=consumer-order-mailer-1, groupId=order-mailer] Resetting offset for partition order-events-0 to position FetchPosition{offset=1184420, offsetEpoch=Optional.empty}.';
  const sent = (n: number) =>
    `INFO 1 --- [container-0-C-1] c.s.n.OrderMailListener : sent order-confirmation order=O-7711${n} placedAt=2026-08-05 to=***`;
  const listed = pods(NS, [
    ['invoice-consumer-5rd7wsgvsd-4p2zj', '1/1', 'Running', '0', '60m'],
    [POD, '1/1', 'Running', '0', '42m'],
  ]);
  const tail = log(NS, POD, [sent(96), sent(97), sent(98)]);
  const searched = (reset: string) =>
    observed(
      'search_pod_logs',
      { namespace: NS, name: POD, pattern: PATTERN, maxMatches: 6 },
      [
        `3 line(s) match "${PATTERN}" in the newest 1207 line(s) read`,
        `1:${config(reset)}`,
        `2:${noCommit}`,
        `3:${resetting}`,
        `4-${sent(20)}`,
      ].join('\n'),
    );

  it('reads: searches the read log of the consumer once, when the task says mails were sent again', () => {
    expect(consumerOffsetResetAnalyzer.reads(ctx(NS, [listed, tail], task))).toEqual([
      { tool: 'search_pod_logs', args: { namespace: NS, name: POD, pattern: PATTERN, maxMatches: 6 } },
    ]);
    expect(consumerOffsetResetAnalyzer.reads(ctx(NS, [listed, tail, searched('earliest')], task))).toEqual(
      [],
    );
  });
  it('reads nothing for a task that reports nothing repeated', () => {
    const calm =
      'order-mailer in the notify namespace sends order-confirmation mails from the Kafka topic order-events slowly. Find out why.';
    expect(consumerOffsetResetAnalyzer.reads(ctx(NS, [listed, tail], calm))).toEqual([]);
  });
  it('finds from the search: the group, the topic, earliest', () => {
    const [f] = consumerOffsetResetAnalyzer.finds(ctx(NS, [listed, tail, searched('earliest')], task));
    expect(f?.object).toBe('deployment order-mailer');
    expect(f?.cause).toMatch(/consumer group order-mailer has no committed offsets on order-events/);
    expect(f?.cause).toMatch(/auto\.offset\.reset is earliest/);
    expect(f?.evidence).toContain(`get_pod_logs ${POD}: auto.offset.reset = earliest`);
  });
  it('finds from the log itself too', () => {
    const whole = log(NS, POD, [config('earliest'), noCommit, resetting, sent(1), sent(2)]);
    const [f] = consumerOffsetResetAnalyzer.finds(ctx(NS, [listed, whole], task));
    expect(f?.cause).toMatch(/order-mailer/);
    expect(f?.cause).toMatch(/order-events/);
    expect(f?.cause).toMatch(/earliest/);
  });
  it('silent when auto.offset.reset = latest', () => {
    expect(consumerOffsetResetAnalyzer.finds(ctx(NS, [listed, tail, searched('latest')], task))).toEqual([]);
    const whole = log(NS, POD, [config('latest'), noCommit, resetting, sent(1)]);
    expect(consumerOffsetResetAnalyzer.finds(ctx(NS, [listed, whole], task))).toEqual([]);
  });
});

describe('glosses: the JVM one processor from CPU shares, PostgreSQL serialization failures', () => {
  it.each([
    [
      '2026-08-27 10:02:11.121 INFO  [main] c.s.s.Bootstrap - container: cpu.cfs_quota_us=-1 cpu.shares=512 -> Runtime.availableProcessors()=1',
      [/ActiveProcessorCount/, /CPU request/, /shares/, /not CPU throttling/],
    ],
    [
      '2026-06-17 14:05:13,560 ERROR api: POST /visitors/checked person_id=330981 failed: psycopg.errors.SerializationFailure: could not serialize access due to concurrent update',
      [/REPEATABLE READ/, /isolation/, /[Rr]etry/, /READ COMMITTED/],
    ],
  ])('%s', (line, means) => {
    const gloss = logGloss(line);
    for (const m of means) expect(gloss).toMatch(m);
  });
  it('silent for a JVM that sees its cores, a transaction that committed', () => {
    expect(
      logGloss(
        '2026-08-27 10:02:11.121 INFO  [main] c.s.s.Bootstrap - container: cpu.cfs_quota_us=400000 cpu.shares=4096 -> Runtime.availableProcessors()=4',
      ) ?? '',
    ).not.toMatch(/ActiveProcessorCount/);
    expect(
      logGloss('2026-06-17 14:05:13,560 INFO api: POST /visitors/checked person_id=330981 committed') ?? '',
    ).not.toMatch(/serializ/i);
  });
});

describe('rollout-diff: a rollout that added an option the failure names', () => {
  const NS = 'media';
  const DEP = 'upload-gateway';
  const OLD = `${DEP}-k8hmqphjf`;
  const NEW = `${DEP}-flf4bcgw2`;
  const POD = `${NEW}-f9g65`;
  /** A ReplicaSet's `describe_resource`, its pod template flattened as the tool prints it. */
  const rs = (name: string, revision: number, javaOptions: string) =>
    observed(
      'describe_resource',
      { kind: 'ReplicaSet', namespace: NS, name },
      [
        `Name:         ${name}`,
        `Namespace:    ${NS}`,
        'Kind:         ReplicaSet (apps/v1)',
        `Annotations:  deployment.kubernetes.io/revision=${revision}`,
        'Spec:',
        `  selector.matchLabels.pod-template-hash: ${name.slice(name.lastIndexOf('-') + 1)}`,
        `  template.metadata.labels.pod-template-hash: ${name.slice(name.lastIndexOf('-') + 1)}`,
        '  template.spec.containers[0].name: gateway',
        '  template.spec.containers[0].image: media/upload-gateway:4.8.2',
        '  template.spec.containers[0].resources.limits.memory: 1536Mi',
        '  template.spec.containers[0].env[0].name: JAVA_TOOL_OPTIONS',
        `  template.spec.containers[0].env[0].value: ${javaOptions}`,
        '  template.spec.containers[0].env[1].name: UPLOAD_MAX_PART',
        '  template.spec.containers[0].env[1].value: 64MB',
        '  template.spec.restartPolicy: Always',
        'Status:',
        '  replicas: 2',
        'Events:  <none>',
      ].join('\n'),
    );
  const before = rs(OLD, 1, '-Xmx768m');
  const after = rs(NEW, 2, '-Xmx768m -XX:MaxDirectMemorySize=64m');
  const listed = pods(NS, [
    [POD, '1/1', 'Running', '0', '15h'],
    [`${NEW}-pstpb`, '1/1', 'Running', '0', '15h'],
  ]);
  const replicaSets = observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: NS },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [NEW, '2/2 ready', '15h'],
      [OLD, '0/0 ready', '2d'],
    ]),
  );
  const h = history(NS, DEP, [
    ['1', 'release 4.8.2', 'gateway=media/upload-gateway:4.8.2'],
    ['2 (current)', 'cap off-heap memory (JAVA_TOOL_OPTIONS)', 'gateway=media/upload-gateway:4.8.2'],
  ]);
  /** The pod's log with one failure line (`size=…` in it when `sized`, as the gateway logs its uploads). */
  const failed = (error: string, sized = true) =>
    log(NS, POD, [
      'Picked up JAVA_TOOL_OPTIONS: -Xmx768m -XX:MaxDirectMemorySize=64m',
      '2026-05-06T08:40:11.204Z INFO  c.m.u.GatewayServer - upload-gateway 4.8.2 listening on :8443 (netty 4.1.112, epoll)',
      '2026-05-06T08:51:07.330Z INFO  c.m.u.UploadHandler - POST /v1/uploads 201 size=220KB parts=1 in 38ms',
      `2026-05-06T08:52:40.905Z ERROR c.m.u.UploadHandler - POST /v1/uploads 500 ${sized ? 'size=48.2MB ' : ''}parts=1 err="java.lang.OutOfMemoryError: ${error}"`,
      '2026-05-06T08:53:02.117Z INFO  c.m.u.UploadHandler - POST /v1/uploads 201 size=310KB parts=1 in 41ms',
    ]);
  const seen = (error: string, sized = true) => [
    listed,
    deployments(NS, [DEP]),
    h,
    failed(error, sized),
    replicaSets,
    before,
    after,
  ];

  it('"Direct buffer memory" names -XX:MaxDirectMemorySize=64m: the finding, set_env restores -Xmx768m', () => {
    const [f] = rolloutDiffAnalyzer.finds(ctx(NS, seen('Direct buffer memory')));
    expect(f?.object).toBe(`deployment ${DEP}`);
    expect(f?.cause).toMatch(/revision 2: "cap off-heap memory/);
    expect(f?.cause).toMatch(/added -XX:MaxDirectMemorySize=64m to JAVA_TOOL_OPTIONS of container gateway/);
    expect(f?.cause).toMatch(/from "-Xmx768m" to "-Xmx768m -XX:MaxDirectMemorySize=64m"/);
    expect(f?.cause).toMatch(/OutOfMemoryError: Direct buffer memory/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: DEP,
        container: 'gateway',
        set: [{ name: 'JAVA_TOOL_OPTIONS', value: '-Xmx768m' }],
      },
    });
  });
  it('no finding when the failure shares fewer than two words with the option ("Java heap space")', () => {
    // Only "memory" (inside OutOfMemoryError) of max/direct/memory/size is in the line.
    expect(rolloutDiffAnalyzer.finds(ctx(NS, seen('Java heap space', false)))).toEqual([]);
    const [note] = rolloutDiffAnalyzer.notes!(ctx(NS, seen('Java heap space', false)));
    expect(note).toMatch(/env JAVA_TOOL_OPTIONS "-Xmx768m" -> "-Xmx768m -XX:MaxDirectMemorySize=64m"/);
  });
  // The option's words are matched as whole words, and "size" is too common to count: a heap OOM in the
  // gateway's own line shape ("OutOfMemoryError", `size=48.2MB`) does not blame the rollout.
  it('no finding for "Java heap space" in a line that logs the upload size (size=48.2MB)', () => {
    expect(rolloutDiffAnalyzer.finds(ctx(NS, seen('Java heap space')))).toEqual([]);
  });
});
