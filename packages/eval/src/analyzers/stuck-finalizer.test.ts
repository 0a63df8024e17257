import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { observedIn } from './observed.fixture.js';
import { stuckFinalizerAnalyzer } from './stuck-finalizer.js';

const obs = observedIn('metering');
const POD = 'exporter-debug-7q2kd';
const pods = obs(
  'list_pods',
  `NAME                   READY   STATUS        RESTARTS   AGE\n${POD}   0/1     Terminating   0          2d\n`,
  {},
);
const yaml = (finalizers: string) =>
  obs(
    'get_resource',
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD}\n  deletionTimestamp: 2026-11-30T16:12:09Z\n${finalizers}spec: {}\n`,
    { kind: 'Pod', name: POD },
  );
const controller = (desired: number) =>
  obs('describe_deployment', `Name:  object-archiver\nReplicas:  ${desired} desired | ${desired} updated\n`, {
    namespace: 'archiver-system',
    name: 'object-archiver',
  });
const run = (seen: SeenObservation[]) =>
  stuckFinalizerAnalyzer.finds({
    task: 'the drain is stuck on a Terminating pod',
    ns: 'metering',
    hints: [],
    seen,
  });

describe('stuck-finalizer: a Terminating pod held by a finalizer whose controller does not run', () => {
  const held = '  finalizers:\n    - archive.corp.example/flush-before-delete\n';
  it('names the finalizer and the controller scaled to zero', () => {
    const [f] = run([pods, yaml(held), controller(0)]);
    expect(f?.cause).toMatch(
      /held in Terminating by its finalizer archive\.corp\.example\/flush-before-delete/,
    );
    expect(f?.cause).toMatch(/deployment object-archiver in archiver-system, is scaled to 0 replicas/);
  });
  it('asks for the controller named like the finalizer domain', () => {
    const reads = stuckFinalizerAnalyzer.reads({
      task: '',
      ns: 'metering',
      hints: [],
      seen: [pods, yaml(held)],
    });
    expect(reads).toContainEqual({ tool: 'find_objects', args: { name: 'archive' } });
  });
  it('nothing without finalizers', () => {
    expect(run([pods, yaml(''), controller(0)])).toEqual([]);
  });
});
