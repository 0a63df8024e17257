import type { Container, Pod } from '../types.js';

/**
 * What a pod's and its container's security context decide about the program, as the kubelet and the
 * kernel decide it: whether `runAsNonRoot` lets the container be created, whether a path the
 * program writes is writable by the user it runs as, and whether it may bind a port below 1024.
 *
 * Sources: Kubernetes' "Configure a Security Context for a Pod or Container" task (the container's
 * fields win over the pod's; `fsGroup` is added to the process's supplementary groups and owns the
 * volumes that support ownership management; hostPath is not one of them), "Volumes" (ConfigMap,
 * Secret, downwardAPI and projected volumes are mounted read-only; emptyDir is world-writable), and the
 * kubelet's `verifyRunAsNonRoot` for the refusal messages (pkg/kubelet/kuberuntime/security_context_others.go).
 */

/** The user an image runs as (its Dockerfile `USER`): a number, a name, or absent for root. */
export type ImageUser = number | string | undefined;

/** The user the container's process runs as: a uid, or a user name the kubelet cannot read as a number. */
interface EffectiveUser {
  readonly uid: number | undefined;
  readonly name: string | undefined;
  /** Where the uid came from: the spec (`runAsUser`) or the image. */
  readonly fromSpec: boolean;
}

/** A non-negative integer read from an untyped spec field, or undefined. */
function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** A field of the container's security context over the pod's, as Kubernetes merges them. */
function field(c: Container, pod: Pod, name: 'runAsUser' | 'runAsNonRoot'): unknown {
  const own = c.securityContext?.[name];
  return own !== undefined ? own : pod.spec.securityContext?.[name];
}

function effectiveUser(c: Container, pod: Pod, image: ImageUser): EffectiveUser {
  const spec = int(field(c, pod, 'runAsUser'));
  return spec !== undefined ? { uid: spec, name: undefined, fromSpec: true } : imageUserOf(image);
}

/** The image's own user: `USER 1001` and `USER 1001:1001` are numbers to the kubelet, `USER app` a name. */
function imageUserOf(image: ImageUser): EffectiveUser {
  if (image === undefined) return { uid: 0, name: undefined, fromSpec: false };
  if (typeof image === 'number') return { uid: image, name: undefined, fromSpec: false };
  const user = image.split(':')[0] ?? '';
  if (/^[0-9]{1,10}$/.test(user)) return { uid: Number(user), name: undefined, fromSpec: false };
  if (user === '' || user === 'root') return { uid: 0, name: undefined, fromSpec: false };
  return { uid: undefined, name: user, fromSpec: false };
}

/** `name_namespace(uid)`, the kubelet's format.Pod. */
function podRef(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? 'default'}(${pod.metadata.uid ?? ''})`;
}

/**
 * The kubelet's refusal to create a container whose effective `runAsNonRoot` is true while it would run
 * as root (CreateContainerConfigError), or undefined when it may run.
 */
export function nonRootRefusal(c: Container, pod: Pod, image: ImageUser): string | undefined {
  if (field(c, pod, 'runAsNonRoot') !== true) return undefined;
  const user = effectiveUser(c, pod, image);
  const where = `(pod: "${podRef(pod)}", container: ${c.name})`;
  if (user.uid === 0)
    return user.fromSpec
      ? `container's runAsUser breaks non-root policy ${where}`
      : `container has runAsNonRoot and image will run as root ${where}`;
  if (user.uid === undefined)
    return `container has runAsNonRoot and image has non-numeric user (${user.name}), cannot verify user is non-root ${where}`;
  return undefined;
}

/** Why a system call (a write, a bind) failed, in the words each runtime prints. */
export interface SyscallError {
  /** Go's syscall text: `permission denied`, `read-only file system`. */
  readonly error: string;
  /** C's strerror (Python, Java, Node): `Permission denied`, `Read-only file system`. */
  readonly strerror: string;
  /** `EACCES` or `EROFS`. */
  readonly errno: string;
}

const EACCES: SyscallError = { error: 'permission denied', strerror: 'Permission denied', errno: 'EACCES' };
const EROFS: SyscallError = {
  error: 'read-only file system',
  strerror: 'Read-only file system',
  errno: 'EROFS',
};

/** Volume sources the kubelet always mounts read-only. */
const READ_ONLY_SOURCES = ['configMap', 'secret', 'downwardAPI', 'projected'] as const;
/** Volume sources whose ownership the kubelet never changes for `fsGroup` (root-owned, 0755). */
const UNMANAGED_SOURCES = ['hostPath', 'nfs'] as const;

/** The mount a path falls under: the longest mountPath that is the path or a parent of it. */
function mountOf(c: Container, path: string): { name: string; readOnly?: boolean } | undefined {
  let best: { name: string; mountPath: string; readOnly?: boolean } | undefined;
  for (const m of c.volumeMounts ?? []) {
    const mp = m.mountPath.endsWith('/') && m.mountPath.length > 1 ? m.mountPath.slice(0, -1) : m.mountPath;
    const under = path === mp || path.startsWith(mp === '/' ? '/' : `${mp}/`);
    if (under && (!best || mp.length > best.mountPath.length)) best = { ...m, mountPath: mp };
  }
  return best;
}

/**
 * Whether the program may write `path`: undefined when it may, else the error the kernel returns.
 * `owner` is the uid owning a path on the image's own filesystem (default: the image's user).
 */
export function writeError(
  c: Container,
  pod: Pod,
  image: ImageUser,
  path: string,
  owner?: number,
  /** The spec of the PersistentVolume a claim is bound to (an NFS share is never chowned for fsGroup). */
  claimVolume?: (claim: string) => Record<string, unknown> | undefined,
): SyscallError | undefined {
  const user = effectiveUser(c, pod, image);
  const root = user.uid === 0;
  const mount = mountOf(c, path);
  if (!mount) {
    if (c.securityContext?.readOnlyRootFilesystem === true) return EROFS;
    if (root) return undefined;
    // A path of the image's own filesystem belongs to `owner`, by default to the image's user (a named
    // user owns its own paths); the process writes it when it runs as that user.
    if (!user.fromSpec) return owner === undefined || owner === user.uid ? undefined : EACCES;
    const pathOwner = owner ?? imageUserOf(image).uid;
    return pathOwner !== undefined && pathOwner === user.uid ? undefined : EACCES;
  }
  if (mount.readOnly === true) return EROFS;
  const volume = (pod.spec.volumes ?? []).find((v) => v.name === mount.name);
  if (!volume) return undefined;
  if (READ_ONLY_SOURCES.some((s) => volume[s] !== undefined)) return EROFS;
  if (volume.persistentVolumeClaim?.readOnly === true) return EROFS;
  if (volume.emptyDir !== undefined || root) return undefined;
  if (UNMANAGED_SOURCES.some((s) => volume[s] !== undefined)) return EACCES;
  const claim = volume.persistentVolumeClaim?.claimName;
  const bound = claim ? claimVolume?.(claim) : undefined;
  if (bound && UNMANAGED_SOURCES.some((s) => bound[s] !== undefined)) return EACCES;
  return fsGroupOf(pod) === undefined ? EACCES : undefined;
}

function fsGroupOf(pod: Pod): number | undefined {
  return int(pod.spec.securityContext?.fsGroup);
}

/**
 * The lowest port an unprivileged process may bind in the pod's network namespace: the pod's
 * `net.ipv4.ip_unprivileged_port_start` sysctl when set; else 0 when the node's runtime is containerd
 * 2.0 or later (its CRI plugin's `enable_unprivileged_ports` defaults to true there, and to false in
 * 1.x); else the kernel's default, 1024. A pod on the host's network reads the host's value, 1024 here
 * (node sysctls are not modelled). Sources: the kernel's ip-sysctl documentation; Kubernetes' "Using
 * sysctls in a Kubernetes Cluster" (a safe sysctl since 1.22); containerd 2.0's CRI configuration.
 */
export function unprivilegedPortStart(pod: Pod, runtime: string | undefined): number {
  if (pod.spec.hostNetwork === true) return 1024;
  const set = (pod.spec.securityContext?.sysctls ?? []).find(
    (s) => s?.name === 'net.ipv4.ip_unprivileged_port_start',
  );
  const value = set ? Number(set.value) : Number.NaN;
  if (Number.isInteger(value) && value >= 0) return value;
  const major = /^containerd:\/\/v?([0-9]{1,4})\./.exec(runtime ?? '')?.[1];
  return major !== undefined && Number(major) >= 2 ? 0 : 1024;
}

/** A capability name as the spec may write it (`NET_BIND_SERVICE` or `CAP_NET_BIND_SERVICE`), upper case. */
function capName(name: unknown): string {
  const n = String(name).toUpperCase();
  return n.startsWith('CAP_') ? n.slice(4) : n;
}

/**
 * Whether the container's process holds CAP_NET_BIND_SERVICE. A non-root process holds no capability
 * (the runtime sets no ambient capabilities, so `capabilities.add` reaches only root; file
 * capabilities of the binary are not modelled). Root holds it unless it is dropped, in containerd's
 * order: `add: [ALL]` gives all, `drop: [ALL]` removes all, then each named add, then each named
 * drop (a cap both added and dropped is dropped). `privileged: true` gives all.
 */
function holdsNetBindService(c: Container, pod: Pod, image: ImageUser): boolean {
  if (effectiveUser(c, pod, image).uid !== 0) return false;
  if (c.securityContext?.privileged === true) return true;
  const add = (c.securityContext?.capabilities?.add ?? []).map(capName);
  const drop = (c.securityContext?.capabilities?.drop ?? []).map(capName);
  let held = true;
  if (drop.includes('ALL')) held = false;
  if (add.includes('NET_BIND_SERVICE')) held = true;
  if (drop.includes('NET_BIND_SERVICE')) held = false;
  return held;
}

/**
 * Whether the program may bind `port`: undefined when it may, else EACCES, which the kernel returns
 * for a port below the unprivileged start to a process without CAP_NET_BIND_SERVICE.
 */
export function bindError(
  c: Container,
  pod: Pod,
  image: ImageUser,
  port: number,
  runtime: string | undefined,
): SyscallError | undefined {
  if (port >= unprivilegedPortStart(pod, runtime)) return undefined;
  return holdsNetBindService(c, pod, image) ? undefined : EACCES;
}
