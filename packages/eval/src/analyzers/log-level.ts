import { loggedContainerEnv } from './env-values.js';
import { type Analyzer, clip, envFix, type Finding, outputs, podObject } from './types.js';

/**
 * A logging library's refusal of a level name it does not know, with the names it does accept (in
 * the case it accepts them) and the one that logs most. Sources: Python's `logging` (`_checkLevel`
 * raises `ValueError: Unknown level: 'X'`; names are case-sensitive: DEBUG, INFO, WARNING, WARN,
 * ERROR, CRITICAL, FATAL, NOTSET), logrus (`ParseLevel`: `not a valid logrus Level: "x"`), zap
 * (`UnmarshalText`: `unrecognized level: "x"`), Go's log/slog (`Level.UnmarshalText`: `slog: level
 * string "x": unknown name`), pino (`unknown level x`) and Spring Boot's `LogLevel` enum
 * (`No enum constant org.springframework.boot.logging.LogLevel.X`).
 */
const LIBRARIES: readonly {
  readonly name: string;
  readonly refusal: RegExp;
  readonly levels: readonly string[];
  readonly most: string;
}[] = [
  {
    name: "Python's logging",
    refusal: /ValueError: Unknown level: \\?['"]([^'"\\\n]{1,64})\\?['"]/,
    levels: ['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL', 'FATAL', 'NOTSET'],
    most: 'DEBUG',
  },
  {
    name: 'logrus',
    refusal: /not a valid logrus Level: \\?"([^"\\\n]{1,64})\\?"/,
    levels: ['trace', 'debug', 'info', 'warning', 'warn', 'error', 'fatal', 'panic'],
    most: 'trace',
  },
  {
    name: 'zap',
    refusal: /unrecognized level: \\?"([^"\\\n]{1,64})\\?"/,
    levels: ['debug', 'info', 'warn', 'error', 'dpanic', 'panic', 'fatal'],
    most: 'debug',
  },
  {
    name: "Go's log/slog",
    refusal: /slog: level string \\?"([^"\\\n]{1,64})\\?": unknown name/,
    levels: ['DEBUG', 'INFO', 'WARN', 'ERROR', 'debug', 'info', 'warn', 'error'],
    most: 'DEBUG',
  },
  {
    name: 'pino',
    refusal: /\bunknown level ([A-Za-z0-9_-]{1,64})\b/,
    levels: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'],
    most: 'trace',
  },
  {
    name: "Spring Boot's LogLevel",
    refusal: /No enum constant org\.springframework\.boot\.logging\.LogLevel\.([A-Za-z0-9_]{1,64})/,
    levels: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'OFF'],
    most: 'TRACE',
  },
];

/** Level names that ask for more output than the library's most verbose one gives. */
const MORE = /^(verbose|trace|all|fine|finer|finest|debug\d|v\d|spam|insane)$/i;

/**
 * The level to set instead: the same name in the case the library accepts, else (a name asking for
 * more output: VERBOSE, TRACE, ALL) the library's most verbose level, else INFO in its case.
 */
export function validLevel(levels: readonly string[], most: string, rejected: string): string {
  const same = levels.find((l) => l.toLowerCase() === rejected.toLowerCase());
  if (same) return same;
  if (MORE.test(rejected)) return most;
  return levels.find((l) => l.toLowerCase() === 'info') ?? most;
}

/**
 * A program that exits because a variable sets its log level to a name its logging library does not
 * know (VERBOSE, TRACE for Python, `info` where names are upper-case): the variable is the one of the
 * container's whose value is that name; the fix sets a level the library accepts, through `set_env`.
 */
export const logLevelAnalyzer: Analyzer = {
  name: 'log-level',
  reads: () => [],
  finds({ ns, seen }) {
    for (const log of outputs(seen, 'get_pod_logs', (o) => o.args['namespace'] === ns)) {
      let hit: { line: string; value: string; lib: (typeof LIBRARIES)[number] } | undefined;
      for (const line of log.content.split('\n')) {
        if (line.length > 4000) continue;
        for (const lib of LIBRARIES) {
          const value = lib.refusal.exec(line)?.[1];
          if (value !== undefined) hit ??= { line, value, lib };
        }
        if (hit) break;
      }
      if (!hit) continue;
      const found = hit;
      const env = loggedContainerEnv(seen, ns, log, (e) => e.value === found.value);
      if (!env) continue;
      const { pod, container, variable, owner } = env;
      const fixed = validLevel(found.lib.levels, found.lib.most, found.value);
      const out: Finding = {
        weight: 89,
        object: podObject(owner, pod),
        cause: `the container ${container} exits at start because ${variable}=${found.value} is not a log level ${found.lib.name} knows (it accepts ${found.lib.levels.join(', ')}), so setting the level fails ("${clip(found.line.trim(), 120)}") before the program serves anything; the variable needs a valid level, e.g. ${fixed}`,
        evidence: [
          `previous logs of ${pod}: ${clip(found.line.trim(), 200)}`,
          `describe_pod ${pod}: ${variable}: ${found.value}`,
        ],
        advice: `set ${variable} to ${fixed}, a level ${found.lib.name} accepts`,
        ...envFix(
          ns,
          owner,
          container,
          [{ name: variable, value: fixed }],
          `set ${variable} of ${owner}/${container} to ${fixed}, a level ${found.lib.name} accepts`,
        ),
      };
      return [out];
    }
    return [];
  },
};
