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
  // As kubectl's pod printer (pkg/printers/internalversion/printers.go, printPod): containers are
  // read last to first, so the first container's state wins; a pod whose containers completed while
  // another still runs (a Job's main container done, its sidecar not) is NotReady, or Running when
  // the pod is Ready.
  let reason = s.reason ?? s.phase ?? 'Unknown';
  let hasRunning = false;
  const statuses = s.containerStatuses ?? [];
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i]!;
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.state?.terminated) reason = `ExitCode:${c.state.terminated.exitCode}`;
    else if (c.ready && c.state?.running) hasRunning = true;
  }
  if (reason === 'Completed' && hasRunning)
    return s.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  if (reason === 'Running' || reason === s.phase) {
    const running = (s.containerStatuses ?? []).some((c) => c.state?.running);
    if (running) return 'Running';
  }
  return reason;
}

/**
 * What kubectl prints in the RESTARTS column: `N` or `N (AGE ago)` after the latest restart.
 * As Kubernetes' pod printer does, while the pod is still initializing the count is the init
 * containers' restarts (up to the one that has not finished), so `Init:CrashLoopBackOff` shows
 * how often the init container restarted; once initialized it is the app containers' restarts.
 */
export function podRestartsColumn(pod: Pod, age: (since: string) => string): string {
  const s = pod.status;
  let n = 0;
  let last = '';
  const add = (c: { restartCount?: number; lastState?: { terminated?: { finishedAt?: string } } }) => {
    n += c.restartCount ?? 0;
    const t = c.lastState?.terminated?.finishedAt;
    if (t && t > last) last = t;
  };
  let initializing = false;
  for (const c of s?.initContainerStatuses ?? []) {
    add(c);
    if (c.state?.terminated?.exitCode === 0) continue;
    initializing = true;
    break;
  }
  const initialized = s?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    n = 0;
    last = '';
    for (const c of s?.containerStatuses ?? []) add(c);
  }
  return n > 0 && last ? `${n} (${age(last)} ago)` : String(n);
}
