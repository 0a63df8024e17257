import { describe, expect, it } from 'vitest';
import { baselineAnswer } from '../__fixtures__/baseline-answer.js';
import { warningLines } from './app-errors.js';
import { quotedSearchAnalyzer } from './asked-lines.js';
import { expectedLogLinesAnalyzer } from './expected-log-lines.js';
import { glusterOpVersionAnalyzer } from './gluster-op-version.js';
import { logGloss } from './log-glosses.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';

// Review of set 104's rules, written as attacks on made-up inputs by a reviewer who did not write them. The
// review found 16 bugs, each marked "Found in review, fixed:" above the test that states the correct
// behaviour; all are fixed (one test's expectation was narrowed, as its comment says).

// --- gluster-op-version -------------------------------------------------------------------------------------

describe('review: gluster-op-version', () => {
  const NS = 'storage';
  const HEADER = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'];
  const SERVERS = [
    ['glusterfs-7m2kd', '1/1', 'Running', '0', '40m', '10.0.2.10', 'node0'],
    ['glusterfs-wz5hn', '1/1', 'Running', '0', '40m', '10.0.2.12', 'node2'],
  ];
  const list = (...rows: string[][]) =>
    observed('list_pods', { namespace: NS }, table([HEADER, ...SERVERS, ...rows]));
  const failedMountEvent = (pod: string) =>
    observed(
      'get_events',
      { namespace: NS },
      `LAST SEEN   TYPE      REASON        OBJECT        MESSAGE\n64s (x21)   Warning   FailedMount   pod/${pod}   MountVolume.SetUp failed for volume "data" : mount failed: exit status 1 Mounting command: mount -t glusterfs -o auto_unmount 10.0.2.10:vol_data /var/lib/kubelet/pods/x/volumes/kubernetes.io~glusterfs/data`,
    );
  const REJECT =
    "[2026-03-03 10:05:31.118402] E [MSGID: 106176] [glusterd-handshake.c:1022:__server_getspec] 0-management: Client 10.0.2.12:1019 (1 -> 30712) doesn't support required op-version (40100). Rejecting volfile request.";
  const glusterd = (lines = [REJECT]) => log(NS, 'glusterfs-7m2kd', lines);

  // Found in review, fixed: the kubelet's real FailedMount message puts "Mounting command:" and "Mounting arguments: … mount -t glusterfs" on lines of their own (mount_linux.go joins them with \n), and GLUSTER_MOUNT's `[^\n]{0,400}` never reaches them, so the rule never reads the servers' logs.
  it("reads the servers' logs for the kubelet's multi-line FailedMount message", () => {
    const events = observed(
      'get_events',
      { namespace: NS },
      [
        'LAST SEEN   TYPE      REASON        OBJECT                  MESSAGE',
        '64s (x21)   Warning   FailedMount   pod/app-5d8f7c9b4-x2x7k   MountVolume.SetUp failed for volume "pvc-1f2e" : mount failed: mount failed: exit status 1',
        'Mounting command: systemd-run',
        'Mounting arguments: --description=Kubernetes transient mount for /var/lib/kubelet/pods/0d9c/volumes/kubernetes.io~glusterfs/pvc-1f2e --scope -- mount -t glusterfs -o auto_unmount,log-level=ERROR 10.0.2.10:vol_1f2e /var/lib/kubelet/pods/0d9c/volumes/kubernetes.io~glusterfs/pvc-1f2e',
        'Output: Running scope as unit run-r4a1.scope.',
        'Mount failed. Please check the log file for more details.',
      ].join('\n'),
    );
    const l = list(['app-5d8f7c9b4-x2x7k', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node2']);
    expect(glusterOpVersionAnalyzer.reads(ctx(NS, [l, events]))).toHaveLength(2);
  });

  // Found in review, fixed: the waiting pod is the first ContainerCreating pod on the client's node, not the pod the FailedMount event names, so an unrelated pod still pulling its image is blamed.
  it('names the pod whose glusterfs mount failed, not another pod waiting on the same node', () => {
    const l = list(
      ['batch-7c9d8b6f5-q4w2z', '0/1', 'ContainerCreating', '0', '1m', '<none>', 'node2'],
      ['app-5d8f7c9b4-x2x7k', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node2'],
    );
    const [f] = glusterOpVersionAnalyzer.finds(
      ctx(NS, [l, failedMountEvent('app-5d8f7c9b4-x2x7k'), glusterd()]),
    );
    expect(f?.object).toBe('deployment app (pod app-5d8f7c9b4-x2x7k)');
  });

  // Found in review, fixed: a pod with an init container waits as `Init:0/1`, not ContainerCreating, so the finding's object falls back to the glusterd server pod that its own cause calls healthy.
  it('never names the healthy glusterd pod as the object when the waiting pod shows Init:0/1', () => {
    const l = list(['app-5d8f7c9b4-x2x7k', '0/1', 'Init:0/1', '0', '5m', '<none>', 'node2']);
    const [f] = glusterOpVersionAnalyzer.finds(
      ctx(NS, [l, failedMountEvent('app-5d8f7c9b4-x2x7k'), glusterd()]),
    );
    expect(f).toBeDefined();
    expect(f?.object).not.toContain('glusterfs-7m2kd');
    expect(f?.object).toContain('app-5d8f7c9b4-x2x7k');
  });

  // Found in review, fixed: a rejection of a client on node3 (no pod waiting there) is blamed for the failed mount on node2, naming the server pod as the object.
  it("does not blame another node's old client for this node's failed mount", () => {
    const l = observed(
      'list_pods',
      { namespace: NS },
      table([
        HEADER,
        ...SERVERS,
        ['glusterfs-k9x2p', '1/1', 'Running', '0', '40m', '10.0.2.13', 'node3'],
        ['app-5d8f7c9b4-x2x7k', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node2'],
      ]),
    );
    const other = REJECT.replace('Client 10.0.2.12:1019', 'Client 10.0.2.13:1019');
    expect(
      glusterOpVersionAnalyzer.finds(
        ctx(NS, [l, failedMountEvent('app-5d8f7c9b4-x2x7k'), glusterd([other])]),
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: the advice offers to "lower the cluster's op-version", which glusterd refuses (cluster.op-version can only be raised), so it recommends a fix that cannot be applied.
  it("does not advise lowering the cluster's op-version", () => {
    const l = list(['app-5d8f7c9b4-x2x7k', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node2']);
    const [f] = glusterOpVersionAnalyzer.finds(
      ctx(NS, [l, failedMountEvent('app-5d8f7c9b4-x2x7k'), glusterd()]),
    );
    expect(f?.advice).toContain('glusterfs-fuse');
    expect(f?.advice).not.toMatch(/lower the cluster's op-version/);
  });

  // Found in review, fixed: a pre-3.6 client advertises a one-digit op-version (`(1 -> 2)`, GlusterFS 3.4) and REJECTED's `\d{4,6}` misses it, though it is the oldest and likeliest client to be refused.
  it("finds a very old client's one-digit op-version", () => {
    const l = list(['app-5d8f7c9b4-x2x7k', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node2']);
    const old = REJECT.replace('(1 -> 30712)', '(1 -> 2)');
    const [f] = glusterOpVersionAnalyzer.finds(
      ctx(NS, [l, failedMountEvent('app-5d8f7c9b4-x2x7k'), glusterd([old])]),
    );
    expect(f?.cause).toContain('on node node2');
    // Changed when fixed: the fixture's client address (10.0.2.12) holds "0.0.2" itself; the release is what
    // must not read 0.0.2.
    expect(f?.cause).not.toMatch(/GlusterFS 0\.0\.2|\(0\.0\.2\)/);
  });

  it('reads GlusterFS 10 op-versions as releases', () => {
    const l = list(['app-5d8f7c9b4-x2x7k', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node2']);
    const line = REJECT.replace('(1 -> 30712)', '(1 -> 90000)').replace('(40100)', '(100000)');
    const [f] = glusterOpVersionAnalyzer.finds(
      ctx(NS, [l, failedMountEvent('app-5d8f7c9b4-x2x7k'), glusterd([line])]),
    );
    expect(f?.cause).toContain('90000 (GlusterFS 9.0.0)');
    expect(f?.cause).toContain('100000 (10.0.0)');
  });

  it('ignores a failed mount and a rejection in another namespace', () => {
    const l = list(['app-5d8f7c9b4-x2x7k', '0/1', 'ContainerCreating', '0', '5m', '<none>', 'node2']);
    const elsewhere = log('other', 'glusterfs-7m2kd', [REJECT]);
    expect(
      glusterOpVersionAnalyzer.finds(ctx(NS, [l, failedMountEvent('app-5d8f7c9b4-x2x7k'), elsewhere])),
    ).toEqual([]);
    const otherEvents = { ...failedMountEvent('app-5d8f7c9b4-x2x7k'), args: { namespace: 'other' } };
    expect(glusterOpVersionAnalyzer.reads(ctx(NS, [l, otherEvents]))).toEqual([]);
  });

  it('does not crash on empty outputs, a missing pod list or non-string arguments', () => {
    const odd = [
      observed('list_pods', { namespace: NS }, ''),
      observed('get_events', { namespace: NS }, ''),
      observed('get_pod_logs', { namespace: NS, name: 42 }, REJECT),
      observed('get_pod_logs', { namespace: NS }, ''),
      observed('describe_pod', { namespace: NS, name: null }, 'FailedMount … mount -t glusterfs'),
    ];
    expect(() => glusterOpVersionAnalyzer.reads(ctx(NS, odd))).not.toThrow();
    expect(() => glusterOpVersionAnalyzer.finds(ctx(NS, odd))).not.toThrow();
    expect(() => glusterOpVersionAnalyzer.finds(ctx(NS, []))).not.toThrow();
  });

  it('costs a bounded time on events full of FailedMount near-matches', () => {
    const near = `${'FailedMount '.repeat(15_000)}`;
    const benign = 'x'.repeat(near.length);
    const l = list();
    expectBounded(
      () => glusterOpVersionAnalyzer.reads(ctx(NS, [l, observed('get_events', { namespace: NS }, near)])),
      () => glusterOpVersionAnalyzer.reads(ctx(NS, [l, observed('get_events', { namespace: NS }, benign)])),
    );
  });
});

// --- Portworx's kvdb gloss -----------------------------------------------------------------------------------

describe("review: Portworx's 'unknown discovery endpoint' gloss", () => {
  it("reads Portworx's own lower-case wording (fmt.Errorf in its kvdb client)", () => {
    expect(
      logGloss('unknown discovery endpoint : http in [http://10.96.118.4:2379 http://10.96.118.5:2379]'),
    ).toContain('etcd:http://');
  });

  // Found in review, fixed: the gloss matches any product's "Unknown discovery endpoint" (an OAuth/MCP server's 404 for an unknown /.well-known path) and explains it as a Portworx kvdb endpoint without its store type.
  it("does not gloss an OAuth server's unknown /.well-known discovery endpoint as a kvdb setting", () => {
    const g = logGloss(
      'level=warn msg="Unknown discovery endpoint: /.well-known/oauth-authorization-server/tenant-a" status=404',
    );
    expect(g ?? '').not.toContain('kvdb');
  });

  // Found in review, fixed: the gloss always says the program read "http" as the store type and that no type was written, but Portworx names the part it read ("ectd", a misspelt type), so the answer misreports the evidence.
  it('names the store type the line says was read, not always "http"', () => {
    const g = logGloss(
      'level=error msg="Configuration check failed: Unknown discovery endpoint : ectd in [ectd:http://10.96.118.4:2379]."',
    );
    expect(g).toBeDefined();
    expect(g).not.toContain('reads "http"');
    expect(g).toContain('ectd');
  });
});

// --- Node.js process warnings ---------------------------------------------------------------------------------

describe('review: NODE_WARN in warningLines', () => {
  it("takes Node's generic `Warning:` and long class names", () => {
    const tls =
      "(node:1) Warning: Setting the NODE_TLS_REJECT_UNAUTHORIZED environment variable to '0' makes TLS connections and HTTPS requests insecure by disabling certificate verification.";
    const leak =
      '(node:23) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 close listeners added to [TLSSocket]. Use emitter.setMaxListeners() to increase limit';
    expect(warningLines([tls, leak].join('\n'))).toEqual([tls, leak]);
  });

  // Found in review, fixed: a warning code other than letters-then-digits (`[MONGODB DRIVER]`, `[UNDICI-EHPA]`, any `process.emitWarning(…, { code })`) is not read, so the MongoDB driver's common notice is not a warning.
  it('takes warnings whose code is not letters then digits', () => {
    const mongo =
      '(node:1) [MONGODB DRIVER] Warning: Current Server Discovery and Monitoring engine is deprecated, and will be removed in a future version.';
    const undici =
      '(node:1) [UNDICI-EHPA] Warning: EnvHttpProxyAgent is experimental, expect them to change at any time.';
    expect(warningLines([mongo, undici].join('\n'))).toEqual([mongo, undici]);
  });

  it('does not take a line that only mentions a warning class in prose, nor a quoted Node line', () => {
    expect(warningLines('info: docs say (node:1) DeprecationWarning: lines are harmless')).toEqual([]);
    expect(warningLines('  (node:1) DeprecationWarning: indented quote')).toEqual([]);
    expect(warningLines('(node:abc) DeprecationWarning: not a pid')).toEqual([]);
  });

  it('costs a bounded time on long near-matching lines', () => {
    const many = (s: string) => Array.from({ length: 200 }, () => s).join('\n');
    expectBounded(
      () => warningLines(many(`(node:1) [DEP0005] ${'A'.repeat(5000)}Warnin: x`)),
      () => warningLines(many('y'.repeat(5025))),
    );
  });
});

// --- quoted-search with a class the task names ----------------------------------------------------------------

describe('review: quoted-search for a warning or exception class named without quotes', () => {
  const NS = 'storefront';
  const POD = 'web-ssr-hmd8gdlk4d-545g7';
  const scan = observed('scan', { namespace: NS }, `scan of namespace ${NS}: no problems found`);
  const ready = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [POD, '1/1', 'Running', '0', '2h'],
      ['web-5d8f7c9b4-x2x7k', '1/1', 'Running', '0', '2h'],
      ['web-ssr-0', '1/1', 'Running', '0', '2h'],
    ]),
  );
  const tail = (name: string) => log(NS, name, ['GET / 200 96ms', 'GET /health 200 2ms']);
  const patterns = (task: string, seen = [scan, ready, tail(POD)]) =>
    quotedSearchAnalyzer.reads(ctx(NS, seen, task)).map((r) => r.args['pattern']);

  it('searches once for a class the task both quotes and names', () => {
    expect(
      patterns(
        'We shipped web-ssr 5.4.0; the pod logs show a "DeprecationWarning" - a DeprecationWarning is new. If nothing is wrong, say so.',
      ),
    ).toEqual(['DeprecationWarning']);
  });

  it('does not search for a class a log already read holds', () => {
    const held = log(NS, POD, ['(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated']);
    expect(
      patterns('web-ssr logs a DeprecationWarning since 5.4.0. If nothing is wrong, say so.', [
        scan,
        ready,
        held,
      ]),
    ).toEqual([]);
  });

  it('does not search without an all-clear question or a quiet scan', () => {
    expect(patterns('web-ssr logs a DeprecationWarning since 5.4.0 and requests fail.')).toEqual([]);
    const loud = observed('scan', { namespace: NS }, 'scan of namespace storefront: 1 problem found');
    expect(
      patterns('web-ssr logs a DeprecationWarning. If nothing is wrong, say so.', [loud, ready, tail(POD)]),
    ).toEqual([]);
  });

  // Found in review, fixed: the comment promises "a warning's or an error's class", but the regex ends in Warning|Exception only, so `a TypeError` or `an OutOfMemoryError` the task names is never searched for.
  it('searches for an error class the task names (TypeError)', () => {
    expect(
      patterns(
        'Since web-ssr 5.4.0 a colleague sees a TypeError in the pod logs. If nothing is wrong, say so.',
      ),
    ).toEqual(['TypeError']);
  });

  // Found in review, fixed: a class whose name starts with an acronym (IOException, SQLException, SSLHandshakeException) needs `[A-Z][a-z]{2,}` first and is never searched for.
  it('searches for a class whose name starts with an acronym (IOException)', () => {
    expect(
      patterns(
        'Since web-ssr 5.4.0 a colleague sees an IOException in the pod logs. If nothing is wrong, say so.',
      ),
    ).toEqual(['IOException']);
  });

  // Found in review, fixed: the task's workload is matched by substring, so the log of Deployment `web` (read first) is searched though the task names `web-ssr`.
  it('searches the log of the workload the task names, not one whose name is a prefix of it', () => {
    const reads = quotedSearchAnalyzer.reads(
      ctx(
        NS,
        [scan, ready, tail('web-5d8f7c9b4-x2x7k'), tail(POD)],
        'We shipped web-ssr 5.4.0; a colleague now sees a DeprecationWarning in the pod logs. If nothing is wrong, say so.',
      ),
    );
    expect(reads.map((r) => r.args['name'])).toEqual([POD]);
  });

  // Found in review, fixed: "api" is found inside "rapid", so a workload the task never names is taken for the named one and searched.
  it('does not take a workload name found inside another word for a named workload', () => {
    const reads = quotedSearchAnalyzer.reads(
      ctx(
        NS,
        [scan, ready, tail('api-6c7d9f8b4-m2m9q')],
        'After a rapid rollout a colleague sees a DeprecationWarning somewhere. If nothing is wrong, say so.',
      ),
    );
    expect(reads).toEqual([]);
  });

  // Found in review, fixed: podDeployment knows only Deployment pod names, so the named StatefulSet's pod (`web-ssr-0`) is never searched.
  it("searches a named StatefulSet's pod log too", () => {
    expect(
      patterns('web-ssr logs a DeprecationWarning since 5.4.0. If nothing is wrong, say so.', [
        scan,
        ready,
        tail('web-ssr-0'),
      ]),
    ).toEqual(['DeprecationWarning']);
  });

  it('reads a hostile task of camel-case near-matches in bounded time', () => {
    const hostile = `${'AbcDefGhiJklMnoWarnin '.repeat(400)} If nothing is wrong, say so. web-ssr`;
    const benign = `${'abc def ghi jkl mno warnin '.repeat(330)} If nothing is wrong, say so. web-ssr`;
    expectBounded(
      () => quotedSearchAnalyzer.reads(ctx(NS, [scan, ready, tail(POD)], hostile)),
      () => quotedSearchAnalyzer.reads(ctx(NS, [scan, ready, tail(POD)], benign)),
    );
  });
});

// --- expected-log-lines over searched lines -------------------------------------------------------------------

describe('review: expected-log-lines explains the lines a search showed', () => {
  const NS = 'storefront';
  const POD = 'web-ssr-hmd8gdlk4d-545g7';
  const ready = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [POD, '1/1', 'Running', '0', '2h'],
    ]),
  );
  const quiet = log(NS, POD, ['GET / 200 96ms']);
  const dep =
    '(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated due to security and usability issues. Please use the Buffer.alloc() methods instead.';
  const search = (body: string, args: Record<string, unknown> = {}) =>
    observed('search_pod_logs', { namespace: NS, name: POD, ...args }, body);
  const notes = (...extra: ReturnType<typeof observed>[]) =>
    expectedLogLinesAnalyzer.notes!(ctx(NS, [ready, quiet, ...extra])).join(' ');

  it('explains only match lines (`N:`), not context lines (`N-`) or the header', () => {
    expect(
      notes(
        search(
          `1 line(s) match "Buffer.alloc" in the newest 90 line(s) read\n1-(node:1) [DEP0005] DeprecationWarning: Buffer() is deprecated\n2:GET /buffer 200 3ms`,
        ),
      ),
    ).not.toContain('harmless');
    expect(
      notes(search(`1 line(s) match "DeprecationWarning" in the newest 90 line(s) read\n2:${dep}`)),
    ).toContain('harmless');
  });

  it("ignores a search of the previous instance or of another namespace's pod", () => {
    const body = `1 line(s) match "DeprecationWarning" in the newest 90 line(s) read\n2:${dep}`;
    expect(notes(search(body, { previous: true }))).toBe('');
    expect(notes(search(body, { namespace: 'other' }))).toBe('');
  });

  // Found in review, fixed: failure lines a search showed do not veto the all-clear (quietLogs checks only get_pod_logs), so a deprecation notice is called harmless, "serves normally", beside an ERROR the same search found.
  it('does not call a searched line harmless when the same search shows failures', () => {
    const body = [
      '3 line(s) match "DeprecationWarning|ERROR" in the newest 900 line(s) read',
      `12:${dep}`,
      '480:2026-03-03T10:05:31Z ERROR render failed: upstream catalog-api returned 503',
      '481:2026-03-03T10:05:32Z ERROR render failed: upstream catalog-api returned 503',
    ].join('\n');
    expect(notes(search(body))).not.toContain('harmless');
  });

  // Found in review, fixed: Node's DEP0018 ("Unhandled promise rejections are deprecated") is printed only after an unhandled promise rejection, yet a search that shows it gets the note that it is harmless and nothing is broken.
  it('does not call DEP0018, the notice after an unhandled rejection, harmless', () => {
    const body = [
      '1 line(s) match "DeprecationWarning" in the newest 900 line(s) read',
      '40:(node:1) [DEP0018] DeprecationWarning: Unhandled promise rejections are deprecated. In the future, promise rejections that are not handled will terminate the Node.js process with a non-zero exit code.',
    ].join('\n');
    expect(notes(search(body))).not.toContain('harmless');
  });

  it('does not crash on an empty search, a search without a name, or non-string content lines', () => {
    expect(() =>
      notes(
        search(''),
        observed('search_pod_logs', { namespace: NS }, `1:${dep}`),
        search('no line matches "x" in the newest 5 line(s) read'),
      ),
    ).not.toThrow();
  });

  it('reads a search output of many long near-matching lines in bounded time', () => {
    const lines = (s: string) => Array.from({ length: 400 }, (_, i) => `${i + 1}:${s}`).join('\n');
    expectBounded(
      () => notes(search(lines(`(node:1) [DEP0005] DeprecationWarning: ${'is deprecate '.repeat(300)}`))),
      () => notes(search(lines('z'.repeat(3940)))),
    );
  });
});

// --- config-values: the missing key's sentence ----------------------------------------------------------------

describe('review: config-values names the key a Secret lacks', () => {
  it('says the Secret has no key of the asked name, then the key it has', async () => {
    const yaml = `schemaVersion: 1
id: row
title: row
difficulty: easy
namespace: app
task: api in app keeps crashing, why? You may change api's environment.
cluster:
  now: 2026-01-10T10:00:00Z
  namespaces: [app]
  nodes: [{ name: n1, cpu: "8", memory: 32Gi }]
  deployments:
    - name: api
      namespace: app
      replicas: 1
      containers:
        - name: api
          image: registry.example.com/api:2.0.0
          env: { ES_PASSWORD: { secretKeyRef: { name: es-user, key: password } } }
      pods: [{ age: 30m }]
  objects:
    - { apiVersion: v1, kind: Secret, metadata: { name: es-user, namespace: app }, data: { elastic: eHl6 } }
grants:
  approve: [{ tool: set_env, where: { namespace: app, deployment: api } }]
expect: { rootCause: { mustMention: [] } }
`;
    expect(await baselineAnswer(yaml)).toMatch(
      /Secret es-user has no key named password: it has a single key, elastic, so ES_PASSWORD should read key elastic/,
    );
  });
});
