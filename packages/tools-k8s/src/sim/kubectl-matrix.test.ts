import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, serveCluster } from './api-server.js';
import { createSimCluster } from './sim-cluster.js';
import { checkoutOomWorld } from './worlds.js';

/**
 * The kubectl matrix of issue #17: every kubectl command the issue names, run with the real kubectl
 * against a served world, with what it prints asserted. Where the served API still differs from a real
 * one, the difference is asserted here too and listed in the tools-k8s README ("The served API").
 */

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
  process.stderr.write(
    'kubectl not found on PATH: skipping the kubectl matrix (scripts/ensure-test-tools.sh installs it)\n',
  );
}

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: feature-flags
data:
  checkout.newCart: "false"
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: banner
  labels: { app: banner }
spec:
  replicas: 1
  selector: { matchLabels: { app: banner } }
  template:
    metadata: { labels: { app: banner } }
    spec:
      containers:
        - name: banner
          image: registry.example.com/shop/banner:1.0.0
          resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 128Mi } }
`;

describe.skipIf(!kubectl)(
  'the kubectl matrix against the served simulated cluster',
  { timeout: 60_000 },
  () => {
    let server: ApiServer;
    // The wall clock and wall timestamps, as `sre-harness sim serve` serves a world.
    const cluster = createSimCluster(checkoutOomWorld(), { clock: 'wall' });
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-matrix-'));
    const file = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          kubectl!,
          ['--kubeconfig', server.kubeconfigPath, ...args],
          { timeout: 30_000, env: { ...process.env, KUBECACHEDIR: join(dir, 'cache') } },
          (error, stdout, stderr) => {
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
          },
        );
      });
    const mutations = () => cluster.auditLog().length;

    beforeAll(async () => {
      server = await serveCluster(cluster, {
        namespace: 'shop',
        wallTimestamps: true,
        watchPollMs: 100,
        // The client may read everything; it may not delete deployments (for auth can-i and 403s).
        access: {
          mutations: [
            {
              verbs: ['create', 'update', 'patch', 'delete'],
              resources: ['pods', 'configmaps', 'secrets', 'namespaces'],
            },
            {
              verbs: ['create', 'update', 'patch'],
              resources: ['deployments', 'deployments/scale', 'services'],
            },
          ],
        },
      });
    });
    afterAll(async () => {
      await server?.close();
    });

    it('get events --sort-by=.lastTimestamp and --sort-by on other fields print the rows (Table includeObject=Object)', async () => {
      const events = await run('get', 'events', '--sort-by=.lastTimestamp');
      expect(events.stderr).toBe('');
      expect(events.stdout).not.toContain('No resources found');
      expect(events.stdout).toMatch(/BackOff\s+pod\/checkout-7f9c8d6b5-x2k4p/);
      const pods = await run('get', 'pods', '--sort-by=.status.startTime', '-o', 'name');
      expect(pods.stdout.trim().split('\n')).toHaveLength(4);
    });

    it('describe prints ages consistent with the served clock (no 318d)', async () => {
      const out = await run('describe', 'pod', 'checkout-7f9c8d6b5-x2k4p');
      expect(out.code).toBe(0);
      const events = out.stdout.slice(out.stdout.indexOf('Events:'));
      expect(events).toMatch(/BackOff\s+\d+m\d*s?\s+\(x3 over \d+m\)/);
      // Every event's age is minutes old, as the world says, not the world's distance from today.
      const ages = [...events.matchAll(/^\s+(?:Normal|Warning)\s+\S+\s+(\S+)/gm)].map((m) => m[1]);
      expect(ages.length).toBeGreaterThan(0);
      for (const a of ages) expect(a).toMatch(/^\d+m(\d+s)?$/);
    });

    it('api-resources lists categories and verbs; wait reads conditions through a watch', async () => {
      const res = await run('api-resources', '--categories=all', '-o', 'name');
      expect(res.stdout.trim().split('\n')).toEqual(
        expect.arrayContaining(['pods', 'services', 'deployments.apps', 'replicasets.apps']),
      );
      const watchable = await run('api-resources', '--verbs=watch', '-o', 'name');
      expect(watchable.stdout).toContain('endpointslices.discovery.k8s.io');
      const waited = await run('wait', '--for=condition=Available', 'deployment/payments', '--timeout=10s');
      expect(waited.stdout).toContain('deployment.apps/payments condition met');
    });

    it("get -o wide and get nodes print kubectl's usual columns", async () => {
      const wide = await run('get', 'deployments', '-o', 'wide');
      expect(wide.stdout).toMatch(
        /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/,
      );
      expect(wide.stdout).toMatch(
        /checkout\s+1\/1\s+1\s+1\s+6d\s+checkout\s+registry\.example\.com\/shop\/checkout:2\.14\.0\s+app=checkout/,
      );
      const svc = await run('get', 'services');
      expect(svc.stdout).toMatch(/NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
      const nodes = await run('get', 'nodes');
      expect(nodes.stdout).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    });

    it('get all lists the workloads of the all category', async () => {
      const out = await run('get', 'all');
      expect(out.stderr).toBe('');
      for (const name of [
        'pod/checkout-7f9c8d6b5-x2k4p',
        'service/checkout',
        'deployment.apps/checkout',
        'replicaset.apps/checkout-7f9c8d6b5',
      ])
        expect(out.stdout).toContain(name);
    });

    it('get -w streams changes; rollout status waits for a rollout through a watch', async () => {
      const watch = spawn(kubectl!, ['--kubeconfig', server.kubeconfigPath, 'get', 'pods', '-w'], {
        env: { ...process.env, KUBECACHEDIR: join(dir, 'cache') },
      });
      let seen = '';
      watch.stdout.on('data', (c: Buffer) => {
        seen += c.toString();
      });
      const until = async (pattern: RegExp) => {
        for (let i = 0; i < 100 && !pattern.test(seen); i++) await new Promise((r) => setTimeout(r, 100));
        return seen;
      };
      try {
        expect(await until(/payments-/)).toMatch(/NAME\s+READY\s+STATUS/);
        const before = (seen.match(/cart-/g) ?? []).length;
        expect((await run('scale', 'deployment', 'cart', '--replicas=3')).code).toBe(0);
        await until(new RegExp(`(cart-[\\s\\S]*){${before + 1}}`));
        expect((seen.match(/cart-/g) ?? []).length).toBeGreaterThan(before);
      } finally {
        watch.kill();
      }
      const restarted = await run('rollout', 'restart', 'deployment/cart');
      expect(restarted.stdout).toContain('deployment.apps/cart restarted');
      const status = run('rollout', 'status', 'deployment/cart', '--timeout=20s');
      // Time passes in the world while kubectl waits on its watch: the new pods become available.
      let steps = 0;
      const passing = setInterval(() => {
        if (++steps > 10) clearInterval(passing);
        else cluster.advance(30);
      }, 300);
      const done = await status;
      clearInterval(passing);
      expect(done.stdout).toContain('deployment "cart" successfully rolled out');
      expect(done.code).toBe(0);
    });

    it('apply and create -f create objects through admission and the audit log; apply again patches', async () => {
      const before = mutations();
      const cm = file('cm.yaml', CONFIGMAP);
      expect((await run('apply', '-f', cm)).stdout).toContain('configmap/feature-flags created');
      expect((await run('apply', '-f', cm)).stdout).toContain('configmap/feature-flags unchanged');
      const changed = file('cm2.yaml', CONFIGMAP.replace('"false"', '"true"'));
      expect((await run('apply', '-f', changed)).stdout).toContain('configmap/feature-flags configured');
      expect(cluster.find('ConfigMap', 'feature-flags', 'shop')?.['data']).toEqual({
        'checkout.newCart': 'true',
      });
      const deploy = file('deploy.yaml', DEPLOYMENT);
      expect((await run('create', '-f', deploy)).stdout).toContain('deployment.apps/banner created');
      // The Deployment controller runs on a created Deployment as on any other.
      expect(cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=banner' })).toHaveLength(
        1,
      );
      const again = await run('create', '-f', deploy);
      expect(again.stderr).toContain('Error from server (AlreadyExists): error when creating');
      expect(again.stderr).toContain('deployments.apps "banner" already exists');
      expect(
        cluster
          .auditLog()
          .slice(before)
          .map((m) => `${m.verb} ${m.kind}/${m.name}`),
      ).toEqual([
        'create ConfigMap/feature-flags',
        'patch ConfigMap/feature-flags',
        'create Deployment/banner',
      ]);
      // Admission and validation are those of a patch: a negative replica count is refused.
      const bad = file(
        'bad.yaml',
        DEPLOYMENT.replace('name: banner\n', 'name: broken\n').replace('replicas: 1', 'replicas: -1'),
      );
      // kubectl validates strictly by default, on the server (fieldValidation=Strict, read from the OpenAPI document).
      const typo = file(
        'typo.yaml',
        DEPLOYMENT.replace('name: banner\n', 'name: typo\n').replace('replicas: 1', 'replica: 1'),
      );
      const strict = await run('apply', '-f', typo);
      expect(strict.stderr).toContain('strict decoding error: unknown field "spec.replica"');
      expect(cluster.find('Deployment', 'typo', 'shop')).toBeUndefined();
      const refused = await run('create', '-f', bad);
      expect(refused.stderr).toContain('spec.replicas: Invalid value: -1');
    });

    it('apply --server-side creates and updates (application/apply-patch+yaml)', async () => {
      const ssa = file('ssa.yaml', CONFIGMAP.replace('feature-flags', 'ssa-flags'));
      expect((await run('apply', '--server-side', '-f', ssa)).stdout).toContain(
        'configmap/ssa-flags serverside-applied',
      );
      const changed = file(
        'ssa2.yaml',
        CONFIGMAP.replace('feature-flags', 'ssa-flags').replace('"false"', '"on"'),
      );
      expect((await run('apply', '--server-side', '-f', changed)).stdout).toContain('serverside-applied');
      expect(cluster.find('ConfigMap', 'ssa-flags', 'shop')?.['data']).toEqual({ 'checkout.newCart': 'on' });
    });

    it('diff and --dry-run=server change nothing and record no mutation', async () => {
      const before = mutations();
      const snapshot = JSON.stringify(cluster.find('ConfigMap', 'feature-flags', 'shop'));
      const diff = await run('diff', '-f', file('cm3.yaml', CONFIGMAP.replace('"false"', '"maybe"')));
      expect(diff.stderr).toBe('');
      expect(diff.code).toBe(1);
      expect(diff.stdout).toContain('+  checkout.newCart: maybe');
      const created = await run(
        'create',
        '-f',
        file('dry.yaml', CONFIGMAP.replace('feature-flags', 'dry')),
        '--dry-run=server',
      );
      expect(created.stdout).toContain('configmap/dry created (server dry run)');
      const ssa = await run(
        'apply',
        '--server-side',
        '--dry-run=server',
        '-f',
        file('dry2.yaml', CONFIGMAP.replace('feature-flags', 'dry2')),
      );
      expect(ssa.stdout).toContain('serverside-applied (server dry run)');
      const del = await run('delete', 'configmap', 'feature-flags', '--dry-run=server');
      expect(del.stdout).toContain('configmap "feature-flags" deleted (server dry run)');
      expect(mutations()).toBe(before);
      expect(cluster.find('ConfigMap', 'dry', 'shop')).toBeUndefined();
      expect(cluster.find('ConfigMap', 'dry2', 'shop')).toBeUndefined();
      expect(JSON.stringify(cluster.find('ConfigMap', 'feature-flags', 'shop'))).toBe(snapshot);
    });

    it('auth can-i and auth whoami answer from the access policy', async () => {
      expect((await run('auth', 'can-i', 'list', 'pods', '--all-namespaces')).stdout.trim()).toBe('yes');
      expect((await run('auth', 'can-i', 'patch', 'deployments')).stdout.trim()).toBe('yes');
      const no = await run('auth', 'can-i', 'delete', 'deployments');
      expect(no.stdout.trim()).toBe('no');
      expect(no.code).toBe(1);
      const list = await run('auth', 'can-i', '--list');
      expect(list.stdout).toMatch(/\*\.\*\s+\[\]\s+\[\]\s+\[get list watch\]/);
      const who = await run('auth', 'whoami');
      expect(who.stdout).toMatch(/Username\s+sre-harness-sim/);
      // The policy is enforced, with Kubernetes' 403 wording.
      const del = await run('delete', 'deployment', 'cart');
      expect(del.stderr).toContain(
        'Error from server (Forbidden): deployments.apps "cart" is forbidden: User "sre-harness-sim" cannot delete resource "deployments" in API group "apps" in the namespace "shop"',
      );
    });

    it('top nodes and top pods -A read node and cluster-wide pod metrics', async () => {
      const nodes = await run('top', 'nodes');
      expect(nodes.stderr).toBe('');
      expect(nodes.stdout).toMatch(/NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)/);
      expect(nodes.stdout).toMatch(/worker-a\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
      const pods = await run('top', 'pods', '-A');
      expect(pods.stderr).toBe('');
      expect(pods.stdout).toMatch(/NAMESPACE\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
      expect(pods.stdout).toMatch(/shop\s+checkout-7f9c8d6b5-x2k4p\s+\d+m\s+\d+Mi/);
    });

    it('describe svc shows endpoints (EndpointSlices)', async () => {
      const out = await run('describe', 'svc', 'checkout');
      expect(out.stdout).toMatch(/Endpoints:\s+10\.\d+\.\d+\.\d+:8080/);
      const slices = await run(
        'get',
        'endpointslices',
        '-l',
        'kubernetes.io/service-name=checkout',
        '-o',
        'name',
      );
      expect(slices.stdout).toMatch(/^endpointslice\.discovery\.k8s\.io\/checkout-\w{5}$/m);
    });

    it('objects and lists carry resourceVersions; limit and continue page a list', async () => {
      const rv = await run(
        'get',
        'pod',
        'checkout-7f9c8d6b5-x2k4p',
        '-o',
        'jsonpath={.metadata.resourceVersion}',
      );
      expect(rv.stdout).toMatch(/^\d+$/);
      const page = JSON.parse((await run('get', '--raw', '/api/v1/namespaces/shop/pods?limit=2')).stdout) as {
        metadata: { resourceVersion: string; continue: string; remainingItemCount: number };
        items: { metadata: { name: string } }[];
      };
      expect(page.items).toHaveLength(2);
      expect(page.metadata.resourceVersion).toMatch(/^\d+$/);
      const next = JSON.parse(
        (await run('get', '--raw', `/api/v1/namespaces/shop/pods?limit=2&continue=${page.metadata.continue}`))
          .stdout,
      ) as { items: { metadata: { name: string } }[] };
      expect(next.items.map((p) => p.metadata.name)).not.toContain(page.items[0]!.metadata.name);
      const all = await run('get', 'pods', '--chunk-size=1', '-o', 'name');
      expect(all.stdout.trim().split('\n').length).toBe(page.items.length + page.metadata.remainingItemCount);
    });

    it('unknown field selectors fail as in Kubernetes; supported ones filter', async () => {
      const bad = await run('get', 'pods', '--field-selector', 'spec.foo=bar');
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('field label not supported: spec.foo');
      const running = await run('get', 'pods', '--field-selector', 'status.phase=Running', '-o', 'name');
      expect(running.stdout).toContain('pod/checkout-7f9c8d6b5-x2k4p');
    });

    it("errors use Kubernetes' wording", async () => {
      const ghost = await run('get', 'pod', 'ghost');
      expect(ghost.stderr).toContain('Error from server (NotFound): pods "ghost" not found');
      // kubectl itself looks up the namespace after a NotFound, and reports that: as against a real cluster.
      const missing = await run('get', 'pod', 'x', '-n', 'missing');
      expect(missing.stderr).toContain('Error from server (NotFound): namespaces "missing" not found');
    });

    it('explain reads the OpenAPI v3 document', async () => {
      const res = await run('explain', 'pods.spec.containers.resources');
      expect(res.stdout).toMatch(/FIELD: resources <ResourceRequirements>/);
      expect(res.stdout).toMatch(/limits\s+<map\[string\]string>/);
      const replicas = await run('explain', 'deployment.spec.replicas');
      expect(replicas.stdout).toMatch(/FIELD: replicas <integer>/);
      for (const kind of ['services.spec.ports', 'configmaps.data'])
        expect((await run('explain', kind)).code).toBe(0);
    });

    it('kubectl create configmap|secret|namespace (protobuf bodies) work; other generators are a documented 415', async () => {
      expect((await run('create', 'configmap', 'literal', '--from-literal=a=b')).stdout).toContain(
        'configmap/literal created',
      );
      expect(cluster.find('ConfigMap', 'literal', 'shop')?.['data']).toEqual({ a: 'b' });
      expect((await run('create', 'secret', 'generic', 'pw', '--from-literal=pw=hunter2')).code).toBe(0);
      expect(cluster.find('Secret', 'pw', 'shop')).toMatchObject({
        type: 'Opaque',
        data: { pw: 'aHVudGVyMg==' },
      });
      expect((await run('create', 'namespace', 'extra')).stdout).toContain('namespace/extra created');
      const out = await run('create', 'deployment', 'web', '--image=nginx');
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain('the body of the request was in an unknown format');
      expect(cluster.find('Deployment', 'web', 'shop')).toBeUndefined();
    });
  },
);
