import { type Analyzer, clip, configMapVolumes, type Finding, outputs, type Read } from './types.js';

// A proxy reusing a pooled upstream connection that the path already dropped: nginx's and Envoy's words.
const RESET_ON_REUSE =
  /Connection reset by peer\)? while (?:reading response header from|sending request to) upstream|upstream connect error or disconnect\/reset before headers\. reset reason: connection termination/i;
// How long a proxy keeps an idle upstream connection: nginx's upstream keepalive_timeout, Envoy's idle_timeout.
const KEEPALIVE =
  /^[ \t]*(?:keepalive_timeout|idle_timeout|idleTimeout|upstream_keepalive_timeout)[ \t]*[:=]?[ \t]*"?(\d{1,7})(ms|s|m|h)?"?[ \t]*;?[ \t]*$/m;
// kube-proxy's idle timeout for established TCP flows: IPVS tcpTimeout, else conntrack's.
const PROXY_TIMEOUT = /^[ \t]*(tcpTimeout|tcpEstablishedTimeout):[ \t]*"?(\d{1,7})(ms|s|m|h)?"?[ \t]*$/m;

/** Seconds in a duration as these configurations write it (`1800s`, `15m`, `900`). */
function seconds(n: string, unit: string | undefined): number {
  const v = Number(n);
  return unit === 'ms' ? v / 1000 : unit === 'm' ? v * 60 : unit === 'h' ? v * 3600 : v;
}

/**
 * A proxy that keeps idle upstream connections longer than kube-proxy keeps the flow: after a quiet
 * period IPVS (or conntrack) has forgotten the connection, so the proxy's first request on it is reset
 * ("104: Connection reset by peer while reading response header from upstream") and the client gets a
 * 502; later requests open new connections and succeed. Sources: kube-proxy's configuration
 * (KubeProxyConfiguration ipvs.tcpTimeout, conntrack.tcpEstablishedTimeout; IPVS's own default is
 * 900 s); nginx's upstream keepalive_timeout.
 */
export const idleUpstreamResetAnalyzer: Analyzer = {
  name: 'idle-upstream-reset',
  reads({ ns, seen }) {
    const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).filter((o) =>
      RESET_ON_REUSE.test(o.content.slice(-200_000)),
    );
    if (logs.length === 0) return [];
    const reads: Read[] = [
      {
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' },
      },
    ];
    for (const log of logs.slice(0, 1)) {
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === log.args['name']).pop();
      for (const name of configMapVolumes(d?.content ?? ''))
        reads.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', namespace: ns, name } });
    }
    return reads.slice(0, 4);
  },
  finds({ ns, seen }) {
    const log = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
      .map((o) => ({
        o,
        line: o.content
          .slice(-200_000)
          .split('\n')
          .find((l) => l.length <= 4000 && RESET_ON_REUSE.test(l)),
      }))
      .find((x) => x.line !== undefined);
    if (!log) return [];
    const proxy = outputs(
      seen,
      'describe_resource',
      (o) => o.args['namespace'] === 'kube-system' && o.args['name'] === 'kube-proxy',
    ).pop()?.content;
    const timeout = proxy ? PROXY_TIMEOUT.exec(proxy.slice(0, 100_000)) : null;
    if (!timeout) return [];
    const mode =
      /^[ \t]*mode:[ \t]*"?(ipvs|iptables|nftables)"?[ \t]*$/m.exec(proxy ?? '')?.[1] ?? 'iptables';
    const limit = seconds(timeout[2]!, timeout[3]);
    for (const cm of outputs(
      seen,
      'describe_resource',
      (o) => o.args['namespace'] === ns && /configmaps?/i.test(String(o.args['kind'])),
    )) {
      const keep = KEEPALIVE.exec(cm.content.slice(0, 200_000));
      if (!keep) continue;
      const kept = seconds(keep[1]!, keep[2]);
      if (!(limit > 0 && kept > limit)) continue;
      const pod = String(log.o.args['name']);
      const out: Finding = {
        weight: 90,
        object: `pod ${pod}`,
        cause: `the proxy keeps idle upstream connections (keepalive) for ${kept} s (ConfigMap ${String(cm.args['name'])}: "${clip(keep[0]!.trim(), 60)}"), longer than kube-proxy (mode ${mode}) keeps an idle flow (${timeout[1]} ${timeout[2]}${timeout[3] ?? ''} in ConfigMap kube-proxy): after a quiet period the connection is gone from ${mode === 'ipvs' ? 'IPVS' : 'conntrack'}, so the first request sent on the pooled idle connection is reset ("${clip(log.line!.trim(), 140)}") and its client gets a 502, while later requests open new connections and pass. The upstream does not restart`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(log.line!.trim(), 160)}"`,
          `describe_resource ConfigMap ${String(cm.args['name'])}: ${clip(keep[0]!.trim(), 60)}`,
          `describe_resource ConfigMap kube-proxy: mode ${mode}, ${timeout[1]} ${timeout[2]}${timeout[3] ?? ''}`,
        ],
        advice: `set the proxy's upstream keepalive_timeout below ${limit} s (kube-proxy's idle timeout), or raise kube-proxy's ${timeout[1]}; enable TCP keepalive probes on the upstream connections`,
      };
      return [out];
    }
    return [];
  },
};
