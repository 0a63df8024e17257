import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespacePods,
  outputs,
  ownerName,
  podsOnNode,
  type Read,
} from './types.js';

/** A bind refused because the port is taken: the OS's EADDRINUSE in the words programs print it. */
const IN_USE = /\baddress already in use\b|\bEADDRINUSE\b|\bport is already allocated\b/i;
/**
 * The port on such a line: `0.0.0.0:8040`, `[::]:8040`, `*:8040`, `:8040` (Go's `listen tcp :8040`), or
 * "port 8040"; not a time of day (`08:44:04`) nor a source line (`server.cpp:159`). Bounded by the line's
 * length.
 */
const BIND_PORT =
  /(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]{0,39}\]|\*|::):(\d{1,5})(?!\d|:\d)|(?<![\w.:\]]):(\d{1,5})(?!\d|:\d)|\bport (\d{1,5})\b/i;
/** What a program logs when it is listening on an address. */
const LISTENING = /\b(?:listen(?:ing|s)?|running|serving|started|bound|address=|addr=)/i;

interface Refused {
  readonly pod: string;
  readonly line: string;
  readonly port: string;
  readonly node: string;
}

/** A pod of the namespace whose log (current or previous) says its bind was refused as in use, and its node. */
function refusedBind(ctx: AnalyzerContext): Refused | undefined {
  const rows = namespacePods(ctx);
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && IN_USE.test(l) && BIND_PORT.test(l));
    if (!line) continue;
    const m = BIND_PORT.exec(line)!;
    const pod = String(o.args['name'] ?? '');
    const node = rows.find((r) => r['NAME'] === pod)?.['NODE'];
    if (!node || node === '<none>') continue;
    return { pod, line: line.trim(), port: (m[1] ?? m[2] ?? m[3])!, node };
  }
  return undefined;
}

/** The pods on the node that belong to another workload than the refused pod's, at most three. */
function neighbours(ctx: AnalyzerContext, r: Refused): { namespace: string; name: string }[] {
  const node = outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === r.node).pop();
  if (!node) return [];
  const own = ownerName(r.pod);
  return podsOnNode(node.content)
    .filter((p) => p.name !== r.pod && !(p.namespace === ctx.ns && ownerName(p.name) === own))
    .filter((p) => !/^kube-/.test(p.namespace))
    .slice(0, 3);
}

/**
 * A program that cannot bind its port because another pod on the same node already listens on it:
 * pods on the host network (`hostNetwork: true`) share the node's ports, so a new host-network agent
 * that opens the same port takes it from the program that starts after it. Found from the refused
 * bind in the pod's log (the port on the line), the node it runs on (`list_pods`), the node's other pods
 * (`describe_node`, read when not read yet) and a search of their logs for the port (at most three
 * pods): the one whose log says it listens there holds it.
 */
export const portHolderAnalyzer: Analyzer = {
  name: 'port-holder',
  first: true,
  reads(ctx): Read[] {
    const r = refusedBind(ctx);
    if (!r) return [];
    if (!outputs(ctx.seen, 'describe_node', (o) => o.args['name'] === r.node).length)
      return [{ tool: 'describe_node', args: { name: r.node } }];
    const pattern = `:${r.port}`;
    return neighbours(ctx, r)
      .filter(
        (p) =>
          !outputs(
            ctx.seen,
            'search_pod_logs',
            (o) => o.args['name'] === p.name && o.args['pattern'] === pattern,
          ).length,
      )
      .map((p) => ({
        tool: 'search_pod_logs',
        args: { namespace: p.namespace, name: p.name, pattern, context: 0, maxMatches: 3 },
      }));
  },
  finds(ctx): Finding[] {
    const r = refusedBind(ctx);
    if (!r) return [];
    const pattern = `:${r.port}`;
    const own = new RegExp(`:${r.port}(?!\\d)`);
    for (const p of neighbours(ctx, r)) {
      const found = outputs(
        ctx.seen,
        'search_pod_logs',
        (o) => o.args['name'] === p.name && o.args['pattern'] === pattern,
      ).pop();
      const line = found?.content
        .split('\n')
        .filter((l) => /^\d{1,7}[:-]/.test(l) && l.length <= 4000)
        .map((l) => l.replace(/^\d{1,7}[:-]/, '').trim())
        .find((l) => own.test(l) && LISTENING.test(l));
      if (!line) continue;
      const holder = ownerName(p.name);
      return [
        {
          weight: 90,
          object: `pod ${r.pod}`,
          cause: `${ownerName(r.pod)}'s container cannot bind port ${r.port} ("${clip(r.line, 200)}"): on node ${r.node}, pod ${p.name} (${holder} in namespace ${p.namespace}) already listens on port ${r.port} ("${clip(line, 200)}"). Pods on the host network (hostNetwork) share the node's ports, so whichever starts second cannot bind it: a port conflict, not a fault of the program or its data. Move one of them off port ${r.port} (the listen address ${holder} is configured with, or ${ownerName(r.pod)}'s port)`,
          evidence: [
            `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
            `describe_node ${r.node}: runs ${p.namespace}/${p.name}`,
            `search_pod_logs ${p.name}: "${clip(line, 200)}"`,
          ],
          advice: `move ${holder} (namespace ${p.namespace}) or ${ownerName(r.pod)} off port ${r.port} on the nodes they share`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
