import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { observedIn } from './observed.fixture.js';
import { slowRolloutAnalyzer } from './slow-rollout.js';

const obs = observedIn('dev');
const deployment = obs(
  'describe_deployment',
  'Name:  search\nConditions:\n  Type  Status  Reason\n  Progressing  False  ProgressDeadlineExceeded\nNewReplicaSet:  search-7f9c8d6b5 (1/1 replicas created)\n',
  { name: 'search' },
);
const pod = (restarts: number, ready: 'True' | 'False') =>
  obs(
    'describe_pod',
    `Name:  search-7f9c8d6b5-x2k4p\nStart Time:  2026-12-01T10:38:00Z\nStatus:  Running\nContainers:\n  s:\n    Restart Count:  ${restarts}\nConditions:\n  Type  Status\n  Ready  ${ready}\n`,
    { name: 'search-7f9c8d6b5-x2k4p' },
  );
const logs = (text: string) => obs('get_pod_logs', text, { name: 'search-7f9c8d6b5-x2k4p' });
const run = (seen: SeenObservation[]) =>
  slowRolloutAnalyzer.finds({ task: 'rollout failed', ns: 'dev', hints: [], seen });

describe('slow-rollout: a progress deadline shorter than the new pod takes to start', () => {
  it.each([
    ['loading shards: 10% (199/1987)\nloading shards: 50% (994/1987)'],
    ['replaying WAL segment 12/80\nreplaying WAL segment 40/80\nwarming caches'],
  ])('%s', (text) => {
    const [f] = run([deployment, pod(0, 'False'), logs(text)]);
    expect(f?.cause).toMatch(/not failing, it is slow/);
    expect(f?.revisionSound).toBe(true);
    expect(f?.fix).toBeUndefined();
  });

  it('nothing when the new pod restarted, is Ready, logs an error, or shows no progress', () => {
    const progress = logs('loading 10%\nloading 50%');
    expect(run([deployment, pod(2, 'False'), progress])).toEqual([]);
    expect(run([deployment, pod(0, 'True'), progress])).toEqual([]);
    expect(
      run([deployment, pod(0, 'False'), logs('loading 10%\nloading 50%\nERROR cannot open index')]),
    ).toEqual([]);
    expect(run([deployment, pod(0, 'False'), logs('started\nlistening on :6070')])).toEqual([]);
  });
});
