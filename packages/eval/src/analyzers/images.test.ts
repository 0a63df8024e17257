import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { imageAlternative, tagPrefixSlip, taskVersions } from './images.js';

const history = (...images: string[]): SeenObservation => ({
  step: 1,
  tool: 'get_rollout_history',
  args: { namespace: 'pay', name: 'gw' },
  status: 'ok',
  content: `deployment.apps/gw\nREVISION   CHANGE-CAUSE   IMAGES\n${images.map((im, i) => `${i + 1}          release        gw=${im}`).join('\n')}`,
});

describe('tagPrefixSlip: a tag whose leading "v" breaks the convention of the repository\'s other tags', () => {
  it.each([
    [
      'registry.example.com/pay/gw:v2.8.0',
      ['registry.example.com/pay/gw:2.7.3'],
      { likely: '2.8.0', convention: '2.7.3' },
    ],
    [
      'registry.example.com/pay/gw:2.8.0',
      ['registry.example.com/pay/gw:v2.7.3'],
      { likely: 'v2.8.0', convention: 'v2.7.3' },
    ],
    ['localhost:5000/gw:v1.2', ['localhost:5000/gw:1.1'], { likely: '1.2', convention: '1.1' }],
  ])('%s beside %j', (bad, others, want) => {
    expect(tagPrefixSlip(bad, '', [history(...others, bad)])).toEqual(want);
  });

  it.each([
    ['the other tags share its form', 'r/gw:v2.8.0', ['r/gw:v2.7.3']],
    ['the convention is mixed', 'r/gw:v2.8.0', ['r/gw:2.7.3', 'r/gw:v2.7.2']],
    ['another repository', 'r/gw:v2.8.0', ['r/other:2.7.3']],
    ['not a version', 'r/gw:vnext', ['r/gw:2.7.3']],
    ['nothing to compare with', 'r/gw:v2.8.0', []],
  ])('nothing when %s', (_, bad, others) => {
    expect(tagPrefixSlip(bad, '', [history(...others, bad)])).toBeUndefined();
  });
});

describe('imageAlternative: the same repository under another registry host', () => {
  it.each([
    [
      'us-docker.pkg.dev/acme/shop/cart:4.2.0',
      ['europe-west1-docker.pkg.dev/acme/shop/cart:4.1.3'],
      { image: 'europe-west1-docker.pkg.dev/acme/shop/cart:4.2.0', kind: 'host', from: 'revision 1' },
    ],
    [
      'registry.example.io:5000/team/api:1.1',
      ['registry.example.com/team/api:1.0'],
      { image: 'registry.example.com/team/api:1.1', kind: 'host', from: 'revision 1' },
    ],
  ])('%s beside %j', (bad, others, want) => {
    expect(imageAlternative(bad, '', [history(...others, bad)])).toEqual(want);
  });
  it.each([
    // Two other hosts: the evidence does not say which.
    ['a.example.com/team/api:2', ['b.example.com/team/api:1', 'c.example.com/team/api:1']],
    // Docker Hub short names carry no host.
    ['team/api:2', ['team/api2:1']],
  ])('no host when %s beside %j', (bad, others) => {
    expect(imageAlternative(bad, '', [history(...others, bad)])?.kind).not.toBe('host');
  });
});

describe('a release version the task names on its own', () => {
  it.each([
    ['you may change the image; v0.6.1 is the version we approved', ['v0.6.1']],
    ['pin it to 2.14.0.', ['2.14.0']],
    ['from 1.4.2 to 1.5.0 yesterday', ['1.4.2', '1.5.0']],
    ['image acme/api:3.1.0 and path /v1.2.3/x and 10.0.0.12 and Redis 7.2', []],
  ])('%s', (task, want) => {
    expect(taskVersions(task)).toEqual(want);
  });

  it("is the tag to set when the task names one and the pod's tag does not exist", () => {
    const bad = 'mirror.example/acme/issuer:latest';
    expect(imageAlternative(bad, 'v0.6.1 is the version we approved', [history(bad)])).toEqual({
      image: 'mirror.example/acme/issuer:v0.6.1',
      kind: 'tag',
      from: 'the task',
    });
  });
});
