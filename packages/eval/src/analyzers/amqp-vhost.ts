import { envOf } from './env-values.js';
import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
  serviceHost,
} from './types.js';

/** An AMQP URL (`amqp://user@host:5672/vhost`), its user, host, port and path (the virtual host). */
const AMQP_URL =
  /^(amqps?:\/\/)(?:([^:@/\s]{1,100})(?::[^@/\s]{0,200})?@)?([a-z0-9.-]{1,253})(?::(\d{1,5}))?(\/[^\s?#]{0,200})?/i;
/** A client's failure at the AMQP handshake (amqplib's `Expected ConnectionOpenOk`, a close during the handshake). */
const HANDSHAKE =
  /ConnectionOpenOk|closed during handshake|handshake[^\n]{0,40}(?:fail|clos)|NOT_ALLOWED|vhost/i;
/** RabbitMQ refusing a connection's virtual host (`vhost '/' not found`, `access to vhost 'x' refused for user 'u'`). */
const VHOST_REFUSED =
  /vhost '([^'\n]{0,100})' not found|access to vhost '([^'\n]{0,100})' refused for user '([^'\n]{1,100})'/;
/** RabbitMQ granting a user a virtual host (`user 'u' authenticated and granted access to vhost 'v'`). */
const GRANTED = /user '([^'\n]{1,100})' authenticated and granted access to vhost '([^'\n]{1,100})'/;

/** The virtual host an AMQP URL's path names: the path without its slash, percent-decoded; `/` for none. */
function vhostOf(path: string | undefined): string {
  if (!path || path === '/') return '/';
  try {
    return decodeURIComponent(path.slice(1));
  } catch {
    return path.slice(1);
  }
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
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const e of containerSections(d.content).flatMap((c) => envOf(c.body))) {
        const m = AMQP_URL.exec(e.value.trim());
        const svc = m ? serviceHost(m[3]!, true) : undefined;
        if (!svc) continue;
        const listed = outputs(
          seen,
          'list_pods',
          (o) => o.args['namespace'] === svc.namespace && !o.args['labelSelector'],
        ).pop();
        if (!listed) return [{ tool: 'list_pods', args: { namespace: svc.namespace } }];
        const stem = svc.service.split('-')[0]!;
        const pod = listed.content
          .split('\n')
          .slice(1)
          .map((l) => l.split(/\s+/)[0] ?? '')
          .find((n) => n === stem || n.startsWith(`${stem}-`));
        return pod ? [{ tool: 'get_pod_logs', args: { namespace: svc.namespace, name: pod } }] : [];
      }
    }
    return [];
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    const brokerLines = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] !== ns).flatMap((o) =>
      o.content
        .slice(-200_000)
        .split('\n')
        .slice(-2000)
        .filter((l) => l.length <= 4000)
        .map((line) => ({ line, pod: String(o.args['name'] ?? '') })),
    );
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const c of containerSections(d.content).filter((x) => !x.init)) {
        for (const e of envOf(c.body)) {
          const m = AMQP_URL.exec(e.value.trim());
          if (!m || !serviceHost(m[3]!, true)) continue;
          const user = m[2];
          const asked = vhostOf(m[5]);
          const refused = brokerLines.find((x) => {
            const r = VHOST_REFUSED.exec(x.line);
            return r !== null && (r[1] ?? r[2]) === asked && (r[3] === undefined || r[3] === user);
          });
          if (!refused) continue;
          const granted = brokerLines
            .map((x) => ({ x, g: GRANTED.exec(x.line) }))
            .find((y) => y.g && y.g[1] === user && y.g[2] !== asked);
          const pod = String(d.args['name'] ?? '');
          const owner = ownerDeployment(d.content);
          const vhost = granted?.g?.[2];
          // A URL whose password the tools masked cannot be written back.
          const fixed =
            vhost && !m[0].includes('<redacted>')
              ? `${m[1]}${m[0].slice(m[1]!.length).replace(/\/[^\s?#]{0,200}$|$/, '')}/${encodeURIComponent(vhost)}`
              : undefined;
          out.push({
            weight: 90,
            object: owner ? `deployment ${owner} (pod ${pod})` : `pod ${pod}`,
            cause: `${e.name} of container ${c.name} ends in "${m[5] ?? ''}", so the client asks the broker for the virtual host (vhost) '${asked}'${asked === '/' ? ', the default one' : ''}, and the broker has no such vhost: "${clip(refused.line.trim(), 160)}" (${refused.pod})${vhost && user ? `; it granted the same user '${user}' the vhost '${vhost}' ("${clip(granted!.x.line.trim(), 160)}"), so the URL should name that vhost` : ''}. The connection is closed during the handshake, so the program exits; the password is not what fails`,
            evidence: [
              `${refused.pod}: "${clip(refused.line.trim(), 160)}"`,
              `describe_pod ${pod}: ${e.name}: ${clip(e.value, 120)}`,
            ],
            advice: vhost
              ? `set ${e.name} to end in /${encodeURIComponent(vhost)} (the vhost the broker gives '${user}')`
              : `set ${e.name} to name a vhost the broker has, or create '${asked}' there`,
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
