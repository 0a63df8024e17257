import {
  type Analyzer,
  bonus,
  boundedLogLines,
  clip,
  configMapVolumes,
  type Finding,
  outputs,
  podDeployment,
  type Read,
} from './types.js';
import { configText } from './websocket-upgrade.js';

/**
 * A command that runs a queue consumer, which works until it is told to stop and does not exit on its
 * own: Symfony's `messenger:consume`, Laravel's `queue:work`/`queue:listen`/`horizon`, Celery's
 * `worker`, RQ's `rq worker`, Sidekiq, delayed_job's `jobs:work`.
 */
const CONSUMER =
  /\b(?:messenger:consume|queue:work|queue:listen|artisan horizon(?!:)|celery\b[^\n]{0,120}\bworker|rq worker|sidekiq\b|jobs:work)\b[^\n>|;&]{0,120}/;
/** Options that make a consumer exit on its own: rq's --burst, Laravel's --stop-when-empty and --once, Symfony's limits. */
const EXITS = /\s--(?:burst|stop-when-empty|once|time-limit|limit|memory-limit|max-jobs|max-time)\b/;
/** A crontab line: five schedule fields (or an @-keyword), then the command. */
const CRON_LINE =
  /^\s{0,8}(?:@(?:reboot|yearly|annually|monthly|weekly|daily|hourly)|(?:\S{1,40}\s{1,10}){4}\S{1,40})\s{1,10}(.{1,2000})$/;

/** The ConfigMaps a described pod mounts that hold a cron file (by the map's name), with the pod. */
function cronMaps(ctx: Parameters<Analyzer['reads']>[0]) {
  const out: { pod: string; map: string }[] = [];
  for (const d of outputs(ctx.seen, 'describe_pod', (o) => (o.args['namespace'] ?? ctx.ns) === ctx.ns))
    for (const map of configMapVolumes(d.content))
      if (/cron/i.test(map)) out.push({ pod: String(d.args['name'] ?? ''), map });
  return out;
}

/**
 * A queue consumer started from cron: a cron file mounted from a ConfigMap schedules a consumer command
 * (`* * * * * … messenger:consume email`), which runs until stopped instead of finishing, so the cron
 * container's log shows its scheduled commands until the consumer started and nothing of them since. A
 * consumer belongs in a long-running worker (the namespace usually has one); such a line is typical of a
 * cron file copied from an older image or another install (the map's annotations may say where it came
 * from). The reads: the cron ConfigMap of a described pod.
 */
export const cronConsumerAnalyzer: Analyzer = {
  name: 'cron-consumer',
  // The cron file follows from the pod's description at once: before the budget ends.
  first: true,
  reads(ctx): Read[] {
    return cronMaps(ctx)
      .filter((c) => !configText(ctx, ctx.ns, c.map))
      .slice(0, 2)
      .map((c) => ({
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', namespace: ctx.ns, name: c.map },
      }));
  },
  finds(ctx): Finding[] {
    for (const c of cronMaps(ctx)) {
      const text = configText(ctx, ctx.ns, c.map);
      if (!text) continue;
      const entry = text
        .slice(0, 100_000)
        .split('\n')
        .map((l) => ({ l, cmd: l.length <= 4000 ? CRON_LINE.exec(l)?.[1] : undefined }))
        .find(
          (x) =>
            x.cmd &&
            !x.l.trimStart().startsWith('#') &&
            CONSUMER.test(x.cmd) &&
            !EXITS.test(CONSUMER.exec(x.cmd)![0]),
        );
      if (!entry) continue;
      const consumer = CONSUMER.exec(entry.cmd!)![0].trim();
      const verb = /^\S+/.exec(consumer)![0];
      // The cron pod's log: the consumer's start, as the last scheduled command it shows.
      const log = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['name'] === c.pod).pop();
      const lines = log ? boundedLogLines(log.content) : [];
      const started = lines.findLast((l) => l.length <= 4000 && l.includes(verb));
      // Where the file came from, when the map's annotations say so.
      const note = /^Annotations:\s+(.{1,1000})$/m.exec(text)?.[1];
      const origin = note && /\bcop(?:y|ied)\b|\bfrom\b/i.test(note) ? note : undefined;
      // Another workload of the namespace that runs the same consumer already.
      const worker = outputs(
        ctx.seen,
        'get_pod_logs',
        (o) => o.args['name'] !== c.pod && (o.args['namespace'] ?? ctx.ns) === ctx.ns,
      ).find((o) =>
        /\bConsuming messages from\b|\bListening for jobs\b|\bcelery@\S+ ready\b/i.test(o.content),
      );
      const deployment = podDeployment(c.pod);
      const workerDeployment = worker ? podDeployment(String(worker.args['name'] ?? '')) : undefined;
      return [
        {
          weight: 86 + bonus(deployment ?? c.pod, ctx.hints),
          object: deployment ? `deployment ${deployment} (pod ${c.pod})` : `pod ${c.pod}`,
          cause: `the crontab that ConfigMap ${c.map} mounts into ${deployment ?? c.pod} starts a queue consumer on a schedule ("${clip(entry.l.trim(), 160)}"): ${verb} runs until it is told to stop, it does not finish like a scheduled command, so once it started the cron container is taken up by it${started ? ` (its log shows the scheduled commands up to "${clip(started.trim(), 120)}", and only the consumer since)` : ''}, and the other scheduled commands of the file no longer run. A consumer belongs in a long-running worker${workerDeployment ? `, and deployment ${workerDeployment} already runs one` : ''}; a consumer line in a cron file is what an older or copied cron file carries${origin ? ` (the map's annotations: "${clip(origin, 200)}")` : ''}`,
          evidence: [
            `describe_resource ConfigMap ${c.map}: "${clip(entry.l.trim(), 160)}"`,
            ...(started && log ? [`get_pod_logs ${c.pod}: "${clip(started.trim(), 140)}"`] : []),
          ],
          advice: `remove the ${verb} line from ConfigMap ${c.map} (take the cron file of the image the pods run, not an older copy), restart ${deployment ?? c.pod}, and leave consuming to the worker`,
        },
      ];
    }
    return [];
  },
};
