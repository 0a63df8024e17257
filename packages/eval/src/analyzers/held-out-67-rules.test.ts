// Table tests of the general rules written after held-out set 67's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { leftScaledDownAnalyzer } from './left-scaled-down.js';
import { glossOf } from './log-glosses.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { unmountedPathAnalyzer } from './unmounted-path.js';

describe('unmounted-path: work skipped for paths under a directory no volume is mounted at', () => {
  const NS = 'media';
  const POD = 'library-6d9f7c8b4-x2k9p';
  const describedWith = (mounts: string[]) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        'Containers:',
        '  app:',
        '    Image:          registry.example.com/app:1.0.0',
        '    State:          Running',
        '    Mounts:',
        ...mounts.map((m) => `      ${m} from vol-${m.slice(1)} (rw)`),
        'Conditions:',
      ].join('\n'),
    );
  const SKIP = (who: string) =>
    `[Info] Mover: Destination folder /books/${who} not in a Root Folder, skipping import`;
  const logged = log(NS, POD, [
    '[Info] RootFolderService: Root folders: /shared/eBooks/',
    SKIP('Ann Author'),
    '[Info] Processing path: /shared/downloads/x',
    SKIP('Bo Writer'),
  ]);

  it('names the directory, the mounts there are, and the root folder the program keeps', () => {
    const [f] = unmountedPathAnalyzer.finds(ctx(NS, [logged, describedWith(['/config', '/shared'])]));
    expect(f?.object).toBe('deployment library');
    expect(f?.cause).toContain('paths under /books (2 lines');
    expect(f?.cause).toContain('mounted at /config, /shared');
    expect(f?.cause).toContain('Root folders: /shared/eBooks/');
    expect(f?.revisionSound).toBe(true);
  });

  it.each([
    { what: 'a directory that is mounted', mounts: ['/config', '/books'], lines: [SKIP('a'), SKIP('b')] },
    { what: 'a mount below the directory', mounts: ['/books/library'], lines: [SKIP('a'), SKIP('b')] },
    { what: 'one skipped line only', mounts: ['/shared'], lines: [SKIP('a')] },
    { what: 'a container without volumes', mounts: [], lines: [SKIP('a'), SKIP('b')] },
    {
      what: "paths in the image's own directories",
      mounts: ['/shared'],
      lines: ['skipping /usr/lib/x.so', 'skipping /usr/lib/y.so'],
    },
    {
      what: 'lines that skip nothing',
      mounts: ['/shared'],
      lines: ['copied /books/a to the library', 'copied /books/b to the library'],
    },
  ])('finds nothing for $what', ({ mounts, lines }) => {
    expect(unmountedPathAnalyzer.finds(ctx(NS, [log(NS, POD, lines), describedWith(mounts)]))).toEqual([]);
  });

  it('does bounded work on long lines of paths', () => {
    const bad = Array.from({ length: 400 }, () => `skipping ${' /a/'.repeat(450)}`);
    const benign = Array.from({ length: 400 }, () => 'x'.repeat(1800));
    const d = describedWith(['/shared']);
    expectBounded(
      () => unmountedPathAnalyzer.finds(ctx(NS, [log(NS, POD, bad), d])),
      () => unmountedPathAnalyzer.finds(ctx(NS, [log(NS, POD, benign), d])),
    );
  });
});

describe('left-scaled-down: a Deployment scaled to zero for a change and never scaled back', () => {
  const NS = 'tools';
  const WEB = 'tracker-web-6d9f7c8b4-x2k9p';
  const listed = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ['tracker-web', '2/2', '2', '2', '300d'],
      ['tracker-jobs', '0/0', '0', '0', '300d'],
    ]),
  );
  const described = (annotation: string) =>
    observed(
      'describe_deployment',
      { namespace: NS, name: 'tracker-jobs' },
      [
        'Name:                   tracker-jobs',
        `Annotations:            ${annotation}`,
        'Replicas:               0 desired | 0 updated | 0 total | 0 available | 0 unavailable',
        '      Command:        /srv/bin/runner start',
        '        ROLE:  daemons',
      ].join('\n'),
    );
  const events = (rows: string[][]) =>
    observed(
      'get_events',
      { namespace: NS },
      table([['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...rows]),
    );
  const DOWN = [
    '11d',
    'Normal',
    'ScalingReplicaSet',
    'deployment/tracker-jobs',
    'Scaled down replica set tracker-jobs-7c9d5f6b8 to 0 from 2',
  ];
  const said = log(NS, WEB, ['Setup issue: the tracker daemons are not running, background work is paused']);
  const NOTE = 'ops/note=scaled to 0 on 2026-03-09 for the database migration';

  it('asks for the description of a Deployment at 0/0 once a log says a part is not running', () => {
    expect(leftScaledDownAnalyzer.reads(ctx(NS, [listed, said]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'tracker-jobs' } },
    ]);
    expect(leftScaledDownAnalyzer.reads(ctx(NS, [listed]))).toEqual([]);
  });

  it('scales it back to the replicas it had, from the scale-down event', () => {
    const [f] = leftScaledDownAnalyzer.finds(ctx(NS, [listed, said, described(NOTE), events([DOWN])]));
    expect(f?.object).toBe('deployment tracker-jobs');
    expect(f?.fix).toEqual({
      tool: 'scale_deployment',
      args: { namespace: NS, name: 'tracker-jobs', replicas: 2 },
      text: 'scale tracker-jobs back to 2 replicas',
    });
    expect(f?.cause).toContain('for the database migration');
  });

  it('scales to one when only the note says so', () => {
    const [f] = leftScaledDownAnalyzer.finds(ctx(NS, [listed, said, described(NOTE), events([])]));
    expect(f?.fix?.args['replicas']).toBe(1);
  });

  it.each([
    {
      what: 'no note and no scale-down event',
      seen: () => [listed, said, described('team=tools'), events([])],
    },
    {
      what: 'a part the Deployment does not hold',
      seen: () => [
        listed,
        log(NS, WEB, ['the mailer queue is not running']),
        described(NOTE),
        events([DOWN]),
      ],
    },
    {
      what: 'no line that says a part is not running',
      seen: () => [listed, described(NOTE), events([DOWN])],
    },
  ])('finds nothing for $what', ({ seen }) => {
    expect(leftScaledDownAnalyzer.finds(ctx(NS, seen()))).toEqual([]);
  });
});

describe('glosses of set 67: SMTP 535 and an Oracle tablespace that cannot extend', () => {
  it.each([
    'Swift_TransportException: Expected response code 235 but got code "535", with message "535 Incorrect authentication data"',
    'Error: Invalid login: 535 5.7.8 Authentication credentials invalid',
    'postfix/smtp[812]: SASL authentication failed; server smtp.example.net said: 535 5.7.8 Error: authentication failed',
  ])('reads a refused SMTP login: %s', (line) => {
    expect(glossOf(line)?.means).toMatch(/refused the login with reply 535.*password/);
  });

  it('tells the audit trail from any other table that cannot extend', () => {
    expect(glossOf('ORA-01653: unable to extend table SYS.AUD$ by 8192 in tablespace SYSTEM')?.means).toMatch(
      /audit trail .* purge the audit trail/,
    );
    expect(glossOf('ORA-01653: unable to extend table APP.ORDERS by 128 in tablespace USERS')?.means).toMatch(
      /datafiles reached their maximum size .* not the disk's/,
    );
  });

  it('leaves a 535 that is no SMTP reply alone', () => {
    expect(glossOf('processed 535 rows in 2 s')).toBeUndefined();
  });
});
