import { ageSeconds, lastRestartAgo } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { glossOf } from './log-glosses.js';
import { RECENT } from './recent-pods.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  type Read,
  setEnvFix,
} from './types.js';

export const isReplicaSets = (kind: unknown) => /^(rs|replicasets?)$/i.test(String(kind));
/** A pod's ReplicaSet: its name without the pod's own five-character suffix. */
const replicaSetOf = (pod: string) => pod.replace(/-[bcdfghjklmnpqrstvwxz2-9]{5}$/, '');
/** A line of `describe_resource`'s flattened spec under the pod template: `  template.spec.containers[0].image: x`. */
const TEMPLATE_LINE = /^\s{0,8}template\.([\w.[\]/-]{1,300}): (.{0,2000})$/;
const CONTAINER_KEY = /^spec\.containers\[(\d{1,2})\]\.(.+)$/;
/** Keys a rollout changes without changing what runs: the template hash, a restart stamp. */
const IGNORED =
  /^metadata\.labels\.pod-template-hash$|^metadata\.annotations\.kubectl\.kubernetes\.io\/restartedAt$/;

/**
 * Settings whose names say little to someone who does not know the program, with what they do, for
 * the answer: matched against the changed variable's name.
 */
const GLOSSES: readonly { readonly name: RegExp; readonly text: string }[] = [
  // librdkafka's CONFIGURATION.md and Kafka's producer configs: linger.ms (queue.buffering.max.ms) is
  // how long the producer waits for more messages before it sends a batch.
  {
    name: /LINGER/i,
    text: 'linger.ms (queue.buffering.max.ms in librdkafka) is how long a Kafka producer waits to fill a batch before it sends; at 0 it sends at once, so batches carry a message or two (few messages per request) and the same traffic needs many more produce requests, which can back up the producer queue until messages time out',
  },
];

/**
 * Variables a runtime reads at start that change how the process itself runs (its allocator, heap, GC,
 * threads, preloaded libraries), whatever the program: removing one changes behaviour without any code
 * change. From each runtime's documentation (ld.so(8), glibc's tunables, the JVM's launcher, Node's
 * CLI, Go's runtime package, CPython's and CRuby's, .NET's GC settings).
 */
const RUNTIME =
  /^(?:LD_PRELOAD|LD_LIBRARY_PATH|MALLOC_[A-Z0-9_]{1,40}|GLIBC_TUNABLES|JEMALLOC_[A-Z0-9_]{1,40}|JAVA_OPTS|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|NODE_OPTIONS|UV_THREADPOOL_SIZE|GOMEMLIMIT|GOGC|GOMAXPROCS|GODEBUG|PYTHONMALLOC|RUBY_GC_[A-Z0-9_]{1,40}|RUBY_YJIT_ENABLE|DOTNET_GC[A-Za-z0-9_]{1,40}|DOTNET_gc[A-Za-z0-9_]{1,40})$/;
/** What a removed runtime variable did, for the answer (matched on its name and, where given, its value). */
const RUNTIME_WHAT: readonly { name: RegExp; value?: RegExp; text: string }[] = [
  {
    name: /^LD_PRELOAD$/,
    value: /jemalloc/,
    text: "LD_PRELOAD loaded the jemalloc allocator into the process; without it the process falls back to glibc's malloc, whose per-thread arenas fragment memory in a many-threaded worker, so its RSS keeps growing while its own heap stays flat, until the container's memory limit kills it",
  },
  {
    name: /^LD_PRELOAD$/,
    value: /tcmalloc/,
    text: "LD_PRELOAD loaded the tcmalloc allocator into the process; without it the process falls back to glibc's malloc, which fragments memory in a many-threaded process",
  },
  { name: /^LD_PRELOAD$/, text: 'LD_PRELOAD loads a shared library into the process before any other' },
  {
    name: /^MALLOC_/,
    text: "a glibc malloc tunable (MALLOC_ARENA_MAX bounds the allocator's arenas, and so its fragmentation)",
  },
  { name: /JAVA|JDK_/, text: "the JVM's options: heap size, GC and system properties" },
  { name: /^NODE_OPTIONS$/, text: "Node's options, such as the heap's --max-old-space-size" },
  { name: /^GO/, text: "the Go runtime's memory limit, GC target or thread count" },
];

/** One change the latest rollout made to a container of the pod template. */
export interface Change {
  readonly container: string;
  /** `env NAME`, `image`, `args`, `command`, or the field's path under the container. */
  readonly field: string;
  readonly env?: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
}

/**
 * How a variable the template reads from elsewhere is shown in a change: `valueFrom secret <name>, entry
 * <key>` (a `secretKeyRef`), `valueFrom config map <name>, entry <key>`, `valueFrom field <path>`; the
 * `valueFrom ` prefix marks a value with no literal to put back. Undefined when the variable has none.
 */
function valueFrom(flat: ReadonlyMap<string, string>, at: string): string | undefined {
  for (const [ref, said] of [
    ['secretKeyRef', 'secret'],
    ['configMapKeyRef', 'config map'],
  ] as const) {
    const name = flat.get(`${at}.valueFrom.${ref}.name`);
    if (name !== undefined)
      return `${VALUE_FROM}${said} ${name}, entry ${flat.get(`${at}.valueFrom.${ref}.key`) ?? '?'}`;
  }
  const field = flat.get(`${at}.valueFrom.fieldRef.fieldPath`);
  if (field !== undefined) return `${VALUE_FROM}field ${field}`;
  const resource = flat.get(`${at}.valueFrom.resourceFieldRef.resource`);
  return resource !== undefined ? `${VALUE_FROM}resource ${resource}` : undefined;
}

/** The prefix of a variable's value in a `Change` that the template reads from a Secret, ConfigMap or field. */
export const VALUE_FROM = 'valueFrom ';

/** The pod template of a `describe_resource` ReplicaSet output, by container name and field. */
function template(text: string): Map<string, Map<string, string>> {
  const flat = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = line.length <= 2400 ? TEMPLATE_LINE.exec(line) : null;
    if (m && !IGNORED.test(m[1]!)) flat.set(m[1]!, m[2]!.trim());
  }
  const out = new Map<string, Map<string, string>>();
  const names = new Map<string, string>();
  for (const [k, v] of flat) {
    const m = CONTAINER_KEY.exec(k);
    if (m && m[2] === 'name') names.set(m[1]!, v);
  }
  for (const [k, v] of flat) {
    const m = CONTAINER_KEY.exec(k);
    if (!m) continue;
    const container = names.get(m[1]!) ?? `#${m[1]}`;
    const fields = out.get(container) ?? new Map<string, string>();
    out.set(container, fields);
    const env = /^env\[(\d{1,3})\]\.(name|value)$/.exec(m[2]!);
    if (env) {
      if (env[2] === 'name') {
        const at = `spec.containers[${m[1]}].env[${env[1]}]`;
        fields.set(`env ${v}`, flat.get(`${at}.value`) ?? valueFrom(flat, at) ?? '');
      }
      continue;
    }
    if (/^env\[/.test(m[2]!) || m[2] === 'name') continue;
    // Command and args lists compare as one line each.
    const list = /^(command|args)\[\d{1,3}\]$/.exec(m[2]!);
    if (list) fields.set(list[1]!, [fields.get(list[1]!), v].filter((x) => x !== undefined).join(' '));
    else fields.set(m[2]!, v);
  }
  return out;
}

/**
 * What changed from `before` to `after`, container by container (at most 12 changes): a container on
 * one side only (removed or added) first, its image first, so the cap never hides that it left or came.
 */
export function templateChanges(before: string, after: string): Change[] {
  const a = template(before);
  const b = template(after);
  const out: Change[] = [];
  const both = (c: string) => (a.has(c) && b.has(c) ? 1 : 0);
  for (const container of [...new Set([...a.keys(), ...b.keys()])].sort((p, q) => both(p) - both(q))) {
    const x = a.get(container) ?? new Map<string, string>();
    const y = b.get(container) ?? new Map<string, string>();
    const fields = [...new Set([...x.keys(), ...y.keys()])];
    if (!both(container)) fields.sort((p, q) => Number(q === 'image') - Number(p === 'image'));
    for (const field of fields) {
      if (x.get(field) === y.get(field)) continue;
      const env = field.startsWith('env ') ? field.slice(4) : undefined;
      out.push({ container, field, ...(env ? { env } : {}), before: x.get(field), after: y.get(field) });
      if (out.length >= 12) return out;
    }
  }
  return out;
}

function describeChange(c: Change): string {
  const show = (v: string | undefined) => (v === undefined ? 'unset' : `"${clip(v, 80)}"`);
  return `${c.field} ${show(c.before)} -> ${show(c.after)}`;
}

/**
 * How long ago a rollout may have been for its changes to be read as a lead when its change cause names
 * what the failures are about, in seconds: three days. Failures are often noticed a day or two after
 * the change that caused them (a nightly job, a weekly batch, traffic that builds up).
 */
const ROLLOUT_WINDOW = 3 * 24 * 3600;

/**
 * A Deployment of the namespace whose pods fail (logs or status), rolled out within the last day, or
 * within `ROLLOUT_WINDOW` when its change cause names what the failures are about.
 */
function candidate(ctx: AnalyzerContext): string | undefined {
  // Deployments only (a Job's pods are named after the Job): from the namespace's Deployment list.
  const deployments = new Set(
    outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).flatMap((o) =>
      parseTable(o.content).map((r) => r['NAME'] ?? ''),
    ),
  );
  const rows = namespacePods(ctx);
  const owners = new Map<string, { recent: boolean; lately: boolean; failing: boolean }>();
  for (const r of rows) {
    const name = r['NAME'] ?? '';
    const owner = ownerName(name);
    if (owner === name) continue;
    const age = ageSeconds(r['AGE'] ?? '');
    const was = owners.get(owner) ?? { recent: true, lately: true, failing: false };
    // Restarting now counts too: a container killed again and again (OOMKilled between Running spells)
    // shows Running with a count that grows, its last restart minutes ago.
    const restarts = r['RESTARTS'] ?? '';
    const restarting =
      Number(/^\d{1,6}/.exec(restarts)?.[0] ?? 0) >= 3 && (lastRestartAgo(restarts) ?? Infinity) < 3600;
    owners.set(owner, {
      recent: was.recent && age !== undefined && age < RECENT,
      lately: was.lately && age !== undefined && age < ROLLOUT_WINDOW,
      failing: was.failing || restarting || /CrashLoopBackOff|Error|OOMKilled/.test(r['STATUS'] ?? ''),
    });
  }
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const owner = ownerName(String(o.args['name'] ?? ''));
    const e = owners.get(owner);
    if (e && errorLines(o.content.slice(-100_000)).length > 0) e.failing = true;
  }
  // Without the Deployment list, a pod named as a ReplicaSet names its pods (`<owner>-<hash>-<x>`) will do.
  const isDeployment = (owner: string) =>
    deployments.size > 0
      ? deployments.has(owner)
      : rows.some((r) => {
          const name = r['NAME'] ?? '';
          return ownerName(name) === owner && /-[a-z0-9]{6,10}-[a-z0-9]{5}$/.test(name);
        });
  return (
    [...owners].find(([owner, e]) => e.recent && e.failing && isDeployment(owner))?.[0] ??
    // Rolled out a few days ago: a lead only when its change cause names what its failures are about.
    [...owners].find(
      ([owner, e]) => e.lately && e.failing && isDeployment(owner) && causeEchoed(ctx, owner),
    )?.[0]
  );
}

/** The logs read of the deployment's pods in the namespace, oldest first. */
function deploymentLogs(ctx: AnalyzerContext, deployment: string) {
  return outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && ownerName(String(x.args['name'] ?? '')) === deployment,
  );
}

/** Common words of seven letters or more that say nothing of what a change or a failure is about. */
const PLAIN = new Set([
  'instead',
  'because',
  'between',
  'without',
  'another',
  'release',
  'version',
  'upgrade',
  'changes',
  'changed',
  'default',
  'enabled',
  'disabled',
  'increase',
  'decrease',
  'request',
  'requests',
  'service',
  'production',
  'failure',
  'failures',
  'failed',
  'previous',
  'rollback',
  'revision',
  'incident',
  'kubectl',
  'deployment',
  'deployments',
  'record',
  'restart',
  'restarted',
  'rollout',
]);

/**
 * Whether the change cause of the deployment's current revision names, by a word of seven letters or
 * more, what the error lines of its pods' logs are about (a cause "job heartbeat every 30s instead of
 * 5s" and a line "job 918233 has no heartbeat").
 */
function causeEchoed(ctx: AnalyzerContext, deployment: string): boolean {
  const cause = latestRevision(ctx, deployment)?.cause;
  if (!cause) return false;
  // The cause's prose, not the command `kubectl --record` writes (its deployment, image and flags).
  const own = new Set(deployment.toLowerCase().split(/[^a-z]+/));
  const words = new Set(
    [...proseWords(cause.slice(0, 300))].filter((w) => w.length >= 7 && !PLAIN.has(w) && !own.has(w)),
  );
  if (words.size === 0) return false;
  return deploymentLogs(ctx, deployment).some((o) =>
    errorLines(o.content.slice(-100_000)).some(
      (l) => l.length <= 4000 && [...proseWords(l)].some((w) => words.has(w)),
    ),
  );
}

/**
 * The current revision of `deployment` in `ctx.ns` and its change cause, from the Deployment's
 * description (its revision and change-cause annotations) or else its rollout history (`2 (current)
 * <cause>   <images>`), whichever was read; undefined when neither was.
 */
export function latestRevision(
  ctx: AnalyzerContext,
  deployment: string,
): { n: number; cause: string | undefined } | undefined {
  const mine = (o: { args: Record<string, unknown> }) =>
    o.args['name'] === deployment && o.args['namespace'] === ctx.ns;
  const d = outputs(ctx.seen, 'describe_deployment', mine).pop();
  if (d) {
    const n = Number(/deployment\.kubernetes\.io\/revision=(\d{1,6})/.exec(d.content)?.[1] ?? 0);
    const cause = /kubernetes\.io\/change-cause=(.{1,300})$/m.exec(d.content)?.[1]?.trim();
    return { n, cause };
  }
  const h = outputs(ctx.seen, 'get_rollout_history', mine).pop();
  if (!h) return undefined;
  const current = parseTable(h.content).find((r) => /^\d{1,6} \(current\)$/.test(r['REVISION'] ?? ''));
  if (!current) return { n: 0, cause: undefined };
  const cause = current['CHANGE-CAUSE']?.trim();
  return {
    n: Number.parseInt(current['REVISION'] ?? '0', 10),
    cause: cause && cause !== '<none>' ? cause : undefined,
  };
}

/** The namespace's latest ReplicaSet list the run read, if any. */
function replicaSetList(ctx: AnalyzerContext) {
  return outputs(
    ctx.seen,
    'list_resources',
    (o) => isReplicaSets(o.args['kind']) && o.args['namespace'] === ctx.ns,
  ).pop();
}

/** The age of ReplicaSet `rs` in the namespace's latest ReplicaSet list, in seconds; undefined when not listed. */
export function replicaSetAge(ctx: AnalyzerContext, rs: string): number | undefined {
  const row = parseTable(replicaSetList(ctx)?.content ?? '').find((r) => r['NAME'] === rs);
  return ageSeconds(row?.['AGE'] ?? '');
}

/** The deployment's current ReplicaSet (its pods') and the one it replaced (the youngest other), once listed. */
function replicaSets(ctx: AnalyzerContext, deployment: string) {
  const list = replicaSetList(ctx);
  if (!list) return undefined;
  // The current set is the youngest pod's: mid-rollout the old set's pods are listed too, maybe first.
  const pods = namespacePods(ctx)
    .filter((r) => ownerName(r['NAME'] ?? '') === deployment)
    .map((r, i) => ({
      name: r['NAME'] ?? '',
      age: ageSeconds(r['AGE'] ?? '') ?? Number.POSITIVE_INFINITY,
      i,
    }))
    .sort((a, b) => a.age - b.age || a.i - b.i)
    .map((p) => p.name);
  const current = pods.map(replicaSetOf).find(Boolean);
  const mine = parseTable(list.content).filter((r) => {
    const name = r['NAME'] ?? '';
    return name.startsWith(`${deployment}-`) && !name.slice(deployment.length + 1).includes('-');
  });
  const previous = mine
    .filter((r) => r['NAME'] !== current)
    .sort((a, b) => (ageSeconds(a['AGE'] ?? '') ?? 0) - (ageSeconds(b['AGE'] ?? '') ?? 0))[0]?.['NAME'];
  return current && previous && mine.some((r) => r['NAME'] === current) ? { current, previous } : undefined;
}

/** The latest description of ReplicaSet `rs` in `ctx.ns` that the run read. */
export function described(ctx: AnalyzerContext, rs: string) {
  return outputs(
    ctx.seen,
    'describe_resource',
    (o) => isReplicaSets(o.args['kind']) && o.args['name'] === rs && o.args['namespace'] === ctx.ns,
  ).pop();
}

/**
 * The reads that show the two latest pod templates of `deployment`: the namespace's ReplicaSets first,
 * then the descriptions of its previous and current sets not read yet; with the two sets once the list
 * tells them apart (no reads and no sets when it does not).
 */
export function templateReads(
  ctx: AnalyzerContext,
  deployment: string,
): { reads: Read[]; sets?: { current: string; previous: string } } {
  const listed = outputs(
    ctx.seen,
    'list_resources',
    (o) => isReplicaSets(o.args['kind']) && o.args['namespace'] === ctx.ns,
  ).length;
  if (!listed)
    return { reads: [{ tool: 'list_resources', args: { kind: 'ReplicaSet', namespace: ctx.ns } }] };
  const sets = replicaSets(ctx, deployment);
  if (!sets) return { reads: [] };
  const reads = [sets.previous, sets.current]
    .filter((rs) => !described(ctx, rs))
    .map((rs) => ({ tool: 'describe_resource', args: { kind: 'ReplicaSet', name: rs, namespace: ctx.ns } }));
  return { reads, sets };
}

/**
 * The latest rollout's changes to a recently rolled, failing Deployment, once both templates were
 * read: the Deployment, its revision and change cause, the two ReplicaSets and the changed fields of
 * its app containers (undefined when none changed, unless `evenUnchanged`).
 */
export function latestRolloutChanges(ctx: AnalyzerContext, evenUnchanged = false) {
  const deployment = candidate(ctx);
  if (!deployment) return undefined;
  const rev = latestRevision(ctx, deployment);
  if (!rev || rev.n < 2) return undefined;
  const sets = replicaSets(ctx, deployment);
  const before = sets && described(ctx, sets.previous);
  const after = sets && described(ctx, sets.current);
  if (!sets || !before || !after) return undefined;
  const list = templateChanges(before.content, after.content);
  // `evenUnchanged`: the rollout too when its app containers did not change (an init container may have).
  return list.length > 0 || evenUnchanged ? { deployment, rev, sets, list } : undefined;
}

/**
 * The narrower repair of a rollback that was refused: undo the one change the latest rollout of
 * `deployment` (namespace `ctx.ns`) made to its pod template. Gives the reads still needed first (the
 * namespace's ReplicaSets, then the previous and current templates), then the change that undoes it:
 * `set_image` to the previous image, or `set_env` putting a variable back (its previous literal value, or
 * removing one the rollout added). Undefined when the rollout changed more than one field (those
 * `ignore` accepts, paths under the container such as `readinessProbe.periodSeconds`, aside), or a field
 * neither tool sets, or when the two ReplicaSets cannot be told apart from what was read.
 */
export function revertOneChange(
  ctx: AnalyzerContext,
  deployment: string,
  ignore?: (field: string) => boolean,
): { reads: Read[] } | { fix: NonNullable<Finding['fix']> } | undefined {
  const { reads, sets } = templateReads(ctx, deployment);
  if (reads.length > 0) return { reads };
  if (!sets) return undefined;
  const before = described(ctx, sets.previous);
  const after = described(ctx, sets.current);
  if (!before || !after) return undefined;
  // Which set ran later, by the revisions the Deployment controller wrote on them: the pods listed
  // first may be the old set's (mid-rollout). Another revision between the two (an earlier rollback
  // made an older set the previous one) leaves it unknown which ran last: nothing is undone then.
  let [was, now] = [before.content, after.content];
  const rp = revisionOf(was);
  const rc = revisionOf(now);
  if (rp !== undefined && rc !== undefined) {
    if (rp > rc) [was, now] = [now, was];
    if (Math.abs(rc - rp) !== 1) return undefined;
  }
  const all = templateChanges(was, now);
  // A list cut at its cap may hide more changes.
  if (all.length >= 12) return undefined;
  const changes = all.filter((x) => !ignore?.(x.field));
  if (changes.length !== 1) return undefined;
  const c = changes[0]!;
  // Every template line that differs must belong to that one change: a pod-level field (a volume, the
  // service account), a variable's valueFrom, or a value printed over several lines rules it out.
  if (!onlyFieldsOf(was, now, c, ignore)) return undefined;
  if (c.container.startsWith('#')) return undefined;
  const base = { namespace: ctx.ns, deployment, container: c.container };
  if (c.field === 'image' && c.before) {
    return {
      fix: {
        tool: 'set_image',
        args: { ...base, image: c.before },
        text: `set the image of container ${c.container} of ${deployment} back to ${c.before}, the one it ran before the rollout`,
      },
    };
  }
  const fix = envRevert(ctx.ns, deployment, c);
  return fix ? { fix } : undefined;
}

/**
 * The `set_env` that undoes one variable change of a rollout (`c`): removing a variable the rollout
 * added, or putting back its previous literal value. Undefined for a change of another field, or a
 * value the template read from a Secret or ConfigMap (no literal to put back).
 */
export function envRevert(
  ns: string,
  deployment: string,
  c: Change,
): NonNullable<Finding['fix']> | undefined {
  if (!c.env || c.container.startsWith('#')) return undefined;
  const base = { namespace: ns, deployment, container: c.container };
  if (c.before === undefined && c.after !== undefined) {
    return {
      tool: 'set_env',
      args: { ...base, remove: [c.env] },
      text: `remove ${c.env} from container ${c.container} of ${deployment}, which the rollout added`,
    };
  }
  if (!c.before || c.before.startsWith(VALUE_FROM)) return undefined;
  return {
    tool: 'set_env',
    args: { ...base, set: [{ name: c.env, value: c.before }] },
    text: `set ${c.env} of container ${c.container} of ${deployment} back to ${c.before}, its value before the rollout`,
  };
}

/** The `deployment.kubernetes.io/revision` a ReplicaSet's description carries, else undefined. */
function revisionOf(text: string): number | undefined {
  const m = /deployment\.kubernetes\.io\/revision[=:][ \t]{0,3}(\d{1,9})/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * The template fields of a ReplicaSet's description (`template.<path>: value`), by path, without the
 * pod-template-hash label; `multi` holds the paths whose value went on over more lines.
 */
function templateFields(text: string): { fields: Map<string, string>; multi: Set<string> } {
  const fields = new Map<string, string>();
  const multi = new Set<string>();
  let last: string | undefined;
  for (const line of text.split('\n').slice(0, 4000)) {
    const m = line.length <= 8000 ? /^[ \t]{1,8}template\.(\S{1,400}):(?: (.*))?$/.exec(line) : null;
    if (m) {
      last = m[1]!;
      if (last !== 'metadata.labels.pod-template-hash') fields.set(last, m[2] ?? '');
      continue;
    }
    // A section heading (`Status:`, `Events:`) or a key outside the template ends the value.
    if (/^(?:[A-Z][A-Za-z ]{0,40}:|[ \t]{1,8}[a-z][\w.[\]/-]{0,200}:(?: |$))/.test(line) || !line.trim()) {
      last = undefined;
      continue;
    }
    if (last) multi.add(last);
  }
  return { fields, multi };
}

/**
 * Whether every template field that differs between two ReplicaSet descriptions is a literal variable
 * (`env[i].name`/`env[i].value`) or a probe's field of an app container (`spec.containers[i]`), none
 * of them printed over several lines: a rollout that changed configuration only, not an image, a
 * command, resources, a volume, an init container or a variable's `valueFrom`.
 */
export function onlyVariablesAndProbes(was: string, now: string): boolean {
  const changed = changedFields(was, now);
  return (
    changed?.every((k) =>
      /^spec\.containers\[\d{1,3}\]\.(?:env\[\d{1,3}\]\.(?:name|value)|(?:readiness|liveness|startup)Probe\.\S{1,200})$/.test(
        k,
      ),
    ) === true
  );
}

/**
 * The template fields (paths under `template.`) whose values differ between two ReplicaSet
 * descriptions; undefined when one of them is printed over several lines (its value cannot be compared).
 */
function changedFields(was: string, now: string): string[] | undefined {
  const a = templateFields(was);
  const b = templateFields(now);
  const out: string[] = [];
  for (const k of new Set([...a.fields.keys(), ...b.fields.keys()])) {
    if (a.fields.get(k) === b.fields.get(k)) continue;
    if (a.multi.has(k) || b.multi.has(k)) return undefined;
    out.push(k);
  }
  return out;
}

/**
 * Whether every template field that differs between the two descriptions is a field of the one change
 * `c`: the image of its container, or that container's literal variables (names and values) for a
 * variable change; no field printed over several lines.
 */
function onlyFieldsOf(was: string, now: string, c: Change, ignore?: (field: string) => boolean): boolean {
  const a = templateFields(was);
  const b = templateFields(now);
  const index = [...a.fields, ...b.fields].find(
    ([k, v]) => k.endsWith('].name') && /^spec\.containers\[\d{1,3}\]\.name$/.test(k) && v === c.container,
  )?.[0];
  if (!index) return false;
  const prefix = index.slice(0, -'name'.length);
  const changed = changedFields(was, now);
  return (
    changed?.every((k) => {
      const under = /^spec\.containers\[\d{1,3}\]\.(.+)$/.exec(k)?.[1];
      if (ignore && under !== undefined && ignore(under)) return true;
      if (!k.startsWith(prefix)) return false;
      const field = k.slice(prefix.length);
      return c.field === 'image' ? field === 'image' : /^env\[\d{1,3}\]\.(?:name|value)$/.test(field);
    }) === true
  );
}

/** Lowercase letters and digits only: `leaseDuration`, `LEASE_DURATION` and `lease-duration` compare equal. */
const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Words of option names too common in log lines to link a line to an option. */
const GENERIC = new Set(['size', 'time', 'count', 'value', 'enable', 'enabled', 'level', 'mode', 'file']);

/** The words of an option's name: `-XX:MaxDirectMemorySize=64m` gives direct, memory, size (max is too short). */
function optionWords(token: string): string[] {
  const name = token.replace(/^-{1,2}(?:XX:|D)?[+-]?/, '').split('=')[0] ?? '';
  return (name.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [])
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 4);
}

/**
 * The failure line that names an option the rollout added to a variable's value (a JVM flag in
 * `JAVA_TOOL_OPTIONS`): two words of the option's name or more in the line (`Direct buffer memory` for
 * `-XX:MaxDirectMemorySize=64m`), with the option; undefined when none does.
 */
function optionFailure(
  ctx: AnalyzerContext,
  deployment: string,
  c: Change,
): { line: string; option: string } | undefined {
  if (c.before === undefined || c.after === undefined) return undefined;
  const was = new Set(c.before.split(/\s+/));
  const added = c.after
    .split(/\s+/)
    .filter((t) => t.startsWith('-') && !was.has(t))
    .slice(0, 8);
  for (const option of added) {
    const words = optionWords(option);
    if (words.length < 2) continue;
    for (const o of deploymentLogs(ctx, deployment)) {
      for (const line of errorLines(o.content.slice(-100_000))) {
        // Whole words only: "memory" inside "OutOfMemoryError" or "size" in `size=48MB` is no echo.
        const said = new Set(
          line
            .slice(0, 4000)
            .toLowerCase()
            .match(/[a-z]+/g) ?? [],
        );
        if (words.filter((w) => said.has(w) && !GENERIC.has(w)).length >= 2) return { line, option };
      }
    }
  }
  return undefined;
}

/**
 * Words of setting names that say what kind of value a setting holds, or name something every program
 * logs about, rather than what it governs: a failure line with one of them names no setting.
 */
const SETTING_GENERIC = new Set([
  'seconds',
  'timeout',
  'timeouts',
  'interval',
  'enabled',
  'disabled',
  'connection',
  'connections',
  'request',
  'requests',
  'memory',
  'maximum',
  'minimum',
  'default',
  'service',
  'server',
  'client',
  'address',
  'threshold',
  'duration',
  'millis',
  'retries',
  'attempts',
  'database',
  'endpoint',
  'hostname',
  'message',
  'messages',
  'timestamp',
  'exception',
  'logging',
  'verbose',
  'version',
]);

/**
 * The words of a setting's own name, lower case, without the sections it is filed under: the part after
 * the last `__` or `.` (`AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC` gives job, heartbeat, sec: the scheduler
 * section names every setting of the scheduler; `jobHeartbeatSec` the same words).
 */
function nameWords(variable: string): string[] {
  const own = variable.split(/__|\./).filter(Boolean).pop() ?? variable;
  return (own.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g) ?? []).map((w) => w.toLowerCase());
}

/**
 * The failure line of the deployment's pods that names a changed variable's setting: one of its words
 * that squashes to the whole name (`leaseDuration` for `LEASE_DURATION`), `exact`; else, the line that
 * names the one word of seven letters or more that says what the setting governs (`heartbeat` of
 * `AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC`), not `exact`. Undefined when none does.
 */
function settingFailure(
  ctx: AnalyzerContext,
  deployment: string,
  variable: string,
): { line: string; exact: boolean; word?: string } | undefined {
  const want = squash(variable);
  if (want.length < 6) return undefined;
  const logs = deploymentLogs(ctx, deployment);
  for (const o of logs) {
    for (const line of errorLines(o.content.slice(-100_000))) {
      if (line.length > 4000) continue;
      const words = line.match(/[A-Za-z][\w.-]{5,80}/g) ?? [];
      if (words.some((w) => squash(w) === want || (squash(w).length >= 8 && want.endsWith(squash(w)))))
        return { line, exact: true };
    }
  }
  const governs = nameWords(variable).filter((w) => w.length >= 7 && !SETTING_GENERIC.has(w));
  if (governs.length === 0) return undefined;
  for (const o of logs) {
    for (const line of errorLines(o.content.slice(-100_000))) {
      if (line.length > 4000) continue;
      const said = proseWords(line);
      const word = governs.find((w) => said.has(w));
      if (word) return { line, exact: false, word };
    }
  }
  return undefined;
}

/**
 * The words a line says in prose, lower case: its space-separated tokens stripped of the punctuation
 * around them, without those that are identifiers (a file, a logger, a path, a JSON key or a
 * `key=value`: any `_`, `.`, `/`, `"`, `=`, `:`, `{` or `[` left inside). Bounded: the first 4,000
 * characters.
 */
function proseWords(line: string): Set<string> {
  const out = new Set<string>();
  for (const token of line.slice(0, 4000).split(/\s+/)) {
    const t = token.replace(/^[("'[<]+|[)"'\],;:.!?>]+$/g, '');
    if (t.length === 0 || /[_./"=:{[\\]/.test(t)) continue;
    if (/^[A-Za-z][a-z]+$|^[A-Z]+$/.test(t)) out.add(t.toLowerCase());
  }
  return out;
}

/** Up to two lines of the deployment's logs, other than `line` and its repeats, that name `word` (the setting's): what else the log says of it. */
function linesNaming(ctx: AnalyzerContext, deployment: string, word: string, line: string): string[] {
  const out: string[] = [];
  // The failure line's own shape (numbers aside): its repeats say nothing new.
  const shapes = new Set<string>([line.replace(/\d+/g, '#')]);
  for (const o of deploymentLogs(ctx, deployment)) {
    for (const l of o.content.slice(-100_000).split('\n')) {
      // Here any whole word counts, in a key too (`latest_heartbeat older than 30s`): the line is context.
      if (l === line || l.length > 2000) continue;
      const words: readonly string[] = l.toLowerCase().match(/[a-z]+/g) ?? [];
      if (!words.includes(word)) continue;
      const shape = l.replace(/\d+/g, '#');
      if (shapes.has(shape)) continue;
      shapes.add(shape);
      out.push(l.trim());
      if (out.length >= 2) return out;
    }
  }
  return out;
}

/**
 * What the latest rollout changed in the pod template, where it fails: the template of a recently
 * rolled Deployment's current ReplicaSet against the one it replaced (what `kubectl rollout history
 * --revision` shows of each), read when its pods fail since the rollout. "What changed?" is the first
 * question of an incident, and a change cause rarely lists every value it touched. Notes the changed
 * fields (image, command, args, variables, resources); when a failure line names a variable the
 * rollout changed (`leaseDuration` for `LEASE_DURATION`), that change is the finding, and the fix
 * puts the variable back to its previous value (an approved `set_env`).
 */
export const rolloutDiffAnalyzer: Analyzer = {
  name: 'rollout-diff',
  // Its reads follow from the failing pods' own logs and status, before the budget goes to the rest.
  first: true,
  reads(ctx): Read[] {
    const deployment = candidate(ctx);
    if (!deployment) return [];
    // The revision comes from the rollout history or the Deployment's description, read by the
    // investigation itself or, late, by `rolloutHistoryAnalyzer`.
    const rev = latestRevision(ctx, deployment);
    if (!rev || rev.n < 2) return [];
    return templateReads(ctx, deployment).reads;
  },
  finds(ctx): Finding[] {
    const found = latestRolloutChanges(ctx);
    if (!found) return [];
    for (const c of found.list) {
      if (!c.env) continue;
      const named = settingFailure(ctx, found.deployment, c.env);
      const byOption = named?.exact ? undefined : optionFailure(ctx, found.deployment, c);
      const line = byOption?.line ?? named?.line;
      if (!line) continue;
      // Named by one word of the setting only: a weaker link, and what else the log says of that word.
      const loose = !byOption && named?.exact === false ? named.word : undefined;
      const also = loose ? linesNaming(ctx, found.deployment, loose, line) : [];
      // A variable removed while another of the same name in other letters or separators was added:
      // renamed, and the program reads the old name.
      const renamed =
        c.after === undefined
          ? found.list.find(
              (x) => x.env && x.env !== c.env && x.before === undefined && squash(x.env) === squash(c.env!),
            )?.env
          : undefined;
      const what = byOption
        ? `added ${byOption.option} to ${c.env} of container ${c.container} (from ${c.before === undefined ? 'unset' : `"${clip(c.before, 80)}"`} to "${clip(c.after ?? '', 100)}")`
        : renamed
          ? `renamed ${c.env} of container ${c.container} to ${renamed} (${renamed.toLowerCase() === c.env.toLowerCase() ? 'only the letter case differs' : 'the same words with other separators'}), so ${c.env} is no longer set`
          : `changed ${c.env} of container ${c.container} from ${c.before === undefined ? 'unset' : `"${clip(c.before, 80)}"`} to ${c.after === undefined ? 'unset' : `"${clip(c.after, 80)}"`}`;
      const restore =
        c.before === undefined
          ? undefined
          : setEnvFix(
              ctx.ns,
              found.deployment,
              c.container,
              [{ name: c.env, value: c.before }],
              `set ${c.env} of container ${c.container} back to "${c.before}", the value of the previous revision`,
            );
      return [
        {
          weight: loose ? 75 : 94,
          object: `deployment ${found.deployment}`,
          cause: loose
            ? `the latest rollout (revision ${found.rev.n}${found.rev.cause ? `: "${clip(found.rev.cause, 120)}"` : ''}) ${what}, and the program now fails on what that setting governs (its ${loose}): "${clip(line, 320)}"${also.length ? `; its log says of it too: ${also.map((l) => `"${clip(l, 160)}"`).join(', ')}` : ''}`
            : `the latest rollout (revision ${found.rev.n}${found.rev.cause ? `: "${clip(found.rev.cause, 120)}"` : ''}) ${what}, and the program now fails on that very setting: "${clip(line, 200)}"${glossOf(line) ? ` — ${glossOf(line)!.means}` : ''}`,
          evidence: [
            `describe_resource ReplicaSet ${found.sets.previous} (previous revision): ${c.env}=${c.before ?? 'unset'}`,
            `describe_resource ReplicaSet ${found.sets.current} (current): ${c.env}=${c.after ?? 'unset'}`,
            `get_pod_logs ${found.deployment}: "${clip(line, 150)}"`,
            ...also.map((l) => `get_pod_logs ${found.deployment}: "${clip(l, 150)}"`),
          ],
          ...(restore ? { fix: restore } : {}),
          advice: `put ${c.env} back to its earlier value (or to one the program accepts), then make the change again with a value that satisfies the program's own check`,
          revisionSound: true,
        },
      ];
    }
    const dropped = found.list.find(
      (c) => c.env && c.before !== undefined && c.after === undefined && RUNTIME.test(c.env),
    );
    // A template that now takes variables from a ConfigMap or Secret (envFrom) may still set it there.
    const fromSource = /^\s{0,8}template\.spec\.containers\[\d{1,2}\]\.envFrom\[/m.test(
      described(ctx, found.sets.current)?.content ?? '',
    );
    if (dropped?.env && dropped.before !== undefined && !fromSource) {
      // The image changed too: the variable is a likely cause, not the only change to undo.
      const imageToo = found.list.some((c) => c.container === dropped.container && c.field === 'image');
      const what = RUNTIME_WHAT.find(
        (w) => w.name.test(dropped.env!) && (!w.value || w.value.test(dropped.before!)),
      );
      return [
        {
          weight: imageToo ? 86 : 97,
          object: `deployment ${found.deployment}`,
          cause: `the latest rollout (revision ${found.rev.n}${found.rev.cause ? `: "${clip(found.rev.cause, 120)}"` : ''}) removed ${dropped.env} ("${clip(dropped.before, 100)}") from container ${dropped.container}, a variable that changes how the process itself runs${what ? ` (${what.text})` : ''}, and its pods fail since that rollout; ${imageToo ? 'the same rollout also changed the image, so the removed variable is a likely cause to put back first, not a certain one' : 'the program and its image are unchanged, so the removed variable is the change to undo'}`,
          evidence: [
            `describe_resource ReplicaSet ${found.sets.previous} (previous revision): ${dropped.env}=${clip(dropped.before, 100)}`,
            `describe_resource ReplicaSet ${found.sets.current} (current): ${dropped.env} unset`,
          ],
          fix: setEnvFix(
            ctx.ns,
            found.deployment,
            dropped.container,
            [{ name: dropped.env, value: dropped.before }],
            `set ${dropped.env} of container ${dropped.container} back to "${dropped.before}", the value of the previous revision`,
          ),
          advice: `put ${dropped.env} back (its value in the previous revision), and carry it into the new chart or manifest so the next rollout keeps it`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
  notes(ctx): string[] {
    const found = latestRolloutChanges(ctx);
    if (!found) return [];
    const glosses = GLOSSES.filter((g) => found.list.some((c) => c.env && g.name.test(c.env))).map(
      (g) => g.text,
    );
    const byContainer = new Map<string, string[]>();
    for (const c of found.list)
      byContainer.set(c.container, [...(byContainer.get(c.container) ?? []), describeChange(c)]);
    // A container whose image went from set to unset (or the other way) left the template (or joined
    // it): said as such, not as a list of fields unset.
    const image = (name: string) => found.list.find((c) => c.container === name && c.field === 'image');
    const said = [...byContainer]
      .map(([c, xs]) => {
        const i = image(c);
        if (i?.before !== undefined && i.after === undefined)
          return `the ${c} container (image "${clip(i.before, 100)}") was removed from the pod template`;
        if (i?.before === undefined && i?.after !== undefined)
          return `the ${c} container (image "${clip(i.after, 100)}") was added to the pod template`;
        return `container ${c}: ${xs.join('; ')}`;
      })
      .join('; ');
    return [
      `Revision ${found.rev.n} of deployment ${found.deployment} changed its pod template from the previous revision (ReplicaSet ${found.sets.current} against ${found.sets.previous}): ${said}.${glosses.length ? ` ${glosses.join(' ')}.` : ''}`,
    ];
  },
};

/**
 * The rollout history of a recently rolled Deployment whose pods fail, when neither it nor the
 * Deployment's description was read: the revision `rolloutDiffAnalyzer` and the bad-release signature
 * start from. Last in order, so it costs a step only when the budget has one to spare.
 */
export const rolloutHistoryAnalyzer: Analyzer = {
  name: 'rollout-history',
  reads(ctx): Read[] {
    const deployment = candidate(ctx);
    if (!deployment || latestRevision(ctx, deployment)) return [];
    return [{ tool: 'get_rollout_history', args: { namespace: ctx.ns, name: deployment } }];
  },
  finds: () => [],
};
