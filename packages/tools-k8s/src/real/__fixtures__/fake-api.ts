import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** One request the fake API server saw. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly at: number;
}

/** What a test's handler gets: the request, the response, its parsed URL and its number (from 0). */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  n: number,
) => void | Promise<void>;

export interface FakeApi {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly token: string;
  readonly requests: SeenRequest[];
  /** Requests in progress right now, and the most there have been at once. */
  readonly inFlight: () => { now: number; max: number };
  close(): Promise<void>;
}

/**
 * A Kubernetes API server that misbehaves as a test tells it to: plain node:http on 127.0.0.1, a
 * kubeconfig (bearer token, `insecure-skip-tls-verify` as plain http needs) whose context names
 * `namespace`, and a record of every request. Requests without the token get 401. `user` replaces the
 * kubeconfig's user (an exec credential plugin, say).
 */
export async function fakeApi(
  handler: Handler,
  options: { namespace?: string; user?: Record<string, unknown> } = {},
): Promise<FakeApi> {
  const token = `t-${Math.random().toString(36).slice(2)}`;
  const requests: SeenRequest[] = [];
  let now = 0;
  let max = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const n = requests.length;
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      at: Date.now(),
    });
    now++;
    max = Math.max(max, now);
    res.on('close', () => {
      now--;
    });
    if (req.headers.authorization !== `Bearer ${token}`) {
      status(res, 401, 'Unauthorized', 'Unauthorized');
      return;
    }
    try {
      await handler(req, res, url, n);
    } catch (error) {
      if (!res.headersSent) status(res, 500, 'InternalError', String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'sre-harness-fake-api-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfigPath,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'fake', user: options.user ?? { token } }],
      contexts: [
        {
          name: 'fake',
          context: {
            cluster: 'fake',
            user: 'fake',
            ...(options.namespace ? { namespace: options.namespace } : {}),
          },
        },
      ],
      'current-context': 'fake',
    }),
  );
  return {
    url,
    kubeconfigPath,
    token,
    requests,
    inFlight: () => ({ now, max }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers with JSON. */
export function json(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers with a Kubernetes Status. */
export function status(
  res: ServerResponse,
  code: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }, headers);
}

/** A pod as a list carries it. */
export function pod(namespace: string, name: string): Record<string, unknown> {
  return {
    metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'app', image: 'example/app:1' }] },
    status: { phase: 'Running' },
  };
}

/**
 * A list served the way the API server pages it: `limit` items from the `continue` offset, a
 * `continue` token while more remain, and `remainingItemCount` (left out when `withRemaining` is false,
 * as for a list with a selector). `limit` is ignored when `honourLimit` is false.
 */
export function pagedList(
  res: ServerResponse,
  url: URL,
  items: readonly unknown[],
  options: { honourLimit?: boolean; withRemaining?: boolean } = {},
): void {
  const from = Number(url.searchParams.get('continue') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const to =
    options.honourLimit === false || limit <= 0 ? items.length : Math.min(items.length, from + limit);
  const more = items.length - to;
  json(res, 200, {
    kind: 'List',
    apiVersion: 'v1',
    metadata: {
      resourceVersion: '1',
      ...(more > 0 ? { continue: String(to) } : {}),
      ...(more > 0 && options.withRemaining !== false ? { remainingItemCount: more } : {}),
    },
    items: items.slice(from, to),
  });
}
