// The end state a fix is judged on: rollouts settled, then the cluster watched for a while, so a
// replacement that passes its rollout and fails a minute later is judged failing.
import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { simEnvironment, WATCH_AFTER_ROLLOUT_SECONDS } from './environment.js';
import { parseScenario } from './scenario-loader.js';

const YAML = `schemaVersion: 1
id: watch
title: Watch
difficulty: easy
namespace: shop
task: web in namespace shop is OOMKilled. Fix it.
cluster:
  namespaces: [shop]
  deployments:
    - name: web
      namespace: shop
      replicas: 2
      containers:
        - { name: web, image: shop/web:1, resources: { limits: { memory: 512Mi } }, behavior: { memory: { need: 600Mi }, failAfter: 50s } }
expect:
  rootCause: { mustMention: [web] }
`;

async function fixedTo(memory: string) {
  const parsed = parseScenario(YAML, 'watch.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const env = await simEnvironment(parsed.loaded.scenario);
  const tool = env.tools.find((t) => t.name === 'set_resources') as AnyTool;
  const ctx = { signal: new AbortController().signal, runId: 'r', callId: 'c' };
  await tool.execute(
    tool.input.parse({ namespace: 'shop', deployment: 'web', container: 'web', limits: { memory } }),
    ctx,
  );
  const view = await env.snapshot();
  return view
    .keys()
    .filter((k) => k.startsWith('Pod/'))
    .map((k) => {
      const p = view.get(...(k.split('/') as [string, string, string])) as {
        status?: {
          containerStatuses?: { restartCount?: number; lastState?: { terminated?: { reason?: string } } }[];
        };
      };
      return p.status?.containerStatuses?.[0]?.lastState?.terminated?.reason ?? 'none';
    });
}

describe('the end state a fix is judged on', () => {
  it(`watches ${WATCH_AFTER_ROLLOUT_SECONDS} s past the rollout: a limit still under the peak is OOMKilled again, enough is not`, async () => {
    expect(await fixedTo('550Mi')).toEqual(['OOMKilled', 'OOMKilled']);
    expect(await fixedTo('1Gi')).toEqual(['none', 'none']);
  });
});
