import { parseTable } from '../k8s-text.js';
import { latestRolloutChanges } from './rollout-diff.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  outputs,
  type Read,
  setEnvFix,
  tableOf,
} from './types.js';

/** How resolvers report a failed lookup (glibc, Go, Node.js, Java, curl), as they print it. */
const LOOKUP_FAILED =
  /Temporary failure in name resolution|Name or service not known|no such host|ENOTFOUND|EAI_AGAIN|UnknownHostException|could not resolve host|nodename nor servname/i;
/**
 * The host a failed lookup names, when it is a short name (no dot after it): `for host "x"`, libpq's
 * `could not translate host name "x"`, PHP's `getaddrinfo for x failed`, `lookup x on`, `ENOTFOUND x`,
 * `resolve host: x`, `UnknownHostException: x`; not the `for` of NATS's `lookup for host "x"`.
 */
const SHORT_HOST =
  /(?:\bhost name\s{0,3}["']?|\bhost(?! name)[:=]?\s{0,3}["']?|\bgetaddrinfo for\s|\blookup\s(?!for\s)|\bENOTFOUND\s|\bEAI_AGAIN\s|resolve host:?\s{0,3}["']?|UnknownHostException:?\s{0,3})([a-z][a-z0-9-]{0,62})(?![a-z0-9.-])/i;
/** A Kubernetes-style object name in a line: lowercase words joined by hyphens (`erp-fd`, `billing-api`). */
const NAME = /(?<![\w.-])[a-z][a-z0-9]{0,30}(?:-[a-z0-9]{1,30}){1,6}(?![\w.-])/g;

interface Lookup {
  /** The pod whose log has the line, and its namespace. */
  readonly pod: string;
  readonly podNs: string;
  readonly line: string;
  readonly host: string;
  /** Other names in the line: the client a relaying daemon names (`erp-fd JobId 412: …`). */
  readonly names: readonly string[];
}

/**
 * Whether a pod list shows the pod restarting (a status other than Running, or restarts without an age or
 * within the last hour): a crashing container's failed lookup is the crash signature's (`containers/crash.ts`), which
 * says the same with the exit code.
 */
function restarting(ctx: AnalyzerContext, pod: string): boolean {
  return tableOf(ctx.seen, 'list_pods').some((r) => {
    if (r['NAME'] !== pod) return false;
    if (r['STATUS'] !== 'Running') return true;
    const restarts = r['RESTARTS'] ?? '0';
    if (/^0(?:\s|$)/.test(restarts)) return false;
    // kubectl's "1 (4d ago)": a restart hours or days ago is history, not a crash loop.
    return !/\((?:\d{1,4}d|\d{1,3}h)[\dhms]{0,12} ago\)/.test(restarts);
  });
}

/** Failed lookups of short names in the logs of running pods, at most one per pod. */
function lookups(ctx: AnalyzerContext): Lookup[] {
  const out: Lookup[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs')) {
    if (o.args['previous'] === true || restarting(ctx, String(o.args['name'] ?? ''))) continue;
    const text = o.content.length > 200_000 ? o.content.slice(-200_000) : o.content;
    // The newest failed lookup: an older one may be from before a fix.
    const line = text
      .split('\n')
      .filter((l) => l.length <= 2000 && LOOKUP_FAILED.test(l) && SHORT_HOST.test(l))
      .pop();
    if (!line) continue;
    const host = SHORT_HOST.exec(line)![1]!.toLowerCase();
    const pod = String(o.args['name'] ?? '');
    const names = [...new Set(line.match(NAME) ?? [])].filter((n) => n !== host && !pod.startsWith(`${n}-`));
    out.push({ pod, podNs: String(o.args['namespace'] ?? ctx.ns), line, host, names: names.slice(0, 2) });
  }
  return out.slice(0, 3);
}

/** The namespaces of each kind of object named `name` that the searches across namespaces listed. */
function found(ctx: AnalyzerContext, name: string): { kind: string; namespace: string }[] {
  return outputs(ctx.seen, 'find_objects')
    .flatMap((o) => parseTable(o.content))
    .filter((r) => r['NAME'] === name && r['NAMESPACE'] && r['NAMESPACE'] !== '-')
    .map((r) => ({ kind: r['KIND'] ?? '', namespace: r['NAMESPACE']! }));
}

const searched = (ctx: AnalyzerContext, name: string) =>
  outputs(ctx.seen, 'find_objects').some((o) => o.args['name'] === name);

/**
 * The workload of that name in another namespace than `not` (a Deployment, StatefulSet or DaemonSet):
 * its kind, lowercased, and its namespace; `{}` when the searches listed none.
 */
function workloadOf(ctx: AnalyzerContext, name: string, not: string): { kind?: string; namespace?: string } {
  const r = found(ctx, name).find(
    (x) => /^(?:Deployment|StatefulSet|DaemonSet)$/.test(x.kind) && x.namespace !== not,
  );
  return r ? { kind: r.kind.toLowerCase(), namespace: r.namespace } : {};
}

/**
 * The variable the latest rollout of a failing Deployment of the namespace changed so that it names `host`
 * (as a URL's host, `host:port` or the name alone) where its value before named another host, with the
 * `set_env` that puts the value before back; undefined when the rollout's templates were not read.
 */
function renamedHost(ctx: AnalyzerContext, host: string) {
  const found = latestRolloutChanges(ctx);
  if (!found) return undefined;
  const names = new RegExp(`(?:^|[/@=])${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[:/]|$)`);
  const c = found.list.find(
    (x) =>
      x.env &&
      x.before !== undefined &&
      x.after !== undefined &&
      names.test(x.after) &&
      !names.test(x.before),
  );
  if (!c?.env || c.before === undefined || c.after === undefined) return undefined;
  return {
    deployment: found.deployment,
    container: c.container,
    env: c.env,
    before: c.before,
    after: c.after,
    revision: found.rev.n,
    cause: found.rev.cause,
    fix: setEnvFix(
      ctx.ns,
      found.deployment,
      c.container,
      [{ name: c.env, value: c.before }],
      `set ${c.env} of ${found.deployment}/${c.container} back to "${c.before}", the value of the revision before`,
    ),
  };
}

/**
 * A short name looked up from the wrong namespace: a pod resolves a bare Service name against its own
 * namespace first (the search list of its resolv.conf begins with `<namespace>.svc.cluster.local`), so
 * `storage` asked from namespace `erp` means `storage.erp.svc.cluster.local`; when the Service lives only
 * in another namespace the lookup fails (NXDOMAIN through every search domain) while the same name works
 * for the pods beside the Service. Found from a failed lookup of a short name (in the client's own log, or
 * in a log that relays the client's message and names it), a search showing the Service in one namespace
 * only, and the client's workload in another. Source: kubernetes.io, "DNS for Services and Pods" (a query
 * without a namespace is limited to the pod's namespace). The reads: a search for the name and for the
 * client named in a relayed line.
 */
export const shortNameNamespaceAnalyzer: Analyzer = {
  name: 'short-name-namespace',
  // The reads follow from a failing pod's own log line, before the reads of services and dependencies.
  first: true,
  reads(ctx): Read[] {
    const reads: Read[] = [];
    for (const l of lookups(ctx))
      for (const name of [l.host, ...(l.podNs === ctx.ns ? l.names.slice(0, 1) : [])])
        if (!searched(ctx, name) && !reads.some((r) => r.args['name'] === name))
          reads.push({ tool: 'find_objects', args: { name } });
    return reads.slice(0, 3);
  },
  finds(ctx): Finding[] {
    for (const l of lookups(ctx)) {
      const services = found(ctx, l.host).filter((r) => r.kind === 'Service');
      const homes = [...new Set(services.map((r) => r.namespace))];
      if (homes.length !== 1) continue;
      const home = homes[0]!;
      // Who looks the name up: the pod itself when it runs elsewhere, else the client its line names.
      const client =
        l.podNs !== home
          ? { name: l.pod, kind: 'pod', namespace: l.podNs, relayed: false }
          : l.names
              .map((n) => ({ name: n, ...workloadOf(ctx, n, home), relayed: true }))
              .find((c) => c.namespace !== undefined);
      if (!client?.namespace) continue;
      const fqdn = `${l.host}.${home}.svc.cluster.local`;
      const quoted = `"${clip(l.line.trim(), 220)}"`;
      // The latest rollout of the client's own Deployment put the short name into a variable that named
      // another host before: the value that worked is the fix, not a reach into the other namespace.
      const changed = client.namespace === ctx.ns ? renamedHost(ctx, l.host) : undefined;
      return [
        {
          weight: 90 + bonus(client.name, ctx.hints),
          // Named with its own namespace, so the answer does not place it in the one under investigation.
          object: `${client.kind} ${client.name} in ${client.namespace}`,
          cause: `${client.name} runs in namespace ${client.namespace} and looks up the short name ${l.host}, which fails to resolve (${quoted}${client.relayed ? `, logged by ${l.pod} for ${client.name}` : ''}): a pod resolves a bare name against its own namespace first, so from ${client.namespace} ${l.host} means ${l.host}.${client.namespace}.svc.cluster.local, and the Service ${l.host} exists only in namespace ${home}. The name works for the pods in ${home}, which is why the others there are fine; ${l.host} itself is not down${changed ? `. The latest rollout of ${changed.deployment} (revision ${changed.revision}${changed.cause ? `: "${clip(changed.cause, 120)}"` : ''}) changed ${changed.env} of container ${changed.container} from "${clip(changed.before, 100)}" to "${clip(changed.after, 100)}": the short name came with that change, and the value before it named another server` : ''}`,
          evidence: [
            `get_pod_logs ${l.pod}: ${quoted}`,
            `find_objects ${l.host}: Service ${l.host} in ${home} only`,
            ...(client.relayed ? [`find_objects ${client.name}: in namespace ${client.namespace}`] : []),
          ],
          advice: changed
            ? `put ${changed.env} of ${changed.deployment} back to "${changed.before}", the value of the revision before, which did not name ${l.host}; pointing ${client.name} at ${l.host}.${home} (the fully qualified ${fqdn}) would only make it reach the ${l.host} of ${home}`
            : `give ${client.name} the name with its namespace, ${l.host}.${home} (or the fully qualified ${fqdn}), in its configuration; a short name works only inside ${home}`,
          ...(changed ? { fix: changed.fix } : {}),
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
