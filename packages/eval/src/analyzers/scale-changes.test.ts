import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { scaleChanges } from './scale-changes.js';

const events = (namespace: string, rows: string[]): SeenObservation => ({
  step: 1,
  tool: 'get_events',
  args: { namespace },
  status: 'ok',
  content: ['LAST SEEN   TYPE      REASON              OBJECT                    MESSAGE', ...rows].join(
    '\n',
  ),
});

describe('scaleChanges: deployments scaled shortly before the incident', () => {
  const seen = [
    events('telemetry', [
      '14m         Normal    ScalingReplicaSet   deployment/trace-worker   Scaled down replica set trace-worker-7d9f5c6b8 from 4 to 0',
      '2h          Normal    ScalingReplicaSet   deployment/ingest-api     Scaled up replica set ingest-api-5d8c7b9f4d to 6 from 3',
      '30m         Normal    ScalingReplicaSet   deployment/web            Scaled up replica set web-6d9b7c8f5 to 3',
      '31m         Normal    ScalingReplicaSet   deployment/web            Scaled down replica set web-4gc2mfjcg to 0 from 3',
      '3d          Normal    ScalingReplicaSet   deployment/batch          Scaled up replica set batch-58d9c7f6b4 to 9 from 1',
      '5m          Warning   BackOff             pod/ingest-api-x          Back-off restarting failed container',
    ]),
  ];
  it('lists scale changes, scale-downs to zero first, and leaves out rollouts and old events', () => {
    const [line] = scaleChanges(seen, 'pod ingest-api-5d8c7b9f4d-abcde');
    expect(line).toMatch(
      /^Scaled shortly before \(check against the incident\): deployment trace-worker in telemetry down from 4 to 0 replicas 14m ago .*; deployment ingest-api in telemetry up from 3 to 6 replicas 2h ago/,
    );
    expect(line).not.toMatch(/deployment web|deployment batch/);
  });
  it('leaves out the deployments the root cause names, and says nothing when none is left', () => {
    expect(scaleChanges(seen, 'deployment trace-worker is at 0 replicas; ingest-api fails')).toEqual([]);
    expect(scaleChanges([], 'x')).toEqual([]);
  });
});

describe('scaleChanges on hostile input', () => {
  it('a deployment name with pattern characters is matched as text, not as a pattern', () => {
    const seen = [
      {
        step: 1,
        tool: 'get_events',
        args: { namespace: 'x' },
        status: 'ok' as const,
        content:
          'LAST SEEN   TYPE     REASON              OBJECT             MESSAGE\n5m          Normal   ScalingReplicaSet   deployment/a((+)   Scaled down replica set web-5d8c7b9f4d from 2 to 0',
      },
    ];
    expect(scaleChanges(seen, 'pod b')[0]).toMatch(/deployment a\(\(\+\) in x down from 2 to 0/);
  });
});
