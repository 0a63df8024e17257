import { errorLines } from './app-errors.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  describedField,
  type Finding,
  outputs,
  ownerDeployment,
  podsOnNode,
  type Read,
} from './types.js';

/** The kernel refusing a BPF operation: loading programs or maps, the memlock rlimit, debugfs for probes. */
const BPF_WORDS = /\bBPF\b|\beBPF\b|\bbpf\(|BPF_PROG_LOAD|BPF_MAP_CREATE|memlock/i;
const EPERM = /operation not permitted|\bEPERM\b/i;
/** kind's own CNI DaemonSet's pods (kindest/kindnetd), which run on every node of a kind cluster. */
const KINDNET = /^kindnet-[a-z0-9]{5}$/;

interface Refused {
  readonly pod: string;
  /** The container whose log it is, when the read named one. */
  readonly container?: string;
  readonly line: string;
  readonly node: string;
  readonly owner?: { kind: string; name: string };
}

function refused(ctx: AnalyzerContext): Refused | undefined {
  return perSeen(ctx.seen, ['ebpfNestedNode', ctx.ns], () => {
    const logs = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns);
    for (const o of [
      ...logs.filter((x) => x.args['previous'] === true),
      ...logs.filter((x) => !x.args['previous']),
    ]) {
      const line = errorLines(o.content.slice(-100_000)).find(
        (l) => l.length <= 4000 && EPERM.test(l) && BPF_WORDS.test(l),
      );
      if (!line) continue;
      const pod = String(o.args['name'] ?? '');
      const d = outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === pod).pop()?.content;
      const node = d ? describedField(d, 'Node')?.split('/')[0] : undefined;
      if (!d || !node || node === '<none>') continue;
      const m =
        /^Controlled By:\s{1,20}(DaemonSet|ReplicaSet|StatefulSet)\/([a-z0-9][a-z0-9.-]{0,252})$/m.exec(
          d.slice(0, 20_000),
        );
      // A ReplicaSet's pod: its Deployment holds the template.
      const deployment = m?.[1] === 'ReplicaSet' ? ownerDeployment(d) : undefined;
      const owner = m
        ? deployment
          ? (['', 'Deployment', deployment] as const)
          : m[1] === 'ReplicaSet'
            ? null
            : m
        : null;
      const container = typeof o.args['container'] === 'string' ? o.args['container'] : undefined;
      return {
        pod,
        ...(container ? { container } : {}),
        line: line.trim(),
        node,
        ...(owner ? { owner: { kind: owner[1]!, name: owner[2]! } } : {}),
      };
    }
    return undefined;
  });
}

/**
 * Whether the owner's flattened spec makes the container privileged (`template.spec.containers[i].securityContext
 * .privileged: true`): the named container's index, else the first container's; an init container's does not count.
 */
function privileged(spec: string, container: string | undefined): boolean {
  let index = '0';
  if (container)
    for (const m of spec.matchAll(/^\s{0,8}template\.spec\.containers\[(\d{1,3})\]\.name: (\S{1,253})$/gm))
      if (m[2] === container) index = m[1]!;
  return new RegExp(
    String.raw`^\s{0,8}template\.spec\.containers\[${index}\]\.securityContext\.privileged: true$`,
    'm',
  ).test(spec.slice(0, 200_000));
}

/** The owner's spec as `describe_resource` prints it (its pod template's flattened fields), once read. */
function ownerSpec(ctx: AnalyzerContext, r: Refused): string | undefined {
  if (!r.owner) return undefined;
  return outputs(
    ctx.seen,
    'describe_resource',
    (o) =>
      o.args['name'] === r.owner!.name && o.args['namespace'] === ctx.ns && o.args['kind'] === r.owner!.kind,
  ).pop()?.content;
}

function ownerRead(ctx: AnalyzerContext, r: Refused): Read | undefined {
  if (!r.owner) return undefined;
  return { tool: 'describe_resource', args: { kind: r.owner.kind, name: r.owner.name, namespace: ctx.ns } };
}

/**
 * An eBPF program (a profiler, a tracer, a network agent) that the kernel refuses to load ("loading BPF
 * programs: … operation not permitted") although its container is privileged, on nodes that are kind nodes
 * (kind's CNI, kindnet, runs on them). A kind node is itself a container; when it runs in a user namespace
 * (rootless Docker or Podman, or userns-remap), a pod's capabilities, privileged or not, apply only inside
 * that namespace, and loading BPF programs, raising the memlock limit or mounting debugfs need capabilities
 * in the host's initial user namespace, so the kernel answers EPERM (user_namespaces(7); Docker's rootless
 * mode, "Known limitations"). More privileges in the pod change nothing: the agent needs real nodes (VMs or
 * bare metal) whose kernel it can reach. Reads the pod's node and its owner's spec.
 */
export const ebpfNestedNodeAnalyzer: Analyzer = {
  name: 'ebpf-nested-node',
  first: true,
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (!r) return [];
    if (!outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === r.node).length)
      return [{ tool: 'describe_node', args: { name: r.node } }];
    const read = ownerRead(ctx, r);
    return read && !ownerSpec(ctx, r) ? [read] : [];
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    if (!r) return [];
    const node = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === r.node).pop()?.content;
    if (!node) return [];
    const head = node.slice(0, 100_000);
    const kindnet = podsOnNode(head).find((p) => p.namespace === 'kube-system' && KINDNET.test(p.name));
    // kind's nodes say so in their ProviderID (`kind://docker/<cluster>/<node>`), whatever the CNI.
    const providerId = /^ProviderID:\s{1,40}(kind:\/\/\S{1,300})$/m.exec(head)?.[1];
    if (!kindnet && !providerId) return [];
    const spec = ownerSpec(ctx, r);
    // Only a privileged container, the one that failed: an unprivileged one lacks the capabilities anyway.
    if (!spec || !privileged(spec, r.container)) return [];
    const object = r.owner ? `${r.owner.kind.toLowerCase()} ${r.owner.name}` : `pod ${r.pod}`;
    return [
      {
        weight: 92,
        object,
        cause: `${r.pod} runs privileged, yet the kernel refuses its eBPF programs ("${clip(r.line, 200)}"): its node ${r.node} is a kind node (${kindnet ? `kind's CNI pod ${kindnet.name} runs on it` : `ProviderID ${providerId}`}), a container rather than a real node, and here one in a user namespace, where even a privileged pod's capabilities reach only that namespace. Loading BPF programs, raising memlock and mounting debugfs need capabilities in the host's initial user namespace, so they fail with "operation not permitted" whatever the pod is granted. No admission policy stripped anything: CAP_SYS_ADMIN or CAP_BPF would not help`,
        evidence: [
          `logs of ${r.pod}: "${clip(r.line, 160)}"`,
          kindnet
            ? `describe_node ${r.node}: runs kube-system/${kindnet.name} (kind's CNI, kindnet)`
            : `describe_node ${r.node}: ProviderID ${providerId}`,
          `${r.owner ? `${r.owner.kind} ${r.owner.name}` : r.pod}: securityContext.privileged: true`,
        ],
        advice: `run the agent on real nodes (VMs or bare metal, where it reaches the host kernel), not on kind's nested nodes; to try it on kind, the kind cluster must run rootful (nodes outside a user namespace)`,
        revisionSound: true,
      },
    ];
  },
};
