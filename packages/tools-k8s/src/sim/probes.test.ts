import { describe, expect, it } from 'vitest';
import type { Endpoints, KubeEvent, Pod } from '../types.js';
import { createSimCluster } from './sim-cluster.js';

type Container = Record<string, unknown>;
const world = (container: Container, extra: Record<string, unknown> = {}) => ({
  now: '2026-01-15T10:00:00Z',
  deployments: [
    {
      name: 'api',
      namespace: 'web',
      replicas: 1,
      pods: [{ age: '10m' }],
      containers: [{ name: 'api', image: 'acme/api:1', ports: [8080], ...container }],
      ...extra,
    },
  ],
  services: [{ name: 'api', namespace: 'web', selector: { app: 'api' }, ports: [80] }],
});
const podOf = (c: ReturnType<typeof createSimCluster>) =>
  (c.listNow({ kind: 'Pod', namespace: 'web' }) as unknown as Pod[])[0]!;
const unhealthy = (c: ReturnType<typeof createSimCluster>) =>
  (c.listNow({ kind: 'Event', namespace: 'web' }) as unknown as KubeEvent[])
    .filter((e) => e.reason === 'Unhealthy' || e.reason === 'Killing')
    .map((e) => e.message);
const endpoints = (c: ReturnType<typeof createSimCluster>) =>
  c.getNow({ kind: 'Endpoints', name: 'api', namespace: 'web' }) as unknown as Endpoints;

describe('probe outcomes derived from what the program serves', () => {
  it('an httpGet readiness probe on a path the program does not serve: 404, unready, out of the endpoints', () => {
    const c = createSimCluster(
      world({
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        behavior: { http: [{ port: 8080, path: '/health' }], logs: ['listening on :8080'] },
      }),
    );
    const pod = podOf(c);
    expect(pod.status?.containerStatuses?.[0]?.ready).toBe(false);
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(unhealthy(c)).toEqual(['Readiness probe failed: HTTP probe failed with statuscode: 404']);
    const subset = endpoints(c).subsets?.[0];
    expect(subset?.addresses).toBeUndefined();
    expect(subset?.notReadyAddresses?.[0]?.targetRef?.name).toBe(pod.metadata.name);
  });

  it('the served path answers: ready and in the endpoints; a declared status code >= 400 fails', () => {
    const ok = createSimCluster(
      world({
        readinessProbe: { httpGet: { path: '/health', port: 8080 } },
        behavior: { http: [{ port: 8080, path: '/health' }] },
      }),
    );
    expect(podOf(ok).status?.containerStatuses?.[0]?.ready).toBe(true);
    expect(endpoints(ok).subsets?.[0]?.addresses).toHaveLength(1);
    const sick = createSimCluster(
      world({
        readinessProbe: { httpGet: { path: '/health', port: 8080 } },
        behavior: { http: [{ port: 8080, path: '/health', status: 503 }] },
      }),
    );
    expect(unhealthy(sick)).toEqual(['Readiness probe failed: HTTP probe failed with statuscode: 503']);
  });

  it('a slow answer past timeoutSeconds is a context deadline exceeded', () => {
    const c = createSimCluster(
      world({
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        behavior: { http: [{ port: 8080, path: '/healthz', latency: 1.8 }] },
      }),
    );
    const ip = podOf(c).status?.podIP;
    expect(unhealthy(c)).toEqual([
      `Readiness probe failed: Get "http://${ip}:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    ]);
  });

  it('a tcpSocket liveness probe on a port nobody listens on: connection refused, killed and restarted', () => {
    const c = createSimCluster(
      world({
        livenessProbe: { tcpSocket: { port: 8081 } },
        behavior: { listenPorts: [8080] },
      }),
    );
    const pod = podOf(c);
    const ip = pod.status?.podIP;
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(2);
    expect(pod.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 137 });
    expect(unhealthy(c)).toEqual([
      `Liveness probe failed: dial tcp ${ip}:8081: connect: connection refused`,
      'Container api failed liveness probe, will be restarted',
    ]);
  });

  it("a program that exits on SIGTERM shows its own exit code after a liveness kill (a JVM: 143), not SIGKILL's 137", () => {
    const last = (behavior: Record<string, unknown>) =>
      podOf(createSimCluster(world({ livenessProbe: { tcpSocket: { port: 8081 } }, behavior })))?.status
        ?.containerStatuses?.[0]?.lastState?.terminated;
    expect(last({ listenPorts: [8080], stopExitCode: 143 })).toMatchObject({
      exitCode: 143,
      reason: 'Error',
    });
    expect(last({ listenPorts: [8080], stopExitCode: 0 })).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(last({ listenPorts: [8080] })).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('an exec probe whose command the image lacks errors, and the liveness probe restarts the container', () => {
    const c = createSimCluster(
      world({
        livenessProbe: {
          exec: { command: ['curl', '-f', 'http://localhost:8080/health'] },
          periodSeconds: 30,
        },
        behavior: { executables: ['/app/server'], listenPorts: [8080] },
      }),
    );
    const messages = unhealthy(c);
    expect(messages[0]).toMatch(
      /^Liveness probe errored: rpc error: code = Unknown desc = failed to exec in container: failed to start exec "[0-9a-f]+": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in \$PATH: unknown$/,
    );
    expect(podOf(c).status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(0);
    const fine = createSimCluster(
      world({
        livenessProbe: { exec: { command: ['/bin/grpc_health_probe', '-addr=:8080'] } },
        behavior: { executables: ['grpc_health_probe'], listenPorts: [8080] },
      }),
    );
    expect(unhealthy(fine)).toEqual([]);
  });

  it('a container its liveness probe kills is Ready between kills (the outage flaps), unless readiness fails too', () => {
    const serves = {
      http: [
        { port: 8080, path: '/health/deep', latency: '3s' },
        { port: 8080, path: '/health/live' },
      ],
      logs: ['listening on :8080'],
    };
    const live = { httpGet: { path: '/health/deep', port: 8080 }, periodSeconds: 10 };
    const flapping = createSimCluster(
      world({
        livenessProbe: live,
        readinessProbe: { httpGet: { path: '/health/live', port: 8080 } },
        behavior: serves,
      }),
    );
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const pod = podOf(flapping);
      const ready = pod.status?.containerStatuses?.[0]?.ready === true;
      seen.add(String(ready));
      if (ready)
        expect(endpoints(flapping).subsets?.[0]?.addresses?.[0]?.targetRef?.name).toBe(pod.metadata.name);
      flapping.advance(7);
    }
    expect([...seen].sort()).toEqual(['false', 'true']);
    expect(podOf(flapping).status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(2);
    const never = createSimCluster(
      world({
        livenessProbe: live,
        readinessProbe: { httpGet: { path: '/health/deep', port: 8080 } },
        behavior: serves,
      }),
    );
    for (let i = 0; i < 40; i++) {
      expect(podOf(never).status?.containerStatuses?.[0]?.ready).toBe(false);
      never.advance(7);
    }
  });

  it('a warm-up longer than the liveness budget is killed every time; a startup probe gives it room', () => {
    const slow = { warmUp: '50s', listenPorts: [8080], logs: ['loading rules'] };
    const killed = createSimCluster(
      world({ livenessProbe: { httpGet: { path: '/healthz', port: 8080 } }, behavior: slow }),
    );
    expect(podOf(killed).status?.containerStatuses?.[0]?.restartCount).toBeGreaterThan(2);
    const guarded = createSimCluster(
      world({
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        startupProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 30 },
        behavior: slow,
      }),
    );
    const pod = podOf(guarded);
    expect(pod.status?.containerStatuses?.[0]?.restartCount).toBe(0);
    expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
  });

  it('a readiness probe during warm-up: unready until the program is up, then ready', () => {
    const c = createSimCluster({
      ...world({
        readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 10 },
        behavior: { warmUp: '35s', http: [{ port: 8080, path: '/ready' }] },
      }),
      deployments: [],
      pods: [
        {
          name: 'api-0',
          namespace: 'web',
          labels: { app: 'api' },
          age: '0s',
          containers: [
            {
              name: 'api',
              image: 'acme/api:1',
              readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 10 },
              behavior: { warmUp: '35s', http: [{ port: 8080, path: '/ready' }] },
            },
          ],
        },
      ],
    });
    expect(podOf(c).status?.containerStatuses?.[0]?.ready).toBe(false);
    c.advance(45);
    const pod = podOf(c);
    expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
    // Ready since the first probe after the program came up (start + 40 s), not since the pod started.
    const since = Date.parse(
      pod.status?.conditions?.find((x) => x.type === 'Ready')?.lastTransitionTime ?? '',
    );
    expect((since - Date.parse(pod.metadata.creationTimestamp ?? '')) / 1000).toBe(41);
    expect(endpoints(c).subsets?.[0]?.addresses).toHaveLength(1);
    expect(unhealthy(c)[0]).toContain('Readiness probe failed: Get "http://');
  });
});

describe('readiness of a crash-looping container between its crashes', () => {
  // Pods 10 minutes old; each instance runs 20 minutes before it exits, so the first one runs now.
  const ready = (c: ReturnType<typeof createSimCluster>) => podOf(c).status?.containerStatuses?.[0]?.ready;

  it('without a readiness probe a running instance is Ready, as the kubelet marks a started container', () => {
    const c = createSimCluster(
      world({ behavior: { crash: { exitCode: 1, logs: ['boom'] }, failAfter: '20m' } }),
    );
    expect(ready(c)).toBe(true);
    expect(endpoints(c).subsets?.[0]?.addresses).toHaveLength(1);
  });

  it('ready: false holds while it runs: unready and out of the endpoints', () => {
    const c = createSimCluster(
      world({
        behavior: { ready: false, crash: { exitCode: 1, logs: ['waiting for lock'] }, failAfter: '20m' },
      }),
    );
    expect(ready(c)).toBe(false);
    expect(endpoints(c).subsets?.[0]?.addresses).toBeUndefined();
  });

  it('a program failing while it starts serves nothing: its readiness probe is refused every period', () => {
    const c = createSimCluster(
      world({
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10 },
        behavior: {
          listenPorts: [8080],
          requiredEnv: [{ name: 'DB_URL', logs: ['waiting for DB_URL'] }],
          failAfter: '20m',
        },
      }),
    );
    expect(ready(c)).toBe(false);
    const [msg] = unhealthy(c);
    expect(msg).toMatch(/^Readiness probe failed: dial tcp [0-9.]+:8080: connect: connection refused$/);
    const event = (c.listNow({ kind: 'Event', namespace: 'web' }) as unknown as KubeEvent[]).find(
      (e) => e.reason === 'Unhealthy',
    );
    expect(event?.count).toBeGreaterThanOrEqual(55);
  });

  it('a program that serves before it crashes is Ready once its readiness probe passes', () => {
    const c = createSimCluster(
      world({
        readinessProbe: { httpGet: { path: '/health', port: 8080 } },
        behavior: {
          http: [{ port: 8080, path: '/health' }],
          crash: { exitCode: 2, logs: ['panic'] },
          failAfter: '20m',
        },
      }),
    );
    expect(ready(c)).toBe(true);
    expect(unhealthy(c)).toEqual([]);
  });
});

describe('declared readiness', () => {
  it('a pod fact ready: false without a declared state makes the running container unready (and only that)', () => {
    const c = createSimCluster({
      now: '2026-01-15T10:00:00Z',
      pods: [
        {
          name: 'node-agent-a',
          namespace: 'web',
          ready: false,
          containers: [{ name: 'agent', image: 'acme/agent:1' }],
        },
        { name: 'node-agent-b', namespace: 'web', containers: [{ name: 'agent', image: 'acme/agent:1' }] },
      ],
    });
    const pods = c.listNow({ kind: 'Pod', namespace: 'web' }) as unknown as Pod[];
    const byName = (n: string) => pods.find((p) => p.metadata.name === n)!;
    expect(byName('node-agent-a').status?.phase).toBe('Running');
    expect(byName('node-agent-a').status?.containerStatuses?.[0]?.ready).toBe(false);
    expect(byName('node-agent-a').status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    expect(byName('node-agent-b').status?.containerStatuses?.[0]?.ready).toBe(true);
  });
});
