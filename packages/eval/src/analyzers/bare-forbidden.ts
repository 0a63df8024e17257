import { otherSubjects, roleRules, subjects } from './rbac.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  described,
  type Finding,
  flat,
  listed,
  namesWhole,
  outputs,
  podDeployment,
  podObject,
  type Read,
  section,
  unmadeReads,
} from './types.js';

/**
 * A refusal without the API server's sentence: an HTTP 403 status with the word Forbidden, or a 403 for
 * a URL of the API's own paths (`HTTP response code: 403 for URL: https://10.96.0.1:443/api/v1/…`, as
 * Java's HttpURLConnection says it).
 */
const BARE_403 = /\b403\b[^\n]{0,80}\bforbidden\b|\bforbidden\b[^\n]{0,80}\b403\b/i;
/**
 * A URL of the Kubernetes API's own paths: the core group at `/api/v1/`, a named group at
 * `/apis/<group>/<version>/`, optionally in a namespace; captures the host, the API group, the namespace,
 * the resource and the object's name. The host must be the API server's: an address, or `kubernetes`
 * (`kubernetes.default.svc`), as in-cluster clients reach it.
 */
const API_URL =
  /https?:\/\/((?:\d{1,3}\.){3}\d{1,3}|kubernetes(?:\.default(?:\.svc(?:\.[a-z0-9.-]{1,200})?)?)?)(?::\d{1,5})?\/(?:api\/v1|apis\/([a-z0-9.-]{1,253})\/v\d[a-z0-9]{0,11})\/(?:namespaces\/([a-z0-9-]{1,63})\/)?([a-z]{1,63})(\/[a-z0-9][a-z0-9.-]{0,252})?/i;
/** Resources with no namespace: a Role can never grant them (a ClusterRole and its binding must). */
const CLUSTER_SCOPED = new Set([
  'nodes',
  'namespaces',
  'persistentvolumes',
  'storageclasses',
  'clusterroles',
  'clusterrolebindings',
  'customresourcedefinitions',
  'priorityclasses',
  'ingressclasses',
  'runtimeclasses',
  'csidrivers',
  'csinodes',
  'volumeattachments',
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'apiservices',
  'certificatesigningrequests',
]);
/** The verbs an HTTP method asks for, beside reading (Kubernetes' request verbs, "Authorization" docs). */
const WRITE_VERBS: Readonly<Record<string, string>> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** What a refused API URL in a line names: the resource, its group, its namespace, one object or all. */
function refusedUrl(
  line: string,
): { resource: string; group: string; namespace?: string; named: boolean; verb?: string } | undefined {
  const m = API_URL.exec(line.slice(0, 4000));
  if (!m) return undefined;
  const method = /\b(POST|PUT|PATCH|DELETE)\b/.exec(line.slice(0, 4000))?.[1];
  return {
    resource: m[4]!.toLowerCase(),
    group: m[2] ?? '',
    ...(m[3] ? { namespace: m[3] } : {}),
    named: m[5] !== undefined,
    ...(method ? { verb: WRITE_VERBS[method] } : {}),
  };
}

/** The API server's own sentence, which the rbac analyzer reads instead. */
const API_SENTENCE = /system:serviceaccount:[a-z0-9-]{1,63}:[a-z0-9.-]{1,253}\\?" cannot /;
/** The program says it talks to the Kubernetes API (a client, a controller, a watch). */
const KUBE_CLIENT = /\bkubernetes\b|\bkube-?apiserver\b|\bapi server\b|\binformer\b|\bin-?cluster config\b/i;
/** Core resources such programs list and watch, by their plural names. */
const CORE = [
  'pods',
  'services',
  'endpoints',
  'endpointslices',
  'configmaps',
  'secrets',
  'nodes',
  'ingresses',
  'leases',
];
const CORE_GROUP: Readonly<Record<string, string>> = {
  endpointslices: 'discovery.k8s.io',
  ingresses: 'networking.k8s.io',
  leases: 'coordination.k8s.io',
};

interface Refused {
  readonly pod: string;
  readonly deployment: string;
  readonly line: string;
  readonly log: string;
}

/** A workload pod of the namespace whose log holds a bare 403 Forbidden and says it talks to the API. */
function refused(ctx: AnalyzerContext): Refused | undefined {
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => x.args['namespace'] === ctx.ns)) {
    const lines = boundedLogLines(o.content);
    if (lines.some((l) => API_SENTENCE.test(l.slice(0, 4000)))) continue;
    const line = lines.find(
      (l) => l.length <= 4000 && (BARE_403.test(l) || (/\b403\b/.test(l) && refusedUrl(l) !== undefined)),
    );
    if (!line || !lines.some((l) => KUBE_CLIENT.test(l.slice(0, 4000)))) continue;
    const pod = String(o.args['name'] ?? '');
    const deployment = podDeployment(pod);
    if (deployment) return { pod, deployment, line: line.trim(), log: lines.join('\n') };
  }
  return undefined;
}

/** The ServiceAccount a Deployment's pods run as, from its `get_resource` YAML (`serviceAccountName:`). */
function accountOf(ctx: AnalyzerContext, deployment: string): string | undefined {
  const y = outputs(
    ctx.seen,
    'get_resource',
    (o) => String(o.args['kind']).toLowerCase() === 'deployment' && o.args['name'] === deployment,
  ).pop()?.content;
  if (!y) return undefined;
  return (
    /^\s{2,12}serviceAccountName: ([a-z0-9][a-z0-9.-]{0,252})\s*$/m.exec(y.slice(0, 200_000))?.[1] ??
    'default'
  );
}

/** The RoleBinding of the namespace that names the account, and the Role it binds. */
function bindingOf(ctx: AnalyzerContext, account: string): { binding: string; role: string } | undefined {
  for (const b of listed(ctx.seen, 'RoleBinding')) {
    const d = described(ctx.seen, 'RoleBinding', b.name);
    const names = (x: { kind: string; name: string; namespace?: string }) =>
      x.kind === 'ServiceAccount' &&
      x.name === account &&
      (x.namespace === undefined || x.namespace === ctx.ns);
    if (!d || !subjects(d).some(names)) continue;
    const role = flat(section(d, 'RoleRef'), 'name');
    if (role && flat(section(d, 'RoleRef'), 'kind') !== 'ClusterRole') return { binding: b.name, role };
  }
  return undefined;
}

/** The resources the log names (custom resources installed in the cluster first, then core ones), with their API group. */
function namedResources(ctx: AnalyzerContext, log: string): { resource: string; group: string }[] {
  const whole = (w: string) => namesWhole(log, [w]);
  const out: { resource: string; group: string }[] = [];
  for (const c of listed(ctx.seen, 'CustomResourceDefinition')) {
    const dot = c.name.indexOf('.');
    if (dot <= 0) continue;
    const plural = c.name.slice(0, dot);
    if (whole(plural)) out.push({ resource: plural, group: c.name.slice(dot + 1) });
  }
  for (const r of CORE) if (whole(r)) out.push({ resource: r, group: CORE_GROUP[r] ?? '' });
  return out;
}

/**
 * A program that talks to the Kubernetes API and logs a bare `403 Forbidden` (the API server's sentence
 * not passed on), while the Role bound to its ServiceAccount grants nothing on a resource its log names
 * (a custom resource installed in the cluster first): the refused list is that resource's. The fix adds a
 * read-only rule (get, list, watch) for it, keeping the Role's other rules.
 */
export const bareForbiddenAnalyzer: Analyzer = {
  name: 'bare-forbidden',
  first: true,
  reads(ctx): Read[] {
    const r = refused(ctx);
    if (!r) return [];
    const reads: Read[] = [
      { tool: 'get_resource', args: { kind: 'Deployment', name: r.deployment, namespace: ctx.ns } },
      { tool: 'list_resources', args: { kind: 'RoleBinding', namespace: ctx.ns } },
      { tool: 'list_resources', args: { kind: 'CustomResourceDefinition' } },
    ];
    for (const b of listed(ctx.seen, 'RoleBinding').slice(0, 3))
      reads.push({
        tool: 'describe_resource',
        args: { kind: 'RoleBinding', name: b.name, namespace: ctx.ns },
      });
    const account = accountOf(ctx, r.deployment);
    const bound = account ? bindingOf(ctx, account) : undefined;
    if (bound)
      reads.push({ tool: 'describe_resource', args: { kind: 'Role', name: bound.role, namespace: ctx.ns } });
    // No binding names the account: the Roles the namespace's bindings do bind, to see whether one of
    // them grants what was refused to another account.
    else if (account)
      for (const b of listed(ctx.seen, 'RoleBinding').slice(0, 3)) {
        const d = described(ctx.seen, 'RoleBinding', b.name);
        const role = d ? flat(section(d, 'RoleRef'), 'name') : undefined;
        if (role && flat(section(d!, 'RoleRef'), 'kind') !== 'ClusterRole')
          reads.push({ tool: 'describe_resource', args: { kind: 'Role', name: role, namespace: ctx.ns } });
      }
    return unmadeReads(ctx.seen, reads);
  },
  finds(ctx): Finding[] {
    const r = refused(ctx);
    if (!r) return [];
    const account = accountOf(ctx, r.deployment);
    if (!account) return [];
    const url = refusedUrl(r.line);
    // A Role of this namespace grants nothing on another namespace's objects or on cluster-wide ones.
    if (
      url &&
      ((url.namespace !== undefined && url.namespace !== ctx.ns) || CLUSTER_SCOPED.has(url.resource))
    )
      return [];
    const bound = bindingOf(ctx, account);
    if (!bound) {
      // No binding names the account, and one binds a Role granting what the line asked for to others.
      const resource = url?.resource ?? namedResources(ctx, r.log)[0]?.resource;
      if (!resource) return [];
      const bindings = listed(ctx.seen, 'RoleBinding').map((b) => ({
        name: b.name,
        d: described(ctx.seen, 'RoleBinding', b.name) ?? '',
      }));
      const hit = { sa: account, ns: ctx.ns, resource, line: r.line };
      const wrong =
        otherSubjects(ctx.seen, bindings, { ...hit, verb: url?.verb ?? (url?.named ? 'get' : 'list') }) ??
        otherSubjects(ctx.seen, bindings, { ...hit, verb: 'list' });
      return wrong ? [{ ...wrong, object: podObject(r.deployment, r.pod) }] : [];
    }
    const roleText = described(ctx.seen, 'Role', bound.role);
    if (!roleText) return [];
    const rules = roleRules(roleText);
    const grants = (res: string, group: string) =>
      rules.some(
        (x) =>
          (x.resources.includes(res) || x.resources.includes('*')) &&
          (x.apiGroups.includes(group) || x.apiGroups.includes('*')) &&
          (x.verbs.includes('list') || x.verbs.includes('*')),
      );
    // A refused URL names its resource; otherwise any resource the log names that the Role lacks.
    const lacking = url ?? namedResources(ctx, r.log).find((x) => !grants(x.resource, x.group));
    if (lacking && grants(lacking.resource, lacking.group) && !url?.verb) return [];
    if (!lacking) return [];
    const granted = rules.map((x) => x.resources.join(', ')).join('; ');
    const quoted = clip(r.line, 200);
    const said = clip(
      r.log.split('\n').find((l) => l.length <= 4000 && l.toLowerCase().includes(lacking.resource)) ?? '',
      160,
    );
    const rule = {
      apiGroups: [lacking.group],
      resources: [lacking.resource],
      verbs: ['get', 'list', 'watch', ...(url?.verb ? [url.verb] : [])],
    };
    return [
      {
        weight: 92,
        object: podObject(r.deployment, r.pod),
        cause: `RBAC: the API server answers the program's requests with 403 Forbidden ("${quoted}"): it runs as the ServiceAccount ${account}, whose Role ${bound.role} (RoleBinding ${bound.binding}) grants only ${granted || 'nothing'}, and lacks any rule for ${lacking.resource}${lacking.group ? ` (API group ${lacking.group})` : ''}, which the program reads ("${said}"); a controller that cannot list what it watches never finishes its initial sync, so it stays not ready`,
        evidence: [
          `logs of ${r.pod}: "${quoted}"`,
          `describe_resource Role ${bound.role}: ${granted || 'no rules'}; nothing on ${lacking.resource}`,
        ],
        advice: `add get, list and watch on ${lacking.resource}${lacking.group ? ` (API group ${lacking.group})` : ''} to the Role ${bound.role}, keeping its other rules`,
        fix: {
          tool: 'set_role_rules',
          args: {
            namespace: ctx.ns,
            name: bound.role,
            rules: [
              ...rules.map((x) => ({
                apiGroups: x.apiGroups,
                resources: x.resources,
                verbs: x.verbs,
                ...(x.resourceNames.length ? { resourceNames: x.resourceNames } : {}),
              })),
              rule,
            ],
          },
          text: `add a rule to the Role ${bound.role} allowing get, list, watch on ${lacking.resource}${lacking.group ? ` (API group ${lacking.group})` : ''}, keeping its other rules`,
        },
      },
    ];
  },
};
