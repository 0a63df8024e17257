import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
} from './types.js';

/**
 * An HTTP request answered with nothing: curl's CURLE_GOT_NOTHING ("Empty reply from server", error 52),
 * or a client's own words for a response that is not HTTP. What a server that speaks another protocol
 * on that port (SCGI, FastCGI, gRPC without HTTP/1.1, Redis) does with an HTTP request: it reads a
 * malformed request of its own protocol and closes the connection.
 */
const NOTHING_BACK =
  /\bEmpty reply from server\b|\bmalformed HTTP response\b|\bHTTP\/0\.9 when not allowed\b|\bReceived HTTP\/0\.9\b/i;
/** An http(s) URL's host, port and the rest (bounded: a host name is at most 253 characters). */
const URL_PORT =
  /\bhttps?:\/\/(?:[^@\s/'"]{1,200}@)?([a-z0-9][a-z0-9.-]{0,252}):(\d{1,5})(\/[^\s'"]{0,300})?/i;
/**
 * Service port names of protocols that are not HTTP and close a connection on an HTTP request: SCGI,
 * FastCGI and uwsgi (application gateways), and the plain TCP protocols of common servers.
 */
const OTHER_PROTOCOL =
  /^(?:scgi|fcgi|fastcgi|uwsgi|redis|amqps?|mqtt|memcached?|postgres(?:ql)?|mysql|smtp|imap|ldap|tcp|tcp-[a-z0-9-]{1,40})$/;
/** A Service port's name that says it speaks HTTP. */
const HTTP_NAME = /^(?:https?|web|rpc-http|http-[a-z0-9-]{1,40}|[a-z0-9-]{1,40}-https?)$/;

interface Refused {
  readonly pod: string;
  readonly line: string;
  readonly host: string;
  readonly port: string;
  readonly service: string;
  readonly namespace: string;
}

/** A pod of the namespace whose log says an HTTP request to `host:port` got nothing back. */
function emptyReply(ctx: AnalyzerContext): Refused | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const line = o.content
      .slice(-200_000)
      .split('\n')
      .find((l) => l.length <= 4000 && NOTHING_BACK.test(l) && URL_PORT.test(l));
    if (!line) continue;
    const m = URL_PORT.exec(line)!;
    const labels = m[1]!.toLowerCase().split('.');
    // `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`: a Service of the cluster; anything else is outside it.
    if (labels.length > 2 && labels[2] !== 'svc') continue;
    return {
      pod: String(o.args['name'] ?? ''),
      line: line.trim(),
      host: m[1]!,
      port: m[2]!,
      service: labels[0]!,
      namespace: labels[1] ?? ctx.ns,
    };
  }
  return undefined;
}

/** The Service's ports as `describe_service` prints them (`Port:  scgi  5000/TCP`): name and number. */
function servicePorts(text: string): { name: string; port: string }[] {
  const out: { name: string; port: string }[] = [];
  for (const l of text.split('\n').slice(0, 400)) {
    const m = /^Port:\s+(?:(\S{1,63})\s+)?(\d{1,5})\/(?:TCP|UDP|SCTP)\s*$/.exec(l);
    if (m) out.push({ name: (m[1] ?? '').toLowerCase(), port: m[2]! });
  }
  return out;
}

/**
 * A client that sends HTTP to a Service port that speaks another protocol. Found from the client's log
 * (an HTTP request to `service:port` that got nothing back, see `NOTHING_BACK`) and the Service's
 * description: the port it called has a name that is not HTTP's (`scgi`), and exactly one other port of
 * the Service is named for HTTP (`http-rpc`). The fix sets the one variable of the client that holds
 * the URL to the same URL on the HTTP port, through `set_env`.
 */
export const nonHttpPortAnalyzer: Analyzer = {
  name: 'non-http-port',
  first: true,
  reads(ctx): Read[] {
    const r = emptyReply(ctx);
    if (!r) return [];
    const read = outputs(
      ctx.seen,
      'describe_service',
      (o) => o.args['name'] === r.service && (o.args['namespace'] ?? ctx.ns) === r.namespace,
    ).length;
    return read ? [] : [{ tool: 'describe_service', args: { namespace: r.namespace, name: r.service } }];
  },
  finds(ctx): Finding[] {
    const r = emptyReply(ctx);
    if (!r) return [];
    const svc = outputs(
      ctx.seen,
      'describe_service',
      (o) => o.args['name'] === r.service && (o.args['namespace'] ?? ctx.ns) === r.namespace,
    ).pop();
    if (!svc) return [];
    const ports = servicePorts(svc.content);
    const called = ports.find((p) => p.port === r.port);
    if (!called?.name || !OTHER_PROTOCOL.test(called.name)) return [];
    const http = ports.filter((p) => p !== called && HTTP_NAME.test(p.name));
    if (http.length !== 1) return [];
    const to = http[0]!;
    // The client's one variable that holds the URL it called.
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === r.pod).pop();
    const owner = described ? ownerDeployment(described.content) : undefined;
    const holders = (described ? containerSections(described.content).filter((c) => !c.init) : []).flatMap(
      (c) =>
        envOf(c.body)
          .filter((e) => e.value.includes(`${r.host}:${r.port}`))
          .map((e) => ({ container: c.name, ...e })),
    );
    const v = holders.length === 1 ? holders[0] : undefined;
    const value = v?.value.replace(`${r.host}:${r.port}`, `${r.host}:${to.port}`);
    const protocol = called.name.startsWith('tcp') ? 'a TCP protocol of its own' : called.name.toUpperCase();
    return [
      {
        weight: 91,
        object: podObject(owner, r.pod),
        cause: `${owner ?? r.pod} sends HTTP to ${r.host}:${r.port}, the Service ${r.service}'s port named ${called.name}, which speaks ${protocol}, not HTTP: the server reads the HTTP request as malformed input and closes the connection without an answer, so the client gets "${clip(r.line, 200)}". The Service's HTTP port is ${to.port} (${to.name}); the server itself is not broken${v ? `: set ${v.name} to ${value}` : ''}`,
        evidence: [
          `get_pod_logs ${r.pod}: "${clip(r.line, 200)}"`,
          `describe_service ${r.service}: Port ${called.name} ${called.port}/TCP, Port ${to.name} ${to.port}/TCP`,
          ...(v ? [`describe_pod ${r.pod}: ${v.name}: ${clip(v.value, 120)}`] : []),
        ],
        advice: v
          ? `set ${v.name} of ${owner ?? r.pod} to ${value}, the Service's HTTP port`
          : `point ${owner ?? r.pod} at port ${to.port} (${to.name}) of ${r.service}, the Service's HTTP port, instead of ${r.port}`,
        revisionSound: true,
        ...(v && value
          ? envFix(
              ctx.ns,
              owner,
              v.container,
              [{ name: v.name, value }],
              `set ${v.name} of ${owner}/${v.container} to ${value}, the HTTP port`,
            )
          : {}),
      },
    ];
  },
};
