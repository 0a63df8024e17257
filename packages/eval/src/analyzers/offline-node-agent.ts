import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  outputs,
  podListOf,
  podsOnNode,
  type Read,
} from './types.js';

/**
 * A volume attach or mount the storage system refuses because its agent on the pod's node is not up
 * (`ControllerPublishVolume failed: node stor-3 is not online in LINSTOR (satellite OFFLINE)`, `node
 * worker-2 is not ready`): the node's name in group 1.
 */
const AGENT_DOWN =
  /\bnode "?([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)"? (?:is )?(?:not online|offline|not ready|not connected|not registered|unavailable)\b/i;

interface Refused {
  readonly node: string;
  readonly line: string;
  /** The object the event is about (the pod waiting for the volume). */
  readonly object: string;
}

/** The first attach or mount failure event of the namespace that names a node whose agent is down. */
function refused({ ns, seen }: AnalyzerContext): Refused | undefined {
  const events = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns).pop();
  for (const r of parseTable(events?.content ?? '')) {
    if (!/^Failed(?:Attach|Mount)/.test(r['REASON'] ?? '')) continue;
    const message = (r['MESSAGE'] ?? '').slice(0, 2000);
    const m = AGENT_DOWN.exec(message);
    if (m) return { node: m[1]!, line: message, object: (r['OBJECT'] ?? '').replace(/^\w+\//, '') };
  }
  return undefined;
}

/** Words of a pod's or namespace's name that make it a storage system's (a CSI plugin, a storage agent). */
const STORAGE_WORDS =
  /csi|storage|ceph|rbd|rook|linstor|piraeus|drbd|satellite|longhorn|openebs|mayastor|portworx|topolvm|lvm|nfs|gluster|iscsi|datastore/;

/**
 * The pods of other namespaces on `node`, from its description, that can be the storage system's agent:
 * a name (or namespace) with a word of the refusal (`satellite`, `linstor`) or of a storage system, the
 * refusal's words first.
 */
function otherPodsOn(ctx: AnalyzerContext, r: Refused): { namespace: string; name: string }[] {
  const described = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === r.node).pop();
  if (!described) return [];
  const words = [...new Set(r.line.toLowerCase().match(/[a-z]{4,30}/g) ?? [])].filter(
    (w) =>
      !/^(?:node|volume|failed|error|attach|mount|code|desc|internal|online|offline|ready|with|that|from|rpc)$/.test(
        w,
      ),
  );
  const score = (p: { namespace: string; name: string }) => {
    const text = `${p.namespace}/${p.name}`.toLowerCase();
    return (words.some((w) => text.includes(w)) ? 2 : 0) + (STORAGE_WORDS.test(text) ? 1 : 0);
  };
  return podsOnNode(described.content)
    .filter((p) => p.namespace !== ctx.ns && score(p) > 0)
    .sort((a, b) => score(b) - score(a));
}

/** Whether the newest pod list of `namespace` shows `pod` crash-looping (or erroring), undefined if not listed. */
function crashing(ctx: AnalyzerContext, namespace: string, pod: string): boolean | undefined {
  const listed = podListOf(ctx.seen, namespace);
  if (!listed) return undefined;
  const row = parseTable(listed.content).find((r) => r['NAME'] === pod);
  return row !== undefined && /CrashLoopBackOff|^Error$/.test(row['STATUS'] ?? '');
}

/**
 * A pod stuck in ContainerCreating because its volume cannot be attached: the storage system says its
 * agent on the pod's node is offline. The agent is a pod of the storage system's own namespace on that
 * node (a CSI node plugin, a LINSTOR satellite, a Ceph OSD), found through the node's pod list; when it
 * crash-loops, its own log says why, and that is the cause to fix; the claim and the kernel are not.
 */
export const offlineNodeAgentAnalyzer: Analyzer = {
  name: 'offline-node-agent',
  first: true,
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (!r) return [];
    if (!outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === r.node).length)
      return [{ tool: 'describe_node', args: { name: r.node } }];
    const reads: Read[] = [];
    const namespaces = [...new Set(otherPodsOn(ctx, r).map((p) => p.namespace))].slice(0, 4);
    for (const namespace of namespaces) {
      if (!podListOf(ctx.seen, namespace)) reads.push({ tool: 'list_pods', args: { namespace } });
    }
    if (reads.length) return reads;
    for (const p of otherPodsOn(ctx, r)) {
      if (crashing(ctx, p.namespace, p.name) !== true) continue;
      if (
        !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === p.name && o.args['previous'] === true)
          .length
      )
        reads.push({ tool: 'get_pod_logs', args: { namespace: p.namespace, name: p.name, previous: true } });
      break;
    }
    return reads;
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    if (!r) return [];
    for (const p of otherPodsOn(ctx, r)) {
      if (crashing(ctx, p.namespace, p.name) !== true) continue;
      const log = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['name'] === p.name && o.args['namespace'] === p.namespace,
      ).pop();
      const bad = log ? errorLines(log.content.slice(-100_000)).filter((l) => l.length <= 4000) : [];
      const line = bad.find((l) => logGloss(l)) ?? bad[bad.length - 1];
      const means = line ? logGloss(line) : undefined;
      return [
        {
          // As strong as the waiting pod's own finding when the person names that pod: this one says why.
          weight: 92 + bonus(r.object, ctx.hints),
          object: `pod ${p.name} (namespace ${p.namespace}, node ${r.node})`,
          cause: `the volume cannot be attached because the storage system's agent on node ${r.node} is down ("${clip(r.line, 200)}"): its pod there, ${p.name} in namespace ${p.namespace}, is crash-looping${line ? `, and its log says why: "${clip(line.trim(), 220)}"${means ? ` — ${means}` : ''}` : ''}. Fix that pod and the attach goes through; the claim is not at fault`,
          evidence: [
            `get_events ${ctx.ns}: "${clip(r.line, 200)}"`,
            `list_pods ${p.namespace}: ${p.name} CrashLoopBackOff on node ${r.node}`,
            ...(line
              ? [`get_pod_logs ${p.name} (namespace ${p.namespace}): "${clip(line.trim(), 200)}"`]
              : []),
          ],
          advice: line
            ? `fix what ${p.name}'s log reports on node ${r.node}`
            : `read ${p.name}'s log and fix why it crashes`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
