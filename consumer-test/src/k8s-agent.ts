// The Kubernetes half of the consumer test: a simulated cluster from @sre-harness/tools-k8s/sim, served
// over the Kubernetes REST API on 127.0.0.1, read through the real adapter (@kubernetes/client-node, the
// peer dependency the consumer installs itself), by an agent with the namespace allowlist, an approval
// gate, the standard verifiers and a summarizing memory.
import { createHarness, MemorySink, policyApprover } from '@sre-harness/core';
import { callTool, finalAnswer, ScriptedModel } from '@sre-harness/core/testing';
import { summarizingMemory } from '@sre-harness/memory-summarizer';
import { connectRealCluster, K8sError, k8sTools, namespaceAllowlist } from '@sre-harness/tools-k8s';
import { createSimCluster, serveCluster, type WorldInput } from '@sre-harness/tools-k8s/sim';
import { standardVerifiers } from '@sre-harness/verifiers';

const NS = 'payments';
const POD = 'ledger-5d8f7c9b4-q7wzt';

const world: WorldInput = {
  now: '2026-03-02T08:00:00Z',
  seed: 'consumer-test',
  namespaces: [NS, 'kube-system'],
  nodes: [{ name: 'node-1', cpu: '4', memory: '8Gi' }],
  deployments: [
    {
      name: 'ledger',
      namespace: NS,
      replicas: 1,
      age: '3d',
      podTemplateHash: '5d8f7c9b4',
      containers: [
        {
          name: 'ledger',
          image: 'registry.example.com/payments/ledger:3.2.0',
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          behavior: {
            memory: { need: '400Mi' },
            failAfter: '60s',
            logs: ['INFO ledger listening on :8080'],
            oomLogs: ['INFO posting batch of 50000 entries', 'FATAL runtime: out of memory'],
          },
        },
      ],
      pods: [
        {
          name: POD,
          node: 'node-1',
          age: '2h',
          restarts: 5,
          lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, ago: '2m' } },
        },
      ],
    },
  ],
  pods: [
    {
      name: 'coredns-6d4b75cb6d-9xk2p',
      namespace: 'kube-system',
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1' }],
    },
  ],
};

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`consumer check failed (k8s): ${what}`);
}

/** Runs the Kubernetes agent against the served simulator; throws if anything is off. */
export async function runK8sAgent(): Promise<string> {
  const sim = createSimCluster(world);
  const server = await serveCluster(sim, { namespace: NS });
  try {
    check(new URL(server.url).hostname === '127.0.0.1', `served on loopback (${server.url})`);
    const cluster = await connectRealCluster({ kubeconfig: server.kubeconfigPath, clock: 'server' });
    const events = new MemorySink();
    const harness = createHarness({
      model: new ScriptedModel([
        callTool('list_pods', { namespace: NS }),
        callTool('get_pod_logs', { namespace: NS, name: 'ledger-5d8f', previous: true }),
        callTool('describe_pod', { namespace: NS, name: POD }),
        callTool('get_pod_logs', { namespace: NS, name: POD, previous: true, tail: 20 }),
        callTool('list_pods', { namespace: 'kube-system' }),
        callTool('restart_pod', { namespace: NS, name: POD }),
        finalAnswer(
          `${POD} is OOMKilled: ledger needs more than its 256Mi memory limit ("out of memory" in the ` +
            'previous logs). The restart was refused; raise the memory limit.',
        ),
      ]),
      tools: k8sTools(cluster),
      guardrails: {
        maxSteps: 10,
        allow: namespaceAllowlist([NS], { mutations: true }),
        approver: policyApprover({
          rules: [{ tool: 'restart_pod', action: 'deny', reason: 'read-only shift' }],
        }),
      },
      memory: summarizingMemory({ maxTokens: 400 }),
      verifiers: standardVerifiers(),
      trace: events,
    });
    const result = await harness.run(`ledger in namespace ${NS} keeps restarting. Why?`);

    check(result.stoppedReason === 'completed', `run completed (got ${result.stoppedReason})`);
    check(result.verified, `verifiers passed: ${JSON.stringify(result.verifications)}`);
    const results = events.ofKind('tool_result');
    check(
      results.map((e) => e.tool).join(',') === 'list_pods,describe_pod,get_pod_logs',
      `reads ran: ${results.map((e) => e.tool)}`,
    );
    check(
      results[0]?.output.includes(POD) === true && /CrashLoopBackOff/.test(results[0].output),
      `list_pods shows the crashing pod: ${results[0]?.output}`,
    );
    check(
      /OOMKilled/.test(results[1]?.output ?? '') && /256Mi/.test(results[1]?.output ?? ''),
      `describe_pod shows the OOM kill and the limit: ${results[1]?.output}`,
    );
    check(results[2]?.output.includes('out of memory') === true, 'previous logs show the OOM');
    const errors = events.ofKind('tool_error');
    check(
      errors.length === 1 && errors[0]?.error.includes(`did you mean: ${POD}`) === true,
      `a mistyped pod name comes back as the API's NotFound with a suggestion: ${JSON.stringify(errors)}`,
    );
    const refused = events.ofKind('tool_refused').map((e) => `${e.tool}:${e.reason}`);
    check(
      refused.join(',') === 'list_pods:not_allowed,restart_pod:approval_denied',
      `kube-system read refused by the namespace allowlist, restart by the approver: ${refused}`,
    );
    check(events.ofKind('memory_compacted').length > 0, 'the summarizing memory compacted');
    check(
      server.requests.includes(`GET /api/v1/namespaces/${NS}/pods`),
      `the real adapter listed pods over HTTP: ${server.requests}`,
    );
    check(
      server.requests.every((r) => !r.startsWith('DELETE') && !r.includes('kube-system')),
      `no delete and no kube-system request reached the server: ${server.requests}`,
    );
    check(sim.snapshot().mutations.length === 0, 'the cluster was not changed');
    check(K8sError.isInstance(new K8sError('not_found', 'x')), 'K8sError.isInstance');
    return `k8s ok: ${result.steps} steps over ${server.requests.length} API requests, verifiers ${result.verifications.map((v) => v.name).join(', ')}`;
  } finally {
    await server.close();
  }
}
