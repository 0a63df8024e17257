import {
  type Analyzer,
  bonus,
  clip,
  described,
  flat,
  linesWith,
  listed,
  type Read,
  textOf,
} from './types.js';

/** PersistentVolumeClaims that stay Pending: a StorageClass that does not exist, or provisioning that fails. */
export const storageAnalyzer: Analyzer = {
  name: 'storage',
  reads({ task, ns, seen, hints }) {
    const events = textOf(seen, 'get_events');
    const pods = textOf(seen, 'describe_pod');
    const claims = [...pods.matchAll(/ClaimName:\s+([a-z0-9.-]{1,253})/g)].map((m) => m[1]!);
    const pointed =
      claims.length > 0 ||
      /unbound immediate PersistentVolumeClaims|persistentvolumeclaim|ProvisioningFailed|WaitForFirstConsumer/i.test(
        events,
      ) ||
      /\b(pvc|volume|storage|disk|persistent)\b/i.test(task);
    if (!pointed) return [];
    const reads: Read[] = [
      { tool: 'list_resources', args: { kind: 'PersistentVolumeClaim', namespace: ns } },
    ];
    const pending = listed(seen, 'PersistentVolumeClaim').filter(
      (c) => c.status !== 'Bound' || bonus(c.name, hints) > 0,
    );
    for (const c of [...new Set([...pending.map((p) => p.name), ...claims])].slice(0, 3))
      reads.push({
        tool: 'describe_resource',
        args: { kind: 'PersistentVolumeClaim', name: c, namespace: ns },
      });
    if (pending.length > 0) reads.push({ tool: 'list_resources', args: { kind: 'StorageClass' } });
    return reads;
  },
  notes({ seen }) {
    return listed(seen, 'PersistentVolumeClaim').flatMap((c) => {
      const d = described(seen, 'PersistentVolumeClaim', c.name);
      if (!d || !/WaitForFirstConsumer/.test(d)) return [];
      const phase = flat(d, 'phase');
      return [
        `PersistentVolumeClaim ${c.name} ${phase === 'Bound' ? 'is Bound now; it was' : 'is'} Pending while waiting for its first consumer (WaitForFirstConsumer: its StorageClass binds a volume only once a pod that uses the claim is scheduled). That Pending is expected by design, not a storage fault.`,
      ];
    });
  },
  finds({ seen, hints }) {
    const classes = listed(seen, 'StorageClass').map((c) => c.name);
    const classesRead =
      classes.length > 0 ||
      seen.some(
        (o) => o.tool === 'list_resources' && String(o.args['kind']) === 'StorageClass' && o.status === 'ok',
      );
    return listed(seen, 'PersistentVolumeClaim').flatMap((c) => {
      const d = described(seen, 'PersistentVolumeClaim', c.name);
      if (!d || flat(d, 'phase') !== 'Pending') return [];
      const sc = flat(d, 'storageClassName');
      const failed = linesWith(d, ['ProvisioningFailed', 'not found', 'failed to provision'])[0];
      const waiting = /WaitForFirstConsumer/.test(d);
      if (waiting && !failed) return [];
      const missing = sc !== undefined && classesRead && !classes.includes(sc);
      if (!missing && !failed && sc !== undefined) return [];
      const cause = missing
        ? `PersistentVolumeClaim ${c.name} is Pending: its StorageClass "${sc}" does not exist (storageclass.storage.k8s.io "${sc}" not found; the cluster has ${classes.length ? classes.join(', ') : 'none'}), so no volume is provisioned and the pod that mounts it cannot start`
        : sc === undefined && classesRead && classes.length === 0
          ? `PersistentVolumeClaim ${c.name} is Pending: it names no StorageClass and the cluster has no StorageClass (no default), so nothing provisions a volume for it`
          : `PersistentVolumeClaim ${c.name} is Pending: provisioning fails (${clip(failed ?? '', 140)})`;
      return [
        {
          weight: 93 + bonus(c.name, hints),
          object: `persistentvolumeclaim ${c.name}`,
          cause,
          evidence: [
            `describe_resource PersistentVolumeClaim ${c.name}: phase Pending${sc ? `, storageClassName ${sc}` : ''}`,
            ...(failed ? [`event: ${clip(failed, 160)}`] : []),
          ],
          advice: missing
            ? `point the claim at an existing StorageClass (${classes.join(', ') || 'create one'}) — a claim's class cannot be edited, so recreate the claim — or create the StorageClass "${sc}"`
            : 'fix the provisioner error above, then the claim binds',
        },
      ];
    });
  },
};
