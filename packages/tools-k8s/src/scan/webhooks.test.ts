import { describe, it } from 'vitest';
import { check, endpoints, type Row, service, webhookConfig } from './__fixtures__/build.js';
import { webhooksAnalyzer } from './webhooks.js';

const hook = (name: string, failurePolicy = 'Fail') => ({
  name: 'validate.example.com',
  failurePolicy,
  clientConfig: { service: { name, namespace: 'shop', port: 443 } },
});
const ROWS: Row[] = [
  {
    name: 'a webhook whose service is up',
    objects: [
      webhookConfig('ValidatingWebhookConfiguration', 'policy', [hook('policy-svc')]),
      service('policy-svc', { selector: { app: 'p' } }),
      endpoints('policy-svc', 1),
    ],
    want: [],
  },
  {
    name: 'a webhook whose service is gone',
    objects: [webhookConfig('ValidatingWebhookConfiguration', 'policy', [hook('policy-svc')])],
    want: [
      {
        kind: 'ValidatingWebhookConfiguration',
        name: 'policy',
        reason: 'WebhookServiceNotFound',
        says: ['shop/policy-svc', 'rejected'],
        fix: true,
      },
    ],
  },
  {
    name: 'a mutating webhook whose service has no endpoints, failing open',
    objects: [
      webhookConfig('MutatingWebhookConfiguration', 'inject', [hook('injector', 'Ignore')]),
      service('injector', { selector: { app: 'i' } }),
      endpoints('injector', 0),
    ],
    want: [
      {
        kind: 'MutatingWebhookConfiguration',
        name: 'inject',
        reason: 'WebhookServiceNoEndpoints',
        says: ['pass unchecked'],
      },
    ],
  },
  {
    name: 'a namespace scan does not judge webhooks served from elsewhere',
    namespace: 'other',
    objects: [webhookConfig('ValidatingWebhookConfiguration', 'policy', [hook('policy-svc')])],
    want: [],
  },
];

describe('webhooks analyzer', () => {
  it.each(ROWS)('$name', (row) => check(webhooksAnalyzer, row));
});
