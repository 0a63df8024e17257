import type { Endpoints, Service } from '../types.js';
import type { WebhookConfiguration } from './objects.js';
import type { Analyzer, Found } from './types.js';

/** Admission webhooks whose service does not exist or has no ready endpoints: every matching request fails (or is let through unchecked). */
export const webhooksAnalyzer: Analyzer = {
  name: 'webhooks',
  kinds: ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'Service', 'Endpoints'],
  priority: 84,
  analyze(facts) {
    const out: Found[] = [];
    const services = facts.list<Service>('Service');
    const eps = facts.list<Endpoints>('Endpoints');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      for (const cfg of facts.list<WebhookConfiguration>(kind)) {
        for (const w of cfg.webhooks ?? []) {
          const svc = w.clientConfig?.service;
          if (!svc?.name || !svc.namespace) continue;
          // A namespace scan sees only its own Services: judge only webhooks served from it.
          if (facts.namespace !== undefined && svc.namespace !== facts.namespace) continue;
          if (!facts.read('Service')) continue;
          const found = services.find(
            (s) => s.metadata.namespace === svc.namespace && s.metadata.name === svc.name,
          );
          const ep = eps.find((e) => e.metadata.namespace === svc.namespace && e.metadata.name === svc.name);
          const ready = (ep?.subsets ?? []).reduce((n, x) => n + (x.addresses?.length ?? 0), 0);
          if (found && (ready > 0 || !facts.read('Endpoints'))) continue;
          const fail = (w.failurePolicy ?? 'Fail') === 'Fail';
          out.push({
            kind,
            name: cfg.metadata.name ?? '',
            reason: found ? 'WebhookServiceNoEndpoints' : 'WebhookServiceNotFound',
            message: `admission webhook ${w.name ?? ''} calls service ${svc.namespace}/${svc.name}, which ${found ? 'has no ready endpoints' : 'does not exist'}; with failurePolicy ${w.failurePolicy ?? 'Fail'} ${fail ? 'every request it matches is rejected (pods and objects cannot be created)' : 'requests pass unchecked'}`,
            evidence: [
              `webhook ${w.name ?? ''}: clientConfig.service ${svc.namespace}/${svc.name}${svc.port ? `:${svc.port}` : ''}; ${found ? `endpoints ready ${ready}` : 'no such Service'}`,
            ],
            fix: found
              ? `bring the pods behind ${svc.name} back`
              : `restore service ${svc.namespace}/${svc.name}, or delete the stale webhook configuration`,
          });
        }
      }
    }
    return out;
  },
};
