import { type Analyzer, clip, type Finding, outputs } from './types.js';

/** A start-up that reports progress: a percentage, a done/total count, or loading/warming work. */
const PROGRESS =
  /\b\d{1,3}(?:\.\d{1,2})?\s?%|\(\d{1,9}\/\d{1,9}\)|\b(?:loading|loaded|warming|warm-?up|building|indexing|replaying|migrating|restoring|downloading|syncing)\b/i;
const ERROR = /\b(?:error|fatal|exception|panic|traceback|failed|refused|denied)\b/i;

/**
 * A rollout the Deployment marks ProgressDeadlineExceeded while its new pod is still starting: Running,
 * never restarted, not Ready yet, and its log shows start-up work advancing (loading shards 10 %, 25 %,
 * 50 %…) with no error. The new revision is not broken; it needs longer to become Ready than the
 * Deployment's progressDeadlineSeconds (600 s by default). The condition only reports: the controller
 * neither stops nor rolls back the rollout, which completes once the pod is Ready.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds
 */
export const slowRolloutAnalyzer: Analyzer = {
  name: 'slow-rollout',
  reads: () => [],
  finds({ ns, seen }) {
    for (const dep of outputs(seen, 'describe_deployment', (o) => o.args['namespace'] === ns)) {
      if (!/ProgressDeadlineExceeded/.test(dep.content)) continue;
      const name = String(dep.args['name'] ?? '');
      const newRs = /^NewReplicaSet:\s+(\S+)/m.exec(dep.content)?.[1];
      const deadline = /progressDeadlineSeconds:\s*(\d{1,7})/.exec(dep.content)?.[1] ?? '600';
      for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
        const pod = String(d.args['name'] ?? '');
        if (newRs ? !pod.startsWith(`${newRs}-`) : !pod.startsWith(`${name}-`)) continue;
        if (!/^Status:\s+Running\b/m.test(d.content) || /Restart Count:\s*[1-9]/.test(d.content)) continue;
        if (!/^[ \t]+Ready[ \t]+False\b/m.test(d.content)) continue;
        const log = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod).pop()?.content ?? '';
        const lines = log.split('\n').filter((l) => l.trim());
        const progress = lines.filter((l) => PROGRESS.test(l));
        if (progress.length < 2 || lines.some((l) => ERROR.test(l))) continue;
        const started = /^Start Time:\s+(\S+)/m.exec(d.content)?.[1];
        const out: Finding = {
          weight: 92,
          object: `deployment ${name}`,
          cause: `the rollout of ${name} is not failing, it is slow: its new pod ${pod} is Running with no restarts and still starting (not Ready yet), its log showing the start-up work advancing ("${clip(progress[0]!.trim(), 90)}" … "${clip(progress[progress.length - 1]!.trim(), 90)}") with no error; the Deployment marks ProgressDeadlineExceeded because the pod needs longer to become Ready than its progress deadline (progressDeadlineSeconds ${deadline} s${deadline === '600' ? ', 10 minutes by default' : ''})${started ? `, counted from the rollout's start (the pod started at ${started})` : ''}. The condition only reports: Kubernetes neither stops nor rolls back the rollout, which completes once the pod is Ready, so the new revision is not broken and a rollback would throw away the loading done so far`,
          evidence: [
            `describe_deployment ${name}: Progressing False ProgressDeadlineExceeded`,
            `describe_pod ${pod}: Running, Restart Count 0, Ready False`,
            `logs of ${pod}: ${clip(progress[progress.length - 1]!.trim(), 160)}`,
          ],
          advice: `let the rollout finish; raise progressDeadlineSeconds of ${name} above the start-up time (and keep a startupProbe or readiness probe that waits for the load) so the pipeline does not mark it failed again`,
          revisionSound: true,
        };
        return [out];
      }
    }
    return [];
  },
};
