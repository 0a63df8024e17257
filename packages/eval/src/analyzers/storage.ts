import { type Analyzer, bonus, described, flat, listed, type Read, textOf } from './types.js';

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
  // The claim's failure signatures (a class that does not exist, no default, provisioning
  // failures) are the scan tool's (packages/tools-k8s/src/scan/pvcs.ts); this reads only what is
  // expected by design, for the answer's notes.
  finds() {
    return [];
  },
};
