import type { AnyTool } from '@sre-harness/core';
import type { Cluster } from '../cluster.js';
import { K8sError } from '../errors.js';
import { applyManifest } from './apply-manifest.js';
import { describeDeploymentTool } from './describe-deployment.js';
import { describeNodeTool } from './describe-node.js';
import { describePodTool } from './describe-pod.js';
import { describeResource } from './describe-resource.js';
import { describeServiceTool } from './describe-service.js';
import { findObjects } from './find-objects.js';
import { getEvents } from './get-events.js';
import { getPodLogs } from './get-pod-logs.js';
import { getPodMetrics } from './get-pod-metrics.js';
import { getResource } from './get-resource.js';
import { getRolloutHistory } from './get-rollout-history.js';
import { listDeployments } from './list-deployments.js';
import { listNodes } from './list-nodes.js';
import { listPods } from './list-pods.js';
import { listResources } from './list-resources.js';
import { listServices } from './list-services.js';
import { restartDeployment } from './restart-deployment.js';
import { restartPod } from './restart-pod.js';
import { rollbackDeployment } from './rollback-deployment.js';
import { scaleDeployment } from './scale-deployment.js';
import { scan } from './scan.js';
import { searchPodLogs } from './search-pod-logs.js';
import { setCommand } from './set-command.js';
import { setEnv } from './set-env.js';
import { setImage } from './set-image.js';
import { setLabels } from './set-labels.js';
import { setNodePlacement } from './set-node-placement.js';
import { setProbe } from './set-probe.js';
import { setResources } from './set-resources.js';
import { setRoleRules } from './set-role-rules.js';
import { setServiceSelector } from './set-service-selector.js';
import { type K8sToolsOptions, toolContext } from './tool-def.js';

export type { K8sToolsOptions } from './tool-def.js';

/**
 * Every tool, one definition per file (`src/tools/<name>.ts`), registered here once and in the order
 * `k8sTools` returns them: `READ_TOOL_NAMES`, `MUTATING_TOOL_NAMES`, `K8S_TOOL` and the eval's names
 * derive from these definitions.
 */
export const TOOL_DEFS = [
  listPods,
  describePodTool,
  getPodLogs,
  searchPodLogs,
  getEvents,
  getPodMetrics,
  listDeployments,
  describeDeploymentTool,
  getRolloutHistory,
  listServices,
  describeServiceTool,
  listNodes,
  describeNodeTool,
  getResource,
  listResources,
  describeResource,
  findObjects,
  scan,
  restartPod,
  restartDeployment,
  scaleDeployment,
  setResources,
  setImage,
  rollbackDeployment,
  setCommand,
  setEnv,
  setProbe,
  setNodePlacement,
  setServiceSelector,
  setLabels,
  setRoleRules,
  applyManifest,
] as const;

type Def = (typeof TOOL_DEFS)[number];
type DefNames<M extends boolean> = Extract<Def, { readonly mutating: M }>['name'];
const defNames = <M extends boolean>(mutating: M): DefNames<M>[] =>
  TOOL_DEFS.filter((d) => d.mutating === mutating).map((d) => d.name as DefNames<M>);

/** Names of the read-only tools. */
export const READ_TOOL_NAMES: readonly DefNames<false>[] = defNames(false);

/** Names of the mutating tools; they run only through the approval gate. */
export const MUTATING_TOOL_NAMES: readonly DefNames<true>[] = defNames(true);

type ToolName = (typeof READ_TOOL_NAMES)[number] | (typeof MUTATING_TOOL_NAMES)[number];
type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every tool name, as constants keyed by the name in camelCase (`list_pods` is `K8S_TOOL.listPods`). */
export const K8S_TOOL = Object.freeze(
  Object.fromEntries([...READ_TOOL_NAMES, ...MUTATING_TOOL_NAMES].map((n) => [camel(n), n])),
) as { readonly [N in ToolName as Camel<N>]: N };

/** Builds the Kubernetes tools over a cluster (real or simulated). */
export function k8sTools(cluster: Cluster, options: K8sToolsOptions = {}): AnyTool[] {
  const ctx = toolContext(cluster, options);
  return TOOL_DEFS.map((d) => {
    const tool = d.build(ctx);
    if (tool.name !== d.name || (tool.mutating ?? false) !== d.mutating)
      throw new K8sError(
        'invalid_option',
        `tool "${d.name}" was built as "${tool.name}" (mutating ${tool.mutating})`,
      );
    return tool;
  });
}

/** Only the read-only tools: the set for triage runs that must not change anything. */
export function readOnlyK8sTools(cluster: Cluster, options: K8sToolsOptions = {}): AnyTool[] {
  return k8sTools(cluster, options).filter((t) => !t.mutating);
}
