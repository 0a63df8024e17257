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
    .filter((w) => /operator/.test(w) && w !== ctx.ns);
  const listed = namespaceNames(ctx.seen);
  // Any namespace named so would cost two reads on every run of a cluster that runs an operator.
  if (said.length === 0) return undefined;
  return listed.length === 0 || listed.includes(said[0]!) ? said[0] : undefined;
}

/** The operator's pods (Running first), from its namespace's newest pod list. */
function operatorPods(ctx: AnalyzerContext, ns: string): string[] {
  const list = outputs(
    ctx.seen,
    'list_pods',
    (o) => o.args['namespace'] === ns && !o.args['labelSelector'],
  ).pop();
  return [...parseTable(list?.content ?? '')]
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
    for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
      const lines = boundedLogLines(o.content).filter(
        (l) =>
          l.length <= 4000 && key.test(l) && (/^E\d{4} /.test(l) || /\b(?:error|failed|failure)\b/i.test(l)),
      );
      const last = lines[lines.length - 1];
      if (!last) continue;
      const object = key.exec(last)![1]!;
      // What it could not do: the text after the object's key.
      const rest = last.slice(last.indexOf(`${ctx.ns}/${object}`) + ctx.ns.length + object.length + 1);
      const what = rest.replace(/^['"]?\s*:?\s*/, '').trim();
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
