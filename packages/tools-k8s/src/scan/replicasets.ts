import { formatCpu, formatMemory, parseQuantity } from '../quantity.js';
import type { Pod, ReplicaSet } from '../types.js';
import type { Facts } from './types.js';
import { type Analyzer, eventLine, type Found, mentions } from './types.js';

/** ReplicaSets that cannot create their pods (FailedCreate: quota, admission, a missing ServiceAccount). */
export const replicaSetsAnalyzer: Analyzer = {
  name: 'replicasets',
  kinds: ['ReplicaSet', 'Event', 'Pod'],
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
          ? `ReplicaSet ${name} cannot create pods: ResourceQuota ${quotaName ?? ''} is exceeded (FailedCreate), ${rs.status?.replicas ?? 0} of ${want} pods exist${quotaUsers(facts, ns, msg)}`
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

/**
 * Which workloads hold what an exceeded quota counts (`requested: requests.memory=4096Mi, …` in the
 * FailedCreate message): the namespace's running pods summed by owner, largest first, as
 * `; what uses it (requests.memory): notebooks 16Gi in 4 pods, …`. Empty when nothing can be summed.
 */
function quotaUsers(facts: Facts, ns: string | undefined, message: string): string {
  const at = message.indexOf('requested: ');
  const resource =
    at >= 0
      ? message
          .slice(at + 11, at + 11 + 64)
          .split('=', 1)[0]
          ?.trim()
      : undefined;
  if (!resource) return '';
  const [side, name] = resource.includes('.') ? resource.split('.', 2) : ['requests', resource];
  if ((side !== 'requests' && side !== 'limits') || !name || name === 'pods') return '';
  const owners = new Map<string, string>();
  for (const rs of facts.list<ReplicaSet>('ReplicaSet')) {
    const up = rs.metadata.ownerReferences?.find((o) => o.controller);
    if (rs.metadata.namespace === ns && up) owners.set(rs.metadata.name ?? '', up.name);
  }
  const sums = new Map<string, { total: number; pods: number }>();
  for (const p of facts.list<Pod>('Pod')) {
    if (p.metadata.namespace !== ns || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')
      continue;
    const ref = p.metadata.ownerReferences?.find((o) => o.controller);
    const owner = ref ? (owners.get(ref.name) ?? ref.name) : (p.metadata.name ?? '');
    let total = 0;
    for (const c of p.spec.containers ?? []) {
      const r = c.resources as
        | { requests?: Record<string, string>; limits?: Record<string, string> }
        | undefined;
      total +=
        parseQuantity(side === 'requests' ? (r?.requests?.[name] ?? r?.limits?.[name]) : r?.limits?.[name]) ??
        0;
    }
    if (total === 0) continue;
    const s = sums.get(owner) ?? { total: 0, pods: 0 };
    s.total += total;
    s.pods += 1;
    sums.set(owner, s);
  }
  if (sums.size === 0) return '';
  const top = [...sums].sort((a, b) => b[1].total - a[1].total).slice(0, 3);
  return `; what uses it (${resource}): ${top
    .map(
      ([o, s]) =>
        `${o} ${name === 'cpu' ? formatCpu(s.total) : formatMemory(s.total)} in ${s.pods} pod${s.pods === 1 ? '' : 's'}`,
    )
    .join(', ')}`;
}
