import { describe, expect, it } from 'vitest';
import { createSimCluster } from '../sim/sim-cluster.js';
import { checkManifest, parseManifest } from './apply-manifest.js';
import { k8sTools } from './k8s-tools.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
const read = (text: string) => checkManifest(parseManifest(text), 'shop').object;

describe('apply_manifest: a manifest reads the same to the approver and to the tool', () => {
  it.each([
    [
      'a !!binary tag (became a Buffer, not the text shown)',
      `${CM}data:\n  x: !!binary aGVsbG8=\n`,
      /data\.x: has the tag/,
    ],
    ['a !!js/function tag', `${CM}data:\n  x: !!js/function "function(){}"\n`, /tag/],
    ['a local tag (was dropped silently)', `${CM}data:\n  x: !foo bar\n`, /tag/],
    ['a tag on a map', `${CM}data: !!map\n  x: y\n`, /data: has the tag/],
    [
      'a << merge key (sent as a field named "<<")',
      `${CM}  <<: {namespace: kube-system}\n`,
      /metadata\.<<: is a merge key/,
    ],
    ['an anchor', `${CM}data:\n  x: &a v\n`, /data\.x: has an anchor/],
    ['a duplicate key', `${CM}  name: b\n`, /metadata\.name: appears twice/],
    ['a duplicate key, one quoted', `${CM}data:\n  x: "1"\n  "x": "2"\n`, /data\.x: appears twice/],
    ['a complex key', `${CM}data:\n  ? [a, b]\n  : c\n`, /data: has a key that is not a plain name/],
    [
      '0644 (octal to kubectl, 644 here)',
      `${CM}spec:\n  defaultMode: 0644\n`,
      /spec\.defaultMode: the unquoted value 0644 reads differently/,
    ],
    ['yes (a boolean to kubectl)', `${CM}data:\n  enabled: yes\n`, /data\.enabled: the unquoted value yes/],
    ['on as a key', `${CM}data:\n  on: "1"\n`, /data\.on: is an unquoted key/],
    ['1:30 (sexagesimal to kubectl)', `${CM}data:\n  t: 1:30\n`, /data\.t: the unquoted value 1:30/],
    ['0o17 (a string to kubectl)', `${CM}data:\n  t: 0o17\n`, /data\.t/],
  ])('refuses %s, naming the field', (_what, text, error) => {
    expect(() => parseManifest(text)).toThrow(error);
  });

  it('still accepts the same values quoted, a BOM, and JSON', () => {
    expect(read(`\uFEFF${CM}data:\n  mode: "0644"\n  enabled: "yes"\n  "on": "1"\n`)).toMatchObject({
      data: { mode: '0644', enabled: 'yes', on: '1' },
    });
    expect(
      read('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}'),
    ).toMatchObject({
      metadata: { name: 'a', namespace: 'shop' },
    });
    expect(read(`${CM}data:\n  port: 8080\n  ratio: 0.5\n  zero: 0\n`)).toMatchObject({
      data: { port: 8080, ratio: 0.5, zero: 0 },
    });
  });

  it('parses a 64 KiB manifest of ~13,000 keys in linear time (the YAML library checked duplicates in quadratic time: ~2.5 s)', () => {
    let text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {';
    for (let i = 0; text.length < 65_400; i++) text += `k${i.toString(36)},`;
    text += '}';
    const started = performance.now();
    const obj = parseManifest(text);
    expect(Object.keys(obj['data'] as object).length).toBeGreaterThan(12_000);
    expect(performance.now() - started).toBeLessThan(1_500);
    // A duplicate at the very end is still found.
    expect(() => parseManifest(`${text.slice(0, -1)}k0}`)).toThrow(/data\.k0: appears twice/);
  });

  it('refuses deep block nesting before building the object, naming where', () => {
    let text = `${CM}data:\n`;
    let indent = '  ';
    for (let i = 0; i < 40; i++, indent += ' ') text += `${indent}k${i}:\n`;
    expect(() => parseManifest(`${text}${indent}x: y\n`)).toThrow(
      /data\.k0\.k1.*: nested deeper than 32 levels/,
    );
  });
});

describe('apply_manifest: objects stay inside the namespace', () => {
  const rb = (subjects: unknown) =>
    JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects,
    });
  it.each([
    [[{ kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }], /subjects\[0\]\.namespace/],
    [[{ kind: 'ServiceAccount', name: 'default' }], /subjects\[0\]\.namespace/],
    [
      [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }],
      /subjects\[0\]\.name/,
    ],
    [
      [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' }],
      /subjects\[0\]\.name/,
    ],
    [
      [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:other' }],
      /subjects\[0\]\.name/,
    ],
    [
      [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccount:other:x' }],
      /subjects\[0\]\.name/,
    ],
    [
      [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'system:anonymous' }],
      /subjects\[0\]\.name/,
    ],
  ])('refuses a RoleBinding subject outside the namespace: %j', (subjects, error) => {
    expect(() => read(rb(subjects))).toThrow(error);
  });

  it('accepts a RoleBinding of the namespace own identities', () => {
    expect(() =>
      read(
        rb([
          { kind: 'ServiceAccount', name: 'app', namespace: 'shop' },
          { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts:shop' },
          { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice@example.com' },
        ]),
      ),
    ).not.toThrow();
  });

  const dep = (podSpec: Record<string, unknown>) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: {
        selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { labels: { app: 'd' } },
          spec: { containers: [{ name: 'c', image: 'x' }], ...podSpec },
        },
      },
    });
  it.each([
    [{ hostNetwork: true }, /spec\.template\.spec\.hostNetwork/],
    [{ hostPID: true }, /spec\.template\.spec\.hostPID/],
    [{ volumes: [{ name: 'root', hostPath: { path: '/' } }] }, /volumes\[0\]\.hostPath/],
    [
      { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] },
      /containers\[0\]\.securityContext/,
    ],
    [
      { containers: [{ name: 'c', image: 'x', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] },
      /capabilities\.add/,
    ],
  ])('refuses a Deployment whose pods reach onto the node: %j', (podSpec, error) => {
    expect(() => read(dep(podSpec))).toThrow(error);
  });

  it('refuses them through the tool too, changing nothing', async () => {
    const cluster = createSimCluster({ namespaces: ['shop'], nodes: [{ name: 'n' }] });
    const tool = k8sTools(cluster).find((t) => t.name === 'apply_manifest')!;
    const ctx = { signal: new AbortController().signal, runId: 't', callId: 'c' };
    await expect(
      tool.execute(tool.input.parse({ namespace: 'shop', manifest: dep({ hostPID: true }) }), ctx),
    ).rejects.toThrow(/hostPID/);
    expect(cluster.auditLog()).toHaveLength(0);
  });

  it.each([
    [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { ports: [{ port: 80 }], externalIPs: ['10.96.0.10'] },
      },
      /spec\.externalIPs: is not accepted/,
    ],
    [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'c' },
        spec: {
          accessModes: ['ReadWriteOnce'],
          volumeName: 'pv-of-kube-system',
          resources: { requests: { storage: '1Gi' } },
        },
      },
      /spec\.volumeName: is not accepted/,
    ],
    [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'c' },
        spec: { dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'db', namespace: 'other' } },
      },
      /spec\.dataSourceRef\.namespace/,
    ],
  ])('refuses an object that reaches another namespace through the cluster: %j', (obj, error) => {
    expect(() => read(JSON.stringify(obj))).toThrow(error);
  });

  it('set_labels refuses a cluster-scoped kind (a Node), even with no namespace scope configured', async () => {
    const cluster = createSimCluster({ namespaces: ['shop'], nodes: [{ name: 'n' }] });
    const tool = k8sTools(cluster).find((t) => t.name === 'set_labels')!;
    const ctx = { signal: new AbortController().signal, runId: 't', callId: 'c' };
    await expect(
      tool.execute(
        tool.input.parse({ namespace: 'shop', kind: 'Node', name: 'n', labels: { pool: 'x' } }),
        ctx,
      ),
    ).rejects.toThrow(/kind: Node is cluster-scoped/);
    expect(cluster.auditLog()).toHaveLength(0);
  });
});
