// A hostile review of the rules written around held-out set 57 (reconnect-storm, replication-ring,
// quota-below-eviction, thread-died-oom, backlog-heap, database-settings-dropped, queue-without-worker,
// ceph-slow-peer, stale-ring-member, the MongoDB replica-set glosses, the dotted-member hints, the
// refused rollback narrowed past "harmless" changes, and the cut notice left out of asked lines).
// Rows that held from the start are plain tests; each bug the review found was an `it.skip` under a
// one-line bug note, and is now a passing test under "Found in review, fixed:" (33 of them).
import type { DecideRequest, ToolDescriptor, ToolResultPart } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { BaselineSreModel } from '../baseline-model.js';
import type { SeenObservation } from '../observations.js';
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
import { quotaBelowEvictionAnalyzer, quotaFullIn } from './quota-below-eviction.js';
import { reconnectStormAnalyzer, stormIn } from './reconnect-storm.js';
import { replicationRingAnalyzer } from './replication-ring.js';
import { revertOneChange } from './rollout-diff.js';
import { staleRingMemberAnalyzer } from './stale-ring-member.js';
import { diedIn, threadDiedOomAnalyzer } from './thread-died-oom.js';
import type { Analyzer, Finding } from './types.js';

/** A lone surrogate: half of a pair, which no well-formed text contains. */
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `unit` repeated to `n` characters. */
const fill = (unit: string, n = 3990) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
/** `line` repeated on lines up to about `total` characters. */
const many = (line: string, total = 200_000) =>
  Array.from({ length: Math.ceil(total / (line.length + 1)) }, () => line).join('\n');

/** Milliseconds `f` takes. */
function ms(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

/**
 * A hostile input takes no more than fifty times a benign one of the same size (and never less than a
 * second is allowed): super-linear matching would blow far past that. Each text is new to the memo.
 */
function expectBounded(run: (text: string) => unknown, benign: string, hostile: string) {
  run(`warm-up ${Math.random()}`);
  const base = ms(() => run(benign));
  const bad = ms(() => run(hostile));
  expect(bad).toBeLessThan(Math.max(1000, 50 * base));
}

const ALL: readonly Analyzer[] = [
  reconnectStormAnalyzer,
  replicationRingAnalyzer,
  quotaBelowEvictionAnalyzer,
  threadDiedOomAnalyzer,
  backlogHeapAnalyzer,
  databaseSettingsDroppedAnalyzer,
  queueWithoutWorkerAnalyzer,
  cephSlowPeerAnalyzer,
  staleRingMemberAnalyzer,
];

const texts = (fs: readonly Finding[]) => fs.flatMap((f) => [f.cause, ...f.evidence, f.advice ?? '']);

// ---------------------------------------------------------------------------------------------
// reconnect-storm
// ---------------------------------------------------------------------------------------------

describe('reconnect-storm: benign growth and other wordings', () => {
  const NS = 'iot';
  const POD = 'broker-6c9f7d8b5-k2x9q';
  const running = pods(NS, [[POD, '1/1', 'Running', '0', '19d']]);
  const finds = (lines: string[]) => reconnectStormAnalyzer.finds(ctx(NS, [running, log(NS, POD, lines)]));
  const rate = (n: number) => `stats: packets.connect.received(1m)=${n}`;

  it('reads another product’s per-minute key (connects_per_min) and names no peer for one drop', () => {
    const [f] = finds([
      'stats: connects_per_min: 38',
      'client 7 disconnected (peer 10.0.0.9)',
      'stats: connects_per_min: 40000',
    ]);
    expect(f?.cause).toMatch(/grew 1053 times, from 38 to 40000/);
    expect(f?.cause).not.toMatch(/peer address/);
    expect(f?.evidence[0]).toBe(`get_pod_logs ${POD}: "stats: connects_per_min: 40000"`);
  });

  it('does bounded work on lines where every few characters start a connect key', () => {
    expectBounded((t) => stormIn(t), many(fill('abcdefgh ')), many(fill(')connect)connect.x')));
  });

  // Found in review, fixed: a gauge of the connections open now (Redis's connected_clients) or a lifetime total (total_connections_received) is compared as a connect rate, so a server that just started and filled up, or one that ran for days, is a "reconnect storm". Expected: only per-interval counts.
  it('does not read an open-connections gauge or a lifetime total as a connect rate', () => {
    expect(
      finds(['# Server started, Redis version 7.2.4', 'connected_clients:3', 'connected_clients:9000']),
    ).toEqual([]);
    expect(stormIn('total_connections_received:12\ntotal_connections_received:240311')).toBeUndefined();
  });

  // Found in review, fixed: the one-off reconnect after the server's own restart, back at its usual rate in the newest samples, is reported as a storm that keeps the server busy now. Expected: no finding when the latest samples are back near the low.
  it('does not call a burst that settled after the server’s own restart a storm', () => {
    expect(
      finds(['[notice] broker 5.1 is running now!', rate(2), rate(9000), rate(48), rate(51), rate(47)]),
    ).toEqual([]);
  });

  // Found in review, fixed: two listeners' counters of the same name on ONE statistics line are compared as two samples in time, so a steady line is a storm ("grew 100 times, from 40 to 4000"). Expected: only samples of different lines are compared.
  it('does not compare two listeners of one line as two samples', () => {
    expect(finds(['stats: listener=tcp connects=40 listener=ws connects=4000'])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// replication-ring
// ---------------------------------------------------------------------------------------------

describe('replication-ring: meshes, pairs and other spellings', () => {
  const NS = 'cache';
  const listed = (n: number) =>
    pods(
      NS,
      Array.from({ length: n }, (_, i) => [`kv-${i}`, '1/1', 'Running', '0', '12d']),
    );
  const member = (i: number, lines: string[]) =>
    log(NS, `kv-${i}`, [
      '1:C 01 May 2026 10:00:00.000 * Notice: "active-replica yes" implies "replica-read-only no"',
      ...lines,
    ]);

  it('a two-member pair that replicates both ways (REPLICAOF wording) is a mesh, not a ring', () => {
    const seen = [
      listed(2),
      member(0, ['REPLICAOF kv-1.kv 6379 enabled']),
      member(1, ['REPLICAOF kv-0.kv 6379']),
    ];
    expect(replicationRingAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  it('finds the ring when masters are named by full cluster DNS names, and reads nothing more', () => {
    const fq = (m: number) => [`Connecting to MASTER kv-${m}.kv.cache.svc.cluster.local:6379`];
    const seen = [listed(3), member(0, fq(1)), member(1, fq(2)), member(2, fq(0))];
    const [f] = replicationRingAnalyzer.finds(ctx(NS, seen));
    expect(f?.object).toBe('StatefulSet kv in cache');
    expect(f?.cause).toMatch(/3 members replicate in a ring.*kv-0 from kv-1, kv-1 from kv-2, kv-2 from kv-0/);
    expect(f?.cause).not.toMatch(/drifted/);
    expect(replicationRingAnalyzer.reads(ctx(NS, seen))).toEqual([]);
  });

  it('asks for the pod list first, then each unread sibling once (at most four)', () => {
    const first = member(0, ['Connecting to MASTER kv-1.kv:6379']);
    expect(replicationRingAnalyzer.reads(ctx(NS, [first]))).toEqual([
      { tool: 'list_pods', args: { namespace: NS } },
    ]);
    const reads = replicationRingAnalyzer.reads(ctx(NS, [listed(6), first]));
    const names = reads.map((r) => r.args['name']);
    expect(names).toEqual(['kv-1', 'kv-2', 'kv-3', 'kv-4']);
  });

  // Found in review, fixed: with multi-master on, each member logs "Connecting to MASTER" for every other member (the full mesh the rule asks for), but only the last master of each log is kept, so a mesh whose last connects happen to cycle is "a ring, each from only the next one". Expected: no ring finding.
  it('does not call a full mesh a ring when the last connects happen to cycle', () => {
    const mesh = (i: number, masters: number[]) =>
      member(i, [
        'multi-master yes',
        ...masters.map((m) => `1:S 01 May 2026 10:00:00.200 * Connecting to MASTER kv-${m}.kv:6379`),
      ]);
    const seen = [listed(3), mesh(0, [2, 1]), mesh(1, [0, 2]), mesh(2, [1, 0])];
    expect(replicationRingAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  // Found in review, fixed: a member's key count is the last `keys=` line of its log, whatever database it is, so a member with a small db1 beside an equal db0 is said to have "drifted apart (kv-0 3, kv-1 900, …)". Expected: the same database compared across members (or their totals), no drift here.
  it('compares the key counts of the same database', () => {
    const m = (i: number, next: number, keys: string[]) =>
      member(i, [`Connecting to MASTER kv-${next}.kv:6379`, ...keys]);
    const seen = [
      listed(3),
      m(0, 1, ['db0:keys=900,expires=0', 'db1:keys=3,expires=0']),
      m(1, 2, ['db0:keys=900,expires=0', 'db1:keys=3,expires=0']),
      m(2, 0, ['db1:keys=3,expires=0', 'db0:keys=900,expires=0']),
    ];
    const [f] = replicationRingAnalyzer.finds(ctx(NS, seen));
    expect(f?.cause).toMatch(/replicate in a ring/);
    expect(f?.cause).not.toMatch(/drifted apart/);
  });
});

// ---------------------------------------------------------------------------------------------
// quota-below-eviction
// ---------------------------------------------------------------------------------------------

describe('quota-below-eviction: watermarks, negations and formats', () => {
  const NS = 'cache';
  const POD = 'store-master-7d9c8b6f5-q2w8e';
  const running = pods(NS, [[POD, '1/1', 'Running', '0', '3d']]);
  const idle =
    'stats: pool used 2500.0 GiB / 4096 GiB (61.0%); eviction idle (pool below high watermark); evicted: 0';
  const full = 'stats: web used 1638.4 / 1638.4 GiB (100.0%), put rejected last 60s: 912 (QUOTA_EXCEEDED)';

  it('reads a dotted tenant name, a quota in bytes and "refused"', () => {
    const q = quotaFullIn(
      [idle, 'stats: team.web-2 used 1048576 / 1048576 bytes (100%), writes refused: 7'].join('\n'),
    );
    expect(q).toMatchObject({ tenant: 'team.web-2', unit: ' bytes', rejected: 7, pool: '61.0' });
  });

  it('says nothing for a tenant at 98.9 % of its quota', () => {
    const near = 'stats: web used 1620.4 / 1638.4 GiB (98.9%), put rejected last 60s: 12';
    expect(quotaBelowEvictionAnalyzer.finds(ctx(NS, [running, log(NS, POD, [idle, near])]))).toEqual([]);
  });

  it('does bounded work on long lines of "used" and "watermark"', () => {
    expectBounded(
      (t) => quotaFullIn(t),
      `${idle}\n${full}\n${many(fill('abcdefgh '))}`,
      `${idle}\n${full}\n${many(fill('-watermark-used 1 / 1 (100%) rejected '))}`,
    );
  });

  // Found in review, fixed: the watermark quoted is the first `…watermark…=` setting of the log, so a start-up line that names the low watermark before the high one is cited as "its high watermark (eviction_low_watermark_ratio=0.60 …)". Expected: the high watermark's setting.
  it('quotes the high watermark, not the low one printed before it', () => {
    const start =
      'starting: pool 4096 GiB, eviction_low_watermark_ratio=0.60 (2457.6 GiB), eviction_high_watermark_ratio=0.80 (3276.8 GiB)';
    const [f] = quotaBelowEvictionAnalyzer.finds(ctx(NS, [running, log(NS, POD, [start, idle, full])]));
    expect(f?.cause).toMatch(/high watermark \(eviction_high_watermark_ratio=0\.80/);
  });

  // Found in review, fixed: "no longer below the high watermark" matches the idle pattern ("below … watermark"), so a pool whose eviction has just started is read as eviction idle. Expected: a negated "below" is no idle line.
  it('does not read "no longer below the high watermark" as eviction idle', () => {
    const started =
      'stats: pool used 3400 GiB / 4096 GiB (83.0%); no longer below the high watermark, eviction started';
    expect(quotaFullIn([started, full].join('\n'))).toBeUndefined();
  });

  // Found in review, fixed: any "eviction idle" line of the log counts, even one a later line contradicts ("eviction started … evicted: 4211"), so a tenant full while eviction runs is reported. Expected: the newest word on eviction decides.
  it('does not take an idle line that a later "eviction started" line overrides', () => {
    const running2 =
      'eviction started: pool used 3300 GiB / 4096 GiB (80.6%) above high watermark; evicted: 4211';
    expect(quotaFullIn([idle, running2, full].join('\n'))).toBeUndefined();
  });

  // Found in review, fixed: the usual "used 1638.4 GiB / 1638.4 GiB" form (the unit after each number) is not read: the pattern wants the slash right after the used figure. Expected: the same finding as "1638.4 / 1638.4 GiB".
  it('reads "used 1638.4 GiB / 1638.4 GiB" with the unit after each figure', () => {
    const withUnits =
      'stats: web used 1638.4 GiB / 1638.4 GiB (100.0%), put rejected last 60s: 912 (QUOTA_EXCEEDED)';
    expect(quotaFullIn([idle, withUnits].join('\n'))?.tenant).toBe('web');
  });
});

// ---------------------------------------------------------------------------------------------
// thread-died-oom
// ---------------------------------------------------------------------------------------------

describe('thread-died-oom: quoted errors, stack shapes and cut logs', () => {
  const NS = 'logs';
  const POD = 'hub-7f8d9c6b5-x2x9q';
  const running = pods(NS, [[POD, '1/1', 'Running', '0', '9d']]);
  const finds = (lines: string[], more: SeenObservation[] = []) =>
    threadDiedOomAnalyzer.finds(ctx(NS, [running, log(NS, POD, lines), ...more]));
  const doc =
    'INFO  [Config] tip: a heap too small for the batch size fails with java.lang.OutOfMemoryError: Java heap space (docs/heap.md)';

  it('an OutOfMemoryError only quoted from documentation, with no thread and no stack, is no finding', () => {
    expect(finds([doc, 'INFO  [Monitor] 0 uncommitted', 'INFO  [Monitor] 0 uncommitted'])).toEqual([]);
  });

  it('names a Kotlin coroutine thread from the uncaught handler', () => {
    const d = diedIn(
      'Exception in thread "DefaultDispatcher-worker-1" java.lang.OutOfMemoryError: GC overhead limit exceeded\nnext\nmore',
    );
    expect(d).toMatchObject({ what: 'DefaultDispatcher-worker-1', kind: 'GC overhead limit exceeded' });
  });

  it('searches a cut log once: not again once the search is read, even when it found nothing', () => {
    const cut = log(NS, POD, [
      '[output cut: showing the last 8000 of 9100 characters; use tail]',
      'ERROR [ServiceManager] \tat org.hub.index.IndexWriter.run(IndexWriter.java:88)',
      'WARN  [Monitor] 40000 uncommitted',
      'WARN  [Monitor] 50000 uncommitted',
    ]);
    const [read] = threadDiedOomAnalyzer.reads(ctx(NS, [running, cut]));
    expect(read?.tool).toBe('search_pod_logs');
    const none = observed('search_pod_logs', read!.args, '0 line(s) match "OutOfMemoryError"');
    expect(threadDiedOomAnalyzer.reads(ctx(NS, [running, cut, none]))).toEqual([]);
    expect(threadDiedOomAnalyzer.finds(ctx(NS, [running, cut, none]))).toEqual([]);
  });

  // Found in review, fixed: an OutOfMemoryError quoted in a tip, followed within 30 lines by an unrelated handled exception whose stack has a `run(` frame, is "Client … died of a Java OutOfMemoryError". Expected: a `run(` frame counts only in the stack right under the error.
  it('does not take the run() frame of an unrelated stack below a quoted error', () => {
    const lines = [
      doc,
      'WARN  [Client] retrying connection to es:9200',
      'java.net.ConnectException: Connection refused',
      '\tat java.base/sun.nio.ch.Net.connect0(Native Method)',
      '\tat org.hub.es.Client.run(Client.java:40)',
      'INFO  [Client] connected to es:9200',
      'INFO  [Monitor] 0 uncommitted',
    ];
    expect(finds(lines)).toEqual([]);
  });

  // Found in review, fixed: on a JDK 8 stack of a pooled task, the first `run(` frame is java.util.concurrent.FutureTask, and the finding says "FutureTask inside … died". Expected: JDK frames (java.*, javax.*) skipped, so no JDK class is named as the part that died.
  it('does not name a JDK class (FutureTask) as the part that died', () => {
    const d = diedIn(
      [
        'java.lang.OutOfMemoryError: Java heap space',
        '\tat java.util.Arrays.copyOf(Arrays.java:3537)',
        '\tat org.hub.Export.call(Export.java:10)',
        '\tat java.util.concurrent.FutureTask.run(FutureTask.java:266)',
        '\tat java.util.concurrent.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:624)',
        '\tat java.lang.Thread.run(Thread.java:750)',
        'INFO a',
        'INFO b',
      ].join('\n'),
    );
    expect(d?.what ?? 'none').not.toMatch(/FutureTask|ThreadPoolExecutor|^Thread$/);
  });

  // Found in review, fixed: with the logger's prefix on every line, a stack's "Caused by:" and "... 5 more" lines count as lines the process logged after the error, so a log that ends at the stack says "the JVM kept running". Expected: prefixed continuation lines are stack lines (no finding here).
  it('does not count a prefixed "Caused by" and "... N more" as the process going on', () => {
    const lines = [
      'INFO  [Bootstrap] hub 5.1 started',
      'ERROR [ServiceManager] Service IndexWriter [FAILED] has failed in the RUNNING state.',
      'ERROR [ServiceManager] java.lang.OutOfMemoryError: Java heap space',
      'ERROR [ServiceManager] \tat org.hub.index.IndexWriter.run(IndexWriter.java:88)',
      'ERROR [ServiceManager] Caused by: java.lang.OutOfMemoryError: Java heap space',
      'ERROR [ServiceManager] \t... 5 more',
    ];
    expect(finds(lines)).toEqual([]);
  });

  // Found in review, fixed: get_pod_logs of a pod with several containers puts kubectl's `Defaulted container …` line before the cut notice, and the cut log is then never searched (the rule wants the text to START with "[output cut"). Expected: the same search as for a one-container pod.
  it('searches a cut log of a multi-container pod (a "Defaulted container" line first)', () => {
    const cut = log(NS, POD, [
      'Defaulted container "hub" out of: hub, exporter; pass container to read another',
      '[output cut: showing the last 8000 of 9100 characters; use tail]',
      'ERROR [ServiceManager] \tat org.hub.index.IndexWriter.run(IndexWriter.java:88)',
      'WARN  [Monitor] 40000 uncommitted',
      'WARN  [Monitor] 50000 uncommitted',
    ]);
    expect(threadDiedOomAnalyzer.reads(ctx(NS, [running, cut]))[0]?.tool).toBe('search_pod_logs');
  });
});

// ---------------------------------------------------------------------------------------------
// backlog-heap
// ---------------------------------------------------------------------------------------------

describe('backlog-heap: other wordings, gauges and numbers', () => {
  const NS = 'tracing';
  const POD = 'collector-6d5f8b7c9-q8w2e';
  const oom = 'java.lang.OutOfMemoryError: Java heap space';

  it('a heap gauge under 90 % (or "19%") is not the heap running out', () => {
    expect(
      backlogIn(
        [
          'stats: spans accepted 1,200,000, spans stored 400,000',
          'heap usage 89%',
          'heap used 512MB (19%)',
        ].join('\n'),
      ),
    ).toBeUndefined();
  });

  it('reads another product’s wording (messages received: / written=) from the previous log', () => {
    const lines = ['stats: messages received: 5,000 messages written=1,000', 'heap usage 97.5%'];
    const [f] = backlogHeapAnalyzer.finds(ctx(NS, [log(NS, POD, lines, { previous: true })]));
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toMatch(/5000 messages taken in against 1000 stored/);
  });

  // Found in review, fixed: "3.9M" and "2.9M" are read as 3 and 2 (the digits before the point), so an intake only 1.34 times the writes passes the 1.5 bar and the finding says "3 spans taken in against 2 stored". Expected: decimals and k/M suffixes read as what they say (no finding here).
  it('reads "3.9M" and "2.9M" as millions, not as 3 and 2', () => {
    expect(
      backlogIn(['stats: spans accepted 3.9M, spans stored 2.9M', 'heap usage 95%'].join('\n')),
    ).toBeUndefined();
  });

  // Found in review, fixed: the storage is the first cluster DNS name of the log, so a collector that reads from Kafka names its intake as "its storage (kafka.data.svc)". Expected: the host of the storage line (spans-db.tracing-db.svc).
  it('names the storage, not the queue it reads from', () => {
    const b = backlogIn(
      [
        'consuming from kafka-0.kafka.data.svc:9092 topic jaeger-spans',
        'storage ready: spans-db.tracing-db.svc:3306',
        'stats: spans received 1,200,000, spans stored 400,000',
        oom,
      ].join('\n'),
    );
    expect(b?.storage).toBe('spans-db.tracing-db.svc');
  });

  // Found in review, fixed: logfmt statistics (`spans_received=1200000 spans_stored=400000`), the common key=value form, are not read: the pattern wants "spans received" with a space. Expected: the same finding.
  it('reads logfmt keys spans_received= / spans_stored=', () => {
    expect(backlogIn(['msg=stats spans_received=1200000 spans_stored=400000', oom].join('\n'))?.taken).toBe(
      1_200_000,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// database-settings-dropped
// ---------------------------------------------------------------------------------------------

describe('database-settings-dropped: what was dropped, whose log, and how it is said', () => {
  const NS = 'artifacts';
  const DEP = 'repo';
  const OLD = `${DEP}-z8xct8gpm`;
  const NEW = `${DEP}-m8p5htgnr`;
  const POD = `${NEW}-rh255`;
  const app = ['containers[0].name: app', 'containers[0].image: acme/repo:7.9'];
  const url = [
    'containers[0].env[0].name: REPO_DATABASE_URL',
    'containers[0].env[0].value: jdbc:postgresql://repo-pg.data.svc:5432/repo',
  ];
  const seen = (
    logs: SeenObservation[],
    before: string[],
    after: string[],
    more: string[][] = [],
  ): SeenObservation[] => [
    pods(NS, [[POD, '1/1', 'Running', '0', '8h'], ...more]),
    ...logs,
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
    describedReplicaSet(NS, OLD, 1, before),
    describedReplicaSet(NS, NEW, 2, after),
  ];
  const fellBack = ['falling back to the embedded database (h2)', 'ERROR GET /api/packages 503 5002ms'];

  it('a variable moved to a Secret (valueFrom) is not read as unset', () => {
    const fromSecret = [
      ...app,
      'containers[0].env[0].name: REPO_DATABASE_URL',
      'containers[0].env[0].valueFrom.secretKeyRef.name: repo-db',
      'containers[0].env[0].valueFrom.secretKeyRef.key: url',
    ];
    const s = seen([log(NS, POD, fellBack)], [...app, ...url], fromSecret);
    expect(databaseSettingsDroppedAnalyzer.finds(ctx(NS, s))).toEqual([]);
    expect(databaseSettingsDroppedAnalyzer.reads(ctx(NS, s))).toEqual([]);
  });

  it('searches the pod’s log once, not again once the search is read', () => {
    const s = seen([log(NS, POD, ['ERROR GET /x 503'])], [...app, ...url], app);
    const [read] = databaseSettingsDroppedAnalyzer.reads(ctx(NS, s));
    expect(read?.tool).toBe('search_pod_logs');
    const none = observed('search_pod_logs', read!.args, '0 line(s) match');
    expect(databaseSettingsDroppedAnalyzer.reads(ctx(NS, [...s, none]))).toEqual([]);
  });

  // Found in review, fixed: a rollout that only dropped a tuning variable (DB_POOL_MAX) while REPO_DATABASE_URL is still set is "no longer sets its database … fell back to a database of its own". Expected: no finding while a database address is still set in the new revision.
  it('does not say the database was dropped while its address is still set', () => {
    const before = [
      ...app,
      ...url,
      'containers[0].env[1].name: DB_POOL_MAX',
      'containers[0].env[1].value: 20',
    ];
    const s = seen(
      [log(NS, POD, ['using local disk cache db at /tmp/cache.db', 'ERROR GET /x 503'])],
      before,
      [...app, ...url],
    );
    expect(databaseSettingsDroppedAnalyzer.finds(ctx(NS, s))).toEqual([]);
  });

  // Found in review, fixed: with one setting dropped the cause says `REPO_DATABASE_URL ("…") were set before and are unset now`. Expected: "was set before and is unset now" for one setting.
  it('says "was … is" for one dropped setting', () => {
    const [f] = databaseSettingsDroppedAnalyzer.finds(
      ctx(NS, seen([log(NS, POD, fellBack)], [...app, ...url], app)),
    );
    expect(f?.cause).toMatch(/REPO_DATABASE_URL \("[^"]+"\) was set before and is unset now/);
  });

  // Found in review, fixed: the log read is that of any pod whose name starts with "repo-", so the log of another Deployment's pod (repo-worker-…) is quoted as the program falling back. Expected: only pods of the Deployment itself (its ReplicaSet's pods), no finding from repo-worker's log.
  it('does not quote the log of another Deployment whose name starts the same (repo-worker)', () => {
    const W = 'repo-worker-7d9c8b6f5-q2w8e';
    const s = seen(
      [log(NS, POD, ['ERROR GET /x 503']), log(NS, W, ['cache: using embedded database h2 for job state'])],
      [...app, ...url],
      app,
      [[W, '1/1', 'Running', '0', '9d']],
    );
    const [f] = databaseSettingsDroppedAnalyzer.finds(ctx(NS, s));
    expect(f?.evidence.join('\n') ?? '').not.toContain(W);
  });
});

// ---------------------------------------------------------------------------------------------
// queue-without-worker
// ---------------------------------------------------------------------------------------------

describe('queue-without-worker: queue lists, wordings and reads', () => {
  const NS = 'social';
  const WORKER = 'jobs-5c8d7f6b9-k2x9q';
  const WEB = 'web-6d9c8b7f5-a1b2c';
  const listed = pods(NS, [
    [WORKER, '1/1', 'Running', '0', '2d'],
    [WEB, '1/1', 'Running', '0', '2d'],
  ]);
  const described = (name: string, args: string) =>
    observed('describe_pod', { namespace: NS, name }, describedPodText({ ns: NS, name, args }));
  const noWorker = log(NS, WEB, ['system checks: No Sidekiq process running for the ingress queue(s).']);

  it.each([
    ['Celery -Q a,b', '-A app worker -Q default,ingress'],
    ['Celery --queues=a,b', '-A app worker --queues=default,ingress'],
    ['Sidekiq weights', 'exec sidekiq -q default,8 -q ingress,2'],
  ])('takes the queues of %s (no finding for a listed queue, one for an unlisted one)', (_, args) => {
    expect(queueWithoutWorkerAnalyzer.finds(ctx(NS, [listed, described(WORKER, args), noWorker]))).toEqual(
      [],
    );
    const other = log(NS, WEB, ['No Sidekiq process running for the reports queue(s).']);
    const [f] = queueWithoutWorkerAnalyzer.finds(ctx(NS, [listed, described(WORKER, args), other]));
    expect(f?.cause).toMatch(/no worker takes the reports queue: .* processes only default, ingress/);
  });

  it('reads quoted and weighted lists from a worker’s own log', () => {
    for (const said of [
      'Starting processing, hit Ctrl-C to stop (queues: ["default", "ingress"])',
      'Starting processing (queues: default,8, ingress,2)',
    ]) {
      const seen = [listed, log(NS, WORKER, [said]), log(NS, 'exporter-1', ['queue=ingress size=48213'])];
      expect(queueWithoutWorkerAnalyzer.finds(ctx(NS, seen))).toEqual([]);
    }
  });

  // Found in review, fixed: `-q` is also the quiet flag of many programs; a proxy described with `-q --config …` becomes "the job worker … processes only --config". Expected: a flag that is itself followed by a flag is no queue list, and the proxy is not a worker (no finding without a real worker).
  it('does not take a quiet flag (-q --config …) for a queue list', () => {
    const proxy = described(WEB, '-q --config /etc/proxy.yml');
    const seen = [listed, proxy, log(NS, WORKER, ['No Sidekiq process running for the ingress queue(s)'])];
    expect(queueWithoutWorkerAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  // Found in review, fixed: the rule's own documented example ("no consumers for queue billing", the queue word before the name, as RabbitMQ-style messages put it) is not read. Expected: a finding for the billing queue.
  it('reads "no consumers for queue billing" (the queue word before its name)', () => {
    const seen = [
      listed,
      described(WORKER, '-c 10 -q default'),
      log(NS, WEB, ['WARN no consumers for queue billing']),
    ];
    expect(queueWithoutWorkerAnalyzer.finds(ctx(NS, seen))[0]?.cause).toMatch(/billing queue/);
  });

  // Found in review, fixed: "the logs of up to two other Running pods" holds per step only: while nothing is found it asks for two more at every step until every workload of the namespace was read. Expected: two in all.
  it('reads at most two other logs in all, not two more at every step', () => {
    const names = Array.from({ length: 8 }, (_, i) => `svc${i}-6d9c8b7f5-a1b2${i}`);
    let seen: SeenObservation[] = [
      pods(NS, [
        [WORKER, '1/1', 'Running', '0', '2d'],
        ...names.map((n) => [n, '1/1', 'Running', '0', '2d']),
      ]),
      described(WORKER, '-c 10 -q default'),
    ];
    const asked: string[] = [];
    for (let i = 0; i < 6; i++) {
      const reads = queueWithoutWorkerAnalyzer.reads(ctx(NS, seen));
      if (reads.length === 0) break;
      asked.push(...reads.map((r) => String(r.args['name'])));
      seen = [...seen, ...reads.map((r) => log(NS, String(r.args['name']), ['INFO ok']))];
    }
    expect(asked.filter((n) => n !== WORKER).length).toBeLessThanOrEqual(2);
  });

  // Found in review, fixed: once one worker's list is known and some log shows a backlog, the rule stops reading and says no worker takes the queue, though a second worker Deployment (jobs-ingress, Running, never read) takes it. Expected: that Running workload read before "missing from every worker's queue list".
  it('reads the other Running workloads before saying no worker takes a queue', () => {
    const OTHER = 'jobs-ingress-7c8d9f6b5-m4n5p';
    const seen = [
      pods(NS, [
        [WORKER, '1/1', 'Running', '0', '2d'],
        [OTHER, '1/1', 'Running', '0', '2d'],
      ]),
      described(WORKER, '-c 10 -q default'),
      log(NS, 'exporter-1', ['queue=ingress size=4800 latency=93.0s']),
    ];
    expect(queueWithoutWorkerAnalyzer.reads(ctx(NS, seen))).toContainEqual({
      tool: 'get_pod_logs',
      args: { namespace: NS, name: OTHER },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// ceph-slow-peer
// ---------------------------------------------------------------------------------------------

describe('ceph-slow-peer: healthy drives, Rook names and Ceph’s own wording', () => {
  const NS = 'storage';
  const OSD2 = 'rook-ceph-osd-2-6b7f8d9c4-x2x9q';
  const OSD4 = 'rook-ceph-osd-4-6b7f8d9c4-k2x9q';
  const listed = pods(NS, [
    [OSD2, '1/1', 'Running', '0', '40d'],
    ['rook-ceph-osd-20-6b7f8d9c4-a2b9q', '1/1', 'Running', '0', '40d'],
    [OSD4, '1/1', 'Running', '0', '40d'],
  ]);
  const tracker = log(NS, OSD4, [
    'osd.4 op tracker: osd_op(client.1:5 3.1f) events: sub_op_commit_rec from 20 +0.004s, sub_op_commit_rec from 2 +31.880s',
  ]);

  it('reads osd.2’s pod (not osd-20’s), then nothing more', () => {
    expect(cephSlowPeerAnalyzer.reads(ctx(NS, [listed, tracker]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: OSD2 } },
    ]);
    const osd2 = log(NS, OSD2, ['osd.2 boot']);
    expect(cephSlowPeerAnalyzer.reads(ctx(NS, [listed, tracker, osd2]))).toEqual([]);
  });

  it('a SMART line with all-zero counters says nothing of a failing drive', () => {
    const osd2 = log(NS, OSD2, [
      'osd.2 smart: device /dev/sdc reallocated_sectors=0 pending_sectors=0 media_errors=0 command_timeouts=0',
    ]);
    const [f] = cephSlowPeerAnalyzer.finds(ctx(NS, [listed, tracker, osd2]));
    expect(f?.object).toBe(`pod ${OSD2} (osd.2)`);
    expect(f?.cause).toMatch(/within 0\.004 s but sub_op_commit_rec from 2 after 31\.88 s/);
    expect(f?.cause).not.toMatch(/is failing|its drive/);
    expect(f?.evidence).toHaveLength(1);
  });

  it('without a pod list asks for it once, and names the OSD alone meanwhile', () => {
    expect(cephSlowPeerAnalyzer.reads(ctx(NS, [tracker]))).toEqual([
      { tool: 'list_pods', args: { namespace: NS } },
    ]);
    expect(cephSlowPeerAnalyzer.finds(ctx(NS, [tracker]))[0]?.object).toBe('osd.2');
  });

  // Found in review, fixed: Ceph's own slow-request line ("slow request 31.880 seconds old … currently waiting for subops from 2"), the form OSD logs and `ceph health detail` print, is not read: only an op-tracker dump with "+N.NNNs" offsets is. Expected: osd.2 named as the replica the ops wait on.
  it('reads "currently waiting for subops from 2"', () => {
    const classic = log(NS, OSD4, [
      'osd.4 20 slow request 31.880 seconds old, received at 2026-05-01T10:00:00: osd_op(client.4123.0:5 3.1f) currently waiting for subops from 2',
      'osd.4 20 slow request 30.114 seconds old, received at 2026-05-01T10:00:02: osd_op(client.4123.0:6 3.1f) currently waiting for subops from 2',
    ]);
    expect(cephSlowPeerAnalyzer.finds(ctx(NS, [listed, classic]))[0]?.cause).toMatch(/osd\.2/);
  });
});

// ---------------------------------------------------------------------------------------------
// stale-ring-member
// ---------------------------------------------------------------------------------------------

describe('stale-ring-member: other reasons, addresses and counts', () => {
  const NS = 'metrics';
  const POD = 'ingester-6ndm6bjl9t-wfmks';
  const listed = pods(NS, [
    [POD, '0/1', 'Running', '0', '25m'],
    ['ingester-2', '1/1', 'Running', '0', '3d'],
  ]);
  const waits = (instance: string) =>
    `level=warn msg="found an existing instance(s) with a problem in the ring, this instance cannot become ready until this problem is resolved." ring=ingester err="instance ${instance} past heartbeat timeout"`;

  it('a "cannot become ready" line for another reason, beside an unhealthy line, is no finding', () => {
    const lines = [
      'level=info msg="this instance cannot become ready until WAL replay finishes" replayed=40%',
      'level=warn msg="instance ingester-2 is unhealthy" reason="slow push"',
    ];
    expect(staleRingMemberAnalyzer.finds(ctx(NS, [listed, log(NS, POD, lines)]))).toEqual([]);
  });

  it('without a pod list, says nothing of whether a pod of that name runs', () => {
    const [f] = staleRingMemberAnalyzer.finds(ctx(NS, [log(NS, POD, [waits('ingester-7')])]));
    expect(f?.cause).toMatch(/stale entry of instance ingester-7.*1 time\)/);
    expect(f?.cause).not.toMatch(/no pod of that name/);
  });

  // Found in review, fixed: an instance named by its address (`instance 10.0.3.7:9095 past heartbeat timeout`, as older Cortex and Loki name ring members) is never a pod name, so the finding always says "no pod of that name runs any more". Expected: that claim only for a name that could be a pod's.
  it('does not say "no pod of that name runs" of an instance named by IP:port', () => {
    const [f] = staleRingMemberAnalyzer.finds(ctx(NS, [listed, log(NS, POD, [waits('10.0.3.7:9095')])]));
    expect(f?.cause).not.toMatch(/no pod of that name/);
  });

  // Found in review, fixed: the count is of every waiting line, whichever instance it names, so three lines about ingester-a and one about ingester-b are "instance ingester-b … 4 times". Expected: 1 time for b.
  it('counts only the lines that name the instance it quotes', () => {
    const lines = [waits('ingester-a'), waits('ingester-a'), waits('ingester-a'), waits('ingester-b')];
    const [f] = staleRingMemberAnalyzer.finds(ctx(NS, [listed, log(NS, POD, lines)]));
    expect(f?.cause).toMatch(/instance ingester-b.*1 time\)/);
  });

  // Found in review, fixed: another log's line is quoted as marking the member unhealthy when it merely contains its name, so `instance=ingester-12` is evidence about ingester-1. Expected: the whole name matched.
  it('does not quote a line about ingester-12 as marking ingester-1 unhealthy', () => {
    const other = log(NS, 'distributor-1', [
      'level=warn msg="instance heartbeat older than timeout, marking UNHEALTHY" instance=ingester-12',
    ]);
    const [f] = staleRingMemberAnalyzer.finds(ctx(NS, [listed, log(NS, POD, [waits('ingester-1')]), other]));
    expect(texts(f ? [f] : []).join('\n')).not.toContain('ingester-12');
  });
});

// ---------------------------------------------------------------------------------------------
// log-glosses: MongoDB replica set
// ---------------------------------------------------------------------------------------------

describe('log-glosses: the MongoDB replica-set entries on other lines', () => {
  it.each([
    'MongoError: $changeStream stage is only supported on replica sets',
    'Meteor: oplog tailing required: set MONGO_OPLOG_URL',
  ])('%s', (line) => {
    expect(logGloss(line)).toMatch(/needs MongoDB to run as a replica set/);
  });

  it('"replicaSet not required" is no requirement', () => {
    expect(logGloss('mongo: replicaSet not required in standalone mode')).toBeUndefined();
  });

  // Found in review, fixed: "replicaset" + "required" also matches Kubernetes' own ReplicaSet errors ("ReplicaSet.apps … is invalid: spec.selector: Required value"), which get the MongoDB meaning. Expected: no MongoDB gloss.
  it('does not gloss a Kubernetes ReplicaSet "Required value" error as MongoDB', () => {
    const line =
      'E0501 10:00:00 replica_set.go:536] sync "shop/web-5d8f" failed with ReplicaSet.apps "web-5d8f" is invalid: spec.selector: Required value';
    expect(logGloss(line) ?? '').not.toMatch(/MongoDB/);
  });

  // Found in review, fixed: only "not required" rules the entry out, so "isn't required" and "no replica set required" say the program needs a replica set. Expected: those negations rule it out too.
  it('reads "isn’t required" as a negation', () => {
    expect(logGloss("replica set isn't required for this mode")).toBeUndefined();
  });

  // Found in review, fixed: a MongoDB that IS a replica set but has no primary ("majority required but the replica set rs0 has no primary") is glossed as a standalone mongod that must be started with --replSet. Expected: not the standalone meaning.
  it('does not call a replica set without a primary a standalone server', () => {
    expect(
      logGloss('writeConcern majority required but the replica set rs0 has no primary') ?? '',
    ).not.toMatch(/runs standalone/);
  });
});

// ---------------------------------------------------------------------------------------------
// asked-lines: the cut notice
// ---------------------------------------------------------------------------------------------

describe('asked-lines: the tool’s cut notice and what it cuts', () => {
  const task = 'Mail from the relay bounces: the output shows SPF failures, cut short?';
  const told = (lines: string[]) => askedLines(ctx('ns', [log('ns', 'relay-1', lines)], task)).join('\n');
  const bounced = 'relay bounced mail: status=bounced (550 SPF check failed)';

  it('quotes neither a "Defaulted container" line nor a notice after it, nor one at the end', () => {
    const a = told([
      'Defaulted container "relay" out of: relay, exporter; pass container to read another',
      '[output cut: showing the last 8000 of 30000 characters; use tail]',
      // The cut is by characters: the line right after the notice is a fragment, never quoted.
      'ueue run finished',
      bounced,
    ]);
    const b = told([bounced, 'INFO queue run finished', '[output cut: showing 8000 of 30000 characters]']);
    for (const t of [a, b]) {
      expect(t).toContain(bounced);
      expect(t).not.toMatch(/output cut|Defaulted container/);
    }
  });

  // Found in review, fixed: the cut falls mid-line, so the line after the notice is a fragment ("lay bounced mail…"), and it is quoted as if it were the log's line. Expected: the first line after a cut notice is not quoted.
  it('does not quote the fragment the cut leaves right after its notice', () => {
    const t = told([
      '[output cut: showing the last 8000 of 30000 characters; use tail]',
      'lay bounced mail: status=bounced (550 SPF check failed)',
      'INFO queue run finished',
    ]);
    expect(t).not.toContain('"lay bounced');
  });
});

// ---------------------------------------------------------------------------------------------
// The baseline model: dotted member hints, and a refused rollback narrowed past "harmless" changes
// ---------------------------------------------------------------------------------------------

const tool = (name: string, mutating = false): ToolDescriptor => ({
  name,
  description: name,
  inputSchema: { type: 'object', properties: {} },
  mutating,
});

/** A tool result as the transcript carries it. */
function resultPart(o: SeenObservation, i: number, mutating = false): ToolResultPart {
  return {
    type: 'tool_result',
    id: `c${i}`,
    callId: `c${i}`,
    tool: o.tool,
    step: i + 1,
    status: o.status as ToolResultPart['status'],
    isError: o.status !== 'ok',
    args: o.args,
    mutating,
    content: o.content,
    output: o.content,
  };
}

function request(
  task: string,
  seen: SeenObservation[],
  tools: ToolDescriptor[],
  step: number,
  mutating: ReadonlySet<string> = new Set(),
): DecideRequest {
  return {
    task,
    context: `Task: ${task}`,
    transcript: [
      {
        role: 'user',
        parts: [
          { type: 'text', source: 'task', text: `Task: ${task}` },
          ...seen.map((o, i) => resultPart(o, i, mutating.has(o.tool))),
        ],
      },
    ],
    tools,
    step,
    maxSteps: 30,
    runId: 'review-57',
    signal: new AbortController().signal,
  };
}

/** The baseline's reads, step by step, over Running pods that log nothing of note. */
async function readsFor(task: string, ns: string, names: string[], steps = 8): Promise<string[]> {
  const model = new BaselineSreModel();
  const tools = ['list_pods', 'describe_pod', 'get_pod_logs'].map((n) => tool(n));
  const seen: SeenObservation[] = [];
  const calls: string[] = [];
  const listing = table([
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    ...names.map((n) => [n, '1/1', 'Running', '0', '40d']),
  ]);
  for (let step = 1; step <= steps; step++) {
    const d = await model.decide(request(task, seen, tools, step));
    if (d.type !== 'tool_calls') break;
    const c = d.calls[0]!;
    const args = c.args as Record<string, unknown>;
    calls.push(`${c.tool} ${String(args['name'] ?? args['namespace'])}`);
    const out =
      c.tool === 'list_pods'
        ? listing
        : c.tool === 'describe_pod'
          ? describedPodText({ ns, name: String(args['name']) })
          : 'INFO ok';
    seen.push({ step, tool: c.tool, args, status: 'ok', content: out });
  }
  return calls;
}

describe('baseline model: a member named osd.N', () => {
  it('osd.4 reads the pod of osd 4 and no other member', async () => {
    const calls = await readsFor(
      'In the storage namespace, osd.4 reports slow ops since noon. Why?',
      'storage',
      ['ceph-mon-0', 'ceph-osd-0', 'ceph-osd-1', 'ceph-osd-4'],
    );
    expect(calls).toContain('get_pod_logs ceph-osd-4');
    expect(calls.filter((c) => /osd-[0-35-9]/.test(c))).toEqual([]);
  });

  // Found in review, fixed: the hint `osd-1` is matched as a substring (hints of five characters or more), so a task about osd.1 also reads osd-10 and osd-11 (and, the "set" being three members, compares them). Expected: osd.1 names only the pod whose ordinal is 1.
  it('osd.1 does not also read osd-10 and osd-11', async () => {
    const calls = await readsFor(
      'In the storage namespace, osd.1 reports slow ops since noon. Why?',
      'storage',
      ['ceph-osd-0', 'ceph-osd-1', 'ceph-osd-10', 'ceph-osd-11', 'ceph-osd-2'],
    );
    expect(calls).toContain('get_pod_logs ceph-osd-1');
    expect(calls.filter((c) => /osd-1\d/.test(c))).toEqual([]);
  });
});

describe('baseline model: a refused rollback narrowed past probe, request and limit changes', () => {
  const NS = 'storefront';
  const DEP = 'graph';
  const OLD = `${DEP}-z8xct8gpm`;
  const NEW = `${DEP}-m8p5htgnr`;
  const POD = `${NEW}-rh255`;
  const app = ['containers[0].name: engine', 'containers[0].image: acme/engine:2.4'];
  const env = (v: string) => ['containers[0].env[0].name: LOG_LEVEL', `containers[0].env[0].value: ${v}`];
  const tools = [
    ...['list_pods', 'describe_pod', 'get_pod_logs', 'list_resources', 'describe_resource'].map((n) =>
      tool(n),
    ),
    ...['rollback_deployment', 'set_env', 'set_image'].map((n) => tool(n, true)),
  ];
  const decide = (row: [string, string, string], describe: string, before: string[], after: string[]) => {
    const seen: SeenObservation[] = [
      observed(
        'list_pods',
        { namespace: NS },
        table([
          ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
          [POD, ...row, '3h'],
        ]),
      ),
      observed('describe_pod', { namespace: NS, name: POD }, `Name: ${POD}\nNamespace: ${NS}\n${describe}`),
      observed(
        'list_resources',
        { kind: 'ReplicaSet', namespace: NS },
        table([
          ['NAME', 'STATUS', 'AGE'],
          [OLD, '0/0 ready', '9d'],
          [NEW, '0/1 ready', '3h'],
        ]),
      ),
      describedReplicaSet(NS, OLD, 1, before),
      describedReplicaSet(NS, NEW, 2, after),
      {
        step: 6,
        tool: 'rollback_deployment',
        args: { namespace: NS, name: DEP },
        status: 'refused',
        content: 'refused: not approved',
      },
    ];
    const task = `In the ${NS} namespace the ${DEP} deployment has failed since this morning's rollout. Fix it.`;
    return new BaselineSreModel().decide(request(task, seen, tools, 7, new Set(['rollback_deployment'])));
  };

  it('reverts the variable past a probe-period change when the pod crashes', async () => {
    const d = await decide(
      ['0/1', 'CrashLoopBackOff', '40'],
      'Last State: Terminated\n  Reason: Error\n  Exit Code: 1',
      [...app, ...env('info')],
      [...app, 'containers[0].readinessProbe.periodSeconds: 5', ...env('trace')],
    );
    expect(d.type === 'tool_calls' ? d.calls[0] : undefined).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: DEP,
        container: 'engine',
        set: [{ name: 'LOG_LEVEL', value: 'info' }],
      },
    });
  });

  it('does not narrow past a memory-limit change once a container was OOM-killed', async () => {
    const d = await decide(
      ['0/1', 'CrashLoopBackOff', '40'],
      'Last State: Terminated\n  Reason: OOMKilled\n  Exit Code: 137',
      [...app, 'containers[0].resources.limits.memory: 1Gi', ...env('info')],
      [...app, 'containers[0].resources.limits.memory: 256Mi', ...env('trace')],
    );
    expect(d.type === 'tool_calls' ? d.calls[0]?.tool : d.type).not.toBe('set_env');
  });

  // Found in review, fixed: a readiness-probe change is always "harmless", even when it is the failure: pods Running 0/1 with the probe answered 404 after the rollout moved its path get LOG_LEVEL put back instead, which changes nothing. Expected: no narrowing past the probe change when the pods are not Ready.
  it('does not narrow past the readiness probe when the pods fail their readiness probe', async () => {
    const d = await decide(
      ['0/1', 'Running', '0'],
      'Events:\n  Warning  Unhealthy  3m (x40 over 3h)  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 404',
      [...app, 'containers[0].readinessProbe.httpGet.path: /healthz', ...env('info')],
      [...app, 'containers[0].readinessProbe.httpGet.path: /readyz', ...env('debug')],
    );
    expect(d.type === 'tool_calls' ? d.calls[0]?.tool : d.type).not.toBe('set_env');
  });
});

describe('rollout-diff: what `ignore` may and may not hide', () => {
  const NS = 'storefront';
  const DEP = 'graph';
  const OLD = `${DEP}-z8xct8gpm`;
  const NEW = `${DEP}-m8p5htgnr`;
  const harmless = (f: string) => /^(?:readinessProbe\.|resources\.requests\.)/.test(f);
  const seen = (before: string[], after: string[]) => [
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
    describedReplicaSet(NS, OLD, 1, before),
    describedReplicaSet(NS, NEW, 2, after),
  ];

  it('a sidecar’s new image still counts beside an ignored request change', () => {
    const main = ['containers[0].name: engine', 'containers[0].image: acme/engine:2.4'];
    const side = (tag: string) => ['containers[1].name: proxy', `containers[1].image: acme/proxy:${tag}`];
    const s = seen(
      [...main, ...side('1.0'), 'containers[0].env[0].name: A', 'containers[0].env[0].value: 1'],
      [
        ...main,
        ...side('1.1'),
        'containers[0].resources.requests.cpu: 1',
        'containers[0].env[0].name: A',
        'containers[0].env[0].value: 2',
      ],
    );
    expect(revertOneChange(ctx(NS, s), DEP, harmless)).toBeUndefined();
  });

  it('a change list at its cap of twelve is never narrowed, whatever `ignore` hides', () => {
    const main = ['containers[0].name: engine', 'containers[0].image: acme/engine:2.4'];
    const reqs = (v: number) =>
      Array.from({ length: 11 }, (_, i) => `containers[0].resources.requests.r${i}: ${v}`);
    const s = seen(
      [...main, ...reqs(1), 'containers[0].env[0].name: A', 'containers[0].env[0].value: 1'],
      [...main, ...reqs(2), 'containers[0].env[0].name: A', 'containers[0].env[0].value: 2'],
    );
    expect(revertOneChange(ctx(NS, s), DEP, harmless)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Every new rule: empty, hostile and huge input
// ---------------------------------------------------------------------------------------------

describe('every new rule on empty, hostile and huge input', () => {
  const NS = 'x';
  const POD = 'app-7d9c8b6f5-q2w8e';
  const running = pods(NS, [[POD, '1/1', 'Running', '0', '1d']]);
  const hostile = [
    '(((((((((((( [[[[ \\\\\\ $$$ ^^^ *+?{}| (?<x>) \\u0000 \u0000 \u202e\u200b',
    `${'😀'.repeat(3000)} connect=1 used 1 / 1 (100%) rejected: 9 java.lang.OutOfMemoryError`,
    `${'x'.repeat(10_000)} instance a past heartbeat timeout cannot become ready`,
    'no workers for the ((( queue(s) queue=((( size=99999',
  ];

  it('finds nothing and asks nothing strange on an empty log, hostile text, or no list_pods', () => {
    for (const a of ALL) {
      for (const seen of [
        [running, log(NS, POD, [])],
        [running, log(NS, POD, hostile)],
        [log(NS, POD, hostile)],
        [] as SeenObservation[],
      ]) {
        expect(a.finds(ctx(NS, seen)), a.name).toEqual([]);
        for (const r of a.reads(ctx(NS, seen)))
          expect(r.args['name'] ?? '', a.name).not.toMatch(/[()[\]\\$]/);
      }
    }
  });

  it('answers on 200,000-character logs of long connect/queue/stack lines within a bound of a plain log', () => {
    const plain = many(fill('abcdefgh '));
    const nasty = many(
      fill(' at a.b.run( connect)connect.x=1 no a b workers for q,q,q, queue=q size=1 instance a-b past '),
    );
    const runAll = (text: string) => {
      const seen = [running, log(NS, POD, [text]), log(NS, `${POD}x`, [text])];
      for (const a of ALL) {
        a.reads(ctx(NS, seen));
        a.finds(ctx(NS, seen));
      }
    };
    expectBounded(runAll, plain, nasty);
  });

  it('never cuts a quote inside a surrogate pair', () => {
    const found: Finding[] = [];
    for (let k = 0; k < 24; k++) {
      const e = `${'x'.repeat(k)}${'😀'.repeat(150)}`;
      const seen = (lines: string[]) => ctx(NS, [running, log(NS, POD, lines)]);
      found.push(
        ...reconnectStormAnalyzer.finds(
          seen([
            `${e} stats: connects(1m)=10`,
            `${e} client disconnected`,
            `${e} reconnecting`,
            `${e} stats: connects(1m)=99999`,
          ]),
        ),
        ...staleRingMemberAnalyzer.finds(
          seen([
            `${e} this instance cannot become ready ${e} err="instance ing-1 past heartbeat timeout" ${e}`,
          ]),
        ),
        ...quotaBelowEvictionAnalyzer.finds(
          seen([`${e} eviction idle ${e}`, `${e} web used 10 / 10 GiB (100%), put rejected: 5 ${e}`]),
        ),
      );
    }
    expect(found.length).toBe(72);
    for (const t of texts(found)) expect(LONE.test(t)).toBe(false);
  });
});
