import type { Cluster } from '@sre-harness/tools-k8s';
import { k8sTools, MUTATING_TOOL_NAMES, READ_TOOL_NAMES } from '@sre-harness/tools-k8s';

/** Every tool name a scenario may refer to: the Kubernetes tools the eval's worlds offer. */
export const KNOWN_TOOLS: ReadonlySet<string> = new Set<string>([...READ_TOOL_NAMES, ...MUTATING_TOOL_NAMES]);
/** The mutating ones. */
export const MUTATING_TOOLS: ReadonlySet<string> = new Set<string>(MUTATING_TOOL_NAMES);

// Building the tools touches no cluster: a call would, and this one answers none.
const NO_CLUSTER = new Proxy({} as Cluster, {
  get: () => () => Promise.reject(new Error('no cluster: the tools were built only to read their arguments')),
});

/**
 * The arguments each tool takes, read from its own input schema, so a grant's `where` can be checked
 * against what the tool is called with (a key no call carries would never match: the grant is dead).
 */
export const TOOL_ARGUMENTS: ReadonlyMap<string, readonly string[]> = new Map(
  k8sTools(NO_CLUSTER).map((t) => [
    t.name,
    Object.keys((t.input as unknown as { shape?: Record<string, unknown> }).shape ?? {}),
  ]),
);
