// revertOneChange: what the baseline asks for after a refused rollback (the reads that show the latest
// rollout's change, then the narrower change that undoes it), and where it gives up.
import { describe, expect, it } from 'vitest';
import { ctx, observed, pods, table } from './observed.fixture.js';
import { revertOneChange } from './rollout-diff.js';

const NS = 'devportal';
const DEP = 'docs-portal';
const OLD = `${DEP}-x7rmlrcjs2`;
const NEW = `${DEP}-wq5z5rnlp`;

const rs = (name: string, image: string, env: [string, string | undefined][]) =>
  observed(
    'describe_resource',
    { kind: 'ReplicaSet', namespace: NS, name },
    [
      `Name:         ${name}`,
      `Namespace:    ${NS}`,
      'Kind:         ReplicaSet (apps/v1)',
      'Spec:',
      '  template.spec.containers[0].name: portal',
      `  template.spec.containers[0].image: ${image}`,
      ...env.flatMap(([n, v], i) => [
        `  template.spec.containers[0].env[${i}].name: ${n}`,
        // A variable read from a Secret or ConfigMap has no literal value line.
        ...(v === undefined ? [] : [`  template.spec.containers[0].env[${i}].value: ${v}`]),
      ]),
      'Events:  <none>',
    ].join('\n'),
  );

const listedPods = pods(NS, [
  [`${NEW}-mgr96`, '0/1', 'CrashLoopBackOff', '11 (2m ago)', '3h'],
  [`${NEW}-k2x9p`, '0/1', 'CrashLoopBackOff', '11 (1m ago)', '3h'],
]);
const listedSets = observed(
  'list_resources',
  { kind: 'ReplicaSet', namespace: NS },
  table([
    ['NAME', 'STATUS', 'AGE'],
    [NEW, '0/2 ready', '3h'],
    [OLD, '0/0 ready', '40d'],
  ]),
);
const MIRROR: [string, string] = ['NPM_CONFIG_REGISTRY', 'https://npm-proxy.corp.example/'];
const NEW_MIRROR: [string, string] = ['NPM_CONFIG_REGISTRY', 'https://artifacts.corp.example/npm/'];
const IMAGE = 'corp/docs-portal:5.1.0';

const revert = (...more: ReturnType<typeof observed>[]) =>
  revertOneChange(ctx(NS, [listedPods, ...more]), DEP);

describe('revertOneChange: the narrower repair of a refused rollback', () => {
  it('asks for the ReplicaSets first, then the two templates not yet read', () => {
    expect(revert()).toEqual({
      reads: [{ tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: NS } }],
    });
    expect(revert(listedSets)).toEqual({
      reads: [OLD, NEW].map((name) => ({
        tool: 'describe_resource',
        args: { kind: 'ReplicaSet', name, namespace: NS },
      })),
    });
    expect(revert(listedSets, rs(OLD, IMAGE, [MIRROR]))).toEqual({
      reads: [{ tool: 'describe_resource', args: { kind: 'ReplicaSet', name: NEW, namespace: NS } }],
    });
  });

  it('puts a changed variable back to its previous value', () => {
    const r = revert(listedSets, rs(OLD, IMAGE, [MIRROR]), rs(NEW, IMAGE, [NEW_MIRROR]));
    expect(r).toMatchObject({
      fix: {
        tool: 'set_env',
        args: {
          namespace: NS,
          deployment: DEP,
          container: 'portal',
          set: [{ name: MIRROR[0], value: MIRROR[1] }],
        },
      },
    });
  });

  it('sets back a variable the rollout removed, and removes one it added', () => {
    expect(revert(listedSets, rs(OLD, IMAGE, [MIRROR]), rs(NEW, IMAGE, []))).toMatchObject({
      fix: { tool: 'set_env', args: { set: [{ name: MIRROR[0], value: MIRROR[1] }] } },
    });
    expect(revert(listedSets, rs(OLD, IMAGE, []), rs(NEW, IMAGE, [NEW_MIRROR]))).toMatchObject({
      fix: { tool: 'set_env', args: { remove: [MIRROR[0]] } },
    });
  });

  it('sets the previous image when the image is all that changed', () => {
    expect(revert(listedSets, rs(OLD, IMAGE, [MIRROR]), rs(NEW, 'corp/docs-portal:5.2.0', [MIRROR]))).toEqual(
      {
        fix: {
          tool: 'set_image',
          args: { namespace: NS, deployment: DEP, container: 'portal', image: IMAGE },
          text: `set the image of container portal of ${DEP} back to ${IMAGE}, the one it ran before the rollout`,
        },
      },
    );
  });

  it('gives up on two changes, on a value read from a Secret, and on a deployment with no second ReplicaSet', () => {
    expect(
      revert(listedSets, rs(OLD, IMAGE, [MIRROR]), rs(NEW, 'corp/docs-portal:5.2.0', [NEW_MIRROR])),
    ).toBeUndefined();
    expect(
      revert(listedSets, rs(OLD, IMAGE, [[MIRROR[0], undefined]]), rs(NEW, IMAGE, [NEW_MIRROR])),
    ).toBeUndefined();
    const oneSet = observed(
      'list_resources',
      { kind: 'ReplicaSet', namespace: NS },
      table([
        ['NAME', 'STATUS', 'AGE'],
        [NEW, '0/2 ready', '3h'],
      ]),
    );
    expect(revert(oneSet)).toBeUndefined();
    // Nothing changed between the two templates: nothing to undo.
    expect(revert(listedSets, rs(OLD, IMAGE, [MIRROR]), rs(NEW, IMAGE, [MIRROR]))).toBeUndefined();
  });
});
