import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  clip,
  type Finding,
  outputs,
  type Read,
} from './types.js';

/**
 * A worker's queue list in its pod template: a variable named for queues (`QUEUES`, `CELERY_QUEUES`,
 * `WORKER_QUEUES`: `periodic,emails,default`), as `describe_deployment` prints an environment entry.
 */
const QUEUES_VARIABLE =
  /^\s{4,16}((?:[A-Z][A-Z0-9]{0,20}_){0,3})(?:QUEUES|QUEUE|QUEUE_NAMES?):\s{1,20}([\w.:,\s-]{1,400})$/;
/** A prefix that makes a queue variable a size or a limit, not a list (`MAX_QUEUE`, `QUEUE_SIZE` is not matched). */
const NOT_NAMES = /(?:^|_)(?:MAX|MIN|SIZE|LIMIT|LEN|LENGTH|DEPTH|TIMEOUT|CAPACITY)_/;
/** A worker's queue flags on its command line: Celery's `-Q a,b`, `--queues=a,b`, Sidekiq's `-q name`. */
const QUEUE_FLAG = /(?:^|\s)(?:-Q|-q|--queues?)(?:=|\s+)([\w.:][\w.:-]{0,59}(?:,[\w.:-]{1,60}){0,30})/g;
/** A Deployment's name that says it runs queued work. */
const WORKER_NAME = /worker|celery|sidekiq|queue|consumer|(?:^|-)jobs?(?:-|$)/;
/** A note on the Deployment that it is at zero on purpose. */
const ON_PURPOSE =
  /\b(?:on purpose|intentional(?:ly)?|disabled|paused|retired|decommission\w*|replaced by|no longer (?:used|needed)|for good)\b/i;

/** Images of well-known servers (data stores, brokers, proxies): their Deployments take no job queues. */
const SERVER_IMAGE =
  /(?:^|\/)(?:postgres(?:ql)?|mysql|mariadb|redis|valkey|memcached|mongo(?:db)?|rabbitmq|kafka|zookeeper|nats|elasticsearch|opensearch|minio|nginx|envoy|haproxy|traefik|caddy|httpd|clickhouse)(?::|@|$)/;
/** Running Deployments compared at most: beyond this many, the finding holds back (not all read). */
const MAX_RUNNING = 6;

/** A Deployment's annotations in its description (`Annotations:` and the lines indented under it). */
function annotationsOf(described: string): string {
  const lines = described.slice(0, 20_000).split('\n');
  const at = lines.findIndex((l) => /^Annotations:/.test(l));
  if (at < 0) return '';
  const out = [lines[at]!];
  for (const l of lines.slice(at + 1, at + 40)) {
    if (!/^\s{8,}\S/.test(l)) break;
    out.push(l);
  }
  return out.join('\n');
}

/** The Deployments of `ns` in its newest list, with their READY and IMAGES columns. */
function deployments(ctx: AnalyzerContext): { name: string; ready: string; images: string }[] {
  const list = outputs(ctx.seen, 'list_deployments', (o) => o.args['namespace'] === ctx.ns).pop();
  return parseTable(list?.content.slice(0, 200_000) ?? '')
    .filter((r) => r['NAME'] && r['READY'])
    .map((r) => ({ name: r['NAME']!, ready: r['READY']!, images: r['IMAGES'] ?? '' }));
}

/** The queues a described Deployment's workers take (its variable or its flags), at most 30. */
function queuesOf(described: string): string[] {
  const out: string[] = [];
  for (const line of described.slice(0, 50_000).split('\n')) {
    if (line.length > 2000) continue;
    const v = QUEUES_VARIABLE.exec(line);
    if (v && !NOT_NAMES.test(v[1]!)) out.push(...v[2]!.split(/[,\s]+/));
    if (/^\s{2,16}(?:Command|Args):/.test(line))
      for (const m of line.matchAll(QUEUE_FLAG)) out.push(...m[1]!.split(','));
  }
  return [
    ...new Set(
      out
        .map((q) => q.trim())
        .filter((q) => /^[\w.:-]{1,60}$/.test(q) && !/^\d+(?:\.\d+)?[kKmMgG]?$/.test(q)),
    ),
  ].slice(0, 30);
}

/**
 * Whether an autoscaler owns the Deployment's replica count: a ScaledObject of that name (KEDA scales its
 * target to zero while its trigger is idle, by design) or a HorizontalPodAutoscaler whose reference names
 * it, as any output seen so far shows them (events, lists, descriptions, searches).
 */
function autoscaled(ctx: AnalyzerContext, name: string): boolean {
  const e = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(
    `(?:scaledobject|ScaledObject)[/ ]+${e}(?![\\w-])|Deployment/${e}(?![\\w-])|keda-hpa-${e}(?![\\w-])`,
  );
  return ctx.seen.some((o) => o.status === 'ok' && re.test(o.content.slice(0, 200_000)));
}

function described(ctx: AnalyzerContext, name: string): string | undefined {
  return outputs(
    ctx.seen,
    'describe_deployment',
    (o) => o.args['namespace'] === ctx.ns && o.args['name'] === name,
  ).pop()?.content;
}

/**
 * The Deployments to compare: those at zero (READY `0/0`, at most 2) and every one that runs, except those
 * whose images are all well-known servers (see `SERVER_IMAGE`); those named as workers first.
 */
function candidates(ctx: AnalyzerContext): { zero: string[]; running: string[] } {
  const all = deployments(ctx);
  const zero = all
    .filter((d) => d.ready === '0/0')
    .map((d) => d.name)
    .slice(0, 2);
  const running = all
    .filter((d) => d.ready !== '0/0' && !/^0\//.test(d.ready))
    .filter((d) => !d.images?.split(',').every((i) => SERVER_IMAGE.test(i.trim())));
  return {
    zero,
    running: [
      ...running.filter((d) => WORKER_NAME.test(d.name)),
      ...running.filter((d) => !WORKER_NAME.test(d.name)),
    ].map((d) => d.name),
  };
}

/**
 * A queue only a worker Deployment scaled to zero takes: job workers are split by queue (Redash's
 * `periodic`, `emails`, `default` on one worker, `queries` on another; Celery's `-Q`), and when the only
 * Deployment that lists a queue wants no replicas, nothing consumes it. Jobs sent there wait without an
 * error anywhere (a scheduled refresh that never runs, mail never sent) while every pod is Running and
 * the other queues' work goes on. Found from the Deployments' queue lists (a `…QUEUES` variable or a
 * queue flag) when no Deployment that runs lists those queues and nothing on the one at zero says it is
 * stopped on purpose. The fix brings it back to one replica.
 */
export const queuesAtZeroAnalyzer: Analyzer = {
  name: 'queues-at-zero',
  // A worker at zero is read right after the pods' own descriptions and logs, before services and
  // dependencies: nothing logs an error for a queue nobody reads, so no other lead points at it.
  first: true,
  reads(ctx): Read[] {
    const { zero, running } = candidates(ctx);
    if (zero.length === 0) return [];
    const reads: Read[] = zero.map((name) => ({
      tool: 'describe_deployment',
      args: { namespace: ctx.ns, name },
    }));
    // The others are read only once one at zero turns out to be a worker with queues.
    if (!zero.some((n) => queuesOf(described(ctx, n) ?? '').length > 0)) return reads;
    if (running.length > MAX_RUNNING) return reads;
    for (const name of running)
      reads.push({ tool: 'describe_deployment', args: { namespace: ctx.ns, name } });
    return reads;
  },
  finds(ctx): Finding[] {
    const { zero, running } = candidates(ctx);
    for (const name of zero) {
      const d = described(ctx, name);
      if (!d || !/^Replicas:\s+0 desired/m.test(d)) continue;
      const queues = queuesOf(d);
      if (queues.length === 0) continue;
      if (ON_PURPOSE.test(annotationsOf(d))) continue;
      if (autoscaled(ctx, name)) continue;
      // Every Deployment that runs is described (its queues known), and none takes these.
      if (running.length > MAX_RUNNING) continue;
      const texts = running.map((r) => described(ctx, r));
      if (texts.some((t) => t === undefined)) continue;
      const others = running.map((name, i) => ({ name, queues: queuesOf(texts[i]!) }));
      const taken = new Set(others.flatMap((o) => o.queues));
      const orphaned = queues.filter((q) => !taken.has(q));
      if (orphaned.length === 0) continue;
      const served = others.filter((o) => o.queues.length > 0);
      const task = ctx.task.slice(0, 4000).toLowerCase();
      const named = orphaned.filter((q) => q.length >= 4 && task.includes(q.toLowerCase()));
      return [
        {
          weight: 86 + bonus(name, ctx.hints),
          object: `deployment ${name}`,
          cause: `nothing consumes the queue${orphaned.length > 1 ? 's' : ''} ${orphaned.join(', ')}: deployment ${name}, the only worker that takes ${orphaned.length > 1 ? 'them' : 'it'} (its queues: ${queues.join(',')}), is scaled to 0 replicas (0 desired), so the jobs sent there wait and never run, while every pod is Running and no error is logged (nothing reads them to fail)${served.length ? `; the workers that run take only other queues (${served.map((o) => `${o.name}: ${o.queues.join(',')}`).join('; ')})` : ''}${named.length ? `. The ${named.join(', ')} queue is the work you describe` : ''}`,
          evidence: [
            `list_deployments: ${name} 0/0`,
            `describe_deployment ${name}: Replicas 0 desired; queues ${clip(queues.join(','), 120)}`,
            ...served.map((o) => `describe_deployment ${o.name}: queues ${clip(o.queues.join(','), 120)}`),
          ],
          advice: `scale ${name} back up so its queues are consumed again (the waiting jobs then run), and alert on a queue whose consumers are at 0`,
          fix: {
            tool: 'scale_deployment',
            args: { namespace: ctx.ns, name, replicas: 1 },
            text: `scale ${name} to 1 replica so the ${orphaned.join(', ')} queue${orphaned.length > 1 ? 's are' : ' is'} consumed again`,
          },
          revisionSound: true,
        },
      ];
    }
    return [];
  },
};
