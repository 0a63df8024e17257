import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { observedIn } from './observed.fixture.js';
import { postgresTlsAnalyzer, withSslmodeDisable } from './postgres-tls.js';

const obs = observedIn('audit');
const pod = 'writer-7d9c8b6f5-fj7mh';
const described = (env: string) =>
  obs(
    'describe_pod',
    `Name:             ${pod}\nNamespace:        audit\nControlled By:  ReplicaSet/writer-7d9c8b6f5\nContainers:\n  writer:\n    Image:          audit/writer:3\n    Environment:\n${env}\nConditions:\n  Type   Status\n`,
    { name: pod },
  );
const logs = (line: string) => obs('get_pod_logs', `starting\n${line}`, { name: pod, previous: true });
const run = (seen: SeenObservation[]) =>
  postgresTlsAnalyzer.finds({ task: 'writer crashes', ns: 'audit', hints: [], seen });

describe('postgres-tls: a client requiring TLS from a PostgreSQL server without it', () => {
  it.each([
    [
      'level=fatal msg="cannot start" err="pq: SSL is not enabled on the server"',
      'postgres://audit:$(PGPASSWORD)@pg.data.svc:5432/audit',
      'postgres://audit:$(PGPASSWORD)@pg.data.svc:5432/audit?sslmode=disable',
    ],
    [
      'psycopg2.OperationalError: server does not support SSL, but SSL was required',
      'postgresql://app@pg:5432/app?sslmode=require&application_name=writer',
      'postgresql://app@pg:5432/app?sslmode=disable&application_name=writer',
    ],
    [
      'Error: The server does not support SSL connections',
      'postgres://app@pg/app?connect_timeout=5',
      'postgres://app@pg/app?connect_timeout=5&sslmode=disable',
    ],
  ])('%s', (line, url, fixed) => {
    const [f] = run([described(`      DATABASE_URL:  ${url}\n      LOG_LEVEL:  info`), logs(line)]);
    expect(f?.cause).toMatch(/requires TLS \(SSL\) and the server does not offer it/);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: { deployment: 'writer', container: 'writer', set: [{ name: 'DATABASE_URL', value: fixed }] },
    });
  });

  it('nothing without the message, with two URLs, or when sslmode=disable is already set', () => {
    const line = 'pq: SSL is not enabled on the server';
    expect(run([described('      DATABASE_URL:  postgres://a@pg/a'), logs('connected')])).toEqual([]);
    expect(run([described('      A:  postgres://a@pg/a\n      B:  postgres://b@pg/b'), logs(line)])).toEqual(
      [],
    );
    expect(run([described('      DATABASE_URL:  postgres://a@pg/a?sslmode=disable'), logs(line)])).toEqual(
      [],
    );
  });

  it('a server that accepts only TLS, against sslmode=disable: sslmode=require', () => {
    const line = 'FATAL: no pg_hba.conf entry for host "10.0.1.5", user "app", database "app", no encryption';
    const [f] = run([
      described('      DATABASE_URL:  postgres://app@db.rds.amazonaws.com/app?sslmode=disable'),
      logs(line),
    ]);
    expect(f?.cause).toMatch(/accepts only TLS connections/);
    expect(f?.fix).toMatchObject({
      args: {
        set: [{ name: 'DATABASE_URL', value: 'postgres://app@db.rds.amazonaws.com/app?sslmode=require' }],
      },
    });
    // Without sslmode=disable the refusal has another cause (a missing hba line for that host or user).
    expect(run([described('      DATABASE_URL:  postgres://app@db/app'), logs(line)])).toEqual([]);
  });

  it('withSslmodeDisable keeps a fragment after the query', () => {
    expect(withSslmodeDisable('postgres://a@pg/a#x')).toBe('postgres://a@pg/a?sslmode=disable#x');
  });
});
