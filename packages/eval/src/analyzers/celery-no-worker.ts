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
  type Read,
  runningPerWorkload,
  unreadConfigMaps,
} from './types.js';

/** A log line saying work was handed to a queue: "3 periodic tasks queued", "task sent", "job enqueued". */
const QUEUED =
  /\b(?:tasks?|jobs?)\s(?:\w{1,20}\s)?(?:queued|enqueued|sent to the queue)\b|\b(?:queued|enqueued)\s\d{1,9}\s(?:\w{1,20}\s)?(?:tasks?|jobs?)\b/i;
/**
 * A Celery broker in a configuration: an INI section's `broker =` under `[celery]` (read line by line),
 * `CELERY_BROKER_URL`, `broker_url`.
 */
const BROKER_SETTING = /^\s*(?:CELERY_BROKER(?:_URL)?|broker_url)\s{0,3}[:=]\s{0,3}(\S{1,300})/im;

interface Broker {
  /** Where the setting was read: `ConfigMap x` or `pod y`. */
  readonly where: string;
  /** The read that showed it: `get_resource ConfigMap x` or `describe_pod y`. */
  readonly read: string;
  readonly url: string;
}

/** The Celery broker a configuration text names, or undefined. */
function brokerIn(text: string): string | undefined {
  const direct = BROKER_SETTING.exec(text.slice(0, 50_000))?.[1];
  if (direct) return direct;
  let inCelery = false;
  for (const l of text.slice(0, 50_000).split('\n')) {
    const section = /^\s*\[([\w.-]{1,60})\]\s*$/.exec(l);
    if (section) {
      inCelery = section[1]!.toLowerCase() === 'celery';
      continue;
    }
    const m = inCelery ? /^\s*broker\s{0,3}=\s{0,3}(\S{1,300})/.exec(l) : null;
    if (m) return m[1];
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
 * Tasks queued for Celery with no Celery worker to run them: the application's configuration names a
 * Celery broker (`[celery] broker = redis://…`, `CELERY_BROKER_URL`), its logs say tasks were queued, and
 * no Running pod of the namespace runs a worker (`celery … worker` in a container's command or arguments,
 * or a pod named for one). The queued tasks (mails, exports) wait in the broker and nothing fails: the
 * web part answers, the broker accepts. It happens when a deployment is split (a chart that runs only the
 * web server, where an all-in-one image ran the worker beside it under a process supervisor). The reads:
 * the descriptions of the namespace's Running pods (one per workload) and the ConfigMaps they mount.
 */
export const celeryNoWorkerAnalyzer: Analyzer = {
  name: 'celery-no-worker',
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
    // A pod named for a worker, or one whose container runs one: the tasks have a consumer.
    if (pods.some((p) => /(?:^|-)(?:celery|worker|workers)(?:-|$)/.test(p))) return [];
    const described = outputs(ctx.seen, 'describe_pod', (o) => pods.includes(String(o.args['name'])));
    const commands: string[] = [];
    let broker: Broker | undefined;
    for (const d of described) {
      const pod = String(d.args['name']);
      for (const c of containerSections(d.content)) {
        if (c.init) continue;
        const cmd = /^\s{4}Command:\s*(.{0,400})$/m.exec(c.body)?.[1]?.trim();
        const args = /^\s{4}Args:\s*(.{0,400})$/m.exec(c.body)?.[1]?.trim();
        const run = [cmd, args].filter(Boolean).join(' ');
        if (/\bcelery\b/i.test(run) && /\bworker\b/i.test(run)) return [];
        if (run) commands.push(`${pod}: ${clip(run, 80)}`);
        const env = brokerIn(c.body);
        if (env && !broker) broker = { where: `pod ${pod}`, read: `describe_pod ${pod}`, url: env };
      }
      for (const cm of [...configMapVolumes(d.content), ...envFromConfigMaps(d.content)]) {
        const text = configMapText(ctx.seen, cm, ctx.ns);
        const url = text ? brokerIn(text) : undefined;
        if (url && !broker) broker = { where: `ConfigMap ${cm}`, read: `get_resource ConfigMap ${cm}`, url };
      }
    }
    // Only pods whose commands were read: an undescribed pod may be the worker.
    if (!broker || described.length < new Set(pods.map((p) => p.replace(/-[a-z0-9]{5}$/, ''))).size)
      return [];
    const line = `"${clip(queued.line.trim(), 200)}"`;
    return [
      {
        weight: 90,
        object: 'the Celery worker',
        cause: `the application queues its background tasks to Celery (its ${broker.where} sets the broker ${clip(broker.url, 120)}; ${queued.pod} logs ${line}), but no Celery worker runs in ${ctx.ns}: the Running pods run only ${commands.length ? commands.join('; ') : 'their web servers'}, and none is a worker. Nothing consumes the queue, so the queued tasks (mails, exports) wait in the broker and nothing reports an error: the web part answers and the broker accepts`,
        evidence: [
          `${broker.read}: Celery broker ${clip(broker.url, 120)}`,
          `get_pod_logs ${queued.pod}: ${line}`,
          ...(commands.length ? [`describe_pod: ${clip(commands.join('; '), 200)}`] : []),
        ],
        advice: `run a Celery worker for the application (a Deployment with the same image and configuration running \`celery worker\`, or the chart's worker option); the tasks waiting in the broker are then delivered`,
        revisionSound: true,
      },
    ];
  },
};
