export { type ApiServer, type ServeOptions, serveCluster } from './api-server.js';
export { type AccessPolicy, type MutationRule, SIM_USER } from './authz.js';
export {
  type LogEntry,
  type LogLines,
  logLength,
  logTail,
  type NeedleLines,
  type RepeatLines,
} from './log-lines.js';
export {
  createSimCluster,
  type MutationRecord,
  SimCluster,
  type SimClusterOptions,
  type SimSnapshot,
} from './sim-cluster.js';
export {
  type Behavior,
  behaviorSchema,
  type ContainerFacts,
  containerSchema,
  deploymentSchema,
  type ImageBehavior,
  manifestSchema,
  nodeSchema,
  type PodFacts,
  parseWorld,
  podSchema,
  serviceSchema,
  type World,
  type WorldInput,
  worldSchema,
} from './world-schema.js';
export { checkoutOomWorld } from './worlds.js';
