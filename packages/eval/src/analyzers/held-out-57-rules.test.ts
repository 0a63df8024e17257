// Table tests of the general rules written after held-out set 57's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { askedLines } from './asked-lines.js';
import { backlogHeapAnalyzer, backlogIn } from './backlog-heap.js';
import { cephSlowPeerAnalyzer } from './ceph-slow-peer.js';
import { databaseSettingsDroppedAnalyzer } from './database-settings-dropped.js';
import { logGloss } from './log-glosses.js';
import {
  ctx,
  describedPodText,
  describedReplicaSet,
  log,
  observed,
  pods,
  table,
} from './observed.fixture.js';
import { queueWithoutWorkerAnalyzer } from './queue-without-worker.js';
import { revertOneChange } from './rollout-diff.js';
import { staleRingMemberAnalyzer } from './stale-ring-member.js';
import { diedIn, threadDiedOomAnalyzer } from './thread-died-oom.js';

describe('thread-died-oom: a part of a running JVM dead of an OutOfMemoryError', () => {
  const NS = 'logs';
  const POD = 'hub-7f8d9c6b5-x2x9q';
  const running = pods(NS, [[POD, '1/1', 'Running', '0', '9d']]);
  const died = [
    'INFO  [Bootstrap] hub 5.1 started',
    'ERROR [ServiceManager] Service IndexWriter [FAILED] has failed in the RUNNING state.',
    'ERROR [ServiceManager] java.lang.OutOfMemoryError: Java heap space',
    'ERROR [ServiceManager] \tat java.util.Arrays.copyOf(Arrays.java:3537)',
    'ERROR [ServiceManager] \tat org.hub.index.IndexWriter.run(IndexWriter.java:88)',
    'WARN  [Monitor] 40000 uncommitted, read 0 msg/s',
    'WARN  [Monitor] 50000 uncommitted, read 0 msg/s',
  ];

  it('names the service that died, the heap it had and a restart', () => {
    const described = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, env: { JAVA_OPTS: '-Xms256m -Xmx256m' } }),
    );
    const [f] = threadDiedOomAnalyzer.finds(ctx(NS, [running, described, log(NS, POD, died)]));
    expect(f?.cause).toMatch(/IndexWriter inside .* died of a Java OutOfMemoryError, Java heap space/);
    expect(f?.cause).toMatch(/its heap is -Xmx256m/);
    expect(f?.advice).toMatch(/^restart .* raise its Java heap above -Xmx256m/);
  });

  it('takes the thread from the JVM’s uncaught handler, or the first run() frame', () => {
    expect(
      diedIn('Exception in thread "indexer-2" java.lang.OutOfMemoryError: Java heap space\nx\ny')?.what,
    ).toBe('indexer-2');
    expect(
      diedIn(
        'java.lang.OutOfMemoryError: Direct buffer memory\n\tat a.B.c(B.java:1)\n\tat a.Reader.run(Reader.java:9)\nnext\nmore',
      )?.what,
    ).toBe('Reader');
  });

  it.each([
    [
      'a JVM that exits on it',
      [...died.slice(0, 3), 'Terminating due to java.lang.OutOfMemoryError: Java heap space'],
    ],
    ['the last lines of the log (nothing after it)', died.slice(0, 5)],
    ['an error that names no part', ['java.lang.OutOfMemoryError: Java heap space', 'a', 'b']],
  ])('says nothing for %s', (_, lines) => {
    expect(threadDiedOomAnalyzer.finds(ctx(NS, [running, log(NS, POD, lines)]))).toEqual([]);
  });

  it('searches a cut log that starts inside the stack, and finds the error there', () => {
    const cut = log(NS, POD, [
      '[output cut: showing the last 8000 of 9100 characters; use tail]',
      'ERROR [ServiceManager] \tat org.hub.index.IndexWriter.run(IndexWriter.java:88)',
      'WARN  [Monitor] 40000 uncommitted, read 0 msg/s',
      'WARN  [Monitor] 50000 uncommitted, read 0 msg/s',
    ]);
    const reads = threadDiedOomAnalyzer.reads(ctx(NS, [running, cut]));
    expect(reads).toEqual([
      {
        tool: 'search_pod_logs',
        args: { namespace: NS, name: POD, pattern: 'OutOfMemoryError', context: 2, maxMatches: 3 },
      },
    ]);
    const searched = observed(
      'search_pod_logs',
      reads[0]!.args,
      ['1 line(s) match', `2-${died[1]}`, `3:${died[2]}`, `4-${died[3]}`].join('\n'),
    );
    const [f] = threadDiedOomAnalyzer.finds(ctx(NS, [running, cut, searched]));
    expect(f?.evidence[0]).toMatch(/^search_pod_logs .*Service IndexWriter \[FAILED\]/);
  });
});

describe('backlog-heap: intake faster than the storage writes, until the heap runs out', () => {
  const NS = 'tracing';
  const POD = 'collector-6d5f8b7c9-q8w2e';
  const stats =
    'stats: last 60m: spans accepted 1,200,000 (20,000/s), spans stored 400,000 (6,666/s), pending 800,000';
  const lines = [
    'storage ready: spans-db.tracing-db.svc:3306',
    stats,
    'span insert batch of 500 took 790 ms',
    'java.lang.OutOfMemoryError: Java heap space',
  ];

  it('names the backlog, the storage and the heap', () => {
    const [f] = backlogHeapAnalyzer.finds(ctx(NS, [log(NS, POD, lines, { previous: true })]));
    expect(f?.cause).toMatch(
      /takes in spans faster than its storage \(spans-db\.tracing-db\.svc\) writes them/,
    );
    expect(f?.cause).toMatch(/1200000 spans taken in against 400000 stored/);
    expect(f?.cause).toMatch(/its writes are slow/);
    expect(f?.weight).toBeGreaterThan(90);
  });

  it.each([
    ['no heap trouble', lines.slice(0, 3)],
    ['writes keeping up', [stats.replace('400,000', '1,100,000'), lines[3]!]],
    ['different units', [stats.replace('spans stored', 'bytes stored'), lines[3]!]],
    ['nothing written at all', [stats.replace('400,000', '0'), lines[3]!]],
  ])('says nothing for %s', (_, ls) => {
    expect(backlogIn(ls.join('\n'))).toBeUndefined();
  });
});

describe('database-settings-dropped: a rollout that unset the database settings', () => {
  const NS = 'artifacts';
  const DEP = 'repo';
  const OLD = `${DEP}-z8xct8gpm`;
  const NEW = `${DEP}-m8p5htgnr`;
  const POD = `${NEW}-rh255`;
  const app = ['containers[0].name: app', 'containers[0].image: acme/repo:7.9'];
  const dbEnv = [
    'containers[0].env[0].name: REPO_DATABASE_URL',
    'containers[0].env[0].value: jdbc:postgresql://repo-pg.data.svc:5432/repo',
    'containers[0].env[1].name: REPO_DATABASE_USER',
    'containers[0].env[1].value: repo',
  ];
  const seen = (logLines: string[], after: string[] = app) => [
    pods(NS, [[POD, '1/1', 'Running', '0', '8h']]),
    log(NS, POD, logLines),
    observed(
      'describe_deployment',
      { namespace: NS, name: DEP },
      `Name:  ${DEP}\nNamespace:  ${NS}\nAnnotations:  deployment.kubernetes.io/revision=2`,
    ),
    observed(
      'list_resources',
      { kind: 'ReplicaSet', namespace: NS },
      table([
        ['NAME', 'STATUS', 'AGE'],
        [OLD, '0/0 ready', '90d'],
        [NEW, '1/1 ready', '8h'],
      ]),
    ),
    describedReplicaSet(NS, OLD, 1, [...app, ...dbEnv]),
    describedReplicaSet(NS, NEW, 2, after),
  ];
  const waits = 'Timed out after 5000 ms waiting for a database connection (active=1, max=1, waiting=40)';

  it('searches the log for the fallback once the settings are seen dropped', () => {
    expect(databaseSettingsDroppedAnalyzer.reads(ctx(NS, seen(['GET /x 503'])))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: NS,
          name: POD,
          pattern: 'bundled|embedded|built-in|falling back|fall back',
          context: 0,
          maxMatches: 5,
        },
      },
    ]);
  });

  it('names the dropped address, the fallback database and the pool of one', () => {
    const [f] = databaseSettingsDroppedAnalyzer.finds(
      ctx(
        NS,
        seen([
          'database not configured; falling back to the embedded database (h2)',
          'pool: maxActive=1',
          waits,
          'ERROR GET /api/packages 503 5002ms',
        ]),
      ),
    );
    expect(f?.cause).toMatch(/revision 2 of deployment repo no longer sets its database: REPO_DATABASE_URL/);
    expect(f?.cause).toMatch(/and 1 more database setting were set before/);
    expect(f?.cause).toMatch(/fell back to a database of its own \(".*embedded database/);
    expect(f?.cause).toMatch(/only one connection/);
    expect(f?.cause).toMatch(/the database at repo-pg\.data\.svc stands unused/);
  });

  it.each([
    ['the settings kept', ['falling back to the embedded database'], [...app, ...dbEnv]],
    ['a log that says nothing of a fallback or waits', ['GET /x 503'], app],
  ])('says nothing with %s', (_, lines, after) => {
    expect(databaseSettingsDroppedAnalyzer.finds(ctx(NS, seen(lines, after)))).toEqual([]);
  });
});

describe('queue-without-worker: a queue no job worker takes', () => {
  const NS = 'social';
  const WORKER = 'jobs-5c8d7f6b9-k2x9q';
  const WEB = 'web-6d9c8b7f5-a1b2c';
  const listed = pods(NS, [
    [WORKER, '1/1', 'Running', '0', '2d'],
    [WEB, '1/1', 'Running', '0', '2d'],
  ]);
  const worker = observed(
    'describe_pod',
    { namespace: NS, name: WORKER },
    describedPodText({ ns: NS, name: WORKER, args: '-c 10 -q default,8 -q mailers,2' }),
  );
  const said = 'system checks: No Sidekiq process running for the scheduler, ingress queue(s).';

  it('reads the namespace’s other logs once a worker’s queue list is known', () => {
    // The worker's own log is not read for this: its queue list is known.
    expect(queueWithoutWorkerAnalyzer.reads(ctx(NS, [listed, worker]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: WEB } },
    ]);
  });

  it('names the queues missing from every worker’s list', () => {
    const [f] = queueWithoutWorkerAnalyzer.finds(ctx(NS, [listed, worker, log(NS, WEB, [said])]));
    expect(f?.cause).toMatch(
      /no worker takes the scheduler and ingress queues: .* processes only default, mailers/,
    );
    expect(f?.advice).toMatch(/-q scheduler -q ingress/);
  });

  it('takes a backlog line and a worker’s own "queues:" line too', () => {
    const w = log(NS, WORKER, [
      'Starting processing, hit Ctrl-C to stop (queues: default, push; concurrency 5)',
    ]);
    const [f] = queueWithoutWorkerAnalyzer.finds(
      ctx(NS, [listed, w, log(NS, 'exporter-1', ['queue=ingress size=48213 latency=172611.0s'])]),
    );
    expect(f?.cause).toMatch(/ingress queue/);
  });

  it.each([
    ['a queue the worker lists', 'No Sidekiq process running for the mailers queue'],
    ['a small backlog', 'queue=ingress size=12 latency=0.5s'],
  ])('says nothing for %s', (_, line) => {
    expect(queueWithoutWorkerAnalyzer.finds(ctx(NS, [listed, worker, log(NS, WEB, [line])]))).toEqual([]);
  });
});

describe('ceph-slow-peer: slow ops that wait on one replica', () => {
  const NS = 'storage';
  const listed = pods(NS, [
    ['ceph-osd-1', '1/1', 'Running', '0', '40d'],
    ['ceph-osd-2', '1/1', 'Running', '0', '40d'],
    ['ceph-osd-4', '1/1', 'Running', '0', '40d'],
  ]);
  const tracker = (from2: string) =>
    `osd.4 op tracker: osd_op(client.1:5 3.1f) events: started +0.000s, sub_op_commit_rec from 1 +0.005s, sub_op_commit_rec from 2 +${from2}s, commit_sent +${from2}s`;
  const osd2 = log(NS, 'ceph-osd-2', [
    'osd.2 bluestore log_latency slow operation observed for submit_transact, latency = 31.7s',
    'osd.2 smart: device /dev/sdc media_errors=0 reallocated_sectors=88 pending_sectors=4',
  ]);

  it('reads the slow replica’s log', () => {
    expect(cephSlowPeerAnalyzer.reads(ctx(NS, [listed, log(NS, 'ceph-osd-4', [tracker('31.880')])]))).toEqual(
      [{ tool: 'get_pod_logs', args: { namespace: NS, name: 'ceph-osd-2' } }],
    );
  });

  it('names the replica, its slow commits and its failing drive', () => {
    const [f] = cephSlowPeerAnalyzer.finds(
      ctx(NS, [listed, log(NS, 'ceph-osd-4', [tracker('31.880')]), osd2]),
    );
    expect(f?.object).toBe('pod ceph-osd-2 (osd.2)');
    expect(f?.cause).toMatch(/sub_op_commit_rec from 2 after 31\.88 s/);
    expect(f?.cause).toMatch(/its drive \/dev\/sdc reports reallocated_sectors 88, pending_sectors 4/);
    expect(f?.advice).toMatch(/^replace the drive of osd\.2 \(\/dev\/sdc\)/);
  });

  it.each([
    ['every replica fast', tracker('0.009')],
    ['two slow replicas', tracker('31.880').replace('from 1 +0.005s', 'from 1 +12.5s')],
  ])('says nothing for %s', (_, line) => {
    expect(cephSlowPeerAnalyzer.finds(ctx(NS, [listed, log(NS, 'ceph-osd-4', [line])]))).toEqual([]);
  });
});

describe('stale-ring-member: a ring entry left by a member that is gone', () => {
  const NS = 'metrics';
  const POD = 'ingester-6ndm6bjl9t-wfmks';
  const line =
    'level=warn msg="found an existing instance(s) with a problem in the ring, this instance cannot become ready until this problem is resolved." ring=ingester err="instance ingester-mjm69kghf-k2vzt past heartbeat timeout"';

  it('names the stale instance, says no pod of that name runs, and says to forget it', () => {
    const listed = pods(NS, [[POD, '0/1', 'Running', '0', '25m']]);
    const [f] = staleRingMemberAnalyzer.finds(ctx(NS, [listed, log(NS, POD, [line, line])]));
    expect(f?.cause).toMatch(/stale entry of instance ingester-mjm69kghf-k2vzt, past its heartbeat timeout/);
    expect(f?.cause).toMatch(/2 times\); no pod of that name runs any more/);
    expect(f?.advice).toMatch(/^forget the stale instance ingester-mjm69kghf-k2vzt/);
    expect(f?.revisionSound).toBe(true);
  });

  it('says nothing for an unhealthy instance the log does not wait on', () => {
    const other =
      'level=warn msg="instance heartbeat older than timeout, marking UNHEALTHY" instance=ingester-x';
    expect(staleRingMemberAnalyzer.finds(ctx(NS, [log(NS, POD, [other])]))).toEqual([]);
  });
});

describe('log-glosses: MongoDB running without a replica set', () => {
  it.each([
    '➔ |  OPLOG / REPLICASET IS REQUIRED TO RUN ROCKET.CHAT, MORE INFORMATION AT:  |',
    'MongoServerError: The $changeStream stage is only supported on replica sets',
    'this service requires a replica set (oplog tailing)',
  ])('%s', (line) => {
    expect(logGloss(line)).toMatch(/needs MongoDB to run as a replica set/);
  });

  it('not a line saying a replica set is not required', () => {
    expect(logGloss('replica set not required for this mode')).toBeUndefined();
  });
});

describe('asked-lines: the tool’s own cut notice is not a log line', () => {
  it('quotes no "[output cut: …]" line', () => {
    const seen = [
      log('ns', 'relay-1', [
        '[output cut: showing the last 8000 of 30000 characters; use tail]',
        'relay bounced mail: status=bounced (550 SPF check failed)',
      ]),
    ];
    const told = askedLines(
      ctx('ns', seen, 'Mail from the relay bounces: the output shows SPF failures, cut short?'),
    );
    expect(told.join('')).not.toContain('[output cut');
  });
});

describe('rollout-diff: the one change a refused rollback is narrowed to, harmless changes aside', () => {
  const NS = 'storefront';
  const DEP = 'graph';
  const OLD = `${DEP}-z8xct8gpm`;
  const NEW = `${DEP}-m8p5htgnr`;
  const app = ['containers[0].name: engine', 'containers[0].image: acme/engine:2.4'];
  const url = (v: string) => ['containers[0].env[0].name: DATABASE_URL', `containers[0].env[0].value: ${v}`];
  const seen = [
    pods(NS, [[`${NEW}-rh255`, '0/1', 'CrashLoopBackOff', '40', '3h']]),
    observed(
      'list_resources',
      { kind: 'ReplicaSet', namespace: NS },
      table([
        ['NAME', 'STATUS', 'AGE'],
        [OLD, '0/0 ready', '9d'],
        [NEW, '0/1 ready', '3h'],
      ]),
    ),
    describedReplicaSet(NS, OLD, 1, [...app, ...url('postgres://db.data.svc:5432/app')]),
    describedReplicaSet(NS, NEW, 2, [
      ...app,
      'containers[0].resources.requests.cpu: 250m',
      'containers[0].readinessProbe.periodSeconds: 5',
      ...url('postgres://pooler.data.svc:6432/app'),
    ]),
  ];
  const harmless = (f: string) => /^(?:readinessProbe\.|resources\.requests\.)/.test(f);

  it('reverts the variable when the other changes are a probe and requests', () => {
    const r = revertOneChange(ctx(NS, seen), DEP, harmless);
    expect(r && 'fix' in r ? r.fix.args : undefined).toEqual({
      namespace: NS,
      deployment: DEP,
      container: 'engine',
      set: [{ name: 'DATABASE_URL', value: 'postgres://db.data.svc:5432/app' }],
    });
  });

  it('reverts nothing when every change counts', () => {
    expect(revertOneChange(ctx(NS, seen), DEP)).toBeUndefined();
  });
});
