import { describe, it } from 'vitest';
import { check, cronJob, event, job, pod, type Row } from './__fixtures__/build.js';
import { jobsAnalyzer } from './jobs.js';

const failedPod = pod(
  'export-x1',
  { restartPolicy: 'Never' },
  {
    phase: 'Failed',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 0, state: { terminated: { reason: 'Error', exitCode: 2 } } },
    ],
  },
  { labels: { 'job-name': 'export' } },
);
const ROWS: Row[] = [
  {
    name: 'runs that overlap under concurrencyPolicy Allow (the default)',
    objects: [
      {
        ...cronJob('sync', { schedule: '*/15 * * * *' }),
        status: { active: [{ name: 'sync-100' }, { name: 'sync-115' }, { name: 'sync-130' }] },
      },
      pod('sync-130-abcde', {}, { phase: 'Running' }),
    ],
    want: [
      {
        kind: 'CronJob',
        name: 'sync',
        reason: 'OverlappingRuns',
        says: [
          '3 runs active at once',
          'concurrencyPolicy Allow (the default)',
          'sync-100, sync-115, sync-130',
        ],
        fix: true,
      },
    ],
  },
  {
    name: 'one active run under Allow is no overlap',
    objects: [
      { ...cronJob('sync', { schedule: '*/15 * * * *' }), status: { active: [{ name: 'sync-100' }] } },
    ],
    want: [],
  },
  { name: 'a job that completed', objects: [job('export', { completions: 1 }, { succeeded: 1 })], want: [] },
  {
    name: 'backoffLimit exceeded, with the failed pod and its exit code',
    objects: [
      job(
        'export',
        { backoffLimit: 3 },
        {
          failed: 4,
          conditions: [
            {
              type: 'Failed',
              status: 'True',
              reason: 'BackoffLimitExceeded',
              message: 'Job has reached the specified backoff limit',
            },
          ],
        },
      ),
      failedPod,
    ],
    want: [
      {
        kind: 'Job',
        name: 'export',
        reason: 'BackoffLimitExceeded',
        says: ['backoffLimit 3', 'Exit Code 2', 'does not retry'],
        fix: true,
      },
    ],
  },
  {
    name: 'failed pods while still retrying',
    objects: [job('export', { backoffLimit: 6 }, { failed: 2, active: 1 }), failedPod],
    want: [{ kind: 'Job', name: 'export', reason: 'FailedPods', says: ['2 failed pod(s)'] }],
  },
  {
    name: 'a suspended cronjob',
    objects: [cronJob('nightly', { schedule: '0 3 * * *', suspend: true })],
    want: [{ kind: 'CronJob', name: 'nightly', reason: 'Suspended', fix: true }],
  },
  {
    name: 'a cronjob warning',
    objects: [
      cronJob('nightly', { schedule: '0 3 * * *' }),
      event(
        'CronJob',
        'nightly',
        'FailedNeedsStart',
        'Cannot determine if job needs to be started: too many missed start times',
      ),
    ],
    want: [
      { kind: 'CronJob', name: 'nightly', reason: 'FailedNeedsStart', says: ['too many missed start times'] },
    ],
  },
  {
    name: 'Forbid, and a Job running for days blocks every run',
    objects: [
      {
        ...cronJob('report', { schedule: '*/30 * * * *', concurrencyPolicy: 'Forbid' }),
        status: { active: [{ name: 'report-1' }] },
      },
      job('report-1', { backoffLimit: 2 }, { active: 1, startTime: '2020-01-01T00:00:00Z' }),
      event(
        'CronJob',
        'report',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
        { type: 'Normal', count: 40 },
      ),
    ],
    want: [
      {
        kind: 'CronJob',
        name: 'report',
        reason: 'ActiveJobBlocksRuns',
        says: ['report-1', 'never finished', 'activeDeadlineSeconds', 'JobAlreadyActive'],
        fix: true,
      },
    ],
  },
  {
    name: 'Forbid skipping once while a short run finishes is not judged',
    objects: [
      {
        ...cronJob('report', { schedule: '*/30 * * * *', concurrencyPolicy: 'Forbid' }),
        status: { active: [{ name: 'report-1' }] },
      },
      job('report-1', {}, { active: 1, startTime: '2025-12-31T23:55:00Z' }),
      event('CronJob', 'report', 'JobAlreadyActive', 'Not starting job because prior execution is running', {
        type: 'Normal',
      }),
    ],
    want: [],
  },
  {
    name: 'a schedule restricting both day fields, with a run on a day that matches only the weekday',
    objects: [
      cronJob('invoice', { schedule: '0 6 1-7 * 1' }),
      job('invoice-29903400', {}, { succeeded: 1 }),
      // 2 November 2026 is a Monday within 1-7: it matches both fields, and is not quoted.
      job('invoice-29893320', {}, { succeeded: 1 }),
    ],
    want: [
      {
        kind: 'CronJob',
        name: 'invoice',
        reason: 'DayFieldsEither',
        says: ['either field', 'invoice-29903400 ran Monday 2026-11-09 06:00 UTC, day 9 of the month'],
        fix: true,
      },
    ],
  },
  {
    name: 'both day fields restricted, every run on a day matching both (first Monday): nothing to say',
    objects: [cronJob('invoice', { schedule: '0 6 1-7 * 1' }), job('invoice-29893320', {}, { succeeded: 1 })],
    want: [],
  },
  {
    name: 'one day field restricted: runs on every Monday are what it says',
    objects: [cronJob('invoice', { schedule: '0 6 * * MON' }), job('invoice-29903400', {}, { succeeded: 1 })],
    want: [],
  },
  {
    name: 'both day fields restricted, the run known only from its pod (the Job pruned)',
    objects: [
      cronJob('invoice', { schedule: '0 6 1-7 * mon' }),
      pod('invoice-29894760-x7k2p', { restartPolicy: 'Never' }, { phase: 'Succeeded' }),
    ],
    want: [
      {
        kind: 'CronJob',
        name: 'invoice',
        reason: 'DayFieldsEither',
        says: ['Tuesday 2026-11-03 06:00 UTC, day 3 of the month (matches only the day of month)'],
      },
    ],
  },
  {
    name: 'both day fields restricted, read in the CronJob time zone; a scheduled-timestamp annotation wins',
    objects: [
      cronJob('invoice', { schedule: '0 1 1-7 * 1', timeZone: 'America/New_York' }),
      job(
        'invoice-manual',
        {},
        { succeeded: 1 },
        {
          ownerReferences: [{ kind: 'CronJob', name: 'invoice' }],
          annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-11-16T06:00:00Z' },
        },
      ),
      // Another CronJob's Job whose name starts the same way is not a run of this one.
      job('invoice-reminder-29903400', {}, { succeeded: 1 }),
    ],
    want: [
      {
        kind: 'CronJob',
        name: 'invoice',
        reason: 'DayFieldsEither',
        says: ['Monday 2026-11-16 01:00 America/New_York, day 16', 'spec.timeZone America/New_York'],
      },
    ],
  },
];

describe('jobs analyzer', () => {
  it.each(ROWS)('$name', (row) => check(jobsAnalyzer, row));
});
