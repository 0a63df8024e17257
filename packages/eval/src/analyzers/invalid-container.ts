import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  containerSections,
  type Finding,
  MESH_PROXY,
  outputs,
  podDescription,
  podOwnerObject,
  type Read,
  unmadeReads,
} from './types.js';

/**
 * The API server's refusal of an exec, attach, log or port-forward request for a container the pod does
 * not have, as client-go and kubectl pass it on: `container X is not valid for pod Y`.
 */
const NOT_VALID = /\bcontainer ([a-z0-9][a-z0-9-]{0,62}) is not valid for pod ([a-z0-9][a-z0-9.-]{0,252})/;

interface Asked {
  readonly pod: string;
  readonly line: string;
  readonly container: string;
  readonly target: string;
}

/**
 * The newest refusal the namespace's logs show of a container asked for that is not valid for a pod: the
 * last such line of the last log read that has one (the target named last is the one that runs now, when a
 * rollout replaced the pod named first). The pod name loses a full stop that ends the sentence.
 */
function asked(ctx: AnalyzerContext): Asked | undefined {
  let found: Asked | undefined;
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns))
    for (const l of boundedLogLines(o.content)) {
      const m = NOT_VALID.exec(l);
      const target = m?.[2]?.replace(/[.-]+$/, '');
      if (m && target)
        found = { pod: String(o.args['name'] ?? ''), line: l.trim(), container: m[1]!, target };
    }
  return found;
}

/**
 * A program that execs into (or reads the log of) another pod by a container name that pod no longer
 * has: a backup tool, an operator or a CronJob's script names `cassandra`, and the pod's container is now
 * `server` (a chart that renamed it). The API refuses each such request, so the program fails at that
 * step. Reads the target pod's description for its containers.
 */
export const invalidContainerAnalyzer: Analyzer = {
  name: 'invalid-container',
  first: true,
  reads(ctx): Read[] {
    const a = asked(ctx);
    if (!a) return [];
    return unmadeReads(ctx.seen, [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: a.target } }]);
  },
  finds(ctx): Finding[] {
    const a = asked(ctx);
    if (!a) return [];
    const target = podDescription(ctx.seen, ctx.ns, a.target);
    if (!target) return [];
    const names = containerSections(target).map((c) => c.name);
    if (names.length === 0 || names.includes(a.container)) return [];
    const app = containerSections(target)
      .filter((c) => !c.init)
      .map((c) => c.name);
    // The container the program means is the target's own, not a mesh proxy injected beside it.
    const meant = app.find((c) => !MESH_PROXY.test(c));
    const own = podDescription(ctx.seen, ctx.ns, a.pod);
    const owner = podOwnerObject(own, a.pod);
    const quoted = clip(a.line, 200);
    return [
      {
        weight: 95,
        object: owner.startsWith('pod ') ? owner : `${owner} (pod ${a.pod})`,
        cause: `the program asks the API for container ${a.container} of pod ${a.target} ("${quoted}"), but ${a.target} has no container named ${a.container}: its container${app.length === 1 ? ' is' : 's are'} named ${app.join(', ')}. The target's container was renamed (a chart or manifest change), or the program's setting names the wrong one, so every such request is refused and the program fails at that step`,
        evidence: [
          `logs of ${a.pod}: "${quoted}"`,
          `describe_pod ${a.target}: containers ${names.join(', ')}`,
        ],
        advice: meant
          ? `point the program at container ${meant} (its container option, such as --container, or the setting that names it)`
          : 'point the program at the container it means (its container option, such as --container, or the setting that names it)',
      },
    ];
  },
};
