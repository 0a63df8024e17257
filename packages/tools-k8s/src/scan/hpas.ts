import type { Deployment } from '../types.js';
import type { HorizontalPodAutoscaler, StatefulSet } from './objects.js';
import { type Analyzer, eventLine, type Found, quote } from './types.js';

/** HPAs: a scale target that does not exist, resource metrics on containers without requests, metrics it cannot get, at its maximum. */
export const hpasAnalyzer: Analyzer = {
  name: 'hpas',
  kinds: ['HorizontalPodAutoscaler', 'Deployment', 'StatefulSet', 'Event'],
  priority: 76,
  analyze(facts) {
    const out: Found[] = [];
    for (const h of facts.list<HorizontalPodAutoscaler>('HorizontalPodAutoscaler')) {
      const ns = h.metadata.namespace;
      const name = h.metadata.name ?? '';
      const base = { kind: 'HorizontalPodAutoscaler', name, ...(ns ? { namespace: ns } : {}) };
      const ref = h.spec?.scaleTargetRef;
      const target = `${ref?.kind ?? '?'}/${ref?.name ?? '?'}`;
      const workloads =
        ref?.kind === 'StatefulSet'
          ? facts.list<StatefulSet>('StatefulSet')
          : ref?.kind === 'Deployment'
            ? facts.list<Deployment>('Deployment')
            : undefined;
      const obj = workloads?.find((w) => w.metadata.namespace === ns && w.metadata.name === ref?.name);
      if (workloads && facts.read(ref?.kind ?? '') && !obj) {
        out.push({
          ...base,
          reason: 'ScaleTargetNotFound',
          message: `HorizontalPodAutoscaler ${name} targets ${target}, which does not exist in ${ns}, so it scales nothing`,
          evidence: [`scaleTargetRef ${target}; no such object`],
          fix: `point scaleTargetRef at the workload that exists`,
        });
        continue;
      }
      const resources = new Set<string>();
      for (const m of h.spec?.metrics ?? [])
        if (m.type === 'Resource' && m.resource?.name) resources.add(m.resource.name);
      if (h.spec?.targetCPUUtilizationPercentage !== undefined) resources.add('cpu');
      const containers = obj?.spec?.template?.spec?.containers ?? [];
      for (const r of resources) {
        const bare = containers.filter((c) => !c.resources?.requests?.[r]);
        if (bare.length === 0) continue;
        out.push({
          ...base,
          reason: 'MissingResourceRequest',
          message: `HorizontalPodAutoscaler ${name} cannot scale ${target}: it measures ${r} utilization, but container ${bare.map((c) => c.name).join(', ')} sets no ${r} request (missing request for ${r}), so utilization is <unknown>`,
          evidence: [
            `metric Resource ${r}; containers without a ${r} request: ${bare.map((c) => c.name).join(', ')}`,
          ],
          fix: `set a ${r} request on every container of ${target}`,
        });
      }
      const conds = h.status?.conditions ?? [];
      const active = conds.find((c) => c.type === 'ScalingActive' && c.status === 'False');
      const able = conds.find((c) => c.type === 'AbleToScale' && c.status === 'False');
      const warn = facts.eventsFor('HorizontalPodAutoscaler', name, ns).find((e) => e.type === 'Warning');
      if (
        (active || able) &&
        !out.some((f) => f.kind === base.kind && f.name === name && f.namespace === ns)
      ) {
        const c = (active ?? able)!;
        out.push({
          ...base,
          reason: quote(c.reason, 60) || 'ScalingInactive',
          message: `HorizontalPodAutoscaler ${name} cannot scale ${target}: ${quote(c.message, 160)}`,
          evidence: [
            `condition ${c.type} False ${quote(c.reason, 60)}: ${quote(c.message)}`,
            ...(warn ? [eventLine(warn)] : []),
          ],
          next: `describe_resource kind=HorizontalPodAutoscaler namespace=${ns} name=${name}`,
        });
      }
      const limited = conds.find(
        (c) => c.type === 'ScalingLimited' && c.status === 'True' && c.reason === 'TooManyReplicas',
      );
      if (limited) {
        out.push({
          ...base,
          reason: 'ScalingLimited',
          message: `HorizontalPodAutoscaler ${name} is at its maxReplicas (${h.spec?.maxReplicas ?? '?'}) and wants more`,
          evidence: [`condition ScalingLimited True ${quote(limited.reason, 60)}: ${quote(limited.message)}`],
          fix: `raise maxReplicas of ${name} if the cluster has room`,
        });
      }
    }
    return out;
  },
};
