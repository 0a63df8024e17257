import type { SeenObservation } from '../observations.js';
import {
  type Analyzer,
  clip,
  describedLabels,
  type Finding,
  linesWith,
  listedReads,
  outputs,
  ownerDeployment,
  podDeployment,
  type Read,
} from './types.js';

/**
 * A connection dropped rather than refused, as clients say it: Go's i/o timeout, Node's ETIMEDOUT and
 * undici's `ConnectTimeoutError` (`UND_ERR_CONNECT_TIMEOUT`, "Connect Timeout Error"), libpq's and Java's
 * "timed out".
 */
export const DROPPED = [
  'i/o timeout',
  'timed out',
  'context deadline exceeded',
  'connection timed out',
  'ETIMEDOUT',
  'connect timeout',
  'ConnectTimeoutError',
  // redis-py's and its wrappers' (tooz): "Timeout connecting to server".
  'Timeout connecting',
];

const SVC_HOST =
  /\b([a-z][a-z0-9-]{0,62})\.([a-z][a-z0-9-]{0,62})\.svc(?:\.cluster\.local)?(?::(\d{1,5}))?\b/g;

/** Services in other namespaces (`svc.ns.svc…[:port]`) a text names, at most three. */
export function remoteHosts(text: string, ns: string): { service: string; ns: string; port?: number }[] {
  const out: { service: string; ns: string; port?: number }[] = [];
  for (const m of text.slice(-200_000).matchAll(SVC_HOST)) {
    if (m[2] === ns) continue;
    const have = out.find((o) => o.service === m[1] && o.ns === m[2]);
    if (have) {
      if (have.port === undefined && m[3]) have.port = Number(m[3]);
      continue;
    }
    out.push({ service: m[1]!, ns: m[2]!, ...(m[3] ? { port: Number(m[3]) } : {}) });
    if (out.length >= 3) break;
  }
  return out;
}

interface EgressPeer {
  nsLabels?: Record<string, string>;
  podLabels?: Record<string, string>;
  /** An ipBlock's CIDR and its exceptions. */
  cidr?: string;
  except?: string[];
  other: boolean;
}
export interface EgressRule {
  peers: EgressPeer[];
  ports: string[];
}

/** A described NetworkPolicy's pod selector, whether it limits egress, and its egress rules. */
export function egressPolicy(text: string): {
  selector: Record<string, string> | undefined;
  egress: boolean;
  rules: EgressRule[];
} {
  const p = policyRules(text, 'Egress');
  return { selector: p.selector, egress: p.limits, rules: p.rules };
}

/**
 * A described NetworkPolicy's pod selector, whether it limits the direction (`policyTypes` lists it), and
 * that direction's rules: for Egress the `egress[i].to[j]` peers, for Ingress the `ingress[i].from[j]` ones,
 * with the ports of each rule. Reads the flattened spec lines of `describe_resource`.
 */
export function policyRules(
  text: string,
  direction: 'Ingress' | 'Egress',
): { selector: Record<string, string> | undefined; limits: boolean; rules: EgressRule[] } {
  const dir = direction === 'Egress' ? 'egress' : 'ingress';
  const side = direction === 'Egress' ? 'to' : 'from';
  const selector: Record<string, string> = {};
  let selects = false;
  let limits = false;
  const rules = new Map<string, EgressRule>();
  const rule = (i: string) => {
    const r = rules.get(i) ?? { peers: [], ports: [] };
    rules.set(i, r);
    return r;
  };
  const peers = new Map<string, EgressPeer>();
  // `port`, and `endPort` that makes it a range (`6000-7000`, networking.k8s.io/v1 NetworkPolicyPort).
  const portLine = new RegExp(
    String.raw`^${dir}\[(\d{1,3})\]\.ports\[(\d{1,3})\]\.(port|endPort): (\S{1,63})$`,
  );
  const portsAt = new Map<string, { port?: string; end?: string }>();
  const peerLine = new RegExp(
    String.raw`^${dir}\[(\d{1,3})\]\.${side}\[(\d{1,3})\]\.(namespaceSelector|podSelector|ipBlock)(?:\.matchLabels\.(\S{1,317}))?(\.\S{1,64})?:\s?(.{0,253})$`,
  );
  const allLine = new RegExp(String.raw`^${dir}\[(\d{1,3})\]: \{\}$`);
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === 'podSelector: {}') selects = true;
    const sel = /^podSelector\.matchLabels\.(\S{1,317}): (.{0,63})$/.exec(line);
    if (sel) {
      selects = true;
      selector[sel[1]!] = sel[2]!.trim();
    }
    if (/^policyTypes\[\d{1,2}\]: (\w{1,10})$/.exec(line)?.[1] === direction) limits = true;
    const port = portLine.exec(line);
    if (port) {
      rule(port[1]!);
      const at = portsAt.get(`${port[1]}.${port[2]}`) ?? {};
      if (port[3] === 'port') at.port = port[4]!;
      else at.end = port[4]!;
      portsAt.set(`${port[1]}.${port[2]}`, at);
    }
    const to = peerLine.exec(line);
    if (to) {
      const key = `${to[1]}.${to[2]}`;
      let p = peers.get(key);
      if (!p) {
        p = { other: false };
        peers.set(key, p);
        rule(to[1]!).peers.push(p);
      }
      const value = to[6]!.trim();
      if (to[3] === 'ipBlock') {
        p.other = true;
        if (to[5] === '.cidr') p.cidr = value;
        else if (to[5]?.startsWith('.except[')) p.except = [...(p.except ?? []), value];
      } else if (to[3] === 'namespaceSelector') {
        p.nsLabels = p.nsLabels ?? {};
        if (to[4]) p.nsLabels[to[4]] = value;
        else if (value !== '{}') p.other = true;
      } else {
        p.podLabels = p.podLabels ?? {};
        if (to[4]) p.podLabels[to[4]] = value;
        else if (value !== '{}') p.other = true;
      }
    }
    // A rule with no peers still exists: `egress[0].ports[0]…` made it; `egress[0]: {}` allows all.
    const all = allLine.exec(line);
    if (all) rule(all[1]!);
  }
  for (const [key, p] of portsAt) {
    if (p.port === undefined) continue;
    const r = rule(key.split('.')[0]!);
    r.ports.push(
      p.end !== undefined && /^\d{1,5}$/.test(p.port) && /^\d{1,5}$/.test(p.end)
        ? `${p.port}-${p.end}`
        : p.port,
    );
  }
  return { selector: selects ? selector : undefined, limits, rules: [...rules.values()] };
}

/** An IPv4 address as a 32-bit number, or undefined when `text` is not one. */
function ipv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((x) => x > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

/** Whether IPv4 `ip` is inside `cidr` (a.b.c.d/n); undefined when either cannot be read. */
export function inCidr(ip: string, cidr: string): boolean | undefined {
  const [base, bits] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(base ?? '');
  const n = Number(bits);
  if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return undefined;
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

/**
 * Whether the egress rules certainly drop a connection to the literal address `ip` on `port`: every
 * rule that admits the port lists only ipBlocks, and none of them holds the address (outside its
 * exceptions). A rule with a selector peer, an unreadable CIDR or no peers is taken to allow it.
 */
export function addressDenied(rules: readonly EgressRule[], ip: string, port: number): boolean {
  for (const r of rules) {
    if (!(r.ports.length === 0 || r.ports.some((p) => portAdmits(p, port)))) continue;
    if (r.peers.length === 0) return false;
    for (const p of r.peers) {
      if (!p.cidr) return false;
      const inside = inCidr(ip, p.cidr);
      if (inside === undefined) return false;
      const excepted = (p.except ?? []).some((e) => inCidr(ip, e) === true);
      if (inside && !excepted) return false;
    }
  }
  return true;
}

/** Whether an address is outside the private and cluster ranges (RFC 1918, CGNAT, loopback, link-local, class E). */
function isPublic(ip: string): boolean {
  return ![
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    // Reserved (class E), used by some providers for pod addresses (GKE's non-RFC 1918 ranges).
    '240.0.0.0/4',
  ].some((c) => inCidr(ip, c) === true);
}

/**
 * Whether the egress rules certainly drop a connection to the public address `ip` on `port`: no rule that
 * admits the port allows every destination or holds the address in an ipBlock (outside its exceptions).
 * Selector peers (namespaces, pods) never match an address outside the cluster.
 */
function publicDenied(rules: readonly EgressRule[], ip: string, port: number): boolean {
  if (!isPublic(ip)) return false;
  for (const r of rules) {
    if (!(r.ports.length === 0 || r.ports.some((p) => portAdmits(p, port)))) continue;
    if (r.peers.length === 0) return false;
    for (const p of r.peers) {
      if (!p.cidr) continue;
      const inside = inCidr(ip, p.cidr);
      if (inside === undefined) return false;
      if (inside && !(p.except ?? []).some((e) => inCidr(ip, e) === true)) return false;
    }
  }
  return true;
}

/** A URL's host outside the cluster a log line names (`https://registry.npmjs.org`), not a Service's. */
export const OUTSIDE_URL = /\bhttps?:\/\/([a-z0-9](?:[a-z0-9-]{0,62}\.){1,6}[a-z]{2,24})(?![\w.-])/i;

/**
 * Whether a rule's port entry admits `port`: the same number, a range (`6000-7000`, from `endPort`) that holds
 * it, or a named port (which may be it).
 */
export function portAdmits(entry: string, port: number): boolean {
  if (entry === String(port)) return true;
  const range = /^(\d{1,5})-(\d{1,5})$/.exec(entry);
  if (range) return Number(range[1]) <= port && port <= Number(range[2]);
  return !/^\d+$/.test(entry);
}

/**
 * Whether an egress rule lets a connection to a Service in namespace `to` (pods labelled `pods`, when
 * known) on `port` out. Peers it cannot judge (an ipBlock, namespace labels other than the name
 * label) count as allowing, so only a certain denial is reported.
 */
export function ruleAllows(
  r: EgressRule,
  from: string,
  to: string,
  port: number | undefined,
  pods: Record<string, string> | undefined,
): boolean {
  const portOk = r.ports.length === 0 || port === undefined || r.ports.some((p) => portAdmits(p, port));
  if (!portOk) return false;
  if (r.peers.length === 0) return true;
  return r.peers.some((p) => {
    if (p.other) return true;
    const nsOk =
      p.nsLabels === undefined
        ? to === from
        : Object.entries(p.nsLabels).every(([k, v]) => k === 'kubernetes.io/metadata.name' && v === to) ||
          Object.keys(p.nsLabels).some((k) => k !== 'kubernetes.io/metadata.name');
    if (!nsOk) return false;
    if (!p.podLabels || !pods) return true;
    return Object.entries(p.podLabels).every(([k, v]) => pods[k] === v);
  });
}

function serviceFacts(
  seen: readonly SeenObservation[],
  ns: string,
  name: string,
): { port?: number; ports?: number[]; ip?: string; selector?: Record<string, string> } {
  const d = outputs(
    seen,
    'describe_service',
    (o) => o.args['namespace'] === ns && o.args['name'] === name,
  ).pop();
  if (!d) return {};
  const port = /^Port:\s+(?:\S{1,63}\s+)?(\d{1,5})\/(?:TCP|UDP|SCTP)/m.exec(d.content)?.[1];
  const sel = /^Selector:\s+(\S{1,2000})$/m.exec(d.content)?.[1];
  const selector =
    sel && sel !== '<none>'
      ? Object.fromEntries(
          sel.split(',').map((kv) => {
            const at = kv.indexOf('=');
            return [kv.slice(0, at), kv.slice(at + 1)];
          }),
        )
      : undefined;
  const ports = [...d.content.matchAll(/^Port:\s+(?:\S{1,63}\s+)?(\d{1,5})\/(?:TCP|UDP|SCTP)/gm)].map((m) =>
    Number(m[1]),
  );
  const ip = /^IP:\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/m.exec(d.content)?.[1];
  return {
    ...(port ? { port: Number(port) } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    ...(ip ? { ip } : {}),
    ...(selector ? { selector } : {}),
  };
}

/**
 * Source and configuration file extensions: `scheduler.go:96`, `views.py:212`, `app.js:40` and
 * `default.conf:14` in a log are a file and its line (Go's klog header, Python's and Node's stack frames,
 * nginx's and YAML parsers' errors), not a Service `scheduler` of a namespace `go`.
 */
const SOURCE_FILE = new Set([
  'go',
  'py',
  'js',
  'mjs',
  'cjs',
  'ts',
  'tsx',
  'jsx',
  'java',
  'kt',
  'scala',
  'rb',
  'rs',
  'cc',
  'cpp',
  'cxx',
  'hpp',
  'php',
  'cs',
  'ex',
  'exs',
  'erl',
  'clj',
  'swift',
  'lua',
  'pl',
  'sh',
  'dart',
  'groovy',
  // Configuration and template files a parser names with a line (`/etc/nginx/conf.d/default.conf:14`).
  'conf',
  'cfg',
  'ini',
  'yaml',
  'yml',
  'toml',
  'json',
  'xml',
  'properties',
  'env',
  'tf',
  'hcl',
  'tpl',
  'tmpl',
  'j2',
  'sql',
  'html',
  'txt',
]);

/**
 * Hosts a text names that may be Services but are not written `svc.ns.svc`: `name.ns:port` (a Service
 * in another namespace) and a URL's bare host `scheme://name:port` (one in the client's namespace).
 * They count only once `describe_service` finds them. At most two.
 */
export function shortHosts(text: string, ns: string): { service: string; ns: string; port?: number }[] {
  const out: { service: string; ns: string; port?: number }[] = [];
  const add = (service: string, at: string, port?: string) => {
    if (out.length >= 2 || out.some((o) => o.service === service && o.ns === at)) return;
    out.push({ service, ns: at, ...(port ? { port: Number(port) } : {}) });
  };
  const t = text.slice(-200_000);
  for (const m of t.matchAll(/(?<![\w.-])([a-z][a-z0-9-]{0,62})\.([a-z][a-z0-9-]{1,62}):(\d{2,5})\b/g))
    if (m[2] !== 'svc' && !SOURCE_FILE.has(m[2]!)) add(m[1]!, m[2]!, m[3]);
  for (const m of t.matchAll(
    /[a-z][a-z0-9+.-]{0,20}:\/\/(?:[^\s@/]{0,200}@)?([a-z][a-z0-9-]{0,62})(?::(\d{1,5}))?(?=[/\s"'?]|$)/g,
  ))
    if (m[1] !== 'localhost') add(m[1]!, ns, m[2]);
  return out;
}

/** Client logs in the namespace with a dropped connection, and the remote Services each names. */
/**
 * The pod's description, else its Deployment's (the pod template: its labels, variables and mounts), so
 * a client whose pod was not described is still read.
 */
export function describedOrTemplate(seen: readonly SeenObservation[], ns: string, pod: string) {
  const described = outputs(seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
  if (described) return described;
  const owner = podDeployment(pod);
  return owner
    ? outputs(
        seen,
        'describe_deployment',
        (o) => o.args['namespace'] === ns && o.args['name'] === owner,
      ).pop()
    : undefined;
}

/**
 * The labels of the client's pods: a pod description's, or the pod template's of a Deployment's
 * description (`Pod Template:` then `  Labels:`), not the Deployment's own.
 */
export function podLabels(o: SeenObservation): Record<string, string> {
  if (o.tool !== 'describe_deployment') return describedLabels(o.content);
  const lines = o.content.split('\n');
  const at = lines.findIndex((l) => /^Pod Template:\s*$/.test(l));
  if (at < 0) return {};
  const out: Record<string, string> = {};
  let inLabels = false;
  for (const line of lines.slice(at + 1, at + 60)) {
    const head = /^ {2}Labels:\s+(.*)$/.exec(line);
    const more = inLabels ? /^ {4,}(\S[^:]*=.*)$/.exec(line) : null;
    if (!head && !more) {
      if (inLabels || /^\S/.test(line)) break;
      continue;
    }
    inLabels = true;
    for (const part of (head?.[1] ?? more?.[1] ?? '').split(',')) {
      const kv = part.trim();
      const eq = kv.indexOf('=');
      if (eq > 0) out[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  return out;
}

function dropped(seen: readonly SeenObservation[], ns: string) {
  return outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
    .map((l) => ({ l, line: linesWith(l.content, DROPPED).pop() }))
    .filter((x): x is { l: SeenObservation; line: string } => x.line !== undefined)
    .map((x) => {
      const pod = describedOrTemplate(seen, ns, String(x.l.args['name'] ?? ''));
      const text = `${x.l.content}\n${pod?.content ?? ''}`;
      const sure = remoteHosts(text, ns);
      const maybe = shortHosts(text, ns).filter(
        (h) => !sure.some((s) => s.service === h.service && s.ns === h.ns),
      );
      return { ...x, pod, hosts: [...sure, ...maybe.map((h) => ({ ...h, unsure: true as const }))] };
    })
    .filter((x) => x.hosts.length > 0);
}

const ADDRESS = /\b(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})\b/;

/** The values of a described pod's variables whose names end in PORT (`SMTP_PORT:  587`). */
function envPorts(described: string): number[] {
  return [...described.matchAll(/^\s+[A-Z][A-Z0-9_]{0,100}PORT:\s+"?(\d{1,5})"?\s*$/gm)].map((m) =>
    Number(m[1]),
  );
}

/** Client logs in the namespace whose dropped connection names a literal address and port. */
function droppedAddress(seen: readonly SeenObservation[], ns: string) {
  return outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)
    .map((l) => {
      const line = linesWith(l.content, DROPPED)
        .filter((x) => ADDRESS.test(x))
        .pop();
      const m = line ? ADDRESS.exec(line) : null;
      const pod = describedOrTemplate(seen, ns, String(l.args['name'] ?? ''));
      return line && m && pod ? { l, line, pod, ip: m[1]!, port: Number(m[2]) } : undefined;
    })
    .filter((x) => x !== undefined);
}

/**
 * A client whose connections to a Service in another namespace time out because the egress
 * NetworkPolicies of its own namespace that select it allow no such connection (kubernetes.io,
 * "Network Policies": once a policy with policyTypes Egress selects a pod, only what some rule of
 * such a policy allows leaves it): a default-deny with an allowlist that lacks a new dependency.
 */
export const netpolEgressAnalyzer: Analyzer = {
  name: 'netpol-egress',
  reads({ ns, seen }) {
    const found = dropped(seen, ns);
    if (found.length === 0)
      return droppedAddress(seen, ns).length > 0
        ? listedReads(seen, ns, 'NetworkPolicy', 'describe_resource')
        : [];
    const reads: Read[] = listedReads(seen, ns, 'NetworkPolicy', 'describe_resource');
    for (const h of found[0]!.hosts.slice(0, 3))
      reads.push({ tool: 'describe_service', args: { namespace: h.ns, name: h.service } });
    return reads;
  },
  finds({ ns, seen }) {
    const policies = outputs(
      seen,
      'describe_resource',
      (o) => o.args['kind'] === 'NetworkPolicy' && o.args['namespace'] === ns && /^Spec:/m.test(o.content),
    );
    if (policies.length === 0) return [];
    for (const { l, line, pod, hosts } of dropped(seen, ns)) {
      if (!pod) continue;
      const labels = podLabels(pod);
      const selecting = policies
        .map((p) => ({ name: String(p.args['name'] ?? ''), ...egressPolicy(p.content) }))
        .filter(
          (p) => p.egress && p.selector && Object.entries(p.selector).every(([k, v]) => labels[k] === v),
        );
      if (selecting.length === 0) continue;
      for (const h of hosts) {
        const svc = serviceFacts(seen, h.ns, h.service);
        // A short name counts once it is known to be a Service.
        if ('unsure' in h && svc.port === undefined) continue;
        // A Service with several ports: the one the client dialled (its cluster IP and port in the
        // dropped line), else the one a port variable of the client names, else its first.
        const dialled = ADDRESS.exec(line);
        const portVars = envPorts(pod.content).filter((p) => svc.ports?.includes(p));
        const port =
          h.port ??
          (dialled && dialled[1] === svc.ip ? Number(dialled[2]) : undefined) ??
          (portVars.length === 1 ? portVars[0] : undefined) ??
          svc.port;
        const rules = selecting.flatMap((p) => p.rules);
        if (rules.some((r) => ruleAllows(r, ns, h.ns, port, svc.selector))) continue;
        const client = String(l.args['name'] ?? '');
        const owner =
          pod.tool === 'describe_deployment' ? String(pod.args['name'] ?? '') : ownerDeployment(pod.content);
        const names = selecting.map((p) => p.name).join(', ');
        const out: Finding = {
          weight: 90,
          object: `networkpolicy ${names} (namespace ${ns})`,
          cause: `the egress NetworkPolicies of namespace ${ns} that select ${owner ? `deployment ${owner}'s pods` : `pod ${client}`} (${names}) allow no connection to ${h.service}.${h.ns}${port ? ` on port ${port}` : ''}: once an egress policy selects a pod, only what its rules list may leave it, and none lists namespace ${h.ns}${port ? ` port ${port}` : ''}, so the connections are dropped and time out ("${clip(line, 120)}"); ${h.service} itself is not the problem. A dependency added without an egress rule for it`,
          evidence: [
            `describe_resource NetworkPolicy ${names}: egress rules ${rules.length}, none to namespace ${h.ns}${port ? ` port ${port}` : ''}`,
            `logs of ${client}: "${clip(line, 140)}"`,
          ],
          advice: `add an egress rule to ${selecting.find((p) => p.rules.length > 0)?.name ?? selecting[0]!.name} allowing ${owner ? `${owner}'s pods` : 'the pod'} to reach ${h.service} in namespace ${h.ns}${port ? ` on TCP ${port}` : ''} (namespaceSelector kubernetes.io/metadata.name: ${h.ns}${
            svc.selector
              ? `, podSelector ${Object.entries(svc.selector)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(',')}`
              : ''
          })`,
        };
        return [out];
      }
    }
    // A connection to a literal address (a database's new primary after a failover): denied when
    // every rule for its port lists only ipBlocks that do not hold it.
    for (const { l, line, pod, ip, port } of droppedAddress(seen, ns)) {
      const labels = podLabels(pod);
      const selecting = policies
        .map((p) => ({ name: String(p.args['name'] ?? ''), ...egressPolicy(p.content) }))
        .filter(
          (p) => p.egress && p.selector && Object.entries(p.selector).every(([k, v]) => labels[k] === v),
        );
      const rules = selecting.flatMap((p) => p.rules);
      if (selecting.length === 0) continue;
      const client = String(l.args['name'] ?? '');
      const owner = ownerDeployment(pod.content);
      const names = selecting.map((p) => p.name).join(', ');
      // An address outside the cluster that no rule lets out: the policy keeps the pods inside.
      if (publicDenied(rules, ip, port)) {
        const lines = l.content.slice(-200_000).split('\n');
        const at = lines.lastIndexOf(line);
        const named = lines
          .slice(Math.max(0, at - 40), at + 1)
          .filter((x) => x.length <= 4000 && OUTSIDE_URL.test(x) && !/\.svc\b|\.cluster\.local\b/.test(x))
          .pop();
        const host = named ? OUTSIDE_URL.exec(named)?.[1] : undefined;
        return [
          {
            weight: 91,
            object: `networkpolicy ${names} (namespace ${ns})`,
            cause: `the egress NetworkPolicy of namespace ${ns} that selects ${owner ? `deployment ${owner}'s pods` : `pod ${client}`} (${names}) lets no connection out of the cluster on port ${port}: its rules name namespaces and pods (or other addresses), and ${ip}${host ? ` (${host}, which the program calls: "${clip(named!.trim(), 160)}")` : ''} is outside, so the connection is dropped and times out ("${clip(line, 140)}"); the remote server is not the problem, the policy is`,
            evidence: [
              `describe_resource NetworkPolicy ${names}: no egress rule admits ${ip} on port ${port}`,
              `logs of ${client}: "${clip(line, 140)}"`,
              ...(named ? [`logs of ${client}: "${clip(named.trim(), 160)}"`] : []),
            ],
            advice: `either stop the call to ${host ?? ip} (turn off the feature that makes it) or add an egress rule to ${names} allowing ${host ?? ip} on TCP ${port} (an ipBlock for its addresses, or an egress proxy the pods may reach)`,
          },
        ];
      }
      if (!addressDenied(rules, ip, port)) continue;
      const blocks = rules
        .filter((r) => r.ports.some((x) => x === String(port)))
        .flatMap((r) => r.peers.map((x) => x.cidr))
        .filter(Boolean);
      // Only where the port is allowed to some CIDR: a port no rule lists is the case above, judged by
      // the Service the client means.
      if (blocks.length === 0) continue;
      const out: Finding = {
        weight: 91,
        object: `networkpolicy ${names} (namespace ${ns})`,
        cause: `the egress NetworkPolicy of namespace ${ns} that selects ${owner ? `deployment ${owner}'s pods` : `pod ${client}`} (${names}) allows port ${port} only to ipBlock ${blocks.join(', ')}, and ${ip}, the address ${client} now connects to, is outside it, so the connections are dropped and time out ("${clip(line, 140)}"); the server at ${ip} is not the problem: its address (a new primary, another subnet) is one the egress rule's CIDR does not cover`,
        evidence: [
          `describe_resource NetworkPolicy ${names}: port ${port} allowed only to ${blocks.join(', ')}`,
          `logs of ${client}: "${clip(line, 140)}"`,
        ],
        advice: `widen the egress rule of ${names} for port ${port} to cover ${ip} (the new subnet's CIDR), or allow the server's pods by namespaceSelector and podSelector instead of a fixed CIDR, which follows them when they move`,
      };
      return [out];
    }
    return [];
  },
};
