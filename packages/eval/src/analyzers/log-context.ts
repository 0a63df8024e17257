import type { SeenObservation } from '../observations.js';
import { errorLines, warningLines } from './app-errors.js';
import { clip, outputs } from './types.js';

/**
 * An evidence entry that quotes a log line: `get_pod_logs <pod>: "<line>"` (or `search_pod_logs`), or a
 * finding's `logs of <pod>: "<line>"` (a Job's pod, a client's log).
 */
const QUOTED =
  /^(?:get_pod_logs|search_pod_logs|logs of) ([a-z0-9][a-z0-9.-]{0,252})(?: \([a-z ]{1,40}\))?: "(.{1,400})"$/;
/** One `key=value` pair as programs log their settings (`socket_timeout=5.0`, `pool.max=40`). */
const PAIR = /(?<![\w.-])([A-Za-z_][\w.-]{0,60})=([^\s,;"')\]]{1,80})/g;
/** A key that names a limit or a wait: what an SRE compares with the failure it goes with. */
const SETTING =
  /timeout|deadline|max|min|size|limit|pool|interval|ttl|idle|lifetime|buffer|concurrency|workers|threads|retries|capacity|batch|prefetch|keepalive|keep_alive|block|wait|backlog|window/i;
/** A duration in words (`after 350.1s`, `30 seconds`): what the program waited or was doing. */
const DURATION = /\b\d{1,7}(?:\.\d{1,3})?\s?(?:ms|s|sec|secs|seconds|m|min|minutes)\b/;
/** How far from the top of a log a start-up settings line is looked for, and how long a line may be. */
const HEAD_LINES = 400;
const MAX_LINE = 2_000;

/** One `"key":value` pair of a JSON log line (`"queue_capacity":2000`, `"mode":"sync"`). */
const JSON_PAIR = /"([A-Za-z_][\w.-]{0,60})"\s{0,2}:\s{0,2}"?([^",}\s]{1,80})/g;

function pairs(line: string): { key: string; value: string }[] {
  if (line.length > MAX_LINE) return [];
  const re = line.trimStart().startsWith('{') ? JSON_PAIR : PAIR;
  return [...line.matchAll(re)].map((m) => ({ key: m[1]!, value: m[2]! }));
}

/** Words of a failure, in any line: a line that has one is the failure's kin, not its context. */
const FAILED = /error|fail|drop|denied|refus|reject|exception|panic|fatal|timed out/i;
/** What a line says the program waits on or holds (a blocking read, a poll, an idle connection). */
const WAITING = /wait|block|sleep|poll|hold|idle|keep|limit|timeout|deadline|ttl/i;

/** A line without its `key=value` pairs: a key such as `max_fails` is a setting's name, not a failure. */
function message(line: string): string {
  if (line.length > MAX_LINE) return line;
  return line.replace(line.trimStart().startsWith('{') ? JSON_KEY : PAIR, ' ');
}
/** A JSON key and the colon after it (`"on_error":`): its value stays, its name goes. */
const JSON_KEY = /"[A-Za-z_][\w.-]{0,60}"\s{0,2}:/g;

/** A line that states at least two settings as `key=value`, one of them a limit or a wait. */
function settingsLine(line: string): boolean {
  if (FAILED.test(message(line))) return false;
  const ps = pairs(line);
  return ps.length >= 2 && ps.some((p) => SETTING.test(p.key));
}

/**
 * A line that names one limit as `key=value`, or a duration it waits (`waiting 30s`): what the program
 * was doing just before. A request's own timing (`200 38ms`) is not one.
 */
function doingLine(line: string): boolean {
  if (line.length > MAX_LINE || FAILED.test(message(line))) return false;
  return pairs(line).some((p) => SETTING.test(p.key)) || (DURATION.test(line) && WAITING.test(line));
}

/** A setting's value as a duration: a number with an optional unit (`5`, `5.0`, `30s`, `2000ms`, `2m`). */
const TIMED = /^(\d{1,7}(?:\.\d{1,3})?)(ms|s|m|min)?$/;

/**
 * A duration setting in seconds: the unit its value carries, else the one its key names (`block_ms`,
 * `maxWaitMillis`), else seconds. Undefined for a value that is not a duration.
 */
function seconds(key: string, value: string): number | undefined {
  const m = TIMED.exec(value);
  if (!m) return undefined;
  const unit = m[2] ?? (/(?:_|-|\b)ms$|millis/i.test(key) ? 'ms' : 's');
  return Number(m[1]) * (unit === 'ms' ? 0.001 : unit === 's' ? 1 : 60);
}

/**
 * A wait the program asks for (`timeout=30` on the line before the failure, a key naming a timeout, a
 * block or a wait) that is longer than a timeout among its start-up settings (`socket_timeout=5.0`), both
 * read as durations (see `seconds`): the shorter one ends the wait every time.
 */
function waitOverTimeout(start: string, before: string): string | undefined {
  const waits = pairs(before).filter(
    (p) => /timeout|block|wait/i.test(p.key) && seconds(p.key, p.value) !== undefined,
  );
  for (const w of waits) {
    const wait = seconds(w.key, w.value)!;
    const limit = pairs(start).find((p) => {
      const t = /timeout/i.test(p.key) && !/connect/i.test(p.key) ? seconds(p.key, p.value) : undefined;
      return t !== undefined && t < wait;
    });
    if (limit)
      return `The wait it asks for (${w.key}=${w.value}) is longer than its own ${limit.key}=${limit.value}: the shorter timeout ends every wait that runs its full length, so an idle wait fails with that timeout rather than returning empty; make the timeout longer than the wait (or the wait shorter).`;
  }
  return undefined;
}

/**
 * A failure that says something waited too long (`Timeout expired`, `timed out`, `deadline exceeded`);
 * a bare "expired" (a certificate, a session) is not one.
 */
const TIMED_OUT = /time ?out|timed out|deadline exceeded/i;
/** A line that states how long something may wait (`lock wait 600s`, `timeout 30s`, `deadline of 2m`). */
const STATES_WAIT = /\b(?:wait|waits|timeout|time-out|deadline|lease|ttl)\b/i;
/**
 * A duration as programs print one: Go's and .NET-style compounds (`13m51s`, `1h2m`, `600s`, `250ms`) or a
 * number and a unit word (`30 seconds`, `5 min`). Every part is bounded, so matching is linear.
 */
const SPAN =
  /(?<![\d.])(\d{1,7}(?:\.\d{1,3})?) ?(seconds?|secs?|minutes?|mins?|hours?)\b|(?<![\d.])\b(?=\d)(?:(\d{1,4}(?:\.\d{1,3})?)h)?(?:(\d{1,4}(?:\.\d{1,3})?)m(?!s|in))?(?:(\d{1,7}(?:\.\d{1,3})?)(ms|s))?\b/g;
/**
 * What a finished piece of work says of its length (`exported in 13m51s`, `finished after 14m`, `took
 * 14m`, `ran for 700s`): a bare "in" (`next run in 15m`) is a delay, not a length.
 */
const TOOK =
  /\b(?:took|lasted|ran for|running for|elapsed|(?:finished|completed|complete|done|exported|processed|imported|synced|succeeded)\b[^.;]{0,80}\b(?:in|after))$/i;

/** Every duration of a line, in seconds, with where it ends in the line. */
function spans(line: string): { seconds: number; start: number; text: string }[] {
  const out: { seconds: number; start: number; text: string }[] = [];
  for (const m of line.matchAll(SPAN)) {
    if (m[0].length === 0) continue;
    let s: number;
    if (m[1] !== undefined) {
      const unit = m[2]!.toLowerCase();
      s = Number(m[1]) * (unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1);
    } else {
      // A bare `5m` is a duration; a bare number is not (it has no unit).
      if (m[3] === undefined && m[4] === undefined && m[5] === undefined) continue;
      s =
        Number(m[3] ?? 0) * 3600 +
        Number(m[4] ?? 0) * 60 +
        (m[5] !== undefined ? Number(m[5]) * (m[6] === 'ms' ? 0.001 : 1) : 0);
    }
    out.push({ seconds: s, start: m.index!, text: m[0] });
  }
  return out;
}

/** How many lines of a log are read for a wait and a run to compare. */
const SPAN_LINES = 2_000;

/**
 * A wait the log states (`concurrency lock wait 600s`) and a piece of work the same log says took longer
 * (`exported in 13m51s`), read when the quoted failure is a timeout: whatever waits for such a run gives
 * up before it ends. Neither line may be a failure or warning line, nor one the evidence quotes. Returns
 * one sentence, or undefined. Bounded: the first 2,000 lines of the log, each of at most 2,000 characters.
 */
function runOutlivesWait(
  lines: readonly string[],
  failure: string,
  skip: (line: string) => boolean,
): string | undefined {
  if (!TIMED_OUT.test(failure)) return undefined;
  const read = lines.slice(0, SPAN_LINES).filter((l) => l.length <= MAX_LINE && !skip(l));
  // Each line is read once: the runs it reports as finished, then the waits it states.
  const runs: { line: string; seconds: number; text: string }[] = [];
  for (const t of read) {
    if (FAILED.test(message(t))) continue;
    for (const d of spans(t))
      if (TOOK.test(t.slice(0, d.start).trimEnd())) runs.push({ line: t, seconds: d.seconds, text: d.text });
  }
  if (runs.length === 0) return undefined;
  const longest = Math.max(...runs.map((r) => r.seconds));
  for (const w of read) {
    if (FAILED.test(message(w))) continue;
    const at = STATES_WAIT.exec(w);
    if (!at) continue;
    // The wait's own length: the first duration after its word.
    const wait = spans(w).find((d) => d.start >= at.index);
    if (!wait || wait.seconds < 1 || longest <= wait.seconds) continue;
    const took = runs.find((r) => r.line !== w && r.seconds > wait.seconds);
    if (!took) continue;
    return `The log states a wait of ${wait.text} ("${clip(w.trim(), 200)}") and a run that took ${took.text} ("${clip(took.line.trim(), 200)}"), longer than that wait: while one run outlasts it, whatever waits for that run gives up first, with the timeout above.`;
  }
  return undefined;
}

/**
 * The quoted parts of a sentence (what is between `"` and `"` on one line), without the quotes: at most
 * eight, each of at most 400 characters, from the first 4,000 characters. What the sentences built
 * beside a failure (see `logContext`) quote from logs.
 */
export function quotedParts(sentence: string): string[] {
  return (sentence.slice(0, 4_000).match(/"[^"\n]{1,400}"/g) ?? []).slice(0, 8).map((q) => q.slice(1, -1));
}

/** The pod and the line an evidence entry quotes from a log (see `QUOTED`), a clipped quote's ` …` cut. */
export function quotedLogLine(entry: string): { pod: string; line: string } | undefined {
  const m = QUOTED.exec(entry);
  return m ? { pod: m[1]!, line: m[2]!.replace(/ …$/, '') } : undefined;
}

/**
 * What a log says around the failure line an answer quotes: the program's settings as it logged them at
 * start (the first line, above the failure, that states two or more `key=value` settings, one of them a
 * limit or a wait) and the nearest of the three lines just before the failure that names such a setting
 * or a duration (what the program was doing when it failed). An SRE quotes both beside the error:
 * "Timeout reading from socket" says little without `socket_timeout=5.0` at start and `BRPOP … timeout=30`
 * just before it. Neither may be a failure or warning line itself (those are the evidence's own), nor a
 * line the evidence already quotes.
 *
 * `evidence` holds the answer's evidence entries; the first that quotes a line of a log this run read is
 * the one placed. Returns one sentence, or undefined when the log says nothing of either kind. Bounded:
 * the first 400 lines of the log and lines of at most 2,000 characters are read.
 */
export function logContext(
  seen: readonly SeenObservation[],
  evidence: readonly string[],
): string | undefined {
  for (const entry of evidence) {
    const q = quotedLogLine(entry);
    if (!q) continue;
    const { pod, line: quoted } = q;
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['name'] === pod).reverse()) {
      const lines = log.content.split('\n');
      const at = lines.findIndex((l) => l.trim().replace(/\s+/g, ' ').startsWith(quoted));
      if (at < 0) continue;
      const errors = new Set(errorLines(log.content));
      const loud = new Set([...errors, ...warningLines(log.content)]);
      const quotedAlready = evidence.map((e) => e.replace(/\s+/g, ' '));
      const told = (l: string) => quotedAlready.some((e) => e.includes(clip(l, 120).replace(/ …$/, '')));
      const start = lines
        .slice(0, Math.min(at, HEAD_LINES))
        .find((l) => settingsLine(l) && !loud.has(l) && !told(l));
      let before: string | undefined;
      // A warning just before may be the context (`Soft time limit (900s) exceeded`); an error is not.
      for (let i = at - 1; i >= Math.max(0, at - 3); i--) {
        const l = lines[i]!;
        if (errors.has(l)) continue;
        if (doingLine(l) && !told(l) && l !== start) {
          before = l;
          break;
        }
      }
      const parts = [
        ...(start ? [`its settings at start: "${clip(start, 200)}"`] : []),
        ...(before ? [`just before the failure: "${clip(before, 200)}"`] : []),
      ];
      const outlived = runOutlivesWait(lines, lines[at]!, (l) => loud.has(l) || told(l));
      if (parts.length === 0) return outlived && `In the log of ${pod}: ${outlived}`;
      const longer = start && before ? waitOverTimeout(start, before) : undefined;
      return `Around it in the log of ${pod}, ${parts.join('; ')}.${longer ? ` ${longer}` : ''}${outlived ? ` ${outlived}` : ''}`;
    }
  }
  return undefined;
}
