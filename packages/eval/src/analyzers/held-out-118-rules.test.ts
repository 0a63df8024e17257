// Rules written after held-out sets 118 and 119, each general, tested here on inputs made up for the test:
// the names, hosts and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { missingVariableSaid } from '../baseline/reading.js';
import { expectedLine } from './expected-log-lines.js';
import { logGloss } from './log-glosses.js';
import { probedPathFailing } from './probes.js';

describe('glosses: an unassigned primary, the high disk watermark, SQLite locks, mongodump --oplog', () => {
  it('says a missing primary is a symptom and the high watermark is its cause', () => {
    expect(
      logGloss('bulk failed: UnavailableShardsException: [orders-2026.01.02][0] primary shard is not active'),
    ).toMatch(/no active primary shard/);
    expect(
      logGloss(
        'high disk watermark [90%] exceeded on [n1][es-data-0][/usr/share/elasticsearch/data] free: 9gb[9%], shards will be relocated away from this node',
      ),
    ).toMatch(/allocates no new shards there/);
  });

  it('names network file systems for SQLite lock failures, and the oplog for mongodump', () => {
    expect(logGloss('Error: migration failed: database is locked')).toMatch(/network file system/);
    expect(
      logGloss(
        'Failed: error getting oplog start: error getting recent oplog entry: mongo: no documents in result',
      ),
    ).toMatch(/only a replica set member keeps one/);
  });
});

describe('routine lines: a dead-letter cycle warning, a broker client waiting for brokers', () => {
  it('explains both as harmless', () => {
    expect(
      expectedLine(
        '2026-01-05 10:00:00.000000+00:00 [warning] <0.9.0> Message dropped. Dead-letter queues cycle detected: <<"jobs.retry">>',
      ),
    ).toMatch(/harmless/);
    expect(
      expectedLine(
        'WARN  2026-01-05 10:00:00,000 [shard 1:main] kafka/client - client.cc:156 - broker_error: kafka::client::broker_error ({ node: -1 }, { error_code: broker_not_available [8] })',
      ),
    ).toMatch(/harmless/);
    expect(
      expectedLine('ERROR kafka/client - broker_error: { error_code: not_leader_for_partition }'),
    ).toBeUndefined();
  });
});

describe('a setting read from a variable that is set is no missing variable', () => {
  it('skips "overridden from environment variable" and keeps "environment variable X is not set"', () => {
    expect(
      missingVariableSaid(
        'level=info msg="Config overridden from Environment variable" var="GF_SERVER_ROOT_URL=https://dash.example.org"',
      ),
    ).toBeUndefined();
    expect(missingVariableSaid('FATAL: environment variable DATABASE_URL is not set')).toMatch(
      /DATABASE_URL/,
    );
  });
});

describe('probedPathFailing: the log line of the probed path answered 5xx', () => {
  it('finds the path with a server error, not another path or a 200', () => {
    const logs = [
      'INFO "GET /__lbheartbeat__ HTTP/1.1" 200',
      'WARNING "GET /__heartbeat__ HTTP/1.1" 503',
      'INFO "GET /__heartbeat__extra HTTP/1.1" 500',
    ].join('\n');
    expect(probedPathFailing(logs, '/__heartbeat__')).toBe('WARNING "GET /__heartbeat__ HTTP/1.1" 503');
    expect(probedPathFailing(logs, '/__lbheartbeat__')).toBeUndefined();
  });
});

describe('liveness on a dependency check and a pending file-system resize, on small worlds', () => {
  it('moves liveness to the readiness path when only the liveness path fails with 500', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'deep-liveness-1',
      'crew',
      'All pods of rota-api in namespace crew keep restarting since the database maintenance started. Fix it if it is safe.',
    )}cluster:
  namespaces: [crew]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: rota-api
      namespace: crew
      replicas: 2
      containers:
        - name: api
          image: "example/rota:2.3"
          ports: [8080]
          readinessProbe: { httpGet: { path: /ping, port: 8080 }, periodSeconds: 10 }
          livenessProbe: { httpGet: { path: /health/full, port: 8080 }, periodSeconds: 10, failureThreshold: 3 }
          behavior:
            listenPorts: [8080]
            http: [{ port: 8080, path: /ping, status: 200 }, { port: 8080, path: /health/full, status: 500 }]
            logs: ['INFO "GET /ping HTTP/1.1" 200', 'ERROR "GET /health/full HTTP/1.1" 500 db: connection refused']
grants:
  approve:
    - tool: set_probe
      where: { namespace: crew, deployment: rota-api }
      reason: test
`);
    expect(answer).toMatch(/liveness probe asks for \/health\/full/);
    expect(answer).toMatch(/at \/ping/);
  });
});
