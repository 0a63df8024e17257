import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { appErrorsAnalyzer, recoveredRetries } from './app-errors.js';

const healthy = Array.from({ length: 8 }, (_, i) => `level=INFO msg="synced stock levels" n=${i}`);
const seen = (log: string[]): SeenObservation[] => [
  {
    step: 1,
    tool: 'list_pods',
    args: { namespace: 'inv' },
    status: 'ok',
    content:
      'NAME                  READY   STATUS    RESTARTS   AGE\nsync-5d9f7c8b6-x2x9z   1/1     Running   0          3d',
  },
  {
    step: 2,
    tool: 'get_pod_logs',
    args: { namespace: 'inv', name: 'sync-5d9f7c8b6-x2x9z' },
    status: 'ok',
    content: log.join('\n'),
  },
];
const ctx = (log: string[]) => ({ task: 't', ns: 'inv', hints: [], seen: seen(log) });

describe('app-errors: failures retried and recovered', () => {
  const retried = [
    'level=WARN msg="redis not ready, retrying in 2s" err="dial tcp 10.96.12.40:6379: connect: connection refused"',
    'level=WARN msg="redis not ready, retrying in 2s" err="dial tcp 10.96.12.40:6379: connect: connection refused"',
    'level=INFO msg="redis connected"',
  ];
  it.each([
    ['Go slog', retried],
    [
      'Node (pino)',
      [
        '{"level":"error","msg":"connect ECONNREFUSED 10.96.12.40:5432","retryInMs":2000}',
        '{"level":"info","msg":"database connected"}',
      ],
    ],
    [
      'Java (logback)',
      [
        'ERROR c.z.h.p.HikariPool - HikariPool-1 - Exception during pool initialization, will retry: java.net.ConnectException: Connection refused',
        'INFO  c.z.h.HikariDataSource - HikariPool-1 - Start completed.',
      ],
    ],
  ])('%s: no finding, a note instead', (_, lines) => {
    const log = [...lines, ...healthy];
    expect(recoveredRetries(log.join('\n'))).toBeDefined();
    expect(appErrorsAnalyzer.finds(ctx(log))).toEqual([]);
    expect(appErrorsAnalyzer.notes?.(ctx(log))[0]).toMatch(/retries that recovered/);
  });
  it('still finds failures that come back after the recovery', () => {
    const log = [...retried, ...healthy, 'level=ERROR msg="redis: connection refused"'];
    expect(recoveredRetries(log.join('\n'))).toBeUndefined();
    expect(appErrorsAnalyzer.finds(ctx(log))).toHaveLength(1);
  });
  it('still finds failures that are not retries, and retries with no recovery line', () => {
    expect(
      appErrorsAnalyzer.finds(ctx(['ERROR division by zero in /report', 'INFO connected', ...healthy])),
    ).toHaveLength(1);
    expect(appErrorsAnalyzer.finds(ctx([retried[0]!, ...healthy]))).toHaveLength(1);
  });
  it('needs some normal work after the recovery', () => {
    expect(recoveredRetries(retried.join('\n'))).toBeUndefined();
  });
});
