import type { ReplicaSet } from '../types.js';
import { type Analyzer, eventLine, type Found, mentions } from './types.js';

/** ReplicaSets that cannot create their pods (FailedCreate: quota, admission, a missing ServiceAccount). */
export const replicaSetsAnalyzer: Analyzer = {
  name: 'replicasets',
  kinds: ['ReplicaSet', 'Event'],
  priority: 85,
  analyze(facts) {
    const out: Found[] = [];
    for (const rs of facts.list<ReplicaSet>('ReplicaSet')) {
      const ns = rs.metadata.namespace;
      const name = rs.metadata.name ?? '';
      const want = rs.spec?.replicas ?? 0;
      if (want === 0) continue;
      const failed = facts.eventsFor('ReplicaSet', name, ns).find((e) => e.reason === 'FailedCreate');
      if (!failed) continue;
      const up = rs.metadata.ownerReferences?.find((o) => o.controller) ?? rs.metadata.ownerReferences?.[0];
      const quota = mentions(failed.message, 'exceeded quota');
      const msg = failed.message ?? '';
      // The quota's name follows "exceeded quota: " up to the next comma (a plain scan, no pattern).
      const at = msg.indexOf('exceeded quota: ');
      const quotaName = at >= 0 ? msg.slice(at + 16, at + 16 + 253).split(/[,\s]/, 1)[0] : undefined;
      out.push({
        kind: 'ReplicaSet',
        name,
        ...(ns ? { namespace: ns } : {}),
        ...(up ? { owner: `${up.kind}/${up.name}` } : {}),
        reason: quota ? 'ExceededQuota' : 'FailedCreate',
        message: quota
          ? `ReplicaSet ${name} cannot create pods: ResourceQuota ${quotaName ?? ''} is exceeded (FailedCreate), ${rs.status?.replicas ?? 0} of ${want} pods exist`
          : `ReplicaSet ${name} cannot create pods (FailedCreate), ${rs.status?.replicas ?? 0} of ${want} pods exist`,
        evidence: [eventLine(failed)],
        next: quota
          ? `list_resources kind=ResourceQuota namespace=${ns}`
          : `describe_resource kind=ReplicaSet namespace=${ns} name=${name}`,
        ...(quota ? { fix: 'raise the quota or lower the pod requests; there is no pod to restart' } : {}),
      });
    }
    return out;
  },
};
