// Table tests of the rules written after held-out set 26's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { logGloss } from './log-glosses.js';
import { observed } from './observed.fixture.js';
import { pgWalSlotsAnalyzer } from './pg-wal-slots.js';
import { suspendedCleanupAnalyzer } from './suspended-cleanup.js';
import type { AnalyzerContext } from './types.js';

type Seen = ReturnType<typeof observed>;
const ctx = (ns: string, seen: Seen[], task = ''): AnalyzerContext => ({ task, ns, hints: [], seen });

describe('suspended-cleanup: a cleanup CronJob suspended while its volume fills', () => {
  const full = observed(
    'get_pod_logs',
    { namespace: 'mail', name: 'spooler-1' },
    "ERROR spool write failed: [Errno 28] No space left on device: '/var/spool/q/1.json'",
  );
  const listed = observed(
    'list_resources',
    { namespace: 'mail', kind: 'CronJob' },
    'NAME            STATUS   AGE\nspool-janitor   -        24h\nreport          -        9d',
  );
  const described = (suspend: string, command: string) =>
    observed(
      'describe_resource',
      { namespace: 'mail', kind: 'CronJob', name: 'spool-janitor' },
      `Name:         spool-janitor\nAnnotations:  note=suspended during INC-8812\nSpec:\n  schedule: 17 * * * *\n  suspend: ${suspend}\n  jobTemplate.spec.template.spec.containers[0].command[0]: ${command}\nStatus:\n  lastSuccessfulTime: 2026-01-06T09:19:42Z`,
    );
  it('lists the CronJobs once a volume is full, then describes them', () => {
    expect(suspendedCleanupAnalyzer.reads(ctx('mail', [full]))).toEqual([
      { tool: 'list_resources', args: { kind: 'CronJob', namespace: 'mail' } },
    ]);
    expect(suspendedCleanupAnalyzer.reads(ctx('mail', [full, listed])).map((r) => r.args['name'])).toEqual([
      'spool-janitor',
      'report',
    ]);
    expect(suspendedCleanupAnalyzer.reads(ctx('mail', []))).toEqual([]);
  });
  it('a suspended cleaner: what it deletes piles up', () => {
    expect(
      suspendedCleanupAnalyzer.notes!(ctx('mail', [full, described('true', '/app/janitor')])).join(),
    ).toMatch(/CronJob spool-janitor \(\/app\/janitor\) is suspended[\s\S]*INC-8812[\s\S]*resume it/);
  });
  it('nothing when it runs, when it cleans nothing, or without a full volume', () => {
    expect(suspendedCleanupAnalyzer.notes!(ctx('mail', [full, described('false', '/app/janitor')]))).toEqual(
      [],
    );
    expect(
      suspendedCleanupAnalyzer.notes!(
        ctx('mail', [
          full,
          observed(
            'describe_resource',
            { namespace: 'mail', kind: 'CronJob', name: 'report' },
            'Name: report\nSpec:\n  suspend: true\n  jobTemplate.spec.template.spec.containers[0].command[0]: /app/monthly-report',
          ),
        ]),
      ),
    ).toEqual([]);
    expect(suspendedCleanupAnalyzer.notes!(ctx('mail', [described('true', '/app/janitor')]))).toEqual([]);
  });
});

describe('pg-wal-slots: WAL kept by inactive replication slots fills the volume', () => {
  const log = (slots: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'db', name: 'pg-0' },
      `LOG:  starting PostgreSQL 16.4\n${slots}PANIC:  could not write to file "pg_wal/xlogtemp.61": No space left on device`,
    );
  it('names the inactive slots that hold the WAL', () => {
    const [f] = pgWalSlotsAnalyzer.finds(
      ctx('db', [log('LOG:  replication slot "pg_1" restart_lsn 3A/6C00A1B8, inactive\n')]),
    );
    expect(f?.cause).toMatch(/inactive replication slot pg_1 holds back WAL removal/);
    expect(f?.advice).toMatch(/pg_drop_replication_slot\('pg_1'\)[\s\S]*max_slot_wal_keep_size/);
  });
  it('nothing without an inactive slot, or when the full write is not WAL', () => {
    expect(pgWalSlotsAnalyzer.finds(ctx('db', [log('')]))).toEqual([]);
    expect(
      pgWalSlotsAnalyzer.finds(
        ctx('db', [
          observed(
            'get_pod_logs',
            { namespace: 'db', name: 'pg-0' },
            'LOG:  replication slot "pg_1" inactive\nERROR: could not extend file "base/16384/2619": No space left on device',
          ),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('glosses from set 26', () => {
  it.each([
    [
      'WARN amqp: connection.blocked received from broker: "low on disk"',
      /disk alarm is set[\s\S]*disk_free_limit/,
    ],
    ['connection.blocked: low on memory', /memory alarm[\s\S]*vm_memory_high_watermark/],
    [
      'ERROR lock cart:81240 failed: ReplyError: MOVED 7918 10.244.0.17:6379',
      /Redis Cluster[\s\S]*cluster-aware/,
    ],
  ])('%s', (line, want) => {
    expect(logGloss(line)).toMatch(want);
  });
  it('"moved" in other words is not a Redis redirection', () => {
    expect(logGloss('INFO shard moved 3 keys to node 10.0.0.1:6379')).toBeUndefined();
  });
});
