import { cutText } from '@sre-harness/core';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { memoByText, perSeen } from './memo.js';

/** A conclusion drawn from a failure signature, with what supports it and the fix it suggests. */
export interface Finding {
  /** Higher wins when several signatures match. */
  weight: number;
  object: string;
  cause: string;
  evidence: string[];
  fix?: { tool: string; args: Record<string, unknown>; text: string };
  /**
   * An equivalent, narrower change, tried once when `fix` is refused (not approved, not allowed): the
   * previous image of the one container a rollout changed, in place of rolling the whole revision back.
   */
  fallback?: { tool: string; args: Record<string, unknown>; text: string };
  advice?: string;
  /** The current revision is not at fault (a rollback would not help): no rollback is attached. */
  revisionSound?: true;
}

/** The `set_env` fix for one container of a deployment, as a finding carries it. */
export function setEnvFix(
  namespace: string,
  deployment: string,
  container: string,
  set: readonly Record<string, unknown>[],
  text: string,
): NonNullable<Finding['fix']> {
  return { tool: 'set_env', args: { namespace, deployment, container, set }, text };
}

/**
 * The `set_env` fix as a finding's spread: `{ fix }` when the container's deployment is known, `{}`
 * when it is not (a bare pod, a StatefulSet's), since `set_env` changes a deployment's template.
 */
export function envFix(
  namespace: string,
  deployment: string | undefined,
  container: string,
  set: readonly Record<string, unknown>[],
  text: string,
): Pick<Finding, 'fix'> {
  return deployment ? { fix: setEnvFix(namespace, deployment, container, set, text) } : {};
}

/** Namespaces the API server makes itself (kubernetes.io, "Namespaces": initial namespaces). */
const INITIAL = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Namespaces known to exist without listing them: the initial ones, any a successful read found an object
 * in (a description, a table with rows), and the NAMESPACE column of any table.
 */
export function knownNamespaces(seen: readonly SeenObservation[]): Set<string> {
  const out = new Set(INITIAL);
  for (const o of seen) {
    if (o.status !== 'ok') continue;
    const ns = o.args['namespace'];
    const rows = /^(?:list_|find_objects)/.test(o.tool) ? parseTable(o.content.slice(0, 200_000)) : [];
    if (typeof ns === 'string' && (/^(?:describe_|get_resource$)/.test(o.tool) || rows.length > 0))
      out.add(ns);
    for (const r of rows) if (r['NAMESPACE']) out.add(r['NAMESPACE']);
  }
  return out;
}

/** Whether a call's `kind` argument names Namespaces (`Namespace`, `namespaces`, `ns`, any case). */
export function ofNamespaceKind(o: SeenObservation): boolean {
  return /^(?:namespaces?|ns)$/i.test(String(o.args['kind']));
}

/** Whether the cluster's namespaces have been listed (a `list_resources` of Namespaces that succeeded). */
export function namespacesListed(seen: readonly SeenObservation[]): boolean {
  return outputs(seen, 'list_resources', ofNamespaceKind).length > 0;
}

/** The namespaces the cluster has, from the namespace lists read so far (empty before one is read). */
export function namespaceNames(seen: readonly SeenObservation[]): string[] {
  return outputs(seen, 'list_resources', ofNamespaceKind)
    .flatMap((o) => parseTable(o.content))
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean);
}

/**
 * The lines `search_pod_logs` outputs that `pred` accepts showed, with each line's `N:` (a match) or
 * `N-` (context) number prefix removed, oldest output first.
 */
export function searchedLines(
  seen: readonly SeenObservation[],
  pred: (o: SeenObservation) => boolean,
): string[] {
  // Only numbered lines: the tool's header (`4 line(s) match …`), its cut notice, a `Defaulted container`
  // line and the `--` between groups are not the log's.
  return numberedLines(outputs(seen, 'search_pod_logs', pred).flatMap((o) => o.content.split('\n')));
}

/** Of a search's output lines, the numbered ones (`N:` a match, `N-` context), their number removed. */
function numberedLines(lines: readonly string[]): string[] {
  return lines.filter((l) => /^\d{1,7}[:-]/.test(l)).map((l) => l.replace(/^\d{1,7}[:-]/, ''));
}

/**
 * The log lines one log output shows, with bounded work (see `boundedLogLines`): a `search_pod_logs`
 * output's numbered lines without their number (not its header or notices), or a `get_pod_logs` output's lines.
 */
export function logOutputLines(o: SeenObservation): string[] {
  const lines = boundedLogLines(o.content);
  return o.tool === 'search_pod_logs' ? numberedLines(lines) : lines;
}

/**
 * The lines of a log output an analyzer reads, with bounded work on any log: of its last 200,000
 * characters (cut on a code point, never inside a surrogate pair) the last `maxLines` lines, lines longer
 * than 4,000 characters passed over. The first line kept may be a fragment when the cut falls in it.
 */
export function boundedLogLines(content: string, maxLines = 2000): string[] {
  let text = content.length > 200_000 ? content.slice(-200_000) : content;
  const first = text.charCodeAt(0);
  if (first >= 0xdc00 && first <= 0xdfff) text = text.slice(1);
  return text
    .split('\n')
    .slice(-maxLines)
    .filter((l) => l.length <= 4000);
}

/**
 * The read that leads to the log of a Service's own pod in its namespace: the namespace's pod list
 * first, then the log of the pod named as the Service is (`events-mq-0` for `events-mq`), else up to the
 * Service's first word (`forgejo-…` for `forgejo-http`); undefined when the list has no such pod.
 */
export function servicePodRead(
  seen: readonly SeenObservation[],
  svc: { service: string; namespace: string },
): Read | undefined {
  const listed = podListOf(seen, svc.namespace);
  if (!listed) return { tool: 'list_pods', args: { namespace: svc.namespace } };
  const names = listed.content
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/)[0] ?? '')
    .filter(Boolean);
  const stem = svc.service.split('-')[0]!;
  const pod =
    names.find((n) => n === svc.service || n.startsWith(`${svc.service}-`)) ??
    names.find((n) => n === stem || n.startsWith(`${stem}-`));
  return pod ? { tool: 'get_pod_logs', args: { namespace: svc.namespace, name: pod } } : undefined;
}

/**
 * The notice the log tools print first when they cut a log's output to its tail (`[output cut: showing the
 * last 8000 of 30000 characters; use tail]`); the cut is by characters, so the line after it is a fragment.
 */
export const CUT_NOTICE = /^\[output cut: /;

/** Where a log's cut notice is among its first two lines (after kubectl's `Defaulted container …`), or -1. */
export function cutNoticeAt(lines: readonly string[]): number {
  return lines.slice(0, 2).findIndex((l) => CUT_NOTICE.test(l));
}

/**
 * A log's lines that the program itself logged, in order: not the tools' own notices (kubectl's `Defaulted
 * container "…"`, `(no log lines …)`, the cut notice) nor the fragment a cut leaves right after its notice.
 */
export function programLines(lines: readonly string[]): string[] {
  return lines.filter(
    (l, i) =>
      !/^\(no log lines|^Defaulted container "/.test(l) &&
      !CUT_NOTICE.test(l) &&
      !CUT_NOTICE.test(lines[i - 1] ?? ''),
  );
}

/** A StatefulSet's pod name: its set's name and its ordinal (`yb-master-2`, `zeebe-2`). */
export const ORDINAL = /^(.{1,60})-(\d{1,5})$/;

/** The names of the pods every `list_pods` read shows Running (any namespace). */
export function runningPodNames(seen: readonly SeenObservation[]): Set<string> {
  return new Set(
    tableOf(seen, 'list_pods')
      .filter((r) => r['STATUS'] === 'Running')
      .map((r) => r['NAME'] ?? ''),
  );
}

/**
 * Whether every pod of namespace `ns` in its latest unfiltered `list_pods` is Running with all its
 * containers ready, or finished (Completed, Succeeded); undefined before the namespace's pods are listed.
 */
export function allPodsReady(seen: readonly SeenObservation[], ns: string): boolean | undefined {
  const listed = podListOf(seen, ns);
  if (!listed) return undefined;
  return parseTable(listed.content).every(
    (r) =>
      /^(Completed|Succeeded)$/.test(r['STATUS'] ?? '') ||
      (r['STATUS'] === 'Running' && /^(\d+)\/\1$/.test(r['READY'] ?? '')),
  );
}

/**
 * The first pod of namespace `ns` whose read log (not `previous`) matches `re` and has no
 * `describe_pod` yet: its describe, the read a rule needs to see the pod's environment.
 */
export function describeLoggedPod(seen: readonly SeenObservation[], ns: string, re: RegExp): Read[] {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns && !x.args['previous'])) {
    if (!re.test(o.content.slice(-100_000))) continue;
    const name = String(o.args['name']);
    if (!outputs(seen, 'describe_pod', (x) => x.args['name'] === name).length)
      return [{ tool: 'describe_pod', args: { namespace: ns, name } }];
  }
  return [];
}

/**
 * The description read of the first pod of namespace `ns` whose log (current or previous) has a line
 * `test` accepts, when that pod was not described there yet; none otherwise. The shared first read of
 * the analyzers that take a fix's container and variables from the logging pod.
 */
export function describeFirstLogging(
  seen: readonly SeenObservation[],
  ns: string,
  test: (line: string) => boolean,
): Read[] {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    if (!boundedLogLines(o.content).some(test)) continue;
    const pod = String(o.args['name'] ?? '');
    const described = outputs(
      seen,
      'describe_pod',
      (d) => d.args['name'] === pod && (d.args['namespace'] ?? ns) === ns,
    );
    return described.length > 0 ? [] : [{ tool: 'describe_pod', args: { namespace: ns, name: pod } }];
  }
  return [];
}

/**
 * The pod rows of namespace `ns` from its latest unfiltered `list_pods`, or, when none was read yet,
 * the read that lists them.
 */
export function podsOf(
  seen: readonly SeenObservation[],
  ns: string,
): { rows: Record<string, string>[] } | { read: Read } {
  const listed = outputs(seen, 'list_pods', (o) => o.args['namespace'] === ns && !o.args['labelSelector']);
  if (listed.length === 0) return { read: { tool: 'list_pods', args: { namespace: ns } } };
  return { rows: listed.flatMap((o) => parseTable(o.content)) };
}

/**
 * The Running pods of namespace `ns` whose Deployment runs an image `image` matches (the IMAGES column of
 * `list_deployments`), or the pod list's read when it was not made. A Redis, a memcached, a Kafka broker found by
 * what it runs rather than by its name.
 */
export function runningPodsOfImage(
  seen: readonly SeenObservation[],
  ns: string,
  image: RegExp,
): Record<string, string>[] | { read: Read } {
  const pods = podsOf(seen, ns);
  if ('read' in pods) return pods;
  const deployments = new Set(
    tableOf(
      outputs(seen, 'list_deployments', (o) => (o.args['namespace'] ?? ns) === ns),
      'list_deployments',
    )
      .filter((r) => image.test(r['IMAGES'] ?? ''))
      .map((r) => r['NAME'] ?? ''),
  );
  return pods.rows.filter(
    (r) => deployments.has(podDeployment(r['NAME'] ?? '') ?? '') && r['STATUS'] === 'Running',
  );
}

/**
 * The Service a cluster DNS name names: `<service>.<namespace>.svc[.<cluster domain>]` (Kubernetes'
 * "DNS for Services and Pods"); with `short`, `<service>.<namespace>` counts too. Undefined otherwise.
 */
export function serviceHost(host: string, short = false): { service: string; namespace: string } | undefined {
  const m = (
    short
      ? /^([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})(?:\.svc(?:\.[a-z0-9.-]{0,100})?)?$/
      : /^([a-z0-9][a-z0-9-]{0,62})\.([a-z0-9][a-z0-9-]{0,62})\.svc(?:\.[a-z0-9.-]{0,100})?$/
  ).exec(host.replace(/\.$/, ''));
  return m ? { service: m[1]!, namespace: m[2]! } : undefined;
}

/**
 * Each container line of namespace `ns`'s `get_pod_metrics` reads, with its pod's name, restarts and
 * OOM kills from the pod's head line (`<pod>  restarts: 0  oomKills: 0 known`).
 */
export function metricLines(
  seen: readonly SeenObservation[],
  ns: string,
): { pod: string; restarts: number; oomKills: number; line: string }[] {
  const out: { pod: string; restarts: number; oomKills: number; line: string }[] = [];
  let head: RegExpExecArray | null = null;
  for (const l of outputs(seen, 'get_pod_metrics', (o) => o.args['namespace'] === ns)
    .map((o) => o.content)
    .join('\n')
    .split('\n')) {
    // A line that starts a pod (not indented) is its head; one this cannot read drops its containers.
    if (/^\S/.test(l)) head = /^(\S{1,253})\s+restarts:\s+(\d{1,6})\s+oomKills:\s+(\d{1,6})/.exec(l);
    else if (head) out.push({ pod: head[1]!, restarts: Number(head[2]), oomKills: Number(head[3]), line: l });
  }
  return out;
}

/** One read the investigation wants next. */
export interface Read {
  readonly tool: string;
  readonly args: Record<string, unknown>;
}

/** What an analyzer is given: the task, the namespace under investigation and every observation so far. */
export interface AnalyzerContext {
  readonly task: string;
  readonly ns: string;
  /** Words of the task that may name objects. */
  readonly hints: readonly string[];
  readonly seen: readonly SeenObservation[];
}

/**
 * One failure family, in the manner of k8sgpt's analyzers: which reads its signature needs (asked
 * for only when earlier observations point at the family) and what it finds in them. Analyzers read
 * tool output only; they never see a scenario or its expectations.
 */
export interface Analyzer {
  readonly name: string;
  reads(ctx: AnalyzerContext): Read[];
  finds(ctx: AnalyzerContext): Finding[];
  /** Things worth saying that are not faults (a state that is expected by design), for the answer. */
  notes?(ctx: AnalyzerContext): string[];
  /**
   * Its reads follow a signal strong enough (a node under pressure) to come before the scan's
   * follow-up reads of each failing pod, so a short step budget does not run out first.
   */
  readonly early?: true;
  /**
   * Its reads follow from the failing pods' own descriptions and logs (a refusal on a volume names the
   * spec to read), so they come right after those, before the reads of services and dependencies.
   */
  readonly first?: true;
}

const OUTPUTS_KEY = ['outputs'];

/** Successful outputs of one tool, oldest first (a new array). */
export function outputs(
  seen: readonly SeenObservation[],
  tool: string,
  pred: (o: SeenObservation) => boolean = () => true,
): SeenObservation[] {
  const of = perSeen(seen, OUTPUTS_KEY, () => successfulByTool(seen)).get(tool);
  return of === undefined ? [] : of.filter(pred);
}

/**
 * The distinct pod addresses of a `list_services` ENDPOINTS column (`10.244.0.13:8000,10.244.0.12:8000`),
 * their ports dropped; `<none>` and anything not an address left out; at most 500 entries read.
 */
export function endpointAddresses(column: string): string[] {
  return [
    ...new Set(
      column
        .split(',')
        .slice(0, 500)
        .map((e) => e.trim().replace(/:\d{1,5}$/, ''))
        .filter((e) => /^[\d.]{7,15}$|:/.test(e)),
    ),
  ];
}

/**
 * The lines of namespace `ns`'s pod descriptions and events: every successful `describe_pod`, then every
 * `get_events`, oldest first, each line with the output it came from. Bounded for hostile outputs: the
 * first 200,000 characters of each output are read and a line is cut at 2,000 characters (UTF-16 units;
 * the kubelet's and the controllers' event messages are far shorter).
 */
export function* podEventLines(
  seen: readonly SeenObservation[],
  ns: string,
): Generator<{ readonly line: string; readonly from: SeenObservation }> {
  for (const from of [
    ...outputs(seen, 'describe_pod', (x) => x.args['namespace'] === ns),
    ...outputs(seen, 'get_events', (x) => x.args['namespace'] === ns),
  ])
    for (const line of from.content.slice(0, 200_000).split('\n')) yield { line: line.slice(0, 2000), from };
}

/**
 * The latest successful `list_pods` of namespace `ns` without a label selector (every pod of the
 * namespace), or undefined when none was read.
 */
export function podListOf(
  seen: readonly SeenObservation[],
  ns: string | undefined,
): SeenObservation | undefined {
  const all = outputs(seen, 'list_pods', (o) => o.args['namespace'] === ns && !o.args['labelSelector']);
  return all[all.length - 1];
}

/** The names of the pods the namespace's latest full pod list shows as Completed (their containers exited 0). */
export function completedPods(seen: readonly SeenObservation[], ns: string | undefined): string[] {
  const listed = podListOf(seen, ns);
  if (!listed) return [];
  return parseTable(listed.content.slice(0, 200_000))
    .filter((r) => r['STATUS'] === 'Completed')
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean);
}

/** The successful outputs of `seen` by tool, each tool's oldest first. */
function successfulByTool(seen: readonly SeenObservation[]): Map<string, SeenObservation[]> {
  const by = new Map<string, SeenObservation[]>();
  for (const o of seen) {
    if (o.status !== 'ok') continue;
    const list = by.get(o.tool);
    if (list) list.push(o);
    else by.set(o.tool, [o]);
  }
  return by;
}

/**
 * For each `get_pod_logs` output of the namespace, oldest first, its first line (of the last 200,000
 * characters) that `test` accepts; logs without one are left out.
 */
export function loggedLines(
  seen: readonly SeenObservation[],
  ns: string,
  test: (line: string) => boolean,
): { log: SeenObservation; line: string }[] {
  const out: { log: SeenObservation; line: string }[] = [];
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
    const line = log.content.slice(-200_000).split('\n').find(test);
    if (line !== undefined) out.push({ log, line });
  }
  return out;
}

/**
 * The rows of every table `tool` printed, each output parsed on its own: tables of two namespaces have
 * their own column widths, so their joined text would not parse as one table.
 */
export function tableOf(seen: readonly SeenObservation[], tool: string): Record<string, string>[] {
  return outputs(seen, tool).flatMap((o) => parseTable(o.content));
}

/**
 * The whole-log search for `pattern` of the first current log of the namespace whose tail (its last
 * 200,000 characters) `wanted` accepts and that was not searched for `pattern` yet: for a rule whose
 * evidence a program printed far above the tail it shows (a version at start-up, an index list).
 */
export function searchFirstLog(
  ctx: AnalyzerContext,
  wanted: (tail: string) => boolean,
  pattern: string,
  maxMatches: number,
): Read[] {
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => x.args['namespace'] === ctx.ns && !x.args['previous'],
  )) {
    if (!wanted(o.content.slice(-200_000))) continue;
    const name = o.args['name'];
    if (
      outputs(ctx.seen, 'search_pod_logs', (x) => x.args['name'] === name && x.args['pattern'] === pattern)
        .length
    )
      continue;
    return [
      {
        tool: 'search_pod_logs',
        args: {
          namespace: ctx.ns,
          name,
          ...(o.args['container'] ? { container: o.args['container'] } : {}),
          pattern,
          context: 0,
          maxMatches,
        },
      },
    ];
  }
  return [];
}

/** The text of every successful output of a tool, joined. */
export function textOf(seen: readonly SeenObservation[], tool: string): string {
  return outputs(seen, tool)
    .map((o) => o.content)
    .join('\n');
}

/** Names listed by `list_resources` for a kind (case-insensitive kind match). */
export function listed(seen: readonly SeenObservation[], kind: string): { name: string; status: string }[] {
  const o = outputs(
    seen,
    'list_resources',
    (x) => String(x.args['kind']).toLowerCase() === kind.toLowerCase(),
  ).pop();
  if (!o || /^No /.test(o.content)) return [];
  return parseTable(o.content).map((r) => ({ name: r['NAME'] ?? '', status: r['STATUS'] ?? '' }));
}

/** The newest successful `describe_pod` output of pod `name` in namespace `ns`, if read. */
export function podDescription(
  seen: readonly SeenObservation[],
  ns: string,
  name: string,
): string | undefined {
  return outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns && o.args['name'] === name).pop()
    ?.content;
}

/** The `describe_resource` output for a kind and name, if read. */
export function described(seen: readonly SeenObservation[], kind: string, name: string): string | undefined {
  return outputs(
    seen,
    'describe_resource',
    (x) => String(x.args['kind']).toLowerCase() === kind.toLowerCase() && x.args['name'] === name,
  ).pop()?.content;
}

/** The value of a flattened `path: value` line of `describe_resource` (spec.storageClassName, status.phase). */
export function flat(text: string, path: string): string | undefined {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith(`${path}: `)) return t.slice(path.length + 2).trim();
  }
  return undefined;
}

const NAME_CHAR = /[a-z0-9-]/;

/** The mesh proxies injected as a sidecar container, by container name (Istio, Linkerd, Envoy, Consul). */
export const MESH_PROXY = /^(?:istio-proxy|linkerd-proxy|envoy|envoy-sidecar|consul-dataplane)$/;

/**
 * Whether `text` holds one of `names` as a whole name, case-insensitively: no letter, digit or dash either
 * side (`pad-db:5432` holds `pad-db`, `xpad-db` does not). Names shorter than `shortest` characters (three
 * unless given) never match.
 * Plain index scans, no regular expression built from the names.
 */
export function namesWhole(text: string, names: readonly string[], shortest = 3): boolean {
  const lower = text.toLowerCase();
  const part = (c: string | undefined) => c !== undefined && NAME_CHAR.test(c);
  return names.some((n) => {
    if (n.length < shortest) return false;
    for (let at = lower.indexOf(n); at >= 0; at = lower.indexOf(n, at + 1))
      if (!part(lower[at - 1]) && !part(lower[at + n.length])) return true;
    return false;
  });
}

/** Lines of a text that contain any of the words, case-insensitively (no regular expressions on untrusted text). */
export function linesWith(text: string, words: readonly string[]): string[] {
  const lower = words.map((w) => w.toLowerCase());
  return text.split('\n').filter((l) => {
    const t = l.toLowerCase();
    return lower.some((w) => t.includes(w));
  });
}

/**
 * Text for an answer: whitespace collapsed, at most `n` characters, cut at a word boundary when one
 * is near (so no name is quoted half) and never inside a surrogate pair, with ` …` where cut.
 */
export function clip(s: string, n = 160): string {
  const t = s.trim().replace(/\s+/g, ' ');
  if (t.length <= n) return t;
  const cut = cutText(t, n - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > n / 2 ? cut.slice(0, space) : cut} …`;
}

/**
 * `clip`, keeping in view the words that make the line matter (`permission denied` at the end of a
 * long structured log line): when they would be cut off, the quote starts shortly before them,
 * marked with `… `. Found by a case-insensitive string search.
 */
export function clipAround(s: string, words: string, n = 160): string {
  const t = s.trim().replace(/\s+/g, ' ');
  const at = t.toLowerCase().indexOf(words.toLowerCase());
  if (t.length <= n || at < 0 || at + words.length <= n - 2) return clip(t, n);
  let from = Math.max(0, at - Math.floor(n / 3));
  const space = t.indexOf(' ', from);
  if (space >= 0 && space < at) from = space + 1;
  // Not inside a surrogate pair.
  if (/[\uDC00-\uDFFF]/.test(t[from] ?? '')) from++;
  return `… ${clip(t.slice(from), n - 2)}`;
}

/**
 * A long message's start and end, for a nested error whose cause is its last part (`rpc error: … desc =
 * failed to setup network …: failed to lookup master "ens1f1": Link not found`): at most `n` characters,
 * whitespace collapsed, the two parts joined by " … ", neither cut inside a surrogate pair.
 */
export function clipEnds(s: string, n = 240): string {
  const t = s.trim().replace(/\s+/g, ' ');
  if (t.length <= n) return t;
  const half = Math.floor((n - 3) / 2);
  let head = t.slice(0, half);
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  let from = t.length - half;
  const space = t.indexOf(' ', from);
  if (space >= 0 && space < from + 30) from = space + 1;
  if (/[\uDC00-\uDFFF]/.test(t[from] ?? '')) from++;
  return `${head.trimEnd()} … ${t.slice(from)}`;
}

/** +6 when the name matches a word of the task, so the object the task is about wins ties. */
export function bonus(name: string, hints: readonly string[]): number {
  return hints.some((h) => name === h || name.startsWith(`${h}-`) || (h.length >= 5 && name.includes(h)))
    ? 6
    : 0;
}

/** The lines under a `Header:` line of a describe output, up to the next line that is not indented. */
export function section(text: string, header: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.trim() === `${header}:`);
  if (at < 0) return '';
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s/.test(l)) break;
    out.push(l);
  }
  return out.join('\n');
}

// How databases say the schema lacks what a query uses (PostgreSQL, MySQL, SQLite, their drivers).
const SCHEMA_BEHIND = [
  'UndefinedColumn',
  'UndefinedTable',
  'Unknown column',
  'no such column',
  'no such table',
  "doesn't exist",
  'does not exist',
];

/**
 * What a database error about a missing column or table means for the incident: the schema is
 * behind the code, so the migration that adds it has not run (or ran elsewhere). Undefined when the
 * line is not such an error. Plain substring tests, no regular expression on the log line.
 */
export function schemaGloss(line: string): string | undefined {
  const l = line.toLowerCase();
  const db = ['column', 'relation', 'table'].some((w) => l.includes(w));
  if (!db || !SCHEMA_BEHIND.some((w) => l.includes(w.toLowerCase()))) return undefined;
  return 'the database schema is behind the code: the column or table this release uses does not exist yet, so the schema migration that adds it has not been applied (the code and the schema are out of step); apply the migration (or deploy the release that carries it) before running this again';
}

/**
 * What a JVM's UnsupportedClassVersionError means: the classes were compiled for a newer Java than
 * the runtime in the image. Class file major version N is Java N − 44 (52 = 8, 55 = 11, 61 = 17,
 * 65 = 21; the JVM specification's class file versions table). Undefined for other lines.
 */
export function classVersionGloss(line: string): string | undefined {
  if (!line.includes('UnsupportedClassVersionError')) return undefined;
  const built = /class file version (\d{2})\.0/.exec(line)?.[1];
  const runs = /up to (\d{2})\.0/.exec(line)?.[1];
  const java = (v: string | undefined) =>
    v ? `Java ${Number(v) - 44} (class file version ${v}.0)` : undefined;
  return `the application was compiled for a newer Java than the runtime in its image: built for ${java(built) ?? 'a newer Java'}, while the image's JRE is ${java(runs) ?? 'older'} — the build's target and the runtime (base) image are out of step; run it on a base image with ${built ? `Java ${Number(built) - 44}` : 'the newer Java'} or compile for the older release`;
}

/** The run a pod belongs to: its name without the random suffix (its ReplicaSet, or its Job run). */
export function podRun(pod: string): string {
  return pod.slice(0, pod.lastIndexOf('-'));
}

/**
 * Pods of a `list_pods` table that are records of the past, not failures now: a Job run's failed
 * attempt beside a Completed retry of the same run, and an evicted pod (`Evicted`,
 * `ContainerStatusUnknown`, or `Error` where kubectl shows the container's last state and the pod's
 * description says `Reason: Evicted`, named in `evictedNames`) whose ReplicaSet (or, for a Deployment's pod of an older ReplicaSet, its
 * Deployment) has Running, Ready pods again (the kubelet evicted it, its
 * controller replaced it, and the pod object stays until deleted or garbage-collected). Keyed by
 * name, with what each is.
 */
export function pastPods(
  rows: readonly Record<string, string>[],
  evictedNames: ReadonlySet<string> = new Set(),
): Map<string, 'retried' | 'evicted'> {
  const ready = (r: Record<string, string>) => {
    const [a, b] = (r['READY'] ?? '').split('/');
    return a !== undefined && a === b;
  };
  const completed = new Set(
    rows.filter((r) => /^(Completed|Succeeded)$/.test(r['STATUS'] ?? '')).map((r) => podRun(r['NAME'] ?? '')),
  );
  const serving = new Set(
    rows.filter((r) => r['STATUS'] === 'Running' && ready(r)).map((r) => podRun(r['NAME'] ?? '')),
  );
  // A Deployment's pods: an evicted pod of an older ReplicaSet counts as replaced when the
  // Deployment's current ReplicaSet serves (a rollout since the eviction).
  const deployment = podDeployment;
  const servingDeployments = new Set(
    rows
      .filter((r) => r['STATUS'] === 'Running' && ready(r))
      .map((r) => deployment(r['NAME'] ?? ''))
      .filter((d): d is string => d !== undefined),
  );
  const out = new Map<string, 'retried' | 'evicted'>();
  for (const r of rows) {
    const name = r['NAME'] ?? '';
    const status = r['STATUS'] ?? '';
    if (/^(Error|Failed)$/.test(status) && completed.has(podRun(name))) out.set(name, 'retried');
    else if (
      (/^(Evicted|ContainerStatusUnknown)$/.test(status) ||
        (/^(Error|Failed|Completed)$/.test(status) && evictedNames.has(name))) &&
      (serving.has(podRun(name)) || servingDeployments.has(deployment(name) ?? ''))
    )
      out.set(name, 'evicted');
  }
  return out;
}

/**
 * The Deployment a pod's generated name says it belongs to (`<deployment>-<template hash>-<5>`), or
 * undefined when the name has not that shape. A CronJob run's pod (`<cronjob>-<scheduled minute>-<5>`,
 * the minute as 8 to 10 digits, as the CronJob controller names its Jobs) looks alike and is not a
 * Deployment's: a pod-template-hash is drawn from an alphabet of consonants and digits, and one of all
 * digits is not what Kubernetes prints in practice.
 */
export function podDeployment(pod: string): string | undefined {
  // The hash has no vowels (Kubernetes' SafeEncodeString alphabet); a word such as a Job's `-migrate-`
  // before a Job pod's suffix is not one.
  const m = /^([a-z0-9][a-z0-9.-]{0,252})-([b-df-hj-np-tv-z0-9]{6,10})-[a-z0-9]{5}$/.exec(pod);
  return m && !/^\d{8,10}$/.test(m[2]!) ? m[1] : undefined;
}

/**
 * A name's dash-separated parts that say it fronts other services (a reverse proxy, an ingress, an
 * edge or a gateway): matched as whole parts, so "ledgerly" does not read as "edge".
 */
export const FRONT_PART = /^(?:proxy|nginx|edge|gateway|ingress|front|frontend)$/;

/** Whether a namespace or workload name has a part that says it fronts other services. */
export const isFrontName = (name: string): boolean => name.split('-').some((part) => FRONT_PART.test(part));

/** The Deployment a pod description says owns it (`Controlled By: ReplicaSet/<deployment>-<hash>`). */
export function ownerDeployment(describe: string): string | undefined {
  return /Controlled By:\s*ReplicaSet\/(\S+)/.exec(describe)?.[1]?.replace(/-[a-z0-9]{5,10}$/, '');
}

/**
 * A finding's object for a pod: `deployment <owner> (pod <pod>)` when the pod's Deployment is known (see
 * `ownerDeployment`), else `pod <pod>`.
 */
export function podObject(owner: string | undefined, pod: string): string {
  return owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`;
}

/**
 * The workload a described pod belongs to, as an object name: `deployment x` (a ReplicaSet's pod),
 * `statefulset y`, `daemonset z`, `job j` from `Controlled By:`; else the Deployment its name implies, else
 * `pod <name>`.
 */
export function podOwnerObject(describe: string | undefined, pod: string): string {
  const m = describe
    ? /^Controlled By:\s{1,20}([A-Za-z]{1,40})\/([a-z0-9][a-z0-9.-]{0,252})$/m.exec(describe.slice(0, 20_000))
    : null;
  // A Deployment's ReplicaSet ends in its pod-template hash, written in Kubernetes' safe alphabet
  // (apimachinery's rand.SafeEncodeString: no vowels, no 0, 1 or 3); a ReplicaSet of its own does not.
  if (m?.[1] === 'ReplicaSet') {
    const hashed = /^(.{1,240})-[bcdfghjklmnpqrstvwxz2456789]{5,10}$/.exec(m[2]!);
    return hashed ? `deployment ${hashed[1]}` : `replicaset ${m[2]}`;
  }
  if (m) return `${m[1]!.toLowerCase()} ${m[2]}`;
  const d = podDeployment(pod);
  return d ? `deployment ${d}` : `pod ${pod}`;
}

/** The labels of a describe output (`Labels: a=b` and its indented continuation lines), by key. */
export function describedLabels(describe: string): Record<string, string> {
  const out: Record<string, string> = {};
  let inLabels = false;
  for (const line of describe.split('\n')) {
    const m = /^Labels:\s+(.*)$/.exec(line);
    const more = inLabels ? /^\s{2,}(\S.*)$/.exec(line) : null;
    if (!m && !more) {
      inLabels = false;
      continue;
    }
    inLabels = true;
    // kubectl prints a pod's labels one per line; the generic describe joins them with commas (label
    // values hold no commas, so splitting on them is safe for both).
    for (const part of (m?.[1] ?? more?.[1] ?? '').split(',')) {
      const kv = part.trim();
      const eq = kv.indexOf('=');
      if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  return out;
}

/**
 * One line of a container's `Mounts:` list as `kubectl describe pod` prints it (and `describe_pod` does):
 * `<mountPath> from <volume> (ro|rw[,path="<subPath>"])`, for example `/etc/app from settings (ro)` or
 * `/app/config.yaml from settings (rw,path="config.yaml")`.
 */
export interface DescribedMount {
  /** The mount path, as printed (`/etc/app`). */
  readonly path: string;
  /** The pod volume's name (its entry under `Volumes:`). */
  readonly volume: string;
  readonly readOnly: boolean;
  /** The key or path mounted with `subPath` (`path="key"`); undefined for a whole-volume mount. */
  readonly subPath?: string;
  /** The line, trimmed, for evidence. */
  readonly line: string;
}

/**
 * Every mount line of a describe text or of one container's section of it, in order. A line scan over
 * the first 100,000 characters, each line matched by one anchored pattern with bounded runs.
 */
export function describedMounts(text: string): DescribedMount[] {
  const out: DescribedMount[] = [];
  for (const line of text.slice(0, 100_000).split('\n')) {
    const m =
      /^[ \t]{1,40}(\/\S{0,300}) from ([a-z0-9][a-z0-9.-]{0,252}) \((r[ow])(?:,path="([^"]{1,253})")?\)\s*$/.exec(
        line,
      );
    if (!m) continue;
    out.push({
      path: m[1]!,
      volume: m[2]!,
      readOnly: m[3] === 'ro',
      ...(m[4] !== undefined ? { subPath: m[4] } : {}),
      line: line.trim(),
    });
  }
  return out;
}

/** One volume of a pod description's `Volumes:` section: its type line, Medium and the object it names. */
export interface DescribedVolume {
  readonly name: string;
  /** The `Type:` line's first word (EmptyDir, ConfigMap, Secret, PersistentVolumeClaim, …). */
  type: string;
  /** `Memory` for a memory-backed emptyDir. */
  medium: string;
  /** The ConfigMap, Secret or claim the volume names (`Name:`, `SecretName:`, `ClaimName:`). */
  source: string;
  /** An emptyDir's `SizeLimit:` as printed (`64Mi`); empty when unset or not an emptyDir. */
  sizeLimit: string;
  /** A HostPath or NFS volume's `Path:`; empty for other types. */
  path: string;
}

/** The volumes of a pod description, in order. */
export function describedVolumes(describe: string): DescribedVolume[] {
  const out: DescribedVolume[] = [];
  const lines = describe.split('\n');
  const at = lines.findIndex((l) => l.trim() === 'Volumes:');
  if (at < 0) return out;
  for (const l of lines.slice(at + 1)) {
    if (!/^\s/.test(l)) break;
    const head = /^ {2}([a-z0-9-]{1,63}):\s*$/.exec(l);
    if (head) {
      out.push({ name: head[1]!, type: '', medium: '', source: '', sizeLimit: '', path: '' });
      continue;
    }
    const v = out.at(-1);
    const field = /^\s+(Type|Medium|Name|SecretName|ClaimName|SizeLimit|Path):[ \t]*(\S*)/.exec(l);
    if (!v || !field) continue;
    if (field[1] === 'Type') v.type = field[2]!;
    else if (field[1] === 'Path') v.path = field[2]!;
    else if (field[1] === 'Medium') v.medium = field[2]!;
    else if (field[1] === 'SizeLimit') v.sizeLimit = field[2] === '<unset>' ? '' : field[2]!;
    else if (!v.source) v.source = field[2]!;
  }
  return out;
}

/**
 * The value of the first `Label: value` line of a describe output (indentation ignored), trimmed;
 * undefined when there is no such line or its value is empty. A line scan: `^\\s*` in a multi-line
 * pattern would backtrack over blank lines and could take the next line as the value.
 */
export function describedField(text: string, label: string): string | undefined {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.startsWith(`${label}:`)) return t.slice(label.length + 1).trim() || undefined;
  }
  return undefined;
}

/** The image a container section of a pod description shows (its `Image:` line), if any. */
export function containerImage(body: string): string | undefined {
  return /^\s{2,12}Image:\s{1,40}(\S{1,512})\s*$/m.exec(body)?.[1];
}

/** Splits a describe_pod text into container sections: name, whether it is an init container, its text. */
export const containerSections: (
  text: string,
) => readonly Readonly<{ name: string; init: boolean; body: string }>[] = memoByText(containerSectionsOf);

function containerSectionsOf(text: string): { name: string; init: boolean; body: string }[] {
  const out: { name: string; init: boolean; body: string }[] = [];
  const lines = text.split('\n');
  let section: 'init' | 'main' | undefined;
  let cur: { name: string; init: boolean; body: string[] } | undefined;
  const flush = () => {
    if (cur) out.push({ name: cur.name, init: cur.init, body: cur.body.join('\n') });
    cur = undefined;
  };
  for (const line of lines) {
    if (/^Init Containers:\s*$/.test(line)) {
      flush();
      section = 'init';
      continue;
    }
    if (/^Containers:\s*$/.test(line)) {
      flush();
      section = 'main';
      continue;
    }
    if (/^\S/.test(line)) {
      flush();
      section = undefined;
      continue;
    }
    const m = /^ {2}([a-z0-9][a-z0-9.-]*):\s*$/.exec(line);
    if (section && m) {
      flush();
      cur = { name: m[1]!, init: section === 'init', body: [] };
      continue;
    }
    cur?.body.push(line);
  }
  flush();
  return out;
}

/** The Last State / State block of a container section. */
export function stateBlock(
  body: string,
  which: 'State' | 'Last State',
): { state?: string; reason?: string; exit?: number } {
  const lines = body.split('\n');
  const i = lines.findIndex((l) => new RegExp(`^\\s*${which}:\\s*`).test(l));
  if (i < 0) return {};
  const head = /:\s*(\S+)/.exec(lines[i]!.trim().slice(which.length))?.[1];
  const indent = (lines[i]!.match(/^\s*/)?.[0].length ?? 0) + 1;
  const out: { state?: string; reason?: string; exit?: number } = head ? { state: head } : {};
  for (const l of lines.slice(i + 1)) {
    const ind = l.match(/^\s*/)?.[0].length ?? 0;
    if (ind < indent + 1 || l.trim() === '') break;
    const r = /^\s*Reason:\s*(\S+)/.exec(l);
    if (r) out.reason = r[1]!;
    const e = /^\s*Exit Code:\s*(\d+)/.exec(l);
    if (e) out.exit = Number(e[1]);
  }
  return out;
}

/**
 * The status of each condition type in a node description's `Conditions:` table (Ready,
 * MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable, and any a node-problem-detector adds):
 * type to `True`, `False` or `Unknown`.
 */
export function nodeConditions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of section(text, 'Conditions').split('\n')) {
    const [type, status] = line.trim().split(/\s+/);
    if (type && status && !out.has(type)) out.set(type, status);
  }
  return out;
}

/**
 * The reads that show a namespace's objects of one kind: `list_resources`, then up to `max` of the
 * listed objects read with `tool` (`describe_resource` for the flattened spec, `get_resource` for the
 * manifest), highest `rank` first when one is given (the list's order otherwise).
 */
export function listedReads(
  seen: readonly SeenObservation[],
  ns: string,
  kind: string,
  tool: 'describe_resource' | 'get_resource',
  max = 3,
  rank?: (name: string) => number,
): Read[] {
  const reads: Read[] = [{ tool: 'list_resources', args: { kind, namespace: ns } }];
  const list = outputs(
    seen,
    'list_resources',
    (o) => o.args['kind'] === kind && o.args['namespace'] === ns,
  ).pop();
  const names = (list ? parseTable(list.content) : []).map((r) => r['NAME'] ?? '').filter(Boolean);
  if (rank) names.sort((a, b) => rank(b) - rank(a));
  for (const name of names.slice(0, max)) reads.push({ tool, args: { kind, name, namespace: ns } });
  return reads;
}

/**
 * The reads not yet made successfully, in order: a read counts as made when an observation has its tool and
 * the same arguments, whatever their order (compared by sorted keys).
 */
export function unmadeReads(seen: readonly SeenObservation[], reads: readonly Read[]): Read[] {
  const made = new Set(seen.filter((o) => o.status === 'ok').map((o) => readKey(o.tool, o.args)));
  return reads.filter((r) => !made.has(readKey(r.tool, r.args)));
}

/**
 * One read's identity: its tool and its arguments in sorted key order. A `kind` is compared as written:
 * analyzers find their outputs by the kind they asked for, so a read made as `replicaset` does not stand
 * for one asked as `ReplicaSet`.
 */
export function readKey(tool: string, args: Record<string, unknown>): string {
  return `${tool}:${JSON.stringify(Object.fromEntries(Object.entries(args).sort(([a], [b]) => a.localeCompare(b))))}`;
}

/** The pods a node description lists under `Non-terminated Pods: (N in total)`. */
export function podsOnNode(text: string): { namespace: string; name: string }[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Non-terminated Pods:'));
  const out: { namespace: string; name: string }[] = [];
  for (const l of at < 0 ? [] : lines.slice(at + 2, at + 202)) {
    if (!/^\s/.test(l)) break;
    // kubectl's rule under the column names (`  ---------   ----`) is not a pod.
    if (/^\s+-{3,}/.test(l)) continue;
    const [namespace, name] = l.trim().split(/\s+/);
    if (namespace && name) out.push({ namespace, name });
  }
  return out;
}

/** The rows of the namespace's newest full `list_pods` (not a label-selected one), as parsed columns. */
export function namespacePods(ctx: AnalyzerContext): readonly Readonly<Record<string, string>>[] {
  return parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '');
}

/**
 * The crashing pods of the namespace's newest full pod list (STATUS CrashLoopBackOff or Error) that belong
 * to a workload (a name that is not its owner's) and whose description in the namespace was read: the
 * first such pod of each workload, in list order, with its owner and its description's text.
 */
export function crashingDescribed(ctx: AnalyzerContext): { pod: string; owner: string; described: string }[] {
  const out: { pod: string; owner: string; described: string }[] = [];
  for (const r of namespacePods(ctx)) {
    const pod = r['NAME'] ?? '';
    if (!/CrashLoopBackOff|^Error$/.test(r['STATUS'] ?? '')) continue;
    const owner = ownerName(pod);
    if (owner === pod || out.some((c) => c.owner === owner)) continue;
    const d = outputs(
      ctx.seen,
      'describe_pod',
      (o) => o.args['name'] === pod && o.args['namespace'] === ctx.ns,
    ).pop();
    if (d) out.push({ pod, owner, described: d.content });
  }
  return out;
}

/**
 * The data keys of a described Secret (`describe_resource Secret`: `key:  N bytes` lines under `Data`, as
 * kubectl describe prints them); empty when it shows no Data section. At most 20,000 characters are read.
 */
export function secretDataKeys(described: string): string[] {
  const at = described.indexOf('\nData\n');
  if (at < 0) return [];
  return [...described.slice(at, at + 20_000).matchAll(/^([\w.-]{1,253}):\s{1,40}\d{1,12} bytes$/gm)].map(
    (m) => m[1]!,
  );
}

/**
 * The latest `get_resource` output of ConfigMap `name` (in namespace `ns` when given), or undefined before
 * it is read: the `get_resource` twin of `described`.
 */
export function configMapText(
  seen: readonly SeenObservation[],
  name: string,
  ns?: string,
): string | undefined {
  return outputs(
    seen,
    'get_resource',
    (o) =>
      o.args['kind'] === 'ConfigMap' &&
      o.args['name'] === name &&
      (ns === undefined || o.args['namespace'] === ns),
  ).pop()?.content;
}

/** The `get_resource` reads in `ns` of the ConfigMaps `names` not read yet (in any namespace), at most `max`. */
export function unreadConfigMaps(
  seen: readonly SeenObservation[],
  ns: string,
  names: readonly string[],
  max: number,
): Read[] {
  return names
    .filter((name) => configMapText(seen, name) === undefined)
    .slice(0, max)
    .map((name) => ({ tool: 'get_resource', args: { kind: 'ConfigMap', name, namespace: ns } }));
}

/**
 * The reads that show a pod's configuration: its description when it was not read yet, else the `get_resource`
 * reads of the ConfigMaps it mounts (and, with `envFrom`, those its containers take every key of) not read
 * yet, at most `max`.
 */
export function podConfigReads(ctx: AnalyzerContext, pod: string, max: number, envFrom = false): Read[] {
  const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
  if (!d) return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } }];
  const maps = [...configMapVolumes(d.content), ...(envFrom ? envFromConfigMaps(d.content) : [])];
  return unreadConfigMaps(ctx.seen, ctx.ns, maps, max);
}

/** The ConfigMaps a described pod's containers take every key of (`<all keys from ConfigMap x>`). */
export function envFromConfigMaps(described: string): string[] {
  return [...described.matchAll(/<all keys from ConfigMap ([a-z0-9][a-z0-9.-]{0,252})>/g)].map((m) => m[1]!);
}

/**
 * The names of the first `max` Running pods of a `list_pods` table, one per workload (its Deployment or
 * other owner, by name), in the order listed.
 */
export function runningPerWorkload(listed: string, max: number): string[] {
  const owners = new Set<string>();
  const out: string[] = [];
  for (const r of parseTable(listed)) {
    const name = r['NAME'] ?? '';
    if (r['STATUS'] !== 'Running' || owners.has(ownerName(name))) continue;
    owners.add(ownerName(name));
    if (owners.size > max) break;
    out.push(name);
  }
  return out;
}

/**
 * The ConfigMap volumes of a pod description, in order: each volume's name (the `  <name>:` line above
 * `Type: ConfigMap (a volume populated by a ConfigMap)`, undefined when that line is not there) and the
 * ConfigMap it names (`Name:`), as `kubectl describe pod` prints its Volumes section.
 */
export function configMapVolumeList(described: string): { volume: string | undefined; configMap: string }[] {
  return [
    ...described.matchAll(
      /(?:^ {2}([a-z0-9][a-z0-9.-]{0,62}):\n\s+)?Type:\s+ConfigMap \(a volume populated by a ConfigMap\)\s*\n\s+Name:\s+(\S{1,253})/gm,
    ),
  ].map((m) => ({ volume: m[1], configMap: m[2]! }));
}

/** The ConfigMaps a pod description's volumes name (`Type: ConfigMap (a volume populated by a ConfigMap)`). */
export function configMapVolumes(described: string): string[] {
  return configMapVolumeList(described).map((v) => v.configMap);
}

/** Whether a container section of describe_pod shows it Running and Ready now. */
export function runningAndReady(body: string): boolean {
  return /^\s*State:\s+Running\b/m.test(body) && /^\s*Ready:\s+True\b/m.test(body);
}

/** One container's CPU line of a `get_pod_metrics` output. */
export interface CpuUse {
  pod: string;
  container: string;
  usage: string;
  limit: string;
  /** Usage as a percentage of the limit. */
  pct: number;
  line: string;
}

/**
 * The CPU lines of `get_pod_metrics` outputs (`  api: cpu 500m / request 250m / limit 500m (100%); …`
 * under each pod's `<pod>  restarts: …` line), of the reads `pred` keeps; containers without a request
 * and a limit are left out. At most 400 lines of each output are read.
 */
export function cpuUse(
  seen: readonly SeenObservation[],
  pred: (o: SeenObservation) => boolean = () => true,
): CpuUse[] {
  const out: CpuUse[] = [];
  for (const o of outputs(seen, 'get_pod_metrics', pred)) {
    let pod = '';
    for (const line of o.content.split('\n').slice(0, 400)) {
      const head = /^([a-z0-9][a-z0-9.-]{0,252})\s{2}/.exec(line);
      if (head) {
        pod = head[1]!;
        continue;
      }
      const m =
        /^\s+([a-z0-9][a-z0-9-]{0,62}): cpu (\S{1,12}) \/ request \S{1,12} \/ limit (\S{1,12}) \((\d{1,4})%\)/.exec(
          line,
        );
      if (m && pod)
        out.push({
          pod,
          container: m[1]!,
          usage: m[2]!,
          limit: m[3]!,
          pct: Number(m[4]),
          line: clip(line.trim(), 140),
        });
    }
  }
  return out;
}

/** A drain or eviction the task asks about, or one the cluster shows under way or refused. */
export function evicting(ctx: { readonly task: string; readonly seen: readonly SeenObservation[] }): boolean {
  if (
    /\b(?:drain\w{0,3}|evict\w{0,4}|cordon\w{0,3}|upgrad\w{1,3}|maintenance|patching|rotat\w{1,3} (?:the )?nodes?)\b/i.test(
      ctx.task,
    )
  )
    return true;
  return ctx.seen.some(
    (o) =>
      o.status === 'ok' &&
      /^(?:list_nodes|describe_node|get_events)$/.test(o.tool) &&
      /SchedulingDisabled|Cannot evict pod|violate the pod's disruption budget|EvictionBlocked|NodeNotSchedulable/.test(
        o.content.slice(0, 200_000),
      ),
  );
}

/**
 * The workload a generated pod name belongs to: a Deployment's pod (`<name>-<template hash>-<5>`) or a
 * Job's (`<name>-<5>`), the generated parts from Kubernetes' SafeEncodeString alphabet (no vowels).
 */
export function ownerName(pod: string): string {
  const run = pod.replace(/-[bcdfghjklmnpqrstvwxz2-9]{5}$/, '');
  if (run === pod) return pod;
  // A CronJob run's scheduled minute (8 to 10 digits) stays: it names the Job, not a template hash.
  return /-\d{8,10}$/.test(run) ? run : run.replace(/-[bcdfghjklmnpqrstvwxz2-9]{6,10}$/, '');
}

/**
 * The CronJob run a pod belongs to: a CronJob names each Job `<cronjob>-<scheduled time in minutes
 * since the epoch>` (the CronJob controller's naming), and the Job's pod adds `-<5>`. Undefined for
 * any other pod.
 */
export function cronRunOf(pod: string): { cronJob: string; minute: number } | undefined {
  // The minute right before the pod's suffix: a Deployment's pod whose name ends in a date
  // (`backup-20260309-<hash>-<5>`) is no run.
  const m = /^(.{1,52})-(\d{8,10})$/.exec(pod.replace(/-[bcdfghjklmnpqrstvwxz2-9]{5}$/, ''));
  return m ? { cronJob: m[1]!, minute: Number(m[2]) } : undefined;
}

/**
 * A log line's leading timestamp as epoch milliseconds, read as UTC: `2026-02-14T09:15:11Z`,
 * `2026-02-14 09:15:11.020`, or bracketed as Celery and Python's logging print it
 * (`[2026-12-01 12:02:11,040: …`); undefined for a line that starts otherwise.
 */
export function lineStamp(line: string): number | undefined {
  const m = /^\[?(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)/.exec(line.trimStart());
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * The containers whose image changed between two `kubectl rollout history` IMAGES cells
 * (`name=image` pairs, comma-separated), with the image before and after; a container one side lacks
 * (added or removed by the revision) has '' on that side. At most 50 pairs of each cell are read.
 */
export function imagePairsChanged(
  before: string,
  after: string,
): { container: string; before: string; after: string }[] {
  const pairs = (text: string) =>
    new Map(
      text
        .split(',')
        .filter((p) => p.includes('='))
        .slice(0, 50)
        .map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()] as const)
        .filter(([name, image]) => name !== '' && image !== ''),
    );
  const was = pairs(before);
  const now = pairs(after);
  const out: { container: string; before: string; after: string }[] = [];
  for (const [container, image] of now) {
    const old = was.get(container);
    if (old !== image) out.push({ container, before: old ?? '', after: image });
  }
  // A container the revision removed counts as a change too (its image after is '').
  for (const [container, image] of was)
    if (!now.has(container)) out.push({ container, before: image, after: '' });
  return out;
}

/**
 * The repository name of an image reference, without registry, path, tag or digest: `redis` of
 * `registry.example:5000/cache/redis:7.2@sha256:…` (the last path segment, then what precedes its tag).
 */
export function imageRepo(image: string): string {
  const last = image.split('@')[0]!.split('/').pop() ?? '';
  return last.split(':')[0]!.toLowerCase();
}
