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
  namespacePods,
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
  /\b(?:tasks?|jobs?)\s(?:\w{1,20}\s)?(?:queued|enqueued|sent to the queue)\b|\b(?:queued|enqueued)\s\d{1,9}\s(?:\w{1,20}\s)?(?:tasks?|jobs?)\b|\bdispatched to (?:the )?queue\b|\b[1-9]\d{0,8} pending jobs\b/i;
/**
 * A Celery broker in a configuration: `CELERY_BROKER_URL`, `broker_url`, or an INI section's `broker =`
 * under `[celery]` (read line by line).
 */
const CELERY_BROKER =
  /^[ \t]{0,40}(?:CELERY_BROKER(?:_URL)?|broker_url)[ \t]{0,3}[:=][ \t]{0,3}(\S[^\n]{0,300})/im;
/** Laravel's queue connection (`QUEUE_CONNECTION`, `QUEUE_DRIVER` before Laravel 5.7), when it is a real queue. */
const LARAVEL_QUEUE =
  /^[ \t]{0,40}(QUEUE_CONNECTION|QUEUE_DRIVER)[ \t]{0,3}[:=][ \t]{0,3}["']?([\w-]{1,40})/im;
/** A value the tools print for a variable taken from a Secret or a ConfigMap key. */
const REFERENCE = /^<set to the key '([^']{1,100})' (?:in|of) (secret|config map) '([^']{1,100})'>/;

/** A setting's value as the cause quotes it: a reference to a Secret's key said in words. */
function settingValue(raw: string): string {
  const ref = REFERENCE.exec(raw.trim());
  if (ref) return `(from key ${ref[1]} of ${ref[2] === 'secret' ? 'Secret' : 'ConfigMap'} ${ref[3]})`;
  return raw.trim().split(/\s/)[0]!;
}

/** A queue system the application hands work to, and what runs its workers. */
interface QueueKind {
  /** What the queue is called in the cause: "Celery", "the Laravel queue". */
  readonly name: string;
  /** The setting that names the queue, read from a configuration text; undefined when it is not there. */
  setting(text: string): string | undefined;
  /** Whether a text sets the variable at all (whatever its value): a container's own value wins over envFrom. */
  declared(text: string): boolean;
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
      if (direct) return `broker ${settingValue(direct)}`;
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
    declared: (text) => CELERY_BROKER.test(text.slice(0, 50_000)),
    worker: (run) => /\bcelery\b/i.test(run) && /\bworker\b/i.test(run),
    command: 'celery worker',
  },
  {
    // Laravel's queued jobs run only in `php artisan queue:work` (or `queue:listen`, or Horizon); with any
    // connection but `sync` a dispatched job waits in the queue until one runs (laravel.com, "Queues").
    name: 'the Laravel queue',
    setting: (text) => {
      const m = LARAVEL_QUEUE.exec(text.slice(0, 50_000));
      // `sync` runs each job in the request, `null` discards it: neither waits for a worker.
      return m && !/^(?:sync|null)$/i.test(m[2]!) ? `${m[1]}=${m[2]}` : undefined;
    },
    declared: (text) => LARAVEL_QUEUE.test(text.slice(0, 50_000)),
    worker: (run) => /\bqueue:(?:work|listen)\b|\bhorizon\b/i.test(run),
    command: 'php artisan queue:work',
  },
];

/** A workload named for a queue's worker (`talks-worker`, `app-celery`, `horizon`). */
const WORKER_NAME = /(?:^|-)(?:celery|worker|workers|horizon)(?:-|$)/;
/** Celery's scheduler and monitors, named like its workers but running none. */
const NOT_A_WORKER = /(?:^|-)(?:beat|exporter|flower)(?:-|$)/;

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

/** The pods of the namespace that its newest pod list shows Running. */
function running(ctx: AnalyzerContext): string[] {
  return namespacePods(ctx)
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
    if (pods.some((p) => WORKER_NAME.test(ownerName(p)) && !NOT_A_WORKER.test(ownerName(p)))) return [];
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
      // A variable the containers set themselves wins over the same one from an envFrom ConfigMap.
      const own = containerSections(d.content).map((c) => c.body);
      for (const cm of [...configMapVolumes(d.content), ...envFromConfigMaps(d.content)]) {
        const text = configMapText(ctx.seen, cm, ctx.ns);
        const found = text ? queueIn(text) : undefined;
        if (found && !broker && !own.some((b) => found.kind.declared(b)))
          broker = { ...found, where: `ConfigMap ${cm}`, read: `get_resource ConfigMap ${cm}` };
      }
    }
    // Every workload's commands read: an undescribed workload may be the worker.
    const describedOwners = new Set(described.map((d) => ownerName(String(d.args['name']))));
    if (!broker || pods.some((p) => !describedOwners.has(ownerName(p)))) return [];
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
