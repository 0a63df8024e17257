import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

const world = (peers: string, running = false) => `schemaVersion: 1
id: netpol-anded
title: netpol-anded table test
difficulty: medium
namespace: shop
task: "web in namespace shop keeps crashing since the monitoring change, it cannot reach api"
cluster:
  namespaces: [shop, monitoring]
  nodes: [{ name: n1 }]
  deployments:
    - name: web
      namespace: shop
      containers:
        - name: web
          image: shop/web:2
          behavior: ${
            running
              ? "{ logs: ['starting web', 'ERROR GET /v1/cart: dial tcp 10.96.10.10:80: i/o timeout'] }"
              : "{ crash: { exitCode: 1, logs: ['starting web', 'fatal: cart preload failed: dial tcp 10.96.10.10:80: i/o timeout'] } }"
          }
    - { name: api, namespace: shop, containers: [{ name: api, image: shop/api:5, ports: [8080] }] }
  services:
    - { name: api, namespace: shop, clusterIP: 10.96.10.10, selector: { app: api }, ports: [{ port: 80, targetPort: 8080 }] }
  objects:
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: { name: api-ingress, namespace: shop }
      spec:
        podSelector: { matchLabels: { app: api } }
        policyTypes: [Ingress]
        ingress:
          - from:
${peers}
            ports: [{ protocol: TCP, port: 8080 }]
grants:
  approve:
    - tool: apply_manifest
      where: { namespace: shop, manifest: { pattern: "NetworkPolicy" } }
expect:
  rootCause: { mustMention: [ANDed] }
`;

const answer = (yaml: string) => baselineAnswer(yaml, 'netpol-anded.yaml');

describe('netpol-anded', () => {
  it('finds a namespaceSelector and a podSelector ANDed in one from element, and splits them', async () => {
    const text = await answer(
      world(`              - podSelector: { matchLabels: { app: web } }
                namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }`),
    );
    expect(text).toMatch(/in one element the two are ANDed/);
    expect(text).toMatch(/Fix applied \(approved\): apply NetworkPolicy api-ingress/);
  });
  it('finds it from a client that runs but logs the timeouts', async () => {
    const text = await answer(
      world(
        `              - podSelector: { matchLabels: { app: web } }
                namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }`,
        true,
      ),
    );
    expect(text).toMatch(/in one element the two are ANDed/);
  });
  it('says nothing when the two selectors are separate elements', async () => {
    const text = await answer(
      world(`              - podSelector: { matchLabels: { app: web } }
              - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }`),
    );
    expect(text).not.toMatch(/ANDed/);
  });
});
