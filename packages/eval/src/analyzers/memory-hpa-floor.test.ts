import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { memoryHpaFloorAnalyzer } from './memory-hpa-floor.js';

const hpa = (
  metric: string,
  target: number,
  current: number,
  replicas: number,
  min = 3,
): SeenObservation => ({
  step: 1,
  tool: 'describe_resource',
  args: { kind: 'HorizontalPodAutoscaler', name: 'gw', namespace: 'auth' },
  status: 'ok',
  content: `Name:         gw
Spec:
  scaleTargetRef.name: gw
  minReplicas: ${min}
  maxReplicas: 12
  metrics[0].type: Resource
  metrics[0].resource.name: ${metric}
  metrics[0].resource.target.averageUtilization: ${target}
Status:
  currentReplicas: ${replicas}
  desiredReplicas: ${replicas}
  currentMetrics[0].resource.name: ${metric}
  currentMetrics[0].resource.current.averageUtilization: ${current}
Events:  <none>`,
});
const finds = (o: SeenObservation) =>
  memoryHpaFloorAnalyzer.finds({ task: 't', ns: 'auth', hints: [], seen: [o] });

describe('memory-hpa-floor', () => {
  it('finds a memory HPA above its minimum whose figure is within the tolerance of its target', () => {
    const [f] = finds(hpa('memory', 75, 70, 8));
    expect(f?.cause).toMatch(/inside its 10 % tolerance \(70 \/ 75 = 0.93\), which keeps 8/);
    expect(f?.cause).toMatch(/does not scale back in towards minReplicas 3/);
  });
  it('finds one whose proposal rounds up to the current count', () => {
    // ceil(5 × 50 / 60) = 5: 0.83 is outside the tolerance, and rounding up keeps 5.
    expect(finds(hpa('memory', 60, 50, 5))[0]?.cause).toMatch(/ceil\(5 × 50 \/ 60\) = 5/);
  });
  it('stays quiet for a CPU HPA, at its minimum, above its target, or far enough below to shrink', () => {
    expect(finds(hpa('cpu', 75, 70, 8))).toEqual([]);
    expect(finds(hpa('memory', 75, 70, 3))).toEqual([]);
    expect(finds(hpa('memory', 75, 90, 8))).toEqual([]);
    // ceil(8 × 40 / 75) = 5 < 8: it scales in.
    expect(finds(hpa('memory', 75, 40, 8))).toEqual([]);
  });
});
