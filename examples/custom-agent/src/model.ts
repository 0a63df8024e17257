import type { Model } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { NAMESPACE, POD } from './world.js';

/**
 * A deterministic stand-in for a real model, so the example runs offline: it gathers evidence, strays
 * out of its namespace once, tries a restart (refused), raises the memory limit (pre-approved) and
 * checks the result. Swap in `@sre-harness/model-anthropic` or `@sre-harness/model-openai` for a real one.
 */
export function scriptedSreModel(): Model {
  const ns = NAMESPACE;
  return new ScriptedModel(
    [
      callTool('list_pods', { namespace: ns }),
      callTool('get_pod_metrics', { namespace: ns, name: POD }),
      callTool('get_pod_logs', { namespace: ns, name: POD, previous: true, tail: 20 }),
      callTool('list_pods', { namespace: 'kube-system' }),
      callTool('restart_pod', { namespace: ns, name: POD }),
      callTool('set_resources', {
        namespace: ns,
        deployment: 'ledger',
        container: 'ledger',
        limits: { memory: '512Mi' },
      }),
      callTool('list_pods', { namespace: ns, labelSelector: 'app=ledger' }),
      finalAnswer(
        `${POD} was OOMKilled after 5 restarts: the ledger container needs more than its ` +
          '256Mi memory limit ("out of memory" in the previous logs). A restart was refused; the limit was ' +
          'raised to 512Mi and the replacement pod is Running.',
      ),
    ],
    { name: 'scripted:sre' },
  );
}
