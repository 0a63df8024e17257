import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { log, observed } from './observed.fixture.js';
import { readinessPortAnalyzer } from './readiness-port.js';
import type { AnalyzerContext } from './types.js';

const NS = 'fraud';
const POD = 'risk-scorer-mlgfj7nv2-4n7kd';
const IP = '10.244.0.13';

const described = (
  readiness = 'http-get :9090/healthz delay=0s timeout=1s period=5s #success=1 #failure=3',
) =>
  observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      `Name:             ${POD}`,
      `Namespace:        ${NS}`,
      'Status:           Running',
      `IP:               ${IP}`,
      'Controlled By:    ReplicaSet/risk-scorer-mlgfj7nv2',
      'Containers:',
      '  scorer:',
      '    Image:          registry.example.com/fraud/risk-scorer:5.9.0',
      '    Ports:          50051/TCP, 9090/TCP',
      '    State:          Running',
      '    Ready:          True',
      '    Restart Count:  0',
      `    Readiness:      ${readiness}`,
      '  linkerd-proxy:',
      '    Image:          cr.l5d.io/linkerd/proxy:stable-2.14.10',
      '    State:          Running',
      'Events:  <none>',
    ].join('\n'),
  );
const service = (endpoints = `${IP}:50051,10.244.0.14:50051`) =>
  observed(
    'describe_service',
    { namespace: NS, name: 'risk-scorer' },
    [
      'Name:              risk-scorer',
      `Namespace:         ${NS}`,
      'Port:              grpc  50051/TCP',
      'TargetPort:        grpc/TCP',
      `Endpoints:         ${endpoints}`,
    ].join('\n'),
  );
const admin = '2026-03-20T14:35:02.114Z INFO  admin: HTTP server listening on :9090 (/healthz, /metrics)';
const grpc = (at = '14:36:27') => `2026-03-20T${at}.905Z INFO  grpc: RiskScorer server listening on :50051`;
const logs = (lines = [admin, '2026-03-20T14:35:02.120Z INFO  model: downloading bundle', grpc()]) =>
  log(NS, POD, lines);
const ctx = (seen: SeenObservation[]): AnalyzerContext => ({
  task: 'UNAVAILABLE after rollouts',
  ns: NS,
  hints: [],
  seen,
});

describe('readiness-port: a readiness probe on a port that opens before the served one', () => {
  it('finds the probe, the gap, and probes the served port instead', () => {
    const [f] = readinessPortAnalyzer.finds(ctx([described(), service(), logs()]));
    expect(f?.object).toBe(`deployment risk-scorer (pod ${POD})`);
    expect(f?.cause).toContain('checks port 9090, not port 50051');
    expect(f?.cause).toContain('85 s before port 50051');
    expect(f?.fix).toMatchObject({
      tool: 'set_probe',
      args: {
        namespace: NS,
        deployment: 'risk-scorer',
        container: 'scorer',
        probe: 'readiness',
        spec: {
          tcpSocket: { port: 50051 },
          periodSeconds: 5,
          timeoutSeconds: 1,
          failureThreshold: 3,
          initialDelaySeconds: 0,
        },
      },
    });
  });

  it.each<[string, SeenObservation[]]>([
    [
      'the probe checks the served port',
      [described('tcp-socket :50051 delay=0s timeout=1s period=5s'), service(), logs()],
    ],
    ['both ports open within seconds', [described(), service(), logs([admin, grpc('14:35:04')])]],
    ['the log does not say when the served port opened', [described(), service(), logs([admin])]],
    [
      'the log lines carry no time',
      [described(), service(), logs(['listening on :9090', 'listening on :50051'])],
    ],
    ['no Service sends this pod traffic', [described(), service('10.244.0.99:50051'), logs()]],
    ['the Services send it traffic on two ports', [described(), service(`${IP}:50051,${IP}:9090`), logs()]],
    ['its log was not read', [described(), service()]],
  ])('silent when %s', (_, seen) => {
    expect(readinessPortAnalyzer.finds(ctx(seen))).toEqual([]);
  });

  it('a log read of another container is not this one', () => {
    const other = log(NS, POD, [admin, grpc()], { container: 'linkerd-proxy' });
    expect(readinessPortAnalyzer.finds(ctx([described(), service(), other]))).toEqual([]);
  });

  it('bounded on a huge description and endpoint list', () => {
    const big = observed(
      'describe_service',
      { namespace: NS, name: 'x' },
      `Endpoints: ${'10.0.0.1:80,'.repeat(100_000)}`,
    );
    const t = performance.now();
    expect(readinessPortAnalyzer.finds(ctx([described(), big, logs()]))).toEqual([]);
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
