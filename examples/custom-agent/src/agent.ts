import {
  type Approver,
  createHarness,
  type Harness,
  type Model,
  policyApprover,
  type TraceSink,
} from '@sre-harness/core';
import { summarizingMemory } from '@sre-harness/memory-summarizer';
import { type Cluster, k8sTools, namespaceAllowlist } from '@sre-harness/tools-k8s';
import { standardVerifiers } from '@sre-harness/verifiers';

/** What the agent is built from; everything else is fixed by the example. */
export interface SreAgentOptions {
  /** Any `Cluster`: the simulator here, `realCluster()` in production. */
  readonly cluster: Cluster;
  readonly model: Model;
  /** Namespaces the agent may read and (behind the approver) change. */
  readonly namespaces: readonly string[];
  /** Who answers for mutations. Default: `sreApprovalPolicy()`. */
  readonly approver?: Approver;
  readonly trace?: readonly TraceSink[];
}

/**
 * The approval policy of the example: raising a memory limit to at most 1Gi is pre-approved, a pod
 * restart is refused (it does not fix an undersized limit), everything else is denied.
 */
export function sreApprovalPolicy(): Approver {
  return policyApprover({
    name: 'sre-policy',
    rules: [
      {
        tool: 'set_resources',
        where: { 'limits.memory': ['384Mi', '512Mi', '768Mi', '1Gi'] },
        action: 'allow',
        reason: 'memory limit raises up to 1Gi are pre-approved',
      },
      {
        tool: 'restart_pod',
        action: 'deny',
        reason: 'a restart does not fix an undersized memory limit',
      },
    ],
  });
}

/**
 * An SRE agent: the Kubernetes tools confined to some namespaces, an approval gate for mutations, a
 * memory that summarizes old observations instead of dropping them, and the standard verifiers.
 */
export function createSreAgent(options: SreAgentOptions): Harness {
  return createHarness({
    model: options.model,
    tools: k8sTools(options.cluster, { namespaces: options.namespaces }),
    guardrails: {
      maxSteps: 12,
      allow: namespaceAllowlist(options.namespaces, { mutations: true, nodes: false }),
      approver: options.approver ?? sreApprovalPolicy(),
    },
    memory: summarizingMemory({ maxTokens: 500 }),
    verifiers: standardVerifiers(),
    trace: options.trace ?? [],
  });
}
