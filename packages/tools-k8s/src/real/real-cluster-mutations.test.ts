import type { AnyTool } from '@sre-harness/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, serveCluster } from '../sim/api-server.js';
import { createSimCluster } from '../sim/sim-cluster.js';
import type { WorldInput } from '../sim/world-schema.js';
import { k8sTools } from '../tools/k8s-tools.js';
import { realCluster } from './real-cluster.js';

const world: WorldInput = {
  namespaces: ['shop', 'other'],
  nodes: [{ name: 'node-1' }],
  deployments: [
    {
      name: 'worker',
      namespace: 'shop',
      containers: [
        {
          name: 'worker',
          image: 'shop/worker:1',
          command: ['/app/run-worker'],
          behavior: { executables: ['/usr/local/bin/worker'] },
        },
      ],
    },
  ],
  services: [{ name: 'api', namespace: 'shop', selector: { app: 'api' }, ports: [80] }],
};

const PVC = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
`;

describe('the mutating tools over the real adapter, against the simulated API server', {
  timeout: 60_000,
}, () => {
  let server: ApiServer;
  const served = createSimCluster(world);
  let call: (tool: string, args: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    server = await serveCluster(served, { namespace: 'shop' });
    const tools = k8sTools(realCluster({ kubeconfig: server.kubeconfigPath, namespaces: ['shop'] }));
    call = async (name, args) => {
      const tool = tools.find((t) => t.name === name) as AnyTool;
      const ctx = { signal: new AbortController().signal, runId: 'r', callId: 'c' };
      return String(await tool.execute(tool.input.parse(args), ctx));
    };
  });
  afterAll(async () => {
    await server?.close();
  });

  const requestsSince = (n: number) => server.requests.slice(n);

  it('apply_manifest: a dry run sends dryRun=All and stores nothing; the apply creates, then configures', async () => {
    const mark = server.requests.length;
    const dry = await call('apply_manifest', { namespace: 'shop', manifest: PVC, dryRun: true });
    expect(dry).toMatch(
      /persistentvolumeclaims\/data would be created in namespace shop .*nothing was changed/,
    );
    expect(requestsSince(mark)).toContain('PATCH /api/v1/namespaces/shop/persistentvolumeclaims/data');
    expect(served.find('PersistentVolumeClaim', 'data', 'shop')).toBeUndefined();
    expect(served.auditLog()).toHaveLength(0);

    expect(await call('apply_manifest', { namespace: 'shop', manifest: PVC })).toMatch(
      /persistentvolumeclaims\/data created in namespace shop$/,
    );
    expect(served.find('PersistentVolumeClaim', 'data', 'shop')).toBeDefined();
    expect(served.auditLog().at(-1)).toMatchObject({
      verb: 'create',
      kind: 'PersistentVolumeClaim',
      namespace: 'shop',
    });

    const labelled = PVC.replace('  name: data\n', '  name: data\n  labels: { tier: db }\n');
    expect(await call('apply_manifest', { namespace: 'shop', manifest: labelled })).toMatch(
      /configured: metadata\.labels\.tier <unset> -> "db"/,
    );
    expect(served.auditLog().at(-1)).toMatchObject({ verb: 'patch', kind: 'PersistentVolumeClaim' });
    await expect(
      call('apply_manifest', { namespace: 'shop', manifest: PVC, mode: 'create' }),
    ).rejects.toThrow(/already exists/);
  });

  it('apply_manifest create: a POST to the collection, dry run included', async () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: flags }\ndata: { mode: a }\n';
    const mark = server.requests.length;
    const before = served.auditLog().length;
    expect(
      await call('apply_manifest', { namespace: 'shop', manifest: cm, mode: 'create', dryRun: true }),
    ).toMatch(/would be created/);
    expect(requestsSince(mark)).toContain('POST /api/v1/namespaces/shop/configmaps');
    expect(served.auditLog()).toHaveLength(before);
    expect(await call('apply_manifest', { namespace: 'shop', manifest: cm, mode: 'create' })).toMatch(
      /created/,
    );
    expect(served.find('ConfigMap', 'flags', 'shop')).toBeDefined();
  });

  it('set_command (a JSON patch): dry run changes nothing, the call changes exactly the command', async () => {
    const before = served.auditLog().length;
    const args = {
      namespace: 'shop',
      deployment: 'worker',
      container: 'worker',
      command: ['/usr/local/bin/worker'],
    };
    expect(await call('set_command', { ...args, dryRun: true })).toMatch(
      /would be updated: container worker command \["\/app\/run-worker"\] -> \["\/usr\/local\/bin\/worker"\].*nothing was changed/,
    );
    expect(served.auditLog()).toHaveLength(before);
    expect(await call('set_command', args)).toMatch(/updated: container worker command .* \(revision 2\)$/);
    const c = (
      served.getNow({ kind: 'Deployment', name: 'worker', namespace: 'shop' }).spec as {
        template: { spec: { containers: { command: string[] }[] } };
      }
    ).template.spec.containers[0]!;
    expect(c.command).toEqual(['/usr/local/bin/worker']);
    expect(served.auditLog().at(-1)).toMatchObject({
      verb: 'patch',
      kind: 'Deployment',
      patch: { type: 'json' },
    });
  });

  it('restart_deployment (a strategic merge patch of the template annotation): dry run, then a new revision', async () => {
    const template = () =>
      (
        served.getNow({ kind: 'Deployment', name: 'worker', namespace: 'shop' }).spec as {
          template: { metadata?: { annotations?: Record<string, string> } };
        }
      ).template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    const before = served.auditLog().length;
    const mark = server.requests.length;
    expect(await call('restart_deployment', { namespace: 'shop', name: 'worker', dryRun: true })).toMatch(
      /would be restarted .*nothing was changed/,
    );
    expect(requestsSince(mark)).toContain('PATCH /apis/apps/v1/namespaces/shop/deployments/worker');
    expect(served.auditLog()).toHaveLength(before);
    expect(template()).toBeUndefined();
    expect(await call('restart_deployment', { namespace: 'shop', name: 'worker' })).toMatch(
      /^deployment\.apps\/worker restarted \(pod template annotated kubectl\.kubernetes\.io\/restartedAt=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\) \(revision \d+\)$/,
    );
    expect(template()).toMatch(/^\d{4}-/);
    expect(served.auditLog().at(-1)).toMatchObject({
      verb: 'patch',
      kind: 'Deployment',
      patch: { type: 'strategic' },
    });
  });

  it('set_env (a JSON patch that tests the env list it read): dry run changes nothing; set, then remove', async () => {
    const env = () =>
      (
        served.getNow({ kind: 'Deployment', name: 'worker', namespace: 'shop' }).spec as {
          template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } };
        }
      ).template.spec.containers[0]!.env;
    const args = { namespace: 'shop', deployment: 'worker', container: 'worker' };
    const before = served.auditLog().length;
    const was = env();
    expect(
      await call('set_env', { ...args, set: [{ name: 'QUEUE', value: 'orders-v2' }], dryRun: true }),
    ).toMatch(/would be updated: container worker env QUEUE <unset> -> "orders-v2".*nothing was changed/);
    expect(served.auditLog()).toHaveLength(before);
    expect(env()).toEqual(was);
    expect(await call('set_env', { ...args, set: [{ name: 'QUEUE', value: 'orders-v2' }] })).toMatch(
      /updated: container worker env QUEUE <unset> -> "orders-v2" \(revision \d+\)$/,
    );
    expect(env()).toContainEqual({ name: 'QUEUE', value: 'orders-v2' });
    expect(await call('set_env', { ...args, remove: ['QUEUE'] })).toMatch(/QUEUE "orders-v2" -> <removed>/);
    expect(env()?.some((e) => e.name === 'QUEUE') ?? false).toBe(false);
    expect(served.auditLog().at(-1)).toMatchObject({
      verb: 'patch',
      kind: 'Deployment',
      patch: { type: 'json' },
    });
  });

  it('set_service_selector: the selector is replaced whole, not merged', async () => {
    expect(
      await call('set_service_selector', {
        namespace: 'shop',
        name: 'api',
        selector: { 'app.kubernetes.io/name': 'api' },
      }),
    ).toMatch(/selector \{"app":"api"\} -> \{"app.kubernetes.io\/name":"api"\}/);
    expect(
      (served.getNow({ kind: 'Service', name: 'api', namespace: 'shop' }).spec as { selector: unknown })
        .selector,
    ).toEqual({
      'app.kubernetes.io/name': 'api',
    });
  });

  it('the adapter refuses another namespace before sending anything', async () => {
    const mark = server.requests.length;
    await expect(
      call('apply_manifest', { namespace: 'other', manifest: PVC.replace('name: data', 'name: other') }),
    ).rejects.toThrow(/outside this cluster connection's scope|outside this agent's scope/);
    expect(requestsSince(mark).filter((r) => !r.startsWith('GET'))).toEqual([]);
  });

  // Encoding leaves "." and ".." as they are and the URL parser resolves them: pod ".." in shop was
  // the namespace itself (DELETE /api/v1/namespaces/shop) and pod "." every pod in it (DELETE on the
  // collection, which a real API server answers with deletecollection).
  it('a name or namespace "." or ".." is refused before any request, not resolved into another path', async () => {
    const mark = server.requests.length;
    for (const name of ['.', '..']) {
      await expect(call('restart_pod', { namespace: 'shop', name })).rejects.toThrow(
        /^name: "\.{1,2}" is not a valid name/,
      );
      await expect(call('restart_deployment', { namespace: 'shop', name })).rejects.toThrow(
        /^name: "\.{1,2}" is not a valid name/,
      );
      await expect(call('get_pod_logs', { namespace: 'shop', name })).rejects.toThrow(/is not a valid name/);
    }
    expect(requestsSince(mark)).toEqual([]);
    expect(served.find('Namespace', 'shop')).toBeDefined();
  });
});
