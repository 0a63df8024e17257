import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { volumeOwnershipAnalyzer } from './volume-ownership.js';

const events = (rows: string[]): SeenObservation => ({
  step: 1,
  tool: 'get_events',
  args: { namespace: 'ci' },
  status: 'ok',
  content: ['LAST SEEN   TYPE      REASON                             OBJECT          MESSAGE', ...rows].join(
    '\n',
  ),
});
const finds = (rows: string[]) =>
  volumeOwnershipAnalyzer.finds({ task: 't', ns: 'ci', hints: [], seen: [events(rows)] });

describe('volume-ownership', () => {
  it('finds the kubelet walking a large volume for fsGroup, and a Multi-Attach error since resolved', () => {
    const [f] = finds([
      '2m          Warning   VolumePermissionChangeInProgress   pod/jenkins-0   Setting volume ownership for /var/lib/kubelet/pods/x/mount, processed 2913406 files',
      '36m         Normal    SuccessfulAttachVolume             pod/jenkins-0   AttachVolume.Attach succeeded for volume "pvc-1"',
      '37m         Warning   FailedAttachVolume                 pod/jenkins-0   Multi-Attach error for volume "pvc-1" Volume is already exclusively attached to one node',
    ]);
    expect(f?.cause).toMatch(/2,913,406 files processed/);
    expect(f?.cause).toMatch(/Multi-Attach error is over/);
    expect(f?.advice).toMatch(/OnRootMismatch/);
  });
  it('says nothing without the event', () => {
    expect(
      finds(['1m   Warning   FailedMount   pod/jenkins-0   timed out waiting for the condition']),
    ).toEqual([]);
  });
  it('says nothing once the walk is over and the container has started', () => {
    expect(
      finds([
        '3m          Warning   BackOff                            pod/jenkins-0   Back-off restarting failed container jenkins in pod jenkins-0',
        '40m         Normal    Started                            pod/jenkins-0   Started container jenkins',
        '52m         Warning   VolumePermissionChangeInProgress   pod/jenkins-0   Setting volume ownership for /var/lib/kubelet/pods/x/mount, processed 2913406 files',
      ]),
    ).toEqual([]);
  });
});
