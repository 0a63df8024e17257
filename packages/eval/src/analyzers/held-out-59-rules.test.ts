// Table tests of the general rules written after held-out set 59's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { warningsWithoutConsequence } from './app-errors.js';
import { credentialRefChangedAnalyzer } from './credential-ref-changed.js';
import { evictRefillLoopAnalyzer } from './evict-refill-loop.js';
import { namedPeerAnalyzer } from './named-peer.js';
import { namedSettingAnalyzer } from './named-setting.js';
import { ctx, describedPodText, log, observed, pods } from './observed.fixture.js';
import { otelMemoryLimiterAnalyzer } from './otel-memory-limiter.js';
import { templateChanges } from './rollout-diff.js';
import { sessionLifetimeAnalyzer } from './session-lifetime.js';
import { stalledPeriodicJobAnalyzer } from './stalled-periodic-job.js';
import { unofferedLabelAnalyzer } from './unoffered-label.js';

describe('named-setting: a crashed program that asks for its setting to be raised', () => {
  const NS = 'monitoring';
  const POD = 'zbx-7d9c8b6f5-a1b2c';
  const crash = [
    '233:20260310:082519.640 [file:dbconfig.c,line:1877] zbx_mem_realloc(): out of memory (requested 1302416 bytes)',
    '233:20260310:082519.640 [file:dbconfig.c,line:1877] zbx_mem_realloc(): please increase CacheSize configuration parameter',
    '209:20260310:082521.785 Zabbix Server stopped.',
  ];
  const described = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      `${describedPodText({ ns: NS, name: POD, container: 'server', env })}\nControlled By:  ReplicaSet/zbx-7d9c8b6f5`,
    );

  it("doubles the variable that holds it, in its own unit, as a set_env of the pod's deployment", () => {
    const [f] = namedSettingAnalyzer.finds(
      ctx(NS, [
        described({ ZBX_HISTORYCACHESIZE: '256M', ZBX_CACHESIZE: '32M' }),
        log(NS, POD, crash, { previous: true }),
      ]),
    );
    expect(f?.weight).toBeGreaterThanOrEqual(90);
    expect(f?.cause).toMatch(/asks for it to be raised/);
    expect(f?.cause).toMatch(/ZBX_CACHESIZE of container server sets CacheSize to 32M/);
    expect(f?.fix?.args['set']).toEqual([{ name: 'ZBX_CACHESIZE', value: '64M' }]);
  });

  it('does not take a variable whose last words only end like the setting (HISTORYCACHESIZE)', () => {
    const found = namedSettingAnalyzer.finds(
      ctx(NS, [described({ ZBX_HISTORYCACHESIZE: '256M' }), log(NS, POD, crash, { previous: true })]),
    );
    expect(found).toEqual([]);
  });

  it('gives no fix for a setting merely reached in a running log', () => {
    const running = [
      '2026-03-10T08:00:00Z ERROR reached CacheSize setting limit, please increase CacheSize setting',
    ];
    const [f] = namedSettingAnalyzer.finds(
      ctx(NS, [described({ ZBX_CACHESIZE: '32M' }), log(NS, POD, running)]),
    );
    expect(f?.fix).toBeUndefined();
    expect(f?.weight).toBeLessThan(90);
  });
});

describe('otel-memory-limiter: a spike limit that leaves a small soft limit', () => {
  const NS = 'telemetry';
  const POD = 'gw-6d9c8b7f5-a1b2c';
  const configured = (spike: number) =>
    `2026-03-09T15:02:40.129Z\tinfo\tmemorylimiter/memorylimiter.go:151\tMemory limiter configured\t{"kind": "processor", "limit_mib": 900, "spike_limit_mib": ${spike}, "check_interval": 1}`;
  const refusing =
    '2026-03-10T09:58:19.004Z\twarn\tmemorylimiter/memorylimiter.go:229\tMemory usage is above soft limit. Refusing data.\t{"kind": "processor", "cur_mem_mib": 271}';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    `${describedPodText({
      ns: NS,
      name: POD,
      container: 'otelcol',
      env: { MEMLIMIT_MIB: '900', MEMLIMIT_SPIKE_MIB: '650' },
    })}\nControlled By:  ReplicaSet/gw-6d9c8b7f5`,
  );

  it('computes the soft limit and sets the spike back to a fifth of the hard limit', () => {
    const [f] = otelMemoryLimiterAnalyzer.finds(
      ctx(NS, [described, log(NS, POD, [configured(650), refusing, refusing])]),
    );
    expect(f?.cause).toMatch(/soft limit of 900 - 650 = 250 MiB/);
    expect(f?.fix?.args['set']).toEqual([{ name: 'MEMLIMIT_SPIKE_MIB', value: '180' }]);
  });

  it('searches for the configuration line when the log is cut before it, and reads it from the search', () => {
    const cut = log(NS, POD, [refusing, refusing]);
    expect(otelMemoryLimiterAnalyzer.reads(ctx(NS, [cut]))[0]?.args['pattern']).toBe(
      'Memory limiter configured',
    );
    const searched = observed(
      'search_pod_logs',
      { namespace: NS, name: POD, pattern: 'Memory limiter configured' },
      `1 line(s) match\n2:${configured(650)}`,
    );
    const [f] = otelMemoryLimiterAnalyzer.finds(ctx(NS, [described, cut, searched]));
    expect(f?.evidence[0]).toMatch(/^search_pod_logs/);
  });

  it('stays quiet for the default spike (a fifth) and without refusals', () => {
    expect(
      otelMemoryLimiterAnalyzer.finds(ctx(NS, [log(NS, POD, [configured(180), refusing, refusing])])),
    ).toEqual([]);
    expect(otelMemoryLimiterAnalyzer.finds(ctx(NS, [log(NS, POD, [configured(650)])]))).toEqual([]);
  });
});

describe('rollout diffs: a variable read from a Secret or ConfigMap', () => {
  const rs = (secret: string) =>
    [
      'Pod Template:',
      '  template.spec.containers[0].name: app',
      '  template.spec.containers[0].image: app:1',
      '  template.spec.containers[0].env[0].name: API_TOKEN',
      `  template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: ${secret}`,
      '  template.spec.containers[0].env[0].valueFrom.secretKeyRef.key: token',
    ].join('\n');

  it('shows the reference, marked as one, so a diff sees it change', () => {
    const [c] = templateChanges(rs('api-token'), rs('api-token-staging'));
    expect(c).toMatchObject({
      env: 'API_TOKEN',
      before: 'valueFrom secret api-token, entry token',
      after: 'valueFrom secret api-token-staging, entry token',
    });
  });
});

describe('credential-ref-changed: a credential pointed at another Secret, then refused', () => {
  const NS = 'cms';
  const rs = (name: string, rev: number, secret: string) =>
    observed(
      'describe_resource',
      { kind: 'ReplicaSet', namespace: NS, name },
      [
        `Name:         ${name}`,
        `Annotations:  deployment.kubernetes.io/revision=${rev}`,
        'Pod Template:',
        '  template.spec.containers[0].name: web',
        '  template.spec.containers[0].image: web:1',
        '  template.spec.containers[0].env[0].name: STORE_TOKEN',
        `  template.spec.containers[0].env[0].valueFrom.secretKeyRef.name: ${secret}`,
        '  template.spec.containers[0].env[0].valueFrom.secretKeyRef.key: token',
      ].join('\n'),
    );
  const seen = (line: string) => [
    observed(
      'list_deployments',
      { namespace: NS },
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/2     2            2            240d',
    ),
    pods(NS, [['web-9hnz5bmqk6-g9fwt', '1/1', 'Running', '0', '20h']]),
    observed(
      'describe_deployment',
      { namespace: NS, name: 'web' },
      'Name:               web\nAnnotations:        deployment.kubernetes.io/revision=2\n',
    ),
    observed(
      'list_resources',
      { kind: 'ReplicaSet', namespace: NS },
      'NAME               STATUS      AGE\nweb-68j657ldmv     0/0 ready   19d\nweb-9hnz5bmqk6     2/2 ready   20h',
    ),
    rs('web-68j657ldmv', 1, 'store-token'),
    rs('web-9hnz5bmqk6', 2, 'store-token-staging'),
    log(NS, 'web-9hnz5bmqk6-g9fwt', ['[2026-03-10 09:00:00] info: started', line]),
  ];

  it('names the variable, both Secrets and the refusal', () => {
    const [f] = credentialRefChangedAnalyzer.finds(
      ctx(NS, seen('[2026-03-10 09:14:22.101] error: AxiosError: Request failed with status code 401')),
    );
    expect(f?.cause).toMatch(/points STORE_TOKEN of container web at secret store-token-staging/);
    expect(f?.cause).toMatch(/read secret store-token before\), a staging credential/);
  });

  it('stays quiet when the failures are not a refused credential', () => {
    expect(
      credentialRefChangedAnalyzer.finds(
        ctx(NS, seen('[2026-03-10 09:14:22.101] error: connect ECONNREFUSED 10.0.0.4:8080')),
      ),
    ).toEqual([]);
  });
});

describe('warningsWithoutConsequence: a notice on the way to the work', () => {
  const warn = 'WARNING:root:Unknown stanza interface: ask';
  it('holds when every recurring warning is followed by the operation going through', () => {
    const text = [
      warn,
      'INFO:bot:subscription to a@x: subscribed',
      warn,
      'INFO:bot:subscription to b@x: subscribed',
    ].join('\n');
    expect(warningsWithoutConsequence(text, [warn, warn])).toBe(true);
  });
  it('fails when one is not, or when the warning says work was lost', () => {
    expect(
      warningsWithoutConsequence([warn, 'INFO ok', warn, 'INFO:bot:waiting'].join('\n'), [warn, warn]),
    ).toBe(false);
    const lost = 'WARN caller cancelled the request after 5.00s; discarding';
    expect(warningsWithoutConsequence([lost, 'INFO done', lost, 'INFO done'].join('\n'), [lost, lost])).toBe(
      false,
    );
    expect(warningsWithoutConsequence('WARN once\nINFO done', ['WARN once'])).toBe(false);
  });
});

describe('named-peer: failures that name another pod of the namespace', () => {
  const NS = 'search';
  const router = 'WARN router: failed to persist records on ingester `indexer-1`: too many requests';
  const full = 'WARN ingester: write-ahead log memory buffer is full: capacity: 6.4 GB, usage: 6.4 GB';
  const list = pods(NS, [
    ['indexer-0', '1/1', 'Running', '0', '12d'],
    ['indexer-1', '1/1', 'Running', '0', '12d'],
  ]);

  it('reads the named pod, then quotes its own account', () => {
    const first = [list, log(NS, 'indexer-0', [router, router])];
    expect(namedPeerAnalyzer.reads(ctx(NS, first))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'indexer-1' } },
    ]);
    const [f] = namedPeerAnalyzer.finds(ctx(NS, [...first, log(NS, 'indexer-1', [full, full])]));
    expect(f?.object).toBe('pod indexer-1');
    expect(f?.cause).toMatch(/buffer is full/);
    expect(f?.cause).toMatch(/back-pressure/);
  });

  it('ignores names of pods in other namespaces', () => {
    const other = pods('elsewhere', [['indexer-1', '1/1', 'Running', '0', '12d']]);
    const only = pods(NS, [['indexer-0', '1/1', 'Running', '0', '12d']]);
    expect(namedPeerAnalyzer.reads(ctx(NS, [only, other, log(NS, 'indexer-0', [router])]))).toEqual([]);
  });
});

describe('evict-refill-loop: items removed and fetched back at a threshold', () => {
  const NS = 'code';
  const POD = 'gitserver-6d9c8b7f5-a1b2c';
  const removed = (repo: string, pct: string) =>
    `t=2026-03-10T10:42:00+0000 lvl=warn msg="disk janitor: removed least recently used repo" repo=/data/repos/${repo}/.git free_pct=${pct} want_free_pct=10.00`;
  const cloned = (repo: string) => `t=2026-03-10T10:42:05+0000 lvl=info msg="repo cloned" repo=${repo}`;

  it('finds the loop and the threshold the measure sits on', () => {
    const lines = [
      cloned('git.x/a/mono'),
      removed('git.x/a/mono', '9.60'),
      cloned('git.x/a/mono'),
      removed('git.x/a/mono', '10.25'),
    ];
    const [f] = evictRefillLoopAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]));
    expect(f?.cause).toMatch(/want_free_pct=10.00/);
    expect(f?.cause).toMatch(/over and over/);
  });

  it('stays quiet for an eviction never undone, and for a measure always below the threshold', () => {
    expect(
      evictRefillLoopAnalyzer.finds(
        ctx(NS, [log(NS, POD, [cloned('git.x/a/b'), removed('git.x/a/b', '9.6')])]),
      ),
    ).toEqual([]);
    const below = [
      cloned('git.x/a/b'),
      removed('git.x/a/b', '9.6'),
      cloned('git.x/a/b'),
      removed('git.x/a/b', '9.7'),
    ];
    expect(evictRefillLoopAnalyzer.finds(ctx(NS, [log(NS, POD, below)]))).toEqual([]);
  });
});

describe('stalled-periodic-job: a periodic job given up on and never run again', () => {
  const NS = 'helpdesk';
  const POD = 'worker-6d9c8b7f5-a1b2c';
  const run = (hh: string, job = 'FetchMailJob') =>
    `2026-03-08T${hh}.412Z pid=1 class=${job} jid=a1 INFO: done elapsed=0.4`;
  const stalled = [
    run('02:10:00'),
    run('02:11:00'),
    run('02:12:00'),
    '2026-03-08T02:13:30.071Z pid=1 class=FetchMailJob jid=e5 elapsed=30.0 INFO: fail',
    '2026-03-08T02:13:30.072Z pid=1 WARN: Net::ReadTimeout with #<TCPSocket:(closed)>',
    '2026-03-08T02:13:30.073Z pid=1 WARN: job e5 has no retries left, moved to the Dead set',
    run('09:00:00', 'OtherJob'),
    run('10:00:00', 'OtherJob'),
  ];

  it('names the job, its failure and that it has not run since', () => {
    const [f] = stalledPeriodicJobAnalyzer.finds(ctx(NS, [log(NS, POD, stalled)]));
    expect(f?.cause).toMatch(/periodic job FetchMailJob ran every 1 minute/);
    expect(f?.cause).toMatch(/Dead set/);
    expect(f?.cause).toMatch(/has not run since/);
  });

  it('stays quiet while the job still runs, and when the whole worker went quiet', () => {
    expect(stalledPeriodicJobAnalyzer.finds(ctx(NS, [log(NS, POD, [...stalled, run('10:01:00')])]))).toEqual(
      [],
    );
    expect(stalledPeriodicJobAnalyzer.finds(ctx(NS, [log(NS, POD, stalled.slice(0, 6))]))).toEqual([]);
  });
});

describe('session-lifetime: a session or token refused after its lifetime', () => {
  const NS = 'wiki';
  const POD = 'wiki-6d9c8b7f5-a1b2c';
  const get =
    '10.244.0.15 - - [10/Mar/2026:08:31:10 +0000] "GET /login HTTP/1.1" 200 5123 "-" "Mozilla/5.0" x-forwarded-for=192.168.70.77';
  const post = (t: string) =>
    `10.244.0.15 - - [10/Mar/2026:${t} +0000] "POST /login HTTP/1.1" 419 6631 "-" "Mozilla/5.0" x-forwarded-for=192.168.70.77`;
  const described = (minutes: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, env: { SESSION_LIFETIME: minutes } }),
    );

  it("ties the refusal to the client's first line and the lifetime, read in minutes", () => {
    const [f] = sessionLifetimeAnalyzer.finds(
      ctx(NS, [described('120'), log(NS, POD, [get, post('13:26:44')])]),
    );
    expect(f?.cause).toMatch(/4 hours 56 minutes before/);
    expect(f?.cause).toMatch(/SESSION_LIFETIME = 120 \(minutes/);
  });

  it('stays quiet when the time between is inside the lifetime, or far past any reading of it', () => {
    expect(
      sessionLifetimeAnalyzer.finds(ctx(NS, [described('480'), log(NS, POD, [get, post('13:26:44')])])),
    ).toEqual([]);
    expect(
      sessionLifetimeAnalyzer.finds(ctx(NS, [described('30'), log(NS, POD, [get, post('13:26:44')])])),
    ).toEqual([]);
  });

  it('reads the ConfigMaps of a pod that logs an expired token, and a lifetime in seconds there', () => {
    const FILES = 'files';
    const pod = 'files-6d9c8b7f5-a1b2c';
    const d = observed(
      'describe_pod',
      { namespace: FILES, name: pod },
      describedPodText({ ns: FILES, name: pod, configMaps: ['files-conf'] }),
    );
    const lines = [
      '[2026-03-10 14:03:05] [INFO] upload started: /cad/a.7z (17.8 GB) token=<redacted> user=m@x',
      '[2026-03-10 15:03:09] [WARNING] access token 9c4e*** not found, rejecting chunk with 403',
    ];
    expect(sessionLifetimeAnalyzer.reads(ctx(FILES, [d, log(FILES, pod, lines)]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'files-conf', namespace: FILES } },
    ]);
    const cm = observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'files-conf', namespace: FILES },
      'data:\n  files.conf: |\n    [fileserver]\n    web_token_expire_time = 3600\n',
    );
    const [f] = sessionLifetimeAnalyzer.finds(ctx(FILES, [d, log(FILES, pod, lines), cm]));
    expect(f?.cause).toMatch(/web_token_expire_time = 3600 \(seconds, ConfigMap files-conf\)/);
  });
});

describe('unoffered-label: a job waiting for a label no runner offers', () => {
  const NS = 'ci';
  const RUNNER = 'runner-6d9c8b7f5-a1b2c';
  const declared =
    'level=info msg="runner: build-runner, with labels: [docker ubuntu-22.04 ubuntu-latest], declared successfully"';
  const waiting = (label: string) =>
    `2026/03/10 12:34:02 ...actions/job_emitter.go:[I] run #411 job package (runs-on [${label}]) is waiting for a runner`;
  const task = 'The package job has been sitting at "Waiting for a runner" for two hours.';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: RUNNER },
    describedPodText({ ns: NS, name: RUNNER, env: { INSTANCE_URL: 'http://forge-http.forge:3000' } }),
  );

  it('lists the server namespace its runners point at, then reads the server pod there', () => {
    const base = [described, log(NS, RUNNER, [declared])];
    expect(unofferedLabelAnalyzer.reads(ctx(NS, base, task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'forge' } },
    ]);
    const listed = pods('forge', [['forge-7d9c8b6f5-x1y2z', '1/1', 'Running', '0', '30d']]);
    expect(unofferedLabelAnalyzer.reads(ctx(NS, [...base, listed], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'forge', name: 'forge-7d9c8b6f5-x1y2z' } },
    ]);
    // Not asked about waiting jobs: nothing read.
    expect(unofferedLabelAnalyzer.reads(ctx(NS, base, 'The runner pods use too much memory.'))).toEqual([]);
  });

  it('names the label no runner offers and the one it misspells', () => {
    const seen = [
      log(NS, RUNNER, [declared]),
      log('forge', 'forge-7d9c8b6f5-x1y2z', [waiting('ubunut-22.04')]),
    ];
    const [f] = unofferedLabelAnalyzer.finds(ctx(NS, seen, task));
    expect(f?.object).toBe('pod forge-7d9c8b6f5-x1y2z in forge');
    expect(f?.cause).toMatch(/no runner offers that label/);
    expect(f?.cause).toMatch(/ubunut-22.04 is a misspelling \(typo\) of ubuntu-22.04/);
  });

  it('names no misspelling for a label far from every offered one, and nothing when a runner offers it', () => {
    const far = [log(NS, RUNNER, [declared]), log('forge', 'forge-x', [waiting('gpu-a100')])];
    expect(unofferedLabelAnalyzer.finds(ctx(NS, far, task))[0]?.cause).not.toMatch(/misspelling/);
    const offered = [log(NS, RUNNER, [declared]), log('forge', 'forge-x', [waiting('ubuntu-22.04')])];
    expect(unofferedLabelAnalyzer.finds(ctx(NS, offered, task))).toEqual([]);
  });
});

describe('namesContainer: the container a task names', () => {
  it('reads "the cron container", "container cron" and "the cron sidecar", not a passing word', async () => {
    const { namesContainer } = await import('../baseline-model.js');
    expect(namesContainer('the cron container of our Moodle deployment writes …', 'cron')).toBe(true);
    expect(namesContainer('logs of container cron, please', 'cron')).toBe(true);
    expect(namesContainer('the envoy sidecar keeps restarting', 'envoy')).toBe(true);
    expect(namesContainer('cron jobs fail silently', 'cron')).toBe(false);
    // Too short a name to read safely.
    expect(namesContainer('the db container', 'db')).toBe(false);
  });
});
