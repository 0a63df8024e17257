import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
  serviceHost,
  servicePodRead,
} from './types.js';

/** A client's failure at the AMQP handshake (amqplib's `Expected ConnectionOpenOk`, a close during the handshake). */
const HANDSHAKE =
  /ConnectionOpenOk|closed during handshake|handshake[^\n]{0,40}(?:fail|clos)|NOT_ALLOWED|vhost/i;
/** RabbitMQ's refusals of a connection's virtual host, quoted (3.9 on) and bare (3.7, 3.8: `vhost / not found`). */
const MISSING_QUOTED = /vhost '([^'\n]{0,100})' not found/;
const MISSING_BARE = /^(?:.{0,80}\]\s)?vhost (\S{1,100}) not found\s*$/;
const REFUSED = /access to vhost '([^'\n]{0,100})' refused for user '([^'\n]{1,100})'(.{0,200})/;
/** RabbitMQ granting a user a virtual host (`user 'u' authenticated and granted access to vhost 'v'`). */
const GRANTED = /user '([^'\n]{1,100})' authenticated and granted access to vhost '([^'\n]{1,100})'/;

/** An AMQP URL of an environment variable: the URL, its Service, user and the virtual hosts its path may name. */
interface AmqpUrl {
  url: URL;
  service: { service: string; namespace: string };
  user: string;
  /** A path of `/` names `/` for most clients and the empty vhost for clients that follow RabbitMQ's URI spec. */
  asked: string[];
}

function amqpUrl(value: string): AmqpUrl | undefined {
  const text = value.trim();
  if (!/^amqps?:\/\//i.test(text) || text.length > 1000 || text.includes('<redacted>')) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const service = serviceHost(url.hostname, true);
  if (!service) return undefined;
  const decode = (x: string) => {
    try {
      return decodeURIComponent(x);
    } catch {
      return x;
    }
  };
  const path = url.pathname;
  const asked = path === '' ? ['/'] : path === '/' ? ['/', ''] : [decode(path.slice(1))];
  return { url, service, user: decode(url.username), asked };
}

/**
 * An AMQP client that cannot open its connection because the URL names a virtual host the broker does
 * not have: RabbitMQ logs `vhost '/' not found` (or access to it refused for the user) while the same
 * user is granted another virtual host there. The client's URL path is the virtual host (RabbitMQ's URI
 * spec, "amqp URI": the path after the host); a URL ending in `/` asks for the default `/`, which a
 * shared broker may not have. Reads the broker's log when a client failing at the handshake has an AMQP
 * URL to a Service of another namespace; the fix sets the URL's path to the virtual host the broker
 * granted that user.
 */
export const amqpVhostAnalyzer: Analyzer = {
  name: 'amqp-vhost',
  first: true,
  reads({ ns, seen }): Read[] {
    const failing = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some((o) =>
      HANDSHAKE.test(o.content.slice(-100_000)),
    );
    if (!failing) return [];
    const reads: Read[] = [];
    const read = new Set(
      outputs(seen, 'get_pod_logs').map((o) => `${o.args['namespace']}/${o.args['name']}`),
    );
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const e of containerSections(d.content).flatMap((c) => envOf(c.body))) {
        const a = amqpUrl(e.value);
        if (!a) continue;
        const r = servicePodRead(seen, a.service);
        if (r && (r.tool === 'list_pods' || !read.has(`${a.service.namespace}/${String(r.args['name'])}`)))
          reads.push(r);
      }
    }
    return reads.slice(0, 2);
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        for (const e of envOf(c.body)) {
          const a = amqpUrl(e.value);
          if (!a) continue;
          // The broker's own log: a pod of the namespace the URL's Service is in.
          const lines = outputs(
            seen,
            'get_pod_logs',
            (o) => o.args['namespace'] === a.service.namespace,
          ).flatMap((o) =>
            boundedLogLines(o.content).map((line) => ({ line, pod: String(o.args['name'] ?? '') })),
          );
          const granted = lines
            .map((x) => ({ x, g: GRANTED.exec(x.line) }))
            .filter((y) => y.g && y.g[1] === a.user);
          // Granted since: the vhost asked for exists for this user now.
          if (granted.some((y) => a.asked.includes(y.g![2]!))) continue;
          let refusal:
            | { line: string; pod: string; vhost: string; kind: 'missing' | 'refused' | 'down' }
            | undefined;
          for (const x of lines) {
            const q = MISSING_QUOTED.exec(x.line) ?? MISSING_BARE.exec(x.line);
            if (q && a.asked.includes(q[1]!)) {
              refusal = { ...x, vhost: q[1]!, kind: 'missing' };
              break;
            }
            const r = REFUSED.exec(x.line);
            if (r && a.asked.includes(r[1]!) && r[2] === a.user) {
              refusal = { ...x, vhost: r[1]!, kind: /is down/.test(r[3] ?? '') ? 'down' : 'refused' };
              break;
            }
          }
          if (!refusal) continue;
          const other = granted.find((y) => y.g![2] !== refusal!.vhost);
          // A vhost that is down is the broker's to restart: no other vhost is proposed then.
          const vhost = refusal.kind !== 'down' ? other?.g?.[2] : undefined;
          const pod = String(d.args['name'] ?? '');
          const owner = ownerDeployment(d.content);
          let fixed: string | undefined;
          if (vhost) {
            const u = new URL(a.url.toString());
            u.pathname = `/${encodeURIComponent(vhost)}`;
            fixed = u.toString();
          }
          const quoted = `"${clip(refusal.line.trim(), 160)}" (${refusal.pod})`;
          const said =
            refusal.kind === 'missing'
              ? `the broker has no such vhost: ${quoted}${vhost ? `; it granted the same user '${a.user}' the vhost '${vhost}' ("${clip(other!.x.line.trim(), 160)}"), so the URL should name that vhost` : ''}`
              : refusal.kind === 'down'
                ? `the broker has that vhost but it is down: ${quoted}; the URL is right, the vhost must be restarted on the broker`
                : `the broker has that vhost but refuses user '${a.user}' access to it (no permissions there): ${quoted}${vhost ? `; it granted the same user the vhost '${vhost}' ("${clip(other!.x.line.trim(), 160)}")` : ''}`;
          out.push({
            weight: 90,
            object: podObject(owner, pod),
            cause: `${e.name} of container ${c.name} asks the broker for the virtual host (vhost) '${refusal.vhost}'${refusal.vhost === '/' ? ', the default one' : ''}, and ${said}. The connection is closed during the handshake, so the program cannot connect; the password is not what fails`,
            evidence: [
              `${refusal.pod}: "${clip(refusal.line.trim(), 160)}"`,
              `describe_pod ${pod}: ${e.name}: ${clip(e.value, 120)}`,
            ],
            advice:
              refusal.kind === 'missing'
                ? vhost
                  ? `set ${e.name} to end in /${encodeURIComponent(vhost)} (the vhost the broker gives '${a.user}')`
                  : `set ${e.name} to name a vhost the broker has, or create '${refusal.vhost}' there`
                : refusal.kind === 'down'
                  ? `restart the vhost '${refusal.vhost}' on the broker (rabbitmqctl restart_vhost)`
                  : `grant '${a.user}' permissions on the vhost '${refusal.vhost}' (rabbitmqctl set_permissions)`,
            revisionSound: true,
            ...(fixed
              ? envFix(
                  ns,
                  owner,
                  c.name,
                  [{ name: e.name, value: fixed }],
                  `set ${e.name}=${fixed} on ${owner}/${c.name}, naming the vhost '${vhost}' the broker granted`,
                )
              : {}),
          });
        }
      }
    }
    return out.slice(0, 1);
  },
};
