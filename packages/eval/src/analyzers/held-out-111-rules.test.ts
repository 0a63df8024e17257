// Rules written after held-out sets 111 and 112, each general, tested here on inputs made up for the test: the
// names, namespaces and log lines are not the worlds'.
import { describe, expect, it } from 'vitest';
import { initScriptBefore } from '../baseline/signatures/containers/crash.js';
import type { SeenObservation } from '../observations.js';
import { shellNotFound } from '../scan-findings.js';
import { envoyTlsFailure, envoyUpstreamTlsAnalyzer } from './envoy-upstream-tls.js';
import { expectedLine, expectedLogLinesAnalyzer } from './expected-log-lines.js';
import { logGloss } from './log-glosses.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { ctx, expectBounded, log, observed, table } from './observed.fixture.js';
import { actuatorProbeLogAnalyzer, emptyTomcat, httpProbeOnPort, managementPort } from './probes.js';
import { versionSkewAnalyzer } from './version-skew.js';

describe('glosses: PostgreSQL, CoreDNS, Go config types, Velero plugins', () => {
  it('says why CREATE DATABASE fails in a transaction block and that one psql -c runs as one transaction', () => {
    const g = logGloss('ERROR:  CREATE DATABASE cannot run inside a transaction block');
    expect(g).toMatch(/one transaction/);
    expect(g).toMatch(/psql -c/);
    expect(logGloss('ERROR:  VACUUM cannot run inside a transaction block')).toBe(g);
  });

  it("says CoreDNS refused an option this version does not know, naming the kubernetes plugin's removed ones", () => {
    const g = logGloss(
      "plugin/kubernetes: /etc/coredns/Corefile:11 - Error during parsing: unknown property 'resyncperiod'",
    );
    expect(g).toMatch(/removed in 1\.7\.0/);
    expect(logGloss('unknown property "x" in request body')).toBeUndefined();
  });

  it('reads a Go type assertion on a config value as a setting of the wrong type', () => {
    expect(
      logGloss('server: /etc/srv/srv.conf:12:3: interface conversion: interface {} is string, not int64'),
    ).toMatch(/wrong|another/);
    expect(logGloss('interface conversion: interface is nil')).toBeUndefined();
  });

  it('says a Velero plugin older than the server refuses the keys Velero passes it', () => {
    const g = logGloss(
      'rpc error: code = Unknown desc = config has invalid keys [prefix]; valid keys are [bucket region]',
    );
    expect(g).toMatch(/older than the Velero server/);
  });
});

describe('expected lines: CoreDNS import globs and nginx obsolete directives are routine', () => {
  it('explains an import glob that matches no file', () => {
    expect(
      expectedLine('[WARNING] No files matching import glob pattern: /etc/coredns/custom/*.server'),
    ).toMatch(/nothing to import/);
  });

  it('explains an obsolete nginx directive with its replacement, not an unknown one', () => {
    expect(
      expectedLine(
        'nginx: [warn] the "http2_max_header_size" directive is obsolete, use the "large_client_header_buffers" directive instead in /etc/nginx/conf.d/a.conf:4',
      ),
    ).toMatch(/ignores it/);
    expect(expectedLine('nginx: [emerg] unknown directive "http2_max_header_sizes"')).toBeUndefined();
  });
});

describe('init scripts and shells: where a crash came from', () => {
  it("names the init script that was running when the error was logged, in either entrypoint's wording", () => {
    const pg = [
      'server started',
      '/docker-entrypoint-initdb.d/20-grants.sh: running',
      'ERROR:  role "app" does not exist',
    ].join('\n');
    expect(initScriptBefore(pg, 'ERROR:  role "app" does not exist')).toBe('20-grants.sh');
    const my = ['[Entrypoint]: running /docker-entrypoint-initdb.d/01-schema.sql', 'ERROR 1064 (42000)'].join(
      '\n',
    );
    expect(initScriptBefore(my, 'ERROR 1064 (42000)')).toBe('01-schema.sql');
    expect(initScriptBefore('ERROR: x', 'ERROR: x')).toBeUndefined();
  });

  it("reads the program a shell did not find, in sh's, dash's and bash's wording", () => {
    expect(shellNotFound('/bin/sh: kong: not found')).toBe('kong');
    expect(shellNotFound('sh: 1: pg_dump: not found')).toBe('pg_dump');
    expect(shellNotFound('bash: line 3: flyway: command not found')).toBe('flyway');
    expect(shellNotFound('config file not found')).toBeUndefined();
  });

  it('costs a bounded time on long near-miss lines', () => {
    const near = `${'sh: 1: '.repeat(300)}x`;
    expectBounded(
      () => {
        for (let i = 0; i < 300; i++) shellNotFound(`${near}${i}`);
      },
      () => {
        for (let i = 0; i < 300; i++) shellNotFound(`${'y'.repeat(near.length)}${i}`);
      },
    );
  });
});

describe('probes: the management port of a Spring Boot actuator, and Tomcat with nothing deployed', () => {
  const LOG = [
    'Tomcat started on port(s): 9090 (http) with context path',
    'Tomcat started on port(s): 9191 (http) with context path',
  ].join('\n');

  it('finds the second server port when the probe asks for an actuator path on the first', () => {
    expect(managementPort(LOG, 9090, '/actuator/health')).toMatchObject({ port: 9191, probed: 9090 });
    // Not an actuator path, a named port, or only one server: nothing.
    expect(managementPort(LOG, 9090, '/healthz')).toBeUndefined();
    expect(managementPort(LOG, 'http', '/actuator/health')).toBeUndefined();
    expect(
      managementPort('Tomcat started on port(s): 9191 (http)', 9090, '/actuator/health'),
    ).toBeUndefined();
  });

  it('moves the same probe to that port, keeping its path and timing', () => {
    expect(
      httpProbeOnPort(
        'Readiness: http-get :9090/actuator/health delay=20s timeout=1s period=5s #failure=3',
        9191,
      ),
    ).toEqual({
      httpGet: { port: 9191, path: '/actuator/health' },
      initialDelaySeconds: 20,
      timeoutSeconds: 1,
      periodSeconds: 5,
      failureThreshold: 3,
    });
  });

  it("reads the log of a pod whose actuator probe is refused, and no other pod's", () => {
    const refused = observed(
      'describe_pod',
      { namespace: 'ops', name: 'desk-7c9d8b6f4-k2m8q' },
      '    Readiness:      http-get :9090/actuator/health/readiness delay=0s\n  Warning  Unhealthy  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 403',
    );
    const other = observed(
      'describe_pod',
      { namespace: 'ops', name: 'api-5d8f7b9c6-p8z2m' },
      '    Readiness:      http-get :8080/healthz delay=0s\n  Warning  Unhealthy  kubelet  Readiness probe failed: HTTP probe failed with statuscode: 401',
    );
    expect(actuatorProbeLogAnalyzer.reads(ctx('ops', [refused, other]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'ops', name: 'desk-7c9d8b6f4-k2m8q' } },
    ]);
  });

  it('says Tomcat deployed nothing when its log starts the server without a web application', () => {
    const started =
      'INFO [main] org.apache.catalina.startup.Catalina.start Server startup in [58] milliseconds';
    expect(emptyTomcat(`Starting Servlet engine\n${started}`)).toBe(started);
    expect(
      emptyTomcat(
        `INFO [main] org.apache.catalina.startup.HostConfig.deployWAR Deploying web application archive [/usr/local/tomcat/webapps/app.war]\n${started}`,
      ),
    ).toBeUndefined();
  });
});

describe("envoy-upstream-tls: Envoy's 503 from a failed TLS verification of the upstream", () => {
  const NS = 'shop';
  const TASK =
    'Every call through the edge proxy answers 503 "upstream connect error or disconnect/reset before headers".';
  const TLS = (ip: string, reason = 'certificate has expired') =>
    `[2026-05-02 03:00:01.118][24][debug][connection] [source/common/tls/ssl_socket.cc:246] [Tags: "ConnectionId":"7"] remote address:${ip}:8443,TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: X509_verify_cert: certificate verification error at depth 0: ${reason}:TLS_error_end`;
  const pods = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
      ['edge-7b9d6c5f48-4xq8m', '1/1', 'Running', '0', '9d', '10.1.0.5', 'n1'],
      ['cart-84d5b7c9f2-9rbxl', '2/2', 'Running', '0', '9d', '10.1.2.31', 'n2'],
    ]),
  );
  const deps = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ['cart', '1/1', '1', '1', '9d', 'acme/cart:2.0,envoyproxy/envoy:v1.29.4'],
      ['edge', '1/1', '1', '1', '9d', 'envoyproxy/envoy:v1.29.4'],
    ]),
  );
  const searched = (lines: string[]) =>
    observed(
      'search_pod_logs',
      { namespace: NS, name: 'edge-7b9d6c5f48-4xq8m' },
      `${lines.length} line(s) match "TLS_error"\n${lines.map((l, i) => `${i + 3}:${l}`).join('\n')}`,
    );

  it("reads BoringSSL's reason and the upstream's address", () => {
    expect(envoyTlsFailure(TLS('10.1.2.31'))).toEqual({
      address: '10.1.2.31:8443',
      reason: 'certificate has expired',
      verify: true,
    });
    expect(envoyTlsFailure('[info] starting main dispatch loop')).toBeUndefined();
  });

  it("searches the dedicated proxy's log first, not a sidecar's", () => {
    const reads = envoyUpstreamTlsAnalyzer.reads(ctx(NS, [pods, deps], TASK));
    expect(reads[0]?.args['name']).toBe('edge-7b9d6c5f48-4xq8m');
    expect(envoyUpstreamTlsAnalyzer.reads(ctx(NS, [pods, deps], 'the shop is slow'))).toEqual([]);
  });

  it('names the expiry, the upstream workload and the renewal', () => {
    const [f] = envoyUpstreamTlsAnalyzer.finds(ctx(NS, [pods, deps, searched([TLS('10.1.2.31')])], TASK));
    expect(f?.object).toBe('deployment edge (pod edge-7b9d6c5f48-4xq8m)');
    expect(f?.cause).toContain('certificate has expired');
    expect(f?.cause).toContain('(cart, at 10.1.2.31:8443)');
    expect(f?.advice).toMatch(/renew/);
  });

  it("takes nothing from a search's own header, and advises the trust bundle for an unknown issuer", () => {
    const none = observed(
      'search_pod_logs',
      { namespace: NS, name: 'edge-7b9d6c5f48-4xq8m' },
      'no line matches "TLS_error|CERTIFICATE_VERIFY_FAILED" in the newest 30 line(s) read',
    );
    expect(envoyUpstreamTlsAnalyzer.finds(ctx(NS, [pods, deps, none], TASK))).toEqual([]);
    const [f] = envoyUpstreamTlsAnalyzer.finds(
      ctx(NS, [pods, deps, searched([TLS('10.1.2.31', 'unable to get local issuer certificate')])], TASK),
    );
    expect(f?.advice).toMatch(/CA/);
  });

  it('costs a bounded time on long near-miss lines', () => {
    const near = `remote address:${'1.'.repeat(500)},TLS_error:|verification error at depth 0: ${'a'.repeat(2000)}`;
    expectBounded(
      () => envoyUpstreamTlsAnalyzer.finds(ctx(NS, [pods, deps, searched(Array(1500).fill(near))], TASK)),
      () =>
        envoyUpstreamTlsAnalyzer.finds(
          ctx(NS, [pods, deps, searched(Array(1500).fill('z'.repeat(near.length)))], TASK),
        ),
    );
  });
});

describe('version-skew: a release that left one component on the old version', () => {
  const NS = 'flow';
  const TASK = 'Since release 7.4.0 of the jobs service went out, new jobs stay queued and nothing runs.';
  const deps = (worker = 'acme/jobs:7.3.2') =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ['jobs-api', '2/2', '2', '2', '90d', 'acme/jobs:7.4.0'],
        ['jobs-beat', '1/1', '1', '1', '90d', 'acme/jobs:7.4.0'],
        ['jobs-worker', '3/3', '3', '3', '90d', worker],
        ['ui', '1/1', '1', '1', '90d', 'acme/ui:1.0.0'],
      ]),
    );
  const pods = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['jobs-worker-6b9d7c5f48-4xq8m', '1/1', 'Running', '0', '9d'],
    ]),
  );
  const workerLog = log(NS, 'jobs-worker-6b9d7c5f48-4xq8m', [
    '[2026-05-02 09:41:03,112: INFO/MainProcess] ready.',
    "[2026-05-02 09:44:47,430: ERROR/MainProcess] Received unregistered task of type 'jobs.tasks.run_v2'.",
  ]);
  const described = observed(
    'describe_pod',
    { namespace: NS, name: 'jobs-worker-6b9d7c5f48-4xq8m' },
    'Name: jobs-worker-6b9d7c5f48-4xq8m\nContainers:\n  worker:\n    Image:          acme/jobs:7.3.2\n    State:          Running\n',
  );

  it("reads the lagging workload's log, and says it was left out of the release the task names", () => {
    expect(versionSkewAnalyzer.reads(ctx(NS, [deps(), pods], TASK))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'jobs-worker-6b9d7c5f48-4xq8m' } },
    ]);
    const [f] = versionSkewAnalyzer.finds(ctx(NS, [deps(), pods, workerLog, described], TASK));
    expect(f?.object).toBe('deployment jobs-worker (pod jobs-worker-6b9d7c5f48-4xq8m)');
    expect(f?.cause).toContain('left out of the release');
    expect(f?.cause).toMatch(/does not register/);
    expect(f?.fix?.args).toEqual({
      namespace: NS,
      deployment: 'jobs-worker',
      container: 'worker',
      image: 'acme/jobs:7.4.0',
    });
  });

  it('stays quiet when the task names no version of them, or one the task quotes inside a longer one', () => {
    expect(
      versionSkewAnalyzer.finds(ctx(NS, [deps(), pods], 'new jobs stay queued since the release')),
    ).toEqual([]);
    expect(versionSkewAnalyzer.finds(ctx(NS, [deps(), pods], 'since 17.4.0 jobs stay queued'))).toEqual([]);
    expect(versionSkewAnalyzer.finds(ctx(NS, [deps('acme/jobs:7.4.0'), pods], TASK))).toEqual([]);
  });
});

describe('expected-log-lines: the log of the workload whose warnings the person asks about', () => {
  it("searches one running pod's log of each named workload for warnings when the task asks about them", () => {
    const pods = observed(
      'list_pods',
      { namespace: 'edge' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['gate-59fzrnnl7q-l7sdt', '1/1', 'Running', '0', '2h'],
        ['gate-59fzrnnl7q-vq8wz', '1/1', 'Running', '0', '2h'],
      ]),
    );
    const task = 'Since the image bump, the gate pods print [warn] lines at every start. Is it degraded?';
    expect(expectedLogLinesAnalyzer.reads({ ...ctx('edge', [pods], task), hints: ['gate'] })).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: 'edge',
          name: 'gate-59fzrnnl7q-l7sdt',
          pattern: 'warn',
          context: 0,
          maxMatches: 20,
        },
      },
    ]);
    expect(
      expectedLogLinesAnalyzer.reads({ ...ctx('edge', [pods], 'the gate is slow'), hints: ['gate'] }),
    ).toEqual([]);
  });
});

describe('misconceptions: a FailedScheduling warning resolved by preempting an overprovisioning placeholder', () => {
  const NS = 'pay';
  const TASK =
    'We saw Warning FailedScheduling "0/3 nodes are available: 3 Insufficient cpu" for a new api pod after the scale-up. Do we need more nodes?';
  const pods = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['api-6c9d7f8b45-tz2mn', '1/1', 'Running', '0', '10m'],
    ]),
  );
  const events = observed(
    'get_events',
    { namespace: NS },
    [
      'LAST SEEN   TYPE      REASON             OBJECT                     MESSAGE',
      '10m         Normal    Scheduled          pod/api-6c9d7f8b45-tz2mn   Successfully assigned pay/api-6c9d7f8b45-tz2mn to n3',
      '11m         Warning   FailedScheduling   pod/api-6c9d7f8b45-tz2mn   0/3 nodes are available: 3 Insufficient cpu.',
    ].join('\n'),
  );
  const classes = observed(
    'list_resources',
    { kind: 'PriorityClass' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['overprovisioning', '-', '9d'],
      ['api-critical', '-', '9d'],
    ]),
  );
  const found = observed(
    'find_objects',
    { name: 'placeholder' },
    table([
      ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
      ['Deployment', 'spare', 'spare-placeholder', 'Available', '90d'],
    ]),
  );
  const preempted = observed(
    'get_events',
    { namespace: 'spare' },
    'LAST SEEN   TYPE     REASON      OBJECT                                MESSAGE\n11m         Normal   Preempted   pod/spare-placeholder-5f7c8d6b9a-6rjqs   Preempted by pod 7f3b on node n3',
  );
  const notes = (seen: SeenObservation[], task = TASK) =>
    misconceptionsAnalyzer.notes?.({ ...ctx(NS, seen, task) }) ?? [];

  it('reads the PriorityClasses, then the placeholder, then its namespace events', () => {
    expect(misconceptionsAnalyzer.reads(ctx(NS, [pods, events], TASK))).toContainEqual({
      tool: 'list_resources',
      args: { kind: 'PriorityClass' },
    });
    expect(misconceptionsAnalyzer.reads(ctx(NS, [pods, events, classes, found], TASK))).toContainEqual({
      tool: 'get_events',
      args: { namespace: 'spare' },
    });
  });

  it('says the pod waited, was scheduled, and got its room by preempting the placeholder', () => {
    const said = notes([pods, events, classes, found, preempted]).join('\n');
    expect(said).toContain('was scheduled a minute later (to n3)');
    expect(said).toContain('It got its room by preemption');
  });

  it('says nothing while a pod is not Running and Ready, or when the failed pod was never scheduled', () => {
    const pending = observed(
      'list_pods',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['api-6c9d7f8b45-tz2mn', '0/1', 'Pending', '0', '10m'],
      ]),
    );
    expect(notes([pending, events, classes, found, preempted]).join('\n')).not.toMatch(/transient/);
    const failedOnly = observed(
      'get_events',
      { namespace: NS },
      'LAST SEEN   TYPE      REASON             OBJECT                     MESSAGE\n11m         Warning   FailedScheduling   pod/api-6c9d7f8b45-tz2mn   0/3 nodes are available: 3 Insufficient cpu.',
    );
    expect(notes([pods, failedOnly, classes]).join('\n')).not.toMatch(/transient/);
  });
});
