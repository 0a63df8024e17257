import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  containerSections,
  type Finding,
  outputs,
  ownerDeployment,
  podListOf,
  podObject,
} from './types.js';

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
        object: podObject(owner, pod),
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

// A program's log saying a name took seconds to resolve, or that resolving it timed out.
const SLOW_RESOLUTION =
  /Resolved target address[^\n]{0,300}duration_seconds=(?:[1-9]\d{0,3})(?:\.\d{1,9})?\b|Error resolving address|lookup [a-z0-9.-]{1,253} on [0-9.]{7,15}:53: [^\n]{0,120}i\/o timeout/i;

/**
 * External names that resolve slowly (seconds) because of search-list expansion: under the default
 * `options ndots:5`, a name with fewer than five dots is first tried with every search domain (the
 * pod's namespace, svc, cluster.local, then the node's own domains), and when one of those queries is
 * forwarded upstream and times out, every lookup waits for it. CoreDNS's log shows both: the NXDOMAIN
 * answers for the expanded names, and the timed-out upstream query for the node's domain.
 * Sources: kubernetes.io, "DNS for Services and Pods" (ndots:5, the search list, a pod's dnsConfig);
 * coredns.io, the log and errors plugins.
 */
export const dnsSearchExpansionAnalyzer: Analyzer = {
  name: 'dns-search-expansion',
  reads({ ns, seen }) {
    const slow = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some((o) =>
      SLOW_RESOLUTION.test(o.content.slice(-200_000)),
    );
    if (!slow) return [];
    const system = podListOf(seen, 'kube-system')?.content;
    const dns = parseTable(system ?? '')
      .map((r) => r['NAME'] ?? '')
      .find((n) => /^(?:coredns|kube-dns)-/.test(n));
    return [
      { tool: 'list_pods', args: { namespace: 'kube-system' } },
      ...(dns ? [{ tool: 'get_pod_logs', args: { namespace: 'kube-system', name: dns } }] : []),
    ];
  },
  finds({ ns, seen }) {
    const slow = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
      .flatMap((o) => o.content.slice(-200_000).split('\n'))
      .find((l) => l.length <= 4000 && SLOW_RESOLUTION.test(l));
    if (!slow) return [];
    const dnsLines = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === 'kube-system')
      .flatMap((o) => o.content.slice(-200_000).split('\n'))
      .filter((l) => l.length <= 4000);
    // An external name tried under the pod's namespace search domain (NXDOMAIN)…
    const expanded = dnsLines
      .map((l) =>
        new RegExp(
          `"A{1,4} IN ([a-z0-9.-]{1,200}?)\\.${ns}\\.svc\\.cluster\\.local\\. [^\\n]{0,80}NXDOMAIN`,
        ).exec(l),
      )
      .find((m) => m !== null);
    if (!expanded) return [];
    const host = expanded[1]!;
    // …and the same name under another search domain, whose upstream query timed out.
    const timedOut = dnsLines.find(
      (l) =>
        l.includes(`${host}.`) && !l.includes(`${host}.${ns}.`) && /i\/o timeout|SERVFAIL|timed out/.test(l),
    );
    if (!timedOut) return [];
    const suffix = new RegExp(`${host.replace(/\./g, '\\.')}\\.([a-z0-9.-]{1,200}?)\\.?\\s`).exec(
      timedOut,
    )?.[1];
    const out: Finding = {
      weight: 90,
      object: 'cluster DNS search list',
      cause: `external names resolve slowly, not because the sites are down: under the pod's default DNS options (ndots:5), a name with fewer than five dots such as ${host} is first tried with every search domain in turn (CoreDNS answers NXDOMAIN for "${clip(expanded[0]!.replace(/^"A+ IN /, ''), 90)}"…), and the query under the search domain ${suffix ?? 'of the node'} is forwarded upstream and times out ("${clip(timedOut.trim(), 140)}"), so every lookup waits for that timeout before the real name is tried; the program's own log shows it ("${clip(slow.trim(), 140)}"), and its probes run out of time`,
      evidence: [
        `logs (${ns}): "${clip(slow.trim(), 160)}"`,
        `coredns: "${clip(expanded[0]!, 140)}"`,
        `coredns: "${clip(timedOut.trim(), 160)}"`,
      ],
      advice: `set dnsConfig options ndots:1 (or 2) on the pods that look up external names, or write those names as fully qualified with a trailing dot (${host}.); and fix or drop the search domain ${suffix ?? ''} whose upstream does not answer`,
    };
    return [out];
  },
};
