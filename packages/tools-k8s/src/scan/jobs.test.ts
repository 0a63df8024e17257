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
];

describe('jobs analyzer', () => {
  it.each(ROWS)('$name', (row) => check(jobsAnalyzer, row));
});
