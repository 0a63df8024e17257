/**
 * What the baseline reads out of tool outputs: the rows of a pod or deployment list, the lines of a
 * log that explain a crash, the hosts a program could not reach, the Services behind them. Shared by
 * the baseline's loop and its failure signatures (`./signatures/`); plain text in, plain values out.
 */
import type { ParsedFinding } from '@sre-harness/tools-k8s';
import { envOf } from '../analyzers/env-values.js';
import { isRuntimeHint } from '../analyzers/log-glosses.js';
import { probeCause } from '../analyzers/probes.js';
import {
  clip,
  configMapVolumes,
  containerSections,
  describedField,
  describedMounts,
  outputs,
  pastPods,
  serviceHost,
} from '../analyzers/types.js';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';

/** A memory limit to propose: bytes rounded up to a whole Mi, written in Gi when it is whole Gi. */
export function formatMemory(bytes: number): string {
  const mi = Math.ceil(bytes / 1024 ** 2);
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/** A CPU limit to propose: whole cores, or millicores. */
export function formatCpu(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`;
}

export interface PodRow {
  name: string;
  ready: string;
  status: string;
  restarts: number;
  /** Seconds since the last restart, from the RESTARTS column (`9 (46h ago)`), when shown. */
  lastRestartAgo?: number;
  /** A failed run of a Job whose retry (a pod of the same run) Completed: the Job succeeded. */
  retried?: true;
  /** An evicted pod whose ReplicaSet has Ready pods again: a leftover record, not a failure now. */
  evicted?: true;
}

export interface DeploymentRow {
  name: string;
  ready: string;
  desired: number;
  readyCount: number;
}

export function lastOf(
  seen: readonly SeenObservation[],
  tool: string,
  pred: (o: SeenObservation) => boolean = () => true,
) {
  for (let i = seen.length - 1; i >= 0; i--) {
    const o = seen[i]!;
    if (o.tool === tool && pred(o)) return o;
  }
  return undefined;
}

/** The pods of the namespace under investigation, as its last full `list_pods` shows them. */
export function podRows(seen: readonly SeenObservation[], ns: string): PodRow[] {
  // Only this namespace's list: a look at kube-system's pods (CoreDNS) must not stand in for it.
  const o = lastOf(
    seen,
    'list_pods',
    (x) => x.status === 'ok' && !x.args['labelSelector'] && (x.args['namespace'] ?? ns) === ns,
  );
  if (!o) return [];
  const table = parseTable(o.content).filter((r) => r['NAME']);
  // kubectl shows an evicted pod's container state (Error) in STATUS; its description says Evicted.
  const evicted = new Set(
    seen
      .filter(
        (x) =>
          x.tool === 'describe_pod' &&
          x.status === 'ok' &&
          /^Status:\s+Failed\b/m.test(x.content) &&
          /^Reason:\s+Evicted\s*$/m.test(x.content),
      )
      .map((x) => String(x.args['name'] ?? '')),
  );
  const past = pastPods(table, evicted);
  const rows: PodRow[] = table.map((r) => ({
    name: r['NAME']!,
    ready: r['READY'] ?? '',
    status: r['STATUS'] ?? '',
    restarts: Number.parseInt(r['RESTARTS'] ?? '0', 10) || 0,
    ...agoOf(r['RESTARTS'] ?? ''),
  }));
  for (const p of rows) {
    const kind = past.get(p.name);
    if (kind === 'retried') p.retried = true;
    else if (kind === 'evicted') p.evicted = true;
  }
  return rows;
}

export function deploymentRows(seen: readonly SeenObservation[]): DeploymentRow[] {
  const o = lastOf(seen, 'list_deployments', (x) => x.status === 'ok');
  if (!o) return [];
  return parseTable(o.content)
    .filter((r) => r['NAME'])
    .map((r) => {
      const [ready, desired] = (r['READY'] ?? '0/0').split('/').map((x) => Number.parseInt(x, 10) || 0);
      return { name: r['NAME']!, ready: r['READY'] ?? '', readyCount: ready ?? 0, desired: desired ?? 0 };
    });
}

/**
 * A pod whose containers last restarted this long ago and are Running and Ready since has no crash
 * loop now: the kubelet's back-off is at most five minutes, so a loop restarts far more often.
 */
export const PAST_CRASH_SECONDS = 12 * 3600;

/** Seconds in a kubectl age (`46h`, `2d3h`, `5m30s`), or undefined. */
export function ageSeconds(age: string): number | undefined {
  const parts = [...age.matchAll(/(\d{1,9})([dhms])/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join('') !== age) return undefined;
  const unit: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  return parts.reduce((sum, m) => sum + Number(m[1]) * unit[m[2]!]!, 0);
}

/** Seconds since the last restart kubectl's RESTARTS column shows (`2 (5h36m ago)`), or undefined when it does not say. */
export function lastRestartAgo(restarts: string): number | undefined {
  const ago = /\((\w{1,20}) ago\)/.exec(restarts)?.[1];
  return ago ? ageSeconds(ago) : undefined;
}

function agoOf(restarts: string): { lastRestartAgo?: number } {
  const s = lastRestartAgo(restarts);
  return s === undefined ? {} : { lastRestartAgo: s };
}

/** Seconds since a described container's Last State finished (`Finished: … (46h ago)`), when shown. */
export function lastFinishedAgo(body: string): number | undefined {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^\s*Last State:/.test(l));
  if (at < 0) return undefined;
  for (const l of lines.slice(at + 1, at + 8)) {
    const m = /^\s*Finished:[^(\n]{0,60}\((\w{1,20}) ago\)/.exec(l);
    if (m) return ageSeconds(m[1]!);
    if (/^\s*(Ready|Restart Count|State):/.test(l)) break;
  }
  return undefined;
}

export function isUnhealthy(p: PodRow): boolean {
  const [r, t] = p.ready.split('/');
  if (/^(Completed|Succeeded)$/.test(p.status) || p.retried || p.evicted) return false;
  const unready = r !== undefined && t !== undefined && r !== t;
  const pastRestarts = (p.lastRestartAgo ?? 0) >= PAST_CRASH_SECONDS;
  return p.status !== 'Running' || unready || (p.restarts >= 3 && !pastRestarts);
}

export function severity(p: PodRow): number {
  if (/CrashLoopBackOff|Error|OOMKilled|Init:/.test(p.status)) return 5;
  if (/ImagePull|ErrImage|CreateContainer|InvalidImage/.test(p.status)) return 5;
  if (p.status === 'Pending') return 4;
  if (p.status !== 'Running') return 3;
  return p.restarts >= 3 ? 2 : 1;
}

export function matchesHint(name: string, hs: readonly string[]): boolean {
  return hs.some((h) => name === h || name.startsWith(`${h}-`) || (h.length >= 5 && containsHint(name, h)));
}

/** Whether `name` contains `h`, not followed by another digit when `h` ends in one (`osd-1` is not in `osd-10`). */
function containsHint(name: string, h: string): boolean {
  if (!/\d$/.test(h)) return name.includes(h);
  for (let at = name.indexOf(h); at >= 0; at = name.indexOf(h, at + 1))
    if (!/\d/.test(name[at + h.length] ?? '')) return true;
  return false;
}

/** The deployment a pod belongs to: the longest deployment name that prefixes the pod name. */
export function ownerOf(
  pod: string,
  deps: readonly DeploymentRow[],
  describe?: string,
  /** Only a name of a Deployment's pod's shape counts (see below); otherwise any name the Deployment's prefixes. */
  strict = false,
): string | undefined {
  const by = describe ? /Controlled By:\s*([A-Za-z]+)\/(\S+)/.exec(describe) : null;
  // Another controller (a StatefulSet, a DaemonSet, a Job) owns it: no Deployment does.
  if (by && by[1] !== 'ReplicaSet') return undefined;
  const m = by ? [by[0], by[2]] : null;
  if (m) {
    const rs = m[1]!;
    const base = rs.replace(/-[a-z0-9]{5,10}$/, '');
    // The Deployment whose name is the ReplicaSet's without its hash; else the longest that prefixes it
    // (edgedb-pg-7fms5bkjt is edgedb-pg's, not edgedb's).
    const dep =
      deps.find((d) => d.name === base) ??
      [...deps].sort((a, b) => b.name.length - a.name.length).find((d) => rs.startsWith(`${d.name}-`));
    if (dep) return dep.name;
    return base;
  }
  // A Deployment's pod is `<deployment>-<ReplicaSet hash>-<suffix>`: strictly, a name with more parts after
  // the Deployment's (`firefly-iii-cron-29554740-j24ft`, a CronJob's Job pod) is another controller's.
  return [...deps]
    .sort((a, b) => b.name.length - a.name.length)
    .find((d) => pod.startsWith(`${d.name}-`) && (!strict || deploymentPodRest(pod.slice(d.name.length + 1))))
    ?.name;
}

/**
 * Whether what follows a Deployment's name in a pod's name is `<ReplicaSet hash>-<suffix>` (or the suffix alone,
 * where a long name was cut): a hash of 5 to 10
 * letters and digits with a digit or no vowel (the pod-template hash's alphabet has no vowels), then 5 of
 * them; not a StatefulSet's `db-0` nor a hook Job's `migrate-x7k2p`.
 */
function deploymentPodRest(rest: string): boolean {
  const parts = rest.split('-');
  // A long name the generator cut keeps only the suffix (`<deployment>-x7k2p`).
  if (parts.length === 1) return /^[a-z0-9]{5}$/.test(parts[0]!);
  if (parts.length !== 2) return false;
  const [hash, suffix] = parts as [string, string];
  return (
    /^[a-z0-9]{5,10}$/.test(hash) &&
    (/\d/.test(hash) || !/[aeiou]/.test(hash)) &&
    /^[a-z0-9]{5}$/.test(suffix)
  );
}

/**
 * A container's limit for one resource, from the `Limits:` block of its `kubectl describe` section
 * (`memory: 512Mi`, `cpu: 2`); undefined when the block or the resource is absent. Reads the block's
 * own lines only, never a `Requests:` block below it.
 */
export function resourceLimit(body: string, resource: string): string | undefined {
  return resourceIn(body, 'Limits', resource);
}

/** A container's request of `resource` from its describe_pod section (`Requests:` block), as printed (`2`, `250m`). */
export function resourceRequest(body: string, resource: string): string | undefined {
  return resourceIn(body, 'Requests', resource);
}

const BLOCK_HEAD = { Limits: /^\s*Limits:\s*$/, Requests: /^\s*Requests:\s*$/ } as const;

function resourceIn(body: string, block: keyof typeof BLOCK_HEAD, resource: string): string | undefined {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => BLOCK_HEAD[block].test(l));
  if (at < 0) return undefined;
  for (const l of lines.slice(at + 1, at + 17)) {
    const m = /^\s+([\w./-]{1,64}):\s+(\S{1,32})\s*$/.exec(l);
    if (!m) break;
    if (m[1] === resource) return m[2];
  }
  return undefined;
}

/** A container's memory limit (see `resourceLimit`). */
export function memoryLimit(body: string): string | undefined {
  return resourceLimit(body, 'memory');
}

export function firstLine(text: string, re: RegExp): string | undefined {
  return text.split('\n').find((l) => re.test(l));
}

/**
 * The lines a program printed: without the tools' own notes (a "(no log lines …)" placeholder, a
 * "Defaulted container" line), which are not the program's words.
 */
export function logLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !/^\(no log lines|^Defaulted container "/.test(l));
}

/**
 * A parse error of a structured file, as the common parsers print it: Python's json and PyYAML,
 * tomllib, Go's encoding/json and yaml, Node's JSON.parse, Jackson and SnakeYAML, Rust's serde_json
 * and toml. Plain substrings (no regular expression over the untrusted line).
 */
const PARSE_ERRORS: readonly string[] = [
  'jsondecodeerror', // Python json: "json.decoder.JSONDecodeError: Expecting ',' delimiter: line 3 column 5"
  'yaml.scanner.scannererror', // PyYAML
  'yaml.parser.parsererror',
  'yaml.constructor.constructorerror',
  'tomldecodeerror', // Python tomllib / toml
  'in json at position', // Node JSON.parse: "Unexpected token } in JSON at position 214"
  'unexpected end of json input', // Node and Go encoding/json
  'is not valid json', // Node 20+: "Unexpected token 'x', "..." is not valid JSON"
  'looking for beginning of', // Go encoding/json: "invalid character '}' looking for beginning of object key string"
  'after object key:value pair', // Go encoding/json
  'yaml: line ', // Go yaml.v2/v3: "yaml: line 9: did not find expected key"
  'yaml: unmarshal errors', // Go yaml: type mismatches
  'jsonparseexception', // Jackson
  'org.yaml.snakeyaml', // SnakeYAML (Spring Boot's YAML)
  'toml parse error', // Rust toml crate
  'trailing comma at line', // serde_json
  'expected value at line', // serde_json
  'key must be a string at line', // serde_json
];

/** Whether a log line is a structured-file parser's error (see `PARSE_ERRORS`). */
export function isParseError(line: string): boolean {
  const l = line.toLowerCase();
  return PARSE_ERRORS.some((p) => l.includes(p));
}

const CONFIG_FILE = /(\/[\w./-]{1,256}\.(?:ya?ml|json|toml|conf|ini|cfg|properties))\b/g;

/**
 * A crash while loading a configuration file (a parse error, an unknown field): the file named in
 * the line, else the last configuration file the log names before it (the "loading /etc/app/x.json"
 * line a program prints first), else the container's `--config` argument; and the ConfigMap volume it
 * comes from: the one mounted at the file's directory, else the pod's only ConfigMap volume.
 */
export function configError(
  line: string | undefined,
  body: string,
  pod: string,
  log = '',
): { file?: string; map?: string } | undefined {
  if (!line) return undefined;
  const parse = isParseError(line);
  if (!parse) {
    if (!/\bconfig(uration)?\b|\.ya?ml\b|\.json\b|\.toml\b|\.conf\b|\.ini\b/i.test(line)) return undefined;
    if (!/loading|parse|parsing|unmarshal|invalid|unknown field|not found in type|syntax/i.test(line))
      return undefined;
  }
  const before = log.includes(line) ? log.slice(0, log.indexOf(line)) : log;
  const file =
    [...line.matchAll(CONFIG_FILE)].pop()?.[1] ??
    [...before.matchAll(CONFIG_FILE)].pop()?.[1] ??
    /--config(?:\.file)?[= ](\S+)/.exec(body)?.[1];
  const map = file ? (mountedConfigMap(file, body, pod) ?? firstConfigMap(pod)) : firstConfigMap(pod);
  // A parse error of a file that neither the log nor the spec ties to the configuration is not one.
  if (parse && !file && !map) return undefined;
  return { ...(file ? { file } : {}), ...(map ? { map } : {}) };
}

function firstConfigMap(pod: string): string | undefined {
  return /Type:\s*ConfigMap[^\n]*\n\s*Name:\s*(\S+)/.exec(pod)?.[1];
}

/**
 * The ConfigMap mounted at the directory holding `file`: the container's `Mounts:` line
 * (`/etc/app from settings (ro)`) whose path is the longest prefix of the file, and the pod's volume of
 * that name with `Type: ConfigMap`.
 */
export function mountedConfigMap(file: string, body: string, pod: string): string | undefined {
  let best: { path: string; volume: string } | undefined;
  for (const m of describedMounts(body)) {
    const path = m.path.replace(/\/$/, '');
    if ((file === path || file.startsWith(`${path}/`)) && (!best || path.length > best.path.length))
      best = { path, volume: m.volume };
  }
  if (!best) return undefined;
  const volumes = pod.slice(Math.max(0, pod.search(/^Volumes:/m)));
  const at = volumes.indexOf(`\n  ${best.volume}:\n`);
  if (at < 0) return undefined;
  return /^\s*Type:\s*ConfigMap[^\n]*\n\s*Name:\s*(\S+)/.exec(
    volumes.slice(at + best.volume.length + 5),
  )?.[1];
}

/** A line saying the program carries on with a default value: a warning, not why it stopped. */
export const DEFAULTED =
  /\b(?:using (?:the )?default|defaulting to|defaults? to|falling back to|fall(?:s|ing)? back|using fallback|continuing without|will be (?:sent|skipped|disabled|ignored|unsigned)|(?:is|are|stays?) disabled)\b/i;

/** A line that denies the default ("refusing to fall back", "no longer defaults"): the variable is needed. */
const REFUSES_DEFAULT =
  /\b(?:refus\w{0,4} to|no longer|will not|won't|cannot|can't|never)\s{1,3}(?:\w{1,20}\s{1,3}){0,2}(?:fall\w{0,4} back|defaults?|use)\b/i;

/**
 * A line saying variables are passed over, not missing: Bitnami's "Configurations based on environment
 * variables will not be applied for this file", "environment variables are ignored when a config file is
 * given". Unless the same line says one is required (`DATABASE_URL is required; DB_HOST and DB_PORT are
 * ignored`).
 */
const DISREGARDED = /\b(?:will not be applied|won't be applied|(?:is|are) ignored)\b/i;
const REQUIRED = /\b(?:is|are) required\b|\bmust be (?:set|provided|defined)\b/i;

/** Words a program uses to say a variable it needs is unset. */
const SAYS_MISSING =
  /environment variable|env(ironment)? var|\bnot set\b|must be set|is required|missing [^\n]{0,200}?(variable|env)|undefined variable/i;

/**
 * A start-up step that only names variables ("Validating settings in DISCOURSE_* env vars...", Bitnami's
 * images), saying nothing is missing: progress, not a report.
 */
const NAMES_VARIABLES_ONLY = {
  test: (l: string): boolean =>
    /\b(?:Validating|Checking|Loading|Reading|Verifying|Parsing|Exporting)\b/i.test(l) &&
    // Anywhere on the line, before the verb or after it: words that report a variable missing or a failure.
    !/\b(?:missing|not set|must|required|undefined|empty|invalid|not found|unset|error|fail\w{0,4}|cannot|can't)\b/i.test(
      l,
    ),
};

/**
 * The first line of a log that says, in words, that a variable the program needs is not set; not a
 * variable it goes on without ("not set, using default") nor a runtime's own hint (Rust's "run with
 * `RUST_BACKTRACE=1` environment variable"). One reading, shared by the crash signature and the
 * analyzers that look for where the variable should have come from.
 */
export function missingVariableSaid(log: string): string | undefined {
  return logLines(log).find(
    (l) =>
      SAYS_MISSING.test(l) &&
      !NAMES_VARIABLES_ONLY.test(l) &&
      (!DEFAULTED.test(l) || REFUSES_DEFAULT.test(l)) &&
      (!DISREGARDED.test(l) || REQUIRED.test(l)) &&
      !isRuntimeHint(l) &&
      !HTTP_REQUEST.test(l) &&
      !FROM_ENVIRONMENT.test(l),
  );
}

/**
 * A line that reports a setting taken from a variable that is set (Grafana's `Config overridden from
 * Environment variable var="GF_PATHS_DATA=/var/lib/grafana"`): the variable is there.
 */
const FROM_ENVIRONMENT =
  /\b(?:overridden|overrides?|set|taken|read|loaded|using|used) (?:from|by|via) (?:the |an? )?env(?:ironment)?\b/i;

/**
 * A line about one HTTP request (`POST /v2/quotes 400 3ms ... "postcode is required"`): a field the
 * request lacked, which the program refused, not a variable it needs to start.
 */
const HTTP_REQUEST = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S{0,300} [1-5]\d\d\b/;

/**
 * A missing environment variable said the way a runtime says it without those words: Python's
 * `os.environ['X']` raising `KeyError: 'X'` (the traceback names `os.environ` or the `os` module's
 * `__getitem__`), pydantic-settings' "validation error for …Settings" with "Field required" under the
 * field's name (read from the environment, case-insensitively), and Rust's `std::env::var` returning
 * `Err(NotPresent)` into an `unwrap`/`expect`, and Ruby's `ENV.fetch("X")` raising `key not found:
 * "X" (KeyError)`. The line to quote and the variable's name, when shown.
 */
export function missingEnvLine(log: string): { line: string; name?: string } | undefined {
  const lines = log.split('\n');
  if (/os\.environ\[|<frozen os>|os\.py", line \d{1,6}, in __getitem__/.test(log)) {
    const line = lines.find((l) => /^\s*KeyError: '[A-Za-z_][A-Za-z0-9_]{0,127}'/.test(l));
    if (line)
      return { line: line.trim(), name: /KeyError: '([A-Za-z_][A-Za-z0-9_]{0,127})'/.exec(line)![1]! };
  }
  if (/validation errors? for [A-Za-z_]{0,64}Settings\b/.test(log)) {
    const at = lines.findIndex((l) => /^\s*Field required\b/.test(l));
    const field = at > 0 ? /^\s*([A-Za-z_][A-Za-z0-9_]{0,127})\s*$/.exec(lines[at - 1]!)?.[1] : undefined;
    if (field) return { line: lines[at]!.trim(), name: field.toUpperCase() };
  }
  // Rails in production without its secret: `Missing `secret_key_base` for 'production' environment`
  // (Rails::Application#validate_secret_key_base), which it reads from SECRET_KEY_BASE (Rails guides,
  // "Securing Rails Applications"). Matched without "Missing", which a redactor may mask.
  const rails = lines.find((l) => /`secret_key_base` for '[a-z]{1,40}' environment/.test(l));
  if (rails) return { line: rails.trim(), name: 'SECRET_KEY_BASE' };
  const rust = lines.find((l) => /`Err` value: NotPresent\b/.test(l));
  if (rust) return { line: rust.trim() };
  // Ruby's ENV.fetch("NAME") on an unset variable: `key not found: "NAME" (KeyError)`, an
  // environment-style (upper-case) name; a Hash#fetch on other data names other keys.
  const ruby = lines.find((l) => l.includes('(KeyError)') && l.includes('key not found: "'));
  const rubyName = ruby
    ? /key not found: "([A-Z_][A-Z0-9_]{0,127})" \(KeyError\)/.exec(ruby)?.[1]
    : undefined;
  if (ruby && rubyName) return { line: ruby.trim(), name: rubyName };
  return undefined;
}

/**
 * The variables a header line lists under it (envalid's "Missing environment variables:" then one
 * indented `NAME: description` per variable; other loaders print `- NAME` or the bare name), read
 * from the lines right after `header`. At most three.
 */
export function envNamesAfter(log: string, header: string): string[] {
  const lines = log.split('\n');
  const at = lines.findIndex((l) => l.includes(header));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1, at + 11)) {
    const m = /^\s+(?:-\s{0,4})?([A-Z][A-Z0-9_]{1,127})(?::|\s*$)/.exec(l);
    if (m) out.push(m[1]!);
    else if (out.length > 0 || /\S/.test(l.replace(/[=\-*#\s]/g, ''))) break;
  }
  return out.slice(0, 3);
}

/** The Message of a container's Last State (its termination message), from a describe_pod section. */
export function lastStateMessage(body: string): string | undefined {
  const lines = body.split('\n');
  const at = lines.findIndex((l) => /^\s*Last State:/.test(l));
  if (at < 0) return undefined;
  for (const l of lines.slice(at + 1, at + 8)) {
    const m = /^\s*Message:\s*(.+)$/.exec(l);
    if (m) return m[1]!.trim();
    if (/^\s*(Ready|Restart Count|State):/.test(l)) break;
  }
  return undefined;
}

/**
 * The words of a runtime's stop anywhere in a line (`fatal`, `panic`, `exception`), prose included: the rank
 * of `TELLING` above its last.
 */
export const FATAL_WORDS = /fatal|panic|exception/i;

/** What a log line says about why a program stopped: the most specific causes first. */
export const TELLING: readonly RegExp[] = [
  /permission denied|access denied|forbidden|not authori[sz]ed|flag provided but not defined|unknown (flag|option|argument|command)|unrecognized (option|argument)|no such file|not defined|division by zero|syntax error|cannot find module|module not found/i,
  // A Python traceback ends in the exception line ("KeyError: 'S3_BUCKET'"), never its first line.
  /^\s*[A-Za-z_.]*(Error|Exception): /,
  // klog's fatal level (`F0923 09:18:52.402118 1 main.go:43] While parsing config: …`): the line glog and
  // klog print before the goroutine dump that ends the program.
  /^F\d{4} \d\d:\d\d:\d\d(?:\.\d{1,9})?\s{1,12}\d{1,10} \S{1,200}\] /,
  FATAL_WORDS,
  /error|denied|refused|failed|cannot|can't|unable|invalid|no such|not found/i,
];

/**
 * A line of a Go goroutine dump: its header, a frame (`pkg/glog.Fatal(0xc00015dee8, 0x1, 0x1)`,
 * `main.initConfig()`, Go 1.18's `0x1?` for an argument it is unsure of) or a frame's file line (`\t/go/src/…/main.go:43 +0x1d6`). It says where, not why.
 */
const GO_DUMP =
  /^goroutine \d{1,9} \[|^\s+\/\S{1,400}\.go:\d{1,7}(?: \+0x[0-9a-f]{1,16})?$|^[\w./*()-]{1,400}\((?:(?:0x[0-9a-f]{1,16}\??|\.\.\.|\{[^}]{0,200}\})(?:, )?){0,20}\)$/;

/**
 * What a log line says, without its header: the value of a structured error field (`err="…"`,
 * `"error":"…"`) when it has one, else the line after its timestamp and level prefix. A quote clipped
 * to its first hundred characters otherwise keeps the header and drops the cause at the end.
 */
export function gist(line: string): string {
  const field = /\b(?:err|error)=("(?:[^"\\]|\\.)*"|\S+)|"(?:err|error)"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(
    line,
  );
  let value = field ? (field[2] ?? field[1]!.replace(/^"|"$/g, '')) : undefined;
  // Quotes nested without escapes (err="pods/log "x" is forbidden: …"): the value closed early when
  // the line goes on past its closing quote; the error then runs to the line's last quote.
  if (field?.[1]?.startsWith('"')) {
    const end = field.index + field[0].length;
    const last = line.lastIndexOf('"');
    if (last > end && /\S/.test(line.slice(end, end + 1)))
      value = line.slice(field.index + field[0].indexOf('"') + 1, last);
  }
  if (value && value.length >= 8) return value.replace(/\\n/g, ' ').replace(/\\"/g, '"');
  return line
    .replace(/^[IWEF]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s+\d+ \S+\]\s*/, '')
    .replace(/^(?:ts=)?\d{4}-\d{2}-\d{2}[T ][\d:.]+Z?\s+/, '');
}

/**
 * The line of a log that names the exit code the container ended with (`Stopping the worker (exit
 * status 12).`, `exiting with status code 3.`, `exit(2)`, `exit_code=3`, `"exitCode":3`): a program that
 * chooses its own exit code says why beside it, whatever level it logs that at. Only among the last five
 * lines, and only when no failure line follows it (a child process's `git fetch exited with code 1`
 * before the panic that ended the program is not the program's reason). Undefined for exit codes 0 and
 * above 128 (a signal's, set by whoever killed the process), and when no line names the code. Lines
 * longer than 2,000 characters are skipped.
 */
export function exitCodeLine(text: string, exit: number | undefined): string | undefined {
  if (exit === undefined || !Number.isInteger(exit) || exit <= 0 || exit > 128) return undefined;
  const names = new RegExp(
    `(?:\\bexit(?:s|ed|ing)?(?: with)?(?: (?:status|code))?(?: code)?\\s{0,2}[=:(]?\\s{0,2}|\\bexit[_-]?code"?\\s{0,2}[=:]\\s{0,2}"?)${exit}(?!\\d|\\.\\d)`,
    'i',
  );
  const tail = logLines(text).slice(-5);
  for (let i = tail.length - 1; i >= 0; i--) {
    const l = tail[i]!;
    if (l.length <= 2000 && names.test(l)) return l;
    // A failure after it is what ended the program.
    if (FAILED_AFTER.test(l)) return undefined;
  }
  return undefined;
}

/** A line that reports a failure of its own (a panic, a traceback, an error or fatal level). */
const FAILED_AFTER = /panic:|Traceback|\bFATAL\b|\bERROR\b|level=error|"level":"error"|Exception\b/;

/** The line of a log that best explains a crash (see `TELLING`), the first of its rank. */
export function tellingLine(text: string): string | undefined {
  const lines = logLines(text);
  for (const re of TELLING) {
    const at = lines.findIndex((l) => re.test(l) && !GO_DUMP.test(l));
    if (at >= 0) return withContinuation(lines, at);
  }
  return undefined;
}

/**
 * A log line with the lines that finish it: an error that ends in ":" ("… the following error(s):")
 * or that the next line continues (an indented line, a "Caused by:", a Java exception class) is one
 * error across lines, and its cause is in the continuation. At most two more lines, not counting Java
 * stack frames, which are skipped (within 400 lines) so that a `Caused by:` after them is read; of a
 * chain of causes the innermost is kept, after the exception it started from shortened to 200
 * characters, so the cause survives a clipped quote. After frames only a `Caused by:` continues.
 */
export function withContinuation(lines: readonly string[], at: number): string {
  let out = lines[at]!;
  // The exception a chain of `Caused by:` starts from, once one is read; then only the innermost cause is kept.
  let head: string | undefined;
  let end = at + 2;
  let framed = false;
  const last = Math.min(lines.length - 1, at + MAX_TRACE_LINES);
  for (let i = at + 1; i <= last && i <= end; i++) {
    const next = lines[i]!.replace(/\r$/, '');
    // A parser's excerpt of the file ("TOML parse error at line 9, column 1", then "  |", "9 | [upstream]",
    // "  | ^^^^"): its gutter lines are skipped, and the message after them ("missing field `x`") read.
    const gutter = (l: string) => /^\s{0,12}\d{0,7}\s{0,3}\|/.test(l);
    if (/parse error at line \d/i.test(out) && gutter(next)) {
      if (end < at + 8) end++;
      continue;
    }
    // A Java stack frame (`\tat a.b.C.m(C.java:47)`, `... 18 common frames omitted`) between an
    // exception and its `Caused by:` says where, not why: skipped, and the cause after it read.
    if (/^\s*(?:at\s+[\w$.<>/@-]{1,300}\(|\.\.\. \d{1,6} (?:common frames omitted|more)\b)/.test(next)) {
      framed = true;
      end = i + 1;
      continue;
    }
    const cause = next.startsWith('Caused by:');
    // After frames only a `Caused by:` goes on with this exception: another exception line starts the next trace.
    const continues =
      cause ||
      (!framed &&
        ((gutter(lines[i - 1]!) && /parse error at line \d/i.test(out)) ||
          lines[i - 1]!.trimEnd().endsWith(':') ||
          /^\s/.test(next) ||
          /^(\s*at\s|[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_$]+){1,12}(?:Error|Exception)\b)/.test(next)));
    if (!continues) break;
    if (cause) {
      // The innermost cause is what a quote must keep: the exception it started from is shortened to
      // 200 characters, and an outer cause gives way to the next one.
      head ??= out.length > 200 ? clip(out, 200) : out;
      out = `${head.trimEnd()} ${next.trim()}`;
      framed = false;
      end = i + 2;
      continue;
    }
    out = `${out.trimEnd()} ${next.trim()}`;
  }
  return out;
}

/** At most this many lines after an exception are read for its causes (frames included). */
const MAX_TRACE_LINES = 400;

/**
 * The scan's findings the baseline takes as they are: every family but pods, and the pod findings
 * that need no log (a missing ConfigMap, Secret or key, a volume that cannot mount, a pod no node
 * takes). Crashes, image pulls and probes it still reads itself: what the program printed decides.
 */
export const SCANNED_POD_REASONS = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'FailedMount',
  'MultiAttach',
  'FailedScheduling',
  'WaitingForScaleUp',
  'LivenessProbeWrongPort',
  'ReadinessProbeWrongPort',
  'StartupProbeWrongPort',
  'EnvVarReferenceNotExpanded',
  'EnvValueQuoted',
  'StaleRevisionNotReplaced',
  'DnsPolicyDefault',
  // The pod's own egress policies against a dependency it names: no description of the pod shows that.
  'EgressToDependencyDenied',
]);

export const taken = (f: ParsedFinding) => f.kind !== 'Pod' || SCANNED_POD_REASONS.has(f.reason);

/** In the findings: also the scan's pod findings about pods the baseline did not read itself. */
export const unread = (seen: readonly SeenObservation[]) => (f: ParsedFinding) =>
  f.kind === 'Pod' &&
  !seen.some((o) => o.tool === 'describe_pod' && o.status === 'ok' && o.args['name'] === f.name);

/**
 * The scan's findings the baseline takes, given what was read: a pod's egress finding yields once the
 * namespace's NetworkPolicies were described, since the baseline's own reading of them (netpol-egress)
 * quotes the dropped connection and names the rule to add.
 */
export const takenIn = (seen: readonly SeenObservation[]) => (f: ParsedFinding) =>
  taken(f) &&
  !(
    f.reason === 'EgressToDependencyDenied' &&
    seen.some(
      (o) =>
        o.tool === 'describe_resource' &&
        o.status === 'ok' &&
        o.args['kind'] === 'NetworkPolicy' &&
        o.args['namespace'] === f.namespace,
    )
  );

/** In the findings: the scan's findings taken, and its pod findings about pods the baseline did not read itself. */
export const takenOrUnread = (seen: readonly SeenObservation[]) => (f: ParsedFinding) =>
  takenIn(seen)(f) || unread(seen)(f);

export const CHANGE =
  /\b(deploy|deployed|release|released|releasing|rollout|rolled|roll ?back|upgrade|upgraded|bump|bumped|shipped|went out|new version|since)\b/i;

/** Why those pods are not Ready, from a readiness probe failure in their description: `; ...` or empty. */
export function unreadyWhy(pods: readonly string[], seen: readonly SeenObservation[]): string {
  for (const o of seen) {
    if (o.tool !== 'describe_pod' || o.status !== 'ok' || !pods.includes(String(o.args['name']))) continue;
    const msg = /^.*Readiness probe (failed|errored).*$/im.exec(o.content)?.[0];
    if (!msg) continue;
    // In a pod of several containers, the one whose probe the message names (by its port): a sidecar's
    // probe failing keeps the whole pod unready as surely as the app's.
    const port = /:(\d{1,5})\//.exec(msg)?.[1];
    const probed = containerSections(o.content).filter((c) => describedField(c.body, 'Readiness'));
    const which =
      probed.find(
        (c) => port !== undefined && (describedField(c.body, 'Readiness') ?? '').includes(`:${port}/`),
      ) ?? probed[0];
    const probe = which
      ? `Readiness: ${describedField(which.body, 'Readiness')}`
      : /^[ \t]*Readiness:.*$/m.exec(o.content)?.[0];
    const several = containerSections(o.content).filter((c) => !c.init).length > 1;
    // The pod's own log, when read: where the program says it listens.
    const podLogs = seen
      .filter((x) => x.tool === 'get_pod_logs' && x.status === 'ok' && x.args['name'] === o.args['name'])
      .map((x) => x.content)
      .join('\n');
    return `: ${several && which ? `the readiness probe of container ${which.name} fails: ` : ''}${probeCause('readiness', msg, probe, podLogs).cause}`;
  }
  return '';
}

/** The namespace, other than `ns`, where the search found a Service named exactly `host`. */
/**
 * When a name a program waits for is not a Service of the namespace (its describe_service failed):
 * says so, with the Services of similar name the search found, or undefined when it exists or was not read.
 */
export function serviceMissing(
  host: string,
  ns: string,
  seen: readonly SeenObservation[],
): string | undefined {
  const read = lastOf(seen, 'describe_service', (o) => o.args['name'] === host && o.args['namespace'] === ns);
  if (!read || (read.status === 'ok' && /^Name:/m.test(read.content))) return undefined;
  const found = lastOf(seen, 'find_objects', (o) => o.status === 'ok' && o.args['name'] === host);
  // The namespace's own Services that share a word with the name (cache-redis-master beside
  // redis-shared-master): a renamed Service, or a name from an old runbook.
  const words = host.split('-').filter((w) => w.length >= 4);
  const listed = lastOf(seen, 'list_services', (o) => o.status === 'ok' && o.args['namespace'] === ns);
  const alike = listed
    ? parseTable(listed.content)
        .map((r) => r['NAME'] ?? '')
        .filter((n) => n && n !== host && words.some((w) => n.split('-').includes(w)))
        .map((n) => `${n} (namespace ${ns})`)
    : [];
  const similar = [
    ...new Set([
      ...alike,
      ...(found
        ? parseTable(found.content)
            .filter((r) => r['KIND'] === 'Service' && r['NAME'])
            .map((r) => `${r['NAME']} (namespace ${r['NAMESPACE']})`)
        : []),
    ]),
  ];
  return `service ${host} does not exist in namespace ${ns}${similar.length > 0 ? `; the services with a similar name that do exist: ${similar.slice(0, 3).join(', ')}` : ''}`;
}

export function serviceElsewhere(
  host: string,
  ns: string,
  seen: readonly SeenObservation[],
): string | undefined {
  const found = lastOf(seen, 'find_objects', (o) => o.status === 'ok' && o.args['name'] === host);
  if (!found) return undefined;
  const row = parseTable(found.content).find(
    (r) => r['KIND'] === 'Service' && r['NAME'] === host && r['NAMESPACE'] && r['NAMESPACE'] !== ns,
  );
  return row?.['NAMESPACE'];
}

/**
 * The namespace a log names for a dependency host, from its cluster DNS name (`rabbitmq.messaging.svc`,
 * `rabbitmq.messaging.svc.cluster.local`), or undefined.
 */
export function dependencyNamespace(text: string, host: string): string | undefined {
  const re = new RegExp(`(?<![a-z0-9-])${escapeRe(host)}\\.([a-z0-9][a-z0-9-]{0,62})\\.svc\\b`, 'i');
  return re.exec(text)?.[1]?.toLowerCase();
}

/**
 * A refused connection whose line names no server: PHP's PDO (`SQLSTATE[HY000] [2002] Connection
 * refused`), a driver's bare `ECONNREFUSED`, "could not connect". The server is then the one the
 * program's settings name (see `settingHosts`).
 */
export const HOSTLESS_REFUSAL =
  /\bconnection refused\b|\bECONNREFUSED\b|\[2002\]|\bcould not connect\b|\bcan't connect\b|\bcannot connect\b/i;
/**
 * What names a server in a line: a URL, an IP address (not the client's one an access or error log
 * prints, `[client 10.244.0.1:41220]`), a Service's DNS name, a `host=` field.
 */
const NAMES_SERVER =
  /:\/\/|(?<!client |from |remote )\b\d{1,3}(?:\.\d{1,3}){3}\b|(?<!client |from |remote )\[?(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\]?:\d{1,5}\b|\.svc\b|\bhost\s?[=:]/i;

/** Whether a log holds a refused connection whose line names no server (see `HOSTLESS_REFUSAL`). */
export function hostlessRefusal(text: string): boolean {
  if (!HOSTLESS_REFUSAL.test(text)) return false;
  return text
    .slice(-200_000)
    .split('\n')
    .some((l) => l.length <= 4000 && HOSTLESS_REFUSAL.test(l) && !NAMES_SERVER.test(l));
}

/** A variable whose name says it holds a server's address. */
const ADDRESS_VARIABLE = /(?:^|_)(?:HOST|HOSTNAME|SERVER|ADDR|ADDRESS|URL|URI|DSN)$/i;

/**
 * The servers a described pod's settings name: each variable's value that is a Service's cluster DNS name
 * (`db.data.svc`, alone, with a port, or as a URL's host), with that namespace, and a bare short name in a
 * variable whose name says it is an address (`DB_HOST=mysql`), without one. At most four, in order.
 */
export function settingHosts(
  described: string,
): { name: string; namespace: string | undefined; variable: string; value: string }[] {
  const out: { name: string; namespace: string | undefined; variable: string; value: string }[] = [];
  for (const c of containerSections(described)) {
    for (const e of envOf(c.body)) {
      const host = e.value
        .replace(/^"|"$/g, '')
        .replace(/^[a-z][a-z0-9+.-]{0,20}:\/\//i, '')
        .replace(/^[^@/\s]{0,200}@/, '')
        .split(/[:/?,\s]/)[0]!
        .toLowerCase();
      const svc = serviceHost(host);
      const hit = svc
        ? { name: svc.service, namespace: svc.namespace, variable: e.name, value: e.value }
        : ADDRESS_VARIABLE.test(e.name) && /^[a-z][a-z0-9-]{0,62}$/.test(host) && host !== 'localhost'
          ? { name: host, namespace: undefined, variable: e.name, value: e.value }
          : undefined;
      if (hit && !out.some((o) => o.name === hit.name)) out.push(hit);
      if (out.length >= 4) return out;
    }
  }
  return out;
}

/**
 * Why a dependency's Service refuses connections, from what was read: its description in `namespace`
 * shows no endpoints, and the Deployment behind it (named by the selector's value) wants zero replicas
 * or has none available. Undefined when the reads do not show it.
 */
export function dependencyDown(
  host: string,
  namespace: string,
  seen: readonly SeenObservation[],
): { text: string; deployment?: string; before?: number } | undefined {
  const svc = lastOf(
    seen,
    'describe_service',
    (o) => o.status === 'ok' && o.args['name'] === host && o.args['namespace'] === namespace,
  );
  if (!svc || !/^Endpoints:\s*<none>/m.test(svc.content)) return undefined;
  const where = `service ${host} in namespace ${namespace} has no endpoints (Endpoints: <none>), so its ClusterIP refuses connections`;
  const selector = /^Selector:\s*(\S+)/m.exec(svc.content)?.[1] ?? '';
  const names = selector.split(',').map((kv) => kv.split('=')[1] ?? '');
  const dep = outputs(
    seen,
    'describe_deployment',
    (o) => o.status === 'ok' && o.args['namespace'] === namespace,
  ).find((o) => names.includes(String(o.args['name'])) || o.args['name'] === host);
  if (!dep) return { text: where };
  const name = String(dep.args['name']);
  const replicas = /^Replicas:\s*(\d+) desired[^\n]*?(\d+) available/m.exec(dep.content);
  const scaled = dep.content
    .split('\n')
    .find((l) => /Scaled down replica set \S+ to 0\b/.test(l))
    ?.trim()
    .replace(/\s{2,}/g, ' ');
  // The count it had, from the event that scaled it down ("… to 0 from 3"), read before any quote is cut.
  const from = scaled ? /\bto 0 from (\d{1,4})\b/.exec(scaled)?.[1] : undefined;
  if (replicas?.[1] === '0')
    return {
      text: `${where}: deployment ${name} in namespace ${namespace} is scaled to zero (Replicas: 0 desired, no pods)${scaled ? `; event: "${clip(scaled, 140)}"` : ''}, so nothing serves it`,
      deployment: name,
      ...(from ? { before: Number(from) } : {}),
    };
  if (replicas && replicas[2] === '0')
    return {
      text: `${where}: deployment ${name} in namespace ${namespace} has no available pods (${replicas[1]} desired, 0 available); ${unreadyDependency(seen, namespace, name) ?? 'its own pods are why'}`,
      deployment: name,
    };
  return { text: where, deployment: name };
}

/**
 * What to read about a dependency's Deployment that has no available pods: its namespace's pods, then
 * one of its pods (description and log) and the ConfigMaps that pod mounts (its configuration).
 */
export function unavailableDependencyReads(
  seen: readonly SeenObservation[],
  namespace: string,
  name: string,
): { tool: string; args: Record<string, unknown> }[] {
  const dep = lastOf(
    seen,
    'describe_deployment',
    (o) => o.status === 'ok' && o.args['name'] === name && o.args['namespace'] === namespace,
  );
  if (!dep || !/^Replicas:\s*[1-9]\d{0,5} desired[^\n]*?\b0 available/m.test(dep.content)) return [];
  const out: { tool: string; args: Record<string, unknown> }[] = [{ tool: 'list_pods', args: { namespace } }];
  const list = lastOf(
    seen,
    'list_pods',
    (o) => o.status === 'ok' && o.args['namespace'] === namespace && !o.args['labelSelector'],
  );
  const pod = list
    ? parseTable(list.content).find((r) => r['NAME']?.startsWith(`${name}-`))?.['NAME']
    : undefined;
  if (!pod) return out;
  out.push({ tool: 'describe_pod', args: { namespace, name: pod } });
  out.push({ tool: 'get_pod_logs', args: { namespace, name: pod } });
  const described = lastOf(
    seen,
    'describe_pod',
    (o) => o.status === 'ok' && o.args['name'] === pod && o.args['namespace'] === namespace,
  );
  for (const map of configMapVolumes(described?.content ?? ''))
    out.push({ tool: 'describe_resource', args: { kind: 'ConfigMap', namespace, name: map } });
  return out.slice(0, 6);
}

/**
 * Settings that make a server listen on the loopback interface only (Redis's `bind`, PostgreSQL's
 * `listen_addresses`, MySQL's `bind-address`, MongoDB's `bindIp`, a generic `host`/`listen`): from
 * inside the pod it answers, from the pod's IP (Service, probes) nothing listens.
 */
const LOOPBACK_SETTING =
  /^[ \t]*(?:bind[ \t]+(?:127\.0\.0\.1|localhost|::1)\b[^\n]{0,60}|listen_addresses[ \t]*=[ \t]*'?(?:localhost|127\.0\.0\.1)'?|bind[-_]address[ \t]*=[ \t]*(?:127\.0\.0\.1|localhost)|bindIp:[ \t]*(?:127\.0\.0\.1|localhost)|(?:host|listen|bind)[ \t]*[:=][ \t]*"?(?:127\.0\.0\.1|localhost)(?::\d{1,5})?"?)[ \t]*$/m;

/**
 * A loopback-only listen setting in a ConfigMap the described pod mounts (see `LOOPBACK_SETTING`), when
 * that ConfigMap was read: its name and the setting's line.
 */
export function loopbackSetting(
  seen: readonly SeenObservation[],
  namespace: string,
  described: string,
): { map: string; setting: string } | undefined {
  for (const map of configMapVolumes(described)) {
    const cm = lastOf(
      seen,
      'describe_resource',
      (o) => o.status === 'ok' && o.args['namespace'] === namespace && o.args['name'] === map,
    );
    const setting = cm ? LOOPBACK_SETTING.exec(cm.content.slice(0, 200_000))?.[0]?.trim() : undefined;
    if (setting) return { map, setting };
  }
  return undefined;
}

/** Why a dependency's pods are not Ready, from their description and configuration, or undefined. */
function unreadyDependency(
  seen: readonly SeenObservation[],
  namespace: string,
  name: string,
): string | undefined {
  const described = outputs(
    seen,
    'describe_pod',
    (o) =>
      o.status === 'ok' && o.args['namespace'] === namespace && String(o.args['name']).startsWith(`${name}-`),
  ).pop();
  if (!described) return undefined;
  const pod = String(described.args['name']);
  // Its container not started yet: still pulling its image (a pod rescheduled to a node without it).
  if (/^[ \t]{1,20}Reason:[ \t]{1,20}ContainerCreating[ \t]*$/m.test(described.content)) {
    const pulling =
      /^[ \t]{1,20}Normal[ \t]{1,20}Pulling[ \t]{1,20}(\S{1,20})[ \t]{1,20}\S{1,60}[ \t]{1,20}(Pulling image "[^"\n]{1,300}")/m.exec(
        described.content,
      );
    const pulled = /^[ \t]{1,20}Normal[ \t]{1,20}Pulled[ \t]/m.test(described.content);
    // A warning of the pod (a volume that cannot mount, a sandbox that cannot be made): stuck, not starting.
    const stuck =
      /^[ \t]{1,20}Warning[ \t]{1,20}(\w{1,60})[ \t]{1,20}.{0,60}?kubelet[ \t]{1,20}(.{1,300})$/m.exec(
        described.content,
      );
    if (stuck)
      return `its pod ${pod} is stuck ContainerCreating: ${stuck[1]} "${clip(stuck[2]!.trim(), 200)}"; it will not start until that is fixed`;
    return `its pod ${pod} has not started yet: it is still ContainerCreating${pulling && !pulled ? `, still pulling its image (${pulling[2]}, ${pulling[1]} ago)` : ''}, so nothing is listening and every connection to it is refused until it starts; clients that exit on a refused connection crash until then, and they recover by themselves once it is Ready`;
  }
  const failed = /^.*Readiness probe failed: [^\n]{0,300}connection refused.*$/m
    .exec(described.content)?.[0]
    ?.trim();
  if (!failed) return undefined;
  const loop = loopbackSetting(seen, namespace, described.content);
  if (loop)
    return `its pod ${pod} runs but is never Ready: "${clip(failed.replace(/\s{2,}/g, ' '), 160)}", because its configuration (ConfigMap ${loop.map}: "${clip(loop.setting, 80)}") binds it to the loopback interface (127.0.0.1) only, so it answers inside its own pod and refuses every connection to the pod's IP: the kubelet's probe, the Service and every client. Change the bind address to 0.0.0.0 (or the pod IP) and restart it`;
  return `its pod ${pod} runs but is never Ready: "${clip(failed.replace(/\s{2,}/g, ' '), 160)}": nothing listens on the probed port on the pod's IP`;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Services a log reaches by ClusterIP (`dial tcp 10.96.36.13:5432: connect: connection refused`):
 * the listed Services whose CLUSTER-IP the log names with a port, by name. Plain substring search.
 */
export function servicesByAddress(text: string, seen: readonly SeenObservation[]): string[] {
  return [...new Set(servicesAt(text, seen).map((s) => s.name))];
}

/**
 * The Services whose ClusterIP a text names with a port (`connect ECONNREFUSED 10.96.40.17:5432`), from
 * the service lists (`CLUSTER-IP`) and descriptions (`IP:`) read, with their namespaces, in the order
 * read.
 */
export function servicesAt(
  text: string,
  seen: readonly SeenObservation[],
): { name: string; namespace: string }[] {
  const out: { name: string; namespace: string }[] = [];
  const add = (ip: string, name: string, namespace: string) => {
    // IPv4 quoted as `10.96.40.17:5432`, IPv6 in brackets as `[fd00:10:96::4a1f]:5432`.
    const v4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(ip);
    const v6 = !v4 && /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}$/i.test(ip);
    if ((!v4 && !v6) || !name || !text.includes(v4 ? `${ip}:` : `[${ip}]:`)) return;
    if (!out.some((s) => s.name === name && s.namespace === namespace)) out.push({ name, namespace });
  };
  for (const o of outputs(seen, 'list_services', (x) => x.status === 'ok'))
    for (const r of parseTable(o.content))
      add(r['CLUSTER-IP'] ?? '', r['NAME'] ?? '', r['NAMESPACE'] ?? String(o.args['namespace'] ?? ''));
  for (const o of outputs(seen, 'describe_service', (x) => x.status === 'ok'))
    add(
      /^IP:\s+(\S+)/m.exec(o.content)?.[1] ?? '',
      String(o.args['name'] ?? ''),
      String(o.args['namespace'] ?? ''),
    );
  return out;
}

/**
 * Whether a text refuses a connection to a bare address with a port, IPv4 or bracketed IPv6 (`connect
 * ECONNREFUSED 10.96.40.17:5432`, `dial tcp [fd00:10:96::4a1f]:5432: connect: connection refused`): a
 * ClusterIP to map to its Service.
 */
export function refusedAddress(text: string): boolean {
  return text
    .split('\n')
    .some(
      (l) =>
        l.length <= 2000 &&
        (/\b\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}\b/.test(l) || /\[[0-9a-f:]{2,39}\]:\d{1,5}\b/i.test(l)) &&
        /connection refused|ECONNREFUSED|i\/o timeout|ETIMEDOUT/i.test(l),
    );
}

/** Host names a log line says it could not reach (`dial tcp: lookup orders-db`, `connect to ledger:5432`). */
export function dependencyHosts(text: string): string[] {
  const out: string[] = [];
  // Bounded quantifiers (a DNS label is at most 63 characters), so a long line costs linear time.
  const label = '[a-z][a-z0-9-]{0,62}';
  const domain = '(?:\\.[a-z0-9-]{1,63}){0,6}';
  const patterns = [
    new RegExp(`lookup (${label})${domain}(?: on \\S{1,100}?)?: no such host`, 'gi'),
    new RegExp(`(?:connect(?:ing)? to|dial tcp|upstream|host)\\s{1,3}"?(${label})${domain}:\\d{1,5}`, 'gi'),
    new RegExp(
      `(${label})${domain}:\\d{1,5}:?\\s{0,3}(?:connection refused|ECONNREFUSED|i\\/o timeout)`,
      'gi',
    ),
    // Wait-for scripts: "db:5432 - no response", "waiting for db".
    new RegExp(
      `(${label})${domain}:\\d{1,5}\\s{0,3}-?\\s{0,3}(?:no response|not ready|not available|unavailable|timed out|timeout)`,
      'gi',
    ),
    // "waiting for db", "waiting for db:5432", "waiting for redis to be ready"; not "waiting for changelog lock".
    new RegExp(`waiting for (${label})(?=${domain}:\\d|\\s{1,3}to\\b|\\s*\\.{0,4}\\s*$)`, 'gim'),
    // pgx (Go's Postgres driver) names the address, then the host it resolved, in parentheses:
    // "10.96.41.7:5433 (billing-pg.data.svc.cluster.local): dial error".
    new RegExp(`\\d{1,3}(?:\\.\\d{1,3}){3}:\\d{1,5} \\((${label})${domain}\\):`, 'gi'),
    // libpq (PostgreSQL 14 and later): `connection to server at "db.data.svc" (10.96.1.2), port 5432
    // failed: Connection refused` (postgresql.org, libpq's connection errors).
    new RegExp(
      `connection to server at "(${label})${domain}"(?: \\([0-9a-f.:]{1,45}\\))?, port \\d{1,5} failed: (?:Connection refused|timeout expired|Connection timed out|No route to host|could not connect)`,
      'gi',
    ),
    // Go's net/http error (url.Error): the method and the quoted URL, `Post "https://x.y.svc:443/…": …`
    // (an admission webhook call the API server reports, a client's request), when what failed says the
    // server is not there (no endpoints, refused, no such host, a dial that timed out), not a reset.
    new RegExp(
      `\\b(?:Get|Head|Post|Put|Patch|Delete) "https?:\\/\\/(?:[^@/\\s"]{1,200}@)?(${label})${domain}(?::\\d{1,5})?(?:[/?][^"\\s]{0,500})?": (?:dial tcp [^\\s]{1,100}: )?(?:connect: )?(?:no endpoints available|connection refused|no such host|i\\/o timeout)`,
      'g',
    ),
    // busybox nc/wget: "bad address 'redis'"
    new RegExp(`bad address '(${label})${domain}'`, 'gi'),
    // A connection URL (amqp://user:pass@rabbitmq.messaging.svc:5672/vhost, postgres://db:5432/app)
    // in the line that says what it connects to.
    new RegExp(
      `(?:connect(?:ing)? to|dial(?:ing)?|url|uri|addr(?:ess)?)\\s{0,3}[=:]?\\s{0,3}"?[a-z][a-z0-9+.-]{0,20}:\\/\\/(?:[^@\\s/]{1,200}@)?(${label})${domain}(?::\\d{1,5})?(?![a-z0-9-])`,
      'gi',
    ),
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      let h = m[1]!.toLowerCase();
      // A StatefulSet member's own name under its headless Service (nats-1.nats.messaging.svc): the
      // Service (nats) is the dependency, one for all its members.
      const whole = m[0].toLowerCase();
      const next = /^\.([a-z][a-z0-9-]{0,62})/.exec(whole.slice(whole.indexOf(h) + h.length))?.[1];
      if (next && h.startsWith(`${next}-`) && /-\d{1,5}$/.test(h)) h = next;
      if (!/^(localhost|tcp|udp|http|https|\d)/.test(h) && !out.includes(h)) out.push(h);
    }
  }
  return out;
}

/** The person's words for a guess: "I think", "I suspect", "my guess is", "probably", "I bet", "my money is on". */
export const HUNCH =
  /\b(?:I think|I suspect|I guess|I assume|I bet|I am sure|I'm sure|my guess|suspect that|probably|maybe|perhaps|my money is on|my money's on|my bet is|I reckon|my hunch)\b/i;
