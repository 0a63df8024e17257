import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { supersededJob, supersededJobsAnalyzer } from './superseded-jobs.js';

const jobs = (rows: string[]): SeenObservation => ({
  step: 2,
  tool: 'list_resources',
  args: { kind: 'Job', namespace: 'fin' },
  status: 'ok',
  content: table([['NAME', 'STATUS', 'AGE'], ...rows.map((r) => r.split(/\s+/))]),
});
/** A kubectl table: columns padded to their widest cell and two spaces. */
const table = (rows: string[][]) =>
  rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(Math.max(...rows.map((x) => (x[i] ?? '').length)) + 2))
        .join('')
        .trimEnd(),
    )
    .join('\n');
const failed = { kind: 'Job', name: 'export-30208440', owner: 'CronJob/export', namespace: 'fin' };

describe('supersededJob: a failed CronJob run that later runs completed after', () => {
  it.each([
    [['export-30208440   Failed     3d6h', 'export-30211320   Complete   30h'], ['export-30211320']],
    // A later run that failed too, or one still running, does not make the failure history.
    [['export-30208440   Failed     3d6h', 'export-30211320   Failed     30h'], undefined],
    [['export-30208440   Failed     3d6h', 'export-30211320   Running    5m'], undefined],
    // A completed run older than the failure does not either.
    [['export-30208440   Failed     3d6h', 'export-30200000   Complete   9d'], undefined],
    // Another CronJob's Job (a name that only starts the same) is not a run of this one.
    [['export-30208440   Failed     3d6h', 'export-eu-3021132 Complete   30h'], undefined],
  ])('%j', (rows, later) => {
    expect(supersededJob(failed, [jobs(rows)], 'fin')?.later.map((l) => l.name)).toEqual(later);
  });
  it('says nothing of a Job no CronJob owns', () => {
    const rows = ['export-30208440   Failed     3d6h', 'export-30211320   Complete   30h'];
    expect(
      supersededJob({ ...failed, owner: undefined as unknown as string }, [jobs(rows)], 'fin'),
    ).toBeUndefined();
  });
  it('lists the Jobs after a scan reports a failed CronJob Job, and notes the failure as history', () => {
    const scan: SeenObservation = {
      step: 1,
      tool: 'scan',
      args: { namespace: 'fin' },
      status: 'ok',
      content:
        'scan of namespace fin: 1 finding(s)\n- Job fin/export-30208440 [BackoffLimitExceeded] job export-30208440 failed\n    owner: CronJob/export\n    evidence: x',
    };
    const ctx = { task: 't', ns: 'fin', hints: [], seen: [scan] };
    expect(supersededJobsAnalyzer.reads(ctx)).toEqual([
      { tool: 'list_resources', args: { kind: 'Job', namespace: 'fin' } },
    ]);
    const notes = supersededJobsAnalyzer.notes?.({
      ...ctx,
      seen: [scan, jobs(['export-30208440   Failed     3d6h', 'export-30211320   Complete   30h'])],
    });
    expect(notes?.[0]).toMatch(
      /old \(3d6h ago\).*export-30211320 Complete, 30h ago.*delete Job export-30208440/,
    );
  });
});
