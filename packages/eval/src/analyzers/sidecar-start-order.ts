import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  describedField,
  type Finding,
  outputs,
  ownerDeployment,
  MESH_PROXY as PROXY,
  type Read,
  stateBlock,
} from './types.js';

/** A connection that failed as it does while the sidecar's iptables redirect has no listener yet. */
const REFUSED =
  /connection refused|ECONNREFUSED|connection reset|upstream connect error|no healthy upstream|failed to connect|could not connect|dial tcp[^\n]{0,120}(?:refused|reset)/i;
/** The proxy saying it is not serving yet (istio-agent: "Envoy proxy is NOT ready: config not received …"). */
const PROXY_NOT_READY =
  /proxy is NOT ready|not ready: config not received|waiting for (?:config|xds|certificates?)/i;

interface Restarted {
  readonly pod: string;
  readonly app: string;
  readonly proxy: string;
  readonly owner: string | undefined;
  readonly restarts: number;
}

/** Pods with a mesh sidecar whose other container restarted (and is Running now) while the sidecar did not. */
function restartedBesideProxy({ seen, ns }: AnalyzerContext): Restarted[] {
  const out: Restarted[] = [];
  for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
    const sections = containerSections(d.content).filter((c) => !c.init);
    const proxy = sections.find((c) => PROXY.test(c.name));
    if (!proxy || Number(describedField(proxy.body, 'Restart Count') ?? 0) > 0) continue;
    for (const c of sections) {
      if (c === proxy) continue;
      const restarts = Number(describedField(c.body, 'Restart Count') ?? 0);
      if (restarts < 1 || stateBlock(c.body, 'Last State').state !== 'Terminated') continue;
      out.push({
        pod: String(d.args['name'] ?? ''),
        app: c.name,
        proxy: proxy.name,
        owner: ownerDeployment(d.content),
        restarts,
      });
    }
  }
  return out;
}

const logsOf = (ctx: AnalyzerContext, pod: string, container: string, previous: boolean) =>
  outputs(
    ctx.seen,
    'get_pod_logs',
    (o) =>
      o.args['name'] === pod &&
      (o.args['container'] === container || o.args['container'] === undefined) &&
      Boolean(o.args['previous']) === previous,
  )
    .map((o) => o.content.slice(-100_000))
    .join('\n');

/**
 * An application that starts before its mesh sidecar is ready: in a pod with an istio-proxy (or
 * another mesh proxy), the application container's first connections at start are redirected to the
 * proxy before it has its configuration, so they are refused; a program that exits on that restarts
 * once or twice after every rollout, then runs, while the proxy never restarts. Istio's
 * holdApplicationUntilProxyStarts (istio.io, "Global Mesh Options": ProxyConfig; the pod annotation
 * proxy.istio.io/config) starts the application only once the proxy is ready, and Kubernetes' native
 * sidecars (init containers with restartPolicy Always) do the same. Found from the restarted
 * container's previous log (a refused connection at start) and the proxy's own "not ready" lines.
 */
export const sidecarStartOrderAnalyzer: Analyzer = {
  name: 'sidecar-start-order',
  reads(ctx) {
    const reads: Read[] = [];
    for (const r of restartedBesideProxy(ctx).slice(0, 1)) {
      reads.push(
        { tool: 'get_pod_logs', args: { namespace: ctx.ns, name: r.pod, container: r.app, previous: true } },
        { tool: 'get_pod_logs', args: { namespace: ctx.ns, name: r.pod, container: r.proxy } },
      );
    }
    return reads;
  },
  finds(ctx) {
    for (const r of restartedBesideProxy(ctx)) {
      const previous = logsOf(ctx, r.pod, r.app, true);
      // The refusal comes at start: within the first lines the program wrote.
      const refused = previous
        .split('\n')
        .filter((l) => l.trim())
        .slice(0, 8)
        .find((l) => l.length <= 2000 && REFUSED.test(l));
      if (!refused) continue;
      const notReady = logsOf(ctx, r.pod, r.proxy, false)
        .split('\n')
        .find((l) => l.length <= 2000 && PROXY_NOT_READY.test(l));
      const out: Finding = {
        weight: 87,
        object: r.owner ? `deployment ${r.owner} (pod ${r.pod})` : `pod ${r.pod}`,
        cause: `the container ${r.app} starts before its ${r.proxy} sidecar is ready: its first connection at start is refused ("${clip(refused.trim(), 150)}") because the pod's outbound traffic goes through the mesh proxy, which has no configuration yet${notReady ? ` (the sidecar's log: "${clip(notReady.trim(), 130)}")` : ''}; the program exits on it and restarts (${r.restarts} restart${r.restarts === 1 ? '' : 's'}, the sidecar none), and once the proxy is ready it connects and runs: a start-order race after every rollout, not a fault of the server it calls`,
        evidence: [
          `get_pod_logs ${r.pod} ${r.app} (previous): "${clip(refused.trim(), 150)}"`,
          ...(notReady ? [`get_pod_logs ${r.pod} ${r.proxy}: "${clip(notReady.trim(), 150)}"`] : []),
        ],
        advice: `start the application only once the sidecar is ready: set holdApplicationUntilProxyStarts: true for ${r.owner ?? r.pod} (pod annotation proxy.istio.io/config: '{ "holdApplicationUntilProxyStarts": true }', or mesh-wide in meshConfig.defaultConfig), or run the proxy as a native sidecar; retrying the first connection in the program helps too`,
      };
      return [out];
    }
    return [];
  },
};
