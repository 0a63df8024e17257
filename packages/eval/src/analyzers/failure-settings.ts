import { errorLines } from './app-errors.js';
import { envOf } from './env-values.js';
import { quotedLogLine } from './log-context.js';
import { type Analyzer, type AnalyzerContext, clip, containerSections, outputs, type Read } from './types.js';

/** A ConfigMap volume as `kubectl describe pod` prints it (`Type: ConfigMap …` then `Name: x`). */
const CONFIGMAP_VOLUME =
  /Type:\s{0,40}ConfigMap[^\n]{0,200}\n\s{0,40}Name:\s{0,40}([a-z0-9][a-z0-9.-]{0,252})/g;
/** ConfigMaps that hold no program settings: the cluster's CA bundle and the like. */
const NOT_SETTINGS = /^kube-root-ca\.crt$|(?:^|-)ca(?:-bundle)?$|-ca\.crt$/;
/** A setting's name that says it is a limit or a wait: what is compared with a failure first. */
const KNOB =
  /timeout|deadline|max|min|size|limit|threshold|interval|ttl|idle|lifetime|retries|capacity|tolerable|memory|pool/i;

/** A value that is a switch or a quantity (`false`, `0`, `5min`, `64M`, `0.2`), not a name or an address. */
const SCALAR =
  /^"?(?:true|false|yes|no|on|off|enabled?|disabled?|-?\d{1,12}(?:\.\d{1,6})?\s?[A-Za-z%]{0,3})"?,?$/i;

/**
 * Whether a setting is worth quoting beside a failure: a limit's or a wait's name (see `KNOB`), or a
 * switch or a quantity (see `SCALAR`). Where a program connects to and what it names things (a URL, a
 * topic, a bucket) share words with any failure that mentions them and are not knobs.
 */
function knob(key: string, value: string): boolean {
  return KNOB.test(key) || SCALAR.test(value.trim());
}

/** The quoted parts of a sentence (`"…"`), at most eight, each at most 400 characters. */
function quotedIn(sentence: string): string[] {
  return (sentence.slice(0, 4_000).match(/"[^"\n]{1,400}"/g) ?? []).slice(0, 8);
}

/** At most this many ConfigMaps are read for one run, and this many setting lines quoted. */
const MAX_READS = 2;
const MAX_QUOTED = 3;
/** How many data lines of one ConfigMap are read, and how long one may be. */
const MAX_LINES = 600;
const MAX_LINE = 300;

/**
 * Words that say a line failed or where it came from, not what it is about: they would tie any
 * setting to any failure (`error_log`, `failureThreshold`, `server.port`).
 */
const GENERIC = new Set([
  'error',
  'errors',
  'failed',
  'failure',
  'failures',
  'failing',
  'exception',
  'fatal',
  'warning',
  'exceeded',
  'unable',
  'cannot',
  'caused',
  'because',
  'while',
  'after',
  'before',
  'during',
  'value',
  'values',
  'status',
  'message',
  'request',
  'requests',
  'response',
  'process',
  'thread',
  'server',
  'client',
  'service',
  'default',
  'enabled',
  'disabled',
  'apache',
  'runtime',
  'internal',
  'handler',
  'manager',
  'config',
  'configuration',
  'setting',
  'settings',
  'false',
  'class',
  'method',
  'module',
  'traceback',
  'stack',
  'level',
  'info',
  'debug',
  'trace',
  'logger',
  'started',
  'starting',
  'stopped',
  'application',
  'version',
  'there',
  'which',
  'would',
  'could',
  'should',
  'their',
  'other',
  'total',
]);

/**
 * The words of a name or a line that may say what it is about: letters only, split at separators and
 * at camelCase humps, lower-cased, five letters or more and not generic (see `GENERIC`).
 */
function words(text: string): string[] {
  const out: string[] = [];
  for (const run of text.slice(0, 2_000).match(/[A-Za-z]{2,60}/g) ?? []) {
    for (const w of run.split(/(?<=[a-z])(?=[A-Z])/)) {
      const lw = w.toLowerCase();
      if (lw.length >= 5 && !GENERIC.has(lw)) out.push(lw);
    }
  }
  return out;
}

/** Two words of one stem: equal, or both six letters or more with their first six alike. */
function sameStem(a: string, b: string): boolean {
  if (a === b) return true;
  return a.length >= 6 && b.length >= 6 && a.slice(0, 6) === b.slice(0, 6);
}

/**
 * The setting lines of a described ConfigMap's `Data` section (`key: value`, `key=value`, `"key":
 * value`, at any indent), each with its key. File-name headers and the `----` rules kubectl prints are
 * not settings.
 */
export function configMapSettings(described: string): { key: string; value: string; line: string }[] {
  const lines = described.split('\n');
  const at = lines.findIndex((l) => /^Data\s*$/.test(l));
  if (at < 0) return [];
  const out: { key: string; value: string; line: string }[] = [];
  for (const l of lines.slice(at + 2, at + 2 + MAX_LINES)) {
    if (/^(?:BinaryData|Events:)/.test(l)) break;
    if (l.length > MAX_LINE || /^-{3,}\s*$/.test(l)) continue;
    const m = /^\s{0,40}"?([A-Za-z_][\w.-]{0,120})"?\s{0,4}[:=]\s{0,4}(\S.{0,280})$/.exec(l);
    if (!m || /^[|>][-+]?\s*$/.test(m[2]!)) continue;
    out.push({ key: m[1]!, value: m[2]!, line: l.trim() });
  }
  return out;
}

/** The ConfigMaps a described pod mounts as volumes, settings only (see `NOT_SETTINGS`). */
function mountedConfigMaps(describedPod: string): string[] {
  const names = [...describedPod.matchAll(CONFIGMAP_VOLUME)].map((m) => m[1]!);
  return [...new Set(names)].filter((n) => !NOT_SETTINGS.test(n));
}

/** The latest description of pod `name` in `ns` the run read. */
function describedPod(
  ctx: Pick<AnalyzerContext, 'seen'>,
  ns: string | undefined,
  name: string,
): string | undefined {
  return outputs(
    ctx.seen,
    'describe_pod',
    (o) => o.args['name'] === name && (ns === undefined || o.args['namespace'] === ns),
  ).pop()?.content;
}

/**
 * A failing program's own settings that speak of what fails. When the log of a pod the run read holds
 * failure lines, the ConfigMaps the pod mounts are read (at most two, at the end of the budget); when
 * the answer quotes a failure line of a pod, the setting lines of those ConfigMaps and the literal
 * variables of its containers whose name shares a word (one stem, see `sameStem`) with the failure
 * line or with the log lines quoted around it (`context`, see `logContext`) are quoted beside it, the
 * most shared words first, a limit's or a wait's name before another: "Exceeded checkpoint tolerable failure
 * threshold" beside `execution.checkpointing.tolerable-failed-checkpoints: 0` and
 * `execution.checkpointing.timeout: 3min`. An SRE reads the failing program's configuration for the
 * knob the error is about before anything else; the analyzer proposes no fix (a setting that shares a
 * word is a lead, not a cause).
 */
export const failureSettingsAnalyzer: Analyzer = {
  name: 'failure-settings',
  reads(ctx): Read[] {
    const logged = outputs(ctx.seen, 'get_pod_logs', (o) => o.args['namespace'] === ctx.ns).filter(
      (o) => errorLines(o.content.slice(-200_000)).length > 0,
    );
    const wanted: string[] = [];
    for (const o of logged) {
      const d = describedPod(ctx, ctx.ns, String(o.args['name']));
      if (d) for (const n of mountedConfigMaps(d)) if (!wanted.includes(n)) wanted.push(n);
    }
    return wanted.slice(0, MAX_READS).map((name) => ({
      tool: 'describe_resource',
      args: { kind: 'ConfigMap', name, namespace: ctx.ns },
    }));
  },
  finds: () => [],
};

/**
 * The sentence `failureSettingsAnalyzer` adds below an answer's evidence (see there), for the first
 * evidence entry that quotes a log line of a described pod; undefined when no setting shares a word
 * with that line. Bounded: 600 data lines of each ConfigMap, each of at most 300 characters.
 */
export function failureSettings(
  seen: AnalyzerContext['seen'],
  evidence: readonly string[],
  context = '',
): string | undefined {
  for (const entry of evidence) {
    const q = quotedLogLine(entry);
    if (!q) continue;
    const logOf = outputs(seen, 'get_pod_logs', (o) => o.args['name'] === q.pod).pop();
    const ns = logOf === undefined ? undefined : String(logOf.args['namespace']);
    const pod = describedPod({ seen }, ns, q.pod);
    if (!pod) continue;
    const failure = [...new Set([...words(q.line), ...quotedIn(context).flatMap(words)])];
    if (failure.length === 0) return undefined;
    // Each word shared counts twice; a key that names a limit or a wait (the knobs) once more.
    const shared = (name: string) => {
      const n = failure.filter((f) => words(name).some((w) => sameStem(w, f))).length;
      return n === 0 ? 0 : 2 * n + (KNOB.test(name) ? 1 : 0);
    };
    const found: { text: string; where: string; score: number; order: number }[] = [];
    for (const cm of mountedConfigMaps(pod)) {
      const d = outputs(
        seen,
        'describe_resource',
        (o) =>
          o.args['kind'] === 'ConfigMap' &&
          o.args['name'] === cm &&
          (ns === undefined || o.args['namespace'] === ns),
      ).pop();
      for (const s of d ? configMapSettings(d.content) : []) {
        const score = knob(s.key, s.value) ? shared(s.key) : 0;
        if (score > 0 && !found.some((f) => f.text === s.line))
          found.push({ text: s.line, where: `ConfigMap ${cm}`, score, order: found.length });
      }
    }
    for (const c of containerSections(pod)) {
      for (const v of envOf(c.body)) {
        const score = knob(v.name, v.value) ? shared(v.name) : 0;
        if (score > 0)
          found.push({
            text: `${v.name}=${v.value}`,
            where: `container ${c.name}`,
            score,
            order: found.length,
          });
      }
    }
    if (found.length === 0) return undefined;
    const picked = found
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, MAX_QUOTED)
      .sort((a, b) => a.order - b.order);
    const said = picked.map((p) => `"${clip(p.text, 160)}" (${p.where})`).join(', ');
    return `Settings of ${q.pod} that name what fails: ${said}.`;
  }
  return undefined;
}
