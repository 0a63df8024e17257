import { type AnyTool, cutText, cutTextEnd, defineTool } from '@sre-harness/core';
import { z } from 'zod';
import type { CallOptions, Cluster, KubeList, KubeObject, ListTruncation, ObjectRef } from '../cluster.js';
import { ageOf } from '../duration.js';
import { K8sError } from '../errors.js';
import { findKind, type KindInfo, resolveKind } from '../kinds.js';
import { podStatusColumn } from '../pod-status.js';
import { formatCpu, formatMemory, parseQuantity, percent } from '../quantity.js';
import type { Deployment, Endpoints, KubeEvent, Node, Pod, ReplicaSet, Service } from '../types.js';
import { applyManifest } from './apply-manifest.js';
import {
  deploymentsTable,
  describeDeployment,
  describeGeneric,
  describeNode,
  describePod,
  describeService,
  eventsTable,
  genericStatus,
  historyTable,
  nodesTable,
  ownedReplicaSets,
  podsTable,
  revisionOf,
  servicesTable,
} from './describe.js';
import { cap, DEFAULT_MAX_OUTPUT, table, toYaml } from './format.js';
import { searchLog } from './log-search.js';
import { scanTool } from './scan.js';
import { setCommand } from './set-command.js';
import { setLabels } from './set-labels.js';
import { setNodePlacement } from './set-node-placement.js';
import { setProbe } from './set-probe.js';
import { setRoleRules } from './set-role-rules.js';
import { setServiceSelector } from './set-service-selector.js';
import { closeMatches } from './suggest.js';
import type { ToolContext } from './tool-def.js';

/**
 * Tools defined in their own files (`src/tools/<name>.ts`), registered here once: their names reach
 * `READ_TOOL_NAMES`, `MUTATING_TOOL_NAMES`, `K8S_TOOL` and the eval from their definitions.
 */
const TOOL_DEFS = [
  setCommand,
  setProbe,
  setNodePlacement,
  setServiceSelector,
  setLabels,
  setRoleRules,
  applyManifest,
] as const;

type Def = (typeof TOOL_DEFS)[number];
type DefNames<M extends boolean> = Extract<Def, { readonly mutating: M }>['name'];
const defNames = <M extends boolean>(mutating: M): DefNames<M>[] =>
  TOOL_DEFS.filter((d) => d.mutating === mutating).map((d) => d.name as DefNames<M>);

/** Names of the read-only tools defined in this file. */
const READ_TOOLS_HERE = [
  'list_pods',
  'describe_pod',
  'get_pod_logs',
  'search_pod_logs',
  'get_events',
  'get_pod_metrics',
  'list_deployments',
  'describe_deployment',
  'get_rollout_history',
  'list_services',
  'describe_service',
  'list_nodes',
  'describe_node',
  'get_resource',
  'list_resources',
  'describe_resource',
  'find_objects',
  'scan',
] as const;

/** Names of the mutating tools defined in this file. */
const MUTATING_TOOLS_HERE = [
  'restart_pod',
  'scale_deployment',
  'set_resources',
  'set_image',
  'rollback_deployment',
] as const;

/** Names of the read-only tools. */
export const READ_TOOL_NAMES: readonly ((typeof READ_TOOLS_HERE)[number] | DefNames<false>)[] = [
  ...READ_TOOLS_HERE,
  ...defNames(false),
];

/** Names of the mutating tools; they run only through the approval gate. */
export const MUTATING_TOOL_NAMES: readonly ((typeof MUTATING_TOOLS_HERE)[number] | DefNames<true>)[] = [
  ...MUTATING_TOOLS_HERE,
  ...defNames(true),
];

type ToolName = (typeof READ_TOOL_NAMES)[number] | (typeof MUTATING_TOOL_NAMES)[number];
type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every tool name, as constants keyed by the name in camelCase (`list_pods` is `K8S_TOOL.listPods`). */
export const K8S_TOOL = Object.freeze(
  Object.fromEntries([...READ_TOOL_NAMES, ...MUTATING_TOOL_NAMES].map((n) => [camel(n), n])),
) as { readonly [N in ToolName as Camel<N>]: N };

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
   * Every mutating tool that takes a `dryRun` argument runs as a server-side dry run, whatever the
   * argument says: validated and reported, nothing persisted (kubectl `--dry-run=server`). Default false.
   */
  readonly dryRun?: boolean;
}

const ns = z.string().min(1).describe('Kubernetes namespace');
// The generic tools' namespace defaults in the schema, so the allowlist and the approver judge the
// namespace that is actually read; cluster-scoped kinds ignore it.
const genericNs = z
  .string()
  .min(1)
  .default('default')
  .describe('Namespace, for namespaced kinds (default "default"); ignored for cluster-scoped kinds');
const objName = z.string().min(1);
const quantityText = z
  .string()
  .regex(/^[0-9.]+(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'expected a quantity such as 512Mi, 1Gi, 250m or 2');
const resourcePair = z.strictObject({ cpu: quantityText.optional(), memory: quantityText.optional() });

/**
 * Input schemas made once per process, not once per tool set: the eval builds the tools for every run,
 * and core converts each schema to JSON Schema once per schema object (keyed by tool name, and by
 * the option a schema depends on).
 */
const SCHEMAS = new Map<string, z.ZodType>();
function memoSchema<T extends z.ZodType>(key: string, make: () => T): T {
  let schema = SCHEMAS.get(key);
  if (!schema) {
    schema = make();
    SCHEMAS.set(key, schema);
  }
  return schema as T;
}

function byNs<T extends KubeObject>(items: KubeObject[]): T[] {
  return items as unknown as T[];
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

/** The pod's events, or any object's, from one namespace listing. */
function eventsFor(events: readonly KubeEvent[], kind: string, name: string): KubeEvent[] {
  return events.filter(
    (e) =>
      e.involvedObject.name === name && (e.involvedObject.kind ?? '').toLowerCase() === kind.toLowerCase(),
  );
}

/** Builds the Kubernetes tools over a cluster (real or simulated). */
export function k8sTools(cluster: Cluster, options: K8sToolsOptions = {}): AnyTool[] {
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
  const on = (signal: AbortSignal) => {
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
      return byNs<KubeObject & T>(items);
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

  const listPods = defineTool({
    name: 'list_pods',
    description:
      'List pods in a namespace (like kubectl get pods -o wide): ready containers, status, restarts, age, node.',
    mutating: false,
    input: memoSchema('list_pods', () =>
      z.strictObject({
        namespace: ns,
        labelSelector: z.string().optional().describe('e.g. app=checkout'),
      }),
    ),
    async execute({ namespace, labelSelector }, { signal }) {
      const k8s = on(signal);
      const pods = await k8s.list<Pod>('Pod', namespace, labelSelector);
      if (pods.length === 0)
        return `No resources found in ${namespace} namespace${labelSelector ? ` matching ${labelSelector}` : ''}.`;
      return k8s.out(podsTable(pods, await k8s.c.now()), 'use labelSelector');
    },
  });

  const describePodTool = defineTool({
    name: 'describe_pod',
    description:
      'Describe one pod (like kubectl describe pod): containers with image, state and last state (reason, exit code), ready, restart count, limits/requests, env names, mounts, probes, conditions and recent events.',
    mutating: false,
    input: memoSchema('describe_pod', () => z.strictObject({ namespace: ns, name: objName })),
    async execute({ namespace, name }, { signal }) {
      const k8s = on(signal);
      const pod = await k8s.get<Pod>('Pod', name, namespace);
      const events = await k8s.list<KubeEvent>('Event', namespace);
      return k8s.out(describePod(pod, eventsFor(events, 'Pod', name), await k8s.c.now()));
    },
  });

  /**
   * Reads a pod's log. With no container named on a pod that has several, it reads the one the
   * `kubectl.kubernetes.io/default-container` annotation names, else the first, and says so in
   * `defaulted` (kubectl's "Defaulted container" line), as kubectl does.
   */
  const readPodLog = async (
    k8s: ReturnType<typeof on>,
    q: {
      namespace: string;
      name: string;
      container?: string | undefined;
      previous?: boolean | undefined;
      tail: number;
    },
  ): Promise<{ text: string; defaulted: string }> => {
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
  };

  const logs = defineTool({
    name: 'get_pod_logs',
    description:
      "Read a pod container's log lines (like kubectl logs). previous=true reads the last terminated instance, which is where a crash or OOM leaves its last words.",
    mutating: false,
    input: memoSchema(`get_pod_logs|${defaultTail}`, () =>
      z.strictObject({
        namespace: ns,
        name: objName,
        container: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Container name; left out, the only container, else the default-container annotation or the first',
          ),
        // Left out means false (the current instance); no policy can read absence as anything else.
        previous: z.boolean().optional(),
        tail: z.number().int().min(1).max(5000).default(defaultTail).describe('Last N lines'),
      }),
    ),
    async execute({ namespace, name, container, previous, tail }, { signal }) {
      const k8s = on(signal);
      checkNs(namespace);
      const { text, defaulted } = await readPodLog(k8s, { namespace, name, container, previous, tail });
      if (text.trim() === '')
        return `${defaulted}(no log lines${previous ? ' from the previous instance' : ''})`;
      // Keep the end of the log when cutting: the last lines are the ones that explain a failure.
      const room = Math.max(1, max - (defaulted ? defaulted.length + 80 : 0));
      if (text.length > room) {
        const kept = cutTextEnd(text, room);
        return `${defaulted}[output cut: showing the last ${kept.length} of ${text.length} characters; use tail]\n${kept}`;
      }
      return `${defaulted}${text.trimEnd()}`;
    },
  });

  const searchLogs = defineTool({
    name: 'search_pod_logs',
    description:
      "Search a pod container's whole log for lines containing text (like kubectl logs | grep -n -C): the match count and the newest matching lines with line numbers and context. For long logs where the decisive line is not among the last ones.",
    mutating: false,
    input: memoSchema('search_pod_logs', () =>
      z.strictObject({
        namespace: ns,
        name: objName,
        pattern: z
          .string()
          .min(1)
          .max(500)
          .refine((p) => p.split('|').some((a) => a.trim() !== ''), {
            message: 'the pattern has no non-blank alternative',
          })
          .describe(
            'Text to find (literal, not a regular expression); separate alternatives with |, e.g. ERROR|FATAL',
          ),
        container: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Container name; left out, the only container, else the default-container annotation or the first',
          ),
        previous: z.boolean().optional().describe('Search the last terminated instance'),
        ignoreCase: z.boolean().optional().describe('Default true'),
        context: z.number().int().min(0).max(20).default(2).describe('Lines shown around each match'),
        maxMatches: z
          .number()
          .int()
          .min(1)
          .max(200)
          .default(20)
          .describe('Most matches shown; the newest are kept'),
        lines: z
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(20_000)
          .describe('How many of the newest log lines to search'),
      }),
    ),
    async execute(
      { namespace, name, pattern, container, previous, ignoreCase, context, maxMatches, lines },
      { signal },
    ) {
      const k8s = on(signal);
      checkNs(namespace);
      const { text, defaulted } = await readPodLog(k8s, {
        namespace,
        name,
        container,
        previous,
        tail: lines,
      });
      const found = searchLog(text, {
        pattern,
        context,
        maxMatches,
        ...(ignoreCase === undefined ? {} : { ignoreCase }),
      });
      // The numbers count from the first line read; the log may go further back than that.
      const where = `the newest ${found.lines} line(s) read${previous ? ' from the previous instance' : ''}`;
      if (found.matches === 0) return `${defaulted}no line matches "${pattern}" in ${where}`;
      const head =
        found.shown < found.matches
          ? `${found.matches} line(s) match "${pattern}" in ${where}; the newest ${found.shown} shown`
          : `${found.matches} line(s) match "${pattern}" in ${where}`;
      // Cut from the start: the newest matches are at the end and are the ones promised.
      const room = Math.max(1, max - defaulted.length - head.length - 100);
      const body =
        found.text.length > room
          ? `[output cut: older matches not shown; ${found.text.length - cutTextEnd(found.text, room).length} characters left out; lower maxMatches or context]\n${cutTextEnd(found.text, room)}`
          : found.text;
      return `${defaulted}${head}\n${body}`;
    },
  });

  const FIND_KINDS = [
    'Namespace',
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'Job',
    'CronJob',
    'Pod',
    'Service',
    'Ingress',
    'ConfigMap',
    'Secret',
    'PersistentVolumeClaim',
    'HorizontalPodAutoscaler',
    'Node',
  ];
  const findObjects = defineTool({
    name: 'find_objects',
    description:
      'Find objects by name across all namespaces (workloads, pods, services, ingresses, config, claims, namespaces, nodes): kind, namespace, name, status, age; exact names first. Use it when the task names something and you do not know its namespace or kind.',
    mutating: false,
    input: memoSchema('find_objects', () =>
      z.strictObject({
        name: z.string().min(2).max(253).describe('The name, or part of it (case-insensitive)'),
        kinds: z
          .array(z.string().min(1))
          .min(1)
          .max(30)
          .optional()
          .describe(`Kinds to search; default ${FIND_KINDS.join(', ')}`),
        namespaces: z
          .array(z.string().min(1).max(63))
          .min(1)
          .max(50)
          .optional()
          .describe(
            'Search only these namespaces (cluster-scoped kinds other than Namespace are then skipped); default every namespace the tools may read',
          ),
      }),
    ),
    async execute({ name, kinds, namespaces }, { signal }) {
      const k8s = on(signal);
      const wanted = name.toLowerCase();
      const rows: { exact: boolean; cells: string[] }[] = [];
      const notes: string[] = [];
      const now = await k8s.c.now();
      const searched = new Set<string>();
      // Each namespace asked for must be one the tools may read.
      for (const space of namespaces ?? []) checkNs(space);
      for (const k of kinds ?? FIND_KINDS) {
        try {
          const info = await k8s.kind(k);
          // One kind under several names is searched once.
          if (searched.has(info.kind)) continue;
          searched.add(info.kind);
          if ((allowedNs || namespaces) && !info.namespaced && info.kind !== 'Namespace') {
            if (namespaces || !clusterKinds.has(info.kind)) {
              if (kinds) notes.push(`${k}: cluster-scoped, outside the namespaces searched`);
              continue;
            }
          }
          // The namespaces searched: those asked for (each must be one the tools may read), else all.
          const scope = namespaces ?? allowedNs;
          const spaces = info.namespaced ? (scope ?? [undefined]) : [undefined];
          for (const space of spaces) {
            for (const o of await k8s.list<KubeObject>(info.kind, space)) {
              const n = o.metadata?.name ?? '';
              if (!n.toLowerCase().includes(wanted)) continue;
              if (info.kind === 'Namespace' && scope && !scope.includes(n)) continue;
              rows.push({
                exact: n.toLowerCase() === wanted,
                cells: [
                  info.kind,
                  o.metadata?.namespace ?? '-',
                  n,
                  (info.kind === 'Pod' ? podStatusColumn(o as unknown as Pod) : genericStatus(o)) || '-',
                  ageOf(o.metadata?.creationTimestamp, now),
                ],
              });
            }
          }
        } catch (error) {
          // One kind the cluster does not serve, or may not be listed, does not hide the others.
          notes.push(`${k}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      const skipped = notes.length ? `\n[not searched: ${notes.join('; ')}]` : '';
      if (rows.length === 0) return `no object whose name contains "${name}"${skipped}`;
      rows.sort((a, b) => Number(b.exact) - Number(a.exact));
      const shown = rows.slice(0, 50);
      const more =
        rows.length > shown.length
          ? `\n[${rows.length - shown.length} more not shown; use a longer name]`
          : '';
      return k8s.out(
        `${table(
          ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
          shown.map((r) => r.cells),
        )}${more}${skipped}`,
      );
    },
  });

  const events = defineTool({
    name: 'get_events',
    description:
      'List events in a namespace, newest first (like kubectl get events); optionally only those about one object (kind and/or name).',
    mutating: false,
    input: memoSchema('get_events', () =>
      z.strictObject({
        namespace: ns,
        kind: z.string().optional().describe('e.g. Pod, Deployment, ReplicaSet'),
        name: z.string().optional(),
      }),
    ),
    async execute({ namespace, kind: k, name }, { signal }) {
      const k8s = on(signal);
      const all = await k8s.list<KubeEvent>('Event', namespace);
      const wantKind = k ? (await k8s.kind(k)).kind.toLowerCase() : undefined;
      const selected = all.filter(
        (e) =>
          (!wantKind || (e.involvedObject.kind ?? '').toLowerCase() === wantKind) &&
          (!name || e.involvedObject.name === name),
      );
      if (selected.length === 0)
        return `No events found in ${namespace} namespace${k || name ? ` for ${k ?? ''}${name ? `/${name}` : ''}` : ''}.`;
      return k8s.out(eventsTable(selected, await k8s.c.now()), 'filter by kind and name');
    },
  });

  const metrics = defineTool({
    name: 'get_pod_metrics',
    description:
      'Pod CPU and memory usage against requests and limits (percent of limit), restarts and OOM kills where known (like kubectl top pod, with limits alongside).',
    mutating: false,
    input: memoSchema('get_pod_metrics', () =>
      z.strictObject({
        namespace: ns,
        name: z.string().optional().describe('One pod; all pods when left out'),
      }),
    ),
    async execute({ namespace, name }, { signal }) {
      const k8s = on(signal);
      checkNs(namespace);
      const pods = name
        ? [await k8s.get<Pod>('Pod', name, namespace)]
        : await k8s.list<Pod>('Pod', namespace);
      let usage: Awaited<ReturnType<Cluster['podMetrics']>>;
      try {
        usage = await k8s.c.podMetrics(namespace);
      } catch (error) {
        if (K8sError.isInstance(error) && (error.code === 'unavailable' || error.code === 'not_found')) {
          throw new K8sError(
            'unavailable',
            'metrics API not available (metrics.k8s.io is not served by this cluster); use describe_pod for limits and restarts',
            { status: 503, cause: error },
          );
        }
        throw error;
      }
      if (pods.length === 0) return `No resources found in ${namespace} namespace.`;
      const blocks: string[] = [];
      for (const pod of pods) {
        const m = usage.find((u) => u.name === pod.metadata.name);
        const statuses = pod.status?.containerStatuses ?? [];
        const restarts = statuses.reduce((a, c) => a + (c.restartCount ?? 0), 0);
        const lines: string[] = [];
        let ooms = 0;
        let oomKnown = false;
        for (const c of pod.spec.containers) {
          const cm = m?.containers.find((x) => x.name === c.name) as
            | { usage: { cpu: string; memory: string }; oomKills?: number }
            | undefined;
          const st = statuses.find((s) => s.name === c.name);
          if (typeof cm?.oomKills === 'number') {
            ooms += cm.oomKills;
            oomKnown = true;
          } else if (st?.lastState?.terminated?.reason === 'OOMKilled') {
            ooms += 1;
          }
          if (!cm) {
            lines.push(`  ${c.name}: no usage reported (container not running)`);
            continue;
          }
          const cpu = parseQuantity(cm.usage.cpu) ?? 0;
          const mem = parseQuantity(cm.usage.memory) ?? 0;
          const cpuLim = parseQuantity(c.resources?.limits?.cpu);
          const cpuReq = parseQuantity(c.resources?.requests?.cpu);
          const memLim = parseQuantity(c.resources?.limits?.memory);
          const memReq = parseQuantity(c.resources?.requests?.memory);
          const cpuText = `cpu ${formatCpu(cpu)}${cpuReq !== undefined ? ` / request ${c.resources?.requests?.cpu}` : ''}${cpuLim !== undefined ? ` / limit ${c.resources?.limits?.cpu} (${percent(cpu, cpuLim)}%)` : ' / no limit'}`;
          const memText = `memory ${formatMemory(mem)}${memReq !== undefined ? ` / request ${c.resources?.requests?.memory}` : ''}${memLim !== undefined ? ` / limit ${c.resources?.limits?.memory} (${percent(mem, memLim)}%)` : ' / no limit'}`;
          lines.push(`  ${c.name}: ${cpuText}; ${memText}`);
        }
        const oomText = oomKnown
          ? `oomKills: ${ooms}`
          : ooms > 0
            ? 'oomKills: at least 1 (last termination OOMKilled)'
            : 'oomKills: 0 known';
        blocks.push(`${pod.metadata.name}  restarts: ${restarts}  ${oomText}\n${lines.join('\n')}`);
      }
      return k8s.out(blocks.join('\n'), 'ask for one pod by name');
    },
  });

  const listDeployments = defineTool({
    name: 'list_deployments',
    description:
      'List deployments in a namespace (like kubectl get deployments): ready, up-to-date, available, age, images.',
    mutating: false,
    input: memoSchema('list_deployments', () => z.strictObject({ namespace: ns })),
    async execute({ namespace }, { signal }) {
      const k8s = on(signal);
      const deps = await k8s.list<Deployment>('Deployment', namespace);
      if (deps.length === 0) return `No resources found in ${namespace} namespace.`;
      return k8s.out(deploymentsTable(deps, await k8s.c.now()));
    },
  });

  const describeDeploymentTool = defineTool({
    name: 'describe_deployment',
    description:
      'Describe a deployment: replicas, selector, strategy, pod template (images, resources, env, probes), conditions, ReplicaSets, rollout history and events.',
    mutating: false,
    input: memoSchema('describe_deployment', () => z.strictObject({ namespace: ns, name: objName })),
    async execute({ namespace, name }, { signal }) {
      const k8s = on(signal);
      const d = await k8s.get<Deployment>('Deployment', name, namespace);
      const rss = await k8s.list<ReplicaSet>('ReplicaSet', namespace);
      const evs = await k8s.list<KubeEvent>('Event', namespace);
      return k8s.out(describeDeployment(d, rss, eventsFor(evs, 'Deployment', name), await k8s.c.now()));
    },
  });

  const history = defineTool({
    name: 'get_rollout_history',
    description:
      'Rollout history of a deployment (like kubectl rollout history): revision, change cause and images per revision.',
    mutating: false,
    input: memoSchema('get_rollout_history', () => z.strictObject({ namespace: ns, name: objName })),
    async execute({ namespace, name }, { signal }) {
      const k8s = on(signal);
      const d = await k8s.get<Deployment>('Deployment', name, namespace);
      const rss = await k8s.list<ReplicaSet>('ReplicaSet', namespace);
      return k8s.out(historyTable(d, rss));
    },
  });

  const listServices = defineTool({
    name: 'list_services',
    description:
      'List services in a namespace with type, ports, selector and ready endpoints (<none> when nothing backs them).',
    mutating: false,
    input: memoSchema('list_services', () => z.strictObject({ namespace: ns })),
    async execute({ namespace }, { signal }) {
      const k8s = on(signal);
      const svcs = await k8s.list<Service>('Service', namespace);
      if (svcs.length === 0) return `No resources found in ${namespace} namespace.`;
      const eps = await k8s.list<Endpoints>('Endpoints', namespace);
      return k8s.out(servicesTable(svcs, eps, await k8s.c.now()));
    },
  });

  const describeServiceTool = defineTool({
    name: 'describe_service',
    description:
      'Describe a service: type, selector, ports with targetPort, endpoints (addresses or <none>, and not-ready ones) and events.',
    mutating: false,
    input: memoSchema('describe_service', () => z.strictObject({ namespace: ns, name: objName })),
    async execute({ namespace, name }, { signal }) {
      const k8s = on(signal);
      const svc = await k8s.get<Service>('Service', name, namespace);
      let ep: Endpoints | undefined;
      try {
        ep = (await k8s.c.get({
          kind: 'Endpoints',
          apiVersion: 'v1',
          name,
          namespace,
        })) as unknown as Endpoints;
      } catch (error) {
        if (!K8sError.isInstance(error) || error.code !== 'not_found') throw error;
      }
      const evs = await k8s.list<KubeEvent>('Event', namespace);
      return k8s.out(describeService(svc, ep, eventsFor(evs, 'Service', name), await k8s.c.now()));
    },
  });

  const listNodes = defineTool({
    name: 'list_nodes',
    description:
      'List nodes (like kubectl get nodes): status, roles, age, version, allocatable cpu and memory.',
    mutating: false,
    input: memoSchema('list_nodes', () => z.strictObject({})),
    async execute(_args, { signal }) {
      const k8s = on(signal);
      const nodes = await k8s.list<Node>('Node');
      if (nodes.length === 0) return 'No resources found.';
      return k8s.out(nodesTable(nodes, await k8s.c.now()));
    },
  });

  const describeNodeTool = defineTool({
    name: 'describe_node',
    description:
      'Describe a node: conditions (pressure, ready), capacity and allocatable, requests allocated by its pods, taints and labels.',
    mutating: false,
    input: memoSchema('describe_node', () =>
      z.strictObject({
        name: objName,
        namespace: z
          .string()
          .min(1)
          .optional()
          .describe('Show only the pods of this namespace; pods of every namespace when left out'),
      }),
    ),
    async execute({ name, namespace }, { signal }) {
      const k8s = on(signal);
      const node = await k8s.get<Node>('Node', name);
      const pods = await k8s.list<Pod>('Pod', namespace);
      const evs = (await k8s.list<KubeEvent>('Event')).filter(
        (e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === name,
      );
      const visible = allowedNs ? pods.filter((p) => allowedNs.includes(p.metadata.namespace ?? '')) : pods;
      return k8s.out(describeNode(node, visible, evs, await k8s.c.now()));
    },
  });

  const getResource = defineTool({
    name: 'get_resource',
    description:
      'Get any object as YAML (like kubectl get <kind> <name> -o yaml), e.g. kind ConfigMap, Secret (values masked), PersistentVolumeClaim, ResourceQuota, HorizontalPodAutoscaler, Ingress, NetworkPolicy, StatefulSet, Job.',
    mutating: false,
    input: memoSchema('get_resource', () =>
      z.strictObject({ kind: z.string().min(1), name: objName, namespace: genericNs }),
    ),
    async execute({ kind: k, name, namespace }, { signal }) {
      const k8s = on(signal);
      const info = await k8s.kind(k);
      checkScope(info);
      const obj = await k8s.get<KubeObject>(info.kind, name, info.namespaced ? namespace : undefined);
      return k8s.out(toYaml(obj));
    },
  });

  const listResources = defineTool({
    name: 'list_resources',
    description:
      'List objects of any kind (like kubectl get <kind>), in a namespace for namespaced kinds: name, status where meaningful, age.',
    mutating: false,
    input: memoSchema('list_resources', () =>
      z.strictObject({ kind: z.string().min(1), namespace: genericNs }),
    ),
    async execute({ kind: k, namespace }, { signal }) {
      const k8s = on(signal);
      const info = await k8s.kind(k);
      checkScope(info);
      const items = await k8s.list<KubeObject>(info.kind, info.namespaced ? namespace : undefined);
      if (items.length === 0)
        return `No ${info.plural} found${info.namespaced ? ` in ${namespace} namespace` : ''}.`;
      const now = await k8s.c.now();
      return k8s.out(
        table(
          ['NAME', 'STATUS', 'AGE'],
          items.map((o) => [
            o.metadata?.name ?? '',
            genericStatus(o) || '-',
            ageOf(o.metadata?.creationTimestamp, now),
          ]),
        ),
      );
    },
  });

  const describeResource = defineTool({
    name: 'describe_resource',
    description:
      'Describe any object (like kubectl describe <kind> <name>): metadata, spec and status fields (Secret values as byte counts) and its events.',
    mutating: false,
    input: memoSchema('describe_resource', () =>
      z.strictObject({ kind: z.string().min(1), name: objName, namespace: genericNs }),
    ),
    async execute({ kind: k, name, namespace }, { signal }) {
      const k8s = on(signal);
      const info = await k8s.kind(k);
      checkScope(info);
      const nsName = info.namespaced ? namespace : undefined;
      const obj = await k8s.get<KubeObject>(info.kind, name, nsName);
      const now = await k8s.c.now();
      if (info.kind === 'Pod')
        return k8s.out(
          describePod(
            obj as unknown as Pod,
            eventsFor(await k8s.list<KubeEvent>('Event', nsName), 'Pod', name),
            now,
          ),
        );
      const evs = nsName ? await k8s.list<KubeEvent>('Event', nsName) : [];
      return k8s.out(describeGeneric(obj, eventsFor(evs, info.kind, name), now));
    },
  });

  // ------------------------------------------------------------------ mutations

  const restart = defineTool({
    name: 'restart_pod',
    description:
      'Restart a pod by deleting it; its controller (ReplicaSet) creates a replacement with a new name. A pod without a controller does not come back.',
    mutating: true,
    input: memoSchema('restart_pod', () => z.strictObject({ namespace: ns, name: objName })),
    async execute({ namespace, name }, { signal }) {
      const k8s = on(signal);
      const pod = await k8s.get<Pod>('Pod', name, namespace);
      await k8s.c.delete({ kind: 'Pod', apiVersion: 'v1', name, namespace });
      const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
      if (!owner) return `pod "${name}" deleted; it had no controller, so nothing will replace it`;
      const hash = pod.metadata.labels?.['pod-template-hash'];
      const siblings = await k8s.list<Pod>('Pod', namespace, hash ? `pod-template-hash=${hash}` : undefined);
      const fresh = siblings.filter(
        (p) =>
          p.metadata.ownerReferences?.some((o) => o.name === owner.name) &&
          (p.metadata.creationTimestamp ?? '') > (pod.metadata.creationTimestamp ?? ''),
      );
      const names = fresh.map((p) => p.metadata.name).filter((n) => n !== name);
      return `pod "${name}" deleted; ${owner.kind} ${owner.name} replaces it${names.length ? ` (new pod: ${names.join(', ')})` : ''}`;
    },
  });

  const scale = defineTool({
    name: 'scale_deployment',
    description: 'Set the number of replicas of a deployment.',
    mutating: true,
    input: memoSchema('scale_deployment', () =>
      z.strictObject({ namespace: ns, name: objName, replicas: z.number().int().min(0).max(1000) }),
    ),
    async execute({ namespace, name, replicas }, { signal }) {
      const k8s = on(signal);
      const d = await k8s.get<Deployment>('Deployment', name, namespace);
      await k8s.c.patch(
        { kind: 'Deployment', apiVersion: 'apps/v1', name, namespace },
        { type: 'merge', body: { spec: { replicas } } },
      );
      return `deployment.apps/${name} scaled from ${d.spec.replicas ?? 1} to ${replicas}`;
    },
  });

  const containerOf = (d: Deployment, container: string) => {
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
  };

  const setResources = defineTool({
    name: 'set_resources',
    description:
      'Set CPU/memory requests and/or limits of one container in a deployment; this starts a new rollout.',
    mutating: true,
    input: memoSchema('set_resources', () =>
      z.strictObject({
        namespace: ns,
        deployment: objName,
        container: objName,
        requests: resourcePair.optional(),
        limits: resourcePair.optional(),
      }),
    ),
    async execute({ namespace, deployment, container, requests, limits }, { signal }) {
      const k8s = on(signal);
      if (!requests && !limits)
        throw new K8sError('invalid', 'give requests and/or limits to set', { status: 422 });
      const d = await k8s.get<Deployment>('Deployment', deployment, namespace);
      const before = containerOf(d, container).resources ?? {};
      const resources: Record<string, Record<string, string>> = {};
      if (requests)
        resources.requests = Object.fromEntries(
          Object.entries(requests).filter(([, v]) => v !== undefined),
        ) as Record<string, string>;
      if (limits)
        resources.limits = Object.fromEntries(
          Object.entries(limits).filter(([, v]) => v !== undefined),
        ) as Record<string, string>;
      const after = (await k8s.c.patch(
        { kind: 'Deployment', apiVersion: 'apps/v1', name: deployment, namespace },
        {
          type: 'strategic',
          body: { spec: { template: { spec: { containers: [{ name: container, resources }] } } } },
        },
      )) as unknown as Deployment;
      const changes: string[] = [];
      for (const side of ['requests', 'limits'] as const) {
        for (const [res, v] of Object.entries(resources[side] ?? {}))
          changes.push(`${side}.${res} ${before[side]?.[res] ?? '<unset>'} -> ${v}`);
      }
      return `deployment.apps/${deployment} resource requirements updated: container ${container} ${changes.join(', ')} (revision ${revisionOf(after)})`;
    },
  });

  const setImage = defineTool({
    name: 'set_image',
    description: 'Set the image of one container in a deployment; this starts a new rollout.',
    mutating: true,
    input: memoSchema('set_image', () =>
      z.strictObject({
        namespace: ns,
        deployment: objName,
        container: objName,
        image: z.string().min(1),
      }),
    ),
    async execute({ namespace, deployment, container, image }, { signal }) {
      const k8s = on(signal);
      const d = await k8s.get<Deployment>('Deployment', deployment, namespace);
      const before = containerOf(d, container).image;
      const after = (await k8s.c.patch(
        { kind: 'Deployment', apiVersion: 'apps/v1', name: deployment, namespace },
        {
          type: 'strategic',
          body: { spec: { template: { spec: { containers: [{ name: container, image }] } } } },
        },
      )) as unknown as Deployment;
      return `deployment.apps/${deployment} image updated: container ${container} ${before} -> ${image} (revision ${revisionOf(after)})`;
    },
  });

  const rollback = defineTool({
    name: 'rollback_deployment',
    description:
      'Roll a deployment back to an earlier revision of its pod template (like kubectl rollout undo); default: the previous revision.',
    mutating: true,
    input: memoSchema('rollback_deployment', () =>
      z.strictObject({ namespace: ns, name: objName, toRevision: z.number().int().min(1).optional() }),
    ),
    async execute({ namespace, name, toRevision }, { signal }) {
      const k8s = on(signal);
      const d = await k8s.get<Deployment>('Deployment', name, namespace);
      const owned = ownedReplicaSets(d, await k8s.list<ReplicaSet>('ReplicaSet', namespace));
      const current = revisionOf(d);
      const target = toRevision
        ? owned.find((rs) => revisionOf(rs) === toRevision)
        : [...owned].reverse().find((rs) => revisionOf(rs) < current);
      if (!target) {
        const have = owned.map((rs) => revisionOf(rs)).join(', ') || 'none';
        throw new K8sError(
          'not_found',
          toRevision
            ? `unable to find specified revision ${toRevision} in history of deployment "${name}" (revisions: ${have})`
            : `no rollout history found for deployment "${name}" (revisions: ${have})`,
          { status: 404 },
        );
      }
      if (revisionOf(target) === current)
        return `deployment.apps/${name} skipped rollback (current template already matches revision ${current})`;
      const template = JSON.parse(JSON.stringify(target.spec.template)) as Deployment['spec']['template'];
      if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
      const after = (await k8s.c.patch(
        { kind: 'Deployment', apiVersion: 'apps/v1', name, namespace },
        { type: 'json', body: [{ op: 'replace', path: '/spec/template', value: template }] },
      )) as unknown as Deployment;
      const images = template.spec.containers.map((c) => `${c.name}=${c.image}`).join(', ');
      return `deployment.apps/${name} rolled back to revision ${revisionOf(target)} (${images}); now revision ${revisionOf(after)}`;
    },
  });

  const ctx: ToolContext = { on, checkNs, checkScope, forceDryRun: options.dryRun === true };
  const defined = TOOL_DEFS.map((d) => {
    const tool = d.build(ctx);
    if (tool.name !== d.name || (tool.mutating ?? false) !== d.mutating)
      throw new K8sError(
        'invalid_option',
        `tool "${d.name}" was built as "${tool.name}" (mutating ${tool.mutating})`,
      );
    return tool;
  });

  return [
    listPods,
    describePodTool,
    logs,
    searchLogs,
    events,
    metrics,
    listDeployments,
    describeDeploymentTool,
    history,
    listServices,
    describeServiceTool,
    listNodes,
    describeNodeTool,
    getResource,
    listResources,
    describeResource,
    findObjects,
    scanTool(cluster, { maxOutputChars: max, namespaces: allowedNs, clusterKinds, extraKinds }),
    restart,
    scale,
    setResources,
    setImage,
    rollback,
    ...defined,
  ] as AnyTool[];
}

/** Only the read-only tools: the set for triage runs that must not change anything. */
export function readOnlyK8sTools(cluster: Cluster, options: K8sToolsOptions = {}): AnyTool[] {
  return k8sTools(cluster, options).filter((t) => !t.mutating);
}
