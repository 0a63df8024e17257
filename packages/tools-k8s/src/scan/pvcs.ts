import type { Pod } from '../types.js';
import type { PersistentVolumeClaim, StorageClass } from './objects.js';
import { type Analyzer, eventLine, type Found, quoteEnds } from './types.js';

const DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

/** PersistentVolumeClaims: Pending, a StorageClass that does not exist, no class and no default, provisioning failures. */
export const pvcsAnalyzer: Analyzer = {
  name: 'pvcs',
  kinds: ['PersistentVolumeClaim', 'StorageClass', 'Event', 'Pod'],
  priority: 90,
  analyze(facts) {
    const out: Found[] = [];
    const classes = facts.list<StorageClass>('StorageClass');
    const known = facts.read('StorageClass');
    const names = classes.map((c) => c.metadata.name ?? '');
    const defaults = classes
      .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true')
      .map((c) => c.metadata.name ?? '');
    for (const pvc of facts.list<PersistentVolumeClaim>('PersistentVolumeClaim')) {
      if ((pvc.status?.phase ?? 'Pending') !== 'Pending') continue;
      const ns = pvc.metadata.namespace;
      const name = pvc.metadata.name ?? '';
      const cls = pvc.spec?.storageClassName ?? undefined;
      const events = facts
        .eventsFor('PersistentVolumeClaim', name, ns)
        .filter((e) => e.type === 'Warning' || e.reason === 'ProvisioningFailed');
      const base = { kind: 'PersistentVolumeClaim', name, ...(ns ? { namespace: ns } : {}) };
      const evidence = [
        `status.phase Pending, storageClassName ${cls === undefined ? '<unset>' : cls === '' ? '""' : cls}`,
        ...events.slice(0, 2).map(eventLine),
      ];
      if (cls && known && !names.includes(cls)) {
        out.push({
          ...base,
          reason: 'StorageClassNotFound',
          message: `PersistentVolumeClaim ${name} is Pending: its StorageClass "${cls}" does not exist${names.length ? ` (classes: ${names.slice(0, 6).join(', ')})` : ' (the cluster has no StorageClass)'}, so no volume is provisioned`,
          evidence: [...evidence, `StorageClasses: ${names.slice(0, 6).join(', ') || '<none>'}`],
          next: 'list_resources kind=StorageClass',
          fix: `set storageClassName to an existing class${names[0] ? ` (e.g. ${names[0]})` : ''}, or create StorageClass ${cls}`,
        });
      } else if (cls === undefined && known && defaults.length === 0 && !pvc.spec?.volumeName) {
        out.push({
          ...base,
          reason: 'NoDefaultStorageClass',
          message: `PersistentVolumeClaim ${name} is Pending: it names no StorageClass and the cluster has no default StorageClass (none is marked default)${names.length ? ` (classes: ${names.slice(0, 6).join(', ')})` : ''}`,
          evidence: [
            ...evidence,
            `StorageClasses: ${names.slice(0, 6).join(', ') || '<none>'}; none annotated default`,
          ],
          next: 'list_resources kind=StorageClass',
          fix: 'set storageClassName, or mark a StorageClass as the default',
        });
      } else {
        // The provisioner's own words say why it fails; a claim nobody provisions only shows the
        // persistentvolume-controller waiting for an external provisioner (is it running at all?).
        const failedEv = events.find((e) => e.reason === 'ProvisioningFailed') ?? events[0];
        const waiting = facts
          .eventsFor('PersistentVolumeClaim', name, ns)
          .find((e) => e.reason === 'ExternalProvisioning');
        const provisioner = waiting ? quotedAfter(waiting.message ?? '', 'external provisioner ') : undefined;
        const refusal =
          failedEv?.reason === 'ProvisioningFailed' ? refusedModes(pvc, failedEv.message ?? '') : undefined;
        const modes = refusal?.refused;
        const waiters = modes ? waitingPods(facts.list<Pod>('Pod'), name, ns) : [];
        out.push({
          ...base,
          reason:
            failedEv?.reason === 'ProvisioningFailed'
              ? 'ProvisioningFailed'
              : provisioner
                ? 'WaitingForProvisioner'
                : 'Pending',
          message: modes
            ? `PersistentVolumeClaim ${name} is Pending: it asks for ${modes.join(', ')} (spec.accessModes), an access mode the provisioner of StorageClass ${cls ?? '<default>'} does not support (its ProvisioningFailed event says so), so it is never bound${waiters.length ? ` and the pods that mount it stay Pending, never scheduled: ${waiters.slice(0, 3).join(', ')}${waiters.length > 3 ? ` and ${waiters.length - 3} more` : ''}` : ''}`
            : failedEv
              ? `PersistentVolumeClaim ${name} is Pending: ${failedEv.reason ?? ''}: "${quoteEnds(failedEv.message, 300)}"`
              : provisioner
                ? `PersistentVolumeClaim ${name} is Pending: it waits for the external provisioner '${provisioner}' to create its volume, and none has been created (no ProvisioningFailed either): check that the provisioner is running`
                : `PersistentVolumeClaim ${name} is Pending`,
          evidence:
            waiting && !failedEv
              ? [...evidence, eventLine(waiting)]
              : modes
                ? [...evidence, `spec.accessModes ${modes.join(', ')}`]
                : evidence,
          ...(modes
            ? {
                fix: `ask for an access mode the class supports${
                  refusal?.supported.length
                    ? ` (${refusal.supported.join(', ')}${refusal.supported.join() === 'ReadWriteOnce' ? ': one node mounts it' : ''})`
                    : ''
                }, or use a StorageClass whose provisioner offers ${modes.join(', ')}${
                  modes.some((m) => m.endsWith('Many')) ? ' (a shared file system such as NFS or CephFS)' : ''
                }`,
              }
            : {}),
          next: provisioner
            ? `find_objects name=${provisioner.split('/').pop()}`
            : `describe_resource kind=PersistentVolumeClaim namespace=${ns} name=${name}`,
        });
      }
    }
    return out;
  },
};

/** The access modes of Kubernetes' PersistentVolume API (core/v1 PersistentVolumeAccessMode). */
const ACCESS_MODES = ['ReadWriteOncePod', 'ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany'] as const;

/**
 * The access modes a claim asks for that its provisioner's refusal leaves out: the refusal speaks of access
 * modes (local-path's `Only support ReadWriteOnce access mode`, CSI drivers' `access mode … not supported`),
 * and the claim asks for one the message does not name as supported. Undefined when the message is about
 * something else or names every mode the claim asks for.
 */
function refusedModes(
  pvc: PersistentVolumeClaim,
  message: string,
): { refused: string[]; supported: string[] } | undefined {
  const text = message.slice(0, 20_000);
  if (!/access ?modes?/i.test(text)) return undefined;
  const asked = (pvc.spec as { accessModes?: unknown } | undefined)?.accessModes;
  if (!Array.isArray(asked)) return undefined;
  // The modes the message names, longest first so ReadWriteOncePod is not read as ReadWriteOnce.
  let rest = text;
  const named = new Set<string>();
  for (const m of ACCESS_MODES)
    if (rest.includes(m)) {
      named.add(m);
      rest = rest.split(m).join(' ');
    }
  // A message that names the mode as refused (`access mode ReadWriteMany is not supported`): the words after
  // the name, up to the clause's end and before any other mode's name, say so.
  const says = (m: string) => {
    for (let at = text.indexOf(m); at >= 0; at = text.indexOf(m, at + 1)) {
      if (/[A-Za-z]/.test(text.charAt(at + m.length))) continue; // ReadWriteOnce of ReadWriteOncePod
      let clause = text.slice(at + m.length, at + m.length + 60);
      const end = clause.search(/[.;,]/);
      if (end >= 0) clause = clause.slice(0, end);
      const other = clause.search(/Read(?:Write|Only)/);
      if (other >= 0) clause = clause.slice(0, other);
      if (/not supported|unsupported/i.test(clause)) return true;
    }
    return false;
  };
  const refused = asked.filter(
    (m): m is string =>
      typeof m === 'string' && (ACCESS_MODES as readonly string[]).includes(m) && (!named.has(m) || says(m)),
  );
  if (refused.length === 0) return undefined;
  return { refused, supported: [...named].filter((m) => !says(m) && !refused.includes(m)) };
}

/** The names of the Pending pods of a namespace that mount the claim. */
function waitingPods(pods: readonly Pod[], claim: string, ns: string | undefined): string[] {
  return pods
    .filter(
      (p) =>
        p.metadata.namespace === ns &&
        p.status?.phase === 'Pending' &&
        (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim),
    )
    .map((p) => p.metadata.name ?? '');
}

/** The text between the single quotes that follow `lead` in a message (`… provisioner 'x/y' or …`). */
function quotedAfter(message: string, lead: string): string | undefined {
  const at = message.indexOf(`${lead}'`);
  if (at < 0) return undefined;
  const start = at + lead.length + 1;
  const end = message.indexOf("'", start);
  return end > start && end - start <= 253 ? message.slice(start, end) : undefined;
}
