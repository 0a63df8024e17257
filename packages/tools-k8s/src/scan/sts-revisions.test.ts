import { describe, it } from 'vitest';
import { check, pod, type Row, running, statefulSet } from './__fixtures__/build.js';
import { stsRevisionsAnalyzer } from './sts-revisions.js';

const set = statefulSet(
  'broker',
  { replicas: 3, selector: { matchLabels: { app: 'broker' } } },
  { currentRevision: 'broker-new', updateRevision: 'broker-new', readyReplicas: 2 },
);
const member = (name: string, rev: string, ready: boolean) =>
  pod(
    name,
    {},
    {
      phase: 'Running',
      containerStatuses: [
        ready
          ? running()
          : {
              name: 'app',
              ready: false,
              restartCount: 9,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
            },
      ],
    },
    { labels: { app: 'broker', 'controller-revision-hash': rev } },
  );

const ROWS: Row[] = [
  {
    name: 'every member on the update revision',
    objects: [set, member('broker-0', 'broker-new', true), member('broker-1', 'broker-new', false)],
    want: [],
  },
  {
    name: 'a broken member left on the old revision after a revert',
    objects: [set, member('broker-0', 'broker-new', true), member('broker-2', 'broker-bad', false)],
    want: [
      {
        kind: 'Pod',
        name: 'broker-2',
        reason: 'StaleRevisionNotReplaced',
        says: ['broker-bad', 'broker-new', 'forced rollback'],
        fix: true,
      },
    ],
  },
  {
    name: 'a Ready member on an older revision is a rollout in progress, not stuck',
    objects: [set, member('broker-2', 'broker-bad', true)],
    want: [],
  },
  {
    name: 'a pod of another set with a similar name is not a member',
    objects: [set, member('broker-canary-0', 'broker-bad', false)],
    want: [],
  },
];

describe('sts-revisions analyzer', () => {
  it.each(ROWS)('$name', (row) => check(stsRevisionsAnalyzer, row));
});
