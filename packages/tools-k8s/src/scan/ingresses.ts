import type { KubeEvent, Service } from '../types.js';
import type { Ingress, IngressBackend, IngressClass, SecretLike } from './objects.js';
import { type Analyzer, eventLine, type Found, quote } from './types.js';

const DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS = 'kubernetes.io/ingress.class';

/** Ingresses: no class and no default among the cluster's classes, an unknown class, a backend Service (or its port) that does not exist, a missing TLS secret (and why cert-manager has not issued it). */
export const ingressesAnalyzer: Analyzer = {
  name: 'ingresses',
  kinds: ['Ingress', 'IngressClass', 'Service', 'Secret', 'Event'],
  priority: 75,
  analyze(facts) {
    const out: Found[] = [];
    const classes = facts.list<IngressClass>('IngressClass');
    const classNames = classes.map((c) => c.metadata.name ?? '');
    const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true');
    const services = facts.list<Service>('Service');
    for (const ing of facts.list<Ingress>('Ingress')) {
      const ns = ing.metadata.namespace;
      const name = ing.metadata.name ?? '';
      const base = { kind: 'Ingress', name, ...(ns ? { namespace: ns } : {}) };
      const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS];
      if (facts.read('IngressClass')) {
        // With no IngressClass at all, nothing says which controller serves the cluster's Ingresses (one
        // that serves class-less ones, as older controllers do, or none): only a cluster that has
        // classes and none of them default leaves a class-less Ingress unserved.
        if (!cls && defaults.length === 0 && classNames.length > 0) {
          out.push({
            ...base,
            reason: 'NoIngressClass',
            message: `ingress ${name} names no ingress class and the cluster has no default IngressClass, so no controller serves it${classNames.length ? ` (classes: ${classNames.slice(0, 6).join(', ')})` : ''}`,
            evidence: [
              `spec.ingressClassName <unset>; IngressClasses: ${classNames.slice(0, 6).join(', ') || '<none>'}, none annotated default`,
            ],
            next: 'list_resources kind=IngressClass',
            fix: `set spec.ingressClassName${classNames[0] ? ` (e.g. ${classNames[0]})` : ''}, or mark a class as the default`,
          });
        } else if (
          cls &&
          !classNames.includes(cls) &&
          // The legacy annotation in a cluster with no IngressClass: an older controller started with
          // that class serves it without any IngressClass object.
          (classNames.length > 0 || ing.spec?.ingressClassName !== undefined)
        ) {
          out.push({
            ...base,
            reason: 'IngressClassNotFound',
            message: `ingress ${name} names ingress class "${cls}", which does not exist${classNames.length ? ` (classes: ${classNames.slice(0, 6).join(', ')})` : ''}, so no controller serves it`,
            evidence: [
              `ingressClassName ${cls}; IngressClasses: ${classNames.slice(0, 6).join(', ') || '<none>'}`,
            ],
            next: 'list_resources kind=IngressClass',
            fix: `set spec.ingressClassName to an existing class${classNames[0] ? ` (${classNames[0]})` : ''}`,
          });
        }
      }
      const backends: IngressBackend[] = [
        ...(ing.spec?.defaultBackend ? [ing.spec.defaultBackend] : []),
        ...(ing.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend ?? {})),
      ];
      // pathType Exact on a path that is a prefix of an API (`/api`): `/api/v1/…` no longer matches it
      // and falls through to a Prefix rule above it (`/`), another backend (kubernetes.io Ingress,
      // "Path types": Exact matches the URL path exactly).
      for (const r of ing.spec?.rules ?? []) {
        const paths = r.http?.paths ?? [];
        for (const p of paths) {
          const exact = p.path;
          if (p.pathType !== 'Exact' || !exact || exact === '/' || /\.[a-z0-9]{1,5}$/i.test(exact)) continue;
          const catchAll = paths.find(
            (o) =>
              o !== p &&
              (o.pathType ?? 'Prefix') !== 'Exact' &&
              o.path !== undefined &&
              exact.startsWith(o.path) &&
              o.backend?.service?.name !== p.backend?.service?.name,
          );
          if (!catchAll) continue;
          const to = p.backend?.service?.name ?? '?';
          const other = catchAll.backend?.service?.name ?? '?';
          out.push({
            ...base,
            reason: 'ExactPathShadowed',
            message: `ingress ${name}${r.host ? ` (host ${r.host})` : ''} routes ${p.path} to service ${to} with pathType Exact, which matches only the path ${p.path} itself: requests under it (${p.path}/…) match the Prefix path ${catchAll.path} instead and go to service ${other}, which answers them with 404`,
            evidence: [
              `path ${p.path} pathType Exact -> ${to}; path ${catchAll.path} pathType ${catchAll.pathType ?? 'Prefix'} -> ${other}`,
            ],
            next: `get_resource kind=Ingress namespace=${ns} name=${name}`,
            fix: `set pathType: Prefix on ${p.path} (or ImplementationSpecific with a regex), so ${p.path}/… reaches ${to}`,
          });
        }
      }
      const reported = new Set<string>();
      for (const b of backends) {
        const ref = b.service;
        if (!ref?.name || !facts.read('Service')) continue;
        const svc = services.find((s) => s.metadata.namespace === ns && s.metadata.name === ref.name);
        const id = `${ref.name}:${ref.port?.number ?? ref.port?.name ?? ''}`;
        if (reported.has(id)) continue;
        reported.add(id);
        if (!svc) {
          out.push({
            ...base,
            reason: 'BackendServiceNotFound',
            message: `ingress ${name} routes to service ${ref.name}, which does not exist in ${ns}, so those requests fail (503/404)`,
            evidence: [
              `backend service ${ref.name} port ${ref.port?.number ?? ref.port?.name ?? '?'}; no such Service`,
            ],
            next: `list_services namespace=${ns}`,
            fix: `point the backend at an existing service, or create service ${ref.name}`,
          });
          continue;
        }
        const ports = svc.spec.ports ?? [];
        const want = ref.port?.number ?? ref.port?.name;
        // An ExternalName Service is a DNS alias (kubernetes.io, "Service": type ExternalName): it has no
        // endpoints to map, and the controller connects to the external name on the backend's port.
        const ok =
          want === undefined ||
          svc.spec.type === 'ExternalName' ||
          ports.some((p) => p.port === want || p.name === want);
        if (!ok) {
          out.push({
            ...base,
            reason: 'BackendPortNotFound',
            message: `ingress ${name} sends traffic to service ${ref.name} port ${want}, but ${ref.name} exposes port ${ports.map((p) => (p.name ? `${p.port} (${p.name})` : String(p.port))).join(', ') || 'none'}, so the controller has no endpoint for it (503/502)`,
            evidence: [
              `backend ${ref.name}:${want}; service ports: ${ports.map((p) => p.port).join(', ') || '<none>'}`,
            ],
            next: `describe_service namespace=${ns} name=${ref.name}`,
            fix: `point the backend at ${ref.name} port ${ports[0]?.port ?? '?'}`,
          });
        }
      }
      if (facts.read('Secret')) {
        for (const t of ing.spec?.tls ?? []) {
          if (!t.secretName) continue;
          if (
            facts
              .list<SecretLike>('Secret')
              .some((s) => s.metadata?.namespace === ns && s.metadata?.name === t.secretName)
          )
            continue;
          // A secret cert-manager should issue: the issuer the ingress names, and what cert-manager
          // said about the Certificate (or its requests) for that secret.
          const notes = ing.metadata.annotations ?? {};
          const issuerKind = notes['cert-manager.io/cluster-issuer'] ? 'ClusterIssuer' : 'Issuer';
          const issuer = notes['cert-manager.io/cluster-issuer'] ?? notes['cert-manager.io/issuer'];
          const secret = t.secretName;
          const said = facts
            .list<KubeEvent>('Event')
            .filter(
              (e) =>
                (e.involvedObject.namespace ?? e.metadata?.namespace) === ns &&
                /^(Certificate|CertificateRequest|Order|Challenge)$/.test(e.involvedObject.kind ?? '') &&
                ((e.involvedObject.name ?? '') === secret ||
                  (e.involvedObject.name ?? '').startsWith(`${secret}-`)) &&
                (e.type === 'Warning' || /not ?found|failed|error|denied/i.test(`${e.reason} ${e.message}`)),
            );
          const issuerMissing = said.find(
            (e) =>
              /issuer/i.test(`${e.reason} ${e.message}`) && /not ?found/i.test(`${e.reason} ${e.message}`),
          );
          out.push({
            ...base,
            reason: 'TLSSecretNotFound',
            message: issuer
              ? `ingress ${name} names TLS secret ${secret}, which does not exist in ${ns}: cert-manager has not issued it${issuerMissing ? `, because the ${issuerKind} ${issuer} the ingress asks for does not exist (${quote(issuerMissing.message, 160)})` : said[0] ? ` (${quote(said[0].message, 160)})` : ''}; until it exists the ingress controller serves its default (fake) certificate`
              : `ingress ${name} names TLS secret ${secret}, which does not exist in ${ns}`,
            evidence: [
              `spec.tls secretName ${secret}; no such Secret`,
              ...(issuer
                ? [
                    `annotation cert-manager.io/${issuerKind === 'ClusterIssuer' ? 'cluster-issuer' : 'issuer'}: ${issuer}`,
                  ]
                : []),
              ...said.slice(0, 2).map(eventLine),
            ],
            fix: issuerMissing
              ? `point the ingress (and its Certificate) at an issuer that exists, fixing the name ${issuer}; cert-manager then issues ${secret}`
              : `create the TLS secret ${secret}, or fix the name`,
          });
        }
      }
    }
    out.push(...duplicateRules(facts.list<Ingress>('Ingress')));
    return out;
  },
};

/**
 * Two Ingresses of one class that claim the same host and path: the controller serves only one of
 * them. ingress-nginx merges rules by host and keeps the oldest Ingress's path when two collide
 * (its docs, "Ingress rules with the same host and path"), so a newer Ingress for the path never
 * receives traffic. Reported on the newer one, naming the older.
 */
function duplicateRules(ingresses: readonly Ingress[]): Found[] {
  const owner = new Map<string, Ingress>();
  const out: Found[] = [];
  const created = (i: Ingress) => i.metadata.creationTimestamp ?? '';
  const sorted = [...ingresses].sort((a, b) => created(a).localeCompare(created(b)));
  const reported = new Set<string>();
  for (const ing of sorted.slice(0, 2000)) {
    // An ingress-nginx canary shares its main Ingress's host and path on purpose: the controller
    // routes a share of that traffic (by header, cookie or weight) to it, so it claims nothing.
    // https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary
    if (ing.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true') continue;
    const ns = ing.metadata.namespace;
    const name = ing.metadata.name ?? '';
    const cls = ing.spec?.ingressClassName ?? ing.metadata.annotations?.[LEGACY_CLASS] ?? '';
    for (const rule of ing.spec?.rules ?? []) {
      if (!rule.host) continue;
      for (const p of rule.http?.paths ?? []) {
        const key = `${cls}\u0000${rule.host}\u0000${p.path ?? '/'}`;
        const first = owner.get(key);
        if (!first) {
          owner.set(key, ing);
          continue;
        }
        if (first === ing || reported.has(name)) continue;
        reported.add(name);
        const older = first.metadata.name ?? '';
        out.push({
          kind: 'Ingress',
          name,
          ...(ns ? { namespace: ns } : {}),
          reason: 'DuplicateHostPath',
          message: `ingress ${name} claims host ${quote(rule.host, 120)} path ${quote(p.path ?? '/', 120)}, which the older ingress ${older}${
            first.metadata.namespace && first.metadata.namespace !== ns
              ? ` (namespace ${first.metadata.namespace})`
              : ''
          } already claims for the same class: the controller serves one of the two conflicting rules (ingress-nginx keeps the oldest), so traffic still goes to ${older}'s backend ${quote(
            backendName(first, rule.host, p.path ?? '/'),
            120,
          )}`,
          evidence: [
            `${older} created ${quote(created(first), 40)}, ${name} created ${quote(created(ing), 40)}`,
            `both route ${quote(rule.host, 120)}${quote(p.path ?? '/', 120)}${cls ? ` with class ${quote(cls, 60)}` : ''}`,
          ],
          fix: `delete or change the older ingress ${older}'s rule for ${quote(rule.host, 120)}${quote(p.path ?? '/', 120)}, so only ${name} claims it`,
        });
      }
    }
  }
  return out;
}

/** The backend Service an Ingress sends one host and path to. */
function backendName(ing: Ingress, host: string, path: string): string {
  for (const r of ing.spec?.rules ?? [])
    if (r.host === host)
      for (const p of r.http?.paths ?? [])
        if ((p.path ?? '/') === path) return p.backend?.service?.name ?? p.backend?.resource?.name ?? '?';
  return '?';
}
