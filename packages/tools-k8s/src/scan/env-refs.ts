import { SECRET_NAME } from '../tools/tool-def.js';
import type { Container, Pod, ReplicaSet } from '../types.js';
import { podOwner } from './pods.js';
import { type Analyzer, type Facts, type Found, quote } from './types.js';

/**
 * The `$(NAME)` references of an env value, in order, each once. `$$(NAME)` is the escape for a
 * literal and is skipped. A linear scan, no regular expression over the untrusted value.
 */
export function envReferences(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    const at = value.indexOf('$(', i);
    if (at < 0) break;
    if (at > 0 && value[at - 1] === '$') {
      i = at + 2;
      continue;
    }
    const end = value.indexOf(')', at + 2);
    if (end < 0) break;
    const name = value.slice(at + 2, end);
    if (name.length > 0 && name.length <= 253 && !out.includes(name)) out.push(name);
    i = end + 1;
  }
  return out;
}

/** One env value's references that Kubernetes leaves unexpanded, and why. */
interface Unexpanded {
  readonly variable: string;
  readonly ref: string;
  /** Index of the definition after the referring entry, or undefined when not defined in env at all. */
  readonly laterAt: number | undefined;
}

/**
 * References a container's env leaves as literal text. Kubernetes expands `$(NAME)` in an env value
 * only from variables defined earlier in the same container's `env` list (or by `envFrom`); a
 * reference to a variable defined later, or nowhere, stays the text `$(NAME)`.
 * https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function unexpandedRefs(c: Container): Unexpanded[] {
  const env = (c.env ?? []).slice(0, 500);
  const fromEnvFrom = (c.envFrom ?? []).length > 0;
  const out: Unexpanded[] = [];
  env.forEach((e, i) => {
    if (typeof e.value !== 'string') return;
    for (const ref of envReferences(e.value.slice(0, 8192))) {
      if (env.slice(0, i).some((x) => x.name === ref)) continue;
      const later = env.findIndex((x, j) => j > i && x.name === ref);
      // Not in env at all: envFrom may define it, which this cannot see; only a later entry is sure.
      if (later < 0 && fromEnvFrom) continue;
      out.push({ variable: e.name, ref, laterAt: later < 0 ? undefined : later });
    }
  });
  return out;
}

/**
 * Whether a variable's value may be a secret, so it is never printed: its name says so (the tools' own
 * `SECRET_NAME`, and any key or certificate), or the value is a URL or DSN with a password
 * (`postgres://user:pw@db`).
 */
function secretValue(name: string, value: string): boolean {
  return (
    SECRET_NAME.test(name) || /key|cert|cred/i.test(name) || /:\/\/[^/\s:@]{0,200}:[^@\s]{1,200}@/.test(value)
  );
}

/**
 * One finding per workload (its pods share the template): for each pod, the first of `containers(pod)` that
 * `check` finds something in, made into a finding by `found` with the pod's namespace and owner.
 */
function perWorkload<T>(
  facts: Facts,
  containers: (p: Pod) => readonly Container[],
  check: (c: Container) => T | undefined,
  found: (p: Pod, c: Container, hit: T, where: { ns?: string; owner?: string }) => Found,
): Found[] {
  const out: Found[] = [];
  const replicaSets = facts.list<ReplicaSet>('ReplicaSet');
  const owners = new Set<string>();
  for (const p of facts.list<Pod>('Pod')) {
    const ns = p.metadata.namespace;
    const owner = podOwner(p, replicaSets);
    const key = `${ns ?? ''}/${owner ?? p.metadata.name}`;
    if (owners.has(key)) continue;
    for (const c of containers(p)) {
      const hit = check(c);
      if (hit === undefined) continue;
      owners.add(key);
      out.push(found(p, c, hit, { ...(ns ? { ns } : {}), ...(owner ? { owner } : {}) }));
      break;
    }
  }
  return out;
}

/**
 * The literal env values of a container wrapped in one pair of matching quotes (`"a b"`, `'a'`), with no
 * quote of that kind inside. Kubernetes passes a value as written, so the quotes reach the program as part
 * of it; a shell and docker-compose's `.env` files strip them, which is how such values are usually copied
 * over (https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/).
 */
export function quotedValues(c: Container): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  // A value the container's command hands to a shell (`sh -c "exec app $(FLAGS)"`): Kubernetes expands
  // `$(FLAGS)` into the script, and the shell strips the quotes, as they were written for.
  const command = [...(c.command ?? []), ...(c.args ?? [])].join(' ').slice(0, 20_000);
  for (const e of (c.env ?? []).slice(0, 500)) {
    // A YAML block scalar (`value: |`) ends the value with a newline the quotes come before.
    const v = typeof e.value === 'string' ? e.value.replace(/[\r\n]+$/, '') : undefined;
    if (typeof v !== 'string' || v.length < 3 || v.length > 4096) continue;
    if (command.includes(`$(${e.name})`)) continue;
    const q = v[0];
    if ((q !== '"' && q !== "'") || v.at(-1) !== q || v.slice(1, -1).includes(q)) continue;
    // A JSON document or a quoted empty string is not a copied-over value.
    if (v.slice(1, -1).trim() === '') continue;
    out.push({ name: e.name, value: v });
  }
  return out;
}

/** Pods whose containers get env values with the quotes as part of the value. */
export const envQuotedAnalyzer: Analyzer = {
  name: 'env-quoted',
  kinds: ['Pod', 'ReplicaSet'],
  priority: 70,
  analyze(facts) {
    return perWorkload(
      facts,
      // The app containers first: an init container's quoted message is a lesser find.
      (p) => [...p.spec.containers, ...(p.spec.initContainers ?? [])],
      (c) => {
        const quoted = quotedValues(c);
        return quoted.length > 0 ? quoted : undefined;
      },
      (p, c, quoted, { ns, owner }) => {
        const first = quoted[0]!;
        const secret = secretValue(first.name, first.value);
        return {
          kind: 'Pod',
          name: p.metadata.name ?? '',
          ...(ns ? { namespace: ns } : {}),
          container: c.name,
          ...(owner ? { owner } : {}),
          reason: 'EnvValueQuoted',
          message: `container ${quote(c.name, 63)} gets ${quote(first.name, 80)} with the quotes as part of the value${
            secret ? '' : ` (${quote(first.value, 160)})`
          }: Kubernetes passes an env value as written, so the program takes the quote characters literally (a shell or a docker-compose .env file strips them); a list split on spaces gets them on its first and last items, which then match nothing`,
          evidence: quoted
            .slice(0, 3)
            .map((q) =>
              secretValue(q.name, q.value)
                ? `env ${quote(q.name, 80)} value starts and ends with ${q.value[0]}`
                : `env ${q.name} value ${JSON.stringify(q.value)}`,
            ),
          fix: `set ${quoted
            .slice(0, 3)
            .map((q) => q.name)
            .join(', ')} without the surrounding quotes`,
        };
      },
    );
  },
};

/** Pods whose env values reference variables Kubernetes will not expand (defined later, or not at all). */
export const envRefsAnalyzer: Analyzer = {
  name: 'env-refs',
  kinds: ['Pod', 'ReplicaSet'],
  priority: 89,
  analyze(facts) {
    return perWorkload(
      facts,
      (p) => [...(p.spec.initContainers ?? []), ...p.spec.containers],
      (c) => {
        const bad = unexpandedRefs(c);
        return bad.length > 0 ? bad : undefined;
      },
      (p, c, bad, { ns, owner }) => {
        const later = bad.filter((b) => b.laterAt !== undefined);
        const first = later[0] ?? bad[0]!;
        const refs = [...new Set(bad.map((b) => `$(${b.ref})`))].slice(0, 4).join(', ');
        return {
          kind: 'Pod',
          name: p.metadata.name ?? '',
          ...(ns ? { namespace: ns } : {}),
          container: c.name,
          ...(owner ? { owner } : {}),
          reason: 'EnvVarReferenceNotExpanded',
          message: `container ${quote(c.name, 63)} gets ${quote(first.variable, 80)} with the literal text ${refs}: ${
            later.length > 0
              ? `${later
                  .map((b) => b.ref)
                  .filter((r, i, a) => a.indexOf(r) === i)
                  .slice(0, 4)
                  .join(
                    ', ',
                  )} ${later.length === 1 ? 'is' : 'are'} defined later in its env list, and Kubernetes expands $(VAR) only from variables defined earlier (the env order matters)`
              : `${quote(first.ref, 80)} is not defined in its env, so Kubernetes leaves the reference unexpanded`
          }`,
          evidence: bad
            .slice(0, 3)
            .map(
              (b) =>
                `env ${quote(b.variable, 80)} references $(${quote(b.ref, 80)}), ${
                  b.laterAt !== undefined
                    ? `defined after it (entry ${b.laterAt + 1})`
                    : 'defined nowhere in env'
                }`,
            ),
          fix: `define ${[...new Set(bad.map((b) => b.ref))].slice(0, 4).join(', ')} before ${quote(first.variable, 80)} in the container's env list`,
        };
      },
    );
  },
};
