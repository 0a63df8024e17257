import type { Pod } from './types.js';

/** What kubectl prints in the STATUS column for a pod. */
export function podStatusColumn(pod: Pod): string {
  const s = pod.status;
  if (!s) return 'Unknown';
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const inits = s.initContainerStatuses ?? [];
  for (const [i, c] of inits.entries()) {
    if (c.state?.terminated?.exitCode === 0) continue;
    if (c.state?.terminated) return `Init:${c.state.terminated.reason ?? 'Error'}`;
    if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      return `Init:${c.state.waiting.reason}`;
    return `Init:${i}/${inits.length}`;
  }
  let reason = s.reason ?? s.phase ?? 'Unknown';
  for (const c of s.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
  }
  if (reason === 'Running' || reason === s.phase) {
    const running = (s.containerStatuses ?? []).some((c) => c.state?.running);
    if (running) return 'Running';
  }
  return reason;
}
