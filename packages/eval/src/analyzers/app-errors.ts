import { ageSeconds, escapeRe, lastRestartAgo } from '../baseline/reading.js';
import { parseTable } from '../k8s-text.js';
import type { SeenObservation } from '../observations.js';
import { expectedLine } from './expected-log-lines.js';
import { exposedServices, noiseOf } from './health-check-noise.js';
import { glossedLine, passedOver, retriedOk } from './log-glosses.js';
import { memoByText } from './memo.js';
import { removedNodeWarnings } from './removed-nodes.js';
import {
  type Analyzer,
  type AnalyzerContext,
  allPodsReady,
  bonus,
  boundedLogLines,
  clip,
  clipAround,
  containerSections,
  lineStamp,
  outputs,
  ownerName,
  podListOf,
  podsOf,
  type Read,
  runningPodNames,
  searchedLines,
  tableOf,
} from './types.js';

/** An end user's failed login attempt as an SSO or login portal logs it: "Unsuccessful 1FA authentication attempt by user …". */
const USER_LOGIN_FAILED =
  /\b(?:unsuccessful|failed) (?:1FA|2FA|first[- ]factor|second[- ]factor|login|log-in|sign-?in) (?:authentication )?attempt\b[^\n]{0,20}?\b(?:by|for|from) (?:user\b|['"]?[\w.@-]{1,64})/i;
/** What makes a failed login the program's own fault: its backend unreachable, a service account's credentials. */
const BACKEND_FAULT =
  /\b(?:service user|service account|connection refused|unable to connect|could not connect|dial tcp|timed? ?out|unreachable|no route to host|LDAP server|directory server)\b/i;

/** An end user's failed login attempt (a wrong password, an unknown user), not a fault of the program's backend. */
function endUserLoginFailed(line: string): boolean {
  return USER_LOGIN_FAILED.test(line) && !BACKEND_FAULT.test(line);
}

// Words a program uses when something fails, as log levels and runtimes print them (case kept:
// "ERROR" and "Exception" are levels and class names, "error" in prose is not).
const ERROR_MARKS = [
  'ERROR',
  'FATAL',
  'CRITICAL',
  'level=error',
  '"level":"error"',
  // pino's numeric levels, its default JSON output: 50 is error, 60 fatal (getpino.io, "Logger Instance",
  // levels).
  '"level":50,',
  '"level":60,',
  // logrus' text format without a terminal: the level cut to four letters, then the seconds since start
  // (`ERRO[0025] couldn't eval …`, `FATA[0003] …`; sirupsen/logrus text_formatter.go).
  'ERRO[',
  'FATA[',
  'PANI[',
  // The same on a terminal: the level between colour codes (`\x1b[31mERRO\x1b[0m[0025]`).
  'ERRO\x1b[0m[',
  'FATA\x1b[0m[',
  'PANI\x1b[0m[',
  // nginx's error-log levels.
  '[error]',
  '[crit]',
  '[alert]',
  '[emerg]',
  // Levels between pipes, as Sonarr's and Radarr's NLog layout writes them (`…|Error|ImportService|…`).
  '|Error|',
  '|Fatal|',
  'Exception',
  // A JSON log's message that opens with "Error", whatever level the program gave it (ZincSearch logs
  // "Error loading index: …" at debug).
  // Django's request logger on an unhandled exception (django.request at ERROR, whose default format
  // prints the message alone): "Internal Server Error: /path/".
  'Internal Server Error: /',
  'Traceback',
  'panic:',
  'division by zero',
  'ZeroDivisionError',
  'Forbidden',
  'forbidden:',
  'Unauthorized',
  'connection refused',
  'i/o timeout',
  // strerror(ENOMEM): a fork or an allocation the kernel refused (Redis's "fork: Cannot allocate memory").
  'Cannot allocate memory',
];
// A 5xx status between spaces (`HTTP 503 `, `… 502 Bad Gateway`), not a count: a number followed by a
// lower-case word other than a status phrase's (`flushed 500 docs`, `500 rows`) is an amount.
const STATUS_5XX =
  / (500|502|503|504) (?!(?!(?:internal|bad|service|gateway|server|error|status|from|on|for|in|at|after|when|while|-)\b)[a-z])/;
/** The status of an access-log line in the common or combined format (nginx's, Apache's): after the request. */
const ACCESS_STATUS =
  /"(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE) [^"\n]{1,2000} HTTP\/[\d.]{1,3}" (\d{3})\b/;
/** The word before a number that makes it an amount or a setting, not a status (`indexed 500`, `set to 500`). */
const COUNT_BEFORE =
  /\b(?:indexed|flushed|wrote|written|processed|read|loaded|deleted|inserted|fetched|synced|evicted|copied|scanned|imported|exported|queued|dropped|skipped|handled|emitted|published|consumed|batched|sent|received|to|of|max|limit|size|first|last|top|batch)\s$/i;
/** A 5xx status between spaces (see `STATUS_5XX`) that is not an amount by the word before it. */
function statusLine(l: string): boolean {
  // An access-log line (`"GET /x HTTP/2.0" 200 502 …`): its status is the number right after the quoted
  // request, and a 5xx later in it is a byte count, a length or an upstream's time, not the answer's status.
  const access = ACCESS_STATUS.exec(l.slice(0, 4000));
  if (access) return /^50[0-4]$/.test(access[1]!);
  const padded = ` ${l.slice(0, 4000)} `;
  const m = STATUS_5XX.exec(padded);
  return m !== null && !COUNT_BEFORE.test(padded.slice(Math.max(0, m.index - 40), m.index + 1));
}
/** A logfmt request line's 5xx status (`status=500`), as pino's `"status":500` counts (see `JSON_5XX`). */
const LOGFMT_5XX = /(?:^|\s)(?:status|status_code|statusCode|http_status|http\.status_code)=5\d\d\b/;
// A JSON log's message that opens with "Error", whatever level the program gave it (ZincSearch logs
// "Error loading index: …" at debug), with or without a space after the key's colon (python-json-logger).
const JSON_ERROR_MESSAGE = /"(?:message|msg)":\s?"Error[\s:]/;
// A structured request log's 5xx answer (pino's and its kin's `"res":{"status":500}`).
const JSON_5XX = /"status":\s?5\d\d\b/;
// Node's console.trace of a failure (`Trace: { message: 'Deployment Failed: Invalid cron expression' }`):
// the program's own report of what failed. Bounded: 200 characters before the word.
const TRACE_FAILED = /^Trace: .{0,200}\b(?:Failed|failed|Error|error|Invalid|invalid)\b/;
// A syslog-style daemon's own level after its name and pid, in lower case as Postfix and its kin print it
// (`postfix/postscreen[230]: fatal: bad numerical configuration`; postfix.org, MAILLOG_README).
const SYSLOG_ERROR = /\[\d{1,10}\]: (?:fatal|error|panic|critical):/;
// An access-log answer no working client gets (`"GET /api HTTP/2.0" 426`): 426 Upgrade Required says
// the server will not take the request's HTTP version (RFC 9110, 15.5.22), a protocol mismatch between
// the client and the server, never a user's mistake.
const STATUS_426_ACCESS = /HTTP\/[\d.]{1,3}" 426 /;
// An operation on a file path the kernel refused (EACCES), as Go's os.PathError prints it (`fstatat
// /srv/d: permission denied`, `open /data/x: permission denied`) and coreutils and libc's perror do (`ls:
// /srv/d/pagefile.sys: Permission denied`, GNU's quoted `'/srv/d/System Volume Information': Permission
// denied`): the program could not do what it tried on that path. The refused path in group 1
// (single-quoted), 2 (double-quoted) or 3 (bare). Bounded: the path is at most 300 characters.
const PATH_DENIED =
  /'(\/[^'\n]{1,300})': [Pp]ermission denied\b|"(\/[^"\n]{1,300})": [Pp]ermission denied\b|(?:^|[\s(])(\/[^\s'"]{0,300}?): [Pp]ermission denied\b/;

/** The path a line says the kernel refused (see `PATH_DENIED`), quoted or bare; undefined when it names none. */
export function deniedPath(line: string): string | undefined {
  if (line.length > 4000) return undefined;
  const m = PATH_DENIED.exec(line);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}
/** A line's own warning level (logfmt, JSON, bracketed, upper case). */
const WARN_LEVEL = /\blevel=warn|"level":"warn|\[warn(?:ing)?\]|\bWARN(?:ING)?\b/;
// klog's error and fatal lines (Kubernetes components and controllers): `E1127 12:59:40.205114 …`.
// glog's header with the year as well (`E20260210 08:29:55.120410`), as Typesense and other C++ servers print it.
const KLOG_ERROR = /^[EF](?:\d{4}|\d{8}) \d\d:\d\d:\d\d/;
// A lower-case level right after the line's timestamp, as Node's and Go's loggers print it
// (`2026-04-15T00:43:17.005Z error failed to …`). Bounded: the timestamp's tail is at most 20 characters.
// Apache httpd 2.4's error log, `[module:level]` (`[mpm_prefork:error]`, `[proxy:crit]`), the default
// ErrorLogFormat (httpd.apache.org, "Apache Module core", ErrorLogFormat). Bounded: the module is at most 41 characters.
const APACHE_ERROR = /\[[a-z][a-z0-9_]{0,40}:(?:error|crit|alert|emerg)\]/;
const APACHE_WARN = /\[[a-z][a-z0-9_]{0,40}:warn\]/;
const STAMPED_ERROR =
  /^\[?\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d[^\s\]]{0,20}\]?\s{1,4}(?:error|fatal|crit|critical)\b/;
// Serilog's three-letter levels (`{Level:u3}`: ERR, FTL; WRN below) after its time stamp, in its console
// template (`[09:25:00 ERR] …`) and its file template (`2026-03-31 09:25:00.315 +00:00 [ERR] …`, or the
// level without brackets); github.com/serilog/serilog, "Formatting Output". Bounded: the stamp's tail is
// at most 20 characters, its offset one token.
const SERILOG_ERROR =
  /^\[?(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d[^\s\]]{0,20}(?: [+-]\d\d:?\d\d)?\]?\s{1,4}\[?(?:ERR|FTL)\]\s|^\[?(?:\d{4}-\d\d-\d\d[T ])\d\d:\d\d:\d\d[^\s\]]{0,20}(?: [+-]\d\d:?\d\d)?\s{1,4}(?:ERR|FTL)\s/;
// Next.js's own logger (`error - …`, `warn  - …`, next build and next start up to version 13).
const NEXT_ERROR = /^error {1,2}- /;
// .NET's Microsoft.Extensions.Logging console format (the default "simple" formatter): the level as four
// lower-case letters, `fail: ` and `crit: ` for Error and Critical, `warn: ` for Warning, at the start of
// the line or after the formatter's TimestampFormat (learn.microsoft.com, "Console log formatting"). With
// colours on (a TTY) the level is wrapped in ANSI escapes, which are set aside first. In the default
// multi-line layout the line holds only `level: Category[EventId]` and the message follows on the next,
// indented line. Bounded: the time stamp is at most 40 characters, an escape at most 20.
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]{0,20}m`, 'g');
const MEL_STAMP = /^(?:\[?[0-9][0-9:.TZ/+, -]{3,38}\]?[ \t]{1,2})?/;
const MEL_LEVEL = /^(?:\[?[0-9][0-9:.TZ/+, -]{3,38}\]?[ \t]{1,2})?(fail|crit|warn): /;
/** The level of a line in .NET's simple console format (`fail`, `crit`, `warn`), else undefined. */
function melLevel(l: string): string | undefined {
  if (l.length > 4000) return undefined;
  return MEL_LEVEL.exec(l.includes(ESC) ? l.replace(ANSI, '') : l)?.[1];
}
/** A line of that format that holds only its level and category (`warn: Category[10400]`). */
const MEL_HEADER = /^(?:fail|crit|warn): [\w.`+<>-]{1,300}\[\d{1,10}\][ \t\r]*$/;
const melHeaderOnly = (l: string) =>
  l.length <= 400 && MEL_HEADER.test((l.includes(ESC) ? l.replace(ANSI, '') : l).replace(MEL_STAMP, ''));
/** The indented message line that follows a header-only line of level `levels`. */
const melMessage = (prev: string | undefined, l: string, levels: readonly string[]) =>
  prev !== undefined &&
  /^[ \t]{2,}\S/.test(l) &&
  melHeaderOnly(prev) &&
  levels.includes(melLevel(prev) ?? '');

/**
 * The exception a multi-line error names on its own line, right after the line with the level
 * (`psycopg.errors.ProgramLimitExceeded: database is not accepting commands …` after `ERROR
 * django.request: Internal Server Error`): a dotted name ending in Error, Exception or Exceeded, then
 * `: ` and the message. Bounded: the name is at most 200 characters.
 */
const EXCEPTION_LINE = /^[A-Za-z_][\w.$]{0,200}(?:Error|Exception|Exceeded)\b: \S/;

/** Python's traceback header, and one frame of it (`  File "/app/views.py", line 174, in parse_next_path`). */
const TRACEBACK = 'Traceback (most recent call last):';
const FRAME = /^\s{1,8}File "[^"\n]{1,400}", line \d{1,7}, in \S{1,200}\s*$/;
/** The line that ends a Python traceback: the exception's name and message (`UnicodeDecodeError: 'utf-8' …`). */
const PY_EXCEPTION = /^[A-Za-z_][\w.]{0,200}(?::\s|$)/;
/** Lines a traceback may run to (frames and their source lines) before its exception line. */
const MAX_TRACEBACK = 200;

/**
 * The innermost frame and the exception line of each Python traceback in `lines`, by index, and the
 * tracebacks' header lines that have them (a header says only that a traceback follows). Python prints
 * the frames outermost first (the `traceback` module's format), so the last frame is where the error was
 * raised, and the first unindented line after the frames names the exception.
 */
function tracebacks(lines: readonly string[]): { keep: Set<number>; headers: Set<number> } {
  const keep = new Set<number>();
  const headers = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes(TRACEBACK)) continue;
    let frame = -1;
    for (let j = i + 1; j < lines.length && j <= i + MAX_TRACEBACK; j++) {
      const l = lines[j]!;
      if (l.length > 4000) break;
      if (FRAME.test(l)) frame = j;
      else if (!/^\s/.test(l)) {
        if (frame >= 0 && PY_EXCEPTION.test(l)) {
          keep.add(frame).add(j);
          headers.add(i);
        }
        i = j - 1;
        break;
      }
    }
  }
  return { keep, headers };
}

/**
 * The lines of a log that say something failed (levels, runtimes' failure words, 5xx statuses), the
 * exception line that directly follows one of them (the message a multi-line error carries), and of a
 * Python traceback its innermost frame and its exception line in place of its header.
 */
export const errorLines: (text: string) => readonly string[] = memoByText(errorLinesOf);

function errorLinesOf(text: string): string[] {
  const lines = text.split('\n');
  const failed = (l: string) =>
    !/^\(no log lines|^Defaulted container "/.test(l) &&
    // A failure the same line says a retry got past (`i/o timeout (retry 1 ok in 3ms)`).
    !retriedOk(l) &&
    !missingWellKnownFile(l) &&
    !missingSystemDatabase(l) &&
    !earlyErrorLog(l) &&
    // DNS's NOERROR response code (CoreDNS's query log) is a success, not an ERROR level.
    (ERROR_MARKS.some((m) => (l.includes('NOERROR') ? l.replace(/NOERROR/g, '') : l).includes(m)) ||
      statusLine(l) ||
      LOGFMT_5XX.test(l) ||
      STATUS_426_ACCESS.test(l) ||
      // A line whose own level is a warning (an agent skipping a file it may not read) stays a warning.
      (deniedPath(l) !== undefined && !WARN_LEVEL.test(l)) ||
      KLOG_ERROR.test(l) ||
      SYSLOG_ERROR.test(l) ||
      JSON_5XX.test(l) ||
      JSON_ERROR_MESSAGE.test(l) ||
      TRACE_FAILED.test(l) ||
      APACHE_ERROR.test(l) ||
      STAMPED_ERROR.test(l) ||
      SERILOG_ERROR.test(l) ||
      NEXT_ERROR.test(l) ||
      melLevel(l) === 'fail' ||
      melLevel(l) === 'crit');
  const py = text.includes(TRACEBACK) ? tracebacks(lines) : undefined;
  return lines.filter((l, i) =>
    py?.headers.has(i)
      ? false
      : failed(l) ||
        py?.keep.has(i) === true ||
        melMessage(lines[i - 1], l, ['fail', 'crit']) ||
        (i > 0 && failed(lines[i - 1]!) && l.length <= 4000 && EXCEPTION_LINE.test(l)),
  );
}

/**
 * The current logs read in namespace `ns` when every pod there is Running and Ready and none of those
 * logs shows a failure line in its tail: what the notes that explain a healthy namespace read. Undefined
 * otherwise.
 */
export function quietLogs(seen: readonly SeenObservation[], ns: string): SeenObservation[] | undefined {
  if (allPodsReady(seen, ns) !== true) return undefined;
  const logs = outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns && !o.args['previous']);
  return logs.some((o) => errorLines(o.content.slice(-200_000)).length > 0) ? undefined : logs;
}

/**
 * CouchDB's error that one of its system databases (`_users`, `_replicator`, `_global_changes`) does not
 * exist: a single node set up without them (CouchDB 2 and later create them only when asked, by the
 * setup wizard or `PUT /_users`) logs it every few seconds from the processes that watch them
 * (docs.couchdb.org, "Single Node Setup": "you must create the system databases"); the databases the
 * application uses are not affected. Not a failure line; `expected-log-lines` explains it.
 */
function missingSystemDatabase(line: string): boolean {
  if (line.length > 4000 || !line.includes('database_does_not_exist')) return false;
  // The database the error is about is the first one it names after the reason (no other quoted name between).
  return /database_does_not_exist[^"]{0,200}(?:"|<<")_(?:users|replicator|global_changes)"/.test(line);
}

/**
 * nginx's alert that it could not open its compiled-in error log (`[alert] could not open error log file:
 * open() "/var/log/nginx/error.log" failed`): nginx opens that file before it reads its configuration, so
 * an image without the directory prints this once at start, and the configuration's own `error_log` (to
 * stderr, as container images set it) is used from then on (nginx.org, "Command-line parameters": `-e`
 * sets that early file). Not a failure line; `expected-log-lines` explains it. A configuration that logs to
 * that same path fails with its own `[emerg]` line, which stays one.
 */
function earlyErrorLog(line: string): boolean {
  return line.length <= 4000 && line.includes('[alert]') && line.includes('could not open error log file');
}

/**
 * nginx's [error] line for a file browsers and crawlers ask for on their own (a favicon, Apple's touch
 * icons, robots.txt, anything under /.well-known/) that the site does not have: nginx logs each such
 * 404 at error level while log_not_found is on, its default (nginx.org, ngx_http_core_module,
 * "log_not_found"); the visitor's page is not affected.
 */
function missingWellKnownFile(line: string): boolean {
  if (line.length > 4000 || !line.includes('failed (2: No such file or directory)')) return false;
  const path = /\bopen\(\) "([^"\n]{1,1024})" failed/.exec(line)?.[1];
  if (!path) return false;
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return (
    path.includes('/.well-known/') ||
    /^(?:favicon\.ico|apple-touch-icon[\w.-]{0,40}\.png|robots\.txt|sitemap\.xml|ads\.txt|browserconfig\.xml|security\.txt)$/.test(
      base,
    )
  );
}

// Warning levels as loggers print them (logfmt, JSON, RabbitMQ/Erlang's `[warning]`, log4j/logback's
// `WARN`, Go's `level=warning`); klog's warning lines start `W1127 12:59:40`.
const WARN_MARKS = [
  'WARN',
  '[warning]',
  '[warn]',
  'level=warn',
  '"level":"warn',
  '"severity":"WARNING"',
  '|Warn|',
];
const KLOG_WARN = /^W(?:\d{4}|\d{8}) \d\d:\d\d:\d\d/;
/**
 * Node.js' process warnings as it prints them by default: `(node:PID) [CODE] Name: message`
 * (`(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated…`, `(node:1) [MONGODB DRIVER] Warning: …`,
 * `(node:7) ExperimentalWarning: …`;
 * nodejs.org, process "Event: 'warning'").
 */
const NODE_WARN = /^\(node:\d{1,10}\) (?:\[[A-Z][A-Z0-9 _-]{0,30}\] )?[A-Za-z]{0,40}Warning: /;
// A lower-case warning level right after the line's timestamp (`2026-04-14T09:41:02.880Z warn  …`), as
// STAMPED_ERROR reads error levels.
const STAMPED_WARN = /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d[^\s\]]{0,20}\]?\s{1,4}(?:warn|warning)\b/;
// Serilog's WRN (see SERILOG_ERROR) and Next.js's `warn  - `.
const SERILOG_WARN =
  /^\[?(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d[^\s\]]{0,20}(?: [+-]\d\d:?\d\d)?\]?\s{1,4}\[?WRN\]\s|^\[?(?:\d{4}-\d\d-\d\d[T ])\d\d:\d\d:\d\d[^\s\]]{0,20}(?: [+-]\d\d:?\d\d)?\s{1,4}WRN\s|^warn {1,2}- /;

/** The lines of a log printed at warning level (see `WARN_MARKS`), without the tools' own notes. */
export const warningLines: (text: string) => readonly string[] = memoByText(warningLinesOf);

function warningLinesOf(text: string): string[] {
  const lines = text.split('\n');
  return lines.filter(
    (l, i) =>
      !/^\(no log lines|^Defaulted container "/.test(l) &&
      (WARN_MARKS.some((m) => l.includes(m)) ||
        KLOG_WARN.test(l) ||
        NODE_WARN.test(l) ||
        APACHE_WARN.test(l) ||
        STAMPED_WARN.test(l) ||
        SERILOG_WARN.test(l) ||
        melLevel(l) === 'warn' ||
        melMessage(lines[i - 1], l, ['warn'])),
  );
}

const WORDS = /[A-Za-z][\w.-]{3,}/g;
/** A line's shape: numbers and hex runs (ids, offsets, times) aside, so repeats of one message compare equal. */
const shape = (l: string) => l.replace(/[0-9a-f]{6,}|\d+/gi, '#').trim();

/**
 * A warning's message head: its shape (ANSI colour escapes aside) up to the first `; ` (what a later line
 * of the same message adds after it, "…; the tasks those futures await were never polled", is detail),
 * at most 2,000 characters.
 */
const head = (l: string) => {
  const s = shape(l.includes(ESC) ? l.replace(ANSI, '') : l);
  const semi = s.indexOf('; ');
  return (semi >= 0 ? s.slice(0, semi) : s).slice(0, 2000);
};

/**
 * The lines of `lines` whose message (its head, see `head`) appears more than once. A header-only line
 * of .NET's multi-line layout (`warn: Category[10400]`) carries no message and is not counted; its
 * message line is.
 */
function repeated(lines: readonly string[]): string[] {
  const count = new Map<string, number>();
  const counted = lines.filter((l) => !melHeaderOnly(l));
  for (const l of counted) count.set(head(l), (count.get(head(l)) ?? 0) + 1);
  return counted.filter((l) => (count.get(head(l)) ?? 0) > 1);
}

/** Words of a warning that says work failed, was cut short, turned away or held up. Linear: fixed words. */
const LOST =
  /\b(?:cancel\w{0,4}|discard\w{0,3}|fail\w{0,4}|time[sd]? ?out|timed out|refus\w{1,4}|reject\w{0,4}|drop\w{0,4}|lost|abort\w{0,4}|retr(?:y|ies|ying)|unable|cannot|can't|could not|couldn't|denied|exceed\w{0,3}|errors?|(?:not |un)available|unreachable|disconnect\w{0,3}|reset|slow\w{0,3}|paus\w{1,3}|took|stall\w{0,3}|block\w{0,3}|lag\w{0,3}|behind|full|exhaust\w{0,3}|throttl\w{1,4}|GC)\b/i;

/** A line that says an operation went through. Linear: fixed words. */
const WENT_THROUGH =
  /\b(?:subscribed|succeeded|successful(?:ly)?|success|completed?|done|connected|accepted|delivered|sent|saved|established|kept|ok)\b/i;

/**
 * Whether every recurring warning of a log (`warnings`, its warning lines) is followed, within the next
 * two lines, by a line that says the operation went through (or an answer served with 200) and by no
 * failure or warning first: a
 * notice the program prints on its way to doing the work (a library's note about a field it does not
 * know), not a fault. False when no warning recurs.
 */
export function warningsWithoutConsequence(text: string, warnings: readonly string[]): boolean {
  const recurring = new Set(repeated(warnings).map(head));
  if (recurring.size === 0) return false;
  // A warning that itself says work was lost or refused is no notice, whatever follows it.
  if (repeated(warnings).some((l) => LOST.test(l))) return false;
  const lines = text
    .slice(-200_000)
    .split('\n')
    .filter((l) => l.trim() !== '');
  const bad = new Set([...warnings, ...errorLines(text)]);
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!recurring.has(head(lines[i]!))) continue;
    seen++;
    const next = lines.slice(i + 1, i + 3);
    // A request answered with 200 (one that missed a cache and was served anyway) went through too; a
    // health probe's answer says nothing of the warned work.
    const through = next.findIndex(
      (l) => l.length <= 4000 && !bad.has(l) && (WENT_THROUGH.test(l) || servedRequest(l)),
    );
    if (through < 0 || next.slice(0, through).some((l) => bad.has(l))) return false;
  }
  return seen > 0;
}

/** A TURN server answering a request without a user (`user <>`) with 401: the credential challenge. */
const TURN_CHALLENGE = /\buser <>[^\n]{0,200}\berror 401\b|\berror 401\b[^\n]{0,200}\buser <>/;

/** Work a warning says was left undone (`entry skipped`, `ignoring the item`): lost, not settled. */
const SKIPPED = /\bskip\w{0,4}\b|\bignor\w{1,4}\b/i;
/** A warning that says how the program settled what it warns about (`using the first link`, `defaulting to 30s`). */
const SETTLED = /\busing the (?:first|last|newest|latest|oldest|default)\b|\bdefaulting to\b/i;
/** The quoted name a line is about (`feed 'release-notes'`, `job "nightly"`). */
const SUBJECT = /'([^'\s]{1,80})'|"([^"\s]{1,80})"/;
/** A fetch's HTTP 200 as its log gives it (`(200, 42 entries)`): the status first in parentheses. */
const FETCHED_200 = /\(200[,)]/;

/**
 * The recurring warning of a log, and a later line that shows its subject working, when every recurring
 * warning says how the program settled what it warns about (`more than one link found …, using the first
 * link`) without any word of loss (see `LOST`), names what it is about (a quoted name), and a line after
 * the last warning names that same subject working (an operation that went through, a request that is
 * not a probe's answered with 200, or a fetch's `(200, …)`; a count of 200 is not one). Such a
 * warning is a notice about the input (a feed, a file) the program copes with, not a fault; a flood of
 * it is log volume, not breakage. Undefined otherwise.
 */
export function settledWarnings(
  text: string,
  warnings: readonly string[],
): { warning: string; after: string; count: number } | undefined {
  const recurring = repeated(warnings);
  if (recurring.length === 0) return undefined;
  if (recurring.some((l) => l.length > 4000 || LOST.test(l) || SKIPPED.test(l) || !SETTLED.test(l)))
    return undefined;
  const subjects = new Set(recurring.map((l) => SUBJECT.exec(l)?.slice(1).find(Boolean)));
  if (subjects.has(undefined) || subjects.size !== 1) return undefined;
  const subject = [...subjects][0]!;
  const lines = boundedLogLines(text, Number.POSITIVE_INFINITY);
  const heads = new Set(recurring.map(head));
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (heads.has(head(lines[i]!))) last = i;
  if (last < 0) return undefined;
  const bad = new Set([...warnings, ...errorLines(text)]);
  // The subject as a name of its own (`'news'` is not `newsletter`).
  const named = new RegExp(`(?<![\\w-])${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
  const after = lines
    .slice(last + 1)
    .find(
      (l) =>
        !bad.has(l) && named.test(l) && (WENT_THROUGH.test(l) || servedRequest(l) || FETCHED_200.test(l)),
    );
  return after ? { warning: recurring[0]!, after, count: recurring.length } : undefined;
}

/** A warning that says the program carries on with what it got (`continuing with the data as received`). */
const CARRIES_ON =
  /\bcontinu(?:ing|es) (?:with|anyway)\b|\bproceed(?:ing|s) (?:with|anyway)\b|\b(?:will|shall) continue\b|\bcarrying on\b/i;
/**
 * Data the program received from elsewhere (an API's response, a message's payload), not its own
 * configuration: a field its configuration does not know is a typo that drops the setting.
 */
const RECEIVED =
  /\b(?:response|responses|received|payload|reply|replies|message from|returned by|from the (?:vendor |remote |upstream )?(?:API|server|service))\b/i;
/** A setting the warning says it falls back from: the configuration's own field is dropped. */
const OWN_SETTING = /\b(?:default|config(?:uration)?|settings?|option)\b/i;

/** What such a warning is about: fields the reader's schema does not know, in data it was given. */
const UNKNOWN_FIELDS =
  /\b(?:extra|unknown|unexpected|unrecognized|unrecognised|additional) (?:keys?|fields?|properties|attributes)\b|\bdid not match the expected schema\b/i;

/**
 * The recurring warning of a log when every repeat of it says the program carries on with data it received
 * (a response, a payload) whose fields its schema does not know (`Response … did not match the expected schema; continuing with the
 * data as received: extra keys not allowed @ …`), with no word of loss, and the program logs other work
 * after the first one: a reader older than the data it reads, which it accepts. Undefined otherwise.
 */
export function toleratedWarnings(
  text: string,
  warnings: readonly string[],
): { warning: string; after: string; count: number } | undefined {
  const recurring = repeated(warnings);
  if (recurring.length === 0) return undefined;
  if (
    recurring.some(
      (l) =>
        l.length > 4000 ||
        !CARRIES_ON.test(l) ||
        !UNKNOWN_FIELDS.test(l) ||
        !RECEIVED.test(l) ||
        OWN_SETTING.test(l) ||
        SKIPPED.test(l),
    )
  )
    return undefined;
  // The words of loss, less what the schema's refusal of the extra fields says (`not allowed`).
  if (recurring.some((l) => LOST.test(l.replace(/\bnot allowed\b/gi, '')))) return undefined;
  const lines = boundedLogLines(text, Number.POSITIVE_INFINITY);
  const heads = new Set(recurring.map(head));
  const first = lines.findIndex((l) => heads.has(head(l)));
  const bad = new Set([...warnings, ...errorLines(text)]);
  const after = lines
    .slice(first + 1)
    .find((l) => l.trim() !== '' && !bad.has(l) && !heads.has(head(l)) && !WARNING_WORD.test(l));
  return after ? { warning: recurring[0]!, after, count: recurring.length } : undefined;
}

/** A line at warning level or worse. */
const WARNING_WORD = /\b(?:WARN(?:ING)?|ERROR|CRITICAL|FATAL)\b/;

/**
 * A retry whose outcome the same line gives as a success (`retry 1/5 -> updated`, `retried … => ok`,
 * `retry 2 → 200`). Bounded: at most 80 characters between the retry word and the arrow.
 */
const RETRY_WENT_THROUGH =
  /\bretr(?:y|ied|ying)\b[^\n]{0,80}?(?:->|=>|\u2192)\s{0,3}(?:updated|ok|succeeded|success|done|saved|applied|2\d\d)\b/i;
/** A line that says the program gave up on work after retrying. */
const GAVE_UP =
  /\bgave[_ ]?up=[1-9]|\bgiving up\b|\bgave up\b|\bretries exhausted\b|\bexhausted (?:all |its |the )?(?:\d{1,4} )?(?:retries|retry attempts|attempts)\b|\bretry limit\b|\bmax(?:imum)? (?:retries|attempts)\b|\bno more retries\b/i;

/**
 * A failure line that says, in itself, the program used another upstream or backend instead
 * (AdGuard's dnsproxy: `upstream A failed to exchange: …; used B`, `… (retried via B, ok)`; `falling back to`,
 * `failed over to`).
 */
const FAILED_OVER =
  /; used (?:upstream )?(?:https?|tls|quic|udp|tcp):\/\/|\b(?:fell|falling) back to (?:the |its )?(?:(?:secondary|backup|fallback|next|other|second|standby) )?(?:upstream|server|backend|replica|host|resolver|endpoint|node|https?:\/\/)|\bfailed over to\b|\bretried (?:via|with|on|through|against) [^\s,)]{1,200},? (?:ok|succeeded|success)(?![=\w-])|\bswitch(?:ed|ing) to (?:the )?(?:fallback|backup|secondary) (?:upstream|server|backend|replica|host|resolver|endpoint|node)\b/i;

/**
 * The recurring warning of a log when every repeat of it reports, in the same line or one of the next two,
 * a retry that went through (`… status=409 version_conflict_engine_exception; retry 1/5 -> updated`), and
 * no line of the log says the program gave up: a conflict or refusal the program resolves by retrying,
 * not a fault. Undefined otherwise.
 */
export function retriedWarnings(
  text: string,
  warnings: readonly string[],
): { warning: string; count: number } | undefined {
  const recurring = repeated(warnings);
  if (recurring.length === 0) return undefined;
  const lines = boundedLogLines(text, Number.POSITIVE_INFINITY).filter((l) => l.trim() !== '');
  if (lines.some((l) => GAVE_UP.test(l.slice(0, 4000)))) return undefined;
  const heads = new Set(recurring.map(head));
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!heads.has(head(lines[i]!))) continue;
    seen++;
    if (!lines.slice(i, i + 3).some((l) => RETRY_WENT_THROUGH.test(l.slice(0, 4000)))) return undefined;
  }
  return seen > 0 ? { warning: recurring[recurring.length - 1]!, count: recurring.length } : undefined;
}

/** A line that says what a warning was about now works, in more words than `RECOVERED` (`Connection to X established`). */
const WORKS_NOW = /\b(?:established|retrieved|restored|re-?synced|synchronized|reconnected|connected)\b/i;
/** Words that undo a recovery word a little before it (`could not be established`, `failed to connect`). */
const NEGATED =
  /\b(?:not|never|no|unable|failed|fails|cannot|can't|couldn't|won't|wasn't|isn't)\b[\w\s-]{0,24}$/i;
/** Fields of a log line that say who logs, not what about (`logger=clustermesh`, `module=agent`). */
const META_KEYS =
  /^(?:logger|module|component|caller|source|subsys|level|lvl|msg|message|time|ts|thread|pid|host|hostname|app)=/i;

/** Whether `l` says something works now: a recovery word (see `RECOVERED`, `WORKS_NOW`) not negated before it. */
function worksNow(l: string): boolean {
  for (const re of [RECOVERED, WORKS_NOW]) {
    const m = re.exec(l);
    if (m && !NEGATED.test(l.slice(Math.max(0, m.index - 40), m.index))) return true;
  }
  return false;
}
/** Names a warning and its recovery may share: `key=value` fields, dotted or hyphenated names. */
const SUBJECT_TOKEN =
  /\b[A-Za-z][\w]{1,40}=("?)[\w./:-]{2,200}\1|\b[a-z0-9]{1,40}(?:[.-][a-z0-9]{1,40}){1,8}\b/g;

/**
 * The recurring warnings of a log when the program got past them: every one comes before a line that
 * says the thing works now (`Connection to remote cluster established`, see `RECOVERED` and `WORKS_NOW`)
 * which names a subject of a warning (a `key=value` field or a dotted or hyphenated name they share), and
 * at least `QUIET_AFTER` lines without a warning or failure follow it. Warnings at start-up while a peer
 * was not ready yet (a remote cluster's configuration not published yet) that stopped once it was: not a
 * fault now. Undefined otherwise.
 */
export function recoveredWarnings(
  text: string,
  warnings: readonly string[],
): { warning: string; recovery: string } | undefined {
  if (repeated(warnings).length === 0) return undefined;
  const lines = boundedLogLines(text, Number.POSITIVE_INFINITY).filter((l) => l.trim() !== '');
  const bad = new Set([...warnings, ...errorLines(text)]);
  let last = -1;
  lines.forEach((l, i) => {
    if (bad.has(l)) last = i;
  });
  if (last < 0) return undefined;
  // A name, not a date or a number: a token with a letter outside a key (`2026-12-04` is every line's).
  const tokens = (l: string) =>
    [...l.slice(0, 4000).matchAll(SUBJECT_TOKEN)]
      .map((m) => m[0].replace(/"/g, ''))
      .filter((t) => /[a-z]/i.test(t.slice(t.indexOf('=') + 1)) && !META_KEYS.test(t));
  const subjects = new Set(warnings.flatMap(tokens));
  const rest = lines.slice(last + 1);
  const at = rest.findIndex((l) => l.length <= 4000 && worksNow(l) && tokens(l).some((t) => subjects.has(t)));
  if (at < 0 || rest.length - at - 1 < QUIET_AFTER) return undefined;
  return { warning: warnings[warnings.length - 1]!, recovery: rest[at]! };
}

/** A request line answered with 200: a method and a path, then the status (`GET /x 200 74ms`, `"GET /x HTTP/1.1" 200`). */
const SERVED_REQUEST = /\b(?:GET|POST|PUT|PATCH|DELETE|HEAD) (\/[^\s"]{0,500})(?: HTTP\/[\d.]{1,3}"?)? 200\b/;
/** Paths health checks and scrapers ask, whose answers say nothing of the program's work. */
const PROBE_PATH = /^\/(?:healthz?|readyz|livez|ready|live|ping|metrics|status)(?:[/?]|$)/;

/** Whether a line is a request (not a health probe's) answered with 200. */
function servedRequest(l: string): boolean {
  const m = SERVED_REQUEST.exec(l);
  return m !== null && !PROBE_PATH.test(m[1]!) && !/kube-probe|ELB-HealthChecker|GoogleHC/.test(l);
}

/** The name an alarm line gives (`alarm net_packets.eth0.inbound_packets_dropped_ratio = 0.21%`). */
const ALARM_NAME = /\balarm\s{1,3}([\w.:/-]{3,160})/i;
/** A state line that says the alarm is over. */
const ALARM_OVER = /\b(?:CLEAR|CLEARED|RESOLVED|RECOVERED)\b|\bback to normal\b/i;

/**
 * A recurring alarm that cleared itself every time: each recurring warning names an alarm, and the last
 * line of the log that names it says it cleared (`CLEAR, was WARNING for 10 minutes`). An alarm that
 * flaps around its threshold and ends clear is no fault now; undefined otherwise.
 */
export function clearedAlarms(
  text: string,
  warnings: readonly string[],
): { alarm: string; cleared: string; raised: number; clears: number } | undefined {
  const recurring = repeated(warnings);
  if (recurring.length === 0) return undefined;
  const names = new Set(recurring.map((l) => ALARM_NAME.exec(l.slice(0, 4000))?.[1]));
  if (names.has(undefined)) return undefined;
  const lines = boundedLogLines(text, Number.POSITIVE_INFINITY);
  let cleared: string | undefined;
  for (const name of names) {
    const last = lines.filter((l) => l.includes(name!)).pop();
    if (!last || !ALARM_OVER.test(last)) return undefined;
    cleared = last;
  }
  const named = lines.filter((l) => [...names].some((n) => l.includes(n!)));
  const clears = named.filter((l) => ALARM_OVER.test(l)).length;
  return { alarm: [...names][0]!, cleared: cleared!, raised: named.length - clears, clears };
}

/**
 * The warning-level lines of a log (see `warningLines`) when one of their messages recurs (a
 * condition that persists), else none: a single warning is not a lead.
 */
export function recurringWarnings(text: string): readonly string[] {
  const warnings = warningLines(text);
  return repeated(warnings).length > 0 ? warnings : [];
}

/**
 * Up to `max` lines of `lines`, in order, that say something `chosen` does not: another message (its
 * shape differs) with a word the chosen line lacks, such as the partition, the file or the peer a
 * second line names. Lines of one shape count once. Quoted beside the chosen line, so an answer keeps
 * what the log says around its headline.
 */
export function otherLines(lines: readonly string[], chosen: string, max = 2): string[] {
  const known = new Set((chosen.match(WORDS) ?? []).map((w) => w.toLowerCase()));
  const shapes = new Set([shape(chosen)]);
  const out: string[] = [];
  for (const l of lines) {
    if (out.length >= max) break;
    if (chosen.includes(l.trim())) continue;
    const s = shape(l);
    if (shapes.has(s)) continue;
    shapes.add(s);
    const words = (l.match(WORDS) ?? []).map((w) => w.toLowerCase());
    if (!words.some((w) => !known.has(w))) continue;
    for (const w of words) known.add(w);
    out.push(l);
  }
  return out;
}

/** The person asks whether a failure goes on ("is it still broken", "still failing?"). */
const STILL = /\bstill\b/i;

/** The lines searches of a pod's current log found (each `N:` or `N-` prefix removed), oldest output first. */
function foundEarlier(seen: readonly SeenObservation[], pod: string): string[] {
  return outputs(seen, 'search_pod_logs', (x) => x.args['name'] === pod && !x.args['previous'])
    .flatMap((x) => x.content.split('\n').slice(1))
    .filter((l) => /^\d{1,7}[:-]/.test(l) && l.length <= 4000)
    .map((l) => l.replace(/^\d{1,7}[:-]/, ''));
}

// A failure a client retries on its own (a peer not up yet at start-up), as clients word it.
export const RETRIED =
  /retry|retrying|will retry|attempt \d|backing off|reconnect|connection refused|ECONNREFUSED|i\/o timeout|not ready|unavailable|GOAWAY|too_many_pings/i;
// A line saying the thing it retried now works.
// A clustered program's own words for peers gone and membership whole again ("removed 6 departed
// members", "6/6 members ACTIVE") count too: a peer that refused because it left is not a fault.
const RECOVERED =
  /(?<!\bnot |n't |\bnever |\bno )\b(connected|reconnected|connection established|established connection|ready to accept|is ready|now ready|recovered|succeeded|connection ok|start completed|(?:build|sync|run|job|query|load|import) complete(?:d)?|imported|drained|resumed|caught up|back to normal|departed|(\d{1,4})\/\2 (?:members|peers|nodes|replicas))\b/i;
/** Lines of normal work after the recovery that show the failure did not come back. */
const QUIET_AFTER = 5;

/**
 * The failure lines of a log when they were retries that recovered: every one of them is a retried
 * failure (see `RETRIED`), a later line says the peer is reached (see `RECOVERED`), and at least
 * `QUIET_AFTER` lines without a failure follow the last one. A program that logged "connection refused,
 * retrying" while its database started, then "connected", is not failing now.
 */
export function recoveredRetries(
  text: string,
): { failures: string[]; recovery: string; after: number } | undefined {
  const lines = inStampOrder(
    text.split('\n').filter((l) => l.trim() && !/^\(no log lines|^Defaulted container "/.test(l)),
  );
  const bad = new Set(errorLines(text));
  let last = -1;
  lines.forEach((l, i) => {
    if (bad.has(l)) last = i;
  });
  if (last < 0) return undefined;
  const failures = lines.slice(0, last + 1).filter((l) => bad.has(l));
  if (!failures.every((l) => RETRIED.test(l))) return undefined;
  const rest = lines.slice(last + 1);
  // "completed with errors", "succeeded with 3 failures", "3 of 5 failed": not a recovery ("0 failed" is).
  const recovery = rest.find(
    (l) =>
      RECOVERED.test(l) &&
      !/\bwith (?:[1-9]\d{0,5} )?(?:errors?|failures?)\b|\b[1-9]\d{0,5} (?:of \d{1,6} )?failed\b/i.test(l),
  );
  if (!recovery) return undefined;
  // Enough normal work after it: a few lines, or fewer that span a long quiet time by their stamps.
  const quiet =
    rest.length >= QUIET_AFTER ||
    (rest.length >= 3 && minutesBetween(recovery, rest[rest.length - 1]!) >= QUIET_MINUTES) ||
    (rest.length >= 4 && minutesBetween(recovery, rest[rest.length - 1]!) >= QUIET_MINUTES / 2);
  if (!quiet) return undefined;
  return { failures, recovery, after: rest.length };
}

/**
 * The field names that place a request on one partition of a store (DynamoDB's and Cosmos DB's partition
 * key, a Kafka partition, a shard, a hash or routing key), as `name=value` on a log line. Bounded: the
 * name is at most 40 characters, the value up to 200 characters without spaces or quotes.
 */
const PARTITION_FIELD =
  /(?<![\w.-])((?:pk|partition[_-]?key|partitionKey|partition|shard(?:[_-]?key|[_-]?id)?|hash[_-]?key|hashKey|routing[_-]?key|routingKey))=("?)([^\s"]{1,200})\2/g;

/** Words of a request refused for a rate or capacity limit (throttling, 429, a store's own names for it). */
const THROTTLED =
  /throttl|capacity|throughput|rate[ _-]?limit|too ?many ?requests|\b429\b|RequestRateTooLarge|SlowDown|RESOURCE_EXHAUSTED/i;

/**
 * When three or more failure lines name a partition field (see `PARTITION_FIELD`), one of them says a
 * rate or capacity limit refused it (see `THROTTLED`), and every one of them names the same value while
 * their other fields differ: the note that the failures concentrate on one partition (a hot key), else
 * ''. A store's per-partition throughput limit throttles those requests
 * whatever the capacity of the whole table or topic.
 */
export function hotKeyNote(lines: readonly string[]): string {
  const named = lines
    .filter((l) => l.length <= 4000)
    .map((l) => ({ l, fields: [...l.matchAll(PARTITION_FIELD)].map((m) => `${m[1]}=${m[3]}`) }))
    .filter((x) => x.fields.length > 0);
  if (named.length < 3) return '';
  // Only failures that say a rate or capacity limit refused them: a poison record on one Kafka partition
  // fails on one partition too, and spreading keys is no answer to it.
  if (!named.some((x) => THROTTLED.test(x.l))) return '';
  const first = named[0]!.fields;
  const shared = first.find((f) => named.every((x) => x.fields.includes(f)));
  if (!shared) return '';
  // The rest of each line, the shared field and the time stamps aside, must differ: one request
  // repeated is a retry, not many requests piling onto one key.
  const rest = new Set(named.map((x) => shape(x.l.split(shared).join(''))));
  if (rest.size < 2) return '';
  return `; every one of those ${named.length} failures is on the same ${shared.slice(0, shared.indexOf('='))} (${shared}) while their other fields differ: a hot partition key. The store's per-partition limit throttles the requests that all go to that one key, however much capacity the table (or topic) has as a whole; spread them over more keys (a suffix or shard number on the key) or aggregate the updates before writing, rather than adding capacity`;
}

/** A request line's client: its user agent (`ua="LegacyCppCli/0.9.2"`, `user_agent=…`) or its client address. */
const CLIENT = /\b(?:ua|user[_-]?agent|client|client_ip|remote_addr)=(?:"([^"\n]{1,200})"|([^\s"]{1,200}))/i;
/** Words of a request the server could not parse: the client's fault, whatever status the server gave. */
const MALFORMED =
  /SyntaxError|Unexpected token|malformed|invalid (?:json|request|body|payload)|could not parse|parse error|bad request/i;

/**
 * The failure lines of a log when every one of them is a request of one client that the server could
 * not parse (malformed JSON, a bad body), while requests of other clients in the same log succeed: one
 * misbehaving client, not a broken service. At least three such lines; undefined otherwise.
 */
export function oneClientFailures(text: string): { client: string; failures: string[] } | undefined {
  const bad = errorLines(text).filter((l) => l.length <= 4000);
  if (bad.length < 3) return undefined;
  const clientOf = (l: string) => {
    const m = CLIENT.exec(l);
    return m ? (m[1] ?? m[2]) : undefined;
  };
  const client = clientOf(bad[0]!);
  if (!client || !bad.every((l) => clientOf(l) === client && MALFORMED.test(l))) return undefined;
  const badSet = new Set(bad);
  const others = text
    .split('\n')
    .filter((l) => l.length <= 4000 && !badSet.has(l) && /\s(?:200|201|204|301|302|304)\s/.test(` ${l} `))
    .some((l) => {
      const c = clientOf(l);
      return c !== undefined && c !== client;
    });
  return others ? { client, failures: bad } : undefined;
}

/**
 * The lines in the order of their time stamps, when every line has one and they are out of order (a log
 * gathered newest first, or merged from several sources); else as they are. Stable: lines of the same
 * stamp keep their order.
 */
function inStampOrder(lines: string[]): string[] {
  if (lines.length < 2 || lines.length > 20_000) return lines;
  const stamps = lines.map(instantOf);
  if (stamps.some((t) => t === undefined)) return lines;
  if (stamps.every((t, i) => i === 0 || (t as number) >= (stamps[i - 1] as number))) return lines;
  return lines
    .map((l, i) => ({ l, t: stamps[i] as number, i }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.l);
}

/**
 * The instant a line's leading stamp names, its UTC offset included (`2024-10-06T08:01:40+02:00` is
 * 06:01:40Z); a stamp without one is read as UTC, as `lineStamp` reads it. Undefined without a stamp.
 */
function instantOf(line: string): number | undefined {
  const m = /^\s{0,4}(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?)(Z|[+-]\d{2}:?\d{2})?/.exec(
    line,
  );
  if (!m) return lineStamp(line);
  const offset = m[3] && m[3] !== 'Z' ? `${m[3].slice(0, 3)}:${m[3].slice(-2)}` : 'Z';
  const t = Date.parse(`${m[1]}T${m[2]!.replace(',', '.').slice(0, 12)}${offset}`);
  return Number.isNaN(t) ? lineStamp(line) : t;
}

/** Minutes of quiet after a recovery that show, with a few lines, that the failure did not come back. */
const QUIET_MINUTES = 10;
/** Minutes from one log line's stamp to another's; 0 when either has none. */
function minutesBetween(from: string, to: string): number {
  const a = lineStamp(from);
  const b = lineStamp(to);
  return a === undefined || b === undefined ? 0 : (b - a) / 60_000;
}

/** A Service's cluster DNS name in a log line (`pgbouncer.ledger-db.svc:6432`): the Service and its namespace. */
const SERVICE_HOST =
  /\b([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.svc\b/;

/**
 * The dependency a recovered failure names (`pgbouncer.ledger-db.svc`), when its pods were all
 * created around the time of the failure (their age within five minutes of the time from the first
 * failure to the log's last line): it was restarted or rolled out then, which is what the refused
 * connections were. Needs the `list_pods` of its namespace.
 */
function replacedDependency(
  seen: readonly SeenObservation[],
  failures: readonly string[],
  last: string,
): string | undefined {
  const host = failures.map((l) => SERVICE_HOST.exec(l)).find(Boolean);
  if (!host) return undefined;
  const [, svc, ns] = host;
  const since = minutesBetween(failures[0]!, last);
  if (since <= 0) return undefined;
  const listed = podsOf(seen, ns!);
  if (!('rows' in listed)) return undefined;
  const pods = listed.rows.filter((r) => (r['NAME'] ?? '').startsWith(`${svc}-`));
  const ages = pods.map((r) => {
    const s = ageSeconds(r['AGE'] ?? '');
    return s === undefined ? undefined : s / 60;
  });
  if (pods.length === 0 || ages.some((a) => a === undefined || Math.abs(a - since) > 5)) return undefined;
  return `The connections were refused while ${svc} in namespace ${ns} was being replaced: its pods (${pods
    .slice(0, 3)
    .map((r) => `${r['NAME']} ${r['AGE']}`)
    .join(
      ', ',
    )}) were all created about ${Math.round(since)} minutes ago, when the failures began, so ${svc} was restarted (a rollout or a restart), and the program reconnected once the new pods were up.`;
}

/** The namespace of the Service a recovered failure names, when its pods were not listed yet. */
function dependencyToList(seen: readonly SeenObservation[], failures: readonly string[]): string | undefined {
  const ns = failures.map((l) => SERVICE_HOST.exec(l)?.[2]).find(Boolean);
  return ns && 'read' in podsOf(seen, ns) ? ns : undefined;
}

// An alarm's raise and its end, as brokers log them (RabbitMQ: "disk resource limit alarm set on
// node …" … "disk resource limit alarm cleared on node …"; https://www.rabbitmq.com/docs/alarms).
const ALARM_SET = /\b([a-z]{1,20}(?: [a-z]{1,20}){0,3}) alarm (?:set|raised)\b/i;

/**
 * Whether the alarm `line` reports was cleared later in the same log (the same alarm's name with
 * "cleared" after it). Lines are compared as written; only the first 5,000 lines after it are read.
 */
export function alarmCleared(text: string, line: string): boolean {
  const name = ALARM_SET.exec(line.slice(0, 4096))?.[1]?.toLowerCase();
  if (!name) return false;
  const lines = text.split('\n');
  const at = lines.indexOf(line);
  if (at < 0) return false;
  return lines.slice(at + 1, at + 5001).some((l) => l.toLowerCase().includes(`${name} alarm cleared`));
}

/**
 * Whether the operation a failure line names (`"msg":"Update failed"`, `backup failed:`, the word before
 * "failed") ran again later in the same log and succeeded (`Update succeeded`, `backup completed`), with
 * no failure of it after that success: the failure is history, the operation works now. Lines are
 * compared as written; only the first 5,000 lines after it are read, each of at most 4,000 characters.
 */
export function outcomeSuperseded(text: string, line: string): boolean {
  // The operation: the word before "failed" with up to three lower-case words before it ("upload of lint
  // report"), so another object's success of the same last word ("coverage report ok") does not count.
  const said = /\b((?:[a-z]{2,30} ){0,3})([A-Za-z]{3,30}) failed\b/.exec(line.slice(0, 4000));
  const last = said?.[2]?.toLowerCase();
  if (
    !said ||
    !last ||
    /^(?:has|have|had|was|were|is|are|been|request|call|check|probe|it|that|which)$/.test(last)
  )
    return false;
  const op = escapeRe(`${said[1] ?? ''}${last}`.toLowerCase());
  const lines = text.split('\n');
  const at = lines.indexOf(line);
  if (at < 0) return false;
  const ok = new RegExp(`\\b${op} (?:succeeded|completed|complete|successful|finished|done|ok)\\b`, 'i');
  const bad = new RegExp(`\\b${op} failed\\b`, 'i');
  // A completion that reports errors ("finished with 3 errors", "2 failed") is no success.
  const partial =
    /\bwith [1-9]\d{0,5} (?:errors?|failures?)\b|\b[1-9]\d{0,5} (?:errors?|failed|failures?)\b/i;
  // The object the failure names (a `name`/`key` field): a success of another object does not count,
  // though a rerun under a generated name of the same stem (`core-9qk4d`, then `core-r2m8w`) does.
  const stem = (l: string) =>
    /"?(?:Request\.Name|name|key|object|id)"?\s{0,2}[:=]\s{0,2}"?([a-z0-9][a-z0-9./-]{0,252})/i
      .exec(l.slice(0, 4000))?.[1]
      ?.replace(/-[a-z0-9]{5}$/, '');
  const own = stem(line);
  let fixed = false;
  for (const l of lines.slice(at + 1, at + 5001)) {
    if (l.length > 4000) continue;
    if (ok.test(l) && !partial.test(l)) {
      const other = stem(l);
      if (own === undefined || other === undefined || other === own) fixed = true;
    } else if (bad.test(l)) fixed = false;
  }
  return fixed;
}

/**
 * A pod that runs and is Ready but whose program logs failures: not healthy, whatever its status
 * says. Weighed below every specific family, so a named cause (RBAC, a NetworkPolicy) wins.
 */
// A token rejected because its validity starts in the future by this host's clock.
const CLOCK_SKEW = /token is not valid yet|used before issued|token used before|nbf.{0,20}in the future/i;

// An access-log line answering 5xx (`"GET /v2/feed HTTP/1.1" 500`), and what nginx says of why.
const STATUS_5XX_ACCESS = /"(?:GET|POST|PUT|PATCH|DELETE|HEAD) [^"\n]{1,500} HTTP\/[\d.]{1,3}" 50[0-4]\b/;
const PROXY_ALERTS = '[alert]|[emerg]|[crit]';
/**
 * OAuth 2.0's error codes in a token endpoint's answer (RFC 6749, 5.2): the code says only what was
 * refused; the same answer's `error_description` says why, and the first such answer may lie far above
 * the tail, which repeats the code.
 */
const OAUTH_ERROR = /\b(?:invalid_grant|invalid_client|unauthorized_client|invalid_token)\b/;
const OAUTH_WHY = 'error_description';

/**
 * A search of the whole log a `get_pod_logs` read showed the tail of (its pod and container), for
 * `pattern`, showing at most `maxMatches` matching lines without context.
 */
export function searchOf(log: SeenObservation, pattern: string, maxMatches = 5): Read {
  return {
    tool: 'search_pod_logs',
    args: {
      namespace: log.args['namespace'],
      name: log.args['name'],
      ...(log.args['container'] ? { container: log.args['container'] } : {}),
      pattern,
      context: 0,
      maxMatches,
    },
  };
}

/**
 * What a server logs when the client went away before the answer was written: a broken pipe (EPIPE) on
 * the write, a request context cancelled, a client that disconnected. A symptom of the client or of a
 * proxy's timeout, never why a request failed in the first place.
 */
export const CLIENT_GONE =
  /\b(?:broken pipe|EPIPE|context canceled|context cancelled|client disconnected|client closed (?:the )?(?:connection|request)|write: connection reset by peer)\b/i;

/** An access-log line that only counts a failed request (`"GET /post" 500 2.9ms`, with or without the HTTP version). */
const ACCESS_5XX = /"(?:GET|POST|PUT|PATCH|DELETE|HEAD) [^"\n]{1,500}" 5\d\d\b|\| 5\d\d \|/;

/**
 * Whether failure lines (see `errorLines`) are only clients gone before the answer and the access log's
 * count of the failed requests, at least one of the first: the consequences of a failure, not its cause.
 */
export function onlyClientGone(bad: readonly string[]): boolean {
  const lines = bad.map((l) => l.slice(0, 4000));
  return (
    lines.some((l) => CLIENT_GONE.test(l)) && lines.every((l) => CLIENT_GONE.test(l) || ACCESS_5XX.test(l))
  );
}

/** An access log's 5xx answered within a second (`"GET /post" 500 2.9ms`): the server failed the request itself. */
const QUICK_5XX =
  /"(?:GET|POST|PUT|PATCH|DELETE|HEAD) [^"\n]{1,500}" 5\d\d (?:\d{1,3}(?:\.\d{1,6})?(?:ms|µs|us)|0\.\d{1,6}s)\b|\| 5\d\d \|\s{1,12}(?:\d{1,3}(?:\.\d{1,6})?(?:ms|µs|us)|0\.\d{1,6}s) \|/;

/** The advice of a finding on logged failures: no change of its own, only where to look (see same-object-rollback). */
export const LOG_LINES_ADVICE = 'fix what the log lines report; the pod status alone does not show it';

/**
 * Whether a log tail fails only with clients gone (see `onlyClientGone`) while its access log shows
 * 5xx answers given within a second: requests a proxy's timeout did not cut (it cuts only the slow
 * ones), so the server failed them for a reason of its own that the tail does not show.
 */
export function quickFailuresBehindClientGone(bad: readonly string[]): boolean {
  return onlyClientGone(bad) && bad.some((l) => QUICK_5XX.test(l.slice(0, 4000)));
}

// A TLS failure in a log: the certificate's own dates may be logged far above the tail that was read.
const TLS_FAILURE = /\btls: |x509: |TLS handshake|handshake fail|SSL routines|certificate verify failed/i;
const TLS_DATES = 'expire|NotAfter|not valid';

export const appErrorsAnalyzer: Analyzer = {
  name: 'app-errors',
  reads({ ns, seen, task }) {
    // A pod whose log says a token is not valid yet: the node it runs on (its clock, its time sync).
    const rows = tableOf(seen, 'list_pods');
    const skewed: Read[] = outputs(
      seen,
      'get_pod_logs',
      (o) => !o.args['previous'] && CLOCK_SKEW.test(o.content.slice(-100_000)),
    )
      .map((o) => rows.find((r) => r['NAME'] === o.args['name'])?.['NODE'])
      .filter((n): n is string => !!n && n !== '<none>')
      .slice(0, 1)
      .map((name) => ({ tool: 'describe_node', args: { name } }));
    // A Running pod whose log tail shows TLS failures: its whole log, for what it said of its
    // certificate's validity (a line logged at start or at expiry, long scrolled out of the tail).
    const tls: Read[] = outputs(
      seen,
      'get_pod_logs',
      (o) => !o.args['previous'] && TLS_FAILURE.test(o.content.slice(-100_000)),
    )
      .slice(0, 2)
      .map((o) => searchOf(o, TLS_DATES));
    // A proxy's access log full of 5xx answers whose tail says nothing of why: its own alert and error
    // lines (nginx's [alert], [emerg], [crit]) anywhere in the log.
    const proxied: Read[] = outputs(seen, 'get_pod_logs', (o) => {
      if (o.args['previous']) return false;
      const tail = o.content.slice(-100_000);
      return STATUS_5XX_ACCESS.test(tail) && !/\[(?:alert|emerg|crit)\]/.test(tail);
    })
      .slice(0, 1)
      .map((o) => searchOf(o, PROXY_ALERTS));
    // OAuth errors in the tail without the provider's reason: its error_description anywhere in the log
    // (two pods: replicas sharing a token each see another part of the story).
    const oauth: Read[] = outputs(seen, 'get_pod_logs', (o) => {
      if (o.args['previous']) return false;
      const tail = o.content.slice(-100_000);
      return OAUTH_ERROR.test(tail) && !tail.includes(OAUTH_WHY);
    })
      .slice(0, 2)
      .map((o) => searchOf(o, OAUTH_WHY));
    // A Ready pod that restarted: what its previous instance said before it ended (one pod is enough).
    // Only where every pod is Running and Ready (the note is for a namespace with nothing failing now):
    // where something fails, that is what the reads are for.
    const listed = parseTable(podListOf(seen, ns)?.content ?? '');
    const allReady = listed.every(
      (r) =>
        /^(Completed|Succeeded)$/.test(r['STATUS'] ?? '') ||
        (r['STATUS'] === 'Running' && /^(\d+)\/\1$/.test(r['READY'] ?? '')),
    );
    const restarted: Read[] = (allReady ? listed : [])
      .filter(
        (r) =>
          r['STATUS'] === 'Running' &&
          /^(\d+)\/\1$/.test(r['READY'] ?? '') &&
          /^[1-9]/.test(r['RESTARTS'] ?? '') &&
          // The last restart long enough ago (a crash-looping pod is Running and Ready between crashes).
          (lastRestartAgo(r['RESTARTS'] ?? '') ?? 0) >= 600,
      )
      .slice(0, 1)
      .map((r) => ({ tool: 'get_pod_logs', args: { namespace: ns, name: r['NAME'] ?? '', previous: true } }));
    // A container that runs but is not Ready, in a pod of several: its own log (a sidecar waiting for
    // its control plane says so there, not in the app container's log).
    const unready: Read[] = outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns)
      .flatMap((d) => {
        const sections = containerSections(d.content).filter((c) => !c.init);
        if (sections.length < 2) return [];
        return sections
          .filter(
            (c) =>
              /^\s*State:\s+Running\b/m.test(c.body) &&
              /^\s*Ready:\s+False\b/m.test(c.body) &&
              /Restart Count:\s+0\b/.test(c.body),
          )
          .map((c) => ({
            tool: 'get_pod_logs',
            args: { namespace: ns, name: String(d.args['name'] ?? ''), container: c.name },
          }));
      })
      .slice(0, 1);
    // Requests the person says fail, in a namespace whose pods run behind a mesh sidecar: the sidecar's
    // access log (Envoy's, istio-proxy's) has each request's status and response flags, which the
    // application's own log may not show (a request the sidecar refused never reaches it).
    const failing = /\b(?:fail\w*|errors?|[45]\d\d|empty|timeouts?|refused|reset)\b/i.test(
      task.slice(0, 4000),
    );
    const described = outputs(seen, 'describe_pod', (o) => o.args['namespace'] === ns);
    const sidecar: Read[] = failing
      ? described
          .flatMap((d) =>
            containerSections(d.content)
              .filter((c) => !c.init && /^(?:istio-proxy|envoy|linkerd-proxy)$/.test(c.name))
              .map((c) => ({
                tool: 'get_pod_logs',
                args: { namespace: ns, name: String(d.args['name'] ?? ''), container: c.name },
              })),
          )
          .slice(0, 1)
      : [];
    // None described yet (every pod healthy): one pod of a workload that runs a mesh proxy image.
    if (failing && described.length === 0) {
      const meshed = tableOf(seen, 'list_deployments').some((r) =>
        /proxyv2|\benvoy|linkerd2?-proxy/i.test(r['IMAGES'] ?? ''),
      );
      const pod = listed.find((r) => r['STATUS'] === 'Running' && /^([2-9])\/\1$/.test(r['READY'] ?? ''));
      if (meshed && pod)
        sidecar.push({ tool: 'describe_pod', args: { namespace: ns, name: pod['NAME'] ?? '' } });
    }
    // A Ready pod whose failures recovered and name a Service of another namespace: that Service's
    // pods, whose age says whether it was being replaced when the connections failed.
    const dependency: Read[] = [];
    for (const o of outputs(seen, 'get_pod_logs', (x) => !x.args['previous'] && x.args['namespace'] === ns)) {
      const r = recoveredRetries(o.content);
      const away = r ? dependencyToList(seen, r.failures) : undefined;
      if (away) {
        dependency.push({ tool: 'list_pods', args: { namespace: away } });
        break;
      }
    }
    return [...skewed, ...tls, ...proxied, ...oauth, ...restarted, ...unready, ...dependency, ...sidecar];
  },
  finds({ seen, hints, task, ns }) {
    const rows = tableOf(seen, 'list_pods');
    const running = runningPodNames(seen);
    // The namespace's own pods: a log read elsewhere (a controller, a named peer) is what the rules that
    // read it there conclude from, and a finding here would name its pod as this namespace's.
    return outputs(
      seen,
      'get_pod_logs',
      (o) => !o.args['previous'] && o.args['namespace'] === ns && running.has(String(o.args['name'])),
    ).flatMap((o) => {
      const pod = String(o.args['name']);
      // A well-known failure the program got past (a bootstrap check it only warned about and then
      // started) is not one.
      let bad: readonly string[] = errorLines(o.content).filter((l) => !passedOver(o.content, l));
      // A tail without failures: those a search of the whole log found earlier (quiet-tail-search's),
      // when they are a well-known error whose cause is known, the person does not ask whether it is
      // still failing, and they were not retries the program got past (then a note says so).
      if (bad.length === 0 && !STILL.test(task.slice(0, 4000))) {
        const earlier = foundEarlier(seen, pod);
        const found = errorLines(earlier.join('\n'));
        // A well-known warning counts as well (HikariCP's "Failed to validate connection" is a WARN).
        const meaning =
          glossedLine(found.join('\n')) ?? glossedLine(warningLines(earlier.join('\n')).join('\n'));
        if (meaning && !meaning.symptom && !recoveredRetries(`${earlier.join('\n')}\n${o.content}`))
          bad = found.includes(meaning.line) ? found : [...found, meaning.line];
      }
      // A well-known failure logged at another level (a Kafka consumer's WARN that it left its group)
      // counts too.
      // What a search of the whole log found about its certificate's dates comes first: it says why.
      const searched = searchedLines(
        seen,
        (x) =>
          x.args['name'] === pod &&
          (x.args['pattern'] === TLS_DATES ||
            x.args['pattern'] === PROXY_ALERTS ||
            x.args['pattern'] === OAUTH_WHY) &&
          !x.args['previous'],
      ).join('\n');
      const dated = searched ? glossedLine(searched) : undefined;
      // Every failure of the tail is a client gone before the answer (a broken pipe): a failure of known
      // meaning that a search of the whole log found further up is why (client-gone-search's).
      const deeper = quickFailuresBehindClientGone(bad)
        ? glossedLine(foundEarlier(seen, pod).join('\n'))
        : undefined;
      // A failure whose well-known meaning is only a symptom (a write that found no active shard) yields to a
      // warning of the same log whose meaning is its cause (the node past its disk watermark).
      const failed = glossedLine(bad.join('\n'));
      const causeWarned = failed?.symptom
        ? glossedLine(warningLines(o.content.slice(-200_000)).join('\n'))
        : undefined;
      const known =
        (dated && !dated.symptom ? dated : undefined) ??
        (deeper && !deeper.symptom ? deeper : undefined) ??
        (causeWarned && !causeWarned.symptom ? causeWarned : undefined) ??
        failed ??
        glossedLine(o.content);
      // No error at all: what the program keeps warning about (a broker's resource alarm, a pool
      // running dry) is the lead, weighed below every error. A warning said once (a deprecated
      // setting, a start-up notice) is what healthy programs print too: it leads only when the same
      // message recurs.
      const warned = bad.length === 0 && !known;
      if (warned) bad = recurringWarnings(o.content);
      // Warnings each followed by the operation going through: a notice on the way, not a fault.
      if (warned && warningsWithoutConsequence(o.content, bad)) return [];
      // Warnings that say how the program settled them, their subject working after: log noise.
      if (warned && settledWarnings(o.content, bad)) return [];
      // Warnings that the program carries on with data its schema does not know: accepted, not a fault.
      if (warned && toleratedWarnings(o.content, bad)) return [];
      // An alarm that flapped and cleared itself each time: not a fault now.
      if (warned && clearedAlarms(o.content, bad)) return [];
      // Warnings that each report the retry that went through: resolved by the program, not a fault.
      if (warned && retriedWarnings(o.content, bad)) return [];
      // Warnings that stopped once what they were about worked (a peer not ready at start-up): not now.
      if (warned && recoveredWarnings(o.content, bad)) return [];
      // Warnings about nodes the cluster no longer has (removed-nodes' note says why): history, not a fault.
      if (warned && removedNodeWarnings(seen, bad)) return [];
      // Warnings that each flag routine work an engineer recognises (expected-log-lines' table, whose note
      // says why): not a fault.
      if (warned && bad.length > 0 && bad.every((l) => l.length <= 4000 && expectedLine(l) !== undefined))
        return [];
      if (bad.length === 0 && !known) return [];
      // Failures it retried and got past (start-up retries, then "connected"): not a fault now.
      if ((!known || known.symptom) && recoveredRetries(o.content)) return [];
      // Every failure says the program answered from its other upstream or backend: a failover that worked.
      if (!known && bad.length <= 5 && bad.every((l) => FAILED_OVER.test(l.slice(0, 4000)))) return [];
      // Every failure is one client's malformed request while other clients succeed: not a fault here.
      if (!known && oneClientFailures(o.content)) return [];
      // Every failure is an end user's failed login attempt (a wrong password, an unknown user), a few of
      // them: what a login portal logs in normal use, not a fault of the program.
      if (!known && bad.length <= 3 && bad.every((l) => endUserLoginFailed(l.slice(0, 4000)))) return [];
      // Every failure is a TURN server's 401 to a request sent without credentials (`user <>`): the
      // challenge that starts STUN's long-term credential mechanism (RFC 8489 section 9.2; TURN, RFC 8656),
      // after which the client asks again with credentials; not a refusal.
      // Only when requests with a user then succeed (`user <…>: … processed, success`): a server that only
      // ever challenges lets nobody in.
      if (
        !known &&
        bad.length > 0 &&
        bad.every((l) => TURN_CHALLENGE.test(l.slice(0, 4000))) &&
        /\buser <[^>\n]{1,200}>[^\n]{0,120}\bprocessed, success\b/.test(o.content.slice(-200_000))
      )
        return [];
      // Every failure is a connection a load balancer's TCP health check opened and closed: noise.
      if (!known && exposedServices(seen, ns).length > 0 && noiseOf(o.content)?.others.length === 0)
        return [];
      // An alarm the program raised and later cleared itself (a broker's disk or memory alarm): over.
      if (known && alarmCleared(o.content, known.line)) return [];
      // Every failure is a run of an operation that a later run of it got through ("Update failed", then
      // "Update succeeded"): history, not a fault now.
      if (!known && bad.length > 0 && bad.length <= 5 && bad.every((l) => outcomeSuperseded(o.content, l)))
        return [];
      if (known && !bad.includes(known.line)) bad = [...bad, known.line];
      const total = o.content.split('\n').filter((l) => l.trim()).length;
      // A line that says what failed beats an access-log line that only counts the failure (a 500).
      // A well-known error whose meaning is known says more than the last failure line.
      const line =
        known?.line ??
        (warned ? repeated(bad).pop() : undefined) ??
        bad.filter((l) => ERROR_MARKS.some((m) => l.includes(m)) || TRACE_FAILED.test(l)).pop() ??
        bad[bad.length - 1]!;
      // A well-known line is quoted around the words that make it known (a field name past the cut).
      // A structured line whose error field comes after the cut (`…,"error":"…"}`, a stack trace perhaps
      // after it) keeps its head and the error field itself.
      const quote = (l: string, n: number) => {
        if (known?.words && l === known.line) return clipAround(l, known.words, n);
        if (l.length <= n) return clip(l, n);
        const field =
          /"(?:err|error)"\s{0,2}:\s{0,2}"(?:[^"\\]|\\.){1,1000}"|\berr(?:or)?="(?:[^"\\]|\\.){1,1000}"/.exec(
            l.slice(0, 8000),
          );
        if (!field || field.index < n - 40) return clip(l, n);
        const tail = clip(field[0], Math.floor(n / 2));
        return `${clip(l, Math.max(40, n - tail.length - 3))} … ${tail}`;
      };
      return [
        {
          weight: (known && !known.symptom ? 76 : warned ? 58 : 64) + bonus(pod, hints),
          object: `pod ${pod}`,
          cause: `pod ${pod} is Running but its program logs ${warned ? 'warnings' : 'failures'} (${bad.length} of ${total} lines): "${quote(line, 260)}"${known ? ` — ${known.means}` : ''}${CLOCK_SKEW.test(line) ? clockNode(pod, rows, seen) : ''}${hotKeyNote(bad)}`,
          evidence: [line, ...otherLines(bad, line)].map(
            (l) =>
              `${dated && l === dated.line ? `search_pod_logs ${pod}` : `get_pod_logs ${pod}`}: "${quote(l, 260)}"`,
          ),
          advice: LOG_LINES_ADVICE,
          ...(known?.serverSide ? { revisionSound: true as const } : {}),
        },
      ];
    });
  },
  notes({ seen }) {
    const rows = tableOf(seen, 'list_pods');
    const ready = new Set(
      rows
        .filter((r) => r['STATUS'] === 'Running' && /^(\d+)\/\1$/.test(r['READY'] ?? ''))
        .map((r) => r['NAME'] ?? ''),
    );
    // A Ready pod that keeps warning, each warning followed by the operation going through.
    for (const o of outputs(
      seen,
      'get_pod_logs',
      (x) => !x.args['previous'] && ready.has(String(x.args['name'])),
    )) {
      if (errorLines(o.content).length > 0) continue;
      const warnings = recurringWarnings(o.content);
      const flapped = clearedAlarms(o.content, warnings);
      if (flapped)
        return [
          `The alarm ${flapped.alarm} that pod ${String(o.args['name'])} raises over and over (${flapped.raised} time${flapped.raised === 1 ? '' : 's'} in what I read) cleared itself ${flapped.clears >= flapped.raised ? 'each time' : `${flapped.clears} times`}, last: "${clip(flapped.cleared.trim(), 160)}": it flaps around its threshold and is clear now, which is harmless noise, not a fault; nothing is broken. If the noise matters, raise the alarm's threshold or give it a delay.`,
        ];
      const retried = retriedWarnings(o.content, warnings);
      if (retried)
        return [
          `The warning "${clip(retried.warning.trim(), 200)}" that pod ${String(o.args['name'])} logs over and over (${retried.count} times in the lines read) reports each time that the operation was retried and went through, and no line says the program gave up: a conflict or refusal the program resolves by retrying, as it is built to (for a 409 version conflict, optimistic concurrency control: two writers updated the same document and the later one re-reads and retries). It is harmless and expected, not a fault; nothing is broken and no action is needed.`,
        ];
      const settled = settledWarnings(o.content, warnings);
      if (settled)
        return [
          `The warning "${clip(settled.warning.trim(), 160)}" that pod ${String(o.args['name'])} logs over and over (${settled.count} times in the lines read) says itself how the program copes with its input, and what it warns about works afterwards ("${clip(settled.after.trim(), 160)}"): it is harmless log noise about the input, not a fault, and nothing is broken; if the log volume matters, correct the input it warns about or raise the program's log level above warnings, a change that is safe but not needed for it to work.`,
        ];
      const tolerated = toleratedWarnings(o.content, warnings);
      if (tolerated)
        return [
          `The warning "${clip(tolerated.warning.trim(), 200)}" that pod ${String(o.args['name'])} logs over and over (${tolerated.count} times in the lines read) says itself that the program carries on with the data as it came: the data has fields the program's schema does not know (a service newer than the client that reads it), and it accepts them. The program keeps working after it ("${clip(tolerated.after.trim(), 160)}"): the warning is harmless, not a fault, and nothing is broken; no rollback is needed. It goes away when the client library learns the new fields; raise that logger's level if the noise matters.`,
        ];
      if (!warningsWithoutConsequence(o.content, warnings)) continue;
      const lines = o.content.split('\n');
      const w = repeated(warnings)[0]!;
      const at = lines.indexOf(w);
      const after = lines.slice(at + 1, at + 3).find((l) => l.length <= 4000 && WENT_THROUGH.test(l));
      return [
        `The warning "${clip(w.trim(), 160)}" that pod ${String(o.args['name'])} logs ${repeated(warnings).length} times is each time followed by the operation going through${after ? ` ("${clip(after.trim(), 160)}")` : ''}: it is a harmless notice the program prints on its way, not an error, and nothing needs fixing for it.`,
      ];
    }
    // A Ready pod whose previous instance ended on a dependency it could not reach, connected since.
    for (const prev of outputs(
      seen,
      'get_pod_logs',
      (x) => x.args['previous'] === true && ready.has(String(x.args['name'])),
    )) {
      const pod = String(prev.args['name']);
      const failed = prev.content
        .slice(-100_000)
        .split('\n')
        .filter(
          (l) =>
            l.length <= 4000 &&
            /unreachable|connection refused|ECONNREFUSED|could not connect|failed to connect|i\/o timeout/i.test(
              l,
            ),
        )
        .pop();
      if (!failed) continue;
      const now =
        outputs(seen, 'get_pod_logs', (x) => !x.args['previous'] && x.args['name'] === pod).pop()?.content ??
        '';
      const connected = now
        .split('\n')
        .find((l) => /\b(?:connected|reconnected|connection established)\b/i.test(l));
      if (!connected || errorLines(now).length > 0) continue;
      const restarts = rows.find((r) => r['NAME'] === pod)?.['RESTARTS'] ?? 'its';
      return [
        `The restarts of ${pod} (${restarts}) came from a dependency it could not reach when its previous instance ran: "${clip(failed.trim(), 160)}"; the program exits when it cannot connect and the kubelet restarted it until the dependency (the broker or server it names) was back. It has been connected since ("${clip(connected.trim(), 120)}") and works normally: the dependency was briefly down (restarted), the restarts did the waiting, nothing is broken now and no action is needed.`,
      ];
    }
    for (const o of outputs(
      seen,
      'get_pod_logs',
      (x) => !x.args['previous'] && ready.has(String(x.args['name'])),
    )) {
      const pod = String(o.args['name']);
      // Failure lines a search found earlier in the log than its tail: they come first.
      const earlier = errorLines(o.content).length
        ? []
        : outputs(seen, 'search_pod_logs', (x) => x.args['name'] === pod && !x.args['previous'])
            .flatMap((x) => x.content.split('\n').slice(1))
            .filter((l) => /^\d{1,7}[:-]/.test(l))
            .map((l) => l.replace(/^\d{1,7}[:-]/, ''));
      const one = oneClientFailures(o.content);
      if (one) {
        const last = one.failures[one.failures.length - 1]!;
        return [
          `The failures in the log of ${pod} (${one.failures.length} line(s)) all come from one client, ${one.client}, whose requests the service cannot parse ("${clip(last, 200)}"), while the requests of other clients in the same log succeed: one client sends malformed requests, and the service answers them with a 5xx where a 400 (a client error) would be right. The service is not broken and this is not an outage, so no action is needed on the cluster (no restart, no rollback); tell the client's owner, and answer unparseable bodies with 400 so they stop counting as server errors.`,
        ];
      }
      const r = recoveredRetries(earlier.length ? `${earlier.join('\n')}\n${o.content}` : o.content);
      if (!r) continue;
      const lastLine = o.content.trimEnd().split('\n').pop() ?? '';
      const replaced = replacedDependency(seen, r.failures, lastLine);
      // A pod of a rollout that is done (it started within the hour, its failures in its first
      // minutes): the peers it could not reach were most likely the old pods the rollout shut down.
      const age = ageSeconds(rows.find((x) => x['NAME'] === pod)?.['AGE'] ?? '');
      const first = lineStamp(o.content.split('\n').find((l) => lineStamp(l) !== undefined) ?? '');
      const lastFailure = lineStamp(r.failures[r.failures.length - 1]!);
      const rollout =
        age !== undefined &&
        age <= 3600 &&
        ownerName(pod) !== pod &&
        first !== undefined &&
        lastFailure !== undefined &&
        lastFailure - first <= 5 * 60_000
          ? ` They all came in the first minutes after this pod started, ${rows.find((x) => x['NAME'] === pod)?.['AGE']} ago, during the rollout that replaced the pods of ${ownerName(pod)}: the peers it could not reach were most likely old pods the rollout had just shut down, and the rollout has finished with every new pod Ready, so the new version is not broken.`
          : '';
      return [
        ...(replaced ? [replaced] : []),
        `The failure lines in the log of ${pod} ("${clip(r.failures[r.failures.length - 1]!, 140)}", ${r.failures.length} line(s)) are retries that recovered: the program retried, then logged "${clip(r.recovery, 100)}", and ${r.after} lines of normal work follow with no failure since. That is a transient error (typically a dependency still starting when the pod started), expected and already resolved: the pod is Running and Ready, nothing is broken now and no action is needed (no restart).${rollout}${/\bmaintenance\b/i.test(r.failures.join(' ')) ? ' The failures say why themselves: the other side answered that it was in maintenance, a planned (scheduled) outage of that service; the program kept the work and retried until it was back, as it should, so there is nothing to fix here (no key to rotate, no restart).' : ''}${/too_many_pings/.test(r.failures.join(' ')) ? ' The GOAWAY with too_many_pings is the gRPC server telling the client it sends keepalive pings more often than the server permits; the client doubles its keepalive interval and reconnects, as the log shows, and carries on.' : ''}`,
      ];
    }
    return [];
  },
};

/**
 * The node of a pod whose tokens are not valid yet by its clock, with what the node's own events say
 * of its time sync (node-problem-detector's NTP and clock conditions): `; the pod runs on node …`.
 */
function clockNode(
  pod: string,
  rows: readonly Readonly<Record<string, string>>[],
  seen: AnalyzerContext['seen'],
): string {
  const node = rows.find((r) => r['NAME'] === pod)?.['NODE'];
  if (!node || node === '<none>') return '';
  const said = outputs(seen, 'describe_node', (o) => o.args['name'] === node)
    .flatMap((o) => o.content.split('\n'))
    .find(
      (l) => /\bNTP|[Cc]hrony|\b[Cc]lock|\b[Tt]ime ?[Ss]ync/.test(l) && /Warning|Unknown|False|True/.test(l),
    );
  const others = [
    ...new Set(
      rows
        .filter((r) => r['NAME'] !== pod && r['NODE'] && r['NODE'] !== node && r['STATUS'] === 'Running')
        .map((r) => r['NODE']!),
    ),
  ];
  return `; the pod runs on node ${node}${said ? `, whose own events report its time sync down ("${clip(said.trim().replace(/\s{2,}/g, ' '), 120)}")` : ''}${others.length ? `, while pods on other nodes (${others.slice(0, 3).join(', ')}) accept the same tokens` : ''}: the clock of ${node} has drifted behind, so fix time sync on ${node} (or cordon it and move the pod)`;
}
