import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHarness, MemorySink } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { K8sError } from '../errors.js';
import { type ApiServer, serveCluster } from '../sim/api-server.js';
import { createSimCluster } from '../sim/sim-cluster.js';
import { checkoutOomWorld } from '../sim/worlds.js';
import { k8sTools } from '../tools/k8s-tools.js';
import { realCluster } from './real-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'sre-harness-abort-'));

/** A kubeconfig like the server's, whose user gets its credential from an exec plugin. */
function execKubeconfig(
  server: ApiServer,
  plugin: string,
  env: Record<string, string>,
  command: { command: string; args: string[] } = { command: process.execPath, args: [plugin] },
): string {
  const config = parse(server.kubeconfig) as { users: { name: string; user: unknown }[] };
  config.users = config.users.map((u) => ({
    name: u.name,
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: command.command,
        args: command.args,
        env: Object.entries(env).map(([name, value]) => ({ name, value })),
        interactiveMode: 'Never',
      },
    },
  }));
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, stringify(config));
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidsIn = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);

describe('the call signal reaches the real adapter', { timeout: 30_000 }, () => {
  let server: ApiServer;
  const started: number[] = [];

  beforeAll(async () => {
    server = await serveCluster(createSimCluster(checkoutOomWorld()), { namespace: 'shop' });
  });
  afterAll(async () => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await server?.close();
  });

  it('kills a hanging exec credential plugin on each tool timeout, so none outlives its call', async () => {
    const plugin = join(dir, 'hang.mjs');
    writeFileSync(plugin, 'setInterval(() => {}, 1000);\n');
    const pids = join(dir, 'hang.pids');
    writeFileSync(pids, '');
    // A shell records its pid at once, then becomes the plugin (same pid), so a plugin killed while
    // still starting is counted too.
    const cluster = realCluster({
      kubeconfig: execKubeconfig(
        server,
        plugin,
        { PIDS: pids },
        { command: '/bin/sh', args: ['-c', `echo $$ >> "$PIDS"; exec "${process.execPath}" "${plugin}"`] },
      ),
    });
    const sink = new MemorySink();
    const result = await createHarness({
      model: new ScriptedModel([
        callTool('list_pods', { namespace: 'shop' }),
        callTool('list_deployments', { namespace: 'shop' }),
        callTool('list_services', { namespace: 'shop' }),
        finalAnswer('the cluster does not answer'),
      ]),
      tools: k8sTools(cluster),
      guardrails: { maxSteps: 5, allow: ['list_pods', 'list_deployments', 'list_services'] },
      // Long enough for the shell to have started and recorded its pid on a loaded machine (a full
      // test run beside other work once killed a plugin before its shell ran, and counted two of three).
      toolTimeoutMs: 3000,
      trace: sink,
    }).run('look');
    expect(result.stoppedReason).toBe('completed');
    expect(sink.ofKind('tool_error').map((e) => e.reason)).toEqual(['timeout', 'timeout', 'timeout']);
    await expect.poll(() => pidsIn(pids).length, { timeout: 5000 }).toBe(3);
    started.push(...pidsIn(pids));
    await expect.poll(() => pidsIn(pids).filter(alive), { timeout: 5000 }).toEqual([]);
  });

  it('authenticates with the token an exec plugin prints', async () => {
    const plugin = join(dir, 'token.mjs');
    writeFileSync(
      plugin,
      'console.log(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: process.env.TOKEN } }));\n',
    );
    const token = String(
      (parse(server.kubeconfig) as { users: { user: { token?: string } }[] }).users[0]?.user.token,
    );
    const cluster = realCluster({ kubeconfig: execKubeconfig(server, plugin, { TOKEN: token }) });
    expect((await cluster.list({ kind: 'Pod', namespace: 'shop' })).length).toBe(4);
  });

  it('aborts a request the server never answers', async () => {
    const stuck = createSimCluster(checkoutOomWorld());
    let reached = 0;
    stuck.list = () => {
      reached++;
      return new Promise(() => {});
    };
    const hung = await serveCluster(stuck);
    try {
      const cluster = realCluster({ kubeconfig: hung.kubeconfigPath });
      const controller = new AbortController();
      const pending = cluster.list({ kind: 'Pod', namespace: 'shop' }, { signal: controller.signal });
      await expect.poll(() => reached, { timeout: 5000 }).toBe(1);
      controller.abort(new Error('tool timeout'));
      const error = await pending.catch((e: unknown) => e);
      expect(K8sError.isInstance(error) && error.code).toBe('aborted');
    } finally {
      await hung.close();
    }
  });

  it('the simulated cluster applies no mutation once the signal has aborted', async () => {
    const sim = createSimCluster(checkoutOomWorld());
    const controller = new AbortController();
    controller.abort();
    const error = await sim
      .patch(
        { kind: 'Deployment', name: 'cart', namespace: 'shop' },
        { type: 'merge', body: { spec: { replicas: 5 } } },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    expect(K8sError.isInstance(error) && error.code).toBe('aborted');
    expect(sim.snapshot().mutations).toEqual([]);
  });
});
