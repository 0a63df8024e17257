// Table tests of the rules written after held-out set 40's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { missingVariableSaid } from '../baseline/reading.js';
import { stemNamedNamespace } from '../baseline-model.js';
import { editDistance } from '../did-you-mean.js';
import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { expiredSessionsAnalyzer } from './expired-sessions.js';
import { glossOf } from './log-glosses.js';
import { misspeltPrincipalAnalyzer } from './misspelt-principal.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { retriedAndRecoveredAnalyzer } from './retried-and-recovered.js';
import { tableOf } from './types.js';

describe('glosses: a response sent twice, a temporary table, an item too large, a 15 s cut, a channel limit', () => {
  it('ERR_HTTP_HEADERS_SENT: Node answered one request twice and exits on the uncaught error', () => {
    for (const line of [
      'Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client',
      "  code: 'ERR_HTTP_HEADERS_SENT'",
    ]) {
      const g = glossOf(line);
      expect(g?.symptom).toBe(false);
      expect(g?.means).toMatch(/answered one request twice/);
      expect(g?.means).toMatch(/uncaught exception and Node\.js exits/);
      expect(g?.means).toMatch(/roll back to the previous release/);
    }
  });
  it('no gloss for the message without its code', () => {
    expect(glossOf('Error: Cannot set headers after they are sent to the client')).toBeUndefined();
  });

  it("MySQL's #sql temporary table is full: tmpdir, not the data volume", () => {
    for (const line of [
      `2026-04-26 06:07:41 ERROR churn_monthly failed after 461s: (1114, "The table '/var/lib/mysql-tmp/#sql1_3c_9' is full")`,
      "2026-04-26T06:07:41.002910Z 88240 [ERROR] [MY-013132] [Server] The table '/var/lib/mysql-tmp/#sql1_3c_9' is full!",
    ]) {
      const g = glossOf(line);
      expect(g?.symptom).toBe(false);
      expect(g?.means).toMatch(/internal temporary table/);
      expect(g?.means).toMatch(/tmpdir/);
      expect(g?.means).toMatch(/the data volume and the table itself are not full/);
    }
  });
  it('no temporary-table gloss for a table of its own that is full', () => {
    expect(
      glossOf(
        `2026-04-26 06:07:41 ERROR churn_monthly failed after 461s: (1114, "The table 'reports' is full")`,
      ),
    ).toBeUndefined();
  });

  it('memcached "object too large for cache": the 1 MB item limit, not a full cache', () => {
    const g = glossOf(
      '[2026-04-23 14:01:12,006] WARNING cache set failed key=pdp:v8:bundle:trail-runner-x2 bytes=1482113: SERVER_ERROR object too large for cache',
    );
    expect(g?.symptom).toBe(false);
    expect(g?.means).toMatch(/item size limit \(the -I option, item_size_max, 1 MB by default\)/);
    expect(g?.means).toMatch(/memcached is not full or out of memory/);
  });
  it('no gloss for a set memcached refused for want of memory', () => {
    expect(
      glossOf(
        '[2026-04-23 14:01:12,006] WARNING cache set failed key=pdp:v8:bundle:trail-runner-x2 bytes=1482113: SERVER_ERROR out of memory storing object',
      ),
    ).toBeUndefined();
  });

  const cut = (after: string) =>
    `2026-04-30T10:03:14Z WARN  export job=ex-55131 response not delivered: write: broken pipe (client closed the connection after ${after})`;
  it("a client that closed after 15.0s: Envoy's default route timeout", () => {
    const g = glossOf(cut('15.0s'));
    expect(g?.symptom).toBe(false);
    expect(g?.means).toMatch(/15 s is Envoy's default route timeout/);
    expect(g?.means).toMatch(/504 upstream request timeout/);
    expect(g?.means).toMatch(/the backend is not failing/);
  });
  it('no gloss for a client that closed after 14.0s', () => {
    expect(glossOf(cut('14.0s'))).toBeUndefined();
  });

  it('"No channels left to allocate": the AMQP connection is at channel_max', () => {
    const g = glossOf(
      '2026-04-22T07:58:42.016Z error publish failed notification=push:9913021 err=Error: No channels left to allocate (open channels on connection: 2047)',
    );
    expect(g?.symptom).toBe(false);
    expect(g?.means).toMatch(/as many channels open on its one AMQP connection as the broker's channel_max/);
    expect(g?.means).toMatch(/RabbitMQ's default is 2047/);
    expect(g?.means).toMatch(/more broker memory does not help/);
  });
  it("the broker's 530 NOT_ALLOWED for channel_max, on the client and in RabbitMQ's own log", () => {
    for (const line of [
      '2026-04-22T07:58:42.311Z warn  connection closed by server: Error: Connection closed: 530 (NOT-ALLOWED) with message "NOT_ALLOWED - number of channels opened (2047) has reached the negotiated channel_max (2047)"',
      `2026-04-22T07:58:42.305Z [error] <0.1851.0> Error on AMQP connection <0.1845.0> (10.244.0.12:48120 -> 10.244.0.16:5672, vhost: 'notify', user: 'notify', state: running), channel 0: operation none caused a connection exception not_allowed: "number of channels opened (2047) has reached the negotiated channel_max (2047)"`,
    ]) {
      const g = glossOf(line);
      expect(g?.symptom).toBe(false);
      expect(g?.means).toMatch(/per-connection channel limit \(channel_max, 2047 by default in RabbitMQ\)/);
      expect(g?.means).toMatch(/reuse channels or raise channel_max/);
    }
  });
  it('no channel gloss for a publish that failed for another reason', () => {
    expect(
      glossOf(
        "2026-04-22T07:58:42.016Z error publish failed notification=push:9913021 err=Error: Channel closed by server: 404 (NOT-FOUND) with message \"NOT_FOUND - no exchange 'notify.push' in vhost 'notify'\"",
      ),
    ).toBeUndefined();
  });
});

describe('missingVariableSaid: a request that lacked a field is no missing variable', () => {
  it('an HTTP request line with "postcode is required": no missing variable', () => {
    expect(
      missingVariableSaid(
        [
          '{"level":"info","time":"2026-04-24T11:39:18.771Z","msg":"POST /v2/quotes 201 41ms"}',
          '{"level":"info","time":"2026-04-24T11:39:51.640Z","msg":"POST /v2/quotes 400 3ms","err":"postcode is required"}',
          'Error [ERR_HTTP_HEADERS_SENT]: Cannot set headers after they are sent to the client',
        ].join('\n'),
      ),
    ).toBeUndefined();
    expect(
      missingVariableSaid('{"msg":"POST /v2/quotes 400 3ms","err":"postcode is required"}'),
    ).toBeUndefined();
  });
  it('"DATABASE_URL is required" still is one', () => {
    const said = missingVariableSaid(
      [
        '{"level":"info","time":"2026-04-24T11:39:02.004Z","msg":"quote-api 5.4.0 starting"}',
        '{"level":"fatal","time":"2026-04-24T11:39:02.006Z","msg":"config invalid","err":"DATABASE_URL is required"}',
      ].join('\n'),
    );
    expect(said).toMatch(/DATABASE_URL is required/);
  });
});

describe('expired-sessions: a Monday 401 spike of weekend sessions reaching their lifetime', () => {
  const NS = 'portal';
  const POD = 'account-portal-jdcrrqp62p-4mlhp';
  const listed = pods(NS, [
    [POD, '1/1', 'Running', '0', '5d'],
    ['account-portal-jdcrrqp62p-hjscd', '1/1', 'Running', '0', '5d'],
    ['account-portal-jdcrrqp62p-r47vj', '1/1', 'Running', '0', '5d'],
  ]);
  const lines = [
    '2026-05-04T09:01:12Z INFO  GET /account/orders 401 3ms reason=session_expired -> redirect /login',
    '2026-05-04T09:01:14Z INFO  POST /login 302 188ms user=u-88121',
    '2026-05-04T09:01:15Z INFO  GET /account/orders 200 42ms user=u-88121',
    '2026-05-04T09:02:40Z WARN  avatar CDN slow (1.4s) for u-10412',
    '2026-05-04T09:05:00Z INFO  stats 5m: requests=13120 401=1840 (all reason=session_expired) logins_ok=1611 logins_failed=27',
    '2026-05-04T09:20:00Z INFO  stats 5m: requests=9012 401=161 (all reason=session_expired) logins_ok=148 logins_failed=9',
    '2026-05-04T09:35:00Z INFO  stats 5m: requests=8820 401=64 (all reason=session_expired) logins_ok=61 logins_failed=6',
  ];
  const task =
    "The 401 alert on account-portal fired at 09:04 this morning. I suspect this morning's signing key rotation in auth-service broke token validation and is locking people out. Please find what is broken and fix it.";

  it('every 401 says session_expired in a healthy namespace: a note, no action', () => {
    const [note] = expiredSessionsAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, lines)], task));
    expect(note).toMatch(
      /The 401s are expired sessions, as the program itself says \("2026-05-04T09:01:12Z INFO GET \/account\/orders 401 3ms reason=session_expired/,
    );
    expect(note).toMatch(/4 such lines read/);
    expect(note).toMatch(/after a quiet spell, such as a weekend/);
    expect(note).toMatch(/No 401 was logged for another reason, such as a bad signature/);
    expect(note).toMatch(/no action is needed/);
    expect(expiredSessionsAnalyzer.reads(ctx(NS, [listed, log(NS, POD, lines)], task))).toEqual([]);
    expect(expiredSessionsAnalyzer.finds(ctx(NS, [listed, log(NS, POD, lines)], task))).toEqual([]);
  });
  it('a count of zero bad signatures still notes', () => {
    const counted = [...lines, '2026-05-04T09:35:00Z INFO  verify: rejected bad_signature=0 expired=64'];
    expect(expiredSessionsAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, counted)], task))).toHaveLength(1);
  });
  it('silent when a 401 line gives no expiry reason', () => {
    const bare = [...lines, '2026-05-04T09:06:10Z INFO  GET /account/invoices 401 2ms'];
    expect(expiredSessionsAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, bare)], task))).toEqual([]);
  });
  it('silent when a bad_signature reason appears, though no failure line', () => {
    const rejected = '2026-05-04T09:06:12Z INFO  token rejected reason=bad_signature kid=k-2026-q3';
    expect(errorLines(rejected)).toEqual([]);
    const signed = [...lines, rejected];
    expect(expiredSessionsAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, signed)], task))).toEqual([]);
  });
  it('silent when a pod is not ready, or a log has an error line', () => {
    const unready = pods(NS, [[POD, '0/1', 'Running', '3', '5d']]);
    expect(expiredSessionsAnalyzer.notes!(ctx(NS, [unready, log(NS, POD, lines)], task))).toEqual([]);
    const failing = [
      ...lines,
      '2026-05-04T09:36:02Z ERROR GET /account/orders 500 12ms: upstream auth-service refused the connection',
    ];
    expect(expiredSessionsAnalyzer.notes!(ctx(NS, [listed, log(NS, POD, failing)], task))).toEqual([]);
  });
});

describe('retried-and-recovered: connection resets during a network agent upgrade, retried', () => {
  const NS = 'billing';
  const POD = 'invoice-worker-52tl44gs49-kv526';
  const task =
    'invoice-worker logged a burst of Postgres connection errors overnight. I think its connection pool is broken and leaking connections since the last release. Please find what is broken and fix it.';
  const listed = pods(NS, [
    [POD, '1/1', 'Running', '0', '6d'],
    ['invoice-worker-52tl44gs49-tgjmc', '1/1', 'Running', '0', '6d'],
  ]);
  const done = 'INFO  job invoice.render done in 400ms (pool 9/10 idle)';
  const stats =
    '2026-05-05T08:45:00Z INFO  stats 1h: jobs_ok=2210 jobs_failed=0 retries=0 pool_in_use_max=3/10 queue_depth=0';
  const tail = (extra: string[] = []) =>
    log(NS, POD, [
      '[output cut: showing the last 8000 of 11253 characters; use tail]',
      ' job invoice.render done in 400ms (pool 9/10 idle)',
      done,
      done,
      done,
      ...extra,
      stats,
    ]);
  const PATTERN = 'ERROR|WARN|FATAL|Exception|fail';
  const resets = [
    '2:2026-05-05T03:12:04Z WARN  db: read ECONNRESET on pooled connection 4, discarding it; retrying job invoice.render id=771202 in 1s (attempt 1/5)',
    '3:2026-05-05T03:12:04Z WARN  db: read ECONNRESET on pooled connection 7, discarding it; retrying job invoice.send id=771199 in 1s (attempt 1/5)',
    '4:2026-05-05T03:12:05Z WARN  db: connect ETIMEDOUT billing-pg.db.svc:5432; retrying job invoice.render id=771202 in 2s (attempt 2/5)',
  ];
  const searched = (found: string[] = resets) =>
    observed(
      'search_pod_logs',
      { namespace: NS, name: POD, pattern: PATTERN, context: 0, maxMatches: 5 },
      [
        `${found.length + 2} line(s) match "${PATTERN}" in the newest 309 line(s) read`,
        ...found,
        '--',
        "8:2026-05-05T04:00:00Z WARN  pdf: font 'Inter Display' missing, falling back to 'Inter'",
        '--',
        `309:${stats}`,
      ].join('\n'),
    );

  it('every failure the search found was retried, the tail is clean: transient, no action', () => {
    const [note] = retriedAndRecoveredAnalyzer.notes!(ctx(NS, [listed, tail(), searched()], task));
    expect(note).toMatch(/The failures invoice-worker-52tl44gs49-kv526 logged earlier were transient/);
    expect(note).toMatch(/"2026-05-05T03:12:04Z WARN db: read ECONNRESET on pooled connection 4/);
    expect(note).toMatch(/, 3 such lines\)/);
    expect(note).toMatch(/its log now shows normal work \("2026-05-05T08:45:00Z INFO stats 1h/);
    expect(note).toMatch(/no action is needed/);
    expect(retriedAndRecoveredAnalyzer.finds(ctx(NS, [listed, tail(), searched()], task))).toEqual([]);
  });
  it('silent without the search, or for a task that reports no errors', () => {
    expect(retriedAndRecoveredAnalyzer.notes!(ctx(NS, [listed, tail()], task))).toEqual([]);
    const calm =
      'invoice-worker in namespace billing renders invoices slowly since the last release. Find out why.';
    expect(retriedAndRecoveredAnalyzer.notes!(ctx(NS, [listed, tail(), searched()], calm))).toEqual([]);
  });
  it('silent when a found failure line was not retried', () => {
    const lost = [
      ...resets,
      '5:2026-05-05T03:12:06Z ERROR db: read ECONNRESET on pooled connection 2; job invoice.send id=771203 failed, giving up',
    ];
    expect(retriedAndRecoveredAnalyzer.notes!(ctx(NS, [listed, tail(), searched(lost)], task))).toEqual([]);
  });
  it('silent when the tail has an error, or a pod is not ready', () => {
    const failing = tail([
      '2026-05-05T08:44:10Z ERROR db: read ECONNRESET on pooled connection 3; job invoice.render id=771990 failed',
    ]);
    expect(retriedAndRecoveredAnalyzer.notes!(ctx(NS, [listed, failing, searched()], task))).toEqual([]);
    const unready = pods(NS, [[POD, '0/1', 'Running', '0', '6d']]);
    expect(retriedAndRecoveredAnalyzer.notes!(ctx(NS, [unready, tail(), searched()], task))).toEqual([]);
  });
});

describe('misspelt-principal: a SCRAM username one letter off the workload', () => {
  const NS = 'payments';
  const DEP = 'settlement-consumer';
  const OLD = `${DEP}-82n9rgfgl`;
  const NEW = `${DEP}-smjn96kg4`;
  const POD = `${NEW}-b98qx`;
  const listed = pods(NS, [
    [POD, '0/1', 'CrashLoopBackOff', '16 (2m44s ago)', '60m'],
    [`${NEW}-fk42g`, '0/1', 'CrashLoopBackOff', '16 (2m44s ago)', '60m'],
  ]);
  const refused = log(NS, POD, [
    '2026-04-25 09:18:01.020 INFO  c.p.settlement.Main - settlement-consumer 4.6.1 starting, bootstrap=kafka-bootstrap.streaming.svc:9093 security.protocol=SASL_SSL sasl.mechanism=SCRAM-SHA-512 user=settlement-consumr',
    '2026-04-25 09:18:01.388 INFO  o.a.k.c.s.a.AbstractLogin - Successfully logged in.',
    '2026-04-25 09:18:01.902 INFO  o.a.k.c.n.SslTransportLayer - TLS handshake with kafka-bootstrap.streaming.svc/10.96.14.9:9093 complete (TLSv1.3, peer CN=kafka-bootstrap.streaming.svc, valid until 2027-04-24)',
    '2026-04-25 09:18:02.011 ERROR o.a.k.c.NetworkClient - [Consumer clientId=settlement-consumer-1, groupId=settlement] Connection to node -1 (kafka-bootstrap.streaming.svc/10.96.14.9:9093) failed authentication due to: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    '2026-04-25 09:18:02.015 ERROR c.p.settlement.Main - fatal: org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    '2026-04-25 09:18:02.016 INFO  c.p.settlement.Main - shutting down (exit 1)',
  ]);
  const cause = 'CHG-7731: per-service Kafka users (shared user svc-streaming-shared retired)';
  const described = observed(
    'describe_deployment',
    { namespace: NS, name: DEP },
    [
      `Name:                   ${DEP}`,
      `Namespace:              ${NS}`,
      'CreationTimestamp:      2025-08-18T09:20:00Z (250d ago)',
      `Labels:                 app=${DEP}`,
      'Annotations:            deployment.kubernetes.io/revision=2',
      `                        kubernetes.io/change-cause=${cause}`,
      `Selector:               app=${DEP}`,
      'Replicas:               2 desired | 2 updated | 2 total | 0 available | 2 unavailable',
      'StrategyType:           Recreate',
    ].join('\n'),
  );
  const replicaSets = observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: NS },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [OLD, '0/0 ready', '20d'],
      [NEW, '0/2 ready', '3h'],
    ]),
  );
  /** A ReplicaSet's `describe_resource` as the tool prints it, its SCRAM user `user`. */
  const rs = (name: string, revision: number, changeCause: string, user: string, age: string) => {
    const hash = name.slice(name.lastIndexOf('-') + 1);
    const c = (l: string) => `  template.spec.containers[0].${l}`;
    return observed(
      'describe_resource',
      { kind: 'ReplicaSet', namespace: NS, name },
      [
        `Name:         ${name}`,
        `Namespace:    ${NS}`,
        'Kind:         ReplicaSet (apps/v1)',
        `Labels:       app=${DEP},pod-template-hash=${hash}`,
        `Annotations:  deployment.kubernetes.io/revision=${revision},kubernetes.io/change-cause=${changeCause}`,
        `Age:          ${age}`,
        `Controlled By: Deployment/${DEP}`,
        'Spec:',
        `  replicas: ${revision === 2 ? 2 : 0}`,
        `  selector.matchLabels.app: ${DEP}`,
        `  selector.matchLabels.pod-template-hash: ${hash}`,
        `  template.metadata.labels.app: ${DEP}`,
        `  template.metadata.labels.pod-template-hash: ${hash}`,
        c('name: consumer'),
        c('image: registry.internal/payments/settlement-consumer:4.6.1'),
        c('env[0].name: KAFKA_BOOTSTRAP'),
        c('env[0].value: kafka-bootstrap.streaming.svc:9093'),
        c('env[1].name: KAFKA_SASL_MECHANISM'),
        c('env[1].value: SCRAM-SHA-512'),
        c('env[2].name: KAFKA_SASL_USERNAME'),
        c(`env[2].value: ${user}`),
        c('env[3].name: KAFKA_SASL_PASSWORD'),
        c('env[3].valueFrom.secretKeyRef.name: kafka-settlement-credentials'),
        c('env[3].valueFrom.secretKeyRef.key: password'),
        c('env[4].name: KAFKA_GROUP_ID'),
        c('env[4].value: settlement'),
        '  template.spec.restartPolicy: Always',
        '  template.spec.serviceAccountName: default',
        'Status:',
        `  replicas: ${revision === 2 ? 2 : 0}`,
        '  readyReplicas: 0',
        'Events:  <none>',
      ].join('\n'),
    );
  };
  const before = rs(OLD, 1, 'release 4.6.1', 'svc-streaming-shared', '20d');
  const after = (user: string) => rs(NEW, 2, cause, user, '3h');
  const seen = (user: string, logged = refused) => [
    listed,
    logged,
    described,
    replicaSets,
    before,
    after(user),
  ];

  it('editDistance (shared with did-you-mean): one or two letters, three, past 64 characters', () => {
    expect(editDistance('settlement-consumr', DEP, 2)).toBe(1);
    expect(editDistance('settlment-consumr', DEP, 2)).toBe(2);
    // Past the bound the distance is reported as the bound plus one.
    expect(editDistance('settlement-cnsmr', DEP, 2)).toBe(3);
    expect(editDistance(DEP, DEP, 2)).toBe(0);
    expect(editDistance('a'.repeat(65), `${'a'.repeat(64)}b`, 2)).toBe(3);
  });
  it('finds: the rollout set the user one letter off the name; set_env to the name', () => {
    const [f] = misspeltPrincipalAnalyzer.finds(ctx(NS, seen('settlement-consumr')));
    expect(f?.object).toBe(`deployment ${DEP} (pod ${POD})`);
    expect(f?.cause).toMatch(
      /credentials are refused \("2026-04-25 09:18:02\.011 ERROR o\.a\.k\.c\.NetworkClient - .* failed …"\)/,
    );
    expect(f?.evidence[0]).toMatch(
      /^get_pod_logs settlement-consumer-smjn96kg4-b98qx: "2026-04-25 09:18:02\.011 ERROR/,
    );
    expect(f?.cause).toMatch(
      /revision 2 of deployment settlement-consumer \("CHG-7731: per-service Kafka users/,
    );
    expect(f?.cause).toMatch(
      /set KAFKA_SASL_USERNAME to "settlement-consumr" \(it was "svc-streaming-shared"\), 1 letter\(s\) off the workload's own name "settlement-consumer"/,
    );
    expect(f?.evidence).toContain(
      `describe_resource ReplicaSet ${NEW} against ${OLD}: KAFKA_SASL_USERNAME "svc-streaming-shared" -> "settlement-consumr"`,
    );
    expect(f?.advice).toMatch(/set KAFKA_SASL_USERNAME=settlement-consumer on settlement-consumer\/consumer/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: DEP,
        container: 'consumer',
        set: [{ name: 'KAFKA_SASL_USERNAME', value: DEP }],
      },
    });
  });
  it('two letters off is a misspelling too', () => {
    const [f] = misspeltPrincipalAnalyzer.finds(ctx(NS, seen('settlment-consumr')));
    expect(f?.cause).toMatch(/2 letter\(s\) off/);
    expect(f?.fix?.args).toMatchObject({ set: [{ name: 'KAFKA_SASL_USERNAME', value: DEP }] });
  });
  it("silent when the user is the deployment's name, or three letters off", () => {
    expect(misspeltPrincipalAnalyzer.finds(ctx(NS, seen(DEP)))).toEqual([]);
    expect(misspeltPrincipalAnalyzer.finds(ctx(NS, seen('settlement-cnsmr')))).toEqual([]);
  });
  it('silent when no authentication failure is logged, or before both ReplicaSets are read', () => {
    const other = log(NS, POD, [
      '2026-04-25 09:18:01.020 INFO  c.p.settlement.Main - settlement-consumer 4.6.1 starting, bootstrap=kafka-bootstrap.streaming.svc:9093 security.protocol=SASL_SSL sasl.mechanism=SCRAM-SHA-512 user=settlement-consumr',
      '2026-04-25 09:18:32.015 ERROR c.p.settlement.Main - fatal: org.apache.kafka.common.errors.TimeoutException: Timeout expired while fetching topic metadata',
    ]);
    expect(misspeltPrincipalAnalyzer.finds(ctx(NS, seen('settlement-consumr', other)))).toEqual([]);
    expect(
      misspeltPrincipalAnalyzer.finds(
        ctx(NS, [listed, refused, described, replicaSets, after('settlement-consumr')]),
      ),
    ).toEqual([]);
    expect(misspeltPrincipalAnalyzer.reads(ctx(NS, seen('settlement-consumr')))).toEqual([]);
  });
});

describe('stemNamedNamespace: a namespace the task names by a word of the same stem', () => {
  const known = ['default', 'kube-system', 'notify', 'payments', 'messaging'];
  it('"notifications" names notify, "payment" names payments', () => {
    expect(stemNamedNamespace('Push notifications are late since this morning', known)).toBe('notify');
    expect(stemNamedNamespace('A payment fails at checkout', known)).toBe('payments');
  });
  it('"not" does not name notify; unrelated words name none', () => {
    expect(stemNamedNamespace('The emails did not arrive; please note the time', known)).toBeUndefined();
    expect(stemNamedNamespace('The report export is slow since the upgrade', known)).toBeUndefined();
  });
});

describe('tableOf: each output parsed on its own', () => {
  const short = pods('web', [
    ['api-6d9f7c8b54-kq2xw', '1/1', 'Running', '0', '3d'],
    ['web-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '2h'],
  ]);
  const long = pods('payments', [
    ['settlement-consumer-smjn96kg4-b98qx', '0/1', 'CrashLoopBackOff', '16 (2m44s ago)', '60m'],
    ['ledger-0', '1/1', 'Running', '0', '9d'],
  ]);
  it("two list_pods of different column widths: the second's long pod name keeps its STATUS", () => {
    const rows = tableOf([short, long], 'list_pods');
    expect(rows.map((r) => [r['NAME'], r['STATUS']])).toEqual([
      ['api-6d9f7c8b54-kq2xw', 'Running'],
      ['web-7c9f5d8b6d-bcdfg', 'Running'],
      ['settlement-consumer-smjn96kg4-b98qx', 'CrashLoopBackOff'],
      ['ledger-0', 'Running'],
    ]);
    expect(rows[2]).toMatchObject({ READY: '0/1', RESTARTS: '16 (2m44s ago)', AGE: '60m' });
  });
  it('read as one joined text, the second table does not parse under the first header', () => {
    const joined = parseTable(`${short.content}\n${long.content}`);
    const row = joined.find((r) => r['NAME'] === 'settlement-consumer-smjn96kg4-b98qx');
    expect(row).toBeDefined();
    expect(row?.['STATUS']).not.toBe('CrashLoopBackOff');
  });
});
