import {
  type ConfigSource,
  describedSources,
  type EnvEntry,
  envEntries,
  missingKeyRef,
  normalizedName,
  sourceFor,
} from '../../../analyzers/config-sources.js';
import { containerSections, type Finding, setEnvFix } from '../../../analyzers/types.js';
import type { SeenObservation } from '../../../observations.js';
import { escapeRe, lastOf } from '../../reading.js';
import type { Facts, RunSignature } from '../types.js';

/*
 * A configuration value the evidence determines, proposed as a `set_env` fix on the finding it
 * explains (so a bad rollout does not take its place as the fix):
 * - a variable the program says is missing, held by exactly one key of the namespace's Secrets or
 *   ConfigMaps under another spelling (STRIPE_API_KEY as `stripe-api-key`);
 * - a key a Secret lacks (CreateContainerConfigError) where the Secret holds a single key, or a single
 *   key spelled like the one asked for;
 * - a connection URL in a variable whose port the dependency's Service does not expose, where the
 *   Service exposes one port (or one named for the URL's scheme).
 * Nothing is proposed when the evidence leaves the value open.
 */

/** The pod and deployment a finding is about (`deployment D (pod P)`). */
function subject(f: Finding): { deployment: string; pod: string } | undefined {
  const m = /^deployment ([a-z0-9][a-z0-9.-]{0,252}) \(pod ([a-z0-9][a-z0-9.-]{0,252})\)$/.exec(f.object);
  return m ? { deployment: m[1]!, pod: m[2]! } : undefined;
}

/** The container sections of the pod's newest description. */
function containersOf(seen: readonly SeenObservation[], pod: string) {
  const d = lastOf(seen, 'describe_pod', (o) => o.status === 'ok' && o.args['name'] === pod);
  return d ? containerSections(d.content).map((c) => ({ ...c, env: envEntries(c.body) })) : [];
}

/** The container a cause names (`the container api crashes`), else the pod's only app container. */
function namedContainer<T extends { name: string; init: boolean }>(
  cause: string,
  sections: T[],
): T | undefined {
  const named = /\bthe (?:init )?container ([a-z0-9][a-z0-9.-]{0,62})\b/.exec(cause)?.[1];
  const apps = sections.filter((c) => !c.init);
  return sections.find((c) => c.name === named) ?? (apps.length === 1 ? apps[0] : undefined);
}

function refArg(s: { kind: 'Secret' | 'ConfigMap'; name: string; key: string }) {
  return s.kind === 'Secret'
    ? { secretKeyRef: { name: s.name, key: s.key } }
    : { configMapKeyRef: { name: s.name, key: s.key } };
}

/** A missing variable whose value one Secret or ConfigMap key holds under another spelling. */
function missingVariableFix(f: Facts, finding: Finding, sources: readonly ConfigSource[]): boolean {
  const v = /a required environment variable ([A-Za-z_][A-Za-z0-9_]{0,127}) is missing/.exec(
    finding.cause,
  )?.[1];
  const who = subject(finding);
  if (!v || !who) return false;
  const c = namedContainer(finding.cause, containersOf(f.seen, who.pod));
  if (!c || c.env.some((e) => e.name === v)) return false;
  // The objects the container loads whole (envFrom) first: a key there under another name is why the
  // variable is missing; a key of another workload's Secret is only a lead.
  const loaded = [...c.body.matchAll(/<all keys from (ConfigMap|Secret) ([a-z0-9][a-z0-9.-]{0,252})>/g)].map(
    (m) => `${m[1]}/${m[2]}`,
  );
  const own = sourceFor(
    v,
    sources.filter((s) => loaded.includes(`${s.kind}/${s.name}`)),
  );
  const src = own ?? sourceFor(v, sources);
  if (!src) return false;
  const where = `${src.kind} ${src.name}`;
  finding.cause += own
    ? `; its envFrom loads ${where}, which holds the value under another name, the key ${src.key} (renamed), so the variable arrives as ${src.key} and ${v} is not set`
    : `; the value exists in the namespace under another name: ${where} holds it as the key ${src.key}, but nothing maps that key to ${v}`;
  finding.evidence.push(`describe_resource ${where}: key ${src.key}`);
  finding.fix = setEnvFix(
    f.ns,
    who.deployment,
    c.name,
    [{ name: v, ...refArg(src) }],
    `set ${v} in ${who.deployment}/${c.name} from key ${src.key} of ${where}`,
  );
  finding.advice = finding.fix.text;
  return true;
}

/** The part of a connection's settings a key's name says it holds, by its words (`db-password`: password). */
const CREDENTIAL_PARTS: readonly (readonly [string, RegExp])[] = [
  // An identifier, one half of a pair (`access-key-id`, `client-id`, `app_id`), before the words of its
  // other half (`secret-access-key`, `client-secret`).
  ['identifier', /(?:^|[-_.]|key|client|app|account)id$/],
  ['token', /token/],
  ['password', /pass|pwd|secret/],
  ['certificate', /cert|crt|pem/],
  ['key', /key/],
  ['user', /user|login|account/],
  ['host', /host|url|uri|endpoint|addr/],
  ['port', /port/],
];

function credentialPart(key: string): string | undefined {
  const k = key.toLowerCase();
  return CREDENTIAL_PARTS.find(([, re]) => re.test(k))?.[0];
}

/** A key a Secret or ConfigMap lacks, where the object's keys say which one was meant. */
function missingKeyFix(f: Facts, finding: Finding, sources: readonly ConfigSource[]): boolean {
  const who = subject(finding);
  const ref = missingKeyRef([finding.cause, ...finding.evidence].join('\n'));
  // The scan words it `key "password" is missing from Secret "x"`.
  const scanned =
    /key "([^"\s]{1,253})" is missing from (Secret|ConfigMap) "([a-z0-9][a-z0-9.-]{0,252})"/.exec(
      finding.cause,
    );
  const missing =
    ref ??
    (scanned
      ? { kind: scanned[2] as 'Secret' | 'ConfigMap', name: scanned[3]!, key: scanned[1]! }
      : undefined);
  if (!who || !missing) return false;
  const keys = sources.find((s) => s.kind === missing.kind && s.name === missing.name)?.keys ?? [];
  const spelled = keys.filter((k) => normalizedName(k) === normalizedName(missing.key));
  const key = keys.length === 1 ? keys[0] : spelled.length === 1 ? spelled[0] : undefined;
  if (!key || key === missing.key) return false;
  // A single key that holds another part of the credentials (a username where a password is asked for)
  // is no stand-in for the missing one, however alone it is.
  const asked = credentialPart(missing.key);
  const held = credentialPart(key);
  if (asked && held && asked !== held) return false;
  const sections = containersOf(f.seen, who.pod);
  const users = sections.flatMap((c) =>
    c.env
      .filter((e) => e.ref?.kind === missing.kind && e.ref.name === missing.name && e.ref.key === missing.key)
      .map((e) => ({ container: c.name, env: e })),
  );
  if (users.length !== 1) return false;
  const { container, env } = users[0]!;
  const where = `${missing.kind} ${missing.name}`;
  // The same name spelled another way (`apiKey` for `api-key`): the key is named differently, not missing.
  const sameName = spelled.length === 1 && spelled[0] === key;
  finding.cause += `; ${where} has no key named ${missing.key}: it has ${keys.length === 1 ? 'a single key' : 'the key'}, ${key}${sameName ? `, the same name spelled differently (the key is named differently, not missing)` : ''}, so ${env.name} should read key ${key}`;
  finding.evidence.push(`describe_resource ${where}: keys ${keys.join(', ')}`);
  finding.fix = setEnvFix(
    f.ns,
    who.deployment,
    container,
    [{ name: env.name, ...refArg({ kind: missing.kind, name: missing.name, key }) }],
    `point ${env.name} of ${who.deployment}/${container} at key ${key} of ${where}`,
  );
  finding.advice = finding.fix.text;
  return true;
}

/** The ports a described Service exposes: `Port: name 5432/TCP` lines. */
function servicePorts(text: string): { name?: string; port: number }[] {
  return [...text.matchAll(/^Port:[ \t]+(?:(\S{1,63})[ \t]+)?(\d{1,5})\/(?:TCP|UDP|SCTP)/gm)].map((m) => ({
    ...(m[1] ? { name: m[1] } : {}),
    port: Number(m[2]),
  }));
}

/** A URL with the password of its user part (`scheme://user:password@host`) masked, by string search. */
export function withoutPassword(url: string): string {
  const start = url.indexOf('://');
  if (start < 0) return url;
  const at = url.indexOf('@', start + 3);
  const slash = url.indexOf('/', start + 3);
  if (at < 0 || (slash >= 0 && slash < at)) return url;
  const colon = url.indexOf(':', start + 3);
  return colon >= 0 && colon < at ? `${url.slice(0, colon + 1)}***${url.slice(at)}` : url;
}

/** A variable's URL whose port the dependency's Service does not expose, where the Service says which. */
function portFix(f: Facts, finding: Finding): boolean {
  const dep =
    /because a dependency \(([a-z0-9][a-z0-9-]{0,62})(?: in namespace ([a-z0-9][a-z0-9-]{0,62}))?\)/.exec(
      finding.cause,
    );
  const who = subject(finding);
  if (!dep || !who) return false;
  const host = dep[1]!;
  const hostNs = dep[2] ?? f.ns;
  const svc = lastOf(
    f.seen,
    'describe_service',
    (o) => o.status === 'ok' && o.args['name'] === host && o.args['namespace'] === hostNs,
  );
  if (!svc) return false;
  const ports = servicePorts(svc.content);
  const c = namedContainer(finding.cause, containersOf(f.seen, who.pod));
  if (!c || ports.length === 0) return false;
  const at = new RegExp(
    `^(?:([a-z][a-z0-9+.-]{0,20}):\\/\\/)?(?:[^@\\s/]{1,200}@)?${escapeRe(host)}(?:\\.[a-z0-9-]{1,63}){0,6}:(\\d{1,5})(?!\\d)`,
  );
  const uses: { env: EnvEntry; scheme?: string; port: number }[] = [];
  for (const e of c.env) {
    const m = e.value !== undefined ? at.exec(e.value) : null;
    if (m) uses.push({ env: e, port: Number(m[2]), ...(m[1] ? { scheme: m[1] } : {}) });
  }
  if (uses.length !== 1) return false;
  const { env, scheme, port } = uses[0]!;
  if (ports.some((p) => p.port === port)) return false;
  const named = scheme
    ? ports.filter((p) => p.name && normalizedName(p.name).startsWith(normalizedName(scheme).slice(0, 5)))
    : [];
  const right = ports.length === 1 ? ports[0] : named.length === 1 ? named[0] : undefined;
  if (!right) return false;
  const value = env.value!.replace(`:${port}`, `:${right.port}`);
  // What the person asked may be whether the dependency is down: it is not, the address is wrong.
  finding.cause = finding.cause.replace(
    ' it connects to is unavailable:',
    ' cannot be reached at the address it is given:',
  );
  finding.cause += `; ${env.name} points at port ${port} of ${host}, but Service ${host}${hostNs !== f.ns ? ` in namespace ${hostNs}` : ''} exposes only port ${ports.map((p) => p.port).join(', ')}: the port in ${env.name} is wrong (${port} instead of ${right.port}), so the connection fails while ${host} itself is up`;
  finding.evidence.push(
    // A URL's password is not repeated in the answer.
    `describe_pod ${who.pod}: ${env.name}=${withoutPassword(env.value!)}`,
    `describe_service ${host}${hostNs !== f.ns ? ` -n ${hostNs}` : ''}: port ${ports.map((p) => p.port).join(', ')}`,
  );
  finding.fix = setEnvFix(
    f.ns,
    who.deployment,
    c.name,
    [{ name: env.name, value }],
    `set ${env.name} of ${who.deployment}/${c.name} to use port ${right.port}, the port Service ${host} exposes`,
  );
  finding.advice = finding.fix.text;
  return true;
}

/** `set_env` fixes for configuration values the evidence determines; before the bad-rollout signature. */
export const configValues: RunSignature = {
  name: 'config-values',
  refine(f, found) {
    if (!f.tools.has('set_env')) return;
    const sources = describedSources(f.seen, f.ns);
    for (const finding of found) {
      if (finding.fix) continue;
      if (missingVariableFix(f, finding, sources)) continue;
      if (missingKeyFix(f, finding, sources)) continue;
      portFix(f, finding);
    }
  },
};
