import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { logLevelAnalyzer, validLevel } from './log-level.js';
import { observedIn } from './observed.fixture.js';

const obs = observedIn('pricing');
const describe_ = (env: string) =>
  obs(
    'describe_pod',
    `Name:             quotes-7d9c8b6f5-fj7mh\nNamespace:        pricing\nControlled By:  ReplicaSet/quotes-7d9c8b6f5\nContainers:\n  quotes:\n    Image:          pricing/quotes:3\n    Environment:\n${env}\nConditions:\n  Type   Status\n`,
    { name: 'quotes-7d9c8b6f5-fj7mh' },
  );
const logs = (line: string) =>
  obs('get_pod_logs', `booting\n${line}\nexiting`, {
    name: 'quotes-7d9c8b6f5-fj7mh',
    container: 'quotes',
    previous: true,
  });
const run = (seen: SeenObservation[]) =>
  logLevelAnalyzer.finds({ task: 'quotes crashes', ns: 'pricing', hints: [], seen });

describe('log-level: a log level the logging library does not know', () => {
  it.each([
    ["ValueError: Unknown level: 'VERBOSE'", 'LOG_LEVEL:  VERBOSE', 'LOG_LEVEL', 'DEBUG', "Python's logging"],
    ["ValueError: Unknown level: 'info'", 'LOGLEVEL:  info', 'LOGLEVEL', 'INFO', "Python's logging"],
    [
      'level=fatal msg="not a valid logrus Level: \\"verbose\\""',
      'LOG_LEVEL:  verbose',
      'LOG_LEVEL',
      'trace',
      'logrus',
    ],
    ['{"error":"unrecognized level: \\"TRACE\\""}', 'APP_LOG_LEVEL:  TRACE', 'APP_LOG_LEVEL', 'debug', 'zap'],
    ['slog: level string "notice": unknown name', 'LEVEL:  notice', 'LEVEL', 'INFO', "Go's log/slog"],
    ['Error: unknown level verbose', 'PINO_LEVEL:  verbose', 'PINO_LEVEL', 'trace', 'pino'],
    [
      'Caused by: java.lang.IllegalArgumentException: No enum constant org.springframework.boot.logging.LogLevel.VERBOSE',
      'LOGGING_LEVEL_ROOT:  VERBOSE',
      'LOGGING_LEVEL_ROOT',
      'TRACE',
      "Spring Boot's LogLevel",
    ],
  ])('%s', (line, env, variable, value, lib) => {
    const [f] = run([describe_(`      ${env}\n      REDIS_URL:  redis://cache:6379`), logs(line)]);
    expect(f?.cause).toContain(`${variable}=`);
    expect(f?.cause).toContain(lib);
    expect(f?.fix).toMatchObject({
      tool: 'set_env',
      args: { deployment: 'quotes', container: 'quotes', set: [{ name: variable, value }] },
    });
  });

  it('nothing when no variable, or two, hold the rejected name, or the log refuses nothing', () => {
    const line = "ValueError: Unknown level: 'VERBOSE'";
    expect(run([describe_('      A:  VERBOSE\n      B:  VERBOSE'), logs(line)])).toEqual([]);
    expect(run([describe_('      A:  INFO'), logs(line)])).toEqual([]);
    expect(run([describe_('      A:  VERBOSE'), logs('listening on :8080')])).toEqual([]);
  });

  it('validLevel: the same name in the accepted case, the most verbose for VERBOSE-like names, else INFO', () => {
    const py = ['DEBUG', 'INFO', 'WARNING', 'ERROR'];
    expect(validLevel(py, 'DEBUG', 'warning')).toBe('WARNING');
    expect(validLevel(py, 'DEBUG', 'ALL')).toBe('DEBUG');
    expect(validLevel(py, 'DEBUG', 'notice')).toBe('INFO');
  });
});
