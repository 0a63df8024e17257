// A finished run whose own log reports a failure with a known meaning, when the person speaks of the
// runs without naming one. Each row is a small world run through the eval.
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead as head } from '../__fixtures__/baseline-answer.js';

const cronWorld = (line: string) => `cluster:
  namespaces: [intranet]
  nodes: [{ name: n1 }]
  deployments:
    - { name: web, namespace: intranet, replicas: 1, containers: [{ name: web, image: intranet/web:2, behavior: { logs: ["GET / 200"] } }] }
  objects:
    - apiVersion: batch/v1
      kind: CronJob
      metadata: { name: site-cron, namespace: intranet }
      spec:
        schedule: "*/30 * * * *"
        jobTemplate:
          spec:
            backoffLimit: 0
            template:
              spec:
                restartPolicy: Never
                containers:
                  - { name: cron, image: intranet/cli:2-slim, command: [site-cli, cron] }
  behaviors:
    cron:
      completeAfter: 20s
      executables: [site-cli]
      logs:
        - "Starting cron run"
        - ${JSON.stringify(line)}
        - "Cron run completed."
`;

describe('a finished run whose own log reports a failure', () => {
  it('is the finding when the person speaks of the cron runs, though every pod Completed', async () => {
    const text = await baselineAnswer(
      head(
        'run-log-failure',
        'intranet',
        'The mails that the intranet cron sends never arrive since we moved it into a CronJob. What is the root cause?',
      ) + cronWorld('sh: 1: /usr/sbin/sendmail: not found'),
    );
    expect(text).toMatch(/finished, but its own log reports a failure/);
    expect(text).toMatch(/sendmail/);
  });

  it('is not made of a line without a known meaning', async () => {
    const text = await baselineAnswer(
      head(
        'run-log-plain',
        'intranet',
        'The mails that the intranet cron sends never arrive since we moved it into a CronJob. What is the root cause?',
      ) + cronWorld('Sent 12 mails'),
    );
    expect(text).not.toMatch(/its own log reports a failure/);
  });
});
