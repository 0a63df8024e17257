import type { KubeObject } from '../cluster.js';
import type { Node, Pod, PodTemplate } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { clone } from './names.js';
import { key } from './object-store.js';
import {
  labelSelectorMatches,
  nodeAffinityMatches,
  type Taint,
  type Toleration,
  untoleratedTaint,
} from './scheduler.js';
import { podEnded } from './scheduler-controller.js';
import {
  adopt,
  controlledBy,
  declaredPodRevision,
  otherController,
  REVISION_LABEL,
  revisionOf,
  runningAndReady,
  usableTemplate,
} from './statefulset-controller.js';

/**
 * The DaemonSet controller, after Kubernetes' `pkg/controller/daemon`: one pod on every node that
 * should run one. A node should when the template's nodeSelector and required node affinity match it
 * and the pod tolerates each of its NoSchedule and NoExecute taints, counting the tolerations every
 * daemon pod is given (not-ready and unreachable NoExecute; disk-, memory- and pid-pressure and
 * unschedulable NoSchedule; network-unavailable for host-network pods). A node whose taint the pod
 * does not tolerate gets no pod, no event and no Pending pod: it is simply not counted in
 * `desiredNumberScheduled`. Each pod is pinned to its node by required node affinity on
 * `metadata.name` and placed by the scheduler, so a node without room leaves it Pending with the
 * scheduler's FailedScheduling message. A pod stays on a node that gained a NoSchedule taint
 * (`numberMisscheduled`) and goes from a node that gained an untolerated NoExecute taint, stopped
 * matching the selector, or is gone. A Failed pod is deleted and made again. A template change rolls
 * out (`updateStrategy: RollingUpdate`, the default, one node at a time while the others are
 * available); `OnDelete` replaces only pods deleted by hand. A pod that matches the selector, runs on
 * a node and has no controller is adopted. Events as the controller records them (`Created pod:`,
 * `Deleted pod:`, FailedDaemonPod).
 */
export const daemonSetController: Controller = {
  kind: 'DaemonSet',
  reconcile(host) {
    let changed = false;
    for (const ds of [...host.store.ofKind('DaemonSet').values()])
      changed = reconcileDaemonSet(ds, host) || changed;
    return changed;
  },
};

/** The DaemonSet controller's status pass, once the pods were evaluated (a declared status is kept). */
export const daemonSetStatusController: Controller = {
  kind: 'DaemonSet',
  reconcile(host) {
    for (const ds of host.store.ofKind('DaemonSet').values())
      if (!host.declared(ds)) daemonSetStatus(ds, host);
    return false;
  },
};

/** Most pods one DaemonSet may have in the simulated cluster (bounded work for any world). */
export const MAX_DAEMON_PODS = 200;

interface DaemonSetSpec {
  selector?: Parameters<typeof labelSelectorMatches>[0];
  minReadySeconds?: number;
  updateStrategy?: { type?: string };
  template?: PodTemplate;
}

const specOf = (ds: KubeObject): DaemonSetSpec => (ds.spec ?? {}) as DaemonSetSpec;

/** The tolerations the DaemonSet controller adds to every daemon pod (`util.AddOrUpdateDaemonPodTolerations`). */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const noExecute = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];
  const noSchedule = [
    'node.kubernetes.io/disk-pressure',
    'node.kubernetes.io/memory-pressure',
    'node.kubernetes.io/pid-pressure',
    'node.kubernetes.io/unschedulable',
    ...(hostNetwork ? ['node.kubernetes.io/network-unavailable'] : []),
  ];
  return [
    ...noExecute.map((k) => ({ key: k, operator: 'Exists', effect: 'NoExecute' })),
    ...noSchedule.map((k) => ({ key: k, operator: 'Exists', effect: 'NoSchedule' })),
  ];
}

/** The template's tolerations with the daemon pod's own added (those it already has are kept as they are). */
function tolerationsOf(template: PodTemplate | undefined): Toleration[] {
  const declared = template?.spec?.tolerations;
  // Only tolerations that are objects count (the API server refuses anything else).
  const own = (Array.isArray(declared) ? declared : []).filter(
    (t): t is Toleration => typeof t === 'object' && t !== null && !Array.isArray(t),
  );
  const hostNetwork = (template?.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork === true;
  const added = daemonPodTolerations(hostNetwork).filter(
    (t) => !own.some((o) => o.key === t.key && o.effect === t.effect),
  );
  return [...own, ...added];
}

/** The taints the node lifecycle controller puts on a node it lost. */
const LOST_TAINTS = new Set(['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready']);

/** The node's taints, with the unschedulable taint a cordoned node is read as having. */
function taintsOf(node: Node): Taint[] {
  const taints: Taint[] = [...(node.spec?.taints ?? [])];
  if (node.spec?.unschedulable && !taints.some((t) => t.key === 'node.kubernetes.io/unschedulable'))
    taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  return taints;
}

/**
 * Whether a node should run the daemon pod (`shouldRun`) and, if one runs there already, whether it
 * may stay (`shouldContinue`: only an untolerated NoExecute taint or a selector that no longer
 * matches sends it away), as `NodeShouldRunDaemonPod` decides.
 */
export function nodeShouldRun(
  node: Node,
  template: PodTemplate | undefined,
  { beforeLost = false }: { beforeLost?: boolean } = {},
): { shouldRun: boolean; shouldContinue: boolean } {
  const probe = { metadata: {}, spec: template?.spec ?? { containers: [] } } as Pod;
  if (!nodeAffinityMatches(node, probe)) return { shouldRun: false, shouldContinue: false };
  const tolerations = tolerationsOf(template);
  // Before the world starts, a node that is unreachable now was not yet: its pod was made back then.
  const taints = taintsOf(node).filter((t) => !beforeLost || !LOST_TAINTS.has(t.key));
  if (untoleratedTaint(taints, tolerations, ['NoExecute']))
    return { shouldRun: false, shouldContinue: false };
  return {
    shouldRun: untoleratedTaint(taints, tolerations, ['NoSchedule']) === undefined,
    shouldContinue: true,
  };
}

/** The node a daemon pod is for: its node, else the node its required affinity names. */
function nodeOf(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const terms = (
    pod.spec as {
      affinity?: {
        nodeAffinity?: {
          requiredDuringSchedulingIgnoredDuringExecution?: {
            nodeSelectorTerms?: { matchFields?: { key: string; values?: string[] }[] }[];
          };
        };
      };
    }
  ).affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return terms?.[0]?.matchFields?.find((f) => f.key === 'metadata.name')?.values?.[0];
}

/** The daemon pods by node: those it owns and those it adopts (matching, on a node, uncontrolled). */
function podsByNode(ds: KubeObject, host: ClusterHost): Map<string, Pod[]> {
  const ns = ds.metadata?.namespace;
  const out = new Map<string, Pod[]>();
  for (const pod of host.store.ofKind('Pod').values()) {
    if (pod.metadata.namespace !== ns) continue;
    if (otherController(pod, ds)) continue;
    if (!controlledBy(pod, ds)) {
      if (!pod.spec.nodeName || !labelSelectorMatches(specOf(ds).selector, pod.metadata.labels ?? {}))
        continue;
      adopt(pod, ds);
    }
    const node = nodeOf(pod) ?? '';
    const list = out.get(node);
    if (list) list.push(pod);
    else out.set(node, [pod]);
  }
  return out;
}

/** The pod template for one node: its revision label, the daemon tolerations, affinity to that node alone. */
function podTemplate(ds: KubeObject, node: string, revision: string, bound: boolean): PodTemplate {
  const tpl = clone(specOf(ds).template ?? { spec: { containers: [] } });
  const affinity = (tpl.spec as { affinity?: Record<string, unknown> }).affinity ?? {};
  return {
    metadata: {
      ...tpl.metadata,
      labels: {
        ...tpl.metadata?.labels,
        [REVISION_LABEL]: revision.slice((ds.metadata?.name ?? '').length + 1),
        'pod-template-generation': String(ds.metadata?.generation ?? 1),
      },
    },
    spec: {
      ...tpl.spec,
      // A pod made before the world started on a node lost since was bound to it back then.
      ...(bound ? { nodeName: node } : {}),
      tolerations: tolerationsOf(specOf(ds).template),
      affinity: {
        ...affinity,
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
          },
        },
      },
    } as PodTemplate['spec'],
  };
}

/** When a pod for a node is made: now, or while the world is built when both the set and the node existed. */
function createdAt(ds: KubeObject, node: Node, host: ClusterHost): number {
  if (!host.settling) return host.now;
  const since = Math.max(
    host.seconds(ds.metadata?.creationTimestamp) ?? -3600,
    host.seconds(node.metadata.creationTimestamp) ?? -3600,
  );
  return Math.min(0, since);
}

function record(
  host: ClusterHost,
  ds: KubeObject,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
) {
  if (type === 'Warning' || !host.settling)
    host.event(type, reason, message, ds, 'daemonset-controller', host.now);
}

function remove(ds: KubeObject, pod: Pod, host: ClusterHost): void {
  host.remove('Pod', pod.metadata.namespace, pod.metadata.name ?? '');
  record(host, ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
}

/** The revision a pod carries, as its owner names it (`<set>-<hash>`). */
const podRevision = (ds: KubeObject, pod: Pod) =>
  `${ds.metadata?.name ?? ''}-${pod.metadata.labels?.[REVISION_LABEL] ?? ''}`;

/** One pass of the controller over a DaemonSet; whether it made or removed a pod. */
function reconcileDaemonSet(ds: KubeObject, host: ClusterHost): boolean {
  const template = specOf(ds).template;
  // The API server refuses a DaemonSet without containers; one a world declared so makes no pods.
  if (!usableTemplate(template)) return false;
  const revision = revisionOf(ds, host);
  const byNode = podsByNode(ds, host);
  const nodes = new Map([...host.store.ofKind('Node').values()].map((n) => [n.metadata.name ?? '', n]));
  const prefix = (ds.metadata?.name ?? '').length + 1;
  if (host.settling)
    for (const pods of byNode.values())
      for (const pod of pods)
        if (!pod.metadata.labels?.[REVISION_LABEL])
          pod.metadata.labels = {
            ...pod.metadata.labels,
            [REVISION_LABEL]: declaredPodRevision(pod, ds, template, revision).slice(prefix),
          };
  let changed = false;
  let total = 0;
  for (const pods of byNode.values()) total += pods.length;
  const live = (p: Pod) => p.metadata.deletionTimestamp === undefined;

  for (const [nodeName, pods] of byNode) {
    const node = nodes.get(nodeName);
    const verdict = node ? nodeShouldRun(node, template) : { shouldRun: false, shouldContinue: false };
    for (const pod of pods) {
      if (!live(pod)) continue;
      if (podEnded(pod) && pod.status?.phase === 'Failed') {
        record(
          host,
          ds,
          'Warning',
          'FailedDaemonPod',
          `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`,
        );
        remove(ds, pod, host);
        changed = true;
      } else if (!verdict.shouldContinue) {
        remove(ds, pod, host);
        changed = true;
      }
    }
    // More than one live pod on a node: the oldest stays.
    const staying = pods.filter(
      (p) => live(p) && host.store.has(key('Pod', p.metadata.namespace, p.metadata.name ?? '')),
    );
    for (const extra of staying.slice(1)) {
      remove(ds, extra, host);
      changed = true;
    }
  }

  for (const [nodeName, node] of nodes) {
    if (!nodeShouldRun(node, template, { beforeLost: host.settling }).shouldRun) continue;
    const here = (byNode.get(nodeName) ?? []).filter((p) =>
      host.store.has(key('Pod', p.metadata.namespace, p.metadata.name ?? '')),
    );
    if (here.length > 0 || total >= MAX_DAEMON_PODS) continue;
    const made = host.jobs.createPod(
      ds,
      podTemplate(
        ds,
        nodeName,
        revision,
        host.settling && taintsOf(node).some((t) => LOST_TAINTS.has(t.key)),
      ),
      createdAt(ds, node, host),
    );
    if (typeof made === 'string') {
      host.controllerEvent(
        'Warning',
        'FailedCreate',
        `Error creating: ${made}`,
        ds,
        'daemonset-controller',
        60,
      );
      break;
    }
    total++;
    record(host, ds, 'Normal', 'SuccessfulCreate', `Created pod: ${made.metadata.name}`);
    changed = true;
  }
  if (changed || (specOf(ds).updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return changed;

  // Roll a new template out: old pods that are not available go at once (they serve nothing, as the
  // controller's rolling update deletes every old pod that is not running); an available one only
  // while every other daemon pod is available (maxUnavailable 1).
  const all = [...byNode.values()].flat().filter(live);
  const outdated = all.filter((p) => podRevision(ds, p) !== revision);
  const broken = outdated.filter((p) => !runningAndReady(p));
  for (const p of broken) {
    remove(ds, p, host);
    changed = true;
  }
  if (broken.length === 0 && outdated.length > 0 && all.every(runningAndReady)) {
    remove(ds, outdated[0]!, host);
    changed = true;
  }
  return changed;
}

function daemonSetStatus(ds: KubeObject, host: ClusterHost): void {
  const template = specOf(ds).template;
  const revision = revisionOf(ds, host);
  const byNode = podsByNode(ds, host);
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let availableCount = 0;
  let updated = 0;
  const minReady = specOf(ds).minReadySeconds ?? 0;
  for (const node of host.store.ofKind('Node').values()) {
    const name = node.metadata.name ?? '';
    const pods = (byNode.get(name) ?? []).filter((p) => p.metadata.deletionTimestamp === undefined);
    const { shouldRun } = nodeShouldRun(node, template);
    if (!shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const pod = pods[0] as Pod;
    if (podRevision(ds, pod) === revision) updated++;
    if (!runningAndReady(pod)) continue;
    ready++;
    const since = host.seconds(pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
    if (minReady <= 0 || (since !== undefined && host.now - since >= minReady)) availableCount++;
  }
  ds.status = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata?.generation ?? 1,
    updatedNumberScheduled: updated,
    numberAvailable: availableCount,
    ...(desired - availableCount > 0 ? { numberUnavailable: desired - availableCount } : {}),
  };
}
