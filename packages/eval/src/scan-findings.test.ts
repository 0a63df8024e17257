import { describe, expect, it } from 'vitest';
import type { SeenObservation } from './observations.js';
import { fromScan, scanReads } from './scan-findings.js';

const scan = (content: string): SeenObservation => ({
  step: 1,
  tool: 'scan',
  args: { namespace: 'web' },
  status: 'ok',
  content,
});
const OUT = `scan of namespace web: 3 finding(s), most likely root causes first
- Ingress web/storefront [IngressClassNotFound] ingress storefront names ingress class "nginx-public", which does not exist
    evidence: ingressClassName nginx-public; IngressClasses: nginx
    fix: set spec.ingressClassName to an existing class (nginx)
- Deployment web/api [UnavailableReplicas] deployment api has 0 of 2 replicas available
    evidence: status: desired 2, ready 0
- PersistentVolumeClaim web/data [StorageClassNotFound] PersistentVolumeClaim data is Pending: its StorageClass "fast" does not exist
    evidence: status.phase Pending, storageClassName fast
- Widget web/w1 [Broken] a family added later
    evidence: something`;

const ctx = (task: string, seen: SeenObservation[] = [scan(OUT)]) => ({ task, ns: 'web', hints: [], seen });

describe('the baseline from scan findings', () => {
  it('ranks causes above symptoms and drops symptoms another finding explains', () => {
    const found = fromScan(ctx('storefront returns 404 from outside'));
    expect(found.map((f) => f.object)).toEqual([
      'persistentvolumeclaim data',
      'ingress storefront',
      'widget w1',
    ]);
    expect(found[1]!.advice).toBe('set spec.ingressClassName to an existing class (nginx)');
  });

  it('takes an ingress only when the task points at the edge', () => {
    expect(fromScan(ctx('the api pods are slow')).map((f) => f.object)).not.toContain('ingress storefront');
  });

  it('cites the read of the object once it was made, the scan before', () => {
    const before = fromScan(ctx('volume problems'))[0]!;
    expect(before.evidence[0]).toMatch(/^scan PersistentVolumeClaim data: /);
    const read: SeenObservation = {
      step: 2,
      tool: 'describe_resource',
      args: { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'web' },
      status: 'ok',
      content: 'Name: data',
    };
    const after = fromScan(ctx('volume problems', [scan(OUT), read]))[0]!;
    expect(after.evidence[0]).toMatch(/^describe_resource PersistentVolumeClaim data: /);
  });

  it('asks to read the objects of the strongest findings', () => {
    expect(scanReads(ctx('storefront returns 404 from outside'))).toEqual([
      { tool: 'describe_resource', args: { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'web' } },
      { tool: 'describe_resource', args: { kind: 'Ingress', name: 'storefront', namespace: 'web' } },
    ]);
  });

  it('is empty without a scan of the namespace', () => {
    expect(fromScan(ctx('anything', []))).toEqual([]);
  });
});

describe('a probe on a port the container does not declare', () => {
  const wrongPort = (probe: string) =>
    scan(`scan of namespace web: 2 finding(s), most likely root causes first
- Pod web/edge-gateway-gxvxqlfqmr-79zrp [ReadinessProbeWrongPort] the readiness probe of container gateway checks port 9080, but the container listens on 8080, 9180 (probe on the wrong port)
    container: gateway
    evidence: Readiness: ${probe}; container ports: 8080, http, 9180, admin
- Deployment web/edge-gateway [ProgressDeadlineExceeded] deployment edge-gateway's rollout is stuck: ProgressDeadlineExceeded (desired 4, updated 1, ready 4, available 4)
    evidence: condition Progressing False ProgressDeadlineExceeded: ReplicaSet "edge-gateway-gxvxqlfqmr" has timed out progressing.`);
  it.each([
    [
      'tcp',
      'tcp-socket :9080 delay=0s timeout=1s period=10s #failure=3',
      { tcpSocket: { port: 8080 }, periodSeconds: 10, failureThreshold: 3 },
    ],
    [
      'http',
      'http-get :9080/ready delay=0s timeout=1s period=5s #failure=3',
      { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, failureThreshold: 3 },
    ],
  ])(
    '%s: beats the stuck rollout it causes and points the probe at the serving port, not admin',
    (_name, probe, spec) => {
      const [top] = fromScan(ctx('the edge-gateway rollout is stuck', [wrongPort(probe)]));
      expect(top?.object).toMatch(/edge-gateway-gxvxqlfqmr-79zrp/);
      expect(top?.fix).toEqual({
        tool: 'set_probe',
        args: {
          namespace: 'web',
          deployment: 'edge-gateway',
          container: 'gateway',
          probe: 'readiness',
          spec,
        },
        text: 'point the readiness probe of edge-gateway/gateway at port 8080 (http), the port the container serves on',
      });
    },
  );
});
