import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  logOutputLines,
  namespacePods,
  outputs,
  podDeployment,
  type Read,
  unmadeReads,
} from './types.js';

/**
 * Envoy's own reply when a connection to an upstream failed or was reset (its local reply body); not "no
 * healthy upstream", its reply when the cluster has no healthy host to try.
 */
const ENVOY_503 = /upstream connect error or disconnect\/reset before headers/i;

/** Envoy's image (`envoyproxy/envoy:v1.29.4`, `envoyproxy/envoy-distroless:…`, `envoy:…`), as an IMAGES column shows it. */
const ENVOY_IMAGE = /(?:^|\/)(?:envoyproxy\/)?envoy(?:-[a-z]{1,20})?[:@]/;

/** What to search an Envoy log for: its TLS handshake failures with the upstream, as its connection logger writes them. */
const TLS_FAILURE = 'TLS_error|CERTIFICATE_VERIFY_FAILED|certificate verify failed';

/** A failed handshake's line: the upstream's address and what verification said. */
interface Refused {
  readonly pod: string;
  readonly line: string;
  readonly address: string | undefined;
  readonly reason: string;
  /** Whether the handshake failed verifying the upstream's certificate (not a protocol or cipher mismatch). */
  readonly verify: boolean;
}

/**
 * The Running pods whose log may hold Envoy's side: pods of workloads that run Envoy's image (from the
 * Deployments' IMAGES column), a dedicated proxy before a sidecar and a workload the task names before
 * another; one pod per workload, at most two.
 */
/** The namespace's Deployments that run Envoy: only Envoy (a dedicated proxy), or Envoy beside the app (a sidecar). */
function envoyWorkloads(ctx: AnalyzerContext): { dedicated: Set<string>; sidecar: Set<string> } {
  const dedicated = new Set<string>();
  const sidecar = new Set<string>();
  for (const o of outputs(ctx.seen, 'list_deployments', (x) => x.args['namespace'] === ctx.ns))
    for (const r of parseTable(o.content.slice(0, 200_000))) {
      const images = (r['IMAGES'] ?? '').split(',').filter(Boolean);
      const envoy = images.filter((i) => ENVOY_IMAGE.test(i.trim()));
      if (!r['NAME'] || envoy.length === 0) continue;
      (envoy.length === images.length ? dedicated : sidecar).add(r['NAME']);
    }
  return { dedicated, sidecar };
}

function proxyPods(ctx: AnalyzerContext): string[] {
  const rows = namespacePods(ctx).filter((r) => r['STATUS'] === 'Running');
  const { dedicated, sidecar } = envoyWorkloads(ctx);
  const named = (dep: string) => bonus(dep, ctx.hints) > 0;
  const rank = (dep: string) =>
    (dedicated.has(dep) ? 4 : 0) + (named(dep) ? 2 : 0) + (sidecar.has(dep) ? 1 : 0);
  // One pod per workload, the proxies first; at most two.
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of [...rows].sort(
    (a, b) => rank(podDeployment(b['NAME'] ?? '') ?? '') - rank(podDeployment(a['NAME'] ?? '') ?? ''),
  )) {
    const dep = podDeployment(r['NAME'] ?? '') ?? r['NAME'] ?? '';
    // Only a pod that runs Envoy holds its connection log.
    if (!r['NAME'] || seen.has(dep) || !(dedicated.has(dep) || sidecar.has(dep))) continue;
    seen.add(dep);
    out.push(r['NAME']);
    if (out.length >= 2) break;
  }
  return out;
}

/**
 * A TLS handshake failure in Envoy's connection log (`remote address:10.244.2.31:8443,TLS_error:|268435581:SSL
 * routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: X509_verify_cert: certificate
 * verification error at depth 0: certificate has expired:TLS_error_end`), with BoringSSL's reason.
 */
export function envoyTlsFailure(
  line: string,
): { address: string | undefined; reason: string; verify: boolean } | undefined {
  const l = line.slice(0, 4000);
  if (!l.includes('TLS_error') && !/CERTIFICATE_VERIFY_FAILED|certificate verify failed/i.test(l))
    return undefined;
  const address = /remote address:\s?(\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}|\[[0-9a-f:.]{2,45}\]:\d{1,5})/i.exec(
    l,
  )?.[1];
  const reason =
    /verification error at depth \d{1,3}: ([a-z][a-z ,'-]{2,120}?)(?::TLS_error_end|:|$)/i.exec(l)?.[1] ??
    (/CERTIFICATE_VERIFY_FAILED/.test(l)
      ? 'certificate verify failed'
      : (/OPENSSL_internal:([A-Z][A-Z0-9_]{2,60})/.exec(l)?.[1] ?? 'TLS handshake failed'));
  const verify = /CERTIFICATE_VERIFY_FAILED|certificate verif/i.test(l);
  return { address, reason: reason.trim(), verify };
}

/** What to do about a verification failure, by BoringSSL's reason. */
function remedy(reason: string): string {
  if (/WRONG_VERSION_NUMBER/.test(reason))
    return "the upstream's port does not speak TLS (it answers plain HTTP) while Envoy's cluster opens TLS to it: point the cluster at the upstream's TLS port, or drop the cluster's TLS transport socket for a plain-HTTP upstream";
  if (/expired/i.test(reason))
    return 'renew (reissue) the certificate the upstream serves (the Secret its TLS server or sidecar mounts) and have it reload; a rollback of the upstream release does not make an expired certificate valid again';
  if (/not yet valid/i.test(reason))
    return "check the clocks and the certificate's notBefore: it is not valid yet";
  if (/issuer|self.signed|unknown ca|untrusted/i.test(reason))
    return "give Envoy the CA that signed the upstream's certificate (the CA bundle it validates with), or have the upstream serve a certificate from the CA Envoy trusts";
  return "fix what the verification names: the upstream's certificate or the CA bundle Envoy validates it with";
}

/**
 * Envoy's 503 "upstream connect error or disconnect/reset before headers" (response flag UF) when its TLS
 * handshakes with the upstream fail verification: the proxy's connection log names the upstream's address
 * and BoringSSL's reason (`certificate has expired`). The upstream's pods run and pass their health checks,
 * which do not go through TLS verification by Envoy, so the fault is the certificate (Envoy's
 * documentation: access-log response flags, UF "upstream connection failure"; TLS "transport_socket").
 */
export const envoyUpstreamTlsAnalyzer: Analyzer = {
  name: 'envoy-upstream-tls',
  first: true,
  reads(ctx): Read[] {
    if (!ENVOY_503.test(ctx.task.slice(0, 4000))) return [];
    return unmadeReads(
      ctx.seen,
      proxyPods(ctx).map((name) => ({
        tool: 'search_pod_logs',
        args: { namespace: ctx.ns, name, pattern: TLS_FAILURE, context: 0, maxMatches: 20 },
      })),
    );
  },
  finds(ctx): Finding[] {
    if (!ENVOY_503.test(ctx.task.slice(0, 4000))) return [];
    const refused: Refused[] = [];
    const envoy = envoyWorkloads(ctx);
    for (const o of [
      ...outputs(ctx.seen, 'search_pod_logs', (x) => x.args['namespace'] === ctx.ns),
      ...outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns),
    ]) {
      const pod = String(o.args['name'] ?? '');
      // Only a pod that runs Envoy writes Envoy's connection log (an application's own TLS error is its own).
      const dep = podDeployment(pod) ?? pod;
      if (!envoy.dedicated.has(dep) && !envoy.sidecar.has(dep)) continue;
      for (const line of logOutputLines(o)) {
        const t = envoyTlsFailure(line);
        if (t) refused.push({ pod, line: line.trim(), ...t });
      }
    }
    const first = refused[0];
    if (!first) return [];
    // The upstream pods at the refused addresses, from the pod listing's IP column.
    const rows = namespacePods(ctx);
    const upstream = [
      ...new Set(
        refused
          // The host part: `10.1.2.31` of `10.1.2.31:8443`, `fd00::2f` of `[fd00::2f]:8443`.
          .map((r) => r.address?.replace(/:\d{1,5}$/, '').replace(/^\[|\]$/g, ''))
          .map((ip) => rows.find((row) => ip && row['IP'] === ip)?.['NAME'])
          .filter((n): n is string => !!n),
      ),
    ];
    const workloads = [...new Set(upstream.map((p) => podDeployment(p) ?? p))];
    const owner = podDeployment(first.pod);
    return [
      {
        weight: 94,
        object: owner ? `deployment ${owner} (pod ${first.pod})` : `pod ${first.pod}`,
        cause: `the 503 "upstream connect error or disconnect/reset before headers" is Envoy's own answer when it cannot open a connection to an upstream (response flag UF): its TLS handshakes with the upstream ${first.verify ? `fail verification, ${first.reason}` : `fail (${first.reason})`} (${refused.length} such line${refused.length === 1 ? '' : 's'} in the proxy's log, e.g. "${clip(first.line, 220)}"), so ${first.verify ? 'Envoy rejects the certificate the upstream' : 'no connection is made to the upstream'} ${workloads.length ? `(${workloads.join(', ')}, at ${[...new Set(refused.map((r) => r.address).filter(Boolean))].slice(0, 4).join(', ')}) ` : ''}${first.verify ? 'presents ' : ''}and every request to it fails, while the upstream's pods run and pass their own health checks (which Envoy's TLS handshake is not part of)`,
        evidence: [`search_pod_logs ${first.pod}: "${clip(first.line, 240)}"`],
        advice: remedy(first.reason),
      },
    ];
  },
};
