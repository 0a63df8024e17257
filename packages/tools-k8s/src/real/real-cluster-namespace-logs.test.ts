import type { AnyTool } from '@sre-harness/core';
import { afterEach, describe, expect, it } from 'vitest';
import { k8sTools } from '../tools/k8s-tools.js';
import {
  type FakeApi,
  fakeApi,
  type Handler,
  json,
  pagedList,
  pod,
  status,
} from './__fixtures__/fake-api.js';
import { type RealClusterOptions, realCluster } from './real-cluster.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Answers every object request with an object named after its path, and lists with two pods. */
const echo: Handler = (req, res, url) => {
  const p = url.pathname;
  if (p === '/api/v1/pods' || p.endsWith('/pods'))
    return pagedList(res, url, [pod('a', 'p1'), pod('b', 'p2')]);
  const m = /\/namespaces\/([^/]+)\/[^/]+\/([^/]+)$/.exec(p) ?? /\/nodes\/([^/]+)$/.exec(p);
  if (!m) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
  if (req.method === 'DELETE') return json(res, 200, { kind: 'Status', status: 'Success' });
  json(res, 200, { metadata: { name: m[2] ?? m[1], ...(m[2] ? { namespace: m[1] } : {}) } });
};

async function serve(
  handler: Handler,
  namespace?: string,
  options: Omit<RealClusterOptions, 'kubeconfig'> = {},
) {
  api = await fakeApi(handler, namespace ? { namespace } : {});
  return { server: api, cluster: realCluster({ kubeconfig: api.kubeconfigPath, ...options }) };
}

const seen = (server: FakeApi) => server.requests.map((r) => `${r.method} ${r.path}`);

describe("the context's namespace is the default", () => {
  it('for get, patch and delete that name none; lists without one still span every namespace', async () => {
    const { server, cluster } = await serve(echo, 'team-a');
    expect(await cluster.get({ kind: 'Pod', name: 'web' })).toMatchObject({
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'team-a' },
    });
    await cluster.patch(
      { kind: 'Deployment', name: 'web' },
      { type: 'merge', body: { spec: { replicas: 1 } } },
    );
    await cluster.delete({ kind: 'Pod', name: 'web' });
    await cluster.get({ kind: 'Pod', name: 'web', namespace: 'other' });
    await cluster.get({ kind: 'Node', name: 'worker-1' });
    expect((await cluster.list({ kind: 'Pod' })).map((p) => p.metadata?.namespace)).toEqual(['a', 'b']);
    expect(seen(server)).toEqual([
      'GET /api/v1/namespaces/team-a/pods/web',
      'PATCH /apis/apps/v1/namespaces/team-a/deployments/web',
      'DELETE /api/v1/namespaces/team-a/pods/web',
      'GET /api/v1/namespaces/other/pods/web',
      'GET /api/v1/nodes/worker-1',
      'GET /api/v1/pods',
    ]);
  });

  it('is "default" when the context names none', async () => {
    const { server, cluster } = await serve(echo);
    await cluster.get({ kind: 'ConfigMap', name: 'settings' });
    expect(seen(server)).toEqual(['GET /api/v1/namespaces/default/configmaps/settings']);
  });

  it('is held to the namespaces the connection is scoped to, before anything is sent', async () => {
    const { server, cluster } = await serve(echo, 'team-a', { namespaces: ['shop'] });
    await expect(cluster.get({ kind: 'Pod', name: 'web' })).rejects.toThrow(
      `namespace "team-a" is outside this cluster connection's scope (shop)`,
    );
    expect(server.requests).toEqual([]);
  });
});

/** A log of `size` bytes of numbered lines; `ignoreLimit` sends it whole whatever limitBytes says. */
function logServer(size: number, options: { ignoreLimit?: boolean; endless?: boolean } = {}) {
  const line = (i: number) => `${String(i).padStart(8, '0')} GET /api/checkout 200 ok\n`;
  const text = Array.from({ length: Math.ceil(size / line(0).length) }, (_, i) => line(i))
    .join('')
    .slice(0, size);
  let closed = false;
  const handler: Handler = (_req, res, url) => {
    if (!url.pathname.endsWith('/log')) return status(res, 404, 'NotFound', 'not found');
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    if (options.endless) {
      // Never ends: a chunk every tick until the client hangs up.
      const chunk = line(0).repeat(1000);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
      return;
    }
    const limit = Number(url.searchParams.get('limitBytes') ?? 0);
    res.end(options.ignoreLimit || !limit ? text : text.slice(0, limit));
  };
  return { handler, text, closed: () => closed };
}

describe('log reads are limited in bytes', () => {
  it('asks for limitBytes (256 KiB by default) with the tail, container and previous', async () => {
    const log = logServer(1000);
    const { server, cluster } = await serve(log.handler, 'shop');
    const text = await cluster.podLogs({
      namespace: 'shop',
      name: 'web-1',
      container: 'app',
      previous: true,
      tail: 50,
    });
    expect(text).toBe(log.text);
    expect(server.requests[0]?.path).toBe('/api/v1/namespaces/shop/pods/web-1/log');
    expect(Object.fromEntries(server.requests[0]?.query ?? [])).toEqual({
      container: 'app',
      previous: 'true',
      tailLines: '50',
      limitBytes: String(256 * 1024),
    });
  });

  it('says where a log the server cut at maxLogBytes ends', async () => {
    const log = logServer(100_000);
    const { server, cluster } = await serve(log.handler, 'shop', { maxLogBytes: 10_000 });
    const text = await cluster.podLogs({ namespace: 'shop', name: 'web-1' });
    expect(server.requests[0]?.query.get('limitBytes')).toBe('10000');
    expect(text).toBe(
      `${log.text.slice(0, 10_000)}\n[log cut at 10000 bytes (maxLogBytes): the lines after this point were not read; ask for fewer lines with tail]`,
    );
  });

  it('stops reading a server that ignores limitBytes, even one that never stops sending', async () => {
    const whole = logServer(5_000_000, { ignoreLimit: true });
    const first = await serve(whole.handler, 'shop', { maxLogBytes: 20_000 });
    const text = await first.cluster.podLogs({ namespace: 'shop', name: 'web-1' });
    expect(text.startsWith(whole.text.slice(0, 20_000))).toBe(true);
    expect(text.length).toBeLessThan(20_200);
    await api?.close();

    const endless = logServer(0, { endless: true });
    const second = await serve(endless.handler, 'shop', { maxLogBytes: 50_000, requestTimeoutMs: 5000 });
    const started = Date.now();
    const cut = await second.cluster.podLogs({ namespace: 'shop', name: 'web-1' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(cut).toMatch(/\n\[log cut at 50000 bytes \(maxLogBytes\)/);
    await expect.poll(endless.closed, { timeout: 2000 }).toBe(true); // the connection was closed
  });

  it('does not end a cut log inside a character', async () => {
    const handler: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ééééé'); // 2 bytes each
    };
    const { cluster } = await serve(handler, 'shop', { maxLogBytes: 5 });
    const text = await cluster.podLogs({ namespace: 'shop', name: 'web-1' });
    expect(text.split('\n')[0]).toBe('éé');
  });

  it('the tool keeps the end of a cut log, so the note reaches the model', async () => {
    const log = logServer(100_000);
    const { cluster } = await serve(log.handler, 'shop', { maxLogBytes: 10_000 });
    const tool = k8sTools(cluster).find((t) => t.name === 'get_pod_logs') as AnyTool;
    const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };
    const text = String(await tool.execute(tool.input.parse({ namespace: 'shop', name: 'web-1' }), ctx));
    expect(
      text.endsWith(
        '(maxLogBytes): the lines after this point were not read; ask for fewer lines with tail]',
      ),
    ).toBe(true);
  });
});
