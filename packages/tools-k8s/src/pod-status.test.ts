// The STATUS column as kubectl's pod printer computes it (pkg/printers/internalversion/printers.go).
import { describe, expect, it } from 'vitest';
import { podStatusColumn } from './pod-status.js';
import type { Pod } from './types.js';

type Status = NonNullable<Pod['status']>;
type ContainerStatus = NonNullable<Status['containerStatuses']>[number];
const running = (name: string, ready = true): ContainerStatus =>
  ({ name, ready, restartCount: 0, image: 'x', state: { running: { startedAt: 't' } } }) as ContainerStatus;
const done = (name: string, reason = 'Completed', exitCode = 0): ContainerStatus =>
  ({
    name,
    ready: false,
    restartCount: 0,
    image: 'x',
    state: { terminated: { reason, exitCode } },
  }) as ContainerStatus;
const waiting = (name: string, reason: string): ContainerStatus =>
  ({ name, ready: false, restartCount: 0, image: 'x', state: { waiting: { reason } } }) as ContainerStatus;
const pod = (containerStatuses: ContainerStatus[], ready = false): Pod =>
  ({
    metadata: { name: 'p', namespace: 'n' },
    spec: { containers: [] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses,
    },
  }) as unknown as Pod;

describe('podStatusColumn', () => {
  it.each([
    ['all running', pod([running('a'), running('b')], true), 'Running'],
    // A Job's main container done while its sidecar still runs.
    ['main completed, sidecar running, not ready', pod([done('main'), running('vault-agent')]), 'NotReady'],
    ['main completed, sidecar running, ready', pod([done('main'), running('proxy')], true), 'Running'],
    // The first container's state wins: containers are read last to first.
    [
      'first waiting, second failed',
      pod([waiting('a', 'CrashLoopBackOff'), done('b', 'Error', 1)]),
      'CrashLoopBackOff',
    ],
    ['first failed, second waiting', pod([done('a', 'Error', 1), waiting('b', 'CrashLoopBackOff')]), 'Error'],
    ['all completed', pod([done('a'), done('b')]), 'Completed'],
  ])('%s', (_name, p, want) => {
    expect(podStatusColumn(p)).toBe(want);
  });
});
