import type { SeenObservation } from '../observations.js';
import {
  type Analyzer,
  clip,
  described,
  type Finding,
  flat,
  listed,
  outputs,
  type Read,
  section,
  textOf,
} from './types.js';

// `User "system:serviceaccount:<ns>:<sa>" cannot <verb> resource "<resource>"`, as the API server words it.
// Quotes may come escaped (a JSON or logfmt field quoting the API server's message).
const FORBIDDEN =
  /User \\?"system:serviceaccount:([a-z0-9-]{1,63}):([a-z0-9.-]{1,253})\\?" cannot ([a-z]{1,20}) resource \\?"([a-z0-9.-]{1,253}(?:\/[a-z]{1,63})?)\\?"(?: in API group \\?"([a-z0-9.-]{0,253})\\?")?(?:[^\n]{0,80}? in the namespace \\?"([a-z0-9-]{1,63})\\?")?/;

interface Forbidden {
  line: string;
  /** The request named no namespace ("at the cluster scope"): only ClusterRoleBindings grant it. */
  cluster: boolean;
  ns: string;
  sa: string;
  verb: string;
  resource: string;
  group?: string;
  target?: string;
}

/** A log line of a program's peer discovery or cluster formation (`Ekka(AutoCluster): Discovery error`). */
const PEER_DISCOVERY =
  /\b(?:auto[-_ ]?cluster|peer[-_ ]discovery|cluster[-_ ]discovery|kubernetes discovery|discovery error|cluster formation|form(?:ing)? (?:a |the )?cluster|join(?:ing)? (?:the )?cluster|starting standalone)\b/i;

/**
 * The objects of a resource (`persistentvolumeclaims`) that the reads of one namespace report as not found
 * where something needs them: a pod's `persistentvolumeclaim "x" not found`, a `configmap "y" not found`.
 * Distinct names, at most five.
 */
function neverCreated(seen: readonly SeenObservation[], resource: string, namespace: string): string[] {
  const singular = resource.replace(/s$/, '');
  if (!/^[a-z]{2,60}$/.test(singular)) return [];
  const re = new RegExp(`\\b${singular} "([a-z0-9][a-z0-9.-]{0,252})" not found`, 'g');
  const out = new Set<string>();
  for (const o of seen) {
    // Only where the create was refused: a claim missing in another namespace is another account's.
    if (
      o.status !== 'ok' ||
      !/^(?:describe_pod|get_events|scan)$/.test(o.tool) ||
      o.args['namespace'] !== namespace
    )
      continue;
    for (const m of o.content.slice(0, 200_000).matchAll(re)) {
      out.add(m[1]!);
      if (out.size >= 5) return [...out];
    }
  }
  return [...out];
}

/** The first Forbidden line of the logs, parsed. */
function forbiddenLine(logs: string): Forbidden | undefined {
  return forbiddenAll(logs, 1)[0];
}

/** Every Forbidden line of the logs (at most `max`), parsed. */
function forbiddenAll(logs: string, max = 20): Forbidden[] {
  const out: Forbidden[] = [];
  for (const line of logs.split('\n')) {
    if (out.length >= max) break;
    if (!line.includes('cannot') || !line.includes('system:serviceaccount:')) continue;
    const m = FORBIDDEN.exec(line.length > 2000 ? line.slice(0, 2000) : line);
    if (m) {
      // The API server's own sentence, from "User" on: the log line's header is not the cause.
      const at = line.indexOf(m[0]);
      const said = line
        .slice(Math.max(0, line.lastIndexOf(':', at - 3) + 1), at + m[0].length)
        .replace(/\\"/g, '"');
      out.push({
        line: said.trim() || line,
        cluster: !m[6] && line.includes('at the cluster scope'),
        ns: m[1]!,
        sa: m[2]!,
        verb: m[3]!,
        resource: m[4]!,
        ...(m[5] !== undefined ? { group: m[5] } : {}),
        ...(m[6] ? { target: m[6] } : {}),
      });
    }
  }
  return out;
}

/** A Role's rules from its `describe_resource` lines (`0.resources[0]: leases`, `rules[0].verbs[1]: get`). */
export function roleRules(
  text: string,
): { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames: string[] }[] {
  const by = new Map<
    string,
    { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames: string[] }
  >();
  for (const line of text.split('\n')) {
    const m =
      /^\s*(?:rules\[(\d{1,3})\]|(\d{1,3}))\.(apiGroups|resources|verbs|resourceNames)\[\d{1,3}\]:(?: (.*))?$/.exec(
        line,
      );
    if (!m) continue;
    const i = m[1] ?? m[2]!;
    const r = by.get(i) ?? { apiGroups: [], resources: [], verbs: [], resourceNames: [] };
    r[m[3] as 'apiGroups' | 'resources' | 'verbs' | 'resourceNames'].push((m[4] ?? '').trim());
    by.set(i, r);
  }
  return [...by.values()];
}

/**
 * The subjects of a described RoleBinding: kind, name and namespace of each, from its
 * `subjects[i].field: value` or `i.field: value` lines.
 */
export function subjects(text: string): { kind: string; name: string; namespace?: string }[] {
  const by = new Map<string, Record<string, string>>();
  // `subjects[0].kind: X` (flattened spec) or, under a `Subjects:` header, `0.kind: X`.
  for (const m of text.matchAll(/^\s*(?:subjects\[(\d+)\]|(\d+))\.(kind|name|namespace): (\S+)/gm)) {
    const i = m[1] ?? m[2]!;
    const s = by.get(i) ?? {};
    s[m[3]!] = m[4]!;
    by.set(i, s);
  }
  return [...by.values()].map((s) => ({
    kind: s['kind'] ?? '',
    name: s['name'] ?? '',
    ...(s['namespace'] ? { namespace: s['namespace'] } : {}),
  }));
}

/** A program whose ServiceAccount may not do what it needs: Forbidden lines in its logs, the Role that lacks the verb. */
/** A RoleBinding of the account whose roleRef names a Role the namespace's Role list does not have. */
function danglingRoleRef(
  seen: readonly SeenObservation[],
  sa: string,
): { binding: string; role: string } | undefined {
  if (outputs(seen, 'list_resources', (o) => o.args['kind'] === 'Role').length === 0) return undefined;
  const roles = new Set(listed(seen, 'Role').map((r) => r.name));
  for (const b of listed(seen, 'RoleBinding')) {
    const d = described(seen, 'RoleBinding', b.name);
    if (!d || !subjects(d).some((x) => x.kind === 'ServiceAccount' && x.name === sa)) continue;
    const ref = section(d, 'RoleRef');
    const role = flat(ref, 'name');
    if (role && flat(ref, 'kind') === 'Role' && !roles.has(role)) return { binding: b.name, role };
  }
  return undefined;
}

/** The ClusterRoleBindings that name the account as a subject (its namespace given, as it must be). */
function clusterBindings(
  seen: readonly SeenObservation[],
  hit: Forbidden,
): { name: string; role: string | undefined; kind: string | undefined }[] {
  return listed(seen, 'ClusterRoleBinding')
    .map((b) => ({ name: b.name, d: described(seen, 'ClusterRoleBinding', b.name) ?? '' }))
    .filter((b) =>
      subjects(b.d).some((x) => x.kind === 'ServiceAccount' && x.name === hit.sa && x.namespace === hit.ns),
    )
    .map((b) => ({
      name: b.name,
      role: flat(section(b.d, 'RoleRef'), 'name'),
      kind: flat(section(b.d, 'RoleRef'), 'kind'),
    }));
}

/**
 * Whether a rule grants the refused request: its resource (or `*`), its verb (or `*`) and its API group
 * (`""` for the core group, or `*`); a rule read without API groups is taken to cover the group.
 */
function grantsRefused(
  r: { apiGroups: string[]; resources: string[]; verbs: string[] },
  hit: Forbidden,
): boolean {
  const group = hit.group ?? '';
  return (
    (r.resources.includes(hit.resource) || r.resources.includes('*')) &&
    (r.verbs.includes(hit.verb) || r.verbs.includes('*')) &&
    (r.apiGroups.length === 0 || r.apiGroups.includes(group) || r.apiGroups.includes('*'))
  );
}

/** The ClusterRoleBindings worth describing: those named like the account or its namespace, else (a short
 * list) the first ones; three at most. */
function bindingsToRead(seen: readonly SeenObservation[], hit: Forbidden): string[] {
  const words = [...hit.sa.split(/[-.]/), ...hit.ns.split('-')].filter((w) => w.length >= 3);
  const like = (name: string) => words.filter((w) => name.includes(w)).length;
  const all = listed(seen, 'ClusterRoleBinding').map((b) => b.name);
  const named = all
    .filter((n) => like(n) > 0)
    .sort((a, b) => like(b) - like(a))
    .slice(0, 3);
  return named.length > 0 ? named : all.slice(0, 3);
}

/**
 * A request refused at the cluster scope (a list or watch across namespaces) is granted only by a
 * ClusterRoleBinding (kubernetes.io, "Using RBAC Authorization": a RoleBinding grants within its namespace):
 * the ClusterRoleBindings, those named like the account or its namespace described first (three at most),
 * then the ClusterRoles the account's bindings refer to (three at most); when none names the account, the
 * RoleBindings of its namespace and the role the one naming it binds.
 */
function clusterReads(seen: readonly SeenObservation[], hit: Forbidden): Read[] {
  const reads: Read[] = [{ tool: 'list_resources', args: { kind: 'ClusterRoleBinding' } }];
  const names = bindingsToRead(seen, hit);
  for (const name of names)
    reads.push({ tool: 'describe_resource', args: { kind: 'ClusterRoleBinding', name } });
  const bound = clusterBindings(seen, hit);
  for (const b of bound.slice(0, 3))
    if (b.role && b.kind === 'ClusterRole')
      reads.push({ tool: 'describe_resource', args: { kind: 'ClusterRole', name: b.role } });
  // Until the ClusterRoleBindings are listed and described, or when one names the account, they decide.
  const crbListed =
    outputs(seen, 'list_resources', (o) => o.args['kind'] === 'ClusterRoleBinding').length > 0;
  if (bound.length > 0 || !crbListed || names.some((n) => !described(seen, 'ClusterRoleBinding', n)))
    return reads;
  // None: a RoleBinding in the account's namespace may be what was meant to grant it.
  reads.push({ tool: 'list_resources', args: { kind: 'RoleBinding', namespace: hit.ns } });
  const words = [...hit.sa.split(/[-.]/)].filter((w) => w.length >= 3);
  const local = listed(seen, 'RoleBinding')
    .map((b) => b.name)
    .filter((n) => words.some((w) => n.includes(w)))
    .slice(0, 2);
  for (const name of local)
    reads.push({ tool: 'describe_resource', args: { kind: 'RoleBinding', name, namespace: hit.ns } });
  const meant = namespacedBinding(seen, hit);
  if (meant)
    reads.push({
      tool: 'describe_resource',
      args:
        meant.kind === 'ClusterRole'
          ? { kind: 'ClusterRole', name: meant.role }
          : { kind: meant.kind, name: meant.role, namespace: hit.ns },
    });
  return reads;
}

/** A RoleBinding of the account's namespace that names it, with its roleRef. */
function namespacedBinding(
  seen: readonly SeenObservation[],
  hit: Forbidden,
): { name: string; role: string; kind: string } | undefined {
  for (const b of listed(seen, 'RoleBinding')) {
    const d = described(seen, 'RoleBinding', b.name);
    if (
      !d ||
      !subjects(d).some(
        (x) => x.kind === 'ServiceAccount' && x.name === hit.sa && (x.namespace ?? hit.ns) === hit.ns,
      )
    )
      continue;
    const ref = section(d, 'RoleRef');
    const role = flat(ref, 'name');
    if (role) return { name: b.name, role, kind: flat(ref, 'kind') ?? 'Role' };
  }
  return undefined;
}

/**
 * The account's ClusterRoles lack what was refused at the cluster scope: every ClusterRole bound to it and
 * the rules they do grant, or no ClusterRoleBinding naming it among those read. Proposes no change
 * (`set_role_rules` edits a namespace's Role; a ClusterRole is the cluster's).
 */
function clusterFinds(seen: readonly SeenObservation[], hit: Forbidden) {
  if (outputs(seen, 'list_resources', (o) => o.args['kind'] === 'ClusterRoleBinding').length === 0) return [];
  const bound = clusterBindings(seen, hit).filter((b) => b.role && b.kind === 'ClusterRole');
  const group = hit.group ?? '';
  const refused = [
    ...new Set(
      forbiddenAll(textOf(seen, 'get_pod_logs'))
        .filter((h) => h.resource === hit.resource && h.cluster)
        .map((h) => h.verb),
    ),
  ];
  // An informer lists, then watches: both are needed (client-go's reflector).
  if (refused.includes('list') && !refused.includes('watch')) refused.push('watch');
  const texts = bound.map((b) => described(seen, 'ClusterRole', b.role!));
  // Every bound ClusterRole is judged: one not read yet leaves the question open.
  if (texts.some((t) => t === undefined)) return [];
  const roles = bound.map((b, i) => ({ ...b, rules: roleRules(texts[i]!) }));
  // One of them does grant it: the refusal has another cause than these rules (an aggregation, a stale cache).
  if (roles.some((r) => r.rules.some((x) => grantsRefused(x, hit)))) return [];
  // No ClusterRoleBinding, but a RoleBinding of the namespace grants the verb: only inside that namespace.
  const local = roles.length > 0 ? undefined : namespacedBinding(seen, hit);
  if (local) {
    const localText = described(seen, local.kind, local.role);
    const grants = (localText ? roleRules(localText) : []).some((r) => grantsRefused(r, hit));
    if (grants)
      return [
        {
          weight: 87,
          object: `rolebinding ${local.name}`,
          cause: `RBAC: the ServiceAccount ${hit.sa} is refused ${hit.verb} on ${hit.resource} at the cluster scope (Forbidden): the RoleBinding ${local.name} in ${hit.ns} binds it to the ${local.kind} ${local.role}, which does grant ${hit.verb} on ${hit.resource}, but a RoleBinding grants its role only inside its own namespace (${hit.ns}), never across all namespaces; a ${hit.verb} of ${hit.resource} in every namespace needs a ClusterRoleBinding`,
          evidence: [
            `logs: "${clip(hit.line, 180)}"`,
            `describe_resource RoleBinding ${local.name}: roleRef ${local.kind} ${local.role}, subject ServiceAccount ${hit.sa}`,
          ],
          advice: `bind the ${local.kind === 'ClusterRole' ? `ClusterRole ${local.role}` : `rules of the Role ${local.role} (as a ClusterRole)`} to ${hit.sa} (namespace ${hit.ns}) with a ClusterRoleBinding instead of the RoleBinding ${local.name}, or make the program ${hit.verb} ${hit.resource} in ${hit.ns} only`,
        },
      ];
  }
  const role = roles[0];
  const describe = (rules: ReturnType<typeof roleRules>) =>
    rules
      .map(
        (r) =>
          `${r.verbs.join(', ')} on ${r.resources.join(', ')}${r.apiGroups.some((g) => g !== '') ? ` (API group ${r.apiGroups.join(', ')})` : ''}`,
      )
      .join('; ');
  const granted = roles
    .map((r) => describe(r.rules))
    .filter(Boolean)
    .join('; ');
  const onIt = roles.some((r) => r.rules.some((x) => x.resources.includes(hit.resource)));
  const who = `system:serviceaccount:${hit.ns}:${hit.sa}`;
  const all = listed(seen, 'ClusterRoleBinding');
  const readAll = all.every((b) => described(seen, 'ClusterRoleBinding', b.name) !== undefined);
  const none = readAll
    ? `no ClusterRoleBinding names ${who}`
    : `none of the ClusterRoleBindings read (${bindingsToRead(seen, hit).join(', ') || 'none'}, of ${all.length}) names ${who}`;
  return [
    {
      weight: 86,
      object: role ? `clusterrole ${role.role}` : `serviceaccount ${hit.sa}`,
      cause: `RBAC: the ServiceAccount ${hit.sa} in ${hit.ns} is not allowed to ${hit.verb} ${hit.resource}${group ? ` (API group ${group})` : ''} at the cluster scope (Forbidden), which only a ClusterRole bound by a ClusterRoleBinding can grant: ${
        role
          ? `${roles.length === 1 ? `the ClusterRole ${role.role}, bound to ${who} by ClusterRoleBinding ${role.name}, grants` : `the ClusterRoles bound to ${who} (${roles.map((r) => `${r.role} by ${r.name}`).join(', ')}) grant`} ${granted || 'nothing'}${onIt ? ` but not "${hit.verb}" on ${hit.resource}${group ? '' : ' of the core API group'}` : `, nothing on ${hit.resource}`}`
          : none
      }, so every ${hit.verb} of ${hit.resource} the program makes is refused`,
      evidence: [
        `logs: "${clip(hit.line, 180)}"`,
        ...roles
          .slice(0, 2)
          .map((r) => `describe_resource ClusterRole ${r.role}: ${describe(r.rules) || 'no rules'}`),
      ],
      advice: role
        ? `add a rule to the ClusterRole ${role.role} allowing ${refused.join(', ')} on ${hit.resource} (API group "${group}"), keeping its other rules`
        : `bind ${who} to a ClusterRole that allows ${refused.join(', ')} on ${hit.resource} with a ClusterRoleBinding`,
    },
  ];
}

/**
 * The RoleBinding (of `bindings`, described) whose Role grants `verb` on `resource` to ServiceAccounts
 * other than `sa`, when no binding names `sa`: the Role is right and the subject is not (a chart that
 * renamed the account, a copied manifest). Object `rolebinding <name>`, weight 88.
 */
export function otherSubjects(
  seen: readonly SeenObservation[],
  bindings: readonly { name: string; d: string }[],
  hit: { sa: string; ns: string; verb: string; resource: string; line: string },
): Finding | undefined {
  for (const b of bindings) {
    const r = flat(section(b.d, 'RoleRef'), 'name');
    const text = r ? described(seen, 'Role', r) : undefined;
    const allows = (text ? roleRules(text) : []).some(
      (x) =>
        (x.resources.includes(hit.resource) || x.resources.includes('*')) &&
        (x.verbs.includes(hit.verb) || x.verbs.includes('*')) &&
        x.resourceNames.length === 0,
    );
    const others = subjects(b.d)
      .filter((x) => x.kind === 'ServiceAccount')
      .map((x) => `${x.namespace ?? hit.ns}/${x.name}`);
    if (!allows || others.length === 0) continue;
    return {
      weight: 88,
      object: `rolebinding ${b.name}`,
      cause: `RBAC: the RoleBinding ${b.name} binds the Role ${r}, which grants ${hit.verb} on ${hit.resource}, to the ServiceAccount ${others.join(', ')}, not to ${hit.sa}, the account the program runs as (system:serviceaccount:${hit.ns}:${hit.sa}, its serviceAccountName); no binding names ${hit.sa}, so its calls are forbidden: it cannot ${hit.verb} ${hit.resource}`,
      evidence: [
        `logs: "${clip(hit.line, 200)}"`,
        `describe_resource RoleBinding ${b.name}: subjects ${others.join(', ')}; roleRef Role ${r}`,
      ],
      advice: `add the ServiceAccount ${hit.sa} (namespace ${hit.ns}) to the subjects of RoleBinding ${b.name} (and of any ClusterRoleBinding made for it), instead of ${others.join(', ')}`,
    };
  }
  return undefined;
}

export const rbacAnalyzer: Analyzer = {
  name: 'rbac',
  reads({ ns: here, seen }) {
    const hit = forbiddenLine(textOf(seen, 'get_pod_logs'));
    if (!hit) return [];
    if (hit.cluster) return clusterReads(seen, hit);
    // The grants that count are in the namespace the call was refused in.
    const ns = hit.target ?? here;
    const reads: Read[] = [
      { tool: 'list_resources', args: { kind: 'RoleBinding', namespace: ns } },
      { tool: 'list_resources', args: { kind: 'Role', namespace: ns } },
    ];
    for (const b of listed(seen, 'RoleBinding').slice(0, 3))
      reads.push({ tool: 'describe_resource', args: { kind: 'RoleBinding', name: b.name, namespace: ns } });
    const bound = listed(seen, 'RoleBinding')
      .map((b) => described(seen, 'RoleBinding', b.name) ?? '')
      .filter((d) => subjects(d).some((x) => x.kind === 'ServiceAccount' && x.name === hit.sa))
      .map((d) => flat(section(d, 'RoleRef'), 'name'))
      .filter((x): x is string => Boolean(x));
    for (const r of (bound.length ? bound : listed(seen, 'Role').map((r) => r.name)).slice(0, 2))
      reads.push({ tool: 'describe_resource', args: { kind: 'Role', name: r, namespace: ns } });
    // A roleRef to a Role that the namespace does not have: is there a ClusterRole by that name?
    const missing = danglingRoleRef(seen, hit.sa);
    if (missing) reads.push({ tool: 'describe_resource', args: { kind: 'ClusterRole', name: missing.role } });
    return reads;
  },
  finds({ seen, task }) {
    const hit = forbiddenLine(textOf(seen, 'get_pod_logs'));
    if (!hit) return [];
    if (hit.cluster) return clusterFinds(seen, hit);
    const bindings = listed(seen, 'RoleBinding').map((b) => ({
      name: b.name,
      d: described(seen, 'RoleBinding', b.name) ?? '',
    }));
    // A binding that names the ServiceAccount, but in another namespace: it grants nothing to the
    // account that runs the program.
    const elsewhere = bindings
      .map((b) => ({
        ...b,
        s: subjects(b.d).find(
          (x) => x.kind === 'ServiceAccount' && x.name === hit.sa && x.namespace !== hit.ns,
        ),
      }))
      .find((b) => b.s);
    if (elsewhere?.s) {
      const where = hit.target ? ` in namespace ${hit.target}` : '';
      return [
        {
          weight: 88,
          object: `rolebinding ${elsewhere.name}`,
          cause: `RBAC: the RoleBinding ${elsewhere.name}${where} names the subject ServiceAccount ${elsewhere.s.name} in namespace ${elsewhere.s.namespace ?? '(none)'}, but the program runs as ${hit.sa} in namespace ${hit.ns} (system:serviceaccount:${hit.ns}:${hit.sa}); that account is bound to nothing here, so its calls are forbidden: it cannot ${hit.verb} ${hit.resource}${where}`,
          evidence: [
            `logs: "${clip(hit.line, 200)}"`,
            `describe_resource RoleBinding ${elsewhere.name}: subject ServiceAccount ${elsewhere.s.name}, namespace ${elsewhere.s.namespace ?? '(none)'}`,
          ],
          advice: `set the RoleBinding ${elsewhere.name}'s subject namespace to ${hit.ns} (ServiceAccount ${hit.sa})`,
        },
      ];
    }
    // A binding whose roleRef names a Role the namespace does not have (deleted, or a ClusterRole was
    // meant): it grants nothing, and a roleRef cannot be changed once the binding exists.
    // https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding
    const dangling = danglingRoleRef(seen, hit.sa);
    if (dangling) {
      const cluster =
        outputs(
          seen,
          'describe_resource',
          (o) => o.args['kind'] === 'ClusterRole' && o.args['name'] === dangling.role,
        ).length > 0;
      return [
        {
          weight: 89,
          object: `rolebinding ${dangling.binding}`,
          cause: `RBAC: the ServiceAccount ${hit.sa} in ${hit.ns} is not allowed to ${hit.verb} ${hit.resource} (Forbidden) because the RoleBinding ${dangling.binding}'s roleRef names kind: Role ${dangling.role}, and no Role ${dangling.role} exists in ${hit.ns} (it was deleted or never created), so the binding grants nothing${
            cluster
              ? `; a ClusterRole ${dangling.role} exists, but a roleRef of kind Role never refers to a ClusterRole, and a binding's roleRef cannot be changed after it is created`
              : ''
          }`,
          evidence: [
            `logs: "${clip(hit.line, 180)}"`,
            `describe_resource RoleBinding ${dangling.binding}: roleRef kind Role, name ${dangling.role}; no such Role in ${hit.ns}`,
          ],
          advice: cluster
            ? `delete the RoleBinding ${dangling.binding} and re-create it with roleRef kind ClusterRole, name ${dangling.role} (roleRef is immutable)`
            : `re-create the Role ${dangling.role} in ${hit.ns}, or re-create the binding pointing at a role that exists`,
        },
      ];
    }
    // The binding that names the account itself as a subject (not one whose name merely contains it).
    const names = (b: { d: string }) =>
      subjects(b.d).some(
        (x) =>
          x.kind === 'ServiceAccount' &&
          x.name === hit.sa &&
          (x.namespace === undefined || x.namespace === hit.ns),
      );
    const binding = bindings.find(names);
    // None does, but a binding grants what was refused to other accounts (the namespace's `default`
    // one, a copied manifest's): the Role is right and the subject is not.
    if (!binding) {
      const wrong = otherSubjects(seen, bindings, hit);
      if (wrong) return [wrong];
    }
    const role = binding ? flat(section(binding.d, 'RoleRef'), 'name') : undefined;
    const roleText = role ? described(seen, 'Role', role) : undefined;
    const rules = roleText ? roleRules(roleText) : [];
    const onIt = rules.filter((r) => r.resources.includes(hit.resource) || r.resources.includes('*'));
    const granted = rules
      .map(
        (r) =>
          `${r.verbs.join(', ')} on ${r.resources.join(', ')}${r.resourceNames.length ? ` (resourceNames ${r.resourceNames.slice(0, 4).join(', ')})` : ''}`,
      )
      .join('; ');
    // Rules that grant the refused verb only by name: list, watch and create requests name no object,
    // so resourceNames can never allow them (https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources).
    const named = onIt.filter(
      (r) =>
        r.resourceNames.length > 0 &&
        ['list', 'watch', 'create', 'deletecollection'].includes(hit.verb) &&
        (r.verbs.includes(hit.verb) || r.verbs.includes('*')),
    );
    // What the program was refused on this resource, in every Forbidden line; leader election (a
    // Lease) needs get, create and update (client-go's leaderelection resource lock).
    const refused = new Set(
      forbiddenAll(textOf(seen, 'get_pod_logs'))
        .filter((h) => h.resource === hit.resource)
        .map((h) => h.verb),
    );
    if (hit.resource === 'leases') for (const v of ['get', 'create', 'update']) refused.add(v);
    const group = hit.group ?? '';
    const fix =
      role && roleText && rules.length > 0 && (hit.target === undefined || hit.target === hit.ns)
        ? {
            tool: 'set_role_rules',
            args: {
              namespace: hit.ns,
              name: role,
              rules: [
                ...rules.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs })),
                { apiGroups: [group], resources: [hit.resource], verbs: [...refused] },
              ],
            },
            text: `add a rule to the Role ${role} allowing ${[...refused].join(', ')} on ${hit.resource}${group ? ` (API group ${group})` : ''}, keeping its other rules`,
          }
        : undefined;
    // Objects of the refused kind that pods need and that were never made ("persistentvolumeclaim "x" not
    // found"): a refused create explains them, and the pods that wait on them are its symptoms.
    const unmade = hit.verb === 'create' ? neverCreated(seen, hit.resource, hit.target ?? hit.ns) : [];
    // The refused call is the program's peer discovery (EMQX's `Ekka(AutoCluster): Discovery error`, a
    // cluster's peer lookup): each replica finds no peers and runs alone, a one-node cluster of its own.
    // Its own account's refusal (`system:serviceaccount:<ns>:<sa>`), said on the discovery's line or the one
    // before it (Hazelcast warns first, then logs the API server's refusal).
    const account = `system:serviceaccount:${hit.ns}:${hit.sa}`;
    const logLines = textOf(seen, 'get_pod_logs').slice(-400_000).split('\n');
    const discovery = logLines.some(
      (l, i) =>
        l.length <= 8000 &&
        l.includes(account) &&
        l.includes(hit.resource) &&
        /forbidden/i.test(l) &&
        (PEER_DISCOVERY.test(l) || PEER_DISCOVERY.test((logLines[i - 1] ?? '').slice(0, 8000))),
    );
    // The person asks about the replicas working together (scaled out, members that do not see each other,
    // a cluster that does not form): the discovery refusal is what they describe. "The cluster" alone is
    // Kubernetes'.
    const together =
      discovery &&
      /\b(?:replicas?|scaled|clustered|clustering|cookie|join(?:ed|ing)?|members?|peers?|each other|(?:do|does|did)(?: not|n't) cluster|form(?:ed|s)? (?:a |the )?cluster)\b/i.test(
        task,
      );
    // The refusal is in a crashed container's log (`previous`): the program exits on it, so the refusal
    // explains the crash and leads it, whatever the crash's own weight.
    // It must be among the last lines the program wrote before it ended: a refusal logged, retried and lived
    // past is not what a later panic of its own exits on.
    const exitsOnIt = outputs(seen, 'get_pod_logs', (o) => o.args['previous'] === true).some((o) => {
      const last = o.content
        .slice(-20_000)
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-3);
      return last.some((l) => l.includes(account) && l.includes(`cannot ${hit.verb}`));
    });
    return [
      {
        weight: unmade.length > 0 ? 94 : together ? 96 : discovery ? 90 : exitsOnIt ? 95 : 85,
        object: `serviceaccount ${hit.sa}`,
        cause: `RBAC: the ServiceAccount ${hit.sa} in ${hit.ns} is not allowed to ${hit.verb} ${hit.resource}${group ? ` (API group ${group})` : ''} (Forbidden)${
          role
            ? `: the Role ${role}${binding ? ` bound by RoleBinding ${binding.name}` : ''} grants ${granted || 'nothing'}${
                named.length > 0
                  ? `, but only for the resourceNames ${named
                      .flatMap((r) => r.resourceNames)
                      .slice(0, 4)
                      .join(
                        ', ',
                      )}: a rule with resourceNames cannot grant ${hit.verb} (a ${hit.verb} request names no object, so it is never allowed by name), and the program's informer needs list and watch on the whole collection`
                  : onIt.length > 0
                    ? ` but not "${hit.verb}"`
                    : `, nothing on ${hit.resource}`
              }`
            : ''
        }, so the program's API calls fail${
          discovery
            ? `; the refused call is its cluster's peer discovery, so each replica finds no peers and never joins the others: every pod runs as a one-node cluster on its own (isolated, not clustered), and what one replica receives the others never see`
            : ''
        }${
          unmade.length > 0
            ? `; the ${hit.resource} it was to create (${unmade.slice(0, 3).join(', ')}) were never made, so the pods that need them wait`
            : ''
        }`,
        evidence: [
          `logs: "${clip(hit.line, 180)}"`,
          ...(role ? [`describe_resource Role ${role}: ${granted || 'no rules'}`] : []),
        ],
        advice: `add "${hit.verb}" on ${hit.resource} to ${role ? `the Role ${role}` : `a Role bound to ${hit.sa}`}`,
        ...(fix ? { fix } : {}),
      },
    ];
  },
};
