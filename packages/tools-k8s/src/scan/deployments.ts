import type { Deployment, Service } from '../types.js';
import { type Analyzer, eventLine, type Found, quote } from './types.js';

/** Deployments: replicas unavailable, a rollout stuck past its progress deadline, a ReplicaFailure. */
export const deploymentsAnalyzer: Analyzer = {
  name: 'deployments',
  kinds: ['Deployment', 'Service', 'Event'],
  priority: 60,
  analyze(facts) {
    const out: Found[] = [];
    for (const d of facts.list<Deployment>('Deployment')) {
      const ns = d.metadata.namespace;
      const name = d.metadata.name ?? '';
      const base = { kind: 'Deployment', name, ...(ns ? { namespace: ns } : {}) };
      const want = d.spec?.replicas ?? 1;
      const st = d.status ?? {};
      const conds = st.conditions ?? [];
      const stuck = conds.find((c) => c.type === 'Progressing' && c.status === 'False');
      const failure = conds.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
      const available = st.availableReplicas ?? 0;
      const ready = st.readyReplicas ?? 0;
      const events = facts.eventsFor('Deployment', name, ns).filter((e) => e.type === 'Warning');
      const counts = `desired ${want}, updated ${st.updatedReplicas ?? 0}, ready ${ready}, available ${available}`;
      if (want === 0) {
        // Scaled to zero is a choice, unless a Service still sends traffic to its pods.
        const labels = d.spec?.template?.metadata?.labels ?? {};
        const fronted = facts
          .list<Service>('Service')
          .filter(
            (x) =>
              x.metadata.namespace === ns &&
              Object.keys(x.spec.selector ?? {}).length > 0 &&
              Object.entries(x.spec.selector ?? {}).every(([k, v]) => labels[k] === v),
          )
          .map((x) => x.metadata.name ?? '');
        if (fronted.length > 0 && !retiredOnPurpose(d))
          out.push({
            ...base,
            reason: 'ScaledToZero',
            message: `deployment ${name} is scaled to 0 replicas, so service ${fronted.join(', ')} has no pods behind it (no endpoints)`,
            evidence: [`spec.replicas 0; services selecting its pods: ${fronted.join(', ')}`],
            next: `get_events namespace=${ns}`,
            fix: `scale deployment ${name} back up`,
          });
        continue;
      }
      if (stuck) {
        out.push({
          ...base,
          reason: 'ProgressDeadlineExceeded',
          message: `deployment ${name}'s rollout is stuck: ${quote(stuck.reason, 60) || 'not progressing'} (${counts})`,
          evidence: [`condition Progressing False ${quote(stuck.reason, 60)}: ${quote(stuck.message)}`],
          next: `describe_deployment namespace=${ns} name=${name}`,
          fix: 'fix what its new pods fail on, or roll back to the last good revision',
        });
      } else if (failure) {
        out.push({
          ...base,
          reason: 'ReplicaFailure',
          message: `deployment ${name} cannot create its pods: ${quote(failure.message, 160)}`,
          evidence: [`condition ReplicaFailure True ${quote(failure.reason, 60)}: ${quote(failure.message)}`],
          next: `describe_deployment namespace=${ns} name=${name}`,
        });
      } else if (want > 0 && available < want) {
        out.push({
          ...base,
          reason: 'UnavailableReplicas',
          message: `deployment ${name} has ${available} of ${want} replicas available (${counts})`,
          evidence: [`status: ${counts}`, ...events.slice(0, 1).map(eventLine)],
          next: `list_pods namespace=${ns}, then describe_pod for one that is not ready`,
        });
      }
    }
    return out;
  },
};

/**
 * Whether a Deployment scaled to zero was taken out of service on purpose: its latest change cause
 * (the `kubernetes.io/change-cause` annotation) says it was removed, retired, decommissioned,
 * deprecated or sunset, or an annotation of its own (not kubernetes.io's) says it is held for a
 * maintenance, a window or a freeze. A Service left selecting its pods is then a leftover or a planned
 * gap, not an outage.
 */
export function retiredOnPurpose(d: Deployment): boolean {
  if ((d.spec?.replicas ?? 1) !== 0) return false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (/(^|\.)kubernetes\.io\//.test(k)) continue;
    if (/\b(?:maintenance|freeze|window)\b/.test(`${k} ${String(v).slice(0, 500)}`.toLowerCase()))
      return true;
  }
  const cause = (d.metadata.annotations?.['kubernetes.io/change-cause'] ?? '').slice(0, 2000).toLowerCase();
  if (/\b(?:retir(?:e|ed|ing)|decommission\w{0,4}|deprecat\w{0,5}|sunset\w{0,3})\b/.test(cause)) return true;
  // "remove" says so only about this workload (a word of its name within a few words after it), not
  // about something removed from its template ("remove the debug flag").
  const words = (d.metadata.name ?? '').split('-').filter((w) => w.length >= 3);
  for (const m of cause.matchAll(/\bremov(?:e|ed|ing|al)\b((?:\W{1,3}\w{1,40}){0,4})/g))
    if (words.some((w) => new RegExp(`\\b${w}\\b`).test(m[1] ?? ''))) return true;
  return false;
}
