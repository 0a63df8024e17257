import { describe, expect, it } from 'vitest';
import { errorLines } from './app-errors.js';
import { foreignHostPromptAnalyzer } from './foreign-host-prompt.js';
import { imageWithoutRepositoryAnalyzer } from './image-without-repository.js';
import { interfaceFallbackAnalyzer } from './interface-fallback.js';
import { loggedPodIdAnalyzer } from './logged-pod-id.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { ROUTES_PATTERN, routePrefixMissingAnalyzer } from './route-prefix-missing.js';
import { runtimeSupportPhaseAnalyzer } from './runtime-support-phase.js';
import { staleFuseMountAnalyzer } from './stale-fuse-mount.js';

// Rules written for set 96's misses before set 97 was read, each general, each with its table here; the
// worlds' answers are in held-out-answers.test.ts.

// --- foreign-host-prompt ------------------------------------------------------------------------------

const NS = 'reading';
const TASK =
  'A colleague saved an article and got a browser popup asking for a username and password "for staging-docs.cms-preview.example". Is anything wrong? If nothing is wrong, say so.';
const ready = pods(NS, [['reader-7d9f8c6b5-abcde', '1/1', 'Running', '0', '33d']]);
const ogLine =
  '[2026-10-12T08:51:03.021+00:00] graby.INFO: Opengraph "og:image" found {"og:image":"https://staging-docs.cms-preview.example/uploads/share.png"} []';
const fetchLine =
  '[2026-10-12T08:51:02.640+00:00] graby.INFO: Fetching url: {url} {"url":"https://docs.fleetctl.example/ops/ha/"} []';
const readerLog = (lines: string[]) => log(NS, 'reader-7d9f8c6b5-abcde', lines);
const notes = (seen: Parameters<typeof ctx>[1], task = TASK) =>
  foreignHostPromptAnalyzer.notes!(ctx(NS, seen, task));

describe('foreign-host-prompt', () => {
  it('explains a login prompt for the host of an image the page embeds, in a healthy namespace', () => {
    const out = notes([ready, readerLog([fetchLine, ogLine, 'GET /view/12 200'])]);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('staging-docs.cms-preview.example');
    expect(out[0]).toContain('preview image');
    expect(out[0]).toContain('third-party host');
    expect(out[0]).toContain('harmless');
  });

  it.each([
    [
      'a picture',
      '<img src="https://cdn.partner.example/a.png"> rendered',
      'cdn.partner.example',
      'an image',
    ],
    ['a script', 'loaded script https://cdn.partner.example/widget.js', 'cdn.partner.example', 'a script'],
  ])('names what the page pulls from that host: %s', (_, line, host, what) => {
    const task = `Users get a login popup asking for their username and password for ${host}. Is anything wrong?`;
    const out = notes([ready, readerLog([line])], task);
    expect(out[0]).toContain(what);
  });

  it.each([
    ['no prompt in the task', 'The page for staging-docs.cms-preview.example looks odd. Is anything wrong?'],
    ['no host in the task', 'A popup asking for a username and password appeared. Is anything wrong?'],
  ])('says nothing with %s', (_, task) => {
    expect(notes([ready, readerLog([ogLine])], task)).toEqual([]);
  });

  it('says nothing when the host is only fetched as the page itself, not embedded', () => {
    const task =
      'A popup asking for a username and password for docs.fleetctl.example appeared. Is anything wrong?';
    expect(notes([ready, readerLog([fetchLine])], task)).toEqual([]);
  });

  it('says nothing when the namespace serves that host itself (its Ingress names it)', () => {
    const ingress = observed(
      'describe_resource',
      { kind: 'Ingress', name: 'reader', namespace: NS },
      'Name: reader\nSpec:\n  rules[0].host: staging-docs.cms-preview.example\n',
    );
    expect(notes([ready, ingress, readerLog([ogLine])])).toEqual([]);
  });

  it('says nothing when a pod is not ready or a log shows a failure', () => {
    const notReady = pods(NS, [['reader-7d9f8c6b5-abcde', '0/1', 'CrashLoopBackOff', '4', '3m']]);
    expect(notes([notReady, readerLog([ogLine])])).toEqual([]);
    expect(notes([ready, readerLog([ogLine, 'ERROR: upstream auth failed'])])).toEqual([]);
  });

  it('does bounded work on a hostile task and log', () => {
    const longHost = `${'a-'.repeat(30)}b.`.repeat(200);
    const task = `asking for a username and password for ${longHost}x`;
    const big = readerLog(Array.from({ length: 5000 }, (_, i) => `line ${i} ${'og:image '.repeat(20)}`));
    expectBounded(
      () => notes([ready, big], task),
      () => notes([ready, big]),
    );
  });
});

// --- logged-pod-id ------------------------------------------------------------------------------------

const GNS = 'gitpod';
const managerLog = log(GNS, 'ws-manager-7c9d8-abcde', [
  '{"level":"info","message":"ws-manager ready"}',
  '{"level":"error","workspaceID":"data-etl-w2h7c4x8pfe","failure":"container workspace completed; containers of a workspace pod are not supposed to do that","message":"workspace failed"}',
]);
const gitpodPods = pods(GNS, [
  ['ws-manager-7c9d8-abcde', '1/1', 'Running', '0', '3d'],
  ['image-builder-5f6d7-fghij', '1/1', 'Running', '0', '3d'],
  ['ws-data-etl-w2h7c4x8pfe', '0/1', 'Completed', '0', '3m'],
  ['ws-web-k2c8xq1b7dm', '1/1', 'Running', '0', '5h'],
]);
const workspaceLog = (line: string) =>
  log(GNS, 'ws-data-etl-w2h7c4x8pfe', ['{"level":"info","message":"ring0 started"}', line]);
const execMissing = '{"level":"error","error":"exec /.supervisor/supervisor: no such file or directory"}';
const builderLog = (from: string) =>
  log(GNS, 'image-builder-5f6d7-fghij', [
    '{"level":"info","message":"dockerfile changed, building workspace image"}',
    `{"level":"info","step":"1/5","line":"FROM ${from}","message":"build"}`,
    '{"level":"info","ref":"workspace-images/data-etl:5e1d77c0","message":"image built and pushed"}',
  ]);
const gctx = (seen: Parameters<typeof ctx>[1]) => ctx(GNS, seen, 'Nobody can open a workspace.');

describe('logged-pod-id', () => {
  it("reads the log of a finished pod that another pod's failure line names by its id", () => {
    expect(loggedPodIdAnalyzer.reads(gctx([gitpodPods, managerLog]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' } },
    ]);
  });

  it('reports its failure line, and asks which image it runs when an exec found no file', () => {
    const seen = [gitpodPods, managerLog, workspaceLog(execMissing)];
    expect(loggedPodIdAnalyzer.reads(gctx(seen))).toEqual([
      { tool: 'describe_pod', args: { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' } },
    ]);
    const [f] = loggedPodIdAnalyzer.finds(gctx(seen));
    expect(f?.object).toBe('pod ws-data-etl-w2h7c4x8pfe');
    expect(f?.cause).toContain('its own log says why');
    expect(f?.cause).not.toContain('glibc');
  });

  it.each([
    ['a build log on Alpine', [builderLog('alpine:3.19')], 'FROM alpine:3.19'],
    [
      'an Alpine image in its description',
      [
        observed(
          'describe_pod',
          { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' },
          '    Image:  python:3.12-alpine\n',
        ),
      ],
      'python:3.12-alpine',
    ],
  ])('explains the exec with musl and glibc on %s', (_, extra, shown) => {
    const [f] = loggedPodIdAnalyzer.finds(
      gctx([gitpodPods, managerLog, workspaceLog(execMissing), ...extra]),
    );
    expect(f?.cause).toContain(shown);
    expect(f?.cause).toContain('musl');
    expect(f?.advice).toContain('glibc-based base image');
  });

  it('does not blame Alpine when the build is on another base, or the pod runs another image', () => {
    const debian = loggedPodIdAnalyzer.finds(
      gctx([gitpodPods, managerLog, workspaceLog(execMissing), builderLog('debian:12')]),
    );
    expect(debian[0]?.cause).not.toContain('musl');
    const other = loggedPodIdAnalyzer.finds(
      gctx([
        gitpodPods,
        managerLog,
        workspaceLog(execMissing),
        builderLog('alpine:3.19'),
        observed(
          'describe_pod',
          { namespace: GNS, name: 'ws-data-etl-w2h7c4x8pfe' },
          '    Image:  ubuntu:24.04\n',
        ),
      ]),
    );
    expect(other[0]?.cause).not.toContain('musl');
  });

  it.each([
    [
      'the id is in an info line, not a failure',
      '{"level":"info","workspaceID":"data-etl-w2h7c4x8pfe","message":"started"}',
    ],
    ['a short id only', '{"level":"error","workspaceID":"etl-w2","message":"workspace failed"}'],
  ])('reads nothing when %s', (_, line) => {
    const manager = log(GNS, 'ws-manager-7c9d8-abcde', [line]);
    expect(loggedPodIdAnalyzer.reads(gctx([gitpodPods, manager]))).toEqual([]);
  });

  it('never names a running pod, nor the pod whose log it read', () => {
    const manager = log(GNS, 'ws-manager-7c9d8-abcde', [
      '{"level":"error","pod":"ws-web-k2c8xq1b7dm","message":"probe failed"}',
      '{"level":"error","pod":"ws-manager-7c9d8-abcde","message":"self check failed"}',
    ]);
    expect(loggedPodIdAnalyzer.reads(gctx([gitpodPods, manager]))).toEqual([]);
  });

  it('does bounded work on a long hostile line', () => {
    const hostile = log(GNS, 'ws-manager-7c9d8-abcde', [`ERROR ${'a1-'.repeat(1300)}`]);
    const plain = log(GNS, 'ws-manager-7c9d8-abcde', [`ERROR ${'a b '.repeat(1000)}`]);
    expectBounded(
      () => loggedPodIdAnalyzer.reads(gctx([gitpodPods, hostile])),
      () => loggedPodIdAnalyzer.reads(gctx([gitpodPods, plain])),
    );
  });
});

describe('logged-pod-id: a program acting on a pod it names', () => {
  it('reads nothing for a line naming a finished pod in full, or one that reports no stop', () => {
    const runs = pods('ci', [
      ['log-archiver-6d5c4-abcde', '1/1', 'Running', '0', '3d'],
      ['build-7741-linux-amd64', '0/1', 'Completed', '0', '1h'],
      ['job-runner-7742-linux-arm64', '0/1', 'Completed', '0', '1h'],
    ]);
    const archiver = log('ci', 'log-archiver-6d5c4-abcde', [
      'level=ERROR msg="stream logs" pod=build-7741-linux-amd64 err="pods \\"build-7741-linux-amd64\\" is forbidden"',
      'level=ERROR msg="stream logs" id=7742-linux-arm64 err="forbidden"',
    ]);
    expect(loggedPodIdAnalyzer.reads(ctx('ci', [runs, archiver]))).toEqual([]);
  });
});

// --- set 97: a retry that went through on the same line ----------------------------------------------

describe('a failure line that says its own retry went through', () => {
  it.each([
    ['WARN dns.example A: i/o timeout (retry 1 ok in 3ms)', []],
    ['ERROR upstream connection refused; retry 2/5 succeeded', []],
    ['ERROR upstream connection refused, ok on retry', []],
    [
      'ERROR upstream connection refused (retry 1 failed)',
      ['ERROR upstream connection refused (retry 1 failed)'],
    ],
    ['ERROR i/o timeout, will retry', ['ERROR i/o timeout, will retry']],
  ])('%s', (line, bad) => {
    expect(errorLines(line)).toEqual(bad);
  });
});

// --- interface-fallback -------------------------------------------------------------------------------

const DNS = 'home-dns';
const dnsPods = pods(DNS, [['pihole-6b9f8c7d5-x2abc', '1/1', 'Running', '0', '30m']]);
const ftlLog = (line: string) =>
  log(DNS, 'pihole-6b9f8c7d5-x2abc', [
    'INFO: Listening on port 53 (listening mode: ALL)',
    line,
    'INFO: Blocking status is enabled',
  ]);
const piholeEnv = (value: string, kind: 'describe_pod' | 'describe_deployment' = 'describe_pod') =>
  observed(
    kind,
    { namespace: DNS, name: kind === 'describe_pod' ? 'pihole-6b9f8c7d5-x2abc' : 'pihole' },
    [
      'Containers:',
      '  pihole:',
      '    Environment:',
      '      TZ:  UTC',
      `      FTLCONF_dns_interface:  ${value}`,
      '    Mounts:',
    ].join('\n'),
  );
const fallbackTask = 'Pi-hole shows "WARNING in dnsmasq core: using interface lo instead". Is DNS broken?';

describe('interface-fallback', () => {
  it('reads the pod description once the fallback is logged, then names the setting', () => {
    const seen = [dnsPods, ftlLog('WARNING in dnsmasq core: using interface lo instead')];
    expect(interfaceFallbackAnalyzer.reads(ctx(DNS, seen, fallbackTask))).toEqual([
      { tool: 'describe_pod', args: { namespace: DNS, name: 'pihole-6b9f8c7d5-x2abc' } },
    ]);
    const [note] = interfaceFallbackAnalyzer.notes!(ctx(DNS, [...seen, piholeEnv('ens18')], fallbackTask));
    expect(note).toContain('FTLCONF_dns_interface=ens18');
    expect(note).toContain('falls back');
    expect(note).toContain('harmless');
  });

  it("takes the setting from the Deployment's description when the pod's was not read", () => {
    const seen = [
      dnsPods,
      ftlLog('WARNING: unknown interface enp0s3'),
      piholeEnv('enp0s3', 'describe_deployment'),
    ];
    expect(interfaceFallbackAnalyzer.reads(ctx(DNS, seen))).toEqual([]);
    expect(interfaceFallbackAnalyzer.notes!(ctx(DNS, seen))[0]).toContain('FTLCONF_dns_interface=enp0s3');
  });

  it("does not blame a pod's own interface (eth0)", () => {
    const seen = [dnsPods, ftlLog('WARNING in dnsmasq core: using interface lo instead'), piholeEnv('eth0')];
    const [note] = interfaceFallbackAnalyzer.notes!(ctx(DNS, seen));
    expect(note).not.toContain('eth0 is the name');
    expect(note).toContain('could not be used');
  });

  it('says nothing without the fallback line, or where a pod fails', () => {
    expect(
      interfaceFallbackAnalyzer.notes!(ctx(DNS, [dnsPods, ftlLog('INFO: all good'), piholeEnv('ens18')])),
    ).toEqual([]);
    const failing = pods(DNS, [['pihole-6b9f8c7d5-x2abc', '0/1', 'CrashLoopBackOff', '5', '30m']]);
    expect(
      interfaceFallbackAnalyzer.notes!(
        ctx(DNS, [failing, ftlLog('WARNING: using interface lo instead'), piholeEnv('ens18')]),
      ),
    ).toEqual([]);
  });
});

// --- runtime-support-phase ----------------------------------------------------------------------------

const WEB = 'website';
const webPods = pods(WEB, [['joomla-6b9f8c7d5-x2abc', '1/1', 'Running', '0', '3h']]);
const apacheLog = log(WEB, 'joomla-6b9f8c7d5-x2abc', [
  'AH00163: Apache/2.4.62 (Debian) PHP/8.3.14 configured -- resuming normal operations',
  '"GET /index.php HTTP/1.1" 200 1234',
]);

describe('runtime-support-phase', () => {
  it.each([
    [
      'Your PHP version, 8.3.14, is only receiving security fixes at this time. Is something wrong?',
      'PHP 8.3',
      '2027-12-31',
    ],
    [
      'The dashboard says Node.js 20.11.1 will soon no longer be supported. Is anything wrong?',
      'Node.js 20',
      '2026-04-30',
    ],
    ['A banner says Python 3.11 reaches end of life soon. Should we worry?', 'Python 3.11', '2027-10-31'],
  ])('explains the phase the task names: %s', (task, line, eol) => {
    const [note] = runtimeSupportPhaseAnalyzer.notes!(ctx(WEB, [webPods, apacheLog], task));
    expect(note).toContain(line);
    expect(note).toContain(eol);
    expect(note).toContain('still supported');
  });

  it('takes the version from a log when the task gives none', () => {
    const task = 'The admin panel says our PHP version is only receiving security fixes. Is it broken?';
    expect(runtimeSupportPhaseAnalyzer.notes!(ctx(WEB, [webPods, apacheLog], task))[0]).toContain(
      'PHP 8.3 (8.3.14 here)',
    );
  });

  it('says nothing for a version it does not know, without a support notice, or where a pod fails', () => {
    const unknown = 'Your PHP version, 7.4.33, is no longer supported. Is something wrong?';
    expect(runtimeSupportPhaseAnalyzer.notes!(ctx(WEB, [webPods], unknown))).toEqual([]);
    expect(runtimeSupportPhaseAnalyzer.notes!(ctx(WEB, [webPods, apacheLog], 'Is PHP 8.3 fast?'))).toEqual(
      [],
    );
    const failing = pods(WEB, [['joomla-6b9f8c7d5-x2abc', '0/1', 'CrashLoopBackOff', '3', '3h']]);
    expect(
      runtimeSupportPhaseAnalyzer.notes!(
        ctx(WEB, [failing, apacheLog], 'PHP 8.3.14 is only receiving security fixes.'),
      ),
    ).toEqual([]);
  });
});

// --- image-without-repository -------------------------------------------------------------------------

const TEL = 'telemetry';
const collectorPod = (image: string, container = 'opentelemetry-collector') =>
  observed(
    'describe_pod',
    { namespace: TEL, name: 'otel-collector-6b9f8c7d5-x2abc' },
    [
      'Name:             otel-collector-6b9f8c7d5-x2abc',
      `Namespace:        ${TEL}`,
      'Controlled By:    ReplicaSet/otel-collector-6b9f8c7d5',
      'Containers:',
      `  ${container}:`,
      `    Image:          ${image}`,
      '    State:          Waiting',
      '      Reason:       InvalidImageName',
    ].join('\n'),
  );
const deployList = (rows: string[][]) =>
  observed('list_deployments', { namespace: TEL }, table([['NAME', 'READY', 'IMAGES'], ...rows]));

describe('image-without-repository', () => {
  it("sets the OpenTelemetry Collector's contrib repository before the tag", () => {
    const [f] = imageWithoutRepositoryAnalyzer.finds(ctx(TEL, [collectorPod(':0.111.0')]));
    expect(f?.object).toBe('deployment otel-collector');
    expect(f?.cause).toContain('no repository');
    expect(f?.fix).toEqual({
      tool: 'set_image',
      args: {
        namespace: TEL,
        deployment: 'otel-collector',
        container: 'opentelemetry-collector',
        image: 'otel/opentelemetry-collector-contrib:0.111.0',
      },
      text: expect.stringContaining('contrib distribution'),
    });
  });

  it('prefers the repository another Deployment of the namespace runs for a container of that name', () => {
    const list = deployList([
      ['otel-collector', '0/1', ':0.111.0'],
      ['otel-agent', '1/1', 'registry.corp.example/otel/opentelemetry-collector:0.110.0'],
    ]);
    const [f] = imageWithoutRepositoryAnalyzer.finds(ctx(TEL, [list, collectorPod(':0.111.0')]));
    expect(f?.fix?.args['image']).toBe('registry.corp.example/otel/opentelemetry-collector:0.111.0');
  });

  it('finds the fault without a fix when nothing says which repository', () => {
    const [f] = imageWithoutRepositoryAnalyzer.finds(ctx(TEL, [collectorPod('@sha256:abcd', 'exporter')]));
    expect(f?.cause).toContain('"@sha256:abcd"');
    expect(f?.fix).toBeUndefined();
  });

  it.each(['otel/opentelemetry-collector:0.111.0', 'nginx', 'localhost:5000/app:1'])(
    'ignores a full reference %s',
    (image) => {
      expect(imageWithoutRepositoryAnalyzer.finds(ctx(TEL, [collectorPod(image)]))).toEqual([]);
    },
  );
});

// --- stale-fuse-mount ---------------------------------------------------------------------------------

const ML = 'ml-training';
const MOUNT_POD_NAME = 'juicefs-gpu-worker-03-pvc-7c41e2d0-5b1a-4f6e-9d3c-2a8f61b0e4c7-hzrpwa';
const stuck = observed(
  'describe_pod',
  { namespace: ML, name: 'feature-store-6b9f8c7d5-x2abc' },
  [
    'Name:             feature-store-6b9f8c7d5-x2abc',
    'Node:             gpu-worker-03/10.0.0.13',
    'Controlled By:    ReplicaSet/feature-store-6b9f8c7d5',
    'Events:',
    `  Warning  FailedMount  2m  kubelet  MountVolume.SetUp failed for volume "pvc-7c41" : rpc error: code = Internal desc = Could not mount juicefs: mount pod ${MOUNT_POD_NAME} is not ready: CrashLoopBackOff`,
  ].join('\n'),
);
const found = observed(
  'find_objects',
  { name: MOUNT_POD_NAME },
  table([
    ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
    ['Pod', 'kube-system', MOUNT_POD_NAME, 'CrashLoopBackOff', '44m'],
  ]),
);
const mountLog = (line: string) =>
  log('kube-system', MOUNT_POD_NAME, ['juicefs[6] <INFO>: Ping redis latency: 405µs', line], {
    previous: true,
  });

describe('stale-fuse-mount', () => {
  it('finds the mount pod the event names, then reads its previous log', () => {
    expect(staleFuseMountAnalyzer.reads(ctx(ML, [stuck]))).toEqual([
      { tool: 'find_objects', args: { name: MOUNT_POD_NAME } },
    ]);
    expect(staleFuseMountAnalyzer.reads(ctx(ML, [stuck, found]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: MOUNT_POD_NAME, previous: true } },
    ]);
  });

  it.each([
    'juicefs[6] <FATAL>: create /jfs/pvc-7c41: mkdir /jfs/pvc-7c41: file exists [mount_unix.go:318]',
    'stat /var/lib/juicefs/volume/pvc-7c41: transport endpoint is not connected',
  ])('names the stale mount on the node and how to clear it: %s', (line) => {
    const [f] = staleFuseMountAnalyzer.finds(ctx(ML, [stuck, found, mountLog(line)]));
    expect(f?.object).toBe('deployment feature-store');
    expect(f?.cause).toContain('on node gpu-worker-03');
    expect(f?.cause).toContain('stale');
    expect(f?.advice).toContain('umount');
  });

  it('finds nothing when the mount pod fails for another reason', () => {
    expect(
      staleFuseMountAnalyzer.finds(
        ctx(ML, [stuck, found, mountLog('juicefs <FATAL>: Meta redis: NOAUTH Authentication required')]),
      ),
    ).toEqual([]);
  });
});

// --- route-prefix-missing -----------------------------------------------------------------------------

const IT = 'internal-tools';
const SERVER = 'tooljet-server-6b9f8c7d5-x2abc';
const started = [
  '> tooljet-server@0.9.2 start:prod',
  '[Nest] 1   - [RouterExplorer] Mapped {/health, GET} route +2ms',
  '[Nest] 1   - [RouterExplorer] Mapped {/authenticate, POST} route +1ms',
  '[Nest] 1   - [RouterExplorer] Mapped {/signup, POST} route +0ms',
];
const a404 = (method: string, path: string) =>
  `10.244.1.7 - - "${method} ${path} HTTP/1.1" 404 71 "-" "Mozilla/5.0"`;
const serverLog = (lines: string[], cut = false) =>
  log(IT, SERVER, [
    ...(cut ? ['[output cut: showing the last 8000 of 30000 characters; use tail]'] : []),
    ...lines,
  ]);

describe('route-prefix-missing', () => {
  it('finds routes served at the root that clients call under a prefix', () => {
    const seen = [
      serverLog([...started, a404('POST', '/api/signup'), a404('POST', '/api/authenticate?x=1')]),
    ];
    const [f] = routePrefixMissingAnalyzer.finds(ctx(IT, seen));
    expect(f?.object).toBe('deployment tooljet-server');
    expect(f?.cause).toContain('tooljet-server@0.9.2');
    expect(f?.cause).toContain('under /api');
    expect(f?.advice).toContain('same release as its client');
  });

  it('searches a cut log for its route registrations, then concludes from the search', () => {
    const tail = serverLog([a404('POST', '/api/authenticate')], true);
    const [read] = routePrefixMissingAnalyzer.reads(ctx(IT, [tail]));
    expect(read).toMatchObject({ tool: 'search_pod_logs', args: { name: SERVER, pattern: ROUTES_PATTERN } });
    const search = observed(
      'search_pod_logs',
      { namespace: IT, name: SERVER, pattern: ROUTES_PATTERN },
      [
        '5 line(s) match',
        ...started.map((l, i) => `${i + 1}:${l}`),
        `900:${a404('POST', '/api/signup')}`,
      ].join('\n'),
    );
    expect(routePrefixMissingAnalyzer.reads(ctx(IT, [tail, search]))).toEqual([]);
    expect(routePrefixMissingAnalyzer.finds(ctx(IT, [tail, search]))[0]?.cause).toContain('/api/signup');
  });

  it.each([
    ['one stray 404', [...started, a404('GET', '/api/signup')]],
    [
      '404s for routes the server does not have',
      [...started, a404('GET', '/api/users'), a404('GET', '/api/teams')],
    ],
    ['no route registration', [a404('POST', '/api/signup'), a404('POST', '/api/authenticate')]],
    ['404s at the root', [...started, a404('GET', '/favicon.ico'), a404('GET', '/robots.txt')]],
  ])('finds nothing with %s', (_, lines) => {
    expect(routePrefixMissingAnalyzer.finds(ctx(IT, [serverLog(lines)]))).toEqual([]);
  });
});

describe("pino's numeric levels", () => {
  it.each([
    ['{"level":50,"time":1,"pid":1,"msg":"SMTP - Failed to connect to smtp.old.internal:587"}', true],
    ['{"level":60,"time":1,"pid":1,"msg":"fatal: cannot bind"}', true],
    ['{"level":40,"time":1,"pid":1,"msg":"Rate limit reached"}', false],
    ['{"level":30,"time":1,"pid":1,"msg":"request completed"}', false],
    ['{"level":500,"msg":"not a pino level"}', false],
  ])('%s is an error line: %s', (line, bad) => {
    expect(errorLines(line).length > 0).toBe(bad);
  });
});
