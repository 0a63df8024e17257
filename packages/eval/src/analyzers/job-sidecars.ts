import {
  type Analyzer,
  containerSections,
  describedField,
  describedLabels,
  type Finding,
  outputs,
  stateBlock,
} from './types.js';

/** The Job a described pod belongs to: its `Controlled By: Job/<name>`, else its job-name label. */
function jobOf(describe: string): string | undefined {
  const owner = /^Job\/(\S{1,253})$/.exec(describedField(describe, 'Controlled By') ?? '')?.[1];
  if (owner) return owner;
  const labels = describedLabels(describe);
  return labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
}

/** When a terminated container finished, as the description gives it (`Finished: <time> (<age> ago)`). */
function finished(body: string): string | undefined {
  return /^\s*Finished:\s*(.{1,80})$/m.exec(body)?.[1]?.trim();
}

/**
 * A Job's pod whose work container exited 0 while another container still runs: a pod ends only
 * when all of its containers have, and a Job is complete only when its pod has ended, so a sidecar
 * that never exits (a service-mesh proxy, a log shipper) keeps the pod Running and the Job active
 * for ever (kubernetes.io, "Sidecar Containers" and "Jobs"; istio/istio#11045). Sidecars declared
 * as init containers with `restartPolicy: Always` (native sidecars) are stopped once the work ends.
 */
export const jobSidecarsAnalyzer: Analyzer = {
  name: 'job-sidecars',
  reads() {
    return [];
  },
  finds({ seen }) {
    const out: Finding[] = [];
    for (const d of outputs(seen, 'describe_pod')) {
      const job = jobOf(d.content);
      if (!job) continue;
      const main = containerSections(d.content).filter((c) => !c.init);
      const done = main.filter((c) => {
        const s = stateBlock(c.body, 'State');
        return s.state === 'Terminated' && s.exit === 0;
      });
      const running = main.filter((c) => stateBlock(c.body, 'State').state === 'Running');
      if (done.length === 0 || running.length === 0) continue;
      const pod = String(d.args['name'] ?? '');
      const when = finished(done[0]!.body);
      const still = running.map((c) => c.name).join(', ');
      // The CronJob that made the Job, when read: under Forbid it starts no run while one is active
      // (https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy).
      const cronJob =
        /Controlled By:\s*CronJob\/(\S{1,253})/.exec(
          outputs(seen, 'describe_resource', (o) => o.args['kind'] === 'Job' && o.args['name'] === job).pop()
            ?.content ?? '',
        )?.[1] ?? job.replace(/-\d{8,10}$/, '');
      const forbid = outputs(
        seen,
        'describe_resource',
        (o) => o.args['kind'] === 'CronJob' && o.args['name'] === cronJob,
      ).some((o) => /concurrencyPolicy:\s*Forbid\b/.test(o.content));
      out.push({
        weight: 90,
        object: `job ${job} (pod ${pod})`,
        cause:
          `Job ${job}'s work is done but the Job never completes: container ${done.map((c) => c.name).join(', ')} of pod ${pod} exited 0${when ? ` (finished ${when})` : ''}, ` +
          `but the sidecar ${still} is still running (a sidecar does not exit on its own), so the pod stays Running and the Job stays active; anything waiting for the Job waits for ever. ` +
          'A pod ends only when all of its containers have ended, and a Job completes only when its pod has.' +
          (forbid
            ? ` CronJob ${cronJob} has concurrencyPolicy Forbid, so while this Job is still active it skips every later run: no run has started since.`
            : ''),
        evidence: [
          `describe_pod ${pod}: ${done.map((c) => `${c.name} Terminated (Completed, exit code 0)`).join('; ')}; ${running.map((c) => `${c.name} Running`).join('; ')}`,
        ],
        advice:
          'stop the sidecar when the work ends: run it as a native sidecar (an init container with restartPolicy: Always, Kubernetes 1.29+), have the job ask it to quit when done (istio-proxy: POST localhost:15020/quitquitquit), or turn mesh injection off for the Job\'s pods (annotation sidecar.istio.io/inject: "false")',
      });
    }
    return out;
  },
};
