// Table tests of the general rules written after held-out set 92's first contact.
import { describe, expect, it } from 'vitest';
import { askedLines } from './asked-lines.js';
import { djangoAllowedHostsAnalyzer } from './django-allowed-hosts.js';
import { failingNodesAnalyzer } from './failing-nodes.js';
import { glossedLine, glossOf } from './log-glosses.js';
import { nodeSysctlAnalyzer } from './node-sysctl.js';
import { ctx, log, observed, table } from './observed.fixture.js';
import { queuesAtZeroAnalyzer } from './queues-at-zero.js';

const deployments = (ns: string, rows: string[][]) =>
  observed(
    'list_deployments',
    { namespace: ns },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
      ...rows.map((r) => [...r, '1', '1', '400d']),
    ]),
  );

const deployment = (ns: string, name: string, replicas: number, queues: string, extra = '') =>
  observed(
    'describe_deployment',
    { namespace: ns, name },
    [
      `Name:                   ${name}`,
      `Namespace:              ${ns}`,
      extra,
      `Replicas:               ${replicas} desired | ${replicas} updated | ${replicas} total | ${replicas} available | 0 unavailable`,
      'Pod Template:',
      `  Labels:  app=${name}`,
      '  Containers:',
      '    worker:',
      '      Image:          redash/redash:10.1.0',
      '      Args:           worker',
      '      Environment:',
      '        REDASH_REDIS_URL:  redis://redash-redis:6379/0',
      `        QUEUES:  ${queues}`,
      '        WORKERS_COUNT:  1',
    ]
      .filter(Boolean)
      .join('\n'),
  );

describe('queues-at-zero: a queue only a worker at zero takes', () => {
  const ns = 'bi';
  const list = deployments(ns, [
    ['web', '2/2'],
    ['adhoc-worker', '2/2'],
    ['generic-worker', '0/0'],
    ['scheduled-worker', '1/1'],
  ]);
  const generic = deployment(ns, 'generic-worker', 0, 'periodic,emails,default');
  const adhoc = deployment(ns, 'adhoc-worker', 2, 'queries');
  const scheduled = deployment(ns, 'scheduled-worker', 1, 'scheduled_queries,schemas');
  const web = deployment(ns, 'web', 2, '');

  it('reads the worker at zero, then (once it has queues) the workers that run', () => {
    expect(queuesAtZeroAnalyzer.reads(ctx(ns, [list]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: ns, name: 'generic-worker' } },
    ]);
    expect(queuesAtZeroAnalyzer.reads(ctx(ns, [list, generic])).map((r) => r.args['name'])).toEqual([
      'generic-worker',
      'adhoc-worker',
      'scheduled-worker',
      'web',
    ]);
  });

  it('names the queues nobody consumes and scales the worker to one replica', () => {
    const [f] = queuesAtZeroAnalyzer.finds(
      ctx(ns, [list, generic, adhoc, scheduled, web], 'refreshes stopped'),
    );
    expect(f?.cause).toMatch(
      /^nothing consumes the queues periodic, emails, default: deployment generic-worker/,
    );
    expect(f?.cause).toContain('adhoc-worker: queries; scheduled-worker: scheduled_queries,schemas');
    expect(f?.fix).toEqual({
      tool: 'scale_deployment',
      args: { namespace: ns, name: 'generic-worker', replicas: 1 },
      text: 'scale generic-worker to 1 replica so the periodic, emails, default queues are consumed again',
    });
  });

  it('names only the queues no running worker takes', () => {
    const both = deployment(ns, 'adhoc-worker', 2, 'queries,default');
    const [f] = queuesAtZeroAnalyzer.finds(ctx(ns, [list, generic, both, scheduled, web]));
    expect(f?.cause).toMatch(/^nothing consumes the queues periodic, emails:/);
  });

  it('silent when every queue is taken by a worker that runs', () => {
    const all = deployment(ns, 'adhoc-worker', 2, 'default,emails,periodic');
    expect(queuesAtZeroAnalyzer.finds(ctx(ns, [list, generic, all, scheduled, web]))).toEqual([]);
  });

  it('passes over a data store by its image, and holds back while a Deployment that runs is not described', () => {
    const withImages = observed(
      'list_deployments',
      { namespace: ns },
      table([
        ['NAME', 'READY', 'IMAGES'],
        ['generic-worker', '0/0', 'redash/redash:10.1.0'],
        ['adhoc-worker', '2/2', 'redash/redash:10.1.0'],
        ['redash-postgresql', '1/1', 'postgres:13.14'],
        ['redash-redis', '1/1', 'docker.io/library/redis:7.2.4-alpine'],
      ]),
    );
    expect(queuesAtZeroAnalyzer.reads(ctx(ns, [withImages, generic])).map((r) => r.args['name'])).toEqual([
      'generic-worker',
      'adhoc-worker',
    ]);
    expect(queuesAtZeroAnalyzer.finds(ctx(ns, [withImages, generic, adhoc]))).toHaveLength(1);
  });

  it('silent while a worker that runs is not described yet', () => {
    expect(queuesAtZeroAnalyzer.finds(ctx(ns, [list, generic, adhoc]))).toEqual([]);
  });

  it('silent when a note says it is stopped on purpose', () => {
    const paused = deployment(
      ns,
      'generic-worker',
      0,
      'periodic',
      'Annotations:            ops/note=paused on purpose',
    );
    expect(queuesAtZeroAnalyzer.finds(ctx(ns, [list, paused, adhoc, scheduled, web]))).toEqual([]);
  });

  it('silent when an autoscaler owns it (its ScaledObject or HPA seen)', () => {
    for (const seen of [
      'scaledobject/generic-worker   KEDAScaleTargetDeactivated',
      'NAME   REFERENCE   TARGETS\nkeda-hpa-generic-worker   Deployment/generic-worker   0/5',
    ]) {
      const events = observed('get_events', { namespace: ns }, seen);
      expect(queuesAtZeroAnalyzer.finds(ctx(ns, [list, generic, adhoc, scheduled, web, events]))).toEqual([]);
    }
  });

  it('reads Celery-style queue flags and passes over a size or a number', () => {
    const celery = observed(
      'describe_deployment',
      { namespace: ns, name: 'generic-worker' },
      [
        'Replicas:               0 desired | 0 updated | 0 total | 0 available | 0 unavailable',
        '      Args:           celery -A app worker -Q reports,exports --concurrency 4',
        '      Environment:',
        '        MAX_QUEUE:  100',
      ].join('\n'),
    );
    const [f] = queuesAtZeroAnalyzer.finds(ctx(ns, [list, celery, adhoc, scheduled, web]));
    expect(f?.cause).toMatch(/^nothing consumes the queues reports, exports:/);
  });
});

/** `list_pods` with its IP and NODE columns, as the tools print them. */
const podsOn = (ns: string, rows: string[][]) =>
  observed(
    'list_pods',
    { namespace: ns },
    table([['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'], ...rows]),
  );

describe('failing-nodes: pods of one workload that fail only on some nodes', () => {
  const ns = 'falco';
  const list = podsOn(ns, [
    ['falco-7xq2d', '1/1', 'Running', '0', '12d', '10.244.0.15', 'pool-a-1'],
    ['falco-b9wnk', '0/1', 'Init:CrashLoopBackOff', '234', '20h', '10.244.0.17', 'pool-b-1'],
    ['falco-m4hzt', '1/1', 'Running', '0', '12d', '10.244.0.16', 'pool-a-2'],
    ['falco-tc6lr', '0/1', 'Init:CrashLoopBackOff', '222', '19h', '10.244.0.18', 'pool-b-2'],
  ]);
  const nodes = observed(
    'list_nodes',
    {},
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['pool-a-1', 'Ready', '410d'],
      ['pool-a-2', 'Ready', '410d'],
      ['pool-b-1', 'Ready', '20h'],
      ['pool-b-2', 'Ready', '19h'],
    ]),
  );

  it('reads the node list, then says where the pods fail and that those nodes are the new ones', () => {
    expect(failingNodesAnalyzer.reads(ctx(ns, [list]))).toEqual([{ tool: 'list_nodes', args: {} }]);
    const [note] = failingNodesAnalyzer.notes!(ctx(ns, [list, nodes]));
    expect(note).toBe(
      'Where it fails: the pods of falco fail only on pool-b-1 (20h old), pool-b-2 (19h old) and run on pool-a-1 (410d old), pool-a-2 (410d old); they share one spec, so what differs is the nodes, and the nodes where they fail are the new ones (a new node pool or image: its kernel, OS image or installed software is what to compare).',
    );
  });

  it('does not call nodes new when they are about as old as the others', () => {
    const same = observed(
      'list_nodes',
      {},
      table([
        ['NAME', 'AGE'],
        ['pool-a-1', '410d'],
        ['pool-a-2', '400d'],
        ['pool-b-1', '300d'],
        ['pool-b-2', '300d'],
      ]),
    );
    const [note] = failingNodesAnalyzer.notes!(ctx(ns, [list, same]));
    expect(note).toContain('(their kernel, OS image, labels or installed software)');
  });

  it('silent when a node holds both a failing and a running pod of it', () => {
    const mixed = podsOn(ns, [
      ['falco-7xq2d', '1/1', 'Running', '0', '12d', '10.244.0.15', 'pool-a-1'],
      ['falco-b9wnk', '0/1', 'CrashLoopBackOff', '3', '20h', '10.244.0.17', 'pool-a-1'],
    ]);
    expect(failingNodesAnalyzer.notes!(ctx(ns, [mixed, nodes]))).toEqual([]);
    expect(failingNodesAnalyzer.reads(ctx(ns, [mixed]))).toEqual([]);
  });
});

describe('asked-lines: what the person quoted', () => {
  const ns = 'content';
  const build = log(ns, 'cms-api-build-3-4-0-fdh8r', [
    'INFO[0009] RUN npm ci',
    'npm WARN deprecated inflight@1.0.6: This module is not supported',
    'npm WARN deprecated rimraf@3.0.2: Rimraf versions prior to v4 are no longer supported',
    'npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported',
    'added 1412 packages in 48s',
    'INFO[0139] Pushing image to registry.internal/content/cms-api:3.4.0',
    'INFO[0148] Pushed registry.internal/content/cms-api@sha256:5b0c',
  ]);
  const task =
    'The build of cms-api 3.4.0 (Job cms-api-build in namespace content) printed pages of "npm WARN\n  deprecated" lines. Did we ship a broken release?';

  it('quotes the lines that hold the quoted phrase, as the log writes it, and counts them', () => {
    const [said] = askedLines(ctx(ns, [build], task));
    expect(said).toContain('"npm WARN deprecated glob@7.2.3');
    expect(said).toContain('one of 3 lines read with "npm WARN deprecated"');
    expect(said).not.toContain('Pushed registry');
  });

  it('keeps both lines of one log that hold the quoted phrase (the same warning about two files)', () => {
    const scan = log('analytics', 'webroot-scan-4tr5s', [
      'webroot-scan 2.3.1 starting',
      'WARNING domain-reputation: 214 known-malicious domains found in /scan/matomo/tmp/cache/tracker/general.php',
      'WARNING domain-reputation: 214 known-malicious domains found in /scan/matomo/vendor/referrer-spam-list/spammers.txt',
      'summary: 0 infected files',
    ]);
    const [said] = askedLines(
      ctx(
        'analytics',
        [scan],
        'The webroot scan flagged our tracker cache: “214 known-malicious domains found”. Hacked?',
      ),
    );
    expect(said).toContain('general.php');
    expect(said).toContain('spammers.txt');
  });

  it('without quotes, as before: the newest line that shares the most words', () => {
    const [said] = askedLines(
      ctx(ns, [build], 'The build of cms-api 3.4.0 printed warnings. Did we ship a broken release?'),
    );
    expect(said).not.toContain('one of');
  });
});

describe('django-allowed-hosts: the kubelet probing by the pod IP', () => {
  const ns = 'docs';
  const pod = 'paperless-j62hrtnldf-vpztr';
  const refused = log(ns, pod, [
    "[2026-11-03 08:47:47,330] [WARNING] [django.security.DisallowedHost] Invalid HTTP_HOST header: '10.244.0.12:8000'. You may need to add '10.244.0.12' to ALLOWED_HOSTS.",
  ]);
  const described = (probe: string, ip = '10.244.0.12') =>
    observed(
      'describe_pod',
      { namespace: ns, name: pod },
      [
        `Name:         ${pod}`,
        `IP:           ${ip}`,
        'Controlled By:  ReplicaSet/paperless-j62hrtnldf',
        'Containers:',
        '  paperless:',
        '    Image: ghcr.io/paperless-ngx/paperless-ngx:2.13.5',
        probe,
        '    Environment:',
        '      PAPERLESS_ALLOWED_HOSTS:  docs.example.net',
        'Events:',
        '  Warning   Unhealthy   8s (x3917 over 10h)   kubelet   Startup probe failed: HTTP probe failed with statuscode: 400',
      ].join('\n'),
    );

  it("says the refused host is the pod's own IP, asked by the probes, and makes no list fix", () => {
    const [f] = djangoAllowedHostsAnalyzer.finds(
      ctx(ns, [refused, described('    Startup:        http-get :http/ delay=0s')]),
    );
    expect(f?.cause).toContain(
      "10.244.0.12 is the pod's own IP: these are the kubelet's HTTP probes (Startup http-get :http/)",
    );
    expect(f?.cause).toContain('"Startup probe failed: HTTP probe failed with statuscode: 400"');
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).toMatch(/^give the probes of paperless an httpHeaders entry with Host/);
  });

  it.each([
    ['another IP than the pod', '    Startup:        http-get :http/ delay=0s', '10.244.0.99'],
    ['no HTTP probe', '    Liveness:       tcp-socket :8000 delay=0s', '10.244.0.12'],
  ])('keeps the list fix for %s', (_, probe, ip) => {
    const [f] = djangoAllowedHostsAnalyzer.finds(ctx(ns, [refused, described(probe, ip)]));
    expect(f?.fix?.args).toMatchObject({
      set: [{ name: 'PAPERLESS_ALLOWED_HOSTS', value: 'docs.example.net,10.244.0.12' }],
    });
  });
});

describe('node-sysctl and glosses: a warning the program went on past', () => {
  const lines = [
    '2026.03.10 06:12:58 WARN  es[][o.e.b.BootstrapChecks] max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]',
    '2026.03.10 06:12:58 WARN  es[][o.e.b.BootstrapChecks] bootstrap checks are disabled by SONAR_ES_BOOTSTRAP_CHECKS_DISABLE, continuing',
    '2026.03.10 06:13:05 INFO  app[][o.s.a.SchedulerImpl] Process[es] is up',
    '2026.03.10 06:13:17 INFO  web[][o.s.s.p.Platform] Database needs to be migrated. Please refer to https://docs.sonarqube.org/latest/setup/upgrading',
  ];

  it('node-sysctl is silent when Elasticsearch went on, and speaks when it did not', () => {
    expect(nodeSysctlAnalyzer.finds(ctx('q', [log('q', 'sonarqube-glh48pf2n4-wtxxl', lines)]))).toEqual([]);
    const [f] = nodeSysctlAnalyzer.finds(
      ctx('q', [log('q', 'es-0', [lines[0]!, 'ERROR: bootstrap checks failed'])]),
    );
    expect(f?.cause).toContain('vm.max_map_count is 65530');
  });

  it("the first glossed line passes over one followed by ', continuing'", () => {
    expect(glossedLine(lines.join('\n'))?.line).toBe(lines[3]);
    expect(glossedLine(lines[0]!)?.line).toBe(lines[0]);
  });

  it.each([
    [lines[3]!, /DB_MIGRATION_NEEDED.*\/setup.*floating one/],
    [
      '* Unable to find a prebuilt falco module',
      /no prebuilt driver for this node's kernel release.*modern_ebpf/,
    ],
    [
      'error running restic backup command with error: exit status 3 stderr: Warning: at least one source file could not be read',
      /exit status 3.*writing the volume during the backup/,
    ],
  ])('glosses %s', (line, means) => {
    expect(glossOf(line)?.means).toMatch(means);
  });
});
