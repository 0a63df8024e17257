import { parseTable } from '../k8s-text.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  envFix,
  type Finding,
  imagePairsChanged,
  imageRepo,
  namespaceNames,
  outputs,
  podDeployment,
  type Read,
} from './types.js';

/**
 * A program reaching for a server on its own pod: a loopback address (with its port when the line gives
 * one) or a local Unix socket. Bounded: at most 60 characters between "local" and "socket".
 */
const LOOPBACK =
  /(?<![\w.:-])(?:127\.0\.0\.1|localhost|\[::1\]|::1)(?::(\d{1,5}))?(?![\w-])|\blocal\b[^\n]{0,60}\bsocket\b|\.sock\b/i;
/** libpq's and its kin's "…, port 5432 failed": the port apart from the address. */
const PORT_WORD = /\bport (\d{1,5})\b/i;
/** What a failed attempt to reach it says. */
const FAILED =
  /\b(?:connection refused|ECONNREFUSED|refused|can't connect|cannot connect|could not connect|couldn't connect|failed to connect|connect(?:ion)? failed|No such file or directory|unreachable)\b/i;
/** A variable's value that names the pod itself: a loopback host, alone or in a URL or `host:port`. */
const LOOPBACK_VALUE =
  /^(?:[a-z][a-z0-9+.-]{0,20}:\/\/)?(?:[^@/\s]{0,200}@)?(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?(?:\/\S{0,500})?$/i;

/**
 * The ports the servers such sidecars run listen on by default, by image repository (each project's own
 * documentation): a failure on that port ties to the dropped container when the line does not name it.
 */
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  postgres: '5432',
  postgresql: '5432',
  mysql: '3306',
  mariadb: '3306',
  redis: '6379',
  valkey: '6379',
  memcached: '11211',
  mongo: '27017',
  mongodb: '27017',
  rabbitmq: '5672',
  elasticsearch: '9200',
  opensearch: '9200',
};

interface Failure {
  readonly pod: string;
  readonly deployment: string;
  readonly line: string;
  readonly port: string | undefined;
}

/**
 * The lines of the namespace's pod logs (current or previous) that say a program could not reach a server
 * on the pod itself, at most 20 distinct lines a pod.
 */
function loopbackFailures(ctx: AnalyzerContext): Failure[] {
  const out: Failure[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns)) {
    const pod = String(o.args['name'] ?? '');
    const deployment = podDeployment(pod);
    if (!deployment) continue;
    let n = 0;
    for (const l of o.content.slice(-200_000).split('\n')) {
      if (n >= 20) break;
      if (l.length > 4000 || !LOOPBACK.test(l) || !FAILED.test(l)) continue;
      const line = l.trim();
      if (out.some((f) => f.pod === pod && f.line === line)) continue;
      n++;
      out.push({ pod, deployment, line, port: LOOPBACK.exec(l)?.[1] ?? PORT_WORD.exec(l)?.[1] });
    }
  }
  return out;
}

interface Removed {
  /** The container the current revision no longer has, and its image. */
  readonly container: string;
  readonly image: string;
  readonly revision: string;
  readonly cause: string | undefined;
}

/** Containers the deployment's current revision dropped from the one before it, from its rollout history. */
function removedContainers(ctx: AnalyzerContext, deployment: string): Removed[] {
  const h = outputs(
    ctx.seen,
    'get_rollout_history',
    (o) => o.args['name'] === deployment && (o.args['namespace'] ?? ctx.ns) === ctx.ns,
  ).pop();
  if (!h) return [];
  const rows = parseTable(h.content).filter((r) => /^\d{1,6}\b/.test(r['REVISION'] ?? ''));
  const current = rows.find((r) => /\(current\)/.test(r['REVISION'] ?? ''));
  if (!current?.['IMAGES']) return [];
  const number = (r: Record<string, string>) => Number.parseInt(r['REVISION'] ?? '0', 10);
  const before = rows.filter((r) => number(r) < number(current)).sort((a, b) => number(b) - number(a))[0];
  if (!before?.['IMAGES']) return [];
  const cause = current['CHANGE-CAUSE']?.trim();
  return imagePairsChanged(before['IMAGES'], current['IMAGES'])
    .filter((p) => p.after === '')
    .map(({ container, before: image }) => ({
      container,
      image,
      revision: String(number(current)),
      cause: cause && cause !== '<none>' ? cause : undefined,
    }));
}

/** The words that name what a container serves: its name's parts and its image's repository name (`mysql` of `mysql:5.7`). */
function servedWords(r: Removed): string[] {
  return [...new Set([...r.container.split(/[-_.]/), ...imageRepo(r.image).split(/[-_.]/)])]
    .map((w) => w.toLowerCase())
    .filter((w) => w.length >= 4 && !/^(?:side|sidecar|container|server|alpine|slim)$/.test(w));
}

/** The default port of what a dropped container served, from its image's repository (see `DEFAULT_PORTS`). */
function defaultPort(r: Removed): string | undefined {
  return DEFAULT_PORTS[imageRepo(r.image)];
}

/**
 * The dropped container the failure line names, if exactly one: by what it served (its name's or its
 * image's words), or, when the line names none, by the default port of its image on the line.
 */
function tiedRemoval(ctx: AnalyzerContext, f: Failure): Removed | undefined {
  const lower = f.line.toLowerCase();
  const removed = removedContainers(ctx, f.deployment);
  const named = removed.filter((r) =>
    servedWords(r).some((w) => new RegExp(`(?<![a-z0-9])${w}(?![a-z0-9])`).test(lower)),
  );
  const tied =
    named.length > 0 ? named : removed.filter((r) => f.port !== undefined && defaultPort(r) === f.port);
  if (tied.length === 1) return tied[0];
  // The rollout removed one container only, and the program fails on a port of its own pod: that one,
  // unless what it served is known to listen on another port (a MySQL sidecar is not php-fpm's 9000).
  const only = removed.length === 1 ? removed[0] : undefined;
  return tied.length === 0 && only && f.port !== undefined && defaultPort(only) === undefined
    ? only
    : undefined;
}

/**
 * Namespaces of the cluster the change cause names as a word (`uses the shared MariaDB in shared-db`), this
 * one aside; when it names none, the pod's own namespace (the sidecar became a Deployment beside it).
 */
function causeNamespaces(ctx: AnalyzerContext, cause: string | undefined): string[] {
  const words = new Set(cause?.toLowerCase().match(/[a-z0-9][a-z0-9-]{0,62}/g) ?? []);
  const named = namespaceNames(ctx.seen).filter((n) => n !== ctx.ns && words.has(n));
  return named.length > 0 ? named : [ctx.ns];
}

/** The port the program's setting gives its server, from a `<PREFIX>_PORT` beside the loopback `<PREFIX>_HOST`. */
function siblingPort(env: readonly { name: string; value: string }[], variable: string): string | undefined {
  const prefix = variable.replace(/(?:HOST|HOSTNAME|ADDR|ADDRESS|SERVER)$/i, '');
  if (prefix === variable) return undefined;
  const v = env.find((e) => e.name === `${prefix}PORT`)?.value.replace(/^"|"$/g, '');
  return v && /^\d{1,5}$/.test(v) ? v : undefined;
}

/**
 * A sidecar that the latest rollout removed, while the program still reaches for it on localhost. A
 * database or cache that ran as a second container of the pod answered on the pod's loopback address
 * (or a socket in a shared volume); once the rollout drops it in favour of a shared server, a setting
 * left at localhost, or a program that defaults to it, finds nothing there: "Can't connect to local
 * MySQL server through socket", "Redis connection to 127.0.0.1:6379 failed". Found from the pod's log
 * (a failed connection to the pod itself that names what the dropped container served, by its name or
 * its image's), the rollout history (the container the current revision no longer has) and, for the
 * server the change meant, the Services of the namespace its change cause names (the one that serves
 * the port, or the only one). The fix points the one loopback variable of the program at that Service,
 * through `set_env`; without such a variable the answer says which setting to add.
 */
export const droppedSidecarAnalyzer: Analyzer = {
  name: 'dropped-sidecar',
  first: true,
  reads(ctx): Read[] {
    const out: Read[] = [];
    // The history of at most two Deployments whose pods failed so, then the reads for the first failure
    // tied to a dropped container.
    const histories = new Set<string>();
    for (const f of loopbackFailures(ctx)) {
      if (!outputs(ctx.seen, 'get_rollout_history', (o) => o.args['name'] === f.deployment).length) {
        if (histories.size < 2 && !histories.has(f.deployment)) {
          histories.add(f.deployment);
          out.push({ tool: 'get_rollout_history', args: { namespace: ctx.ns, name: f.deployment } });
        }
        continue;
      }
      const removed = tiedRemoval(ctx, f);
      if (!removed) continue;
      if (!outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === f.pod).length)
        out.push({ tool: 'describe_pod', args: { namespace: ctx.ns, name: f.pod } });
      if (removed.cause && namespaceNames(ctx.seen).length === 0)
        out.push({ tool: 'list_resources', args: { kind: 'Namespace' } });
      else
        for (const n of causeNamespaces(ctx, removed.cause).slice(0, 2))
          if (!outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === n).length)
            out.push({ tool: 'list_services', args: { namespace: n } });
      break;
    }
    return out;
  },
  finds(ctx): Finding[] {
    for (const f of loopbackFailures(ctx)) {
      const removed = tiedRemoval(ctx, f);
      if (!removed) continue;
      const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === f.pod).pop();
      const sections = described ? containerSections(described.content).filter((c) => !c.init) : [];
      // The program's one variable that names the pod itself (the container that logged, or the only one).
      const container =
        sections.find(
          (c) =>
            outputs(
              ctx.seen,
              'get_pod_logs',
              (o) => o.args['name'] === f.pod && o.args['container'] === c.name,
            ).length > 0,
        ) ?? (sections.length === 1 ? sections[0] : undefined);
      const env = container ? envOf(container.body) : [];
      // The loopback variable about the dropped server: its value's port is the failure's (or the server's
      // default), or the port variable beside it gives that port, or its name carries a word of what the
      // container served; a variable with another port (a tracing exporter's localhost:4317) is not it.
      const served = servedWords(removed);
      const wanted = f.port ?? defaultPort(removed);
      const loops = env.filter((e) => {
        const m = LOOPBACK_VALUE.exec(e.value.replace(/^"|"$/g, ''));
        if (!m) return false;
        const own = m[2] ?? siblingPort(env, e.name);
        if (own !== undefined) return wanted === undefined || own === wanted;
        return served.some((w) => e.name.toLowerCase().includes(w)) || /HOST|SERVER|ADDR/i.test(e.name);
      });
      const variable = loops.length === 1 ? loops[0] : undefined;
      const port = f.port ?? (variable ? siblingPort(env, variable.name) : undefined) ?? defaultPort(removed);
      // The server the change meant: a Service of the namespace its cause names that serves the port,
      // else one whose name says what the sidecar served, else the only one there.
      const words = servedWords(removed);
      const services = causeNamespaces(ctx, removed.cause).flatMap((n) =>
        outputs(ctx.seen, 'list_services', (o) => o.args['namespace'] === n)
          .slice(-1)
          .flatMap((o) =>
            parseTable(o.content).map((r) => ({ name: r['NAME'] ?? '', ns: n, ports: r['PORT(S)'] ?? '' })),
          ),
      );
      const serves = (s: { ports: string }) =>
        port !== undefined && s.ports.split(',').some((p) => p.split('/')[0]?.split(':')[0] === port);
      const byPort = services.filter(serves);
      const byName = services.filter((s) => s.name.split('-').some((w) => words.includes(w.toLowerCase())));
      const pick =
        byPort.length === 1 ? byPort : byName.length === 1 ? byName : services.length === 1 ? services : [];
      const target = pick[0] ? `${pick[0].name}.${pick[0].ns}.svc` : undefined;
      const value =
        variable && target
          ? variable.value.replace(/^"|"$/g, '').replace(/127\.0\.0\.1|localhost|\[::1\]/i, target)
          : undefined;
      const change = `revision ${removed.revision}${removed.cause ? `: "${clip(removed.cause, 160)}"` : ''}`;
      return [
        {
          weight: 93,
          object: `deployment ${f.deployment} (pod ${f.pod})`,
          cause: `the latest rollout of deployment ${f.deployment} (${change}) removed its ${removed.container} container (${removed.image}), a sidecar that served the pod on localhost, but ${variable ? `${variable.name} still says ${clip(variable.value, 80)}` : 'the program still reaches for it there'}: inside a pod localhost is the pod itself, where nothing serves it any more, so "${clip(f.line, 220)}"${target ? `; the server the change meant is the Service ${pick[0]!.name} in namespace ${pick[0]!.ns} (${target}${port ? `, port ${port}` : ''})` : ''}. The credentials and the server itself are not what fails`,
          evidence: [
            `get_pod_logs ${f.pod}: "${clip(f.line, 200)}"`,
            `get_rollout_history ${f.deployment}: ${change}, without the ${removed.container} container`,
            ...(variable ? [`describe_pod ${f.pod}: ${variable.name}: ${clip(variable.value, 100)}`] : []),
            ...(pick[0] ? [`list_services ${pick[0].ns}: ${pick[0].name} ${pick[0].ports}`] : []),
          ],
          advice:
            variable && value
              ? `set ${variable.name} of ${f.deployment} to ${value}, the shared server, instead of localhost`
              : `point ${f.deployment}'s ${removed.container} host setting at ${target ?? 'the server that replaced the sidecar'} instead of localhost (the program falls back to localhost without one)`,
          revisionSound: true,
          ...(variable && value && container
            ? envFix(
                ctx.ns,
                f.deployment,
                container.name,
                [{ name: variable.name, value }],
                `set ${variable.name} of ${f.deployment}/${container.name} to ${value}, instead of localhost`,
              )
            : {}),
        },
      ];
    }
    return [];
  },
};
