import { parseTable } from '../k8s-text.js';
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
} from './types.js';

/**
 * A lookup of a host that does not exist, as resolvers and drivers word it, with the host: PHP's
 * `getaddrinfo for firefly-db failed`, Go's `lookup db on 10.96.0.10:53: no such host`, Node's
 * `getaddrinfo ENOTFOUND db`, Java's `UnknownHostException: db`, libpq's `could not translate host name
 * "db" to address`, MySQL's `Unknown MySQL server host 'db'`. A temporary failure (EAI_AGAIN) is not one:
 * the name may exist. Bounded gaps: linear on any line.
 */
const NOT_FOUND = [
  /getaddrinfo for ([a-z0-9][a-z0-9.-]{0,252}) failed: (?:Name or service not known|nodename nor servname)/,
  /lookup ([a-z0-9][a-z0-9.-]{0,252})(?: on [^\s:]{1,100}:\d{1,5})?: no such host/,
  /getaddrinfo ENOTFOUND ([a-z0-9][a-z0-9.-]{0,252})/,
  /UnknownHostException: ([a-z0-9][a-z0-9.-]{0,252})/,
  /could not translate host name "([a-z0-9][a-z0-9.-]{0,252})" to address/,
  /Unknown (?:MySQL|MariaDB) server host '([a-z0-9][a-z0-9.-]{0,252})'/,
  // redis-py: `Error -2 connecting to firefly-redis:6379. Name or service not known.`
  /Error -?\d{1,3} connecting to ([a-z0-9][a-z0-9.-]{0,252}):\d{1,5}\. Name or service not known/,
];

/**
 * The first short host (no dots: a Service's name) of this namespace's logs that a lookup did not find, with
 * its line, its pod and the container whose log it is (when the read names one). An external dotted host
 * that failed before it does not hide it.
 */
function notFound(seen: Parameters<Analyzer['reads']>[0]['seen'], ns: string) {
  for (const o of outputs(seen, 'get_pod_logs', (x) => x.args['namespace'] === ns)) {
    for (const line of boundedLogLines(o.content)) {
      if (line.length > 4000) continue;
      for (const re of NOT_FOUND) {
        const host = re.exec(line)?.[1];
        if (host && !host.includes('.'))
          return {
            host,
            line: line.trim(),
            pod: String(o.args['name'] ?? ''),
            container: typeof o.args['container'] === 'string' ? o.args['container'] : undefined,
          };
      }
    }
  }
  return undefined;
}

/** `value` with `host` replaced where it stands as a whole host (`firefly-db`, `…@firefly-db:3306/…`). */
function withHost(value: string, host: string, service: string): string | undefined {
  if (value === host) return service;
  const re = new RegExp(`(^|[/@])${host.replace(/[.]/g, '\\.')}(?=[:/?]|$)`);
  return re.test(value) ? value.replace(re, `$1${service}`) : undefined;
}

/**
 * A program pointed at a Service name that does not exist while one Service of its namespace carries that
 * name with a prefix (`firefly-db` against `firefly-iii-firefly-db`): a chart that names its objects after
 * the release, or a rename, left the program's host setting at the old short name. The variable that holds
 * the name is set to the Service that exists (one `set_env`). Reads a search for the name (its Services across the cluster); the pod's description is the walk's.
 * Only a short name (no dots) counts, and only when the namespace's Service list lacks it and exactly one
 * Service's name ends with `-<name>`.
 */
export const renamedServiceHostAnalyzer: Analyzer = {
  name: 'renamed-service-host',
  reads({ seen, ns }): Read[] {
    const miss = notFound(seen, ns);
    if (!miss) return [];
    const reads: Read[] = [];
    // The Services named like the host, across the cluster (the search a short-name reading makes too).
    if (!outputs(seen, 'find_objects', (o) => o.args['name'] === miss.host).length)
      reads.push({ tool: 'find_objects', args: { name: miss.host } });
    // The pod's description is left to the walk (a failing pod is described; describing a running one here
    // would pull the answer to that pod's other findings).
    return reads;
  },
  finds({ seen, ns }): Finding[] {
    const miss = notFound(seen, ns);
    if (!miss) return [];
    // This namespace's Services: as a search for the host found them, or as its Service list shows them.
    const searched = outputs(seen, 'find_objects', (o) => o.args['name'] === miss.host).pop();
    const listed = outputs(seen, 'list_services', (o) => o.args['namespace'] === ns).pop();
    if (!searched && !listed) return [];
    const names = [
      ...(searched
        ? parseTable(searched.content.slice(0, 200_000))
            .filter((r) => r['KIND'] === 'Service' && r['NAMESPACE'] === ns)
            .map((r) => r['NAME'] ?? '')
        : []),
      ...(listed ? parseTable(listed.content.slice(0, 200_000)).map((r) => r['NAME'] ?? '') : []),
    ].filter((n, i, all) => n !== '' && all.indexOf(n) === i);
    if (names.includes(miss.host)) return [];
    const like = names.filter((n) => n.endsWith(`-${miss.host}`));
    if (like.length !== 1) return [];
    const service = like[0]!;
    const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === miss.pod).pop()?.content;
    if (!d) return [];
    const owner = ownerDeployment(d);
    // The prefix is the program's own release (`firefly-iii-` for firefly-iii), not another application's
    // Service that ends the same way (`metabase-db` for a generic `db`).
    const prefix = service.slice(0, -miss.host.length - 1);
    const self = owner ?? miss.pod;
    if (!(self === prefix || self.startsWith(`${prefix}-`) || prefix.startsWith(`${self}-`))) return [];
    // The variable that holds the missing name, whole or as a URL's host: the logging container's first.
    const apps = containerSections(d).filter((x) => !x.init);
    const ordered = [
      ...apps.filter((c) => c.name === (miss.container ?? apps[0]?.name)),
      ...apps.filter((c) => c.name !== (miss.container ?? apps[0]?.name)),
    ];
    for (const c of ordered) {
      const v = envOf(c.body)
        .map((e) => ({ ...e, fixed: withHost(e.value, miss.host, service) }))
        .find((e) => e.fixed !== undefined);
      if (!v) continue;
      return [
        {
          weight: 91,
          object: podObject(owner, miss.pod),
          cause: `the program is pointed at the host ${miss.host} (${v.name}=${v.value}), but no Service ${miss.host} exists in ${ns} (it does not exist, so every lookup fails ("${clip(miss.line, 200)}"); the Service that does exist is ${service}, the same name with a prefix (a chart that names its objects after its release, or a rename), so the setting still holds the old short name)`,
          evidence: [
            `logs of ${miss.pod}: "${clip(miss.line, 200)}"`,
            `Services of ${ns}: ${service}, no ${miss.host}`,
            `describe_pod ${miss.pod}: ${v.name}=${v.value}`,
          ],
          advice: `set ${v.name} to ${v.fixed} on ${owner ?? miss.pod}/${c.name}`,
          ...envFix(
            ns,
            owner,
            c.name,
            [{ name: v.name, value: v.fixed! }],
            `set ${v.name}=${v.fixed} on ${owner}/${c.name}, the Service that exists in ${ns}, instead of ${miss.host}, which does not`,
          ),
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
