import { describe, expect, it } from 'vitest';
import { workerPool } from './oom-killed.js';

describe('workerPool: how many worker processes an OOM-killed program runs', () => {
  it.each([
    ['[INFO/MainProcess] celery@report-worker ready. concurrency: 12 (prefork)', '', 12],
    [
      '[INFO] Booting worker with pid: 11\n[INFO] Booting worker with pid: 12\n[INFO] Booting worker with pid: 13',
      '',
      3,
    ],
    ['started', '    Environment:\n      CELERY_WORKER_CONCURRENCY:  8\n', 8],
    ['started', '    Environment:\n      WEB_CONCURRENCY:  4\n', 4],
  ])('%s', (logs, body, count) => {
    expect(workerPool(logs, body)?.count).toBe(count);
  });

  it('nothing for one worker, a thread pool setting, or no sign of a pool', () => {
    expect(workerPool('celery@w ready. concurrency: 1 (prefork)', '')).toBeUndefined();
    expect(
      workerPool('[INFO] Booting worker with pid: 11\n[INFO] Booting worker with pid: 11', ''),
    ).toBeUndefined();
    expect(
      workerPool('listening on :8080', '    Environment:\n      MAX_CONNECTIONS:  100\n'),
    ).toBeUndefined();
  });
});
