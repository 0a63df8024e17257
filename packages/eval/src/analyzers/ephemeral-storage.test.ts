import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { ephemeralStorageAnalyzer } from './ephemeral-storage.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('ci');
const EVICTED =
  'LAST SEEN   TYPE      REASON    OBJECT                        MESSAGE\n12m   Warning   Evicted   pod/runner-7c5d9f6b8-h7x9c   The node was low on resource: ephemeral-storage. Threshold quantity: 3221225472, available: 2204160Ki. Container runner was using 25165824Ki, request is 0, has larger consumption of ephemeral-storage.';
const sibling = (sizeLimit: string) =>
  obs(
    'describe_pod',
    `Name:  runner-7c5d9f6b8-zfc7j\nContainers:\n  runner:\n    Mounts:\n      /scratch from scratch (rw)\nVolumes:\n  scratch:\n    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:     \n    SizeLimit:  ${sizeLimit}\nQoS Class:  BestEffort\n`,
    { name: 'runner-7c5d9f6b8-zfc7j' },
  );
const run = (seen: SeenObservation[]) =>
  ephemeralStorageAnalyzer.finds({ task: 'runners die', ns: 'ci', hints: [], seen });

describe('ephemeral-storage: pods evicted for the node disk their own writes fill', () => {
  it("reads the older wording in the evicted pod's own description", () => {
    const evicted = obs(
      'describe_pod',
      'Name:  runner-7c5d9f6b8-h7x9c\nStatus:  Failed\nReason:  Evicted\nMessage:  The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8112Mi. Container runner was using 61Gi, which exceeds its request of 0.\n',
      { name: 'runner-7c5d9f6b8-h7x9c' },
    );
    const [f] = run([evicted, sibling('<unset>')]);
    expect(f?.object).toBe('deployment runner');
    expect(f?.cause).toMatch(/container runner with 61\.0 GiB/);
  });
  it('nothing when every eviction ended a day or more ago (records of a past episode)', () => {
    const old = obs(
      'describe_pod',
      'Name:  runner-7c5d9f6b8-h7x9c\nStatus:  Failed\nReason:  Evicted\nMessage:  The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8112Mi. Container runner was using 61Gi, which exceeds its request of 0.\nContainers:\n  runner:\n    State:      Terminated\n      Reason:   Evicted\n      Finished: 2026-11-25T10:00:00Z (5d ago)\n',
      { name: 'runner-7c5d9f6b8-h7x9c' },
    );
    expect(run([old, sibling('<unset>')])).toEqual([]);
  });
  it('names the container, its usage and the emptyDir it writes to', () => {
    const [f] = run([obs('get_events', EVICTED, {}), sibling('<unset>')]);
    expect(f?.object).toBe('deployment runner');
    expect(f?.cause).toMatch(/container runner with 24\.0 GiB \(25165824Ki\)/);
    expect(f?.cause).toMatch(/emptyDir volume scratch \(\/scratch\)[^;]*has no sizeLimit/);
  });

  it('says the sizeLimit when one is set', () => {
    expect(run([obs('get_events', EVICTED, {}), sibling('20Gi')])[0]?.cause).toMatch(/\(sizeLimit 20Gi\)/);
  });

  it('nothing for a memory eviction or no eviction', () => {
    expect(
      run([
        obs(
          'get_events',
          'Warning Evicted pod/a-1 The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi. Container a was using 900Mi, request is 100Mi, has larger consumption of memory.',
          {},
        ),
      ]),
    ).toEqual([]);
    expect(run([sibling('<unset>')])).toEqual([]);
  });
});
