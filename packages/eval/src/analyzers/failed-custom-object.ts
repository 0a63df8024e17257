import { ageSeconds } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import { glossOf } from './log-glosses.js';
import { perSeen } from './memo.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clipAround,
  clipEnds,
  type Finding,
  outputs,
  podListOf,
  type Read,
  searchedLines,
} from './types.js';

/**
 * Kinds Kubernetes itself serves, which other analyzers read through their own tools (a failed Job's pods,
 * a Pending claim's events): `find_objects` lists them with statuses of their own.
 */
export const BUILT_IN: ReadonlySet<string> = new Set([
  'Pod',
  'Job',
  'CronJob',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Service',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'Node',
  'Namespace',
  'Ingress',
  'HorizontalPodAutoscaler',
  'Event',
]);

/**
 * A status column that says the object's work ended badly, as custom resources report a phase: Velero's
 * Backup and Restore (`Failed`, `PartiallyFailed`, `FailedValidation`), Argo's Workflow (`Failed`,
 * `Error`), Tekton's and Flux's readiness reasons, an operator's `Degraded`.
 */
const FAILED =
  /^(?:Failed|PartiallyFailed|FailedValidation|Error|Errored|Failure|Degraded|ReconcileFailed)$/i;

/** A custom object the task's search found in a failed phase, newest first. */
interface Failed {
  kind: string;
  name: string;
  namespace: string;
  status: string;
}

/**
 * The newest custom object the task's own searches (`find_objects`) found in a failed phase, by the AGE
 * column; list order breaks ties, so an object comes before the parts a search lists after it.
 */
function failedObject(ctx: AnalyzerContext): Failed | undefined {
  return perSeen(ctx.seen, ['failedCustomObject'], () => {
    const rows = outputs(ctx.seen, 'find_objects').flatMap((o) => parseTable(o.content.slice(0, 200_000)));
    const found = rows
      .map((r, i) => ({ r, i, age: ageSeconds(r['AGE'] ?? '') }))
      .filter(
        ({ r }) =>
          FAILED.test(r['STATUS'] ?? '') &&
          !BUILT_IN.has(r['KIND'] ?? '') &&
          /^[A-Z][A-Za-z0-9]{1,62}$/.test(r['KIND'] ?? '') &&
          r['NAME'] &&
          r['NAMESPACE'] &&
          r['NAMESPACE'] !== '-',
      )
      .sort(
        (a, b) => (a.age ?? Number.MAX_SAFE_INTEGER) - (b.age ?? Number.MAX_SAFE_INTEGER) || a.i - b.i,
      )[0]?.r;
    return found
      ? Object.freeze({
          kind: found['KIND']!,
          name: found['NAME']!,
          namespace: found['NAMESPACE']!,
          status: found['STATUS']!,
        })
      : undefined;
  });
}

/**
 * The Running pods of the object's namespace whose log may say why it failed: a Deployment's pods (its
 * controller, `<name>-<hash>-<suffix>`) before the others (a DaemonSet's agents). At most 3.
 */
function controllerPods(ctx: AnalyzerContext, ns: string): string[] {
  const rows = parseTable(podListOf(ctx.seen, ns)?.content ?? '').filter(
    (r) => r['STATUS'] === 'Running' && r['NAME'],
  );
  const deployed = (n: string) => /-[a-z0-9]{6,10}-[a-z0-9]{5}$/.test(n);
  return [...rows.filter((r) => deployed(r['NAME']!)), ...rows.filter((r) => !deployed(r['NAME']!))]
    .map((r) => r['NAME']!)
    .slice(0, 3);
}

/** A log line that reports a failure (a level or a word), not progress. */
const FAILURE_LINE = /\blevel=(?:error|fatal)\b|\b(?:ERROR|FATAL|error|failed|Failed)\b/;
/** A count of zero failures (`failed=0`, `errors: 0`): progress, not a failure. */
const ZERO_COUNT = /\b(?:failed|failures?|errors?)[=:]\s?0\b/gi;

/** Whether a line names the object: its whole name, or a part named `<name>-…` (not `app-12` for `app-1`). */
function namesObject(line: string, name: string): boolean {
  for (let at = line.indexOf(name); at >= 0; at = line.indexOf(name, at + 1)) {
    const before = line[at - 1] ?? ' ';
    const after = line[at + name.length] ?? ' ';
    if (!/[\w.-]/.test(before) && !/[\w.]/.test(after)) return true;
  }
  return false;
}

/**
 * A custom resource the task names (found with `find_objects`) whose status says its work failed (a
 * Velero Backup `PartiallyFailed`, an Argo Workflow `Failed`): its description is read, and the logs of
 * the Running pods of its namespace are searched for its name. The controller that ran the work logs why
 * each part failed, with the object's name on the line; that line, and what a known error in it means, is
 * the cause. The objects a failed status is derived from (the sub-objects a search lists after it) are
 * matched too, since their names begin with its name.
 */
export const failedCustomObjectAnalyzer: Analyzer = {
  name: 'failed-custom-object',
  // The task's own search found it failed: a signal as strong as a node under pressure.
  early: true,
  reads(ctx): Read[] {
    const target = failedObject(ctx);
    if (!target) return [];
    const reads: Read[] = [
      {
        tool: 'describe_resource',
        args: { kind: target.kind, name: target.name, namespace: target.namespace },
      },
    ];
    if (!podListOf(ctx.seen, target.namespace))
      return [...reads, { tool: 'list_pods', args: { namespace: target.namespace } }];
    for (const pod of controllerPods(ctx, target.namespace))
      reads.push({
        tool: 'search_pod_logs',
        args: { namespace: target.namespace, name: pod, pattern: target.name },
      });
    return reads;
  },
  finds(ctx): Finding[] {
    const target = failedObject(ctx);
    if (!target) return [];
    const described = outputs(
      ctx.seen,
      'describe_resource',
      (o) =>
        o.args['kind'] === target.kind &&
        o.args['name'] === target.name &&
        o.args['namespace'] === target.namespace,
    ).pop();
    if (!described) return [];
    // The newest failure line about it, in any of the searched pods' logs.
    let quote: { pod: string; line: string } | undefined;
    for (const pod of controllerPods(ctx, target.namespace)) {
      const lines = searchedLines(
        ctx.seen,
        (o) =>
          o.args['namespace'] === target.namespace &&
          o.args['name'] === pod &&
          o.args['pattern'] === target.name,
      ).filter(
        (l) => namesObject(l, target.name) && FAILURE_LINE.test(l.slice(0, 4000).replace(ZERO_COUNT, '')),
      );
      const line = lines[lines.length - 1];
      if (line && (!quote || (!glossOf(quote.line) && glossOf(line)))) quote = { pod, line };
    }
    if (!quote) return [];
    const meaning = glossOf(quote.line);
    const quoted = meaning?.words ? clipAround(quote.line, meaning.words, 300) : clipEnds(quote.line, 300);
    const counts = /^\s{0,4}(?:errors|podVolumeBackupsFailed|failed\w{0,40}):\s*(\d{1,6})\s*$/gim;
    const tally = [...described.content.slice(0, 20_000).matchAll(counts)]
      .map((m) => `${m[0].trim().replace(/\s+/g, ' ')}`)
      .slice(0, 3);
    const what = `${target.kind} ${target.name} (namespace ${target.namespace})`;
    return [
      {
        weight: meaning && !meaning.symptom ? 89 : 80,
        object: `${target.kind.toLowerCase()} ${target.name} in ${target.namespace}`,
        cause: `${what} ended ${target.status}${tally.length ? ` (${tally.join(', ')})` : ''}; the log of ${quote.pod}, which ran it, says why: "${quoted}"${meaning ? ` — ${meaning.means}` : ''}`,
        evidence: [
          `find_objects: ${target.kind} ${target.name} ${target.status}`,
          `describe_resource ${target.kind} ${target.name}: phase ${target.status}${tally.length ? `, ${tally.join(', ')}` : ''}`,
          `search_pod_logs ${quote.pod} for ${target.name}: "${quoted}"`,
        ],
        advice: meaning
          ? 'act on what the controller reports for it (above); the object itself only records the outcome'
          : `read the controller's full error for ${target.name} above and fix what it names; the object itself only records the outcome`,
      },
    ];
  },
};
