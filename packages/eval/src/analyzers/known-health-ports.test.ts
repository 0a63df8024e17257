import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { knownHealthPortsAnalyzer } from './known-health-ports.js';

const pod = (image: string, probe: string, extra = ''): SeenObservation => ({
  step: 1,
  tool: 'describe_pod',
  args: { namespace: 'acc', name: 'api-5d9f7c8b6-x2x9z' },
  status: 'ok',
  content: `Name:             api-5d9f7c8b6-x2x9z
Controlled By:    ReplicaSet/api-5d9f7c8b6
Containers:
  api:
    Image:          acme/api:4
    Readiness:      http-get :8080/healthz delay=0s timeout=1s period=10s #failure=3
  cloud-sql-proxy:
    Image:          ${image}
    Readiness:      ${probe}${extra}
`,
});
const finds = (o: SeenObservation) =>
  knownHealthPortsAnalyzer.finds({ task: 't', ns: 'acc', hints: [], seen: [o] });

describe('known-health-ports', () => {
  it('points a probe at the port the Cloud SQL Auth Proxy v2 serves health checks on', () => {
    const [f] = finds(
      pod(
        'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.2',
        'http-get :8090/readiness delay=0s timeout=1s period=10s #failure=6',
      ),
    );
    expect(f?.cause).toMatch(/9090 by default/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'api',
      container: 'cloud-sql-proxy',
      probe: 'readiness',
      spec: { httpGet: { path: '/readiness', port: 9090 }, periodSeconds: 10, failureThreshold: 6 },
    });
  });
  it('leaves v1, the right port, and an explicit --http-port alone', () => {
    expect(
      finds(pod('gcr.io/cloudsql-docker/gce-proxy:1.33.16', 'http-get :8090/readiness delay=0s')),
    ).toEqual([]);
    expect(
      finds(pod('gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.2', 'http-get :9090/readiness delay=0s')),
    ).toEqual([]);
    expect(
      finds(
        pod(
          'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.2',
          'http-get :8090/readiness delay=0s',
          '\n    Args:           --http-port=8090',
        ),
      ),
    ).toEqual([]);
  });
});
