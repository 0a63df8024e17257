import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { type Analyzer, bonus, clip, described, flat, listed, outputs, type Read, textOf } from './types.js';

/** The CronJobs and Jobs of a namespace seen listed (at most four): where a waiting claim's consumer may be. */
function batchNames(seen: readonly SeenObservation[], ns: string): { kind: string; name: string }[] {
  const out: { kind: string; name: string }[] = [];
  for (const o of outputs(seen, 'list_resources', (x) => x.args['namespace'] === ns)) {
    const kind = String(o.args['kind'] ?? '');
    if (!/^(cronjobs?|cj|jobs?)$/i.test(kind)) continue;
    for (const r of parseTable(o.content))
      if (r['NAME']) out.push({ kind: /^c/i.test(kind) ? 'CronJob' : 'Job', name: r['NAME'] });
  }
  return out.slice(0, 4);
}

/** The CronJob or Job seen described that mounts the claim, with its schedule. */
function consumerOf(seen: readonly SeenObservation[], ns: string, claim: string): string | undefined {
  const user = outputs(
    seen,
    'describe_resource',
    (o) => /^(cronjobs?|cj|jobs?)$/i.test(String(o.args['kind'] ?? '')) && o.args['namespace'] === ns,
  ).find((o) => o.content.includes(`claimName: ${claim}`));
  if (!user) return undefined;
  const schedule = flat(user.content, 'schedule');
  return `${/^c/i.test(String(user.args['kind'])) ? 'CronJob' : 'Job'} ${user.args['name']}${schedule ? ` (schedule "${clip(schedule, 40)}")` : ''}`;
}

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
    // A claim waiting for its first consumer: the CronJob or Job that will use it.
    const waiting = pending.find((c) =>
      /WaitForFirstConsumer/.test(described(seen, 'PersistentVolumeClaim', c.name) ?? ''),
    );
    if (waiting) {
      const listedBatch = outputs(
        seen,
        'list_resources',
        (o) => o.args['namespace'] === ns && /^(cronjobs?|cj)$/i.test(String(o.args['kind'])),
      );
      if (listedBatch.length === 0)
        reads.push({ tool: 'list_resources', args: { kind: 'CronJob', namespace: ns } });
      for (const b of batchNames(seen, ns))
        reads.push({ tool: 'describe_resource', args: { kind: b.kind, name: b.name, namespace: ns } });
    }
    // A question about a claim's size: the class that provisions it (its provisioner decides whether
    // the size is enforced at all).
    if (RESIZE.test(task))
      for (const c of pending.slice(0, 1)) {
        const sc = flat(described(seen, 'PersistentVolumeClaim', c.name) ?? '', 'storageClassName');
        if (sc) reads.push({ tool: 'describe_resource', args: { kind: 'StorageClass', name: sc } });
      }
    return reads;
  },
  // A claim of a WaitForFirstConsumer StorageClass stays Pending, by design, until a pod that uses it
  // is scheduled; the volume is then made in that pod's zone (kubernetes.io, "Storage Classes: Volume
  // Binding Mode"). A consumer that runs on a schedule (a CronJob) explains a long wait.
  notes({ seen, ns, task }) {
    return [...waitingNotes(seen, ns), ...(RESIZE.test(task) ? unenforcedSizeNotes(seen) : [])];
  },
  // The claim's failure signatures (a class that does not exist, no default, provisioning
  // failures) are the scan tool's (packages/tools-k8s/src/scan/pvcs.ts); this reads only what is
  // expected by design, for the answer's notes.
  finds() {
    return [];
  },
};

/** Notes on claims that wait for their first consumer (see the analyzer's notes). */
function waitingNotes(seen: readonly SeenObservation[], ns: string): string[] {
  return listed(seen, 'PersistentVolumeClaim').flatMap((c) => {
    const d = described(seen, 'PersistentVolumeClaim', c.name);
    if (!d || !/WaitForFirstConsumer/.test(d)) return [];
    const phase = flat(d, 'phase');
    const sc = flat(d, 'storageClassName');
    const user = phase === 'Bound' ? undefined : consumerOf(seen, ns, c.name);
    return [
      `PersistentVolumeClaim ${c.name} ${phase === 'Bound' ? 'is Bound now; it was' : 'is'} Pending while waiting for its first consumer (WaitForFirstConsumer: its StorageClass${sc ? ` ${sc}` : ''} binds a volume only once a pod that uses the claim is scheduled, then makes it in that pod's zone). That Pending is expected by design, not a storage fault.${
        user
          ? ` Its consumer is ${user}, which has not run since the claim was made: the claim binds at its next run. Provisioning is not failing and no action is needed (no ticket, no need to touch the claim).`
          : ''
      }`,
    ];
  });
}

/** A task about a claim's size: a resize, an expansion, the size a pod sees. */
const RESIZE = /\b(resiz\w*|expan\w*|grew|grow\w*|size)\b/i;

/**
 * Provisioners of shared file systems that do not enforce a claim's size, by a substring of their
 * name, with the source that says so: the requested storage is recorded on the claim and volume, but
 * nothing limits what is written, and the size a pod sees is the file system's, not the claim's.
 */
const SIZE_NOT_ENFORCED: readonly { match: string; name: string; source: string }[] = [
  { match: 'seaweedfs', name: 'SeaweedFS', source: 'seaweedfs-csi-driver: volumes have no size limit' },
  {
    match: 'efs.csi.aws.com',
    name: 'Amazon EFS',
    source: 'aws-efs-csi-driver: capacity is not enforced, EFS is elastic',
  },
  {
    match: 'nfs',
    name: 'NFS',
    source: 'nfs-subdir-external-provisioner and csi-driver-nfs: the size is not enforced',
  },
];

/**
 * A Bound claim, resized in the API (capacity equals the request), whose StorageClass's provisioner
 * is a shared file system that does not enforce sizes: the resize did what it can (nothing to expand),
 * the size a program reports is nominal, and writes past it succeed. Expected; no action.
 */
function unenforcedSizeNotes(seen: readonly SeenObservation[]): string[] {
  const out: string[] = [];
  for (const c of listed(seen, 'PersistentVolumeClaim')) {
    const d = described(seen, 'PersistentVolumeClaim', c.name);
    if (!d || flat(d, 'phase') !== 'Bound') continue;
    const requested = flat(d, 'resources.requests.storage');
    const capacity = flat(d, 'capacity.storage');
    const scName = flat(d, 'storageClassName');
    const sc = scName ? described(seen, 'StorageClass', scName) : undefined;
    const provisioner = sc ? /^Provisioner:\s+(\S{1,253})/m.exec(sc)?.[1] : undefined;
    const fs = provisioner
      ? SIZE_NOT_ENFORCED.find((f) => provisioner.toLowerCase().includes(f.match))
      : undefined;
    if (!fs || !requested || requested !== capacity) continue;
    out.push(
      `PersistentVolumeClaim ${c.name} was resized as far as Kubernetes goes: it is Bound with capacity ${capacity}, equal to its request. Its StorageClass ${scName} is provisioned by ${provisioner}, ${fs.name}, a shared file system that does not enforce a per-volume size (${fs.source}): the size is not a limit and not stored on the storage side, so the size a program reports for the mount is nominal (the file system's, not the claim's) and writing past it works. Nothing failed and no action is needed: no need to recreate the claim or move it to block storage; watch the ${fs.name} cluster's own free space instead.`,
    );
  }
  return out;
}
