import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, serveCluster } from './api-server.js';
import { createSimCluster } from './sim-cluster.js';
import { checkoutOomWorld } from './worlds.js';

function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const kubectl = findKubectl();
if (!kubectl) {
  // Said plainly, so a skipped suite is not mistaken for a passing one.
  process.stderr.write(
    'kubectl not found on PATH: skipping the kubectl tests (scripts/ensure-test-tools.sh installs it)\n',
  );
}

const POD = 'checkout-7f9c8d6b5-x2k4p';

describe.skipIf(!kubectl)('kubectl against the simulated API server', { timeout: 90_000 }, () => {
  let server: ApiServer;
  const world = checkoutOomWorld();
  world.objects = [
    ...(world.objects ?? []),
    { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'shop' } },
  ];
  const cluster = createSimCluster(world);
  const run = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        kubectl!,
        ['--kubeconfig', server.kubeconfigPath, ...args],
        { timeout: 30_000 },
        (error, stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
        },
      );
    });

  beforeAll(async () => {
    server = await serveCluster(cluster, { namespace: 'shop' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists pods with their status', async () => {
    const out = await run('get', 'pods');
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`${POD}\\s+1/1\\s+Running\\s+3`));
    expect(out.stdout).toContain('cart-');
  });

  it('reads current and previous logs', async () => {
    const prev = await run('logs', POD, '--previous');
    expect(prev.code).toBe(0);
    expect(prev.stdout).toContain('java.lang.OutOfMemoryError: Java heap space');
    const tail = await run('logs', POD, '--tail=1');
    expect(tail.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('describes a pod, events included', async () => {
    const out = await run('describe', 'pod', POD);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Last State:\s+Terminated\s+Reason:\s+OOMKilled\s+Exit Code:\s+137/);
    expect(out.stdout).toMatch(/memory:\s+512Mi/);
    expect(out.stdout).toMatch(/BackOff/);
  });

  it('gets any kind through discovery, and reports NotFound like a real server', async () => {
    const cm = await run('get', 'configmaps');
    expect(cm.stdout).toContain('checkout-config');
    const hpa = await run('get', 'widgets', '-o', 'name');
    expect(hpa.stdout.trim()).toBe('widget.example.com/w1');
    const rs = await run('get', 'rs', '-o', 'name');
    expect(rs.stdout).toContain('replicaset.apps/checkout-7f9c8d6b5');
    const missing = await run('get', 'pod', 'ghost');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('Error from server (NotFound): pods "ghost" not found');
  });

  it('deletes a pod, and the ReplicaSet replaces it', async () => {
    const out = await run('delete', 'pod', POD, '--wait=false');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`pod "${POD}" deleted`);
    const pods = cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=checkout' });
    expect(pods.map((p) => p.metadata?.name)).not.toContain(POD);
    expect(pods).toHaveLength(1);
  });

  it('honours --dry-run=server: the answer is the patched object, the cluster is unchanged', async () => {
    const before = cluster.snapshot().mutations.length;
    const scale = await run('scale', 'deployment', 'cart', '--replicas=7', '--dry-run=server');
    expect(scale.code).toBe(0);
    expect(scale.stdout).toContain('(server dry run)');
    const patch = await run(
      'patch',
      'deployment',
      'cart',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":9}}',
      '--dry-run=server',
      '-o',
      'jsonpath={.spec.replicas}',
    );
    expect(patch.stdout).toBe('9');
    const del = await run('delete', 'deployment', 'cart', '--dry-run=server');
    expect(del.code).toBe(0);
    expect(cluster.snapshot().mutations.length).toBe(before);
    expect(
      (cluster.getNow({ kind: 'Deployment', name: 'cart', namespace: 'shop' }).spec as { replicas: number })
        .replicas,
    ).toBe(2);
  });

  it('scales a deployment through the scale subresource, and lists events newest first', async () => {
    const out = await run('scale', 'deployment', 'cart', '--replicas=3');
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('deployment.apps/cart scaled');
    expect(cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=cart' })).toHaveLength(3);
    const events = await run('get', 'events');
    expect(events.stdout).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(events.stdout).toMatch(
      /ScalingReplicaSet\s+deployment\/cart\s+Scaled up replica set cart-\w+ from 2 to 3/,
    );
  });

  it('patches a deployment (strategic merge), and rejects an invalid one with 422', async () => {
    const patch = JSON.stringify({
      spec: {
        template: { spec: { containers: [{ name: 'checkout', resources: { limits: { memory: '1Gi' } } }] } },
      },
    });
    const out = await run('patch', 'deployment', 'checkout', '-p', patch);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('deployment.apps/checkout patched');
    const d = cluster.find('Deployment', 'checkout', 'shop') as {
      spec: {
        template: {
          spec: { containers: { image: string; resources: { limits: Record<string, string> } }[] };
        };
      };
    };
    expect(d.spec.template.spec.containers[0]!.resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    expect(d.spec.template.spec.containers[0]!.image).toBe('registry.example.com/shop/checkout:2.14.0');
    const bad = await run(
      'patch',
      'deployment',
      'checkout',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":-1}}',
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('spec.replicas: Invalid value: -1');
  });
});
