// Table tests of the general rules written after held-out set 84's first contact.
import { describe, expect, it } from 'vitest';
import { pastOomKill } from '../baseline/signatures/containers/oom-killed.js';
import { glossOf } from './log-glosses.js';

describe('glosses written for set 84', () => {
  it("kubectl's manifest URL answered 404: the file moved", () => {
    const line =
      'error: unable to read URL "https://raw.githubusercontent.com/org/repo/stable/manifests/install.yaml", server reported 404 Not Found, status code=404';
    expect(glossOf(line)?.means).toContain('no longer at that URL');
    expect(
      glossOf('error: unable to read URL "https://x/y.yaml", server reported 503 Service Unavailable')
        ?.means ?? '',
    ).not.toContain('no longer at that URL');
  });

  it("go-git's push refused without a reason: read-only credentials", () => {
    const line = '{"level":"error","msg":"Reconciler error","error":"unknown error: remote: "}';
    expect(glossOf(line)?.means).toContain('deploy key added without write access');
    expect(glossOf('{"error":"unknown error: remote: repository not found"}')?.means ?? '').not.toContain(
      'write access',
    );
  });
});

describe('pastOomKill without the usage read', () => {
  const body = (ago: string, restarts: number) =>
    [
      '  trino:',
      '    State:          Running',
      '    Last State:     Terminated',
      '      Reason:       OOMKilled',
      '      Exit Code:    137',
      `      Finished:     ${ago}`,
      '    Ready:          True',
      `    Restart Count:  ${restarts}`,
    ].join('\n');
  it.each([
    ['2026-03-07T12:20:00Z (3d2h ago)', 1, true],
    ['2026-03-10T12:20:00Z (2h ago)', 1, false],
    ['2026-03-07T12:20:00Z (3d2h ago)', 5, false],
  ])('a kill finished %s with %i restart(s) is over: %s', (ago, restarts, expected) => {
    expect(pastOomKill(body(ago, restarts), 'trino-worker-85zkjrfxcp-n6zm9', [])).toBe(expected);
  });
});
