import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type ApiServer, createSimCluster, serveCluster } from '@sre-harness/tools-k8s/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The Go-based kubernetes-mcp-server (npm `kubernetes-mcp-server`, pinned as a devDependency: its
 * platform package ships the binary) driven through its MCP tools against a served simulated world with
 * two namespaces. Issue #17: "from all namespaces" must return every namespace (its
 * SelfSubjectAccessReview must succeed), and pods_top / nodes_top must work (metrics.k8s.io).
 */

const require = createRequire(import.meta.url);

/** The package's launcher script, if the package and the binary for this platform are installed. */
function launcher(): { script?: string; why?: string } {
  let script: string;
  try {
    script = require.resolve('kubernetes-mcp-server/bin/index.js');
  } catch {
    return { why: 'the kubernetes-mcp-server package is not installed (pnpm install provides it)' };
  }
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `kubernetes-mcp-server-${os}-${arch}`;
  try {
    const local = createRequire(script);
    const binary = local.resolve(`${name}/bin/${name}${os === 'windows' ? '.exe' : ''}`);
    if (!existsSync(binary)) return { why: `${name} has no binary at ${binary}` };
  } catch {
    return {
      why: `no kubernetes-mcp-server binary for ${process.platform}/${process.arch} (${name} not installed)`,
    };
  }
  return { script: join(dirname(script), 'index.js') };
}

const found = launcher();
if (!found.script) process.stderr.write(`skipping the kubernetes-mcp-server test: ${found.why}\n`);

/** A world with workloads in two namespaces: the seed demo's shop and an ops namespace. */
async function twoNamespaceWorld() {
  const { checkoutOomWorld } = await import('@sre-harness/tools-k8s/sim');
  const world = checkoutOomWorld();
  const payments = world.deployments!.find((d) => d.name === 'payments')!;
  world.namespaces = [...(world.namespaces ?? []), 'ops'];
  world.deployments = [...world.deployments!, { ...payments, name: 'auditor', namespace: 'ops' }];
  world.objects = [
    ...(world.objects ?? []),
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'auditor.1', namespace: 'ops' },
      involvedObject: { kind: 'Deployment', name: 'auditor', namespace: 'ops', apiVersion: 'apps/v1' },
      reason: 'AuditRun',
      message: 'nightly audit finished',
      type: 'Normal',
      lastTimestamp: world.now,
    },
  ];
  return world;
}

const text = (r: unknown) =>
  ((r as { content?: { type: string; text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('\n');

describe.skipIf(!found.script)(
  'kubernetes-mcp-server against the served simulated cluster',
  { timeout: 60_000 },
  () => {
    let server: ApiServer;
    let client: Client;

    beforeAll(async () => {
      const cluster = createSimCluster(await twoNamespaceWorld(), { clock: 'wall' });
      server = await serveCluster(cluster, { namespace: 'shop' });
      client = new Client({ name: 'sre-harness-test', version: '0.0.0' });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [
            found.script!,
            '--kubeconfig',
            server.kubeconfigPath,
            '--read-only',
            '--disable-multi-cluster',
          ],
          stderr: 'pipe',
        }),
      );
    });
    afterAll(async () => {
      await client?.close();
      await server?.close();
    });

    it('pods_list from all namespaces returns pods of every namespace', async () => {
      const r = await client.callTool({ name: 'pods_list', arguments: {} });
      expect(r.isError).toBeFalsy();
      const out = text(r);
      expect(out).toMatch(/^shop\s+v1\s+Pod\s+checkout-7f9c8d6b5-x2k4p/m);
      expect(out).toMatch(/^ops\s+v1\s+Pod\s+auditor-/m);
      // It asked whether it may list across namespaces, and was told yes.
      expect(server.requests).toContain('POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    });

    it('events_list from all namespaces returns events of every namespace', async () => {
      const r = await client.callTool({ name: 'events_list', arguments: {} });
      expect(r.isError).toBeFalsy();
      const out = text(r);
      expect(out).toContain('Namespace: shop');
      expect(out).toContain('Namespace: ops');
    });

    it('pods_top across namespaces and nodes_top read metrics.k8s.io', async () => {
      const pods = text(await client.callTool({ name: 'pods_top', arguments: { all_namespaces: true } }));
      expect(pods).toMatch(/^shop\s+checkout-7f9c8d6b5-x2k4p\s+checkout\s+\d+m\s+\d+Mi/m);
      expect(pods).toMatch(/^ops\s+auditor-\S+\s+payments\s+\d+m\s+\d+Mi/m);
      const nodes = await client.callTool({ name: 'nodes_top', arguments: {} });
      expect(nodes.isError).toBeFalsy();
      expect(text(nodes)).toMatch(/^worker-a\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/m);
    });
  },
);
