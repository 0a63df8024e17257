// Rules written for the miss left in held-out set 122 (pods that cannot pull on a new node while a side
// workload is OOM-killed), each general, tested on inputs made up for the test: the names, registries and
// namespaces are not the world's.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import type { PodRow } from '../baseline/reading.js';
import { podStatusFirst, reportedPodStatus } from '../baseline/signatures/status-first.js';
import { secretExpiry } from './pull-secrets.js';
import type { Finding } from './types.js';

describe('reportedPodStatus: the pod status the person reports', () => {
  it.each([
    ['Since the upgrade the api pods are stuck in ImagePullBackOff on the new pool.', 'ImagePullBackOff'],
    ['New pods show ErrImagePull.', 'ImagePullBackOff'],
    ['The worker pods stay Pending after the scale-up.', 'Pending'],
    ['Three pods are stuck in ContainerCreating.', 'ContainerCreating'],
    ['The importer keeps getting OOMKilled at night.', 'OOMKilled'],
  ])('%s', (task, first) => {
    expect(reportedPodStatus(task)?.[0]).toBe(first);
  });

  it.each([
    // A hunch is not what the person saw.
    'The checkout is slow. I think some pods are in ImagePullBackOff.',
    // Prose, not the status.
    'Pending orders pile up in the queue since noon.',
    'The orders stay pending for minutes.',
    // A crash loop says nothing about which finding answers.
    'The api pods are in CrashLoopBackOff since the deploy.',
    // Part of a longer word.
    'The FooImagePullBackOffBar dashboard is red.',
  ])('%s', (task) => {
    expect(reportedPodStatus(task)).toBeUndefined();
  });
});

describe('podStatusFirst: a finding about a pod in the reported status leads', () => {
  const oom: Finding = {
    weight: 90,
    object: 'deployment banner (pod banner-7c9f8d6b5-x2x9q)',
    cause: 'the container banner is OOMKilled (exit code 137)',
    evidence: [],
  };
  const pull: Finding = {
    weight: 87,
    object: 'deployment api (pod api-5d8c7b9f6-kq2wz)',
    cause: 'the image reg.example/api:1.2 cannot be pulled: pull access denied',
    evidence: [],
  };
  const rows = (banner: string): PodRow[] => [
    { name: 'banner-7c9f8d6b5-x2x9q', ready: '0/1', status: banner, restarts: 40 },
    { name: 'api-5d8c7b9f6-kq2wz', ready: '0/1', status: 'ImagePullBackOff', restarts: 0 },
  ];
  const task = 'Pods of the api landed on the new node are stuck in ImagePullBackOff.';

  it("moves the reported status's finding in front of another pod's failure", () => {
    expect(podStatusFirst([oom, pull], task, rows('CrashLoopBackOff'), 65)[0]).toBe(pull);
  });

  it('keeps the order when the one in front shows the status, or is no failing pod, or the other is weak', () => {
    const both = [oom, pull];
    expect(
      podStatusFirst(both, task.replace('ImagePullBackOff', 'OOMKilled'), rows('CrashLoopBackOff'), 65),
    ).toBe(both);
    // The one in front runs (its pod is Running): it may be what the reported pods wait on.
    expect(podStatusFirst(both, task, rows('Running'), 65)).toBe(both);
    // A node's finding in front: it may put the pods in their state.
    const node: Finding = { weight: 95, object: 'node n3', cause: 'the node has no route', evidence: [] };
    expect(podStatusFirst([node, pull], task, rows('Running'), 65)[0]).toBe(node);
    expect(podStatusFirst(both, task, rows('CrashLoopBackOff'), 95)).toBe(both);
    expect(podStatusFirst(both, 'The banner is slow.', rows('CrashLoopBackOff'), 65)).toBe(both);
  });
});

describe("secretExpiry: a token's expiry a Secret's annotations record", () => {
  const yaml = (key: string, value: string) => `apiVersion: v1
data:
  .dockerconfigjson: "<redacted: 125 bytes>"
kind: Secret
metadata:
  annotations:
    example.dev/owner: team-a
    ${key}: ${value}
  creationTimestamp: 2026-03-02T08:00:00Z
  name: regcred
type: kubernetes.io/dockerconfigjson`;

  it('reads an expiry annotation and the creation time', () => {
    expect(secretExpiry(yaml('example.dev/token-expires-at', '2026-03-02T20:00:00Z'))).toEqual({
      key: 'example.dev/token-expires-at',
      at: Date.parse('2026-03-02T20:00:00Z'),
      created: Date.parse('2026-03-02T08:00:00Z'),
    });
    expect(secretExpiry(yaml('valid-until', '"2026-03-03T08:00:00+01:00"'))?.at).toBe(
      Date.parse('2026-03-03T07:00:00Z'),
    );
  });

  it('reads no expiry from another annotation, a label or a value that is no time', () => {
    expect(secretExpiry(yaml('example.dev/rotated-at', '2026-03-02T20:00:00Z'))).toBeUndefined();
    expect(secretExpiry(yaml('example.dev/token-expires-at', 'soon'))).toBeUndefined();
    expect(
      secretExpiry('metadata:\n  labels:\n    token-expires-at: 2026-03-02T20:00:00Z\n'),
    ).toBeUndefined();
  });
});

describe('pull-secrets: a pull secret whose registry token expired', () => {
  const world = (expires: string) => `${scenarioHead(
    'expired-pull-token',
    'shop',
    'Since the node pool was replaced this morning, the cart pods on the new node are stuck in ImagePullBackOff. The same image runs on the old node. Namespace shop.',
  )}cluster:
  now: 2026-05-10T12:00:00Z
  namespaces: [shop]
  nodes:
    - { name: pool-a-1, cpu: "4", memory: 16Gi, age: 40d }
    - { name: pool-b-1, cpu: "4", memory: 16Gi, age: 3h }
  registry:
    images: [reg.example.io/shop/cart:4.1.0, reg.example.io/shop/ads:1.0.0]
  deployments:
    - name: cart
      namespace: shop
      replicas: 2
      age: 9d
      imagePullSecrets: [{ name: reg-token }]
      containers:
        - name: cart
          image: reg.example.io/shop/cart:4.1.0
          behavior: { logs: ["cart listening on :8080"] }
      pods:
        - { node: pool-a-1, age: 9d }
        - node: pool-b-1
          age: 3h
          ready: false
          state: { waiting: { reason: ImagePullBackOff, message: 'Back-off pulling image "reg.example.io/shop/cart:4.1.0"' } }
          logs: []
          events:
            - type: Warning
              reason: Failed
              message: 'Failed to pull image "reg.example.io/shop/cart:4.1.0": failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized'
              count: 30
              age: 2m
              firstSeen: 3h
    - name: ads
      namespace: shop
      replicas: 1
      age: 2d
      containers:
        - name: ads
          image: reg.example.io/shop/ads:1.0.0
          resources: { limits: { memory: 64Mi } }
          behavior:
            memory: { need: 200Mi }
            logs: ["ads: warming cache"]
            oomLogs: ["FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"]
      pods:
        - { node: pool-a-1, age: 2d }
  objects:
    - apiVersion: v1
      kind: Secret
      type: kubernetes.io/dockerconfigjson
      metadata:
        name: reg-token
        namespace: shop
        creationTimestamp: "2026-05-01T09:00:00Z"
        annotations:
          tokens.example.io/expires-at: "${expires}"
      data:
        .dockerconfigjson: eyJhdXRocyI6e319
`;

  it('names the expired token, ahead of the side workload killed for memory', async () => {
    const answer = await baselineAnswer(world('2026-05-01T21:00:00Z'));
    expect(answer).toMatch(/^Root cause: secret reg-token[^\n]*expired at 2026-05-01T21:00:00Z/);
    expect(answer).not.toMatch(/^Root cause: deployment ads/);
  });

  it('says nothing of expiry when the token is still valid', async () => {
    const answer = await baselineAnswer(world('2026-06-01T09:00:00Z'));
    expect(answer).not.toMatch(/expired at/);
  });
});
