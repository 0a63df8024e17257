import { type AnyTool, cutText } from '@sre-harness/core';
import { z } from 'zod';
import type {
  CallOptions,
  Cluster,
  KubeList,
  KubeObject,
  ListTruncation,
  ObjectRef,
  Patch,
} from '../cluster.js';
import { K8sError } from '../errors.js';
import { findKind, type KindInfo, resolveKind } from '../kinds.js';
import type { Container, Deployment, KubeEvent, Pod } from '../types.js';
import { cap, cutWord, DEFAULT_MAX_OUTPUT } from './format.js';
import { closeMatches } from './suggest.js';

/**
 * One call's view of the cluster, as `k8sTools` gives it to a tool: every request carries the call's
 * signal, a NotFound names the namespace and close matches, output is capped.
 */
export interface CallView {
  /** The cluster, every request under the call's signal. */
  readonly c: Cluster;
  readonly kind: (k: string) => Promise<KindInfo>;
  readonly get: <T>(k: string, name: string, namespace?: string) => Promise<T>;
  readonly list: <T>(k: string, namespace?: string, labelSelector?: string) => Promise<T[]>;
  readonly out: (text: string, hint?: string) => string;
}

/** What a tool defined in its own file is built with (see `k8sTools`). */
export interface ToolContext {
  /** The call's view of the cluster. */
  readonly on: (signal: AbortSignal) => CallView;
  /** Refuses a namespace outside the tools' `namespaces` option (a 403 naming the allowed ones). */
  readonly checkNs: (namespace: string | undefined) => void;
  /** Refuses a kind that is cluster-scoped while the tools are confined to namespaces. */
  readonly checkScope: (info: KindInfo) => void;
  /** Every mutation runs as a dry run, whatever its `dryRun` argument (the `dryRun` option). */
  readonly forceDryRun: boolean;
}

/** A Kubernetes tool defined in one file: its name and whether it mutates, written once, and how to build it. */
export interface K8sToolDef<N extends string = string, M extends boolean = boolean> {
  readonly name: N;
  readonly mutating: M;
  /** Builds the tool; it must carry `name` and `mutating` as given here. */
  readonly build: (ctx: ToolContext) => AnyTool;
}

/** Defines a tool in its own file; the name lists (`READ_TOOL_NAMES`, `MUTATING_TOOL_NAMES`, `K8S_TOOL`) derive from it. */
export function defineK8sTool<const N extends string, const M extends boolean>(
  def: K8sToolDef<N, M>,
): K8sToolDef<N, M> {
  return def;
}

/** Options of `k8sTools`. */
export interface K8sToolsOptions {
  /** Cap on each tool's output in characters; longer output is cut with a note. Default 8,000. */
  readonly maxOutputChars?: number;
  /** Default line count for `get_pod_logs` when the model gives no `tail`. Default 200. */
  readonly defaultLogTail?: number;
  /** If set, tools refuse namespaces outside this list (the answer says which are allowed). */
  readonly namespaces?: readonly string[];
  /** Kinds beyond the well-known ones that the generic tools accept. */
  readonly extraKinds?: readonly KindInfo[];
  /**
   * Cluster-scoped kinds the generic tools may read while `namespaces` confines them (e.g. `['Node']`).
   * Default none: under confinement a cluster-scoped kind is refused unless named here.
   */
  readonly clusterKinds?: readonly string[];
  /**
   * Every mutating tool runs as a server-side dry run, whatever its `dryRun` argument says: validated
   * and reported, nothing persisted (kubectl `--dry-run=server`); a cluster without `supportsDryRun`
   * gets no write at all. Default false.
   */
  readonly dryRun?: boolean;
}

// ------------------------------------------------------------------ the package's own tools

/** A call's view as this package's own tools see it: `CallView` and the NotFound explainer. */
export interface BuiltinCallView extends CallView {
  /** Runs `fn`, turning its NotFound into one that names the namespace and close matches. */
  readonly explain: <T>(ref: ObjectRef, info: KindInfo, fn: () => Promise<T>) => Promise<T>;
}

/** What this package's own tools are built with: `ToolContext` and the options `k8sTools` was given. */
export interface BuiltinToolContext extends ToolContext {
  readonly on: (signal: AbortSignal) => BuiltinCallView;
  /** The cluster as given, without a call's signal (a tool that passes its own reads it). */
  readonly cluster: Cluster;
  /** Cap on each tool's output, in characters. */
  readonly maxOutputChars: number;
  /** Lines `get_pod_logs` reads when the model gives no `tail`. */
  readonly defaultLogTail: number;
  /** Namespaces the tools may touch; undefined for all. */
  readonly namespaces: readonly string[] | undefined;
  /** Cluster-scoped kinds (canonical names) readable while `namespaces` confines the tools. */
  readonly clusterKinds: ReadonlySet<string>;
  /** Kinds beyond the well-known ones that the generic tools accept. */
  readonly extraKinds: readonly KindInfo[];
}

/** One of this package's own tools: like `K8sToolDef`, built with the `BuiltinToolContext`. */
export interface BuiltinToolDef<N extends string = string, M extends boolean = boolean> {
  readonly name: N;
  readonly mutating: M;
  readonly build: (ctx: BuiltinToolContext) => AnyTool;
}

/** Defines one of this package's own tools; `build` receives the name and `mutating` as `self`, so each is written once. */
export function defineBuiltinTool<const N extends string, const M extends boolean>(def: {
  readonly name: N;
  readonly mutating: M;
  readonly build: (ctx: BuiltinToolContext, self: { readonly name: N; readonly mutating: M }) => AnyTool;
}): BuiltinToolDef<N, M> {
  const self = { name: def.name, mutating: def.mutating };
  return { ...self, build: (ctx) => def.build(ctx, self) };
}

/** The port with one call's signal on every request. */
function withSignal(cluster: Cluster, signal: AbortSignal): Cluster {
  const o: CallOptions = { signal };
  // A write's own options (dryRun) travel along; the call's signal always wins.
  const w = (x?: CallOptions): CallOptions => ({ ...x, signal });
  return {
    now: () => cluster.now(o),
    list: (q) => cluster.list(q, o),
    get: (r) => cluster.get(r, o),
    podLogs: (q) => cluster.podLogs(q, o),
    podMetrics: (ns) => cluster.podMetrics(ns, o),
    delete: (r, x) => cluster.delete(r, w(x)),
    patch: (r, p, x) => cluster.patch(r, p, w(x)),
    ...(cluster.create ? { create: (obj: KubeObject, x?: CallOptions) => cluster.create!(obj, w(x)) } : {}),
    ...(cluster.apply ? { apply: (obj: KubeObject, x?: CallOptions) => cluster.apply!(obj, w(x)) } : {}),
    ...(cluster.supportsDryRun === true ? { supportsDryRun: true } : {}),
    ...(cluster.kinds ? { kinds: () => cluster.kinds?.(o) ?? Promise.resolve([]) } : {}),
  };
}

/** The context every tool of one `k8sTools` call is built with, from the cluster and the options. */
export function toolContext(cluster: Cluster, options: K8sToolsOptions): BuiltinToolContext {
  const max = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT;
  const defaultTail = options.defaultLogTail ?? 200;
  const extraKinds = options.extraKinds ?? [];
  const allowedNs = options.namespaces;
  const clusterKinds = new Set(
    (options.clusterKinds ?? []).map((k) => (findKind(k, extraKinds) ?? resolveKind(k, extraKinds)).kind),
  );

  const checkNs = (namespace: string | undefined) => {
    if (namespace === undefined || !allowedNs || allowedNs.includes(namespace)) return;
    throw new K8sError(
      'forbidden',
      `namespace "${namespace}" is outside this agent's scope; allowed: ${allowedNs.join(', ')}`,
      { status: 403 },
    );
  };

  /** Under namespace confinement a cluster-scoped kind is out of scope unless named in `clusterKinds`. */
  const checkScope = (info: KindInfo) => {
    if (!allowedNs || info.namespaced || clusterKinds.has(info.kind)) return;
    throw new K8sError(
      'forbidden',
      `${info.plural} are cluster-scoped, outside this agent's namespaces (${allowedNs.join(', ')})`,
      { status: 403 },
    );
  };

  // Each call's view of the cluster: every request carries the call's signal, so a timeout or a
  // cancellation aborts the work itself, not only the harness's wait for it.
  const on = (signal: AbortSignal): BuiltinCallView => {
    const c = withSignal(cluster, signal);
    /** Turns a NotFound into one that names the namespace and close matches. */
    const explain = async <T>(ref: ObjectRef, info: KindInfo, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        if (!K8sError.isInstance(error) || error.code !== 'not_found') throw error;
        let names: string[] = [];
        try {
          const items = await c.list({
            kind: info.kind,
            apiVersion: info.apiVersion,
            ...(info.namespaced && ref.namespace ? { namespace: ref.namespace } : {}),
          });
          names = items.map((o) => o.metadata?.name ?? '').filter(Boolean);
        } catch {
          // Suggestions are a courtesy; the NotFound stands without them.
        }
        const near = closeMatches(ref.name, names);
        const where = info.namespaced ? ` in namespace "${ref.namespace ?? 'default'}"` : '';
        const hint = near.length
          ? `; did you mean: ${near.join(', ')}?`
          : names.length
            ? `; it has: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`
            : `; there are no ${info.plural}${where}`;
        throw new K8sError('not_found', `${info.plural} "${ref.name}" not found${where}${hint}`, {
          status: 404,
          cause: error,
        });
      }
    };

    const kind = async (k: string): Promise<KindInfo> => {
      const known = findKind(k, extraKinds);
      if (known || !c.kinds) return known ?? resolveKind(k, extraKinds);
      return resolveKind(k, [...extraKinds, ...(await c.kinds())]);
    };
    const get = async <T>(k: string, name: string, namespace?: string): Promise<T> => {
      const info = await kind(k);
      checkNs(info.namespaced ? namespace : undefined);
      const ref = {
        kind: info.kind,
        apiVersion: info.apiVersion,
        name,
        ...(info.namespaced && namespace ? { namespace } : {}),
      };
      return (await explain(ref, info, () => c.get(ref))) as unknown as T;
    };
    // Lists an adapter cut at its cap, noted under the call's output.
    const cuts = new Map<string, ListTruncation>();
    const list = async <T>(k: string, namespace?: string, labelSelector?: string): Promise<T[]> => {
      const info = await kind(k);
      checkNs(info.namespaced ? namespace : undefined);
      const items: KubeList = await c.list({
        kind: info.kind,
        apiVersion: info.apiVersion,
        ...(info.namespaced && namespace ? { namespace } : {}),
        ...(labelSelector ? { labelSelector } : {}),
      });
      if (items.truncated) cuts.set(info.plural, items.truncated);
      return items as unknown as T[];
    };
    const outWithCuts = (text: string, hint?: string) =>
      [
        out(text, hint),
        ...[...cuts].map(
          ([plural, t]) =>
            `[list cut: only the first ${t.limit} ${plural} were read; ${t.remaining ? `${t.remaining} more were not` : 'there are more'}]`,
        ),
      ].join('\n');
    return { c, explain, kind, get, list, out: outWithCuts };
  };
  const out = (text: string, hint?: string) => cap(text, max, hint);

  return {
    on,
    checkNs,
    checkScope,
    forceDryRun: options.dryRun === true,
    cluster,
    maxOutputChars: max,
    defaultLogTail: defaultTail,
    namespaces: allowedNs,
    clusterKinds,
    extraKinds,
  };
}

/**
 * Input schemas made once per process, not once per tool set: the eval builds the tools for every run,
 * and core converts each schema to JSON Schema once per schema object (keyed by tool name, and by
 * the option a schema depends on).
 */
const SCHEMAS = new Map<string, z.ZodType>();

/** The schema made under `key` the first time it is asked for. */
export function memoSchema<T extends z.ZodType>(key: string, make: () => T): T {
  let schema = SCHEMAS.get(key);
  if (!schema) {
    schema = make();
    SCHEMAS.set(key, schema);
  }
  return schema as T;
}

/** The namespace argument of the read tools and of the first mutating tools (no length limit). */
export const namespaceArg = z.string().min(1).describe('Kubernetes namespace');

/** An object name argument of the read tools and of the first mutating tools (any non-empty string). */
export const objectNameArg = z.string().min(1);

// The generic tools' namespace defaults in the schema, so the allowlist and the approver judge the
// namespace that is actually read; cluster-scoped kinds ignore it.
/** The generic tools' namespace, `default` when left out. */
export const genericNsArg = z
  .string()
  .min(1)
  .default('default')
  .describe('Namespace, for namespaced kinds (default "default"); ignored for cluster-scoped kinds');

/** The pod's events, or any object's, from one namespace listing. */
export function eventsFor(events: readonly KubeEvent[], kind: string, name: string): KubeEvent[] {
  return events.filter(
    (e) =>
      e.involvedObject.name === name && (e.involvedObject.kind ?? '').toLowerCase() === kind.toLowerCase(),
  );
}

/**
 * Reads a pod's log. With no container named on a pod that has several, it reads the one the
 * `kubectl.kubernetes.io/default-container` annotation names, else the first, and says so in
 * `defaulted` (kubectl's "Defaulted container" line), as kubectl does.
 */
export async function readPodLog(
  k8s: BuiltinCallView,
  q: {
    namespace: string;
    name: string;
    container?: string | undefined;
    previous?: boolean | undefined;
    tail: number;
  },
): Promise<{ text: string; defaulted: string }> {
  const { namespace, name, container, previous, tail } = q;
  const info = await k8s.kind('Pod');
  const read = (c: string | undefined) =>
    k8s.explain({ kind: 'Pod', name, namespace }, info, () =>
      k8s.c.podLogs({
        namespace,
        name,
        ...(c ? { container: c } : {}),
        ...(previous ? { previous } : {}),
        tail,
      }),
    );
  try {
    return { text: await read(container), defaulted: '' };
  } catch (error) {
    if (container || !K8sError.isInstance(error) || error.code !== 'bad_request') throw error;
    const pod = await k8s.get<Pod>('Pod', name, namespace);
    if (pod.spec.containers.length < 2) throw error;
    const names = pod.spec.containers.map((c) => c.name);
    const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    const chosen = annotated && names.includes(annotated) ? annotated : names[0]!;
    // At most a few names, each cut, so the note cannot crowd out the log it introduces.
    const list = (xs: readonly string[]) =>
      `${xs
        .slice(0, 6)
        .map((x) => cutText(x, 63))
        .join(', ')}${xs.length > 6 ? `, … (${xs.length} in all)` : ''}`;
    const inits = pod.spec.initContainers?.length
      ? ` (init: ${list(pod.spec.initContainers.map((c) => c.name))})`
      : '';
    return {
      text: await read(chosen),
      defaulted: `Defaulted container "${cutText(chosen, 63)}" out of: ${list(names)}${inits}; pass container to read another\n`,
    };
  }
}

/** A container of a deployment's pod template (not an init container); a missing one is an error listing them. */
export function containerOf(d: Deployment, container: string): Container {
  const c = d.spec.template.spec.containers.find((x) => x.name === container);
  if (!c) {
    const names = d.spec.template.spec.containers.map((x) => x.name);
    throw new K8sError(
      'not_found',
      `container "${container}" not found in deployment "${d.metadata.name}"; its containers: ${names.join(', ')}`,
      { status: 404 },
    );
  }
  return c;
}

// ------------------------------------------------------------------ shared by the mutating tools

/** The `dryRun` argument every mutating tool defined in its own file takes (the default shows in the call). */
export const dryRunArg = z
  .boolean()
  .default(false)
  .describe(
    'true: the server validates and admits the change and answers with the result, but nothing is changed (kubectl --dry-run=server)',
  );

/** A namespace argument. */
export const nsArg = z.string().min(1).max(63).describe('Kubernetes namespace');

/** An object name: a DNS subdomain, as the API requires. */
export const nameArg = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'expected a Kubernetes object name (lowercase letters, digits, "-", ".")',
  );

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** A label key (`app`, `app.kubernetes.io/name`): an optional DNS prefix, a slash, a name of at most 63 characters. */
export const labelKey = z
  .string()
  .max(317)
  .refine(
    (k) => {
      const at = k.lastIndexOf('/');
      const prefix = at >= 0 ? k.slice(0, at) : undefined;
      return LABEL_NAME.test(k.slice(at + 1)) && (prefix === undefined || DNS_SUBDOMAIN.test(prefix));
    },
    { message: 'expected a label key such as app or app.kubernetes.io/name' },
  );

/** A label value: empty, or at most 63 letters, digits, "-", "_", "." starting and ending alphanumeric. */
export const labelValue = z
  .string()
  .max(63)
  .refine((v) => v === '' || LABEL_NAME.test(v), {
    message:
      'expected a label value: at most 63 letters, digits, "-", "_" or ".", starting and ending alphanumeric',
  });

/** The call options of one write: dry run when asked for or forced, refused on a cluster that cannot. */
export function writeOptions(
  cluster: Cluster,
  ctx: ToolContext,
  dryRun: boolean,
): CallOptions & { dryRun: boolean } {
  const dry = dryRun || ctx.forceDryRun;
  if (dry && cluster.supportsDryRun !== true)
    throw new K8sError(
      'bad_request',
      'dryRun: this cluster connection does not support server-side dry runs, so none was sent',
      { status: 400 },
    );
  return { dryRun: dry };
}

/** The tail of a tool's answer for a dry run. */
export function dryNote(dry: boolean): string {
  return dry ? ' [dry run: validated and admitted by the server; nothing was changed]' : '';
}

/** Longest rendering of one value in a `before -> after` line; longer ones are cut and say so. */
const MAX_SHOWN = 1500;

/** A compact, stable rendering of a value for `before -> after` lines, cut past 1,500 characters. */
export function show(v: unknown): string {
  if (v === undefined) return '<unset>';
  const text = JSON.stringify(maskDeep(v, 0)) ?? '<unset>';
  return text.length <= MAX_SHOWN ? text : `${cutWord(text, MAX_SHOWN)}… (${text.length} characters)`;
}

/**
 * A name that says its value is a secret (`DB_PASSWORD`, `api_key`, `--token`, `client-secret`). The
 * harness's redactor knows secrets by their format or by `name: value` / `name=value`; a
 * `before -> after` line shows a value apart from its name, so the tools hide such values themselves.
 */
export const SECRET_NAME =
  /pass(?:word|wd|phrase)?|secret|token|api[-_.]?key|credential|private[-_.]?key|auth|pwd/i;

/** A hidden value, by its length only. */
export const hidden = (v: unknown): string =>
  `<hidden: ${typeof v === 'string' ? `${v.length} characters` : 'a value'} under a secret's name>`;

/** An argument list with the value after a secret-named flag (`--password x`) hidden, for display. */
export function maskArgs(list: readonly string[] | undefined): readonly string[] | undefined {
  if (!list) return list;
  return list.map((a, i) => {
    const flag = list[i - 1];
    return i > 0 && flag !== undefined && /^-{1,2}[^=]+$/.test(flag) && SECRET_NAME.test(flag)
      ? hidden(a)
      : a;
  });
}

/**
 * A copy of a value for display with secrets' values hidden: a string under a secret-named key, the
 * `value` of an `{ name, value }` pair whose name is a secret's (an env var), and the value after a
 * secret-named flag in a list of strings.
 */
function maskDeep(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null || depth > 64) return v;
  if (Array.isArray(v)) {
    const list = v.every((x) => typeof x === 'string') ? (maskArgs(v as string[]) ?? v) : v;
    return list.map((x) => maskDeep(x, depth + 1));
  }
  const o = v as Record<string, unknown>;
  const secretPair = typeof o['name'] === 'string' && SECRET_NAME.test(o['name']);
  return Object.fromEntries(
    Object.entries(o).map(([k, x]) => [
      k,
      (typeof x === 'string' && SECRET_NAME.test(k)) || (secretPair && k === 'value')
        ? hidden(x)
        : maskDeep(x, depth + 1),
    ]),
  );
}

/** A patch through the call's cluster, with the dry-run option. */
export function patchWith(
  view: CallView,
  ref: ObjectRef,
  patch: Patch,
  options: CallOptions,
): Promise<KubeObject> {
  return view.c.patch(ref, patch, options);
}

/** Which list of a pod spec holds a container, and where. */
export interface ContainerAt {
  readonly list: 'containers' | 'initContainers';
  readonly index: number;
  readonly container: Container;
}

/** Finds a container (or init container) of a deployment's pod template; a missing one is an error listing them. */
export function containerAt(d: Deployment, name: string): ContainerAt {
  const spec = d.spec.template.spec;
  const main = spec.containers.findIndex((c) => c.name === name);
  if (main >= 0) return { list: 'containers', index: main, container: spec.containers[main]! };
  const inits = spec.initContainers ?? [];
  const init = inits.findIndex((c) => c.name === name);
  if (init >= 0) return { list: 'initContainers', index: init, container: inits[init]! };
  const names = [...spec.containers.map((c) => c.name), ...inits.map((c) => `${c.name} (init)`)];
  throw new K8sError(
    'not_found',
    `container: "${name}" not found in deployment "${d.metadata.name}"; its containers: ${names.join(', ')}`,
    { status: 404 },
  );
}

/** A deployment reference. */
export const deploymentRef = (name: string, namespace: string): ObjectRef => ({
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  name,
  namespace,
});

/** The revision annotation of a deployment, for the answer. */
export function revisionNote(d: KubeObject): string {
  const r = d.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  return r ? ` (revision ${r})` : '';
}

/** An `invalid` error naming the argument at fault. */
export function invalidArg(field: string, message: string): K8sError {
  return new K8sError('invalid', `${field}: ${message}`, { status: 422 });
}
