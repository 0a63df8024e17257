import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, podsOf, type Read } from './types.js';

// A transfer that starts and then stalls: headers or a small answer arrive, the large body never does
// (`read 0 of 48213 bytes`; Go's `Client.Timeout … while reading body`: the headers came, the body did not).
const STALL =
  /\b(?:received|got|read) 0 of \d{4,12} (?:body )?bytes\b|Client\.Timeout[^\n]{0,80}?while reading (?:response )?body/i;
// What a node's network agent logs about the host's link and the pods' interfaces (Calico's wording among others).
const HOST_MTU = /\bhost interface \S{1,40} (?:has )?MTU (?:is |of |= ?|: ?)?(\d{3,5})\b/i;
const WORKLOAD_MTU =
  /\b(?:workload|pod|veth) interfaces? (?:use |uses |have |has )?MTU (?:of |= ?|: ?)?(\d{3,5})\b/i;
/** Bytes each overlay adds to a packet: IP-in-IP 20, VXLAN 50, WireGuard 60 (Calico's "Configure MTU" page). */
const OVERLAYS: readonly [RegExp, string, number][] = [
  [/\bIPIP\b|\bIP-in-IP\b/i, 'IP-in-IP', 20],
  [/\bVXLAN\b/i, 'VXLAN', 50],
  [/\bWireGuard\b/i, 'WireGuard', 60],
  // Geneve (Antrea's and OVN-Kubernetes' default, Cilium's option): 50 bytes, as VXLAN.
  [/\bGeneve\b/i, 'Geneve', 50],
];
// Network plugins whose agents log the MTU they give pods.
const CNI_POD =
  /^(?:vpc-cni|aws-node|calico-node|cilium|kube-flannel|flannel|weave-net|antrea-agent|kube-ovn-cni)-/;
// An MTU as a log line or a note writes it ("pod veth MTU set to 9001", "tunnel MTU: 1400").
const POD_MTU = /\bpod (?:veth |interface )?MTU (?:set to |is |= ?|: ?)?(\d{4,5})\b/i;
const PATH_MTU = /\b(?:tunnel|path|link|VPN)[ -]MTU[: =]+(\d{3,5})\b/i;
const ICMP_DROPPED =
  /\bICMP\b[^\n]{0,80}\b(?:dropped|blocked|filtered)\b|\b(?:drops?|blocks?|filters?)\b[^\n]{0,40}\bICMP\b/i;

/**
 * A path MTU black hole (RFC 2923): pods send with a large MTU (jumbo frames, 9001 on AWS ENIs) and
 * the route to a remote host goes through a link with a smaller MTU (a VPN tunnel) whose far end drops
 * ICMP, so the "fragmentation needed" messages that would lower the path MTU never arrive. Small
 * answers (handshakes, headers) get through and large packets are dropped silently: the transfer
 * stalls and times out. Read from the network plugin's own log of the MTU it gives pods and from the
 * route notes the cluster keeps in ConfigMaps.
 */
export const mtuBlackholeAnalyzer: Analyzer = {
  name: 'mtu-blackhole',
  first: true,
  reads({ ns, seen }): Read[] {
    const stalled = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some((o) =>
      STALL.test(o.content.slice(-100_000)),
    );
    if (!stalled) return [];
    const reads: Read[] = [];
    const pods = podsOf(seen, 'kube-system');
    if ('read' in pods) return [pods.read];
    const cni = pods.rows.find((r) => CNI_POD.test(r['NAME'] ?? ''));
    if (cni) reads.push({ tool: 'get_pod_logs', args: { namespace: 'kube-system', name: cni['NAME'] } });
    const configs = outputs(
      seen,
      'list_resources',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['namespace'] === 'kube-system',
    );
    if (configs.length === 0)
      reads.push({ tool: 'list_resources', args: { kind: 'ConfigMap', namespace: 'kube-system' } });
    for (const r of configs
      .flatMap((o) => parseTable(o.content))
      .filter((x) => /route|network|egress|mtu|vpn/i.test(x['NAME'] ?? ''))
      .slice(0, 2))
      reads.push({
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', name: r['NAME'], namespace: 'kube-system' },
      });
    return reads;
  },
  finds({ ns, seen }) {
    const stall = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
      .map((o) => ({
        pod: String(o.args['name']),
        line: o.content
          .slice(-100_000)
          .split('\n')
          .find((l) => STALL.test(l)),
      }))
      .find((x) => x.line);
    if (!stall?.line) return [];
    const cniLines = outputs(seen, 'get_pod_logs', (o) => CNI_POD.test(String(o.args['name']))).flatMap((o) =>
      o.content
        .slice(-100_000)
        .split('\n')
        .filter((l) => l.length <= 2000),
    );
    const overlay = overlayTooBig(cniLines, stall as { pod: string; line: string });
    if (overlay) return [overlay];
    const podMtu = cniLines.map((l) => ({ l, m: POD_MTU.exec(l) })).find((x) => x.m);
    const notes = outputs(seen, 'describe_resource', (o) => o.args['kind'] === 'ConfigMap').flatMap((o) =>
      o.content.slice(0, 50_000).split('\n'),
    );
    const path = notes.map((l) => ({ l, m: PATH_MTU.exec(l) })).find((x) => x.m);
    if (!podMtu?.m || !path?.m) return [];
    const [pods, link] = [Number(podMtu.m[1]), Number(path.m[1])];
    if (!(pods > link)) return [];
    const icmp = notes.find((l) => ICMP_DROPPED.test(l));
    const out: Finding = {
      weight: 95,
      object: `pod ${stall.pod}`,
      cause: `an MTU black hole: pods now send with MTU ${pods} (the network plugin's log: "${clip(podMtu.l.trim(), 120)}"), but the route to the remote host goes through a link with MTU ${link} ("${clip(path.l.trim(), 100)}")${icmp ? ` whose far end drops ICMP ("${clip(icmp.trim(), 100)}")` : ''}, so the "fragmentation needed" messages that would lower the path MTU never come back: small answers (the handshake, the headers) get through, while full-size packets of a large body are dropped silently, and ${stall.pod}'s transfer stalls until it times out ("${clip(stall.line.trim(), 140)}"). A longer timeout would not help`,
      evidence: [
        `get_pod_logs ${stall.pod}: "${clip(stall.line.trim(), 160)}"`,
        `network plugin log: "${clip(podMtu.l.trim(), 160)}"`,
        `route notes: "${clip(path.l.trim(), 120)}"`,
      ],
      advice: `give pods an MTU the whole path carries (set the network plugin's pod MTU back to 1500 or to ${link} and restart the affected pods), or clamp TCP MSS on the tunnel; allow ICMP "fragmentation needed" through if the far side can`,
    };
    return [out];
  },
};

/**
 * Pods whose interfaces keep a larger MTU than the host's link carries once the overlay's header is added:
 * the node agent logs the host interface's MTU and the workload interfaces' (`Host interface ens3 has MTU
 * 1446`, `Workload interfaces use MTU 1500`), and the pool encapsulates (IP-in-IP adds 20 bytes, VXLAN 50,
 * WireGuard 60), so a full-size packet between nodes no longer fits and is dropped: small answers pass, a
 * large body stalls until the client's timeout. The pods' MTU must be the host's less the overlay's bytes.
 */
function overlayTooBig(lines: readonly string[], stall: { pod: string; line: string }): Finding | undefined {
  const hostLine = lines.find((l) => HOST_MTU.test(l));
  const podLine = lines.find((l) => WORKLOAD_MTU.test(l));
  if (!hostLine || !podLine) return undefined;
  const host = Number(HOST_MTU.exec(hostLine)![1]);
  const pods = Number(WORKLOAD_MTU.exec(podLine)![1]);
  const found = OVERLAYS.map(([re, name, bytes]) => ({
    line: lines.find((l) => re.test(l)),
    name,
    bytes,
  })).find((o) => o.line);
  const bytes = found?.bytes ?? 0;
  if (!(pods > host - bytes)) return undefined;
  const fits = host - bytes;
  return {
    weight: 95,
    object: `pod ${stall.pod}`,
    cause: `the pods' MTU is too large for the nodes' network: workload interfaces use MTU ${pods} ("${clip(podLine.trim(), 100)}") while the host interface carries ${host} ("${clip(hostLine.trim(), 100)}")${found ? `, and ${found.name} adds ${bytes} bytes to every packet between nodes ("${clip(found.line!.trim(), 80)}")` : ''}, so full-size packets are dropped: small answers (health checks, the headers) get through, large bodies stall until the client gives up ("${clip(stall.line.trim(), 140)}"). A longer timeout would not help; the pods' MTU must be at most ${fits}`,
    evidence: [
      `get_pod_logs ${stall.pod}: "${clip(stall.line.trim(), 160)}"`,
      `network plugin log: "${clip(hostLine.trim(), 120)}"`,
      `network plugin log: "${clip(podLine.trim(), 120)}"`,
    ],
    advice: `set the network plugin's pod MTU (Calico: veth_mtu in calico-config, or the Felix MTU settings) to ${fits} or less, the host's ${host} less the ${found ? `${found.name} ` : ''}overhead, and restart the agents and the pods so their interfaces take it`,
  };
}
