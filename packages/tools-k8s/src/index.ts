export type {
  CallOptions,
  Cluster,
  JsonPatchOp,
  KubeList,
  KubeMetadata,
  KubeObject,
  ListQuery,
  ListTruncation,
  LogQuery,
  ObjectRef,
  Patch,
  PodMetrics,
} from './cluster.js';
export { formatAge, parseDuration } from './duration.js';
export { K8sError, type K8sErrorCode, type WorldIssue } from './errors.js';
export { findKind, type KindInfo, resolveKind, WELL_KNOWN_KINDS } from './kinds.js';
export { formatCpu, formatMemory, isQuantity, parseQuantity, QUANTITY_PATTERN } from './quantity.js';
export {
  connectRealCluster,
  type DiscoveryOptions,
  type RealClusterOptions,
  realCluster,
} from './real/real-cluster.js';
export {
  ANALYZERS,
  type Analyzer,
  abnormalCondition,
  analyze,
  type FactSource,
  type Facts,
  type Finding,
  type Found,
  formatFindings,
  gatherFacts,
  kindsRead,
  OPT_IN_ANALYZERS,
  type ParsedFinding,
  parseFindings,
} from './scan/index.js';
export { APPLY_KINDS, MAX_MANIFEST_BYTES, MAX_MANIFEST_DEPTH } from './tools/apply-manifest.js';
export {
  K8S_TOOL,
  type K8sToolsOptions,
  k8sTools,
  MUTATING_TOOL_NAMES,
  READ_TOOL_NAMES,
  readOnlyK8sTools,
} from './tools/k8s-tools.js';
export { type NamespaceAllowlistOptions, namespaceAllowlist } from './tools/scoped-allowlist.js';
export { type CallView, defineK8sTool, type K8sToolDef, type ToolContext } from './tools/tool-def.js';
