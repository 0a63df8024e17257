import { describe, expect, it } from 'vitest';
import { observed } from './observed.fixture.js';
import { previousLimitsAnalyzer, previousMemoryLimit } from './previous-limits.js';

const pod = observed(
  'describe_pod',
  { namespace: 'tg', name: 'guard-mgjlx6j2h-bz7km' },
  'Name: guard-mgjlx6j2h-bz7km\nControlled By:  ReplicaSet/guard-mgjlx6j2h\nContainers:\n  manager:\n    Last State:     Terminated\n      Reason:       OOMKilled\n',
);
const history = (n: number) =>
  observed(
    'get_rollout_history',
    { namespace: 'tg', name: 'guard' },
    `deployment.apps/guard\nREVISION      CHANGE-CAUSE         IMAGES\n${[...Array(n).keys()].map((i) => `${i + 1}${i === n - 1 ? ' (current)' : ''}             helm ${i}   manager=x:${i}`).join('\n')}\n`,
  );
const replicaSets = observed(
  'list_resources',
  { kind: 'ReplicaSet', namespace: 'tg' },
  'NAME                STATUS      AGE\nguard-hpk6pbhzw     0/0 ready   2d\nguard-zz9zz9zz9     0/0 ready   40d\nguard-mgjlx6j2h     0/2 ready   85m\n',
);
const previous = observed(
  'describe_resource',
  { kind: 'ReplicaSet', namespace: 'tg', name: 'guard-hpk6pbhzw' },
  'Name: guard-hpk6pbhzw\nSpec:\n  template.spec.containers[0].name: manager\n  template.spec.containers[0].resources.limits.memory: 512Mi\n',
);
const reads = (...seen: ReturnType<typeof observed>[]) =>
  previousLimitsAnalyzer.reads({ task: '', ns: 'tg', hints: [], seen });

describe('previous-limits: what the revision before an OOM-killing rollout gave the container', () => {
  it.each([
    ['one revision only: nothing to compare', [pod, history(1)], []],
    [
      'two revisions: the ReplicaSets first',
      [pod, history(2)],
      [{ tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: 'tg' } }],
    ],
    [
      'then the youngest one scaled to zero',
      [pod, history(2), replicaSets],
      [{ tool: 'describe_resource', args: { kind: 'ReplicaSet', name: 'guard-hpk6pbhzw', namespace: 'tg' } }],
    ],
  ])('%s', (_name, seen, want) => {
    expect(reads(...seen)).toEqual(want);
  });

  it('reads the container limit from the ReplicaSet template', () => {
    expect(previousMemoryLimit({ seen: [previous] }, 'guard', 'manager')).toEqual({
      bytes: 512 * 2 ** 20,
      text: '512Mi',
      replicaSet: 'guard-hpk6pbhzw',
    });
    expect(previousMemoryLimit({ seen: [previous] }, 'guard', 'sidecar')).toBeUndefined();
  });
});
