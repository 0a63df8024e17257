import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, serveCluster } from './api-server.js';
import { createSimCluster } from './sim-cluster.js';
import { HISTORY_LIMIT, ResourceVersions } from './versions.js';
import { MAX_WATCHES } from './watch.js';
import { checkoutOomWorld } from './worlds.js';

interface Reply {
  code: number;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** One raw request with the server's token; the body is parsed as JSON when it is JSON. */
function call(
  server: ApiServer,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: init.method ?? 'GET',
        headers: { Authorization: `Bearer ${server.token}`, ...init.headers },
        ca: server.ca,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            body = { text };
          }
          resolve({ code: res.statusCode ?? 0, body, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

interface WatchEvent {
  type: string;
  object: { kind?: string; metadata?: { name?: string; resourceVersion?: string }; [k: string]: unknown };
}

/** Opens a watch and collects its events; `done` resolves when the server ends the stream. */
function watch(server: ApiServer, path: string, headers: Record<string, string> = {}) {
  const events: WatchEvent[] = [];
  let req!: ClientRequest;
  let status = 0;
  const done = new Promise<void>((resolve, reject) => {
    req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        headers: { Authorization: `Bearer ${server.token}`, ...headers },
        ca: server.ca,
      },
      (res) => {
        status = res.statusCode ?? 0;
        let buffered = '';
        res.on('data', (c: Buffer) => {
          buffered += c.toString('utf8');
          let nl = buffered.indexOf('\n');
          while (nl >= 0) {
            events.push(JSON.parse(buffered.slice(0, nl)) as WatchEvent);
            buffered = buffered.slice(nl + 1);
            nl = buffered.indexOf('\n');
          }
        });
        res.on('end', () => resolve());
        res.on('close', () => resolve());
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
    req.end();
  });
  const until = async (test: () => boolean, ms = 5000) => {
    for (const t0 = Date.now(); !test() && Date.now() - t0 < ms; )
      await new Promise((r) => setTimeout(r, 20));
    return test();
  };
  return { events, done, until, status: () => status, abort: () => req.destroy() };
}

describe('the served API speaks the Kubernetes wire formats', () => {
  let server: ApiServer;
  const cluster = createSimCluster(checkoutOomWorld());
  const cart = '/apis/apps/v1/namespaces/shop/deployments/cart';
  const merge = { 'Content-Type': 'application/merge-patch+json' };

  beforeAll(async () => {
    server = await serveCluster(cluster, {
      namespace: 'shop',
      watchPollMs: 50,
      access: {
        mutations: [{ verbs: ['*'], resources: ['deployments', 'configmaps', 'pods'], namespaces: ['shop'] }],
      },
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('watches stream ADDED then changes as {"type","object"} lines, resume from a resourceVersion and end at timeoutSeconds', async () => {
    const all = watch(server, '/apis/apps/v1/namespaces/shop/deployments?watch=1&timeoutSeconds=2');
    expect(await all.until(() => all.events.length >= 3)).toBe(true);
    expect(all.status()).toBe(200);
    expect(all.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
      'ADDED cart',
      'ADDED checkout',
      'ADDED payments',
    ]);
    const list = await call(server, '/apis/apps/v1/namespaces/shop/deployments');
    const rv = (list.body.metadata as { resourceVersion: string }).resourceVersion;
    const resumed = watch(
      server,
      `/apis/apps/v1/namespaces/shop/deployments?watch=1&resourceVersion=${rv}&fieldSelector=metadata.name%3Dcart&timeoutSeconds=2`,
    );
    await call(server, cart, { method: 'PATCH', headers: merge, body: '{"spec":{"replicas":3}}' });
    expect(await resumed.until(() => resumed.events.some((e) => e.type === 'MODIFIED'))).toBe(true);
    // Only changes after the version asked for, only of the selected object.
    expect(resumed.events.every((e) => e.object.metadata?.name === 'cart')).toBe(true);
    expect(resumed.events.every((e) => Number(e.object.metadata?.resourceVersion) > Number(rv))).toBe(true);
    const t0 = Date.now();
    await Promise.all([all.done, resumed.done]);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('sends ADDED and DELETED when an object starts or stops matching a watch selector', async () => {
    const w = watch(
      server,
      '/api/v1/namespaces/shop/configmaps?watch=1&labelSelector=tier%3Dcache&timeoutSeconds=3',
    );
    await new Promise((r) => setTimeout(r, 200));
    const json = { 'Content-Type': 'application/json' };
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'moving', labels: { tier: 'cache' } },
    };
    await call(server, '/api/v1/namespaces/shop/configmaps', {
      method: 'POST',
      headers: json,
      body: JSON.stringify(cm),
    });
    const path = '/api/v1/namespaces/shop/configmaps/moving';
    await call(server, path, { method: 'PATCH', headers: merge, body: '{"data":{"a":"1"}}' });
    await call(server, path, {
      method: 'PATCH',
      headers: merge,
      body: '{"metadata":{"labels":{"tier":"db"}}}',
    });
    await call(server, path, { method: 'PATCH', headers: merge, body: '{"data":{"a":"2"}}' });
    expect(await w.until(() => w.events.some((e) => e.type === 'DELETED'))).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(w.events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual([
      'ADDED moving',
      'MODIFIED moving',
      'DELETED moving',
    ]);
    w.abort();
    await w.done;
  });

  it('answers 410 Expired for a resourceVersion older than the kept history, 400 for a malformed one', async () => {
    const bad = await call(server, '/api/v1/namespaces/shop/pods?watch=1&resourceVersion=abc');
    expect(bad.code).toBe(400);
    // More changes than the history keeps: the oldest versions are gone.
    const versions = new ResourceVersions();
    const cm = (n: number) => ({
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'n' },
      data: { n: String(n) },
    });
    for (let i = 0; i <= HISTORY_LIMIT + 1; i++) versions.sync([cm(i)]);
    expect(() => versions.since('2')).toThrow(/^too old resource version: 2 \(\d+\)$/);
    expect(versions.since(String(Number(versions.current) - 1))).toHaveLength(1);
  });

  it('ends a watch when its client goes away, so watches never pile up', async () => {
    for (let i = 0; i < MAX_WATCHES + 2; i++) {
      const w = watch(server, '/api/v1/namespaces/shop/pods?watch=1');
      expect(await w.until(() => w.events.length > 0)).toBe(true);
      w.abort();
      await w.done;
      await new Promise((r) => setTimeout(r, 5));
    }
    const last = watch(server, '/api/v1/namespaces/shop/pods?watch=1&timeoutSeconds=1');
    expect(await last.until(() => last.events.length > 0)).toBe(true);
    expect(last.status()).toBe(200);
    await last.done;
  });

  it('Tables honour includeObject', async () => {
    const table = (include: string) =>
      call(server, `/api/v1/namespaces/shop/pods?includeObject=${include}`, {
        headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
      });
    const rows = (r: Reply) => r.body.rows as { cells: unknown[]; object?: { kind?: string } }[];
    expect(rows(await table('Object'))[0]!.object?.kind).toBe('Pod');
    expect(rows(await table('Metadata'))[0]!.object?.kind).toBe('PartialObjectMetadata');
    expect(rows(await table('None'))[0]!.object).toBeUndefined();
    expect((await table('Everything')).code).toBe(400);
  });

  it('pages lists with limit and continue; a forged continue token is a 400', async () => {
    const first = await call(server, '/api/v1/namespaces/shop/pods?limit=1');
    const meta = first.body.metadata as { continue?: string; remainingItemCount?: number };
    expect(first.body.items).toHaveLength(1);
    expect(meta.continue).toBeTruthy();
    const names: string[] = [];
    let token: string | undefined = '';
    for (let i = 0; i < 10 && token !== undefined; i++) {
      const page = await call(
        server,
        `/api/v1/namespaces/shop/pods?limit=1${token ? `&continue=${token}` : ''}`,
      );
      names.push(...(page.body.items as { metadata: { name: string } }[]).map((p) => p.metadata.name));
      token = (page.body.metadata as { continue?: string }).continue;
    }
    expect(names).toEqual(cluster.listNow({ kind: 'Pod', namespace: 'shop' }).map((p) => p.metadata?.name));
    expect((await call(server, '/api/v1/namespaces/shop/pods?limit=1&continue=not-a-token')).code).toBe(400);
    expect((await call(server, '/api/v1/namespaces/shop/pods?limit=-3')).code).toBe(400);
  });

  it('creates, applies and deletes with dryRun=All changing nothing and recording nothing', async () => {
    const before = cluster.auditLog().length;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' }, data: { a: '1' } };
    const created = await call(server, '/api/v1/namespaces/shop/configmaps?dryRun=All', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(cm),
    });
    expect(created.code).toBe(201);
    expect(created.body).toMatchObject({ metadata: { name: 'dry', namespace: 'shop' }, data: { a: '1' } });
    const applied = await call(server, '/api/v1/namespaces/shop/configmaps/dry?dryRun=All&fieldManager=t', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\ndata:\n  b: "2"\n',
    });
    expect(applied.code).toBe(201);
    expect(cluster.find('ConfigMap', 'dry', 'shop')).toBeUndefined();
    expect(cluster.auditLog().length).toBe(before);
    // For real: recorded as a create, with the object.
    const real = await call(server, '/api/v1/namespaces/shop/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(cm),
    });
    expect(real.code).toBe(201);
    expect(cluster.auditLog().slice(before)).toEqual([
      expect.objectContaining({ verb: 'create', kind: 'ConfigMap', name: 'dry', namespace: 'shop' }),
    ]);
    const again = await call(server, '/api/v1/namespaces/shop/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(cm),
    });
    expect(again.body).toMatchObject({
      code: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "dry" already exists',
    });
  });

  it('replaces with PUT, and a stale resourceVersion in a PUT or patch body is a 409 Conflict', async () => {
    const path = '/api/v1/namespaces/shop/configmaps/checkout-config';
    const current = (await call(server, path)).body as {
      metadata: { resourceVersion: string; labels?: Record<string, string> };
      data: Record<string, string>;
    };
    const put = (body: unknown) =>
      call(server, path, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const replaced = await put({
      ...current,
      metadata: { ...current.metadata, labels: { team: 'shop' } },
      data: { only: 'this' },
    });
    expect(replaced.code).toBe(200);
    expect(replaced.body).toMatchObject({ data: { only: 'this' }, metadata: { labels: { team: 'shop' } } });
    expect(cluster.find('ConfigMap', 'checkout-config', 'shop')?.['data']).toEqual({ only: 'this' });
    const stale = await put({ ...current, data: { lost: 'update' } });
    expect(stale.body).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on configmaps "checkout-config": the object has been modified; please apply your changes to the latest version and try again',
    });
    const stalePatch = await call(server, path, {
      method: 'PATCH',
      headers: merge,
      body: JSON.stringify({
        metadata: { resourceVersion: current.metadata.resourceVersion },
        data: { x: 'y' },
      }),
    });
    expect(stalePatch.code).toBe(409);
    expect(cluster.find('ConfigMap', 'checkout-config', 'shop')?.['data']).toEqual({ only: 'this' });
  });

  it('validates strictly on fieldValidation=Strict, warns otherwise', async () => {
    const body = JSON.stringify({ spec: { replicas: 2, replicaz: 3 } });
    const strict = await call(server, `${cart}?fieldValidation=Strict&dryRun=All`, {
      method: 'PATCH',
      headers: merge,
      body,
    });
    expect(strict.code).toBe(400);
    expect(strict.body.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"',
    );
    const warn = await call(server, `${cart}?dryRun=All`, { method: 'PATCH', headers: merge, body });
    expect(warn.code).toBe(200);
    expect(String(warn.headers.warning)).toContain('unknown field \\"spec.replicaz\\"');
  });

  it('refuses what the access policy does not grant with 403, dry run or not, and says so in reviews', async () => {
    const svc = '/api/v1/namespaces/shop/services/cart';
    for (const q of ['', '?dryRun=All']) {
      const r = await call(server, `${svc}${q}`, { method: 'DELETE' });
      expect(r.code).toBe(403);
      expect(r.body.message).toBe(
        'services "cart" is forbidden: User "sre-harness-sim" cannot delete resource "services" in API group "" in the namespace "shop"',
      );
    }
    const review = (verb: string, resource: string, namespace?: string) =>
      call(server, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb, resource, ...(namespace ? { namespace } : {}) } },
        }),
      });
    const allowed = async (...a: [string, string, string?]) =>
      ((await review(...a)).body.status as { allowed: boolean }).allowed;
    expect(await allowed('list', 'pods')).toBe(true);
    expect(await allowed('delete', 'services', 'shop')).toBe(false);
    expect(await allowed('patch', 'deployments', 'shop')).toBe(true);
    expect(await allowed('patch', 'deployments', 'kube-system')).toBe(false);
    const junk = await call(server, '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
      body: Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff, 0xff, 0xff, 0xff]),
    });
    expect(junk.code).toBe(400);
    const proto = await call(server, '/apis/apps/v1/namespaces/shop/deployments', {
      method: 'POST',
      headers: { 'Content-Type': 'application/vnd.kubernetes.protobuf' },
      body: Buffer.from('k8s\0'),
    });
    expect(proto.code).toBe(415);
  });

  it('bounds YAML bodies: an alias bomb is a 400, not a hang', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = await call(server, '/api/v1/namespaces/shop/configmaps/bomb?fieldManager=t', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: lines.join('\n'),
    });
    expect(bomb.code).toBe(400);
    // Deep nesting (flow or block) is refused before the YAML library sees it.
    for (const deep of [
      `a: ${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      Array.from({ length: 300 }, (_, n) => `${' '.repeat(n)}k${n}:`).join('\n'),
      `a:\n${'- '.repeat(50_000)}x`,
    ]) {
      const r = await call(server, '/api/v1/namespaces/shop/configmaps/deep?fieldManager=t', {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: deep,
      });
      expect(r.body).toMatchObject({
        code: 400,
        message: 'error decoding patch: nested deeper than 100 levels',
      });
    }
    // Big YAML is refused before parsing (the parser takes seconds on megabytes); JSON is not limited so.
    const many = Array.from({ length: 30_000 }, (_, n) => `k${n}: v`).join('\n');
    const big = await call(server, '/api/v1/namespaces/shop/configmaps/big?fieldManager=t', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/apply-patch+yaml' },
      body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${many.replace(/^/gm, '  ')}`,
    });
    expect(big.code).toBe(413);
  });

  it('rejects field selectors on unsupported fields like Kubernetes', async () => {
    const r = await call(server, '/api/v1/namespaces/shop/pods?fieldSelector=spec.foo%3Dbar');
    expect(r.body).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: 'field label not supported: spec.foo',
    });
    const ev = await call(server, '/api/v1/namespaces/shop/events?fieldSelector=type%3DWarning');
    expect((ev.body.items as { type: string }[]).every((e) => e.type === 'Warning')).toBe(true);
  });

  it('closes with a watch open, promptly', async () => {
    const other = await serveCluster(createSimCluster(checkoutOomWorld()));
    const w = watch(other, '/api/v1/pods?watch=1');
    expect(await w.until(() => w.events.length > 0)).toBe(true);
    const t0 = Date.now();
    await other.close();
    await w.done;
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
