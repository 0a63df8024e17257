import type { AnyTool } from '@sre-harness/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeList } from '../cluster.js';
import { k8sTools } from '../tools/k8s-tools.js';
import { type FakeApi, fakeApi, pagedList, pod, status } from './__fixtures__/fake-api.js';
import { realCluster } from './real-cluster.js';

const PODS = Array.from({ length: 1200 }, (_, i) => pod('big', `web-${String(i).padStart(4, '0')}`));
const names = (list: KubeList) => list.map((p) => p.metadata?.name);

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** 1,200 pods in namespace "big", served in pages as the test asks. */
async function bigNamespace(options: { honourLimit?: boolean; withRemaining?: boolean } = {}) {
  api = await fakeApi((_req, res, url) => {
    if (url.pathname === '/api/v1/namespaces/big/pods') return pagedList(res, url, PODS, options);
    status(res, 404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
  });
  return api;
}

describe('lists are paged, up to a cap', () => {
  it('follows continue until the list ends, a page of listPageSize at a time', async () => {
    const server = await bigNamespace();
    const list = await realCluster({ kubeconfig: server.kubeconfigPath }).list({
      kind: 'Pod',
      namespace: 'big',
    });
    expect(list.length).toBe(1200);
    expect(names(list)).toEqual(PODS.map((p) => (p.metadata as { name: string }).name));
    expect(list.truncated).toBeUndefined();
    expect(list[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(server.requests.map((r) => [r.query.get('limit'), r.query.get('continue')])).toEqual([
      ['500', null],
      ['500', '500'],
      ['500', '1000'],
    ]);
  });

  it('stops at maxListItems and says how many the server has left', async () => {
    const server = await bigNamespace();
    const cluster = realCluster({ kubeconfig: server.kubeconfigPath, maxListItems: 1000, listPageSize: 400 });
    const list = await cluster.list({ kind: 'Pod', namespace: 'big' });
    expect(list.length).toBe(1000);
    expect(list.at(-1)?.metadata?.name).toBe('web-0999');
    expect(list.truncated).toEqual({ limit: 1000, remaining: 200 });
    // The last page asks only for what fits under the cap.
    expect(server.requests.map((r) => r.query.get('limit'))).toEqual(['400', '400', '200']);
    // The note is not an item: a copy or JSON of the list is the items alone.
    expect(JSON.parse(JSON.stringify(list))).toHaveLength(1000);
  });

  it('a list the server does not count is cut with the remainder unknown', async () => {
    const server = await bigNamespace({ withRemaining: false });
    const list = await realCluster({ kubeconfig: server.kubeconfigPath, maxListItems: 700 }).list({
      kind: 'Pod',
      namespace: 'big',
    });
    expect(list.length).toBe(700);
    expect(list.truncated).toEqual({ limit: 700 });
  });

  it('cuts the answer of a server that ignores limit', async () => {
    const server = await bigNamespace({ honourLimit: false });
    const list = await realCluster({ kubeconfig: server.kubeconfigPath, maxListItems: 1000 }).list({
      kind: 'Pod',
      namespace: 'big',
    });
    expect(list.length).toBe(1000);
    expect(list.truncated).toEqual({ limit: 1000, remaining: 200 });
    expect(server.requests).toHaveLength(1);
  });

  it('a list that ends exactly at the cap is whole', async () => {
    const server = await bigNamespace();
    const list = await realCluster({ kubeconfig: server.kubeconfigPath, maxListItems: 1200 }).list({
      kind: 'Pod',
      namespace: 'big',
    });
    expect(list.length).toBe(1200);
    expect(list.truncated).toBeUndefined();
  });

  it('the tools print a note of what the cap left out', async () => {
    const server = await bigNamespace();
    const tools = new Map(
      k8sTools(realCluster({ kubeconfig: server.kubeconfigPath, maxListItems: 1000 })).map((t) => [
        t.name,
        t,
      ]),
    );
    const tool = tools.get('list_pods') as AnyTool;
    const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };
    const text = String(await tool.execute(tool.input.parse({ namespace: 'big' }), ctx));
    expect(text.split('\n').at(-1)).toBe('[list cut: only the first 1000 pods were read; 200 more were not]');
    expect(text).toContain('[output cut:');
  });

  it('rejects a cap that is not a positive whole number', () => {
    expect(() => realCluster({ maxListItems: 0 })).toThrow(
      'maxListItems must be a whole number of at least 1; got 0',
    );
    expect(() => realCluster({ listPageSize: 2.5 })).toThrow(/listPageSize/);
  });
});
