import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { hpaSidecarAnalyzer } from './hpa-sidecar.js';

const hpa: SeenObservation = {
  step: 1,
  tool: 'describe_resource',
  args: { kind: 'HorizontalPodAutoscaler', name: 'api', namespace: 'q' },
  status: 'ok',
  content: `Name:         api
Spec:
  scaleTargetRef.kind: Deployment
  scaleTargetRef.name: api
  metrics[0].type: Resource
  metrics[0].resource.name: cpu
  metrics[0].resource.target.type: Utilization
  metrics[0].resource.target.averageUtilization: 70
Status:
  currentMetrics[0].resource.current.averageUtilization: 43`,
};
const metrics = (sidecarRequest: string): SeenObservation => ({
  step: 2,
  tool: 'get_pod_metrics',
  args: { namespace: 'q' },
  status: 'ok',
  content: `api-6d9f7c5b8-5bg5t  restarts: 0  oomKills: 0 known
  api: cpu 500m / request 250m / limit 500m (100%); memory 420Mi / request 512Mi / limit 1Gi (41%)
  istio-proxy: cpu 35m / request ${sidecarRequest} / limit 2 (2%); memory 70Mi / request 128Mi / limit 1Gi (7%)`,
});
const finds = (seen: SeenObservation[]) => hpaSidecarAnalyzer.finds({ task: 't', ns: 'q', hints: [], seen });

describe('hpa-sidecar', () => {
  it('finds pod-level CPU utilization diluted by an idle sidecar under the target', () => {
    const [f] = finds([hpa, metrics('1')]);
    expect(f?.cause).toMatch(/dilutes the pod-level figure to about 43 %/);
    expect(f?.advice).toMatch(/ContainerResource/);
  });
  it('stays quiet when the pod-level figure reaches the target anyway', () => {
    expect(finds([hpa, metrics('50m')])).toEqual([]);
  });
});
