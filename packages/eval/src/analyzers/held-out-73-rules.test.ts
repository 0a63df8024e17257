// Table tests of the general rules written after held-out set 73's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { dependencyHosts } from '../baseline/reading.js';
import { errorLines } from './app-errors.js';
import { entryDeniedAnalyzer } from './entry-denied.js';
import { ctx, expectBounded, log, observed, pods } from './observed.fixture.js';
import { siblingLogsAnalyzer } from './sibling-logs.js';
import { versionNotUpgradedAnalyzer } from './version-not-upgraded.js';

describe('error lines: an operation on a path the kernel refused', () => {
  it.each([
    ['2026/05/07 08:11:09 /d/: 403 10.244.0.1:51790 fstatat /srv/d: permission denied'],
    ['open /data/app.db: permission denied'],
    ['ls: /srv/d/pagefile.sys: Permission denied'],
    ["mkdir: cannot create directory '/var/lib/x': Permission denied"],
  ])('%s is a failure line', (line) => {
    expect(errorLines(line)).toEqual([line]);
  });

  it.each([
    ['checking which users were permission denied today: none'],
    ['GET /docs/permission-denied.html 200'],
  ])('%s is not', (line) => {
    expect(errorLines(line)).toEqual([]);
  });

  it('reads a long line without a path in bounded time', () => {
    expectBounded(
      () => errorLines(`${'/a'.repeat(2000)}`),
      () => errorLines('x'.repeat(4000)),
    );
  });
});

describe('entry-denied: one unreadable entry refuses a whole directory', () => {
  const NS = 'files';
  const APP = 'browser-6d9f8c7b5d-x2x9k';
  const seen = (probe: string[]) => [
    pods(NS, [
      [APP, '1/1', 'Running', '0', '20h'],
      ['share-probe', '0/1', 'Completed', '0', '19h'],
    ]),
    log(NS, APP, [
      '2026/05/07 07:58:44 /d/: 403 10.244.0.1:51702 fstatat /srv/d: permission denied',
      '2026/05/07 08:02:31 /team/: 200 10.244.0.1:51733',
    ]),
    log(NS, 'share-probe', probe),
  ];

  it('reads the finished pod that listed the directory, then names the entry', () => {
    const before = seen([]).slice(0, 2);
    expect(entryDeniedAnalyzer.reads(ctx(NS, before))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'share-probe' } },
    ]);
    const [f] = entryDeniedAnalyzer.finds(
      ctx(
        NS,
        seen([
          'uid=1000 gid=1000 groups=1000',
          'ls: /srv/d/pagefile.sys: Permission denied',
          'drwxrwxrwx    1 root     root          4096 Apr 30 09:12 Projects',
        ]),
      ),
    );
    expect(f?.cause).toContain('One entry, pagefile.sys, cannot be read by uid 1000');
    expect(f?.cause).toContain('the listing of /srv/d is refused as a whole');
    expect(f?.evidence).toContain('get_pod_logs share-probe: "ls: /srv/d/pagefile.sys: Permission denied"');
  });

  it('finds nothing when the other pod was refused elsewhere, or nothing', () => {
    expect(entryDeniedAnalyzer.finds(ctx(NS, seen(['ls: /srv/team/x: Permission denied'])))).toEqual([]);
    expect(entryDeniedAnalyzer.finds(ctx(NS, seen(['total 1', 'Projects'])))).toEqual([]);
  });

  it('reads nothing while no Running pod is refused a path', () => {
    expect(entryDeniedAnalyzer.reads(ctx(NS, [seen([])[0]!, log(NS, APP, ['GET /d/ 200'])]))).toEqual([]);
  });
});

describe('sibling-logs: a crashed container that says nothing of why', () => {
  const NS = 'social';
  const POD = 'chat-7b9c6d5f4-q8r2t';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      `Name:             ${POD}`,
      'Status:           Running (CrashLoopBackOff)',
      'Containers:',
      '  daemon:',
      '    Image:          registry.example.net/chat:0.29.1',
      '    State:          Waiting',
      '      Reason:       CrashLoopBackOff',
      '    Last State:     Terminated',
      '      Reason:       Error',
      '      Exit Code:    1',
      '    Ready:          False',
      '    Restart Count:  41',
      '  app-log:',
      '    Image:          busybox:1.36',
      '    State:          Running',
      '      Started:      2026-04-13T22:40:01Z (9h ago)',
      '    Ready:          True',
      '    Restart Count:  0',
      'Conditions:',
    ].join('\n'),
  );

  it("reads the other container's log after a generic last word", () => {
    const seen = [
      described,
      log(NS, POD, ['Oops... something went wrong.', "But don't panic. We are on the case."], {
        container: 'daemon',
        previous: true,
      }),
    ];
    expect(siblingLogsAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: POD, container: 'app-log' } },
    ]);
  });

  it('reads nothing more when the crashed container says why', () => {
    const seen = [
      described,
      log(NS, POD, ['FATAL: could not open /etc/chat/config.yml'], { container: 'daemon', previous: true }),
    ];
    expect(siblingLogsAnalyzer.reads(ctx(NS, seen))).toEqual([]);
  });

  it("takes libpq's refused connection as naming its server", () => {
    expect(
      dependencyHosts(
        'PHP Fatal error:  Uncaught PDOException: SQLSTATE[08006] [7] connection to server at "chat-pg.db.svc.cluster.local" (10.96.197.212), port 5432 failed: Connection refused',
      ),
    ).toEqual(['chat-pg']);
  });

  it('answers with the database scaled to zero that the tailed log names', async () => {
    const answer =
      await baselineAnswer(`${scenarioHead('sib-1', 'social', 'the chat daemon in namespace social keeps restarting; is its --url argument stale?')}cluster:
  namespaces: [social, db]
  nodes: [{ name: n1 }]
  deployments:
    - name: chat
      namespace: social
      replicas: 1
      containers:
        - name: daemon
          image: social/chat:0.29.1
          env: { DB_HOST: chat-pg.db.svc.cluster.local, DB_PORT: "5432" }
          behavior:
            dependencies:
              - service: chat-pg
                namespace: db
                port: 5432
                exitCode: 1
                logs: ["Oops... something went wrong.", "But don't panic. We are on the case."]
        - name: app-log
          image: busybox:1.36
          args: [tail, -F, /var/www/chat/log/php.log]
          behavior:
            logs:
              - 'PHP Fatal error:  Uncaught PDOException: SQLSTATE[08006] [7] connection to server at "chat-pg.db.svc.cluster.local" (10.96.1.2), port 5432 failed: Connection refused'
    - name: chat-pg
      namespace: db
      replicas: 0
      containers:
        - { name: postgres, image: "postgres:15.6", ports: [5432], behavior: { listenPorts: [5432] } }
  services:
    - { name: chat-pg, namespace: db, selector: { app: chat-pg }, ports: [{ port: 5432 }] }
`);
    expect(answer).toContain('chat-pg in namespace db');
    expect(answer).toContain('scaled to zero');
    expect(answer).toContain("the pod's app-log container shows the error");
  });
});

describe('temporary-change: a debug mode left on for days', () => {
  const world = (
    cause: string,
    revisionAge: string,
  ) => `${scenarioHead('tmp-1', 'pim', 'the error report in namespace pim has been empty for a week; is the maintenance job broken?')}cluster:
  namespaces: [pim]
  nodes: [{ name: n1 }]
  deployments:
    - name: catalog
      namespace: pim
      replicas: 1
      revisionAge: ${revisionAge}
      changeCause: "${cause}"
      history:
        - changeCause: "catalog 2025.1.4"
          containers:
            - { name: php, image: "pim/catalog:2025.1.4", env: { APP_ENV: prod, APP_DEBUG: "0" } }
      containers:
        - name: php
          image: pim/catalog:2025.1.4
          env: { APP_ENV: dev, APP_DEBUG: "1" }
          behavior:
            logs:
              - '[2026-05-14T09:14:22.118+00:00] request.ERROR: Uncaught PHP Exception NotFoundHttpException: "No route found for GET /old.pdf"'
              - "[2026-05-14T09:14:22.301+00:00] php.DEBUG: Rendering the exception page of the debug error handler (kernel.debug = true)"
      pods: [{ age: ${revisionAge} }]
`;

  it('names the variables and the production values the revision before had', async () => {
    const answer = await baselineAnswer(
      world('PIM-77 debug thumbnails (APP_ENV=dev, revert afterwards)', '6d'),
    );
    expect(answer).toContain('a change its own cause calls temporary');
    expect(answer).toContain('APP_ENV "prod" -> "dev"');
    expect(answer).toContain('APP_DEBUG "0" -> "1"');
  });

  it.each([
    ['a change not called temporary', 'PIM-77 debug thumbnails (APP_ENV=dev)', '6d'],
    ['a temporary change of this morning', 'PIM-77 debug thumbnails (APP_ENV=dev, revert afterwards)', '3h'],
  ])('says nothing of %s', async (_, cause, age) => {
    expect(await baselineAnswer(world(cause, age))).not.toContain('calls temporary');
  });
});

describe('short name from another namespace: the value the rollout replaced is the fix', () => {
  const world = (
    history: string,
  ) => `${scenarioHead('short-1', 'shop', 'checkout in namespace shop answers 500 since the release; is the payment provider down?')}cluster:
  namespaces: [shop, shop-staging, mail]
  nodes: [{ name: n1 }]
  deployments:
    - name: store
      namespace: shop
      replicas: 1
      revisionAge: 20h
      changeCause: "release 1.12.9, env synced with staging"
${history}
      containers:
        - name: php
          image: shop/store:1.12.9
          env: { MAILER_URL: "smtp://mailhog:1025" }
          behavior:
            logs:
              - '[2026-06-02T14:21:50.310+00:00] request.CRITICAL: Uncaught PHP Exception Swift_TransportException: "Connection could not be established with host mailhog :stream_socket_client(): php_network_getaddresses: getaddrinfo for mailhog failed: Name or service not known"'
      pods: [{ age: 20h }]
    - name: mailhog
      namespace: shop-staging
      replicas: 1
      containers: [{ name: mailhog, image: "mailhog/mailhog:v1.0.1", ports: [1025] }]
    - name: relay
      namespace: mail
      replicas: 1
      containers: [{ name: relay, image: "boky/postfix:4.1", ports: [25] }]
  services:
    - { name: mailhog, namespace: shop-staging, selector: { app: mailhog }, ports: [{ port: 1025 }] }
    - { name: relay, namespace: mail, selector: { app: relay }, ports: [{ port: 25 }] }
grants:
  approve:
    - tool: set_env
      where: { namespace: shop, deployment: store }
`;

  it('puts the variable back to the value of the revision before', async () => {
    const answer = await baselineAnswer(
      world(`      history:
        - changeCause: "release 1.12.7"
          containers:
            - { name: php, image: "shop/store:1.12.7", env: { MAILER_URL: "smtp://relay.mail.svc.cluster.local:25" } }`),
    );
    expect(answer).toContain(
      'changed MAILER_URL of container php from "smtp://relay.mail.svc.cluster.local:25" to "smtp://mailhog:1025"',
    );
    expect(answer).toContain(
      'Fix applied (approved): set MAILER_URL of store/php back to "smtp://relay.mail.svc.cluster.local:25"',
    );
  });

  it('names the other namespace when the short name was there before too', async () => {
    const answer = await baselineAnswer(world(''));
    expect(answer).toContain('mailhog.shop-staging');
    expect(answer).not.toContain('the value of the revision before');
  });
});

describe('version-not-upgraded: an upgrade the running program does not show', () => {
  const NS = 'notes';
  const POD = 'notes-7c9d8b6f5-mcfkx';
  const describedWith = (image: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        'Containers:',
        '  server:',
        `    Image:          ${image}`,
        '    State:          Running',
        'Conditions:',
      ].join('\n'),
    );
  const task =
    'We upgraded our notes server in namespace notes to 0.23.3 this morning, but the app still says 0.22.4.';
  const logged = (line: string) =>
    log(NS, POD, [
      'LOG [NestFactory] Starting Nest application...',
      line,
      'LOG [Bootstrap] Listening on :3010',
    ]);

  it('reads the pod, then names the moving tag that still gives the old release', () => {
    const seen = [logged('LOG [Bootstrap] Notes Server 0.22.4 is running in [selfhosted] mode')];
    expect(versionNotUpgradedAnalyzer.reads(ctx(NS, seen, task))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    const [f] = versionNotUpgradedAnalyzer.finds(
      ctx(NS, [...seen, describedWith('ghcr.io/example/notes-graphql:stable')], task),
    );
    expect(f?.cause).toContain('is still 0.22.4, not the 0.23.3 the upgrade was for');
    expect(f?.cause).toContain('ghcr.io/example/notes-graphql:stable is a moving tag (stable)');
  });

  it.each([
    [
      'the image names the new version',
      'LOG [Bootstrap] Notes Server 0.22.4 is running',
      'example/notes:0.23.3',
    ],
    [
      'the program reports the new version',
      'LOG [Bootstrap] Notes Server 0.23.3 is running',
      'example/notes:stable',
    ],
    [
      'only a client reports a version',
      'WARN client notes-ios/0.23.3 needs server >= 0.23.0',
      'example/notes:stable',
    ],
    ['the program reports a newer version', 'version: "0.24.0"', 'example/notes:stable'],
  ])('finds nothing when %s', (_, line, image) => {
    expect(versionNotUpgradedAnalyzer.finds(ctx(NS, [logged(line), describedWith(image)], task))).toEqual([]);
  });

  it('finds nothing when nobody speaks of an upgrade to a version', () => {
    const seen = [logged('Notes Server 0.22.4 is running'), describedWith('example/notes:stable')];
    expect(versionNotUpgradedAnalyzer.finds(ctx(NS, seen, 'the notes app is slow today'))).toEqual([]);
  });
});
