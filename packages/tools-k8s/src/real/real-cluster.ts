import { spawn } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import type {
  HttpMethod,
  KubeConfig,
  User,
  V1APIGroupList,
  V1APIResourceList,
} from '@kubernetes/client-node';
import { cutText } from '@sre-harness/core';
import {
  onAbort,
  type RetryOptions,
  type RetryPolicy,
  retryAfterMs,
  retryPolicy,
  withRetries,
} from '@sre-harness/core/model-kit';
import type {
  CallOptions,
  Cluster,
  KubeList,
  KubeObject,
  ListQuery,
  ListTruncation,
  LogQuery,
  ObjectRef,
  Patch,
  PodMetrics,
} from '../cluster.js';
import { K8sError, type K8sErrorCode } from '../errors.js';
import { findKind, type KindInfo, resolveKind } from '../kinds.js';
import { ConnectionError, type Method, type Prepared, type Reply, sendOnce } from './transport.js';

/** How to reach a real cluster, and how patient to be with it. */
export interface RealClusterOptions {
  /** Path of a kubeconfig file; default: $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  /** A KubeConfig you already loaded (wins over `kubeconfig`). */
  readonly kubeConfig?: KubeConfig;
  /** The context to use instead of the current one. */
  readonly context?: string;
  /** Use the pod's service account (running inside the cluster). */
  readonly inCluster?: boolean;
  /** Namespaces the agent may touch; calls elsewhere are refused before any request is sent. */
  readonly namespaces?: readonly string[];
  /** Kinds beyond the well-known ones (for example custom resources). */
  readonly extraKinds?: readonly KindInfo[];
  /**
   * Where ages are measured from: the local clock (default), or the API server's clock as it reports
   * in the `Date` header of `/version` (immune to local skew, one more request per tool call).
   */
  readonly clock?: 'local' | 'server';
  /**
   * Most objects one list call returns. Lists are read in pages (`limit`/`continue`) until this many;
   * past it the list stops and says so (`truncated` on the result). Default 2,000.
   */
  readonly maxListItems?: number;
  /** Objects asked for per page of a list (`limit`). Default 500, as kubectl. */
  readonly listPageSize?: number;
  /**
   * Longest wait for one API request (each attempt of it, connecting, the credential plugin and the
   * body included). A request that takes longer fails with a K8sError naming this timeout, and is not
   * retried. Default 30 s.
   */
  readonly requestTimeoutMs?: number;
  /**
   * Retries of 429, 5xx and dropped connections, with exponential backoff that honours `Retry-After`.
   * Default 3 retries, 250 ms doubling, at most 10 s between attempts; a server asking for a longer wait
   * than `maxDelayMs` is not waited for. Mutations are retried only when the server cannot have applied
   * them (429, 503, a connection never made).
   */
  readonly retry?: RetryOptions;
  /** Most bytes of a log one read returns (`limitBytes`, and a cut on the client too). Default 256 KiB. */
  readonly maxLogBytes?: number;
  /** How API discovery (the kinds beyond the well-known ones) runs. */
  readonly discovery?: DiscoveryOptions;
}

/** How API discovery runs and how long its result is kept. */
export interface DiscoveryOptions {
  /** Group versions read at once. Default 8. */
  readonly concurrency?: number;
  /** Deadline for the whole discovery; groups not read by then are left out. Default 10 s. */
  readonly timeoutMs?: number;
  /** How long a complete discovery is reused. Default 10 minutes. */
  readonly cacheMs?: number;
  /** How long a discovery that missed some groups is reused before it runs again. Default 30 s. */
  readonly partialCacheMs?: number;
}

const DEFAULTS = {
  maxListItems: 2000,
  listPageSize: 500,
  requestTimeoutMs: 30_000,
  maxLogBytes: 256 * 1024,
  retry: { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 10_000 },
  discovery: { concurrency: 8, timeoutMs: 10_000, cacheMs: 600_000, partialCacheMs: 30_000 },
} as const;

/** Most bytes of one JSON response (a page of objects, a discovery document). */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

interface Settings {
  readonly maxListItems: number;
  readonly listPageSize: number;
  readonly requestTimeoutMs: number;
  readonly maxLogBytes: number;
  readonly retry: RetryPolicy;
  readonly discovery: Required<DiscoveryOptions>;
}

/** The options with defaults applied; a bad value is a K8sError of code `invalid_option`. */
function settingsOf(options: RealClusterOptions): Settings {
  const whole = (name: string, value: number | undefined, fallback: number, min = 1): number => {
    const v = value ?? fallback;
    if (!Number.isInteger(v) || v < min)
      throw new K8sError('invalid_option', `${name} must be a whole number of at least ${min}; got ${v}`);
    return v;
  };
  const retry = retryPolicy({ ...DEFAULTS.retry, ...options.retry });
  if (typeof retry === 'string') throw new K8sError('invalid_option', retry);
  const d = options.discovery ?? {};
  const D = DEFAULTS.discovery;
  return {
    maxListItems: whole('maxListItems', options.maxListItems, DEFAULTS.maxListItems),
    listPageSize: whole('listPageSize', options.listPageSize, DEFAULTS.listPageSize),
    requestTimeoutMs: whole('requestTimeoutMs', options.requestTimeoutMs, DEFAULTS.requestTimeoutMs),
    maxLogBytes: whole('maxLogBytes', options.maxLogBytes, DEFAULTS.maxLogBytes),
    retry,
    discovery: {
      concurrency: whole('discovery.concurrency', d.concurrency, D.concurrency),
      timeoutMs: whole('discovery.timeoutMs', d.timeoutMs, D.timeoutMs),
      cacheMs: whole('discovery.cacheMs', d.cacheMs, D.cacheMs, 0),
      partialCacheMs: whole('discovery.partialCacheMs', d.partialCacheMs, D.partialCacheMs, 0),
    },
  };
}

const CODES: Record<number, K8sErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  422: 'invalid',
  503: 'unavailable',
};

/** Statuses after which the server has applied nothing, so any request may be sent again. */
const RETRY_ANY = new Set([429, 503]);
/** Statuses worth another attempt of a read; a mutation may have been applied before them. */
const RETRY_READ = new Set([500, 502, 504]);

/** Whatever was thrown, as a K8sError. */
function toK8sError(error: unknown): K8sError {
  if (K8sError.isInstance(error)) return error;
  return new K8sError(
    'api_error',
    `Kubernetes API request failed: ${String((error as Error)?.message ?? error)}`,
    { cause: error },
  );
}

/** What a request is about, for errors in Kubernetes' words. */
interface Target {
  /** RBAC verb: get, list, patch, delete. */
  readonly verb: string;
  /** Resource as RBAC names it: `pods`, `pods/log`; none for a non-resource path such as `/apis`. */
  readonly resource?: string;
  readonly group?: string;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
}

/** One API request, before authentication. */
interface Op {
  readonly method: Method;
  readonly path: string;
  readonly query?: Record<string, string | number | boolean | undefined>;
  readonly body?: string;
  readonly contentType?: string;
  readonly accept?: string;
  /** Most bytes read from the body; default MAX_JSON_BYTES. */
  readonly maxBytes?: number;
  readonly target: Target;
}

function withQuery(op: Op): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(op.query ?? {})) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `${op.path}?${s}` : op.path;
}

/** The API's message from a Status body (its reason when it has none), or the body's text, or the HTTP status. */
function statusMessage(reply: Reply): string {
  const text = reply.body.toString('utf8').trim();
  let body: { kind?: unknown; message?: unknown; reason?: unknown } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Not JSON: the text itself, if any.
  }
  if (typeof body?.message === 'string' && body.message.trim()) return body.message;
  if (body?.kind === 'Status')
    return typeof body.reason === 'string' && body.reason ? body.reason : `HTTP ${reply.status}`;
  return text ? cutText(text.replace(/\s+/g, ' '), 500) : `HTTP ${reply.status}`;
}

/**
 * A 403 in Kubernetes' words, naming the verb, the resource and the namespace. The API server's own
 * message already does (`pods is forbidden: User "jane" cannot list resource "pods" in API group ""
 * in the namespace "shop"`) and passes through; a bare 403 (a proxy, an empty body) gets one.
 */
function forbiddenMessage(target: Target, path: string, server: string): string {
  if (/ is forbidden: /.test(server)) return server;
  const said = /^(HTTP 403|forbidden\.?)$/i.test(server) ? '' : `: ${server}`;
  if (!target.resource) return `forbidden: cannot ${target.verb} path "${path}"${said}`;
  const base = target.resource.split('/')[0] ?? target.resource;
  const qualified = target.group ? `${base}.${target.group}` : base;
  const who = target.name ? `${qualified} "${target.name}"` : qualified;
  const where = target.namespace ? `in the namespace "${target.namespace}"` : 'at the cluster scope';
  return `${who} is forbidden: cannot ${target.verb} resource "${target.resource}" in API group "${target.group ?? ''}" ${where}${said}`;
}

function statusError(op: Op, reply: Reply): K8sError {
  const server = statusMessage(reply);
  const message = reply.status === 403 ? forbiddenMessage(op.target, op.path, server) : server;
  return new K8sError(CODES[reply.status] ?? 'api_error', message, { status: reply.status });
}

/** `Retry-After` (seconds or an HTTP date) in milliseconds. */
function retryAfter(headers: IncomingHttpHeaders): number | undefined {
  return retryAfterMs({
    get: (name) => {
      const v = headers[name];
      return (Array.isArray(v) ? v[0] : v) ?? null;
    },
  });
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 1000 ? 2 : 1))} s`;
}

/** One failed attempt, classified for `withRetries`. */
class Attempt extends Error {
  constructor(
    readonly error: K8sError,
    readonly retryable: boolean,
    readonly serverAskMs?: number,
  ) {
    super(error.message);
  }
}

/** Runs `fn` with at most `limit` of them at once, keeping the order of the results. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A signal that aborts with `parent` or after `ms`; `timedOut()` says which; `done()` lets go of both. */
function deadline(parent: AbortSignal | undefined, ms: number) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${seconds(ms)}`));
  }, ms);
  const stop = parent ? onAbort(parent, () => controller.abort(parent.reason)) : () => {};
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      stop();
    },
  };
}

const NEVER = new AbortController().signal;

interface PodMetricsItem {
  metadata: { name: string; namespace: string };
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

interface ListDocument {
  items?: KubeObject[];
  metadata?: { continue?: string; remainingItemCount?: number };
}

/** What `connect` sets up: the context's namespace and a way to authenticate a request. */
interface Connection {
  /** The current context's namespace, `default` when it names none. */
  readonly namespace: string;
  prepare(
    method: Method,
    pathAndQuery: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<Prepared>;
}

/** Loads @kubernetes/client-node (only when a real cluster is used) and the kubeconfig. */
async function connect(options: RealClusterOptions): Promise<Connection> {
  const lib = await import('@kubernetes/client-node');
  let kc = options.kubeConfig;
  if (!kc) {
    kc = new lib.KubeConfig();
    if (options.inCluster) kc.loadFromCluster();
    else if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context)) {
      const have = kc
        .getContexts()
        .map((c) => c.name)
        .join(', ');
      throw new K8sError(
        'invalid_option',
        `context "${options.context}" is not in the kubeconfig; it has: ${have || 'none'}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const loaded = kc;
  const server = loaded.getCurrentCluster()?.server;
  if (!server) {
    throw new K8sError(
      'invalid_option',
      `the kubeconfig's context "${loaded.getCurrentContext()}" names no cluster with a server`,
    );
  }
  const base = server.replace(/\/+$/, '');
  const namespace = loaded.getContextObject(loaded.getCurrentContext())?.namespace?.trim() || 'default';
  // Requests authenticate through the kubeconfig's own auth (TLS, tokens, auth providers), except that an
  // exec credential plugin is run here, killable by the request's signal. (The library's own exec
  // runner cannot be stopped.)
  const exec = execOf(loaded.getCurrentUser());
  const plain = new lib.KubeConfig();
  plain.loadFromOptions({
    clusters: loaded.clusters,
    contexts: loaded.contexts,
    users: exec ? loaded.users.map(withoutExec) : loaded.users,
    currentContext: loaded.currentContext,
  });
  const credentials = exec ? execCredentials(exec, plain, lib.KubeConfig) : undefined;
  return {
    namespace,
    async prepare(method, pathAndQuery, headers, body, signal) {
      const url = base + pathAndQuery;
      const ctx = new lib.RequestContext(url, method as HttpMethod);
      const auth = credentials ? await credentials(signal) : { config: plain };
      signal.throwIfAborted();
      await auth.config.applySecurityAuthentication(ctx);
      if (auth.token) ctx.setHeaderParam('Authorization', `Bearer ${auth.token}`);
      for (const [k, v] of Object.entries(headers)) ctx.setHeaderParam(k, v);
      return { url, method, headers: ctx.getHeaders(), agent: ctx.getAgent(), body };
    },
  };
}

interface ExecConfig {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { name: string; value: string }[];
  readonly apiVersion?: string;
}

function execOf(user: User | null | undefined): ExecConfig | undefined {
  const exec = (user?.exec ?? user?.authProvider?.config?.exec) as ExecConfig | undefined;
  return exec && typeof exec.command === 'string' ? exec : undefined;
}

function withoutExec(user: User): User {
  if (!execOf(user)) return user;
  const { exec: _e, authProvider: _a, ...rest } = user;
  return rest;
}

/** Most an exec credential plugin may print; a credential is a few kilobytes. */
const MAX_PLUGIN_OUTPUT = 1024 * 1024;

/**
 * Runs a kubeconfig exec credential plugin per call (or reuses its credential until it expires),
 * killing the plugin when the call's signal aborts, so a hanging plugin outlives no call.
 */
function execCredentials(
  exec: ExecConfig,
  base: KubeConfig,
  Config: new () => KubeConfig,
): (signal: AbortSignal | undefined) => Promise<{ config: KubeConfig; token?: string }> {
  let cached: { until: number; auth: { config: KubeConfig; token?: string } } | undefined;
  return async (signal) => {
    if (cached && cached.until > Date.now()) return cached.auth;
    const text = await new Promise<string>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const e of exec.env ?? []) env[e.name] = e.value;
      env.KUBERNETES_EXEC_INFO = JSON.stringify({
        apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        spec: { interactive: false },
      });
      const child = spawn(exec.command, [...(exec.args ?? [])], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(signal ? { signal, killSignal: 'SIGKILL' as const } : {}),
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.length > MAX_PLUGIN_OUTPUT) child.kill('SIGKILL');
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (err.length < 4096) err += d;
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (signal?.aborted) reject(signal.reason);
        else if (code !== 0)
          reject(new Error(`exec credential plugin exited with ${code}: ${cutText(err.trim(), 500)}`));
        else resolve(out);
      });
    });
    let status: {
      token?: string;
      clientCertificateData?: string;
      clientKeyData?: string;
      expirationTimestamp?: string;
    };
    try {
      status = (JSON.parse(text) as { status?: typeof status }).status ?? {};
    } catch (cause) {
      throw new K8sError('invalid_option', 'the exec credential plugin did not print an ExecCredential', {
        cause,
      });
    }
    let config = base;
    if (status.clientCertificateData && status.clientKeyData) {
      const user = base.getCurrentUser();
      config = new Config();
      config.loadFromOptions({
        clusters: base.clusters,
        contexts: base.contexts,
        users: base.users.map((u) =>
          u.name === user?.name
            ? {
                ...u,
                certData: Buffer.from(status.clientCertificateData ?? '').toString('base64'),
                keyData: Buffer.from(status.clientKeyData ?? '').toString('base64'),
              }
            : u,
        ),
        currentContext: base.currentContext,
      });
    }
    const auth = { config, ...(status.token ? { token: status.token } : {}) };
    const until = Date.parse(status.expirationTimestamp ?? '');
    if (!Number.isNaN(until)) cached = { until, auth };
    return auth;
  };
}

/** Rejects as soon as the signal aborts, whatever the work is doing. */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const stop = onAbort(signal, () => reject(aborted(signal)));
    work.then(resolve, reject).finally(stop);
  });
}

function aborted(signal: AbortSignal): K8sError {
  return new K8sError('aborted', 'the Kubernetes API request was aborted (timeout or cancellation)', {
    cause: signal.reason,
  });
}

/** The group of an apiVersion: `apps` for `apps/v1`, empty for the core `v1`. */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * A name or namespace as one segment of a request path. `.` and `..` are refused (the API server
 * refuses them as names too): encoding leaves them as they are and the URL parser resolves them, so
 * pod `..` in namespace `shop` was the namespace itself (`DELETE /api/v1/namespaces/shop`) and pod
 * `.` the collection of every pod in it.
 */
function segment(what: 'name' | 'namespace', value: string): string {
  if (value === '.' || value === '..' || (what === 'name' && value === ''))
    throw new K8sError('invalid', `${what}: ${JSON.stringify(value)} is not a valid ${what}`, {
      status: 422,
    });
  return encodeURIComponent(value);
}

/** The REST path of a kind's collection, or of one object when `name` is given. */
function resourcePath(
  apiVersion: string,
  info: KindInfo,
  namespace: string | undefined,
  name?: string,
): string {
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns =
    info.namespaced && namespace !== undefined ? `/namespaces/${segment('namespace', namespace)}` : '';
  return `${root}${ns}/${info.plural}${name === undefined ? '' : `/${segment('name', name)}`}`;
}

const PATCH_TYPES: Record<Patch['type'], string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** One discovery's kinds; `complete` is false when some group versions could not be read. */
interface Discovered {
  readonly kinds: KindInfo[];
  readonly complete: boolean;
  readonly at: number;
}

/**
 * A `Cluster` over a real API server, configured from a kubeconfig file, a context or the in-cluster
 * service account (through @kubernetes/client-node), optionally limited to some namespaces. Every
 * request carries the call's signal and a timeout, transient failures are retried, lists are paged up
 * to a cap, and log reads are limited in bytes.
 */
export function realCluster(options: RealClusterOptions = {}): Cluster {
  const settings = settingsOf(options);
  let connection: Promise<Connection> | undefined;
  const connected = (): Promise<Connection> => {
    connection ??= connect(options).catch((error: unknown) => {
      connection = undefined;
      throw K8sError.isInstance(error)
        ? error
        : new K8sError(
            'invalid_option',
            `cannot configure the Kubernetes client: ${String((error as Error)?.message ?? error)}`,
            { cause: error },
          );
    });
    return connection;
  };

  /** One attempt of a request, under the call's signal and the request timeout. */
  const attempt = async (op: Op, signal: AbortSignal | undefined): Promise<Reply> => {
    // Loading the client library and the kubeconfig is local work, outside the request's timeout.
    const c = await abortable(connected(), signal).catch((error: unknown) => {
      throw new Attempt(toK8sError(error), false);
    });
    const d = deadline(signal, settings.requestTimeoutMs);
    try {
      const headers: Record<string, string> = { Accept: op.accept ?? 'application/json' };
      if (op.contentType) headers['Content-Type'] = op.contentType;
      const prepared = await abortable(
        c.prepare(op.method, withQuery(op), headers, op.body, d.signal),
        d.signal,
      );
      const reply = await sendOnce(prepared, d.signal, op.maxBytes ?? MAX_JSON_BYTES);
      if (reply.status >= 200 && reply.status < 300) return reply;
      const retryable = RETRY_ANY.has(reply.status) || (op.method === 'GET' && RETRY_READ.has(reply.status));
      throw new Attempt(statusError(op, reply), retryable, retryable ? retryAfter(reply.headers) : undefined);
    } catch (error) {
      if (error instanceof Attempt) throw error;
      if (signal?.aborted) throw new Attempt(aborted(signal), false);
      if (d.timedOut()) {
        const message = `the Kubernetes API did not answer ${op.method} ${op.path} within ${seconds(settings.requestTimeoutMs)} (requestTimeoutMs)`;
        throw new Attempt(new K8sError('api_error', message, { cause: error }), false);
      }
      if (error instanceof ConnectionError) {
        // A mutation is sent again only when it cannot have reached the server.
        const retryable = error.transient && (op.method === 'GET' || error.stage === 'connect');
        const code = error.code && !error.message.includes(error.code) ? ` (${error.code})` : '';
        const message = `Kubernetes API request failed: ${op.method} ${op.path}: ${error.message}${code}`;
        throw new Attempt(new K8sError('api_error', message, { cause: error }), retryable);
      }
      throw new Attempt(toK8sError(error), false);
    } finally {
      d.done();
    }
  };

  /** A request with retries: the reply of the first attempt that got a 2xx. */
  const send = (op: Op, signal: AbortSignal | undefined): Promise<Reply> => {
    if (signal?.aborted) return Promise.reject(aborted(signal));
    return withRetries<Reply, K8sError>({
      policy: settings.retry,
      signal: signal ?? NEVER,
      attempt: () => attempt(op, signal),
      classify: (error) =>
        error instanceof Attempt ? error : { error: toK8sError(error), retryable: false },
      giveUp: (last, _attempts, why) =>
        new K8sError(last.code, `${last.message} (${why})`, {
          ...(last.status === undefined ? {} : { status: last.status }),
          cause: last,
        }),
      cancelled: () => aborted(signal ?? NEVER),
    });
  };

  const json = async <T>(op: Op, signal: AbortSignal | undefined): Promise<T> => {
    const reply = await send(op, signal);
    if (reply.cut) {
      throw new K8sError(
        'too_large',
        `the answer to ${op.method} ${op.path} is larger than ${MAX_JSON_BYTES / 1024 / 1024} MiB`,
      );
    }
    try {
      return JSON.parse(reply.body.toString('utf8')) as T;
    } catch (cause) {
      throw new K8sError(
        'api_error',
        `the Kubernetes API answered ${op.method} ${op.path} with something other than JSON`,
        {
          cause,
        },
      );
    }
  };

  const extra = options.extraKinds ?? [];
  const D = settings.discovery;
  /**
   * Reads the core group and every API group's preferred version, `concurrency` at a time, all under
   * one deadline: a group that fails or hangs is left out (and the result marked partial), it does not
   * hold up the rest.
   */
  const discover = async (): Promise<Discovered> => {
    await connected(); // loading the client is not discovery: the deadline starts after it
    const d = deadline(undefined, D.timeoutMs);
    const nonResource: Target = { verb: 'get' };
    try {
      let groups: V1APIGroupList;
      try {
        groups = await json<V1APIGroupList>({ method: 'GET', path: '/apis', target: nonResource }, d.signal);
      } catch (error) {
        if (!d.timedOut()) throw error;
        throw new K8sError(
          'unavailable',
          `API discovery did not finish within ${seconds(D.timeoutMs)} (discovery.timeoutMs): GET /apis did not answer`,
          { cause: error },
        );
      }
      const versions = ['v1'];
      for (const g of groups.groups ?? []) {
        const v = g.preferredVersion?.groupVersion ?? g.versions?.[0]?.groupVersion;
        if (v && g.name !== 'metrics.k8s.io') versions.push(v);
      }
      const lists = await mapLimit(versions, D.concurrency, (v) =>
        json<V1APIResourceList>(
          { method: 'GET', path: v === 'v1' ? '/api/v1' : `/apis/${v}`, target: nonResource },
          d.signal,
        ).catch(() => undefined),
      );
      const kinds: KindInfo[] = [];
      versions.forEach((apiVersion, i) => {
        for (const r of lists[i]?.resources ?? []) {
          if (r.name.includes('/') || findKind(r.kind, kinds)) continue;
          kinds.push({
            kind: r.kind,
            apiVersion,
            plural: r.name,
            namespaced: r.namespaced,
            shortNames: r.shortNames ?? [],
          });
        }
      });
      return { kinds, complete: lists.every((l) => l !== undefined), at: Date.now() };
    } finally {
      d.done();
    }
  };
  let discovered: Discovered | undefined;
  let discovering: Promise<Discovered> | undefined;
  const discoveredKinds = async (signal?: AbortSignal): Promise<KindInfo[]> => {
    const have = discovered;
    if (have && Date.now() - have.at < (have.complete ? D.cacheMs : D.partialCacheMs)) return have.kinds;
    // Shared by concurrent callers, so it runs under no one call's signal (its own deadline ends it);
    // each caller stops waiting on its own. A failure is not kept: the next call runs it again.
    discovering ??= discover()
      .then((result) => {
        discovered = result;
        return result;
      })
      .finally(() => {
        discovering = undefined;
      });
    try {
      return (await abortable(discovering, signal)).kinds;
    } catch (error) {
      if (signal?.aborted || !have) throw error;
      return have.kinds; // an older discovery beats none; the next call tries again
    }
  };
  const resolve = async (kind: string, signal?: AbortSignal): Promise<KindInfo> => {
    const known = findKind(kind, extra);
    if (known) return known;
    return resolveKind(kind, await discoveredKinds(signal));
  };

  const scope = options.namespaces;
  const checkNs = (info: KindInfo, namespace: string | undefined) => {
    if (!scope || !info.namespaced) return;
    if (namespace === undefined) return;
    if (!scope.includes(namespace)) {
      throw new K8sError(
        'forbidden',
        `namespace "${namespace}" is outside this cluster connection's scope (${scope.join(', ')})`,
        { status: 403 },
      );
    }
  };
  /** The namespace a namespaced call goes to: the one it names, else the context's. */
  const namespaceOf = async (
    info: KindInfo,
    namespace: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> => {
    if (!info.namespaced) return undefined;
    const ns = namespace ?? (await abortable(connected(), signal)).namespace;
    checkNs(info, ns);
    return ns;
  };

  const cluster: Cluster = {
    supportsDryRun: true,

    async now(o?: CallOptions) {
      if (options.clock !== 'server') return new Date();
      const reply = await send({ method: 'GET', path: '/version', target: { verb: 'get' } }, o?.signal);
      const date = Date.parse(String(reply.headers.date ?? ''));
      return Number.isNaN(date) ? new Date() : new Date(date);
    },

    async kinds(o?: CallOptions) {
      return [...extra, ...(await discoveredKinds(o?.signal))];
    },

    async list(query: ListQuery, o?: CallOptions): Promise<KubeList> {
      const signal = o?.signal;
      const info = await resolve(query.kind, signal);
      const apiVersion = query.apiVersion ?? info.apiVersion;
      const namespaces =
        info.namespaced && query.namespace === undefined && scope ? scope : [query.namespace];
      const cap = settings.maxListItems;
      const out: KubeObject[] = [];
      let truncated: ListTruncation | undefined;
      pages: for (const [i, ns] of namespaces.entries()) {
        checkNs(info, ns);
        const namespace = info.namespaced ? ns : undefined;
        let token: string | undefined;
        do {
          if (out.length >= cap) {
            truncated = { limit: cap }; // more pages or namespaces, of unknown size
            break pages;
          }
          const room = cap - out.length;
          const page = await json<ListDocument>(
            {
              method: 'GET',
              path: resourcePath(apiVersion, info, namespace),
              query: {
                labelSelector: query.labelSelector,
                limit: Math.min(settings.listPageSize, room),
                continue: token,
              },
              target: { verb: 'list', resource: info.plural, group: groupOf(apiVersion), namespace },
            },
            signal,
          );
          const items = page.items ?? [];
          for (const item of items.slice(0, room)) out.push({ apiVersion, kind: info.kind, ...item });
          token = page.metadata?.continue || undefined;
          const over = Math.max(0, items.length - room); // a server that ignored `limit`
          if (over > 0 || (out.length >= cap && token)) {
            const later = token ? page.metadata?.remainingItemCount : 0;
            const known = later !== undefined && i === namespaces.length - 1;
            truncated = { limit: cap, ...(known ? { remaining: over + later } : {}) };
            break pages;
          }
        } while (token);
      }
      if (truncated) Object.defineProperty(out, 'truncated', { value: truncated, enumerable: false });
      return out;
    },

    async get(ref: ObjectRef, o?: CallOptions) {
      const signal = o?.signal;
      const info = await resolve(ref.kind, signal);
      const namespace = await namespaceOf(info, ref.namespace, signal);
      const apiVersion = ref.apiVersion ?? info.apiVersion;
      const obj = await json<KubeObject>(
        {
          method: 'GET',
          path: resourcePath(apiVersion, info, namespace, ref.name),
          target: {
            verb: 'get',
            resource: info.plural,
            group: groupOf(apiVersion),
            namespace,
            name: ref.name,
          },
        },
        signal,
      );
      return { apiVersion, kind: info.kind, ...obj };
    },

    async podLogs(q: LogQuery, o?: CallOptions) {
      checkNs(resolveKind('Pod'), q.namespace);
      const limit = settings.maxLogBytes;
      const reply = await send(
        {
          method: 'GET',
          path: `/api/v1/namespaces/${segment('namespace', q.namespace)}/pods/${segment('name', q.name)}/log`,
          query: {
            container: q.container,
            previous: q.previous ? true : undefined,
            tailLines: q.tail,
            limitBytes: limit,
          },
          accept: 'text/plain, */*',
          maxBytes: limit,
          target: { verb: 'get', resource: 'pods/log', group: '', namespace: q.namespace, name: q.name },
        },
        o?.signal,
      );
      const cut = reply.cut || reply.body.length >= limit;
      // A cut may fall inside a character; a streaming decode holds its first bytes back.
      const text = new TextDecoder('utf-8').decode(reply.body, { stream: cut });
      if (!cut) return text;
      return `${text}\n[log cut at ${limit} bytes (maxLogBytes): the lines after this point were not read; ask for fewer lines with tail]`;
    },

    async podMetrics(namespace: string, o?: CallOptions): Promise<PodMetrics[]> {
      checkNs(resolveKind('Pod'), namespace);
      const list = await json<{ items?: PodMetricsItem[] }>(
        {
          method: 'GET',
          path: `/apis/metrics.k8s.io/v1beta1/namespaces/${segment('namespace', namespace)}/pods`,
          target: { verb: 'list', resource: 'pods', group: 'metrics.k8s.io', namespace },
        },
        o?.signal,
      );
      return (list.items ?? []).map((p) => ({
        name: p.metadata.name,
        namespace: p.metadata.namespace,
        containers: p.containers.map((c) => ({ ...c, usage: { cpu: c.usage.cpu, memory: c.usage.memory } })),
      }));
    },

    async delete(ref: ObjectRef, o?: CallOptions) {
      const signal = o?.signal;
      const info = await resolve(ref.kind, signal);
      const namespace = await namespaceOf(info, ref.namespace, signal);
      const apiVersion = ref.apiVersion ?? info.apiVersion;
      await send(
        {
          method: 'DELETE',
          path: resourcePath(apiVersion, info, namespace, ref.name),
          query: dryRunQuery(o),
          target: {
            verb: 'delete',
            resource: info.plural,
            group: groupOf(apiVersion),
            namespace,
            name: ref.name,
          },
        },
        signal,
      );
    },

    async patch(ref: ObjectRef, patch: Patch, o?: CallOptions) {
      const signal = o?.signal;
      const info = await resolve(ref.kind, signal);
      const namespace = await namespaceOf(info, ref.namespace, signal);
      const apiVersion = ref.apiVersion ?? info.apiVersion;
      const result = await json<KubeObject>(
        {
          method: 'PATCH',
          path: resourcePath(apiVersion, info, namespace, ref.name),
          query: dryRunQuery(o),
          body: JSON.stringify(patch.body),
          contentType: PATCH_TYPES[patch.type],
          target: {
            verb: 'patch',
            resource: info.plural,
            group: groupOf(apiVersion),
            namespace,
            name: ref.name,
          },
        },
        signal,
      );
      return { apiVersion, kind: info.kind, ...result };
    },

    async create(obj: KubeObject, o?: CallOptions) {
      return write('create', obj, o);
    },

    async apply(obj: KubeObject, o?: CallOptions) {
      return write('apply', obj, o);
    },
  };

  /**
   * A `POST` to the object's collection (create), or a server-side apply (`PATCH` with
   * `application/apply-patch+yaml` under the field manager `sre-harness`, without `force`, so a field
   * another manager owns is a 409 conflict rather than taken over). JSON is YAML, so the body is JSON.
   */
  async function write(how: 'create' | 'apply', obj: KubeObject, o?: CallOptions): Promise<KubeObject> {
    const signal = o?.signal;
    const info = await resolve(obj.kind ?? '', signal);
    const namespace = await namespaceOf(info, obj.metadata?.namespace, signal);
    const apiVersion = obj.apiVersion ?? info.apiVersion;
    const name = obj.metadata?.name;
    if (!name) throw new K8sError('invalid', `${info.kind}: metadata.name is required`, { status: 422 });
    const body = {
      ...obj,
      apiVersion,
      kind: info.kind,
      metadata: { ...obj.metadata, ...(namespace !== undefined ? { namespace } : {}) },
    };
    const target = {
      verb: how === 'create' ? 'create' : 'patch',
      resource: info.plural,
      group: groupOf(apiVersion),
      namespace,
      name,
    };
    const result = await json<KubeObject>(
      how === 'create'
        ? {
            method: 'POST',
            path: resourcePath(apiVersion, info, namespace),
            query: dryRunQuery(o),
            body: JSON.stringify(body),
            contentType: 'application/json',
            target,
          }
        : {
            method: 'PATCH',
            path: resourcePath(apiVersion, info, namespace, name),
            query: { ...dryRunQuery(o), fieldManager: 'sre-harness' },
            body: JSON.stringify(body),
            contentType: 'application/apply-patch+yaml',
            target,
          },
      signal,
    );
    return { apiVersion, kind: info.kind, ...result };
  }

  return cluster;
}

/** `dryRun=All` for a dry-run write (validated and admitted by the server, nothing stored). */
function dryRunQuery(o: CallOptions | undefined): Record<string, string> {
  return o?.dryRun ? { dryRun: 'All' } : {};
}

/** Like `realCluster`, but connects now, so a broken kubeconfig or unknown context fails here and not on first use. */
export async function connectRealCluster(options: RealClusterOptions = {}): Promise<Cluster> {
  const cluster = realCluster(options);
  await connect(options).catch((error: unknown) => {
    throw K8sError.isInstance(error)
      ? error
      : new K8sError(
          'invalid_option',
          `cannot configure the Kubernetes client: ${String((error as Error)?.message ?? error)}`,
          { cause: error },
        );
  });
  return cluster;
}
