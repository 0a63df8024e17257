import type { Node, Pod } from '../types.js';
import { type Analyzer, type Found, mentions, quote } from './types.js';

const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

function tolerates(pod: Pod, taint: { key: string; value?: string; effect: string }): boolean {
  return ((pod.spec.tolerations ?? []) as Toleration[]).some(
    (t) =>
      (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
      (t.operator === 'Exists'
        ? t.key === undefined || t.key === '' || t.key === taint.key
        : t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
  );
}

/**
 * Nodes: NotReady, pressure conditions, cordoned, and NoSchedule/NoExecute taints that Pending pods do
 * not tolerate. A namespace scan reports a node only when the namespace's pods run on it, or wait
 * for one.
 */
export const nodesAnalyzer: Analyzer = {
  name: 'nodes',
  kinds: ['Node', 'Pod'],
  priority: 88,
  analyze(facts) {
    const out: Found[] = [];
    const pods = facts.list<Pod>('Pod');
    const pending = pods.filter((p) => p.status?.phase === 'Pending' && !p.spec.nodeName);
    for (const n of facts.list<Node>('Node')) {
      const name = n.metadata.name ?? '';
      const relevant =
        facts.namespace === undefined || pending.length > 0 || pods.some((p) => p.spec.nodeName === name);
      if (!relevant) continue;
      const conds = n.status?.conditions ?? [];
      const ready = conds.find((c) => c.type === 'Ready');
      const base = { kind: 'Node', name };
      if (ready && ready.status !== 'True') {
        const pressed = conds.filter((c) => PRESSURE.includes(c.type) && c.status === 'True');
        // The kubelet runs but the pod network is not up: the CNI plugin (its DaemonSet pod on the
        // node) never initialized, so the node stays NotReady and tainted not-ready.
        const network = mentions(
          ready.message,
          'networkpluginnotready',
          'cni plugin not initialized',
          'network not ready',
        );
        out.push({
          ...base,
          reason: 'NodeNotReady',
          message: network
            ? `node ${name} is NotReady because its network plugin (CNI) is not initialized (NetworkPluginNotReady): the kubelet runs but the pod network is not up, so the node keeps the not-ready taint and no new pod is scheduled there${pressed.length ? `; it also reports ${pressed.map((c) => c.type).join(', ')}` : ''}`
            : `node ${name} is NotReady (Ready ${ready.status}${ready.reason ? `, ${quote(ready.reason, 60)}` : ''}), so its pods stop being served and new pods are not scheduled there${pressed.length ? `; it also reports ${pressed.map((c) => c.type).join(', ')}` : ''}`,
          evidence: [`condition Ready ${ready.status} ${quote(ready.reason, 60)}: ${quote(ready.message)}`],
          next: `describe_node name=${name}`,
          fix: network
            ? `fix the CNI on ${name}: the network plugin's DaemonSet pod there (kube-system) and its logs, permissions or IP addresses; replace the node if it does not come up`
            : `find out why the kubelet on ${name} stopped reporting; cordon and drain it if it does not come back`,
        });
        continue;
      }
      for (const c of conds) {
        if (!PRESSURE.includes(c.type) || c.status !== 'True') continue;
        out.push({
          ...base,
          reason: c.type,
          message: `node ${name} has ${c.type}${c.reason ? ` (${quote(c.reason, 60)})` : ''}, so the kubelet taints it and evicts or refuses pods`,
          evidence: [`condition ${c.type} True ${quote(c.reason, 60)}: ${quote(c.message)}`],
          next: `describe_node name=${name}`,
          fix: `free ${c.type === 'DiskPressure' ? 'disk space' : c.type === 'MemoryPressure' ? 'memory' : 'resources'} on ${name}`,
        });
      }
      if (n.spec?.unschedulable && pending.length > 0) {
        out.push({
          ...base,
          reason: 'Cordoned',
          message: `node ${name} is cordoned (unschedulable) while pods wait to be scheduled`,
          evidence: ['spec.unschedulable true'],
          fix: `uncordon ${name} if the maintenance is over`,
        });
      }
      for (const t of n.spec?.taints ?? []) {
        if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
        const blocked = pending.filter((p) => !tolerates(p, t));
        if (blocked.length === 0) continue;
        out.push({
          ...base,
          reason: 'UntoleratedTaint',
          message: `node ${name} has taint ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}, which ${blocked.length} Pending pod(s) do not tolerate (${blocked
            .slice(0, 3)
            .map((p) => p.metadata.name)
            .join(', ')})`,
          evidence: [`taint ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`],
          fix: 'add a matching toleration to the pod template, or remove the taint',
        });
      }
    }
    return out;
  },
};
