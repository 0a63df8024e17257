import { escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  namespaceNames,
  namespacesListed,
  outputs,
  podListOf,
  type Read,
} from './types.js';

/** The task says an operator did not carry a change out: it names an operator and a change it waits for. */
const WAITS_ON_OPERATOR =
  /\boperator\b[^.?!]{0,200}\b(?:has not|hasn't|did not|didn't|does not|doesn't|never|not)\b|\b(?:has not|hasn't|did not|didn't|nothing)\b[^.?!]{0,120}\boperator\b/i;

/** Words of a namespace's name that say what it holds, not which product (they name no operator). */
const GENERIC = new Set(
  'kube system operator operators controller controllers manager cluster clusters default public node nodes ingress monitoring logging'.split(
    ' ',
  ),
);

/**
 * The namespace of the operator the task waits on: one whose name holds "operator", or a `-system` one
 * whose product word starts a word of the task (`elastic-system` for "Elasticsearch"); never the task's
 * own namespace or Kubernetes' own. Only from the namespace list, once read; the first of several.
 */
function operatorNamespace(ctx: AnalyzerContext): string | undefined {
  const task = ctx.task.slice(0, 4000).toLowerCase();
  return namespaceNames(ctx.seen).find((n) => {
    if (n === ctx.ns || n.startsWith('kube-')) return false;
    const words = n.split('-');
    if (!words.some((w) => w === 'operator' || w === 'operators') && words[words.length - 1] !== 'system')
      return false;
    return (
      words
        .filter((w) => w.length >= 3 && !GENERIC.has(w))
        // A word of four letters or more starts a word of the task (`elastic` in "Elasticsearch"); a shorter
        // one must be a word of its own (`eck` in "our ECK operator").
        .some((w) =>
          new RegExp(`(?<![a-z0-9])${escapeRe(w)}${w.length >= 4 ? '' : '(?![a-z0-9])'}`).test(task),
        )
    );
  });
}

/** An operator's pod: `elastic-operator-0`, `<x>-operator-<hash>-<id>`, `<x>-controller-manager-…`. */
const OPERATOR_POD = /(?:^|-)(?:operator|controller-manager)(?:-[a-z0-9]{5,10})?-[a-z0-9]{1,5}$/;

/**
 * A line of the operator's log that says it holds a change back for now (ECK's `Cannot restart some nodes
 * for upgrade at this time`), not that it failed. Fixed words: linear.
 */
const HOLDS =
  /\b(?:cannot|can't|can not|unable to|not allowed to|will not|won't|refus(?:es|ed|ing) to|postpon\w{0,4}|delay(?:s|ed|ing)?) [^"]{0,80}\b(?:restart|upgrade|update|roll|scale|delete|proceed|continue|apply)|\bfailed_predicates\b/i;

/**
 * What ECK's upgrade predicates mean (ECK docs, "Upgrade predicates"): each is a condition a node must
 * meet before the operator restarts it for a rolling upgrade or a configuration change.
 */
const PREDICATES: Record<string, string> = {
  only_restart_healthy_node_if_green_or_yellow:
    'it will not restart a node for the upgrade until the cluster is green or yellow',
  if_yellow_only_restart_upgrading_nodes_with_unassigned_replicas:
    'while the cluster is yellow it restarts only nodes whose shards all have a replica elsewhere',
  require_started_replica: 'it restarts a node only when every primary on it has a started replica elsewhere',
  one_master_at_a_time: 'it restarts one master node at a time',
  do_not_restart_healthy_node_if_MaxUnavailable_reached: 'it keeps at most maxUnavailable nodes down at once',
  skip_already_terminating_pods: 'it waits for pods that are already terminating',
  require_same_version_if_master_data_is_upgrading: 'it upgrades master nodes only after the others',
  do_not_delete_last_master_if_all_master_ineligible_nodes_are_not_upgraded:
    'it keeps the last old master until every other node is upgraded',
};

/** Elasticsearch's own line for a change of its cluster's health to red, with the reason it gives. */
const TO_RED = /Cluster health status changed from \[(\w{1,10})\] to \[RED\] \(reason: \[(.{1,300}?)\]\)/;
/** A line that says a shard's data is corrupted (Lucene's exception, Elasticsearch's allocation words). */
const CORRUPT = /CorruptIndexException|marked as corrupted|corrupted shard|checksum failed/;

/** Logs read in the operator's namespace, of its operator-looking pods (or of any pod, in an `-operator` one). */
function operatorLogs(ctx: AnalyzerContext, ns: string) {
  const anyPod = ns.split('-').some((w) => w === 'operator' || w === 'operators');
  return outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => o.args['namespace'] === ns && (anyPod || OPERATOR_POD.test(String(o.args['name'] ?? ''))),
  );
}

/**
 * An operator that holds a change to the task's custom resource back on purpose: asked why an operator has
 * not carried out a change (a new `spec.version`), its log says it cannot go on for now (ECK: `Cannot
 * restart some nodes for upgrade at this time`, with the `failed_predicates` that hold it), which is a
 * safety check, not a bug or an unsupported version. With ECK's green-or-yellow predicate, what keeps the
 * cluster red (Elasticsearch's own health-change line and a corrupted shard) is the thing to fix. The
 * reads: the namespace list, the operator namespace's pods, then the operator pod's log.
 */
export const operatorHoldsBackAnalyzer: Analyzer = {
  name: 'operator-holds-back',
  first: true,
  reads(ctx): Read[] {
    if (!WAITS_ON_OPERATOR.test(ctx.task.slice(0, 4000))) return [];
    if (!namespacesListed(ctx.seen)) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    const ns = operatorNamespace(ctx);
    if (!ns) return [];
    const listed = podListOf(ctx.seen, ns);
    if (!listed) return [{ tool: 'list_pods', args: { namespace: ns } }];
    if (operatorLogs(ctx, ns).length > 0) return [];
    const anyPod = ns.split('-').some((w) => w === 'operator' || w === 'operators');
    const pod = parseTable(listed.content.slice(0, 200_000))
      .filter((r) => r['STATUS'] === 'Running' && (anyPod || OPERATOR_POD.test(r['NAME'] ?? '')))
      .map((r) => r['NAME'] ?? '')[0];
    return pod ? [{ tool: 'get_pod_logs', args: { namespace: ns, name: pod } }] : [];
  },
  finds(ctx): Finding[] {
    if (!WAITS_ON_OPERATOR.test(ctx.task.slice(0, 4000))) return [];
    const ns = operatorNamespace(ctx);
    if (!ns) return [];
    // The task's namespace as the operator's log names an object: a JSON field or a `ns/name` key.
    const ofTask = new RegExp(`"namespace":\\s?"${escapeRe(ctx.ns)}"|['"\\s]${escapeRe(ctx.ns)}/[a-z0-9]`);
    for (const o of operatorLogs(ctx, ns)) {
      const held = boundedLogLines(o.content).filter(
        (l) => l.length <= 4000 && ofTask.test(l) && HOLDS.test(l),
      );
      const last = held[held.length - 1];
      if (!last) continue;
      const message = /"message":\s?"((?:[^"\\]|\\.){1,300})"/.exec(last)?.[1] ?? clip(last.trim(), 200);
      // A line that refuses the change itself (an upgrade path the operator does not support) is no hold
      // for a safety check: the reconcile-error rules say what it refuses.
      if (/\bunsupported\b|\bnot supported\b|\bincompatible\b|\bdowngrade\b/i.test(last)) continue;
      const object = /"(?:es_name|name)":\s?"([a-z0-9][a-z0-9.-]{0,252})"/.exec(last)?.[1];
      const predicates = [
        ...(/"failed_predicates":\s?\{([^}]{1,2000})\}/.exec(last)?.[1] ?? '').matchAll(
          /"([a-zA-Z_]{3,100})":/g,
        ),
      ].map((m) => m[1]!);
      const meanings = predicates.map((p) => PREDICATES[p]).filter((m): m is string => !!m);
      const lines = outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns).flatMap((x) =>
        boundedLogLines(x.content).filter((l) => l.length <= 4000),
      );
      const red = predicates.includes('only_restart_healthy_node_if_green_or_yellow')
        ? lines.filter((l) => TO_RED.test(l)).pop()
        : undefined;
      const reason = red ? TO_RED.exec(red)?.[2] : undefined;
      const corrupt = red ? lines.find((l) => CORRUPT.test(l)) : undefined;
      const index = reason
        ? /\[\[(\.?[a-z0-9][a-z0-9._-]{0,200})\]\[\d{1,4}\]\]/.exec(reason)?.[1]
        : undefined;
      const pod = String(o.args['name'] ?? '');
      return [
        {
          weight: 93,
          object: `${object ? `${object} ` : ''}(held back by the operator in namespace ${ns})`,
          cause: `the operator in namespace ${ns} holds the change to ${object ? `${ctx.ns}/${object}` : `namespace ${ctx.ns}`} back on purpose: "${clip(message, 160)}" (${held.length} time${held.length === 1 ? '' : 's'} in its log)${predicates.length > 0 ? `; the check that fails is ${predicates.join(', ')}${meanings.length > 0 ? `: ${meanings.join('; ')}` : ''}` : ''}${red ? `. The cluster is red: "${clip(red.trim(), 200)}"${index ? `, the primary of a shard of index ${index} failed` : ''}${corrupt ? ` and its data is corrupted ("${clip(corrupt.trim(), 200)}")` : ''}` : ''}. This is the operator's safety check, not a version it does not support`,
          evidence: [
            `get_pod_logs ${pod} in ${ns}: "${clip(last.trim(), 300)}"`,
            ...(red ? [`get_pod_logs: "${clip(red.trim(), 240)}"`] : []),
            ...(corrupt ? [`get_pod_logs: "${clip(corrupt.trim(), 240)}"`] : []),
          ],
          advice: red
            ? `bring the cluster back to green or yellow first${index ? ` (restore index ${index} from a snapshot, or accept the loss of its corrupted shard and reroute it)` : ''}; the operator then goes on with the upgrade by itself. Upgrading the operator would not unblock it`
            : 'meet the condition the operator names; it goes on by itself once it holds',
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
