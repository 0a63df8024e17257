import type { ParsedFinding } from '@sre-harness/tools-k8s';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { type Analyzer, outputs } from './types.js';

/** Seconds in a kubectl AGE (`3d6h`, `30h`, `5m30s`); undefined when it is not one. */
function seconds(age: string | undefined): number | undefined {
  const parts = [...(age ?? '').matchAll(/(\d{1,9})([dhms])/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== age) return undefined;
  const unit: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  return parts.reduce((sum, m) => sum + Number(m[1]) * unit[m[2]!]!, 0);
}

/** A CronJob's Job that failed and the runs of the same CronJob that completed after it. */
export interface Superseded {
  job: string;
  cronJob: string;
  age: string;
  later: { name: string; age: string }[];
}

/**
 * A failed Job of a CronJob that later runs of the same CronJob completed after: history, not a fault
 * now. A CronJob keeps its failed Jobs (failedJobsHistoryLimit, 1 by default), and an alert on failed
 * Jobs (kube-state-metrics' KubeJobFailed) fires as long as the Job object exists, so it outlives the
 * failure. Read from the namespace's Job list (`list_resources` kind Job: NAME, STATUS, AGE): a Job
 * named `<cronjob>-<digits>`, STATUS Complete, younger than the failed one.
 */
export function supersededJob(
  f: Pick<ParsedFinding, 'kind' | 'name' | 'owner' | 'namespace'>,
  seen: readonly SeenObservation[],
  ns: string,
): Superseded | undefined {
  if (f.kind !== 'Job') return undefined;
  const cronJob = /^CronJob\/(\S{1,253})$/.exec(f.owner ?? '')?.[1];
  if (!cronJob) return undefined;
  const rows = outputs(
    seen,
    'list_resources',
    (o) => o.args['kind'] === 'Job' && (o.args['namespace'] ?? ns) === (f.namespace ?? ns),
  ).flatMap((o) => parseTable(o.content));
  const own = rows.find((r) => r['NAME'] === f.name);
  const failedAge = seconds(own?.['AGE']);
  if (!own || failedAge === undefined) return undefined;
  const later = rows
    .filter((r) => {
      const n = r['NAME'] ?? '';
      const a = seconds(r['AGE']);
      return (
        n.startsWith(`${cronJob}-`) &&
        /^\d{1,12}$/.test(n.slice(cronJob.length + 1)) &&
        r['STATUS'] === 'Complete' &&
        a !== undefined &&
        a < failedAge
      );
    })
    .map((r) => ({ name: r['NAME']!, age: r['AGE']! }));
  return later.length > 0 ? { job: f.name, cronJob, age: own['AGE']!, later } : undefined;
}

/** The failed CronJob Jobs the scan reported in the namespace. */
function failedCronJobs(seen: readonly SeenObservation[], ns: string): { name: string; owner: string }[] {
  const out: { name: string; owner: string }[] = [];
  for (const o of outputs(seen, 'scan', (x) => x.args['namespace'] === ns)) {
    for (const m of o.content.matchAll(
      /^- Job \S{1,253}\/(\S{1,253}) \[[^\]\n]{1,80}\][^\n]{0,2000}\n {4}owner: (CronJob\/\S{1,253})/gm,
    ))
      out.push({ name: m[1]!, owner: m[2]! });
  }
  return out;
}

/**
 * A failed Job of a CronJob, reported by the scan: the namespace's Jobs are listed to see whether a
 * later run of the same CronJob completed; if one did, the failure is history (see `supersededJob`),
 * said as a note, and the scan's finding is not taken as the fault (`scan-findings.ts`).
 */
export const supersededJobsAnalyzer: Analyzer = {
  name: 'superseded-jobs',
  first: true,
  reads({ seen, ns }) {
    if (failedCronJobs(seen, ns).length === 0) return [];
    return [{ tool: 'list_resources', args: { kind: 'Job', namespace: ns } }];
  },
  finds: () => [],
  notes({ seen, ns }) {
    return failedCronJobs(seen, ns).flatMap((j) => {
      const s = supersededJob({ kind: 'Job', name: j.name, owner: j.owner, namespace: ns }, seen, ns);
      if (!s) return [];
      return [
        `Job ${s.job} of CronJob ${s.cronJob} failed, but that run is old (${s.age} ago), and the later runs of ${s.cronJob} completed since then (${s.later
          .map((l) => `${l.name} Complete, ${l.age} ago`)
          .join(
            '; ',
          )}): the failure is history and the CronJob works now, so nothing needs fixing. The CronJob keeps its last failed Job (failedJobsHistoryLimit), and an alert on failed Jobs such as KubeJobFailed fires as long as that Job object exists; delete Job ${s.job} (kubectl -n ${ns} delete job ${s.job}) to clear it.`,
      ];
    });
  },
};
