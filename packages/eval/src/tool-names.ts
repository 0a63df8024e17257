import { MUTATING_TOOL_NAMES, READ_TOOL_NAMES } from '@sre-harness/tools-k8s';

/** Every tool name a scenario may refer to: the Kubernetes tools the eval's worlds offer. */
export const KNOWN_TOOLS: ReadonlySet<string> = new Set<string>([...READ_TOOL_NAMES, ...MUTATING_TOOL_NAMES]);
/** The mutating ones. */
export const MUTATING_TOOLS: ReadonlySet<string> = new Set<string>(MUTATING_TOOL_NAMES);
