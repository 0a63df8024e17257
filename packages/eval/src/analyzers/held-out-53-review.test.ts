// Review probes (temporary).
import { describe, expect, it } from 'vitest';
import { logContext } from './log-context.js';
import { log } from './observed.fixture.js';

describe('probe', () => {
  it('timing of runOutlivesWait', () => {
    const pod = 'billing-worker-7c9d2-x2kq';
    const lines = Array.from(
      { length: 2_000 },
      (_, i) => `2026-03-31 09:00:00.000 INF Jobs: concurrency lock wait 600s for step ${i} ${'x'.repeat(1_900)}`,
    );
    const timeout = 'LockTimeoutException: Timeout expired.';
    const t0 = Date.now();
    const said = logContext([log('b', pod, [...lines, timeout])], [`get_pod_logs ${pod}: "${timeout}"`]);
    console.log('ms', Date.now() - t0, said?.slice(0, 100));
  });
});
