import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  configMapText,
  configMapVolumes,
  containerSections,
  envFromConfigMaps,
  type Finding,
  outputs,
  ownerName,
  type Read,
  runningPerWorkload,
  unreadConfigMaps,
} from './types.js';

/**
 * A log line saying work was handed to a queue or waits there: "3 periodic tasks queued", "job enqueued",
 * "email dispatched to queue default", "214 pending jobs in queue default".
 */
const QUEUED =
  /\b(?:tasks?|jobs?)\s(?:\w{1,20}\s)?(?:queued|enqueued|sent to the queue)\b|\b(?:queued|enqueued)\s\d{1,9}\s(?:\w{1,20}\s)?(?:tasks?|jobs?)\b|\bdispatched to (?:the )?queue\b|\b\d{1,9} pending jobs\b/i;
/**
 * A Celery broker in a configuration: `CELERY_BROKER_URL`, `broker_url`, or an INI section's `broker =`
 * under `[celery]` (read line by line).
 */
const CELERY_BROKER = /^\s*(?:CELERY_BROKER(?:_URL)?|broker_url)\s{0,3}[:=]\s{0,3}(\S{1,300})/im;
/** Laravel's queue connection (`QUEUE_CONNECTION`, `QUEUE_DRIVER` before Laravel 5.7), when it is a real queue. */
const LARAVEL_QUEUE =
  /^\s*(?:QUEUE_CONNECTION|QUEUE_DRIVER)\s{0,3}[:=]\s{0,3}["']?(?!sync\b|null\b)([\w-]{1,40})/im;

/** A queue system the application hands work to, and what runs its workers. */
interface QueueKind {
  /** What the queue is called in the cause: "Celery", "the Laravel queue". */
  readonly name: string;
  /** The setting that names the queue, read from a configuration text; undefined when it is not there. */
  setting(text: string): string | undefined;
  /** Whether a container's command and arguments run a worker of this queue. */
  worker(run: string): boolean;
  /** The worker's command, for the advice. */
  readonly command: string;
}

const KINDS: readonly QueueKind[] = [
  {
    name: 'Celery',
    setting: (text) => {
      const direct = CELERY_BROKER.exec(text.slice(0, 50_000))?.[1];
      if (direct) return `broker ${direct}`;
      let inCelery = false;
      for (const l of text.slice(0, 50_000).split('\n')) {
        const section = /^\s*\[([\w.-]{1,60})\]\s*$/.exec(l);
        if (section) {
          inCelery = section[1]!.toLowerCase() === 'celery';
          continue;
        }
        const m = inCelery ? /^\s*broker\s{0,3}=\s{0,3}(\S{1,300})/.exec(l) : null;
        if (m) return `broker ${m[1]}`;
      }
      return undefined;
    },
    worker: (run) => /\bcelery\b/i.test(run) && /\bworker\b/i.test(run),
    command: 'celery worker',
  },
  {
    // Laravel's queued jobs run only in `php artisan queue:work` (or `queue:listen`, or Horizon); with any
    // connection but `sync` a dispatched job waits in the queue until one runs (laravel.com, "Queues").
    name: 'the Laravel queue',
    setting: (text) => {
      const m = LARAVEL_QUEUE.exec(text.slice(0, 50_000));
      return m ? `QUEUE_CONNECTION=${m[1]}` : undefined;
    },
    worker: (run) => /\bqueue:(?:work|listen)\b|\bhorizon\b/i.test(run),
    command: 'php artisan queue:work',
  },
];

interface Broker {
  readonly kind: QueueKind;
  /** Where the setting was read: `ConfigMap x` or `pod y`. */
  readonly where: string;
  /** The read that showed it: `get_resource ConfigMap x` or `describe_pod y`. */
  readonly read: string;
  /** The setting as read: `broker redis://…`, `QUEUE_CONNECTION=database`. */
  readonly setting: string;
}

/** The first queue a configuration text names, with its setting. */
function queueIn(text: string): { kind: QueueKind; setting: string } | undefined {
  for (const kind of KINDS) {
    const setting = kind.setting(text);
    if (setting) return { kind, setting };
  }
  return undefined;
}

/** The pods of the namespace that `list_pods` shows Running. */
function running(ctx: AnalyzerContext): string[] {
  return outputs(ctx.seen, 'list_pods', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns)
    .flatMap((o) => parseTable(o.content))
    .filter((r) => r['STATUS'] === 'Running')
    .map((r) => r['NAME'] ?? '');
}

/** The newest line of the namespace's logs that hands work to a queue, with its pod. */
function queuedLine(ctx: AnalyzerContext): { pod: string; line: string } | undefined {
  let out: { pod: string; line: string } | undefined;
  for (const o of outputs(ctx.seen, 'get_pod_logs', (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns))
    for (const l of boundedLogLines(o.content))
      if (l.length <= 2000 && QUEUED.test(l)) out = { pod: String(o.args['name'] ?? ''), line: l };
  return out;
}

/**
 * Work queued with no worker to run it: the application's configuration names a queue (a Celery broker,
 * `[celery] broker = redis://…` or `CELERY_BROKER_URL`; Laravel's `QUEUE_CONNECTION` other than `sync`),
 * its logs say work was queued or waits, and no Running pod of the namespace runs a worker of that queue
 * (`celery … worker`, `artisan queue:work` or Horizon in a container's command or arguments, or a pod named
 * for one). The queued work (mails, exports) waits and nothing fails: the web part answers, the queue
 * accepts. It happens when a deployment is split or reconfigured (a chart that runs only the web server,
 * where an all-in-one image ran the worker under a process supervisor; a switch from the `sync` connection,
 * which ran jobs in the request, to a real queue). The reads: the descriptions of the namespace's Running
 * pods (one per workload) and the ConfigMaps they mount.
 */
export const queueNoWorkerAnalyzer: Analyzer = {
  name: 'queue-no-worker',
  // The reads follow from a log line already read, before the reads of services and dependencies.
  first: true,
  reads(ctx): Read[] {
    if (!queuedLine(ctx)) return [];
    const reads: Read[] = [];
    const listed = outputs(ctx.seen, 'list_pods', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns).pop();
    for (const pod of listed ? runningPerWorkload(listed.content, 3) : []) {
      const d = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop();
      if (!d) {
        reads.push({ tool: 'describe_pod', args: { namespace: ctx.ns, name: pod } });
        continue;
      }
      reads.push(
        ...unreadConfigMaps(
          ctx.seen,
          ctx.ns,
          [...configMapVolumes(d.content), ...envFromConfigMaps(d.content)],
          2,
        ),
      );
    }
    return reads.slice(0, 3);
  },
  finds(ctx): Finding[] {
    const queued = queuedLine(ctx);
    if (!queued) return [];
    const pods = running(ctx);
    if (pods.length === 0) return [];
    // A pod named for a worker, or one whose container runs one: the work has a consumer.
    if (pods.some((p) => /(?:^|-)(?:celery|worker|workers|queue|horizon)(?:-|$)/.test(ownerName(p))))
      return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => pods.includes(String(o.args['name'])));
    const commands: string[] = [];
    const runs: string[] = [];
    let broker: Broker | undefined;
    for (const d of described) {
      const pod = String(d.args['name']);
      for (const c of containerSections(d.content)) {
        if (c.init) continue;
        const cmd = /^\s{4}Command:\s*(.{0,400})$/m.exec(c.body)?.[1]?.trim();
        const args = /^\s{4}Args:\s*(.{0,400})$/m.exec(c.body)?.[1]?.trim();
        const run = [cmd, args].filter(Boolean).join(' ');
        runs.push(run);
        if (run) commands.push(`${pod}: ${clip(run, 80)}`);
        const env = queueIn(c.body);
        if (env && !broker) broker = { ...env, where: `pod ${pod}`, read: `describe_pod ${pod}` };
      }
      for (const cm of [...configMapVolumes(d.content), ...envFromConfigMaps(d.content)]) {
        const text = configMapText(ctx.seen, cm, ctx.ns);
        const found = text ? queueIn(text) : undefined;
        if (found && !broker)
          broker = { ...found, where: `ConfigMap ${cm}`, read: `get_resource ConfigMap ${cm}` };
      }
    }
    // Only pods whose commands were read: an undescribed pod may be the worker.
    if (!broker || described.length < new Set(pods.map((p) => ownerName(p))).size) return [];
    const { kind } = broker;
    if (runs.some((r) => kind.worker(r))) return [];
    const line = `"${clip(queued.line.trim(), 200)}"`;
    return [
      {
        weight: 90,
        object: kind.name === 'Celery' ? 'the Celery worker' : 'the queue worker',
        cause: `the application queues its background work to ${kind.name} (its ${broker.where} sets ${clip(broker.setting, 120)}; ${queued.pod} logs ${line}), but no worker of that queue runs in ${ctx.ns}: the Running pods run only ${commands.length ? commands.join('; ') : 'their web servers'}, and none runs \`${kind.command}\`. Nothing takes the work off the queue, so it waits there (mails, exports never leave) and nothing reports an error: the web part answers and the queue accepts`,
        evidence: [
          `${broker.read}: ${clip(broker.setting, 120)}`,
          `get_pod_logs ${queued.pod}: ${line}`,
          ...(commands.length ? [`describe_pod: ${clip(commands.join('; '), 200)}`] : []),
        ],
        advice: `run a queue worker for the application (a Deployment with the same image and configuration running \`${kind.command}\`, or the chart's worker option); the work waiting in the queue is then done`,
        revisionSound: true,
      },
    ];
  },
};
