// Table tests of the rules written after held-out set 50's first contact: the line that names a
// container's exit code, .NET's console log levels, a warning recurring with more detail, deprecation
// notices as routine lines, and Kestrel's late heartbeat. Each is attacked with near misses that must
// stay silent.
import { describe, expect, it } from 'vitest';
import { exitCodeLine } from '../baseline/reading.js';
import { errorLines, hotKeyNote, recurringWarnings, warningLines } from './app-errors.js';
import { expectedLine } from './expected-log-lines.js';
import { glossOf } from './log-glosses.js';

describe('exitCodeLine: the line that names the exit code the container ended with', () => {
  const log = (last: string) =>
    [
      '2026-05-12T13:48:40Z [WARN] Redis: read error on connection, reconnecting (attempt 1)',
      '2026-05-12T13:51:09Z [INFO] worker memory after job: 171.4MB, limit (--memory) 128MB',
      last,
    ].join('\n');

  it.each([
    ['[INFO] Memory limit exceeded. Stopping the worker (exit status 12).', 12],
    ['INFO shutting down: exiting with code 3', 3],
    ['fatal config error, exit(2)', 2],
    ['Exit code: 1 (migrations pending)', 1],
    ['process exits with status 64: usage error', 64],
  ])('%s (exit %i)', (line, code) => {
    expect(exitCodeLine(log(line), code)).toBe(line);
  });

  it.each([
    // Another code than the container's, a longer number, a version, a signal's exit code.
    ['Stopping the worker (exit status 120).', 12],
    ['exit status 12.5 reported by the child', 12],
    ['Stopping the worker (exit status 12).', 0],
    ['received SIGKILL, exit code 137', 137],
    ['INFO 12 jobs done, none exited', 12],
  ])('silent: %s (exit %i)', (line, code) => {
    expect(exitCodeLine(log(line), code)).toBeUndefined();
  });

  it('reads no line longer than 2,000 characters', () => {
    expect(exitCodeLine(`${'x'.repeat(2500)} exit status 12`, 12)).toBeUndefined();
  });
});

describe(".NET's console log levels (Microsoft.Extensions.Logging's simple formatter)", () => {
  it('fail: and crit: are errors, warn: is a warning, at the start of the line only', () => {
    const text = [
      'info: Microsoft.Hosting.Lifetime[14] Now listening on: http://[::]:8080',
      'fail: Microsoft.AspNetCore.Server.Kestrel[13] Connection id "0HMV" unhandled exception',
      'crit: Tenants.Startup[0] could not load the tenant catalog',
      'warn: Microsoft.AspNetCore.Server.Kestrel[22] Heartbeat took longer than "00:00:01"',
      'dbug: Tenants.Cache[0] refresh fail: none',
      'info: job retried; warn: none',
    ].join('\n');
    expect(errorLines(text)).toEqual([
      'fail: Microsoft.AspNetCore.Server.Kestrel[13] Connection id "0HMV" unhandled exception',
      'crit: Tenants.Startup[0] could not load the tenant catalog',
    ]);
    expect(warningLines(text)).toEqual([
      'warn: Microsoft.AspNetCore.Server.Kestrel[22] Heartbeat took longer than "00:00:01"',
    ]);
  });
});

describe('recurringWarnings: a warning that recurs with more detail after its head', () => {
  it('counts the same message head as one message, whatever follows its first ";"', () => {
    const text = [
      '13:41:01 WARN store: GET uploads/IMG_4472.HEIC took 1.9s (object store), retried once',
      '13:50:38 WARN watchdog: no job finished for 360s; in_flight=8 workers_busy=8/8',
      '13:56:38 WARN watchdog: no job finished for 720s; in_flight=8 workers_busy=8/8; never polled',
    ].join('\n');
    expect(recurringWarnings(text)).toHaveLength(3);
  });
  it('two different warnings said once each are not a recurrence', () => {
    const text = [
      '13:41:01 WARN store: GET uploads/IMG_4472.HEIC took 1.9s (object store), retried once',
      '13:50:38 WARN tiles: cache miss rate 22%; warming',
    ].join('\n');
    expect(recurringWarnings(text)).toEqual([]);
  });
});

describe('deprecation notices are routine lines', () => {
  it.each([
    'WARN org.hibernate.orm.deprecation : HHH90000026: MySQL8Dialect has been deprecated; use MySQLDialect instead',
    "WARN the 'mysql_native_password' authentication plugin is deprecated",
    'warning: positional arguments are deprecated and will be removed in 3.0',
  ])('%s', (line) => {
    expect(expectedLine(line)).toMatch(/deprecation notice[\s\S]*nothing is broken/);
  });
  it('a line that only mentions a deprecated thing is not one', () => {
    expect(expectedLine('WARN calling deprecatedHelper() for tenant t-1')).toBeUndefined();
  });
});

describe("Kestrel's late heartbeat", () => {
  it('reads as thread pool starvation, not as a slow dependency', () => {
    const g = glossOf(
      'warn: Microsoft.AspNetCore.Server.Kestrel[22] Heartbeat took longer than "00:00:01" at "05/12/2026 13:58:11 +00:00".',
    );
    expect(g?.means).toMatch(/thread pool is starved/);
    expect(g?.means).toMatch(/\.Result or \.Wait\(\)/);
  });
});

describe('hotKeyNote: throttled failures that all go to one partition key', () => {
  const line = (sk: string, pk = 'ROLLUP#2026-05-12', err = 'ThrottlingException: Throughput exceeds') =>
    `level=error msg="rollup update failed" table=device-stats pk=${pk} sk=${sk} err="${err}"`;
  it('names the key when three throttled failures share it and differ otherwise', () => {
    const note = hotKeyNote([line('metric#temp_c'), line('metric#battery_pct'), line('metric#signal_dbm')]);
    expect(note).toMatch(/same pk \(pk=ROLLUP#2026-05-12\)/);
    expect(note).toMatch(/hot partition key/);
  });
  it.each([
    ['two failures only', [line('a'), line('b')]],
    ['keys that differ', [line('a', 'DEV#1'), line('b', 'DEV#2'), line('c', 'DEV#3')]],
    ['one request retried', [line('a'), line('a'), line('a')]],
    [
      'not a rate or capacity refusal (a poison record on one partition)',
      [1, 2, 3].map(
        (o) => `ERROR commit failed topic=orders partition=3 offset=${o} err="deserialize: bad magic"`,
      ),
    ],
  ])('silent: %s', (_, lines) => {
    expect(hotKeyNote(lines)).toBe('');
  });
});
