// Rules written after held-out set 115, each general, tested here on inputs made up for the test: the names,
// hosts and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { expectedLine } from './expected-log-lines.js';
import { logGloss } from './log-glosses.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { ctx, observed, pods, table } from './observed.fixture.js';
import { loopbackPort, serviceEnvOrderAnalyzer } from './service-env-order.js';

describe('glosses and routine lines: MySQL upgrade after a crash, Kafka clients unknown configuration', () => {
  it('says MySQL will not upgrade files the old version did not shut down cleanly', () => {
    const g = logGloss(
      '2026-01-05T08:00:01.123456Z 1 [ERROR] [MY-012526] [InnoDB] Upgrade after a crash is not supported. This redo log was created with MySQL 5.7.40.',
    );
    expect(g).toMatch(/shut down cleanly|shuts down cleanly/);
    expect(g).toMatch(/terminationGracePeriodSeconds/);
    expect(logGloss('[Note] [MY-013386] [Server] Running upgrade after the data dictionary')).toBeUndefined();
  });

  it("explains the Kafka client's unknown-configuration notice as harmless", () => {
    expect(
      expectedLine(
        "WARN 1 --- [main] o.a.k.clients.consumer.ConsumerConfig : The configuration 'orders.retry.topic' was supplied but isn't a known config.",
      ),
    ).toMatch(/ignores it/);
    expect(expectedLine('ERROR Invalid value foo for configuration acks')).toBeUndefined();
  });
});

describe('misconceptions: PodSecurityPolicy is gone since Kubernetes 1.25 (its wording)', () => {
  const NS = 'observe';
  const TASK = 'The chart upgrade warned that Pod Security Policy is now disabled. Is our stack unsafe now?';
  const healthy = pods(NS, [['exporter-abcde', '1/1', 'Running', '0', '3h']]);
  const nodes = (v: string) =>
    observed(
      'list_nodes',
      {},
      table([
        ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
        ['n1', 'Ready', '<none>', '90d', v],
      ]),
    );
  const notes = (seen: Parameters<typeof ctx>[1]) =>
    (misconceptionsAnalyzer.notes?.(ctx(NS, seen, TASK)) ?? []).join('\n');

  it('says the API was removed in 1.25 and Pod Security Admission replaces it', () => {
    const said = notes([healthy, nodes('v1.30.4')]);
    expect(said).toMatch(/removed in Kubernetes 1\.25/);
    expect(said).toMatch(/Pod Security Admission/);
    expect(said).not.toMatch(/turn pspEnabled back on|re-enable pspEnabled/i);
  });

  it('says nothing on a cluster older than 1.25, or while a pod is not ready', () => {
    expect(notes([healthy, nodes('v1.24.9')])).not.toMatch(/removed in Kubernetes 1\.25/);
    const failing = pods(NS, [['exporter-abcde', '0/1', 'CrashLoopBackOff', '7', '3h']]);
    expect(notes([failing])).not.toMatch(/removed in Kubernetes 1\.25/);
  });
});

describe('a host name in the task is not an object that does not exist', () => {
  it('does not answer "There is no" for a part of a DNS name', async () => {
    const answer = await baselineAnswer(`${scenarioHead(
      'host-1',
      'mq',
      'Clients outside connect to broker-0/1/2.queue.example.org and time out; is the broker in namespace mq down?',
    )}cluster:
  namespaces: [mq]
  nodes: [{ name: n1 }]
  deployments:
    - name: broker
      namespace: mq
      replicas: 1
      containers: [{ name: broker, image: "mq/broker:3.2", ports: [5672] }]
`);
    expect(answer).not.toMatch(/There is no/);
  });
});

describe('service-env-order: pods created before the Service they reach through its variables', () => {
  const NS = 'permits';
  const POD = 'intake-web-6d5f8b7c9-kx2mp';
  const listed = pods(NS, [[POD, '0/1', 'Running', '0', '6h']]);
  const services = (age: string, endpoints = '10.244.1.9:5432') =>
    observed(
      'list_services',
      { namespace: NS },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
        ['records-db', 'ClusterIP', '10.96.1.2', '5432/TCP', 'app=records-db', endpoints, age],
        ['intake-web', 'ClusterIP', '10.96.1.3', '80/TCP', 'app=intake-web', '<none>', '6h'],
      ]),
    );
  const libpq = observed(
    'get_pod_logs',
    { namespace: NS, name: POD },
    [
      '[INFO] Booting worker with pid: 8',
      'psycopg2.OperationalError: could not connect to server: Connection refused',
      '\tIs the server running on host "127.0.0.1" and accepting',
      '\tTCP/IP connections on port 5432?',
    ].join('\n'),
  );
  const run = (seen: Parameters<typeof ctx>[1]) => serviceEnvOrderAnalyzer.finds(ctx(NS, seen));

  it("reads the loopback port from libpq's two lines and from host:port", () => {
    expect(loopbackPort(libpq.content)?.port).toBe(5432);
    expect(loopbackPort('Error: connect ECONNREFUSED 127.0.0.1:6379')?.port).toBe(6379);
    expect(loopbackPort('connected to 127.0.0.1:5432')).toBeUndefined();
  });

  it('finds a Service younger than the pod on the refused port, and restarts the deployment', () => {
    const [f] = run([listed, services('2h'), libpq]);
    expect(f?.object).toBe('deployment intake-web');
    expect(f?.cause).toMatch(/RECORDS_DB_SERVICE_HOST/);
    expect(f?.cause).toMatch(/predate Service records-db/);
    expect(f?.fix).toMatchObject({ tool: 'restart_deployment', args: { namespace: NS, name: 'intake-web' } });
  });

  it('finds nothing when the Service is older than the pod or has no endpoints, or the port differs', () => {
    expect(run([listed, services('7h'), libpq])).toEqual([]);
    expect(run([listed, services('2h', '<none>'), libpq])).toEqual([]);
    const other = observed(
      'get_pod_logs',
      { namespace: NS, name: POD },
      'connect ECONNREFUSED 127.0.0.1:6379',
    );
    expect(run([listed, services('2h'), other])).toEqual([]);
  });
});
