import { describe, expect, it } from 'vitest';
import { baselineAnswer } from './__fixtures__/baseline-answer.js';

const world = (clientLog: string) => `schemaVersion: 1
id: retired
title: retired table test
difficulty: medium
namespace: cart
task: "add-to-cart fails since this morning's cutover, cart-api logs connection errors"
cluster:
  namespaces: [cart]
  nodes: [{ name: n1 }]
  deployments:
    - { name: old-cache, namespace: cart, replicas: 0, containers: [{ name: redis, image: redis:7 }] }
    - name: cart-api
      namespace: cart
      containers: [{ name: api, image: cart/api:9, behavior: { logs: ['listening on :8080', ${JSON.stringify(clientLog)}] } }]
  services:
    - { name: old-cache, namespace: cart, clusterIP: 10.96.33.7, selector: { app: old-cache }, ports: [{ port: 6379 }] }
expect:
  rootCause: { mustMention: [cart-api] }
`;

const answer = (log: string) => baselineAnswer(world(log), 'retired.yaml');

describe('a workload scaled to zero', () => {
  it('is not the cause when nothing names it (retired on purpose)', async () => {
    const text = await answer(
      'ERROR [ioredis] ParserError: Protocol error, got "\\\\u0015" as reply type byte.',
    );
    expect(text).toMatch(/^Root cause: pod cart-api/m);
    expect(text).toMatch(/requires TLS/);
  });
  it('is the cause when a client logs it by name', async () => {
    const text = await answer('ERROR connect ECONNREFUSED old-cache:6379');
    expect(text).toMatch(/old-cache is scaled to 0/);
  });
  it('is the cause when a client fails to connect to it by IP', async () => {
    const text = await answer(
      'ERROR cache write failed: dial tcp 10.96.33.7:6379: connect: connection refused',
    );
    expect(text).toMatch(/old-cache is scaled to 0/);
  });
});
