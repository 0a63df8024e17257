import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapVolumes,
  type Finding,
  outputs,
  podListOf,
  type Read,
  serviceHost,
  servicePodRead,
} from './types.js';
import { configText, nginxLocations } from './websocket-upgrade.js';

/** A URL of a Service's cluster DNS name in a log line (`http://loki-gateway.observability.svc.cluster.local/`). */
const SERVICE_URL =
  /\bhttps?:\/\/([a-z0-9][a-z0-9-]{0,62}\.[a-z0-9][a-z0-9-]{0,62}(?:\.svc(?:\.[a-z0-9.-]{0,100})?)?)(?::\d{1,5})?[/"'\s]/;
/** Second labels of a two-label host that make it a site's name, not `<service>.<namespace>`. */
const SITE_LABEL =
  /^(?:com|net|org|io|dev|app|co|cloud|ai|me|info|biz|xyz|example|test|internal|local|corp|lan|home)$/;
/** A client that gave up waiting for a dependency to be ready (`loki is not ready: context deadline exceeded`). */
const NOT_READY =
  /\bis not ready\b|\bnever became ready\b|\btimed out waiting for [^\n]{0,60}\bready\b|\bwaiting for [^\n]{0,60}\bto be ready\b/i;

/**
 * The dependency a failing program of the namespace waited on: the Service its log names by URL on a line
 * about readiness, with the program's pod and the line that says it gave up. Logs read in the namespace,
 * the previous instance's included.
 */
function waited(ctx: AnalyzerContext) {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const lines = boundedLogLines(o.content).filter((l) => l.length <= 4000);
    const gaveUp = lines.find(
      (l) => NOT_READY.test(l) && /\b(?:fatal|error|exit|deadline|gave up|giving up)\b/i.test(l),
    );
    if (!gaveUp) continue;
    const url = lines
      .map((l) => (/\bready\b/i.test(l) ? SERVICE_URL.exec(l)?.[1] : undefined))
      .find((u) => u);
    // `<service>.<namespace>` resolves in the cluster as well as the `.svc` form; a site's name does not.
    const svc = url && !SITE_LABEL.test(url.split('.')[1] ?? '') ? serviceHost(url, true) : undefined;
    if (svc) return { ...svc, pod: String(o.args['name'] ?? ''), line: gaveUp };
  }
  return undefined;
}

/** The first pod of the Service's namespace named for it (servicePodRead's choice), when that namespace's pods were listed. */
function gatewayPod(ctx: AnalyzerContext, svc: { service: string; namespace: string }): string | undefined {
  const read = servicePodRead(ctx.seen, svc);
  return read?.tool === 'get_pod_logs' ? String(read.args['name']) : undefined;
}

/** nginx's access-log line for a request answered 404 (`"GET /ready HTTP/1.1" 404`, or the status before the method). */
const NOT_FOUND_REQUEST =
  /(?:"(?:GET|HEAD) (\/[^\s"?]{0,200})[^"]{0,40}" 404\b| 404 "?(?:GET|HEAD) (\/[^\s"?]{0,200}) HTTP)/;

/**
 * Whether an nginx configuration routes `path` to anything: a `location = p` equal to it, a prefix
 * location it starts with, or a regular-expression location whose literal start (what precedes its first
 * special character) it contains; the regular expression itself is never run.
 */
export function routes(config: string, path: string): boolean {
  if (nginxLocations(config).some((l) => (l.exact ? l.path === path : path.startsWith(l.path)))) return true;
  for (const m of config.slice(0, 100_000).matchAll(/\blocation\s{1,10}~\*?\s{1,10}(\S{1,200})\s{0,10}\{/g)) {
    const re = m[1]!;
    const literal = re.replace(/^\^/, '').split(/[.*+?()[\]{}|^$\\]/)[0] ?? '';
    if (literal !== '') {
      if (path.includes(literal)) return true;
      continue;
    }
    // A suffix location (`\.(css|js|png)$`, `\.php$`): it routes only paths with one of those endings.
    const suffix = /^\\\.(?:\(([a-z0-9|]{1,200})\)|([a-z0-9]{1,20}))\$$/i.exec(re);
    if (suffix) {
      const ends = (suffix[1] ?? suffix[2]!).split('|');
      if (ends.some((e) => path.toLowerCase().endsWith(`.${e.toLowerCase()}`))) return true;
      continue;
    }
    // Any other expression cannot be judged without running it: taken to route the path.
    return true;
  }
  return false;
}

/**
 * A program that waits for a dependency to be ready through a gateway (nginx in front of it) whose
 * configuration does not route the readiness path: the client asks the gateway's Service (its log's URL)
 * for `/ready`, the gateway answers 404 because no location matches it (its access log), and the client
 * gives up and exits, though the dependency behind the gateway is ready. The reads: the gateway
 * namespace's pods, the gateway pod's log and description, and the ConfigMap it mounts.
 */
export const gatewayUnroutedPathAnalyzer: Analyzer = {
  name: 'gateway-unrouted-path',
  first: true,
  reads(ctx): Read[] {
    const w = waited(ctx);
    if (!w) return [];
    if (!podListOf(ctx.seen, w.namespace)) return [{ tool: 'list_pods', args: { namespace: w.namespace } }];
    const pod = gatewayPod(ctx, w);
    if (!pod) return [];
    const reads: Read[] = [];
    if (!outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).length)
      reads.push({ tool: 'get_pod_logs', args: { namespace: w.namespace, name: pod } });
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
    if (!described) reads.push({ tool: 'describe_pod', args: { namespace: w.namespace, name: pod } });
    else
      for (const cm of configMapVolumes(described.content).slice(0, 2))
        if (!configText(ctx, w.namespace, cm))
          reads.push({
            tool: 'describe_resource',
            args: { kind: 'ConfigMap', name: cm, namespace: w.namespace },
          });
    return reads.slice(0, 2);
  },
  finds(ctx): Finding[] {
    const w = waited(ctx);
    if (!w) return [];
    const pod = gatewayPod(ctx, w);
    if (!pod) return [];
    // The client's pod address, so the gateway's 404s are its own when the list shows it.
    const clientIp = parseTable(podListOf(ctx.seen, ctx.ns)?.content ?? '').find(
      (r) => r['NAME'] === w.pod,
    )?.['IP'];
    const lines = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod).flatMap((o) =>
      boundedLogLines(o.content).filter((l) => l.length <= 4000),
    );
    const hit = lines
      .filter((l) => !clientIp || !/^\d{1,3}(?:\.\d{1,3}){3}\b/.test(l) || l.startsWith(`${clientIp} `))
      .map((l) => ({ l, m: NOT_FOUND_REQUEST.exec(l) }))
      .find((x) => x.m && /ready|health|live/i.test(x.m[1] ?? x.m[2] ?? ''));
    if (!hit?.m) return [];
    const path = hit.m[1] ?? hit.m[2]!;
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
    for (const cm of described ? configMapVolumes(described.content) : []) {
      const text = configText(ctx, w.namespace, cm);
      if (!text || !/\blocation\b/.test(text) || routes(text, path)) continue;
      const listed = nginxLocations(text).map((l) => `${l.exact ? '= ' : ''}${l.path}`);
      return [
        {
          weight: 91,
          object: `service ${w.service} in ${w.namespace} (pod ${pod}, ConfigMap ${cm})`,
          cause: `${w.pod} waits for ${w.service}.${w.namespace} to be ready and gives up ("${clip(w.line.trim(), 200)}"): it asks the gateway ${w.service} for ${path}, and the gateway's nginx answers 404 ("${clip(hit.l.trim(), 140)}") because its configuration (ConfigMap ${cm}) has no location for ${path}${listed.length ? ` (it routes ${listed.slice(0, 5).join(', ')} and its regular-expression locations, none of which matches ${path})` : ''}, so the readiness check is never passed on to the service behind it and can never succeed, though that service is ready. Nothing blocks the connection: the gateway answers`,
          evidence: [
            `get_pod_logs ${w.pod}: "${clip(w.line.trim(), 200)}"`,
            `get_pod_logs ${pod} in ${w.namespace}: "${clip(hit.l.trim(), 160)}"`,
            `describe_resource ConfigMap ${cm} in ${w.namespace}: no location matches ${path}`,
          ],
          advice: `add a location for ${path} to the gateway's nginx configuration (ConfigMap ${cm}) that proxies it to the service behind the gateway (as its other locations do), then reload the gateway; or point the client at the service itself for its readiness check`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
