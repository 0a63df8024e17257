import { parseTable } from '../k8s-text.js';
import { perSeen } from './memo.js';
import {
  DROPPED,
  describedOrTemplate,
  podLabels,
  policyRules,
  portAdmits,
  ruleAllows,
} from './netpol-egress.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  linesWith,
  listedReads,
  outputs,
  podOwnerObject,
  type Read,
  unmadeReads,
} from './types.js';

type Labels = Record<string, string>;

/** A client in the namespace whose connection was dropped: the pod, its dropped line and its whole log. */
interface Client {
  readonly pod: string;
  readonly line: string;
  readonly log: string;
}

/** The namespace's pods whose log (a crashed container's first) has a dropped connection, one line each. */
function clients({ seen, ns }: AnalyzerContext): Client[] {
  const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns);
  const ordered = [
    ...logs.filter((o) => o.args['previous'] === true),
    ...logs.filter((o) => !o.args['previous']),
  ];
  const out: Client[] = [];
  for (const o of ordered) {
    const pod = String(o.args['name'] ?? '');
    if (out.some((c) => c.pod === pod)) continue;
    const log = o.content.slice(-200_000);
    const line = linesWith(log, DROPPED)
      .filter((x) => x.length <= 4000)
      .pop();
    if (line) out.push({ pod, line: line.trim(), log });
  }
  return out.slice(0, 3);
}

interface Listed {
  readonly name: string;
  readonly port: number;
  readonly selector: Labels;
}

/** The namespace's Services with a selector and a TCP port, from its latest `list_services`. */
function services({ seen, ns }: AnalyzerContext): Listed[] | undefined {
  const list = outputs(seen, 'list_services', (o) => o.args['namespace'] === ns).pop();
  if (!list) return undefined;
  return parseTable(list.content).flatMap((r) => {
    const port = /^(\d{1,5})(?::\d{1,5})?\/TCP\b/.exec(r['PORT(S)'] ?? '')?.[1];
    const sel = r['SELECTOR'] ?? '';
    if (!port || !sel || sel === '<none>') return [];
    const selector: Labels = {};
    for (const kv of sel.split(',')) {
      const at = kv.indexOf('=');
      if (at > 0) selector[kv.slice(0, at)] = kv.slice(at + 1);
    }
    return [{ name: r['NAME'] ?? '', port: Number(port), selector }];
  });
}

/**
 * Parts of Service names that are ordinary words in log lines ("Timeout connecting to server"), not a
 * product's or a component's name.
 */
const GENERIC_PARTS: ReadonlySet<string> = new Set(
  'server service services data main http https grpc proxy worker workers client clients backend frontend internal public private primary replica master node nodes default application core base shared common system manager controller gateway connection timeout error host local remote admin read write sync async cluster'.split(
    ' ',
  ),
);

/**
 * Whether the client's log names the Service: its whole name, or a part of it of four letters or more
 * (`redis` of `st2-redis`) that is not also a part of the client's own name, as a whole word.
 */
function mentions(log: string, client: string, service: string): boolean {
  const text = log.toLowerCase();
  if (text.includes(service)) return true;
  const own = new Set(client.split('-'));
  return service
    .split('-')
    .filter((p) => p.length >= 4 && /^[a-z]+$/.test(p) && !own.has(p) && !GENERIC_PARTS.has(p))
    .some((p) => new RegExp(`(?<![a-z0-9])${p}(?![a-z0-9])`).test(text));
}

/** The Service's target port (`TargetPort: 6379/TCP`) once described, else its port. */
function targetPort(ctx: AnalyzerContext, s: Listed): number | undefined {
  const d = outputs(
    ctx.seen,
    'describe_service',
    (o) => o.args['namespace'] === ctx.ns && o.args['name'] === s.name,
  ).pop();
  if (!d) return undefined;
  const t = /^TargetPort:\s{1,20}(\S{1,63})\/TCP/m.exec(d.content)?.[1];
  return t && /^\d{1,5}$/.test(t) ? Number(t) : t === undefined ? s.port : undefined;
}

interface Blocked {
  readonly client: Client;
  readonly service: Listed;
  readonly port: number;
  /** The policies certain to select the Service's pods, and the ports their rules let in. */
  readonly selecting: string[];
  readonly allowed: string[];
  /** The policy whose ingress rules list ports: where the missing one goes. */
  readonly withRules?: string;
}

function blocked(ctx: AnalyzerContext): { found?: Blocked; reads: Read[] } {
  return perSeen(ctx.seen, ['netpolIngressPort', ctx.ns], () => {
    const found = clients(ctx);
    if (found.length === 0) return { reads: [] };
    // The namespace's policies first: without any, nothing here can drop a connection.
    const listedPolicies = outputs(
      ctx.seen,
      'list_resources',
      (o) => o.args['kind'] === 'NetworkPolicy' && o.args['namespace'] === ctx.ns,
    ).pop();
    if (!listedPolicies)
      return { reads: [{ tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: ctx.ns } }] };
    if (parseTable(listedPolicies.content).length === 0) return { reads: [] };
    const listed = services(ctx);
    if (!listed) return { reads: [{ tool: 'list_services', args: { namespace: ctx.ns } }] };
    const candidates = found.flatMap((c) =>
      listed
        .filter((s) => !c.pod.startsWith(`${s.name}-`) && mentions(c.log, c.pod, s.name))
        .map((s) => ({ c, s })),
    );
    if (candidates.length === 0) return { reads: [] };
    const policyReads = listedReads(ctx.seen, ctx.ns, 'NetworkPolicy', 'describe_resource', 4);
    const policies = outputs(
      ctx.seen,
      'describe_resource',
      (o) =>
        o.args['kind'] === 'NetworkPolicy' && o.args['namespace'] === ctx.ns && /^Spec:/m.test(o.content),
    ).map((o) => ({
      name: String(o.args['name'] ?? ''),
      ...policyRules(o.content.slice(0, 200_000), 'Ingress'),
    }));
    // Not until the policies are listed and those listed (up to four) described.
    const pending = unmadeReads(ctx.seen, policyReads);
    if (pending.length > 0) return { reads: pending };
    const reads: Read[] = [];
    for (const { c, s } of candidates) {
      const port = targetPort(ctx, s);
      if (port === undefined) {
        reads.push({ tool: 'describe_service', args: { namespace: ctx.ns, name: s.name } });
        continue;
      }
      // What is known of the server pods' labels: the Service's selector, a part of them.
      const known = s.selector;
      const ingress = policies.filter((p) => p.limits && p.selector !== undefined);
      const certain = ingress.filter((p) => Object.entries(p.selector!).every(([k, v]) => known[k] === v));
      const maybe = ingress.filter((p) =>
        Object.entries(p.selector!).every(([k, v]) => known[k] === undefined || known[k] === v),
      );
      if (certain.length === 0) continue;
      const clientPod = describedOrTemplate(ctx.seen, ctx.ns, c.pod);
      const clientLabels = clientPod ? podLabels(clientPod) : undefined;
      if (maybe.some((p) => p.rules.some((r) => ruleAllows(r, ctx.ns, ctx.ns, port, clientLabels)))) continue;
      // Only a port no rule lists: a rule that lists it (or every port, or a named one) for other peers is a
      // question of peers, and a rule listing the Service's own port instead of the pod's is another mistake;
      // other analyzers read those.
      const lists = (r: { ports: readonly string[] }) =>
        r.ports.length === 0 || r.ports.some((x) => portAdmits(x, port) || x === String(s.port));
      if (maybe.some((p) => p.rules.some(lists))) continue;
      const allowed = [...new Set(maybe.flatMap((p) => p.rules.flatMap((r) => r.ports)))];
      return {
        found: {
          client: c,
          service: s,
          port,
          selecting: maybe.map((p) => p.name),
          allowed,
          ...(maybe.find((p) => p.rules.length > 0)
            ? { withRules: maybe.find((p) => p.rules.length > 0)!.name }
            : {}),
        },
        reads: [],
      };
    }
    return { reads: reads.slice(0, 1) };
  });
}

/**
 * A client whose connections to a Service of its own namespace time out because the namespace's ingress
 * NetworkPolicies select the Service's pods and admit no connection on its port: a default deny with an
 * allowlist of ports that leaves one dependency's out (kubernetes.io, "Network Policies": once an ingress
 * policy selects a pod, only what some rule of a policy selecting it lists gets in; the ports are the
 * pod's, the Service's targetPort). The Service is the one the client's log names, by name or by its
 * product (`redis` of `st2-redis`). The server is healthy; the fix is a rule for that port.
 */
export const netpolIngressPortAnalyzer: Analyzer = {
  name: 'netpol-ingress-port',
  reads(ctx): Read[] {
    return blocked(ctx).reads;
  },
  finds(ctx): Finding[] {
    const b = blocked(ctx).found;
    if (!b) return [];
    const d = describedOrTemplate(ctx.seen, ctx.ns, b.client.pod);
    const ownerObject =
      d?.tool === 'describe_deployment'
        ? `deployment ${String(d.args['name'] ?? '')}`
        : podOwnerObject(d?.content, b.client.pod);
    const owner = ownerObject.startsWith('pod ')
      ? undefined
      : ownerObject.slice(ownerObject.indexOf(' ') + 1);
    const names = b.selecting.join(', ');
    const allowed = b.allowed.length ? `only ports ${b.allowed.join(', ')}` : 'no port';
    return [
      {
        weight: 91,
        object: `networkpolicy ${names} (namespace ${ctx.ns})`,
        cause: `the ingress NetworkPolicies of namespace ${ctx.ns} that select ${b.service.name}'s pods (${names}) admit ${allowed}: port ${b.port}, the one ${b.service.name} serves on, is not allowed (no ingress rule lists it), so ${owner ? `${owner}'s` : `${b.client.pod}'s`} connections to ${b.service.name}:${b.port} are dropped and time out ("${clip(b.client.line, 160)}"). ${b.service.name} itself is running; the policy leaves it unreachable`,
        evidence: [
          `logs of ${b.client.pod}: "${clip(b.client.line, 140)}"`,
          `describe_resource NetworkPolicy ${names}: ingress ports ${b.allowed.join(', ') || 'none'}, not ${b.port}`,
          `list_services ${b.service.name}: port ${b.port}/TCP, selector ${Object.entries(b.service.selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`,
        ],
        advice: `add TCP ${b.port} to the ingress rule of ${b.withRules ?? names} that admits ${owner ? `${owner}'s pods` : 'the client'} (or a policy allowing ${b.service.name}'s pods on ${b.port} from its clients); ${b.service.name} needs no restart`,
      },
    ];
  },
};
