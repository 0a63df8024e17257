import { type Analyzer, clip, containerSections, type Finding, outputs, ownerDeployment } from './types.js';

/**
 * A name lookup that fails in the resolver, not at the name server: getaddrinfo's EAI_AGAIN
 * (Node.js), "Temporary failure in name resolution" (glibc, Python), Go's "server misbehaving". The
 * host is quoted right after.
 */
const LOOKUP_FAILED =
  /(?:getaddrinfo (?:EAI_AGAIN|ENOTFOUND) |Temporary failure in name resolution[^a-z0-9]{0,20}|lookup )([a-z0-9](?:[a-z0-9-]{0,62}\.){1,6}[a-z]{2,63})\b/i;

/** Names the cluster's own DNS answers: Services and pods, never expanded through the search list. */
const CLUSTER_NAME = /\.(?:svc|cluster\.local|svc\.cluster\.local)$/i;

/**
 * An external name (fewer than five dots) that one pod cannot resolve while the cluster DNS works: with
 * Kubernetes' `options ndots:5` every such name is first tried with each search domain appended (the
 * pod's namespace, svc, cluster.local, then the node's own domains); musl's resolver (Alpine images)
 * stops at the first search domain that fails or times out instead of going on to the name itself, as
 * glibc does. Sources: kubernetes.io, "DNS for Services and Pods" (ndots:5, the search list, a pod's
 * dnsConfig); musl's resolv.conf handling (search domains tried in order; a failing one ends the lookup).
 */
export const dnsSearchAnalyzer: Analyzer = {
  name: 'dns-search',
  reads: () => [],
  finds({ task, ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const line = log.content.split('\n').find((l) => l.length <= 4000 && LOOKUP_FAILED.test(l));
      if (!line) continue;
      const host = LOOKUP_FAILED.exec(line)![1]!.toLowerCase();
      if (CLUSTER_NAME.test(host) || host.split('.').length - 1 >= 5) continue;
      const pod = String(log.args['name'] ?? '');
      const d = outputs(
        seen,
        'describe_pod',
        (o) => o.args['name'] === pod && o.args['namespace'] === ns,
      ).pop();
      const images = d
        ? containerSections(d.content).map((c) => /Image:\s+(\S{1,400})/.exec(c.body)?.[1] ?? '')
        : [];
      const musl = images.some((i) => /alpine/i.test(i)) || /\balpine\b|\bmusl\b/i.test(task);
      // A search domain beyond the cluster's own, as the task quotes the pod's resolv.conf.
      const search = /\bsearch ((?:[a-z0-9.-]{1,253} ){1,6}[a-z0-9.-]{1,253})/i.exec(
        task.slice(0, 4000),
      )?.[1];
      const extra = search?.split(' ').find((s) => s && !/(?:^|\.)cluster\.local$|\.svc$/i.test(s));
      if (!musl && !extra) continue;
      const owner = d ? ownerDeployment(d.content) : undefined;
      const out: Finding = {
        weight: 82,
        object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
        cause: `the program cannot resolve the external name ${host} ("${clip(line.trim(), 140)}") although the cluster DNS answers: with Kubernetes' options ndots:5, a name with fewer than five dots is first tried with every search domain of the pod's resolv.conf appended${extra ? `, ending with the node's own domain ${extra}` : ''}${musl ? ", and the image's musl resolver (Alpine) gives up when one of those search-domain lookups fails or times out instead of trying the name itself, as glibc images do" : ''}; so this pod fails where others resolve the same name`,
        evidence: [
          `logs of ${pod}: ${clip(line.trim(), 200)}`,
          ...(search ? [`resolv.conf search ${clip(search, 160)}`] : []),
        ],
        advice: `set the pod's dnsConfig options ndots: 2 (so ${host} is looked up as is first), or use the fully qualified name with a trailing dot (${host}.), or a glibc-based image`,
      };
      return [out];
    }
    return [];
  },
};
