import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../analyzers/index.js';
import type { Facts } from '../types.js';
import { autoscalerSays } from './autoscaler-says.js';

const pending = (): Finding => ({
  weight: 86,
  object: 'deployment ingest (pod ingest-78c9d5b6f4-bh4nf)',
  cause: 'pod ingest-78c9d5b6f4-bh4nf is Pending (FailedScheduling): Insufficient cpu',
  evidence: [],
});
const refine = (events: string, found: Finding[]) => {
  if (!('refine' in autoscalerSays)) throw new Error('a refining signature');
  autoscalerSays.refine({ events } as unknown as Facts, found);
  return found;
};

describe("autoscaler-says: the cluster autoscaler's word on a pending pod", () => {
  it.each([
    [
      "2m   Normal   NotTriggerScaleUp   pod/ingest-78c9d5b6f4-bh4nf   pod didn't trigger scale-up: 1 max node group size reached",
      /will not add a node .*max node group size reached\): the node group is already at its maximum size/,
    ],
    [
      // A sibling of the same ReplicaSet carries the event.
      "2m   Normal   NotTriggerScaleUp   pod/ingest-78c9d5b6f4-x9z2q   pod didn't trigger scale-up: 2 Insufficient cpu",
      /will not add a node .*: even a new node of any node group would be too small/,
    ],
    [
      '40s  Normal   TriggeredScaleUp    pod/ingest-78c9d5b6f4-bh4nf   pod triggered scale-up: [{pool-1 3->4 (max: 10)}]',
      /has triggered a scale-up for it .*should schedule once the new node is Ready/,
    ],
  ])('%s', (events, cause) => {
    const [f] = refine(`LAST SEEN   TYPE   REASON   OBJECT   MESSAGE\n${events}`, [pending()]);
    expect(f?.cause).toMatch(cause);
    expect(f?.evidence.at(-1)).toMatch(/^event: (NotTriggerScaleUp|TriggeredScaleUp)/);
  });

  it('leaves findings alone without an autoscaler event for the pod or its siblings, or that are not about scheduling', () => {
    const other =
      "2m   Normal   NotTriggerScaleUp   pod/web-5d8f7c9b4-aaaaa   pod didn't trigger scale-up: 1 max node group size reached";
    expect(refine(other, [pending()])[0]?.cause).not.toMatch(/autoscaler/);
    const crash: Finding = {
      weight: 80,
      object: 'pod ingest-78c9d5b6f4-bh4nf',
      cause: 'CrashLoopBackOff',
      evidence: [],
    };
    expect(refine(other.replace('web-5d8f7c9b4-aaaaa', 'ingest-78c9d5b6f4-bh4nf'), [crash])[0]?.cause).toBe(
      'CrashLoopBackOff',
    );
  });
});
