import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';

// A private registry's pull refused, and the Job that refreshes its credentials failing.
const world = (refresherLog: string) => `schemaVersion: 1
id: pull-refresher
title: pull-credentials-refresher table test
difficulty: medium
namespace: orders
task: "the orders-api deploy in namespace orders is stuck: the new pod cannot pull its image (403)"
cluster:
  namespaces: [orders]
  nodes: [{ name: n1 }]
  registry: { denied: [123456789012.dkr.ecr.eu-west-1.amazonaws.com/] }
  deployments:
    - name: orders-api
      namespace: orders
      containers: [{ name: api, image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders-api:4.6.0 }]
  pods:
    - name: ecr-token-refresh-29430480-m4f7x
      namespace: orders
      labels: { job-name: ecr-token-refresh-29430480 }
      age: 3h
      phase: Failed
      restartPolicy: Never
      state: { terminated: { reason: Error, exitCode: 1, ago: 3h } }
      containers: [{ name: refresh, image: corp/kubectl-aws:2 }]
  behaviors:
    ecr-token-refresh-29430480-m4f7x/refresh: { logs: ${JSON.stringify(refresherLog.split('\n'))} }
expect:
  rootCause: { mustMention: [orders-api] }
`;

describe('image-pull: credentials refused while the Job that refreshes them fails', () => {
  it("names the refresher's error, its gloss and the 12-hour ECR token", async () => {
    const text = await baselineAnswer(
      world(
        '+ TOKEN=$(aws ecr get-login-password --region eu-west-1)\nerror: failed to write the dockerconfigjson: connection refused',
      ),
      'pull-refresher.yaml',
    );
    expect(text).toMatch(
      /registry credentials are stale: the pod that refreshes them, ecr-token-refresh-29430480-m4f7x, fails/,
    );
    expect(text).toMatch(/valid for 12 hours/);
    expect(text).not.toMatch(/roll orders-api back/);
  });

  it('a failed pod that has nothing to do with registry credentials is not taken for the refresher', async () => {
    const text = await baselineAnswer(world('error: report failed'), 'pull-refresher.yaml');
    expect(text).not.toMatch(/refreshes them/);
  });
});
