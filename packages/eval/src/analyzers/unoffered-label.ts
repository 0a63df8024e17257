import { editDistance } from '../did-you-mean.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  boundedLogLines,
  clip,
  containerSections,
  outputs,
  type Read,
  serviceHost,
  servicePodRead,
} from './types.js';

/** A job waiting for a runner, with the labels it asks for (`job package (runs-on [ubunut-22.04]) is waiting for a runner`). */
const WAITING =
  /runs-on:? ?\[([^\]\n]{1,200})\][^\n]{0,80}?waiting for (?:a |an )?(?:runner|agent|worker|executor)/i;
/** A runner declaring the labels it offers (`with labels: [docker ubuntu-22.04]`, `no task available for labels [a b]`). */
const OFFERED = /\blabels:? ?\[([^\]\n]{1,400})\]/i;
/** The task speaks of work waiting for a runner, an agent or a worker to take it. */
const WAITING_TASK =
  /\b(?:waiting|queued|pending|stuck)\b[^.\n]{0,80}\b(?:runners?|agents?|workers?|executors?)\b|\b(?:runners?|agents?)\b[^.\n]{0,80}\b(?:waiting|queued|pending|stuck)\b/i;

/** The labels of a bracketed list, split at commas and spaces. */
const labelsOf = (list: string) =>
  list
    .split(/[\s,]+/)
    .map((l) => l.replace(/^["']|["']$/g, ''))
    .filter(Boolean);

/**
 * A CI job that waits for a runner because no runner offers a label it asks for (`runs-on`): a
 * misspelt label (`ubunut-22.04` for `ubuntu-22.04`) waits forever while jobs with the right labels
 * run, and scaling or restarting the runners changes nothing. The job's wait is logged by the CI server,
 * which the runners (in another namespace, often) reach by an address in their environment: when the
 * task speaks of jobs waiting for runners, the server's pods there are listed and the first one's log
 * read. Found from a waiting job's line with its labels and a runner's line declaring its own; the
 * label no runner offers, and the offered label one or two edits from it when there is one.
 */
export const unofferedLabelAnalyzer: Analyzer = {
  name: 'unoffered-label',
  reads({ ns, seen, task }): Read[] {
    if (!WAITING_TASK.test(task.slice(0, 4000))) return [];
    if (outputs(seen, 'get_pod_logs').some((o) => WAITING.test(o.content.slice(-200_000)))) return [];
    // The server the runners of this namespace talk to, from an address in their environment.
    for (const d of outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)) {
      for (const e of containerSections(d.content).flatMap((c) => envOf(c.body))) {
        const host = /^https?:\/\/([a-z0-9.-]{1,253})(?::\d{1,5})?(?:\/|$)/.exec(e.value.trim())?.[1];
        const svc = host ? serviceHost(host, true) : undefined;
        if (!svc || svc.namespace === ns) continue;
        // The CI server's own pod there, its log where the waiting job is said.
        const r = servicePodRead(seen, svc);
        return r ? [r] : [];
      }
    }
    return [];
  },
  finds({ seen }) {
    const logs = outputs(seen, 'get_pod_logs');
    const lines = logs.flatMap((o) =>
      boundedLogLines(o.content).map((line) => ({
        line,
        pod: String(o.args['name'] ?? ''),
        ns: String(o.args['namespace'] ?? ''),
      })),
    );
    const waiting = lines.filter((x) => WAITING.test(x.line)).pop();
    if (!waiting) return [];
    const asked = labelsOf(WAITING.exec(waiting.line)![1]!);
    const offer = lines.filter((x) => !WAITING.test(x.line) && OFFERED.test(x.line));
    const offered = new Set(offer.flatMap((x) => labelsOf(OFFERED.exec(x.line)![1]!)));
    if (offered.size === 0) return [];
    const missing = asked.find((l) => !offered.has(l));
    if (!missing) return [];
    const near = [...offered]
      .map((l) => ({ l, d: editDistance(missing, l, 2) }))
      .filter((x) => x.d <= 2)
      .sort((a, b) => a.d - b.d)[0]?.l;
    const runnerLine = offer[0]!;
    return [
      {
        weight: 84,
        object: `pod ${waiting.pod} in ${waiting.ns}`,
        cause: `the job waits for a runner with the label ${missing} (its runs-on: [${asked.join(', ')}]), and no runner offers that label: the runners declare [${[...offered].join(' ')}] ("${clip(runnerLine.line.trim(), 160)}", ${runnerLine.pod})${near ? `; ${missing} is a misspelling (typo) of ${near}` : ''}, so the job waits for a runner that never comes while jobs with the runners' labels run ("${clip(waiting.line.trim(), 200)}", ${waiting.pod}); scaling or restarting the runners will not change that`,
        evidence: [
          `get_pod_logs ${waiting.pod}: "${clip(waiting.line.trim(), 200)}"`,
          `get_pod_logs ${runnerLine.pod}: "${clip(runnerLine.line.trim(), 160)}"`,
        ],
        advice: near
          ? `correct the job's runs-on label from ${missing} to ${near} in the workflow file and run it again`
          : `give the job a runs-on label a runner offers, or register a runner with the label ${missing}`,
        revisionSound: true,
      },
    ];
  },
};
