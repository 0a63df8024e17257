import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  bonus,
  clip,
  described,
  flat,
  linesWith,
  listed,
  outputs,
  type Read,
  textOf,
} from './types.js';

const JOBISH = /\b(jobs?|cron\s?jobs?|batch|nightly|export|backup|migrations?|scheduled)\b/i;
const SPECIFIC = [
  'authentication failed',
  'permission denied',
  'access denied',
  'forbidden',
  'unauthorized',
  'no such file',
  'not found',
  'connection refused',
  'timed out',
  'out of memory',
  'no space left',
];
const ERRORISH = [
  'error',
  'fatal',
  'exception',
  'denied',
  'failed',
  'refused',
  'panic',
  'traceback',
  'killed',
];

/** Pods of a Job: `<job>-<5 characters>`, as the Job controller names them. */
function podsOf(job: string, podsText: string): { name: string; status: string }[] {
  return parseTable(podsText)
    .filter((r) => (r['NAME'] ?? '').startsWith(`${job}-`) && (r['NAME'] ?? '').length === job.length + 6)
    .map((r) => ({ name: r['NAME'] ?? '', status: r['STATUS'] ?? '' }));
}

/** Jobs and CronJobs: a Job that hit its backoffLimit, and what its pods printed before failing. */
export const jobsAnalyzer: Analyzer = {
  name: 'jobs',
  reads({ task, ns, seen, hints }) {
    const events = textOf(seen, 'get_events');
    if (!JOBISH.test(task) && !/BackoffLimitExceeded|job-controller|cronjob-controller|\bjob\//i.test(events))
      return [];
    const reads: Read[] = [
      { tool: 'list_resources', args: { kind: 'Job', namespace: ns } },
      { tool: 'list_resources', args: { kind: 'CronJob', namespace: ns } },
    ];
    const jobs = listed(seen, 'Job');
    const failed = jobs.filter((j) => /Failed|BackoffLimit/i.test(j.status) || bonus(j.name, hints) > 0);
    const podsText = textOf(seen, 'list_pods');
    for (const j of failed.slice(0, 2)) {
      reads.push({ tool: 'describe_resource', args: { kind: 'Job', name: j.name, namespace: ns } });
      const pod = podsOf(j.name, podsText).find((p) => !/Running|Completed|Succeeded/.test(p.status));
      if (pod) reads.push({ tool: 'get_pod_logs', args: { namespace: ns, name: pod.name } });
    }
    for (const c of listed(seen, 'CronJob')
      .filter((c) => bonus(c.name, hints) > 0)
      .slice(0, 1))
      reads.push({ tool: 'describe_resource', args: { kind: 'CronJob', name: c.name, namespace: ns } });
    return reads;
  },
  finds({ ns, seen, hints }) {
    const podsText = textOf(seen, 'list_pods');
    return listed(seen, 'Job').flatMap((j) => {
      const d = described(seen, 'Job', j.name);
      if (!d || !/BackoffLimitExceeded|DeadlineExceeded|type: Failed/.test(d)) return [];
      const deadline = /DeadlineExceeded/.test(d);
      const limit = flat(d, 'backoffLimit');
      const failures = flat(d, 'failed');
      const pods = podsOf(j.name, podsText);
      const logs = outputs(seen, 'get_pod_logs', (o) => pods.some((p) => p.name === o.args['name']))
        .map((o) => o.content)
        .join('\n');
      // The most specific line (an authentication or permission failure, a missing thing) beats a
      // generic "ERROR ... aborted" that only says it stopped.
      const line =
        linesWith(logs, SPECIFIC).pop() ??
        linesWith(logs, ERRORISH).pop() ??
        logs
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('(no log'))
          .pop();
      const podStatus = pods.map((p) => p.status).find((s) => s && !/Running|Completed/.test(s));
      return [
        {
          weight: 86 + bonus(j.name, hints),
          object: `job ${j.name}`,
          cause: `job ${j.name} failed: ${
            deadline
              ? 'it ran past its activeDeadlineSeconds (DeadlineExceeded)'
              : `its pods failed ${failures ?? 'too many'} time(s), reaching the backoffLimit${limit ? ` of ${limit}` : ''} (BackoffLimitExceeded)`
          }${podStatus ? `; its pods end in ${podStatus}${/OOMKilled/.test(podStatus) ? ' (exit code 137: they use more memory than their memory limit, so the kernel kills them)' : ''}` : ''}${line ? `; the pod's log says "${clip(line, 160)}"` : ''}`,
          evidence: [
            `describe_resource Job ${j.name} in ${ns}: ${deadline ? 'DeadlineExceeded' : 'BackoffLimitExceeded'}${limit ? `, backoffLimit ${limit}` : ''}`,
            ...(line ? [`logs: "${clip(line, 160)}"`] : []),
          ],
          advice: `fix what the job's pods fail on${line ? ` (${clip(line, 80)})` : ''}, then re-run the job (a Job that hit its backoffLimit does not retry by itself)`,
        },
      ];
    });
  },
};
