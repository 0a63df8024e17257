import { envOf } from './env-values.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  describedField,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/** The kubelet refusing a hostPath of type Socket that is not one: `… /var/run/docker.sock is not a socket file`. */
const NOT_A_SOCKET = /hostPath type check failed: (\/\S{1,200}docker(?:shim)?\.sock) is not a socket file/;
/** What describe_node prints under System Info (`Container Runtime Version:  containerd://1.7.22`). */
const RUNTIME = /^\s{0,8}Container Runtime Version:\s{1,20}(\S{1,100})\s*$/m;

interface Socketless {
  pod: string;
  socket: string;
  node: string;
  runtime: string;
  /** The container's variables that name Docker (CONTAINER_RUNTIME=docker, SOCKET_PATH=/var/run/docker.sock). */
  settings: string[];
}

function socketless(ctx: AnalyzerContext): { found?: Socketless; read?: Read } {
  return perSeen(ctx.seen, ['dockerSocket', ctx.ns], () => {
    for (const d of outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)) {
      const text = d.content.slice(0, 100_000);
      const m = NOT_A_SOCKET.exec(text);
      // Only a pod that has not started (an old FailedMount event on a pod Running now is history).
      if (!m || !/^Status:\s{1,20}Pending\b|^\s{4,12}Reason:\s{1,20}ContainerCreating\b/m.test(text))
        continue;
      const node = describedField(text, 'Node')?.split('/')[0];
      if (!node || node === '<none>') continue;
      const described = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === node).pop();
      if (!described) return { read: { tool: 'describe_node', args: { name: node } } };
      const runtime = RUNTIME.exec(described.content.slice(0, 100_000))?.[1];
      // Only a node without Docker: containerd or CRI-O (Kubernetes removed dockershim in 1.24).
      if (!runtime || /^docker:/i.test(runtime)) continue;
      const settings = containerSections(text)
        .flatMap((c) => envOf(c.body))
        .filter((e) => /docker/i.test(e.value) && e.value.length <= 200)
        .map((e) => `${e.name}=${e.value}`)
        .slice(0, 4);
      return { found: { pod: String(d.args['name'] ?? ''), socket: m[1]!, node, runtime, settings } };
    }
    return {};
  });
}

/**
 * A pod that mounts the Docker socket (a chaos helper, a CI agent, a log collector built for Docker) on
 * nodes whose container runtime is containerd or CRI-O: the socket does not exist there, the kubelet's
 * hostPath type check refuses the mount and the pod never starts. The workload's own settings for Docker
 * (CONTAINER_RUNTIME=docker, SOCKET_PATH) are what to change: to the node's runtime and its socket.
 */
export const dockerSocketAnalyzer: Analyzer = {
  name: 'docker-socket',
  reads(ctx): Read[] {
    const r = socketless(ctx).read;
    return r ? [r] : [];
  },
  finds(ctx): Finding[] {
    const s = socketless(ctx).found;
    if (!s) return [];
    const runtime = s.runtime.split(':')[0]!.toLowerCase();
    // Each runtime's CRI socket as its defaults put it (containerd's and CRI-O's documentation).
    const socket =
      runtime === 'containerd'
        ? '/run/containerd/containerd.sock'
        : runtime === 'cri-o'
          ? '/var/run/crio/crio.sock'
          : `the ${runtime} socket`;
    return [
      {
        // Above the FailedMount signature (88 and a bonus for a named pod), which it explains.
        weight: 95,
        object: `pod ${s.pod} in ${ctx.ns}`,
        cause: `pod ${s.pod} mounts the Docker socket ${s.socket}, but its node ${s.node} runs ${s.runtime} as its container runtime, not Docker, so there is no such socket: the kubelet refuses the mount ("${s.socket} is not a socket file") and the pod never starts${s.settings.length ? `; its settings are written for Docker (${s.settings.join(', ')}) instead of ${runtime}` : ''}`,
        evidence: [
          `describe_pod ${s.pod}: FailedMount: hostPath type check failed: ${s.socket} is not a socket file`,
          `describe_node ${s.node}: Container Runtime Version: ${clip(s.runtime, 60)}`,
        ],
        advice: `set the workload's runtime settings to ${runtime} (for example CONTAINER_RUNTIME=${runtime} and SOCKET_PATH=${socket}) where it is defined, so it mounts the socket the nodes have`,
      },
    ];
  },
};
