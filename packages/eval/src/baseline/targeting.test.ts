// What the baseline takes a task to be about: the workload the person names as failing, not a
// dependency their hunch blames; a prefix typed for generated names; a phrase that only looks like a
// namespace. Each row is a small world run through the eval.
import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

const head = (id: string, ns: string, task: string) => `schemaVersion: 1
id: ${id}
title: ${id} table test
difficulty: medium
namespace: ${ns}
task: ${JSON.stringify(task)}
expect:
  rootCause: { mustMention: [x] }
`;

const crashAndCache = `cluster:
  namespaces: [comms, data]
  nodes: [{ name: n1 }]
  deployments:
    - name: mailer
      namespace: comms
      replicas: 1
      containers:
        - name: mailer
          image: comms/mailer:2
          behavior:
            crash:
              exitCode: 1
              logs:
                - "mailer 2.0 starting"
                - "================================"
                - " Missing environment variables:"
                - "    QUEUE_URL: connection string for the job queue"
                - "================================"
  pods:
    - { name: cache-main-0, namespace: data, containers: [{ name: cache, image: redis:7.2, ports: [6379] }] }
  services:
    - { name: cache-main, namespace: data, selector: { app: cache }, ports: [6379] }
`;

describe('the baseline finds what the task is about', () => {
  it('the workload named as failing ("mailer pods in comms"), not the dependency a hunch blames', async () => {
    const text = await baselineAnswer(
      head(
        'target-kinded',
        'comms',
        'mailer pods in comms are in CrashLoopBackOff. The queue is on cache-main in data, I bet it fell over again. What is wrong?',
      ) + crashAndCache,
    );
    expect(text).toMatch(/deployment mailer .* in namespace comms/);
    // envalid's format: the header, then one indented NAME: description per variable.
    expect(text).toMatch(/a required environment variable QUEUE_URL is missing/);
  });

  it('a name typed as a prefix ("digest-..."), and "a namespace audit" is not a namespace', async () => {
    const text = await baselineAnswer(
      `${head(
        'target-prefix',
        'reporting',
        'Doing a namespace audit: in reporting I see digest-... pods that are 0/1 and Completed. Are they stuck?',
      )}cluster:
  namespaces: [reporting, other]
  nodes: [{ name: n1 }]
  pods:
    - { name: digest-29311-abcde, namespace: reporting, phase: Succeeded, containers: [{ name: digest, image: rep/digest:1 }], state: { terminated: { reason: Completed, exitCode: 0 } } }
  deployments:
    - { name: api, namespace: reporting, replicas: 1, containers: [{ name: api, image: rep/api:1 }] }
`,
    );
    expect(text).toMatch(/reporting/);
    expect(text).not.toMatch(/in audit\b/);
    expect(text).toMatch(/Completed/);
  });
});
