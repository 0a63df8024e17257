import {
  type Analyzer,
  type AnalyzerContext,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
  podObject,
} from './types.js';

/** A start-up timeout a program states (`start timeout 20s`, `startup timeout: 30s`, `start-timeout=20s`). */
const STATED =
  /\bstart(?:up)?[ _-]timeout\b\W{0,3}(?:of\s)?((?:\d{1,4}h)?(?:\d{1,5}m(?!s))?(?:\d{1,5}(?:\.\d{1,9})?)?)\s?(ms|s|m|h)?\b/i;
/** What a JSON log line says it is about (`"logger":"chromium"`, `"component":"browser"`). */
const SUBJECT = /"(?:logger|component|module|subsystem)"\s{0,2}:\s{0,2}"([A-Za-z][\w.-]{0,40})"/;
/** How long a request or an operation took, as the line says it (`"latency_human":"20.03s"`, `after 20.0s`, `took 19.9s`). */
const TOOK =
  /(?:latency(?:_human)?"?\s{0,2}[:=]\s{0,2}"?|\bafter\s|\btook\s|\belapsed[=:]\s?)((?:\d{1,4}h)?(?:\d{1,5}m(?!s))?(?:\d{1,5}(?:\.\d{1,9})?)?)\s?(ms|s|m|h)?\b/i;
/** How long the started process took (`process started in 17.904s`, `started after 18s`). */
const STARTED_IN =
  /\bstarted (?:in|after)\s((?:\d{1,4}h)?(?:\d{1,5}m(?!s))?(?:\d{1,5}(?:\.\d{1,9})?)?)\s?(ms|s|m|h)?\b/i;
/** An error-level line (JSON `"level":"error"`, or the level word). */
const ERROR_LEVEL =
  /"level"\s{0,2}:\s{0,2}"(?:error|fatal)"|\blevel=(?:error|fatal)\b|\b(?:ERROR|FATAL|ERR)\b/;
/** A timeout named in a failure (`timeout reached`, `timed out`, `deadline exceeded`). */
const TIMED_OUT = /timeout reached|timed out|deadline exceeded|\btimeout\b/i;

/**
 * Seconds of a duration as programs print it: a number and a unit (`20s`, `1500ms`), or Go's
 * time.Duration text (`1m0s`, `1m0.031s`, `1h2m3s`); NaN when it is neither.
 */
function seconds(n: string, unit: string | undefined): number {
  const go = /^(?:(\d{1,4})h)?(?:(\d{1,5})m)?(\d{1,5}(?:\.\d{1,9})?)?$/.exec(n);
  if (!go || n === '') return Number.NaN;
  const [, h, m, rest] = go;
  const tail = rest === undefined ? 0 : Number(rest);
  const u = (unit ?? '').toLowerCase();
  if (h === undefined && m === undefined) {
    if (u === 'ms') return tail / 1000;
    if (u === 'm') return tail * 60;
    if (u === 'h') return tail * 3600;
    return u === 's' ? tail : Number.NaN;
  }
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + (u === 's' || u === '' ? tail : Number.NaN);
}

/** Words that are no subject (`using start timeout of 20s`, `the start timeout`). */
const FUNCTION_WORDS = new Set(['using', 'with', 'the', 'its', 'set', 'default', 'new', 'for', 'and', 'our']);

/**
 * A start-up timeout too short for where the program now runs: it gives a process it starts (a
 * headless browser, a worker) a fixed time to come up, its own log states that time, requests fail
 * with a timeout after just that long, and a start that did succeed took nearly all of it. A slower
 * node (a cold disk, a smaller CPU) pushes the start past the limit, so the first requests on a fresh
 * pod fail and later ones work. The fix is the start timeout itself, not the request timeout. Found from
 * the program's log alone: the stated timeout, the failures whose duration matches it (within 10 %),
 * and a measured start.
 */
export const startTimeoutAnalyzer: Analyzer = {
  name: 'start-timeout',
  reads() {
    return [];
  },
  finds({ ns, seen, hints }: AnalyzerContext) {
    for (const log of outputs(
      seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ns && !o.args['previous'],
    )) {
      const lines = boundedLogLines(log.content);
      const statedLine = lines.find((l) => STATED.test(l));
      if (!statedLine) continue;
      const m = STATED.exec(statedLine)!;
      const limit = seconds(m[1]!, m[2]!);
      if (!(limit > 0)) continue;
      const failures = lines.filter((l) => {
        if (!ERROR_LEVEL.test(l) || !TIMED_OUT.test(l)) return false;
        const t = TOOK.exec(l);
        return t !== null && Math.abs(seconds(t[1]!, t[2]!) - limit) <= limit * 0.1;
      });
      if (failures.length === 0) continue;
      const startedLine = lines.filter((l) => STARTED_IN.test(l)).pop();
      const started = startedLine ? STARTED_IN.exec(startedLine)! : undefined;
      const took = started ? seconds(started[1]!, started[2]!) : undefined;
      const before = /(\w{3,40})\s+start(?:up)?[ _-]timeout/i.exec(statedLine)?.[1];
      const subject =
        SUBJECT.exec(statedLine)?.[1] ??
        (before && !FUNCTION_WORDS.has(before.toLowerCase()) ? before : undefined);
      const what = subject ? `${subject[0]!.toUpperCase()}${subject.slice(1)}` : 'the process it starts';
      const pod = String(log.args['name'] ?? '');
      const owner = podDeployment(pod);
      const limitText = `${Number(limit.toFixed(3))}s`;
      const out: Finding = {
        weight: 88 + (hints.some((h) => pod.startsWith(h)) ? 4 : 0),
        object: podObject(owner, pod),
        cause: `${owner ?? pod} gives ${what} ${limitText} to start (its ${what} start timeout, "${clip(statedLine.trim(), 140)}"), and starting it takes about that long on the nodes it now runs on${took !== undefined ? ` (a start that succeeded took ${Number(took.toFixed(3))}s, "${clip(startedLine!.trim(), 120)}")` : ''}: the first requests on a fresh pod fail after exactly ${limitText} ("${clip(failures[0]!.trim(), 180)}", ${failures.length} such failure${failures.length === 1 ? '' : 's'}), later ones find it started. The ${what} start timeout is what expires, not the request (API) timeout and not the network`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(statedLine.trim(), 200)}"`,
          `get_pod_logs ${pod}: "${clip(failures[0]!.trim(), 200)}"`,
          ...(startedLine ? [`get_pod_logs ${pod}: "${clip(startedLine.trim(), 160)}"`] : []),
        ],
        advice: `raise ${what}'s start timeout well above the start time it measures${took !== undefined ? ` (${Number(took.toFixed(1))}s)` : ''}, for example to ${Math.max(60, Math.ceil(limit * 3))}s (the program's own start-timeout setting or flag), or start ${what} when the pod starts and gate readiness on it; raising the request timeout does not change this limit`,
        revisionSound: true,
      };
      return [out];
    }
    return [];
  },
};
