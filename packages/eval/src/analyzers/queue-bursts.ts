import { errorLines } from './app-errors.js';
import { envOf } from './env-values.js';
import {
  type Analyzer,
  bonus,
  clip,
  containerSections,
  envFix,
  type Finding,
  outputs,
  ownerDeployment,
  type Read,
} from './types.js';

/** A program saying its in-memory queue or buffer is full and it drops or rejects what does not fit. */
const FULL =
  /\b(?:queue|buffer)\b.{0,20}\b(?:is )?full\b|\bqueue overflow\b|\bqueue capacity (?:exceeded|reached)\b/i;
/**
 * The queue's capacity as the line states it: `queue_capacity=2000`, `"capacity":2000`, `queue-size: 2000`.
 * Bounded: the key is one of a few words, the number at most nine digits.
 */
const CAPACITY =
  /\b(?:queue[_-]?capacity|capacity|queue[_-]?size|max[_-]?queue[_-]?size|buffer[_-]?size)["']?\s{0,3}[:=]\s{0,3}"?(\d{1,9})\b/i;
/** How full the queue is, as a line states it: `queue_length=38`, `"queue_length":38`, `depth: 12`. */
const LENGTH =
  /\b(?:queue[_-]?length|queue[_-]?depth|queue[_-]?size_now|depth|pending)["']?\s{0,3}[:=]\s{0,3}(\d{1,9})\b/i;
/** The first ISO 8601 time in a line (`2026-09-15T10:17:00.590Z`, in a JSON field or at its start). */
const STAMP = /\b\d{4}-\d\d-\d\d[T ](\d\d):(\d\d):(\d\d)/;
/** Variables whose names say they size a queue or buffer, the most specific first. */
const SIZE_VARS = [/QUEUE/i, /BUFFER/i, /CAPACITY/i, /BACKLOG/i];
/** At most this many lines of a log are read, of at most this many characters each. */
const MAX_LINES = 5_000;
const MAX_LINE = 4_000;

interface Overflow {
  pod: string;
  container: string;
  deployment: string | undefined;
  failures: string[];
  capacity: number;
  drained: string | undefined;
  variable: { name: string; value: string } | undefined;
  topOfMinute: boolean;
}

/**
 * Seconds past the minute of each failure, when every one of at least two failures falls within the
 * first five seconds of a minute: a job or a client that fires on the minute (a cron schedule, a
 * `* * * * *` batch) sends its burst then.
 */
function onTheMinute(lines: readonly string[]): boolean {
  const stamps = lines.map((l) => STAMP.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  // Two minutes or more: one burst alone says nothing of a schedule.
  const minutes = new Set(stamps.map((m) => `${m[1]}:${m[2]}`));
  return stamps.length === lines.length && minutes.size >= 2 && stamps.every((m) => Number(m[3]) <= 5);
}

function overflows(ctx: Parameters<Analyzer['finds']>[0]): Overflow | undefined {
  for (const log of outputs(
    ctx.seen,
    'get_pod_logs',
    (o) => o.args['namespace'] === ctx.ns && !o.args['previous'],
  )) {
    const lines = log.content
      .slice(-400_000)
      .split('\n')
      .slice(-MAX_LINES)
      .filter((l) => l.length <= MAX_LINE);
    const failures = errorLines(lines.join('\n')).filter((l) => FULL.test(l));
    if (failures.length === 0) continue;
    const capacity = Number(failures.map((l) => CAPACITY.exec(l)?.[1]).find(Boolean) ?? NaN);
    if (!Number.isFinite(capacity) || capacity < 2) continue;
    // Between the bursts the queue nearly empties (a quarter of its capacity or less): the consumer
    // keeps up, and only the burst does not fit.
    const last = lines.lastIndexOf(failures[0]!);
    const drained = lines.slice(last + 1).find((l) => {
      const n = Number(LENGTH.exec(l)?.[1] ?? NaN);
      // The queue's own line (it names the queue, buffer, capacity or a flush), not a pool's `pending=0`.
      return (
        Number.isFinite(n) && n <= capacity / 4 && !FULL.test(l) && /queue|buffer|capacity|flush/i.test(l)
      );
    });
    const pod = String(log.args['name']);
    const described = outputs(ctx.seen, 'describe_pod', (o) => o.args['name'] === pod).pop()?.content ?? '';
    const sections = containerSections(described).filter((c) => !c.init);
    const section = sections.find((c) => c.name === log.args['container']) ?? sections[0];
    // The variable that names a queue first, then a buffer, a capacity, a backlog.
    const sized = section ? envOf(section.body).filter((v) => v.value === String(capacity)) : [];
    const variable = SIZE_VARS.map((re) => sized.find((v) => re.test(v.name))).find((v) => v !== undefined);
    return {
      pod,
      container: section?.name ?? String(log.args['container'] ?? ''),
      deployment: ownerDeployment(described),
      failures,
      capacity,
      drained,
      variable,
      topOfMinute: onTheMinute(failures),
    };
  }
  return undefined;
}

/**
 * An in-memory queue that overflows in bursts: the program logs that its queue is full and drops what
 * does not fit, the line states the queue's capacity, and between the bursts the queue nearly empties
 * (a later line gives its length at a quarter of the capacity or less), so the consumer keeps up with
 * the steady load and only the burst does not fit. Failures all in the first seconds of a minute are
 * said as such (a sender on a schedule). When a variable of the container sizes the queue at exactly the
 * logged capacity, the fix doubles it (an approved `set_env`); a queue that never drains is a slow
 * consumer instead, and is left to the other rules.
 */
export const queueBurstsAnalyzer: Analyzer = {
  name: 'queue-bursts',
  // The pod's description, for the variable that sizes the queue.
  reads(ctx): Read[] {
    const o = overflows(ctx);
    if (!o?.drained || outputs(ctx.seen, 'describe_pod', (x) => x.args['name'] === o.pod).length > 0)
      return [];
    return [{ tool: 'describe_pod', args: { namespace: ctx.ns, name: o.pod } }];
  },
  finds(ctx): Finding[] {
    const o = overflows(ctx);
    if (!o?.drained) return [];
    const last = o.failures[o.failures.length - 1]!;
    const when = o.topOfMinute
      ? 'in bursts at the top of every minute (every drop falls in the first seconds of a minute: a sender on a schedule)'
      : 'in bursts';
    const sized = o.variable ? `, set by ${o.variable.name}=${o.variable.value}` : '';
    const raised = String(o.capacity * 2);
    return [
      {
        weight: 80 + bonus(o.pod, ctx.hints),
        object: `pod ${o.pod}`,
        cause: `the in-memory queue of ${o.pod} (capacity ${o.capacity}${sized}) overflows ${when} and drops what does not fit: "${clip(last, 200)}" (${o.failures.length} such line(s)); between the bursts it nearly empties ("${clip(o.drained!, 160)}"), so the consumer keeps up with the steady load and the queue is too small for the burst (a spike of incoming work), not the store behind it`,
        evidence: [
          `get_pod_logs ${o.pod}: "${clip(last, 220)}"`,
          `get_pod_logs ${o.pod}: "${clip(o.drained!, 160)}"`,
        ],
        advice: o.variable
          ? `raise ${o.variable.name} so the queue holds a whole burst (from ${o.capacity} to ${raised} or more), or spread the burst's sender over the minute`
          : `raise the queue's capacity (${o.capacity}) so it holds a whole burst, or spread the burst's sender over the minute`,
        revisionSound: true,
        ...(o.variable
          ? envFix(
              ctx.ns,
              o.deployment,
              o.container,
              [{ name: o.variable.name, value: raised }],
              `set ${o.variable.name} of ${o.deployment}/${o.container} from ${o.capacity} to ${raised}, so the queue holds the burst`,
            )
          : {}),
      },
    ];
  },
};
