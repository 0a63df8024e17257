/** Read-only Kubernetes tool names of the tools-k8s contract. */
export const READ_TOOLS = [
  'list_pods',
  'describe_pod',
  'get_pod_logs',
  'get_events',
  'get_pod_metrics',
  'list_deployments',
  'describe_deployment',
  'get_rollout_history',
  'list_services',
  'describe_service',
  'list_nodes',
  'describe_node',
  'get_resource',
  'list_resources',
  'describe_resource',
] as const;

/** Mutating Kubernetes tool names of the tools-k8s contract. */
export const MUTATING_TOOL_NAMES = [
  'restart_pod',
  'scale_deployment',
  'set_resources',
  'set_image',
  'rollback_deployment',
] as const;

/** Every tool name a scenario may refer to. */
export const KNOWN_TOOLS: ReadonlySet<string> = new Set<string>([...READ_TOOLS, ...MUTATING_TOOL_NAMES]);
/** The mutating ones. */
export const MUTATING_TOOLS: ReadonlySet<string> = new Set<string>(MUTATING_TOOL_NAMES);
