import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, podListOf, textOf } from './types.js';

// The CNI's IPAM refusing an address: host-local's words ("no IP addresses available in range set:
// 10.244.1.97-10.244.1.126"), and the AWS VPC CNI's when a node's ENIs have no free address.
const EXHAUSTED =
  /no IP addresses available in range set(?::\s*([0-9.]{7,15}-[0-9.]{7,15}))?|failed to assign an IP address to container|InsufficientFreeAddressesInSubnet/i;

/**
 * Pods stuck in ContainerCreating on one node because its pod address range is used up
 * (https://www.cni.dev/plugins/current/ipam/host-local/): the kubelet's FailedCreatePodSandBox event
 * quotes the IPAM's refusal; pods of the same workload on other nodes start. The node is named from
 * the stuck pods' NODE column, with its PodCIDR when its description was read.
 */
export const sandboxIpamAnalyzer: Analyzer = {
  name: 'sandbox-ipam',
  reads({ ns, seen }) {
    if (!EXHAUSTED.test(textOf(seen, 'get_events').slice(0, 200_000))) return [];
    const node = parseTable(podListOf(seen, ns)?.content ?? '').find(
      (r) => r['STATUS'] === 'ContainerCreating',
    )?.['NODE'];
    return node && node !== '<none>' ? [{ tool: 'describe_node', args: { name: node } }] : [];
  },
  finds({ ns, seen }) {
    const line = textOf(seen, 'get_events')
      .slice(0, 200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && EXHAUSTED.test(l));
    if (!line) return [];
    const rows = parseTable(podListOf(seen, ns)?.content ?? '');
    const stuck = rows.filter((r) => r['STATUS'] === 'ContainerCreating');
    const nodes = [...new Set(stuck.map((r) => r['NODE'] ?? '').filter((n) => n && n !== '<none>'))];
    if (nodes.length === 0) return [];
    const node = nodes[0]!;
    const range = EXHAUSTED.exec(line)?.[1];
    const described = outputs(seen, 'describe_node', (o) => o.args['name'] === node).pop()?.content ?? '';
    const cidr = /^PodCIDRs?:\s+(\S{1,64})/m.exec(described)?.[1];
    const onNode = rows.filter((r) => r['NODE'] === node).length;
    const elsewhere = rows.filter((r) => r['NODE'] !== node && r['STATUS'] === 'Running').length;
    const out: Finding = {
      weight: 91,
      object: `node ${node}`,
      cause: `the pods stuck in ContainerCreating (${stuck
        .slice(0, 3)
        .map((r) => r['NAME'])
        .join(
          ', ',
        )}) are on node ${node}, whose pod address range is exhausted: the network plugin's IPAM has no IP address left to give them${range ? ` (range ${range}${cidr ? `, the node's podCIDR ${cidr}` : ''})` : cidr ? ` (the node's podCIDR ${cidr})` : ''}, so their sandbox is never created ("${clip(line.trim().replace(/\s{2,}/g, ' '), 200)}"); ${onNode} pods of this namespace are on ${node}${elsewhere ? ` and ${elsewhere} Running pods elsewhere started normally` : ''}. It is not the image pull`,
      evidence: [
        `get_events: ${clip(line.trim().replace(/\s{2,}/g, ' '), 200)}`,
        ...(cidr ? [`describe_node ${node}: PodCIDR ${cidr}`] : []),
      ],
      advice: `free addresses on ${node} (pods that finished, leaked IPAM allocations) or cordon it and move pods elsewhere; for good, give nodes a larger pod range (--node-cidr-mask-size) or lower maxPods below the range's size`,
    };
    return [out];
  },
};
