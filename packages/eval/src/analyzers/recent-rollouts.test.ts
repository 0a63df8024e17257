// Table tests of recent-rollouts: where a Running pod's log fails, a Deployment whose pods all started
// within the last day is described, and its change cause quoted; older ones and first revisions are not.
import { describe, expect, it } from 'vitest';
import { observed, table } from './observed.fixture.js';
import { recentRolloutsAnalyzer } from './recent-rollouts.js';
import type { AnalyzerContext } from './types.js';

type Seen = ReturnType<typeof observed>;
const ctx = (seen: Seen[]): AnalyzerContext => ({ task: '', ns: 'shop', hints: [], seen });
const POD = 'cart-7c9f5d8b6d-bcdfg';
const pods = (age: string) =>
  observed(
    'list_pods',
    { namespace: 'shop' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [POD, '1/1', 'Running', '0', age],
    ]),
  );
const failing = observed('get_pod_logs', { namespace: 'shop', name: POD }, 'ERROR session load failed');
const described = (revision: number) =>
  observed(
    'describe_deployment',
    { namespace: 'shop', name: 'cart' },
    `Name: cart\nAnnotations:            deployment.kubernetes.io/revision=${revision}\n                        kubernetes.io/change-cause=release 1.9.0: maxPoolSize 10 -> 100\n`,
  );

describe('recent-rollouts', () => {
  it('describes the recently rolled Deployment, then quotes its change cause', () => {
    expect(recentRolloutsAnalyzer.reads(ctx([pods('3h55m'), failing]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: 'shop', name: 'cart' } },
    ]);
    expect(recentRolloutsAnalyzer.notes!(ctx([pods('3h55m'), failing, described(2)]))[0]).toContain(
      'revision 2 3h55m ago, change cause "release 1.9.0: maxPoolSize 10 -> 100"',
    );
  });
  it('silent for old pods, a first revision, or no failure', () => {
    expect(recentRolloutsAnalyzer.reads(ctx([pods('40d'), failing]))).toEqual([]);
    expect(recentRolloutsAnalyzer.notes!(ctx([pods('3h'), failing, described(1)]))).toEqual([]);
    const quiet = observed('get_pod_logs', { namespace: 'shop', name: POD }, 'INFO ok');
    expect(recentRolloutsAnalyzer.notes!(ctx([pods('3h'), quiet, described(2)]))).toEqual([]);
  });
});
