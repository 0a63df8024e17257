import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { jvmMemoryHpaAnalyzer } from './jvm-memory-hpa.js';

const hpa: SeenObservation = {
  step: 1,
  tool: 'describe_resource',
  args: { kind: 'HorizontalPodAutoscaler', name: 'billing', namespace: 'shop' },
  status: 'ok',
  content: `Name:         billing
Namespace:    shop
Kind:         HorizontalPodAutoscaler (autoscaling/v2)
Spec:
  scaleTargetRef.kind: Deployment
  scaleTargetRef.name: billing
  minReplicas: 2
  maxReplicas: 6
  metrics[0].type: Resource
  metrics[0].resource.name: memory
Status:
  currentReplicas: 6
`,
};
const pod = (name: string, opts: string): SeenObservation => ({
  step: 2,
  tool: 'describe_pod',
  args: { namespace: 'shop', name },
  status: 'ok',
  content: `Name:             ${name}\nNamespace:        shop\nContainers:\n  app:\n    Environment:\n      JAVA_OPTS:  ${opts}\n`,
});
const finds = (...pods: SeenObservation[]) =>
  jvmMemoryHpaAnalyzer.finds({ task: 't', ns: 'shop', hints: [], seen: [hpa, ...pods] });

describe('jvm-memory-hpa', () => {
  it('finds a fixed heap or pre-touch in the target’s own pods', () => {
    expect(finds(pod('billing-7f9c8d6b5-x2k4p', '-Xms1g -Xmx1g'))[0]?.cause).toMatch(
      /-Xms1g equal to -Xmx1g/,
    );
    expect(finds(pod('billing-0', '-Xmx1g -XX:+AlwaysPreTouch'))[0]?.cause).toMatch(/AlwaysPreTouch/);
  });
  it('leaves pre-touch switched off, and another workload whose name starts with the target’s, alone', () => {
    expect(finds(pod('billing-7f9c8d6b5-x2k4p', '-Xms256m -Xmx1g -XX:-AlwaysPreTouch'))).toEqual([]);
    expect(finds(pod('billing-worker-5d8f7c6b9-q7r2m', '-Xms512m -Xmx512m'))).toEqual([]);
  });
});
