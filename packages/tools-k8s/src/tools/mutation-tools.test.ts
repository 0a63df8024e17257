import { type AnyTool, createHarness, denyAll, MemorySink, policyApprover } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.js';
import { createSimCluster, type SimCluster } from '../sim/sim-cluster.js';
import type { WorldInput } from '../sim/world-schema.js';
import { parseManifest } from './apply-manifest.js';
import {
  K8S_TOOL,
  type K8sToolsOptions,
  k8sTools,
  MUTATING_TOOL_NAMES,
  READ_TOOL_NAMES,
} from './k8s-tools.js';
import { namespaceAllowlist } from './scoped-allowlist.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

const world: WorldInput = {
  namespaces: ['shop', 'other'],
  nodes: [
    { name: 'node-1', labels: { pool: 'general' } },
    { name: 'node-2', labels: { pool: 'gpu' } },
  ],
  deployments: [
    {
      name: 'worker',
      namespace: 'shop',
      replicas: 1,
      containers: [
        {
          name: 'worker',
          image: 'shop/worker:1',
          command: ['/app/run-worker'],
          args: ['--queue', 'orders'],
          env: { MODE: 'fast', DB_PASSWORD: 'hunter22' },
          ports: [8080],
          readinessProbe: { httpGet: { path: '/ready', port: 9090 } },
          behavior: { executables: ['/usr/local/bin/worker'], listenPorts: [8080] },
        },
      ],
    },
    {
      name: 'api',
      namespace: 'shop',
      replicas: 2,
      labels: { 'app.kubernetes.io/name': 'api' },
      nodeSelector: { pool: 'batch' },
      containers: [{ name: 'api', image: 'shop/api:1', ports: [8000] }],
    },
    {
      name: 'intruder',
      namespace: 'other',
      replicas: 1,
      containers: [{ name: 'intruder', image: 'x:1' }],
    },
  ],
  services: [
    { name: 'api', namespace: 'shop', selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8000 }] },
    { name: 'api', namespace: 'other', selector: { app: 'api' }, ports: [80] },
  ],
  objects: [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'flags', namespace: 'shop' },
      data: { mode: 'a' },
    },
  ],
};

function setup(options: K8sToolsOptions = {}, w: typeof world = world) {
  const cluster = createSimCluster(w);
  const tools = new Map(k8sTools(cluster, options).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  const parse = (name: string, args: Record<string, unknown>) =>
    (tools.get(name) as AnyTool).input.safeParse(args);
  return { cluster, call, parse, tools };
}

const template = (c: SimCluster, name = 'worker') =>
  (
    c.getNow({ kind: 'Deployment', name, namespace: 'shop' }).spec as {
      template: { spec: Record<string, unknown> };
    }
  ).template.spec;
const container = (c: SimCluster, name = 'worker') =>
  (template(c, name)['containers'] as Record<string, unknown>[])[0]!;

const PVC = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
`;

/** One valid call of each new tool, what it must change, and an invalid call naming the field at fault. */
const CASES: {
  tool: string;
  args: Record<string, unknown>;
  says: RegExp;
  changed: (c: SimCluster) => unknown;
  was: unknown;
  now: unknown;
  invalid: Record<string, unknown>;
  names: RegExp;
}[] = [
  {
    tool: 'set_command',
    args: { namespace: 'shop', deployment: 'worker', container: 'worker', command: [] },
    says: /command \["\/app\/run-worker"\] -> <unset: the image's ENTRYPOINT>/,
    changed: (c) => container(c)['command'],
    was: ['/app/run-worker'],
    now: undefined,
    invalid: { namespace: 'shop', deployment: 'worker', container: 'worker', command: [''] },
    names: /command\[0\]/,
  },
  {
    tool: 'restart_deployment',
    args: { namespace: 'shop', name: 'worker' },
    says: /^deployment\.apps\/worker restarted \(pod template annotated kubectl\.kubernetes\.io\/restartedAt=2026-01-15T10:00:\d\dZ\) \(revision 2\)$/,
    changed: (c) =>
      (
        (
          c.getNow({ kind: 'Deployment', name: 'worker', namespace: 'shop' }).spec as {
            template: { metadata?: { annotations?: Record<string, string> } };
          }
        ).template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? null
      )?.slice(0, 10) ?? null,
    was: null,
    now: '2026-01-15',
    invalid: { namespace: 'shop', name: 'nope' },
    names: /nope/,
  },
  {
    tool: 'set_env',
    args: {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      set: [{ name: 'DB_HOST', value: 'db.shop' }],
      remove: ['MODE'],
    },
    says: /container worker env MODE "fast" -> <removed>, DB_HOST <unset> -> "db\.shop" \(revision 2\)$/,
    changed: (c) => container(c)['env'],
    was: [
      { name: 'MODE', value: 'fast' },
      { name: 'DB_PASSWORD', value: 'hunter22' },
    ],
    now: [
      { name: 'DB_PASSWORD', value: 'hunter22' },
      { name: 'DB_HOST', value: 'db.shop' },
    ],
    invalid: {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      set: [{ name: 'DB_HOST', value: 'x', secretKeyRef: { name: 'db', key: 'host' } }],
    },
    names: /^set\[0\]: give exactly one of value, secretKeyRef or configMapKeyRef/,
  },
  {
    tool: 'set_probe',
    args: {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      probe: 'readiness',
      spec: { httpGet: { path: '/ready', port: 8080 } },
    },
    says: /readiness probe \{"httpGet":\{"path":"\/ready","port":9090\}\} -> \{"httpGet":\{"path":"\/ready","port":8080\}\}/,
    changed: (c) => (container(c)['readinessProbe'] as { httpGet: { port: number } }).httpGet.port,
    was: 9090,
    now: 8080,
    invalid: {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      probe: 'liveness',
      spec: { httpGet: { port: 8080 }, tcpSocket: { port: 8080 } },
    },
    names: /^spec: give exactly one of/,
  },
  {
    tool: 'set_node_placement',
    args: { namespace: 'shop', deployment: 'api', nodeSelector: { pool: 'general' } },
    says: /nodeSelector \{"pool":"batch"\} -> \{"pool":"general"\}/,
    changed: (c) => template(c, 'api')['nodeSelector'],
    was: { pool: 'batch' },
    now: { pool: 'general' },
    invalid: {
      namespace: 'shop',
      deployment: 'api',
      requiredNodeAffinity: [{ matchExpressions: [{ key: 'pool', operator: 'In' }] }],
    },
    names: /requiredNodeAffinity\[0\]\.matchExpressions\[0\]\.values/,
  },
  {
    tool: 'set_service_selector',
    args: { namespace: 'shop', name: 'api', selector: { 'app.kubernetes.io/name': 'api' } },
    says: /selector \{"app":"api"\} -> \{"app.kubernetes.io\/name":"api"\}; it selects 2 pod\(s\)/,
    changed: (c) =>
      (c.getNow({ kind: 'Service', name: 'api', namespace: 'shop' }).spec as { selector: unknown }).selector,
    was: { app: 'api' },
    now: { 'app.kubernetes.io/name': 'api' },
    invalid: { namespace: 'shop', name: 'api', selector: {} },
    names: /^selector: /,
  },
  {
    tool: 'set_labels',
    args: {
      namespace: 'shop',
      kind: 'Deployment',
      name: 'api',
      labels: { app: 'api' },
      target: 'podTemplate',
    },
    says: /pod template labels updated: app <unset> -> "api"/,
    changed: (c) =>
      (
        c.getNow({ kind: 'Deployment', name: 'api', namespace: 'shop' }).spec as {
          template: { metadata: { labels: Record<string, string> } };
        }
      ).template.metadata.labels['app'],
    was: undefined,
    now: 'api',
    invalid: {
      namespace: 'shop',
      kind: 'Deployment',
      name: 'api',
      labels: { 'app.kubernetes.io/name': 'web' },
      target: 'podTemplate',
    },
    names: /^labels\.app\.kubernetes\.io\/name: the Deployment's selector/,
  },
  {
    tool: 'set_role_rules',
    args: {
      namespace: 'shop',
      name: 'reader',
      rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }],
    },
    says: /rules \[get pods\] -> \[get,list pods,pods\/log\]/,
    changed: (c) =>
      (c.getNow({ kind: 'Role', name: 'reader', namespace: 'shop' })['rules'] as unknown[]).length,
    was: 1,
    now: 1,
    invalid: {
      namespace: 'shop',
      name: 'reader',
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*', 'get'] }],
    },
    names: /^rules\[0\]\.verbs/,
  },
  {
    tool: 'apply_manifest',
    args: { namespace: 'shop', manifest: PVC },
    says: /persistentvolumeclaims\/data created in namespace shop/,
    changed: (c) => c.find('PersistentVolumeClaim', 'data', 'shop') !== undefined,
    was: false,
    now: true,
    invalid: { namespace: 'shop', manifest: PVC.replace('metadata:\n', 'metadata:\n  namespace: other\n') },
    names: /^manifest metadata\.namespace: "other" differs/,
  },
];

describe('the mutating tools defined in their own files', () => {
  it('derive the name lists: each name once, mutating as defined, constants in camelCase', () => {
    const { tools } = setup();
    const names = [...tools.keys()];
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual([...READ_TOOL_NAMES, ...MUTATING_TOOL_NAMES].sort());
    for (const c of CASES) {
      expect(MUTATING_TOOL_NAMES).toContain(c.tool);
      expect(tools.get(c.tool)!.mutating).toBe(true);
    }
    expect(K8S_TOOL.applyManifest).toBe('apply_manifest');
    expect(K8S_TOOL.setServiceSelector).toBe('set_service_selector');
    expect(K8S_TOOL.listPods).toBe('list_pods');
  });

  for (const c of CASES) {
    describe(c.tool, () => {
      it('makes the change, names it before -> after, and the audit log records it', async () => {
        const { cluster, call } = setup();
        expect(c.changed(cluster)).toEqual(c.was);
        const out = await call(c.tool, c.args);
        expect(out).toMatch(c.says);
        expect(out).not.toMatch(/dry run/);
        expect(c.changed(cluster)).toEqual(c.now);
        const audit = cluster.auditLog();
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({ namespace: 'shop' });
      });

      it('dry run: validated and reported, nothing persisted, nothing recorded', async () => {
        const { cluster, call } = setup();
        const whole = () => JSON.stringify(cluster.snapshot().objects);
        const stored = whole();
        const out = await call(c.tool, { ...c.args, dryRun: true });
        // Not one stored object changed, not even a field the tool does not report (an in-place edit).
        expect(whole()).toBe(stored);
        cluster.settle();
        expect(cluster.auditLog()).toHaveLength(0);
        expect(out).toMatch(/dry run: validated and admitted by the server; nothing was changed/);
        expect(out).toMatch(/would/);
        expect(c.changed(cluster)).toEqual(c.was);
        expect(cluster.auditLog()).toHaveLength(0);
        // The option forces a dry run whatever the argument says.
        const forced = setup({ dryRun: true });
        expect(await forced.call(c.tool, { ...c.args, dryRun: false })).toMatch(/nothing was changed/);
        expect(forced.cluster.auditLog()).toHaveLength(0);
      });

      it('refuses clearly invalid input with an error naming the field, changing nothing', async () => {
        const { cluster, call } = setup();
        await expect(call(c.tool, c.invalid)).rejects.toThrow(c.names);
        expect(cluster.auditLog()).toHaveLength(0);
      });

      it('refuses a namespace outside its scope before any request', async () => {
        const { cluster, call } = setup({ namespaces: ['shop'] });
        const args = { ...c.args, namespace: 'other' };
        await expect(call(c.tool, args)).rejects.toThrow(/namespace "other" is outside this agent's scope/);
        expect(cluster.auditLog()).toHaveLength(0);
        // And the namespace allowlist refuses it in the harness, with mutations allowed.
        const rules = namespaceAllowlist(['shop'], { mutations: true });
        const rule = rules.find((r) => typeof r === 'object' && r.tool === c.tool);
        expect(rule).toMatchObject({ where: { namespace: ['shop'] } });
      });

      it('is refused by the harness without an approval, and runs with one for exactly its arguments', async () => {
        for (const [approver, ran] of [
          [denyAll(), false],
          [
            policyApprover({
              rules: [{ tool: c.tool, action: 'allow', where: { namespace: 'shop' } }],
              fallback: 'deny',
            }),
            true,
          ],
        ] as const) {
          const { cluster, tools } = setup();
          const sink = new MemorySink();
          const h = createHarness({
            model: new ScriptedModel([callTool(c.tool, c.args), finalAnswer('done')]),
            tools: [...tools.values()],
            guardrails: { maxSteps: 3, allow: [c.tool], approver },
            trace: sink,
          });
          await h.run('fix it');
          expect(cluster.auditLog().length > 0).toBe(ran);
          if (!ran) expect(sink.ofKind('tool_refused')[0]).toMatchObject({ reason: 'approval_denied' });
          // The approver saw the call with its defaults filled in (dryRun false), as it runs.
          const asked = sink.ofKind('approval_requested')[0] as { args: Record<string, unknown> } | undefined;
          expect(asked?.args['dryRun']).toBe(false);
        }
      });
    });
  }
});

describe('apply_manifest', () => {
  it('a dry run over existing objects (strategic merge) leaves every stored object as it was', async () => {
    const { cluster, call } = setup();
    const stored = JSON.stringify(cluster.snapshot().objects);
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flags }\ndata: { mode: b, extra: "1" }\n';
    expect(await call('apply_manifest', { namespace: 'shop', manifest: cm, dryRun: true })).toMatch(
      /would be configured: data\.extra <unset> -> "1"; data\.mode "a" -> "b".*nothing was changed/,
    );
    const deployment = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'worker', labels: { tier: 'x' } },
      spec: { replicas: 5, template: { spec: { containers: [{ name: 'worker', image: 'shop/worker:2' }] } } },
    });
    expect(await call('apply_manifest', { namespace: 'shop', manifest: deployment, dryRun: true })).toMatch(
      /would be configured.*spec\.replicas 1 -> 5/,
    );
    cluster.settle();
    expect(JSON.stringify(cluster.snapshot().objects)).toBe(stored);
    expect(cluster.auditLog()).toHaveLength(0);
  });

  it('applies over an existing object (server-side apply), naming each changed field', async () => {
    const { cluster, call } = setup();
    const cm =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flags, namespace: shop }\ndata: { mode: b, extra: "1" }\n';
    const out = await call('apply_manifest', { namespace: 'shop', manifest: cm });
    expect(out).toMatch(/configmaps\/flags configured: data\.extra <unset> -> "1"; data\.mode "a" -> "b"/);
    expect(cluster.auditLog()[0]).toMatchObject({ verb: 'patch', kind: 'ConfigMap', name: 'flags' });
    expect(await call('apply_manifest', { namespace: 'shop', manifest: cm })).toMatch(/unchanged/);
    await expect(call('apply_manifest', { namespace: 'shop', manifest: cm, mode: 'create' })).rejects.toThrow(
      /already exists/,
    );
  });

  it('accepts JSON, drops server-set fields, and records a create like any other', async () => {
    const { cluster, call } = setup();
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'runner', uid: 'x', resourceVersion: '9' },
      status: {},
    });
    const out = await call('apply_manifest', { namespace: 'shop', manifest: json, mode: 'create' });
    expect(out).toMatch(
      /serviceaccounts\/runner created .*ignored server-set fields: metadata\.uid, metadata\.resourceVersion, status/,
    );
    expect(cluster.auditLog()[0]).toMatchObject({
      verb: 'create',
      kind: 'ServiceAccount',
      namespace: 'shop',
    });
  });

  it('refuses kinds outside its list, wrong versions, several documents, aliases, depth and size', async () => {
    const { call, parse, cluster } = setup();
    const bad: [string, RegExp][] = [
      [
        'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\n',
        /manifest kind: "Secret" is not one this tool applies/,
      ],
      [
        'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: { name: fast }\n',
        /manifest kind: "StorageClass"/,
      ],
      [
        'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: { name: d }\n',
        /manifest apiVersion: "apps\/v1beta1"/,
      ],
      ['apiVersion: v1\nkind: ConfigMap\nmetadata: { name: Bad_Name }\n', /manifest metadata\.name/],
      [
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: b }\n',
        /exactly one object; it holds 2/,
      ],
      ['a: &x [1]\nb: *x\n', /aliases are not accepted/],
      [`${'['.repeat(40)}${']'.repeat(40)}`, /nested deeper than 32/],
      ['kind: ConfigMap\n  bad: : indent', /not valid YAML/],
      ['- 1\n- 2\n', /must be one object/],
    ];
    for (const [manifest, error] of bad)
      await expect(call('apply_manifest', { namespace: 'shop', manifest })).rejects.toThrow(error);
    expect(parse('apply_manifest', { namespace: 'shop', manifest: 'x'.repeat(64 * 1024 + 1) }).success).toBe(
      false,
    );
    expect(() => parseManifest('é'.repeat(40_000))).toThrow(/larger than 65536 bytes/);
    expect(cluster.auditLog()).toHaveLength(0);
  });
});

describe('the world follows the fixes', () => {
  it('a deployment whose command and readiness probe are fixed rolls out healthy pods', async () => {
    const { cluster, call } = setup();
    const before = cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=worker' });
    expect(JSON.stringify(before)).toMatch(/CrashLoopBackOff|Error/);
    await call('set_command', { namespace: 'shop', deployment: 'worker', container: 'worker', command: [] });
    await call('set_probe', {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      probe: 'readiness',
      spec: { tcpSocket: { port: 8080 } },
    });
    cluster.settle();
    const pods = cluster.listNow({
      kind: 'Pod',
      namespace: 'shop',
      labelSelector: 'app=worker',
    }) as unknown as {
      status: { containerStatuses: { state: Record<string, unknown> }[] };
    }[];
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) expect(Object.keys(p.status.containerStatuses[0]!.state)).toEqual(['running']);
  });

  it('restart_deployment replaces every pod through a rollout; a paused deployment is refused', async () => {
    // The worker's command does not exist, so it serves nothing and its readiness probe never passes: a
    // rollout would keep its old pod (maxUnavailable 0 of 1). Without the probe each instance is Ready
    // while it runs, as the kubelet marks a started container, and the rollout completes.
    const ready = structuredClone(world);
    delete (ready.deployments![0]!.containers[0] as { readinessProbe?: unknown }).readinessProbe;
    const { cluster, call } = setup({}, ready);
    const names = () =>
      cluster
        .listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=worker' })
        .map((p) => (p as { metadata: { name: string } }).metadata.name)
        .sort();
    const before = names();
    expect(before).toHaveLength(1);
    await call('restart_deployment', { namespace: 'shop', name: 'worker' });
    cluster.settle();
    const after = names();
    expect(after).toHaveLength(1);
    for (const n of after) expect(before).not.toContain(n);
    // With the probe, the new pod never becomes Ready and the old one is kept, as Kubernetes does.
    const held = setup();
    const first = held.cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=worker' });
    await held.call('restart_deployment', { namespace: 'shop', name: 'worker' });
    held.cluster.settle();
    const kept = held.cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=worker' });
    expect(kept).toHaveLength(2);
    expect(kept.map((p) => (p as { metadata: { name: string } }).metadata.name)).toContain(
      (first[0] as { metadata: { name: string } }).metadata.name,
    );
    await call('apply_manifest', {
      namespace: 'shop',
      manifest: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec: { paused: true }\n',
    });
    await expect(call('restart_deployment', { namespace: 'shop', name: 'api' })).rejects.toThrow(
      /deployment "api" is paused: a restart would not roll until it is resumed/,
    );
  });

  // restartedAt has one-second resolution: a second restart in the same second patched the same
  // value, rolled nothing and still said "restarted".
  it('restart_deployment refuses a second restart within the same second instead of reporting a no-op', async () => {
    const sim = createSimCluster(world);
    const frozen = await sim.now();
    const cluster = new Proxy(sim as Cluster, {
      get(target, key) {
        if (key === 'now') return async () => frozen;
        const v = Reflect.get(target, key, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const tool = k8sTools(cluster).find((t) => t.name === 'restart_deployment') as AnyTool;
    const restart = async () =>
      String(await tool.execute(tool.input.parse({ namespace: 'shop', name: 'worker' }), ctx));
    expect(await restart()).toMatch(/deployment\.apps\/worker restarted/);
    const audited = sim.auditLog().length;
    await expect(restart()).rejects.toThrow(
      /deployment "worker" was already restarted at .*: a restart within the same second changes nothing/,
    );
    expect(sim.auditLog()).toHaveLength(audited);
  });

  it('a service selector that matches the pods gets endpoints', async () => {
    const { cluster, call } = setup();
    const addresses = () =>
      (
        (cluster.getNow({ kind: 'Endpoints', name: 'api', namespace: 'shop' })['subsets'] as
          | { addresses?: unknown[] }[]
          | undefined) ?? []
      ).flatMap((s) => s.addresses ?? []).length;
    expect(addresses()).toBe(0);
    await call('set_service_selector', {
      namespace: 'shop',
      name: 'api',
      selector: { 'app.kubernetes.io/name': 'api' },
    });
    cluster.settle();
    // The api pods are Pending (no node has pool=batch); their IPs come once they are scheduled.
    await call('set_node_placement', { namespace: 'shop', deployment: 'api', nodeSelector: {} });
    cluster.settle();
    expect(addresses()).toBe(2);
  });
});

describe('output caps', () => {
  it('a huge change is shown cut, and the dry-run note survives the cut', async () => {
    const { call } = setup({ maxOutputChars: 2000 });
    const args = Array.from({ length: 64 }, (_, i) => `--flag-${i}=${'x'.repeat(4000)}`);
    const out = await call('set_command', {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      args,
      dryRun: true,
    });
    expect(out.length).toBeLessThan(2300);
    expect(out).toMatch(/characters\)/);
    expect(out).toMatch(/nothing was changed\]$/);
  });
});

describe('a cluster without dry-run support', () => {
  it('gets no dry-run write: the tool refuses rather than risk a real change', async () => {
    const sim = createSimCluster(world);
    const plain: Cluster = {
      now: (o) => sim.now(o),
      list: (q, o) => sim.list(q, o),
      get: (r, o) => sim.get(r, o),
      podLogs: (q, o) => sim.podLogs(q, o),
      podMetrics: (n, o) => sim.podMetrics(n, o),
      delete: (r) => sim.delete(r),
      patch: (r, p) => sim.patch(r, p),
    };
    const tool = k8sTools(plain).find((t) => t.name === 'set_command') as AnyTool;
    const args = tool.input.parse({
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      args: ['--queue', 'x'],
      dryRun: true,
    });
    await expect(tool.execute(args, ctx)).rejects.toThrow(/dryRun: this cluster connection does not support/);
    expect(sim.auditLog()).toHaveLength(0);
    const apply = k8sTools(plain).find((t) => t.name === 'apply_manifest') as AnyTool;
    await expect(apply.execute(apply.input.parse({ namespace: 'shop', manifest: PVC }), ctx)).rejects.toThrow(
      /mode: this cluster connection cannot apply objects/,
    );
  });
});
