import { escapeRe } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podObject,
  type Read,
  serviceHost,
} from './types.js';

/** How resolvers report a name that does not resolve (glibc, Go, Rust's, Node, Java), as they print it. */
const UNRESOLVED =
  /Name or service not known|no such host|NXDOMAIN|ENOTFOUND|UnknownHostException|could not resolve|failed to lookup address/i;
/** A cluster Service's DNS name on a line: `<service>.<namespace>.svc[.cluster.local]`. */
const SVC_HOST =
  /\b([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.svc(?:\.cluster\.local)?)\b/;
/** An environment line of a pod's or a pod template's container, as `kubectl describe` prints it. */
const ENV_LINE = /^\s{4,}([A-Za-z_][A-Za-z0-9_.-]{0,127}):\s{1,20}(\S.{0,500})$/;
/** Every cluster Service DNS name on a line. */
const SVC_HOSTS = new RegExp(SVC_HOST.source, 'g');

/** Parts of a variable's name that say how, not what: left out when two names are compared. */
const GENERIC = new Set([
  'HOST',
  'HOSTNAME',
  'URL',
  'URI',
  'ADDR',
  'ADDRESS',
  'PORT',
  'DSN',
  'ENDPOINT',
  'SERVER',
]);

interface Dangling {
  readonly ns: string;
  readonly pod: string;
  readonly line: string;
  /** The host as the line names it, and the Service and namespace it names. */
  readonly host: string;
  readonly service: string;
  readonly namespace: string;
}

/**
 * Each pod's line saying a Service's DNS name does not resolve, where that is the only Service name its
 * log fails to resolve and another Service name on its log works (a line naming it without a lookup
 * failure): the resolver works, and that one name is gone. Several names failing at once is DNS itself.
 */
function danglingHosts(seen: Parameters<Analyzer['finds']>[0]['seen']): Dangling[] {
  const out: Dangling[] = [];
  for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const lines = o.content
      .slice(-200_000)
      .split('\n')
      .filter((l) => l.length <= 4000);
    const failing = lines.filter((l) => UNRESOLVED.test(l) && SVC_HOST.test(l));
    const hosts = new Set(failing.map((l) => SVC_HOST.exec(l)![1]!));
    if (hosts.size !== 1) continue;
    const host = [...hosts][0]!;
    const works = lines.some((l) => {
      const h = SVC_HOST.exec(l)?.[1];
      return h !== undefined && h !== host && !UNRESOLVED.test(l);
    });
    const svc = serviceHost(host);
    if (!works || !svc) continue;
    out.push({
      ns: String(o.args['namespace'] ?? ''),
      pod: String(o.args['name'] ?? ''),
      line: failing[0]!.trim(),
      host,
      ...svc,
    });
  }
  return out;
}

/** Whether the namespace's latest Service list was read, and whether it lists `name`. */
function listed(
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  ns: string,
  name: string,
): boolean | undefined {
  const o = outputs(seen, 'list_services', (x) => x.args['namespace'] === ns).pop();
  if (!o) return undefined;
  return parseTable(o.content).some((r) => r['NAME'] === name);
}

/** A name's telling parts (`RELAY_REDIS_URL` → RELAY, REDIS). */
function parts(name: string): string[] {
  return name
    .toUpperCase()
    .split(/[_.-]+/)
    .filter((p) => p.length > 1 && !GENERIC.has(p));
}

/**
 * A program whose setting still names a Service that is gone. When a shared backend moves (a Redis
 * into a shared namespace, a database behind a new Service), the workloads that name it by its cluster
 * DNS name must all be changed; one left out keeps the old name, every lookup of it fails ("Name or
 * service not known", NXDOMAIN) and that program fails while the others work. Found from the pod's log
 * (a Service DNS name that does not resolve), the namespace's Service list (no such Service), and the
 * pod's description (the variable that holds the old name). Where another workload's description has a
 * variable of the same kind (a shared telling word in its name: REDIS) naming a Service host, that is
 * what the others use, and the fix sets the variable to it, scheme and port kept, through `set_env`.
 */
export const retiredServiceHostAnalyzer: Analyzer = {
  name: 'retired-service-host',
  // Its reads (the Service list, the pod's description) follow from the pod's own log.
  first: true,
  reads({ seen }): Read[] {
    const out: Read[] = [];
    for (const d of danglingHosts(seen).slice(0, 2)) {
      if (listed(seen, d.namespace, d.service) === undefined)
        out.push({ tool: 'list_services', args: { namespace: d.namespace } });
      if (
        !outputs(seen, 'describe_pod', (o) => o.args['name'] === d.pod && o.args['namespace'] === d.ns).length
      )
        out.push({ tool: 'describe_pod', args: { namespace: d.ns, name: d.pod } });
    }
    return out;
  },
  finds({ seen }): Finding[] {
    for (const d of danglingHosts(seen)) {
      if (listed(seen, d.namespace, d.service) !== false) continue;
      const described = outputs(
        seen,
        'describe_pod',
        (o) => o.args['name'] === d.pod && o.args['namespace'] === d.ns,
      ).pop();
      if (!described) continue;
      const short = `${d.service}.${d.namespace}`;
      for (const c of containerSections(described.content).filter((s) => !s.init)) {
        // The variable that names this very Service (not one whose namespace only starts the same).
        const v = envOf(c.body).find((e) =>
          [...e.value.matchAll(SVC_HOSTS)].some((m) => {
            const h = serviceHost(m[1]!);
            return h?.service === d.service && h.namespace === d.namespace;
          }),
        );
        if (!v) continue;
        const owner = ownerDeployment(described.content);
        // What the variable is about (REDIS), the program's own name (RELAY for relay) left out.
        const own = new Set(parts(owner ?? d.pod));
        const mine = new Set(parts(v.name).filter((p) => !own.has(p)));
        // What the other workloads use: a variable of theirs of the same kind naming another Service
        // (read line by line from pod and Deployment descriptions, whose layouts differ).
        const other = [...outputs(seen, 'describe_pod'), ...outputs(seen, 'describe_deployment')]
          .filter(
            (o) =>
              o !== described && !(owner && o.tool === 'describe_deployment' && o.args['name'] === owner),
          )
          .flatMap((o) =>
            o.content
              .slice(0, 100_000)
              .split('\n')
              .map((l) => ENV_LINE.exec(l))
              .flatMap((m) =>
                m ? [{ e: { name: m[1]!, value: m[2]!.trim() }, who: String(o.args['name'] ?? '') }] : [],
              ),
          )
          .map(({ e, who }) => ({ e, who, host: SVC_HOST.exec(e.value)?.[1] }))
          .find(
            (x) =>
              x.host !== undefined &&
              !x.host.startsWith(`${short}.`) &&
              parts(x.e.name).some((p) => mine.has(p)) &&
              listed(seen, serviceHost(x.host)?.namespace ?? '', serviceHost(x.host)?.service ?? '') !==
                false,
          );
        const oldHost = [...v.value.matchAll(SVC_HOSTS)]
          .map((m) => m[1]!)
          .find((h) => serviceHost(h)?.service === d.service && serviceHost(h)?.namespace === d.namespace);
        // The host the others use, with the port they state (else the old value's port), the rest kept.
        const port = other?.host
          ? new RegExp(`${escapeRe(other.host)}:(\\d{1,5})\\b`).exec(other.e.value)?.[1]
          : undefined;
        const value =
          other?.host && oldHost
            ? v.value.replace(
                new RegExp(`${escapeRe(oldHost)}(:\\d{1,5})?`),
                (_, oldPort: string | undefined) => `${other.host}${port ? `:${port}` : (oldPort ?? '')}`,
              )
            : undefined;
        const usedBy = other
          ? ` The other workloads use ${other.host} (${other.who}: ${other.e.name}=${clip(other.e.value, 80)}), so ${v.name} was missed when the backend moved`
          : '';
        return [
          {
            weight: other ? 90 : 84,
            object: podObject(owner, d.pod),
            cause: `${owner ?? d.pod}'s ${v.name} still points at ${d.host} (${v.name}=${clip(v.value, 100)}), and there is no Service ${d.service} in namespace ${d.namespace} any more: every lookup of it fails ("${clip(d.line, 180)}"), so what ${owner ?? d.pod} needs from it fails while the rest works.${usedBy}`,
            evidence: [
              `get_pod_logs ${d.pod}: "${clip(d.line, 200)}"`,
              `list_services ${d.namespace}: no Service ${d.service}`,
              `describe_pod ${d.pod}: ${v.name}: ${clip(v.value, 120)}`,
            ],
            advice: value
              ? `set ${v.name} of ${owner ?? d.pod} to ${value}, the Service the other workloads use`
              : `point ${v.name} of ${owner ?? d.pod} at the Service that serves it now (or bring the Service ${d.service} back)`,
            ...(value
              ? envFix(
                  d.ns,
                  owner,
                  c.name,
                  [{ name: v.name, value }],
                  `set ${v.name} of ${owner}/${c.name} to ${value}, where the other workloads' ${[...mine].join('/')} is now`,
                )
              : {}),
          },
        ];
      }
    }
    return [];
  },
};
