import type { KubeObject } from '../cluster.js';
import { parseQuantity } from '../quantity.js';
import type { Node, Pod, PodSpec } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { key } from './object-store.js';
import {
  evictVictims,
  type Misfit,
  type Placement,
  preemptionCandidate,
  preemptionOf,
} from './preemption.js';
import { podPreemptionPolicy, podPriority } from './priority.js';
import {
  addUse,
  emptyUse,
  filterMessage,
  interPodMisfit,
  type NodeSelectorTerm,
  type NodeUse,
  nodeAffinityMatches,
  nodeSelectorTermsMatch,
  type Placed,
  podRequests,
  portConflict,
  type Requests,
  resourceMisfit,
  spreadMisfit,
  type Taint,
  unschedulableMessage,
  untoleratedTaint,
} from './scheduler.js';
import { claimBlocksScheduling } from './storage.js';

/**
 * The scheduler: each pod without a node that the kubelet side knows (one with a runtime) goes on
 * the least used node that fits it (scheduler.ts has the filters), with a Scheduled event; a pod
 * that fits none, or whose claim blocks it, keeps the scheduler's FailedScheduling message.
 */
export const schedulerController: Controller = {
  kind: 'Pod',
  reconcile(host) {
    schedule(host);
    return false;
  },
};

/** Resource requests by stored pod spec (read, never changed, by the scheduler). */
export const requestsBySpec = new WeakMap<PodSpec, Requests>();

/** What a stored pod requests, worked out once per spec (a stored pod's containers never change in place). */
function storedPodRequests(spec: PodSpec): Requests {
  let r = requestsBySpec.get(spec);
  if (r === undefined) {
    r = podRequests(spec);
    requestsBySpec.set(spec, r);
  }
  return r;
}

/** Whether a pod has ended (Succeeded or Failed): it no longer holds its node's resources. */
export function podEnded(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

function schedule(host: ClusterHost): void {
  // Only a pod without a node that the kubelet side knows (a runtime) is scheduled; the placements
  // below are what such a pod is weighed against, so with none of them there is nothing to do.
  let waiting = false;
  for (const p of host.store.ofKind('Pod').values()) {
    if (!p.spec.nodeName && host.runtime.has(key('Pod', p.metadata.namespace, p.metadata.name ?? ''))) {
      waiting = true;
      break;
    }
  }
  if (!waiting) return;
  const nodes = [...host.store.ofKind('Node').values()];
  const pods = [...host.store.ofKind('Pod').values()];
  const classes = [...host.store.ofKind('StorageClass').values()];
  const priorityClasses = [...host.store.ofKind('PriorityClass').values()];
  const priorityOf = (p: Pod) => podPriority(p, priorityClasses);
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name ?? '', n]));
  const used = new Map<string, NodeUse>();
  const placed: Placed[] = [];
  const podsOn = new Map<string, { pod: Pod; req: Requests; started: number }[]>();
  const place = (p: Pod, nodeName: string, r: Requests) => {
    const u = used.get(nodeName) ?? emptyUse();
    addUse(u, r);
    used.set(nodeName, u);
    placed.push({ pod: p, nodeLabels: nodeByName.get(nodeName)?.metadata.labels ?? {} });
    const started = host.runtime.get(key('Pod', p.metadata.namespace, p.metadata.name ?? ''))?.createdAt ?? 0;
    const on = podsOn.get(nodeName);
    if (on) on.push({ pod: p, req: r, started });
    else podsOn.set(nodeName, [{ pod: p, req: r, started }]);
  };
  for (const p of pods)
    if (p.spec.nodeName && !podEnded(p)) place(p, p.spec.nodeName, storedPodRequests(p.spec));
  // The scheduling queue's order (PrioritySort): higher priority first, then as stored.
  const queue = pods.filter((p) => !p.spec.nodeName);
  if (priorityClasses.length > 0 || queue.some((p) => p.spec.priority || p.spec.priorityClassName))
    queue.sort((a, b) => priorityOf(b) - priorityOf(a));
  for (const p of queue) {
    const rt = host.runtime.get(key('Pod', p.metadata.namespace, p.metadata.name ?? ''));
    if (!rt) continue;
    const reasons = new Map<string, number>();
    let resolvable = 0;
    const ns = p.metadata.namespace ?? 'default';
    let volumeProblem: string | undefined;
    const pinned: NodeSelectorTerm[][] = [];
    for (const v of p.spec.volumes ?? []) {
      if (!v.persistentVolumeClaim || volumeProblem) continue;
      const claimName = v.persistentVolumeClaim.claimName;
      const claim = host.store.at(key('PersistentVolumeClaim', ns, claimName));
      volumeProblem = claimBlocksScheduling(claim, claimName, classes, {
        provisioner: (n) => host.world.provisioners[n],
      });
      const terms = boundVolumeTerms(host, claim);
      if (terms) pinned.push(terms);
    }
    const req = storedPodRequests(p.spec);
    const candidates = nodes
      .filter((n) => {
        const why = misfit(n, p, req, used.get(n.metadata.name ?? ''), placed, pinned, nodes);
        for (const r of why.reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
        if (why.reasons.length && why.resolvable) resolvable++;
        return why.reasons.length === 0;
      })
      .sort((a, b) => {
        const ua =
          (used.get(a.metadata.name ?? '')?.cpu ?? 0) / (parseQuantity(a.status?.allocatable?.cpu) ?? 1);
        const ub =
          (used.get(b.metadata.name ?? '')?.cpu ?? 0) / (parseQuantity(b.status?.allocatable?.cpu) ?? 1);
        return ua - ub || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1);
      });
    const chosen = volumeProblem ? undefined : candidates[0];
    if (chosen) {
      const name = chosen.metadata.name ?? '';
      p.spec.nodeName = name;
      place(p, name, req);
      delete (rt as { unschedulable?: string }).unschedulable;
      if (rt.createdAt >= 0) {
        host.controllerEvent(
          'Normal',
          'Scheduled',
          `Successfully assigned ${ns}/${p.metadata.name} to ${name}`,
          p,
          'default-scheduler',
        );
      }
    } else {
      const total = nodes.length;
      // A claim problem fails before any node is tried (the scheduler's PreFilter), so no counts.
      (rt as { unschedulable?: string }).unschedulable = volumeProblem?.startsWith('running PreBind')
        ? volumeProblem
        : volumeProblem
          ? `0/${total} nodes are available: ${volumeProblem}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`
          : preempt(host, p, nodes, { podsOn, placed }, priorityClasses, reasons, resolvable, (n, u, pl) =>
              misfit(n, p, req, u, pl, pinned, nodes),
            );
    }
  }
}

/**
 * Preemption for a pod that fits no node (preemption.ts), in kube-scheduler's order: a pod whose
 * policy is Never is not eligible; a pod nominated to a node where lower-priority pods are still
 * terminating waits for them; otherwise the best node's victims are evicted and the pod nominated to it.
 * Returns the FailedScheduling message: the filters' counts, then what preemption found.
 */
function preempt(
  host: ClusterHost,
  p: Pod,
  nodes: readonly Node[],
  placement: Placement,
  priorityClasses: readonly KubeObject[],
  reasons: ReadonlyMap<string, number>,
  resolvable: number,
  misfit: Misfit,
): string {
  const total = nodes.length;
  const filters = filterMessage(total, reasons);
  if (podPreemptionPolicy(p, priorityClasses) === 'Never')
    return `${filters} preemption: not eligible due to preemptionPolicy=Never.`;
  const rt = host.runtime.get(key('Pod', p.metadata.namespace, p.metadata.name ?? ''));
  const facts = rt ? preemptionOf(rt) : {};
  const priority = podPriority(p, priorityClasses);
  const priorityOf = (q: Pod) => podPriority(q, priorityClasses);
  if (
    facts.nominatedNode !== undefined &&
    (placement.podsOn.get(facts.nominatedNode) ?? []).some(
      (q) => q.pod.metadata.deletionTimestamp && priorityOf(q.pod) < priority,
    )
  )
    return `${filters} preemption: not eligible due to a terminating pod on the nominated node.`;
  const candidate =
    resolvable > 0 ? preemptionCandidate(nodes, priority, placement, priorityOf, misfit) : undefined;
  if (!candidate) return unschedulableMessage(total, reasons, resolvable);
  evictVictims(host, p, candidate);
  facts.nominatedNode = candidate.node.metadata.name ?? '';
  return filters;
}

/**
 * The node affinity terms of the PersistentVolume a Bound claim is bound to (`spec.nodeAffinity.required
 * .nodeSelectorTerms`, as a local volume carries its node), or undefined when it has none.
 */
function boundVolumeTerms(host: ClusterHost, claim: KubeObject | undefined): NodeSelectorTerm[] | undefined {
  if ((claim?.status as { phase?: string } | undefined)?.phase !== 'Bound') return undefined;
  const volumeName = (claim?.spec as { volumeName?: string } | undefined)?.volumeName;
  if (!volumeName) return undefined;
  const pv = host.store.at(key('PersistentVolume', undefined, volumeName));
  const terms = (
    pv?.spec as { nodeAffinity?: { required?: { nodeSelectorTerms?: NodeSelectorTerm[] } } } | undefined
  )?.nodeAffinity?.required?.nodeSelectorTerms;
  return terms?.length ? terms : undefined;
}

/** The taint a cordoned node is read as having (kubectl cordon sets `spec.unschedulable`). */
const UNSCHEDULABLE: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Why a pod cannot go on a node (none when it fits), in the scheduler's words, in its filter order. */
function misfit(
  n: Node,
  p: Pod,
  req: Requests,
  used: NodeUse | undefined,
  placed: readonly Placed[],
  pinned: readonly (readonly NodeSelectorTerm[])[],
  nodes: readonly Node[],
): { reasons: string[]; resolvable: boolean } {
  const no = (r: string) => ({ reasons: [r], resolvable: false });
  // A cordoned node keeps off every pod that does not tolerate its unschedulable taint (DaemonSet pods do).
  if (n.spec?.unschedulable && untoleratedTaint([UNSCHEDULABLE], p.spec.tolerations))
    return no('node(s) were unschedulable');
  // A node that is not ready is kept off by its taints (node.kubernetes.io/unreachable, not-ready).
  if (!nodeAffinityMatches(n, p)) return no("node(s) didn't match Pod's node affinity/selector");
  const taint = untoleratedTaint(n.spec?.taints, p.spec.tolerations);
  if (taint) return no(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  if (portConflict(n, p, placed))
    return { reasons: ["node(s) didn't have free ports for the requested pod ports"], resolvable: true };
  const short = resourceMisfit(n, req, used ?? emptyUse());
  if (short.length) return { reasons: short, resolvable: true };
  // VolumeBinding: a bound PersistentVolume's node affinity (a local volume's node) must hold.
  if (pinned.some((terms) => !nodeSelectorTermsMatch(terms, n)))
    return no('node(s) had volume node affinity conflict');
  const spread = spreadMisfit(n, p, placed, nodes);
  if (spread) return { reasons: [spread.reason], resolvable: spread.resolvable };
  const pods = interPodMisfit(n, p, placed);
  return pods ? { reasons: [pods.reason], resolvable: pods.resolvable } : { reasons: [], resolvable: false };
}
