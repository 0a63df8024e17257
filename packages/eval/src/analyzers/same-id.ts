import type { SeenObservation } from '../observations.js';
import { quotedLogLine, quotedParts } from './log-context.js';
import { clip, outputs, ownerName } from './types.js';

/**
 * Identifiers a log line may share with another program's log: a UUID, a hex id of 12 to 64
 * characters with digits and letters, a number of 10 to 20 digits that is not a size in bytes (a
 * cursor's or a transaction's id; a Unix time is not one), or a numbered thing (`Checkpoint 41`, `job
 * 88412`, `conn 3371`: a word of three letters or more, not a path's segment nor a word of counting,
 * and a number of two digits or more that no unit follows). Every part is bounded, so matching is linear.
 */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const HEX = /(?<![\w-])[0-9a-f]{12,64}(?![\w-])/gi;
const LONG_NUMBER = /(?<![\d.:-])\d{10,20}(?![\d.:]| ?(?:bytes|[kmgt]i?b|b)\b)/gi;
const NUMBERED =
  /(?<![/\w.-])([A-Za-z][a-z]{2,19}) #?(\d{2,9})\b(?! ?(?:ms|s|sec|secs|seconds|min|mins|minutes|h|hours|days|bytes|[kmgt]i?b|%|x)\b)/g;
/**
 * Words before a number that do not name one thing of its own: units, counts, places in a file and
 * the like (`port 8080`, `line 66`, `after 3000`, `attempt 12`, `rows 5000`).
 */
const NOT_A_THING = new Set([
  'port',
  'line',
  'code',
  'status',
  'version',
  'attempt',
  'attempts',
  'retry',
  'after',
  'with',
  'from',
  'rows',
  'records',
  'bytes',
  'size',
  'limit',
  'than',
  'over',
  'under',
  'about',
  'last',
  'first',
  'next',
  'took',
  'lasted',
  'every',
  'since',
  'until',
  'each',
  'were',
  'have',
  'exit',
  'signal',
  'error',
  'errno',
  'http',
  'https',
  'page',
  'total',
  'count',
  'items',
  'threads',
  'workers',
  'level',
  'year',
  'years',
  'days',
  'hours',
  'minutes',
  'seconds',
  'millis',
  'than',
  'least',
  'most',
  'only',
  'into',
  'onto',

  'the',
  'and',
  'for',
  'was',
  'are',
  'not',
  'has',
  'had',
  'all',
  'any',
  'per',
  'via',
  'got',
  'set',
  'max',
  'min',
  'top',
  'row',
  'key',
  'sec',
  'day',
  'ago',
  'now',
  'new',
  'old',
  'out',
  'off',
  'try',
  'than',
  'timeout',
  'delay',
  'wait',
  'interval',
  'period',
  'port',
  'pid',
  'uid',
  'gid',
  'age',
]);
/** How much of another log is read, how long a quoted line may be, and how many lines are quoted. */
const TAIL = 200_000;
const MAX_LINE = 2_000;
const MAX_QUOTED = 2;

/**
 * A number that reads as a Unix time in seconds or milliseconds between 2001 and 2036 (`1774000000`,
 * `1774000000123`): a moment, which other lines of that second share, not an id.
 */
function unixTime(n: string): boolean {
  const v = n.length === 13 ? Number(n) / 1000 : n.length === 10 ? Number(n) : 0;
  return v >= 1_000_000_000 && v < 2_100_000_000;
}

/** The identifiers of a line (see above), lower-cased, each once, at most eight. */
export function identifiers(line: string): string[] {
  if (line.length > MAX_LINE) return [];
  const ids: string[] = [];
  const add = (id: string) => {
    const l = id.toLowerCase();
    if (!ids.includes(l)) ids.push(l);
  };
  for (const m of line.matchAll(UUID)) add(m[0]);
  for (const m of line.matchAll(HEX)) if (/\d/.test(m[0]) && /[a-f]/i.test(m[0])) add(m[0]);
  for (const m of line.matchAll(LONG_NUMBER)) if (!unixTime(m[0])) add(m[0]);
  for (const m of line.matchAll(NUMBERED)) if (!NOT_A_THING.has(m[1]!.toLowerCase())) add(`${m[1]} ${m[2]}`);
  return ids.slice(0, 8);
}

/**
 * Whether lower-cased `l` holds `id` as a whole token (`order #88412` holds `order 88412`):
 * `checkpoint 41` is not in `checkpoint 412`.
 */
function holds(l: string, id: string): boolean {
  if (l.includes('#')) l = l.replace(/([a-z]) #(\d)/g, '$1 $2');
  for (let at = l.indexOf(id); at >= 0; at = l.indexOf(id, at + 1)) {
    const before = at === 0 ? '' : l[at - 1]!;
    const after = l[at + id.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
  }
  return false;
}

/**
 * The workload a pod belongs to, read from its name as `ownerName` reads it (a Deployment's
 * `<name>-<hash>-<5>`, a DaemonSet's or a Job's `<name>-<5>`, whose suffixes use the controllers'
 * alphabet without vowels) or a StatefulSet's `<name>-<ordinal>`; any other pod is its own.
 */
function workloadOf(pod: string): string {
  const owner = ownerName(pod);
  return owner !== pod ? owner : (/^(.+)-\d{1,4}$/.exec(pod)?.[1] ?? pod);
}

/** The lines of a log's last 200,000 characters, the first (cut) line left out when the log is longer. */
function tailLines(log: string): string[] {
  if (log.length <= TAIL) return log.split('\n');
  return log.slice(-TAIL).split('\n').slice(1);
}

/**
 * What another program's log says of the same thing: when the answer quotes a failure line of a pod
 * (and, in `context`, lines around it), the lines of the other pods' logs this run read that name one
 * of its identifiers (a checkpoint's number, a cursor's or a transaction's id, see `identifiers`) are
 * quoted, at most two; another replica of the pod's own workload is not read. Two sides of one failure often log it in their own words: a coordinator that a
 * checkpoint expired, the source that it held the checkpoint back while it still read a snapshot; a
 * client that its cursor was not found, the server that it timed the cursor out. Returns one sentence,
 * or undefined when no other log names one. Bounded: the last 200,000 characters of each log, lines of
 * at most 2,000 characters.
 */
export function sameIdElsewhere(
  seen: readonly SeenObservation[],
  evidence: readonly string[],
  context = '',
): string | undefined {
  const q = evidence.map(quotedLogLine).find((x) => x !== undefined);
  if (!q) return undefined;
  const ids = [...new Set([q.line, ...quotedParts(context)].flatMap(identifiers))];
  if (ids.length === 0) return undefined;
  const own = new Set(
    outputs(seen, 'get_pod_logs', (o) => o.args['name'] === q.pod).flatMap((o) => tailLines(o.content)),
  );
  const found: string[] = [];
  const done = new Set<string>();
  // Another replica of the same workload logs the same things: it is not the other side.
  const mine = workloadOf(q.pod);
  for (const o of outputs(seen, 'get_pod_logs', (x) => workloadOf(String(x.args['name'])) !== mine)) {
    const pod = String(o.args['name']);
    for (const line of tailLines(o.content)) {
      if (found.length >= MAX_QUOTED) break;
      if (line.length > MAX_LINE || own.has(line) || done.has(line.trim())) continue;
      const lower = line.toLowerCase();
      const id = ids.find((i) => holds(lower, i));
      if (!id) continue;
      done.add(line.trim());
      found.push(`${id} in the log of ${pod}: "${clip(line.trim(), 220)}"`);
    }
  }
  return found.length === 0 ? undefined : `The same ${found.join('; the same ')}.`;
}
