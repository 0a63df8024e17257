// The scan's missing claim (a pod Pending on `persistentvolumeclaim "x" not found`), from the attacker's review of
// held-out set 90's rules (packages/eval/src/analyzers/held-out-90-review.test.ts).
import { describe, expect, it } from 'vitest';
import { factsFrom } from './facts.js';
import { analyze } from './index.js';
import { podsAnalyzer } from './pods.js';

function best(f: () => unknown): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

describe('pods scan: missingClaim', () => {
  const pending = (message: string) => [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'graphd-1', namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
      status: {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'graphd-1.x', namespace: 'shop' },
      involvedObject: { kind: 'Pod', name: 'graphd-1', namespace: 'shop' },
      reason: 'FailedScheduling',
      message,
      type: 'Warning',
    },
  ];
  const found = (message: string) =>
    analyze(factsFrom(pending(message) as never, {}), [podsAnalyzer]).map((f) => f.message);

  it('names the missing claim, and an unbound claim is not called missing', () => {
    expect(found('0/3 nodes are available: persistentvolumeclaim "graphd-log" not found.')[0]).toContain(
      'PersistentVolumeClaim graphd-log does not exist',
    );
    expect(
      found('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.')[0],
    ).not.toContain('does not exist');
  });

  it('a hostile message of a near-claim name does bounded work', () => {
    const hostile = `persistentvolumeclaim "${'a.'.repeat(50_000)}`;
    // A ratio within one run, not a timing target.
    expect(best(() => found(hostile))).toBeLessThan(best(() => found('x'.repeat(100_000))) * 20 + 1000);
  });
});
