import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  podDeployment,
  type Read,
  textOf,
} from './types.js';

// Environment-style names a program's log mentions (`KAFKA_REST_LISTENERS`).
const ENV_NAME = /\b[A-Z][A-Z0-9]{1,40}(?:_[A-Z0-9]{1,40}){1,6}\b/g;

/**
 * A value in the service link form `tcp://<IPv4>:<port>` that a log line quotes as a value (after a
 * quote, `=` or `: `), as a program prints a setting it could not take.
 */
const LINK_VALUE = /(?:["'=\s:]|: )(tcp|udp|sctp):\/\/(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\b/;
/** A value the program could not take: a parse or type error about it. */
const NOT_TAKEN =
  /invalid|not a valid|cannot (?:parse|deserialize|convert)|could not (?:parse|convert)|unable to parse|failed to parse|parse error|NumberFormatException|strconv\.|expected (?:an? )?(?:int|integer|number)|too many colons in address|missing port in address/i;
/**
 * What calls for the Services' listing as well: a program that says a value "appears to be a URI" (vLLM of
 * its own VLLM_PORT) or raises a ValueError on it. Only a reason to read; what the value is for is the
 * service-links finding's to say.
 */
const READ_FOR = /appears to be an? (?:URI|URL)\b|\bValueError\b/i;
/**
 * Go's net package refusing a listen address (`listen tcp: address tcp://10.96.41.17:80: too many colons in
 * address`): the program took the value as the address to listen on, `[host]:port`.
 */
const LISTEN_ADDRESS = /\blisten (?:tcp|udp)[46]?: address /;

/**
 * A log line with the line after it when that one continues it (indented: a stack frame, a `at [Source…]`
 * detail), so an error about the value is read whole and an unrelated next line is not.
 */
function withContinuation(line: string, next: string | undefined): string {
  return next !== undefined && /^\s/.test(next) ? `${line}\n${next}` : line;
}

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

/**
 * A log line that quotes a value in the service link form as one the program could not take: the
 * Services of the namespace are read at once (their cluster IPs say whose variable it is), before the
 * rollout is blamed.
 */
export const serviceLinkValueAnalyzer: Analyzer = {
  name: 'service-link-value',
  first: true,
  reads({ ns, seen }) {
    const quoted = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns).some((o) =>
      boundedLogLines(o.content).some((l, i, all) => {
        if (!LINK_VALUE.test(l)) return false;
        const around = withContinuation(l, all[i + 1]);
        return NOT_TAKEN.test(around) || READ_FOR.test(around);
      }),
    );
    if (!quoted || outputs(seen, 'list_services', (o) => o.args['namespace'] === ns).length > 0) return [];
    return [{ tool: 'list_services', args: { namespace: ns } } satisfies Read];
  },
  finds({ ns, seen }) {
    return linkValueTaken(ns, seen, services(seen, ns));
  },
};

/**
 * A program that crashes on a value in the service link form (`Cannot deserialize value of type int from
 * String "tcp://10.96.141.37:80"`) whose address is a Service's cluster IP in its namespace: the
 * `<NAME>_PORT` variable Kubernetes injects for that Service, read by a program whose own settings use
 * the same prefix. With the container's one port known, the fix sets the variable to it explicitly (a
 * variable the container declares wins over the injected one).
 */
function linkValueTaken(
  ns: string,
  seen: Parameters<Analyzer['finds']>[0]['seen'],
  svcs: ReturnType<typeof services>,
): Finding[] {
  for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
    const lines = boundedLogLines(log.content);
    for (let i = 0; i < lines.length; i++) {
      const m = LINK_VALUE.exec(lines[i]!);
      if (!m) continue;
      const around = withContinuation(lines[i]!, lines[i + 1]);
      // The program itself calls the value a URI (vLLM of VLLM_PORT): its own setting, which it tells apart
      // from a service link and refuses; nothing of it is a connection target, and no value is set for it.
      const flagged = !NOT_TAKEN.test(around) && READ_FOR.test(around);
      if (!NOT_TAKEN.test(around) && !flagged) continue;
      const s = svcs.find((x) => x.ip === m[2]);
      if (!s) continue;
      const pod = String(log.args['name'] ?? '');
      const prefix = linkPrefix(s.name);
      const variable = `${prefix}_PORT`;
      const d = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content;
      const deployment = (d ? ownerDeployment(d) : undefined) ?? podDeployment(pod);
      // The program reads the variable as its own: named like the Service, or the error is about a port.
      const mine = deployment ? linkPrefix(deployment) : undefined;
      // …or the Service's name extends the program's own settings prefix: a program reading every LANGFLOW_*
      // variable as a setting (pydantic's env_prefix) takes LANGFLOW_RUNTIME_PORT for its runtime_port.
      const own =
        mine !== undefined &&
        (mine === prefix || mine.startsWith(`${prefix}_`) || prefix.startsWith(`${mine}_`));
      // A listen address (`:3000`) is where the program's own port goes too.
      const listen = LISTEN_ADDRESS.test(around);
      const aboutPort = listen || /\bport\b/i.test(around);
      // The line or the ones just before name the variable itself (a traceback's source line, `db_port =
      // int(get_conf('DB_PORT', 3306))`, or `invalid value for DB_PORT`): the program reads it as the port of
      // the Service it connects to.
      const readsIt =
        !own &&
        !flagged &&
        lines.slice(Math.max(0, i - 4), i + 1).some((l) => l.slice(0, 2000).includes(variable));
      if (!own && !aboutPort && !readsIt && !flagged) continue;
      const sections = d ? containerSections(d).filter((c) => !c.init) : [];
      const container =
        sections.find((c) => c.name === log.args['container']) ??
        (sections.length === 1 ? sections[0] : undefined);
      const portLine = container ? /^\s+Ports?:\s+(.{1,400})$/m.exec(container.body)?.[1] : undefined;
      const ports = [
        ...new Set([...(portLine ?? '').matchAll(/\b(\d{1,5})\/(?:TCP|UDP|SCTP)\b/g)].map((p) => p[1]!)),
      ];
      const quoted = clip(lines[i]!.trim(), 200);
      const value = `${m[1]}://${m[2]}:${m[3]}`;
      return [
        {
          weight: 91,
          object: deployment ? `deployment ${deployment} (pod ${pod})` : `pod ${pod}`,
          cause:
            `the program in pod ${pod} takes ${value} for a setting it expects to be a port number ("${quoted}"): that is the value of ${variable}, the service link variable Kubernetes injects into every container started in ${ns} after the Service ${s.name} (cluster IP ${s.ip}, port ${s.port ?? m[3]}${s.age ? `, created ${s.age} ago` : ''}) exists, ` +
            `and ${variable} is also the name the program reads ${readsIt ? `the port of ${s.name}, the Service it connects to, from (its log names it just before)` : 'its own port from'}. The variables come from the Service's name (service links, enableServiceLinks defaults to true), so every pod started since the Service was created gets them, whatever the rollout changed`,
          evidence: [
            `get_pod_logs ${pod}: "${quoted}"`,
            `list_services ${ns}: ${s.name} ${s.ip}${s.port ? ` port ${s.port}` : ''}${s.age ? `, age ${s.age}` : ''}`,
          ],
          // The variable the program reads for the Service it connects to: that Service's port.
          ...(container && readsIt && deployment
            ? envFix(
                ns,
                deployment,
                container.name,
                [{ name: variable, value: m[3]! }],
                `set ${variable}=${m[3]} on container ${container.name} of ${deployment} (the port of the Service ${s.name} it connects to), so the injected ${variable}=${value} no longer decides it`,
              )
            : {}),
          // Only the program's own variable is set to its own port: another Service's is that upstream's.
          ...(container && ports.length === 1 && aboutPort && own && !flagged
            ? envFix(
                ns,
                deployment,
                container.name,
                [{ name: variable, value: `${listen ? ':' : ''}${ports[0]!}` }],
                `set ${variable}=${listen ? ':' : ''}${ports[0]} on container ${container.name} of ${deployment} (its ${listen ? 'listen address' : 'port'}), so the injected ${variable}=${value} no longer decides it`,
              )
            : {}),
          advice: `set ${variable} explicitly in the container${ports.length === 1 ? ` to ${listen ? ':' : ''}${ports[0]}` : ''} (a declared variable wins over the injected one), or set enableServiceLinks: false in the pod spec, or rename the Service ${s.name}`,
          revisionSound: true,
        },
      ];
    }
  }
  return [];
}
