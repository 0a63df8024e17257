import type { KubeObject } from '../cluster.js';
import { parseQuantity } from '../quantity.js';
import type { Controller, ControllerBase, RepeatingEvents } from './controller-host.js';
import type { Stored } from './object-store.js';

/** How a provisioner named by a StorageClass behaves in the world (default: it works). */
export interface ProvisionerBehavior {
  /** The error each provisioning attempt ends with. */
  readonly error?: string | undefined;
  /** false: no provisioner of that name runs, so claims wait for one. */
  readonly running?: boolean | undefined;
}

/** What the volume controller needs from the simulated cluster. */
export interface StorageHost extends ControllerBase, RepeatingEvents {
  /** Live objects of one kind; every namespace when `namespace` is left out. */
  list<K extends string>(kind: K, namespace?: string): Stored<K>[];
  createObject(obj: KubeObject, at: number): KubeObject;
  provisioner(name: string): ProvisionerBehavior | undefined;
}

interface ClaimSpec {
  storageClassName?: string | null;
  volumeName?: string;
  accessModes?: string[];
  resources?: { requests?: { storage?: string } };
  volumeMode?: string;
}

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
const BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
/** Seconds between the volume controller's attempts for a claim it cannot bind. */
const RETRY = 15;

/** The default StorageClass (the newest of several, as the admission plugin picks), or undefined. */
export function defaultStorageClass(classes: readonly KubeObject[]): KubeObject | undefined {
  return classes
    .filter(
      (c) =>
        c.metadata?.annotations?.[DEFAULT_CLASS] === 'true' ||
        c.metadata?.annotations?.[BETA_DEFAULT_CLASS] === 'true',
    )
    .sort((a, b) =>
      (a.metadata?.creationTimestamp ?? '') < (b.metadata?.creationTimestamp ?? '') ? 1 : -1,
    )[0];
}

/** Why a claim a pod uses keeps the pod from being scheduled, in the scheduler's words; undefined when none. */
export function claimBlocksScheduling(
  claim: KubeObject | undefined,
  claimName: string,
  classes: readonly KubeObject[],
  host: Pick<StorageHost, 'provisioner'>,
): string | undefined {
  if (!claim) return `persistentvolumeclaim "${claimName}" not found`;
  if ((claim.status as { phase?: string } | undefined)?.phase !== 'Pending') return undefined;
  const spec = (claim.spec ?? {}) as ClaimSpec;
  const sc = classes.find((c) => c.metadata?.name === spec.storageClassName);
  if (sc && (sc as { volumeBindingMode?: string }).volumeBindingMode === 'WaitForFirstConsumer') {
    const p = host.provisioner((sc as { provisioner?: string }).provisioner ?? '');
    return p?.error !== undefined || p?.running === false
      ? `running PreBind plugin "VolumeBinding": binding volumes: provisioning failed for PVC "${claimName}"`
      : undefined;
  }
  return 'pod has unbound immediate PersistentVolumeClaims';
}

/**
 * Binds PersistentVolumeClaims as the volume controller and the external provisioners do: a claim
 * without a class gets the default one; a claim names a missing class → Pending, ProvisioningFailed
 * `storageclass.storage.k8s.io "x" not found`; an Available PersistentVolume that fits is bound; else
 * the class's provisioner makes one (`pvc-<uid>`), unless the world says it fails (ProvisioningFailed
 * with its error) or does not run (ExternalProvisioning, waiting); a WaitForFirstConsumer class waits
 * for a scheduled pod that uses the claim. A claim whose status the world declares is left as declared.
 */
export function reconcileClaims(host: StorageHost): void {
  const classes = host.list('StorageClass');
  const volumes = host.list('PersistentVolume');
  const pods = host.list('Pod');
  for (const claim of host.list('PersistentVolumeClaim')) {
    if (host.declared(claim)) continue;
    const ns = claim.metadata?.namespace ?? 'default';
    const name = claim.metadata?.name ?? '';
    const spec = (claim.spec ?? {}) as ClaimSpec;
    claim.spec = spec as Record<string, unknown>;
    const status = (claim.status ?? {}) as { phase?: string };
    if (status.phase === 'Bound') continue;
    const created = host.seconds(claim.metadata?.creationTimestamp) ?? 0;
    const pending = () => {
      claim.status = { phase: 'Pending' };
    };
    if (spec.storageClassName === undefined || spec.storageClassName === null) {
      // The DefaultStorageClass admission plugin fills it in when the claim is created.
      const def = defaultStorageClass(classes);
      if (def) spec.storageClassName = def.metadata?.name ?? '';
    }
    const className = spec.storageClassName ?? '';
    const wanted = parseQuantity(spec.resources?.requests?.storage) ?? 0;
    const modes = spec.accessModes ?? ['ReadWriteOnce'];
    const bind = (pv: KubeObject) => {
      const pvSpec = (pv.spec ?? {}) as Record<string, unknown>;
      pv.spec = {
        ...pvSpec,
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          name,
          namespace: ns,
          uid: claim.metadata?.uid ?? '',
        },
      };
      pv.status = { phase: 'Bound' };
      spec.volumeName = pv.metadata?.name ?? '';
      claim.metadata = {
        ...claim.metadata,
        annotations: {
          ...claim.metadata?.annotations,
          'pv.kubernetes.io/bind-completed': 'yes',
          'pv.kubernetes.io/bound-by-controller': 'yes',
        },
      };
      const capacity = (pvSpec.capacity as Record<string, string> | undefined) ?? {
        storage: spec.resources?.requests?.storage ?? '1Gi',
      };
      claim.status = { phase: 'Bound', accessModes: [...modes], capacity: { ...capacity } };
    };
    // A claim that names its volume binds to it when it exists.
    if (spec.volumeName) {
      const pv = volumes.find((v) => v.metadata?.name === spec.volumeName);
      if (pv) bind(pv);
      else pending();
      continue;
    }
    // Static binding: an Available volume of the class, big enough, with the access modes.
    const fit = volumes.find((v) => {
      const s = (v.spec ?? {}) as {
        storageClassName?: string;
        capacity?: { storage?: string };
        accessModes?: string[];
        claimRef?: unknown;
      };
      const phase = (v.status as { phase?: string } | undefined)?.phase;
      return (
        !s.claimRef &&
        (phase === undefined || phase === 'Available') &&
        (s.storageClassName ?? '') === className &&
        (parseQuantity(s.capacity?.storage) ?? 0) >= wanted &&
        modes.every((m) => s.accessModes?.includes(m))
      );
    });
    if (fit) {
      bind(fit);
      continue;
    }
    pending();
    if (className === '') {
      host.repeating(
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
        claim,
        'persistentvolume-controller',
        created,
        RETRY,
      );
      continue;
    }
    const sc = classes.find((c) => c.metadata?.name === className);
    if (!sc) {
      host.repeating(
        'Warning',
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${className}" not found`,
        claim,
        'persistentvolume-controller',
        created,
        RETRY,
      );
      continue;
    }
    const scFields = sc as { provisioner?: string; volumeBindingMode?: string; reclaimPolicy?: string };
    const provisioner = scFields.provisioner ?? '';
    if (scFields.volumeBindingMode === 'WaitForFirstConsumer') {
      const consumer = pods.find(
        (p) =>
          p.metadata.namespace === ns &&
          p.spec.nodeName &&
          (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name),
      );
      if (!consumer) {
        host.repeating(
          'Normal',
          'WaitForFirstConsumer',
          'waiting for first consumer to be created before binding',
          claim,
          'persistentvolume-controller',
          created,
          RETRY,
        );
        continue;
      }
      claim.metadata = {
        ...claim.metadata,
        annotations: {
          ...claim.metadata?.annotations,
          'volume.kubernetes.io/selected-node': consumer.spec.nodeName ?? '',
        },
      };
    }
    if (provisioner === 'kubernetes.io/no-provisioner') {
      host.repeating(
        'Normal',
        'WaitForPodScheduled',
        'waiting for pod to be scheduled',
        claim,
        'persistentvolume-controller',
        created,
        RETRY,
      );
      continue;
    }
    claim.metadata = {
      ...claim.metadata,
      annotations: {
        ...claim.metadata?.annotations,
        'volume.beta.kubernetes.io/storage-provisioner': provisioner,
        'volume.kubernetes.io/storage-provisioner': provisioner,
      },
    };
    const behaviour = host.provisioner(provisioner);
    if (behaviour?.running === false || behaviour?.error !== undefined) {
      host.repeating(
        'Normal',
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
        claim,
        'persistentvolume-controller',
        created,
        RETRY,
      );
      if (behaviour.error !== undefined) {
        host.repeating(
          'Normal',
          'Provisioning',
          `External provisioner is provisioning volume for claim "${ns}/${name}"`,
          claim,
          provisioner,
          created,
          RETRY,
        );
        host.repeating(
          'Warning',
          'ProvisioningFailed',
          `failed to provision volume with StorageClass "${className}": ${behaviour.error}`,
          claim,
          provisioner,
          created + 1,
          RETRY,
        );
      }
      continue;
    }
    const at = Math.max(created, Math.min(created + 2, host.now));
    const pvName = `pvc-${claim.metadata?.uid ?? name}`;
    const pv = host.createObject(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: {
          name: pvName,
          annotations: { 'pv.kubernetes.io/provisioned-by': provisioner },
          finalizers: ['kubernetes.io/pv-protection'],
        },
        spec: {
          accessModes: [...modes],
          capacity: { storage: spec.resources?.requests?.storage ?? '1Gi' },
          persistentVolumeReclaimPolicy: scFields.reclaimPolicy ?? 'Delete',
          storageClassName: className,
          volumeMode: spec.volumeMode ?? 'Filesystem',
          csi: { driver: provisioner, volumeHandle: pvName },
        },
        status: { phase: 'Available' },
      },
      at,
    );
    volumes.push(pv);
    bind(pv);
    host.event(
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${pvName}`,
      claim,
      provisioner,
      at,
    );
  }
}

/** The volume controller behind the cluster's reconcile interface. */
export const claimController: Controller = {
  kind: 'PersistentVolumeClaim',
  reconcile(host) {
    reconcileClaims(host.storage);
    return false;
  },
};
