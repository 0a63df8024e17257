import { parseDuration } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, podListOf, type Read, unmadeReads } from './types.js';

/** Namespaces Calico's node agent runs in: kube-system (manifest install) and calico-system (the operator's). */
const CALICO_NAMESPACES = ['kube-system', 'calico-system'];

/** calico/node's readiness message when BIRD has BGP peers it has no session with (Calico's readiness check). */
const NOT_ESTABLISHED = /BGP not established with ((?:\d{1,3}(?:\.\d{1,3}){3},?){1,50})/;

/** A calico-node pod: its node, the node's address (calico-node runs on the host network), and whether it is ready now. */
interface Agent {
  readonly pod: string;
  readonly node: string;
  readonly ip: string;
  /** Its READY column shows no ready container (`0/1`). */
  readonly unready: boolean;
}

function agents(seen: Parameters<Analyzer['finds']>[0]['seen']): { ns: string; agents: Agent[] }[] {
  const out: { ns: string; agents: Agent[] }[] = [];
  for (const ns of CALICO_NAMESPACES) {
    const list = podListOf(seen, ns);
    if (!list) continue;
    const rows = parseTable(list.content.slice(0, 200_000)).filter((r) =>
      /^calico-node-/.test(r['NAME'] ?? ''),
    );
    if (rows.length > 0)
      out.push({
        ns,
        agents: rows.map((r) => ({
          pod: r['NAME'] ?? '',
          node: r['NODE'] ?? '',
          ip: r['IP'] ?? '',
          unready: /^0\//.test(r['READY'] ?? ''),
        })),
      });
  }
  return out;
}

/**
 * No pod network between groups of nodes: Calico routes pod traffic between nodes over BGP sessions
 * between their calico-node agents (BIRD), and each agent's readiness probe fails with "BIRD is not ready:
 * BGP not established with <peers>" while sessions are down (docs.tigera.io, Calico, "Configure BGP
 * peering"; BGP is TCP port 179). When the agents of some nodes have no session with those of the others,
 * no routes to the other group's pod addresses exist, and traffic between pods across the groups (DNS
 * lookups to CoreDNS on the other nodes included) times out. Read from the agents' Unhealthy events and
 * their pod list (node and host address); the newer group of nodes is named as the one added.
 */
export const calicoBgpAnalyzer: Analyzer = {
  name: 'calico-bgp',
  // Agents of the pod network that are not ready: a strong signal, read before the scan's follow-ups.
  early: true,
  reads({ seen }): Read[] {
    const reads: Read[] = [];
    for (const { ns, agents: a } of agents(seen)) {
      // Agents that are not ready: their events say why.
      if (a.some((x) => x.unready)) reads.push({ tool: 'get_events', args: { namespace: ns } });
    }
    if (reads.length > 0) reads.push({ tool: 'list_nodes', args: {} });
    return unmadeReads(seen, reads);
  },
  finds({ seen }): Finding[] {
    const nodes = outputs(seen, 'list_nodes').pop();
    const nodeRows = parseTable(nodes?.content.slice(0, 200_000) ?? '');
    // A peer whose node is not Ready is down, not cut off: its missing session says nothing of a firewall.
    const down = new Set(
      nodeRows.filter((r) => r['STATUS'] && r['STATUS'] !== 'Ready').map((r) => r['NAME'] ?? ''),
    );
    for (const { ns, agents: a } of agents(seen)) {
      const byIp = new Map(a.map((x) => [x.ip, x]));
      const events = outputs(seen, 'get_events', (o) => o.args['namespace'] === ns)
        .pop()
        ?.content.slice(0, 400_000);
      if (!events) continue;
      // Which agent has no session with which peers.
      const missing = new Map<string, Set<string>>();
      let quoted = '';
      for (const line of events.split('\n')) {
        if (line.length > 4000) continue;
        const m = NOT_ESTABLISHED.exec(line);
        const pod = /pod\/(calico-node-[a-z0-9-]{1,40})/.exec(line)?.[1];
        const self = pod ? a.find((x) => x.pod === pod) : undefined;
        // Only agents not ready now: the events of a restart long over say nothing of today.
        if (!m || !self?.unready) continue;
        quoted ||= line.trim().replace(/\s{2,}/g, ' ');
        const peers = m[1]!.split(',').filter(Boolean);
        const set = missing.get(self.node) ?? new Set<string>();
        for (const p of peers) {
          const peer = byIp.get(p);
          if (peer && !down.has(peer.node)) set.add(peer.node);
        }
        missing.set(self.node, set);
      }
      if (missing.size === 0) continue;
      // The nodes with no session to a peer, grouped by the peers they miss.
      const cut = [...missing].filter(([, s]) => s.size > 0);
      if (cut.length === 0) continue;
      const ages = new Map(nodeRows.map((r) => [r['NAME'] ?? '', parseDuration(r['AGE'] ?? '')]));
      const sides = new Map<string, string[]>();
      for (const [node, peers] of cut) {
        const key = [...peers].sort().join(',');
        sides.set(key, [...(sides.get(key) ?? []), node]);
      }
      const groups = [...sides.values()].map((g) => g.sort());
      const age = (g: string[]) => Math.max(...g.map((n) => ages.get(n) ?? Number.POSITIVE_INFINITY));
      groups.sort((x, y) => age(x) - age(y));
      const [newer, older] = groups;
      const added =
        newer && older && age(newer) < age(older) && Number.isFinite(age(newer))
          ? ` (the newer nodes, added ${nodes ? parseTable(nodes.content).find((r) => r['NAME'] === newer[0])?.['AGE'] : '?'} ago)`
          : '';
      const between =
        newer && older
          ? `between the nodes ${newer.join(', ')}${added} and ${older.join(', ')}`
          : `between node ${cut[0]![0]} and ${[...cut[0]![1]].join(', ')}`;
      return [
        {
          weight: 100,
          object: `calico-node in ${ns}`,
          cause: `the pod network ${between} is down: Calico's BGP sessions between those nodes are not established (calico-node readiness: "${clip(NOT_ESTABLISHED.exec(quoted)?.[0] ?? quoted, 120)}"), so no node has routes to the other group's pod addresses and traffic between pods across the two groups is dropped, DNS lookups to CoreDNS on the other nodes included (they time out). BGP runs over TCP port 179 between the nodes: a security group or firewall between the node groups that does not allow it (and Calico's IP-in-IP or VXLAN traffic) cuts them apart`,
          evidence: [
            `get_events ${ns}: ${clip(quoted, 220)}`,
            `list_pods ${ns}: ${a.map((x) => `${x.pod} on ${x.node} (${x.ip})`).join(', ')}`,
          ],
          advice: `allow BGP (TCP 179) and Calico's encapsulation (IP-in-IP, IP protocol 4, or VXLAN, UDP 4789) between the node groups' security groups or firewall rules; the calico-node pods become ready and cross-node pod traffic (and DNS) works again`,
        },
      ];
    }
    return [];
  },
};
