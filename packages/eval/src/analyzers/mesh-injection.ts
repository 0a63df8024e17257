import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  namespaceNames,
  ofNamespaceKind,
  outputs,
  type Read,
} from './types.js';

// Connections a meshed server with mTLS required drops from a client without a sidecar.
const RESET = [
  'connection reset by peer',
  'upstream connect error',
  'tls: first record does not look like a TLS handshake',
];

/** The labels of a namespace read with describe_resource, by key (the generic describe prints them on one line). */
function namespaceLabels(ctx: AnalyzerContext, ns: string): Record<string, string> | undefined {
  const d = outputs(ctx.seen, 'describe_resource', (o) => ofNamespaceKind(o) && o.args['name'] === ns).pop();
  const line = d ? /^Labels:\s+(\S{1,2000})$/m.exec(d.content)?.[1] : undefined;
  if (!d) return undefined;
  const out: Record<string, string> = {};
  for (const kv of (line ?? '').split(',')) {
    const at = kv.indexOf('=');
    if (at > 0) out[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return out;
}

/** Whether the namespace's programs log connections reset or refused by a TLS peer. */
const resetLogged = (ctx: AnalyzerContext) =>
  outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).some((o) =>
    RESET.some((w) => o.content.includes(w)),
  );

/**
 * Pods of a namespace that start without the Istio sidecar because the namespace carries the wrong
 * injection label for the installed control plane: a revisioned install (`istiod-<revision>`) injects
 * only into namespaces labelled `istio.io/rev=<revision>`, not `istio-injection=enabled`, so the pods
 * run without istio-proxy and meshed servers that require mTLS (PeerAuthentication STRICT) reset their
 * plain-text connections. https://istio.io/latest/docs/setup/upgrade/canary/ (data plane, revision labels)
 */
export const meshInjectionAnalyzer: Analyzer = {
  name: 'mesh-injection',
  reads(ctx): Read[] {
    if (!resetLogged(ctx)) return [];
    const namespaces = namespaceNames(ctx.seen);
    if (namespaces.length === 0) return [{ tool: 'list_resources', args: { kind: 'Namespace' } }];
    if (!namespaces.includes('istio-system')) return [];
    const reads: Read[] = [];
    if (namespaceLabels(ctx, ctx.ns) === undefined)
      reads.push({ tool: 'describe_resource', args: { kind: 'Namespace', name: ctx.ns } });
    if (outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === 'istio-system').length === 0)
      reads.push({ tool: 'list_deployments', args: { namespace: 'istio-system' } });
    // The mesh-wide mTLS policy: a PeerAuthentication in the root namespace (istio-system).
    const policies = outputs(
      ctx.seen,
      'list_resources',
      (o) => o.args['kind'] === 'PeerAuthentication' && o.args['namespace'] === 'istio-system',
    );
    if (policies.length === 0)
      reads.push({ tool: 'list_resources', args: { kind: 'PeerAuthentication', namespace: 'istio-system' } });
    for (const r of policies.flatMap((o) => parseTable(o.content)).slice(0, 2))
      if (r['NAME'])
        reads.push({
          tool: 'describe_resource',
          args: { kind: 'PeerAuthentication', name: r['NAME'], namespace: 'istio-system' },
        });
    return reads;
  },
  finds(ctx) {
    if (!resetLogged(ctx)) return [];
    const labels = namespaceLabels(ctx, ctx.ns);
    const istiods = outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === 'istio-system')
      .flatMap((o) => parseTable(o.content))
      .map((r) => r['NAME'] ?? '')
      .filter((n) => n.startsWith('istiod'));
    const strict = strictPolicy(ctx);
    if (labels && strict && !labels['istio.io/rev'] && labels['istio-injection'] !== 'enabled') {
      // Clients of a namespace the mesh never injects, calling meshed servers after mTLS became STRICT.
      const pods = outputs(ctx.seen, 'describe_pod', (o) => o.args['namespace'] === ctx.ns)
        .filter((o) => !/^\s{2}istio-proxy:\s*$/m.test(o.content))
        .map((o) => String(o.args['name']));
      if (pods.length > 0)
        return [
          {
            weight: 93,
            object: `namespace ${ctx.ns}`,
            cause: `the pods of namespace ${ctx.ns} (${clip(pods.slice(0, 2).join(', '), 120)}) are outside the mesh: the namespace is not labelled for Istio injection, so they run without the istio-proxy sidecar and call in plain text; PeerAuthentication ${strict.name} in istio-system sets mTLS to STRICT for the whole mesh${strict.change ? ` (${clip(strict.change, 120)})` : ''}, so the servers' sidecars accept only mutual TLS and reset every plain-text connection ("connection reset by peer"), while clients inside the mesh keep working. It is neither the server's load nor a NetworkPolicy`,
            evidence: [
              `describe_resource PeerAuthentication ${strict.name} (istio-system): mtls.mode STRICT`,
              `describe_resource Namespace ${ctx.ns}: no istio-injection or istio.io/rev label`,
            ],
            advice: `bring the clients into the mesh (label namespace ${ctx.ns} for injection and restart or rerun them), or allow plain text where they call (a PeerAuthentication with mode PERMISSIVE for that workload or port) until they are`,
          },
        ];
    }
    if (!labels || istiods.length === 0 || labels['istio.io/rev']) return [];
    const revisions = istiods.map((n) => n.slice('istiod-'.length)).filter((r) => r && isRevision(r));
    if (istiods.includes('istiod') || revisions.length === 0) return [];
    const rev = revisions[0]!;
    const pods = outputs(ctx.seen, 'list_pods', (o) => o.args['namespace'] === ctx.ns).flatMap((o) =>
      parseTable(o.content),
    );
    const single = pods.filter((r) => r['READY'] === '1/1').map((r) => r['NAME']);
    const out: Finding = {
      weight: 93,
      object: `namespace ${ctx.ns}`,
      cause: `the pods of namespace ${ctx.ns} run without the Istio sidecar (istio-proxy)${single.length ? ` (${clip(single.slice(0, 3).join(', '), 160)} are 1/1)` : ''}: the namespace is labelled ${
        labels['istio-injection'] ? `istio-injection=${labels['istio-injection']}` : 'for no injection'
      }, but the control plane is installed as revision ${rev} (deployment istio-system/istiod-${rev}), whose injection webhook selects only namespaces labelled istio.io/rev=${rev}. Without a sidecar their calls go out in plain text, and meshed services that require mTLS reset them ("connection reset by peer"); it is not a NetworkPolicy`,
      evidence: [
        `describe_resource Namespace ${ctx.ns}: labels ${clip(
          Object.entries(labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
          160,
        )}`,
        `list_deployments istio-system: ${istiods.join(', ')}`,
      ],
      advice: `label namespace ${ctx.ns} istio.io/rev=${rev} (and remove istio-injection), then restart its deployments so the pods are created again with the sidecar`,
    };
    return [out];
  },
};

/**
 * A mesh-wide PeerAuthentication (in istio-system, without a selector) that requires mTLS: its name
 * and the change note it carries, from describe_resource.
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
function strictPolicy(ctx: AnalyzerContext): { name: string; change?: string } | undefined {
  for (const o of outputs(
    ctx.seen,
    'describe_resource',
    (x) => x.args['kind'] === 'PeerAuthentication' && x.args['namespace'] === 'istio-system',
  )) {
    if (!/^\s*mtls\.mode:\s*STRICT\s*$/m.test(o.content) || /^\s*selector\./m.test(o.content)) continue;
    const change = /^Annotations:\s+\S{1,200}?=(.{1,300})$/m.exec(o.content)?.[1];
    return { name: String(o.args['name']), ...(change ? { change } : {}) };
  }
  return undefined;
}

/** A revision name as Istio writes them (`1-23`, `canary`, `stable`). */
function isRevision(rev: string): boolean {
  return /^[a-z0-9][a-z0-9-]{0,62}$/.test(rev);
}
