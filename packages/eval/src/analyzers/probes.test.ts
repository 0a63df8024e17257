import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';
import {
  dependencyHealthCheck,
  frameworkHealth,
  httpProbeTarget,
  httpProbeWithPath,
  isLoopback,
  listenAddresses,
  probeCause,
  probePathLatency,
  probeTimedOut,
  refusedPort,
  slowestRequest,
} from './probes.js';

const BOOT2 =
  '  .   ____          _\n :: Spring Boot ::               (v2.7.18)\nINFO Starting InventoryApplication v5.0.0';
const BOOT1 = ' :: Spring Boot ::        (v1.5.22.RELEASE)';
const QUARKUS =
  'INFO  [io.quarkus] (main) orders 1.4.0 on JVM (powered by Quarkus 3.2.9.Final) started in 2.1s.';
const NOT_FOUND = 'Liveness probe failed: HTTP probe failed with statuscode: 404';

describe('frameworkHealth: the health path a framework serves, from its start-up lines', () => {
  it.each([
    ['liveness', BOOT2, '/actuator/health'],
    ['readiness', ' :: Spring Boot ::  (v3.1.5)', '/actuator/health'],
    ['liveness', QUARKUS, '/q/health/live'],
    ['readiness', QUARKUS, '/q/health/ready'],
    ['startup', QUARKUS, '/q/health/started'],
  ] as const)('%s probe, %s', (kind, logs, path) => {
    expect(frameworkHealth(kind, logs)?.path).toBe(path);
  });

  it('nothing for Spring Boot 1.x (it serves /health) or logs that name no framework', () => {
    expect(frameworkHealth('liveness', BOOT1)).toBeUndefined();
    expect(frameworkHealth('liveness', 'listening on :8080')).toBeUndefined();
  });
});

describe('probeCause on a 404 with a known framework', () => {
  it('names the path the framework serves, and carries it for the fix', () => {
    const why = probeCause('liveness', NOT_FOUND, 'Liveness: http-get :8080/health delay=30s', BOOT2);
    expect(why.healthPath).toBe('/actuator/health');
    expect(why.cause).toMatch(
      /asks for \/health, a path the program does not serve \(HTTP 404\): the program runs Spring Boot 2\.7/,
    );
  });

  it('says nothing of a framework when the probe already asks for its path', () => {
    const why = probeCause(
      'liveness',
      NOT_FOUND,
      'Liveness: http-get :8080/actuator/health delay=30s',
      BOOT2,
    );
    expect(why.healthPath).toBeUndefined();
    expect(why.cause).toMatch(/asks for \/actuator\/health, a path the program does not serve/);
  });
});

describe('probeCause on a 404: the health path the container shows elsewhere', () => {
  const LIVE = 'Liveness: http-get :5000/ delay=15s timeout=1s period=10s #failure=3';
  const READY = '    Readiness: http-get :5000/healthz delay=0s timeout=1s period=10s #failure=3';
  const ACCESS =
    '10.244.1.1 - - [21/Nov/2026 10:02:11] "GET /healthz HTTP/1.1" 200 -\n10.244.1.1 - - [21/Nov/2026 10:02:16] "GET / HTTP/1.1" 404 -';
  it.each([
    ['the readiness probe on the same port passes (Ready)', '', { probes: [LIVE, READY], ready: true }],
    ['the readiness path answers 200 in the access log', ACCESS, { probes: [LIVE, READY], ready: false }],
    ['only the access log says', ACCESS, { probes: [LIVE], ready: false }],
  ])('%s', (_, logs, container) => {
    const why = probeCause('liveness', NOT_FOUND, LIVE, logs, container);
    expect(why.healthPath).toBe('/healthz');
    expect(why.cause).toMatch(/asks for the root path "\/", a path the program does not serve \(HTTP 404\)/);
  });

  it.each([
    ['another port', { probes: [LIVE, '    Readiness: http-get :9000/healthz'], ready: true }, ''],
    ['a readiness probe that is not shown passing', { probes: [LIVE, READY], ready: false }, ''],
    [
      'a logged 200 path that is not a health path',
      { probes: [LIVE], ready: false },
      '"GET /predict HTTP/1.1" 200 -',
    ],
  ])('nothing on %s', (_, container, logs) => {
    expect(probeCause('liveness', NOT_FOUND, LIVE, logs, container).healthPath).toBeUndefined();
  });
});

describe('probeCause on a liveness 503 while a Kafka consumer group rebalances', () => {
  it('says the kills restart the rebalance, and to keep the messaging check out of liveness', () => {
    const logs = [
      '[Consumer clientId=c, groupId=g] Request joining group due to: group is already rebalancing',
      'SRHCK01001: Reporting health down status: {"status":"DOWN","checks":[{"name":"messaging liveness check","status":"DOWN","data":{"s":"[KO] - Offset commit cannot be completed since the consumer is undergoing a rebalance"}}]}',
    ].join('\n');
    const why = probeCause(
      'liveness',
      'Liveness probe failed: HTTP probe failed with statuscode: 503',
      'Liveness: http-get :8080/q/health/live',
      logs,
    );
    expect(why.cause).toMatch(/Kafka consumer group is rebalancing[\s\S]*starts another rebalance/);
    expect(why.advice).toMatch(/out of the liveness probe/);
    expect(
      probeCause(
        'readiness',
        'Readiness probe failed: HTTP probe failed with statuscode: 503',
        'Readiness: http-get :8080/q/health/ready',
        logs,
      ).cause,
    ).not.toMatch(/rebalancing/);
  });
});

describe('probeCause on a 5xx: the check the program reports failing', () => {
  const FAILED = 'Readiness probe failed: HTTP probe failed with statuscode: 503';
  const PROBE = 'Readiness: http-get :8080/actuator/health delay=0s timeout=3s';
  it.each([
    [
      "WARN Health contributor mail (mail) is DOWN\nWARN Mail health check failed: Couldn't connect to host, port: smtp-relay.messaging.svc.cluster.local, 25; connection refused",
      /cannot reach smtp-relay\.messaging\.svc\.cluster\.local:25/,
    ],
    [
      'readiness check failed: redis: dial tcp redis-main:6379: connect: connection refused',
      /cannot reach redis-main:6379/,
    ],
    [
      'Health contributor db (db) is DOWN',
      /the program's log says which: "Health contributor db \(db\) is DOWN"/,
    ],
  ])('%s', (logs, cause) => {
    const why = probeCause('readiness', FAILED, PROBE, logs);
    expect(why.cause).toMatch(cause);
    expect(why.specific).toBe(true);
  });

  it('says only that it reports itself unhealthy when the log names no check', () => {
    expect(probeCause('readiness', FAILED, PROBE, 'started\nGET /api 200').advice).toBe(
      'fix what makes the health endpoint fail (its dependencies, per the logs)',
    );
  });
});

describe('httpProbeWithPath: the same probe, another path, its timing kept', () => {
  it('reads kubectl describe probe lines', () => {
    expect(
      httpProbeWithPath(
        'Liveness:  http-get :8080/health delay=30s timeout=1s period=10s #success=1 #failure=3',
        '/actuator/health',
      ),
    ).toEqual({
      httpGet: { port: 8080, path: '/actuator/health' },
      initialDelaySeconds: 30,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(httpProbeWithPath('Readiness: http-get https://:8443/healthz delay=0s', '/ready')).toEqual({
      httpGet: { port: 8443, path: '/ready', scheme: 'HTTPS' },
      initialDelaySeconds: 0,
    });
    expect(httpProbeWithPath('Liveness: tcp-socket :5432 delay=5s', '/x')).toBeUndefined();
  });
});

describe('a probe that times out: how long the program takes to answer its path', () => {
  it.each([
    ['10.244.1.1 - - "GET /health/ready HTTP/1.1" 200 41 "-" "kube-probe/1.30" 1412ms', 1.412],
    ['INFO GET /health/ready 200 in 2.35s\nINFO GET /health/ready 200 in 0.9s', 2.35],
    ['[gin] 200 | 1.8 s | GET /health/ready ', undefined],
    ['GET /health/readyz 200 3000ms', undefined],
    ['GET /api/orders 200 5000ms', undefined],
  ])('%s', (logs, seconds) => {
    expect(probePathLatency('/health/ready', logs)).toBe(seconds);
  });
  it('tells a timed-out probe from other failures', () => {
    expect(
      probeTimedOut(
        '  Warning  Unhealthy  0s  kubelet  Readiness probe failed: Get "http://10.244.0.13:8000/health/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      ),
    ).toBe(true);
    expect(probeTimedOut('Readiness probe failed: HTTP probe failed with statuscode: 503')).toBe(false);
  });

  const world = (log: string) => `schemaVersion: 1
id: row
title: row
difficulty: easy
namespace: app
task: api in app has no endpoints since the deploy, why? You may change api's probes.
cluster:
  now: 2026-01-10T10:00:00Z
  namespaces: [app]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: api
      namespace: app
      replicas: 1
      containers:
        - name: api
          image: registry.example.com/api:2.0.0
          ports: [8000]
          readinessProbe: { httpGet: { path: /health/ready, port: 8000 }, periodSeconds: 10 }
          behavior:
            http: [{ port: 8000, path: /health/ready, latency: 1.4 }]
            logs: ['${log}']
      pods: [{ age: 30m }]
  services: [{ name: api, namespace: app, selector: { app: api }, ports: [{ port: 80, targetPort: 8000 }] }]
grants:
  approve: [{ tool: set_probe, where: { namespace: app, deployment: api } }]
expect: { rootCause: { mustMention: [] } }
`;
  it('raises the timeout to twice the answer time the log shows, and only then', async () => {
    expect(await baselineAnswer(world('GET /health/ready 200 1412ms'))).toMatch(
      /Fix applied \(approved\): raise the readiness probe's timeoutSeconds of api\/api from 1 to 3: its log shows \/health\/ready answering in up to 1.412 s/,
    );
    expect(await baselineAnswer(world('listening on :8000'))).not.toMatch(/timeoutSeconds of api\/api from/);
  });
});

describe('httpProbeTarget and probePathLatency', () => {
  it('reads a named port, and a structured log whose field names the unit', () => {
    expect(httpProbeTarget('Liveness: http-get :http/health/ready delay=15s timeout=1s')).toEqual({
      port: 'http',
      path: '/health/ready',
      https: false,
    });
    expect(httpProbeWithPath('Liveness: http-get :http/health/ready timeout=1s', '/health/ready')).toEqual({
      httpGet: { port: 'http', path: '/health/ready' },
      timeoutSeconds: 1,
    });
    const logs = [
      '{"msg":"GET /health/ready 200","durationMs":1388}',
      '{"msg":"GET /health/ready 200","latency_seconds":1.431}',
      '{"msg":"GET /v1/bookings 200","durationMs":9000}',
    ].join('\n');
    expect(probePathLatency('/health/ready', logs)).toBe(1.431);
    expect(probePathLatency('/health/ready', 'GET /health/ready 200 41 812ms')).toBe(0.812);
    expect(probePathLatency('/health/ready', 'GET /health/ready 200')).toBeUndefined();
  });
});

describe('a refused probe where the program says it listens elsewhere', () => {
  const refused = (port: number) =>
    `Readiness probe failed: Get "http://10.244.0.12:${port}/healthz": dial tcp 10.244.0.12:${port}: connect: connection refused`;
  it.each([
    [
      'INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)',
      8000,
      /listens on 127\.0\.0\.1:8000 only, the loopback interface/,
    ],
    [' * Running on http://localhost:5000', 5000, /listens on localhost:5000 only/],
    ['Now listening on: http://[::]:8080', 80, /listens on port 8080 \(its log[^)]*\), not on port 80/],
    ['{"level":30,"msg":"server listening","port":3000}', 8080, /listens on port 3000 .*not on port 8080/],
  ])('%s', (line, port, want) => {
    const why = probeCause(
      'readiness',
      refused(port),
      `Readiness: http-get :${port}/healthz`,
      `booting\n${line}`,
    );
    expect(why.cause).toMatch(want);
    expect(why.specific).toBe(true);
  });
  it('nothing when the log names the probed port on all interfaces, or no address at all', () => {
    for (const logs of [
      'Listening at: http://0.0.0.0:8000 (1)',
      'started',
      '2027-07-20 10:00:01 listening',
    ]) {
      expect(
        probeCause('readiness', refused(8000), 'Readiness: http-get :8000/healthz', logs).cause,
      ).not.toMatch(/loopback|not on port/);
    }
  });
  it('reads ports, hosts and timestamps apart', () => {
    expect(refusedPort(refused(8000))).toBe(8000);
    expect(listenAddresses('ts=2027-07-23T09:58:01Z msg="listening" addr=":8080"')).toEqual([
      { host: '', port: 8080, line: 'ts=2027-07-23T09:58:01Z msg="listening" addr=":8080"' },
    ]);
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('[::]')).toBe(false);
  });
});

describe('a liveness probe refused while the program still starts: a slow start', () => {
  const REFUSED =
    'Liveness probe failed: Get "http://10.0.0.7:9000/health/live": dial tcp 10.0.0.7:9000: connect: connection refused';
  const PROBE = 'Liveness: http-get :9000/health/live delay=30s timeout=1s period=10s #failure=3';
  it.each([
    [
      'Liquibase',
      'INFO [QuarkusJpaUpdaterProvider] (main) Updating database. Using changelog META-INF/jpa-changelog-master.xml\nINFO [io.quarkus] (Shutdown thread) Keycloak stopped in 0.412s',
    ],
    [
      'Flyway',
      'INFO o.f.core.internal.command.DbMigrate : Migrating schema "public" to version "42 - add index"',
    ],
    [
      'Django',
      'Operations to perform:\n  Apply all migrations: admin, auth, orders\nRunning migrations:\n  Applying orders.0042_backfill...',
    ],
    ['Rails', '== 20261130 AddIndexToOrders: migrating ======'],
    [
      'a changeset',
      'INFO [liquibase.changelog] ChangeSet db/changelog.xml::7::ops ran successfully in 96140ms',
    ],
  ])('%s', (_name, logs) => {
    const why = probeCause('liveness', REFUSED, PROBE, logs);
    expect(why.slowStart).toBe(true);
    expect(why.cause).toMatch(/slow start/);
  });
  it('quotes what the start-up was doing when killed, not the shutdown line', () => {
    const why = probeCause(
      'liveness',
      REFUSED,
      PROBE,
      'Upgrading filecloud from 31.0.2.1 ...\nRepair step: Add missing indices to filecache (this may take a while)\nShutting down on SIGTERM',
    );
    expect(why.cause).toMatch(
      /last doing: "Upgrading filecloud from 31\.0\.2\.1 \.\.\.", "Repair step: Add missing indices/,
    );
    expect(why.cause).not.toMatch(/SIGTERM/);
  });
  it('not when the program said it started, nor for a refused readiness probe', () => {
    const started =
      'Updating database\nKeycloak 26.0.6 started in 147.310s. Listening on: http://0.0.0.0:8080';
    expect(probeCause('liveness', REFUSED, PROBE, started).slowStart).toBeUndefined();
    expect(probeCause('readiness', REFUSED, PROBE, 'Updating database').slowStart).toBeUndefined();
  });
});

describe('slowestRequest: the slowest request an access log reports', () => {
  it.each([
    ['INFO GET /v1/listings?page=2 200 1870ms\nINFO GET /v1/listings?page=3 200 920ms', 1.87],
    ['10.0.0.1 "POST /api/order HTTP/1.1" 201 in 2.5s', 2.5],
    ['INFO listening on :8080', undefined],
  ])('%s', (logs, seconds) => {
    expect(slowestRequest(logs)).toBe(seconds);
  });
});

describe('a liveness probe on a health check that waits on a dependency', () => {
  it.each([
    ['WARN  health: check "database" took 2412ms (SELECT 1 on db)', true],
    ['health check redis slow: 1.8 s', true],
    ['WARN  health: check "database" took 240ms', false],
    ['GET /v1/products 200 in 2870ms', false],
    ['check "database" took 2412ms', false],
  ])('%s → %s', (line, found) => {
    expect(dependencyHealthCheck(`INFO started\n${line}`) !== undefined).toBe(found);
  });

  const world = (liveness: string) => `schemaVersion: 1
id: row
title: row
difficulty: easy
namespace: shop
task: The api pods in shop keep restarting since the release. Stop the restarts; you can change api's probes.
cluster:
  now: 2026-01-10T10:00:00Z
  namespaces: [shop]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: api
      namespace: shop
      replicas: 2
      containers:
        - name: api
          image: registry.example.com/api:3.1.0
          ports: [8080]
          readinessProbe: { httpGet: { path: /ready, port: 8080 }, periodSeconds: 5, timeoutSeconds: 3 }
          livenessProbe: { httpGet: { path: ${liveness}, port: 8080 }, periodSeconds: 10, timeoutSeconds: 1 }
          behavior:
            http: [{ port: 8080, path: /health/full, latency: 2.5 }, { port: 8080, path: /ready }]
            logs: ['WARN health: check "db" took 2500ms (SELECT 1)']
      pods: [{ age: 30m }, { age: 30m }]
grants:
  approve: [{ tool: set_probe, where: { namespace: shop, deployment: api, probe: liveness } }]
expect: { rootCause: { mustMention: [] } }
`;
  it("points liveness at the readiness probe's path, which answers in time", async () => {
    const answer = await baselineAnswer(world('/health/full'));
    expect(answer).toMatch(/the probed path \/health\/full waits on a dependency/);
    expect(answer).toMatch(/Fix applied \(approved\): point the liveness probe of api\/api at \/ready/);
  });
});
