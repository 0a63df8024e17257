import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../../../__fixtures__/baseline-answer.js';
import {
  describedKeys,
  envEntries,
  missingKeyRef,
  missingVariable,
  sourceFor,
} from '../../../analyzers/config-sources.js';
import { withoutPassword } from './config-values.js';

describe('config sources: what describe prints', () => {
  it('reads the keys of a Secret and of a ConfigMap, never their values', () => {
    const secret =
      'Name: s\nType: Opaque\n\nData\n====\nstripe-api-key:  31 bytes\nwebhook:  26 bytes\nEvents:  <none>';
    expect(describedKeys(secret)).toEqual(['stripe-api-key', 'webhook']);
    const map = 'Name: m\n\nData\n====\napp.yaml:\n----\nport: 8080\nlevel:\n----\ninfo\n\nEvents:  <none>';
    expect(describedKeys(map)).toEqual(['app.yaml', 'level']);
  });
  it('reads a container’s environment: values and references', () => {
    const body = [
      '    Image:  x',
      '    Environment:',
      '      DATABASE_URL:  postgres://app@db.data.svc:5433/app',
      "      PGPASSWORD:  <set to the key 'password' in secret 'app-db'>  Optional: false",
      "      LEVEL:  <set to the key 'level' of config map 'app'>",
      '    Mounts:  <none>',
    ].join('\n');
    expect(envEntries(body)).toEqual([
      { name: 'DATABASE_URL', value: 'postgres://app@db.data.svc:5433/app' },
      { name: 'PGPASSWORD', ref: { kind: 'Secret', name: 'app-db', key: 'password' } },
      { name: 'LEVEL', ref: { kind: 'ConfigMap', name: 'app', key: 'level' } },
    ]);
  });
  it.each([
    [
      'STRIPE_API_KEY',
      [{ kind: 'Secret' as const, name: 'loyalty', keys: ['stripe-api-key'] }],
      'stripe-api-key',
    ],
    ['STRIPE_API_KEY', [{ kind: 'Secret' as const, name: 'stripe', keys: ['api-key'] }], 'api-key'],
    // Two keys could hold it: the evidence does not say which.
    [
      'STRIPE_API_KEY',
      [
        { kind: 'Secret' as const, name: 'a', keys: ['stripe_api_key'] },
        { kind: 'ConfigMap' as const, name: 'b', keys: ['stripeApiKey'] },
      ],
      undefined,
    ],
    ['STRIPE_API_KEY', [{ kind: 'Secret' as const, name: 'stripe', keys: ['secret-key'] }], undefined],
  ])('the key holding %s', (v, sources, key) => {
    expect(sourceFor(v, sources)?.key).toBe(key);
  });
  it.each([
    ['FATAL environment variable KAFKA_BROKERS is not set', 'KAFKA_BROKERS'],
    ['/app/init.rb:3:in `fetch\': key not found: "STRIPE_API_KEY" (KeyError)', 'STRIPE_API_KEY'],
    ['ERROR connection refused', undefined],
  ])('the variable a log says is missing: %s', (log, v) => {
    expect(missingVariable(log)).toBe(v);
  });
  it('reads the key a CreateContainerConfigError names', () => {
    expect(
      missingKeyRef("Error: couldn't find key password in Secret catalog/search-es-elastic-user"),
    ).toEqual({
      kind: 'Secret',
      namespace: 'catalog',
      name: 'search-es-elastic-user',
      key: 'password',
    });
  });
  it('masks a URL password', () => {
    expect(withoutPassword('amqp://orders:s3cret@rabbitmq:5672/x')).toBe('amqp://orders:***@rabbitmq:5672/x');
    expect(withoutPassword('postgres://app@db:5432/app')).toBe('postgres://app@db:5432/app');
  });
});

/** A one-deployment world in namespace app, with extra objects, services and a set_env grant. */
function world(container: string, extra: string): string {
  return `schemaVersion: 1
id: row
title: row
difficulty: easy
namespace: app
task: api in app keeps crashing, why? You may change api's environment.
cluster:
  now: 2026-01-10T10:00:00Z
  namespaces: [app, data]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: api
      namespace: app
      replicas: 1
      containers:
${container}
      pods: [{ age: 30m }]
${extra}
grants:
  approve: [{ tool: set_env, where: { namespace: app, deployment: api } }]
expect: { rootCause: { mustMention: [] } }
`;
}

const rubyCrash = (env: string) => `        - name: api
          image: registry.example.com/api:2.0.0
${env}          behavior:
            byConfig:
              - env: STRIPE_API_KEY
                missing: true
                behavior:
                  crash:
                    exitCode: 1
                    logs: ["/app/config/initializers/stripe.rb:3:in \`fetch': key not found: \\"STRIPE_API_KEY\\" (KeyError)"]`;

const secret = (name: string, keys: string[]) =>
  `    - { apiVersion: v1, kind: Secret, metadata: { name: ${name}, namespace: app }, data: { ${keys.map((k) => `${k}: eHl6`).join(', ')} } }`;

describe('config-values: set_env only when the evidence determines the value', () => {
  it.each([
    [
      'a missing variable held by one Secret key under another spelling',
      world(rubyCrash(''), `  objects:\n${secret('app-secrets', ['stripe-api-key', 'webhook-secret'])}`),
      /Secret app-secrets holds it as the key stripe-api-key[\s\S]*Fix applied \(approved\): set STRIPE_API_KEY in api\/api from key stripe-api-key of Secret app-secrets/,
    ],
    [
      'a key a Secret lacks, where the Secret holds a single key',
      world(
        `        - name: api
          image: registry.example.com/api:2.0.0
          env: { ES_PASSWORD: { secretKeyRef: { name: es-user, key: password } } }`,
        `  objects:\n${secret('es-user', ['elastic'])}`,
      ),
      /single key, elastic, so ES_PASSWORD should read key elastic[\s\S]*Fix applied \(approved\): point ES_PASSWORD of api\/api at key elastic of Secret es-user/,
    ],
    [
      'a URL port the dependency’s Service does not expose',
      world(
        `        - name: api
          image: registry.example.com/api:2.0.0
          env: { DATABASE_URL: "postgres://app@pg.data.svc.cluster.local:5433/app" }
          behavior:
            byConfig:
              - env: DATABASE_URL
                notContains: ":5432/"
                behavior:
                  crash:
                    exitCode: 1
                    logs: ["FATAL failed to connect to \`user=app database=app\`: 10.96.41.7:5433 (pg.data.svc.cluster.local): dial error: dial tcp 10.96.41.7:5433: i/o timeout"]`,
        `  pods:
    - { name: pg-0, namespace: data, labels: { app: pg }, containers: [{ name: pg, image: postgres:16, behavior: { listenPorts: [5432] } }] }
  services:
    - { name: pg, namespace: data, selector: { app: pg }, ports: [{ name: postgres, port: 5432 }] }`,
      ),
      /DATABASE_URL points at port 5433 of pg, but Service pg in namespace data exposes only port 5432[\s\S]*Fix applied \(approved\): set DATABASE_URL of api\/api to use port 5432/,
    ],
  ])('%s', async (_, yaml, said) => {
    expect(await baselineAnswer(yaml)).toMatch(said);
  });

  it.each([
    [
      'two keys could hold the variable',
      world(
        rubyCrash(''),
        `  objects:\n${secret('app-secrets', ['stripe-api-key'])}\n${secret('stripe', ['api-key'])}`,
      ),
    ],
    [
      'the Secret holds several keys, none spelled like the missing one',
      world(
        `        - name: api
          image: registry.example.com/api:2.0.0
          env: { ES_PASSWORD: { secretKeyRef: { name: es-user, key: password } } }`,
        `  objects:\n${secret('es-user', ['elastic', 'admin'])}`,
      ),
    ],
    [
      "the Secret's single key holds another part of the credentials (a username for a password)",
      world(
        `        - name: api
          image: registry.example.com/api:2.0.0
          env: { SFTP_PASSWORD: { secretKeyRef: { name: partner-sftp, key: password } } }`,
        `  objects:\n${secret('partner-sftp', ['username'])}`,
      ),
    ],
  ])('proposes no set_env when %s', async (_, yaml) => {
    expect(await baselineAnswer(yaml)).not.toMatch(/set_env|from key|at key|should read key/);
  });
});
