// Table tests of the general rules written for set 62's two misses after its first contact (the
// refused path named on a volume, a client that does not fall back to its second backend).
import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { fromScan } from '../scan-findings.js';
import { ctx, log, observed, pods } from './observed.fixture.js';
import { volumePermissionsAnalyzer } from './volume-permissions.js';

describe('volume-permissions names the refused path below the mount', () => {
  const NS = 'groupware';
  const POD = 'davcal-v9l47bmhv-cg24g';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    `Name:             ${POD}
Namespace:        ${NS}
Controlled By:    ReplicaSet/davcal-v9l47bmhv
Containers:
  davcal:
    Image:          davcal:3.2.0
    Mounts:
      /var/lib/davcal from data (rw)
Volumes:
  data:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  davcal-data
`,
  );
  const spec = observed(
    'get_resource',
    { kind: 'Deployment', name: 'davcal', namespace: NS },
    'spec:\n  template:\n    spec:\n      securityContext: {}\n',
  );
  const find = (line: string) =>
    volumePermissionsAnalyzer.finds(ctx(NS, [log(NS, POD, [line]), described, spec]))[0];

  it.each([
    // [log line, the path the cause names, or undefined for the mount alone]
    [
      "[DEBUG] storage write failed: PermissionError: [Errno 13] Permission denied: '/var/lib/davcal/collections/mira/.davcal.cache/sync-token/4f1e0a'",
      '/var/lib/davcal/collections/mira/.davcal.cache/sync-token/4f1e0a',
    ],
    ['open /var/lib/davcal/index.db: permission denied.', '/var/lib/davcal/index.db'],
    ['mkdir /var/lib/davcal: permission denied', undefined],
    ['EACCES: permission denied, open "/var/lib/davcal/a b"', '/var/lib/davcal/a b'],
    ['EACCES: permission denied, open /var/lib/davcal/a b', '/var/lib/davcal/a'],
  ])('%s', (line, path) => {
    const f = find(line);
    expect(f?.cause).toBeDefined();
    if (path) {
      expect(f?.cause).toContain(`may not write ${path} on its volume mounted at /var/lib/davcal`);
      // The quote keeps the refusal and the whole path in view.
      expect(f?.cause).toContain(`${path}`);
      expect(f?.evidence[0]).toContain(path);
    } else expect(f?.cause).toContain('may not write its volume mounted at /var/lib/davcal');
  });

  it('keeps a very long path whole in the quote, and stays bounded on a path of 3,000 characters (cut at 1,000)', () => {
    const deep = `/var/lib/davcal/${'d/'.repeat(60)}x`;
    expect(find(`PermissionError: [Errno 13] Permission denied: '${deep}'`)?.evidence[0]).toContain(deep);
    const huge = `/var/lib/davcal/${'a'.repeat(3000)}`;
    expect(find(`Permission denied: '${huge}'`)?.cause.length).toBeLessThan(4000);
  });
});

describe('a client that does not fall back to its second backend', () => {
  const NS = 'dns';
  const scan: SeenObservation = observed(
    'scan',
    { namespace: NS },
    `scan of namespace ${NS}: 1 finding(s), most likely root causes first
- Deployment ${NS}/zones-db-a [ScaledToZero] deployment zones-db-a is scaled to 0 replicas, so service zones-db-a has no pods behind it
    evidence: spec.replicas 0; services selecting its pods: zones-db-a
    next: get_events namespace=${NS}
    fix: scale deployment zones-db-a back up`,
  );
  const running = (b: string) =>
    pods(NS, [
      ['zonekeeper-zmklcjd5p8-j79cp', '1/1', 'Running', '0', '3h'],
      [`zones-db-b-vswh9lhpc-m9h8q`, '1/1', b, '0', '31d'],
    ]);
  const client = (lines: string[]) => log(NS, 'zonekeeper-zmklcjd5p8-j79cp', lines);
  const UP_A =
    "gmysql Connection successful. Connected to database 'zones' on 'zones-db-a.dns.svc.cluster.local'.";
  const UP_B =
    "gmysql Connection successful. Connected to database 'zones' on 'zones-db-b.dns.svc.cluster.local'.";
  const FAIL_A =
    "Backend reported permanent error which prevented lookup (Can't connect to MySQL server on 'zones-db-a.dns.svc.cluster.local' (111)) sending out servfail";
  const cause = (seen: SeenObservation[]) =>
    fromScan({ task: 'zonekeeper answers SERVFAIL', ns: NS, hints: [], seen })[0]?.cause ?? '';

  it.each([
    // [client log lines, zones-db-b's status, says the client does not fail over]
    [[UP_A, UP_B, FAIL_A], 'Running', true],
    // The second backend fails too: not a missing failover.
    [[UP_A, UP_B, FAIL_A, "Can't connect to MySQL server on 'zones-db-b' (111)"], 'Running', false],
    // The second backend's pods do not run.
    [[UP_A, UP_B, FAIL_A], 'CrashLoopBackOff', false],
    // The client never named a second backend.
    [[UP_A, FAIL_A], 'Running', false],
    // A name that only starts like the sibling (zones-db-bx) is another name; a longer word is not a host.
    [[UP_A, "Connected to 'zones-db-bx.dns'", 'zones-db-b_extra ok', FAIL_A], 'Running', false],
  ] as const)('%j with zones-db-b %s', (lines, status, says) => {
    const text = cause([scan, running(status), client([...lines])]);
    expect(text).toContain('zones-db-a is scaled to 0 replicas');
    if (says) {
      expect(text).toContain('also uses a second backend, zones-db-b');
      expect(text).toContain('it does not fail over to the other backend');
    } else expect(text).not.toContain('fail over');
  });

  it('ignores the backends’ own logs (a replica reporting its lost primary)', () => {
    const replica = log(NS, 'zones-db-b-vswh9lhpc-m9h8q', [
      "Slave I/O: error reconnecting to master 'repl@zones-db-a:3306'",
      "Connected to 'zones-db-c'",
    ]);
    expect(cause([scan, running('Running'), replica])).not.toContain('fail over');
  });
});
