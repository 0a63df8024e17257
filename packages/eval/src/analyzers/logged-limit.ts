import {
  type Analyzer,
  clip,
  containerSections,
  envFix,
  type Finding,
  loggedLines,
  outputs,
  ownerDeployment,
  podObject,
  searchedLines,
} from './types.js';

/** A capacity setting a program logs when it runs out of it, and how the answer reads it. */
interface LoggedLimit {
  /** The log line, its first group the setting's current value. */
  readonly line: RegExp;
  /** The name of an environment variable that holds the setting (as images that template their config from the environment name it). */
  readonly variable: RegExp;
  /** What the setting is, for the answer. */
  readonly setting: string;
  /** How far the fix raises it. */
  readonly factor: number;
  readonly cause: (limit: string, line: string) => string;
  /** Only when a variable of the container holds the logged value (a figure too common alone). */
  readonly needsVariable?: true;
  /**
   * The log gives a size in bytes, and the variable may hold it in PHP's shorthand (`64M`, `65536K`,
   * `1G`: php.net, "Using PHP: shorthand bytes"); the raised value keeps the variable's unit.
   */
  readonly bytes?: true;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * A size in PHP's shorthand (`64M`, `512K`, `1G`, plain bytes) or Spring Boot's DataSize (`20MB`, `1GB`,
 * binary multiples: docs.spring.io, "Converting DataSizes"): its bytes, unit and whether the unit ends in
 * `B`, or undefined.
 */
function shorthand(value: string): { bytes: number; unit: string; suffix: string } | undefined {
  const m = /^(\d{1,12})([KMG]?)(B?)$/i.exec(value.trim());
  if (!m || (m[3] && !m[2])) return undefined;
  const unit = m[2]!.toUpperCase();
  return { bytes: Number(m[1]) * UNITS[unit]!, unit, suffix: m[3]! };
}

/** The bytes of a size in shorthand (`64M`, `1G`, `20MB`, plain bytes), or undefined. */
export function sizeBytes(value: string): number | undefined {
  return shorthand(value)?.bytes;
}

/**
 * `value` raised `factor` times in its own unit: a size in shorthand (`32M` → `64M`, `512k` → `1024k`,
 * `20MB` → `40MB`) or a plain count (`40` → `80`); undefined for anything else (a duration, a word).
 */
export function raisedValue(value: string, factor: number): string | undefined {
  const size = shorthand(value);
  if (!size) return undefined;
  const n = Math.ceil((size.bytes * factor) / UNITS[size.unit]!);
  const unit = /[kmg]b?$/.test(value.trim()) ? size.unit.toLowerCase() : size.unit;
  return `${n}${unit}${size.suffix}`;
}

/**
 * The size the person says must work ("scans of up to 50 MB must work", "files as large as 2 GB"), in
 * bytes; undefined when the task names none. Bounded: a number of at most five digits.
 */
function statedSize(task: string): number | undefined {
  // Said of what is uploaded (files, scans, documents), before or after the size, within the same clause
  // (no `;` or `.` between): not of memory or disks.
  const text = task.slice(0, 4000);
  const m =
    /\b(?:files?|uploads?|scans?|documents?|attachments?|images?|videos?|pdfs?)\b[^.;\n]{0,60}?\b(?:up to|as large as|as big as|at least)\s{1,3}(\d{1,5}(?:\.\d{1,2})?)\s?(KB|MB|GB|KiB|MiB|GiB)\b/i.exec(
      text,
    ) ??
    /\b(?:up to|as large as|as big as|at least)\s{1,3}(\d{1,5}(?:\.\d{1,2})?)\s?(KB|MB|GB|KiB|MiB|GiB)\b[^.;\n]{0,30}?\b(?:per file|files?|uploads?|scans?|documents?|attachments?)\b/i.exec(
      text,
    );
  if (!m) return undefined;
  return Math.ceil(Number(m[1]) * UNITS[m[2]![0]!.toUpperCase()]!);
}

const LIMITS: readonly LoggedLimit[] = [
  // php.net, "FPM configuration": pm.max_children caps the worker processes of a pool; php-fpm logs
  // when every one is busy, and new requests wait in its listen queue.
  {
    line: /server reached pm\.max_children setting \((\d{1,5})\)/,
    variable: /MAX_CHILDREN/,
    setting: 'pm.max_children',
    factor: 2,
    cause: (limit, line) =>
      `php-fpm's pool is saturated: it runs as many children as pm.max_children allows (${limit}) and all of them are busy ("${clip(line, 150)}"), so new requests queue in php-fpm's listen backlog until a child frees up, and the web server in front times out waiting for the FastCGI answer (504/502) although the pods are Running and Ready; it is the pool size, not the database`,
  },
  // nginx.org, ngx_core_module "worker_connections": the most connections one worker process may
  // hold, clients and upstreams together; nginx logs an [alert] when it needs one more.
  {
    line: /\b(\d{1,7}) worker_connections are not enough/,
    variable: /WORKER_CONNECTIONS/,
    setting: 'worker_connections',
    factor: 4,
    cause: (limit, line) =>
      `nginx has run out of connections: each worker process may hold at most worker_connections (${limit}) connections, clients and upstream connections together, and it has needed more ("${clip(line, 150)}"), so it refuses or drops the next ones while the pods are Running and Ready; it is the connection limit, not the upstream`,
  },
  // php.net, "Description of core php.ini directives": memory_limit caps what one script may allocate
  // (128M by default); past it PHP stops the script with "Allowed memory size of N bytes exhausted", a
  // fatal error of the script, not an out-of-memory kill of the container.
  {
    line: /Allowed memory size of (\d{1,12}) bytes exhausted/,
    variable: /MEMORY_LIMIT/,
    setting: "PHP's memory_limit",
    factor: 4,
    bytes: true,
    cause: (limit, line) =>
      `PHP's own memory_limit stops the script: it allows ${limit} bytes (${Math.round(Number(limit) / 1024 ** 2)}M) per request and the page needs more ("${clip(line, 170)}"), so those requests fail with a fatal error (a 500) while the container stays far below its memory limit and is never OOMKilled; it is the php.ini setting, not the pod's memory`,
  },
  // A client-side deadline shorter than the work: the program cancels its own query or call when
  // it runs longer than the timeout it was given (PostgreSQL's statement_timeout set per session by
  // the client, an HTTP client's timeout), and logs how long it let it run. Only with the variable
  // that holds that many seconds: a timeout alone may be right and the work too slow.
  // Spring Boot's multipart limits (spring.servlet.multipart.max-file-size, 1MB by default; docs.spring.io,
  // "Application Properties", Web): Tomcat's FileUpload refuses a part above it with
  // FileSizeLimitExceededException, Spring wraps it as MaxUploadSizeExceededException.
  {
    // The per-file refusal only: SizeLimitExceededException's "the request was rejected because its size
    // … exceeds the configured maximum" is max-request-size, another setting.
    line: /exceeds its maximum permitted size of (\d{1,12})/,
    variable: /MAX_FILE_SIZE/,
    setting: "Spring's multipart max-file-size",
    factor: 2,
    bytes: true,
    cause: (limit, line) =>
      `the application itself refuses the uploads: Spring's multipart max-file-size allows ${Math.round(Number(limit) / 1024 ** 2)}MB (${limit} bytes) per file and larger files are rejected before the controller sees them ("${clip(line, 170)}"), while smaller ones still go through; it is the application's upload limit, not the proxy or ingress in front`,
  },
  // Tomcat FileUpload's SizeLimitExceededException: the whole multipart request over
  // spring.servlet.multipart.max-request-size (10MB by default).
  {
    line: /the request was rejected because its size \(\d{1,12}\) exceeds the configured maximum \((\d{1,12})\)/,
    variable: /MAX_REQUEST_SIZE/,
    setting: "Spring's multipart max-request-size",
    factor: 2,
    bytes: true,
    cause: (limit, line) =>
      `the application itself refuses the uploads: Spring's multipart max-request-size allows ${Math.round(Number(limit) / 1024 ** 2)}MB (${limit} bytes) per request and larger multipart requests are rejected before the controller sees them ("${clip(line, 170)}"); it is the application's request size limit, not the proxy or ingress in front`,
  },
  {
    line: /\b(?:cancel\w{0,5}|timed out|exceeded)\b[^\n]{0,80}?\b(\d{1,5})(?:\.0{1,3})?\s?s\b/i,
    variable: /TIMEOUT/,
    setting: 'the timeout',
    factor: 6,
    needsVariable: true,
    cause: (limit, line) =>
      `the program's own timeout is shorter than the work: it cancels the query or call after ${limit} s ("${clip(line, 170)}"): the work needs longer than that, so it fails each time it runs though the server answers`,
  },
];

/**
 * A program that logs it has reached a capacity setting (php-fpm's pm.max_children, nginx's
 * worker_connections): the setting is the cause. When the container sets it through an environment
 * variable holding the logged value, the fix raises that variable (an approved `set_env`).
 */
export const loggedLimitAnalyzer: Analyzer = {
  name: 'logged-limit',
  reads() {
    return [];
  },
  finds({ seen, ns, task }) {
    for (const limit of LIMITS) {
      const test = (l: string) => l.length <= 2000 && limit.line.test(l);
      // A log's lines, else those a search of a log (cut at its tail) showed.
      const hit =
        loggedLines(seen, ns, test)[0] ??
        outputs(seen, 'search_pod_logs', (o) => o.args['namespace'] === ns)
          .map((o) => ({ log: o, line: searchedLines(seen, (x) => x === o).find(test) }))
          .find((x): x is { log: typeof x.log; line: string } => x.line !== undefined);
      if (!hit) continue;
      const value = limit.line.exec(hit.line)![1]!;
      const pod = String(hit.log.args['name'] ?? '');
      const d = outputs(seen, 'describe_pod', (x) => x.args['name'] === pod).pop();
      const owner = d ? ownerDeployment(d.content) : undefined;
      const sections = d ? containerSections(d.content).filter((c) => !c.init) : [];
      // The container whose environment holds the logged value, else the one the log came from.
      // Every variable of a container whose name fits, in order: the first that holds the logged value.
      const variableLine = (body: string) => {
        const re = new RegExp(
          `^\\s{2,}([A-Z0-9_]{0,40}${limit.variable.source}[A-Z0-9_]{0,20}):\\s+(${limit.bytes ? '\\d{1,12}[KMGkmg]?[Bb]?' : value})\\s*$`,
          'gm',
        );
        for (const m of body.matchAll(re))
          if (!limit.bytes || shorthand(m[2]!)?.bytes === Number(value)) return m;
        return undefined;
      };
      const holds = (body: string) => variableLine(body)?.[1];
      const c =
        sections.find((s) => holds(s.body)) ??
        sections.find((s) => s.name === hit.log.args['container']) ??
        sections[0];
      const variable = c ? holds(c.body) : undefined;
      if (limit.needsVariable && !variable) continue;
      const held = variable && c ? variableLine(c.body)?.[2] : undefined;
      const size = limit.bytes && held ? shorthand(held) : undefined;
      const shown = held ?? value;
      // A size the person says must work raises it at least that far.
      const wanted = limit.bytes ? (statedSize(task) ?? 0) : 0;
      const raised = size
        ? `${Math.ceil(Math.max(size.bytes * limit.factor, wanted) / UNITS[size.unit]!)}${/[kmg]b?$/.test(held!) ? size.unit.toLowerCase() : size.unit}${size.suffix}`
        : String(Number(value) * limit.factor);
      const count = loggedLines(seen, ns, (l) => limit.line.test(l)).length;
      const out: Finding = {
        weight: 90,
        object: podObject(owner, pod),
        cause: `${limit.cause(value, hit.line.trim())}${count > 1 ? ` (${count} pods log it)` : ''}${variable ? `: the container sets it through ${variable}=${shown}` : ''}`,
        evidence: [
          `get_pod_logs ${pod}: "${clip(hit.line.trim(), 160)}"`,
          ...(variable ? [`describe_pod ${pod}: ${variable}: ${shown}`] : []),
        ],
        advice: `raise ${limit.setting}${variable ? ` (${variable})` : ''} above ${shown}, as far as memory and file-descriptor limits allow, or add replicas`,
        revisionSound: true,
        ...(variable && c
          ? envFix(
              ns,
              owner,
              c.name,
              [{ name: variable, value: raised }],
              `set ${variable}=${raised} on ${owner}/${c.name}, raising ${limit.setting} from ${shown}`,
            )
          : {}),
      };
      return [out];
    }
    return [];
  },
};
