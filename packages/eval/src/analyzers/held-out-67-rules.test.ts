// Table tests of the general rules written after held-out set 67's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { botChallengeAnalyzer } from './bot-challenge.js';
import { conntrackNeighbourAnalyzer } from './conntrack-neighbour.js';
import { leftScaledDownAnalyzer } from './left-scaled-down.js';
import { glossOf } from './log-glosses.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { queueNoWorkerAnalyzer } from './queue-no-worker.js';
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

  it('leaves a Deployment an autoscaler owns (a KEDA ScaledObject that scales to zero) alone', () => {
    const keda = observed(
      'list_resources',
      { kind: 'ScaledObject', namespace: NS },
      table([
        ['NAME', 'SCALETARGETKIND', 'SCALETARGETNAME', 'MIN', 'MAX', 'READY', 'ACTIVE'],
        ['tracker-jobs-scaler', 'apps/v1.Deployment', 'tracker-jobs', '0', '10', 'True', 'False'],
      ]),
    );
    expect(
      leftScaledDownAnalyzer.finds(ctx(NS, [listed, said, described(NOTE), events([DOWN]), keda])),
    ).toEqual([]);
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

describe("bot-challenge: fetched pages that are bot protection's challenge page", () => {
  const NS = 'links';
  const POD = 'crawler-6d9f7c8b4-x2k9p';
  const page = (title: string) => `info: [search] Indexed bookmark abc title="${title}"`;

  it('names the challenge, the pages that came through and why a datacenter IP meets it', () => {
    const [f] = botChallengeAnalyzer.finds(
      ctx(NS, [log(NS, POD, [page('Just a moment...'), page('Docs'), page('Just a moment...')])]),
    );
    expect(f?.object).toBe('deployment crawler');
    expect(f?.cause).toContain('2 pages came back titled "Just a moment..."');
    expect(f?.cause).toContain('while 1 other page came through');
    expect(f?.cause).toMatch(/Cloudflare's bot protection .* hosting provider's or datacenter's IP range/);
  });

  it('takes one challenged page when a challenge header was logged anywhere', () => {
    const header = log('monitoring', 'kuma-6d9f7c8b4-x2k9p', [
      'response headers: server=cloudflare cf-mitigated=challenge',
    ]);
    expect(
      botChallengeAnalyzer.finds(ctx(NS, [log(NS, POD, [page('Just a moment...')]), header])),
    ).toHaveLength(1);
    expect(botChallengeAnalyzer.finds(ctx(NS, [log(NS, POD, [page('Just a moment...')])]))).toEqual([]);
  });

  it('leaves pages whose titles only mention a moment alone', () => {
    const lines = [page('Wait just a moment: a story'), page('Just a moment of calm')];
    expect(botChallengeAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]))).toEqual([]);
  });
});

describe('celery-no-worker: tasks queued to a Celery broker with no worker running', () => {
  const NS = 'cfp';
  const WEB = 'talks-web-swfrhjlkx-js4bj';
  const listed = (extra: string[][] = []) => pods(NS, [[WEB, '1/1', 'Running', '0', '3h'], ...extra]);
  const describedPod = (name: string, command: string, cm = 'talks-cfg') =>
    observed(
      'describe_pod',
      { namespace: NS, name },
      [
        `Name:             ${name}`,
        'Containers:',
        '  web:',
        `    Command:        ${command}`,
        '    State:          Running',
        'Volumes:',
        '  cfg:',
        '    Type:      ConfigMap (a volume populated by a ConfigMap)',
        `    Name:      ${cm}`,
      ].join('\n'),
    );
  const cfg = (text: string) =>
    observed('get_resource', { kind: 'ConfigMap', name: 'talks-cfg', namespace: NS }, text);
  const queued = log(NS, 'talks-periodic-29576820-8cmvj', [
    'INFO tasks runperiodic: 3 periodic tasks queued',
  ]);
  const INI = '[mail]\nport = 587\n[celery]\nbackend = redis://redis:6379/1\nbroker = redis://redis:6379/2\n';

  it('reads the pods and their ConfigMaps once a log says tasks were queued', () => {
    expect(queueNoWorkerAnalyzer.reads(ctx(NS, [listed(), queued]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: WEB } },
    ]);
    expect(queueNoWorkerAnalyzer.reads(ctx(NS, [listed(), queued, describedPod(WEB, 'gunicorn')]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'talks-cfg', namespace: NS } },
    ]);
  });

  it.each([
    ['an INI [celery] section', INI],
    ['CELERY_BROKER_URL', 'CELERY_BROKER_URL=redis://redis:6379/0\n'],
  ])('finds the broker in %s and no worker', (_, text) => {
    const [f] = queueNoWorkerAnalyzer.finds(
      ctx(NS, [listed(), queued, describedPod(WEB, 'gunicorn'), cfg(text)]),
    );
    expect(f?.object).toBe('the Celery worker');
    expect(f?.cause).toContain('queues its background work to Celery');
    expect(f?.cause).toContain('no worker of that queue runs in cfp');
  });

  it.each([
    {
      what: 'a worker pod',
      seen: () => [
        listed([['talks-worker-abcde-12345', '1/1', 'Running', '0', '3h']]),
        queued,
        describedPod(WEB, 'gunicorn'),
        cfg(INI),
      ],
    },
    {
      what: 'a container that runs the worker',
      seen: () => [listed(), queued, describedPod(WEB, 'celery -A talks worker'), cfg(INI)],
    },
    {
      what: 'an INI without a celery section',
      seen: () => [listed(), queued, describedPod(WEB, 'gunicorn'), cfg('[mail]\nbroker = x\n')],
    },
    { what: 'no queued line', seen: () => [listed(), describedPod(WEB, 'gunicorn'), cfg(INI)] },
  ])('finds nothing with $what', ({ seen }) => {
    expect(queueNoWorkerAnalyzer.finds(ctx(NS, seen()))).toEqual([]);
  });
});

describe('conntrack-neighbour: timeouts to a dependency on a node whose conntrack table a scanner fills', () => {
  const NS = 'lan';
  const rows = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      ['portal-mr4vzmk48-6kjlc', '1/1', 'Running', '0', '6d', '10.244.0.12', 'edge-1'],
      ['relayd-9vggwpcdbq-cz5j4', '1/1', 'Running', '0', '6d', '10.244.0.13', 'edge-2'],
      ['netscan-6b7f9c4d2-q7slf', '1/1', 'Running', '0', '14d', '10.244.0.15', 'edge-2'],
    ]),
  );
  const client = log(NS, 'portal-mr4vzmk48-6kjlc', ['ERROR Connection to relayd timed out.']);
  const nodeWith = (warning: string) =>
    observed(
      'describe_node',
      { name: 'edge-2' },
      [
        'Name:               edge-2',
        'Events:',
        '  Type      Reason          Age                     From      Message',
        `  Warning   KernelMessage   2m6s (x1873 over 13d)   kubelet   ${warning}`,
      ].join('\n'),
    );
  const FULL = 'kernel: nf_conntrack: nf_conntrack: table full, dropping packet';
  const scanner = log(NS, 'netscan-6b7f9c4d2-q7slf', ['arp-scan: --retry=6 10.20.0.0/16 (65536 hosts)']);

  it("reads the dependency's node, then the logs of its neighbours there", () => {
    expect(conntrackNeighbourAnalyzer.reads(ctx(NS, [rows, client]))).toEqual([
      { tool: 'describe_node', args: { name: 'edge-2' } },
    ]);
    expect(conntrackNeighbourAnalyzer.reads(ctx(NS, [rows, client, nodeWith(FULL)]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'netscan-6b7f9c4d2-q7slf' } },
    ]);
  });

  it('stops the scanner on that node', () => {
    const [f] = conntrackNeighbourAnalyzer.finds(ctx(NS, [rows, client, nodeWith(FULL), scanner]));
    expect(f?.object).toBe('deployment netscan');
    expect(f?.fix?.args).toEqual({ namespace: NS, name: 'netscan', replicas: 0 });
    expect(f?.cause).toContain('connection tracking table is full');
  });

  it('names the node without a fix when no neighbour sweeps', () => {
    const quiet = log(NS, 'netscan-6b7f9c4d2-q7slf', ['serving on :8080']);
    const [f] = conntrackNeighbourAnalyzer.finds(ctx(NS, [rows, client, nodeWith(FULL), quiet]));
    expect(f?.object).toBe('node edge-2');
    expect(f?.fix).toBeUndefined();
  });

  it('finds nothing when the node reports something else', () => {
    expect(
      conntrackNeighbourAnalyzer.finds(ctx(NS, [rows, client, nodeWith('kernel: eth0: link down'), scanner])),
    ).toEqual([]);
  });
});

describe('queue-no-worker: the Laravel queue with no queue:work running (set 68)', () => {
  const NS = 'billing';
  const APP = 'ledger-dxbkwknxzr-mbvhb';
  const listed = pods(NS, [[APP, '1/1', 'Running', '0', '3h']]);
  const describedWith = (env: string, command?: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: APP },
      [
        `Name:             ${APP}`,
        'Containers:',
        '  app:',
        ...(command ? [`    Command:        ${command}`] : []),
        '    State:          Running',
        '    Environment:',
        `      ${env}`,
      ].join('\n'),
    );
  const queued = log(NS, APP, [
    '[2026-03-11 16:40:12] production.INFO: Invoice 187 marked sent, email dispatched to queue default (connection: database)',
    '[2026-03-12 08:00:01] production.WARNING: Health check: 214 pending jobs in queue default, oldest 6 days',
  ]);

  it('names the connection and the worker command nothing runs', () => {
    const [f] = queueNoWorkerAnalyzer.finds(
      ctx(NS, [listed, queued, describedWith('QUEUE_CONNECTION:  database')]),
    );
    expect(f?.object).toBe('the queue worker');
    expect(f?.cause).toContain('QUEUE_CONNECTION=database');
    expect(f?.cause).toContain('php artisan queue:work');
    expect(f?.cause).toContain('214 pending jobs');
  });

  it.each([
    ['the sync connection, which runs jobs in the request', 'QUEUE_CONNECTION:  sync', undefined],
    ['a container that runs the worker', 'QUEUE_CONNECTION:  redis', 'php artisan queue:work --sleep=3'],
    ['Horizon', 'QUEUE_CONNECTION:  redis', 'php artisan horizon'],
  ])('finds nothing with %s', (_, env, command) => {
    expect(queueNoWorkerAnalyzer.finds(ctx(NS, [listed, queued, describedWith(env, command)]))).toEqual([]);
  });
});
