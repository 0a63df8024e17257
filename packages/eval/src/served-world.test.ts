import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '@sre-harness/tools-k8s';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from './scenario-loader.js';
import { serveScenario, toolCallsFor } from './served-world.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const oom = () => loadScenarioFile(join(repo, 'scenarios/oom-crashloop.yaml')).scenario;

const deployment = (spec: Record<string, unknown>, annotations: Record<string, string> = {}) =>
  ({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: {
      name: 'web',
      namespace: 'shop',
      annotations: { 'deployment.kubernetes.io/revision': '2', ...annotations },
    },
    spec,
  }) as unknown as KubeObject;
const template = (image: string, memory: string, extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image, resources: { limits: { memory } }, ...extra }] },
});
const entry = { verb: 'patch' as const, kind: 'Deployment', name: 'web', namespace: 'shop' };

describe('toolCallsFor: a change made through the API as the tool calls the grants are written in', () => {
  it('leaves an ownerReferences or finalizers change unmapped (it was read as no change, so granted)', () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'shop', resourceVersion: '1' },
      data: { a: '1' },
    };
    const owner = [{ apiVersion: 'v1', kind: 'Pod', name: 'doomed', uid: 'u1' }];
    const entry = { verb: 'patch', kind: 'ConfigMap', name: 'a', namespace: 'shop' } as const;
    const owned = toolCallsFor(entry, cm, { ...cm, metadata: { ...cm.metadata, ownerReferences: owner } });
    expect(owned.calls).toEqual([]);
    expect(owned.unmapped.join(' ')).toMatch(/metadata\.ownerReferences/);
    const final = toolCallsFor(entry, cm, { ...cm, metadata: { ...cm.metadata, finalizers: ['x.io/keep'] } });
    expect(final.unmapped).toEqual(['metadata.finalizers.0']);
    // What the server writes on every change is not the agent's.
    expect(toolCallsFor(entry, cm, { ...cm, metadata: { ...cm.metadata, resourceVersion: '2' } })).toEqual({
      calls: [],
      unmapped: [],
    });
    const d = deployment({ replicas: 1 });
    const dEntry = { verb: 'patch', kind: 'Deployment', name: d.metadata!.name!, namespace: 'shop' } as const;
    expect(
      toolCallsFor(dEntry, d, { ...d, metadata: { ...d.metadata, ownerReferences: owner } }).unmapped.join(
        ' ',
      ),
    ).toMatch(/metadata\.ownerReferences/);
  });

  it('reads command, probe, placement and label changes as the write tools that make them', () => {
    const before = deployment({
      replicas: 2,
      template: template('web:1', '512Mi', { command: ['/bin/web'] }),
    });
    const after = deployment({
      replicas: 2,
      template: {
        metadata: { labels: { app: 'web', tier: 'front' } },
        spec: {
          nodeSelector: { pool: 'general' },
          containers: [
            {
              name: 'web',
              image: 'web:1',
              resources: { limits: { memory: '512Mi' } },
              readinessProbe: { tcpSocket: { port: 8080 } },
            },
          ],
        },
      },
    });
    const w = { namespace: 'shop', dryRun: false };
    expect(toolCallsFor(entry, before, after)).toEqual({
      calls: [
        {
          tool: 'set_labels',
          args: { ...w, kind: 'Deployment', name: 'web', labels: { tier: 'front' }, target: 'podTemplate' },
        },
        { tool: 'set_node_placement', args: { ...w, deployment: 'web', nodeSelector: { pool: 'general' } } },
        { tool: 'set_command', args: { ...w, deployment: 'web', container: 'web', command: [] } },
        {
          tool: 'set_probe',
          args: {
            ...w,
            deployment: 'web',
            container: 'web',
            probe: 'readiness',
            spec: { tcpSocket: { port: 8080 } },
          },
        },
      ],
      unmapped: [],
    });
    const svc = (selector: Record<string, string>) =>
      ({
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { selector },
      }) as unknown as KubeObject;
    expect(
      toolCallsFor({ ...entry, kind: 'Service' }, svc({ app: 'web' }), svc({ app: 'web2' })).calls,
    ).toEqual([{ tool: 'set_service_selector', args: { ...w, name: 'web', selector: { app: 'web2' } } }]);
    const role = (verbs: string[]) =>
      ({
        kind: 'Role',
        metadata: { name: 'r' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs }],
      }) as unknown as KubeObject;
    expect(
      toolCallsFor({ ...entry, kind: 'Role', name: 'r' }, role(['get']), role(['get', 'list'])).calls,
    ).toEqual([{ tool: 'set_role_rules', args: { ...w, name: 'r', rules: role(['get', 'list'])['rules'] } }]);
  });

  it('reads env changes as set_env, the restartedAt annotation as restart_deployment, a fieldRef as unmapped', () => {
    const w = { namespace: 'shop', dryRun: false };
    const env = (list: unknown[], annotations?: Record<string, string>) => {
      const t = template('web:1', '512Mi', { env: list });
      return deployment({
        replicas: 1,
        template: annotations ? { ...t, metadata: { ...t.metadata, annotations } } : t,
      });
    };
    const before = env([
      { name: 'MODE', value: 'a' },
      { name: 'OLD', value: 'x' },
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ]);
    const after = env(
      [
        { name: 'MODE', value: 'b' },
        { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token-v2' } } },
        { name: 'FLAGS', valueFrom: { configMapKeyRef: { name: 'flags', key: 'all' } } },
      ],
      { 'kubectl.kubernetes.io/restartedAt': '2026-01-15T10:00:00Z' },
    );
    expect(toolCallsFor(entry, before, after)).toEqual({
      calls: [
        { tool: 'restart_deployment', args: { ...w, name: 'web' } },
        {
          tool: 'set_env',
          args: {
            ...w,
            deployment: 'web',
            container: 'web',
            set: [
              { name: 'MODE', value: 'b' },
              { name: 'TOKEN', secretKeyRef: { name: 'api', key: 'token-v2' } },
              { name: 'FLAGS', configMapKeyRef: { name: 'flags', key: 'all' } },
            ],
            remove: ['OLD'],
          },
        },
      ],
      unmapped: [],
    });
    const field = env([{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
    expect(toolCallsFor(entry, env([]), field).unmapped).toEqual([
      'spec.template.spec.containers.web.env.NODE.valueFrom.fieldRef.fieldPath',
    ]);
  });

  it('reads replicas, resources and image changes of a Deployment as scale_deployment, set_resources, set_image', () => {
    const w = { namespace: 'shop', dryRun: false };
    const before = deployment({ replicas: 2, template: template('web:1', '512Mi') });
    expect(
      toolCallsFor(entry, before, deployment({ replicas: 0, template: template('web:1', '512Mi') })),
    ).toEqual({
      calls: [{ tool: 'scale_deployment', args: { ...w, name: 'web', replicas: 0 } }],
      unmapped: [],
    });
    expect(
      toolCallsFor(entry, before, deployment({ replicas: 2, template: template('web:2', '1Gi') })),
    ).toEqual({
      calls: [
        {
          tool: 'set_resources',
          args: { ...w, deployment: 'web', container: 'web', limits: { memory: '1Gi' } },
        },
        {
          tool: 'set_image',
          args: { ...w, deployment: 'web', container: 'web', image: 'web:2' },
        },
      ],
      unmapped: [],
    });
  });

  it('reads a template equal to an earlier ReplicaSet as rollback_deployment, whatever it changes', () => {
    const before = deployment({ replicas: 2, template: template('web:2', '512Mi') });
    const old = {
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-abc',
        namespace: 'shop',
        annotations: { 'deployment.kubernetes.io/revision': '1' },
        ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
      },
      spec: {
        template: {
          ...template('web:1', '512Mi'),
          metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } },
        },
      },
    } as unknown as KubeObject;
    // kubectl rollout undo sends the old template with a null creationTimestamp: null is absent.
    const after = deployment({
      replicas: 2,
      template: {
        ...template('web:1', '512Mi'),
        metadata: { labels: { app: 'web' }, creationTimestamp: null },
      },
    });
    expect(toolCallsFor(entry, before, after, [old])).toEqual({
      calls: [
        {
          tool: 'rollback_deployment',
          args: { namespace: 'shop', dryRun: false, name: 'web', toRevision: 1 },
        },
      ],
      unmapped: [],
    });
  });

  it('leaves every other change unmapped (never granted): other fields, other kinds, deletes of anything but a pod', () => {
    const before = deployment({ replicas: 2, template: template('web:1', '512Mi') });
    const restarted = deployment({
      replicas: 2,
      template: {
        ...template('web:1', '512Mi', {
          workingDir: '/srv',
          env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
        }),
      },
    });
    expect(toolCallsFor(entry, before, restarted)).toEqual({
      calls: [],
      unmapped: [
        'spec.template.spec.containers.web.env.NODE.valueFrom.fieldRef.fieldPath',
        'spec.template.spec.containers.web.workingDir',
      ],
    });
    const svc = (selector: Record<string, string>) =>
      ({
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { selector },
      }) as unknown as KubeObject;
    expect(
      toolCallsFor({ ...entry, kind: 'Service' }, svc({ app: 'web' }), svc({ app: 'web2' })).unmapped,
    ).toEqual([]);
    expect(
      toolCallsFor(
        { ...entry, kind: 'ConfigMap' },
        { kind: 'ConfigMap', data: { a: '1' } },
        {
          kind: 'ConfigMap',
          data: { a: '2' },
        },
      ).unmapped,
    ).toEqual(['data.a']);
    expect(
      toolCallsFor({ ...entry, verb: 'delete', kind: 'Pod', name: 'web-1' }, undefined, undefined),
    ).toEqual({
      calls: [{ tool: 'restart_pod', args: { namespace: 'shop', dryRun: false, name: 'web-1' } }],
      unmapped: [],
    });
    expect(
      toolCallsFor({ ...entry, verb: 'delete', kind: 'ConfigMap' }, undefined, undefined).unmapped,
    ).toEqual(['delete ConfigMap']);
    // The revision annotation is the controller's, not a change of the client's.
    expect(
      toolCallsFor(
        entry,
        before,
        deployment(
          { replicas: 2, template: template('web:1', '512Mi') },
          { 'deployment.kubernetes.io/revision': '3' },
        ),
      ),
    ).toEqual({ calls: [], unmapped: [] });
  });
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe('serveScenario', () => {
  it('serves the world on 127.0.0.1 with a kubeconfig in the scenario namespace; the clock follows wall time', async () => {
    const world = await serveScenario(oom());
    try {
      expect(world.url).toBe(`https://127.0.0.1:${world.port}`);
      expect(readFileSync(world.kubeconfigPath, 'utf8')).toMatch(/namespace: shop/);
      expect(world.task).toMatch(/^Checkout requests in the shop namespace[\s\S]*Alert KubePodCrashLooping/);
      const t = (await world.cluster.now()).getTime();
      for (let i = 0; i < 10; i++) await world.cluster.list({ kind: 'Pod', namespace: 'shop' });
      expect((await world.cluster.now()).getTime() - t).toBeLessThan(2000);
    } finally {
      await world.close();
    }
    expect(existsSync(world.kubeconfigPath)).toBe(false);
  });

  it.skipIf(!kubectl)(
    'records every request, read and mutation kubectl makes, as JSON lines while serving',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'served-world-'));
      const auditFile = join(dir, 'audit.jsonl');
      const world = await serveScenario(oom(), { auditFile, kubeconfigPath: join(dir, 'kubeconfig') });
      const { execFile } = await import('node:child_process');
      const k = (...args: string[]) =>
        new Promise<{ code: number; stdout: string }>((resolve) => {
          execFile(
            'kubectl',
            ['--kubeconfig', world.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args],
            { encoding: 'utf8' },
            (error, stdout) => resolve({ code: error ? 1 : 0, stdout }),
          );
        });
      try {
        expect((await k('get', 'pods')).stdout).toMatch(/checkout-\S+\s+1\/1\s+Running/);
        expect((await k('scale', 'deployment/cart', '--replicas=3')).code).toBe(0);
        const lines = readFileSync(auditFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(lines.filter((l) => l.type === 'request').map((l) => `${l.method} ${l.path}`)).toContain(
          'GET /api/v1/namespaces/shop/pods',
        );
        expect(lines.find((l) => l.type === 'read')).toMatchObject({
          tool: 'list_pods',
          args: { namespace: 'shop' },
        });
        expect(lines.filter((l) => l.type === 'mutation')).toEqual([
          expect.objectContaining({
            verb: 'patch',
            kind: 'Deployment',
            name: 'cart',
            calls: [
              {
                tool: 'scale_deployment',
                args: { namespace: 'shop', dryRun: false, name: 'cart', replicas: 3 },
              },
            ],
            unmapped: [],
          }),
        ]);
        expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
        expect(world.mutations()).toHaveLength(1);
        expect(world.cluster.auditLog()).toHaveLength(1);
        // A create is a mutation too, with the object, and no tool call covers it.
        writeFileSync(
          join(dir, 'cm.yaml'),
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: "1"\n',
        );
        expect((await k('apply', '-f', join(dir, 'cm.yaml'))).stdout).toContain('configmap/extra created');
        expect(world.mutations()[1]).toMatchObject({
          verb: 'create',
          kind: 'ConfigMap',
          name: 'extra',
          calls: [],
          unmapped: ['create ConfigMap'],
        });
        const created = readFileSync(auditFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .filter((l) => l.type === 'mutation')[1];
        expect(created).toMatchObject({ verb: 'create', object: { kind: 'ConfigMap', data: { a: '1' } } });
      } finally {
        await world.close();
      }
    },
  );
});
