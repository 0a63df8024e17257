import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, textOf } from './types.js';

// How programs and resolvers say a name did not resolve, each followed by the name: libpq, Node,
// Java, Go and glibc. Bounded quantifiers only: a DNS name is at most 253 characters.
const HOST = '([a-z0-9][a-z0-9.-]{0,252})';
const UNRESOLVED: readonly RegExp[] = [
  new RegExp(`could not translate host name "${HOST}"`, 'gi'),
  new RegExp(`getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ${HOST}`, 'gi'),
  new RegExp(`UnknownHostException: ${HOST}`, 'gi'),
  new RegExp(`lookup ${HOST}(?: on \\S{1,100}?)?: no such host`, 'gi'),
];
// glibc's messages follow the name, so the name is read backwards from them (a pattern that starts
// with the name would be tried at every character of a long line).
const GLIBC_SUFFIXES = [': Name or service not known', ': Temporary failure in name resolution'];
const HOST_CHAR = /^[a-z0-9.-]$/i;
const NOT_NAMES = new Set(['address', 'host', 'hostname', 'name']);

function namesBefore(text: string, suffix: string): string[] {
  const out: string[] = [];
  let at = text.indexOf(suffix);
  while (at >= 0 && out.length < 10) {
    let start = at;
    while (start > 0 && at - start < 253 && HOST_CHAR.test(text[start - 1]!)) start--;
    const name = text.slice(start, at);
    // "… to address: Name or service not known" ends libpq's sentence, not a name.
    if (start < at && !NOT_NAMES.has(name.toLowerCase())) out.push(name);
    at = text.indexOf(suffix, at + suffix.length);
  }
  return out;
}

/** Names the programs' logs say did not resolve, lower-case, each once (at most ten). */
export function unresolvedHosts(logs: string): string[] {
  const out: string[] = [];
  const text = logs.slice(0, 200_000);
  const add = (name: string) => {
    const h = name.toLowerCase().replace(/\.$/, '');
    if (h && !out.includes(h) && out.length < 10) out.push(h);
  };
  for (const re of UNRESOLVED) for (const m of text.matchAll(re)) add(m[1]!);
  for (const suffix of GLIBC_SUFFIXES) for (const name of namesBefore(text, suffix)) add(name);
  return out;
}

/** The Service a cluster name means: `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`. */
export function serviceOf(host: string, ns: string): { name: string; namespace: string } | undefined {
  const labels = host.split('.');
  if (labels.length === 1) return { name: labels[0]!, namespace: ns };
  if (labels.length === 2) return { name: labels[0]!, namespace: labels[1]! };
  if (labels[2] === 'svc') return { name: labels[0]!, namespace: labels[1]! };
  return undefined;
}

/** `External Name:` of a describe_service output. */
function externalNameOf(text: string): string | undefined {
  for (const line of text.split('\n')) if (line.startsWith('External Name:')) return line.slice(14).trim();
  return undefined;
}

/**
 * A program that cannot resolve its dependency's cluster name, where that name is an ExternalName
 * Service: the Service is only a DNS CNAME to `spec.externalName`, nothing checks that the target
 * exists, and the lookup fails when the target is gone or renamed (a restored database's new
 * endpoint, a retired host). https://kubernetes.io/docs/concepts/services-networking/service/#externalname
 */
export const externalNameAnalyzer: Analyzer = {
  name: 'external-name',
  reads({ seen, ns }) {
    const reads = [];
    for (const h of unresolvedHosts(textOf(seen, 'get_pod_logs'))) {
      const svc = serviceOf(h, ns);
      if (!svc) continue;
      const listing = outputs(seen, 'list_services', (o) => o.args['namespace'] === svc.namespace).pop();
      if (!listing) {
        reads.push({ tool: 'list_services', args: { namespace: svc.namespace } });
        continue;
      }
      const row = parseTable(listing.content).find((r) => r['NAME'] === svc.name);
      if (row?.['TYPE'] === 'ExternalName')
        reads.push({ tool: 'describe_service', args: { namespace: svc.namespace, name: svc.name } });
    }
    return reads;
  },
  finds({ seen, ns }) {
    const out: Finding[] = [];
    const logs = textOf(seen, 'get_pod_logs');
    for (const h of unresolvedHosts(logs)) {
      const svc = serviceOf(h, ns);
      if (!svc) continue;
      const d = outputs(
        seen,
        'describe_service',
        (o) => o.args['namespace'] === svc.namespace && o.args['name'] === svc.name,
      ).pop();
      const target = d ? externalNameOf(d.content) : undefined;
      if (!target) continue;
      const line = logs.split('\n').find((l) => l.toLowerCase().includes(h)) ?? '';
      const nx = logs.split('\n').find((l) => l.includes(target) && l.includes('NXDOMAIN'));
      out.push({
        weight: 90,
        object: `service ${svc.name}`,
        cause: `the program cannot resolve ${h}: Service ${svc.name} in namespace ${svc.namespace} is an ExternalName Service, only a DNS alias (CNAME) for ${target}, and that name does not resolve${
          nx ? ' (the cluster DNS answers NXDOMAIN for it)' : ''
        }: the external endpoint it names is gone or renamed, and nothing checks an ExternalName's target`,
        evidence: [
          `logs: "${clip(line, 160)}"`,
          `describe_service ${svc.namespace}/${svc.name}: Type ExternalName, External Name ${target}`,
          ...(nx ? [`DNS logs: "${clip(nx, 160)}"`] : []),
        ],
        advice: `point Service ${svc.name}'s externalName at the dependency's current endpoint (the new instance's address), then restart the pods that failed`,
      });
    }
    return out;
  },
};
