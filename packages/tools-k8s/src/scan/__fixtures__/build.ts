// Small object builders for the analyzers' table tests: only the fields the analyzers read.
import { expect } from 'vitest';
import type { KubeObject } from '../../cluster.js';
import { factsFrom } from '../facts.js';
import { analyze } from '../index.js';
import type { Analyzer } from '../types.js';

type O = Record<string, unknown>;
export const obj = (
  kind: string,
  apiVersion: string,
  name: string,
  namespace: string | undefined,
  rest: O = {},
  meta: O = {},
) =>
  ({
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), ...meta },
    ...rest,
  }) as KubeObject;

export const NS = 'shop';

export function pod(name: string, spec: O, status: O, meta: O = {}): KubeObject {
  return obj(
    'Pod',
    'v1',
    name,
    NS,
    { spec: { containers: [{ name: 'app', image: 'app:1' }], ...spec }, status },
    meta,
  );
}
export const owned = (kind: string, name: string) => ({
  ownerReferences: [{ kind, name, controller: true }],
});
export const running = (name = 'app', extra: O = {}) => ({
  name,
  ready: true,
  restartCount: 0,
  state: { running: {} },
  ...extra,
});
export function event(
  kind: string,
  name: string,
  reason: string,
  message: string,
  extra: O = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${reason}`, namespace: NS },
    involvedObject: { kind, name, namespace: NS },
    reason,
    message,
    type: 'Warning',
    ...extra,
  } as KubeObject;
}
export const deployment = (name: string, spec: O, status: O = {}) =>
  obj('Deployment', 'apps/v1', name, NS, { spec, status });
export const replicaSet = (name: string, spec: O, status: O = {}, meta: O = {}) =>
  obj('ReplicaSet', 'apps/v1', name, NS, { spec, status }, meta);
export const service = (name: string, spec: O) => obj('Service', 'v1', name, NS, { spec });
export const endpoints = (name: string, ready: number, notReady = 0) =>
  obj('Endpoints', 'v1', name, NS, {
    subsets: [
      {
        ...(ready ? { addresses: Array.from({ length: ready }, (_, i) => ({ ip: `10.0.0.${i + 1}` })) } : {}),
        ...(notReady
          ? { notReadyAddresses: Array.from({ length: notReady }, (_, i) => ({ ip: `10.0.1.${i + 1}` })) }
          : {}),
      },
    ],
  });
export const configMap = (name: string, data: Record<string, string>) =>
  obj('ConfigMap', 'v1', name, NS, { data });
export const secret = (name: string, data: Record<string, string>) => obj('Secret', 'v1', name, NS, { data });
export const pvc = (name: string, spec: O, status: O = { phase: 'Pending' }) =>
  obj('PersistentVolumeClaim', 'v1', name, NS, { spec, status });
export const storageClass = (name: string, isDefault = false) =>
  obj(
    'StorageClass',
    'storage.k8s.io/v1',
    name,
    undefined,
    { provisioner: 'x' },
    isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {},
  );
export const ingress = (name: string, spec: O) => obj('Ingress', 'networking.k8s.io/v1', name, NS, { spec });
export const ingressClass = (name: string, isDefault = false) =>
  obj(
    'IngressClass',
    'networking.k8s.io/v1',
    name,
    undefined,
    { spec: { controller: 'x' } },
    isDefault ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {},
  );
export const statefulSet = (name: string, spec: O, status: O = {}) =>
  obj('StatefulSet', 'apps/v1', name, NS, { spec, status });
export const job = (name: string, spec: O, status: O, meta: O = {}) =>
  obj('Job', 'batch/v1', name, NS, { spec, status }, meta);
export const cronJob = (name: string, spec: O) => obj('CronJob', 'batch/v1', name, NS, { spec });
export const node = (name: string, spec: O, conditions: O[]) =>
  obj('Node', 'v1', name, undefined, { spec, status: { conditions } });
export const hpa = (name: string, spec: O, status: O = {}) =>
  obj('HorizontalPodAutoscaler', 'autoscaling/v2', name, NS, { spec, status });
export const netpol = (name: string, spec: O) =>
  obj('NetworkPolicy', 'networking.k8s.io/v1', name, NS, { spec });
export const webhookConfig = (kind: string, name: string, webhooks: O[]) =>
  obj(kind, 'admissionregistration.k8s.io/v1', name, undefined, { webhooks });

/** One row of an analyzer's table: objects in, the findings expected out (kind/name/reason, and words of the message). */
export interface Row {
  readonly name: string;
  readonly objects: readonly KubeObject[];
  readonly want: readonly {
    kind: string;
    name: string;
    reason: string;
    says?: readonly string[];
    fix?: boolean;
  }[];
  readonly namespace?: string;
  readonly read?: readonly string[];
}

/** Runs one row through one analyzer and checks the findings, no more and no fewer. */
export function check(analyzer: Analyzer, row: Row): void {
  const facts = factsFrom(row.objects, {
    ...(row.namespace !== undefined ? { namespace: row.namespace } : {}),
    ...(row.read ? { read: row.read } : {}),
  });
  const found = analyze(facts, [analyzer]);
  expect(found.map((f) => `${f.kind}/${f.name}/${f.reason}`)).toEqual(
    row.want.map((w) => `${w.kind}/${w.name}/${w.reason}`),
  );
  for (const [i, w] of row.want.entries()) {
    const f = found[i]!;
    for (const word of w.says ?? []) expect(`${f.message} ${f.evidence.join(' ')}`).toContain(word);
    if (w.fix) expect(f.fix).toBeTruthy();
    expect(f.analyzer).toBe(analyzer.name);
  }
}
