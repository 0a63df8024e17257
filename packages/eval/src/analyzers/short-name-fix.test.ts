import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

// A client that reaches a Service of another namespace by its bare name, which resolves only in the
// client's own namespace; the approved fix writes the name with its namespace.
const world = (env: string) => `schemaVersion: 1
id: short-name-fix
title: short-name-fix table test
difficulty: medium
namespace: notify
task: "mailer in namespace notify crash-loops since the ledger moved to its own namespace"
cluster:
  namespaces: [notify, ledger]
  nodes: [{ name: n1 }]
  deployments:
    - name: mailer
      namespace: notify
      containers:
        - name: mailer
          image: corp/mailer:2
          env: { ${env} }
          behavior:
            byConfig:
              - env: LEDGER_URL
                notContains: "ledger-api.ledger"
                behavior:
                  crash:
                    exitCode: 1
                    logs: ['FATAL ledger check failed: Get "http://ledger-api:8080/health": dial tcp: lookup ledger-api on 10.96.0.10:53: no such host']
            logs: [mailer ready]
    - { name: ledger-api, namespace: ledger, containers: [{ name: api, image: corp/ledger:5, ports: [8080] }] }
  services:
    - { name: ledger-api, namespace: ledger, selector: { app: ledger-api }, ports: [{ port: 8080 }] }
grants:
  approve:
    - tool: set_env
      where: { namespace: notify, deployment: mailer }
expect:
  rootCause: { mustMention: [ledger-api] }
`;

describe('a bare service name of another namespace: the set_env fix names its namespace', () => {
  it('rewrites the host of the one variable that holds it, and the pods recover', async () => {
    const text = await baselineAnswer(world('LEDGER_URL: "http://ledger-api:8080", SMTP_HOST: "smtp.corp"'));
    expect(text).toMatch(
      /Fix applied \(approved\): set LEDGER_URL of mailer\/mailer to http:\/\/ledger-api\.ledger:8080/,
    );
    expect(text).toMatch(/every pod of mailer is Running and Ready/);
  });
});
