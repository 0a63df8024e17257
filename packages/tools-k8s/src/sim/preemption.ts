import type { Node, Pod } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { markDisruptionTarget } from './node-lifecycle.js';
import { key } from './object-store.js';
import type { PodRuntime } from './pod-state.js';
import { addUse, emptyUse, type NodeUse, type Placed, type Requests } from './scheduler.js';

/**
 * Preemption, as kube-scheduler's DefaultPreemption plugin does it
 * (https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/): a pod that fits
 * no node may evict pods of lower priority from one node to make room.
 *
 * - On each node that failed only on something preemption can free (resources, anti-affinity), every
 *   lower-priority pod is taken away; if the pod then fits, pods are given back one at a time, the most
 *   important first (higher priority, then the one that started first), as long as it still fits. The
 *   ones that could not be given back are the node's victims.
 * - The node chosen is the one whose most important victim has the lowest priority, then the lowest sum
 *   of victims' priorities, then the fewest victims, then the first by name. PodDisruptionBudgets are not
 *   weighed (the scheduler prefers nodes whose victims break none; the simulation does not).
 * - Each victim gets a `DisruptionTarget` condition (reason `PreemptionByScheduler`), a `Preempted`
 *   event ("Preempted by pod <uid> on node <node>") and is marked for deletion; it terminates over its
 *   grace period (`terminationGracePeriodSeconds`, 30 by default) and is then removed, while its owner
 *   makes a replacement. The preemptor waits with `status.nominatedNodeName` set until the victims are
 *   gone, then is scheduled.
 * - A pod with `preemptionPolicy: Never` never preempts.
 */

/** Why a pod cannot go on a node with the given use and pods placed, or nothing when it fits. */
export type Misfit = (
  node: Node,
  use: NodeUse,
  placed: readonly Placed[],
) => { reasons: readonly string[]; resolvable: boolean };

/** A node preemption could free for the pod, and the pods it would evict there. */
export interface Candidate {
  readonly node: Node;
  readonly victims: readonly Pod[];
}

/** Where the pods are: what each node's pods request, by node name. */
export interface Placement {
  readonly podsOn: ReadonlyMap<string, readonly { pod: Pod; req: Requests; started: number }[]>;
  readonly placed: readonly Placed[];
}

function useOf(pods: readonly { req: Requests }[]): NodeUse {
  const u = emptyUse();
  for (const p of pods) addUse(u, p.req);
  return u;
}

/**
 * The best node preemption could free for a pod of priority `priority`, or undefined when no node has
 * victims enough (every lower-priority pod gone would still not make room). `misfit` is the
 * scheduler's own filter; `priorityOf` reads a placed pod's priority.
 */
export function preemptionCandidate(
  nodes: readonly Node[],
  priority: number,
  placement: Placement,
  priorityOf: (p: Pod) => number,
  misfit: Misfit,
): Candidate | undefined {
  let best: { c: Candidate; score: [number, number, number] } | undefined;
  for (const node of nodes) {
    const name = node.metadata.name ?? '';
    const here = placement.podsOn.get(name) ?? [];
    // Terminating pods are already leaving; they are not victims (and still hold their resources).
    const lower = here.filter((q) => priorityOf(q.pod) < priority && !q.pod.metadata.deletionTimestamp);
    if (lower.length === 0) continue;
    const gone = new Set(lower.map((q) => q.pod));
    const kept = here.filter((q) => !gone.has(q.pod));
    const othersPlaced = placement.placed.filter((pl) => !gone.has(pl.pod));
    if (misfit(node, useOf(kept), othersPlaced).reasons.length > 0) continue;
    // Give back as many as fit, the most important first.
    const order = [...lower].sort((a, b) => priorityOf(b.pod) - priorityOf(a.pod) || a.started - b.started);
    const victims: Pod[] = [];
    const back = [...kept];
    const backPlaced = [...othersPlaced];
    const labels = node.metadata.labels ?? {};
    for (const q of order) {
      back.push(q);
      backPlaced.push({ pod: q.pod, nodeLabels: labels });
      if (misfit(node, useOf(back), backPlaced).reasons.length > 0) {
        back.pop();
        backPlaced.pop();
        victims.push(q.pod);
      }
    }
    if (victims.length === 0) continue;
    const prios = victims.map(priorityOf);
    const score: [number, number, number] = [
      Math.max(...prios),
      prios.reduce((a, b) => a + b, 0),
      victims.length,
    ];
    if (
      best === undefined ||
      score[0] < best.score[0] ||
      (score[0] === best.score[0] &&
        (score[1] < best.score[1] || (score[1] === best.score[1] && score[2] < best.score[2])))
    )
      best = { c: { node, victims }, score };
  }
  return best?.c;
}

/** What the scheduler remembers about a pod in preemption (kept on the pod's runtime, so copies of a built cluster keep it). */
export interface PreemptionFacts {
  /** For a victim: when it was preempted (logical seconds). */
  preemptedAt?: number;
  /** For a preemptor: the node it was nominated to (`status.nominatedNodeName`). */
  nominatedNode?: string;
}

/** The preemption facts kept on a pod's runtime. */
export function preemptionOf(rt: PodRuntime): PreemptionFacts {
  return rt as PodRuntime & PreemptionFacts;
}

/** Evicts the victims for a preemptor nominated to `node`, as kube-scheduler's preemption does. */
export function evictVictims(host: ClusterHost, preemptor: Pod, candidate: Candidate): void {
  const node = candidate.node.metadata.name ?? '';
  for (const v of candidate.victims) {
    const rt = host.runtime.get(key('Pod', v.metadata.namespace, v.metadata.name ?? ''));
    if (rt) preemptionOf(rt).preemptedAt = host.now;
    v.metadata.deletionTimestamp = host.iso(host.now);
    v.metadata.deletionGracePeriodSeconds = gracePeriod(v);
    markPreempted(v, host.iso(host.now));
    host.event(
      'Normal',
      'Preempted',
      `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${node}`,
      v,
      'default-scheduler',
      host.now,
    );
  }
}

function gracePeriod(p: Pod): number {
  const g = (p.spec as { terminationGracePeriodSeconds?: unknown }).terminationGracePeriodSeconds;
  return typeof g === 'number' && Number.isFinite(g) && g >= 0 ? g : 30;
}

function markPreempted(pod: Pod, at: string): void {
  const scheduler = (pod.spec as { schedulerName?: string }).schedulerName ?? 'default-scheduler';
  markDisruptionTarget(
    pod,
    'PreemptionByScheduler',
    `${scheduler}: preempting to accommodate a higher priority pod`,
    at,
  );
}

/**
 * After the kubelet has written each pod's status: a preempted pod keeps its `DisruptionTarget`
 * condition and is removed once its grace period has passed; a nominated pod still waiting shows
 * `status.nominatedNodeName`.
 */
export const preemptionController: Controller = {
  kind: 'Pod',
  reconcile(host) {
    let changed = false;
    for (const pod of [...host.store.ofKind('Pod').values()]) {
      const rt = host.runtime.get(key('Pod', pod.metadata.namespace, pod.metadata.name ?? ''));
      if (!rt) continue;
      const facts = preemptionOf(rt);
      if (facts.preemptedAt !== undefined) {
        if (host.now >= facts.preemptedAt + gracePeriod(pod)) {
          host.remove('Pod', pod.metadata.namespace, pod.metadata.name ?? '');
          changed = true;
        } else markPreempted(pod, host.iso(facts.preemptedAt));
      } else if (facts.nominatedNode !== undefined) {
        if (pod.spec.nodeName) delete facts.nominatedNode;
        else if (pod.status) pod.status = { ...pod.status, nominatedNodeName: facts.nominatedNode };
      }
    }
    return changed;
  },
};
