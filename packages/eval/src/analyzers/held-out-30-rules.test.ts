// Table tests of the rules written after held-out set 30's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { celeryVisibilityTimeoutAnalyzer } from './celery-visibility-timeout.js';
import { esBreakerLoweredAnalyzer } from './es-breaker-lowered.js';
import { firstPullSlowAnalyzer } from './first-pull-slow.js';
import { glossedLine } from './log-glosses.js';
import { loggedLimitAnalyzer } from './logged-limit.js';
import { mongoAuthSourceAnalyzer } from './mongo-auth-source.js';
import { ctx, log, observed, table } from './observed.fixture.js';
import { pgLockHolderAnalyzer } from './pg-lock-holder.js';
import { quotedErrorLogsAnalyzer } from './quoted-error-logs.js';
import { redisMadeReplicaAnalyzer } from './redis-made-replica.js';
import { requestNeverReturnsAnalyzer } from './request-never-returns.js';
import { stalenessThresholdAnalyzer } from './staleness-threshold.js';
import { threadPoolExhaustedAnalyzer } from './thread-pool-exhausted.js';

const pod = (ns: string, name: string, env: string, owner = name.replace(/-[a-z0-9]{5}$/, '')) =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    `Controlled By:  ReplicaSet/${owner}\nContainers:\n  app:\n    Image: a:1\n    Environment:\n      ${env}\n`,
  );

describe('logged-limit: nginx worker_connections', () => {
  it('raises the variable that holds the logged value, four times', () => {
    const [f] = loggedLimitAnalyzer.finds(
      ctx('edge', [
        log('edge', 'edge-7c9f5d8b6d-abcde', [
          '2026/03/14 19:04:37 [alert] 24#24: 1024 worker_connections are not enough',
        ]),
        pod('edge', 'edge-7c9f5d8b6d-abcde', 'WORKER_CONNECTIONS:  1024', 'edge-7c9f5d8b6d'),
      ]),
    );
    expect(f?.fix?.args).toMatchObject({
      deployment: 'edge',
      set: [{ name: 'WORKER_CONNECTIONS', value: '4096' }],
    });
  });
});

describe('mongo-auth-source: credentials checked against the path database', () => {
  const seen = (url: string) => [
    log('l', 'api-7c9f5d8b6d-abcde', [
      '{"msg":"startup failed","err":"MongoServerError: Authentication failed."}',
    ]),
    pod('l', 'api-7c9f5d8b6d-abcde', `MONGO_URL:  ${url}`, 'api-7c9f5d8b6d'),
  ];
  it('says to add authSource=admin', () => {
    const [f] = mongoAuthSourceAnalyzer.finds(
      ctx('l', seen('mongodb://mongo-0.mongo.data.svc:27017/loyalty')),
    );
    expect(f?.cause).toMatch(/names the database loyalty and no authSource/);
    expect(f?.advice).toContain('?authSource=admin');
  });
  it('silent when authSource is set or the path is admin', () => {
    expect(
      mongoAuthSourceAnalyzer.finds(ctx('l', seen('mongodb://m:27017/loyalty?authSource=admin'))),
    ).toEqual([]);
    expect(mongoAuthSourceAnalyzer.finds(ctx('l', seen('mongodb://m:27017/admin')))).toEqual([]);
  });
});

describe('thread-pool-exhausted: every request thread busy', () => {
  it('names what the threads wait on', () => {
    const [f] = threadPoolExhaustedAnalyzer.finds(
      ctx('p', [
        log('p', 'portal-7c9f5d8b6d-abcde', [
          'WARN introspection took 27340 ms for GET /rewards',
          'WARNING o.a.tomcat.util.threads.ThreadPoolExecutor: All threads (200) are currently busy, waiting. Increase maxThreads (200)',
          '"http-nio-8080-exec-173" RUNNABLE at com.members.auth.IntrospectionClient.introspect(IntrospectionClient.java:88) (readTimeout=0)',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(
      /thread pool is exhausted[\s\S]*com\.members\.auth\.IntrospectionClient\.introspect[\s\S]*no read timeout/,
    );
  });
});

describe('redis-made-replica: a REPLICAOF from outside', () => {
  const client = [
    log('n', 'worker-7c9f5d8b6d-abcde', ["ReadOnlyError: You can't write against a read only replica."]),
    pod('n', 'worker-7c9f5d8b6d-abcde', 'BROKER_URL:  redis://broker-redis.queue.svc.cluster.local:6379/0'),
  ];
  const listed = observed(
    'list_pods',
    { namespace: 'queue' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['broker-redis-6d5f7c8b9-aaaaa', '1/1', 'Running', '0', '200d'],
    ]),
  );
  it('reads the Redis the client names, then finds who made it a replica', () => {
    expect(redisMadeReplicaAnalyzer.reads(ctx('n', client))).toEqual([
      { tool: 'list_pods', args: { namespace: 'queue' } },
    ]);
    expect(redisMadeReplicaAnalyzer.reads(ctx('n', [...client, listed]))).toContainEqual({
      tool: 'get_pod_logs',
      args: { namespace: 'queue', name: 'broker-redis-6d5f7c8b9-aaaaa' },
    });
    const redisLog = log('queue', 'broker-redis-6d5f7c8b9-aaaaa', [
      "1:S 03 Aug 2026 03:12:57.418 * REPLICAOF 203.0.113.77:8886 enabled (user request from 'id=4121 addr=198.51.100.23:51744 laddr=10.244.1.9:6379')",
    ]);
    const svc = observed(
      'describe_service',
      { namespace: 'queue', name: 'broker-redis' },
      'Name: broker-redis\nType:  LoadBalancer\n',
    );
    const [f] = redisMadeReplicaAnalyzer.finds(ctx('n', [...client, listed, redisLog, svc]));
    expect(f?.cause).toMatch(
      /replica of 203\.0\.113\.77:8886, a host outside the cluster[\s\S]*type LoadBalancer/,
    );
  });
});

describe('pg-lock-holder: a session holding the lock', () => {
  const client = log('c', 'api-7c9f5d8b6d-abcde', [
    'ERROR 504: canceling statement due to statement timeout',
  ]);
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['c', 'Active', '1d'],
      ['data', 'Active', '1d'],
    ]),
  );
  const pgPods = observed(
    'list_pods',
    { namespace: 'data' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['postgres-6d5f7c8b9-aaaaa', '2/2', 'Running', '0', '9d'],
    ]),
  );
  const server = log('data', 'postgres-6d5f7c8b9-aaaaa', [
    'Defaulted container "postgres" out of: postgres, lock-monitor; pass container to read another',
    '2026-05-19 14:05:13 UTC [4521] LOG:  process 4521 still waiting for AccessExclusiveLock on relation 16584',
    '2026-05-19 14:05:13 UTC [4521] DETAIL:  Process holding the lock: 3877. Wait queue: 4521.',
    '2026-05-19 14:05:13 UTC [4521] STATEMENT:  ALTER TABLE products ADD COLUMN rank integer',
  ]);
  const monitor = log(
    'data',
    'postgres-6d5f7c8b9-aaaaa',
    ["pid=3877 user=s app=price-sync state='idle in transaction' xact_age=2h43m"],
    {
      container: 'lock-monitor',
    },
  );
  const deployments = observed(
    'list_deployments',
    { namespace: 'c' },
    table([
      ['NAME', 'READY'],
      ['api', '3/3'],
      ['price-sync', '1/1'],
    ]),
  );
  const task = 'the postgres in namespace data is slow';
  it('reads the database the task names, then its other container', () => {
    expect(pgLockHolderAnalyzer.reads(ctx('c', [client, namespaces], task))).toContainEqual({
      tool: 'list_pods',
      args: { namespace: 'data' },
    });
    expect(pgLockHolderAnalyzer.reads(ctx('c', [client, namespaces, pgPods], task))).toContainEqual({
      tool: 'get_pod_logs',
      args: { namespace: 'data', name: 'postgres-6d5f7c8b9-aaaaa' },
    });
    expect(pgLockHolderAnalyzer.reads(ctx('c', [client, namespaces, pgPods, server], task))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'data', name: 'postgres-6d5f7c8b9-aaaaa', container: 'lock-monitor' },
      },
    ]);
  });
  it('names the idle-in-transaction application and restarts it', () => {
    const [f] = pgLockHolderAnalyzer.finds(
      ctx('c', [client, namespaces, pgPods, server, monitor, deployments], task),
    );
    expect(f?.cause).toMatch(
      /process 3877 holds a lock[\s\S]*price-sync's session sitting idle in transaction/,
    );
    expect(f?.fix).toMatchObject({
      tool: 'restart_deployment',
      args: { namespace: 'c', name: 'price-sync' },
    });
  });
});

describe('es-breaker-lowered and the request-breaker gloss', () => {
  const esLog = (from: string, to: string) =>
    log('e', 'es-7c9f5d8b6d-abcde', [
      `{"message":"updating [indices.breaker.request.limit] from [${from}] to [${to}]"}`,
      'CircuitBreakingException: [request] Data too large, data for [<reused_arrays>] would be [1.1gb]',
    ]);
  it('a lowered limit is the cause; a raised one is not', () => {
    expect(esBreakerLoweredAnalyzer.finds(ctx('e', [esLog('60%', '30%')]))[0]?.cause).toMatch(
      /now 30% of the heap instead of 60%/,
    );
    expect(esBreakerLoweredAnalyzer.finds(ctx('e', [esLog('60%', '70%')]))).toEqual([]);
  });
  it('glosses the breaker message', () => {
    expect(glossedLine('circuit_breaking_exception: [request] Data too large, data for [x]')?.means).toMatch(
      /indices\.breaker\.request\.limit/,
    );
  });
});

describe("quoted-error-logs: the servers' logs when the person quotes an error", () => {
  const pods = observed(
    'list_pods',
    { namespace: 'e' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['es-7c9f5d8b6d-xxxxx', '1/1', 'Running', '0', '9d'],
      ['es-7c9f5d8b6d-bbbbb', '1/1', 'Running', '0', '9d'],
      ['kibana-6d5f7c8b9-ccccc', '1/1', 'Running', '0', '9d'],
    ]),
  );
  it('one pod of each workload, once', () => {
    expect(
      quotedErrorLogsAnalyzer.reads(ctx('e', [pods], 'searches fail with "circuit_breaking_exception"')),
    ).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'e', name: 'es-7c9f5d8b6d-xxxxx' } },
      { tool: 'get_pod_logs', args: { namespace: 'e', name: 'kibana-6d5f7c8b9-ccccc' } },
    ]);
    expect(quotedErrorLogsAnalyzer.reads(ctx('e', [pods], 'searches are slow'))).toEqual([]);
  });
});

describe('celery-visibility-timeout: a task received again', () => {
  const lines = (second: string) => [
    '[config] broker=redis://redis.cache.svc:6379/1 task_acks_late=True',
    '[2026-12-01 12:02:11,040: INFO/MainProcess] Task reports.export_csv[3f1a-77c2] received',
    `[2026-12-01 ${second},118: INFO/MainProcess] Task reports.export_csv[${second === '13:02:30' ? '3f1a-77c2' : '9b9b-0000'}] received`,
  ];
  it('the same id an hour apart', () => {
    const [f] = celeryVisibilityTimeoutAnalyzer.finds(ctx('r', [log('r', 'worker-1', lines('13:02:30'))]));
    expect(f?.cause).toMatch(/received 2 times, 60 minutes apart[\s\S]*acks_late/);
  });
  it('silent when every task is received once', () => {
    expect(
      celeryVisibilityTimeoutAnalyzer.finds(ctx('r', [log('r', 'worker-1', lines('13:05:00'))])),
    ).toEqual([]);
  });
});

describe('request-never-returns: a run stuck on one request', () => {
  const stuck =
    'progress: 411/412 fetched, in flight: GET http://crl.legacy.example/ica-2.crl (worker 7, no response yet)';
  it('the same request in flight, report after report', () => {
    const [f] = requestNeverReturnsAnalyzer.finds(
      ctx('pki', [
        log('pki', 'crl-aggregate-29521560-sqn4m', ['crl-aggregate (go1.22.5)', stuck, stuck, stuck]),
      ]),
    );
    expect(f?.object).toBe('cronjob crl-aggregate (pod crl-aggregate-29521560-sqn4m)');
    expect(f?.cause).toMatch(/without a timeout \(Go's http\.Client/);
  });
  it('silent on progress that moves', () => {
    expect(requestNeverReturnsAnalyzer.finds(ctx('pki', [log('pki', 'p', [stuck, stuck])]))).toEqual([]);
  });
});

describe('staleness-threshold and first-pull-slow: expected, said so', () => {
  const pods = observed(
    'list_pods',
    { namespace: 'l' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['backup-29684160-hm6k7', '0/1', 'Completed', '0', '2h'],
      ['backup-29684220-qmbcz', '0/1', 'Completed', '0', '1h'],
    ]),
  );
  it('an "older than 1h" alert on an hourly job', () => {
    const [note] = stalenessThresholdAnalyzer.notes!(
      ctx('l', [pods], 'BackupStale: last success older than 1h'),
    );
    expect(note).toMatch(/runs every 60 minutes[\s\S]*no action is needed/);
    expect(stalenessThresholdAnalyzer.notes!(ctx('l', [pods], 'BackupStale: older than 3h'))).toEqual([]);
  });
  it('a three-minute first pull, then already present', () => {
    const events = observed(
      'get_events',
      { namespace: 'd' },
      [
        'Normal Pulled pod/nb-1 Successfully pulled image "r.example/lab:1" in 2m48.512s (2m48.512s including waiting). Image size: 3412998144 bytes.',
        'Normal Pulled pod/nb-2 Container image "r.example/lab:1" already present on machine',
      ].join('\n'),
    );
    const [note] = firstPullSlowAnalyzer.notes!(
      ctx('d', [events], 'the notebook took three minutes to start'),
    );
    expect(note).toMatch(
      /first pull of the image r\.example\/lab:1 \(3\.4 GB\)[\s\S]*already present[\s\S]*no action is needed/,
    );
  });
});

describe('RabbitMQ acknowledgement timeout gloss', () => {
  it('names prefetch', () => {
    expect(
      glossedLine('(406) PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out')?.means,
    ).toMatch(/prefetch/);
  });
});
