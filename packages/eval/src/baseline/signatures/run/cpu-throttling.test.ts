import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../../../observations.js';
import type { Facts } from '../types.js';
import { cpuThrottling } from './cpu-throttling.js';

const find = (f: Facts) => ('find' in cpuThrottling ? cpuThrottling.find(f, []) : []);

const metrics = (namespace: string, pod: string, line: string): SeenObservation => ({
  step: 1,
  tool: 'get_pod_metrics',
  args: { namespace },
  status: 'ok',
  content: `${pod}  restarts: 0  oomKills: 0 known\n  ${line}\n`,
});
const facts = (seen: SeenObservation[]): Facts =>
  ({
    task: 'p99 latency went up',
    ns: 'pricing',
    hints: [],
    seen,
    tools: new Set(['set_resources']),
    pods: [],
    deps: [{ name: 'quote', ready: '2/2', readyCount: 2, desired: 2 }],
    events: '',
    scanned: true,
    bonus: () => 0,
  }) as Facts;

describe('cpu-throttling: usage at the CPU limit', () => {
  it('pinned at the limit in another namespace: names that namespace and raises four times there', () => {
    const [f] = find(
      facts([
        metrics(
          'edge',
          'router-7f9c8d6b5-x2k4p',
          'envoy: cpu 500m / request 250m / limit 500m (100%); memory 180Mi / limit 512Mi (35%)',
        ),
      ]),
    );
    expect(f?.object).toBe('deployment router (pod router-7f9c8d6b5-x2k4p) in edge');
    expect(f?.fix).toMatchObject({
      tool: 'set_resources',
      args: { namespace: 'edge', deployment: 'router', container: 'envoy', limits: { cpu: '2' } },
    });
  });

  it('near the limit in the namespace asked about: twice the limit', () => {
    const [f] = find(facts([metrics('pricing', 'quote-7f9c8d6b5-x2k4p', 'quote: cpu 930m / limit 1 (93%)')]));
    expect(f?.object).toBe('deployment quote (pod quote-7f9c8d6b5-x2k4p)');
    expect(f?.fix?.args).toMatchObject({ namespace: 'pricing', limits: { cpu: '2' } });
  });

  it('nothing below 90 %', () => {
    expect(find(facts([metrics('pricing', 'quote-1', 'quote: cpu 500m / limit 1 (50%)')]))).toEqual([]);
  });
});
