// Table tests of job-changes: a CronJob run's log that reports a bulk change of data is quoted when a
// Running client of the namespace logs failures, and said to be before them only when its time is.
import { describe, expect, it } from 'vitest';
import { jobChangesAnalyzer } from './job-changes.js';
import { observed, table } from './observed.fixture.js';
import type { AnalyzerContext } from './types.js';

type Seen = ReturnType<typeof observed>;
const ctx = (seen: Seen[]): AnalyzerContext => ({ task: '', ns: 'orders', hints: [], seen });
const API = 'history-api-7c9f5d8b6d-bcdfg';
const RUN = 'events-retention-29563380-q8v2m';
const pods = observed(
  'list_pods',
  { namespace: 'orders' },
  table([
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    [API, '1/1', 'Running', '0', '6d'],
    [RUN, '0/1', 'Completed', '0', '7h'],
  ]),
);
const log = (name: string, lines: string[]) =>
  observed('get_pod_logs', { namespace: 'orders', name }, lines.join('\n'));
const failing = log(API, ['2026-03-18T09:10:07Z ERROR GET /timeline 504: ReadFailureException']);

describe('job-changes', () => {
  it('reads the run when a client fails, then quotes its bulk change as before the first failure', () => {
    expect(jobChangesAnalyzer.reads(ctx([pods, failing]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'orders', name: RUN } },
    ]);
    const run = log(RUN, [
      '2026-03-18T02:30:01Z INFO retention: keeping 6 months, deleting events older than 2025-09-18',
      '2026-03-18T03:24:40Z INFO retention: deleted 61,904,227 rows across 1,208,551 partitions',
    ]);
    const [note] = jobChangesAnalyzer.notes!(ctx([pods, failing, run]));
    expect(note).toContain('before the first failure');
    expect(note).toContain('deleted 61,904,227 rows');
    // A date is not a count.
    expect(note).not.toContain('older than 2025-09-18');
  });

  it('does not say before when the change came after the failures', () => {
    const run = log(RUN, ['2026-03-18T10:00:00Z INFO updated 18,244 rows in stock']);
    expect(jobChangesAnalyzer.notes!(ctx([pods, failing, run]))[0]).not.toContain('before');
  });

  it('silent when no client fails or the run changed nothing in bulk', () => {
    const quiet = log(API, ['2026-03-18T09:10:07Z INFO GET /timeline 200']);
    expect(jobChangesAnalyzer.reads(ctx([pods, quiet]))).toEqual([]);
    const run = log(RUN, ['2026-03-18T02:30:01Z INFO report sent to 3 users']);
    expect(jobChangesAnalyzer.notes!(ctx([pods, failing, run]))).toEqual([]);
  });
});
