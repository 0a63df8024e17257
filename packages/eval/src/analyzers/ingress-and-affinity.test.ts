import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

const head = (id: string, task: string) => `schemaVersion: 1
id: ${id}
title: ${id} table test
difficulty: medium
namespace: web
task: ${JSON.stringify(task)}
`;
const ingress = (annotations: string, path: string) => `
    - apiVersion: networking.k8s.io/v1
      kind: IngressClass
      metadata: { name: nginx, annotations: { ingressclass.kubernetes.io/is-default-class: "true" } }
      spec: { controller: k8s.io/ingress-nginx }
    - apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: { name: portal, namespace: web${annotations} }
      spec:
        ingressClassName: nginx
        rules: [{ host: shop.example.com, http: { paths: [{ path: ${path}, pathType: Prefix, backend: { service: { name: portal, port: { number: 80 } } } }] } }]
`;
const portal = (logs: string) => `cluster:
  namespaces: [web]
  nodes: [{ name: n1 }]
  deployments:
    - { name: portal, namespace: web, replicas: 2, containers: [{ name: portal, image: web/portal:3, ports: [8080], behavior: { listenPorts: [8080], logs: [${logs}] } }] }
  services:
    - { name: portal, namespace: web, selector: { app: portal }, ports: [{ port: 80, targetPort: 8080 }] }
  objects:`;

const answer = (yaml: string) => baselineAnswer(yaml, 'row.yaml');
const expectAny = 'expect:\n  rootCause: { mustMention: [portal] }\n';

describe('ingress-proxy', () => {
  it('reads a 504 on long requests as the ingress-nginx read timeout', async () => {
    const text = await answer(
      `${head('ingress-504', 'the yearly report on shop.example.com returns 504 Gateway Timeout, should we give portal more CPU?')}${portal(
        "'GET /report?year=2026 started', 'WARN client went away while writing response: write: broken pipe'",
      )}${ingress('', '/')}${expectAny}`,
    );
    expect(text).toMatch(/proxy-read-timeout \(60 seconds, the default/);
    expect(text).toMatch(/broken pipe/);
  });
  it('says an annotated timeout is the one in force', async () => {
    const text = await answer(
      `${head('ingress-504-set', 'exports return 504 gateway timeout after two minutes')}${portal("'GET /export started'")}${ingress(
        ', annotations: { nginx.ingress.kubernetes.io/proxy-read-timeout: "120" }',
        '/',
      )}${expectAny}`,
    );
    expect(text).toMatch(/proxy-read-timeout \(120 s, set by annotation\)/);
  });
  it('reads a 404 under a path prefix without rewrite-target as the prefix passed on', async () => {
    const text = await answer(
      `${head('ingress-404', 'since we moved portal under shop.example.com/portal every page is a 404')}${portal(
        "'GET /portal/ 404', 'GET /portal/cart 404'",
      )}${ingress('', '/portal')}${expectAny}`,
    );
    expect(text).toMatch(/forwards the full path unchanged/);
    expect(text).not.toMatch(/proxy-read-timeout/);
  });
  it('leaves a prefix with rewrite-target alone', async () => {
    const text = await answer(
      `${head('ingress-404-rewrite', 'some pages under shop.example.com/portal are a 404')}${portal("'GET /missing 404'")}${ingress(
        ', annotations: { nginx.ingress.kubernetes.io/rewrite-target: /$2 }',
        '/portal',
      )}${expectAny}`,
    );
    expect(text).not.toMatch(/forwards the full path unchanged/);
  });
});

describe('no-readiness', () => {
  it('reads 502s at every deploy of a workload without a readiness probe as traffic before warm-up', async () => {
    const text = await answer(
      `${head('no-readiness', 'every deploy of portal gives us half a minute of 502s on shop.example.com, why?')}${portal(
        "'INFO warming caches', 'INFO Started PortalApplication in 31.5 seconds'",
      )}${ingress('', '/')}${expectAny}`,
    );
    expect(text).toMatch(/no readiness probe/);
    expect(text).toMatch(/about 31\.5 s of warm-up/);
  });
  it('says nothing of it when the question is not about errors around deploys', async () => {
    const text = await answer(
      `${head('no-readiness-quiet', 'is portal healthy?')}${portal("'INFO Started PortalApplication in 31.5 seconds'")}${ingress('', '/')}${expectAny}`,
    );
    expect(text).not.toMatch(/no readiness probe/);
  });
});

describe('service-affinity', () => {
  const world = (
    affinity: string,
  ) => `${head('affinity', 'quote p99 latency is high though average CPU is low, should we add replicas to quote?')}cluster:
  namespaces: [web]
  nodes: [{ name: n1, cpu: "16", memory: 64Gi }]
  deployments:
    - name: quote
      namespace: web
      replicas: 4
      containers: [{ name: quote, image: web/quote:2, ports: [8080], resources: { requests: { cpu: "1" }, limits: { cpu: "1" } } }]
      pods:
        - { usage: { cpu: 1000m } }
        - { usage: { cpu: 980m } }
        - { usage: { cpu: 20m } }
        - { usage: { cpu: 25m } }
  objects:
    - apiVersion: v1
      kind: Service
      metadata: { name: quote, namespace: web }
      spec: { selector: { app: quote }, ports: [{ port: 80, targetPort: 8080 }], sessionAffinity: ${affinity} }
${expectAny.replace('portal', 'quote')}`;
  it('finds ClientIP affinity behind busy and idle pods', async () => {
    const text = await answer(world('ClientIP'));
    expect(text).toMatch(/sessionAffinity ClientIP/);
    expect(text).toMatch(/2 of 4 pods run hot/);
  });
  it('reads the same split behind a gRPC Service as connection-level balancing', async () => {
    const text = await answer(
      world('None').replace(
        'ports: [{ port: 80, targetPort: 8080 }]',
        'ports: [{ name: grpc, port: 9090, targetPort: 8080 }]',
      ),
    );
    expect(text).toMatch(/balances connections, not requests/);
    expect(text).toMatch(/2 of 4 pods run hot/);
  });
  it('says nothing of affinity when the Service has none', async () => {
    expect(await answer(world('None'))).not.toMatch(/sessionAffinity ClientIP/);
  });
});
