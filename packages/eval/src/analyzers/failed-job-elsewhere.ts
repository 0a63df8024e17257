import { parseTable } from '../k8s-text.js';
import { errorLines } from './app-errors.js';
import { logGloss } from './log-glosses.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  namespaceNames,
  outputs,
  ownerName,
  podListOf,
  type Read,
} from './types.js';

/**
 * The person reports a job that failed in a namespace they name (`The enrollment job in edge-ops failed`,
 * `the migrate Job in namespace db failed`): the namespace in group 1. A job, a failure word near it.
 */
const JOB_IN =
  /\bjob (?:in (?:the )?(?:namespace )?|\(namespace )([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b[^.\n]{0,60}?\b(?:failed|fails|failing|errored|crashed)\b/i;
/** The same with the failure first: `the enrollment job failed in edge-ops`, `job has failed in namespace x`. */
const JOB_FAILED_IN =
  /\bjob (?:has |had |keeps )?(?:failed|fails|failing|errored|crashed)(?: again)? in (?:the )?(?:namespace )?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\b/i;

/** klog's fatal level (`F0310 07:52:14.331007    2214 server.go:77] …`), or FATAL. */
const KLOG_FATAL = /(?:^|\s)F\d{4} \d\d:\d\d:\d\d\.\d{1,9}\s{1,12}\d{1,10} [\w.-]{1,100}:\d{1,6}\]|\bFATAL\b/;

/** The other namespace the task reports a failed job in, when the cluster has it. */
function jobNamespace(ctx: AnalyzerContext): string | undefined {
  const text = ctx.task.slice(0, 4000);
  const m = JOB_IN.exec(text) ?? JOB_FAILED_IN.exec(text);
  const ns = m?.[1]?.toLowerCase();
  if (!ns || ns === ctx.ns) return undefined;
  const known = namespaceNames(ctx.seen);
  return known.length === 0 || known.includes(ns) ? ns : undefined;
}

/** The failed pods (STATUS Error) of `ns`'s newest pod list, newest first by their order there. */
function failedPods(ctx: AnalyzerContext, ns: string): string[] | undefined {
  const listed = podListOf(ctx.seen, ns);
  if (!listed) return undefined;
  return (
    parseTable(listed.content)
      // A Job's pod ends (Error, Failed); a pod that crash-loops is restarted by its kubelet, as a
      // Deployment's or a DaemonSet's is.
      .filter((r) => /^(?:Error|Failed)$/.test(r['STATUS'] ?? ''))
      .map((r) => r['NAME'] ?? '')
      .filter(Boolean)
  );
}

/**
 * The person reports that a job failed in another namespace than the one under investigation (a set-up
 * job whose failure left the namespace's pods waiting: an enrolment that never added the node they need):
 * its pods are listed and the log of one failed pod is read; the failure that log reports (a fatal line,
 * a known error) is what the waiting pods follow from.
 */
export const failedJobElsewhereAnalyzer: Analyzer = {
  name: 'failed-job-elsewhere',
  reads(ctx): Read[] {
    const ns = jobNamespace(ctx);
    if (!ns) return [];
    const failed = failedPods(ctx, ns);
    if (!failed) return [{ tool: 'list_pods', args: { namespace: ns } }];
    const pod = failed[0];
    if (
      !pod ||
      outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === pod && o.args['namespace'] === ns).length
    )
      return [];
    return [{ tool: 'get_pod_logs', args: { namespace: ns, name: pod } }];
  },
  finds(ctx): Finding[] {
    const ns = jobNamespace(ctx);
    if (!ns) return [];
    for (const pod of failedPods(ctx, ns) ?? []) {
      const log = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['name'] === pod && o.args['namespace'] === ns,
      ).pop();
      if (!log) continue;
      const text = log.content.slice(-100_000);
      const bad = errorLines(text).filter((l) => l.length <= 4000);
      // A known error, else a fatal line (klog's F level, also inside a journal line it was copied from;
      // FATAL), else the last failure.
      const line =
        bad.find((l) => logGloss(l)) ??
        boundedLogLines(text).find((l) => l.length <= 4000 && KLOG_FATAL.test(l)) ??
        bad[bad.length - 1];
      if (!line) continue;
      const means = logGloss(line);
      const job = ownerName(pod);
      return [
        {
          weight: 90 + bonus(job, ctx.hints),
          object: `job ${job} (namespace ${ns})`,
          cause: `the job ${job} in namespace ${ns}, which the person reports failed, failed on: "${clip(line.trim(), 260)}"${means ? ` — ${means}` : ''}. What waits in ${ctx.ns} follows from that failure`,
          evidence: [`get_pod_logs ${pod} (namespace ${ns}): "${clip(line.trim(), 200)}"`],
          advice: `fix what ${job}'s log reports, then run it again`,
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
