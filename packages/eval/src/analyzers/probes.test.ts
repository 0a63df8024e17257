import { describe, expect, it } from 'vitest';
import { frameworkHealth, httpProbeWithPath, probeCause } from './probes.js';

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
    expect(why.cause).toMatch(/asks for a path the program does not serve/);
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
