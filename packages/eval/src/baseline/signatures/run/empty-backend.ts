import { type ServingIngress, servingIngresses } from '../../../analyzers/serving-path.js';
import { namesWhole } from '../../../analyzers/types.js';
import type { RunSignature } from '../types.js';

/**
 * What an Ingress controller answers for a backend Service without endpoints, by its class:
 * - Traefik's Kubernetes providers skip such a Service (their log says `Skipping service: no endpoints
 *   found`) and make no router for the rule, so a request for the host gets Traefik's own `404 page not
 *   found`; with the provider's `allowEmptyServices: true` they keep the route and answer 503 (Traefik's
 *   documentation of the kubernetesIngress and kubernetesCRD providers, `allowEmptyServices`).
 * - ingress-nginx keeps the route and answers `503 Service Temporarily Unavailable` (its default backend
 *   for an upstream without endpoints).
 */
function emptyBackendAnswer(r: ServingIngress, task: string): string | undefined {
  const via = `Ingress ${r.ingress} routes ${r.host} to service ${r.service}`;
  // A person who sees Traefik answer 503 has a provider that keeps routes to empty Services.
  if (/traefik/i.test(r.className) && /(?<![\w-])503\b|service unavailable/i.test(task.slice(0, 4000)))
    return `${via}, and Traefik answers 503 for a Service without endpoints when its provider keeps routes to empty Services (allowEmptyServices: true; without it the route is dropped and the answer is 404): the 503 comes from the missing pods`;
  if (/traefik/i.test(r.className))
    return `${via}, and Traefik skips a Service without endpoints (logging "Skipping service: no endpoints found"): it makes no route for the host, so it answers its own 404 page not found instead of a 503 (with allowEmptyServices: true it would keep the route and answer 503). The 404 comes from the missing pods, not from how Traefik matches the Ingress rules`;
  if (/nginx/i.test(r.className))
    return `${via}, and ingress-nginx answers 503 Service Temporarily Unavailable for a backend without endpoints`;
  return undefined;
}

/**
 * A finding that the Service behind the task's URL has no endpoints (`no endpoints`, `no pods behind it`)
 * says what the Ingress controller in front of it answers then, when the Ingress's class names a
 * controller whose answer is documented (see `emptyBackendAnswer`): a person who sees a 404 where they
 * expected a 503 is told why.
 */
export const emptyBackend: RunSignature = {
  name: 'empty-backend',
  refine({ task, ns, seen }, found) {
    const routes = servingIngresses(task, ns, seen);
    if (routes.length === 0) return;
    for (const f of found) {
      // The Service's own emptiness as a fault: not a note that a Service without a selector gets no endpoints by design.
      if (!/\bhas no (?:ready )?endpoints\b|\bno pods behind it\b/.test(f.cause.slice(0, 2000))) continue;
      const r = routes.find((x) => namesWhole(f.cause.slice(0, 4000), [`service ${x.service}`]));
      const said = r ? emptyBackendAnswer(r, task) : undefined;
      if (said && !f.cause.includes(said)) f.cause += `; ${said}`;
    }
  },
};
