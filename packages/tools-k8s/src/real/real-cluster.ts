import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import type { KubeConfig, KubernetesObject, User, V1APIResourceList } from '@kubernetes/client-node';
import { cutText } from '@sre-harness/core';
import type {
  CallOptions,
  Cluster,
  KubeObject,
  ListQuery,
  LogQuery,
  ObjectRef,
  Patch,
  PodMetrics,
} from '../cluster.js';
import { K8sError, type K8sErrorCode } from '../errors.js';
import { findKind, type KindInfo, resolveKind } from '../kinds.js';

/** How to reach a real cluster. */
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

/** Turns whatever the client threw into a K8sError that carries the API's Status message. */
function toK8sError(error: unknown): K8sError {
  if (K8sError.isInstance(error)) return error;
  const e = error as { code?: unknown; body?: unknown; message?: unknown };
  if (typeof e?.code === 'number') {
    let body = e.body;
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body);
      } catch {
        // A plain-text body is the message itself.
      }
    }
    const statusMessage =
      typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : typeof body === 'string' && body.trim()
          ? body.trim()
          : String(e.message ?? `HTTP ${e.code}`);
    return new K8sError(CODES[e.code] ?? 'api_error', statusMessage, { status: e.code, cause: error });
  }
  return new K8sError('api_error', `Kubernetes API request failed: ${String(e?.message ?? error)}`, {
    cause: error,
  });
}

/** Plain JSON as the wire carries it: Dates back to RFC 3339 strings (whole seconds without `.000`). */
function plain<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
      const raw = this[key];
      if (raw instanceof Date) return raw.toISOString().replace('.000Z', 'Z');
      return v;
    }),
  ) as T;
}

type Clients = Awaited<ReturnType<typeof connect>>;

interface PodMetricsItem {
  metadata: { name: string; namespace: string };
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

/** Loads @kubernetes/client-node (only when a real cluster is used) and builds the API clients. */
async function connect(options: RealClusterOptions) {
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
  // The clients authenticate through this config: the kubeconfig's own auth, except that an exec
  // credential plugin is run here, killable by the call's signal, and the request's connection is
  // destroyed when the signal aborts. (The library's own exec runner cannot be stopped.)
  const exec = execOf(loaded.getCurrentUser());
  const copy = <T extends KubeConfig>(into: T, strip: boolean): T => {
    into.loadFromOptions({
      clusters: loaded.clusters,
      contexts: loaded.contexts,
      users: strip ? loaded.users.map(withoutExec) : loaded.users,
      currentContext: loaded.currentContext,
    });
    return into;
  };
  const plain = copy(new lib.KubeConfig(), exec !== undefined);
  const credentials = exec ? execCredentials(exec, plain, lib.KubeConfig) : undefined;
  class CallConfig extends lib.KubeConfig {
    override async applySecurityAuthentication(
      context: Parameters<KubeConfig['applySecurityAuthentication']>[0],
    ) {
      const signal = callSignal.getStore();
      signal?.throwIfAborted();
      const auth = credentials ? await credentials(signal) : { config: plain };
      await auth.config.applySecurityAuthentication(context);
      if (auth.token) context.setHeaderParam('Authorization', `Bearer ${auth.token}`);
      const agent = context.getAgent() as { destroy?: () => void } | undefined;
      if (signal) {
        if (signal.aborted) {
          agent?.destroy?.();
          signal.throwIfAborted();
        }
        signal.addEventListener('abort', () => agent?.destroy?.(), { once: true });
      }
    }
  }
  const config = copy(new CallConfig(), false);
  // Reads discovery documents and metrics (`/api/v1`, `/apis/<group>/<version>`, metrics.k8s.io)
  // through the client's own transport and auth.
  class RawApi extends lib.KubernetesObjectApi {
    async getJson<T>(path: string, type = 'any'): Promise<T> {
      const ctx = this.configuration.baseServer.makeRequestContext(path, lib.HttpMethod.GET);
      ctx.setHeaderParam('Accept', 'application/json');
      return (await this.requestPromise(ctx, type)) as unknown as T;
    }
    async resourceList(apiVersion: string): Promise<V1APIResourceList> {
      return this.getJson(this.apiVersionPath(apiVersion), 'V1APIResourceList');
    }
  }
  return {
    lib,
    objects: lib.KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(lib.CoreV1Api),
    apps: config.makeApiClient(lib.AppsV1Api),
    version: config.makeApiClient(lib.VersionApi),
    raw: config.makeApiClient(RawApi),
    apis: config.makeApiClient(lib.ApisApi),
  };
}

/** The signal of the cluster call in progress, read by the auth step of each request it makes. */
const callSignal = new AsyncLocalStorage<AbortSignal | undefined>();

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
    const onAbort = () => reject(aborted(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function aborted(signal: AbortSignal): K8sError {
  return new K8sError('aborted', 'the Kubernetes API request was aborted (timeout or cancellation)', {
    cause: signal.reason,
  });
}

/**
 * A `Cluster` over @kubernetes/client-node, configured from a kubeconfig file, a context, or the
 * in-cluster service account, optionally limited to some namespaces.
 */
export function realCluster(options: RealClusterOptions = {}): Cluster {
  let connection: Promise<Clients> | undefined;
  const clients = (): Promise<Clients> => {
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
  let discovered: Promise<KindInfo[]> | undefined;
  const extra = options.extraKinds ?? [];
  const discover = async (signal?: AbortSignal): Promise<KindInfo[]> => {
    const versions = ['v1'];
    const groups = await call((c) => c.apis.getAPIVersions(), signal);
    for (const g of groups.groups ?? []) {
      const v = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
      if (v && g.name !== 'metrics.k8s.io') versions.push(v);
    }
    const out: KindInfo[] = [];
    for (const apiVersion of versions) {
      let list: V1APIResourceList;
      try {
        list = await call((c) => c.raw.resourceList(apiVersion), signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        continue; // an aggregated API that is down should not hide the rest
      }
      for (const r of list.resources ?? []) {
        if (r.name.includes('/') || findKind(r.kind, out)) continue;
        out.push({
          kind: r.kind,
          apiVersion,
          plural: r.name,
          namespaced: r.namespaced,
          shortNames: r.shortNames ?? [],
        });
      }
    }
    return out;
  };
  const scope = options.namespaces;

  const discoveredKinds = (signal?: AbortSignal): Promise<KindInfo[]> => {
    // Shared by concurrent callers, so it runs under no one call's signal; each caller stops waiting on its own.
    discovered ??= discover().catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return abortable(discovered, signal);
  };
  const resolve = async (kind: string, signal?: AbortSignal): Promise<KindInfo> => {
    const known = findKind(kind, extra);
    if (known) return known;
    return resolveKind(kind, await discoveredKinds(signal));
  };
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
  // Every request runs with its call's signal in scope: the auth step reads it to kill a credential
  // plugin and to destroy the connection when it aborts, and the caller is released at once.
  const call = async <T>(fn: (c: Clients) => Promise<T>, signal?: AbortSignal): Promise<T> => {
    if (signal?.aborted) throw aborted(signal);
    const c = await abortable(clients(), signal);
    try {
      return await abortable(
        callSignal.run(signal, () => fn(c)),
        signal,
      );
    } catch (error) {
      if (signal?.aborted)
        throw K8sError.isInstance(error) && error.code === 'aborted' ? error : aborted(signal);
      throw toK8sError(error);
    }
  };
  const header = (ref: ObjectRef, info: KindInfo) => ({
    apiVersion: ref.apiVersion ?? info.apiVersion,
    kind: info.kind,
    metadata: { name: ref.name, ...(info.namespaced ? { namespace: ref.namespace ?? 'default' } : {}) },
  });

  return {
    async now(o?: CallOptions) {
      if (options.clock !== 'server') return new Date();
      const info = await call((c) => c.version.getCodeWithHttpInfo(), o?.signal);
      const date = Date.parse(info.headers.date ?? '');
      return Number.isNaN(date) ? new Date() : new Date(date);
    },

    async kinds(o?: CallOptions) {
      return [...extra, ...(await discoveredKinds(o?.signal))];
    },

    async list(query: ListQuery, o?: CallOptions) {
      const info = await resolve(query.kind, o?.signal);
      const apiVersion = query.apiVersion ?? info.apiVersion;
      const namespaces =
        info.namespaced && query.namespace === undefined && scope ? scope : [query.namespace];
      const out: KubeObject[] = [];
      for (const ns of namespaces) {
        checkNs(info, ns);
        const list = await call(
          (c) =>
            c.objects.list(
              apiVersion,
              info.kind,
              info.namespaced ? ns : undefined,
              undefined,
              undefined,
              undefined,
              undefined,
              query.labelSelector,
            ),
          o?.signal,
        );
        for (const item of list.items ?? [])
          out.push({ apiVersion, kind: info.kind, ...plain(item as KubeObject) });
      }
      return out;
    },

    async get(ref: ObjectRef, o?: CallOptions) {
      const info = await resolve(ref.kind, o?.signal);
      checkNs(info, ref.namespace ?? 'default');
      const obj = await call((c) => c.objects.read(header(ref, info)), o?.signal);
      return { apiVersion: ref.apiVersion ?? info.apiVersion, kind: info.kind, ...plain(obj as KubeObject) };
    },

    async podLogs(q: LogQuery, o?: CallOptions) {
      checkNs(resolveKind('Pod'), q.namespace);
      const text = await call(
        (c) =>
          c.core.readNamespacedPodLog({
            name: q.name,
            namespace: q.namespace,
            ...(q.container ? { container: q.container } : {}),
            ...(q.previous ? { previous: true } : {}),
            ...(q.tail !== undefined ? { tailLines: q.tail } : {}),
          }),
        o?.signal,
      );
      return typeof text === 'string' ? text : String(text ?? '');
    },

    async podMetrics(namespace: string, o?: CallOptions): Promise<PodMetrics[]> {
      checkNs(resolveKind('Pod'), namespace);
      const list = await call(
        (c) =>
          c.raw.getJson<{ items?: PodMetricsItem[] }>(
            `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`,
          ),
        o?.signal,
      );
      return (list.items ?? []).map((p) => ({
        name: p.metadata.name,
        namespace: p.metadata.namespace,
        containers: p.containers.map((c) => ({ ...c, usage: { cpu: c.usage.cpu, memory: c.usage.memory } })),
      }));
    },

    async delete(ref: ObjectRef, o?: CallOptions) {
      const info = await resolve(ref.kind, o?.signal);
      checkNs(info, ref.namespace ?? 'default');
      await call((c) => c.objects.delete(header(ref, info)), o?.signal);
    },

    async patch(ref: ObjectRef, patch: Patch, o?: CallOptions) {
      const info = await resolve(ref.kind, o?.signal);
      const namespace = ref.namespace ?? 'default';
      checkNs(info, namespace);
      const strategy =
        patch.type === 'json'
          ? (await clients()).lib.PatchStrategy.JsonPatch
          : patch.type === 'merge'
            ? (await clients()).lib.PatchStrategy.MergePatch
            : (await clients()).lib.PatchStrategy.StrategicMergePatch;
      const opts = (await clients()).lib.setHeaderOptions('Content-Type', strategy);
      let result: unknown;
      if (info.kind === 'Deployment') {
        result = await call(
          (c) => c.apps.patchNamespacedDeployment({ name: ref.name, namespace, body: patch.body }, opts),
          o?.signal,
        );
      } else if (info.kind === 'Pod') {
        result = await call(
          (c) => c.core.patchNamespacedPod({ name: ref.name, namespace, body: patch.body }, opts),
          o?.signal,
        );
      } else {
        if (patch.type === 'json')
          throw new K8sError(
            'invalid_option',
            `JSON patches are only supported for Deployments and Pods, not ${info.kind}`,
          );
        result = await call(
          (c) =>
            c.objects.patch(
              { ...header(ref, info), ...patch.body } as unknown as KubernetesObject,
              undefined,
              undefined,
              undefined,
              undefined,
              strategy,
            ),
          o?.signal,
        );
      }
      return { apiVersion: info.apiVersion, kind: info.kind, ...plain(result as KubeObject) };
    },
  };
}

/** Like `realCluster`, but connects now, so a broken kubeconfig or unknown context fails here and not on first use. */
export async function connectRealCluster(options: RealClusterOptions = {}): Promise<Cluster> {
  await connect(options).catch((error: unknown) => {
    throw K8sError.isInstance(error)
      ? error
      : new K8sError(
          'invalid_option',
          `cannot configure the Kubernetes client: ${String((error as Error)?.message ?? error)}`,
          { cause: error },
        );
  });
  return realCluster(options);
}
