import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject, ListQuery, LogQuery, ObjectRef, Patch } from '@sre-harness/tools-k8s';
import {
  type ApiServer,
  createSimCluster,
  type MutationRecord,
  type SimCluster,
  serveCluster,
} from '@sre-harness/tools-k8s/sim';
import { taskFor } from './runner.js';
import type { Scenario } from './scenario-schema.js';

/** A call of one of the eval's Kubernetes tools that an API request stands for (see `READS` and `toolCallsFor`). */
export interface ToolCall {
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/** One mutation applied through the served API, with the tool calls it amounts to. */
export interface ServedMutation {
  readonly seq: number;
  readonly verb: MutationRecord['verb'];
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly patch?: Patch;
  /** The eval's tool calls this change amounts to (what the scenario's grants are written in). */
  readonly calls: readonly ToolCall[];
  /** Changed fields no tool call covers (`spec.selector…`), or `delete <Kind>`: never granted. */
  readonly unmapped: readonly string[];
  /** The cluster's own audit entry. */
  readonly entry: MutationRecord;
}

/** One line of a served world's audit log (`--audit <file.jsonl>`). */
export type AuditRecord =
  | {
      readonly type: 'request';
      readonly seq: number;
      /** Wall-clock time. */
      readonly at: string;
      /** The simulated cluster's time. */
      readonly simTime: string;
      readonly method: string;
      readonly path: string;
    }
  | {
      readonly type: 'read';
      readonly seq: number;
      readonly at: string;
      readonly simTime: string;
      readonly tool: string;
      readonly args: Record<string, unknown>;
    }
  | {
      readonly type: 'mutation';
      readonly seq: number;
      readonly at: string;
      readonly simTime: string;
      readonly verb: string;
      readonly kind: string;
      readonly namespace?: string;
      readonly name: string;
      readonly patch?: unknown;
      /** For a create: the object as stored. */
      readonly object?: unknown;
      readonly calls: readonly ToolCall[];
      readonly unmapped: readonly string[];
    };

/** Options of `serveScenario`. */
export interface ServeScenarioOptions {
  /** Port on 127.0.0.1; 0 or left out picks a free one. */
  readonly port?: number;
  /** Where to write the kubeconfig; default a file in a new temporary directory (removed on close). */
  readonly kubeconfigPath?: string;
  /** `wall` (default): the simulated clock follows wall time; `logical`: it moves per request, as in the eval. */
  readonly clock?: 'wall' | 'logical';
  /** Write every audit record to this file as a JSON line while serving (the file is replaced). */
  readonly auditFile?: string;
  /** Called with every audit record as it happens. */
  readonly onAudit?: (record: AuditRecord) => void;
  /**
   * Serve timestamps on the wall clock (see `ServeOptions.wallTimestamps` of @sre-harness/tools-k8s/sim),
   * so clients that compute ages locally (`kubectl describe`) agree with the simulated clock. Default false.
   */
  readonly wallTimestamps?: boolean;
}

/** A scenario's world, served on 127.0.0.1 with the Kubernetes API. */
export interface ServedWorld {
  readonly scenario: Scenario;
  readonly cluster: SimCluster;
  readonly server: ApiServer;
  /** The text an agent is given: the task and the alert. */
  readonly task: string;
  readonly namespace: string;
  readonly kubeconfigPath: string;
  readonly port: number;
  readonly url: string;
  /** Every audit record so far, oldest first. */
  audit(): readonly AuditRecord[];
  /** Every read so far, as the tool calls it stands for (for evidence). */
  reads(): readonly ToolCall[];
  /** Every mutation so far, oldest first; one per entry of `cluster.auditLog()`. */
  mutations(): readonly ServedMutation[];
  /** Stops the server, writes out the audit file; idempotent. */
  close(): Promise<void>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted, to compare two objects by value. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined && v[k] !== null)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/**
 * Leaves of a value by dotted path; lists of named objects (containers, ports, env) are keyed by
 * name, other lists by index. Empty objects and lists and nulls are no leaves, so `{}`, `null` and
 * absent compare equal (as Kubernetes reads them).
 */
function leaves(v: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (Array.isArray(v)) {
    const named = v.every((x) => isObject(x) && typeof x['name'] === 'string');
    v.forEach((x, i) => {
      leaves(x, `${path}.${named ? String((x as { name: string }).name) : i}`, out);
    });
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) leaves(x, path ? `${path}.${k}` : k, out);
  } else if (v !== undefined && v !== null) out.set(path, JSON.stringify(v));
  return out;
}

/** Paths whose values differ between two objects, sorted. */
function changedPaths(a: unknown, b: unknown, root: string): string[] {
  const la = leaves(a, root, new Map());
  const lb = leaves(b, root, new Map());
  const out = new Set<string>();
  for (const [k, v] of la) if (lb.get(k) !== v) out.add(k);
  for (const k of lb.keys()) if (!la.has(k)) out.add(k);
  return [...out].sort();
}

const REVISION = 'deployment.kubernetes.io/revision';

/** Metadata the server writes on every change: not a change the agent made. */
const SERVER_META = new Set([
  'resourceVersion',
  'generation',
  'managedFields',
  'uid',
  'creationTimestamp',
  'selfLink',
  'labels',
  'annotations',
]);

/**
 * Changed metadata other than labels, annotations and what the server writes: ownerReferences
 * (garbage collection could delete the object with its new owner), finalizers (it could not be
 * deleted), and anything else. No tool makes such a change, so none maps to one.
 */
function otherMetaChanges(before: KubeObject, after: KubeObject): string[] {
  const rest = (o: KubeObject) =>
    Object.fromEntries(Object.entries(o.metadata ?? {}).filter(([k]) => !SERVER_META.has(k)));
  return changedPaths(rest(before), rest(after), 'metadata');
}

/** What a Deployment's metadata and spec changed by, ignoring what the controller writes. */
function deploymentChanges(before: KubeObject, after: KubeObject): string[] {
  const meta = (o: KubeObject) => {
    const annotations = { ...(o.metadata?.annotations ?? {}) };
    delete annotations[REVISION];
    return { labels: o.metadata?.labels ?? {}, annotations };
  };
  return [
    ...changedPaths(meta(before), meta(after), 'metadata'),
    ...changedPaths(before.spec, after.spec, 'spec'),
  ];
}

function withoutHash(template: unknown): string {
  const t = JSON.parse(JSON.stringify(template ?? {})) as { metadata?: { labels?: Record<string, string> } };
  if (t.metadata?.labels) delete t.metadata.labels['pod-template-hash'];
  return canonical(t);
}

/**
 * The eval's tool calls one applied mutation amounts to, read from the object before and after it,
 * so a change made with kubectl is judged by the same grants as one made with the tools: deleting a
 * pod is `restart_pod`; on a Deployment, `spec.replicas` is `scale_deployment`, a container's
 * resources `set_resources` (the changed values), its image `set_image`, its command or args
 * `set_command`, its env entries `set_env`, a probe `set_probe`, the nodeSelector or required node
 * affinity `set_node_placement`, the template's `kubectl.kubernetes.io/restartedAt` annotation
 * `restart_deployment`, a pod template equal to an earlier ReplicaSet's `rollback_deployment`; labels of any object (and of a
 * Deployment's pod template) are `set_labels`, a Service's selector `set_service_selector`, a Role's
 * rules `set_role_rules`. Each call carries `dryRun: false` (a change that was made is a real write).
 * Any other change, and any create, is returned as unmapped.
 */
export function toolCallsFor(
  entry: Pick<MutationRecord, 'verb' | 'kind' | 'name' | 'namespace'>,
  before: KubeObject | undefined,
  after: KubeObject | undefined,
  replicaSets: readonly KubeObject[] = [],
): { calls: ToolCall[]; unmapped: string[] } {
  const namespace = entry.namespace;
  const ns = namespace !== undefined ? { namespace } : {};
  // A change that was made is a call that ran for real: every write tool takes dryRun.
  const written = { ...ns, dryRun: false };
  if (entry.verb === 'create') return { calls: [], unmapped: [`create ${entry.kind}`] };
  if (entry.verb === 'delete') {
    return entry.kind === 'Pod'
      ? { calls: [{ tool: 'restart_pod', args: { ...written, name: entry.name } }], unmapped: [] }
      : { calls: [], unmapped: [`delete ${entry.kind}`] };
  }
  if (!before || !after) return { calls: [], unmapped: [`patch ${entry.kind}`] };
  /** `set_labels` for the labels that changed under `root` (set to their new value, or null when removed). */
  const labelCall = (
    paths: readonly string[],
    root: string,
    now: Record<string, string> | undefined,
    target: 'object' | 'podTemplate',
  ): ToolCall[] => {
    const keys = paths.filter((p) => p.startsWith(`${root}.`)).map((p) => p.slice(root.length + 1));
    if (keys.length === 0) return [];
    const labels = Object.fromEntries(keys.map((k) => [k, now?.[k] ?? null]));
    return [{ tool: 'set_labels', args: { ...written, kind: entry.kind, name: entry.name, labels, target } }];
  };
  if (entry.kind !== 'Deployment') {
    const rest = (o: KubeObject) =>
      Object.fromEntries(Object.entries(o).filter(([k]) => !['metadata', 'status'].includes(k)));
    const labelPaths = changedPaths(
      before.metadata?.labels ?? {},
      after.metadata?.labels ?? {},
      'metadata.labels',
    );
    const other = changedPaths(rest(before), rest(after), '');
    const calls: ToolCall[] = labelCall(labelPaths, 'metadata.labels', after.metadata?.labels, 'object');
    const unmapped = changedPaths(
      before.metadata?.annotations ?? {},
      after.metadata?.annotations ?? {},
      'metadata.annotations',
    );
    unmapped.push(...otherMetaChanges(before, after));
    const selector = other.filter((p) => p.startsWith('spec.selector.'));
    if (entry.kind === 'Service' && selector.length > 0) {
      calls.push({
        tool: 'set_service_selector',
        args: {
          ...written,
          name: entry.name,
          selector: (after.spec as { selector?: unknown })?.selector ?? {},
        },
      });
    }
    const rules = other.filter((p) => p.startsWith('rules.'));
    if (entry.kind === 'Role' && rules.length > 0)
      calls.push({
        tool: 'set_role_rules',
        args: { ...written, name: entry.name, rules: after['rules'] ?? [] },
      });
    unmapped.push(
      ...other.filter(
        (p) =>
          !(entry.kind === 'Service' && p.startsWith('spec.selector.')) &&
          !(entry.kind === 'Role' && p.startsWith('rules.')),
      ),
    );
    return { calls, unmapped };
  }
  let paths = deploymentChanges(before, after);
  const calls: ToolCall[] = [];
  const unmapped: string[] = otherMetaChanges(before, after);
  const TEMPLATE = 'spec.template.';
  const afterSpec = (after.spec ?? {}) as { template?: unknown; replicas?: number };
  if (paths.some((p) => p.startsWith(TEMPLATE))) {
    // A template equal to an earlier ReplicaSet's: kubectl rollout undo.
    const current = before.metadata?.annotations?.[REVISION];
    const target = withoutHash(afterSpec.template);
    const rs = replicaSets.find(
      (r) =>
        r.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === entry.name) &&
        r.metadata?.annotations?.[REVISION] !== current &&
        withoutHash((r.spec as { template?: unknown } | undefined)?.template) === target,
    );
    if (rs) {
      const revision = Number(rs.metadata?.annotations?.[REVISION]);
      calls.push({
        tool: 'rollback_deployment',
        args: {
          ...written,
          name: entry.name,
          ...(Number.isInteger(revision) ? { toRevision: revision } : {}),
        },
      });
      paths = paths.filter((p) => !p.startsWith(TEMPLATE));
    }
  }
  // Labels: the Deployment's own, and its pod template's (the labels its pods carry).
  const templateLabels = (o: KubeObject) =>
    (o.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template
      ?.metadata?.labels;
  calls.push(...labelCall(paths, 'metadata.labels', after.metadata?.labels, 'object'));
  const TEMPLATE_LABELS = 'spec.template.metadata.labels';
  const templateLabelPaths = paths.filter(
    (p) => p.startsWith(`${TEMPLATE_LABELS}.`) && p !== `${TEMPLATE_LABELS}.pod-template-hash`,
  );
  calls.push(...labelCall(templateLabelPaths, TEMPLATE_LABELS, templateLabels(after), 'podTemplate'));
  paths = paths.filter((p) => !p.startsWith('metadata.labels.') && !p.startsWith(`${TEMPLATE_LABELS}.`));
  // Where the pods may run: the nodeSelector and the required node affinity, each whole.
  const podSpec = (o: KubeObject) =>
    ((o.spec as { template?: { spec?: Record<string, unknown> } } | undefined)?.template?.spec ?? {}) as {
      nodeSelector?: Record<string, string>;
      affinity?: {
        nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown[] } };
      };
    };
  const REQUIRED = 'spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution';
  const placement: Record<string, unknown> = {};
  if (paths.some((p) => p.startsWith('spec.template.spec.nodeSelector.')))
    placement['nodeSelector'] = podSpec(after).nodeSelector ?? {};
  if (paths.some((p) => p.startsWith(`${REQUIRED}.`)))
    placement['requiredNodeAffinity'] =
      podSpec(after).affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms ?? [];
  if (Object.keys(placement).length > 0) {
    calls.push({ tool: 'set_node_placement', args: { ...written, deployment: entry.name, ...placement } });
    paths = paths.filter(
      (p) => !p.startsWith('spec.template.spec.nodeSelector.') && !p.startsWith(`${REQUIRED}.`),
    );
  }
  // kubectl rollout restart: the pod template's restartedAt annotation.
  const RESTARTED_AT = 'spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt';
  if (paths.includes(RESTARTED_AT)) {
    calls.push({ tool: 'restart_deployment', args: { ...written, name: entry.name } });
    paths = paths.filter((p) => p !== RESTARTED_AT);
  }
  const byContainer = new Map<
    string,
    { resources: string[]; image: boolean; lists: Set<'command' | 'args'>; probes: Set<string>; env: boolean }
  >();
  const CONTAINER = /^spec\.template\.spec\.containers\.([^.]+)\.(.+)$/;
  const PROBE = /^(readiness|liveness|startup)Probe\./;
  for (const p of paths) {
    if (p === 'spec.replicas') {
      calls.push({
        tool: 'scale_deployment',
        args: { ...written, name: entry.name, replicas: afterSpec.replicas },
      });
      continue;
    }
    const m = CONTAINER.exec(p);
    const field = m?.[2] ?? '';
    const list = /^(command|args)\.\d+$/.exec(field)?.[1] as 'command' | 'args' | undefined;
    const probe = PROBE.exec(field)?.[1];
    // An env entry set to a value or a Secret or ConfigMap key (what set_env writes); a fieldRef is not.
    const env = /^env\.[^.]+\.(name|value|valueFrom\.(secretKeyRef|configMapKeyRef)\.(name|key))$/.test(
      field,
    );
    if (
      m &&
      (field === 'image' || /^resources\.(requests|limits)\.[^.]+$/.test(field) || list || probe || env)
    ) {
      const c = byContainer.get(m[1]!) ?? {
        resources: [],
        image: false,
        lists: new Set(),
        probes: new Set(),
        env: false,
      };
      if (field === 'image') c.image = true;
      else if (list) c.lists.add(list);
      else if (probe) c.probes.add(probe);
      else if (env) c.env = true;
      else c.resources.push(field);
      byContainer.set(m[1]!, c);
      continue;
    }
    unmapped.push(p);
  }
  type EnvEntry = { name: string; value?: string; valueFrom?: Record<string, unknown> };
  type Spec = {
    name: string;
    image?: string;
    resources?: Record<string, Record<string, unknown>>;
    command?: string[];
    args?: string[];
    env?: EnvEntry[];
    [probe: `${string}Probe`]: unknown;
  };
  const containersOf = (o: KubeObject) =>
    ((o.spec as { template?: { spec?: { containers?: unknown[] } } }).template?.spec?.containers ??
      []) as Spec[];
  const containers = containersOf(after);
  for (const [name, c] of byContainer) {
    const spec = containers.find((x) => x.name === name);
    if (c.resources.length > 0) {
      const sides: Record<string, Record<string, unknown>> = {};
      for (const field of c.resources) {
        const [, side, res] = field.split('.') as [string, string, string];
        sides[side] = { ...sides[side], [res]: spec?.resources?.[side]?.[res] ?? null };
      }
      calls.push({
        tool: 'set_resources',
        args: { ...written, deployment: entry.name, container: name, ...sides },
      });
    }
    if (c.image)
      calls.push({
        tool: 'set_image',
        args: { ...written, deployment: entry.name, container: name, image: spec?.image ?? null },
      });
    if (c.lists.size > 0)
      calls.push({
        tool: 'set_command',
        args: {
          ...written,
          deployment: entry.name,
          container: name,
          ...Object.fromEntries([...c.lists].map((l) => [l, spec?.[l] ?? []])),
        },
      });
    if (c.env) {
      const was = new Map(
        (containersOf(before).find((x) => x.name === name)?.env ?? []).map((e) => [e.name, e]),
      );
      const now = spec?.env ?? [];
      const set = now
        // A fieldRef (or anything else set_env cannot write) stays among the unmapped paths.
        .filter(
          (e) =>
            canonical(e) !== canonical(was.get(e.name)) &&
            !(e.valueFrom && !('secretKeyRef' in e.valueFrom || 'configMapKeyRef' in e.valueFrom)),
        )
        .map((e) => {
          const from = e.valueFrom as { secretKeyRef?: unknown; configMapKeyRef?: unknown } | undefined;
          return from?.secretKeyRef
            ? { name: e.name, secretKeyRef: from.secretKeyRef }
            : from?.configMapKeyRef
              ? { name: e.name, configMapKeyRef: from.configMapKeyRef }
              : { name: e.name, value: e.value ?? '' };
        });
      const remove = [...was.keys()].filter((n) => !now.some((e) => e.name === n));
      if (set.length > 0 || remove.length > 0)
        calls.push({
          tool: 'set_env',
          args: {
            ...written,
            deployment: entry.name,
            container: name,
            ...(set.length ? { set } : {}),
            ...(remove.length ? { remove } : {}),
          },
        });
    }
    for (const probe of c.probes)
      calls.push({
        tool: 'set_probe',
        args: {
          ...written,
          deployment: entry.name,
          container: name,
          probe,
          spec: spec?.[`${probe}Probe`] ?? null,
        },
      });
  }
  return { calls, unmapped };
}

/** The tool a read of this kind stands for: a list, and a get of one object. */
const READS: Record<string, { list: string; get: string }> = {
  Pod: { list: 'list_pods', get: 'describe_pod' },
  Event: { list: 'get_events', get: 'get_events' },
  Deployment: { list: 'list_deployments', get: 'describe_deployment' },
  ReplicaSet: { list: 'get_rollout_history', get: 'get_rollout_history' },
  Service: { list: 'list_services', get: 'describe_service' },
  Node: { list: 'list_nodes', get: 'describe_node' },
};

function readCalls(verb: 'list' | 'get', kind: string, namespace?: string, name?: string): ToolCall[] {
  const args: Record<string, unknown> = {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
  };
  const known = READS[kind];
  if (known) return [{ tool: known[verb], args }];
  if (verb === 'list') return [{ tool: 'list_resources', args: { kind, ...args } }];
  // A get of another kind: what get_resource and describe_resource would have shown.
  return [
    { tool: 'get_resource', args: { kind, ...args } },
    { tool: 'describe_resource', args: { kind, ...args } },
  ];
}

/**
 * Serves a scenario's world (its `cluster`) on https://127.0.0.1 with the Kubernetes API, for any
 * client: writes a kubeconfig with a bearer token whose default namespace is the scenario's, and
 * records every request, every read (as the tool call it stands for) and every mutation (with the
 * tool calls it amounts to) in an audit log, optionally written as JSON lines while serving.
 */
export async function serveScenario(
  scenario: Scenario,
  options: ServeScenarioOptions = {},
): Promise<ServedWorld> {
  const cluster = createSimCluster(scenario.cluster, { clock: options.clock ?? 'wall' });
  const audit: AuditRecord[] = [];
  const reads: ToolCall[] = [];
  const mutations: ServedMutation[] = [];
  let fd = options.auditFile !== undefined ? openSync(options.auditFile, 'w') : undefined;
  let seq = 0;
  const t0 = Date.parse(cluster.world.now);
  // The simulated time as of the last call, read without moving the clock.
  const stamp = () => ({
    seq: ++seq,
    at: new Date().toISOString(),
    simTime: new Date(t0 + cluster.elapsedSeconds * 1000).toISOString().replace('.000Z', 'Z'),
  });
  const record = (r: AuditRecord) => {
    audit.push(r);
    if (fd !== undefined) writeSync(fd, `${JSON.stringify(r)}\n`);
    options.onAudit?.(r);
  };
  let server: ApiServer | undefined;
  let requestsSeen = 0;
  let lastMethod = '';
  // serveCluster notes each request (method and path) before it calls the cluster: take them as they come.
  const drainRequests = () => {
    const all = server?.requests ?? [];
    for (; requestsSeen < all.length; requestsSeen++) {
      const line = all[requestsSeen]!;
      const space = line.indexOf(' ');
      lastMethod = line.slice(0, space);
      record({ type: 'request', ...stamp(), method: lastMethod, path: line.slice(space + 1) });
    }
  };
  const noteRead = (calls: ToolCall[]) => {
    for (const c of calls) {
      reads.push(c);
      record({ type: 'read', ...stamp(), tool: c.tool, args: c.args });
    }
  };

  // The API server calls these on the cluster object: wrap them on this instance to observe them.
  const now = cluster.now.bind(cluster);
  const list = cluster.list.bind(cluster);
  const get = cluster.get.bind(cluster);
  const podLogs = cluster.podLogs.bind(cluster);
  const podMetrics = cluster.podMetrics.bind(cluster);
  const patch = cluster.patch.bind(cluster);
  const create = cluster.create.bind(cluster);
  const del = cluster.delete.bind(cluster);
  cluster.now = async (o) => {
    drainRequests();
    return now(o);
  };
  cluster.list = async (q: ListQuery, o) => {
    drainRequests();
    const out = await list(q, o);
    noteRead(readCalls('list', cluster.kindInfo(q.kind).kind, q.namespace));
    return out;
  };
  cluster.get = async (ref: ObjectRef, o) => {
    drainRequests();
    const out = await get(ref, o);
    const info = cluster.kindInfo(ref.kind);
    // A DELETE reads the object first; that is no read of the client's.
    if (lastMethod !== 'DELETE')
      noteRead(readCalls('get', info.kind, info.namespaced ? ref.namespace : undefined, ref.name));
    return out;
  };
  cluster.podLogs = async (q: LogQuery, o) => {
    drainRequests();
    const out = await podLogs(q, o);
    noteRead([
      {
        tool: 'get_pod_logs',
        args: {
          namespace: q.namespace,
          name: q.name,
          ...(q.container ? { container: q.container } : {}),
          ...(q.previous ? { previous: true } : {}),
        },
      },
    ]);
    return out;
  };
  cluster.podMetrics = async (namespace?: string, o?) => {
    drainRequests();
    const out = await podMetrics(namespace, o);
    noteRead([{ tool: 'get_pod_metrics', args: namespace !== undefined ? { namespace } : {} }]);
    return out;
  };
  const noteMutation = (before: KubeObject | undefined, replicaSets: KubeObject[]) => {
    const log = cluster.auditLog();
    for (let i = mutations.length; i < log.length; i++) {
      const entry = log[i]!;
      const after = cluster.find(entry.kind, entry.name, entry.namespace);
      const { calls, unmapped } = toolCallsFor(
        entry,
        before,
        entry.verb === 'delete' ? undefined : after,
        replicaSets,
      );
      const m: ServedMutation = {
        seq: mutations.length + 1,
        verb: entry.verb,
        kind: entry.kind,
        name: entry.name,
        ...(entry.namespace !== undefined ? { namespace: entry.namespace } : {}),
        ...(entry.patch ? { patch: entry.patch } : {}),
        calls,
        unmapped,
        entry,
      };
      mutations.push(m);
      record({
        type: 'mutation',
        ...stamp(),
        verb: m.verb,
        kind: m.kind,
        ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
        name: m.name,
        ...(m.patch ? { patch: m.patch } : {}),
        ...(entry.object ? { object: entry.object } : {}),
        calls,
        unmapped,
      });
    }
  };
  const beforeOf = (ref: ObjectRef) => {
    const info = cluster.kindInfo(ref.kind);
    const ns = info.namespaced ? (ref.namespace ?? 'default') : undefined;
    return {
      before: cluster.find(info.kind, ref.name, ns),
      replicaSets: info.kind === 'Deployment' ? cluster.listNow({ kind: 'ReplicaSet', namespace: ns }) : [],
    };
  };
  cluster.patch = async (ref: ObjectRef, p: Patch, o) => {
    drainRequests();
    const { before, replicaSets } = beforeOf(ref);
    try {
      return await patch(ref, p, o);
    } finally {
      noteMutation(before, replicaSets);
    }
  };
  cluster.create = async (obj: KubeObject, o) => {
    drainRequests();
    try {
      return await create(obj, o);
    } finally {
      noteMutation(undefined, []);
    }
  };
  cluster.delete = async (ref: ObjectRef, o) => {
    drainRequests();
    const { before } = beforeOf(ref);
    try {
      return await del(ref, o);
    } finally {
      noteMutation(before, []);
    }
  };

  const tempDir =
    options.kubeconfigPath === undefined ? mkdtempSync(join(tmpdir(), 'sre-harness-sim-')) : undefined;
  const kubeconfigPath = options.kubeconfigPath ?? join(tempDir!, 'kubeconfig');
  try {
    server = await serveCluster(cluster, {
      kubeconfigPath,
      namespace: scenario.namespace,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.wallTimestamps ? { wallTimestamps: true } : {}),
    });
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw e;
  }
  const api = server;
  let closing: Promise<void> | undefined;
  return {
    scenario,
    cluster,
    server: api,
    task: taskFor(scenario),
    namespace: scenario.namespace,
    kubeconfigPath,
    port: api.port,
    url: api.url,
    audit: () => {
      drainRequests();
      return audit;
    },
    reads: () => reads,
    mutations: () => mutations,
    close: () => {
      closing ??= (async () => {
        await api.close();
        drainRequests();
        if (fd !== undefined) {
          closeSync(fd);
          fd = undefined;
        }
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
