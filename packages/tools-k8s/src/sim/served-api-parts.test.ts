import { describe, expect, it } from 'vitest';
import { findKind } from '../kinds.js';
import { authorize } from './authz.js';
import { matchesFields, parseFieldSelector } from './field-selectors.js';
import { unknownFields } from './openapi.js';
import { decodeObject, decodeReview } from './protobuf.js';
import { createSimCluster } from './sim-cluster.js';
import { shiftTimestamps } from './timeshift.js';
import { checkoutOomWorld } from './worlds.js';

/** Protobuf bytes by hand: a tag (field, wire type) and a length-delimited or varint value. */
const ld = (field: number, value: Buffer | string) => {
  const v = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([(field << 3) | 2, v.length]), v]);
};
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from('k8s\0'), ld(1, Buffer.concat([ld(1, apiVersion), ld(2, kind)])), ld(2, raw)]);

describe('the parts of the served API', () => {
  it('parses field selectors like Kubernetes and refuses unsupported fields', () => {
    expect(parseFieldSelector('metadata.name==a,status.phase!=Running', 'Pod')).toEqual([
      { field: 'metadata.name', op: '=', value: 'a' },
      { field: 'status.phase', op: '!=', value: 'Running' },
    ]);
    expect(() => parseFieldSelector('spec.foo=bar', 'Pod')).toThrow('field label not supported: spec.foo');
    expect(() => parseFieldSelector('status.phase', 'Pod')).toThrow(/invalid selector/);
    expect(() => parseFieldSelector('x'.repeat(5000), 'Pod')).toThrow(/longer than 4096/);
    const event = { kind: 'Event', source: { component: 'kubelet' }, type: 'Warning' };
    expect(matchesFields(event, 'Event', parseFieldSelector('source=kubelet,type=Warning', 'Event'))).toBe(
      true,
    );
    expect(matchesFields(event, 'Event', parseFieldSelector('reason!=', 'Event'))).toBe(false);
  });

  it('moves RFC 3339 timestamps and nothing else', () => {
    const obj = {
      a: '2026-01-15T10:00:00Z',
      b: ['2026-01-15T10:00:00.123456Z', 'not 2026-01-15T10:00:00Z'],
      c: '2026-01-15',
      d: 7,
    };
    expect(shiftTimestamps(obj, 60_000)).toEqual({
      a: '2026-01-15T10:01:00Z',
      b: ['2026-01-15T10:01:00.123Z', 'not 2026-01-15T10:00:00Z'],
      c: '2026-01-15',
      d: 7,
    });
    expect(shiftTimestamps(obj, 0)).toBe(obj);
  });

  it('reads review and create bodies in Kubernetes protobuf, and refuses malformed ones', () => {
    const attrs = Buffer.concat([ld(1, 'shop'), ld(2, 'delete'), ld(3, 'apps'), ld(5, 'deployments')]);
    const ssar = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', ld(2, ld(1, attrs)));
    expect(decodeReview(ssar)).toEqual({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: {
        resourceAttributes: { namespace: 'shop', verb: 'delete', group: 'apps', resource: 'deployments' },
      },
    });
    const meta = Buffer.concat([ld(1, 'flags'), ld(11, Buffer.concat([ld(1, 'team'), ld(2, 'shop')]))]);
    const cm = envelope(
      'v1',
      'ConfigMap',
      Buffer.concat([ld(1, meta), ld(2, Buffer.concat([ld(1, 'a'), ld(2, 'b')]))]),
    );
    expect(decodeObject(cm, 'ConfigMap')).toEqual({
      kind: 'ConfigMap',
      metadata: { name: 'flags', labels: { team: 'shop' } },
      data: { a: 'b' },
    });
    expect(() => decodeObject(cm, 'Deployment')).toThrow(/unknown format/);
    // A length past the end, a varint that never ends.
    expect(() =>
      decodeReview(Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x0a, 0x7f, 0x01])])),
    ).toThrow(/malformed protobuf/);
    expect(() => decodeReview(Buffer.concat([Buffer.from('k8s\0'), Buffer.alloc(12, 0xff)]))).toThrow(
      /malformed protobuf/,
    );
  });

  it('authorizes reads always and mutations by rule', () => {
    const policy = { mutations: [{ verbs: ['patch'], resources: ['deployments'], namespaces: ['shop'] }] };
    expect(authorize(policy, { verb: 'list', resource: 'secrets' })).toBe(true);
    expect(authorize(policy, { verb: 'patch', resource: 'deployments', namespace: 'shop' })).toBe(true);
    expect(authorize(policy, { verb: 'patch', resource: 'deployments', namespace: 'prod' })).toBe(false);
    expect(authorize(policy, { verb: 'delete', resource: 'deployments', namespace: 'shop' })).toBe(false);
    expect(authorize({}, { verb: 'delete', resource: 'anything' })).toBe(true);
  });

  it("finds no unknown field in any object the simulated cluster serves (Strict validation of a GET's answer passes)", () => {
    const cluster = createSimCluster(checkoutOomWorld());
    const objects = cluster.snapshot().objects;
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects)
      expect(unknownFields(findKind(o.kind ?? '')!, o), `${o.kind}/${o.metadata?.name}`).toEqual([]);
    const deployment = findKind('Deployment')!;
    expect(
      unknownFields(deployment, {
        spec: { replicas: 1, replica: 2, template: { spec: { containers: [{ name: 'a', imag: 'x' }] } } },
      }),
    ).toEqual(['spec.replica', 'spec.template.spec.containers[0].imag']);
  });
});
