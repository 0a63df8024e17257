import type { KubeConfig, KubernetesObject, V1APIResourceList } from '@kubernetes/client-node';
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
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
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
  // Reads discovery documents (`/api/v1`, `/apis/<group>/<version>`) through the client's own transport.
  class DiscoveryApi extends lib.KubernetesObjectApi {
    async resourceList(apiVersion: string): Promise<V1APIResourceList> {
      const ctx = this.configuration.baseServer.makeRequestContext(
        this.apiVersionPath(apiVersion),
        lib.HttpMethod.GET,
      );
      ctx.setHeaderParam('Accept', 'application/json');
      return (await this.requestPromise(ctx, 'V1APIResourceList')) as unknown as V1APIResourceList;
    }
  }
  return {
    lib,
    objects: lib.KubernetesObjectApi.makeApiClient(kc),
    core: kc.makeApiClient(lib.CoreV1Api),
    apps: kc.makeApiClient(lib.AppsV1Api),
    version: kc.makeApiClient(lib.VersionApi),
    metrics: new lib.Metrics(kc),
    discovery: kc.makeApiClient(DiscoveryApi),
    apis: kc.makeApiClient(lib.ApisApi),
  };
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
  const discover = async (): Promise<KindInfo[]> => {
    const versions = ['v1'];
    const groups = await call((c) => c.apis.getAPIVersions());
    for (const g of groups.groups ?? []) {
      const v = g.preferredVersion?.groupVersion ?? g.versions[0]?.groupVersion;
      if (v && g.name !== 'metrics.k8s.io') versions.push(v);
    }
    const out: KindInfo[] = [];
    for (const apiVersion of versions) {
      let list: V1APIResourceList;
      try {
        list = await (await clients()).discovery.resourceList(apiVersion);
      } catch {
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

  const discoveredKinds = (): Promise<KindInfo[]> => {
    discovered ??= discover().catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };
  const resolve = async (kind: string): Promise<KindInfo> => {
    const known = findKind(kind, extra);
    if (known) return known;
    return resolveKind(kind, await discoveredKinds());
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
  const call = async <T>(fn: (c: Clients) => Promise<T>): Promise<T> => {
    const c = await clients();
    try {
      return await fn(c);
    } catch (error) {
      throw toK8sError(error);
    }
  };
  const header = (ref: ObjectRef, info: KindInfo) => ({
    apiVersion: ref.apiVersion ?? info.apiVersion,
    kind: info.kind,
    metadata: { name: ref.name, ...(info.namespaced ? { namespace: ref.namespace ?? 'default' } : {}) },
  });

  return {
    async now() {
      if (options.clock !== 'server') return new Date();
      const info = await call((c) => c.version.getCodeWithHttpInfo());
      const date = Date.parse(info.headers.date ?? '');
      return Number.isNaN(date) ? new Date() : new Date(date);
    },

    async kinds() {
      return [...extra, ...(await discoveredKinds())];
    },

    async list(query: ListQuery, _o?: CallOptions) {
      const info = await resolve(query.kind);
      const apiVersion = query.apiVersion ?? info.apiVersion;
      const namespaces =
        info.namespaced && query.namespace === undefined && scope ? scope : [query.namespace];
      const out: KubeObject[] = [];
      for (const ns of namespaces) {
        checkNs(info, ns);
        const list = await call((c) =>
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
        );
        for (const item of list.items ?? [])
          out.push({ apiVersion, kind: info.kind, ...plain(item as KubeObject) });
      }
      return out;
    },

    async get(ref: ObjectRef, _o?: CallOptions) {
      const info = await resolve(ref.kind);
      checkNs(info, ref.namespace ?? 'default');
      const obj = await call((c) => c.objects.read(header(ref, info)));
      return { apiVersion: ref.apiVersion ?? info.apiVersion, kind: info.kind, ...plain(obj as KubeObject) };
    },

    async podLogs(q: LogQuery, _o?: CallOptions) {
      checkNs(resolveKind('Pod'), q.namespace);
      const text = await call((c) =>
        c.core.readNamespacedPodLog({
          name: q.name,
          namespace: q.namespace,
          ...(q.container ? { container: q.container } : {}),
          ...(q.previous ? { previous: true } : {}),
          ...(q.tail !== undefined ? { tailLines: q.tail } : {}),
        }),
      );
      return typeof text === 'string' ? text : String(text ?? '');
    },

    async podMetrics(namespace: string, _o?: CallOptions): Promise<PodMetrics[]> {
      checkNs(resolveKind('Pod'), namespace);
      const list = await call((c) => c.metrics.getPodMetrics(namespace));
      return (list.items ?? []).map((p) => ({
        name: p.metadata.name,
        namespace: p.metadata.namespace,
        containers: p.containers.map((c) => ({ ...c, usage: { cpu: c.usage.cpu, memory: c.usage.memory } })),
      }));
    },

    async delete(ref: ObjectRef, _o?: CallOptions) {
      const info = await resolve(ref.kind);
      checkNs(info, ref.namespace ?? 'default');
      await call((c) => c.objects.delete(header(ref, info)));
    },

    async patch(ref: ObjectRef, patch: Patch, _o?: CallOptions) {
      const info = await resolve(ref.kind);
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
        result = await call((c) =>
          c.apps.patchNamespacedDeployment({ name: ref.name, namespace, body: patch.body }, opts),
        );
      } else if (info.kind === 'Pod') {
        result = await call((c) =>
          c.core.patchNamespacedPod({ name: ref.name, namespace, body: patch.body }, opts),
        );
      } else {
        if (patch.type === 'json')
          throw new K8sError(
            'invalid_option',
            `JSON patches are only supported for Deployments and Pods, not ${info.kind}`,
          );
        result = await call((c) =>
          c.objects.patch(
            { ...header(ref, info), ...patch.body } as unknown as KubernetesObject,
            undefined,
            undefined,
            undefined,
            undefined,
            strategy,
          ),
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
