import { type Analyzer, bonus, describedField, type Finding, outputs, type Read } from './types.js';

// A question about load, latency or scaling: where a Service's affinity decides which pods get the work.
const ABOUT_LOAD =
  /\b(latency|slow|p9\d|uneven|idle|hot|busy|overloaded|replicas?|scale|scaling|throttl\w*|load|cpu)\b/i;

/** CPU use of each pod in a `get_pod_metrics` output, as a percentage of its limit (pods without one are left out). */
function cpuShares(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let pod: string | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S{1,253})\s{2}restarts:/.exec(line);
    if (head) {
      pod = head[1];
      continue;
    }
    const m = /\bcpu \S{1,32} \/ (?:request \S{1,32} \/ )?limit \S{1,32} \((\d{1,4})%\)/.exec(line);
    if (pod && m) out.set(pod, Math.max(out.get(pod) ?? 0, Number(m[1])));
  }
  return out;
}

/** A Service port that carries gRPC: named grpc (or h2c), or targeting a container port so named. */
const grpcPort = (text: string) => /^[ \t]*(?:Port|TargetPort):[ \t]+\S{0,63}(?:grpc|h2c)/im.test(text);

/**
 * A Service with `sessionAffinity: ClientIP`: kube-proxy sends every connection from one client IP to
 * the same endpoint (kubernetes.io, "Virtual IPs and Service Proxies": session affinity), so when a
 * few clients carry the traffic (a handful of gateway or BFF pods, or everything behind one NAT) only
 * that many backends get it: some pods run hot while the others idle, and more replicas do not help.
 * Found when the question is about load or latency, the Service the task names sets ClientIP, and the
 * pods behind it are busy and idle at once. The same busy-and-idle split behind a gRPC Service is
 * connection-level balancing of long-lived HTTP/2 connections.
 */
export const serviceAffinityAnalyzer: Analyzer = {
  name: 'service-affinity',
  reads({ task, ns, seen }): Read[] {
    if (!ABOUT_LOAD.test(task.slice(0, 4000))) return [];
    const sticky = outputs(seen, 'describe_service', (o) => o.args['namespace'] === ns).some(
      (o) => describedField(o.content, 'Session Affinity') === 'ClientIP' || grpcPort(o.content),
    );
    return sticky ? [{ tool: 'get_pod_metrics', args: { namespace: ns } }] : [];
  },
  finds({ task, ns, seen, hints }) {
    if (!ABOUT_LOAD.test(task.slice(0, 4000))) return [];
    const out: Finding[] = [];
    const shares = cpuShares(
      outputs(seen, 'get_pod_metrics', (o) => o.args['namespace'] === ns)
        .map((o) => o.content)
        .join('\n'),
    );
    for (const s of outputs(seen, 'describe_service', (o) => o.args['namespace'] === ns)) {
      const name = String(s.args['name'] ?? '');
      const selector = describedField(s.content, 'Selector') ?? '';
      const app = /(?:^|,)(?:app|app\.kubernetes\.io\/name)=([a-z0-9.-]{1,253})/.exec(selector)?.[1] ?? name;
      const behind = [...shares].filter(([pod]) => pod.startsWith(`${app}-`));
      const busy = behind.filter(([, p]) => p >= 70);
      const idle = behind.filter(([, p]) => p <= 20);
      const uneven = busy.length > 0 && idle.length > 0;
      const spread = `${busy.length} of ${behind.length} pods run hot (${busy
        .slice(0, 4)
        .map(([p, v]) => `${p} ${v} % CPU`)
        .join(', ')}) while ${idle.length} idle (${idle
        .slice(0, 4)
        .map(([p, v]) => `${p} ${v} %`)
        .join(', ')})`;
      if (describedField(s.content, 'Session Affinity') !== 'ClientIP') {
        // gRPC over a ClusterIP Service: kube-proxy balances connections, and a gRPC channel keeps
        // one long-lived HTTP/2 connection that carries every call (kubernetes.io blog, "gRPC Load
        // Balancing on Kubernetes without Tears", 2018; grpc.io, load balancing).
        if (grpcPort(s.content) && uneven)
          out.push({
            weight: 86 + bonus(name, hints),
            object: `service ${name}`,
            cause: `Service ${name} carries gRPC, and a ClusterIP Service balances connections, not requests: kube-proxy picks a backend once, when a connection opens, and a gRPC client multiplexes all its calls over one long-lived HTTP/2 connection, so each client stays pinned to one pod and pods added later get nothing until clients reconnect: ${spread}. The idle pods are Ready and in the endpoints; they are not broken`,
            evidence: [
              `describe_service ${name}: port ${describedField(s.content, 'Port') ?? 'grpc'}, ${behind.length} endpoints`,
              `get_pod_metrics: ${busy.length} of ${behind.length} pods behind ${name} near their CPU limit, ${idle.length} idle`,
            ],
            advice: `balance per request: client-side round_robin over a headless Service (clusterIP: None), a proxy or service mesh that balances HTTP/2 per call, or a server-side MaxConnectionAge so clients reconnect and spread`,
          });
        continue;
      }
      out.push({
        weight: (uneven ? 86 : 62) + bonus(name, hints),
        object: `service ${name}`,
        cause: `Service ${name} sets sessionAffinity ClientIP, so kube-proxy sends every connection from one client IP to the same pod (sticky sessions); when a few clients carry the traffic (gateway or BFF pods, or clients behind one NAT address) only that many pods get it${
          uneven ? `: ${spread}, so the load is uneven and adding replicas would not spread it` : ''
        }`,
        evidence: [
          `describe_service ${name}: Session Affinity: ClientIP`,
          ...(uneven
            ? [
                `get_pod_metrics: ${busy.length} of ${behind.length} pods behind ${name} near their CPU limit, ${idle.length} idle`,
              ]
            : []),
        ],
        advice: `set sessionAffinity: None on Service ${name} (or balance per request with an L7 proxy or a client-side balancer) rather than adding replicas`,
      });
    }
    return out.slice(0, 1);
  },
};
