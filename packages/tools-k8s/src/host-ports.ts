import type { Pod } from './types.js';

/**
 * The host ports a pod asks for, as `protocol/port` (hostIP is not told apart: a port taken on any of
 * the node's addresses counts as taken). A hostNetwork pod takes its container ports on the host.
 */
export function hostPortsOf(p: Pod): string[] {
  const out: string[] = [];
  for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers])
    for (const port of c.ports ?? []) {
      const host = port.hostPort ?? (p.spec.hostNetwork ? port.containerPort : undefined);
      if (typeof host === 'number' && host > 0) out.push(`${port.protocol ?? 'TCP'}/${host}`);
    }
  return out;
}
