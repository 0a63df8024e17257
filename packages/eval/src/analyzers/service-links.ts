import { parseTable } from '../k8s-text.js';
import { type Analyzer, clip, type Finding, outputs, type Read, textOf } from './types.js';

// Environment-style names a program's log mentions (`KAFKA_REST_LISTENERS`).
const ENV_NAME = /\b[A-Z][A-Z0-9]{1,40}(?:_[A-Z0-9]{1,40}){1,6}\b/g;

/** The variable prefix Kubernetes derives from a Service name: upper case, `-` as `_`. */
function linkPrefix(service: string): string {
  return service.toUpperCase().replaceAll('-', '_');
}

/** The Services `list_services` showed in the namespace: name, cluster IP, first port, age. */
function services(seen: Parameters<Analyzer['finds']>[0]['seen'], ns: string) {
  const listed = outputs(seen, 'list_services', (o) => o.args['namespace'] === ns).pop();
  return (listed ? parseTable(listed.content) : []).map((r) => ({
    name: r['NAME'] ?? '',
    ip: r['CLUSTER-IP'] ?? '',
    port: /^(\d{1,5})/.exec(r['PORT(S)'] ?? '')?.[1],
    age: r['AGE'] ?? '',
  }));
}

/**
 * Service links: for every Service in its namespace, Kubernetes puts `<NAME>_SERVICE_HOST`,
 * `<NAME>_PORT=tcp://<ip>:<port>` and the like into each new container unless the pod sets
 * `enableServiceLinks: false` (kubernetes.io, "Service": environment variables). A Service whose
 * name matches a program's own configuration prefix (a `kafka-rest` Service beside a Kafka REST
 * proxy reading `KAFKA_REST_*`) feeds it settings nobody wrote; Confluent's images refuse a
 * `<COMPONENT>_PORT` and exit (confluentinc/cp-docker-images#286). Read when a crashing program's log
 * names environment variables.
 */
export const serviceLinksAnalyzer: Analyzer = {
  name: 'service-links',
  reads({ ns, seen }) {
    if (!(textOf(seen, 'get_pod_logs').match(ENV_NAME) ?? []).length) return [];
    if (outputs(seen, 'list_services', (o) => o.args['namespace'] === ns).length > 0) return [];
    return [{ tool: 'list_services', args: { namespace: ns } } satisfies Read];
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    const svcs = services(seen, ns);
    if (svcs.length === 0) return out;
    // The log of a container that crashed (its previous run), not of one that is merely running.
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['previous'] === true)) {
      const names = new Set(log.content.match(ENV_NAME) ?? []);
      for (const s of svcs) {
        const prefix = linkPrefix(s.name);
        const clash = [...names].find(
          (n) => n.startsWith(`${prefix}_`) && !n.startsWith(`${prefix}_SERVICE_`),
        );
        if (!clash) continue;
        // About the injected port (`<PREFIX>_PORT=tcp://…`): a line naming a port or the tcp:// value.
        // A program merely naming its own REDIS_HOST beside a Service called redis is not this.
        const line = log.content
          .split('\n')
          .find(
            (l) =>
              l.includes(clash) &&
              (l.includes(`${prefix}_PORT`) || /\bport\b/i.test(l) || l.includes('tcp://')),
          );
        if (!line) continue;
        const pod = String(log.args['name'] ?? '');
        const injected = `${prefix}_PORT=tcp://${s.ip}:${s.port ?? '<port>'}`;
        out.push({
          weight: 91,
          object: `service ${s.name}`,
          cause:
            `the Service ${s.name} in ${ns}${s.age ? ` (created ${s.age} ago)` : ''} makes Kubernetes inject ${injected}, ${prefix}_SERVICE_HOST=${s.ip} and the other service link variables into every new container in the namespace, ` +
            `and the program in pod ${pod} reads ${prefix}_* variables as its own configuration (its log: "${clip(line.trim(), 120)}"), so the injected ${prefix}_PORT breaks its start. ` +
            'Nothing in the Deployment changed: the variables come from the Service name (service links, enableServiceLinks defaults to true) and appear whenever the pods are recreated',
          evidence: [
            `list_services ${ns}: ${s.name} ${s.ip}${s.port ? ` port ${s.port}` : ''}${s.age ? `, age ${s.age}` : ''}`,
            `get_pod_logs ${pod}: "${clip(line.trim(), 120)}"`,
          ],
          advice: `set enableServiceLinks: false in the pod spec of the affected Deployment (or rename the Service ${s.name}), then let the pods restart`,
        });
      }
    }
    return out.slice(0, 1);
  },
};
