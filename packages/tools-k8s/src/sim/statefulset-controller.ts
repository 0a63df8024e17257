import type { KubeObject } from '../cluster.js';
import type { Pod, PodTemplate } from '../types.js';
import type { ClusterHost, Controller } from './controller-host.js';
import { clone, stableJson, templateHash } from './names.js';
import { key } from './object-store.js';
import { labelSelectorMatches } from './scheduler.js';
import { podEnded } from './scheduler-controller.js';

/**
 * The StatefulSet controller, after Kubernetes' `pkg/controller/statefulset`: pod `<set>-<ordinal>` for
 * each ordinal below `spec.replicas` (from `spec.ordinals.start`), each with its claims from
 * `volumeClaimTemplates` (`<template>-<set>-<ordinal>`, made before the pod and kept after it, as the
 * default `Retain` policy does). With `podManagementPolicy: OrderedReady` (the default) it makes one pod
 * at a time and only once every lower ordinal is Running and Ready, removes the highest extra ordinal
 * first and only while the others are healthy, and waits, without replacing anything, while a pod is
 * Terminating (a pod on a lost node keeps its identity until it is confirmed gone). `Parallel` makes and
 * removes them all at once. A template change rolls out (`updateStrategy: RollingUpdate`, the default)
 * from the highest ordinal down to `partition`, one pod at a time, each only once the others are Running
 * and Ready, so a revision whose pod never becomes Ready stops the rollout (Kubernetes' known "broken
 * state": reverting the template does not replace that pod); `OnDelete` replaces only pods deleted by
 * hand. A Failed pod is deleted and made again. A pod named for an ordinal that matches the selector
 * and has no controller is adopted. Events use the controller's words (`create Pod web-0 in
 * StatefulSet web successful`, `create Claim data-web-0 Pod web-0 in StatefulSet web success`).
 */
export const statefulSetController: Controller = {
  kind: 'StatefulSet',
  reconcile(host) {
    let changed = false;
    for (const set of [...host.store.ofKind('StatefulSet').values()])
      changed = reconcileStatefulSet(set, host) || changed;
    return changed;
  },
};

/** The StatefulSet controller's status pass, once the pods were evaluated (a declared status is kept). */
export const statefulSetStatusController: Controller = {
  kind: 'StatefulSet',
  reconcile(host) {
    for (const set of host.store.ofKind('StatefulSet').values())
      if (!host.declared(set)) statefulSetStatus(set, host);
    return false;
  },
};

/** The label each pod of a StatefulSet carries with its own name (a Service can select one pod). */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** The label with a pod's ordinal (Kubernetes 1.28 and later). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** The label with the name of the ControllerRevision a StatefulSet's or DaemonSet's pod was made from. */
export const REVISION_LABEL = 'controller-revision-hash';

/** Most pods one StatefulSet may have in the simulated cluster (bounded work for any world). */
export const MAX_STATEFUL_PODS = 100;

interface ClaimTemplate {
  metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

interface StatefulSetSpec {
  replicas?: number;
  serviceName?: string;
  podManagementPolicy?: string;
  ordinals?: { start?: number };
  minReadySeconds?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  template?: PodTemplate;
  volumeClaimTemplates?: ClaimTemplate[];
}

const specOf = (set: KubeObject): StatefulSetSpec => (set.spec ?? {}) as StatefulSetSpec;

/**
 * Whether a workload's template can make pods: an object whose spec has a list of containers, each
 * an object with a name. A world may declare anything in a manifest; the API server's validation
 * (admission.ts) refuses such writes, and a controller makes no pods from them.
 */
export function usableTemplate(template: unknown): template is PodTemplate {
  if (typeof template !== 'object' || template === null || Array.isArray(template)) return false;
  const spec = (template as { spec?: unknown }).spec;
  if (typeof spec !== 'object' || spec === null) return false;
  const containers = (spec as { containers?: unknown }).containers;
  return (
    Array.isArray(containers) &&
    containers.length > 0 &&
    containers.every(
      (c) => typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string',
    )
  );
}

/** A template's canonical JSON, by template object (a stored template is never changed in place). */
const templateJson = new WeakMap<object, string>();
function jsonOf(template: PodTemplate): string {
  let json = templateJson.get(template);
  if (json === undefined) {
    json = stableJson(template);
    templateJson.set(template, json);
  }
  return json;
}

/**
 * The name of the ControllerRevision a workload's pod template is (`<name>-<hash>`, as the
 * `controller-revision-hash` label and a StatefulSet's `updateRevision` show it): the one the owner
 * already has for that template, else a new one, stored (`kubectl get controllerrevisions`) with the
 * next revision number. While a world is built, a StatefulSet whose declared status names an
 * `updateRevision` gets that name for its declared template, so the pods the world labelled with it
 * are up to date.
 */
export function revisionOf(owner: KubeObject, host: ClusterHost): string {
  const given = (owner.spec as { template?: unknown } | undefined)?.template;
  const template: PodTemplate = usableTemplate(given) ? given : { spec: { containers: [] } };
  const ns = owner.metadata?.namespace;
  const json = jsonOf(template);
  let last = 0;
  for (const cr of host.store.ofKind('ControllerRevision').values()) {
    if (cr.metadata?.namespace !== ns || !ownedBy(cr, owner)) continue;
    const data = (cr as { data?: { spec?: { template?: PodTemplate } } }).data?.spec?.template;
    if (data && jsonOf(data) === json) return cr.metadata?.name ?? '';
    last = Math.max(last, Number((cr as { revision?: number }).revision ?? 0));
  }
  const name = owner.metadata?.name ?? '';
  const declared = (owner.status as { updateRevision?: unknown } | undefined)?.updateRevision;
  const named =
    host.settling && host.declared(owner) && typeof declared === 'string' && declared.startsWith(`${name}-`)
      ? declared
      : `${name}-${templateHash(template, `${owner.kind}/${name}`)}`;
  host.jobs.createObject(
    {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: {
        name: named,
        ...(ns ? { namespace: ns } : {}),
        labels: { ...template.metadata?.labels, [REVISION_LABEL]: named.slice(name.length + 1) },
        ownerReferences: [
          {
            apiVersion: owner.apiVersion ?? 'apps/v1',
            kind: owner.kind ?? '',
            name,
            uid: owner.metadata?.uid ?? '',
            controller: true,
          },
        ],
      },
      data: { spec: { template: clone(template) } },
      revision: last + 1,
    } as KubeObject,
    host.settling ? Math.min(0, host.seconds(owner.metadata?.creationTimestamp) ?? -3600) : host.now,
  );
  return named;
}

function ownedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((o) => o.uid === owner.metadata?.uid);
}

/** The name a revision would have for a template, without storing it (a pod a world declared from an earlier one). */
function revisionName(owner: KubeObject, template: PodTemplate): string {
  const name = owner.metadata?.name ?? '';
  return `${name}-${templateHash(template, `${owner.kind}/${name}`)}`;
}

/**
 * The revision of a pod a world declared without one, read while the world is built: the template's
 * when its containers run the template's images, else the revision the owner's declared status calls
 * current, else one named after the pod's own spec (a pod of an earlier template).
 */
export function declaredPodRevision(
  pod: Pod,
  owner: KubeObject,
  template: PodTemplate | undefined,
  revision: string,
): string {
  const images = (cs: readonly { image?: string }[] | undefined) => (cs ?? []).map((c) => c.image).join('\n');
  if (images(pod.spec.containers) === images(template?.spec.containers)) return revision;
  const declared = (owner.status as { currentRevision?: string } | undefined)?.currentRevision;
  if (declared && declared !== revision) return declared;
  return revisionName(owner, { metadata: {}, spec: pod.spec });
}

/** Whether a pod is Running with its Ready condition True. */
export function runningAndReady(pod: Pod): boolean {
  return (
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/** The ordinal a pod's name gives for a set (`web-3` of `web`: 3), or undefined when it is not one of its names. */
function ordinalOf(setName: string, podName: string): number | undefined {
  if (!podName.startsWith(`${setName}-`)) return undefined;
  const tail = podName.slice(setName.length + 1);
  if (!/^(0|[1-9][0-9]{0,9})$/.test(tail)) return undefined;
  const n = Number(tail);
  return n <= 2 ** 31 - 1 ? n : undefined;
}

/**
 * Whether a pod's controller is `owner`: by uid, or, for a pod a world declared by hand, by the
 * controller reference's kind and name (its uid cannot match a uid the cluster handed out).
 */
export function controlledBy(pod: Pod, owner: KubeObject): boolean {
  return (pod.metadata.ownerReferences ?? []).some(
    (o) =>
      o.uid === owner.metadata?.uid ||
      (o.controller === true && o.kind === owner.kind && o.name === owner.metadata?.name),
  );
}

/** Whether a pod is controlled by an owner other than `owner`. */
export function otherController(pod: Pod, owner: KubeObject): boolean {
  return !controlledBy(pod, owner) && (pod.metadata.ownerReferences ?? []).some((o) => o.controller);
}

/** The set's pods by ordinal: those it owns and those it adopts (named for an ordinal, matching, uncontrolled). */
function podsOf(set: KubeObject, host: ClusterHost): Map<number, Pod> {
  const ns = set.metadata?.namespace;
  const name = set.metadata?.name ?? '';
  const selector = specOf(set).selector as Parameters<typeof labelSelectorMatches>[0];
  const out = new Map<number, Pod>();
  for (const pod of host.store.ofKind('Pod').values()) {
    if (pod.metadata.namespace !== ns) continue;
    const ordinal = ordinalOf(name, pod.metadata.name ?? '');
    if (ordinal === undefined || otherController(pod, set)) continue;
    if (!controlledBy(pod, set)) {
      if (!labelSelectorMatches(selector, pod.metadata.labels ?? {})) continue;
      adopt(pod, set);
    }
    out.set(ordinal, pod);
  }
  return out;
}

/** A controller's adoption of an orphan: its controller ownerReference, as ControllerRefManager writes it. */
export function adopt(pod: Pod, owner: KubeObject): void {
  pod.metadata.ownerReferences = [
    ...(pod.metadata.ownerReferences ?? []),
    {
      apiVersion: owner.apiVersion ?? 'apps/v1',
      kind: owner.kind ?? '',
      name: owner.metadata?.name ?? '',
      uid: owner.metadata?.uid ?? '',
      controller: true,
    },
  ];
}

/** When a new object of the set is made: now, or while the world is built the set's own creation. */
function createdAt(set: KubeObject, host: ClusterHost): number {
  if (!host.settling) return host.now;
  return Math.min(0, host.seconds(set.metadata?.creationTimestamp) ?? -3600);
}

/** A Normal event of the controller, recorded only once the world runs (what came before it is not news). */
function news(host: ClusterHost, set: KubeObject, reason: string, message: string): void {
  if (!host.settling) host.event('Normal', reason, message, set, 'statefulset-controller', host.now);
}

/** The claims of one pod, from the set's claim templates: `<template>-<set>-<ordinal>`. */
function claimsFor(
  set: KubeObject,
  podName: string,
): { volume: string; claim: string; tpl: ClaimTemplate }[] {
  const templates = specOf(set).volumeClaimTemplates;
  if (!Array.isArray(templates)) return [];
  return templates
    .filter((tpl) => typeof tpl === 'object' && tpl !== null && typeof tpl.metadata?.name === 'string')
    .map((tpl) => ({
      volume: tpl.metadata?.name ?? '',
      claim: `${tpl.metadata?.name ?? ''}-${podName}`,
      tpl,
    }));
}

/** The pod template for an ordinal: identity labels, hostname and subdomain, the claims as volumes. */
function podTemplate(set: KubeObject, podName: string, ordinal: number, revision: string): PodTemplate {
  const spec = specOf(set);
  const tpl = clone(spec.template ?? { spec: { containers: [] } });
  const claims = claimsFor(set, podName);
  const volumes = (tpl.spec.volumes ?? []).filter((v) => !claims.some((c) => c.volume === v.name));
  for (const c of claims) volumes.push({ name: c.volume, persistentVolumeClaim: { claimName: c.claim } });
  return {
    metadata: {
      ...tpl.metadata,
      labels: {
        ...tpl.metadata?.labels,
        [REVISION_LABEL]: revision,
        [POD_NAME_LABEL]: podName,
        [POD_INDEX_LABEL]: String(ordinal),
      },
    },
    spec: {
      ...tpl.spec,
      hostname: podName,
      ...(spec.serviceName ? { subdomain: spec.serviceName } : {}),
      ...(volumes.length ? { volumes } : {}),
    } as PodTemplate['spec'],
  };
}

/**
 * Makes the claims a pod needs that do not exist yet. A claim the API server refuses (a ResourceQuota
 * on storage) is a FailedCreate event, as the StatefulSet controller records it, and the pod is not
 * made: returns false then.
 */
function createClaims(set: KubeObject, podName: string, host: ClusterHost): boolean {
  const ns = set.metadata?.namespace;
  const selectorLabels = specOf(set).selector?.matchLabels ?? {};
  for (const c of claimsFor(set, podName)) {
    if (host.store.has(key('PersistentVolumeClaim', ns, c.claim))) continue;
    const claim: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: c.claim,
        ...(ns ? { namespace: ns } : {}),
        labels: { ...c.tpl.metadata?.labels, ...selectorLabels },
        ...(c.tpl.metadata?.annotations ? { annotations: { ...c.tpl.metadata.annotations } } : {}),
      },
      spec: clone(c.tpl.spec ?? {}),
    };
    const refused = host.jobs.claimRefusal(claim);
    if (refused) {
      host.controllerEvent(
        'Warning',
        'FailedCreate',
        `create Claim ${c.claim} for Pod ${podName} in StatefulSet ${set.metadata?.name} failed error: ${refused}`,
        set,
        'statefulset-controller',
        60,
      );
      return false;
    }
    host.jobs.createObject(claim, createdAt(set, host));
    news(
      host,
      set,
      'SuccessfulCreate',
      `create Claim ${c.claim} Pod ${podName} in StatefulSet ${set.metadata?.name} success`,
    );
  }
  return true;
}

/** Creates the pod of one ordinal (claims first); whether it was made. */
function createOrdinal(set: KubeObject, ordinal: number, revision: string, host: ClusterHost): boolean {
  const setName = set.metadata?.name ?? '';
  const podName = `${setName}-${ordinal}`;
  if (!createClaims(set, podName, host)) return false;
  const made = host.jobs.createPod(
    set,
    podTemplate(set, podName, ordinal, revision),
    createdAt(set, host),
    podName,
  );
  if (typeof made === 'string') {
    host.controllerEvent(
      'Warning',
      'FailedCreate',
      `create Pod ${podName} in StatefulSet ${setName} failed error: ${made}`,
      set,
      'statefulset-controller',
      60,
    );
    return false;
  }
  news(host, set, 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${setName} successful`);
  return true;
}

function deleteOrdinal(set: KubeObject, pod: Pod, host: ClusterHost): void {
  host.remove('Pod', pod.metadata.namespace, pod.metadata.name ?? '');
  news(
    host,
    set,
    'SuccessfulDelete',
    `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata?.name} successful`,
  );
}

/** Pods the controller has asked one more round for, because no kubelet pass had read them. */
const waitedOn = new WeakSet<Pod>();

/** Whether to ask for one more round for a pod the kubelet has not evaluated yet (once per pod). */
function firstWait(pod: Pod, host: ClusterHost): boolean {
  if (host.evaluated.has(pod) || waitedOn.has(pod)) return false;
  waitedOn.add(pod);
  return true;
}

/** One pass of the controller over a set; whether it made or removed a pod. */
function reconcileStatefulSet(set: KubeObject, host: ClusterHost): boolean {
  const spec = specOf(set);
  // The API server refuses a set without containers; one a world declared so makes no pods.
  if (!usableTemplate(spec.template)) return false;
  const wanted = Number.isInteger(spec.replicas) ? (spec.replicas as number) : 1;
  const replicas = Math.min(Math.max(0, wanted), MAX_STATEFUL_PODS);
  if (wanted > MAX_STATEFUL_PODS && !host.settling)
    host.controllerEvent(
      'Warning',
      'FailedCreate',
      `the simulated cluster makes at most ${MAX_STATEFUL_PODS} pods per StatefulSet; ${wanted} asked`,
      set,
      'statefulset-controller',
      3600,
    );
  const start = Number.isInteger(spec.ordinals?.start) ? Math.max(0, spec.ordinals!.start!) : 0;
  const parallel = spec.podManagementPolicy === 'Parallel';
  const revision = revisionOf(set, host);
  const pods = podsOf(set, host);
  if (host.settling)
    for (const pod of pods.values())
      if (!pod.metadata.labels?.[REVISION_LABEL])
        pod.metadata.labels = {
          ...pod.metadata.labels,
          [REVISION_LABEL]: declaredPodRevision(pod, set, spec.template, revision),
        };
  const terminating = (p: Pod) => p.metadata.deletionTimestamp !== undefined;
  const healthy = (p: Pod) => runningAndReady(p) && !terminating(p);
  let changed = false;

  // Failed pods are deleted and made again (as the controller does).
  for (const [ordinal, pod] of pods)
    if (podEnded(pod) && !terminating(pod)) {
      host.event(
        'Warning',
        'RecreatingFailedPod',
        `StatefulSet ${set.metadata?.namespace}/${set.metadata?.name} is recreating failed Pod ${pod.metadata.name}`,
        set,
        'statefulset-controller',
        host.now,
      );
      host.remove('Pod', pod.metadata.namespace, pod.metadata.name ?? '');
      pods.delete(ordinal);
      changed = true;
    }

  // Create the ordinals that are missing, lowest first.
  for (let ordinal = start; ordinal < start + replicas; ordinal++) {
    const pod = pods.get(ordinal);
    if (pod) {
      // A pod no kubelet pass has read yet (one the world declared) is read before it is waited on.
      if (!parallel && !healthy(pod)) return changed || firstWait(pod, host);
      continue;
    }
    if (!createOrdinal(set, ordinal, revision, host)) return changed;
    changed = true;
    if (!parallel) return changed;
  }

  // Remove ordinals past the replicas, highest first.
  const condemned = [...pods.entries()]
    .filter(([ordinal]) => ordinal < start || ordinal >= start + replicas)
    .sort((a, b) => b[0] - a[0]);
  for (const [, pod] of condemned) {
    if (terminating(pod)) {
      if (!parallel) return changed;
      continue;
    }
    if (!parallel && [...pods.values()].some((p) => p !== pod && !healthy(p))) return changed;
    deleteOrdinal(set, pod, host);
    changed = true;
    if (!parallel) return changed;
  }
  if (condemned.length > 0) return changed;

  // Roll a new template out, highest ordinal first, down to the partition.
  if ((spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return changed;
  const partition = Math.max(0, spec.updateStrategy?.rollingUpdate?.partition ?? 0);
  const current = [...pods.entries()].sort((a, b) => b[0] - a[0]);
  if (current.some(([, p]) => !healthy(p))) return changed;
  for (const [ordinal, pod] of current) {
    if (ordinal < start + partition) break;
    if (pod.metadata.labels?.[REVISION_LABEL] === revision) continue;
    deleteOrdinal(set, pod, host);
    return true;
  }
  return changed;
}

function statefulSetStatus(set: KubeObject, host: ClusterHost): void {
  const spec = specOf(set);
  const updateRevision = revisionOf(set, host);
  const pods = [...podsOf(set, host).values()];
  const revisions = pods.map((p) => p.metadata.labels?.[REVISION_LABEL] ?? updateRevision);
  const updated = revisions.filter((r) => r === updateRevision).length;
  // The current revision is the one most pods were made from until every pod is updated.
  const older = revisions.find((r) => r !== updateRevision);
  const currentRevision = older ?? updateRevision;
  const minReady = spec.minReadySeconds ?? 0;
  const ready = pods.filter((p) => runningAndReady(p)).length;
  const availableCount = pods.filter((p) => {
    if (!runningAndReady(p)) return false;
    if (minReady <= 0) return true;
    const since = host.seconds(p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime);
    return since !== undefined && host.now - since >= minReady;
  }).length;
  set.status = {
    observedGeneration: set.metadata?.generation ?? 1,
    replicas: pods.length,
    readyReplicas: ready,
    currentReplicas: revisions.filter((r) => r === currentRevision).length,
    updatedReplicas: updated,
    availableReplicas: availableCount,
    currentRevision,
    updateRevision,
    collisionCount: 0,
  };
}
