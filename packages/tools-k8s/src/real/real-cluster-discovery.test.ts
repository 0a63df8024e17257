import type { AnyTool } from '@sre-harness/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster.js';
import { K8sError } from '../errors.js';
import { k8sTools } from '../tools/k8s-tools.js';
import { type FakeApi, fakeApi, type Handler, json, status } from './__fixtures__/fake-api.js';
import { type RealClusterOptions, realCluster } from './real-cluster.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const GROUPS = Array.from({ length: 60 }, (_, i) => `g${i}.example.com`);
const fast = { baseDelayMs: 5, maxDelayMs: 50 };

/** What the fake API server's discovery does; tests change it between calls. */
interface Behaviour {
  /** `/apis`: answer, hang, or answer 403. */
  apis: 'ok' | 'hang' | 'forbidden';
  /** Groups whose resource list never answers. */
  hung: Set<string>;
  /** Groups whose resource list always answers 503. */
  down: Set<string>;
  /** How long each group's resource list takes. */
  delayMs: number;
}

/** 60 aggregated API groups (one kind each), the core group, metrics.k8s.io, and objects of group 7. */
async function sixtyGroups(b: Behaviour): Promise<FakeApi> {
  const handler: Handler = async (_req, res, url) => {
    const p = url.pathname;
    if (p === '/apis') {
      if (b.apis === 'hang') return;
      if (b.apis === 'forbidden') return status(res, 403, 'Forbidden', '');
      return json(res, 200, {
        kind: 'APIGroupList',
        groups: [...GROUPS, 'metrics.k8s.io'].map((name) => ({
          name,
          versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
          preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
        })),
      });
    }
    if (p === '/api/v1') {
      return json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: 'v1',
        resources: [{ name: 'pods', kind: 'Pod', namespaced: true, verbs: ['get'] }],
      });
    }
    const group = /^\/apis\/([^/]+)\/v1$/.exec(p)?.[1];
    if (group) {
      if (b.hung.has(group)) return;
      await new Promise((r) => setTimeout(r, b.delayMs));
      if (b.down.has(group))
        return status(res, 503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
      const i = GROUPS.indexOf(group);
      return json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: `${group}/v1`,
        resources: [
          {
            name: `thing${i}s`,
            singularName: `thing${i}`,
            kind: `Thing${i}`,
            namespaced: true,
            verbs: ['get'],
          },
          { name: `thing${i}s/status`, kind: `Thing${i}`, namespaced: true, verbs: ['get'] },
        ],
      });
    }
    if (p === '/apis/g7.example.com/v1/namespaces/shop/thing7s/t1') {
      return json(res, 200, {
        apiVersion: 'g7.example.com/v1',
        kind: 'Thing7',
        metadata: { name: 't1', namespace: 'shop' },
      });
    }
    status(res, 404, 'NotFound', 'the server could not find the requested resource');
  };
  api = await fakeApi(handler, { namespace: 'shop' });
  return api;
}

const behaviour = (over: Partial<Behaviour> = {}): Behaviour => ({
  apis: 'ok',
  hung: new Set(),
  down: new Set(),
  delayMs: 50,
  ...over,
});

const thingKinds = (kinds: readonly { kind: string }[]) =>
  kinds.map((k) => k.kind).filter((k) => k.startsWith('Thing'));

const discoveryRequests = (server: FakeApi) =>
  server.requests.filter(
    (r) => r.path === '/apis' || r.path === '/api/v1' || /^\/apis\/[^/]+\/v1$/.test(r.path),
  );

function cluster(server: FakeApi, options: Omit<RealClusterOptions, 'kubeconfig'> = {}) {
  return realCluster({ kubeconfig: server.kubeconfigPath, retry: fast, ...options }) as Cluster &
    Required<Pick<Cluster, 'kinds'>>;
}

describe('discovery runs in parallel under a deadline', () => {
  it('reads 60 groups 8 at a time; a hung group and a broken one do not hold up the rest', async () => {
    const b = behaviour({ hung: new Set(['g7.example.com']), down: new Set(['g13.example.com']) });
    const server = await sixtyGroups(b);
    const c = cluster(server, { discovery: { timeoutMs: 1000, partialCacheMs: 60_000 } });
    // Loaded first, so the clock below times discovery alone (a cold client import takes a while).
    await c.get({ kind: 'Pod', name: 'warm-up' }).catch(() => {});
    const started = Date.now();
    const kinds = await c.kinds();
    const took = Date.now() - started;
    // One by one, 60 groups of 50 ms would take 3 s; the hung one would take forever.
    expect(took).toBeLessThan(2500);
    expect(thingKinds(kinds)).toEqual(
      GROUPS.map((_, i) => `Thing${i}`).filter((k) => k !== 'Thing7' && k !== 'Thing13'),
    );
    expect(kinds.find((k) => k.kind === 'Thing3')).toEqual({
      kind: 'Thing3',
      apiVersion: 'g3.example.com/v1',
      plural: 'thing3s',
      namespaced: true,
      shortNames: [],
    });
    expect(server.inFlight().max).toBeLessThanOrEqual(8);
    expect(server.inFlight().max).toBeGreaterThanOrEqual(4);
    expect(server.requests.some((r) => r.path.startsWith('/apis/metrics.k8s.io'))).toBe(false);
    // The broken group was retried like any read.
    expect(server.requests.filter((r) => r.path === '/apis/g13.example.com/v1').length).toBe(4);
    // Kept, within partialCacheMs: no second discovery.
    const before = server.requests.length;
    await c.kinds();
    expect(server.requests.length).toBe(before);
  });

  it('runs a partial discovery again after partialCacheMs, and finds the group once it answers', async () => {
    const b = behaviour({ hung: new Set(['g7.example.com']), delayMs: 0 });
    const server = await sixtyGroups(b);
    const c = cluster(server, { discovery: { timeoutMs: 300, partialCacheMs: 100 } });
    const tool = k8sTools(c).find((t) => t.name === 'get_resource') as AnyTool;
    const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };
    const get = () =>
      Promise.resolve(
        tool.execute(tool.input.parse({ kind: 'thing7', name: 't1', namespace: 'shop' }), ctx),
      ).then(String, (e: Error) => `${e.name}: ${e.message}`);
    expect(await get()).toBe(`K8sError: the server doesn't have a resource type "thing7"`);
    b.hung.clear();
    await new Promise((r) => setTimeout(r, 150));
    expect(await get()).toContain('kind: Thing7');
  });

  it('keeps no failed discovery: one that could not read /apis runs again on the next call', async () => {
    const b = behaviour({ apis: 'hang', delayMs: 0 });
    const server = await sixtyGroups(b);
    const c = cluster(server, { discovery: { timeoutMs: 300 } });
    const hung = await c.kinds().catch((e: unknown) => e);
    expect(K8sError.isInstance(hung) && `${hung.code}: ${hung.message}`).toBe(
      'unavailable: API discovery did not finish within 0.3 s (discovery.timeoutMs): GET /apis did not answer',
    );
    b.apis = 'forbidden';
    const forbidden = await c.kinds().catch((e: unknown) => e);
    expect(K8sError.isInstance(forbidden) && `${forbidden.code}: ${forbidden.message}`).toBe(
      'forbidden: forbidden: cannot get path "/apis"',
    );
    b.apis = 'ok';
    expect(thingKinds(await c.kinds())).toHaveLength(60);
    expect(server.requests.filter((r) => r.path === '/apis')).toHaveLength(3);
  });

  it('a refresh that fails falls back to the last discovery, and the next call tries again', async () => {
    const b = behaviour({ delayMs: 0 });
    const server = await sixtyGroups(b);
    const c = cluster(server, { discovery: { timeoutMs: 300, cacheMs: 0 } });
    expect(thingKinds(await c.kinds())).toHaveLength(60);
    b.apis = 'forbidden';
    expect(thingKinds(await c.kinds())).toHaveLength(60);
    b.apis = 'ok';
    await c.kinds();
    expect(server.requests.filter((r) => r.path === '/apis')).toHaveLength(3);
  });

  it('concurrent callers share one discovery, and each stops waiting on its own signal', async () => {
    const b = behaviour({ delayMs: 100 });
    const server = await sixtyGroups(b);
    const c = cluster(server);
    const controller = new AbortController();
    const impatient = c.kinds({ signal: controller.signal }).catch((e: unknown) => e);
    const patient = c.kinds();
    setTimeout(() => controller.abort(new Error('tool timeout')), 50);
    const error = await impatient;
    expect(K8sError.isInstance(error) && error.code).toBe('aborted');
    expect(thingKinds(await patient)).toHaveLength(60);
    expect(server.requests.filter((r) => r.path === '/apis')).toHaveLength(1);
    expect(discoveryRequests(server)).toHaveLength(62);
  });

  it('refuses discovery settings that are not positive whole numbers', () => {
    expect(() => realCluster({ discovery: { concurrency: 0 } })).toThrow(/discovery.concurrency/);
    expect(() => realCluster({ discovery: { timeoutMs: Number.NaN } })).toThrow(/discovery.timeoutMs/);
  });
});
