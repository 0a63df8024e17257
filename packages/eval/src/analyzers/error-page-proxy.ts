import { parseTable } from '../k8s-text.js';
import { glossOf } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podsOf,
  type Read,
} from './types.js';

/**
 * Error pages whose words name the proxy that wrote them, where the proxy's own settings are a usual
 * cause: Varnish's built-in error page ("Error 503 Backend fetch failed", "Guru Meditation": a fetch
 * timeout or a backend probe) and Envoy's "upstream request timeout" (its route timeout), each with the
 * images that run it. Pages that say only that no backend server was up (HAProxy's "No server is
 * available", Envoy's "no healthy upstream") send the investigation to the backend instead, which
 * other rules follow.
 */
const PAGES: readonly { said: RegExp; software: string; image: RegExp }[] = [
  { said: /Backend fetch failed|Guru Meditation/i, software: 'Varnish', image: /varnish/i },
  {
    said: /upstream request timeout/i,
    software: 'Envoy',
    image: /envoy|proxyv2|contour|emissary|ambassador|gloo/i,
  },
];
/** Namespaces searched for the proxy at most. */
const MAX_NAMESPACES = 4;

function page(ctx: AnalyzerContext) {
  const task = ctx.task.slice(0, 4000);
  return PAGES.find((p) => p.said.test(task));
}

/** The Deployment that runs the proxy's image, in the namespace investigated or another one listed. */
function proxyDeployment(ctx: AnalyzerContext, image: RegExp): { ns: string; name: string } | undefined {
  for (const o of outputs(ctx.seen, 'list_deployments')) {
    const row = parseTable(o.content).find((r) => image.test(r['IMAGES'] ?? ''));
    if (row) return { ns: String(o.args['namespace']), name: row['NAME'] ?? '' };
  }
  return undefined;
}

/** The containers of a described Deployment's pod template (`    name:` under `  Containers:`). */
function templateContainers(text: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^ {2}Containers:\s*$/.test(l));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1, at + 400)) {
    if (/^ {0,3}\S/.test(l)) break;
    const m = /^ {4}([a-z0-9][a-z0-9-]{0,62}):\s*$/.exec(l);
    if (m) out.push(m[1]!);
  }
  return out.slice(0, 4);
}

/**
 * The person quotes an error page that a known proxy writes (Varnish's "Backend fetch failed", Envoy's
 * "upstream request timeout"): the answer came from that proxy, which
 * may run in another namespace than the application (an edge cache, a gateway). Reads: the namespaces'
 * Deployments until one runs the proxy's image, its description (containers, change cause), its pods
 * and each container's log (a varnishlog sidecar says why a fetch failed). Finds: the proxy's failure
 * line with its meaning, and the rollout that changed it.
 */
export const errorPageProxyAnalyzer: Analyzer = {
  name: 'error-page-proxy',
  first: true,
  reads(ctx): Read[] {
    const p = page(ctx);
    if (!p) return [];
    const found = proxyDeployment(ctx, p.image);
    if (!found) {
      const names = namespaceNames(ctx.seen);
      if (names.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
      const listed = new Set(outputs(ctx.seen, 'list_deployments').map((o) => String(o.args['namespace'])));
      const next = [ctx.ns, ...names.filter((n) => n !== ctx.ns && !/^kube-|^default$/.test(n))]
        .slice(0, MAX_NAMESPACES + 1)
        .find((n) => !listed.has(n));
      return next ? [{ tool: 'list_deployments', args: { namespace: next } }] : [];
    }
    const described = outputs(
      ctx.seen,
      'describe_deployment',
      (o) => o.args['namespace'] === found.ns && o.args['name'] === found.name,
    ).pop();
    if (!described) return [{ tool: 'describe_deployment', args: { namespace: found.ns, name: found.name } }];
    const pods = podsOf(ctx.seen, found.ns);
    if ('read' in pods) return [pods.read];
    const pod = pods.rows.find((r) => ownerName(r['NAME'] ?? '') === found.name && r['STATUS'] === 'Running');
    if (!pod) return [];
    const containers = templateContainers(described.content);
    return containers
      .filter(
        (c) =>
          !outputs(
            ctx.seen,
            'get_pod_logs',
            (o) => o.args['name'] === pod['NAME'] && (o.args['container'] === c || containers.length === 1),
          ).length,
      )
      .map((c) => ({
        tool: 'get_pod_logs',
        args: {
          namespace: found.ns,
          name: pod['NAME'] ?? '',
          ...(containers.length > 1 ? { container: c } : {}),
        },
      }));
  },
  finds(ctx): Finding[] {
    const p = page(ctx);
    if (!p) return [];
    const found = proxyDeployment(ctx, p.image);
    if (!found) return [];
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === found.ns && ownerName(String(o.args['name'])) === found.name,
    );
    let hit: { line: string; means: string; pod: string } | undefined;
    for (const o of logs)
      for (const l of o.content.slice(-200_000).split('\n').slice(-5000)) {
        if (l.length > 4000) continue;
        const g = glossOf(l);
        if (g && !g.symptom) hit ??= { line: l.trim(), means: g.means, pod: String(o.args['name']) };
      }
    if (!hit) return [];
    const described = outputs(
      ctx.seen,
      'describe_deployment',
      (o) => o.args['namespace'] === found.ns && o.args['name'] === found.name,
    ).pop();
    const change = described
      ? /kubernetes\.io\/change-cause=(.{1,300})$/m.exec(described.content)?.[1]?.trim()
      : undefined;
    const revision = described
      ? /deployment\.kubernetes\.io\/revision=(\d{1,6})/.exec(described.content)?.[1]
      : undefined;
    return [
      {
        weight: 88,
        object: `deployment ${found.name} (namespace ${found.ns})`,
        cause: `the error page the person quotes is ${p.software}'s own ("${clip(p.said.exec(ctx.task)![0], 80)}"): ${found.name} in namespace ${found.ns} runs ${p.software} in front of the application and answered it. Its log says why: "${clip(hit.line, 200)}" — ${hit.means}${change ? `. Its latest rollout${revision ? ` (revision ${revision})` : ''} changed it: "${clip(change, 200)}"` : ''}`,
        evidence: [
          `get_pod_logs ${hit.pod}: "${clip(hit.line, 200)}"`,
          ...(change ? [`describe_deployment ${found.name}: change-cause "${clip(change, 160)}"`] : []),
        ],
        advice: `fix it in ${p.software} (${found.name} in ${found.ns}), not in the application behind it${change ? ': undo or amend the change of its latest rollout for this backend' : ''}`,
      },
    ];
  },
};
