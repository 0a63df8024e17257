// Table tests of replication-ring: multi-master members chained in a ring, found from their own logs.
import { describe, expect, it } from 'vitest';
import { ctx, log, pods } from './observed.fixture.js';
import { replicationRingAnalyzer } from './replication-ring.js';

const NS = 'cache';
const listed = (n: number) =>
  pods(
    NS,
    Array.from({ length: n }, (_, i) => [`kv-${i}`, '1/1', 'Running', '0', '12d']),
  );
const memberLog = (i: number, master: number, opts: { active?: boolean; keys?: number } = {}) =>
  log(NS, `kv-${i}`, [
    ...(opts.active === false
      ? []
      : ['1:C 01 May 2026 10:00:00.000 * Notice: "active-replica yes" implies "replica-read-only no"']),
    '1:S 01 May 2026 10:00:00.100 * Ready to accept connections',
    `1:S 01 May 2026 10:00:00.200 * Connecting to MASTER kv-${master}.kv:6379`,
    '1:S 01 May 2026 10:00:00.300 * MASTER <-> REPLICA sync: Finished with success',
    ...(opts.keys !== undefined
      ? [`1:S 02 May 2026 09:00:00.000 * INFO keyspace db0:keys=${opts.keys}`]
      : []),
  ]);

describe('replication-ring: multi-master members in a ring', () => {
  it('reads the pod list, then the siblings’ logs, once a member says both', () => {
    expect(replicationRingAnalyzer.reads(ctx(NS, [memberLog(0, 1)]))).toEqual([
      { tool: 'list_pods', args: { namespace: NS } },
    ]);
    expect(replicationRingAnalyzer.reads(ctx(NS, [listed(3), memberLog(0, 1)]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'kv-1' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'kv-2' } },
    ]);
    expect(replicationRingAnalyzer.reads(ctx(NS, [listed(3), memberLog(0, 1, { active: false })]))).toEqual(
      [],
    );
  });

  it('names the ring, each member’s one master and the drifting key counts', () => {
    const seen = [
      listed(3),
      memberLog(0, 1, { keys: 900 }),
      memberLog(1, 2, { keys: 850 }),
      memberLog(2, 0, { keys: 400 }),
    ];
    const [f] = replicationRingAnalyzer.finds(ctx(NS, seen));
    expect(f?.object).toBe('StatefulSet kv in cache');
    expect(f?.cause).toMatch(/3 members replicate in a ring.*kv-0 from kv-1, kv-1 from kv-2, kv-2 from kv-0/);
    expect(f?.cause).toMatch(/active replica: .*active-replica yes/);
    expect(f?.cause).toMatch(/key counts have drifted apart \(kv-0 900, kv-1 850, kv-2 400\)/);
    expect(f?.evidence).toHaveLength(3);
  });

  it.each([
    [
      'no member says active replication',
      [
        listed(3),
        memberLog(0, 1, { active: false }),
        memberLog(1, 2, { active: false }),
        memberLog(2, 0, { active: false }),
      ],
    ],
    ['two members (mutual replication is a full mesh)', [listed(2), memberLog(0, 1), memberLog(1, 0)]],
    ['a member whose log was not read', [listed(3), memberLog(0, 1), memberLog(1, 2)]],
    ['a chain that does not close', [listed(3), memberLog(0, 1), memberLog(1, 2), memberLog(2, 1)]],
    [
      'two cycles, not one through every member',
      [listed(4), memberLog(0, 1), memberLog(1, 0), memberLog(2, 3), memberLog(3, 2)],
    ],
  ])('says nothing for %s', (_, seen) => {
    expect(replicationRingAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  it('takes the last master a log names, quoting the first line naming it', () => {
    const moved = log(NS, 'kv-3', [
      '"active-replica yes"',
      'Connecting to MASTER kv-1.kv:6379',
      'Connecting to MASTER kv-0.kv:6379',
      'Reconnecting to MASTER kv-0.kv:6379',
    ]);
    const seen = [listed(4), memberLog(0, 1), memberLog(1, 2), memberLog(2, 3), moved];
    const [f] = replicationRingAnalyzer.finds(ctx(NS, seen));
    expect(f?.evidence[3]).toBe('get_pod_logs kv-3: "Connecting to MASTER kv-0.kv:6379"');
  });

  it('calls no ring a mesh whose members each name every other one', () => {
    const mesh = (i: number, a: number, b: number) =>
      log(NS, `kv-${i}`, [
        '"active-replica yes"',
        `Connecting to MASTER kv-${a}.kv:6379`,
        `Connecting to MASTER kv-${b}.kv:6379`,
      ]);
    expect(
      replicationRingAnalyzer.finds(ctx(NS, [listed(3), mesh(0, 2, 1), mesh(1, 0, 2), mesh(2, 1, 0)])),
    ).toEqual([]);
  });
});
