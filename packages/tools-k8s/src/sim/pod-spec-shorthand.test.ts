// The pod-spec fields a deployment or pod shorthand carries into its pods, as Kubernetes' PodSpec
// names them (grace period, priority class, host network, DNS policy and config, spread constraints,
// token automount), so a world need not fall back to a raw manifest for them.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../types.js';
import { podPriority } from './priority.js';
import { createSimCluster } from './sim-cluster.js';
import { parseWorld } from './world-schema.js';

const fields = {
  terminationGracePeriodSeconds: 5,
  priorityClassName: 'batch-low',
  hostNetwork: true,
  dnsPolicy: 'ClusterFirstWithHostNet',
  dnsConfig: { options: [{ name: 'ndots', value: '2' }] },
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  ],
  automountServiceAccountToken: false,
};

describe('pod-spec fields of the shorthands', () => {
  it('a deployment and a bare pod carry them into their pods', () => {
    const cluster = createSimCluster({
      namespaces: ['shop'],
      nodes: [{ name: 'n1', cpu: '8', memory: '32Gi' }],
      objects: [
        {
          apiVersion: 'scheduling.k8s.io/v1',
          kind: 'PriorityClass',
          metadata: { name: 'batch-low' },
          value: 10,
        },
      ],
      deployments: [
        { name: 'web', namespace: 'shop', containers: [{ name: 'web', image: 'acme/web:1' }], ...fields },
      ],
      pods: [
        { name: 'solo', namespace: 'shop', containers: [{ name: 'solo', image: 'acme/solo:1' }], ...fields },
      ],
    });
    const pods = cluster.listNow({ kind: 'Pod', namespace: 'shop' }) as unknown as Pod[];
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      const spec = p.spec as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(fields)) expect(spec[k], `${p.metadata.name} ${k}`).toEqual(v);
      // A pod the world declares is read as the Priority admission plugin would have written it.
      expect(podPriority(p, cluster.listNow({ kind: 'PriorityClass' }))).toBe(10);
    }
  });

  it('refuses a value Kubernetes would refuse, naming the field', () => {
    const bad = () =>
      parseWorld({
        deployments: [{ name: 'web', containers: [{ name: 'web', image: 'a:1' }], dnsPolicy: 'Cluster' }],
      });
    expect(bad).toThrow(/dnsPolicy/);
    expect(() =>
      parseWorld({
        deployments: [
          { name: 'web', containers: [{ name: 'web', image: 'a:1' }], terminationGracePeriodSeconds: -1 },
        ],
      }),
    ).toThrow(/terminationGracePeriodSeconds/);
  });
});

describe('namespaces with labels', () => {
  it('carry their labels and annotations, and always kubernetes.io/metadata.name', () => {
    const cluster = createSimCluster({
      namespaces: [
        'shop',
        { name: 'reporting', labels: { 'istio-injection': 'enabled' }, annotations: { team: 'bi' } },
        { name: 'edge', labels: { 'kubernetes.io/metadata.name': 'wrong' } },
      ],
    });
    const ns = (name: string) =>
      (cluster.listNow({ kind: 'Namespace' }) as unknown as Pod[]).find((n) => n.metadata.name === name)!
        .metadata;
    expect(ns('reporting').labels).toEqual({
      'istio-injection': 'enabled',
      'kubernetes.io/metadata.name': 'reporting',
    });
    expect(ns('reporting').annotations).toEqual({ team: 'bi' });
    expect(ns('shop').labels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
    expect(ns('edge').labels).toEqual({ 'kubernetes.io/metadata.name': 'edge' });
  });

  it('refuses a label that is not a string, naming the field', () => {
    expect(() => parseWorld({ namespaces: [{ name: 'shop', labels: { tier: 1 } }] })).toThrow(/namespaces/);
  });
});
