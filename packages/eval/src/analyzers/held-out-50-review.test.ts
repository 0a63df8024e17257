// A review of the rules added after held-out set 50 (and the narrower repair after a refused rollback),
// by someone who had not written them: table tests with near misses, other wordings real logs and
// clusters produce, and hostile inputs. It found 22 bugs; 20 are fixed (each test says "Was a bug
// (fixed)"). The two left are skipped with the bug stated above them: a warning's shape keeps a
// logback thread name and a UUID's letters, so the same message from two threads or about two requests
// does not recur.

import { redactSecrets } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { exitCodeLine } from '../baseline/reading.js';
import { imagePairsChanged, previousImageFallback } from '../baseline/signatures/run/bad-rollout.js';
import { errorLines, recurringWarnings, warningLines } from './app-errors.js';
import { expectedLine } from './expected-log-lines.js';
import { glossOf } from './log-glosses.js';
import { ctx, observed, pods, table } from './observed.fixture.js';
import { revertOneChange } from './rollout-diff.js';

// ---------------------------------------------------------------------------------------------------
// 1. exitCodeLine
// ---------------------------------------------------------------------------------------------------
describe('exitCodeLine (review)', () => {
  const log = (...last: string[]) =>
    [
      '2026-05-12T13:48:40Z [INFO] worker started',
      '2026-05-12T13:51:09Z [INFO] processed 120 jobs',
      ...last,
    ].join('\n');

  it.each([
    ['Process finished with exit code 1', 1],
    ['level=error msg="shutting down" exited with status 2', 2],
    ['FATAL: bad config, exit code = 4', 4],
    ['EXIT CODE: 9 (license expired)', 9],
    ['abort: exit(128)', 128],
    ['Exiting with code 3', 3],
  ])('finds %s (exit %i)', (line, code) => {
    expect(exitCodeLine(log(line), code)).toBe(line);
  });

  it.each([
    ['exit code 13', 3],
    ['exit code 31', 3],
    ['exit status -1', 1],
    ['the exit 3 of the motorway is closed', 255],
    ['exited with code 3', Number.NaN],
    ['exited with code 3', 3.5],
    ['exited with code 3', -3],
  ])('silent: %s (exit %s)', (line, code) => {
    expect(exitCodeLine(log(line), code)).toBeUndefined();
  });

  it('takes the last of several lines naming the code', () => {
    expect(exitCodeLine(log('exit code 2 (attempt 1)', 'exit code 2 (attempt 2)'), 2)).toBe(
      'exit code 2 (attempt 2)',
    );
  });

  it('reads a huge log of long, odd lines quickly and skips lines over 2,000 characters', () => {
    const noisy = Array.from({ length: 20_000 }, (_, i) => `${'exit '.repeat(399)}\u0000\u202e${i}`);
    expect(exitCodeLine([...noisy, `${'é'.repeat(2001)} exit status 7`].join('\n'), 7)).toBeUndefined();
    expect(exitCodeLine([...noisy, 'exit status 7'].join('\n'), 7)).toBe('exit status 7');
  });

  // Was a bug (fixed): a line that ends its sentence with a period after the code ("exiting with code 3.") is not read, because (?![\d.]) refuses the period meant to exclude "12.5".
  it.each([
    ['INFO shutting down: exiting with code 3.', 3],
    ["subprocess.CalledProcessError: Command '['migrate']' returned non-zero exit status 2.", 2],
    ['Worker stopped with exit code 1.', 1],
  ])('sentence-final period: %s', (line, code) => {
    expect(exitCodeLine(log(line), code)).toBe(line);
  });

  // Was a bug (fixed): structured logs name the code as a field (exit_code=3, "exit_code":3, exitCode=3) and no such line is read.
  it.each([
    ['level=error msg="giving up" exit_code=3', 3],
    ['{"level":"error","msg":"giving up","exit_code":3}', 3],
    ['ERROR giving up exitCode=3', 3],
  ])('structured field: %s', (line, code) => {
    expect(exitCodeLine(log(line), code)).toBe(line);
  });

  // Was a bug (fixed): "exiting with status code 3" (two words between the verb and the number) is not read.
  it('status code wording', () => {
    const line = 'INFO config invalid, exiting with status code 3';
    expect(exitCodeLine(log(line), 3)).toBe(line);
  });

  // Was a bug (fixed): a line naming a child process's exit code that happens to equal the container's (1, the commonest) is taken as the program's own reason, ahead of the panic that ended it.
  it('a child process exit code is not the container exit line', () => {
    const text = log(
      'WARN git fetch exited with code 1, retrying (attempt 2/5)',
      'panic: runtime error: invalid memory address or nil pointer dereference',
    );
    expect(exitCodeLine(text, 1)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// 2. MEL_ERROR / MEL_WARN
// ---------------------------------------------------------------------------------------------------
describe('.NET console levels (review)', () => {
  it('near misses stay silent: other words, mid-line levels, indented continuation text', () => {
    const text = [
      'info: Jobs.Runner[0] failed: 0, done: 12',
      'info: Jobs.Runner[0] 3 checks; fail: none; crit: none; warn: none',
      'failed: 0 of 12 migrations',
      'critical: false',
      'warnings: 0',
      'fail:no-space Tenants[0] x',
      'FAIL: test_login (tests.AuthTest)',
    ].join('\n');
    expect(errorLines(text)).toEqual([]);
    expect(warningLines(text)).toEqual([]);
  });

  it('reads each level once in a mixed log of CRLF lines', () => {
    const text = ['info: A[1] ok', 'fail: A[2] broke', 'warn: A[3] slow', 'crit: A[4] down'].join('\r\n');
    expect(errorLines(text)).toEqual(['fail: A[2] broke\r', 'crit: A[4] down']);
    expect(warningLines(text)).toEqual(['warn: A[3] slow\r']);
  });

  it('a timestamped warn: (ISO stamp first) is a warning', () => {
    expect(warningLines('2026-05-12T13:58:11.123Z warn: Tenants.Cache[7] refresh slow')).toHaveLength(1);
  });

  // Was a bug (fixed): with the simple formatter's TimestampFormat (or an ISO stamp first) a fail:/crit: line is not an error, though the same stamp before warn: is read as a warning.
  it.each([
    '2026-05-12T13:58:11.123Z fail: Tenants.Startup[0] could not load the tenant catalog',
    '13:58:11 crit: Tenants.Startup[0] could not load the tenant catalog',
    '[13:58:11] fail: Tenants.Startup[0] could not load the tenant catalog',
  ])('timestamped: %s', (line) => {
    expect(errorLines(line)).toEqual([line]);
  });

  // Was a bug (fixed): in the simple formatter's default multi-line layout the message is on the next, indented line, and errorLines keeps only the bare "crit: Category[0]" header, losing what failed.
  it('multi-line (default) layout keeps the message', () => {
    const text = [
      'info: Microsoft.Hosting.Lifetime[0]',
      '      Application started.',
      'crit: Tenants.Startup[0]',
      '      could not load the tenant catalog from http://catalog:8080: connection timed out',
    ].join('\n');
    expect(errorLines(text).join('\n')).toMatch(/could not load the tenant catalog/);
  });

  // Was a bug (fixed): with colours on (a container run with a TTY) the level is wrapped in ANSI escapes and neither fail: nor warn: is read.
  it('ANSI-coloured levels', () => {
    const text = [
      '\u001b[41m\u001b[30mfail\u001b[39m\u001b[22m\u001b[49m: Tenants.Startup[0] could not load the tenant catalog',
      '\u001b[40m\u001b[1m\u001b[33mwarn\u001b[39m\u001b[22m\u001b[49m: Tenants.Cache[7] refresh slow',
    ].join('\n');
    expect(errorLines(text)).toHaveLength(1);
    expect(warningLines(text)).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. head / repeated / recurringWarnings
// ---------------------------------------------------------------------------------------------------
describe('recurringWarnings (review)', () => {
  it('the same message with other numbers and hex ids recurs', () => {
    const text = [
      '2026-05-12T13:50:38.120Z WARN pool: 8/8 connections busy, waited 1200ms (conn 0x7f3a9c12)',
      '2026-05-12T13:51:38.481Z WARN pool: 8/8 connections busy, waited 3400ms (conn 0x7f3a9d40)',
    ].join('\n');
    expect(recurringWarnings(text)).toHaveLength(2);
  });

  it('two messages that differ before their first ";" are not one', () => {
    const text = [
      '13:50:38 WARN cache: miss rate 22%; warming',
      '13:51:38 WARN tiles: render slow; 2.1s',
      '13:52:38 WARN search: index stale; rebuilding',
    ].join('\n');
    expect(recurringWarnings(text)).toEqual([]);
  });

  it('a huge log of long warning lines is read without stalling', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `WARN ${'\u00a0x'.repeat(2000)} item ${i}`);
    expect(recurringWarnings(lines.join('\n'))).toHaveLength(2000);
  });

  // Was a bug (fixed): coloured log lines carry ";" in their ANSI escape ("\x1b[1;33m"), so every coloured warning has the head "\x1b[#" and two different warnings said once each count as recurring.
  it('ANSI escapes before the level', () => {
    const text = [
      '\u001b[1;33mWARN\u001b[0m cache: miss rate 22%',
      '\u001b[1;33mWARN\u001b[0m tiles: render slow for z=14',
    ].join('\n');
    expect(recurringWarnings(text)).toEqual([]);
  });

  // Was a bug (fixed): JSON logs whose fixed prefix (level, stamp, logger, caller) runs past 160 characters give every warning the same head, so different messages said once each count as recurring.
  it('a long structured prefix hides the message', () => {
    const prefix =
      '{"level":"warn","ts":"2026-05-12T13:50:38.123Z","logger":"controller-runtime.manager.controller.deployment.reconciler","caller":"internal/controller/deployment/reconcile_rollout.go:329","msg":';
    const text = [
      `${prefix}"lease renewal slow","ms":1200}`,
      `${prefix}"webhook certificate expires soon","days":6}`,
    ].join('\n');
    expect(recurringWarnings(text)).toEqual([]);
  });

  // Was a bug (fixed): in .NET's default multi-line layout each warning line is only "warn: Category[id]", and the id's digits become "#", so two different warnings of one category (EF Core's 10400 and 30000) count as one recurring message.
  it('multi-line MEL warnings of one category', () => {
    const text = [
      'warn: Microsoft.EntityFrameworkCore.Model.Validation[10400]',
      '      Sensitive data logging is enabled. Log entries and exception messages may include sensitive application data; this mode should only be enabled during development.',
      'warn: Microsoft.EntityFrameworkCore.Model.Validation[30000]',
      "      No store type was specified for the decimal property 'Price' on entity type 'Order'.",
    ].join('\n');
    expect(recurringWarnings(text)).toEqual([]);
  });

  // BUG: the same warning from two threads (logback's [thread] field) has two heads, so a recurring message is missed.
  it.skip('the same message from two threads', () => {
    const text = [
      '13:50:38.123 [http-nio-8080-exec-1] WARN  c.e.orders.Repo - slow query: 2300 ms',
      '13:51:02.456 [scheduling-1] WARN  c.e.orders.Repo - slow query: 2900 ms',
    ].join('\n');
    expect(recurringWarnings(text)).toHaveLength(2);
  });

  // BUG: a UUID's four-character groups keep their letters after shape() ("9d8e" -> "#d#e"), so the same warning about two requests has two heads and is not read as recurring.
  it.skip('the same message about two requests (UUIDs)', () => {
    const text = [
      'WARN request 3f2a1b4c-9d8e-4f7a-b6c5-0123456789ab took 2.3s',
      'WARN request 7c1e2d3f-ab12-4c5d-8e9f-abcdef012345 took 2.8s',
    ].join('\n');
    expect(recurringWarnings(text)).toHaveLength(2);
  });
});

// ---------------------------------------------------------------------------------------------------
// 4. Deprecation entries of EXPECTED
// ---------------------------------------------------------------------------------------------------
describe('deprecation notices (review)', () => {
  it.each([
    '(node:1) [DEP0040] DeprecationWarning: The `punycode` module is deprecated.',
    "WARN Property 'spring.redis.host' is deprecated: Use 'spring.data.redis.host' instead.",
    'npm WARN deprecated request@2.88.2: request has been deprecated, see https://github.com/request/request/issues/3142',
    'W0512 13:50:38.123 1 warnings.go:70] batch/v1beta1 CronJob is deprecated in v1.21+, unavailable in v1.25+; use batch/v1 CronJob',
    'WARN IS DEPRECATED: legacy_mode',
  ])('routine: %s', (line) => {
    expect(expectedLine(line)).toMatch(/deprecation notice/);
  });

  it.each([
    'WARN column is_deprecated missing from products',
    'WARN deprecatedAt is null for sku 4411',
    'WARN this endpoint is undeprecated again',
    'WARN DEPRECATED',
    `WARN ${'x'.repeat(5000)} is deprecated`,
  ])('not a notice: %s', (line) => {
    expect(expectedLine(line)).toBeUndefined();
  });

  // Was a bug (fixed): a deprecation line that says the thing no longer works (ignored, disabled, removed, refused) is read as "still works in this version ... nothing is broken".
  it.each([
    'WARN option cache.ttl is deprecated and ignored; caching is disabled',
    'WARN TLSv1.1 is deprecated and has been disabled; handshake with 10.0.0.7 refused',
    'WARN GET /v1/orders answered 410 Gone: this API version has been deprecated and removed',
  ])('not harmless: %s', (line) => {
    expect(expectedLine(line)).toBeUndefined();
  });

  // Was a bug (fixed): "was deprecated" and "have been deprecated" (which glossOf's DEPRECATION already treats as deprecation) are not routine lines here.
  it.each([
    'WARN the --tls-v1 flag was deprecated in 2.4 and will be removed in 3.0',
    'WARN these settings have been deprecated: listen_v1, ssl_v3',
  ])('other wording: %s', (line) => {
    expect(expectedLine(line)).toMatch(/deprecation notice/);
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. Kestrel heartbeat gloss
// ---------------------------------------------------------------------------------------------------
describe('Kestrel heartbeat gloss (review)', () => {
  it('reads the message line of the multi-line layout on its own', () => {
    expect(
      glossOf(
        '      Heartbeat took longer than "00:00:01" at "12/20/2021 07:02:26 +00:00". This could be caused by thread pool starvation.',
      )?.means,
    ).toMatch(/thread pool is starved/);
  });

  it('reads no phrase past the first 4,096 characters', () => {
    expect(glossOf(`warn: ${'x'.repeat(4100)} Heartbeat took longer than "00:00:01"`)).toBeUndefined();
  });

  // Was a bug (fixed): Kestrel since .NET 5 words HeartbeatSlow (event 22) "As of …, the heartbeat has been running for … which is longer than …", and that line gets no gloss.
  it('the current Kestrel wording', () => {
    const line =
      'warn: Microsoft.AspNetCore.Server.Kestrel[22] As of "05/12/2026 13:58:11 +00:00", the heartbeat has been running for "00:00:01.0234029" which is longer than "00:00:01". This could be caused by thread pool starvation.';
    expect(glossOf(line)?.means).toMatch(/thread pool is starved/);
  });

  // Was a bug (fixed): any program's own heartbeat warning ("Heartbeat took longer than the interval") is glossed as .NET thread pool starvation with .Result/.Wait() advice.
  it.each([
    '2026-05-12 13:58:11,004 WARNING heartbeat: Heartbeat took longer than the interval; skipped 2 slot(s)',
    'WARN [scheduler] heartbeat took longer than 30s (database slow)',
  ])('not Kestrel: %s', (line) => {
    expect(glossOf(line)?.means ?? '').not.toMatch(/\.NET thread pool/);
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. revertOneChange, previousImageFallback / imagePairsChanged
// ---------------------------------------------------------------------------------------------------
const NS = 'devportal';
const DEP = 'docs-portal';
const OLD = `${DEP}-x7rmlrcjs2`;
const NEW = `${DEP}-wq5z5rnlp`;
const IMAGE = 'corp/docs-portal:5.1.0';
const BAD = 'corp/docs-portal:5.2.0';

const rs = (name: string, image: string, env: [string, string | undefined][], extra: string[] = []) =>
  observed(
    'describe_resource',
    { kind: 'ReplicaSet', namespace: NS, name },
    [
      `Name:         ${name}`,
      `Namespace:    ${NS}`,
      'Kind:         ReplicaSet (apps/v1)',
      'Spec:',
      '  template.spec.containers[0].name: portal',
      `  template.spec.containers[0].image: ${image}`,
      ...env.flatMap(([n, v], i) => [
        `  template.spec.containers[0].env[${i}].name: ${n}`,
        ...(v === undefined ? [] : [`  template.spec.containers[0].env[${i}].value: ${v}`]),
      ]),
      ...extra,
      'Events:  <none>',
    ].join('\n'),
  );

const newPods = pods(NS, [
  [`${NEW}-mgr96`, '0/1', 'CrashLoopBackOff', '11 (2m ago)', '3h'],
  [`${NEW}-k2x9p`, '0/1', 'CrashLoopBackOff', '11 (1m ago)', '3h'],
]);
const sets = (...rows: [string, string, string][]) =>
  observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: NS },
    table([['NAME', 'STATUS', 'AGE'], ...rows]),
  );
const listedSets = sets([NEW, '0/2 ready', '3h'], [OLD, '0/0 ready', '40d']);

describe('revertOneChange (review)', () => {
  it('sets the previous image back, whatever odd characters the image reference holds', () => {
    const digest = `corp/docs-portal@sha256:${'a1'.repeat(32)}`;
    expect(
      revertOneChange(ctx(NS, [newPods, listedSets, rs(OLD, digest, []), rs(NEW, BAD, [])]), DEP),
    ).toMatchObject({ fix: { tool: 'set_image', args: { container: 'portal', image: digest } } });
  });

  it('gives up on a change to args as well as the image', () => {
    expect(
      revertOneChange(
        ctx(NS, [
          newPods,
          listedSets,
          rs(OLD, IMAGE, [], ['  template.spec.containers[0].args[0]: --workers=4']),
          rs(NEW, BAD, [], ['  template.spec.containers[0].args[0]: --workers=8']),
        ]),
        DEP,
      ),
    ).toBeUndefined();
  });

  it('ignores a ReplicaSet of another deployment whose name starts with this one', () => {
    const other = sets(
      [NEW, '0/2 ready', '3h'],
      [`${DEP}-v2-7d9f8b6c5`, '2/2 ready', '1h'],
      [OLD, '0/0 ready', '40d'],
    );
    expect(revertOneChange(ctx(NS, [newPods, other]), DEP)).toEqual({
      reads: [OLD, NEW].map((name) => ({
        tool: 'describe_resource',
        args: { kind: 'ReplicaSet', name, namespace: NS },
      })),
    });
  });

  // Was a bug (fixed): mid-rollout the old ReplicaSet's pods are still listed; when one of them is listed first it is taken as the current set, the diff runs backwards and the "revert" sets the image to the new, failing one.
  it('old pods listed before the new ones', () => {
    const both = pods(NS, [
      [`${OLD}-b5cdf`, '1/1', 'Running', '0', '40d'],
      [`${NEW}-mgr96`, '0/1', 'CrashLoopBackOff', '11 (2m ago)', '3h'],
    ]);
    const r = revertOneChange(ctx(NS, [both, listedSets, rs(OLD, IMAGE, []), rs(NEW, BAD, [])]), DEP);
    expect(r).toMatchObject({ fix: { tool: 'set_image', args: { image: IMAGE } } });
  });

  // Was a bug (fixed): pod-level template fields (volumes, initContainers, serviceAccountName) are not compared, so a rollout that changed a volume's ConfigMap and the image is "one change" and set_image leaves the volume change in place.
  it('a pod-level change besides the image', () => {
    const r = revertOneChange(
      ctx(NS, [
        newPods,
        listedSets,
        rs(OLD, IMAGE, [], ['  template.spec.volumes[0].configMap.name: portal-config-v1']),
        rs(NEW, BAD, [], ['  template.spec.volumes[0].configMap.name: portal-config-v2']),
      ]),
      DEP,
    );
    expect(r).toBeUndefined();
  });

  // Was a bug (fixed): a variable's valueFrom (secretKeyRef name or key) is skipped, so a rollout that pointed DB_PASSWORD at another Secret and changed the image is "one change" and only the image is put back.
  it('a changed secretKeyRef besides the image', () => {
    const r = revertOneChange(
      ctx(NS, [
        newPods,
        listedSets,
        rs(
          OLD,
          IMAGE,
          [['DB_PASSWORD', undefined]],
          ['  template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: db-v1'],
        ),
        rs(
          NEW,
          BAD,
          [['DB_PASSWORD', undefined]],
          ['  template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: db-v2'],
        ),
      ]),
      DEP,
    );
    expect(r).toBeUndefined();
  });

  // Was a bug (fixed): a multi-line value prints its later lines unprefixed, so only its first line is read and set_env puts back a truncated value ("threads=4" for "threads=4\nmode=fast").
  it('a multi-line variable is put back whole or not at all', () => {
    const r = revertOneChange(
      ctx(NS, [
        newPods,
        listedSets,
        rs(OLD, IMAGE, [['WORKER_CONF', 'threads=4\nmode=fast']]),
        rs(NEW, IMAGE, [['WORKER_CONF', 'threads=8\nmode=fast']]),
      ]),
      DEP,
    );
    if (r && 'fix' in r)
      expect(r.fix.args['set']).toEqual([{ name: 'WORKER_CONF', value: 'threads=4\nmode=fast' }]);
    else expect(r).toBeUndefined();
  });

  // Was a bug (fixed): the previous ReplicaSet is the youngest other by AGE, not the one that ran last: after an earlier rollback (to the 40-day-old set) the "revert" goes to the 10-day-old release that was rolled back.
  it('after an earlier rollback, the set that ran last is the previous one', () => {
    const MID = `${DEP}-9fz7c8k4d`;
    const three = sets([NEW, '0/2 ready', '3h'], [MID, '0/0 ready', '10d'], [OLD, '0/0 ready', '40d']);
    const r = revertOneChange(
      ctx(NS, [
        newPods,
        three,
        rs(OLD, IMAGE, [], ['  metadata.annotations.deployment.kubernetes.io/revision: 3']),
        rs(
          MID,
          'corp/docs-portal:5.1.9-rolled-back',
          [],
          ['  metadata.annotations.deployment.kubernetes.io/revision: 2'],
        ),
        rs(NEW, BAD, [], ['  metadata.annotations.deployment.kubernetes.io/revision: 4']),
      ]),
      DEP,
    );
    // Which set ran last is not known from the one read (revision 2 against 4): nothing is undone
    // rather than the release that was rolled back.
    expect(r).toBeUndefined();
  });
});

describe('imagePairsChanged / previousImageFallback (review)', () => {
  it('reads spaces, digests and registry ports in the IMAGES cell', () => {
    expect(
      imagePairsChanged(
        'app=reg.example:5000/app:1.0, side=envoy@sha256:abc',
        'app=reg.example:5000/app:1.1 , side=envoy@sha256:abc',
      ),
    ).toEqual([{ container: 'app', before: 'reg.example:5000/app:1.0', after: 'reg.example:5000/app:1.1' }]);
  });

  it('a renamed container is no image change', () => {
    expect(previousImageFallback('ns', 'd', imagePairsChanged('api=x:1', 'server=x:2'))).toBeUndefined();
  });

  it('an empty or garbage cell gives nothing, and a huge one is read quickly', () => {
    expect(imagePairsChanged('<none>', '=,==,a=')).toEqual([]);
    const huge = Array.from({ length: 100_000 }, (_, i) => `c${i}=r/x:${i}`).join(',');
    expect(imagePairsChanged(huge, huge)).toEqual([]);
  });

  // Was a bug (fixed): a rollout that added (or removed) a container as well as changing another's image still gets the set_image fallback, which leaves the added container in place, though the fallback is said to be undefined "for any other rollout".
  it.each([
    ['app=r/app:1', 'app=r/app:2,proxy=envoy:1.30'],
    ['app=r/app:1,proxy=envoy:1.29', 'app=r/app:2'],
  ])('container set changed: %s -> %s', (before, after) => {
    expect(previousImageFallback('ns', 'd', imagePairsChanged(before, after))).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. SECRET_NAME_SUFFIXES_KEPT 'error' / 'exception', through redactSecrets
// ---------------------------------------------------------------------------------------------------
describe("redactSecrets with 'error' and 'exception' kept (review)", () => {
  it.each([
    'botocore.exceptions.NoCredentialsError: Unable to locate credentials',
    'jwt.exceptions.InvalidTokenError: Signature verification failed',
    'com.amazonaws.services.secretsmanager.model.SecretsManagerException: Secrets Manager can’t find the specified secret',
    'TokenExpiredError: jwt expired',
  ])('keeps the message after the class: %s', (line) => {
    expect(redactSecrets(line)).toBe(line);
  });

  it.each([
    ['InvalidTokenError: password=hunter2-prod rejected', 'hunter2-prod'],
    ['AuthenticationError: Basic dXNlcjpodW50ZXIy', 'dXNlcjpodW50ZXIy'],
    ['authError=Bearer abcDEF1234567890ghiJKL', 'abcDEF1234567890ghiJKL'],
    ['TokenRefreshError: invalid_grant refresh_token=1//0gAbcdefghijkl', '1//0gAbcdefghijkl'],
    ['{"tokenError":"expired","password":"hunter2-prod"}', 'hunter2-prod'],
    ['CredentialsException: postgres://app:hunter2-prod@db:5432/orders', 'hunter2-prod'],
    [`PasswordError: ${'x'.repeat(10_000)} DB_PASSWORD=hunter2-prod`, 'hunter2-prod'],
  ])('still masks a secret inside the message: %s', (line, secret) => {
    expect(redactSecrets(line)).not.toContain(secret);
  });

  it('a name that only contains error elsewhere is still a secret name', () => {
    expect(redactSecrets('ERROR_TOKEN=hunter2-prod')).not.toContain('hunter2-prod');
    expect(redactSecrets('error_password: hunter2-prod')).not.toContain('hunter2-prod');
  });
});
