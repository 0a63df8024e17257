import type { Service } from '../types.js';
import type { PersistentVolumeClaim, StatefulSet, StorageClass } from './objects.js';
import { type Analyzer, eventLine, type Found, mentions } from './types.js';

/** StatefulSets: pods the controller cannot create (FailedCreate: a LimitRange, a quota, admission), a governing Service that does not exist, a claim template's missing StorageClass, replicas not ready, scaled to zero behind a Service. */
export const statefulSetsAnalyzer: Analyzer = {
  name: 'statefulsets',
  kinds: ['StatefulSet', 'Service', 'StorageClass', 'PersistentVolumeClaim', 'Event'],
  priority: 65,
  analyze(facts) {
    const out: Found[] = [];
    const services = facts.list<Service>('Service');
    const classes = facts.list<StorageClass>('StorageClass').map((c) => c.metadata.name ?? '');
    for (const s of facts.list<StatefulSet>('StatefulSet')) {
      const ns = s.metadata.namespace;
      const name = s.metadata.name ?? '';
      const base = { kind: 'StatefulSet', name, ...(ns ? { namespace: ns } : {}) };
      // A member that is missing with no pod to show for it: the controller's FailedCreate says why
      // (admission refused the pod it tried to create), and only while replicas are short.
      const failed = facts.eventsFor('StatefulSet', name, ns).find((e) => e.reason === 'FailedCreate');
      const short = (s.status?.replicas ?? 0) < (s.spec?.replicas ?? 1);
      if (failed && short) {
        const msg = failed.message ?? '';
        const limitRange = mentions(msg, 'usage per container', 'usage per pod', 'limit to request ratio');
        const quota = mentions(msg, 'exceeded quota');
        out.push({
          ...base,
          reason: limitRange ? 'LimitRangeExceeded' : quota ? 'ExceededQuota' : 'FailedCreate',
          message: limitRange
            ? `statefulset ${name} cannot create its pod: the namespace's LimitRange rejects the pod template's resources (FailedCreate), so the pod never exists`
            : quota
              ? `statefulset ${name} cannot create its pod: a ResourceQuota is exceeded (FailedCreate), so the pod never exists`
              : `statefulset ${name} cannot create its pod (FailedCreate), so the pod never exists`,
          evidence: [
            eventLine(failed),
            `status: replicas ${s.status?.replicas ?? 0}, desired ${s.spec?.replicas ?? 1}`,
          ],
          next: limitRange
            ? `list_resources kind=LimitRange namespace=${ns}`
            : quota
              ? `list_resources kind=ResourceQuota namespace=${ns}`
              : `describe_resource kind=StatefulSet namespace=${ns} name=${name}`,
          ...(limitRange
            ? { fix: "set the template's limits within the LimitRange's maximum, or change the LimitRange" }
            : {}),
        });
      }
      const svcName = s.spec?.serviceName;
      if (
        svcName &&
        facts.read('Service') &&
        !services.some((x) => x.metadata.namespace === ns && x.metadata.name === svcName)
      ) {
        out.push({
          ...base,
          reason: 'ServiceNotFound',
          message: `statefulset ${name} names governing service ${svcName}, which does not exist in ${ns}, so its pods get no stable DNS names`,
          evidence: [`spec.serviceName ${svcName}; no such Service`],
          fix: `create the headless service ${svcName}`,
        });
      }
      for (const t of s.spec?.volumeClaimTemplates ?? []) {
        const cls = t.spec?.storageClassName;
        // Only when it matters: a claim of the template (<template>-<set>-<ordinal>) is missing or Pending.
        const prefix = `${t.metadata?.name ?? ''}-${name}-`;
        const claims = facts
          .list<PersistentVolumeClaim>('PersistentVolumeClaim')
          .filter((c) => c.metadata.namespace === ns && (c.metadata.name ?? '').startsWith(prefix));
        // Every replica Ready: its pods mounted their claims, so the claims were bound whatever the
        // class is called now (a class renamed or removed after binding strands nothing).
        const allReady = (s.status?.readyReplicas ?? 0) >= (s.spec?.replicas ?? 1);
        const stuck =
          !allReady &&
          (!facts.read('PersistentVolumeClaim') ||
            claims.length === 0 ||
            claims.some((c) => c.status?.phase !== 'Bound'));
        if (cls && stuck && facts.read('StorageClass') && !classes.includes(cls)) {
          out.push({
            ...base,
            reason: 'StorageClassNotFound',
            message: `statefulset ${name}'s claim template ${t.metadata?.name ?? ''} asks for StorageClass "${cls}", which does not exist, so its claims stay Pending`,
            evidence: [
              `volumeClaimTemplates ${t.metadata?.name ?? ''}: storageClassName ${cls}; StorageClasses: ${classes.slice(0, 6).join(', ') || '<none>'}`,
            ],
            fix: `set the template's storageClassName to an existing class${classes[0] ? ` (${classes[0]})` : ''}`,
          });
        }
      }
      const want = s.spec?.replicas ?? 1;
      const ready = s.status?.readyReplicas ?? 0;
      if (want === 0) {
        // The Services that send traffic to its pods: selecting its template's labels (or its
        // selector's), or the governing Service itself.
        const labels = { ...s.spec?.selector?.matchLabels, ...s.spec?.template?.metadata?.labels };
        const fronted = services.filter(
          (x) =>
            x.metadata.namespace === ns &&
            (x.metadata.name === svcName ||
              (Object.keys(x.spec.selector ?? {}).length > 0 &&
                Object.entries(x.spec.selector ?? {}).every(([k, v]) => labels[k] === v))),
        );
        if (fronted.length > 0)
          out.push({
            ...base,
            reason: 'ScaledToZero',
            message: `statefulset ${name} is scaled to 0 replicas, so service ${fronted.map((x) => x.metadata.name).join(', ')} has no pods behind it (no endpoints)`,
            evidence: [
              `spec.replicas 0; services selecting its pods: ${fronted.map((x) => x.metadata.name).join(', ')}`,
            ],
            fix: `scale statefulset ${name} back up`,
          });
      } else if (ready < want) {
        out.push({
          ...base,
          reason: 'UnavailableReplicas',
          message: `statefulset ${name} has ${ready} of ${want} replicas ready`,
          evidence: [`status: replicas ${s.status?.replicas ?? 0}, ready ${ready}, desired ${want}`],
          next: `list_pods namespace=${ns}, then describe_pod ${name}-${ready}`,
        });
      }
    }
    return out;
  },
};
