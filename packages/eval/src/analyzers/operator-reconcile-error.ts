import { escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  podListOf,
  type Read,
} from './types.js';

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
        /(?:^|-)operators?(?:-|$)/.test(w) &&
        !/-(?:managed|based|driven|owned|created|installed|style)$/.test(w),
    )
    .filter((w) => w !== ctx.ns);
  const listed = namespaceNames(ctx.seen);
  // Any namespace named so would cost two reads on every run of a cluster that runs an operator.
  if (said.length > 0) return listed.length === 0 ? said[0] : said.find((w) => listed.includes(w));
  // The task's own namespace, when an operator runs there beside a pod that fails (Rook's operator and
  // the daemons it makes for a CephNFS): the operator's log says what it could not make right.
  const rows = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '');
  const failing = rows.some((r) => FAILING.test(r['STATUS'] ?? ''));
  return failing && rows.some((r) => r['STATUS'] === 'Running' && OPERATOR_POD.test(r['NAME'] ?? ''))
    ? ctx.ns
    : undefined;
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
    if (!ns) return [];
    if (!outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ns).length)
      return [{ tool: 'list_pods', args: { namespace: ns } }];
    const pod = operatorPods(ctx, ns)[0];
    if (
      !pod ||
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && o.args['name'] === pod).length
    )
      return [];
    return [{ tool: 'get_pod_logs', args: { namespace: ns, name: pod } }];
  },
  finds(ctx): Finding[] {
    const ns = operatorNamespace(ctx);
    if (!ns) return [];
    const key = new RegExp(`['"\\s(]${escapeRe(ctx.ns)}/([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)['"\\s):,]`);
    // controller-runtime's "Reconciler error" names the object as JSON fields, the error as one more.
    const fields = new RegExp(
      `"namespace":\\s?"${escapeRe(ctx.ns)}",\\s?"name":\\s?"([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)"`,
    );
    const objectOf = (l: string) =>
      key.exec(l)?.[1] ?? (/Reconciler error/.test(l) ? fields.exec(l)?.[1] : undefined);
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
      return [
        {
          weight: 88,
          object: `${object} (managed by the operator in namespace ${ns})`,
          cause: `the operator in namespace ${ns} keeps failing to reconcile ${ctx.ns}/${object}${lines.length > 1 ? ` (${lines.length} times in its log)` : ''}: ${clip(what || last.trim(), 240)}. It stops there, so what it would create next for ${object} is never made; its log line: "${clip(last.trim(), 240)}"`,
          evidence: [`get_pod_logs ${pod} in ${ns}: "${clip(last.trim(), 240)}"`],
          advice: `fix what the operator's error names in ${object}'s spec or the Secret it reads, then let the operator reconcile it again (it retries on its own)`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
