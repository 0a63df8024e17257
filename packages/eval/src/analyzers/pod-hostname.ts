import {
  type Analyzer,
  boundedLogLines,
  clipAround,
  type Finding,
  namespacePods,
  namesWhole,
  outputs,
  podDeployment,
  podObject,
} from './types.js';

/**
 * How resolvers and their clients say a name has no DNS record: Java's `UnknownHostException`, Go's `no
 * such host`, glibc's `Name or service not known` and `Temporary failure in name resolution`, Node's
 * `ENOTFOUND`, libcurl's `Could not resolve host`, and `NXDOMAIN` itself.
 */
const UNRESOLVED =
  /\b(?:UnknownHostException|no such host|NXDOMAIN|Name or service not known|Temporary failure in name resolution|ENOTFOUND|could not resolve(?: host)?|failed to resolve|nodename nor servname)\b/i;

/**
 * A server that hands its clients its own pod hostname to connect to (HBase's region server registering
 * in ZooKeeper, a broker's advertised listener, a cluster node's name) while it runs as a Deployment's
 * pod: Kubernetes' DNS publishes a pod under its hostname only when the pod sets a subdomain that a
 * headless Service of the same name selects (a StatefulSet's pods under their governing Service), as
 * `<hostname>.<subdomain>.<namespace>.svc.<cluster domain>` ("DNS for Services and Pods", Kubernetes
 * documentation). A Deployment's pod name (`<deployment>-<hash>-<suffix>`) has no record, so every client
 * that looks it up fails, whatever NetworkPolicy or port is open.
 */
export const podHostnameAnalyzer: Analyzer = {
  name: 'pod-hostname',
  reads: () => [],
  finds(ctx): Finding[] {
    const pods = namespacePods(ctx)
      .map((r) => r['NAME'] ?? '')
      .filter((n) => podDeployment(n) !== undefined);
    if (pods.length === 0) return [];
    const logs = [
      ...outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns),
      ...outputs(ctx.seen, 'search_pod_logs', (o) => o.args['namespace'] === ctx.ns),
    ];
    for (const log of logs) {
      const client = String(log.args['name'] ?? '');
      for (const line of boundedLogLines(log.content)) {
        if (line.length > 4000 || !UNRESOLVED.test(line)) continue;
        // The name looked up is another pod's: a pod that cannot resolve its own name is another matter.
        const server = pods.find((p) => p !== client && namesWhole(line, [p]));
        if (!server) continue;
        const deployment = podDeployment(server)!;
        // A search's line keeps its `N:` prefix out; the quote is cut around the name looked up.
        const text = log.tool === 'search_pod_logs' ? line.replace(/^\d{1,7}[:-]/, '') : line;
        const quoted = clipAround(text.trim(), server, 220);
        return [
          {
            weight: 90,
            object: podObject(deployment, server),
            cause: `${client} looks up ${server}, the hostname the pod ${server} registers itself under (the address it hands its clients), and that name does not resolve ("${quoted}"): ${server} is a pod of Deployment ${deployment}, and Kubernetes' DNS has no record for a Deployment's pod hostname; a pod is published under its hostname only with a subdomain that a headless Service of that name selects (as a StatefulSet's pods are under their governing Service), so every client that connects by the registered name fails the lookup while the pods themselves run`,
            evidence: [
              `logs of ${client}: "${quoted}"`,
              `list_pods ${ctx.ns}: ${server} is a pod of Deployment ${deployment} (its name is the pod's hostname)`,
            ],
            advice: `give ${deployment}'s pod a hostname that resolves: run it as a StatefulSet with a headless Service (serviceName), or set hostname and subdomain in its pod template with a headless Service named like the subdomain; or make the server register its pod IP or a Service name instead of its hostname`,
          },
        ];
      }
    }
    return [];
  },
};
