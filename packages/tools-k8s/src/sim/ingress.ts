import type { KubeObject } from '../cluster.js';
import type { Controller } from './controller-host.js';
import { fnv1a } from './names.js';

const DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class';
const LEGACY_CLASS = 'kubernetes.io/ingress.class';

/** The default IngressClass (the newest of several), or undefined. */
export function defaultIngressClass(classes: readonly KubeObject[]): KubeObject | undefined {
  return classes
    .filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS] === 'true')
    .sort((a, b) =>
      (a.metadata?.creationTimestamp ?? '') < (b.metadata?.creationTimestamp ?? '') ? 1 : -1,
    )[0];
}

/**
 * Ingress class validation, as the DefaultIngressClass admission plugin and the controllers do it: an
 * Ingress without a class gets the default IngressClass; one whose class exists (by
 * `spec.ingressClassName` or the legacy `kubernetes.io/ingress.class` annotation) is admitted by that
 * class's controller and gets an address; one naming a class that does not exist, or with no class and
 * no default, is admitted by no controller and has no address. An Ingress whose status the world
 * declares is left as declared.
 */
export function reconcileIngresses(
  ingresses: readonly KubeObject[],
  classes: readonly KubeObject[],
  declared: (o: KubeObject) => boolean,
): void {
  for (const ing of ingresses) {
    if (declared(ing)) continue;
    const spec = (ing.spec ?? {}) as { ingressClassName?: string };
    ing.spec = spec as Record<string, unknown>;
    const legacy = ing.metadata?.annotations?.[LEGACY_CLASS];
    if (!spec.ingressClassName && !legacy) {
      const def = defaultIngressClass(classes);
      if (def?.metadata?.name) spec.ingressClassName = def.metadata.name;
    }
    const className = spec.ingressClassName ?? legacy;
    const cls = classes.find((c) => c.metadata?.name === className);
    if (!cls) {
      ing.status = { loadBalancer: {} };
      continue;
    }
    const h = fnv1a(`ingress-class|${className}`);
    ing.status = { loadBalancer: { ingress: [{ ip: `203.0.113.${(h % 250) + 2}` }] } };
  }
}

/** The ingress controller behind the cluster's reconcile interface (nothing to do without Ingresses). */
export const ingressController: Controller = {
  kind: 'Ingress',
  reconcile(host) {
    const ingresses = host.store.ofKind('Ingress');
    if (ingresses.size > 0)
      reconcileIngresses(
        [...ingresses.values()],
        [...host.store.ofKind('IngressClass').values()],
        host.declared,
      );
    return false;
  },
};
