import { parseQuantity } from '@sre-harness/tools-k8s';
import { formatMemory, memoryLimit } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  clip,
  containerSections,
  linesWith,
  outputs,
  ownerDeployment,
  podListOf,
  type Read,
  stateBlock,
  textOf,
} from './types.js';

// How resolvers report a failed lookup (glibc, Go, Node, Java), as they print it.
const DNS_FAILURES = [
  'EAI_AGAIN',
  'ENOTFOUND',
  'server misbehaving',
  'Temporary failure in name resolution',
  'Name or service not known',
  'no such host',
  'UnknownHostException',
  'could not resolve host',
  'i/o timeout',
];
const DNS_NS = 'kube-system';

/** Lookups that fail in a program's logs while the cluster's DNS (CoreDNS in kube-system) is down. */
export const dnsAnalyzer: Analyzer = {
  name: 'dns',
  reads({ seen }) {
    const logs = textOf(seen, 'get_pod_logs');
    const lookups = linesWith(logs, DNS_FAILURES).filter(
      (l) => !l.includes('i/o timeout') || /:53\b|lookup /.test(l),
    );
    if (lookups.length === 0) return [];
    const reads: Read[] = [{ tool: 'list_pods', args: { namespace: DNS_NS } }];
    // A crash-looping CoreDNS can be caught Running between restarts: its restarts say so too.
    const dnsPods = coreDnsPods(seen).filter((p) => !healthy(p) || p.restarts > 0);
    for (const p of dnsPods.slice(0, 1)) {
      reads.push({ tool: 'describe_pod', args: { namespace: DNS_NS, name: p.name } });
      // A pod that never restarted has no previous log: what it logs now says why it is not ready.
      reads.push({
        tool: 'get_pod_logs',
        args: { namespace: DNS_NS, name: p.name, ...(p.restarts > 0 ? { previous: true } : {}) },
      });
    }
    return reads;
  },
  finds({ seen }) {
    const lookups = linesWith(textOf(seen, 'get_pod_logs'), DNS_FAILURES);
    const dnsLogs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === DNS_NS)
      .map((o) => o.content)
      .join('\n');
    // Down, or restarting with a fatal error in its log (caught Running between two crashes).
    const fatal = linesWith(dnsLogs, ['[FATAL]', 'panic:']).length > 0;
    const bad = coreDnsPods(seen).filter((p) => !healthy(p) || (fatal && p.restarts > 0));
    if (lookups.length === 0 || bad.length === 0) return [];
    const why = linesWith(dnsLogs, ['FATAL', 'fatal', 'loop', 'error', 'Error']).pop();
    // A fatal line kills it (a forwarding loop): that, not the wait at start, is why it is down.
    const unsynced = fatal ? undefined : waitingOnApi(dnsLogs, why);
    // A CoreDNS container killed at its memory limit (its description's Last State): the limit is the
    // fault, and raising it (twice the limit) is the fix.
    const oom = coreDnsOom(seen);
    return [
      {
        // Upstream of every failed lookup: above the crashes of the programs that log them (a
        // dependency's boost is +20 over their ~85–90).
        weight: 110,
        object: `coredns in ${DNS_NS}`,
        cause: `cluster DNS is down: the CoreDNS pods in ${DNS_NS} are ${bad.map((p) => `${p.name} ${p.status}${healthy(p) ? ` (restarting: ${p.restarts} restarts)` : p.status === 'Running' ? ` but not ready (${p.ready})` : ''}`).join(', ')}${
          oom
            ? `, because their container ${oom.container} is OOMKilled (exit code 137) at its ${oom.limit} memory limit: CoreDNS's memory grows with the cluster's Services and endpoints and with the query load (its cache and concurrent queries), and the limit is below what it now needs`
            : unsynced
              ? `, because ${unsynced}`
              : why
                ? ` (CoreDNS logs: "${clip(why, 140)}")`
                : ''
        }, so name lookups from pods fail ("${clip(lookups[lookups.length - 1]!, 120)}") and the programs that depend on them fail with it`,
        evidence: [
          `list_pods ${DNS_NS}: ${bad.map((p) => `${p.name} ${p.status} ${p.ready}${p.restarts ? `, ${p.restarts} restarts` : ''}`).join(', ')}`,
          ...(oom
            ? [
                `describe_pod ${oom.pod}: container ${oom.container} Last State Terminated, Reason OOMKilled; memory limit ${oom.limit}`,
              ]
            : []),
          `logs: "${clip(lookups[lookups.length - 1]!, 140)}"`,
        ],
        ...(oom?.deployment && oom.target
          ? {
              fix: {
                tool: 'set_resources',
                args: {
                  namespace: DNS_NS,
                  deployment: oom.deployment,
                  container: oom.container,
                  limits: { memory: oom.target },
                },
                text: `raise the memory limit of ${oom.deployment}/${oom.container} in ${DNS_NS} from ${oom.limit} to ${oom.target}`,
              },
            }
          : {}),
        advice: oom
          ? `raise CoreDNS's memory limit (from ${oom.limit}${oom.target ? ` to ${oom.target}` : ''}); the applications recover once lookups work`
          : unsynced
            ? `restore the path from the CoreDNS pods to the Kubernetes API server (the kubernetes Service's address and port: kube-proxy on the node, a NetworkPolicy or firewall rule, the API server's own health), then restart the CoreDNS pods (kubectl -n ${DNS_NS} rollout restart deployment coredns) if they stay not ready; the applications recover once lookups work`
            : `fix CoreDNS first (${why ? clip(why, 80) : 'see its logs'}); the applications recover once lookups work`,
      },
    ];
  },
};

/**
 * Why CoreDNS is not ready when its log says its ready plugin waits on the kubernetes plugin (`[INFO]
 * plugin/ready: Still waiting on: "kubernetes"`): the plugin answers cluster names only after its first
 * list of Services and EndpointSlices from the API server, and until then the ready plugin keeps the
 * readiness endpoint failing (CoreDNS plugin docs, "ready" and "kubernetes"). The error line `why`, when it
 * shows the API server's address failing (`dial tcp 10.96.0.1:443: i/o timeout`), says the API server is not
 * reached. Undefined when the log does not say it waits.
 */
export function waitingOnApi(log: string, why: string | undefined): string | undefined {
  if (!/plugin\/ready: Still waiting on: "kubernetes"/.test(log.slice(0, 1_000_000))) return undefined;
  const dial =
    why && /plugin\/kubernetes/.test(why)
      ? /dial tcp ([0-9a-f.:[\]]{3,60}): (?:connect: )?([a-z][a-z /]{2,40})/.exec(why)
      : null;
  return `the CoreDNS log says "plugin/ready: Still waiting on: "kubernetes"": its kubernetes plugin has not yet listed Services and EndpointSlices from the Kubernetes API server, so the ready plugin keeps the pods not ready and they are not in kube-dns's endpoints${
    dial
      ? `; it cannot reach the API server: "${clip(why!, 200)}" (${dial[1]} is the kubernetes Service's address, and the call fails with ${dial[2]!.trim()})`
      : ''
  }`;
}

/** A described CoreDNS pod whose container was last OOMKilled: where, at what limit, and twice that limit. */
function coreDnsOom(seen: Parameters<Analyzer['finds']>[0]['seen']) {
  for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === DNS_NS)) {
    const pod = String(d.args['name'] ?? '');
    if (!/^(coredns|kube-dns)-/.test(pod)) continue;
    for (const c of containerSections(d.content)) {
      if (c.init || stateBlock(c.body, 'Last State').reason !== 'OOMKilled') continue;
      const limit = memoryLimit(c.body);
      const bytes = parseQuantity(limit);
      return {
        pod,
        container: c.name,
        limit: limit ?? 'its',
        deployment: ownerDeployment(d.content),
        target: bytes !== undefined ? formatMemory(bytes * 2) : undefined,
      };
    }
  }
  return undefined;
}

function coreDnsPods(seen: Parameters<Analyzer['finds']>[0]['seen']) {
  const list = podListOf(seen, DNS_NS);
  if (!list) return [];
  return parseTable(list.content)
    .filter((r) => /^(coredns|kube-dns)-/.test(r['NAME'] ?? ''))
    .map((r) => ({
      name: r['NAME'] ?? '',
      status: r['STATUS'] ?? '',
      ready: r['READY'] ?? '',
      restarts: Number.parseInt(r['RESTARTS'] ?? '0', 10) || 0,
    }));
}

function healthy(p: { status: string; ready: string }): boolean {
  const [a, b] = p.ready.split('/').map(Number);
  return p.status === 'Running' && a === b;
}

/** The host a failed lookup names (`lookup ldap.corp.acme.internal on …`, `getaddrinfo ENOTFOUND x`). */
function lookedUp(line: string): string | undefined {
  return /(?:lookup|ENOTFOUND|EAI_AGAIN|resolve host:?|UnknownHostException:?)\s+"?([a-z0-9][a-z0-9.-]{0,252}[a-z0-9])\b/i.exec(
    line,
  )?.[1];
}

/** Server blocks of a Corefile: the zone each serves and the upstreams its `forward` names. */
export function corefileForwards(corefile: string): { zone: string; upstreams: string[] }[] {
  const out: { zone: string; upstreams: string[] }[] = [];
  let zone: string | undefined;
  let depth = 0;
  for (const raw of corefile.split('\n')) {
    const line = raw.trim();
    if (depth === 0) {
      const m = /^([a-z0-9.-]{1,253}|\.):53\s*\{$/i.exec(line);
      if (m) {
        zone = m[1]!;
        depth = 1;
      }
      continue;
    }
    const fwd = depth === 1 ? /^forward\s+\.\s+([^{]{1,500})/.exec(line) : null;
    if (fwd && zone) out.push({ zone, upstreams: fwd[1]!.trim().split(/\s+/) });
    for (const ch of line) {
      if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
    if (depth <= 0) {
      depth = 0;
      zone = undefined;
    }
  }
  return out;
}

/**
 * Lookups that fail for one zone only while CoreDNS runs: the Corefile forwards that zone (a stub
 * domain, a `<zone>:53 { forward . <ip> }` server block) to resolvers that no longer answer, so its
 * names time out upstream and come back SERVFAIL ("server misbehaving") while cluster and public names
 * resolve (kubernetes.io, "Customizing DNS Service": stub domains; coredns.io, forward plugin).
 */
export const dnsForwardAnalyzer: Analyzer = {
  name: 'dns-forward',
  reads({ seen }) {
    const hosts = linesWith(textOf(seen, 'get_pod_logs'), DNS_FAILURES).map(lookedUp).filter(Boolean);
    if (hosts.length === 0) return [];
    const pods = coreDnsPods(seen);
    if (pods.length === 0 || !pods.every(healthy)) return [];
    return [
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'coredns', namespace: DNS_NS } },
      { tool: 'get_pod_logs', args: { namespace: DNS_NS, name: pods[0]!.name } },
    ];
  },
  finds({ seen }) {
    const failing = linesWith(textOf(seen, 'get_pod_logs'), DNS_FAILURES)
      .map((line) => ({ line, host: lookedUp(line) }))
      .filter((x): x is { line: string; host: string } => x.host !== undefined);
    if (failing.length === 0) return [];
    const corefile = outputs(
      seen,
      'describe_resource',
      (o) => o.args['kind'] === 'ConfigMap' && o.args['name'] === 'coredns' && o.args['namespace'] === DNS_NS,
    ).pop()?.content;
    if (!corefile) return [];
    const dnsLogs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === DNS_NS)
      .map((o) => o.content)
      .join('\n');
    // The kubernetes plugin serves the cluster's own zone: when the Corefile names another zone than
    // the one the pods look up (cluster.local, the kubelet's --cluster-domain default), CoreDNS answers
    // those Service names NXDOMAIN. https://coredns.io/plugins/kubernetes/
    const served = /^\s*kubernetes\s+(\S{1,253})/m.exec(corefile)?.[1];
    const inCluster = failing.find((f) => /\.svc\.([a-z0-9.-]{1,253}?)\.?$/.test(f.host));
    const wanted = inCluster ? /\.svc\.([a-z0-9.-]{1,253}?)\.?$/.exec(inCluster.host)?.[1] : undefined;
    if (served && inCluster && wanted && served.replace(/\.$/, '') !== wanted) {
      const changed = /^Annotations:\s+(.{1,200})$/m.exec(corefile)?.[1];
      return [
        {
          weight: 93,
          object: `coredns in ${DNS_NS}`,
          cause: `lookups of cluster Service names such as ${inCluster.host} fail with NXDOMAIN (no such host) because the CoreDNS Corefile (ConfigMap coredns in ${DNS_NS}) has its kubernetes plugin serve the zone ${served}, not the cluster domain ${wanted} the pods look up: a typo in the zone, so CoreDNS is running but answers no cluster name${changed ? ` (the ConfigMap's last change: ${clip(changed, 120)})` : ''}`,
          evidence: [
            `logs: "${clip(inCluster.line, 140)}"`,
            `describe_resource ConfigMap coredns: kubernetes ${served} …`,
          ],
          advice: `correct the zone of the kubernetes plugin in the Corefile to ${wanted} (CoreDNS reloads the ConfigMap on its own with the reload plugin); no restart of the clients needed`,
        },
      ];
    }
    for (const block of corefileForwards(corefile)) {
      if (block.zone === '.') continue;
      const hit = failing.find((f) => f.host === block.zone || f.host.endsWith(`.${block.zone}`));
      if (!hit) continue;
      const upstreamError = dnsLogs
        .split('\n')
        .find(
          (l) =>
            block.upstreams.some((u) => u.includes('.') && l.includes(`${u}:53`)) &&
            /timeout|refused|unreachable|error/i.test(l),
        );
      return [
        {
          weight: 92,
          object: `coredns in ${DNS_NS}`,
          cause:
            `lookups of ${hit.host} fail because the CoreDNS Corefile (ConfigMap coredns in ${DNS_NS}) forwards the zone ${block.zone} (its own server block, a stub domain) to ${block.upstreams.join(' ')}, ` +
            `and those upstream resolvers do not answer${upstreamError ? ` (CoreDNS logs: "${clip(upstreamError.trim(), 140)}")` : ''}: names in ${block.zone} time out upstream and come back as errors, while cluster and public names still resolve; CoreDNS itself is running`,
          evidence: [
            `logs: "${clip(hit.line, 140)}"`,
            `describe_resource ConfigMap coredns: ${block.zone}:53 { forward . ${block.upstreams.join(' ')} }`,
            ...(upstreamError ? [`CoreDNS logs: "${clip(upstreamError.trim(), 140)}"`] : []),
          ],
          advice: `point the forward of ${block.zone} in the Corefile at the resolvers that serve it now (ask the network team whether they moved), then CoreDNS reloads it; no restart needed`,
        },
      ];
    }
    // The default block (.) forwarding to several resolvers, one of which no longer answers: CoreDNS's
    // forward plugin spreads queries over them (policy random), so a share of external lookups fail.
    const root = corefileForwards(corefile).find((b) => b.zone === '.');
    const external = failing.find((f) => !/\.(?:svc|cluster\.local)\.?$|^[a-z0-9-]{1,63}$/.test(f.host));
    if (root && external && root.upstreams.length > 1) {
      const dead = root.upstreams.filter(
        (u) =>
          u.includes('.') &&
          dnsLogs
            .split('\n')
            .some((l) => l.includes(`${u}:53`) && /i\/o timeout|refused|unreachable|no route/i.test(l)),
      );
      const line = dead.length
        ? dnsLogs
            .split('\n')
            .find((l) => l.includes(`${dead[0]}:53`))
            ?.trim()
        : undefined;
      if (dead.length > 0 && dead.length < root.upstreams.length)
        return [
          {
            weight: 92,
            object: `coredns in ${DNS_NS}`,
            cause:
              `lookups of external names such as ${external.host} fail part of the time because the CoreDNS Corefile (ConfigMap coredns in ${DNS_NS}) forwards the default zone (.) to ${root.upstreams.join(' ')}, and ${dead.join(', ')} no longer answers (CoreDNS logs: "${clip(line ?? '', 140)}"): ` +
              `the forward plugin picks an upstream per query (policy random), so the queries sent to the dead resolver time out and the pods get SERVFAIL ("server misbehaving"), while cluster names and the other upstream's answers still work; CoreDNS itself is running`,
            evidence: [
              `logs: "${clip(external.line, 140)}"`,
              `describe_resource ConfigMap coredns: .:53 { forward . ${root.upstreams.join(' ')} }`,
              `CoreDNS logs: "${clip(line ?? '', 140)}"`,
            ],
            advice: `remove ${dead.join(', ')} from the forward line of the Corefile's default block (or replace it with a resolver that answers); CoreDNS reloads the ConfigMap, no restart needed`,
          },
        ];
    }
    return [];
  },
};
