import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  type Finding,
  outputs,
  ownerDeployment,
  podListOf,
  type Read,
  searchedLines,
} from './types.js';

// A Java connection failure that names the host and the address it resolved to
// ("Connect timed out (api.partner.example/203.0.113.18:443)", "api.partner.example/203.0.113.18").
const JAVA_TARGET = /\b([a-z0-9][a-z0-9.-]{1,252}\.[a-z]{2,24})\/(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?/i;
const FAILED = /timed out|timeout|No route to host|NoRouteToHost|Connection refused|connect failed/i;
// The JVM's DNS cache set to keep positive answers forever (the security property, -1).
const FOREVER = /networkaddress\.cache\.ttl\s*[=:]\s*-1\b/;
const PATTERN = 'networkaddress.cache.ttl';

/**
 * A JVM that keeps connecting to an address a host name no longer resolves to, because it caches DNS
 * answers forever: the security property networkaddress.cache.ttl=-1 (java.security; the default
 * under a security manager, and some hardened base images set it). It is a security property, so a
 * -Dnetworkaddress.cache.ttl=… system property is ignored
 * (https://docs.oracle.com/en/java/javase/21/core/java-networking.html#GUID-A680DADB-C4C1-40F7-8C9B-91A0D8E4A56E).
 * Restarting the pods makes the JVMs resolve the name again (an approved `restart_deployment`); the
 * lasting fix is a finite TTL set as a security property.
 */
export const jvmDnsCacheAnalyzer: Analyzer = {
  name: 'jvm-dns-cache',
  first: true,
  reads({ ns, seen }): Read[] {
    const failing = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).find((o) => {
      const tail = o.content.slice(-100_000);
      return (
        !FOREVER.test(tail) &&
        tail.split('\n').some((l) => l.length <= 2000 && JAVA_TARGET.test(l) && FAILED.test(l))
      );
    });
    if (!failing) return [];
    // The failing pod and its siblings (a pod's log may have lost its start-up lines): searched in turn.
    const pod = String(failing.args['name']);
    const set = pod.replace(/-[a-z0-9]{5}$/, '');
    const siblings = parseTable(podListOf(seen, ns)?.content ?? '')
      .map((r) => r['NAME'] ?? '')
      .filter((n) => n !== pod && n.startsWith(`${set}-`));
    const searched = (name: string) =>
      outputs(seen, 'search_pod_logs', (o) => o.args['name'] === name && o.args['pattern'] === PATTERN);
    const next = [pod, ...siblings.slice(0, 2)].find((n) => searched(n).length === 0);
    const found = [pod, ...siblings].some((n) => searched(n).some((o) => FOREVER.test(o.content)));
    if (!next || found) return [];
    return [
      {
        tool: 'search_pod_logs',
        args: {
          namespace: ns,
          name: next,
          ...(failing.args['container'] ? { container: failing.args['container'] } : {}),
          pattern: PATTERN,
          context: 0,
          maxMatches: 3,
        },
      },
    ];
  },
  finds({ ns, seen, hints }) {
    const out: Finding[] = [];
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      const pod = String(log.args['name']);
      const lines = log.content.slice(-100_000).split('\n');
      const failed = lines.find((l) => l.length <= 2000 && JAVA_TARGET.test(l) && FAILED.test(l));
      if (!failed) continue;
      const set = pod.replace(/-[a-z0-9]{5}$/, '');
      const searched = searchedLines(
        seen,
        (o) => String(o.args['name']).startsWith(`${set}-`) && o.args['pattern'] === PATTERN,
      );
      const forever = [...lines, ...searched].find((l) => FOREVER.test(l));
      if (!forever) continue;
      const [, host, ip] = JAVA_TARGET.exec(failed)!;
      const ignored = [...lines, ...searched].find((l) => /-Dnetworkaddress\.cache\.ttl=\d/.test(l));
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
      const deployment = ownerDeployment(d) ?? hints.find((h) => pod.startsWith(`${h}-`));
      out.push({
        weight: 95,
        object: `pod ${pod}`,
        cause: `the JVM in ${pod} caches DNS answers forever, so it still connects to ${ip}, the address ${host} resolved to when it started, which no longer answers ("${clip(failed.trim(), 160)}"): its log says "${clip(forever.trim(), 140)}" — networkaddress.cache.ttl=-1 keeps every positive lookup for the life of the process, so a DNS change (the name now points elsewhere) is never seen${
          ignored
            ? `; the -Dnetworkaddress.cache.ttl in its options does not change that, because networkaddress.cache.ttl is a security property (java.security), not a system property`
            : ''
        }. The remote service is not down: it moved`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(failed.trim(), 160)}"`,
          `get_pod_logs ${pod}: "${clip(forever.trim(), 160)}"`,
        ],
        advice:
          'restart the pods so the JVMs resolve the name again; for good, set a finite cache TTL as a security property (networkaddress.cache.ttl in java.security, or -Djava.security.properties=<file>, or Security.setProperty at start)',
        ...(deployment
          ? {
              fix: {
                tool: 'restart_deployment',
                args: { namespace: ns, name: deployment },
                text: `restart ${deployment} so its JVMs resolve ${host} again`,
              },
            }
          : {}),
        revisionSound: true,
      });
      break;
    }
    return out;
  },
};
