import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, serveCluster } from './api-server.js';
import { createSimCluster, MAX_REPLICAS } from './sim-cluster.js';
import { checkoutOomWorld } from './worlds.js';

/** One raw request, so the test controls every header (Host included) and the body. */
function send(
  server: ApiServer,
  path: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    checkServerIdentity?: () => undefined;
  } = {},
): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: init.method ?? 'GET',
        headers: init.headers,
        ca: server.ca,
        ...(init.checkServerIdentity ? { checkServerIdentity: init.checkServerIdentity } : {}),
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
          resolve({ code: res.statusCode ?? 0, body });
        });
      },
    );
    // The server may answer a body it will not read before the body is sent; that is the point.
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e),
    );
    req.end(init.body);
  });
}

describe('the simulated API server trusts no input', () => {
  let server: ApiServer;
  const cluster = createSimCluster(checkoutOomWorld());
  const auth = () => ({ Authorization: `Bearer ${server.token}` });
  const cart = '/apis/apps/v1/namespaces/shop/deployments/cart';
  const replicas = () =>
    (cluster.getNow({ kind: 'Deployment', name: 'cart', namespace: 'shop' }).spec as { replicas: number })
      .replicas;

  beforeAll(async () => {
    server = await serveCluster(cluster, { namespace: 'shop' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 401 without the kubeconfig bearer token, which is new for each server', async () => {
    const none = await send(server, '/api/v1/namespaces/shop/pods');
    expect(none).toEqual({
      code: 401,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      },
    });
    expect((await send(server, '/version', { headers: { Authorization: 'Bearer simulated' } })).code).toBe(
      401,
    );
    expect((await send(server, '/version', { headers: auth() })).code).toBe(200);
    expect(server.kubeconfig).toContain(server.token);
    const other = await serveCluster(createSimCluster(checkoutOomWorld()));
    expect(other.token).not.toBe(server.token);
    await other.close();
  });

  it('answers 403 to a Host that is not its loopback address (a browser page, DNS rebinding)', async () => {
    const evil = await send(server, '/api/v1/namespaces/shop/pods', {
      headers: { ...auth(), Host: `attacker.example:${server.port}` },
      checkServerIdentity: () => undefined,
    });
    expect(evil.code).toBe(403);
    expect(evil.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    const local = await send(server, '/api/v1/namespaces/shop/pods', {
      headers: { ...auth(), Host: `localhost:${server.port}` },
    });
    expect(local.code).toBe(200);
  });

  it('refuses a body over 3 MiB with 413 RequestEntityTooLarge, before reading it', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const declared = await send(server, cart, {
      method: 'PATCH',
      headers: { ...auth(), 'Content-Type': 'application/merge-patch+json' },
      body: big,
    });
    expect(declared).toEqual({
      code: 413,
      body: expect.objectContaining({
        kind: 'Status',
        status: 'Failure',
        reason: 'RequestEntityTooLarge',
        code: 413,
        message: 'Request entity too large: limit is 3145728',
      }),
    });
    const chunked = await send(server, cart, {
      method: 'PATCH',
      headers: { ...auth(), 'Content-Type': 'application/merge-patch+json', 'Transfer-Encoding': 'chunked' },
      body: big,
    });
    expect(chunked.code).toBe(413);
    const ops = JSON.stringify(
      Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/kind', value: 'Deployment' })),
    );
    const many = await send(server, cart, {
      method: 'PATCH',
      headers: { ...auth(), 'Content-Type': 'application/json-patch+json' },
      body: ops,
    });
    expect(many.code).toBe(413);
    expect(many.body.message).toContain('The allowed number of operations in a JSON patch is 10000');
    const deep = await send(server, cart, {
      method: 'PATCH',
      headers: { ...auth(), 'Content-Type': 'application/merge-patch+json' },
      body: `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    });
    expect(deep.code).toBe(400);
    expect(deep.body).toMatchObject({
      reason: 'BadRequest',
      message: 'error decoding patch: nested deeper than 100 levels',
    });
    expect(replicas()).toBe(2);
  });

  it('applies nothing for dryRun=All, answering with what would have been', async () => {
    const before = cluster.snapshot().mutations.length;
    const headers = { ...auth(), 'Content-Type': 'application/merge-patch+json' };
    const patched = await send(server, `${cart}?dryRun=All`, {
      method: 'PATCH',
      headers,
      body: '{"spec":{"replicas":6}}',
    });
    expect(patched.code).toBe(200);
    expect((patched.body.spec as { replicas: number }).replicas).toBe(6);
    const scaled = await send(server, `${cart}/scale?dryRun=All`, {
      method: 'PATCH',
      headers,
      body: '{"spec":{"replicas":8}}',
    });
    expect((scaled.body.spec as { replicas: number }).replicas).toBe(8);
    const deleted = await send(server, `${cart}?dryRun=All`, { method: 'DELETE', headers: auth() });
    expect(deleted.code).toBe(200);
    const invalid = await send(server, `${cart}?dryRun=Some`, { method: 'PATCH', headers, body: '{}' });
    expect(invalid.code).toBe(400);
    expect(replicas()).toBe(2);
    expect(cluster.snapshot().mutations.length).toBe(before);
    expect(cluster.listNow({ kind: 'Pod', namespace: 'shop', labelSelector: 'app=cart' })).toHaveLength(2);
  });

  it(`refuses more than ${MAX_REPLICAS} replicas with 422 Invalid, before creating any pod`, async () => {
    const huge = await send(server, `${cart}/scale`, {
      method: 'PATCH',
      headers: { ...auth(), 'Content-Type': 'application/merge-patch+json' },
      body: '{"spec":{"replicas":20000}}',
    });
    expect(huge.code).toBe(422);
    expect(huge.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(huge.body.message).toContain(
      `spec.replicas: Invalid value: 20000: must be less than or equal to ${MAX_REPLICAS}`,
    );
    expect(replicas()).toBe(2);
  });
});
