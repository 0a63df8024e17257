import { parseQuantity } from '@sre-harness/tools-k8s';
import { resourceLimit } from '../baseline/reading.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  type Finding,
  loggedLines,
  outputs,
} from './types.js';

/** The person reports work that is slow or does not finish, not a failure. */
const SLOW =
  /\b(?:slow(?:er|ly)?|crawl(?:s|ing)?|not (?:finished|completed?)|never finish(?:es)?|(?:has|have|hasn't|haven't) (?:not )?finished|stuck|hangs?|taking (?:much )?longer|takes? (?:much )?longer|throughput)\b/i;

/**
 * The processes a distributed job starts on each worker pod, as a described custom resource sets it
 * (the MPI Operator's `slotsPerWorker`, the training operator's `nprocPerNode`) or an MPI hostfile says
 * (`host slots=4`): the count in group 1.
 */
const PER_WORKER =
  /^\s{0,12}(?:[\w.[\]]{0,200}\.)?(?:slotsPerWorker|nprocPerNode|nProcPerNode):\s{1,8}"?(\d{1,4})"?\s*$/m;
const HOSTFILE = /^\S{1,253} slots=(\d{1,4})\s*$/m;
/** A worker's CPU limit in a described resource's template (`mpiReplicaSpecs.Worker.template…limits.cpu: 2`). */
const WORKER_LIMIT =
  /^\s{0,12}[\w.[\]]{0,300}Worker[\w.[\]]{0,300}\.limits\.cpu:\s{1,8}"?([\d.]{1,8}m?)"?\s*$/m;

interface Oversubscribed {
  /** The described object that sets the per-worker count (`MPIJob ranker-train-0506`). */
  readonly object: string;
  readonly ranks: number;
  readonly ranksSaid: string;
  readonly cpus: number;
  readonly cpusSaid: string;
}

/** Where the per-worker process count and the worker CPU limit are read from. */
function oversubscribed(ctx: AnalyzerContext): Oversubscribed | undefined {
  let ranks: { n: number; said: string; what: string; name: string; text: string } | undefined;
  let cpus: { n: number; said: string } | undefined;
  for (const o of outputs(ctx.seen, 'describe_resource', (x) => x.args['namespace'] === ctx.ns)) {
    const text = o.content.slice(0, 200_000);
    const what = `${String(o.args['kind'])} ${String(o.args['name'])}`;
    const r = PER_WORKER.exec(text) ?? HOSTFILE.exec(text);
    if (r && !ranks)
      ranks = {
        n: Number(r[1]),
        said: `${what}: "${r[0].trim()}"`,
        what,
        name: String(o.args['name']),
        text,
      };
    const c = WORKER_LIMIT.exec(text);
    const q = c ? parseQuantity(c[1]) : undefined;
    if (c && q !== undefined && !cpus) cpus = { n: q, said: `${what}: worker CPU limit ${c[1]}` };
  }
  // Else the limit a worker pod's description shows (a pod named `…-worker-<n>`).
  if (!cpus && ranks) {
    const job = ranks;
    for (const o of outputs(ctx.seen, 'describe_pod', (x) => x.args['namespace'] === ctx.ns)) {
      const pod = String(o.args['name']);
      // Only a worker of the same job: named after it, or named in its hostfile.
      if (!/-worker-\d{1,4}$/.test(pod) || !(pod.startsWith(`${job.name}-worker-`) || job.text.includes(pod)))
        continue;
      const c = containerSections(o.content).find((s) => !s.init);
      const limit = c ? resourceLimit(c.body, 'cpu') : undefined;
      const q = limit ? parseQuantity(limit) : undefined;
      if (limit && q !== undefined) {
        cpus = { n: q, said: `pod ${String(o.args['name'])}: CPU limit ${limit}` };
        break;
      }
    }
  }
  if (!ranks || !cpus || !(cpus.n > 0) || ranks.n <= cpus.n) return undefined;
  return { object: ranks.what, ranks: ranks.n, ranksSaid: ranks.said, cpus: cpus.n, cpusSaid: cpus.said };
}

/**
 * A distributed job (MPI, PyTorch) told to start more processes on each worker than the worker has CPUs
 * (`slotsPerWorker: 4` on workers limited to 2 CPUs), reported slow or not finishing: each process wants
 * at least a core, so the CFS quota throttles the worker's processes together and every collective step
 * waits for the slowest; the job runs but crawls. Said only for work reported slow or unfinished.
 */
export const ranksOverCpuAnalyzer: Analyzer = {
  name: 'ranks-over-cpu',
  reads: () => [],
  finds(ctx): Finding[] {
    if (!SLOW.test(ctx.task.slice(0, 4000))) return [];
    const o = oversubscribed(ctx);
    if (!o) return [];
    // A line of the job's own log that shows the pace or the layout (`step_time=96.4s`, `4 local ranks`).
    const pace = loggedLines(
      ctx.seen,
      ctx.ns,
      (l) =>
        l.length <= 2000 &&
        /\bstep[_ ]time\b|\blocal ranks?\b|\bworld size\b|\bsec(?:onds)?\/(?:step|it)\b/i.test(l),
    )[0];
    return [
      {
        weight: 84,
        object: o.object,
        cause: `the job starts ${o.ranks} processes on each worker (${o.ranksSaid}) while each worker may use only ${o.cpus} CPU(s) (${o.cpusSaid}): more processes than CPUs oversubscribe the worker, the CFS quota throttles its processes together, and every collective step waits for the slowest one, so the job runs but crawls${pace ? ` ("${clip(pace.line.trim(), 160)}")` : ''}`,
        evidence: [
          o.ranksSaid,
          o.cpusSaid,
          ...(pace
            ? [`get_pod_logs ${String(pace.log.args['name'])}: "${clip(pace.line.trim(), 160)}"`]
            : []),
        ],
        advice:
          o.cpus >= 1
            ? `start at most ${Math.floor(o.cpus)} process(es) per worker (the slots per worker), or raise the workers' CPU requests and limits to ${o.ranks}`
            : `raise the workers' CPU requests and limits to ${o.ranks} (one CPU per process), or start fewer processes per worker`,
        revisionSound: true,
      },
    ];
  },
};
