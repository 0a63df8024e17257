// A review of the held-out-64 rules (url-scheme, disabled-endpoint, ssh-nologin) by a reviewer who did
// not write them. Each test that pinned a bug has a `// Found in review, fixed:` line above it saying what
// was wrong; the others document the attacks the rules survived.
import { describe, expect, it } from 'vitest';
import { disabledEndpointAnalyzer } from './disabled-endpoint.js';
import { ctx, describedPodText, expectBounded, log, observed } from './observed.fixture.js';
import { sshNologinAnalyzer } from './ssh-nologin.js';
import { urlSchemeAnalyzer } from './url-scheme.js';

describe('url-scheme', () => {
  const NS = 'boards';
  const POD = 'wekan-mpx67vfx8c-ncrjg';
  const OLD = 'Error: invalid schema, expected mongodb';
  const crash = (...lines: string[]) => log(NS, POD, ['throw(ex);', ...lines], { previous: true });
  const podText = (env: Record<string, string>, name = POD, ns = NS) =>
    describedPodText({ ns, name, container: 'wekan', env });
  const pod = (env: Record<string, string>) =>
    observed('describe_pod', { namespace: NS, name: POD }, podText(env));
  const find = (...seen: Parameters<typeof ctx>[1]) => urlSchemeAnalyzer.finds(ctx(NS, seen));

  it('replaces only the scheme, keeping credentials, path and query of the URL', () => {
    const [f] = find(
      crash(OLD),
      pod({ MONGO_URL: 'mongo://wekan:p%40ss@mongo-0.mongo:27017,mongo-1.mongo:27017/wekan?replicaSet=rs0' }),
    );
    expect(f?.fix?.args['set']).toEqual([
      {
        name: 'MONGO_URL',
        value: 'mongodb://wekan:p%40ss@mongo-0.mongo:27017,mongo-1.mongo:27017/wekan?replicaSet=rs0',
      },
    ]);
  });

  it('takes postgresql:// for the postgres:// a library expects (both are the same scheme)', () => {
    const [f] = find(
      crash('TypeError: invalid protocol in connection string, expected postgres'),
      pod({ DATABASE_URL: 'postgresql://app@pg:5432/app' }),
    );
    expect(f).toBeUndefined();
  });

  it('does not crash on a log or description without a pod name, nor on a description without variables', () => {
    const seen = [
      observed('get_pod_logs', { namespace: NS }, OLD),
      observed(
        'describe_pod',
        { namespace: NS },
        'Name: x\nContainers:\n  wekan:\n    Environment:    <none>\n',
      ),
    ];
    expect(() => urlSchemeAnalyzer.reads(ctx(NS, seen))).not.toThrow();
    expect(urlSchemeAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  it('does bounded work on lines stuffed with refusals that never name a known scheme', () => {
    const hostile = Array.from({ length: 2000 }, () => 'invalid scheme expected '.repeat(160).slice(0, 3990));
    const benign = Array.from({ length: 2000 }, () => 'x'.repeat(3990));
    expectBounded(
      () => find(log(NS, POD, hostile), pod({ MONGO_URL: 'http://db/x' })),
      () => find(log(NS, POD, benign), pod({ MONGO_URL: 'http://db/x' })),
    );
  });

  // Found in review, fixed: urlSchemeAnalyzer.finds falls back to any URL variable whose scheme is not the expected one, so with MONGO_URL already mongodb:// it rewrites REDIS_URL (a redis:// URL right for another library) to mongodb://.
  it('leaves a URL whose scheme belongs to another store alone', () => {
    const found = find(
      crash(OLD),
      pod({ MONGO_URL: 'mongodb://mongo:27017/wekan', REDIS_URL: 'redis://cache:6379/0' }),
    );
    expect(found).toEqual([]);
  });

  // Found in review, fixed: urlSchemeAnalyzer.finds cannot see a store URL set from a Secret (envOf leaves references out) and falls back to the web address ROOT_URL, proposing ROOT_URL=mongodb://boards.corp.example.
  it('does not give the application web address the store scheme when the store URL comes from a Secret', () => {
    const described = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      podText({ ROOT_URL: 'https://boards.corp.example' }).replace(
        '      ROOT_URL:',
        "      MONGO_URL:  <set to the key 'url' in secret 'wekan-mongo'>  Optional: false\n      ROOT_URL:",
      ),
    );
    const [f] = find(crash(OLD), described);
    expect(f?.fix).toBeUndefined();
    expect(f?.cause ?? '').not.toMatch(/ROOT_URL/);
  });

  // Found in review, fixed: urlSchemeAnalyzer.finds walks every container section including init containers, so an init container's unrelated WAIT_FOR_URL is rewritten to mongodb:// instead of the app container's MONGO_URL.
  it("fixes the app container's store URL, not an init container's URL", () => {
    const text = podText({ MONGO_URL: 'http://mongo:27017/wekan' }).replace(
      'Containers:\n',
      [
        'Init Containers:',
        '  wait-for-proxy:',
        '    Image:          busybox:1.36',
        '    State:          Terminated',
        '    Environment:',
        '      WAIT_FOR_URL:  http://proxy.edge.svc:8080/healthz',
        'Containers:',
        '',
      ].join('\n'),
    );
    const [f] = find(crash(OLD), observed('describe_pod', { namespace: NS, name: POD }, text));
    expect(f?.fix?.args['set']).toEqual([{ name: 'MONGO_URL', value: 'mongodb://mongo:27017/wekan' }]);
  });

  // Found in review, fixed: WRONG_SCHEME's lazy gap after "expected" skips the schemes it does not list and captures the one the program was given ("expected http or https, got redis"), so refusedScheme takes redis for the scheme wanted.
  it('does not take the scheme a message says it got for the one it expects', () => {
    const found = find(
      crash('ValueError: invalid scheme for WEBHOOK_URL, expected http or https, got redis'),
      pod({ WEBHOOK_URL: 'redis://cache:6379', CACHE_URL: 'http://cache:6379' }),
    );
    expect(found).toEqual([]);
  });

  // Found in review, fixed: WRONG_SCHEME wants "invalid … expected", so redis-py's real refusal ("Redis URL must specify one of the following schemes (redis://, rediss://, unix://)") is not read by refusedScheme.
  it("reads redis-py's refusal of a URL's scheme", () => {
    const [f] = find(
      crash('ValueError: Redis URL must specify one of the following schemes (redis://, rediss://, unix://)'),
      pod({ REDIS_URL: 'http://cache.data.svc:6379/0' }),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'REDIS_URL', value: 'redis://cache.data.svc:6379/0' }]);
  });

  // Found in review, fixed: WRONG_SCHEME wants "invalid … expected", so amqplib's real refusal ("Expected amqp: or amqps: as the protocol; got http:") is not read by refusedScheme.
  it("reads amqplib's refusal of a URL's scheme", () => {
    const [f] = find(
      crash('Error: Expected amqp: or amqps: as the protocol; got http:'),
      pod({ AMQP_URL: 'http://guest:guest@rabbitmq:5672/' }),
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'AMQP_URL', value: 'amqp://guest:guest@rabbitmq:5672/' }]);
  });

  // Found in review, fixed: urlSchemeAnalyzer.reads and finds match describe_pod by pod name only, so a StatefulSet pod of the same name described in another namespace stops the read and its variables are taken for this namespace's.
  it('reads the refusing pod in its own namespace even when a pod of the same name elsewhere was described', () => {
    const other = observed(
      'describe_pod',
      { namespace: 'boards-staging', name: 'wekan-0' },
      podText({ MONGO_URL: 'http://mongo:27017/wekan' }, 'wekan-0', 'boards-staging'),
    );
    const seen = [log(NS, 'wekan-0', [OLD], { previous: true }), other];
    expect(urlSchemeAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: 'wekan-0' } },
    ]);
    expect(urlSchemeAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});

describe('disabled-endpoint', () => {
  const NS = 'vault';
  const POD = 'passbolt-mpbxz5gpw-hrd72';
  const pod = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'passbolt', env }),
    );
  const access = (path: string, code: number, ua = 'uptime-kuma/1.23') =>
    `10.244.2.31 - - [20/Apr/2026:11:42:00 +0000] "GET ${path} HTTP/1.1" ${code} 221 "-" "${ua}"`;
  const find = (lines: string[], env: Record<string, string>) =>
    disabledEndpointAnalyzer.finds(ctx(NS, [log(NS, POD, lines), pod(env)]));

  it('reads the path of a request with a query string', () => {
    const [f] = find(
      [
        access('/healthcheck/status.json?format=json', 403),
        access('/healthcheck/status.json?format=json', 403),
      ],
      { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'false' },
    );
    expect(f?.fix?.args['set']).toEqual([{ name: 'PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED', value: 'true' }]);
  });

  it('reads an nginx JSON access log whose request field keeps the request line', () => {
    const json =
      '{"time":"2026-04-20T11:42:00+00:00","remote_addr":"10.244.2.31","request":"GET /healthcheck/status.json HTTP/1.1","status":403,"body_bytes_sent":221}';
    const [f] = find([json], { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'False' });
    expect(f?.cause).toMatch(/the endpoint \/healthcheck\/status.json is switched off/);
  });

  it('leaves a previous container log and another namespace alone', () => {
    const lines = [access('/healthcheck/status.json', 403)];
    const env = { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'false' };
    expect(
      disabledEndpointAnalyzer.finds(ctx(NS, [log(NS, POD, lines, { previous: true }), pod(env)])),
    ).toEqual([]);
    expect(disabledEndpointAnalyzer.finds(ctx(NS, [log('other', POD, lines), pod(env)]))).toEqual([]);
  });

  it('does not take a variable whose name has the switch word inside another word (ENABLEMENT, HEALTHCHECKDISABLED)', () => {
    expect(
      find([access('/healthcheck/status.json', 404)], {
        HEALTHCHECK_ENABLEMENT: 'false',
        HEALTHCHECKDISABLED: 'true',
      }),
    ).toEqual([]);
  });

  it('does not crash on a log without a pod name or a description without variables', () => {
    const seen = [
      observed('get_pod_logs', { namespace: NS }, access('/healthcheck', 403)),
      observed(
        'describe_pod',
        { namespace: NS },
        'Name: x\nContainers:\n  passbolt:\n    Environment:    <none>\n',
      ),
    ];
    expect(() => disabledEndpointAnalyzer.reads(ctx(NS, seen))).not.toThrow();
    expect(disabledEndpointAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  it('does bounded work on many distinct refused paths against many switches', () => {
    const hostile = Array.from(
      { length: 2000 },
      (_, i) => `1.2.3.4 - - "GET /${`seg${i}-`.repeat(40)}healthcheck HTTP/1.1" 404 1 "-" "x"`,
    );
    const benign = Array.from(
      { length: 2000 },
      (_, i) => `1.2.3.4 - - "GET /${'x'.repeat(240)}${i} HTTP/1.1" 200 1 "-" "x"`,
    );
    const env = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`FEATURE_${i}_SEGMENT_ENABLED`, 'false']),
    );
    expectBounded(
      () => find(hostile, env),
      () => find(benign, env),
    );
  });

  // Found in review, fixed: requestPath reads only `"GET /path` request lines, so a Caddy JSON access log (method and uri in separate fields) is never read by refusedPaths.
  it("reads Caddy's JSON access log", () => {
    const caddy =
      '{"level":"info","ts":1776685320.1,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"10.244.2.31","proto":"HTTP/1.1","method":"GET","host":"vault.example","uri":"/healthcheck/status.json"},"status":403,"size":221}';
    const [f] = find([caddy, caddy], { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'false' });
    expect(f?.fix?.args['set']).toEqual([{ name: 'PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED', value: 'true' }]);
  });

  // Found in review, fixed: requestPath reads only `"GET /path` request lines, so a logfmt access line (Rails lograge, Go servers: `method=GET path=/healthcheck status=404`) is never read by refusedPaths.
  it('reads a logfmt access line', () => {
    const line =
      'method=GET path=/healthcheck format=json controller=HealthController action=show status=404 duration=1.2';
    const [f] = find([line, line], { DISABLE_HEALTHCHECK: 'true' });
    expect(f?.fix?.args['set']).toEqual([{ name: 'DISABLE_HEALTHCHECK', value: 'false' }]);
  });

  // Found in review, fixed: disabledEndpointAnalyzer.finds matches a path word as a substring of the underscore-stripped variable name, so a 404 on /ping turns on AUTO_MAPPING_ENABLED ("mapping" holds "ping").
  it('does not match a path word inside an unrelated word of a variable name', () => {
    expect(find([access('/ping', 404), access('/ping', 404)], { AUTO_MAPPING_ENABLED: 'false' })).toEqual([]);
  });

  // Found in review, fixed: disabledEndpointAnalyzer.finds takes any off switch that names the path's word, so with METRICS_ENABLED=true a 403 on /metrics proposes METRICS_AUTH_ENABLED=true (putting authentication in front of the scraper, making it worse).
  it("does not turn on a restriction of the endpoint when the endpoint's own switch is on", () => {
    const found = find(
      [access('/metrics', 403, 'Prometheus/2.51.0'), access('/metrics', 403, 'Prometheus/2.51.0')],
      {
        METRICS_ENABLED: 'true',
        METRICS_AUTH_ENABLED: 'false',
      },
    );
    expect(found).toEqual([]);
  });

  // Found in review, fixed: disabledEndpointAnalyzer.finds turns on a switch disabled on purpose for a path only scanners hit: bots' 404s on /users/sign_up lead to set GITLAB_SIGNUP_ENABLED=true, opening registration.
  it('does not open sign-up because a scanner probed a sign-up path', () => {
    const bot = 'Mozilla/5.0 zgrab/0.x';
    const found = find(
      [
        access('/users/sign_up', 404, bot),
        access('/users/sign_up', 404, bot),
        access('/users/sign_in', 200, bot),
      ],
      { GITLAB_SIGNUP_ENABLED: 'false' },
    );
    expect(found.flatMap((f) => (f.fix ? [f.fix] : []))).toEqual([]);
  });

  // Found in review, fixed: disabledEndpointAnalyzer.finds counts only the refusals of a path, so a path the same log shows served (200) is still called switched off with "every request to it is refused".
  it('does not call an endpoint switched off when the same log shows it served', () => {
    const found = find(
      [
        access('/healthcheck/status.json', 200),
        access('/healthcheck/status.json', 200),
        access('/healthcheck/status.json', 403, 'curl/8.5.0'),
        access('/healthcheck/status.json', 200),
      ],
      { PASSBOLT_HEALTHCHECK_ENDPOINT_ENABLED: 'false' },
    );
    expect(found).toEqual([]);
  });
});

describe('ssh-nologin', () => {
  const NS = 'git';
  const TASK = 'Every CI job that clones over SSH fails; HTTPS works.';
  const find = (lines: string[], task = TASK, ns = NS) =>
    sshNologinAnalyzer.finds(ctx(NS, [log(ns, 'gogs-debug', lines)], task));

  it('reads a passwd line printed with CRLF and the Arch path of nologin', () => {
    const [f] = find(['git:x:1000:1000::/data/git:/usr/bin/nologin\r']);
    expect(f?.object).toBe("the git user's login shell");
    expect(f?.cause).not.toMatch(/\r/);
  });

  it('leaves root, git-shell and an empty shell field alone', () => {
    expect(
      find([
        'root:x:0:0:root:/root:/sbin/nologin',
        'git:x:1000:1000::/data/git:/usr/bin/git-shell',
        'gogs:x:1001:1001:::',
      ]),
    ).toEqual([]);
  });

  it('reads only the namespace under investigation', () => {
    expect(find(['git:x:1000:1000::/data/git:/usr/sbin/nologin'], TASK, 'other')).toEqual([]);
  });

  it('does bounded work on long colon-stuffed lines', () => {
    const hostile = Array.from(
      { length: 2000 },
      () => `git:${':'.repeat(200)}${'1'.repeat(500)}:${'x'.repeat(90)}`,
    );
    const benign = Array.from({ length: 2000 }, () => 'x'.repeat(795));
    expectBounded(
      () => find(hostile),
      () => find(benign),
    );
  });

  // Found in review, fixed: sshNologinAnalyzer.finds takes any account of uid 1000 and up as the program's, so `nobody` (uid 65534, /usr/sbin/nologin in every getent passwd) is blamed while the git user has a working shell.
  it('does not blame nobody (uid 65534) when the service account has a shell', () => {
    const found = find([
      'root:x:0:0:root:/root:/bin/ash',
      'daemon:x:2:2:daemon:/sbin:/sbin/nologin',
      'nobody:x:65534:65534:nobody:/:/sbin/nologin',
      'git:x:1000:1000:Linux User,,,:/data/git:/bin/bash',
    ]);
    expect(found).toEqual([]);
  });

  // Found in review, fixed: sshNologinAnalyzer.finds lets any system account named in the task through, so a task quoting sshd's log blames sshd's privilege-separation user, whose nologin shell is normal.
  it("does not blame sshd's privilege-separation account because the task says sshd", () => {
    const found = find(
      ['sshd:x:22:22:sshd privsep:/dev/null:/sbin/nologin', 'git:x:1000:1000::/data/git:/bin/sh'],
      'git clone over SSH fails; sshd logs "Connection closed by authenticating user git"',
    );
    expect(found).toEqual([]);
  });

  // Found in review, fixed: sshNologinAnalyzer.finds assumes every SSH task is a git clone, so an SFTP-only account with /usr/sbin/nologin (normal with ForceCommand internal-sftp, which never runs the login shell) is blamed and the cause quotes "Could not read from remote repository".
  it('does not blame the nologin shell of an SFTP-only account', () => {
    const [f] = find(
      ['uploader:x:1001:100::/home/uploader:/usr/sbin/nologin'],
      'Partners cannot upload files over SFTP (SSH port 22) to the uploader account since the migration.',
    );
    expect(f?.cause ?? '').not.toMatch(/clone|remote repository/);
  });
});
