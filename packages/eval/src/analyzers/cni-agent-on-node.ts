import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
  podsOnNode,
  type Read,
} from './types.js';

/** A sandbox whose network setup failed (the CNI plugin's step). */
const NETWORK_SETUP =
  /FailedCreatePodSandBox[^\n]{0,200}?(?:failed to set ?up network|networkPlugin cni|plugin type=)[^\n]{0,1500}/i;
/** The names of the network agents that run on every node (their DaemonSets' pods). */
const AGENT =
  /^(?:weave-net|calico-node|cilium|flannel|kube-flannel|canal|antrea-agent|kube-router|ovnkube|ovs|kube-ovn-cni|multus|aws-node|azure-cni|kindnet|cni)/;
/** Names of pods that start like an agent's but are not the node's network agent (monitoring, controllers). */
const NOT_AGENT = /scope|operator|controllers?\b|typha|hubble|relay|-ui\b/;
/** A line that says the agent runs now (after an error it recovered from). */
const RUNNING_NOW =
  /\bstarted successfully|successfully (?:connected|started)|\bready\b|\blistening on\b|\brunning\b/i;
/** An agent's own failure line. */
const FAILED =
  /\b(?:FATAL|FATA|ERROR|ERRO|level=(?:error|fatal)|"level":"(?:error|fatal)"|panic:|Error:|error:)/;

interface Blocked {
  readonly pod: string;
  readonly node: string;
  readonly line: string;
}

/** A pod of the namespace whose sandbox network cannot be set up, with its node and the kubelet's line. */
function blocked({ seen, ns }: AnalyzerContext): Blocked | undefined {
  for (const o of outputs(seen, 'describe_pod', (x) => x.args['namespace'] === ns)) {
    const text = o.content.slice(0, 200_000);
    const node = /^Node:\s+([a-z0-9][a-z0-9.-]{0,252})/m.exec(text)?.[1];
    const m = NETWORK_SETUP.exec(text);
    if (node && m) return { pod: String(o.args['name'] ?? ''), node, line: m[0].trim() };
  }
  return undefined;
}

/** The network agent pods on a node, from its description (`Non-terminated Pods`). */
function agentsOn(ctx: AnalyzerContext, node: string): { namespace: string; name: string }[] | undefined {
  const d = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
  return d
    ? podsOnNode(d.content)
        // The node's agent is a DaemonSet's pod (`<name>-<5>`), not a Deployment's (`<name>-<hash>-<5>`).
        .filter((p) => AGENT.test(p.name) && !NOT_AGENT.test(p.name) && podDeployment(p.name) === undefined)
        .slice(0, 2)
    : undefined;
}

/**
 * The agent's failure line: from its current log when that log ends failing (no line after it saying it
 * runs), else from its previous container's log when there is no current one; undefined when it runs now.
 */
function agentFailure(ctx: AnalyzerContext, a: { namespace: string; name: string }): string | undefined {
  const logs = outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => o.args['name'] === a.name && o.args['namespace'] === a.namespace,
  );
  const lastFailure = (lines: string[]) => {
    let i = lines.length - 1;
    while (i >= 0 && !(lines[i]!.length <= 4000 && FAILED.test(lines[i]!))) i--;
    return i >= 0 && !lines.slice(i + 1).some((l) => RUNNING_NOW.test(l)) ? lines[i] : undefined;
  };
  const current = logs.filter((o) => o.args['previous'] !== true).pop();
  if (current) return lastFailure(boundedLogLines(current.content));
  const previous = logs.filter((o) => o.args['previous'] === true).pop();
  return previous ? lastFailure(boundedLogLines(previous.content)) : undefined;
}

/**
 * Pods whose sandbox cannot get a network because the node's network agent (the CNI plugin's DaemonSet
 * pod on that node: weave-net, calico-node, cilium, …) is not working there: the plugin on the node asks
 * its local agent and gets no answer. The agent's own log on that node says why.
 */
export const cniAgentOnNodeAnalyzer: Analyzer = {
  name: 'cni-agent-on-node',
  reads(ctx): Read[] {
    const b = blocked(ctx);
    if (!b) return [];
    const agents = agentsOn(ctx, b.node);
    if (!agents) return [{ tool: 'describe_node', args: { name: b.node } }];
    const reads: Read[] = [];
    for (const a of agents) {
      if (!outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === a.name && !o.args['previous']).length)
        reads.push({ tool: 'get_pod_logs', args: { namespace: a.namespace, name: a.name } });
      if (
        !outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === a.name && o.args['previous'] === true)
          .length
      )
        reads.push({ tool: 'get_pod_logs', args: { namespace: a.namespace, name: a.name, previous: true } });
    }
    return reads;
  },
  finds(ctx): Finding[] {
    const b = blocked(ctx);
    const agents = b ? agentsOn(ctx, b.node) : undefined;
    if (!b || !agents) return [];
    for (const a of agents) {
      const said = agentFailure(ctx, a);
      if (!said) continue;
      return [
        {
          weight: 90,
          object: `pod ${a.name} (namespace ${a.namespace})`,
          cause: `pod ${b.pod} gets no network on node ${b.node}: "${clip(b.line, 200)}"; the node's network agent, pod ${a.name} in ${a.namespace}, is not working there: its log says "${clip(said.trim(), 200)}". The CNI plugin on ${b.node} depends on that agent, so every new pod on the node waits in ContainerCreating while pods on other nodes start`,
          evidence: [
            `describe_pod ${b.pod}: Node ${b.node}; "${clip(b.line, 160)}"`,
            `get_pod_logs ${a.name} (${a.namespace}): "${clip(said.trim(), 160)}"`,
          ],
          advice: `fix what the agent's log on ${b.node} says (the node, not the workload), then restart the agent pod ${a.name}; the waiting pods get their sandboxes once it runs`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
