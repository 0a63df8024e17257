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
    return reads;
  },
  // A claim of a WaitForFirstConsumer StorageClass stays Pending, by design, until a pod that uses it
  // is scheduled; the volume is then made in that pod's zone (kubernetes.io, "Storage Classes: Volume
  // Binding Mode"). A consumer that runs on a schedule (a CronJob) explains a long wait.
  notes({ seen, ns }) {
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
  },
  // The claim's failure signatures (a class that does not exist, no default, provisioning
  // failures) are the scan tool's (packages/tools-k8s/src/scan/pvcs.ts); this reads only what is
  // expected by design, for the answer's notes.
  finds() {
    return [];
  },
};
