import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { ingressProxyAnalyzer } from './ingress-proxy.js';

const line =
  '10.0.1.9 - - [22/Jan/2027:09:40:01 +0000] "GET /cart HTTP/1.1" 308 164 "-" "Mozilla/5.0" 512 0.000 [shop-web-80] [] - - - - a1';
const logs = (n: number): SeenObservation => ({
  step: 1,
  tool: 'get_pod_logs',
  args: { namespace: 'ingress-nginx', name: 'ingress-nginx-controller-5d9f7c8b6-x2x9z' },
  status: 'ok',
  content: Array.from({ length: n }, () => line).join('\n'),
});
const finds = (task: string, seen: SeenObservation[]) =>
  ingressProxyAnalyzer.finds({ task, ns: 'ingress-nginx', hints: [], seen });

describe('ingress-proxy: redirect loops', () => {
  it('reads a redirect loop with 308s in the controller log as X-Forwarded-Proto not trusted', () => {
    const [f] = finds('every browser shows ERR_TOO_MANY_REDIRECTS on shop.example.com', [logs(5)]);
    expect(f?.cause).toMatch(/use-forwarded-headers: "true"/);
  });
  it('stays quiet when the ConfigMap already trusts the headers, or nothing loops', () => {
    const cm: SeenObservation = {
      step: 2,
      tool: 'describe_resource',
      args: { kind: 'ConfigMap', name: 'ingress-nginx-controller', namespace: 'ingress-nginx' },
      status: 'ok',
      content: 'Data:\n  use-forwarded-headers: "true"',
    };
    expect(finds('too many redirects on shop', [logs(5), cm])).toEqual([]);
    expect(finds('shop is slow', [logs(5)])).toEqual([]);
    expect(finds('too many redirects on shop', [logs(1)])).toEqual([]);
  });
});
