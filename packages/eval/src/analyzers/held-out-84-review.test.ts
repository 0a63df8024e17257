// Attacker's review of the rules written for held-out set 84: the probe branch that quotes the program's
// own health line, the two glosses (kubectl's 404 manifest URL, go-git's reasonless push refusal) and
// pastOomKill without the usage read. Every bug it found is fixed (marked "Found in review, fixed").
import { describe, expect, it } from 'vitest';
import { pastOomKill } from '../baseline/signatures/containers/oom-killed.js';
import { glossOf } from './log-glosses.js';
import { expectBounded } from './observed.fixture.js';
import { probeCause } from './probes.js';

const MSG = 'Liveness probe failed: HTTP probe failed with statuscode: 503';
const PROBE = 'http-get http://:8080/healthz delay=10s timeout=1s period=10s #success=1 #failure=3';
const cause = (lines: readonly string[]) => probeCause('liveness', MSG, PROBE, lines.join('\n')).cause;

describe('probe answered 5xx: the log line about its health and the failure before it', () => {
  it('quotes the health line and the 404 failure before it, with the gloss', () => {
    const c = cause([
      'I0310 12:00:00 starting addon manager',
      'E0310 12:00:01 addon sync: error: unable to read URL "https://raw.githubusercontent.com/x/y/main/a.yaml", server reported 404 Not Found, status code=404',
      'W0310 12:00:01 1/2 addons failed (a); /healthz answers 503 until a sync succeeds',
    ]);
    expect(c).toContain('its log says why: "W0310 12:00:01 1/2 addons failed (a)');
    expect(c).toContain('after "E0310 12:00:01 addon sync: error: unable to read URL');
    expect(c).toContain('no longer at that URL');
  });

  it('says nothing of the log when no line speaks of health', () => {
    const c = cause(['INFO started', 'INFO serving on :8080']);
    expect(c).not.toContain('its log says why');
  });

  it("does not quote a line about a probe (the kubelet's words echoed, not the program's)", () => {
    const c = cause(['WARN readiness probe failed: HTTP 503', 'INFO serving on :8080']);
    expect(c).not.toContain('its log says why');
  });

  it('skips a health line longer than 4,000 characters and stays bounded on many long lines', () => {
    const long = `WARN health failed ${'x'.repeat(5000)}`;
    expect(cause([long])).not.toContain('its log says why');
    const many = (s: string) => Array.from({ length: 20_000 }, (_, i) => `${s} ${i} ${'('.repeat(200)}`);
    expectBounded(
      () => cause(many('error: unable ready health 5')),
      () => cause(many('plain line')),
    );
  });

  // Found in review, fixed: an access-log line of the probe request itself ("GET /healthz" 503) is quoted as the program's reason; it only repeats the symptom and should not be taken as why.
  it('does not take the access-log line of the health request as the reason', () => {
    const c = cause(['10.0.0.5 - - [10/Mar/2026:12:00:00 +0000] "GET /healthz HTTP/1.1" 503 19']);
    expect(c).not.toContain('its log says why');
  });

  // Found in review, fixed: a start-up line whose duration is a 5xx-looking number ("ready in 503 ms") is quoted as the health failure; a number followed by a unit is no status code.
  it('does not take "server ready in 503 ms" for a failure', () => {
    expect(cause(['INFO server ready in 503 ms'])).not.toContain('its log says why');
  });

  // Found in review, fixed: an informational line with a 5xx-looking count ("synced 512 objects") is quoted as the failure before the health line; only a line that reports a failure should be.
  it('does not take a count of 512 for a failure before the health line', () => {
    const c = cause(['INFO synced 512 objects', 'WARN readiness: 1 check failing']);
    expect(c).toContain('its log says why: "WARN readiness: 1 check failing"');
    expect(c).not.toContain('after "INFO synced 512 objects"');
  });

  // Found in review, fixed: a line saying there was no error ("sync complete, no error") is quoted as the failure before the health line; a negated error is no failure.
  it('does not take "no error" for a failure before the health line', () => {
    const c = cause(['INFO sync complete, no error', 'WARN health: 1 check failed']);
    expect(c).not.toContain('after "INFO sync complete, no error"');
  });

  // Found in review, fixed: "instance unhealthy: 2/3 checks failed" is not read as a health line because "unhealthy" alone does not count as a health word; it should be quoted.
  it('reads "unhealthy" on its own as a line about health', () => {
    expect(cause(['WARN instance unhealthy: 2/3 checks failed'])).toContain(
      'its log says why: "WARN instance unhealthy: 2/3 checks failed"',
    );
  });

  // Found in review, fixed: a liveness spelling ("liveness check failed", "/livez") is not read as a health line, only health/healthz/readyz/ready/readiness are; liveness and livez should count too.
  it('reads "liveness check failed" as a line about health', () => {
    expect(cause(['ERROR liveness check failed: worker pool stalled'])).toContain(
      'its log says why: "ERROR liveness check failed',
    );
  });

  // Found in review, fixed: a structured (JSON) health line is cut at 120 characters before the words that say why, so the quote shows a timestamp and logger but no reason; it should be cut around the failure words.
  it('keeps the reason of a long structured health line in the quote', () => {
    const c = cause([
      '{"ts":"2026-03-10T12:00:00.000Z","level":"warn","logger":"com.example.platform.health.HealthAggregator","thread":"main","msg":"health failed: addon cert-manager could not be applied"}',
    ]);
    expect(c).toContain('addon cert-manager');
  });
});

describe('glosses: kubectl unable to read URL … 404, go-git unknown error: remote: "', () => {
  it('glosses the kubectl 404 line and leaves a 503 without 404 alone', () => {
    expect(
      glossOf('error: unable to read URL "https://x/y.yaml", server reported 404 Not Found, status code=404')
        ?.means,
    ).toContain('no longer at that URL');
    expect(
      glossOf('error: unable to read URL "https://x/y.yaml", server reported 500')?.means ?? '',
    ).not.toContain('no longer at that URL');
  });

  // Found in review, fixed: "404" anywhere in the line matches, so a URL whose commit hash holds 404 (a4041bc) answered 503 is glossed as a moved file; the entry should need the server's 404 (`reported 404` / `status code=404`).
  it('does not read a 404 inside the URL as the answer', () => {
    const line =
      'error: unable to read URL "https://raw.githubusercontent.com/org/repo/a4041bc/install.yaml", server reported 503 Service Unavailable, status code=503';
    expect(glossOf(line)?.means ?? '').not.toContain('no longer at that URL');
  });

  it("glosses go-git's reasonless refusal in klog, logrus and JSON quoting", () => {
    for (const line of [
      'E0310 12:00:00 "Reconciler error" err="failed to push: unknown error: remote: "',
      'level=error msg="Could not update application spec: unknown error: remote: "',
      '{"level":"error","error":"unknown error: remote: "}',
    ])
      expect(glossOf(line)?.means).toContain('write access');
  });

  // Found in review, fixed: the entry needs a quote right after "remote: ", so the same message unquoted at the end of a line (an object's status condition in describe output) is not glossed; the end of the line should count too.
  it('glosses the refusal at the end of an unquoted line', () => {
    expect(glossOf('    Message: failed to push to remote: unknown error: remote: ')?.means).toContain(
      'write access',
    );
  });

  // Found in review, fixed: a message nested in a JSON string has its quote escaped (remote: \"), which the entry does not match; the escaped quote should count too.
  it('glosses the refusal inside an escaped JSON string', () => {
    expect(glossOf('{"msg":"push failed: \\"unknown error: remote: \\""}')?.means).toContain('write access');
  });

  it('stays bounded on a long line of repeated near-matches', () => {
    const bad = `${'unable to read url "(((('.repeat(20_000)}unknown error: remote: `;
    const plain = 'x'.repeat(bad.length);
    expectBounded(
      () => glossOf(bad),
      () => glossOf(plain),
    );
  });
});

describe('pastOomKill: a kill 12 h or more ago is over when usage was not read', () => {
  const body = (finished: string, opts: { restarts?: number; state?: string; ready?: string } = {}) =>
    [
      '  app:',
      `    State:          ${opts.state ?? 'Running'}`,
      '    Last State:     Terminated',
      '      Reason:       OOMKilled',
      '      Exit Code:    137',
      ...(finished ? [`      Finished:     ${finished}`] : []),
      `    Ready:          ${opts.ready ?? 'True'}`,
      `    Restart Count:  ${opts.restarts ?? 1}`,
    ].join('\n');
  const pod = 'app-7d9f8b6c5d-x2x9z';

  it('draws the line at exactly 12 h', () => {
    expect(pastOomKill(body('2026-03-10T00:00:00Z (12h ago)'), pod, [])).toBe(true);
    expect(pastOomKill(body('2026-03-10T00:01:00Z (11h59m ago)'), pod, [])).toBe(false);
  });

  it('is not over when the Finished time is missing, has no age, or is <invalid>', () => {
    expect(pastOomKill(body(''), pod, [])).toBe(false);
    expect(pastOomKill(body('Tue, 10 Mar 2026 00:20:00 +0000'), pod, [])).toBe(false);
    expect(pastOomKill(body('2026-03-10T00:20:00Z (<invalid> ago)'), pod, [])).toBe(false);
  });

  it('is not over when the container is not Ready, is crash-looping, or restarted often', () => {
    expect(pastOomKill(body('2026-03-07T12:20:00Z (3d ago)', { ready: 'False' }), pod, [])).toBe(false);
    expect(
      pastOomKill(
        body('2026-03-07T12:20:00Z (3d ago)', { state: 'Waiting', ready: 'False', restarts: 2 }),
        pod,
        [],
      ),
    ).toBe(false);
    expect(pastOomKill(body('2026-03-07T12:20:00Z (3d ago)', { restarts: 3 }), pod, [])).toBe(false);
  });
});
