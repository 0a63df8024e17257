import { quotaUsed } from './admission.js';
import type { Controller } from './controller-host.js';

/** The ResourceQuota controller: each quota's status, its hard limits and what its namespace's pods and claims use of them. */
export const quotaController: Controller = {
  kind: 'ResourceQuota',
  reconcile(host) {
    for (const q of host.store.ofKind('ResourceQuota').values()) {
      const hard = ((q.spec as { hard?: Record<string, string> })?.hard ?? {}) as Record<string, string>;
      const pods = host.store.stored('Pod', true, q.metadata?.namespace);
      const claims = host.store.stored('PersistentVolumeClaim', true, q.metadata?.namespace);
      q.status = { hard: { ...hard }, used: quotaUsed(hard, pods, claims) };
    }
    return false;
  },
};
