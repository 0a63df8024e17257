import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { ingressProxyAnalyzer } from './ingress-proxy.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('shop');
const ingress = (annotations = '<none>') =>
  obs(
    'describe_resource',
    `Name:         shop-api\nAnnotations:  ${annotations}\nSpec:\n  ingressClassName: nginx\n  rules[0].host: api.shop.example.com\n  rules[0].http.paths[0].path: /catalog\n  rules[0].http.paths[0].pathType: Prefix\n  rules[0].http.paths[0].backend.service.name: catalog-api\n  rules[0].http.paths[1].path: /cart\n  rules[0].http.paths[1].backend.service.name: cart-api\n`,
    { kind: 'Ingress', name: 'shop-api' },
  );
const logs = (pod: string, text: string) => obs('get_pod_logs', text, { name: pod });
const finds = (seen: SeenObservation[]) =>
  ingressProxyAnalyzer.finds({ task: 'the app logs 404s from the catalog', ns: 'shop', hints: [], seen });

describe('ingress-proxy: a 404 for a path no rule routes', () => {
  it("names the client, the path and the Ingress's paths; the backend serving its own path is no rewrite problem", () => {
    const [f] = finds([
      ingress(),
      logs(
        'mobile-bff-8hz2l5lpcw-chj5x',
        'error: catalog request failed: GET https://api.shop.example.com/v2/catalog/items?page=1 -> 404 Not Found (nginx)',
      ),
      logs('catalog-api-wdmsdrhd2-4kqnw', 'GET /catalog/items/4411 200 4ms'),
    ]);
    expect(f?.cause).toMatch(/mobile-bff requests \/v2\/catalog\/items/);
    expect(f?.cause).toMatch(/no rule for that path \(its paths: \/catalog, \/cart\)/);
    expect(f?.advice).toMatch(/add a rule for \/v2\/catalog/);
  });

  it('a 404 under a routed prefix from an app serving at / is still the missing rewrite', () => {
    const [f] = finds([ingress(), logs('catalog-api-wdmsdrhd2-4kqnw', 'GET /catalog/items 404 1ms')]);
    expect(f?.cause).toMatch(/rewrite-target/);
  });

  it('a very long line without a request costs linear work and finds nothing new', () => {
    const [f] = finds([ingress(), logs('x-1', `GET /${'a'.repeat(100_000)}`)]);
    expect(f?.cause ?? '').not.toMatch(/no rule for that path/);
  });
});
