// Table tests of the general rules written after held-out set 54's first contact (each reads what the
// tools print; none names a product of the set).
import { describe, expect, it } from 'vitest';
import { ctx, describedReplicaSet, log, observed, pods, table } from './observed.fixture.js';
import { raftRolesAnalyzer } from './raft-roles.js';
import { rolloutDiffAnalyzer } from './rollout-diff.js';
import { staleLockAnalyzer } from './stale-lock.js';

describe('rollout-diff: a container that left the pod template (or joined it)', () => {
  const NS = 'edge';
  const DEP = 'chat-api';
  const OLD = `${DEP}-z8xct8gpm`;
  const NEW = `${DEP}-m8p5htgnr`;
  const POD = `${NEW}-rh255`;
  const rs = (name: string, revision: number, template: string[]) =>
    describedReplicaSet(NS, name, revision, template);
  const app = ['containers[0].name: app', 'containers[0].image: acme/chat-api:3.2.0'];
  const proxy = (i: number) => [
    `containers[${i}].name: cache-proxy`,
    `containers[${i}].image: acme/cache-proxy:1.0.4`,
    `containers[${i}].resources.limits.memory: 128Mi`,
  ];
  const seenWith = (before: string[], after: string[]) => [
    pods(NS, [[POD, '1/2', 'CrashLoopBackOff', '27 (2m ago)', '3h']]),
    log(NS, POD, ['fatal: cannot reach the cache proxy on 127.0.0.1:6380']),
    observed(
      'describe_deployment',
      { namespace: NS, name: DEP },
      `Name:  ${DEP}\nNamespace:  ${NS}\nAnnotations:  deployment.kubernetes.io/revision=2\n                        kubernetes.io/change-cause=tidy the manifest`,
    ),
    observed(
      'list_resources',
      { kind: 'ReplicaSet', namespace: NS },
      table([
        ['NAME', 'STATUS', 'AGE'],
        [OLD, '0/0 ready', '9d'],
        [NEW, '0/1 ready', '3h'],
      ]),
    ),
    rs(OLD, 1, before),
    rs(NEW, 2, after),
  ];

  it('says the container was removed, with its image, instead of listing its fields unset', () => {
    const [note] = rolloutDiffAnalyzer.notes!(ctx(NS, seenWith([...app, ...proxy(1)], app)));
    expect(note).toContain(
      'the cache-proxy container (image "acme/cache-proxy:1.0.4") was removed from the pod template',
    );
    expect(note).not.toMatch(/-> unset/);
  });

  it('says a container was added, and lists the fields of one that stayed', () => {
    const [added] = rolloutDiffAnalyzer.notes!(ctx(NS, seenWith(app, [...app, ...proxy(1)])));
    expect(added).toContain(
      'the cache-proxy container (image "acme/cache-proxy:1.0.4") was added to the pod template',
    );
    const bumped = ['containers[0].name: app', 'containers[0].image: acme/chat-api:3.3.0'];
    const [changed] = rolloutDiffAnalyzer.notes!(ctx(NS, seenWith(app, bumped)));
    expect(changed).toMatch(/container app: image "acme\/chat-api:3\.2\.0" -> "acme\/chat-api:3\.3\.0"/);
  });
});

describe('stale-lock: a lock whose holder, named in the log, has ended', () => {
  const NS = 'bi';
  const APP = 'reports-7c9f5d8b6d-bcdfg';
  const HOLDER = 'reports-migrate-7tq2f';
  const waiting = log(
    NS,
    APP,
    [
      'INFO Running Database Migrations...',
      `INFO liquibase.lockservice :: Waiting for changelog lock....  Currently locked by ${HOLDER} (10.244.0.21) since 12/1/26, 8:05 AM`,
      'ERROR liquibase.exception.LockException: Database has migration lock; cannot run migrations. You can force-release these locks by running `java -jar reports.jar migrate release-locks`.',
    ],
    { previous: true },
  );
  const listed = (rows: string[][]) => pods(NS, [[APP, '0/1', 'CrashLoopBackOff', '9', '40m'], ...rows]);
  const job = (reason: string) =>
    observed(
      'describe_resource',
      { kind: 'Job', name: 'reports-migrate', namespace: NS },
      [
        'Name:         reports-migrate',
        'Kind:         Job (batch/v1)',
        'Status:',
        '  conditions[0].type: FailureTarget',
        '  conditions[0].status: True',
        `  conditions[0].reason: ${reason}`,
        '  conditions[1].type: Failed',
        '  conditions[1].status: True',
        `  conditions[1].reason: ${reason}`,
      ].join('\n'),
    );

  it('lists the pods first, then finds the lock of a Job pod that is gone, with the Job that was stopped', () => {
    expect(staleLockAnalyzer.reads(ctx(NS, [waiting]))).toEqual([
      { tool: 'list_pods', args: { namespace: NS } },
    ]);
    const [f] = staleLockAnalyzer.finds(ctx(NS, [waiting, listed([]), job('DeadlineExceeded')]));
    expect(f?.cause).toContain(`reports waits for a lock that ${HOLDER} took and never released`);
    expect(f?.cause).toContain('no longer exists; its Job reports-migrate was stopped (DeadlineExceeded');
    expect(f?.cause).toMatch(/the lock is stale/);
    expect(f?.advice).toContain('`java -jar reports.jar migrate release-locks`');
    expect(f?.evidence).toContain('describe_resource Job reports-migrate: Failed DeadlineExceeded');
  });

  it('finds a holder that has ended in the list (Error), and none that still runs', () => {
    const [ended] = staleLockAnalyzer.finds(
      ctx(NS, [waiting, listed([[HOLDER, '0/1', 'Error', '0', '2h']])]),
    );
    expect(ended?.cause).toContain(`${HOLDER} has ended (Error)`);
    expect(
      staleLockAnalyzer.finds(ctx(NS, [waiting, listed([[HOLDER, '1/1', 'Running', '0', '2h']])])),
    ).toEqual([]);
  });

  it('says nothing of a holder that is no pod it knows: a host outside, a user, a gone pod of no known workload', () => {
    const other = (holder: string) =>
      log(NS, APP, [
        `WARN Waiting for changelog lock.... Currently locked by ${holder} (10.0.0.9) since 8:05 AM`,
      ]);
    for (const holder of ['db-admin-laptop', 'user', 'batch-7tq2f'])
      expect(staleLockAnalyzer.finds(ctx(NS, [other(holder), listed([])]))).toEqual([]);
    // The pod itself as the holder is its own lock, not another's.
    expect(staleLockAnalyzer.finds(ctx(NS, [other(APP), listed([])]))).toEqual([]);
  });
});

describe('raft-roles: a partition no replica leads', () => {
  const NS = 'queue';
  const listed = pods(NS, [
    ['broker-0', '1/1', 'Running', '0', '12d'],
    ['broker-1', '1/1', 'Running', '0', '15h'],
    ['broker-2', '1/1', 'Running', '0', '12d'],
    ['client-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '1h'],
  ]);
  const roles = (pod: string, lines: string[]) => log(NS, pod, ['INFO starting broker', ...lines]);
  const b0 = roles('broker-0', [
    'INFO Partition-1 transition to LEADER on term 4',
    'INFO Partition-2 transition to FOLLOWER on term 9',
  ]);
  const b1 = roles('broker-1', [
    'INFO Partition-1 transition to FOLLOWER on term 4',
    'INFO Partition-2 transitioning to LEADER on term 8',
    'INFO Partition-2 transition to FOLLOWER on term 9 completed',
  ]);
  const b2 = roles('broker-2', [
    'INFO Partition-1 transition to FOLLOWER on term 4',
    'INFO Partition-2 transition to CANDIDATE on term 9',
  ]);

  it("reads the other replicas' logs once one logs partition roles", () => {
    expect(raftRolesAnalyzer.reads(ctx(NS, [listed, b0]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'broker-1' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'broker-2' } },
    ]);
    expect(raftRolesAnalyzer.finds(ctx(NS, [listed, b0, b1]))).toEqual([]);
  });

  it('finds the partition whose last role is LEADER in no replica (an earlier LEADER line does not count)', () => {
    const found = raftRolesAnalyzer.finds(ctx(NS, [listed, b0, b1, b2]));
    expect(found.map((f) => f.object)).toEqual(['partition 2 of broker']);
    expect(found[0]?.cause).toMatch(
      /partition 2 of broker has no leader: every replica's log last reports it as FOLLOWER or CANDIDATE/,
    );
  });

  it('says nothing when every partition has a leader, or when a replica states no role for it', () => {
    const led = roles('broker-2', [
      'INFO Partition-1 transition to FOLLOWER on term 4',
      'INFO Partition-2 transition to LEADER on term 10',
    ]);
    expect(raftRolesAnalyzer.finds(ctx(NS, [listed, b0, b1, led]))).toEqual([]);
    const silent = roles('broker-2', ['INFO Partition-1 transition to FOLLOWER on term 4']);
    expect(raftRolesAnalyzer.finds(ctx(NS, [listed, b0, b1, silent]))).toEqual([]);
  });
});
