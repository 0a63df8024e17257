import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  podDeployment,
  type Read,
  servicePodRead,
} from './types.js';

/**
 * A cluster DNS name with a port in a line (`confbridge-colibri.meet.svc.cluster.local:8080`): the Service,
 * its namespace and the port. Bounded: DNS labels of at most 63 characters.
 */
const SERVICE_PORT =
  /\b([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc(?:\.cluster\.local)?:(\d{1,5})\b/;
/** A loopback address and port in a line (`{127.0.0.1:8080}`, `localhost:8080`, `[::1]:8080`). */
const LOOPBACK_PORT = /(?:^|[^\d.])(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})\b/;
/** Every address and a port (`0.0.0.0:8080`, `[::]:8080`, `:::8080`, `*:8080`, Go's `:8080`). */
const ANY_PORT = /(?:0\.0\.0\.0|\[::\]|::|\*|[\s{(=]):(\d{1,5})\b/;
/**
 * Words of a program saying where it listens: `listening on`, `bound to`, Jetty's `ServerConnector`,
 * Uvicorn's and Flask's `running on`, Django's `development server at`, `server started on`. A bare
 * "started" is not one (a request started to a loopback URL is no listener).
 */
const LISTENING =
  /\b(?:listen\w{0,3}|bound|binding|serving|running on|development server at|ServerConnector|server (?:started |running )?on|started (?:\w{1,20} ){0,3}server on|started on)\b/i;
/** Variables that hold where a client goes or what it skips, not where the program listens. */
const CLIENT_VARIABLE = /^(?:no_proxy|http_proxy|https_proxy)$|_(?:URL|URI|ENDPOINT|DSN)$/i;
/** Words of a variable's name or value about the listening address. */
const BIND_WORDS = /host|bind|listen|addr/i;

interface Refused {
  pod: string;
  line: string;
  service: string;
  namespace: string;
  port: string;
}

/** The first refused connection to a Service by its DNS name in the logs read. */
function refusedService(ctx: AnalyzerContext): Refused | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs'))
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 4000 || !/connection refused|ECONNREFUSED/i.test(line)) continue;
      const m = SERVICE_PORT.exec(line);
      if (m)
        return {
          pod: String(o.args['name'] ?? ''),
          line: line.trim(),
          service: m[1]!,
          namespace: m[2]!,
          port: m[3]!,
        };
    }
  return undefined;
}

/** The log of the Service's own pod that was read (the read `servicePodRead` makes). */
function serviceLog(ctx: AnalyzerContext, r: Refused) {
  const read = servicePodRead(ctx.seen, r);
  if (read?.tool !== 'get_pod_logs') return undefined;
  const name = String(read.args['name']);
  const log = outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => o.args['name'] === name && o.args['namespace'] === r.namespace && !o.args['previous'],
  ).pop();
  return { name, read, log };
}

/**
 * A client refused by a Service whose pod runs, while that pod's own log says its program listens on the
 * refused port on the loopback address only (`Started ServerConnector … {127.0.0.1:8080}`): it accepts
 * connections from inside its own pod, and every connection to the pod's IP (the Service's, any other
 * pod's) is refused. The variable of the pod that holds the loopback address is the setting to change
 * (`set_env`, the address replaced by 0.0.0.0). The reads: the Service's pod log and its description.
 */
export const loopbackListenerAnalyzer: Analyzer = {
  name: 'loopback-listener',
  reads(ctx) {
    const r = refusedService(ctx);
    if (!r) return [];
    const s = serviceLog(ctx, r);
    if (!s) {
      const read = servicePodRead(ctx.seen, r);
      return read ? [read] : [];
    }
    if (!s.log) return [s.read];
    const reads: Read[] = [];
    if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === s.name).length)
      reads.push({ tool: 'describe_pod', args: { namespace: r.namespace, name: s.name } });
    return reads;
  },
  finds(ctx) {
    const r = refusedService(ctx);
    if (!r) return [];
    const s = serviceLog(ctx, r);
    if (!s?.log) return [];
    // The last line that says where the program listens on the refused port: a later listener on every
    // address (after a temporary one on loopback) wins.
    const listen = boundedLogLines(s.log.content)
      .filter(
        (l) =>
          l.length <= 4000 &&
          LISTENING.test(l) &&
          (LOOPBACK_PORT.exec(l)?.[2] === r.port || ANY_PORT.exec(l)?.[1] === r.port),
      )
      .pop();
    if (!listen || LOOPBACK_PORT.exec(listen)?.[2] !== r.port) return [];
    const address = LOOPBACK_PORT.exec(listen)![1]!;
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === s.name).pop();
    // The container that logged first, then one that declares the port, then the rest; in it the variable
    // that holds the loopback address outside a URL, named or worded for an address to bind.
    const logged = s.log.args['container'];
    const sections = described ? containerSections(described.content) : [];
    const ordered = [
      ...sections.filter((c) => c.name === logged),
      ...sections.filter((c) => c.name !== logged && new RegExp(`\\b${r.port}/TCP`).test(c.body)),
      ...sections.filter((c) => c.name !== logged && !new RegExp(`\\b${r.port}/TCP`).test(c.body)),
    ];
    let setting: { container: string; name: string; value: string } | undefined;
    for (const c of ordered) {
      const candidates = envOf(c.body).filter(
        (v) =>
          !CLIENT_VARIABLE.test(v.name) &&
          !/:\/\/(?:127\.0\.0\.1|localhost)/.test(v.value) &&
          (v.value.includes(address) || (address === 'localhost' && v.value.includes('127.0.0.1'))) &&
          (BIND_WORDS.test(v.name) || BIND_WORDS.test(v.value) || v.value.includes(r.port)),
      );
      if (candidates[0]) {
        setting = { container: c.name, ...candidates[0] };
        break;
      }
    }
    const deployment = podDeployment(s.name);
    const fixed = setting
      ? setting.value.replace(/127\.0\.0\.1/g, '0.0.0.0').replace(/\blocalhost\b/g, '0.0.0.0')
      : undefined;
    const finding: Finding = {
      weight: 90 + bonus(r.service, ctx.hints),
      object: `${deployment ? `deployment ${deployment}` : `pod ${s.name}`} (namespace ${r.namespace})`,
      cause: `${r.pod} is refused by service ${r.service}.${r.namespace} on port ${r.port} ("${clip(r.line, 200)}") although its pod ${s.name} runs: the program there listens on ${address}:${r.port} only ("${clip(listen.trim(), 200)}"), the loopback interface of its own pod, so it is bound to ${address} and accepts connections only from inside that pod; every connection to the pod's IP, through the Service or from another pod, is refused${setting ? `. Its variable ${setting.name} binds it there: "${clip(setting.value, 200)}"` : ''}`,
      evidence: [
        `get_pod_logs ${r.pod}: "${clip(r.line, 160)}"`,
        `get_pod_logs ${s.name}: "${clip(listen.trim(), 160)}"`,
        ...(setting ? [`describe_pod ${s.name}: ${setting.name}=${clip(setting.value, 120)}`] : []),
      ],
      advice: setting
        ? `make it listen on all addresses: set ${setting.name} with 0.0.0.0 in place of ${address} on ${deployment ? `deployment ${deployment}` : s.name} in namespace ${r.namespace} and let it roll out`
        : `make the program in ${s.name} listen on all addresses (0.0.0.0) for port ${r.port} instead of ${address}`,
      ...(setting && fixed
        ? envFix(
            r.namespace,
            deployment,
            setting.container,
            [{ name: setting.name, value: fixed }],
            `set ${setting.name} of ${deployment}/${setting.container} to listen on 0.0.0.0`,
          )
        : {}),
    };
    return [finding];
  },
};
