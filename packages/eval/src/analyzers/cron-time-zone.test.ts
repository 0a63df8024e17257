import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { cronTimeZoneAnalyzer } from './cron-time-zone.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('batch');
const found = obs(
  'find_objects',
  'KIND      NAMESPACE   NAME     STATUS   AGE\nCronJob   batch       report   -        7d\n',
  {
    name: 'report',
  },
);
const spec = (extra = '') =>
  obs(
    'describe_resource',
    `Name:         report\nAnnotations:  corp/migrated-from=vm crontab (TZ=Europe/Berlin): 0 6 * * *\nSpec:\n  schedule: 0 6 * * *\n${extra}`,
    { kind: 'CronJob', name: 'report' },
  );
const logs = (text: string) => obs('get_pod_logs', text, { name: 'report-29946600-qbbf9' });
const run = (seen: SeenObservation[], task = 'the report arrives after the bank cut-off since the move') =>
  cronTimeZoneAnalyzer.finds({ task, ns: 'batch', hints: [], seen });

describe('cron-time-zone: a crontab moved without its time zone', () => {
  it('a run too late for its consumer: the UTC start is an hour after the local one (winter, Europe/Berlin)', () => {
    const [f] = run([
      found,
      spec(),
      logs('report start at 2026-12-09T06:00:03Z\nWARN file received after cut-off 06:30 CET'),
    ]);
    expect(f?.cause).toMatch(/ran at 07:00 Europe\/Berlin time, 1 h later than the hour/);
    expect(f?.advice).toMatch(/spec\.timeZone: Europe\/Berlin/);
  });
  it('a run too early finds nothing (the earlier reading still holds)', () => {
    const [f] = run(
      [found, spec(), logs('start 2026-12-09T06:00:03Z\nexported 0 rows')],
      'the export is empty',
    );
    expect(f?.cause).toMatch(/finds nothing/);
  });
  it('nothing when the CronJob sets timeZone, or nothing was late or empty', () => {
    expect(
      run([found, spec('  timeZone: Europe/Berlin\n'), logs('WARN file received after cut-off')]),
    ).toEqual([]);
    expect(run([found, spec(), logs('report done')], 'is the report job healthy?')).toEqual([]);
  });
});
