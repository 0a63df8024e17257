import { type Analyzer, clip, described, flat, listed, type Read, section, textOf } from './types.js';

// `User "system:serviceaccount:<ns>:<sa>" cannot <verb> resource "<resource>"`, as the API server words it.
const FORBIDDEN =
  /User "system:serviceaccount:([a-z0-9-]{1,63}):([a-z0-9.-]{1,253})" cannot ([a-z]{1,20}) resource "([a-z0-9.-]{1,253})"/;

function forbiddenLine(
  logs: string,
): { line: string; ns: string; sa: string; verb: string; resource: string } | undefined {
  for (const line of logs.split('\n')) {
    if (!line.includes('cannot') || !line.includes('system:serviceaccount:')) continue;
    const m = FORBIDDEN.exec(line.length > 2000 ? line.slice(0, 2000) : line);
    if (m) return { line, ns: m[1]!, sa: m[2]!, verb: m[3]!, resource: m[4]! };
  }
  return undefined;
}

/** A program whose ServiceAccount may not do what it needs: Forbidden lines in its logs, the Role that lacks the verb. */
export const rbacAnalyzer: Analyzer = {
  name: 'rbac',
  reads({ ns, seen }) {
    const hit = forbiddenLine(textOf(seen, 'get_pod_logs'));
    if (!hit) return [];
    const reads: Read[] = [
      { tool: 'list_resources', args: { kind: 'RoleBinding', namespace: ns } },
      { tool: 'list_resources', args: { kind: 'Role', namespace: ns } },
    ];
    for (const b of listed(seen, 'RoleBinding').slice(0, 3))
      reads.push({ tool: 'describe_resource', args: { kind: 'RoleBinding', name: b.name, namespace: ns } });
    const bound = listed(seen, 'RoleBinding')
      .map((b) => described(seen, 'RoleBinding', b.name) ?? '')
      .filter((d) => d.includes(hit.sa))
      .map((d) => flat(section(d, 'RoleRef'), 'name'))
      .filter((x): x is string => Boolean(x));
    for (const r of (bound.length ? bound : listed(seen, 'Role').map((r) => r.name)).slice(0, 2))
      reads.push({ tool: 'describe_resource', args: { kind: 'Role', name: r, namespace: ns } });
    return reads;
  },
  finds({ seen }) {
    const hit = forbiddenLine(textOf(seen, 'get_pod_logs'));
    if (!hit) return [];
    const binding = listed(seen, 'RoleBinding')
      .map((b) => ({ name: b.name, d: described(seen, 'RoleBinding', b.name) ?? '' }))
      .find((b) => b.d.includes(hit.sa));
    const role = binding ? flat(section(binding.d, 'RoleRef'), 'name') : undefined;
    const roleText = role ? described(seen, 'Role', role) : undefined;
    const verbs = roleText ? [...roleText.matchAll(/verbs\[\d+\]: (\S+)/g)].map((m) => m[1]) : [];
    return [
      {
        weight: 85,
        object: `serviceaccount ${hit.sa}`,
        cause: `RBAC: the ServiceAccount ${hit.sa} in ${hit.ns} is not allowed to ${hit.verb} ${hit.resource} (Forbidden)${
          role
            ? `: the Role ${role}${binding ? ` bound by RoleBinding ${binding.name}` : ''} grants ${verbs.length ? verbs.join(', ') : 'other verbs'} but not "${hit.verb}"`
            : ''
        }, so the program's API calls fail`,
        evidence: [
          `logs: "${clip(hit.line, 180)}"`,
          ...(role ? [`describe_resource Role ${role}: verbs ${verbs.join(', ') || '(none)'}`] : []),
        ],
        advice: `add "${hit.verb}" on ${hit.resource} to ${role ? `the Role ${role}` : `a Role bound to ${hit.sa}`}`,
      },
    ];
  },
};
