import { type Analyzer, clip, type Finding, flat, outputs } from './types.js';

/** A line that reports finished work: a word of completion. Linear: each alternative is a fixed word. */
const FINISHED =
  /\b(?:done|finished|completed?|sent|delivered|processed|accepted|exported|imported|uploaded|published|synced|wrote|written)\b/i;
/** A count of two digits or more, not part of a date or time (`48211`, `1,204`). */
const COUNT = /(?<![\d.:/-])\d[\d,]{1,14}(?![\d:/-])/;
/** A leading timestamp (ISO, or Go's `2026/03/10 02:00:05`), level or bracketed prefix that differs between two pods' copies of one line. */
const PREFIX = /^\[?\d{4}[-/]\d\d[-/]\d\d[T ][\d:.,]{5,15}Z?\]?\s{0,4}(?:[A-Z]{3,8}\s{1,4})?/;

/** The finished-work lines of one pod's log, without their timestamps: at most the last 2,000 lines. */
function finishedLines(log: string): Set<string> {
  const out = new Set<string>();
  for (const raw of log.slice(-200_000).split('\n').slice(-2000)) {
    if (raw.length > 2000) continue;
    const line = raw.replace(PREFIX, '').trim();
    if (FINISHED.test(line) && COUNT.test(line)) out.add(line);
  }
  return out;
}

/**
 * A Job that runs two or more pods of one template in the NonIndexed completion mode (`completions` or
 * `parallelism` above 1), whose pods each report the same finished work: each pod did the whole job,
 * since nothing in a NonIndexed Job tells a pod which share is its own (kubernetes.io, "Jobs":
 * parallel execution; a work-queue Job's pods take items from a queue, and an Indexed Job's pods get
 * `JOB_COMPLETION_INDEX`). A program written to run once then runs its work that many times: a mail
 * sent twice, an export written twice. Found from the Job's description and two or more of its pods'
 * logs (`<job>-<5 characters>`) that print the same line of finished work with a count.
 */
export const jobDuplicateWorkAnalyzer: Analyzer = {
  name: 'job-duplicate-work',
  reads() {
    return [];
  },
  finds({ ns, seen }) {
    const out: Finding[] = [];
    for (const o of outputs(
      seen,
      'describe_resource',
      (x) => x.args['namespace'] === ns && /^jobs?$/i.test(String(x.args['kind'])),
    )) {
      const job = String(o.args['name'] ?? '');
      const completions = Number(flat(o.content, 'completions') ?? 1);
      const parallelism = Number(flat(o.content, 'parallelism') ?? 1);
      const mode = flat(o.content, 'completionMode') ?? 'NonIndexed';
      if (!job || mode === 'Indexed' || (completions < 2 && parallelism < 2)) continue;
      const logs = new Map<string, Set<string>>();
      for (const l of outputs(
        seen,
        'get_pod_logs',
        (x) => x.args['namespace'] === ns && !x.args['previous'],
      )) {
        const pod = String(l.args['name'] ?? '');
        if (!pod.startsWith(`${job}-`) || !/^[a-z0-9]{5}$/.test(pod.slice(job.length + 1))) continue;
        logs.set(pod, finishedLines(l.content));
      }
      if (logs.size < 2) continue;
      const [first, ...rest] = [...logs.values()];
      const shared = [...first!].filter((line) => rest.every((s) => s.has(line)));
      const line = shared.pop();
      if (!line) continue;
      const owner = /^Controlled By:\s+CronJob\/(\S{1,253})$/m.exec(o.content)?.[1];
      const pods = [...logs.keys()];
      out.push({
        weight: 85,
        object: owner ? `cronjob ${owner}` : `job ${job}`,
        cause: `Job ${job}${owner ? ` (one run of CronJob ${owner})` : ''} runs ${Math.max(completions, parallelism)} pods of the same template (completions ${completions}, parallelism ${parallelism}, completion mode ${mode}: no pod is told which share of the work is its own), and each pod did the whole work: ${pods.length === 2 ? 'both pods' : `all ${pods.length} pods`} (${pods.join(', ')}) logged "${clip(line, 160)}", so the work was done ${pods.length} times over by one run, not by a second run`,
        evidence: [
          `describe_resource Job ${job}: completions ${completions}, parallelism ${parallelism}, completionMode ${mode}`,
          ...pods.slice(0, 3).map((p) => `get_pod_logs ${p}: "${clip(line, 160)}"`),
        ],
        advice: `set completions and parallelism to 1 (or leave them unset) in the ${owner ? `CronJob ${owner}'s jobTemplate` : 'Job'}, or split the work on purpose (completionMode Indexed and JOB_COMPLETION_INDEX, or a work queue)`,
      });
    }
    return out.slice(0, 1);
  },
};
