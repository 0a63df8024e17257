import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeObject, Patch } from '../cluster.js';
import { ageOf } from '../duration.js';
import { K8sError, STATUS_REASONS } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import { podRestartsColumn, podStatusColumn } from '../pod-status.js';
import { endpointsText, eventTime } from '../tools/describe.js';
import type { Deployment, Endpoints, KubeEvent, Node, Pod, ReplicaSet, Service } from '../types.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { selfSignedLoopbackCertificate } from './self-signed.js';
import type { SimCluster } from './sim-cluster.js';

/** Options of `serveCluster`. */
export interface ServeOptions {
  /** Port on 127.0.0.1; 0 or left out picks a free one. */
  readonly port?: number;
  /** Where to write the kubeconfig; default a new temporary directory. */
  readonly kubeconfigPath?: string;
  /** The kubeconfig context's default namespace. Default `default`. */
  readonly namespace?: string;
  /** Largest request body accepted, in bytes; larger ones get a 413. Default 3 MiB, as Kubernetes. */
  readonly maxBodyBytes?: number;
}

/** A running API server for a simulated cluster. */
export interface ApiServer {
  readonly url: string;
  readonly port: number;
  /** Path of the kubeconfig written for clients (`kubectl --kubeconfig <path>`). */
  readonly kubeconfigPath: string;
  /** The kubeconfig's text. */
  readonly kubeconfig: string;
  /** The bearer token every request must carry (it is in the kubeconfig); new for each server. */
  readonly token: string;
  /** The server's self-signed certificate (PEM), new for each server; the kubeconfig trusts it. */
  readonly ca: string;
  /** Requests served, by `METHOD path` without the query, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const versionOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[1]! : apiVersion);

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  now: Date,
  contentType = 'application/json',
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    Date: now.toUTCString(),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** Kubernetes' own default limit on a request body. */
const DEFAULT_MAX_BODY = 3 * 1024 * 1024;
/** Kubernetes' limit on the operations of one JSON patch. */
const MAX_JSON_PATCH_OPS = 10_000;
/** Deepest nesting a body may have; the patch code recurses, so depth is bounded before it runs. */
const MAX_BODY_DEPTH = 100;

/** Reads a body up to `limit` bytes; a longer one rejects with a 413 K8sError and is not read further. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const tooLarge = () =>
      new K8sError('too_large', `Request entity too large: limit is ${limit}`, { status: 413 });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) return reject(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Parses a JSON body and bounds its nesting without recursing (a deep body cannot overflow the stack). */
function parseBody(text: string, what: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > MAX_BODY_DEPTH)
        throw new K8sError(
          'bad_request',
          `error decoding ${what}: nested deeper than ${MAX_BODY_DEPTH} levels`,
          {
            status: 400,
          },
        );
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new K8sError('bad_request', `error decoding ${what}: ${(error as Error).message}`, { status: 400 });
  }
}

/** `dryRun` as Kubernetes accepts it: absent, or `All`. */
function dryRunOf(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  if (values.length === 0) return false;
  if (values.every((v) => v === 'All')) return true;
  throw new K8sError(
    'bad_request',
    `dryRun: Unsupported value: ${JSON.stringify(values.find((v) => v !== 'All'))}: supported values: "All"`,
    { status: 400 },
  );
}

function fieldAt(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Field selectors of the form `a.b=v,c!=w` on dotted paths. */
function matchesFields(obj: KubeObject, selector: string): boolean {
  for (const part of selector.split(',')) {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    if (!m) continue;
    const value = fieldAt(obj, m[1]!);
    const text = value === undefined || value === null ? '' : String(value);
    if ((m[2] === '!=') === (text === m[3])) return false;
  }
  return true;
}

function resourceList(groupVersion: string, kinds: readonly KindInfo[]) {
  const resources: Record<string, unknown>[] = [];
  for (const k of kinds) {
    resources.push({
      name: k.plural,
      singularName: k.kind.toLowerCase(),
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: ['get', 'list', 'delete', 'patch'],
      ...(k.shortNames.length ? { shortNames: [...k.shortNames] } : {}),
    });
    if (k.kind === 'Pod')
      resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

type Column = [name: string, cell: (o: KubeObject, now: Date) => string | number];

const age: Column = ['Age', (o, now) => ageOf(o.metadata?.creationTimestamp, now)];
// Server-side printing, so `kubectl get` shows kubectl's usual columns with ages on the simulated clock.
const COLUMNS: Record<string, Column[]> = {
  Pod: [
    [
      'Ready',
      (o) =>
        `${((o as unknown as Pod).status?.containerStatuses ?? []).filter((c) => c.ready).length}/${(o as unknown as Pod).spec.containers.length}`,
    ],
    ['Status', (o) => podStatusColumn(o as unknown as Pod)],
    ['Restarts', (o, now) => podRestartsColumn(o as unknown as Pod, (t) => ageOf(t, now))],
    age,
    ['IP', (o) => (o as unknown as Pod).status?.podIP ?? '<none>'],
    ['Node', (o) => (o as unknown as Pod).spec.nodeName ?? '<none>'],
  ],
  Event: [
    ['Last Seen', (o, now) => ageOf(eventTime(o as unknown as KubeEvent), now)],
    ['Type', (o) => (o as unknown as KubeEvent).type ?? ''],
    ['Reason', (o) => (o as unknown as KubeEvent).reason ?? ''],
    [
      'Object',
      (o) =>
        `${((o as unknown as KubeEvent).involvedObject.kind ?? '').toLowerCase()}/${(o as unknown as KubeEvent).involvedObject.name ?? ''}`,
    ],
    ['Message', (o) => (o as unknown as KubeEvent).message ?? ''],
  ],
  Service: [
    ['Type', (o) => (o as unknown as Service).spec.type ?? 'ClusterIP'],
    ['Cluster-IP', (o) => (o as unknown as Service).spec.clusterIP ?? '<none>'],
    [
      'Port(s)',
      (o) =>
        ((o as unknown as Service).spec.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(','),
    ],
    age,
  ],
  Endpoints: [['Endpoints', (o) => endpointsText(o as unknown as Endpoints)], age],
  Node: [
    [
      'Status',
      (o) =>
        (o as unknown as Node).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
          ? 'Ready'
          : 'NotReady',
    ],
    age,
    ['Version', (o) => (o as unknown as Node).status?.nodeInfo?.kubeletVersion ?? ''],
  ],
  ReplicaSet: [
    ['Desired', (o) => (o as unknown as ReplicaSet).spec.replicas ?? 0],
    ['Current', (o) => (o as unknown as ReplicaSet).status?.replicas ?? 0],
    ['Ready', (o) => (o as unknown as ReplicaSet).status?.readyReplicas ?? 0],
    age,
  ],
  Deployment: [
    [
      'Ready',
      (o) =>
        `${(o as unknown as Deployment).status?.readyReplicas ?? 0}/${(o as unknown as Deployment).spec.replicas ?? 1}`,
    ],
    ['Up-to-date', (o) => (o as unknown as Deployment).status?.updatedReplicas ?? 0],
    ['Available', (o) => (o as unknown as Deployment).status?.availableReplicas ?? 0],
    age,
  ],
};

function asTable(items: readonly KubeObject[], kind: string, now: Date, resourceVersion: string) {
  const columns: Column[] = [['Name', (o) => o.metadata?.name ?? ''], ...(COLUMNS[kind] ?? [age])];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map(([name]) => ({
      name,
      type: ['Restarts', 'Up-to-date', 'Available', 'Desired', 'Current'].includes(name)
        ? 'integer'
        : 'string',
      format: name === 'Name' ? 'name' : '',
      description: '',
      priority: name === 'IP' || name === 'Node' ? 1 : 0,
    })),
    rows: items.map((o) => ({
      cells: columns.map(([, cell]) => cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata ?? {} },
    })),
  };
}

/**
 * Serves a simulated cluster over the Kubernetes REST API on https://127.0.0.1: discovery, get/list/delete/patch
 * of every kind it holds (core, apps and any declared kind), pods/log, and metrics.k8s.io pods. Writes a
 * kubeconfig so `kubectl` and @kubernetes/client-node can connect. Errors are Kubernetes Status objects.
 * Every request must carry the kubeconfig's bearer token and a loopback `Host`; bodies are limited
 * (413), `dryRun=All` changes nothing, and object counts are bounded by the simulated cluster (422).
 */
export async function serveCluster(cluster: SimCluster, options: ServeOptions = {}): Promise<ApiServer> {
  const requests: string[] = [];
  const kinds = () => cluster.kindList();
  const groups = () => {
    const map = new Map<string, Set<string>>();
    for (const k of kinds()) {
      const g = groupOf(k.apiVersion);
      if (!g) continue;
      const set = map.get(g) ?? new Set<string>();
      set.add(versionOf(k.apiVersion));
      map.set(g, set);
    }
    map.set('metrics.k8s.io', new Set(['v1beta1']));
    return map;
  };

  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const authorized = (header: string | undefined) => {
    const got = Buffer.from(header ?? '');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    requests.push(`${method} ${path}`);
    const now = await cluster.now();
    const ok = (body: unknown, code = 200, type?: string) => send(res, code, body, now, type);
    // A page in a browser on this machine can reach 127.0.0.1 (directly or by DNS rebinding): it
    // cannot name this host in `Host`, nor know the token, so it reaches nothing.
    const host = String(req.headers.host ?? '');
    if (!LOOPBACK_HOSTS.some((h) => host === `${h}:${port}`)) {
      return ok(status(403, 'Forbidden', `host "${host}" is not served here; use 127.0.0.1:${port}`), 403);
    }
    if (!authorized(req.headers.authorization)) {
      return ok(status(401, 'Unauthorized', 'Unauthorized'), 401);
    }
    const q = url.searchParams;
    const wantsTable = /as=Table/.test(String(req.headers.accept ?? ''));

    if (path === '/version') {
      return ok({ major: '1', minor: '32', gitVersion: 'v1.32.0-sim', platform: 'linux/amd64' });
    }
    if (path === '/api') {
      return ok({
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }],
      });
    }
    if (path === '/apis') {
      const list = [...groups().entries()].map(([name, versions]) => {
        const vs = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
        return { name, versions: vs, preferredVersion: vs[0] };
      });
      return ok({ kind: 'APIGroupList', apiVersion: 'v1', groups: list });
    }
    if (path === '/api/v1')
      return ok(
        resourceList(
          'v1',
          kinds().filter((k) => k.apiVersion === 'v1'),
        ),
      );
    const gv = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (gv) {
      const groupVersion = `${gv[1]}/${gv[2]}`;
      if (groupVersion === 'metrics.k8s.io/v1beta1') {
        return ok({
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion,
          resources: [
            { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
          ],
        });
      }
      const inGroup = kinds().filter((k) => k.apiVersion === groupVersion);
      if (inGroup.length === 0)
        return ok(status(404, 'NotFound', 'the server could not find the requested resource'), 404);
      return ok(resourceList(groupVersion, inGroup));
    }
    const gOnly = /^\/apis\/([^/]+)$/.exec(path);
    if (gOnly) {
      const versions = groups().get(gOnly[1]!);
      if (!versions)
        return ok(status(404, 'NotFound', 'the server could not find the requested resource'), 404);
      const vs = [...versions].map((v) => ({ groupVersion: `${gOnly[1]}/${v}`, version: v }));
      return ok({
        kind: 'APIGroup',
        apiVersion: 'v1',
        name: gOnly[1],
        versions: vs,
        preferredVersion: vs[0],
      });
    }

    // /api/v1/... or /apis/<group>/<version>/...
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(path);
    if (!m) return ok(status(404, 'NotFound', 'the server could not find the requested resource'), 404);
    const apiVersion = m[1] ?? `${m[2]}/${m[3]}`;
    let rest = m[4]!.split('/');
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub] = rest as [string, string | undefined, string | undefined];

    if (apiVersion === 'metrics.k8s.io/v1beta1' && plural === 'pods') {
      let items = await cluster.podMetrics(namespace ?? 'default');
      if (name) items = items.filter((p) => p.name === name);
      const stamp = now.toISOString().replace('.000Z', 'Z');
      const toItem = (p: (typeof items)[number]) => ({
        kind: 'PodMetrics',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: { name: p.name, namespace: p.namespace, creationTimestamp: stamp },
        timestamp: stamp,
        window: '15s',
        containers: p.containers,
      });
      if (name) {
        const one = items[0];
        if (!one)
          return ok(
            status(404, 'NotFound', `podmetrics.metrics.k8s.io "${name}" not found`, {
              name,
              group: 'metrics.k8s.io',
              kind: 'pods',
            }),
            404,
          );
        return ok(toItem(one));
      }
      return ok({
        kind: 'PodMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: items.map(toItem),
      });
    }

    const info = kinds().find((k) => k.apiVersion === apiVersion && k.plural === plural);
    if (!info) return ok(status(404, 'NotFound', 'the server could not find the requested resource'), 404);
    if (info.namespaced && name && !namespace) {
      return ok(status(404, 'NotFound', 'the server could not find the requested resource'), 404);
    }
    const ref = {
      kind: info.kind,
      apiVersion: info.apiVersion,
      name: name ?? '',
      ...(namespace ? { namespace } : {}),
    };

    if (q.get('watch') === 'true' || q.get('watch') === '1') {
      return ok(status(405, 'MethodNotAllowed', 'watch is not supported by the simulated cluster'), 405);
    }
    if (!name) {
      if (method !== 'GET')
        return ok(status(405, 'MethodNotAllowed', `${method} is not supported on a collection`), 405);
      let items = await cluster.list({
        kind: info.kind,
        apiVersion: info.apiVersion,
        ...(namespace ? { namespace } : {}),
        ...(q.get('labelSelector') ? { labelSelector: q.get('labelSelector')! } : {}),
      });
      const fields = q.get('fieldSelector');
      if (fields) items = items.filter((o) => matchesFields(o, fields));
      const rv = String(Math.round(cluster.elapsedSeconds));
      if (wantsTable) return ok(asTable(items, info.kind, await cluster.now(), rv));
      return ok({
        kind: `${info.kind}List`,
        apiVersion: info.apiVersion,
        metadata: { resourceVersion: rv },
        items,
      });
    }
    if (sub === 'log' && info.kind === 'Pod' && method === 'GET') {
      const tail = q.get('tailLines');
      const text = await cluster.podLogs({
        namespace: namespace ?? 'default',
        name,
        ...(q.get('container') ? { container: q.get('container')! } : {}),
        ...(q.get('previous') === 'true' ? { previous: true } : {}),
        ...(tail !== null && /^\d+$/.test(tail) ? { tail: Number(tail) } : {}),
      });
      return ok(text, 200, 'text/plain');
    }
    if (sub === 'scale' && info.kind === 'Deployment') {
      const toScale = (d: KubeObject) => {
        const spec = (d.spec ?? {}) as {
          replicas?: number;
          selector?: { matchLabels?: Record<string, string> };
        };
        const st = (d.status ?? {}) as { replicas?: number };
        return {
          kind: 'Scale',
          apiVersion: 'autoscaling/v1',
          metadata: {
            name,
            namespace,
            uid: d.metadata?.uid,
            creationTimestamp: d.metadata?.creationTimestamp,
          },
          spec: { replicas: spec.replicas ?? 1 },
          status: {
            replicas: st.replicas ?? 0,
            selector: Object.entries(spec.selector?.matchLabels ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          },
        };
      };
      if (method === 'GET') return ok(toScale(await cluster.get(ref)));
      if (method !== 'PATCH' && method !== 'PUT')
        return ok(status(405, 'MethodNotAllowed', `${method} is not supported on scale`), 405);
      const dryRun = dryRunOf(q);
      const body = parseBody(await readBody(req, maxBody), 'body');
      const current = toScale(cluster.getNow(ref));
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const next = (
        method === 'PUT'
          ? body
          : type === 'application/json-patch+json'
            ? jsonPatch(current, body as never)
            : type === 'application/strategic-merge-patch+json'
              ? strategicMergePatch(current, body)
              : mergePatch(current, body)
      ) as { spec?: { replicas?: unknown } };
      const replicas = next?.spec?.replicas;
      const scalePatch: Patch = { type: 'merge', body: { spec: { replicas } } };
      if (dryRun) return ok(toScale(cluster.previewPatch(ref, scalePatch)));
      const patched = await cluster.patch(ref, scalePatch);
      return ok(toScale(patched));
    }
    if (sub) return ok(status(404, 'NotFound', 'the server could not find the requested resource'), 404);
    if (method === 'GET') {
      const obj = await cluster.get(ref);
      return ok(wantsTable ? asTable([obj], info.kind, await cluster.now(), '') : obj);
    }
    if (method === 'DELETE') {
      // kubectl sends dryRun in the DeleteOptions body; other clients in the query.
      const text = await readBody(req, maxBody);
      const options = text.trim() ? parseBody(text, 'body') : {};
      const fromBody = (options as { dryRun?: unknown } | null)?.dryRun;
      if (fromBody !== undefined && !Array.isArray(fromBody))
        throw new K8sError('bad_request', 'dryRun must be a list', { status: 400 });
      for (const v of (fromBody as unknown[] | undefined) ?? []) q.append('dryRun', String(v));
      const dryRun = dryRunOf(q);
      const before = await cluster.get(ref);
      if (!dryRun) await cluster.delete(ref);
      return ok(
        info.kind === 'Pod'
          ? before
          : {
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Success',
              details: { name, kind: info.plural, uid: before.metadata?.uid },
            },
      );
    }
    if (method === 'PATCH') {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const patchType =
        type === 'application/json-patch+json'
          ? 'json'
          : type === 'application/merge-patch+json'
            ? 'merge'
            : type === 'application/strategic-merge-patch+json'
              ? 'strategic'
              : undefined;
      if (!patchType) {
        return ok(
          status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
          ),
          415,
        );
      }
      const dryRun = dryRunOf(q);
      const body = parseBody(await readBody(req, maxBody), 'patch');
      if (
        patchType === 'json'
          ? !Array.isArray(body)
          : typeof body !== 'object' || body === null || Array.isArray(body)
      ) {
        return ok(status(400, 'BadRequest', `the patch body is not a valid ${patchType} patch`), 400);
      }
      if (patchType === 'json' && (body as unknown[]).length > MAX_JSON_PATCH_OPS) {
        throw new K8sError(
          'too_large',
          `Request entity too large: The allowed number of operations in a JSON patch is ${MAX_JSON_PATCH_OPS}, but the requested number of operations was ${(body as unknown[]).length}`,
          { status: 413 },
        );
      }
      const patch = { type: patchType, body } as Patch;
      // A dry run is admitted and validated like the real thing, and changes nothing.
      return ok(dryRun ? cluster.previewPatch(ref, patch) : await cluster.patch(ref, patch));
    }
    return ok(status(405, 'MethodNotAllowed', `${method} is not supported by the simulated cluster`), 405);
  };

  // TLS with a certificate made for this server: kubectl sends a kubeconfig's token only over https.
  const tls = selfSignedLoopbackCertificate('sre-harness-sim');
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(async (error: unknown) => {
      const now = await cluster.now();
      if (K8sError.isInstance(error)) {
        // A body we stopped reading leaves the connection unusable: answer, then close it.
        if (error.code === 'too_large' && !req.readableEnded) {
          res.setHeader('Connection', 'close');
          res.on('finish', () => req.destroy());
        }
        const s = STATUS_REASONS[error.code] ?? { reason: 'BadRequest', code: error.status ?? 400 };
        const name = /"([^"]+)" not found/.exec(error.message)?.[1];
        send(
          res,
          error.status ?? s.code,
          status(error.status ?? s.code, s.reason, error.message, name ? { name } : undefined),
          now,
        );
      } else {
        send(
          res,
          500,
          status(500, 'InternalError', `internal error: ${(error as Error)?.message ?? String(error)}`),
          now,
        );
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'sre-harness-sim',
        cluster: { server: url, 'certificate-authority-data': Buffer.from(tls.cert).toString('base64') },
      },
    ],
    users: [{ name: 'sre-harness-sim', user: { token } }],
    contexts: [
      {
        name: 'sre-harness-sim',
        context: {
          cluster: 'sre-harness-sim',
          user: 'sre-harness-sim',
          namespace: options.namespace ?? 'default',
        },
      },
    ],
    'current-context': 'sre-harness-sim',
    preferences: {},
  });
  const kubeconfigPath =
    options.kubeconfigPath ?? join(mkdtempSync(join(tmpdir(), 'sre-harness-sim-')), 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  return {
    url,
    port,
    kubeconfigPath,
    kubeconfig,
    token,
    ca: tls.cert,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
