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
 * such host`, glibc's `Name or service not known` and `Temporary failure in name resolution`, musl's `Name
 * does not resolve`, libpq's `could not translate host name`, nginx's `could not be resolved (3: Host not
 * found)`, Node's `ENOTFOUND`, libcurl's `Could not resolve host`, and `NXDOMAIN` itself.
 */
const UNRESOLVED =
  /\b(?:UnknownHostException|no such host|NXDOMAIN|Name or service not known|Name does not resolve|Temporary failure in name resolution|could not translate host name|could not be resolved|Host not found|ENOTFOUND|could not resolve(?: host)?|failed to resolve|nodename nor servname)\b/i;
const NAME = /[A-Za-z0-9][A-Za-z0-9.-]{0,252}/;
const AFTER = new RegExp(`^[\\s:"'=]{0,8}(${NAME.source})`);
const LOOKUP = new RegExp(`\\blookup (${NAME.source})`);

/**
 * Whether the name a line says did not resolve is `pod`: the name after the resolver's words
 * (`UnknownHostException: <pod>`, `could not translate host name "<pod>"`), before them (`<pod>: Name or
 * service not known`, nginx's `<pod> could not be resolved`), after Go's `lookup`, or, after a count of
 * failures (`UnknownHostException: 48 times, servers with issues: <pod>,16020,…`), later on the line. A
 * different name in those places (`UnknownHostException: zookeeper.apm.svc`) is another lookup.
 */
function looksUp(line: string, pod: string): boolean {
  const m = UNRESOLVED.exec(line);
  if (!m) return false;
  const is = (n: string | undefined) =>
    n !== undefined && (n.toLowerCase() === pod || n.toLowerCase().startsWith(`${pod}.`));
  const lookup = LOOKUP.exec(line)?.[1];
  if (lookup !== undefined) return is(lookup);
  const after = line.slice(m.index + m[0].length, m.index + m[0].length + 300);
  const next = AFTER.exec(after)?.[1];
  if (is(next)) return true;
  // The name just before the words (after any closing quote, colon or spaces), read backwards.
  const head = line.slice(Math.max(0, m.index - 260), m.index);
  let end = head.length;
  while (end > 0 && /["':\s]/.test(head[end - 1]!) && head.length - end < 6) end--;
  let start = end;
  while (start > 0 && /[A-Za-z0-9.-]/.test(head[start - 1]!)) start--;
  if (is(head.slice(start, end))) return true;
  // A count of failed lookups first: the names follow it.
  return next !== undefined && /^\d{1,9}$/.test(next) && namesWhole(after, [pod]);
}

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
        const server = pods.find((p) => p !== client && looksUp(line, p));
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
