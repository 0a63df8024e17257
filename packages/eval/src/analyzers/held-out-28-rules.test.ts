// Table tests of the rules written after held-out set 28's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { gunicornTimeoutAnalyzer } from './gunicorn-timeout.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { observed } from './observed.fixture.js';
import { tokenNotRefreshedAnalyzer } from './token-not-refreshed.js';
import type { AnalyzerContext } from './types.js';

type Seen = ReturnType<typeof observed>;
const ctx = (ns: string, seen: Seen[], task = ''): AnalyzerContext => ({ task, ns, hints: [], seen });

describe('gunicorn-timeout: workers killed at the default 30 s timeout', () => {
  const seen = (env: string) => [
    observed(
      'get_pod_logs',
      { namespace: 'lingua', name: 'tr-5d8c7b9f4d-abcde' },
      '[2026-01-15 09:41:33 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:9)\n[2026-01-15 09:41:34 +0000] [12] [INFO] Booting worker with pid: 12',
    ),
    observed(
      'describe_pod',
      { namespace: 'lingua', name: 'tr-5d8c7b9f4d-abcde' },
      `Name: tr-5d8c7b9f4d-abcde\nControlled By:    ReplicaSet/tr-5d8c7b9f4d\nContainers:\n  translate:\n    Image: t:1\n    Command:\n      gunicorn\n    Args:\n      wsgi:app\n    Environment:\n      GUNICORN_CMD_ARGS:  ${env}\n`,
    ),
  ];
  it('adds --timeout to GUNICORN_CMD_ARGS, keeping what it holds', () => {
    expect(gunicornTimeoutAnalyzer.finds(ctx('lingua', seen('--workers 3')))[0]?.fix?.args).toMatchObject({
      deployment: 'tr',
      set: [{ name: 'GUNICORN_CMD_ARGS', value: '--workers 3 --timeout 120' }],
    });
  });
  it('nothing when a timeout is already set', () => {
    expect(gunicornTimeoutAnalyzer.finds(ctx('lingua', seen('--workers 3 --timeout 90')))).toEqual([]);
  });
});

describe('token-not-refreshed: a token acquired once, refused as expired', () => {
  const log = (lines: string[]) =>
    observed('get_pod_logs', { namespace: 'collab', name: 'sync-1' }, lines.join('\n'));
  it('one grant, then expired: refresh it', () => {
    const [f] = tokenNotRefreshedAnalyzer.finds(
      ctx('collab', [
        log([
          'INFO auth: client credentials grant ok for client c4, expires_in=3599',
          'INFO sync ok',
          'ERROR sync: 401 InvalidAuthenticationToken (Access token has expired or is not yet valid.)',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(/acquires its access token once and never refreshes it[\s\S]*valid 60 minutes/);
    expect(f?.advice).toMatch(/refresh/);
  });
  it('nothing when the token is fetched again, or never said expired', () => {
    expect(
      tokenNotRefreshedAnalyzer.finds(
        ctx('collab', [log(['token acquired', 'token acquired', 'ERROR 401 token has expired'])]),
      ),
    ).toEqual([]);
    expect(tokenNotRefreshedAnalyzer.finds(ctx('collab', [log(['token acquired', 'ERROR 500'])]))).toEqual(
      [],
    );
  });
});

describe('ingress-nginx-canary: a canary gets only what its annotations route to it', () => {
  const ing = (notes: string) =>
    observed(
      'describe_resource',
      { kind: 'Ingress', name: 'web-canary', namespace: 'shop' },
      `Name:         web-canary\nAnnotations:  ${notes}\nSpec:\n  rules[0].host: shop.example.org`,
    );
  const notes = (seen: Seen[]) =>
    misconceptionsAnalyzer.notes!(ctx('shop', seen, 'the canary gets almost no traffic, is it broken?')).join(
      '\n',
    );
  it('cookie only, weight 0: opt-in by design', () => {
    expect(
      notes([
        ing(
          'nginx.ingress.kubernetes.io/canary=true,nginx.ingress.kubernetes.io/canary-by-cookie=beta,nginx.ingress.kubernetes.io/canary-weight=0',
        ),
      ]),
    ).toMatch(
      /cookie beta=always[\s\S]*canary-weight 0[\s\S]*only those who opt in[\s\S]*no change is needed/,
    );
  });
  it('nothing for an Ingress that is not a canary', () => {
    expect(notes([ing('<none>')])).not.toMatch(/ingress-nginx canary/);
  });
});
