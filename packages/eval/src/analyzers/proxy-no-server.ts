import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  loggedLines,
  outputs,
  type Read,
} from './types.js';

/**
 * A proxy with no server for a backend: HAProxy's log names the backend and `<NOSRV>` as the server
 * (`fe_https~ be_catalog/<NOSRV> … 503`, configuration manual 8.2.3). The backend's name, without a
 * `be_`/`backend_` prefix, is what the workload behind it is usually named after. Bounded: names are at
 * most 63 characters.
 */
const NOSRV = /\s(?:be_|backend_|bk_)?([a-z0-9][a-z0-9_-]{1,62})\/<NOSRV>\s/i;

/** The proxy's line, its pod and the backend's name (as Kubernetes names go: `_` as `-`). */
function noServer(ctx: AnalyzerContext) {
  const hit = loggedLines(ctx.seen, ctx.ns, (l) => l.length <= 4000 && NOSRV.test(l))[0];
  if (!hit) return undefined;
  const backend = NOSRV.exec(hit.line)![1]!.toLowerCase().replace(/_/g, '-');
  return { pod: String(hit.log.args['name']), line: hit.line, backend };
}

/** The Deployment rows named after the backend (`catalog` → `catalog-web`), with their namespace. */
function backends(ctx: AnalyzerContext, backend: string) {
  const found = outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === backend).pop();
  return parseTable(found?.content ?? '').filter(
    (r) =>
      r['KIND'] === 'Deployment' &&
      ((r['NAME'] ?? '') === backend || (r['NAME'] ?? '').startsWith(`${backend}-`)),
  );
}

/**
 * A proxy answering 503 because its backend has no server to take the request, behind which a
 * Deployment runs too few ready replicas: found by searching the backend's name, then that
 * Deployment's READY column (`0/1`). One replica that is not ready (overloaded, its readiness probe
 * timing out) leaves the proxy nothing to send to. The fix scales the Deployment out (an approved
 * `scale_deployment`) so load spreads and a pod is ready again; the proxy is fine.
 */
export const proxyNoServerAnalyzer: Analyzer = {
  name: 'proxy-no-server',
  reads(ctx): Read[] {
    const p = noServer(ctx);
    if (!p) return [];
    if (!outputs(ctx.seen, 'find_objects', (o) => o.args['name'] === p.backend).length)
      return [{ tool: 'find_objects', args: { name: p.backend } }];
    const d = backends(ctx, p.backend)[0];
    if (!d) return [];
    const ns = d['NAMESPACE'] ?? '';
    if (!outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ns).length)
      return [{ tool: 'list_deployments', args: { namespace: ns } }];
    return [];
  },
  finds(ctx): Finding[] {
    const p = noServer(ctx);
    const d = p ? backends(ctx, p.backend)[0] : undefined;
    if (!p || !d) return [];
    const ns = d['NAMESPACE'] ?? '';
    const name = d['NAME'] ?? '';
    const row = parseTable(
      outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ns).pop()?.content ?? '',
    ).find((r) => r['NAME'] === name);
    const ready = /^(\d{1,5})\/(\d{1,5})$/.exec(row?.['READY'] ?? '');
    if (!ready) return [];
    const [have, want] = [Number(ready[1]), Number(ready[2])];
    if (want > 2 && have > 0) return [];
    const replicas = Math.max(3, want * 2);
    return [
      {
        weight: 84,
        object: `deployment ${name} in ${ns}`,
        cause: `the proxy ${p.pod} has no server for its backend ${p.backend} ("${clip(p.line, 200)}": <NOSRV>, so it answers 503 itself): deployment ${name} in namespace ${ns}, which serves that backend, runs ${want} replica${want === 1 ? '' : 's'} and ${have} of ${want} ready (READY ${have}/${want}), a single pod that cannot keep up is taken out of rotation by its readiness probe and leaves the proxy nothing to send to; the proxy and its configuration are fine`,
        evidence: [
          `get_pod_logs ${p.pod}: "${clip(p.line, 220)}"`,
          `list_deployments ${ns}: ${name} READY ${have}/${want}`,
        ],
        fix: {
          tool: 'scale_deployment',
          args: { namespace: ns, name, replicas },
          text: `scale deployment ${name} in ${ns} from ${want} to ${replicas} replicas so the load spreads and pods are ready again`,
        },
        revisionSound: true,
      },
    ];
  },
};
