import { parseTable } from '../k8s-text.js';
import { namespaceCandidates } from '../observations.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  describedField,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * A node agent's check of a container ID's runtime prefix (`docker://…`, `containerd://…`, `cri-o://…`,
 * the form of a pod's `status.containerStatuses[].containerID`) that found another runtime than it was set
 * up for: Chaos Mesh's `getting PID: expected docker:// but got container…`. Bounded: linear.
 */
const MISMATCH = /expected (docker|containerd|cri-o|crio):\/\/ but got (\w{1,20})/i;

/** The runtime names as a node reports them (`Container Runtime Version: containerd://1.7.22`). */
const NODE_RUNTIME = /^\s*Container Runtime Version:\s+([a-z-]{1,20}):\/\/(\S{1,40})/m;

interface Seen {
  readonly expected: string;
  readonly line: string;
  readonly where: string;
}

/** The first such line among the events and the logs the run read. */
function mismatch(ctx: AnalyzerContext): Seen | undefined {
  for (const o of [...outputs(ctx.seen, 'get_events'), ...outputs(ctx.seen, 'get_pod_logs')]) {
    for (const line of boundedLogLines(o.content)) {
      if (!line.includes('://')) continue;
      const m = MISMATCH.exec(line.slice(0, 4000));
      if (m)
        return {
          expected: m[1]!.toLowerCase(),
          line: line.trim(),
          where: `${o.tool} ${String(o.args['name'] ?? o.args['namespace'] ?? '')}`.trim(),
        };
    }
  }
  return undefined;
}

/** Whether a runtime name is the one expected (`cri-o` and `crio` are one). */
function same(a: string, b: string): boolean {
  const n = (x: string) => (x === 'cri-o' ? 'crio' : x);
  return n(a) === n(b);
}

/**
 * A described node that runs another runtime than the expected one, the one the failure says it got
 * first (`but got containerd…`), from the failure line `seen`.
 */
function runningOther(ctx: AnalyzerContext, seen: Seen) {
  const expected = seen.expected;
  const got = MISMATCH.exec(seen.line)?.[2]?.toLowerCase() ?? '';
  const others = outputs(ctx.seen, 'describe_node').filter((o) => {
    const r = NODE_RUNTIME.exec(o.content.slice(0, 20_000));
    return r !== null && !same(r[1]!, expected);
  });
  return (
    others.find(
      (o) =>
        got.length >= 4 && NODE_RUNTIME.exec(o.content.slice(0, 20_000))![1]!.startsWith(got.slice(0, 9)),
    ) ?? others[0]
  );
}

/** Where the agent may run: the namespaces the task names, then the one under investigation. */
function places(ctx: AnalyzerContext): string[] {
  // A namespace list read: only the namespaces that exist ("the namespace filter" names none).
  const listed = outputs(ctx.seen, 'list_resources', (x) => x.args['kind'] === 'Namespace').pop();
  const known = listed ? new Set(parseTable(listed.content).map((r) => r['NAME'] ?? '')) : undefined;
  return [...new Set([...namespaceCandidates(ctx.task), ctx.ns])]
    .filter((n) => !known || known.has(n))
    .slice(0, 3);
}

/** The agent the DaemonSets read show set up for the runtime the failure expected, if one does. */
function agentOf(
  ctx: AnalyzerContext,
  expected: string,
): { ds: string; ns: string; said: string } | undefined {
  for (const ns of places(ctx))
    for (const ds of daemonSets(ctx, ns) ?? []) {
      const d = describedSet(ctx, ns, ds);
      const said = d ? configuredFor(d, expected) : undefined;
      if (said) return { ds, ns, said };
    }
  return undefined;
}

/** The DaemonSets listed in a namespace, when listed. */
function daemonSets(ctx: AnalyzerContext, ns: string): string[] | undefined {
  const o = outputs(
    ctx.seen,
    'list_resources',
    (x) => x.args['kind'] === 'DaemonSet' && x.args['namespace'] === ns,
  ).pop();
  if (!o) return undefined;
  return /^No /.test(o.content)
    ? []
    : parseTable(o.content)
        .map((r) => r['NAME'] ?? '')
        .filter(Boolean);
}

/** A DaemonSet's description, when read. */
function describedSet(ctx: AnalyzerContext, ns: string, ds: string): string | undefined {
  return outputs(
    ctx.seen,
    'describe_resource',
    (x) =>
      String(x.args['kind']).toLowerCase() === 'daemonset' &&
      x.args['name'] === ds &&
      x.args['namespace'] === ns,
  ).pop()?.content;
}

/**
 * What a DaemonSet's description says of the runtime it is set up for: a `--runtime <name>` flag in its
 * containers' command or args (flattened one item a line, `template.spec.containers[0].command[1]:
 * --runtime`), or the runtime's socket among its mounts. Bounded: the first 600 lines.
 */
export function configuredFor(described: string, runtime: string): string | undefined {
  const lines = described.slice(0, 100_000).split('\n').slice(0, 600);
  const argv = lines
    .map((l) => /\.(?:command|args)\[\d{1,3}\]:\s?(.{0,300})$/.exec(l)?.[1]?.trim())
    .filter((a): a is string => a !== undefined)
    .join(' ');
  const name = runtime === 'crio' || runtime === 'cri-o' ? 'crio' : runtime;
  // The flag counts only when it names that runtime (`--runtime containerd` is set up for containerd).
  const said = /--(?:container-)?runtime(?:=| )(docker|containerd|cri-o|crio)\b/.exec(argv);
  const flag = said && (said[1] === 'cri-o' ? 'crio' : said[1]) === name ? said[0] : undefined;
  const socket = lines
    .map((l) => /\.mountPath:\s?(\S{0,200}\.sock)$/.exec(l)?.[1])
    .find((p) => p?.includes(`${name}.sock`));
  if (!flag && !socket) return undefined;
  return [flag ? `"${flag}"` : '', socket ? `mounts ${socket}` : ''].filter(Boolean).join(', ');
}

/** DaemonSets worth describing first: named as node agents. */
function agentLike(name: string): number {
  return /daemon|agent|node|runtime/.test(name) ? 1 : 0;
}

/**
 * A node agent set up for one container runtime on nodes that run another: it looks containers up by
 * their ID's runtime prefix (`docker://`) and gets the node's (`containerd://`), so every action that needs a
 * container's process or namespaces fails, while whatever goes through the API alone still works (a chaos
 * tool's pod kill, not its stress or network faults). Typical after the nodes moved from Docker
 * (dockershim, removed in Kubernetes 1.24) to containerd while the agent kept its install-time setting.
 * Reads: a node's description (its `Container Runtime Version`), the DaemonSets of the namespaces the task
 * names, two of them described (node agents first), for the flag or the socket that names the runtime.
 */
export const runtimeMismatchAnalyzer: Analyzer = {
  name: 'runtime-mismatch',
  early: true,
  reads(ctx): Read[] {
    const m = mismatch(ctx);
    if (!m) return [];
    const reads: Read[] = [];
    const nodes = outputs(ctx.seen, 'list_nodes').pop();
    if (!nodes) reads.push({ tool: 'list_nodes', args: {} });
    // A node running another runtime than the one expected (the first, and on a cluster part-way through a
    // move, the next ones: at most three).
    if (nodes && !runningOther(ctx, m)) {
      const described = new Set(outputs(ctx.seen, 'describe_node').map((o) => String(o.args['name'] ?? '')));
      const next = parseTable(nodes.content)
        .map((r) => r['NAME'] ?? '')
        .filter(Boolean)
        .slice(0, 3)
        .find((n) => !described.has(n));
      if (next) reads.push({ tool: 'describe_node', args: { name: next } });
    }
    if (agentOf(ctx, m.expected)) return reads;
    let described = 0;
    for (const ns of places(ctx)) {
      const sets = daemonSets(ctx, ns);
      if (!sets) {
        reads.push({ tool: 'list_resources', args: { kind: 'DaemonSet', namespace: ns } });
        continue;
      }
      for (const ds of [...sets].sort((a, b) => agentLike(b) - agentLike(a)).slice(0, 2)) {
        if (described >= 2) break;
        described++;
        if (!describedSet(ctx, ns, ds))
          reads.push({ tool: 'describe_resource', args: { kind: 'DaemonSet', name: ds, namespace: ns } });
      }
    }
    return reads;
  },
  finds(ctx): Finding[] {
    const m = mismatch(ctx);
    if (!m) return [];
    const node = runningOther(ctx, m);
    const runtime = node ? NODE_RUNTIME.exec(node.content) : null;
    if (!node || !runtime) return [];
    const actual = runtime[1]!;
    // The agent: a DaemonSet pod whose description names the expected runtime.
    const agent = agentOf(ctx, m.expected);
    const nodeName = describedField(node.content, 'Name') ?? String(node.args['name'] ?? '');
    const who = agent ? `daemonset ${agent.ds}` : 'the node agent';
    const socket =
      actual === 'containerd'
        ? '/run/containerd/containerd.sock'
        : actual === 'cri-o'
          ? '/var/run/crio/crio.sock'
          : '/var/run/docker.sock';
    return [
      {
        weight: 90,
        object: agent ? `daemonset ${agent.ds} in ${agent.ns}` : `node agent`,
        cause: `${who} is set up for the ${m.expected} container runtime${agent ? ` (${agent.said})` : ''}, but the nodes run ${actual} (node ${nodeName}: Container Runtime Version ${actual}://${runtime[2]}): it looks each target container up by a ${m.expected}:// container ID and gets a ${actual}:// one ("${clip(m.line, 200)}"), so every action that needs the container's process fails, while what goes through the Kubernetes API alone still works. The targets and their namespace are not at fault; the agent's container runtime setting is`,
        evidence: [
          `${m.where}: "${clip(m.line, 200)}"`,
          `describe_node ${nodeName}: Container Runtime Version ${actual}://${runtime[2]}`,
          ...(agent ? [`describe_resource DaemonSet ${agent.ds} (${agent.ns}): ${agent.said}`] : []),
        ],
        advice: `set ${who}'s container runtime to ${actual} and mount the ${actual} socket (${socket}) instead of the ${m.expected} one${agent?.ds.includes('chaos') ? " (Chaos Mesh's chart values chaosDaemon.runtime and chaosDaemon.socketPath)" : ''}, then let its pods restart`,
        revisionSound: true,
      },
    ];
  },
};
