import { errorLines } from './app-errors.js';
import { envOf } from './env-values.js';
import { quotedLogLine, quotedParts } from './log-context.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  containerSections,
  outputs,
  ownerName,
  type Read,
} from './types.js';

/** A ConfigMap volume as `kubectl describe pod` prints it (`Type: ConfigMap …` then `Name: x`). */
const CONFIGMAP_VOLUME =
  /Type:\s{0,40}ConfigMap[^\n]{0,200}\n\s{0,40}Name:\s{0,40}([a-z0-9][a-z0-9.-]{0,252})/g;
/**
 * A ConfigMap a container takes variables from, as the tools print an `envFrom` source (`<all keys from
 * ConfigMap x>`, packages/tools-k8s/src/tools/describe.ts) and a `configMapKeyRef` (`<set to the key 'k' of
 * config map 'x'>`).
 */
const CONFIGMAP_ENV =
  /<all keys from ConfigMap ([a-z0-9][a-z0-9.-]{0,252})|of config map '([a-z0-9][a-z0-9.-]{0,252})'>/g;
/** ConfigMaps that hold no program settings: the cluster's CA bundle and the like (Istio's `istio-ca-root-cert`). */
const NOT_SETTINGS =
  /^kube-root-ca\.crt$|(?:^|-)ca(?:-bundle)?$|-ca\.crt$|(?:^|-)ca-root-cert$|(?:^|-)ca-certs?$/;
/** A setting's name that says it is a limit or a wait: what is compared with a failure first. */
const KNOB =
  /timeout|deadline|max|min|size|limit|threshold|interval|ttl|idle|lifetime|retries|capacity|\bcap\b|tolerable|memory|pool|quota/i;

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
  const lines = described.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const at = lines.findIndex((l) => /^Data\s*$/.test(l));
  if (at < 0) return [];
  const out: { key: string; value: string; line: string }[] = [];
  const end = Math.min(lines.length, at + 2 + MAX_LINES);
  for (let i = at + 2; i < end; i++) {
    const l = lines[i]!;
    if (/^(?:BinaryData|Events:)/.test(l)) break;
    if (l.length > MAX_LINE || /^-{3,}\s*$/.test(l)) continue;
    // A data key whose whole value is one scalar, as kubectl prints it: `key:`, `----`, the value, a blank.
    const header = /^([A-Za-z_][\w.-]{0,120}):$/.exec(l);
    if (header && /^-{3,}\s*$/.test(lines[i + 1] ?? '') && (lines[i + 3] ?? '').trim() === '') {
      const value = (lines[i + 2] ?? '').trim();
      if (value && value.length <= MAX_LINE && !value.includes(':') && !value.includes('=')) {
        out.push({ key: header[1]!, value, line: `${header[1]}: ${value}` });
        i += 2;
        continue;
      }
    }
    const m = /^\s{0,40}"?([A-Za-z_][\w.-]{0,120})"?\s{0,4}[:=]\s{0,4}(\S.{0,280})$/.exec(l);
    if (!m || /^[|>][-+]?\s*$/.test(m[2]!)) continue;
    out.push({ key: m[1]!, value: m[2]!, line: l.trim() });
  }
  return out;
}

/**
 * The `--flag=value` settings of a container section of `describe_pod` (its `Args:` and `Command:`,
 * on their line as this project's tools print them or one per line as kubectl does), each with its
 * flag's name. At most 60.
 */
export function flagSettings(body: string): { key: string; value: string; line: string }[] {
  const out: { key: string; value: string; line: string }[] = [];
  let inArgs = false;
  for (const l of body.split('\n').slice(0, 400)) {
    if (/^\s{0,12}(?:Args|Command):/.test(l)) inArgs = true;
    else if (/^\s{0,12}[A-Z][\w ]{0,30}:/.test(l)) inArgs = false;
    if (!inArgs || l.length > 8_000) continue;
    for (const m of l.matchAll(/(?<!\S)--?([A-Za-z][\w.-]{0,80})=(\S{1,120})/g)) {
      if (out.length < 60) out.push({ key: m[1]!, value: m[2]!, line: m[0] });
    }
  }
  return out;
}

/**
 * A failure that says a limit was reached (`connection limit exceeded`, `pool exhausted`, `Exceeded …
 * failure threshold`): what the limit's own setting then answers. A deadline or timeout exceeded is not one,
 * whatever word follows it ("deadline exceeded while calling quota-service").
 */
export const LIMIT_REACHED =
  /limit (?:exceeded|reached)|(?:pool|queue) (?:is )?(?:full|exhausted)|too many|quota (?:exceeded|reached)|max(?:imum)? number of [a-z]{1,20}(?: [a-z]{1,20})? reached|(?<!deadline |timeout |time )exceeded [\w -]{0,40}\b(?:limit|quota|cap|capacity|threshold)s?\b(?![-\w])/i;

/**
 * The ConfigMaps a described pod reads its settings from, settings only (see `NOT_SETTINGS`): those it
 * mounts as volumes, then those its containers take variables from (`envFrom`, `configMapKeyRef`).
 */
export function podConfigMaps(describedPod: string): string[] {
  const names = [...describedPod.matchAll(CONFIGMAP_VOLUME)].map((m) => m[1]!);
  for (const m of describedPod.matchAll(CONFIGMAP_ENV)) names.push((m[1] ?? m[2])!);
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
 * failure lines, the ConfigMaps the pod takes settings from are read (at most two, at the end of the
 * budget; see `podConfigMaps`); when
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
    const reads: Read[] = [];
    for (const o of failingLogs(ctx)) {
      const ns = String(o.args['namespace'] ?? ctx.ns);
      const d = describedPod(ctx, ns, String(o.args['name']));
      for (const n of d ? podConfigMaps(d) : []) {
        if (reads.length >= MAX_READS) break;
        if (!reads.some((x) => x.args['name'] === n && x.args['namespace'] === ns))
          reads.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', name: n, namespace: ns } });
      }
    }
    return reads;
  },
  finds: () => [],
};

/** One setting found for a failure, where it is, how well its name matches, and its place in reading order. */
interface Found {
  readonly text: string;
  readonly where: string;
  readonly score: number;
  readonly order: number;
  readonly knob: boolean;
}

/**
 * The settings of one described pod (its ConfigMaps as read in `ns`, see `podConfigMaps`, its containers' literal
 * variables and `--flag=value` arguments) whose names share a word with `failure` (see `shared`),
 * switches, quantities and limits only (see `knob`); `owner` says whose they are when not the quoting pod's.
 */
function podSettings(
  seen: AnalyzerContext['seen'],
  ns: string | undefined,
  pod: string,
  failure: readonly string[],
  owner: string,
  found: Found[],
): void {
  const shared = (name: string) => {
    const ws = words(name);
    const n = failure.filter((f) => ws.some((w) => sameStem(w, f))).length;
    return n === 0 ? 0 : 2 * n + (KNOB.test(name) ? 1 : 0);
  };
  const add = (key: string, value: string, text: string, where: string) => {
    const score = knob(key, value) ? shared(key) : 0;
    if (score > 0 && !found.some((f) => f.text === text))
      found.push({ text, where, score, order: found.length, knob: KNOB.test(key) });
  };
  for (const cm of podConfigMaps(pod)) {
    const d = outputs(
      seen,
      'describe_resource',
      (o) =>
        o.args['kind'] === 'ConfigMap' &&
        o.args['name'] === cm &&
        (ns === undefined || o.args['namespace'] === ns),
    ).pop();
    for (const x of d ? configMapSettings(d.content) : [])
      add(x.key, x.value, x.line, `ConfigMap ${cm}${owner}`);
  }
  for (const c of containerSections(pod)) {
    for (const v of envOf(c.body))
      add(v.name, v.value, `${v.name}=${v.value}`, `container ${c.name}${owner}`);
    for (const f of flagSettings(c.body))
      add(f.key, f.value, f.line, `arguments of container ${c.name}${owner}`);
  }
}

/** How many words two lines must share (one stem each) for the second to report the same failure. */
const KIN_WORDS = 3;

/** At most this many failing pods of other namespaces are described in one run. */
const MAX_OTHER_SIDE = 2;

/** The logs the run read (any namespace) that hold failure lines. */
function failingLogs(ctx: Pick<AnalyzerContext, 'seen'>) {
  return outputs(ctx.seen, 'get_pod_logs').filter((o) => errorLines(o.content.slice(-200_000)).length > 0);
}

/**
 * The program on the other side of a failure: a pod of another namespace whose log the run read and
 * holds failure lines (a server a failing client calls, whose log the dependency reads fetched), not
 * described yet, is described (at most two in a run), so its own settings (flags, variables, ConfigMaps) can be read by
 * `failureSettings`. Its read comes as soon as such a log is read (`early`), before the slower reads.
 */
export const otherSideSettingsAnalyzer: Analyzer = {
  name: 'other-side-settings',
  early: true,
  reads(ctx): Read[] {
    const elsewhere = failingLogs(ctx).filter((o) => String(o.args['namespace'] ?? ctx.ns) !== ctx.ns);
    const described = elsewhere.filter((o) =>
      describedPod(ctx, String(o.args['namespace']), String(o.args['name'])),
    );
    if (described.length >= MAX_OTHER_SIDE) return [];
    const next = elsewhere.find((o) => !described.includes(o));
    return next
      ? [
          {
            tool: 'describe_pod',
            args: { namespace: String(next.args['namespace']), name: String(next.args['name']) },
          },
        ]
      : [];
  },

  finds: () => [],
};

/**
 * The sentence `failureSettingsAnalyzer` adds below an answer's evidence (see there), for the first
 * evidence entry that quotes a log line of a described pod; undefined when no setting shares a word
 * with that line. The settings of the programs on the other side are read too: a described pod of
 * another workload whose log holds a failure line that shares three words or more with the quoted one
 * ("transaction pool connection limit exceeded" in a client's log and in the server's). When the
 * failure says a limit was reached and a quoted setting names a limit, the sentence says which one
 * sets it. Bounded: 600 data lines of each ConfigMap, each of at most 300 characters; 400 lines of a
 * container's description.
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
    const failure = [...new Set([...words(q.line), ...quotedParts(context).flatMap(words)])];
    if (failure.length === 0) return undefined;
    const found: Found[] = [];
    podSettings(seen, ns, pod, failure, '', found);
    // The other side: another workload's pod whose log reports the same failure in its own words.
    const own = [...new Set(words(q.line))];
    const mine = ownerName(q.pod);
    for (const o of outputs(seen, 'get_pod_logs', (x) => ownerName(String(x.args['name'])) !== mine)) {
      const other = String(o.args['name']);
      const kin = errorLines(o.content.slice(-200_000)).some((l) => {
        if (l.length > 4_000) return false;
        const theirs = words(l);
        return own.filter((w) => theirs.some((x) => sameStem(x, w))).length >= KIN_WORDS;
      });
      const d = kin ? describedPod({ seen }, String(o.args['namespace']), other) : undefined;
      if (d) podSettings(seen, String(o.args['namespace']), d, failure, ` of ${other}`, found);
    }
    if (found.length === 0) return undefined;
    const picked = found
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, MAX_QUOTED)
      .sort((a, b) => a.order - b.order);
    const said = picked.map((p) => `"${clip(p.text, 160)}" (${p.where})`).join(', ');
    // The limit named is the best-matching knob quoted (ties: the first in reading order).
    const limit = LIMIT_REACHED.test(q.line)
      ? picked.filter((p) => p.knob).sort((a, b) => b.score - a.score || a.order - b.order)[0]
      : undefined;
    const raise = limit
      ? ` The failure says a limit was reached, and "${clip(limit.text, 100)}" is the setting that sets one: if the load is legitimate, raise it (after checking what holds the capacity it bounds).`
      : '';
    return `Settings that name what fails, for ${q.pod}: ${said}.${raise}`;
  }
  return undefined;
}
