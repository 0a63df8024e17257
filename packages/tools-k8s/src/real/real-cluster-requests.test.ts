import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyTool } from '@sre-harness/core';
import { abortableSleep } from '@sre-harness/core/model-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { K8sError } from '../errors.js';
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

const PODS_PATH = '/api/v1/namespaces/shop/pods';
const DEPLOY_PATH = '/apis/apps/v1/namespaces/shop/deployments/web';
const PODS = [pod('shop', 'web-1'), pod('shop', 'web-2')];
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 2 },
};

/** A server whose nth request (from 0) gets `script[n]`, and every later one a good answer. */
function scripted(script: Handler[]): Handler {
  return (req, res, url, n) => {
    const step = script[n];
    if (step) return step(req, res, url, n);
    if (url.pathname === PODS_PATH) return pagedList(res, url, PODS);
    if (url.pathname === DEPLOY_PATH) return json(res, 200, DEPLOYMENT);
    status(res, 404, 'NotFound', `the server could not find the requested resource`);
  };
}

const answer =
  (code: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    status(
      res,
      code,
      code === 429 ? 'TooManyRequests' : 'InternalError',
      `HTTP ${code} from the test`,
      headers,
    );
/** The connection dropped before any answer. */
const reset: Handler = (req) => {
  req.socket.destroy();
};
/** A 200 whose body stops half way, then the connection drops. */
const resetMidResponse: Handler = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
  res.write('{"kind":"PodList","items":[');
  setTimeout(() => res.socket?.destroy(), 20);
};
const hang: Handler = () => {};

/** Waits between attempts recorded, and not slept unless `real`. */
function recordingRetry(real = false) {
  const delays: number[] = [];
  return {
    delays,
    retry: {
      baseDelayMs: 20,
      maxDelayMs: 2000,
      random: () => 0.5,
      sleep: (ms: number, signal: AbortSignal) => {
        delays.push(ms);
        return real ? abortableSleep(ms, signal) : Promise.resolve();
      },
    },
  };
}

async function serve(script: Handler[], options: Omit<RealClusterOptions, 'kubeconfig'> = {}) {
  api = await fakeApi(scripted(script), { namespace: 'shop' });
  return { server: api, cluster: realCluster({ kubeconfig: api.kubeconfigPath, ...options }) };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => {
      if (!K8sError.isInstance(e)) throw e;
      return e;
    },
  );

const scale = { type: 'merge', body: { spec: { replicas: 3 } } } as const;
const web = { kind: 'Deployment', name: 'web', namespace: 'shop' };

describe('a per-request timeout, with the call signal', () => {
  it('ends a request the server never answers with an error naming the timeout, without a retry', async () => {
    const { server, cluster } = await serve([hang], { requestTimeoutMs: 300 });
    const started = Date.now();
    const error = await failure(cluster.list({ kind: 'Pod', namespace: 'shop' }));
    expect(error.message).toBe(
      `the Kubernetes API did not answer GET ${PODS_PATH} within 0.3 s (requestTimeoutMs)`,
    );
    expect(error.code).toBe('api_error');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(server.requests).toHaveLength(1);
  });

  it('covers the body too: headers then silence is a timeout', async () => {
    const stall: Handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"items":[');
    };
    const { cluster } = await serve([stall], { requestTimeoutMs: 300 });
    const error = await failure(cluster.get({ kind: 'Pod', name: 'web-1', namespace: 'shop' }));
    expect(error.message).toBe(
      `the Kubernetes API did not answer GET ${PODS_PATH}/web-1 within 0.3 s (requestTimeoutMs)`,
    );
  });

  it("the call's signal still ends a hung request before the timeout, and a wait between attempts", async () => {
    const { cluster } = await serve([hang, answer(503, { 'Retry-After': '5' })], {
      requestTimeoutMs: 60_000,
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('tool timeout')), 200);
    const hung = await failure(
      cluster.list({ kind: 'Pod', namespace: 'shop' }, { signal: controller.signal }),
    );
    expect(hung.code).toBe('aborted');

    const waiting = new AbortController();
    const started = Date.now();
    setTimeout(() => waiting.abort(new Error('tool timeout')), 300);
    const error = await failure(cluster.list({ kind: 'Pod', namespace: 'shop' }, { signal: waiting.signal }));
    expect(error.code).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('counts a hanging exec credential plugin in the timeout, and kills it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sre-harness-exec-'));
    const pidFile = join(dir, 'pid');
    const plugin = join(dir, 'hang.mjs');
    writeFileSync(
      plugin,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nsetInterval(() => {}, 1000);\n`,
    );
    api = await fakeApi(scripted([]), {
      user: {
        exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin] },
      },
    });
    const kubeconfig = api.kubeconfigPath;
    const cluster = realCluster({ kubeconfig, requestTimeoutMs: 1000 });
    const error = await failure(cluster.list({ kind: 'Pod', namespace: 'shop' }));
    expect(error.message).toBe(
      `the Kubernetes API did not answer GET ${PODS_PATH} within 1 s (requestTimeoutMs)`,
    );
    expect(api.requests).toHaveLength(0);
    // (A plugin killed before it started wrote no pid: nothing to outlive the call either.)
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : -1;
    const alive = () => {
      try {
        if (pid < 0) return false;
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await expect.poll(alive, { timeout: 3000 }).toBe(false);
  });

  it('refuses a timeout that is not a positive whole number of milliseconds', () => {
    expect(() => realCluster({ requestTimeoutMs: -1 })).toThrow(/requestTimeoutMs/);
  });
});

describe('retries with backoff, honouring Retry-After', () => {
  it('waits as long as a 429 asks (Retry-After in seconds), then succeeds', async () => {
    const r = recordingRetry(true);
    const { server, cluster } = await serve([answer(429, { 'Retry-After': '1' })], { retry: r.retry });
    const list = await cluster.list({ kind: 'Pod', namespace: 'shop' });
    expect(list).toHaveLength(2);
    expect(r.delays).toEqual([1000]);
    const [first, second] = server.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const r = recordingRetry();
    const when = new Date(Date.now() + 2000).toUTCString();
    const { cluster } = await serve([answer(503, { 'Retry-After': when })], { retry: r.retry });
    await cluster.list({ kind: 'Pod', namespace: 'shop' });
    expect(r.delays).toHaveLength(1);
    expect(r.delays[0]).toBeGreaterThan(900);
    expect(r.delays[0]).toBeLessThanOrEqual(2000);
  });

  it('retries a read after 500, 502 and 504 with exponential backoff', async () => {
    const r = recordingRetry();
    const { server, cluster } = await serve([answer(500), answer(502), answer(504)], { retry: r.retry });
    expect(await cluster.list({ kind: 'Pod', namespace: 'shop' })).toHaveLength(2);
    expect(server.requests).toHaveLength(4);
    expect(r.delays).toEqual([15, 30, 60]); // 20 ms doubling, equal jitter at 0.5
  });

  it('retries a read after a reset before the answer and a reset in the middle of it', async () => {
    const r = recordingRetry();
    const { server, cluster } = await serve([reset, resetMidResponse], { retry: r.retry });
    expect(await cluster.list({ kind: 'Pod', namespace: 'shop' })).toHaveLength(2);
    expect(server.requests).toHaveLength(3);
  });

  it('gives up after the last retry and says so', async () => {
    const r = recordingRetry();
    const { server, cluster } = await serve([answer(503), answer(503), answer(503), answer(503)], {
      retry: r.retry,
    });
    const error = await failure(cluster.list({ kind: 'Pod', namespace: 'shop' }));
    expect(error.message).toBe('HTTP 503 from the test (gave up after 4 attempts)');
    expect(error.code).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(server.requests).toHaveLength(4);
  });

  it('does not wait for a Retry-After longer than retry.maxDelayMs', async () => {
    const r = recordingRetry();
    const { server, cluster } = await serve([answer(429, { 'Retry-After': '120' })], { retry: r.retry });
    const error = await failure(cluster.list({ kind: 'Pod', namespace: 'shop' }));
    expect(error.message).toBe(
      'HTTP 429 from the test (the server asked to retry after 120 s, longer than retry.maxDelayMs)',
    );
    expect(r.delays).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('sends a PATCH or DELETE again only when the server applied nothing (429, 503)', async () => {
    const r = recordingRetry();
    const { server, cluster } = await serve([answer(429), answer(503)], { retry: r.retry });
    expect(await cluster.patch(web, scale)).toMatchObject({ kind: 'Deployment', metadata: { name: 'web' } });
    expect(server.requests.map((q) => q.method)).toEqual(['PATCH', 'PATCH', 'PATCH']);
    await api?.close();

    const again = await serve([answer(503)], { retry: r.retry });
    await again.cluster.delete(web);
    expect(again.server.requests.map((q) => q.method)).toEqual(['DELETE', 'DELETE']);
  });

  it.each([
    ['500', answer(500)],
    ['502', answer(502)],
    ['504', answer(504)],
    ['a reset before the answer', reset],
    ['a reset in the middle of the answer', resetMidResponse],
  ])('never sends a PATCH or DELETE again after %s', async (_what, fail) => {
    const r = recordingRetry();
    const { server, cluster } = await serve([fail, fail], { retry: r.retry });
    const patched = await failure(cluster.patch(web, scale));
    expect(patched.message).not.toContain('gave up');
    expect(server.requests).toHaveLength(1);
    await failure(cluster.delete(web));
    expect(server.requests).toHaveLength(2);
    expect(r.delays).toEqual([]);
  });

  it('sends a mutation again when the connection was refused (it never reached a server)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    api = await fakeApi(scripted([]));
    const kubeconfig = `${api.kubeconfigPath}-refused`;
    writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
    );
    const r = recordingRetry();
    const error = await failure(realCluster({ kubeconfig, retry: r.retry }).patch(web, scale));
    expect(error.message).toMatch(
      /^Kubernetes API request failed: PATCH .*ECONNREFUSED.* \(gave up after 4 attempts\)$/,
    );
    expect(r.delays).toHaveLength(3);
  });
});

describe('403 in Kubernetes words', () => {
  it("passes the API server's own Forbidden message through, not retried", async () => {
    const rbac =
      'pods is forbidden: User "system:serviceaccount:ops:agent" cannot list resource "pods" in API group "" in the namespace "shop"';
    const { server, cluster } = await serve([(_q, res) => status(res, 403, 'Forbidden', rbac)]);
    const error = await failure(cluster.list({ kind: 'Pod', namespace: 'shop' }));
    expect([error.code, error.status, error.message]).toEqual(['forbidden', 403, rbac]);
    expect(error.name).toBe('Error from server (Forbidden)');
    expect(server.requests).toHaveLength(1);
  });

  it('names the verb, the resource and the namespace when the server does not', async () => {
    const bare: Handler = (_q, res) => {
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('Forbidden');
    };
    const webhook: Handler = (_q, res) =>
      status(res, 403, 'Forbidden', 'admission webhook "deny.example.com" denied the request: frozen');
    const { cluster } = await serve([bare, bare, bare, webhook, bare]);
    const messages = [
      await failure(cluster.list({ kind: 'Pod', namespace: 'shop' })),
      await failure(cluster.get({ kind: 'Deployment', name: 'web', namespace: 'shop' })),
      await failure(cluster.podLogs({ namespace: 'shop', name: 'web-1' })),
      await failure(cluster.patch(web, scale)),
      await failure(cluster.list({ kind: 'Node' })),
    ].map((e) => `${e.code}: ${e.message}`);
    expect(messages).toEqual([
      'forbidden: pods is forbidden: cannot list resource "pods" in API group "" in the namespace "shop"',
      'forbidden: deployments.apps "web" is forbidden: cannot get resource "deployments" in API group "apps" in the namespace "shop"',
      'forbidden: pods "web-1" is forbidden: cannot get resource "pods/log" in API group "" in the namespace "shop"',
      'forbidden: deployments.apps "web" is forbidden: cannot patch resource "deployments" in API group "apps" in the namespace "shop": admission webhook "deny.example.com" denied the request: frozen',
      'forbidden: nodes is forbidden: cannot list resource "nodes" in API group "" at the cluster scope',
    ]);
  });

  it('reaches the model as a Forbidden error, not a generic failure', async () => {
    const { cluster } = await serve([(_q, res) => status(res, 403, 'Forbidden', '')]);
    const tool = k8sTools(cluster).find((t) => t.name === 'list_pods') as AnyTool;
    const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };
    const error = await Promise.resolve(tool.execute(tool.input.parse({ namespace: 'shop' }), ctx)).then(
      () => new Error('expected a failure'),
      (e: Error) => e,
    );
    expect(`${error.name}: ${error.message}`).toBe(
      'Error from server (Forbidden): pods is forbidden: cannot list resource "pods" in API group "" in the namespace "shop"',
    );
  });
});
