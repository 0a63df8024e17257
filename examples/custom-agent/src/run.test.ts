import { createHarness, denyAll } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { k8sTools } from '@sre-harness/tools-k8s';
import { createSimCluster } from '@sre-harness/tools-k8s/sim';
import { describe, expect, it } from 'vitest';
import { createSreAgent, sreApprovalPolicy } from './agent.js';
import { runExample } from './run.js';
import { ledgerOomWorld, NAMESPACE, POD } from './world.js';

describe('custom agent example', () => {
  it('finds the OOM, is refused the restart and out-of-namespace reads, raises the limit, and verifies', async () => {
    const { result, snapshot, lines } = await runExample();
    expect(result.stoppedReason).toBe('completed');
    expect(result.verifications.filter((v) => !v.passed)).toEqual([]);
    expect(result.verified).toBe(true);

    const refused = result.trace.filter((e) => e.kind === 'tool_refused');
    expect(refused.map((e) => [e.tool, e.reason])).toEqual([
      ['list_pods', 'not_allowed'],
      ['restart_pod', 'approval_denied'],
    ]);
    // Only the approved patch reached the cluster (the refused restart never became a delete).
    expect(snapshot.mutations.map((m) => `${m.verb} ${m.kind} ${m.name}`)).toEqual([
      'patch Deployment ledger',
    ]);
    // The raise is above what the program needs, so the replacement pod runs.
    const lastList = result.trace.filter((e) => e.kind === 'tool_result' && e.tool === 'list_pods').at(-1);
    expect(lastList?.kind === 'tool_result' && lastList.output).toMatch(/ledger-\S+\s+1\/1\s+Running/);
    // The summarizing memory folded old observations instead of dropping them.
    expect(result.trace.some((e) => e.kind === 'memory_compacted')).toBe(true);
    expect(lines).toContain('stop: completed after 8 steps, verified true');
  });

  it('the approval policy refuses a raise beyond 1Gi', async () => {
    const approve = sreApprovalPolicy();
    const ask = (limits: unknown) =>
      approve({
        runId: 'r',
        callId: 'c',
        step: 1,
        tool: 'set_resources',
        args: { namespace: NAMESPACE, deployment: 'ledger', container: 'ledger', limits },
        argsHash: 'sha256:x',
        task: 't',
        signal: new AbortController().signal,
      });
    expect((await ask({ memory: '1Gi' })).granted).toBe(true);
    expect((await ask({ memory: '4Gi' })).granted).toBe(false);
  });

  it('fails verification when the answer claims something no tool showed', async () => {
    const cluster = createSimCluster(ledgerOomWorld());
    const agent = createSreAgent({
      cluster,
      namespaces: [NAMESPACE],
      approver: denyAll(),
      model: new ScriptedModel([
        callTool('list_pods', { namespace: NAMESPACE }),
        callTool('get_pod_logs', { namespace: NAMESPACE, name: POD, previous: true }),
        finalAnswer(`${POD} was OOMKilled at its 2Gi memory limit.`),
      ]),
    });
    const result = await agent.run('Why does ledger restart?');
    expect(result.stoppedReason).toBe('completed');
    expect(result.verified).toBe(false);
    expect(result.verifications.find((v) => !v.passed)?.name).toBe('grounded_answer');
    expect(cluster.snapshot().mutations).toEqual([]);
  });
});

describe('namespace allowlist', () => {
  it('is what stops the kube-system read: a harness allowing list_pods anywhere lets it through', async () => {
    const cluster = createSimCluster(ledgerOomWorld());
    const open = createHarness({
      model: new ScriptedModel([callTool('list_pods', { namespace: 'kube-system' }), finalAnswer('done')]),
      tools: k8sTools(cluster),
      guardrails: { maxSteps: 3, allow: ['list_pods'] },
    });
    const result = await open.run('list kube-system');
    const out = result.trace.find((e) => e.kind === 'tool_result');
    expect(out?.kind === 'tool_result' && out.output).toContain('coredns');
  });
});
