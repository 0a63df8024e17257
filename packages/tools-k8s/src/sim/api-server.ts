import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import type { KubeObject, Patch } from '../cluster.js';
import { K8sError, STATUS_REASONS } from '../errors.js';
import type { KindInfo } from '../kinds.js';
import { matchesSelector, parseSelector } from '../selector.js';
import {
  type AccessPolicy,
  requireAllowed,
  selfSubjectAccessReview,
  selfSubjectReview,
  selfSubjectRulesReview,
} from './authz.js';
import { ENDPOINT_SLICE, endpointSlicesOf, nodeUsage } from './derived.js';
import { matchesFields, parseFieldSelector } from './field-selectors.js';
import { checkFields, groupVersionDocument, openApiIndex } from './openapi.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.js';
import { decodeObject, decodeReview } from './protobuf.js';
import { selfSignedLoopbackCertificate } from './self-signed.js';
import type { SimCluster } from './sim-cluster.js';
import { asTable, includeObjectOf } from './table.js';
import { shiftTimestamps } from './timeshift.js';
import { parseVersion, ResourceVersions } from './versions.js';
import { timeoutSecondsOf, Watches } from './watch.js';

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
  /**
   * What the client may do (see `AccessPolicy`): it may always read; it may mutate what
   * `access.mutations` grants, default `'all'`. Refused requests get Kubernetes' 403, and
   * SelfSubjectAccessReview / SelfSubjectRulesReview answer from the same policy.
   */
  readonly access?: AccessPolicy;
  /** How often open watches look for changes made by the passing of time, in ms. Default 500. */
  readonly watchPollMs?: number;
  /**
   * Serve timestamps moved onto the wall clock (the simulated now is served as the real now, every
   * RFC 3339 timestamp in and out moved by the same whole seconds), so clients that compute ages from
   * their own clock (`kubectl describe`, `kubectl get -o wide` on events) agree with the simulated one.
   * Default false: timestamps are the world's own.
   */
  readonly wallTimestamps?: boolean;
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
/** Largest YAML body parsed, in bytes (JSON bodies, which kubectl sends, have `maxBodyBytes`). */
const MAX_YAML_BYTES = 256 * 1024;
/** Deepest nesting a body may have; the patch code recurses, so depth is bounded before it runs. */
const MAX_BODY_DEPTH = 100;

/** Reads a body as text (see `readRaw`). */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return (await readRaw(req, limit)).toString('utf8');
}

/** Reads a body up to `limit` bytes; a longer one rejects with a 413 K8sError and is not read further. */
function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
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
    req.on('end', () => resolve(Buffer.concat(chunks)));
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

/** Resources `kubectl get all` covers (the `all` category, as Kubernetes' built-in kinds declare it). */
const ALL_CATEGORY = new Set([
  'Pod',
  'Service',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'HorizontalPodAutoscaler',
  'ReplicationController',
]);

const READ_ONLY_KINDS = new Set(['EndpointSlice']);

function resourceList(groupVersion: string, kinds: readonly KindInfo[]) {
  const resources: Record<string, unknown>[] = [];
  for (const k of kinds) {
    resources.push({
      name: k.plural,
      singularName: k.kind.toLowerCase(),
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: READ_ONLY_KINDS.has(k.kind)
        ? ['get', 'list', 'watch']
        : ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      ...(k.shortNames.length ? { shortNames: [...k.shortNames] } : {}),
      ...(ALL_CATEGORY.has(k.kind) ? { categories: ['all'] } : {}),
    });
    if (k.kind === 'Pod')
      resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
    if (k.kind === 'Deployment')
      resources.push({
        name: 'deployments/scale',
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch'],
      });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

/** Groups served beside the cluster's kinds: review and metrics APIs, each with its resources. */
const EXTRA_GROUPS: Record<string, Record<string, unknown>[]> = {
  'metrics.k8s.io/v1beta1': [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
  'authorization.k8s.io/v1': [
    {
      name: 'selfsubjectaccessreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectAccessReview',
      verbs: ['create'],
    },
    {
      name: 'selfsubjectrulesreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectRulesReview',
      verbs: ['create'],
    },
  ],
  'authentication.k8s.io/v1': [
    {
      name: 'selfsubjectreviews',
      singularName: '',
      namespaced: false,
      kind: 'SelfSubjectReview',
      verbs: ['create'],
    },
  ],
};

const NOT_FOUND = () => status(404, 'NotFound', 'the server could not find the requested resource');

/** The key objects are listed and paged by: namespace/name. */
const orderKey = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** Most objects one list page holds, whatever `limit` asks. */
const MAX_LIMIT = 10_000;

/** A list continue token: opaque to clients (base64url JSON of the last key served). */
function continueToken(last: string, rv: string): string {
  return Buffer.from(JSON.stringify({ v: 1, rv, start: last })).toString('base64url');
}

function continueStart(token: string): string {
  const invalid = () =>
    new K8sError('bad_request', 'continue key is not valid: the continue token could not be read', {
      status: 400,
    });
  if (token.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(token)) throw invalid();
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: unknown;
      start?: unknown;
    };
    if (parsed.v !== 1 || typeof parsed.start !== 'string') throw invalid();
    return parsed.start;
  } catch {
    throw invalid();
  }
}

/** `limit` from a query: a positive integer (bounded), or undefined for all. */
function limitOf(q: URLSearchParams): number | undefined {
  const v = q.get('limit');
  if (v === null || v === '' || v === '0') return undefined;
  if (v.length > 9 || !/^\d+$/.test(v))
    throw new K8sError('bad_request', `limit: Invalid value: ${JSON.stringify(v.slice(0, 32))}`, {
      status: 400,
    });
  return Math.min(Number(v), MAX_LIMIT);
}

/** A write body: JSON, or YAML for `application/yaml` and apply patches (the `yaml` library bounds aliases). */
function parseObjectBody(text: string, contentType: string, what: string): Record<string, unknown> {
  let body: unknown;
  if (contentType === 'application/yaml' || contentType === 'application/apply-patch+yaml') {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{')) body = parseBody(text, what);
    else {
      // The YAML library recurses on nesting and can exhaust memory on a deep document: bound it first.
      checkYamlNesting(text, what);
      // The library parses about 2.5 µs a byte even when linear: YAML bodies get a smaller limit than JSON.
      if (Buffer.byteLength(text) > MAX_YAML_BYTES)
        throw new K8sError(
          'too_large',
          `Request entity too large: YAML bodies are limited to ${MAX_YAML_BYTES} bytes`,
          {
            status: 413,
          },
        );
      try {
        // Duplicate keys are not looked for (the library's check is quadratic in the keys): the last wins.
        body = parseYaml(text, { maxAliasCount: 100, uniqueKeys: false });
      } catch (error) {
        throw new K8sError('bad_request', `error decoding ${what}: ${(error as Error).message}`, {
          status: 400,
        });
      }
      // YAML is parsed without depth limits by the library; check the result's depth instead.
      parseBody(JSON.stringify(body ?? null), what);
    }
  } else body = parseBody(text, what);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new K8sError('bad_request', `error decoding ${what}: the body is not an object`, { status: 400 });
  return body as Record<string, unknown>;
}

/**
 * Bounds a YAML document's nesting before it is parsed, in one linear pass: flow collections (`[`, `{`
 * outside quotes and comments) at most MAX_BODY_DEPTH deep, and indentation at most 2 × MAX_BODY_DEPTH
 * columns (block nesting needs at least one column a level). Over either is a 400.
 */
function checkYamlNesting(text: string, what: string): void {
  const tooDeep = () =>
    new K8sError('bad_request', `error decoding ${what}: nested deeper than ${MAX_BODY_DEPTH} levels`, {
      status: 400,
    });
  let depth = 0;
  let quote = 0;
  let comment = false;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x0a) {
      comment = false;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (lineStart) {
      // Spaces, and the compact `- ` / `? ` indicators that each open a level on the same line.
      const compact = (ch === 0x2d || ch === 0x3f) && text.charCodeAt(i + 1) === 0x20;
      if (ch === 0x20 || compact) {
        indent += compact ? 2 : 1;
        if (compact) i++;
        if (indent > 2 * MAX_BODY_DEPTH) throw tooDeep();
        continue;
      }
      lineStart = false;
    }
    if (comment) continue;
    if (quote !== 0) {
      if (quote === 0x22 && ch === 0x5c) i++;
      else if (ch === quote) quote = 0;
      continue;
    }
    if (ch === 0x22 || ch === 0x27) quote = ch;
    else if (ch === 0x23) comment = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > MAX_BODY_DEPTH) throw tooDeep();
    } else if ((ch === 0x5d || ch === 0x7d) && depth > 0) depth--;
  }
}

/** The `metadata.resourceVersion` a write body carries, if any (a precondition, as in Kubernetes). */
function versionIn(body: KubeObject): string | undefined {
  const rv = body.metadata?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/**
 * The JSON merge patch (RFC 7386) that turns `current` into `next` for a replacement (PUT): fields
 * `next` lacks become null, objects are compared field by field, anything else is replaced whole. Of
 * the metadata only labels and annotations are the client's; `status` is the server's and kept.
 */
function replacementPatch(current: KubeObject, next: KubeObject): Record<string, unknown> {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const diff = (a: unknown, b: unknown): unknown => {
    if (!isMap(a) || !isMap(b)) return b;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(a)) if (!(k in b)) out[k] = null;
    for (const [k, v] of Object.entries(b)) {
      if (JSON.stringify(a[k]) === JSON.stringify(v)) continue;
      out[k] = isMap(a[k]) && isMap(v) ? diff(a[k], v) : v;
    }
    return out;
  };
  const top = (o: KubeObject) =>
    Object.fromEntries(
      Object.entries(o).filter(([k]) => !['metadata', 'status', 'kind', 'apiVersion'].includes(k)),
    );
  const patch = diff(top(current), top(next)) as Record<string, unknown>;
  const meta: Record<string, unknown> = {};
  for (const k of ['labels', 'annotations'] as const) {
    const d = diff(current.metadata?.[k] ?? {}, next.metadata?.[k] ?? {}) as Record<string, unknown>;
    if (Object.keys(d).length > 0) meta[k] = d;
  }
  if (Object.keys(meta).length > 0) patch['metadata'] = meta;
  return patch;
}

/** Fields of a write body the server owns: dropped before the simulated cluster sees them. */
function withoutServerFields<T extends Record<string, unknown>>(body: T): T {
  const meta = body['metadata'];
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return body;
  const { resourceVersion: _rv, managedFields: _mf, ...rest } = meta as Record<string, unknown>;
  return { ...body, metadata: rest };
}

/**
 * Serves a simulated cluster over the Kubernetes REST API on https://127.0.0.1, for kubectl, client
 * libraries and agents. What is served, and how it differs from a real API server, is listed in the
 * package README ("The served API"): discovery (with categories), get/list/watch/create/patch/delete
 * and server-side apply of every kind the cluster holds, Tables (with `includeObject`), resourceVersions,
 * `limit`/`continue`, strict field selectors, pods/log, deployments/scale, EndpointSlices, metrics.k8s.io
 * (nodes and pods), an OpenAPI v3 document, Self{Subject,SubjectAccess,SubjectRules}Review.
 * Writes a kubeconfig so `kubectl` and @kubernetes/client-node can connect. Errors are Kubernetes Status
 * objects. Every request must carry the kubeconfig's bearer token and a loopback `Host`; bodies are
 * limited (413); `dryRun=All` changes nothing on any verb; object counts are bounded by the simulated
 * cluster (422); watches end on client disconnect, `timeoutSeconds` or `close()`.
 */
export async function serveCluster(cluster: SimCluster, options: ServeOptions = {}): Promise<ApiServer> {
  const requests: string[] = [];
  const policy: AccessPolicy = options.access ?? {};
  const versions = new ResourceVersions();
  const kinds = (): readonly KindInfo[] => [...cluster.kindList(), ENDPOINT_SLICE];
  const groups = () => {
    const map = new Map<string, Set<string>>();
    const add = (apiVersion: string) => {
      const g = groupOf(apiVersion);
      if (!g) return;
      const set = map.get(g) ?? new Set<string>();
      set.add(versionOf(apiVersion));
      map.set(g, set);
    };
    for (const k of kinds()) add(k.apiVersion);
    for (const gv of Object.keys(EXTRA_GROUPS)) add(gv);
    return map;
  };
  /** Every object the API serves, EndpointSlices derived from Endpoints included (no clock moves). */
  const everything = (): KubeObject[] => {
    const objects = cluster.snapshot().objects as KubeObject[];
    const slices = endpointSlicesOf(
      objects.filter((o) => o.kind === 'Endpoints'),
      objects.filter((o) => o.kind === 'Pod'),
    );
    return [...objects, ...slices];
  };
  const sync = () => versions.sync(everything());
  sync();
  /** The simulated clock as last read (watch events are printed with it). */
  let lastNow = await cluster.now();
  /** What `wallTimestamps` adds to a served timestamp, in whole seconds' worth of ms (0 when off). */
  const offsetMs = () =>
    options.wallTimestamps ? Math.round((Date.now() - lastNow.getTime()) / 1000) * 1000 : 0;
  const served = <T>(v: T): T => shiftTimestamps(v, offsetMs());
  const received = <T>(v: T): T => shiftTimestamps(v, -offsetMs());
  const watches = new Watches(
    versions,
    async () => {
      lastNow = await cluster.now();
      sync();
    },
    options.watchPollMs ?? 500,
  );

  /** The objects of one kind in a namespace (or all), label-selected, version-stamped, in key order. */
  const listOf = async (info: KindInfo, namespace: string | undefined, labelSelector: string | null) => {
    let items: KubeObject[];
    if (info.kind === ENDPOINT_SLICE.kind) {
      await cluster.list({ kind: 'Endpoints', ...(namespace ? { namespace } : {}) });
      const selector = labelSelector ? parseSelector(labelSelector) : undefined;
      items = everything().filter(
        (o) =>
          o.kind === ENDPOINT_SLICE.kind &&
          (!namespace || o.metadata?.namespace === namespace) &&
          (!selector || matchesSelector(selector, o.metadata?.labels ?? {})),
      );
    } else {
      items = await cluster.list({
        kind: info.kind,
        apiVersion: info.apiVersion,
        ...(namespace ? { namespace } : {}),
        ...(labelSelector ? { labelSelector } : {}),
      });
    }
    sync();
    return items.map((o) => versions.stamp(o)).sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));
  };

  const getOf = async (info: KindInfo, name: string, namespace: string | undefined) => {
    if (info.kind === ENDPOINT_SLICE.kind) {
      const found = (await listOf(info, namespace, null)).find((o) => o.metadata?.name === name);
      if (!found)
        throw new K8sError('not_found', `endpointslices.discovery.k8s.io "${name}" not found`, {
          status: 404,
        });
      return found;
    }
    const obj = await cluster.get({
      kind: info.kind,
      apiVersion: info.apiVersion,
      name,
      ...(namespace ? { namespace } : {}),
    });
    sync();
    return versions.stamp(obj);
  };

  /** How a write was asked for: `dryRun=All`, the query (fieldValidation) and where warnings go. */
  interface WriteRequest {
    readonly dryRun: boolean;
    readonly query: URLSearchParams;
    readonly warn: (text: string) => void;
  }

  type Mutation =
    | { readonly verb: 'create'; readonly object: KubeObject }
    | {
        readonly verb: 'patch';
        readonly name: string;
        readonly patch: Patch;
        readonly subresource?: string;
        /** `metadata.resourceVersion` the body carried: the write applies only to that version (409). */
        readonly precondition?: string;
      }
    | {
        readonly verb: 'update';
        readonly name: string;
        readonly object: KubeObject;
        readonly precondition?: string;
      }
    | { readonly verb: 'delete'; readonly name: string }
    | { readonly verb: 'apply'; readonly name: string; readonly object: KubeObject };

  /**
   * The one place every write goes through: authorization (403), schema validation of what was written
   * (`fieldValidation`: 400 or `Warning` headers), `dryRun=All` (validated and admitted
   * like the real thing, then nothing stored and nothing recorded), the simulated cluster's own
   * validation and audit log (create, patch, delete), and resourceVersions. Returns the object as it
   * is (or would be) after the write; for a delete, as it was.
   */
  const mutate = async (
    info: KindInfo,
    namespace: string | undefined,
    m: Mutation,
    request: WriteRequest,
  ): Promise<KubeObject> => {
    const { dryRun } = request;
    if (READ_ONLY_KINDS.has(info.kind))
      throw new K8sError('bad_request', `${info.plural} are read-only in the simulated cluster`, {
        status: 405,
      });
    const name = m.verb === 'create' ? (m.object.metadata?.name ?? '') : m.name;
    const ref = { kind: info.kind, apiVersion: info.apiVersion, name, ...(namespace ? { namespace } : {}) };
    let verb: string = m.verb;
    // Timestamps in a body come on the served clock: back onto the simulated one.
    let write: Mutation = received(m);
    if (write.verb === 'apply') {
      // Server-side apply: RBAC calls it a patch; it creates what does not exist yet.
      verb = 'patch';
      const exists = cluster.find(info.kind, name, namespace) !== undefined;
      write = exists
        ? { verb: 'patch', name, patch: { type: 'strategic', body: write.object as Record<string, unknown> } }
        : { verb: 'create', object: write.object };
      if (!exists) verb = 'create';
    }
    if (write.verb === 'update') {
      // A replacement (PUT): the merge patch that turns the stored object into the body; status is kept.
      const current = cluster.getNow(ref);
      write = {
        verb: 'patch',
        name,
        patch: { type: 'merge', body: replacementPatch(current, write.object) },
        ...(write.precondition !== undefined ? { precondition: write.precondition } : {}),
      };
    }
    if (write.verb === 'patch' && write.precondition !== undefined) {
      sync();
      const current = versions.stamp(cluster.getNow(ref)).metadata?.resourceVersion;
      if (current !== write.precondition)
        throw new K8sError(
          'conflict',
          `Operation cannot be fulfilled on ${info.plural}${groupOf(info.apiVersion) ? `.${groupOf(info.apiVersion)}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          { status: 409 },
        );
    }
    requireAllowed(policy, {
      verb,
      group: groupOf(info.apiVersion),
      resource: info.plural,
      ...(write.verb === 'patch' && write.subresource ? { subresource: write.subresource } : {}),
      ...(namespace ? { namespace } : {}),
      ...(name ? { name } : {}),
    });
    // Schema validation of what the client wrote (fieldValidation): the object, or a merge patch's body.
    const written =
      m.verb === 'create' || m.verb === 'update' || m.verb === 'apply'
        ? m.object
        : m.verb === 'patch' && m.patch.type !== 'json' && !m.subresource
          ? (m.patch.body as KubeObject)
          : undefined;
    if (written) for (const w of checkFields(info, written, request.query)) request.warn(w);
    let result: KubeObject;
    if (write.verb === 'create') {
      const object = {
        ...write.object,
        kind: info.kind,
        apiVersion: info.apiVersion,
        metadata: { ...write.object.metadata, ...(namespace ? { namespace } : {}) },
        // The API server's defaulting, for the kinds whose default a client can see.
        ...(info.kind === 'Secret' && !write.object['type'] ? { type: 'Opaque' } : {}),
      };
      result = dryRun ? cluster.previewCreate(object) : await cluster.create(object);
    } else if (write.verb === 'patch') {
      result = dryRun ? cluster.previewPatch(ref, write.patch) : await cluster.patch(ref, write.patch);
    } else if (write.verb === 'delete') {
      result = await cluster.get(ref);
      if (!dryRun) await cluster.delete(ref);
    } else throw new Error('unreachable');
    sync();
    return versions.stamp(result);
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
    lastNow = now;
    const ok = (body: unknown, code = 200, type?: string) =>
      send(
        res,
        code,
        typeof body === 'string' ? body : served(body),
        new Date(now.getTime() + offsetMs()),
        type,
      );
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
    const wantsTable = String(req.headers.accept ?? '').includes('as=Table');
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    // Bodies are JSON (or YAML); protobuf only for the reviews kubectl sends that way (see protobuf.ts).
    const protobuf = contentType === 'application/vnd.kubernetes.protobuf';
    const reviewPath = /^\/apis\/(authorization|authentication)\.k8s\.io\/v1\/selfsubject[a-z]+$/.test(path);
    if (protobuf && !reviewPath && method !== 'POST') {
      return ok(
        status(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
        ),
        415,
      );
    }

    if (path === '/version') {
      return ok({ major: '1', minor: '32', gitVersion: 'v1.32.0-sim', platform: 'linux/amd64' });
    }
    if (path === '/openapi/v3') return ok(openApiIndex(kinds()));
    if (path.startsWith('/openapi/v3/')) {
      const rest = path.slice('/openapi/v3/'.length);
      const apiVersion = rest.startsWith('api/')
        ? rest.slice(4)
        : rest.startsWith('apis/')
          ? rest.slice(5)
          : '';
      const doc = apiVersion ? groupVersionDocument(apiVersion, kinds()) : undefined;
      return doc ? ok(doc) : ok(NOT_FOUND(), 404);
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
      const inGroup = kinds().filter((k) => k.apiVersion === groupVersion);
      const extra = EXTRA_GROUPS[groupVersion];
      if (inGroup.length === 0 && !extra) return ok(NOT_FOUND(), 404);
      const list = resourceList(groupVersion, inGroup);
      return ok({ ...list, resources: [...list.resources, ...(extra ?? [])] });
    }
    const gOnly = /^\/apis\/([^/]+)$/.exec(path);
    if (gOnly) {
      const versions = groups().get(gOnly[1]!);
      if (!versions) return ok(NOT_FOUND(), 404);
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
    if (!m) return ok(NOT_FOUND(), 404);
    const apiVersion = m[1] ?? `${m[2]}/${m[3]}`;
    let rest = m[4]!.split('/');
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    if (rest.length > 3) return ok(NOT_FOUND(), 404);
    const [plural, name, sub] = rest as [string, string | undefined, string | undefined];

    // Reviews: POST only, answered from the access policy.
    if (method === 'POST' && !name && !namespace) {
      const review =
        apiVersion === 'authorization.k8s.io/v1' && plural === 'selfsubjectaccessreviews'
          ? (b: unknown) => selfSubjectAccessReview(policy, b)
          : apiVersion === 'authorization.k8s.io/v1' && plural === 'selfsubjectrulesreviews'
            ? (b: unknown) => selfSubjectRulesReview(policy, b)
            : apiVersion === 'authentication.k8s.io/v1' && plural === 'selfsubjectreviews'
              ? () => selfSubjectReview(now)
              : undefined;
      if (review) {
        const raw = await readRaw(req, maxBody);
        const body = protobuf ? decodeReview(raw) : parseBody(raw.toString('utf8'), 'body');
        return ok(review(body), 201);
      }
    }

    if (apiVersion === 'metrics.k8s.io/v1beta1' && (plural === 'pods' || plural === 'nodes')) {
      if (method !== 'GET')
        return ok(status(405, 'MethodNotAllowed', `${method} is not supported on metrics`), 405);
      const stamp = now.toISOString().replace('.000Z', 'Z');
      const meta = (n: string, ns?: string) => ({
        name: n,
        ...(ns ? { namespace: ns } : {}),
        creationTimestamp: stamp,
        labels: {},
      });
      let items: Record<string, unknown>[];
      if (plural === 'pods') {
        const pods = await cluster.podMetrics(namespace);
        items = pods.map((p) => ({
          kind: 'PodMetrics',
          apiVersion: 'metrics.k8s.io/v1beta1',
          metadata: meta(p.name, p.namespace),
          timestamp: stamp,
          window: '15s',
          containers: p.containers,
        }));
      } else {
        const pods = await cluster.podMetrics();
        const objects = cluster.snapshot().objects as KubeObject[];
        items = nodeUsage(
          objects.filter((o) => o.kind === 'Node'),
          objects.filter((o) => o.kind === 'Pod'),
          pods,
        ).map((n) => ({
          kind: 'NodeMetrics',
          apiVersion: 'metrics.k8s.io/v1beta1',
          metadata: meta(n.name),
          timestamp: stamp,
          window: '20s',
          usage: { cpu: n.cpu, memory: n.memory },
        }));
      }
      if (name) {
        const one = items.find((i) => (i['metadata'] as { name: string }).name === name);
        if (!one) {
          return ok(
            status(404, 'NotFound', `${plural}.metrics.k8s.io "${name}" not found`, {
              name,
              group: 'metrics.k8s.io',
              kind: plural,
            }),
            404,
          );
        }
        return ok(one);
      }
      return ok({
        kind: plural === 'pods' ? 'PodMetricsList' : 'NodeMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items,
      });
    }

    const info = kinds().find((k) => k.apiVersion === apiVersion && k.plural === plural);
    if (!info) return ok(NOT_FOUND(), 404);
    if (info.namespaced && name && !namespace) return ok(NOT_FOUND(), 404);
    if (!info.namespaced) namespace = undefined;
    const include = includeObjectOf(q);
    const dryRun = dryRunOf(q);
    const asked = (dry = dryRun): WriteRequest => ({
      dryRun: dry,
      query: q,
      warn: (text) => res.appendHeader('Warning', `299 - ${JSON.stringify(text)}`),
    });

    if (!name) {
      if (method === 'POST') {
        const raw = await readRaw(req, maxBody);
        const body = withoutServerFields(
          (protobuf
            ? decodeObject(raw, info.kind)
            : parseObjectBody(raw.toString('utf8'), contentType, 'body')) as KubeObject,
        );
        const bodyNs = body.metadata?.namespace;
        if (namespace && bodyNs && bodyNs !== namespace)
          throw new K8sError(
            'bad_request',
            'the namespace of the provided object does not match the namespace sent on the request',
            { status: 400 },
          );
        if (body.kind !== undefined && body.kind !== info.kind)
          throw new K8sError(
            'bad_request',
            `the kind of the provided object (${String(body.kind).slice(0, 64)}) does not match the resource (${info.plural})`,
            { status: 400 },
          );
        return ok(await mutate(info, namespace, { verb: 'create', object: body }, asked()), 201);
      }
      if (method !== 'GET')
        return ok(status(405, 'MethodNotAllowed', `${method} is not supported on a collection`), 405);
      const labels = q.get('labelSelector');
      if (labels && labels.length > 4096)
        throw new K8sError('bad_request', 'label selector longer than 4096 characters', { status: 400 });
      const fields = parseFieldSelector(q.get('fieldSelector') ?? '', info.kind);
      const filter = (o: KubeObject) =>
        o.kind === info.kind &&
        (!namespace || o.metadata?.namespace === namespace) &&
        (!selector || matchesSelector(selector, o.metadata?.labels ?? {})) &&
        matchesFields(o, info.kind, fields);
      const selector = labels ? parseSelector(labels) : undefined;
      if (q.get('watch') === 'true' || q.get('watch') === '1') {
        const rv = q.get('resourceVersion') ?? '';
        if (rv !== '' && rv !== '0') parseVersion(rv);
        await cluster.now();
        sync();
        const current = everything()
          .filter(filter)
          .map((o) => versions.stamp(o))
          .sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : 1));
        watches.open({
          req,
          res,
          matches: filter,
          resourceVersion: rv,
          timeoutSeconds: timeoutSecondsOf(q),
          current: () => current,
          encode: (e) =>
            served(
              wantsTable
                ? asTable([e.object], info.kind, lastNow, String(e.resourceVersion), include)
                : e.object,
            ),
        });
        return;
      }
      let items = (await listOf(info, namespace, labels)).filter((o) => matchesFields(o, info.kind, fields));
      const rv = versions.current;
      const cont = q.get('continue');
      if (cont) {
        const start = continueStart(cont);
        items = items.filter((o) => orderKey(o) > start);
      }
      const limit = limitOf(q);
      const listMeta: Record<string, unknown> = { resourceVersion: rv };
      if (limit !== undefined && items.length > limit) {
        const remaining = items.length - limit;
        items = items.slice(0, limit);
        listMeta['continue'] = continueToken(orderKey(items[items.length - 1]!), rv);
        listMeta['remainingItemCount'] = remaining;
      }
      if (wantsTable) {
        const table = asTable(items, info.kind, await cluster.now(), rv, include);
        return ok({ ...table, metadata: listMeta });
      }
      return ok({
        kind: `${info.kind}List`,
        apiVersion: info.apiVersion,
        metadata: listMeta,
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
            resourceVersion: d.metadata?.resourceVersion,
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
      if (method === 'GET') return ok(toScale(await getOf(info, name, namespace)));
      if (method !== 'PATCH' && method !== 'PUT')
        return ok(status(405, 'MethodNotAllowed', `${method} is not supported on scale`), 405);
      const body = parseBody(await readBody(req, maxBody), 'body');
      const current = toScale(
        versions.stamp(cluster.getNow({ kind: info.kind, name, ...(namespace ? { namespace } : {}) })),
      );
      const next = (
        method === 'PUT'
          ? body
          : contentType === 'application/json-patch+json'
            ? jsonPatch(current, body as never)
            : contentType === 'application/strategic-merge-patch+json'
              ? strategicMergePatch(current, body)
              : mergePatch(current, body)
      ) as { spec?: { replicas?: unknown } };
      const replicas = next?.spec?.replicas;
      const scalePatch: Patch = { type: 'merge', body: { spec: { replicas } } };
      return ok(
        toScale(
          await mutate(
            info,
            namespace,
            { verb: 'patch', name, patch: scalePatch, subresource: 'scale' },
            asked(),
          ),
        ),
      );
    }
    if (sub) return ok(NOT_FOUND(), 404);
    if (method === 'GET') {
      const obj = await getOf(info, name, namespace);
      return ok(wantsTable ? asTable([obj], info.kind, await cluster.now(), versions.current, include) : obj);
    }
    if (method === 'DELETE') {
      // kubectl sends dryRun in the DeleteOptions body; other clients in the query.
      const text = await readBody(req, maxBody);
      const options = text.trim() ? parseBody(text, 'body') : {};
      const fromBody = (options as { dryRun?: unknown } | null)?.dryRun;
      if (fromBody !== undefined && !Array.isArray(fromBody))
        throw new K8sError('bad_request', 'dryRun must be a list', { status: 400 });
      for (const v of (fromBody as unknown[] | undefined) ?? []) q.append('dryRun', String(v));
      const before = await mutate(info, namespace, { verb: 'delete', name }, asked(dryRunOf(q)));
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
    if (method === 'PUT') {
      const body = parseObjectBody(await readBody(req, maxBody), contentType, 'body') as KubeObject;
      if (body.metadata?.name !== name)
        throw new K8sError('bad_request', 'the name of the object does not match the name on the URL', {
          status: 400,
        });
      const precondition = versionIn(body);
      const object = withoutServerFields(body);
      return ok(
        await mutate(
          info,
          namespace,
          { verb: 'update', name, object, ...(precondition ? { precondition } : {}) },
          asked(),
        ),
      );
    }
    if (method === 'PATCH') {
      const patchType =
        contentType === 'application/json-patch+json'
          ? 'json'
          : contentType === 'application/merge-patch+json'
            ? 'merge'
            : contentType === 'application/strategic-merge-patch+json'
              ? 'strategic'
              : contentType === 'application/apply-patch+yaml'
                ? 'apply'
                : undefined;
      if (!patchType) {
        return ok(
          status(
            415,
            'UnsupportedMediaType',
            `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
          ),
          415,
        );
      }
      if (patchType === 'apply') {
        if (!q.get('fieldManager'))
          throw new K8sError(
            'invalid',
            `PATCH ${path} is invalid: fieldManager: Required value: is required for apply patch`,
            { status: 422 },
          );
        const body = withoutServerFields(
          parseObjectBody(await readBody(req, maxBody), contentType, 'patch') as KubeObject,
        );
        if (body.metadata?.name !== undefined && body.metadata.name !== name)
          throw new K8sError('bad_request', 'the name of the object does not match the name on the URL', {
            status: 400,
          });
        const obj = { ...body, metadata: { ...body.metadata, name } };
        const existed = cluster.find(info.kind, name, namespace) !== undefined;
        const result = await mutate(info, namespace, { verb: 'apply', name, object: obj }, asked());
        return ok(result, existed ? 200 : 201);
      }
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
      const precondition = patchType === 'json' ? undefined : versionIn(body as KubeObject);
      const patchBody = patchType === 'json' ? body : withoutServerFields(body as Record<string, unknown>);
      const patch = { type: patchType, body: patchBody } as Patch;
      return ok(
        await mutate(
          info,
          namespace,
          { verb: 'patch', name, patch, ...(precondition ? { precondition } : {}) },
          asked(),
        ),
      );
    }
    return ok(status(405, 'MethodNotAllowed', `${method} is not supported by the simulated cluster`), 405);
  };

  // TLS with a certificate made for this server: kubectl sends a kubeconfig's token only over https.
  const tls = selfSignedLoopbackCertificate('sre-harness-sim');
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    handle(req, res).catch(async (error: unknown) => {
      // A watch that failed after its stream began can only be ended.
      if (res.headersSent) {
        res.end();
        return;
      }
      const now = await cluster.now();
      if (K8sError.isInstance(error)) {
        // A body we stopped reading leaves the connection unusable: answer, then close it.
        if (error.code === 'too_large' && !req.readableEnded) {
          res.setHeader('Connection', 'close');
          res.on('finish', () => req.destroy());
        }
        const s = STATUS_REASONS[error.code] ?? {
          reason: error.status === 500 ? 'InternalError' : 'BadRequest',
          code: error.status ?? 400,
        };
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
        watches.closeAll();
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
