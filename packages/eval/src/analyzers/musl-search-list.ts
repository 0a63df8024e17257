import { deploymentTemplate } from './manifest.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/**
 * A failed lookup of a host name outside the cluster, as Node (`getaddrinfo ENOTFOUND h`), Go (`lookup h
 * …: no such host`), Java (`UnknownHostException: h`) and glibc's or musl's callers print it: the host.
 */
const NOT_RESOLVED =
  /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([a-z0-9][a-z0-9.-]{3,252})|\blookup ([a-z0-9][a-z0-9.-]{3,252})(?: on [^:]{1,60})?: no such host|UnknownHostException: ([a-z0-9][a-z0-9.-]{3,252})/i;

/** A name inside the cluster (a Service's DNS name) or a bare one: the search list is meant for those. */
function external(host: string): boolean {
  const labels = host.replace(/\.$/, '').split('.');
  return labels.length >= 3 && !/\.(?:svc|cluster\.local|local)$/.test(host.replace(/\.$/, ''));
}

/** The namespace's first log line that says an external host did not resolve, with its pod and host. */
function unresolved(ctx: AnalyzerContext) {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    for (const l of boundedLogLines(o.content)) {
      if (l.length > 4000) continue;
      const m = NOT_RESOLVED.exec(l);
      const host = m?.slice(1).find(Boolean)?.toLowerCase();
      if (host && external(host)) return { pod: String(o.args['name'] ?? ''), host, line: l };
    }
  }
  return undefined;
}

/**
 * An external host name that stopped resolving in a pod whose template adds search domains
 * (`dnsConfig.searches`), since an image on Alpine (musl libc): with Kubernetes' `ndots:5` every name of
 * fewer than five dots is first tried with each search domain of the pod's resolv.conf (the cluster's
 * three and the added ones), and musl's resolver, unlike glibc's, ends the lookup at a search domain's
 * failure other than "no such name" (a corporate DNS that answers SERVFAIL or times out for a name it does
 * not hold) without ever trying the absolute name (musl's documented search behaviour; Kubernetes docs,
 * "DNS for Services and Pods": Pod's DNS Config). The fix is the name's trailing dot, `ndots: 1` or fewer
 * search domains in `dnsConfig`, or a glibc base image again.
 */
export const muslSearchListAnalyzer: Analyzer = {
  name: 'musl-search-list',
  first: true,
  reads(ctx): Read[] {
    const u = unresolved(ctx);
    const deployment = u ? podDeployment(u.pod) : undefined;
    if (!deployment || deploymentTemplate(ctx.seen, deployment, ctx.ns).read) return [];
    return [{ tool: 'get_resource', args: { kind: 'Deployment', name: deployment, namespace: ctx.ns } }];
  },
  finds(ctx): Finding[] {
    const u = unresolved(ctx);
    const deployment = u ? podDeployment(u.pod) : undefined;
    const spec = deployment ? deploymentTemplate(ctx.seen, deployment, ctx.ns).spec : undefined;
    if (!u || !deployment || !spec) return [];
    // The search domains the template adds (`dnsConfig.searches`), names only, at most 10.
    const added = (spec.dnsConfig?.searches ?? [])
      .filter((x): x is string => typeof x === 'string' && /^[a-z0-9][a-z0-9.-]{0,252}$/.test(x))
      .slice(0, 10);
    if (added.length === 0) return [];
    // Alpine (musl) by the image, the release's change cause or the program's own start-up line.
    const said = [
      ...(spec.containers ?? []).map((c) => String(c?.image ?? '')),
      ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === u.pod).map((o) =>
        o.content.slice(0, 20_000),
      ),
      ...outputs(ctx.seen, 'describe_deployment', (o) => o.args['name'] === deployment).map((o) => o.content),
      ...outputs(ctx.seen, 'get_rollout_history', (o) => o.args['name'] === deployment).map((o) => o.content),
    ].join('\n');
    const musl = /\b(?:alpine|musl)\b/i.exec(said)?.[0];
    if (!musl) return [];
    const total = 3 + added.length;
    return [
      {
        weight: 88,
        object: `deployment ${deployment}`,
        cause: `${u.host} does not resolve in ${deployment}'s pods ("${clip(u.line.trim(), 160)}") because of their DNS search list: the pod template's dnsConfig adds the search domains ${added.join(', ')} to the cluster's three, so resolv.conf has ${total} search domains with ndots:5, and a name with fewer than five dots is first tried with each of them. The image now runs on ${musl.toLowerCase() === 'musl' ? 'musl libc' : 'Alpine (musl libc)'}, whose resolver stops at a search domain's lookup that fails with an error other than "no such name" (a corporate DNS server that answers SERVFAIL or does not answer for names it does not hold) and never tries the absolute name ${u.host}; the glibc of the earlier base image went on to it. The provider's DNS and the egress are fine`,
        evidence: [
          `get_pod_logs ${u.pod}: "${clip(u.line.trim(), 200)}"`,
          `get_resource Deployment ${deployment}: dnsConfig.searches ${added.join(', ')}`,
        ],
        advice: `in ${deployment}'s pod template, set dnsConfig.options ndots to 1 (or drop the extra search domains the program does not need), or use the fully qualified name with a trailing dot (${u.host}.), or go back to a glibc-based image (Debian); then roll the pods`,
        revisionSound: true,
      },
    ];
  },
};
