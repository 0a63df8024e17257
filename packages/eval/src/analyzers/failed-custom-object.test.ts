import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { failedCustomObjectAnalyzer as analyzer } from './failed-custom-object.js';
import { ctx, expectBounded, observed, table } from './observed.fixture.js';

const FOUND = table([
  ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
  ['Schedule', 'backups', 'nightly-app', 'Enabled', '200d'],
  ['Backup', 'backups', 'nightly-app-20260810', 'Completed', '2d5h'],
  ['Backup', 'backups', 'nightly-app-20260811', 'PartiallyFailed', '29h'],
  ['Backup', 'backups', 'nightly-app-20260812', 'PartiallyFailed', '5h'],
  ['PodVolumeBackup', 'backups', 'nightly-app-20260812-x1', 'Failed', '5h'],
]);

const DESCRIBED = [
  'Name:         nightly-app-20260812',
  'Namespace:    backups',
  'Kind:         Backup (velero.io/v1)',
  'Status:',
  '  phase: PartiallyFailed',
  '  errors: 1',
  '  podVolumeBackupsFailed: 1',
].join('\n');

const PODS = table([
  ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
  ['node-agent-4wq8n', '1/1', 'Running', '0', '48d'],
  ['velero-6c8f5d9b7-m2x9q', '1/1', 'Running', '0', '48d'],
]);

const RESTIC =
  'time="2026-08-12T02:46:57Z" level=error msg="Error backing up item" backup=backups/nightly-app-20260812 error="pod volume backup failed: exit status 3 stderr: Warning: at least one source file could not be read" name=db-0';

const searched = (pod: string, lines: string[]): SeenObservation =>
  observed(
    'search_pod_logs',
    { namespace: 'backups', name: pod, pattern: 'nightly-app-20260812' },
    [`${lines.length} line(s) match "nightly-app-20260812" in the newest 90 line(s) read`, ...lines].join(
      '\n',
    ),
  );

const find = observed('find_objects', { name: 'nightly-app' }, FOUND);
const describe_ = observed(
  'describe_resource',
  { kind: 'Backup', name: 'nightly-app-20260812', namespace: 'backups' },
  DESCRIBED,
);
const podList = observed('list_pods', { namespace: 'backups' }, PODS);

describe('failed-custom-object', () => {
  it('reads the newest failed object, then its namespace pods, then searches their logs for its name', () => {
    expect(analyzer.reads(ctx('app', [find]))).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'Backup', name: 'nightly-app-20260812', namespace: 'backups' },
      },
      { tool: 'list_pods', args: { namespace: 'backups' } },
    ]);
    // The Deployment's pod (the controller) before a DaemonSet's agent.
    expect(analyzer.reads(ctx('app', [find, describe_, podList])).slice(1)).toEqual([
      {
        tool: 'search_pod_logs',
        args: { namespace: 'backups', name: 'velero-6c8f5d9b7-m2x9q', pattern: 'nightly-app-20260812' },
      },
      {
        tool: 'search_pod_logs',
        args: { namespace: 'backups', name: 'node-agent-4wq8n', pattern: 'nightly-app-20260812' },
      },
    ]);
  });

  it('quotes the controller line about it, with what a known error means, and names the object where it is', () => {
    const seen = [
      find,
      describe_,
      podList,
      searched('velero-6c8f5d9b7-m2x9q', [
        '13:time="2026-08-12T02:00:05Z" level=info msg="Setting up backup log" backup=backups/nightly-app-20260812',
        `14:${RESTIC}`,
        '15:time="2026-08-12T02:54:11Z" level=info msg="Backup completed" backup=backups/nightly-app-20260812',
      ]),
    ];
    const [f] = analyzer.finds(ctx('app', seen));
    expect(f?.object).toBe('backup nightly-app-20260812 in backups');
    expect(f?.cause).toMatch(
      /^Backup nightly-app-20260812 \(namespace backups\) ended PartiallyFailed \(errors: 1/,
    );
    expect(f?.cause).toContain('at least one source file could not be read');
    expect(f?.cause).toMatch(/restic made the snapshot .* writing the volume during the backup/);
    expect(f?.weight).toBe(89);
  });

  it('weighs less when the line has no known meaning, and says nothing without a failure line about it', () => {
    const plain =
      'level=error msg="Error backing up item" backup=backups/nightly-app-20260812 error="quota exceeded"';
    const [f] = analyzer.finds(
      ctx('app', [find, describe_, podList, searched('velero-6c8f5d9b7-m2x9q', [`4:${plain}`])]),
    );
    expect(f?.weight).toBe(80);
    expect(f?.cause).toContain('quota exceeded');
    // Only progress about it, or a context line (`N-`) of another object's failure.
    const progress = searched('velero-6c8f5d9b7-m2x9q', [
      '3-level=error msg="Error backing up item" backup=backups/other error="x"',
      '4:level=info msg="Backup completed" backup=backups/nightly-app-20260812',
    ]);
    expect(analyzer.finds(ctx('app', [find, describe_, podList, progress]))).toEqual([]);
    // Not described yet: nothing.
    expect(
      analyzer.finds(ctx('app', [find, podList, searched('velero-6c8f5d9b7-m2x9q', [`4:${RESTIC}`])])),
    ).toEqual([]);
  });

  it.each([
    ['a built-in kind (a Job that failed)', ['Job', 'backups', 'nightly-app-job', 'Failed', '5h']],
    ['an object in no namespace', ['ClusterBackup', '-', 'nightly-app', 'Failed', '5h']],
    ['a status that is not a failure', ['Backup', 'backups', 'nightly-app-1', 'InProgress', '5h']],
    ['a kind that is not a kind', ['backup;rm', 'backups', 'nightly-app-1', 'Failed', '5h']],
  ])('asks for nothing for %s', (_, row) => {
    const only = observed(
      'find_objects',
      { name: 'nightly-app' },
      table([['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'], row as string[]]),
    );
    expect(analyzer.reads(ctx('app', [only]))).toEqual([]);
  });

  it('prefers a line with a known meaning from another pod of the namespace', () => {
    const seen = [
      find,
      describe_,
      podList,
      searched('velero-6c8f5d9b7-m2x9q', [
        '4:level=error msg="Error backing up item" backup=backups/nightly-app-20260812 error="see node agent"',
      ]),
      searched('node-agent-4wq8n', [
        `9:${RESTIC.replace('Error backing up item', 'Error running restic backup')}`,
      ]),
    ];
    const [f] = analyzer.finds(ctx('app', seen));
    expect(f?.cause).toContain('the log of node-agent-4wq8n');
  });

  it('works in bounded time on a huge search output and a huge list', () => {
    const many = (n: number) =>
      observed(
        'find_objects',
        { name: 'x' },
        table([
          ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
          ...Array.from({ length: n }, (_, i) => ['Backup', 'b', `x-${i}`, 'Failed', `${i + 1}m`]),
        ]),
      );
    expectBounded(
      () => analyzer.reads(ctx('app', [many(20_000)])),
      () => analyzer.reads(ctx('app', [many(2_000)])),
    );
  });
});
