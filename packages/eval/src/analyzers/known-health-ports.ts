import { setProbeFix } from './probes.js';
import {
  type Analyzer,
  containerSections,
  describedField,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
} from './types.js';

/**
 * Where widely used sidecars serve their health checks, from their own documentation. The Cloud SQL
 * Auth Proxy v2 (gcr.io/cloud-sql-connectors/cloud-sql-proxy) serves /startup, /liveness and
 * /readiness on its --http-port, 9090 by default, once --health-check is set; v1 (gce-proxy) used
 * -health_check_port, 8090 by default (the proxy's v1-to-v2 migration guide). Istio's sidecar serves
 * readiness on 15021 at /healthz/ready (istio.io, "Application Requirements": ports used by Istio).
 */
const KNOWN: readonly {
  image: RegExp;
  program: string;
  port: number;
  paths: readonly string[];
  note: string;
}[] = [
  {
    image: /cloud-sql-connectors\/cloud-sql-proxy:v?2\./,
    program: 'the Cloud SQL Auth Proxy v2',
    port: 9090,
    paths: ['/startup', '/liveness', '/readiness'],
    note: "v2 serves its health checks on --http-port, 9090 by default (with --health-check), where v1's -health_check_port defaulted to 8090",
  },
  {
    image: /\/proxyv2:/,
    program: "Istio's sidecar (istio-proxy)",
    port: 15021,
    paths: ['/healthz/ready'],
    note: 'the sidecar answers readiness on port 15021 at /healthz/ready',
  },
];

/**
 * A probe aimed at a port a known sidecar no longer (or never) serves its health checks on: the
 * kubelet gets connection refused, the pod never becomes Ready and its Services lose their
 * endpoints, while the sidecar itself works. The fix points the probe at the documented port.
 */
export const knownHealthPortsAnalyzer: Analyzer = {
  name: 'known-health-ports',
  reads: () => [],
  finds({ ns, seen, hints }) {
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const c of containerSections(d.content)) {
        const image = describedField(c.body, 'Image') ?? '';
        const known = KNOWN.find((k) => k.image.test(image));
        if (!known) continue;
        for (const probe of ['Readiness', 'Liveness', 'Startup'] as const) {
          const text = describedField(c.body, probe);
          const m = text ? /^http-get :(\d{1,5})(\/\S{0,200})/.exec(text) : undefined;
          if (!m || Number(m[1]) === known.port) continue;
          // Only a port the program is not told to use: a --http-port or CSQL_PROXY_HTTP_PORT moves it.
          if (/--http-port|CSQL_PROXY_HTTP_PORT/.test(c.body)) continue;
          const path = known.paths.includes(m[2]!) ? m[2]! : known.paths.at(-1)!;
          const owner = ownerDeployment(d.content);
          const pod = String(d.args['name'] ?? '');
          const kind = probe.toLowerCase() as 'readiness' | 'liveness' | 'startup';
          const period = /period=(\d{1,4})s/.exec(text!)?.[1];
          const failures = /#failure=(\d{1,3})/.exec(text!)?.[1];
          out.push({
            weight: 92 + (hints.some((h) => pod.startsWith(h)) ? 4 : 0),
            object: `${podObject(owner, pod)}`,
            cause: `the ${kind} probe of the sidecar container ${c.name} (${known.program}, image ${image}) checks port ${m[1]}, but ${known.note}: nothing listens on ${m[1]}, the probe gets connection refused, so the pod never becomes ${kind === 'readiness' ? 'Ready and its Service has no endpoints' : 'healthy'} although the proxy itself is connected and working`,
            evidence: [`describe_pod ${pod}: container ${c.name} image ${image}, ${probe}: ${text}`],
            ...(owner
              ? {
                  fix: setProbeFix(
                    ns,
                    owner,
                    c.name,
                    kind,
                    {
                      httpGet: { path, port: known.port },
                      ...(period ? { periodSeconds: Number(period) } : {}),
                      ...(failures ? { failureThreshold: Number(failures) } : {}),
                    },
                    `point the ${kind} probe of ${owner}/${c.name} at port ${known.port} (${path}), where ${known.program} serves it`,
                  ),
                }
              : {}),
            advice: `point the ${kind} probe of ${c.name} at port ${known.port} (${path})`,
          });
        }
      }
    }
    return out.slice(0, 1);
  },
};
