import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  outputs,
  podEventLines,
  podOwnerObject,
  type Read,
} from './types.js';

/**
 * A CSI driver's refusal that names the FUSE mount pod serving the volume on this node (JuiceFS's
 * "mount pod <name> is not ready"; the mount-pod design of JuiceFS CSI, juicefs.com/docs/csi, "Mount
 * pod"), with the volume it is for.
 */
const MOUNT_POD = /\bmount pod ([a-z0-9][a-z0-9.-]{2,252}) is not ready\b/;

/**
 * A FUSE mount point whose daemon died and left the mount behind: ENOTCONN ("transport endpoint is not
 * connected", what the kernel's FUSE answers on a connection with no daemon) for a path, or a new daemon
 * that cannot make its mount directory because the dead mount is still there (`mkdir …: file exists`).
 * Not ENOTCONN on a socket (`write tcp …: write: transport endpoint is not connected`), which names no path.
 */
const DEAD_MOUNT =
  /(\/[^\s:]{1,300}): transport endpoint is not connected\b|\bmkdir (\/[^\s:]{1,300}): file exists\b/;

/** The mount pods the failing pods' events name, with the pod waiting on each. */
function namedMountPods(ctx: AnalyzerContext): { mountPod: string; waiting: string }[] {
  const out: { mountPod: string; waiting: string }[] = [];
  for (const { line, from } of podEventLines(ctx.seen, ctx.ns)) {
    const m = MOUNT_POD.exec(line);
    if (!m || out.some((x) => x.mountPod === m[1])) continue;
    // The pod that waits: the one described, or the event's object (`pod/<name>` in get_events' table).
    const waiting =
      from.tool === 'describe_pod'
        ? String(from.args['name'] ?? '')
        : (/\bpod\/([a-z0-9][a-z0-9.-]{0,252})\b/.exec(line)?.[1] ?? '');
    if (!waiting) continue;
    out.push({ mountPod: m[1]!, waiting });
    if (out.length >= 2) break;
  }
  return out;
}

/** Where a `find_objects` read found a pod of that name: its namespace. */
function foundNamespace(ctx: AnalyzerContext, pod: string): string | undefined {
  const found = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === pod).pop();
  return parseTable(found?.content ?? '').find((r) => r['KIND'] === 'Pod' && r['NAME'] === pod)?.[
    'NAMESPACE'
  ];
}

/**
 * A pod stuck in ContainerCreating because the FUSE mount pod of its volume crash-loops (JuiceFS CSI's
 * mount pods): the mount pod is found by name, its previous log read, and when it dies on a mount point
 * that already exists, or the driver reports ENOTCONN for it, the earlier mount pod died (an OOM kill, a
 * node restart of the daemon) and left a dead FUSE mount on the node that no new mount pod can replace:
 * unmount it on the node (`umount -l`, `fusermount -u`) or restart the node. The metadata engine is not
 * what fails when the mount pod reaches it.
 */
export const staleFuseMountAnalyzer: Analyzer = {
  name: 'stale-fuse-mount',
  first: true,
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const { mountPod } of namedMountPods(ctx)) {
      const ns = foundNamespace(ctx, mountPod);
      if (!ns) {
        if (!outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === mountPod).length)
          reads.push({ tool: 'find_objects', args: { name: mountPod } });
        continue;
      }
      if (!outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === mountPod).length)
        reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: mountPod, previous: true } });
    }
    return reads.slice(0, 1);
  },
  finds(ctx): Finding[] {
    for (const { mountPod, waiting } of namedMountPods(ctx)) {
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === mountPod).pop();
      if (!log) continue;
      const dead = log.content
        .slice(-200_000)
        .split('\n')
        .find((l) => l.length <= 4000 && DEAD_MOUNT.test(l));
      if (!dead) continue;
      const node = /^([a-z0-9][a-z0-9.-]{0,200}?)-pvc-[0-9a-f-]{36}/.exec(
        mountPod.replace(/^juicefs-/, ''),
      )?.[1];
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === waiting).pop();
      const on = node ?? /^Node:\s+([^/\s]{1,253})/m.exec(described?.content ?? '')?.[1];
      const where = on ? ` on node ${on}` : '';
      return [
        {
          // Above the kubelet's FailedMount it explains, whatever the task names.
          weight: 92 + bonus(waiting, ctx.hints),
          object: podOwnerObject(described?.content, waiting),
          cause: `pod ${waiting} cannot mount its volume${where}: the FUSE mount pod ${mountPod} that serves it there crash-loops with "${clip(dead.trim(), 220)}". The previous mount pod on that node died and left its FUSE mount point behind: a stale, disconnected mount (stat answers "transport endpoint is not connected"), so the new mount pod cannot create its mount directory and every retry fails the same way. The metadata engine answers; it is not what refuses the mount`,
          evidence: [`get_pod_logs ${mountPod}: "${clip(dead.trim(), 200)}"`],
          advice: `unmount the stale mount point on ${on ?? 'the node'} (umount -l, or fusermount -u, on the mount directory), then delete the mount pod so the CSI node plugin creates it again; or reboot ${on ?? 'the node'}. Give the mount pods more memory if the old one was OOM-killed`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
