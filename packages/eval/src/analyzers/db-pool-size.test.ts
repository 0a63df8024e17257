import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { dbPoolSizeAnalyzer } from './db-pool-size.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('ops');
const describe_ = (env: string) =>
  obs(
    'describe_pod',
    `Name:             jobs-7d9c8b6f5-fj7mh\nNamespace:        ops\nControlled By:  ReplicaSet/jobs-7d9c8b6f5\nContainers:\n  jobs:\n    Image:          ops/jobs:3\n    Environment:\n${env}\nConditions:\n  Type   Status\n`,
    { name: 'jobs-7d9c8b6f5-fj7mh' },
  );
const logs = (line: string) =>
  obs('get_pod_logs', `starting\n${line}`, {
    name: 'jobs-7d9c8b6f5-fj7mh',
    container: 'jobs',
    previous: true,
  });
const run = (seen: SeenObservation[]) =>
  dbPoolSizeAnalyzer.finds({ task: 'jobs crashes', ns: 'ops', hints: [], seen });

describe('db-pool-size: more threads than pooled connections', () => {
  it.each([
    [
      'ActiveRecord::ConnectionTimeoutError: could not obtain a connection from the pool within 5.000 seconds; all pooled connections were in use',
      '      DATABASE_POOL:  5\n      JOB_THREADS:  10',
      { name: 'DATABASE_POOL', value: '10' },
    ],
    [
      'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      '      DB_POOL_SIZE:  4\n      WORKER_THREADS:  16\n      LOG_LEVEL:  info',
      { name: 'DB_POOL_SIZE', value: '16' },
    ],
    [
      'sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00',
      '      SQLALCHEMY_POOL_SIZE:  5\n      GUNICORN_THREADS:  32',
      { name: 'SQLALCHEMY_POOL_SIZE', value: '32' },
    ],
  ])('%s', (line, env, set) => {
    const [f] = run([describe_(env), logs(line)]);
    expect(f?.cause).toMatch(/pool is smaller than the thread count/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: { deployment: 'jobs', container: 'jobs', set: [set] },
    });
  });

  it('nothing when the pool covers the threads, either is missing, or the log shows no pool timeout', () => {
    const line = 'could not obtain a connection from the pool within 5.000 seconds';
    expect(run([describe_('      DATABASE_POOL:  10\n      JOB_THREADS:  10'), logs(line)])).toEqual([]);
    expect(run([describe_('      DATABASE_POOL:  5'), logs(line)])).toEqual([]);
    expect(
      run([
        describe_('      DATABASE_POOL:  5\n      JOB_THREADS:  10'),
        logs('FATAL: too many connections'),
      ]),
    ).toEqual([]);
  });
});
