import { parseQuantity } from '@sre-harness/tools-k8s';
import { cpuSizing, cpuSizingCause, cpuSizingEvidence } from '../../../analyzers/cpu-sizing.js';
import { innodbBufferPool } from '../../../analyzers/db-memory.js';
import { envOf } from '../../../analyzers/env-values.js';
import { mallocArenaGrowth } from '../../../analyzers/malloc-arenas.js';
import { previousMemoryLimit } from '../../../analyzers/previous-limits.js';
import {
  clip,
  describedField,
  envFix,
  metricLines,
  outputs,
  ownerName,
  podDeployment,
  runningAndReady,
} from '../../../analyzers/types.js';
import { parseTable } from '../../../k8s-text.js';
import {
  escapeRe,
  firstLine,
  formatMemory,
  lastFinishedAgo,
  lastOf,
  memoryLimit,
  PAST_CRASH_SECONDS,
} from '../../reading.js';
import type { ContainerSignature, Facts } from '../types.js';

/**
 * What the LimitRanger admission plugin says it set on a pod's container, when that includes its memory
 * limit: the pod's `kubernetes.io/limit-ranger` annotation (`LimitRanger plugin set: memory request for
 * container builder; cpu, memory limit for container builder`; kubernetes.io, "Well-Known Labels,
 * Annotations and Taints"). Returns the annotation's value, or undefined.
 */
function limitRangeDefault(describe: string, container: string, kind: string): string | undefined {
  const value = /kubernetes\.io\/limit-ranger[:=]\s{0,4}(LimitRanger plugin set: [^\n]{1,1000})/.exec(
    describe,
  )?.[1];
  if (!value) return undefined;
  const said = value
    .replace(/^LimitRanger plugin set: /, '')
    .split(';')
    .map((p) => p.trim());
  const mine = said.some((p) => {
    const m = /^([a-z0-9., /-]{1,200}) limit for (init container|container) (\S{1,253})$/.exec(p);
    return (
      m !== null && m[3] === container && m[2] === kind && m[1]!.split(',').some((r) => r.trim() === 'memory')
    );
  });
  return mine ? value.trim() : undefined;
}

/** The LimitRanges a `list_resources` of kind LimitRange shows in namespace `ns`. */
function limitRangeNames(seen: Facts['seen'], ns: string): string[] {
  return outputs(
    seen,
    'list_resources',
    (o) => /^(limitranges?|limits)$/i.test(String(o.args['kind'])) && o.args['namespace'] === ns,
  )
    .flatMap((o) => parseTable(o.content).map((r) => r['NAME'] ?? ''))
    .filter(Boolean)
    .slice(0, 3);
}

/** A change cause that speaks of what sizes a program's memory: its configuration's tuning, a buffer, a cache, the heap. */
const MEMORY_TUNING =
  /\b(?:my\.cnf|\w{1,30}\.cnf|(?:memory|buffer|cache|heap|jvm|gc|database|db|mysql|postgres(?:ql)?|redis|config(?:uration)?) tuning|tuned (?:memory|buffers?|cache|heap)|buffer(?:[ _]pool)?|cache size|heap|xmx|memory settings?|shared_buffers|work_mem|maxmemory)\b/i;

/**
 * The latest revision of Deployment `owner` in `ns` and its change cause, from its description, when it is
 * revision 2 or later and its change cause speaks of memory tuning (see `MEMORY_TUNING`).
 */
function memoryTuningRollout(
  seen: Facts['seen'],
  ns: string,
  owner: string,
): { revision: number; cause: string } | undefined {
  const d = lastOf(
    seen,
    'describe_deployment',
    (o) => o.status === 'ok' && o.args['name'] === owner && o.args['namespace'] === ns,
  );
  if (!d) return undefined;
  const revision = Number(/deployment\.kubernetes\.io\/revision=(\d{1,6})/.exec(d.content)?.[1] ?? 0);
  const cause = /kubernetes\.io\/change-cause=(.{1,300})$/m.exec(d.content)?.[1]?.trim();
  return revision >= 2 && cause && MEMORY_TUNING.test(cause) ? { revision, cause } : undefined;
}

/** A container OOMKilled at its memory limit, or sized from the node's CPUs instead of its own limit. */
export const oomKilled: ContainerSignature = {
  name: 'oom-killed',
  stops: true,
  find(x, f) {
    const { described: d, pod, owner, objectLabel, bonus: b, container: c, kind, restarts, logs } = x;
    const { seen, tools } = f;
    // The pod's own namespace: a dependency's pod is described in its own, and its fix goes there.
    const ns = String(d.args['namespace'] ?? f.ns);
    // A container that is not restarted (a Job's or a bare pod's, restartPolicy Never), or not yet
    // (OnFailure, between restarts), shows its kill as its current state: newer than any Last State.
    const ended = x.now.state === 'Terminated' && x.now.reason === 'OOMKilled';
    const last = ended ? x.now : x.last;
    if (last.reason === 'OOMKilled' && !pastOomKill(c.body, pod, seen)) {
      const limit = memoryLimit(c.body);
      const sized = cpuSizing(seen, d.content, c.body, logs?.content);
      if (sized) {
        const fix =
          sized.command && owner && tools.has('set_command')
            ? {
                tool: 'set_command',
                args: { namespace: ns, deployment: owner, container: c.name, command: sized.command },
                text: `size ${owner}/${c.name} from its CPU limit (${sized.cpuLimit}) instead of ${sized.counter}: command ${clip(sized.command.join(' '), 160)}`,
              }
            : undefined;
        return {
          weight: 92 + b,
          object: objectLabel,
          cause: cpuSizingCause(kind, c.name, limit, sized),
          evidence: cpuSizingEvidence(pod, sized, describedField(c.body, 'Command') ?? ''),
          ...(fix ? { fix } : {}),
          advice: `set the worker count from the container's CPU limit${sized.cpuLimit ? ` (${sized.cpuLimit})` : ''} or pin it, instead of ${sized.counter}; raising the memory limit would only move the kill to a bigger node`,
        };
      }
      const byNode = nodeOom(pod, d.content, c.body, seen);
      if (byNode)
        return {
          weight: 93 + b,
          object: objectLabel,
          cause: `the ${kind} ${c.name} is OOMKilled (exit code 137) below its own ${limit ?? ''} memory limit: ${byNode.cause}`,
          evidence: [
            `describe_pod ${pod}: ${kind} ${c.name} Last State Terminated, Reason OOMKilled, Exit Code ${last.exit ?? 137}${restarts ? `, Restart Count ${restarts}` : ''}`,
            ...byNode.evidence,
          ],
          advice: byNode.advice,
        };
      // This container's own metrics line (`builder: cpu … ; memory …`), not the namespace's first.
      const memLine = metricLines(seen, String(d.args['namespace'] ?? ns))
        .filter((m) => m.pod === pod && m.line.trim().startsWith(`${c.name}:`) && /memory/.test(m.line))
        .pop()
        ?.line.trim();
      const q = parseQuantity(limit);
      const evidence = [
        `describe_pod ${pod}: ${kind} ${c.name} Last State Terminated, Reason OOMKilled, Exit Code ${last.exit ?? 137}${restarts ? `, Restart Count ${restarts}` : ''}`,
      ];
      if (limit) evidence.push(`memory limit ${limit}`);
      if (memLine) evidence.push(`get_pod_metrics: ${clip(memLine)}`);
      const oomLog = logs ? firstLine(logs.content, /OutOfMemory|out of memory|heap|memory/i) : undefined;
      if (oomLog) evidence.push(`previous logs: "${clip(oomLog, 120)}"`);
      // Redis forks for an RDB snapshot or an AOF rewrite: the child shares the parent's pages copy-on-
      // write, and every page written meanwhile is copied, inside the same cgroup limit
      // (redis.io, "Redis persistence" and "Diagnosing latency issues": fork).
      const forked = logs
        ? firstLine(
            logs.content,
            /Background saving started|Background append only file rewriting started|BGSAVE|BGREWRITEAOF/i,
          )
        : undefined;
      const maxmemory = forked
        ? outputs(seen, 'describe_resource', (o) => /configmaps?/i.test(String(o.args['kind'])))
            .map((o) => /\bmaxmemory\s+(\d{1,9}(?:[kmg]b?)?)\b/i.exec(o.content)?.[1])
            .find((v) => v !== undefined)
        : undefined;
      if (forked) evidence.push(`previous logs: "${clip(forked, 120)}"`);
      // What the workload's own configuration sets its memory to (a Spark executor's memory and overhead).
      const sizing = forked ? [] : memorySettings(seen, String(d.args['namespace'] ?? ns), pod, d.content);
      for (const m of sizing)
        evidence.push(`describe_resource ConfigMap ${m.configMap}: ${clip(m.line, 120)}`);
      const pool = workerPool(logs?.content ?? '', c.body);
      // MySQL's InnoDB buffer pool set near or above the limit: mysqld grows to it as pages are read.
      const innodb = /^\s+Image:\s+\S*(mysql|mariadb|percona)/im.test(c.body)
        ? innodbBufferPool(seen)
        : undefined;
      const bigPool = innodb && q !== undefined && innodb.bytes >= q * 0.6 ? innodb : undefined;
      if (bigPool) evidence.push(`innodb_buffer_pool_size = ${bigPool.text}`);
      // The owner's latest rollout, when its change cause says it changed what sizes the memory (a
      // configuration's tuning, a buffer or cache, the heap) and no setting read says so already.
      const tuned = !bigPool && owner ? memoryTuningRollout(seen, ns, owner) : undefined;
      if (tuned)
        evidence.push(
          `describe_deployment ${owner}: revision ${tuned.revision}, change cause "${clip(tuned.cause, 120)}"`,
        );
      // MongoDB's WiredTiger cache, as mongod logs it when it opens the engine.
      const cache = /^\s+Image:\s+\S*mongo/im.test(c.body) ? wiredTigerCache(logs?.content ?? '') : undefined;
      const bigCache = cache && q !== undefined && cache.bytes >= q * 0.6 ? cache : undefined;
      if (bigCache) evidence.push(`previous logs: "${clip(bigCache.line, 160)}"`);
      // The heap limit the log states first, then what the log says grew, then a bare `node` command.
      const heapSaid = forked || pool ? undefined : nodeHeap(logs?.content ?? '', c.body, q);
      // glibc malloc arenas holding freed memory (the program's own allocator statistics).
      const arenas = forked || pool ? undefined : mallocArenaGrowth(logs?.content ?? '');
      if (arenas)
        for (const line of [arenas.first, arenas.last])
          if (!evidence.includes(`previous logs: "${line}"`)) evidence.push(`previous logs: "${line}"`);
      const grew = forked || pool || arenas ? undefined : growthBeforeKill(logs?.content ?? '', q);
      const heap = heapSaid && (heapSaid.fromLog || !grew) ? heapSaid : undefined;
      const before = heap ? undefined : grew;
      if (heap) evidence.push(heap.evidence);
      if (before) evidence.push(`previous logs: "${clip(before.line, 160)}"`);
      // The limit the previous revision ran with, when the latest rollout cut it: restore that.
      const earlier = owner && q !== undefined ? previousMemoryLimit(f, owner, c.name) : undefined;
      const restore = earlier && earlier.bytes > q! ? earlier : undefined;
      if (restore)
        evidence.push(
          `describe_resource ReplicaSet ${restore.replicaSet} (the previous revision): memory limit ${restore.text}`,
        );
      // A limit the workload never declared: the LimitRanger admission plugin wrote the namespace
      // LimitRange's default into the pod (its kubernetes.io/limit-ranger annotation says so). That
      // default was sized for no program in particular, so the fix declares the workload's own limit,
      // starting well above the default (four times) rather than doubling it.
      const defaulted = limitRangeDefault(d.content, c.name, kind);
      const ranges = defaulted ? limitRangeNames(seen, String(d.args['namespace'] ?? ns)) : [];
      if (defaulted)
        evidence.push(
          `describe_pod ${pod}: annotation kubernetes.io/limit-ranger: ${clip(defaulted, 160)}`,
          ...(ranges.length ? [`list_resources LimitRange: ${ranges.join(', ')}`] : []),
        );
      const target =
        restore && restore.bytes >= q! * 2
          ? restore.text
          : q !== undefined
            ? formatMemory(q * (defaulted ? 4 : 2))
            : '';
      return {
        weight: 90 + b,
        object: objectLabel,
        cause: `the ${kind} ${c.name} is OOMKilled (exit code 137): it uses more memory than its ${limit ?? ''} memory limit, so the kernel kills it${/CrashLoopBackOff/.test(d.content) ? ' and the pod is in CrashLoopBackOff' : ended ? ' and, not restarted, the pod ends Failed' : ' and the container restarts'}${
          sizing.length
            ? `; the memory its configuration asks for (${sizing.map((m) => `"${clip(m.line, 80)}" in ConfigMap ${m.configMap}`).join(', ')}) must fit under that limit with what the process uses besides it (other processes of the container, native and off-heap memory: the overhead)`
            : ''
        }${
          forked
            ? `; the kill follows a Redis background save ("${clip(forked, 80)}"): Redis forks for the RDB snapshot, and the child's copy-on-write pages (every page written during the save is copied) count against the same limit, so with ${maxmemory ? `maxmemory ${maxmemory}` : 'maxmemory'} close to the ${limit ?? ''} limit the fork can nearly double the memory; leave headroom (maxmemory about half the limit) or turn RDB snapshots off on this instance`
            : ''
        }${tuned ? `; its latest rollout, revision ${tuned.revision} ("${clip(tuned.cause, 160)}"), says it changed what sizes its memory: the settings it brought likely ask for more memory than the limit holds, so put them back or size the limit for them` : ''}${pool && !forked ? `; ${pool.said}, so the container holds ${pool.count} copies of the worker's memory and its total grows with that count: lower the concurrency, or size the memory limit for it` : ''}${heap ? `; ${heap.said}` : ''}${before ? `; ${before.said}` : ''}${restore ? `; the latest rollout cut the limit: the previous revision ran with ${restore.text}` : ''}${
          defaulted
            ? `; the ${limit ?? ''} limit is not in ${owner ? `Deployment ${owner}'s` : "the workload's"} own spec: the LimitRanger admission plugin wrote it into the pod from the namespace's LimitRange default${ranges.length ? ` (LimitRange ${ranges.join(', ')})` : ''}, as the pod's annotation says ("${clip(defaulted, 120)}"), so a program that declared no memory limit now runs under a default sized for nothing in particular; give the container its own memory limit (a declared limit takes precedence over the LimitRange default)`
            : ''
        }${
          bigPool
            ? `; MySQL's InnoDB buffer pool is set to ${bigPool.text} (innodb_buffer_pool_size), which with mysqld's own and per-connection buffers does not fit in the ${limit ?? ''} limit: mysqld grows to the pool size as pages are read, and is killed; keep the buffer pool at about 60–70 % of the limit (lower it, or raise the limit to hold it)`
            : ''
        }${
          arenas
            ? `; its own allocator statistics show the live data flat at about ${arenas.live} while the memory it holds grows from ${arenas.held[0]} to ${arenas.held[1]} with the malloc arena count (${arenas.arenas[0]} to ${arenas.arenas[1]} arenas): glibc malloc gives contending threads arenas of their own, up to 8 per CPU core of the node, and memory freed in them is kept, fragmented, rather than returned, so a many-threaded program on a many-core node grows to several times its live data; this is not a leak, and a bigger limit only delays the kill: cap the arenas with MALLOC_ARENA_MAX=2 (or use jemalloc/tcmalloc)`
            : ''
        }${
          bigCache
            ? `; MongoDB's WiredTiger cache is sized at ${bigCache.text} (cache_size in its "Opening WiredTiger" log line), about half of the node's memory rather than of the ${limit ?? ''} limit: mongod sizes its cache from the memory it sees on the host (50 % of RAM minus 1 GB) unless storage.wiredTiger.engineConfig.cacheSizeGB (--wiredTigerCacheSizeGB) is set, so it grows past the limit as the cache fills and is killed; set wiredTigerCacheSizeGB to about half the limit`
            : ''
        }`,
        evidence: pool && !forked ? [...evidence, pool.evidence] : evidence,
        ...(heap && owner && q !== undefined && tools.has('set_env')
          ? nodeHeapFix(ns, owner, c.name, c.body, q)
          : arenas && owner && tools.has('set_env')
            ? envFix(
                ns,
                owner,
                c.name,
                [{ name: 'MALLOC_ARENA_MAX', value: '2' }],
                `cap glibc's malloc arenas of ${owner}/${c.name} with MALLOC_ARENA_MAX=2, so freed memory is reused instead of held in ${arenas.arenas[1]} arenas`,
              )
            : owner && q !== undefined
              ? {
                  fix: {
                    tool: 'set_resources',
                    args: {
                      namespace: ns,
                      deployment: owner,
                      container: c.name,
                      limits: { memory: target },
                    },
                    text: `raise the memory limit of ${owner}/${c.name} from ${limit} to ${target}${restore && target === restore.text ? ', as the previous revision had it' : defaulted ? ', declared in its own spec instead of the LimitRange default (then tune it to the usage the metrics show)' : ''}`,
                  },
                }
              : {}),
        advice: 'raise the memory limit (or lower the heap / fix the leak)',
      };
    }
    return undefined;
  },
};

/**
 * How many worker processes the program runs, as it says or is told: Celery's start-up banner or
 * ready line (`concurrency: 12 (prefork)`: one child process per slot), Gunicorn's "Booting worker
 * with pid" once per worker, or a variable that sets it (`CELERY_WORKER_CONCURRENCY`, `WEB_CONCURRENCY`,
 * `GUNICORN_WORKERS`, `*_WORKERS`). Undefined for fewer than two.
 */
export function workerPool(
  logs: string,
  body: string,
): { count: number; said: string; evidence: string } | undefined {
  const celery = /concurrency: (\d{1,4}) \((prefork|processes)\)/.exec(logs);
  if (celery && Number(celery[1]) >= 2)
    return {
      count: Number(celery[1]),
      said: `its log shows Celery's prefork pool with concurrency ${celery[1]} (${celery[1]} worker child processes, each with its own copy of the app)${/max tasks per child: unlimited/i.test(logs) || /child_rss_\w{0,10}=/.test(logs) ? `${/max tasks per child: unlimited/i.test(logs) ? ', and max tasks per child is unlimited: a child is never recycled, so whatever memory it keeps after each task (a leak, fragmentation, a huge image decoded once) stays until the container is killed; set worker_max_tasks_per_child (or worker_max_memory_per_child) so children are replaced' : ''}` : ''}`,
      evidence: `logs: "${clip(celery[0], 80)}"`,
    };
  const booted = new Set([...logs.matchAll(/Booting worker with pid: (\d{1,9})/g)].map((m) => m[1])).size;
  if (booted >= 2)
    return {
      count: booted,
      said: `its log shows Gunicorn booting ${booted} worker processes`,
      evidence: `logs: ${booted} "Booting worker with pid" lines`,
    };
  const env =
    /^\s+((?:[A-Z][A-Z0-9_]{0,60}_)?(?:CONCURRENCY|WORKERS|WORKER_PROCESSES|NUM_WORKERS)):\s+(\d{1,4})\s*$/m.exec(
      body,
    );
  if (env && Number(env[2]) >= 2)
    return {
      count: Number(env[2]),
      said: `its environment sets ${env[1]}=${env[2]} worker processes`,
      evidence: `describe_pod: ${env[1]}: ${env[2]}`,
    };
  return undefined;
}

/** A receiver refusing or slowing what the program sends on, in the words of the program's log. */
const BACKPRESSURE =
  /\b429\b|rate limit|too many requests|throttl|failed to flush|retry in \d|backlog|buffer (?:is )?full|overlimit|queue (?:is )?full|backpressure|back-pressure/i;
/** A size in a log line: `(1.31 GB)`, `size=1310721118`, `2.4GiB`. */
const SIZE = /\b(\d{1,6}(?:\.\d{1,3})?) ?([MGT]i?B)\b|\bsize=(\d{9,15})\b/i;
/** A line that states memory, not an input: the machine's, the node's, what is free or the limit. */
const MEMORY_STATED =
  /\b(?:system|host|node|machine|physical|total|available|free)\b[^\n]{0,20}\b(?:memory|ram|mem)\b|\b(?:memory|ram|mem)\b[^\n]{0,20}\b(?:total|available|free|limit)\b/i;
/** A connection to where the program sends things that cannot be made (refused, timed out, no route). */
const UNREACHABLE =
  /connection (?:timed out|refused|reset)|(?:could not|cannot|can't|unable to|failed to) connect|no route to host|network is unreachable|dial tcp [^\s]{1,120}: (?:connect|i\/o timeout)|error creating bridge/i;
/** A line that says data was handed on (written, imported, flushed, sent): a buffer that empties. */
const HANDED_ON =
  /\b(?:import(?:ed|ing)?|export(?:ed|ing)?|wrote|written|writing|flush(?:ed|ing)?|sent|commit(?:ted)?|upload(?:ed)?|indexed|inserted|published|saved|stored|persisted|delivered)\b/i;
/** A host and port, or a dotted host name, in a line: the far end of a connection. */
const FAR_END =
  /\b[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,8}(?::\d{2,5})?\b|\b[a-z0-9][a-z0-9-]{0,62}:\d{2,5}\b/gi;
/** A line that says the link came up: after it (naming the same far end), the failures before are over. */
const CONNECTED = /\b(?:re)?connected\b|connection (?:established|restored)|\blink (?:is )?up\b/i;

/** The bytes a size in a log line (see `SIZE`) stands for; undefined when the line states none. */
function bytesIn(line: string): number | undefined {
  const m = SIZE.exec(line);
  if (!m) return undefined;
  if (m[3]) return Number(m[3]);
  // GiB is 2^30 bytes, GB 10^9 (IEC and SI prefixes).
  const binary = /i/i.test(m[2]!);
  const power = { K: 1, M: 2, G: 3, T: 4 }[m[2]![0]!.toUpperCase() as 'K' | 'M' | 'G' | 'T'] ?? 0;
  return Number(m[1]) * (binary ? 1024 : 1000) ** power;
}

/**
 * What the OOM-killed program's own log says it was doing as its memory grew: holding data a receiver
 * refuses or slows (HTTP 429, a rate limit, chunks it failed to flush and retries: it buffers in
 * memory what it cannot hand on), holding data for a receiver it cannot reach at all (the same
 * connect error three times or more, its numbers aside, and no line after saying the link came up: what
 * it forwards stays queued), or reading an input whose size
 * the log states (512 MiB or more; the latest such line, and, when the sizes only grow and no line
 * between says anything was handed on, the whole input held at once). Undefined when the log says none
 * of these.
 */
export function growthBeforeKill(
  logs: string,
  limitBytes?: number,
): { line: string; said: string } | undefined {
  const lines = logs.split('\n').filter((l) => l.length <= 4000);
  const pressed = lines.find((l) => BACKPRESSURE.test(l));
  if (pressed)
    return {
      line: pressed.trim(),
      said: `its log before the kill shows the receiver refusing or slowing what it sends on ("${clip(pressed.trim(), 140)}"), so it keeps the backlog in memory (its buffer grows while it retries) until the limit; raising the limit only delays that: relieve the receiver's rate limit or bound the program's buffer (and its retries)`,
    };
  // The same connect error again and again (one shape, its numbers aside: `attempt 287`), and no line
  // after the last one saying the link came up; one failure printed over several lines (an exception,
  // its cause) is one failure.
  const failedAt = lines.flatMap((l, at) => (UNREACHABLE.test(l) ? [at] : []));
  const lastAt = failedAt[failedAt.length - 1];
  const shape = (l: string) => l.replace(/\d+/g, '#').trim();
  const repeats =
    lastAt === undefined ? 0 : failedAt.filter((at) => shape(lines[at]!) === shape(lines[lastAt]!)).length;
  // Only a line naming the same far end (a `host:port`, a dotted host) says that link came up: a
  // broker's "New client connected" is another connection.
  const ends = lastAt === undefined ? [] : (lines[lastAt]!.match(FAR_END) ?? []);
  const cameUp = lines
    .slice((lastAt ?? lines.length) + 1)
    .some((l) => CONNECTED.test(l) && ends.some((e) => l.includes(e)));
  if (lastAt !== undefined && repeats >= 3 && !cameUp) {
    const last = lines[lastAt]!.trim();
    return {
      line: last,
      said: `its log before the kill shows the link it forwards over failing again and again (${repeats} times: "${clip(last, 140)}"), so what it cannot hand on stays queued in memory, a backlog without bound while the link is down, until the limit; raising the limit only delays that: bound the queue it keeps for that link (its maximum of queued messages or bytes) and restore the link`,
    };
  }
  const sized: { line: string; bytes: number; at: number }[] = [];
  lines.forEach((l, at) => {
    const bytes = MEMORY_STATED.test(l) ? undefined : bytesIn(l);
    if (bytes !== undefined) sized.push({ line: l.trim(), bytes, at });
  });
  const big = sized.filter((x) => x.bytes >= 2 ** 29);
  const last = big[big.length - 1];
  if (!last) return undefined;
  const first = sized[0]!;
  const growing =
    sized.length >= 3 &&
    sized.every((x, i) => i === 0 || x.bytes > sized[i - 1]!.bytes) &&
    !lines.slice(first.at, last.at).some((l) => HANDED_ON.test(l));
  if (growing)
    return {
      line: last.line,
      said: `its log shows it holding what it reads, the buffer growing with every progress line ("${clip(first.line, 100)}" … "${clip(last.line, 100)}") and nothing handed on between: it loads the whole input in one go before writing any of it, so the memory it needs grows with the input; read and hand it on in pages (chunks), or size the limit for all of it`,
    };
  // An input that alone is at least the limit (the latest such; a smaller buffer logged after it is part
  // of the same load): no setting of the program fits it under that limit.
  const over = limitBytes === undefined ? undefined : big.filter((x) => x.bytes >= limitBytes).pop();
  if (over)
    return {
      line: over.line,
      said: `its log shows the input it loads when killed ("${clip(over.line, 140)}"): that input alone is larger than the limit, before any working memory, so the container needs more memory than the limit allows; raise the limit above the input's size with headroom, or use a smaller input`,
    };
  return {
    line: last.line,
    said: `its log shows the input it was working on when killed ("${clip(last.line, 140)}"): an input that large outgrew the memory limit (loaded whole, it takes several times its size in memory), so the limit must be sized for the largest input, or the input processed in chunks`,
  };
}

/**
 * The set_env that caps a Node.js program's V8 heap at three quarters of the container's memory limit
 * (`limitBytes`), in MiB, keeping the other flags NODE_OPTIONS already holds
 * (nodejs.org/api/cli.html, --max-old-space-size); none when NODE_OPTIONS comes from a ConfigMap or Secret.
 */
function nodeHeapFix(
  ns: string,
  owner: string,
  container: string,
  body: string,
  limitBytes: number,
): ReturnType<typeof envFix> {
  // A NODE_OPTIONS taken from a ConfigMap or Secret key holds flags a set_env would drop: advice only.
  if (/^\s{0,40}NODE_OPTIONS:\s{1,40}<set to the key /m.test(body.slice(0, 100_000))) return {};
  const size = Math.floor((limitBytes * 0.75) / 2 ** 20);
  const current = envOf(body)
    .find((e) => e.name === 'NODE_OPTIONS')
    ?.value.trim();
  const value = `${current ? `${current} ` : ''}--max-old-space-size=${size}`;
  return envFix(
    ns,
    owner,
    container,
    [{ name: 'NODE_OPTIONS', value }],
    `set NODE_OPTIONS of ${owner}/${container} to "${value}": the V8 heap then stays at ${size} MiB, three quarters of the memory limit, and the garbage collector works before the kernel kills the container`,
  );
}

/**
 * A Node.js program whose V8 heap may grow past the container's memory limit: V8 sizes its default
 * old-space limit from the memory it sees (the host's, before Node 20 reads the cgroup limit), so
 * unless `--max-old-space-size` (in NODE_OPTIONS or the command) caps it, the garbage collector lets
 * the heap grow to a size the container is killed at. Read from the heap_size_limit the program logs
 * (v8.getHeapStatistics(), bytes) when it is at or above the limit, else from a `node` command without
 * the flag. Undefined when neither shows.
 */
export function nodeHeap(
  logs: string,
  body: string,
  limitBytes: number | undefined,
): { said: string; evidence: string; fromLog: boolean } | undefined {
  if (/max[-_]old[-_]space[-_]size/i.test(body) || /max[-_]old[-_]space[-_]size/i.test(logs))
    return undefined;
  const stated = /"?heap_size_limit"?\s*[:=]\s*(\d{6,15})/.exec(logs);
  const heap = stated ? Number(stated[1]) : undefined;
  const fix = `cap the heap below the limit with NODE_OPTIONS=--max-old-space-size (in MiB, about three quarters of the container limit${limitBytes ? `: ${Math.floor((limitBytes * 0.75) / 2 ** 20)}` : ''}), so the garbage collector works before the kernel kills the container`;
  if (heap !== undefined && limitBytes !== undefined && heap >= limitBytes * 0.9)
    return {
      said: `it is a Node.js program whose V8 heap limit (heap_size_limit ${(heap / 2 ** 30).toFixed(2)} GiB, from its log) is not below the container's memory limit: V8 sized its default heap from the node's memory, not the container's, so the garbage collector lets the heap grow until the kernel kills the process; ${fix}`,
      evidence: `logs: heap_size_limit ${heap} bytes`,
      fromLog: true,
    };
  const command = describedField(body, 'Command') ?? '';
  if (/(?:^|[\s/])node(?:js)?(?:\s|$)/.test(command))
    return {
      said: `it is a Node.js program (command ${clip(command, 60)}) started without --max-old-space-size: V8 sizes its default heap limit from the memory it sees, which can exceed the container's limit, so the heap grows until the kernel kills it instead of the garbage collector reclaiming it; ${fix}`,
      evidence: `Command: ${clip(command, 80)} (no --max-old-space-size)`,
      fromLog: false,
    };
  return undefined;
}

/**
 * An OOM kill by the node rather than by the container's own limit: the pod's node reports SystemOOM
 * (the kubelet's event when the kernel's OOM killer ran for the whole node) or the container's memory
 * now is well under its limit, and another pod on that node has no memory limit (describe_node's
 * Non-terminated Pods, `0` under Memory Limits), the largest by its metrics when read. With the node's
 * memory used up, the kernel kills by its oom_score, which a Burstable pod's process can lead
 * (kubernetes.io, "Node-pressure Eviction": node OOM behavior).
 */
export function nodeOom(
  pod: string,
  described: string,
  body: string,
  seen: Facts['seen'],
): { cause: string; evidence: string[]; advice: string } | undefined {
  const node = /^Node:\s+([a-z0-9][a-z0-9.-]{0,252})/m.exec(described)?.[1];
  if (!node) return undefined;
  const desc = lastOf(seen, 'describe_node', (o) => o.status === 'ok' && o.args['name'] === node);
  if (!desc) return undefined;
  const lines = desc.content.slice(0, 200_000).split('\n');
  const systemOom = lines
    .find((l) => /\bSystemOOM\b/.test(l))
    ?.trim()
    .replace(/\s{2,}/g, ' ');
  const limit = parseQuantity(memoryLimit(body));
  const metricsLine = outputs(seen, 'get_pod_metrics', (o) => o.status === 'ok' && o.content.includes(pod))
    .flatMap((o) => o.content.split('\n'))
    .find((l) => /memory \S+ \/ (?:request \S+ \/ )?limit \S+/.test(l));
  const used = parseQuantity(/memory (\S+) \//.exec(metricsLine ?? '')?.[1] ?? '');
  const under = used !== undefined && limit !== undefined && used < limit * 0.8;
  // Usage under the limit alone proves nothing (a restarted container starts small): the node must
  // also say it ran short of memory.
  const pressure = /^\s*MemoryPressure\s+True\b|NodeHasInsufficientMemory/m.test(
    desc.content.slice(0, 200_000),
  );
  if (!systemOom && !(under && pressure)) return undefined;
  // The node's other pods without a memory limit (kubectl prints 0 for none).
  const table = lines.findIndex((l) => /^Non-terminated Pods:/.test(l));
  const rows: { ns: string; name: string; noRequest: boolean }[] = [];
  for (let i = table + 2; table >= 0 && i < lines.length && /^\s{2}\S/.test(lines[i]!); i++) {
    const cols = lines[i]!.trim().split(/\s+/);
    if (cols.length >= 5 && cols[1] !== pod && /^0(?:Mi|Ki|Gi)?$|^0 \(/.test(cols[4]!))
      rows.push({ ns: cols[0]!, name: cols[1]!, noRequest: /^0(?:Mi|Ki|Gi)?$|^0 \(/.test(cols[3]!) });
  }
  if (rows.length === 0) return undefined;
  // Their usage, from any namespace's metrics that were read.
  const usage = (name: string) =>
    outputs(seen, 'get_pod_metrics', (o) => o.status === 'ok' && o.content.includes(name))
      .flatMap((o) => o.content.split(/\n(?=\S)/))
      .filter((block) => block.startsWith(name))
      .map((block) => /memory (\S+) \/ no limit/.exec(block)?.[1])
      .find((m) => m !== undefined);
  const ranked = rows
    .map((r) => ({ ...r, memory: usage(r.name) }))
    .sort((a, b) => (parseQuantity(b.memory ?? '0') ?? 0) - (parseQuantity(a.memory ?? '0') ?? 0));
  const top = ranked[0]!;
  const owner = podDeployment(top.name) ?? top.name;
  return {
    cause: `the node ${node} ran out of memory${systemOom ? ` ("${clip(systemOom, 140)}")` : ''}, and the kernel's OOM killer picked its process${under && metricsLine ? ` while it used only ${/memory (\S+) \//.exec(metricsLine)?.[1]} of the limit` : ''}. The node's memory is taken by ${owner} (pod ${top.name} in namespace ${top.ns}${top.memory ? `, using ${top.memory}` : ''}), which has no memory limit${top.noRequest ? ' (and no request, so the scheduler did not count it)' : ''}: a neighbour on the same node with nothing to bound it${
      ranked.length > 1
        ? ` (also without a memory limit: ${ranked
            .slice(1, 4)
            .map((r) => `${r.ns}/${r.name}`)
            .join(', ')})`
        : ''
    }. Raising this container's limit would not stop it`,
    evidence: [
      `describe_node ${node}: ${systemOom ? `${clip(systemOom, 160)}; ` : ''}Non-terminated Pods: ${top.ns}/${top.name} with Memory Limits 0`,
      ...(top.memory ? [`get_pod_metrics ${top.ns}: ${top.name} memory ${top.memory} / no limit`] : []),
      ...(metricsLine ? [`get_pod_metrics: ${clip(metricsLine.trim(), 140)}`] : []),
    ],
    advice: `give ${owner} in namespace ${top.ns} a memory request and limit (or a LimitRange for namespace ${top.ns}), or keep it off the nodes this workload runs on; then the node stops running out of memory`,
  };
}

/**
 * An OOM kill that is over: the container is Running and Ready again, restarted at most twice, its
 * last kill at least 30 minutes ago, and its memory now under 80 % of the limit (the metrics read).
 * A peak that passed (a one-off job, a burst), not a loop; the misconceptions note says so.
 */
/**
 * The lines of the ConfigMaps read in `ns` (`describe_resource`) that set a memory size: a key or
 * property whose name says memory, heap or overhead followed by a size (`spark.executor.memory 6g`,
 * `spark.kubernetes.memoryOverheadFactor 0.1`, `heap.size=512m`), or a JVM heap option anywhere in the
 * line (`JAVA_OPTS=-Xms512m -Xmx2g`). With a pod (its name and `describe_pod` text), only the ConfigMaps
 * its description names (a volume, `envFrom`) or named after its application (its owner's name up
 * to a part with a digit, at most two parts: `merchant-features-spark-conf` for
 * `merchant-features-20260314-exec-12`). At most three
 * lines, each at most 300 characters.
 */
export function memorySettings(
  seen: Facts['seen'],
  ns: string,
  pod?: string,
  described?: string,
): { configMap: string; line: string }[] {
  // The application's name: the pod's owner without the parts a controller adds, up to the first part
  // with a digit (a Job's schedule time, a Spark run's date), at most two parts.
  const parts = pod === undefined ? [] : ownerName(pod).split('-');
  const cut = parts.findIndex((p) => /\d/.test(p));
  const app = (cut < 0 ? parts : parts.slice(0, cut)).slice(0, 2).join('-');
  const mine = (name: string) =>
    pod === undefined ||
    (described !== undefined && new RegExp(`(?<![\\w.-])${escapeRe(name)}(?![\\w.-])`).test(described)) ||
    (app.length >= 3 && name.startsWith(`${app}-`));
  const out: { configMap: string; line: string }[] = [];
  for (const o of outputs(
    seen,
    'describe_resource',
    (x) => /^(configmaps?|cm)$/i.test(String(x.args['kind'])) && (x.args['namespace'] ?? ns) === ns,
  )) {
    const name = String(o.args['name'] ?? '');
    if (!mine(name)) continue;
    for (const raw of o.content.slice(0, 100_000).split('\n')) {
      const line = raw.trim();
      if (line.length > 300 || out.some((m) => m.line === line)) continue;
      if (!MEMORY_SETTING.test(line) && !JVM_HEAP.test(line)) continue;
      out.push({ configMap: name, line });
      if (out.length >= 3) return out;
    }
  }
  return out;
}

/**
 * A setting line whose name (no spaces) says memory, heap or overhead, followed by a size or a factor:
 * `key value`, `key=value`, `key: value`, the value starting with a digit (`6g`, `0.1`, `512Mi`).
 */
const MEMORY_SETTING =
  /^[\w.-]{0,80}(?:memory|Memory|MEMORY|heap|Heap|HEAP|overhead|Overhead|OVERHEAD)[\w.-]{0,80}\s*(?:[:=]\s*|\s+)["']?\d/;
/** A JVM heap option (`-Xmx2g`, `-Xms512m`, `-XX:MaxRAMPercentage=75`) anywhere in a line. */
const JVM_HEAP = /(?:^|[\s"'=])-(?:Xm[xs]\d|XX:(?:Max|Initial|Min)RAMPercentage=\d)/;

export function pastOomKill(body: string, pod: string, seen: Facts['seen']): boolean {
  if (!runningAndReady(body)) return false;
  if (Number(/Restart Count:\s+(\d+)/.exec(body)?.[1] ?? 99) > 2) return false;
  if ((lastFinishedAgo(body) ?? 0) < 30 * 60) return false;
  const line = outputs(seen, 'get_pod_metrics', (o) => o.status === 'ok' && o.content.includes(pod))
    .flatMap((o) => o.content.split('\n'))
    .find((l) => /memory \S+ \/ (?:request \S+ \/ )?limit \S+ \((\d{1,3})%\)/.test(l));
  const pct = line ? Number(/limit \S+ \((\d{1,3})%\)/.exec(line)?.[1]) : undefined;
  // Without its usage read, a kill long past (no crash loop restarts that rarely) is over too.
  if (pct === undefined) return (lastFinishedAgo(body) ?? 0) >= PAST_CRASH_SECONDS;
  return pct < 80;
}

/**
 * The WiredTiger cache size mongod opened its engine with, from its "Opening WiredTiger" log line
 * (`cache_size=31744M`; https://www.mongodb.com/docs/manual/core/wiredtiger/#memory-use: 50 % of
 * RAM minus 1 GB by default, or storage.wiredTiger.engineConfig.cacheSizeGB).
 */
export function wiredTigerCache(log: string): { bytes: number; text: string; line: string } | undefined {
  const line = log
    .slice(-200_000)
    .split('\n')
    .find((l) => l.includes('Opening WiredTiger'));
  const m = line ? /cache_size=(\d{1,9})([MG])\b/.exec(line) : undefined;
  if (!line || !m) return undefined;
  const bytes = Number(m[1]) * 1024 ** (m[2] === 'G' ? 3 : 2);
  return { bytes, text: `${m[1]}${m[2]}`, line };
}
