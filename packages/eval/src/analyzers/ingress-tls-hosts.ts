import { hostCovers, type ServingIngress, servingIngresses, urlHosts } from './serving-path.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  type Finding,
  listedReads,
  outputs,
  unmadeReads,
} from './types.js';

/** A person reporting the wrong certificate at a site: the controller's default one, a browser's warning. */
const CERT_COMPLAINT =
  /fake certificate|default certificate|self[- ]signed|certificate (?:warning|error|mismatch|is not (?:ours|trusted|valid))|(?:wrong|untrusted|invalid) certificate|NET::ERR_CERT|not secure|ERR_CERT_/i;

/** One TLS entry of an Ingress description: its index, the hosts it lists and its Secret. */
interface TlsEntry {
  readonly index: number;
  readonly hosts: readonly string[];
  readonly secret: string;
}

/**
 * The `spec.tls` entries of an Ingress description, as the simulator's and kubectl's flattened spec print
 * them (`tls[0].hosts[0]: alerts.example.com`, `tls[0].secretName: alertmanager-tls`); at most 100,000
 * characters and 50 entries read.
 */
export function tlsEntries(describe: string): TlsEntry[] {
  const hosts = new Map<number, string[]>();
  const secrets = new Map<number, string>();
  for (const raw of describe.slice(0, 100_000).split('\n')) {
    const line = raw.trim();
    const h = /^tls\[(\d{1,2})\]\.hosts\[\d{1,3}\]: ((?:\*\.)?[a-z0-9.-]{1,253})$/.exec(line);
    if (h) hosts.set(Number(h[1]), [...(hosts.get(Number(h[1])) ?? []), h[2]!]);
    const s = /^tls\[(\d{1,2})\]\.secretName: ([a-z0-9][a-z0-9.-]{0,252})$/.exec(line);
    if (s) secrets.set(Number(s[1]), s[2]!);
  }
  const indexes = [...new Set([...hosts.keys(), ...secrets.keys()])].sort((a, b) => a - b);
  return indexes.map((index) => ({ index, hosts: hosts.get(index) ?? [], secret: secrets.get(index) ?? '' }));
}

function routesOf(ctx: AnalyzerContext): ServingIngress[] {
  return servingIngresses(ctx.task, ctx.ns, ctx.seen);
}

/**
 * The wrong certificate at a site an Ingress serves, because no TLS entry of that Ingress lists the site's
 * host: an Ingress controller uses an entry's Secret for the hosts the entry lists (`spec.tls[].hosts`,
 * Kubernetes API reference, IngressTLS: the hosts "must match the name/s used in the tlsSecret"), and
 * serves its default certificate for any other host (ingress-nginx's is "Kubernetes Ingress Controller
 * Fake Certificate", user guide "Default SSL Certificate"). Found when the person reports a certificate
 * problem at a URL, the Ingress routing its host was described, and it has TLS entries none of which
 * lists the host.
 */
export const ingressTlsHostsAnalyzer: Analyzer = {
  name: 'ingress-tls-hosts',
  // The question names the certificate at a URL: the Ingress is read before an unrelated failure of the
  // namespace uses up the budget.
  first: true,
  reads(ctx) {
    const text = ctx.task.slice(0, 4000);
    if (!CERT_COMPLAINT.test(text) || urlHosts(text).length === 0) return [];
    return unmadeReads(
      ctx.seen,
      listedReads(ctx.seen, ctx.ns, 'Ingress', 'describe_resource', 2, (n) => bonus(n, ctx.hints)),
    );
  },
  finds(ctx): Finding[] {
    if (!CERT_COMPLAINT.test(ctx.task.slice(0, 4000))) return [];
    const ingresses = outputs(
      ctx.seen,
      'describe_resource',
      (o) => String(o.args['kind'] ?? '').toLowerCase() === 'ingress' && o.args['namespace'] === ctx.ns,
    );
    for (const route of routesOf(ctx)) {
      // Another Ingress of the namespace that lists the host with a Secret gives the host that certificate
      // (controllers merge TLS per host).
      if (
        ingresses.some(
          (o) =>
            o.args['name'] !== route.ingress &&
            tlsEntries(o.content).some((e) => e.secret && e.hosts.some((h) => hostCovers(h, route.host))),
        )
      )
        continue;
      const described = outputs(
        ctx.seen,
        'describe_resource',
        (o) =>
          String(o.args['kind'] ?? '').toLowerCase() === 'ingress' &&
          o.args['namespace'] === ctx.ns &&
          o.args['name'] === route.ingress,
      ).pop();
      if (!described) continue;
      const entries = tlsEntries(described.content);
      if (entries.length === 0 || entries.some((e) => e.hosts.some((h) => hostCovers(h, route.host))))
        continue;
      const bare = entries.find((e) => e.hosts.length === 0);
      const entry = bare ?? entries[0]!;
      const what = bare
        ? `its TLS entry spec.tls[${entry.index}] names Secret ${entry.secret || '(none)'} but lists no hosts`
        : `its TLS entries list only ${entries.flatMap((e) => e.hosts).join(', ')}, not ${route.host}`;
      return [
        {
          weight: 93,
          object: `ingress ${route.ingress}`,
          cause: `Ingress ${route.ingress} routes ${route.host}, but ${what}: the Ingress controller uses a TLS entry's Secret only for the hosts the entry lists, so for ${route.host} no TLS entry matches and it serves its default certificate (ingress-nginx's "Kubernetes Ingress Controller Fake Certificate")${bare && entry.secret ? `, whatever ${entry.secret} holds: the certificate itself is not the fault` : ''}`,
          evidence: [
            `describe_resource Ingress ${route.ingress}: rules host ${route.host}; ${
              bare
                ? `tls[${entry.index}].secretName ${entry.secret || '(none)'} with no tls[${entry.index}].hosts`
                : `tls hosts ${entries.flatMap((e) => e.hosts).join(', ')}`
            }`,
          ],
          advice: bare
            ? `list ${route.host} under the hosts of Ingress ${route.ingress}'s TLS entry${entry.secret ? ` for Secret ${entry.secret}` : ''} (spec.tls[${entry.index}].hosts), as its rule names it`
            : `add a TLS entry to Ingress ${route.ingress} that lists ${route.host} with a Secret whose certificate names that host (a cert-manager annotation issues one)`,
        },
      ];
    }
    return [];
  },
};
