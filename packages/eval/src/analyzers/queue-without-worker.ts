import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  type Finding,
  outputs,
  ownerName,
  podListOf,
  type Read,
  runningPodNames,
} from './types.js';

/** The queue options of a job worker's command line: Sidekiq's `-q name[,weight]`, Celery's `-Q a,b`, `--queues=a,b`. */
const QUEUE_FLAGS = new Set(['-q', '-Q', '--queue', '--queues']);
/** A worker saying which queues it takes: "Starting processing … (queues: default, push; concurrency 25)". */
const QUEUES_SAID = /\bqueues:?\s?\[?\s?((?:['"]?[\w.-]{1,60}['"]?,\s?){0,30}['"]?[\w.-]{1,60}['"]?)/i;
/**
 * A line saying nothing consumes some queues: "No Sidekiq process running for the scheduler, ingress
 * queue(s)", "no worker is listening on the reports queue", "no consumers for queue billing".
 */
const NO_CONSUMER =
  /\bno (?:[\w-]{1,20} ){0,2}(?:process(?:es)?|workers?|consumers?) (?:is |are )?(?:running |listening |subscribed |attached )?(?:for|on|to) (?:the )?((?:[\w.-]{1,60},\s?){0,10}[\w.-]{1,60}(?:,? and [\w.-]{1,60})?) queues?(?:\(s\))?/i;
/** The same with the queue word before the name: "no consumers for queue billing". */
const NO_CONSUMER_NAMED =
  /\bno (?:[\w-]{1,20} ){0,2}(?:process(?:es)?|workers?|consumers?) (?:is |are )?(?:running |listening |subscribed |attached )?(?:for|on|to) (?:the )?queue ["']?([\w.-]{1,60})/i;
/** A pod named as a job worker: its logs are read first. */
const WORKER_NAME = /worker|jobs?\b|sidekiq|celery|queue|consumer/i;
/** A queue's backlog on a statistics line: `queue=ingress size=48213 latency=172611.0s`. */
const BACKLOG = /\bqueue[=:]\s?([\w.-]{1,60})\b[^\n]{0,40}?\bsize[=:]\s?(\d{1,12})\b/i;
/** A backlog this large is work nobody takes. */
const LARGE = 1000;
/** Other pods' logs read, at most. */
const MAX_READS = 2;

interface Worker {
  readonly pod: string;
  readonly namespace: string;
  readonly queues: readonly string[];
  readonly said: string;
}

/** The queue names of a comma list, Sidekiq's weights (`default,8`) and quotes left out. */
function queueNames(list: string): string[] {
  return list
    .split(',')
    .map((q) => q.trim().replace(/^['"]|['"]$/g, ''))
    .filter((q) => q !== '' && !/^\d{1,4}$/.test(q));
}

/** Job workers whose queues are known: from a described pod's `Args:`/`Command:` line, else from their log. */
function workers(ctx: AnalyzerContext): Worker[] {
  const out: Worker[] = [];
  for (const d of outputs(ctx.seen, 'describe_pod')) {
    const pod = String(d.args['name'] ?? '');
    const namespace = String(d.args['namespace'] ?? ctx.ns);
    if (out.some((w) => w.pod === pod)) continue;
    for (const line of d.content.slice(0, 100_000).split('\n')) {
      const m = /^\s{2,8}(?:Command|Args):\s{1,20}(.{1,2000})$/.exec(line);
      if (!m) continue;
      const tokens = m[1]!.trim().split(/\s+/);
      const queues: string[] = [];
      tokens.forEach((t, i) => {
        const eq = /^(--queues?|-Q)=(.+)$/.exec(t);
        if (eq) queues.push(...queueNames(eq[2]!));
        // A flag followed by another flag is no queue list (`-q` is also many programs' quiet flag).
        else if (QUEUE_FLAGS.has(t) && tokens[i + 1] && !tokens[i + 1]!.startsWith('-'))
          queues.push(...queueNames(tokens[i + 1]!));
      });
      if (queues.length > 0) {
        out.push({ pod, namespace, queues, said: `Args: ${clip(m[1]!, 160)}` });
        break;
      }
    }
  }
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const pod = String(o.args['name'] ?? '');
    if (out.some((w) => w.pod === pod)) continue;
    const line = o.content
      .slice(-100_000)
      .split('\n')
      .find(
        (l) => l.length <= 2000 && /\b(?:processing|worker|consum|listen)/i.test(l) && QUEUES_SAID.test(l),
      );
    const m = line ? QUEUES_SAID.exec(line) : null;
    if (line && m)
      out.push({
        pod,
        namespace: String(o.args['namespace'] ?? ctx.ns),
        queues: queueNames(m[1]!),
        said: `"${clip(line, 160)}"`,
      });
  }
  return out;
}

/** Queues a log says nothing consumes, or holds a large backlog of, with the line that says so. */
function unconsumed(ctx: AnalyzerContext): { queue: string; line: string; pod: string }[] {
  const out: { queue: string; line: string; pod: string }[] = [];
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => !x.args['previous'])) {
    const pod = String(o.args['name'] ?? '');
    for (const line of o.content.slice(-200_000).split('\n')) {
      if (line.length > 4000 || !/queue/i.test(line)) continue;
      const named = NO_CONSUMER_NAMED.exec(line);
      if (named) {
        out.push({ queue: named[1]!, line: line.trim(), pod });
        continue;
      }
      const none = NO_CONSUMER.exec(line);
      if (none) {
        for (const q of none[1]!.split(/,\s?|\s(?:and)\s/).map((x) => x.replace(/^and\s/, '').trim()))
          if (q) out.push({ queue: q, line: line.trim(), pod });
        continue;
      }
      const b = BACKLOG.exec(line);
      if (b && Number(b[2]) >= LARGE) out.push({ queue: b[1]!, line: line.trim(), pod });
    }
  }
  return out;
}

/**
 * A queue no worker takes. Job workers (Sidekiq, Celery, RQ) take only the queues their command line
 * lists; when a release starts putting jobs on a new queue (or a worker's list is trimmed), the jobs on
 * a queue no worker lists wait forever: the pods are Running and Ready, nothing fails, and the work that
 * queue carries (incoming messages, scheduled jobs) silently stops while its backlog grows. Found from
 * a worker's queue list (a described pod's `-q`/`-Q`/`--queues` arguments, or its log's "queues: …") and
 * a line of any log read saying no process runs for some queues, or a queue's backlog of a thousand or
 * more, for a queue that no worker lists. Reads: once a worker's list is known, the logs of other Running
 * pods of its namespace, those named as workers first, until two other workloads' logs have been read in
 * all (another worker may take the queue; another workload's log may say which queue waits).
 */
export const queueWithoutWorkerAnalyzer: Analyzer = {
  name: 'queue-without-worker',
  reads(ctx): Read[] {
    const ws = workers(ctx);
    if (ws.length === 0) return [];
    const running = runningPodNames(ctx.seen);
    const workerOwners = new Set(ws.map((w) => ownerName(w.pod)));
    const read = outputs(ctx.seen, 'get_pod_logs').map((o) => String(o.args['name']));
    const owners = new Set(read.map(ownerName));
    // Two other workloads' logs in all, those already read counted: the rule does not read the
    // whole namespace two pods at a time.
    const left = MAX_READS - [...owners].filter((o) => !workerOwners.has(o)).length;
    if (left <= 0) return [];
    const out: Read[] = [];
    for (const w of ws) {
      const listed = podListOf(ctx.seen, w.namespace);
      // Pods named as workers first: another worker may take the queue.
      const rows = parseTable(listed?.content ?? '')
        .map((r) => r['NAME'] ?? '')
        .sort((a, b) => Number(WORKER_NAME.test(b)) - Number(WORKER_NAME.test(a)));
      for (const name of rows) {
        // The known workers' own logs are not what is looked for: their queue lists are known.
        const owner = ownerName(name);
        if (!running.has(name) || owners.has(owner) || workerOwners.has(owner)) continue;
        owners.add(owner);
        out.push({ tool: 'get_pod_logs', args: { namespace: w.namespace, name } });
        if (out.length >= left) return out;
      }
    }
    return out;
  },
  finds(ctx): Finding[] {
    const ws = workers(ctx);
    if (ws.length === 0) return [];
    const taken = new Set(ws.flatMap((w) => w.queues.map((q) => q.toLowerCase())));
    const missing = unconsumed(ctx).filter((u) => !taken.has(u.queue.toLowerCase()));
    if (missing.length === 0) return [];
    const queues = [...new Set(missing.map((m) => m.queue))];
    const w = ws[0]!;
    const first = missing[0]!;
    const named =
      queues.length === 1
        ? `${queues[0]} queue`
        : `${queues.slice(0, -1).join(', ')} and ${queues[queues.length - 1]} queues`;
    return [
      {
        weight: 86,
        object: `pod ${w.pod}`,
        cause: `no worker takes the ${named}: the job worker ${w.pod} processes only ${w.queues.join(', ')} (${w.said}), and ${first.pod}'s log says "${clip(first.line, 200)}". Jobs put on the ${named} are missing from every worker's queue list, so they wait and pile up while every pod is Running and Ready and nothing fails; the work they carry has stopped`,
        evidence: [`${w.pod}: ${w.said}`, `get_pod_logs ${first.pod}: "${clip(first.line, 200)}"`],
        advice: `add the ${named} to the worker's queue list (${queues.map((q) => `-q ${q}`).join(' ')} on its command line), or run a worker for ${queues.length === 1 ? 'it' : 'them'}; the jobs waiting there are processed once a worker takes the queue`,
        revisionSound: true,
      },
    ];
  },
};
