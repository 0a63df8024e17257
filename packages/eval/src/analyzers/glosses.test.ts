import { describe, expect, it } from 'vitest';
import { scheduleInWords } from './expected-state.js';
import { glossedLine, logGloss } from './log-glosses.js';
import { startupProbeLike } from './probes.js';
import { classVersionGloss, schemaGloss } from './types.js';

describe('schemaGloss', () => {
  it.each([
    'psycopg2.errors.UndefinedColumn: column "region_code" of relation "orders" does not exist',
    'ERROR: relation "invoices" does not exist at character 15',
    "java.sql.SQLSyntaxErrorException: Unknown column 'tier' in 'field list'",
    'sqlite3.OperationalError: no such table: sessions',
    "Table 'shop.coupons' doesn't exist",
  ])('reads %s as a schema behind the code', (line) => {
    expect(schemaGloss(line)).toMatch(/migration that adds it has not been applied/);
  });

  it.each([
    'configmap "app-config" does not exist',
    'open /etc/app/config.yaml: no such file or directory',
    'connection refused',
  ])('leaves %s alone', (line) => {
    expect(schemaGloss(line)).toBeUndefined();
  });
});

describe('startupProbeLike', () => {
  it('copies the liveness check with 30 x 10 s to start', () => {
    expect(
      startupProbeLike('Liveness: http-get :8080/healthz delay=10s timeout=1s period=10s #failure=3'),
    ).toEqual({
      httpGet: { port: 8080, path: '/healthz' },
      periodSeconds: 10,
      failureThreshold: 30,
    });
    expect(startupProbeLike('Liveness: http-get https://:8443/live delay=0s')).toMatchObject({
      httpGet: { port: 8443, path: '/live', scheme: 'HTTPS' },
    });
    expect(startupProbeLike('Liveness: tcp-socket :5432 delay=0s')).toMatchObject({
      tcpSocket: { port: 5432 },
    });
    expect(startupProbeLike('Liveness: exec [pg_isready -U app] delay=0s')).toMatchObject({
      exec: { command: ['pg_isready', '-U', 'app'] },
    });
    expect(startupProbeLike('Liveness: grpc <9000>')).toBeUndefined();
  });
});

describe('classVersionGloss', () => {
  it('names both Java versions from the class file versions', () => {
    const g = classVersionGloss(
      'java.lang.UnsupportedClassVersionError: App has been compiled by a more recent version of the Java Runtime (class file version 65.0), this version of the Java Runtime only recognizes class file versions up to 61.0',
    );
    expect(g).toMatch(/built for Java 21 \(class file version 65\.0\)/);
    expect(g).toMatch(/JRE is Java 17 \(class file version 61\.0\)/);
    expect(classVersionGloss('java.lang.OutOfMemoryError: Java heap space')).toBeUndefined();
  });
});

describe('logGloss', () => {
  it.each([
    [
      'Post "https://api.example/token": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      /CA certificates/,
    ],
    [
      '[FORBIDDEN/12/index read-only / allow delete (api)]; index [catalog] blocked by: read-only-allow-delete',
      /flood-stage watermark/,
    ],
    ["OOM command not allowed when used memory > 'maxmemory'.", /noeviction/],
    [
      'initdb: error: directory "/var/lib/postgresql/data" exists but is not empty',
      /PGDATA at a subdirectory/,
    ],
    ['FATAL:  sorry, too many clients already', /max_connections/],
    ['pthread_create failed: Resource temporarily unavailable', /PID limit/],
    ['Migration checksum mismatch for migration version 41', /edited afterwards/],
    [
      'level=error err="opening storage failed: lock DB directory: resource temporarily unavailable"',
      /exclusive lock/,
    ],
    ['ERROR: prepared statement "S_9" already exists', /transaction pooling/],
    ['net/http: invalid header field value for "Authorization"', /trailing newline/],
  ])('reads %s', (line, means) => {
    expect(logGloss(line)).toMatch(means);
  });

  it('leaves an ordinary error alone, and finds the first glossed line of a log', () => {
    expect(logGloss('ERROR connection refused')).toBeUndefined();
    expect(glossedLine('starting\nERROR x\nFATAL:  sorry, too many clients already\n')?.line).toBe(
      'FATAL:  sorry, too many clients already',
    );
  });
});

describe('scheduleInWords', () => {
  it.each([
    ['30 1 * * 0', 'weekly, on Sunday at 01:30'],
    ['0 2 * * *', 'daily at 02:00'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['5 * * * *', 'hourly'],
    ['0 3 1 * *', 'monthly, on day 1 at 03:00'],
    ['0 4 * * 7', 'weekly, on Sunday at 04:00'],
  ])('%s is %s', (cron, words) => {
    expect(scheduleInWords(cron)).toBe(words);
  });

  it('leaves other shapes unsaid', () => {
    expect(scheduleInWords('0 9-17 * * 1-5')).toBeUndefined();
    expect(scheduleInWords('@daily')).toBeUndefined();
  });
});
