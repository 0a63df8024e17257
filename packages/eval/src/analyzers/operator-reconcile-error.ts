import { escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { glossOf } from './log-glosses.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  namespaceNames,
  namespacesListed,
  outputs,
  podEventLines,
  podListOf,
  type Read,
} from './types.js';

/**
 * Words of an operator namespace's name that name no product but say what it does (`external-secrets-operator`
 * is named for secrets, which a task mentions for its own): they name no operator when a task uses them.
 */
const GENERIC_WORDS = new Set(
  'operator operators system controller controllers manager external secret secrets config configs storage backup backups cluster clusters network service services cert certs certificate certificates ingress gateway policy policies database data cache queue worker workers search mesh metrics logging monitoring logs alerts node nodes volume volumes'.split(
    ' ',
  ),
);

/** A namespace's name made of words one of which is "operator(s)" (`nebula-operator-system`, `minio-operator`). */
const OPERATOR_NAMESPACE = /(?:^|-)operators?(?:-|$)/;

/** What a pod of the namespace waits for that does not exist, from the pod's description or the events. */
const MISSING =
  /\b(persistentvolumeclaim|configmap|secret)s? "([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)" not found/i;

/**
 * The objects the task namespace's pods wait for that do not exist: `persistentvolumeclaim "x" not
 * found` (the scheduler's FailedScheduling), `configmap "x" not found`, `secret "x" not found` (the
 * kubelet's FailedMount), from the pods' descriptions and the namespace's events, each with the pod
 * whose description or event names it (when one does). At most 4.
 */
function missingObjects(ctx: AnalyzerContext): readonly Missing[] {
  return perSeen(ctx.seen, ['missingObjects', ctx.ns], () => Object.freeze(missingObjectsOf(ctx)));
}

/** An object a pod waits for that does not exist: its kind as Kubernetes spells it, its name, the pod. */
interface Missing {
  kind: string;
  name: string;
  pod?: string;
}

function missingObjectsOf(ctx: AnalyzerContext): Missing[] {
  const out = new Map<string, Missing>();
  for (const { line, from } of podEventLines(ctx.seen, ctx.ns)) {
    const m = MISSING.exec(line);
    if (!m) continue;
    // The pod: the one described, or the one an event's OBJECT column names (`pod/social-graphd-1`).
    const pod =
      from.tool === 'describe_pod'
        ? String(from.args['name'] ?? '') || undefined
        : /(?:^|\s)pod\/([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?:\s|$)/.exec(line)?.[1];
    const had = out.get(m[2]!);
    if (!had || (!had.pod && pod)) out.set(m[2]!, { kind: KINDS[m[1]!.toLowerCase()]!, name: m[2]!, pod });
    if (out.size >= 4) break;
  }
  return [...out.values()];
}

/** The kinds `missingObjects` reads, as Kubernetes spells them. */
const KINDS: Record<string, string> = {
  persistentvolumeclaim: 'PersistentVolumeClaim',
  configmap: 'ConfigMap',
  secret: 'Secret',
};

/**
 * The namespace of the operator that manages the task's objects: one the task names as a place that holds
 * "operator" in its name (`The operator runs in minio-operator`), and that the namespace list, once read,
 * has. Never the task's own namespace.
 */
function operatorNamespace(ctx: AnalyzerContext): string | undefined {
  // Named as a place: "runs in minio-operator", "namespace minio-operator", "ns minio-operator".
  const said = [
    ...ctx.task
      .slice(0, 4000)
      .matchAll(/\b(?:in|namespace|ns)\s+(?:the\s+)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b/gi),
  ]
    .map((m) => m[1]!)
    // A namespace's name, not a word that describes (`the operator-managed tenant`).
    .filter(
      (w) =>
        OPERATOR_NAMESPACE.test(w) && !/-(?:managed|based|driven|owned|created|installed|style)$/.test(w),
    )
    .filter((w) => w !== ctx.ns);
  const listed = namespaceNames(ctx.seen);
  // Any namespace named so would cost two reads on every run of a cluster that runs an operator.
  if (said.length > 0) return listed.length === 0 ? said[0] : said.find((w) => listed.includes(w));
  // The task's own namespace, when an operator runs there beside a pod that fails (Rook's operator and
  // the daemons it makes for a CephNFS): the operator's log says what it could not make right.
  const rows = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '');
  const failing = rows.some((r) => FAILING.test(r['STATUS'] ?? ''));
  if (failing && rows.some((r) => r['STATUS'] === 'Running' && OPERATOR_POD.test(r['NAME'] ?? '')))
    return ctx.ns;
  const operators = listed.filter((w) => w !== ctx.ns && OPERATOR_NAMESPACE.test(w));
  // The operator of the product the task names, by its namespace's other words (`mattermost-operator`
  // for "the Mattermost manifest"): what it makes of the task's object is in its log.
  const task = ctx.task.slice(0, 4000).toLowerCase();
  const named = operators.filter((n) =>
    n
      .split('-')
      .filter((w) => w.length >= 4 && !GENERIC_WORDS.has(w))
      .some((w) => new RegExp(`(?<![a-z0-9])${w}(?![a-z0-9])`).test(task)),
  );
  if (named.length === 1) return named[0];
  // A pod that waits for a claim, ConfigMap or Secret nobody made, in a cluster with one operator
  // namespace: the operator was to make it (a NebulaCluster's log volume claim), and its log says why not.
  if (missingObjects(ctx).length === 0) return undefined;
  return operators.length === 1 ? operators[0] : undefined;
}

/** Whether the cluster's namespaces should be listed to find the operator that was to make a missing object. */
function operatorToList(ctx: AnalyzerContext): boolean {
  return missingObjects(ctx).length > 0 && !namespacesListed(ctx.seen);
}

/**
 * A pod of an operator's Deployment or StatefulSet: its name's words hold "operator"
 * (`rook-ceph-operator-cwpzc-47clh`, ECK's `elastic-operator-0`).
 */
const OPERATOR_POD = /(?:^|-)operator-[a-z0-9]{5,10}-[a-z0-9]{5}$|(?:^|-)operator-\d{1,3}$/;

/** The failing pods of the task's namespace (crash loops, waits, Pending), from its newest pod list. */
function failingPods(ctx: AnalyzerContext): string[] {
  return parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '')
    .filter((r) => FAILING.test(r['STATUS'] ?? ''))
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean);
}

/** A pod status that says it fails or waits. */
const FAILING = /CrashLoopBackOff|^Error$|^Init:|Pending|ContainerCreating|CreateContainer/;

/**
 * The operator's pods (Running first), from its namespace's newest pod list: in a namespace of its own
 * every pod, in the task's namespace only the operator's.
 */
function operatorPods(ctx: AnalyzerContext, ns: string): string[] {
  const list = podListOf(ctx.seen, ns);
  return [...parseTable(list?.content ?? '')]
    .filter((r) => ns !== ctx.ns || OPERATOR_POD.test(r['NAME'] ?? ''))
    .sort((a, b) => Number(b['STATUS'] === 'Running') - Number(a['STATUS'] === 'Running'))
    .map((r) => r['NAME'] ?? '')
    .filter(Boolean);
}

/**
 * An operator that keeps failing to reconcile an object of the task's namespace: its log's error lines
 * that name the object as `<namespace>/<name>` (client-go's work-queue key, `error syncing
 * 'datalake/lake': …`). What the operator could not do is in the rest of the line; the objects it would
 * have made next (a Deployment, its pods, a Service's endpoints) are missing because of it. The reads: the
 * operator namespace's pods, then the first one's log.
 */
export const operatorReconcileErrorAnalyzer: Analyzer = {
  name: 'operator-reconcile-error',
  // Before the namespace's own pods are compared: the operator's log says why its objects are missing.
  first: true,
  reads(ctx): Read[] {
    const ns = operatorNamespace(ctx);
    if (!ns) return operatorToList(ctx) ? [{ tool: 'list_resources', args: { kind: 'Namespace' } }] : [];
    if (!outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ns).length)
      return [{ tool: 'list_pods', args: { namespace: ns } }];
    const pod = operatorPods(ctx, ns)[0];
    if (!pod) return [];
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && o.args['name'] === pod,
    );
    if (logs.length === 0) return [{ tool: 'get_pod_logs', args: { namespace: ns, name: pod } }];
    // An operator that restarted: its previous instance's log, when the current one names nothing of the
    // task's namespace (the reconcile errors may be all before the restart).
    const restarted = Number(
      /^\d+/.exec(
        parseTable(podListOf(ctx.seen, ns)?.content ?? '').find((r) => r['NAME'] === pod)?.['RESTARTS'] ?? '',
      )?.[0] ?? 0,
    );
    if (
      restarted > 0 &&
      !logs.some((o) => o.args['previous']) &&
      !logs.some((o) =>
        new RegExp(`"${escapeRe(ctx.ns)}"|(?<![a-z0-9-])${escapeRe(ctx.ns)}/`).test(
          o.content.slice(-200_000),
        ),
      )
    )
      return [{ tool: 'get_pod_logs', args: { namespace: ns, name: pod, previous: true } }];
    return [];
  },
  finds(ctx): Finding[] {
    const ns = operatorNamespace(ctx);
    if (!ns) return [];
    const key = new RegExp(`['"\\s(]${escapeRe(ctx.ns)}/([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)['"\\s):,]`);
    // controller-runtime's "Reconciler error" names the object as JSON fields, the error as one more.
    const fields = new RegExp(
      `"namespace":\\s?"${escapeRe(ctx.ns)}",\\s?"name":\\s?"([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)"`,
    );
    // The other order, `"name":"x","namespace":"ns"` (the Mattermost operator's).
    const fieldsNameFirst = new RegExp(
      `"name":\\s?"([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)",\\s?"namespace":\\s?"${escapeRe(ctx.ns)}"`,
    );
    const objectOf = (l: string) =>
      key.exec(l)?.[1] ??
      (/Reconciler error/.test(l) ? (fields.exec(l)?.[1] ?? fieldsNameFirst.exec(l)?.[1]) : undefined);
    const operators = new Set(operatorPods(ctx, ns));
    for (const o of outputs(
      ctx.seen,
      'get_pod_logs',
      (x) => x.args['namespace'] === ns && (ns !== ctx.ns || operators.has(String(x.args['name']))),
    )) {
      const all = boundedLogLines(o.content).filter((l) => l.length <= 4000);
      const failed = (l: string) =>
        objectOf(l) !== undefined && (/^E\d{4} /.test(l) || /\b(?:error|failed|failure)\b/i.test(l));
      const at = all.findLastIndex(failed);
      if (at < 0) continue;
      const last = all[at]!;
      const object = objectOf(last)!;
      // Got past it: a later line that names the object without an error (`Successfully synced 'ns/x'`).
      if (all.slice(at + 1).some((l) => objectOf(l) === object && !failed(l))) continue;
      // In the task's own namespace the operator is only taken to manage a failing pod named after the object.
      if (ns === ctx.ns && !failingPods(ctx).some((p) => p.includes(object))) continue;
      const lines = all.filter((l) => failed(l) && objectOf(l) === object);
      // What it could not do: the text after the object's key, or controller-runtime's error field.
      const keyAt = last.indexOf(`${ctx.ns}/${object}`);
      const what =
        keyAt >= 0
          ? last
              .slice(keyAt + ctx.ns.length + object.length + 1)
              .replace(/^['"]?\s*[:.]?\s*/, '')
              .trim()
          : (/"error":\s?"((?:[^"\\]|\\.){1,400})"/.exec(last)?.[1] ?? '');
      const pod = String(o.args['name'] ?? '');
      // What a well-known error in it means (log-glosses), said after the operator's own words.
      const meaning = glossOf(last);
      const means = meaning && !meaning.symptom ? ` — ${meaning.means}` : '';
      // The object a pod of the namespace waits for (its claim): the operator's failure is why it waits.
      const waited = missingObjects(ctx).find((m) => m.name === object && m.pod);
      return [
        {
          weight: waited ? 90 + bonus(waited.pod!, ctx.hints) : 88,
          object: waited
            ? `pod ${waited.pod} (its ${waited.kind} ${object}, which the operator in namespace ${ns} was to create)`
            : `${object} (managed by the operator in namespace ${ns})`,
          cause: `${waited ? `${waited.pod} waits for ${waited.kind} ${object}, which does not exist: ` : ''}the operator in namespace ${ns} keeps failing to reconcile ${ctx.ns}/${object}${lines.length > 1 ? ` (${lines.length} times in its log)` : ''}: ${clip(what || last.trim(), 240)}${means}. It stops there, so what it would create next for ${object} is never made; its log line: "${clip(last.trim(), 240)}"`,
          evidence: [`get_pod_logs ${pod} in ${ns}: "${clip(last.trim(), 240)}"`],
          advice: waited
            ? `fix what the operator's error names in the custom resource it makes ${object} from, then let the operator reconcile it again (it retries on its own); ${waited.pod} starts once the ${waited.kind} exists`
            : `fix what the operator's error names in ${object}'s spec or the Secret it reads, then let the operator reconcile it again (it retries on its own)`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
