import type { AnalyzerContext, Finding } from '../../analyzers/index.js';
import type { SeenObservation } from '../../observations.js';
import type { DeploymentRow, PodRow } from '../reading.js';

/**
 * What every signature reads, gathered once per conclusion: the analyzers' context (task, namespace,
 * the task's words, every observation) and what most signatures need from it.
 */
export interface Facts extends AnalyzerContext {
  /** Names of the tools the run offers (a fix is proposed only through a tool that is offered). */
  readonly tools: ReadonlySet<string>;
  /** The namespace's pods, from its last full `list_pods`. */
  readonly pods: readonly PodRow[];
  /** The deployments, from the last `list_deployments`. */
  readonly deps: readonly DeploymentRow[];
  /** Every successful `get_events` output, joined. */
  readonly events: string;
  /**
   * Whether the namespace was scanned: the scan's findings then carry the pod signatures that need
   * no log, and the text reading of those is for runs whose tools do not include scan.
   */
  readonly scanned: boolean;
  /** +5 when a pod's name matches a word of the task, so the object the task is about wins ties. */
  bonus(name: string): number;
}

/** A pod the investigation described (`describe_pod`), as a signature reads it. */
export interface DescribedPod {
  /** The `describe_pod` observation. */
  readonly described: SeenObservation;
  readonly pod: string;
  /** The deployment the pod belongs to, when one is known. */
  readonly owner: string | undefined;
  /** `deployment <owner> (pod <pod>)`, or `pod <pod>`: the object a finding names. */
  readonly objectLabel: string;
  /** `Facts.bonus` of the pod. */
  readonly bonus: number;
}

/** One container of a described pod: its section of the description, its states and its log. */
export interface DescribedContainer extends DescribedPod {
  readonly container: { readonly name: string; readonly init: boolean; readonly body: string };
  readonly kind: 'container' | 'init container';
  /** The `Last State` and `State` blocks of the container's section. */
  readonly last: { state?: string; reason?: string; exit?: number };
  readonly now: { state?: string; reason?: string; exit?: number };
  /** The `Restart Count` field, as printed. */
  readonly restarts: string | undefined;
  /** The exit code of its last termination (`Last State`, else a `State` of Terminated). */
  readonly exit: number | undefined;
  /** Its newest successful `get_pod_logs` read. */
  readonly logs: SeenObservation | undefined;
}

/**
 * A failure signature of one container. Each container of each described pod is matched against
 * the signatures in order; a match that `stops` ends that container's matching (its cause is found).
 */
export interface ContainerSignature {
  readonly name: string;
  readonly stops: boolean;
  find(c: DescribedContainer, f: Facts): Finding | undefined;
}

/** A failure signature of one described pod, matched after its containers'. */
export interface PodSignature {
  readonly name: string;
  find(p: DescribedPod, f: Facts): Finding | undefined;
}

/**
 * A signature over all observations, matched after every described pod, in order: it adds findings
 * (`find`, given those found so far) or refines the ones found (`refine`: a bad rollout named as their
 * cause, a dependency that others wait on weighted above them).
 */
export type RunSignature =
  | { readonly name: string; find(f: Facts, found: readonly Finding[]): Finding[] }
  | { readonly name: string; refine(f: Facts, found: Finding[]): void };
