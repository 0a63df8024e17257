import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { netpolElsewhereAnalyzer } from './netpol-elsewhere.js';
import { observed as o } from './observed.fixture.js';

const seen = (inWeb: string): SeenObservation[] => [
  o(
    'find_objects',
    { name: 'allow-storefront-to-orders-api' },
    'KIND            NAMESPACE   NAME                             STATUS   AGE\nNetworkPolicy   web         allow-storefront-to-orders-api   -        39m',
  ),
  o(
    'get_resource',
    { kind: 'NetworkPolicy', name: 'allow-storefront-to-orders-api', namespace: 'web' },
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-storefront-to-orders-api\n  namespace: web\nspec:\n  podSelector:\n    matchLabels:\n      app: orders-api\n',
  ),
  o('list_pods', { namespace: 'web', labelSelector: 'app=orders-api' }, inWeb),
  o(
    'list_pods',
    { namespace: 'orders' },
    'NAME                        READY   STATUS    RESTARTS   AGE\norders-api-2xdgfbd2w-bm5sg   1/1     Running   0          3d',
  ),
];
const ctx = (s: SeenObservation[]) => ({
  task: 't',
  ns: 'orders',
  hints: ['allow-storefront-to-orders-api'],
  seen: s,
});

describe('netpol-elsewhere', () => {
  it("finds an allow policy created in the client's namespace, where it selects no pods", () => {
    const [f] = netpolElsewhereAnalyzer.finds(ctx(seen('No resources found in web namespace.')));
    expect(f?.cause).toMatch(/applies only to pods in its own namespace/);
    expect(f?.object).toBe('networkpolicy allow-storefront-to-orders-api in web');
  });
  it('stays quiet when the policy selects pods where it lives', () => {
    expect(
      netpolElsewhereAnalyzer.finds(
        ctx(
          seen(
            'NAME                      READY   STATUS    RESTARTS   AGE\norders-api-7c9d-x2x9z    1/1     Running   0          1d',
          ),
        ),
      ),
    ).toEqual([]);
  });
  it('asks for the policy, then for the pods it selects where it lives', () => {
    const reads = netpolElsewhereAnalyzer.reads(ctx(seen('')));
    expect(reads).toContainEqual({
      tool: 'list_pods',
      args: { namespace: 'web', labelSelector: 'app=orders-api' },
    });
  });
});
