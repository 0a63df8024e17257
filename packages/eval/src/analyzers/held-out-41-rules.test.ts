// Table tests of the rules written for held-out set 41 (named-setting, Apache's `[module:level]`
// levels, logged-limit's Spring multipart entry, duplicate-scheduler, health-check-noise,
// ssh-known-hosts, netpol-ingress's undici timeouts, ingress-proxy's WebSocket rule and three glosses),
// each with the near misses that must stay silent and the variants that must still fire. A test that
// shows a rule bug is skipped, with the bug named in its comment.
import { describe, expect, it } from 'vitest';
import { appErrorsAnalyzer, errorLines, warningLines } from './app-errors.js';
import { duplicateSchedulerAnalyzer } from './duplicate-scheduler.js';
import { healthCheckNoise, healthCheckNoiseAnalyzer, noiseOf } from './health-check-noise.js';
import { ingressProxyAnalyzer } from './ingress-proxy.js';
import { glossOf } from './log-glosses.js';
import { loggedLimitAnalyzer } from './logged-limit.js';
import { configuredValue, namedSettingAnalyzer, namedSettings } from './named-setting.js';
import { netpolIngressAnalyzer } from './netpol-ingress.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { sshKnownHostsAnalyzer } from './ssh-known-hosts.js';
import type { AnalyzerContext } from './types.js';

/** `ctx` with the task's words that name objects, as the baseline passes them. */
const hinted = (
  ns: string,
  seen: Parameters<typeof ctx>[1],
  task: string,
  hints: string[],
): AnalyzerContext => ({ ...ctx(ns, seen, task), hints });

/** A `describe_pod` output in kubectl's layout: the head, then the given sections. */
const describePod = (ns: string, name: string, owner: string | undefined, rest: string[]) =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    [
      `Name:             ${name}`,
      `Namespace:        ${ns}`,
      'Status:           Running',
      `Controlled By:    ${owner ? `ReplicaSet/${owner}` : '<none>'}`,
      ...rest,
      'QoS Class:        Burstable',
      'Events:  <none>',
    ].join('\n'),
  );

/** A ConfigMap volume's lines under `Volumes:`. */
const configMapVolume = (volume: string, map: string) => [
  `  ${volume}:`,
  '    Type:      ConfigMap (a volume populated by a ConfigMap)',
  `    Name:      ${map}`,
  '    Optional:  false',
];

/** `get_resource ConfigMap` as YAML, one data key holding `file`. */
const configMapYaml = (ns: string, name: string, key: string, file: string[]) =>
  observed(
    'get_resource',
    { kind: 'ConfigMap', name, namespace: ns },
    [
      'apiVersion: v1',
      'data:',
      `  ${key}: |`,
      ...file.map((l) => `    ${l}`),
      'kind: ConfigMap',
      'metadata:',
      `  name: ${name}`,
      `  namespace: ${ns}`,
    ].join('\n'),
  );

const services = (ns: string, rows: string[][]) =>
  observed(
    'list_services',
    { namespace: ns },
    table([['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ...rows]),
  );

// ---------------------------------------------------------------------------------------------
// named-setting
// ---------------------------------------------------------------------------------------------

const APACHE_REACHED =
  '[Wed Apr 08 09:31:07.660512 2026] [mpm_prefork:error] [pid 1] AH00161: server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting';

describe('namedSettings: the settings a log line names as such', () => {
  it.each([
    [APACHE_REACHED, ['MaxRequestWorkers']],
    [
      '[2026-04-14T08:00:00,123][ERROR][o.e.a.s.TransportSearchAction] [es-0] Trying to create too many scroll contexts. Must be less than or equal to: [500]. This limit can be set by changing the [search.max_open_scroll_context] setting.',
      ['search.max_open_scroll_context'],
    ],
    [
      "2026-04-14T08:00:00Z ERROR Got a packet bigger than allowed; raise the 'max_allowed_packet' variable",
      ['max_allowed_packet'],
    ],
  ])('reads %s', (line, names) => {
    expect(namedSettings([line])).toEqual(names);
  });
  it('leaves out plain words before "setting" or "variable" (not a configuration key)', () => {
    expect(
      namedSettings([
        'ERROR the retry setting is too low',
        'FATAL required environment variable missing',
        'WARN changing the timeout option has no effect',
      ]),
    ).toEqual([]);
  });
  it('names each setting once, at most four, first seen first', () => {
    const lines = ['alpha_one', 'beta_two', 'alpha_one', 'gamma_three', 'delta_four', 'eps_five'].map(
      (n) => `ERROR raise the ${n} setting`,
    );
    expect(namedSettings(lines)).toEqual(['alpha_one', 'beta_two', 'gamma_three', 'delta_four']);
  });
});

describe('configuredValue: the value a configuration text gives a setting', () => {
  it.each([
    ['    MaxRequestWorkers       12', 'MaxRequestWorkers', '12'],
    ['max_allowed_packet = 16M', 'max_allowed_packet', '16M'],
    ['search.max_open_scroll_context: 500', 'search.max_open_scroll_context', '500'],
    ['  "max_connections": "200",', 'max_connections', '200'],
    // The name is matched case-insensitively (Apache's directives are).
    ['maxrequestworkers 40', 'MaxRequestWorkers', '40'],
  ])('reads %j', (text, name, value) => {
    expect(configuredValue(text, name)?.value).toBe(value);
  });
  it('skips commented lines (#, ;, //) and takes the line that sets it', () => {
    const text = [
      '# MaxRequestWorkers 400 for the exam weeks',
      '; MaxRequestWorkers 300',
      '// MaxRequestWorkers 200',
      'MaxRequestWorkers 12',
    ].join('\n');
    expect(configuredValue(text, 'MaxRequestWorkers')).toEqual({ value: '12', line: 'MaxRequestWorkers 12' });
  });
  it('a longer key that starts with the name is not the name', () => {
    expect(
      configuredValue('MaxRequestWorkersPerChild 5\nServerLimit 12', 'MaxRequestWorkers'),
    ).toBeUndefined();
    expect(configuredValue('MyMaxRequestWorkers 5', 'MaxRequestWorkers')).toBeUndefined();
  });
  it('undefined when no line sets it', () => {
    expect(configuredValue('ServerLimit 12\nStartServers 4', 'MaxRequestWorkers')).toBeUndefined();
  });
});

describe('named-setting: a limit the program reached, and the value it is configured with', () => {
  const POD = 'opac-web-5d9c7b8f6-x2k9p';
  const listed = pods('catalogue', [[POD, '1/1', 'Running', '0', '2d']]);
  const apacheLog = log('catalogue', POD, [
    '[Mon Apr 06 07:58:02.114203 2026] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.59 (Debian) PHP/8.2.18 configured -- resuming normal operations',
    APACHE_REACHED,
    '10.244.0.16 - - [08/Apr/2026:10:41:12 +0000] "GET /opac/search?q=organic HTTP/1.1" 200 48211 "-" "Mozilla/5.0" 23.412',
  ]);
  const described = describePod('catalogue', POD, 'opac-web-5d9c7b8f6', [
    'Containers:',
    '  httpd:',
    '    Image:          catalogue/opac-web:4.2.0',
    '    State:          Running',
    '    Ready:          True',
    '    Restart Count:  0',
    '    Environment:    <none>',
    '    Mounts:',
    '      /etc/apache2/mods-available/mpm_prefork.conf from mpm (rw,path="mpm_prefork.conf")',
    'Volumes:',
    ...configMapVolume('mpm', 'opac-apache-mpm'),
  ]);
  const mpm = configMapYaml('catalogue', 'opac-apache-mpm', 'mpm_prefork.conf', [
    '# prefork MPM (mod_php); MaxRequestWorkers sized for the 2025 pilot',
    '<IfModule mpm_prefork_module>',
    '    StartServers             4',
    '    ServerLimit             12',
    '    MaxRequestWorkers       12',
    '    MaxConnectionsPerChild 500',
    '</IfModule>',
  ]);

  it('reads the pod description, then the ConfigMap it mounts, then nothing more', () => {
    expect(namedSettingAnalyzer.reads(ctx('catalogue', [listed, apacheLog]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'catalogue', name: POD } },
    ]);
    expect(namedSettingAnalyzer.reads(ctx('catalogue', [listed, apacheLog, described]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'opac-apache-mpm', namespace: 'catalogue' } },
    ]);
    expect(namedSettingAnalyzer.reads(ctx('catalogue', [listed, apacheLog, described, mpm]))).toEqual([]);
  });
  it('quotes the line and the configured value from the ConfigMap (not its comment)', () => {
    const [f] = namedSettingAnalyzer.finds(ctx('catalogue', [listed, apacheLog, described, mpm]));
    expect(f?.weight).toBe(70);
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toContain('reached its MaxRequestWorkers setting');
    expect(f?.cause).toContain('ConfigMap opac-apache-mpm ("MaxRequestWorkers 12")');
    expect(f?.cause).toContain('sets MaxRequestWorkers to 12');
    expect(f?.advice).toMatch(/^raise MaxRequestWorkers \(now 12\)/);
    expect(f?.revisionSound).toBe(true);
  });
  it('weighs less when the pod is not Running', () => {
    const crashing = pods('catalogue', [[POD, '0/1', 'CrashLoopBackOff', '4', '2d']]);
    expect(
      namedSettingAnalyzer.finds(ctx('catalogue', [crashing, apacheLog, described, mpm]))[0]?.weight,
    ).toBe(62);
  });
  it('finds the value in an environment variable named like the setting in upper snake case', () => {
    const ES = 'search-es-7c9d8f6b5-q2w4r';
    const esLog = log('search', ES, [
      '[2026-04-14T08:00:00,123][ERROR][o.e.a.s.TransportSearchAction] [es-0] Trying to create too many scroll contexts. Must be less than or equal to: [500]. This limit can be set by changing the [search.max_open_scroll_context] setting.',
    ]);
    const esDescribed = describePod('search', ES, 'search-es-7c9d8f6b5', [
      'Containers:',
      '  es:',
      '    Image:          elasticsearch:8.13.0',
      '    Environment:',
      '      ES_JAVA_OPTS:                    -Xms2g -Xmx2g',
      '      SEARCH_MAX_OPEN_SCROLL_CONTEXT:  500',
    ]);
    const [f] = namedSettingAnalyzer.finds(ctx('search', [esLog, esDescribed]));
    expect(f?.cause).toContain(
      'the variable SEARCH_MAX_OPEN_SCROLL_CONTEXT of container es sets search.max_open_scroll_context to 500',
    );
    expect(f?.weight).toBe(62);
  });
  it('silent when the configuration the pod mounts does not set the named setting', () => {
    const other = configMapYaml('catalogue', 'opac-apache-mpm', 'mpm_prefork.conf', ['ServerLimit 12']);
    expect(namedSettingAnalyzer.finds(ctx('catalogue', [listed, apacheLog, described, other]))).toEqual([]);
  });
  it('silent when the setting is named only in an info line', () => {
    const info = log('catalogue', POD, [
      '[Mon Apr 06 07:58:02.114203 2026] [mpm_prefork:notice] [pid 1] AH00163: MaxRequestWorkers setting is 12',
    ]);
    expect(namedSettingAnalyzer.reads(ctx('catalogue', [listed, info]))).toEqual([]);
    expect(namedSettingAnalyzer.finds(ctx('catalogue', [listed, info, described, mpm]))).toEqual([]);
  });
  // Found in review, fixed: (named-setting): a deprecation warning names a setting "as such" too ("[discovery.zen.
  // minimum_master_nodes] setting was deprecated"), and the rule reads every setting a warning names as
  // a limit the program reached: it reports that Elasticsearch "reached its
  // discovery.zen.minimum_master_nodes setting" set to 2 in its ConfigMap.
  it('silent for a deprecation warning that names a setting the ConfigMap sets', () => {
    const ES = 'logs-es-7c9d8f6b5-q2w4r';
    const deprecated = log('logging', ES, [
      '[2026-04-14T08:00:00,123][WARN ][o.e.d.c.s.Settings       ] [logs-es-0] [discovery.zen.minimum_master_nodes] setting was deprecated in Elasticsearch and will be removed in a future release! See the breaking changes documentation for the next major version.',
    ]);
    const esDescribed = describePod('logging', ES, 'logs-es-7c9d8f6b5', [
      'Containers:',
      '  es:',
      '    Image:          elasticsearch:7.17.20',
      '    Mounts:',
      '      /usr/share/elasticsearch/config/elasticsearch.yml from config (ro,path="elasticsearch.yml")',
      'Volumes:',
      ...configMapVolume('config', 'logs-es-config'),
    ]);
    const yml = configMapYaml('logging', 'logs-es-config', 'elasticsearch.yml', [
      'cluster.name: logs',
      'discovery.zen.minimum_master_nodes: 2',
    ]);
    expect(namedSettingAnalyzer.finds(ctx('logging', [deprecated, esDescribed, yml]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Apache httpd's `[module:level]` error log lines
// ---------------------------------------------------------------------------------------------

describe("app-errors: Apache httpd's [module:level] lines", () => {
  it.each([
    APACHE_REACHED,
    '[Wed Apr 08 09:31:07.660512 2026] [proxy:crit] [pid 12] AH00898: Error reading from remote server returned by /api',
    '[Wed Apr 08 09:31:07.660512 2026] [ssl:emerg] [pid 1] AH02572: Failed to configure at least one certificate and key',
    '[Wed Apr 08 09:31:07.660512 2026] [authz_core:alert] [pid 9] [client 10.0.0.5:5123] AH01630: client denied',
    '[Wed Apr 08 09:31:07.660512 2026] [proxy_http:error] [pid 9] (70007)The timeout specified has expired: AH01102: error reading status line',
  ])('error level: %s', (line) => {
    expect(errorLines(line)).toEqual([line]);
    expect(warningLines(line)).toEqual([]);
  });
  it('[php:warn] and [ssl:warn] are warnings, not errors', () => {
    const lines = [
      '[Wed Apr 08 09:12:40.022113 2026] [php:warn] [pid 311] [client 10.244.0.16:40122] PHP Warning:  Undefined array key "facet_lang" in /var/www/opac/search.php on line 214',
      '[Wed Apr 08 09:12:40.022113 2026] [ssl:warn] [pid 1] AH01909: www.example.com:443:0 server certificate does NOT include an ID which matches the server name',
    ];
    expect(errorLines(lines.join('\n'))).toEqual([]);
    expect(warningLines(lines.join('\n'))).toEqual(lines);
  });
  it('notice and info levels, and the client bracket, are neither', () => {
    const text = [
      '[Mon Apr 06 07:58:02.114203 2026] [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.59 (Debian) configured -- resuming normal operations',
      "[Mon Apr 06 07:58:02.114290 2026] [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'",
      '[Mon Apr 06 07:58:02.114290 2026] [http2:info] [pid 7] [client 10.0.0.5:5123] AH03078: h2_stream(7-1,HALF_CLOSED_REMOTE): closing with err=0 no_error',
      '[Mon Apr 06 07:58:02.114290 2026] [mpm_event:debug] [pid 7] event.c(2081): [client 10.0.0.9:443] AH00444: error count 0',
    ].join('\n');
    expect(errorLines(text)).toEqual([]);
    expect(warningLines(text)).toEqual([]);
  });
  it("a module name with an upper-case letter or a space is not Apache's format", () => {
    expect(errorLines('cache stats [Hits:error] 0')).toEqual([]);
    expect(errorLines('queue [jobs :error] 0')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// logged-limit: Spring's multipart max-file-size
// ---------------------------------------------------------------------------------------------

describe("logged-limit: Spring's multipart max-file-size", () => {
  const POD = 'claims-intake-6f7c9d8b4-h2k9x';
  const tooLarge = (bytes: number) =>
    log('claims', POD, [
      '2026-03-25T10:04:51.902Z ERROR 1 --- [claims-intake] [nio-8080-exec-7] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() for servlet [dispatcherServlet] threw exception [Request processing failed: org.springframework.web.multipart.MaxUploadSizeExceededException: Maximum upload size exceeded] with root cause',
      `org.apache.tomcat.util.http.fileupload.impl.FileSizeLimitExceededException: The field document exceeds its maximum permitted size of ${bytes} bytes.`,
    ]);
  const described = (env: string[]) =>
    describePod('claims', POD, 'claims-intake-6f7c9d8b4', [
      'Containers:',
      '  intake:',
      '    Image:          claims/claims-intake:3.4.0',
      '    Environment:',
      '      SPRING_PROFILES_ACTIVE:                     prod',
      ...env.map((e) => `      ${e}`),
    ]);
  const env20 = described([
    'SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE:     20MB',
    'SPRING_SERVLET_MULTIPART_MAX_REQUEST_SIZE:  100MB',
  ]);
  const fixValue = (task: string, seen = [tooLarge(20971520), env20]) =>
    (loggedLimitAnalyzer.finds(ctx('claims', seen, task))[0]?.fix?.args['set'] as { value: string }[])?.[0]
      ?.value;

  it('names the limit, the variable that holds it and a set_env fix on the deployment', () => {
    const [f] = loggedLimitAnalyzer.finds(ctx('claims', [tooLarge(20971520), env20]));
    expect(f?.object).toBe(`deployment claims-intake (pod ${POD})`);
    expect(f?.cause).toContain("Spring's multipart max-file-size allows 20MB (20971520 bytes)");
    expect(f?.cause).toContain('the container sets it through SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE=20MB');
    expect(f?.fix?.tool).toBe('set_env');
    expect(f?.fix?.args).toMatchObject({
      namespace: 'claims',
      deployment: 'claims-intake',
      container: 'intake',
    });
  });
  it('raises it to the size the task states must work (50 MB from 20MB)', () => {
    expect(fixValue('product says scans of up to 50 MB must work')).toBe('50MB');
    expect(fixValue('files as large as 60MB must upload')).toBe('60MB');
    expect(fixValue('at least 1 GB per file')).toBe('1024MB');
  });
  it('without a stated size, or one below twice the limit, by the factor 2', () => {
    expect(fixValue('uploads of big scans fail')).toBe('40MB');
    expect(fixValue('scans of up to 30 MB must work')).toBe('40MB');
  });
  it('keeps the unit the variable is written in (lower-case, kilobytes)', () => {
    const kb = described(['SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE:  20480KB']);
    expect(fixValue('', [tooLarge(20971520), kb])).toBe('40960KB');
    const lower = described(['SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE:  20mb']);
    expect(fixValue('scans of up to 50 MB', [tooLarge(20971520), lower])).toBe('50mb');
  });
  it('no variable holding the logged size: no fix, the finding still names the limit', () => {
    const other = described(['SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE:  10MB']);
    const [f] = loggedLimitAnalyzer.finds(ctx('claims', [tooLarge(20971520), other]));
    expect(f?.cause).toContain('allows 20MB');
    expect(f?.fix).toBeUndefined();
  });
  // Found in review, fixed: (logged-limit, statedSize): a decimal size is not read ("up to 1.5 GB" matches nothing), so the
  // fix raises 20MB to 40MB by the factor, far below what the task says must work (1536MB).
  it('reads a decimal size the task states ("up to 1.5 GB")', () => {
    expect(fixValue('scans of up to 1.5 GB must work')).toBe('1536MB');
  });
  // Found in review, fixed: (logged-limit, statedSize): any "up to N MB" in the task is taken as the upload size, also one
  // about memory: "the pods use up to 900 MB of memory" raises max-file-size to 900MB.
  it('a size the task states about something else (memory) is not the upload size', () => {
    expect(
      fixValue('uploads of large scans fail; the pods use up to 900 MB of memory, so it is not the limit'),
    ).toBe('40MB');
  });
  // Found in review, fixed: (logged-limit): Tomcat's "the request was rejected because its size (N) exceeds the configured
  // maximum (M)" is FileUploadBase's SizeLimitExceededException, the whole request over
  // max-request-size, but the entry reads it as max-file-size: the finding says "Spring's multipart
  // max-file-size allows 50MB" and its fix raises SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE, leaving the
  // request-size limit that refused the upload in place.
  it('a request over max-request-size names max-request-size, not max-file-size', () => {
    const request = log('claims', POD, [
      '2026-03-25T10:04:51.902Z ERROR 1 --- [nio-8080-exec-7] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception [Request processing failed: org.springframework.web.multipart.MaxUploadSizeExceededException: Maximum upload size exceeded] with root cause',
      'org.apache.tomcat.util.http.fileupload.impl.SizeLimitExceededException: the request was rejected because its size (62914560) exceeds the configured maximum (52428800)',
    ]);
    const both = described([
      'SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE:     50MB',
      'SPRING_SERVLET_MULTIPART_MAX_REQUEST_SIZE:  50MB',
    ]);
    const [f] = loggedLimitAnalyzer.finds(ctx('claims', [request, both]));
    expect(f?.cause).not.toContain('max-file-size');
    expect((f?.fix?.args['set'] as { name: string }[] | undefined)?.[0]?.name).not.toBe(
      'SPRING_SERVLET_MULTIPART_MAX_FILE_SIZE',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// duplicate-scheduler
// ---------------------------------------------------------------------------------------------

describe('duplicate-scheduler: a scheduler that must run once, run by several replicas', () => {
  const A = 'invoice-beat-6c8d9f7b5d-k2x4p';
  const B = 'invoice-beat-6c8d9f7b5d-m7q9t';
  const listed = pods('billing', [
    [A, '1/1', 'Running', '0', '2d'],
    [B, '1/1', 'Running', '0', '2d'],
    ['invoice-worker-7f8d9c6b5-x2z4q', '1/1', 'Running', '0', '9d'],
  ]);
  const due = (stamp: string, task = 'send-payment-reminders') =>
    `[${stamp}: INFO/MainProcess] Scheduler: Sending due task ${task} (invoicing.tasks.${task.replace(/-/g, '_')})`;
  const beatLog = (pod: string, lines: string[]) =>
    log('billing', pod, ['[2026-03-16 10:02:41,118: INFO/MainProcess] beat: Starting...', ...lines]);

  it("reads both replicas' logs of a Deployment named like a scheduler", () => {
    expect(duplicateSchedulerAnalyzer.reads(ctx('billing', [listed]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'billing', name: A } },
      { tool: 'get_pod_logs', args: { namespace: 'billing', name: B } },
    ]);
  });
  it('reads nothing for a replicated Deployment neither named nor said to run twice', () => {
    const web = pods('billing', [
      ['invoice-web-6c8d9f7b5d-k2x4p', '1/1', 'Running', '0', '2d'],
      ['invoice-web-6c8d9f7b5d-m7q9t', '1/1', 'Running', '0', '2d'],
    ]);
    expect(duplicateSchedulerAnalyzer.reads(ctx('billing', [web], 'invoices are slow'))).toEqual([]);
  });
  it('names the Deployment and scales it to one when two pods send the same due task in the same minute', () => {
    const seen = [
      listed,
      beatLog(A, [due('2026-03-18 06:00:00,002')]),
      beatLog(B, [due('2026-03-18 06:00:00,019')]),
    ];
    const [f] = duplicateSchedulerAnalyzer.finds(ctx('billing', seen));
    expect(f?.object).toBe('deployment invoice-beat');
    expect(f?.cause).toContain('on 2 replicas');
    expect(f?.cause).toContain('queued twice');
    expect(f?.fix).toEqual({
      tool: 'scale_deployment',
      args: { namespace: 'billing', name: 'invoice-beat', replicas: 1 },
      text: expect.stringContaining('scale invoice-beat to 1 replica'),
    });
    expect(duplicateSchedulerAnalyzer.reads(ctx('billing', seen))).toEqual([]);
  });
  it('silent when the two pods sent it in different minutes, or sent different tasks', () => {
    const apart = [
      listed,
      beatLog(A, [due('2026-03-18 06:00:00,002')]),
      beatLog(B, [due('2026-03-18 07:00:00,019')]),
    ];
    expect(duplicateSchedulerAnalyzer.finds(ctx('billing', apart))).toEqual([]);
    const different = [
      listed,
      beatLog(A, [due('2026-03-18 06:00:00,002')]),
      beatLog(B, [due('2026-03-18 06:00:00,019', 'close-ledger')]),
    ];
    expect(duplicateSchedulerAnalyzer.finds(ctx('billing', different))).toEqual([]);
  });
  it('silent when one pod sends the same task twice in a minute (its own schedule, one replica)', () => {
    const one = pods('billing', [[A, '1/1', 'Running', '0', '2d']]);
    const seen = [one, beatLog(A, [due('2026-03-18 06:00:00,002'), due('2026-03-18 06:00:30,002')])];
    expect(duplicateSchedulerAnalyzer.finds(ctx('billing', seen))).toEqual([]);
  });
  it('silent when the second pod is not Running (a pod that ended)', () => {
    const ended = pods('billing', [
      [A, '1/1', 'Running', '0', '2d'],
      [B, '0/1', 'Completed', '0', '2d'],
    ]);
    const seen = [
      ended,
      beatLog(A, [due('2026-03-18 06:00:00,002')]),
      beatLog(B, [due('2026-03-18 06:00:00,019')]),
    ];
    expect(duplicateSchedulerAnalyzer.finds(ctx('billing', seen))).toEqual([]);
  });
  it('three replicas: queued three times', () => {
    const C = 'invoice-beat-6c8d9f7b5d-z8w2v';
    const three = pods('billing', [
      [A, '1/1', 'Running', '0', '2d'],
      [B, '1/1', 'Running', '0', '2d'],
      [C, '1/1', 'Running', '0', '2d'],
    ]);
    const seen = [
      three,
      beatLog(A, [due('2026-03-18 06:00:00,002')]),
      beatLog(B, [due('2026-03-18 06:00:00,019')]),
    ];
    expect(duplicateSchedulerAnalyzer.finds(ctx('billing', seen))[0]?.cause).toContain('queued 3 times');
  });
});

// ---------------------------------------------------------------------------------------------
// health-check-noise
// ---------------------------------------------------------------------------------------------

const tlsEof = (stamp: string, peer: string) =>
  `2026/05/12 ${stamp} http: TLS handshake error from ${peer}: EOF`;
const GO_CHECKS = [
  tlsEof('10:39:44', '10.0.12.207:41862'),
  tlsEof('10:39:45', '10.0.44.118:51990'),
  tlsEof('10:39:47', '10.0.71.36:38770'),
  tlsEof('10:39:54', '10.0.12.207:41876'),
  tlsEof('10:39:55', '10.0.44.118:52004'),
  tlsEof('10:39:57', '10.0.71.36:38784'),
];

const INGEST = 'telemetry-ingest-5b7c9d8f6-q4w8z';
/** Netty's reset lines: the peer on the WARN line, the reset on the line after it. */
const nettyReset = (stamp: string, peer: string) => [
  `2026-05-19 ${stamp} WARN  [epollEventLoopGroup-3-2] i.n.c.DefaultChannelPipeline - An exceptionCaught() event was fired, and it reached at the tail of the pipeline. remote=/${peer}`,
  'io.netty.channel.unix.Errors$NativeIoException: recvAddress(..) failed: Connection reset by peer',
];
const NETTY = [
  '2026-05-19 08:28:40.022 INFO  [stats] c.a.iot.IngestStats - 1m: connected_clients=18412 connects=61 disconnects=58 publish_rate=4205/s dropped=0',
  ...nettyReset('08:28:41.305', '100.122.64.147:26012'),
  ...nettyReset('08:28:43.306', '100.122.64.151:41877'),
  ...nettyReset('08:28:45.309', '100.122.64.147:26044'),
  ...nettyReset('08:28:47.311', '100.122.64.151:41902'),
  '2026-05-19 08:29:40.021 INFO  [stats] c.a.iot.IngestStats - 1m: connected_clients=18409 connects=57 disconnects=60 publish_rate=4199/s dropped=0',
];

describe('healthCheckNoise and noiseOf: connections cut by a few checkers, and nothing else', () => {
  it('Go TLS EOFs from three addresses, each again and again: noise, sources most frequent first', () => {
    const text = [...GO_CHECKS, tlsEof('10:40:04', '10.0.44.118:52031')].join('\n');
    const noise = healthCheckNoise(text, text.split('\n'));
    expect(noise?.lines).toHaveLength(7);
    expect(noise?.sources).toEqual(['10.0.44.118', '10.0.12.207', '10.0.71.36']);
    expect(noise?.others).toEqual([]);
  });
  it('undefined for fewer than four failure lines', () => {
    const text = GO_CHECKS.slice(0, 3).join('\n');
    expect(healthCheckNoise(text, text.split('\n'))).toBeUndefined();
  });
  it('undefined when an address cuts only once (a client, not a checker)', () => {
    const text = [...GO_CHECKS, tlsEof('10:40:01', '203.0.113.9:50122')].join('\n');
    expect(healthCheckNoise(text, text.split('\n'))).toBeUndefined();
  });
  it('undefined for cuts from more than six addresses (a population of clients)', () => {
    const peers = ['10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.4', '10.0.1.5', '10.0.1.6', '10.0.1.7'];
    const text = [...peers, ...peers].map((p, i) => tlsEof(`10:40:${10 + i}`, `${p}:4${i}000`)).join('\n');
    expect(healthCheckNoise(text, text.split('\n'))).toBeUndefined();
  });
  it('undefined when a cut has no peer address in its line or the line before', () => {
    const text = ['2026/05/12 10:39:40 read tcp: Connection reset by peer', ...GO_CHECKS].join('\n');
    expect(healthCheckNoise(text, text.split('\n'))).toBeUndefined();
  });
  it('undefined when other failures outnumber what a few stray lines are', () => {
    const text = [
      ...GO_CHECKS,
      '2026/05/12 10:40:01 ERROR upstream orders: 502',
      '2026/05/12 10:40:02 ERROR upstream orders: 502 again',
      '2026/05/12 10:40:03 ERROR upstream payments: 504',
    ].join('\n');
    expect(healthCheckNoise(text, text.split('\n'))).toBeUndefined();
  });
  it("noiseOf: Netty's resets with the peer on the line before, the stats lines aside", () => {
    const noise = noiseOf(NETTY.join('\n'));
    expect(noise?.sources).toEqual(['100.122.64.147', '100.122.64.151']);
    expect(noise?.lines).toHaveLength(4);
    expect(noise?.others).toEqual([]);
  });
  it('noiseOf: an ERROR line that is not a cut is one of the others', () => {
    const line =
      '2026-05-19 08:29:00.000 ERROR [writer] c.a.iot.Sink - batch write failed: timeout after 5000ms';
    expect(noiseOf([...NETTY, line].join('\n'))?.others).toEqual([line]);
  });
});

describe('health-check-noise: the note, and app-errors standing down', () => {
  const listed = pods('iot', [[INGEST, '1/1', 'Running', '0', '15d']]);
  const lb = services('iot', [
    ['telemetry-ingest', 'LoadBalancer', '10.96.4.12', '100.64.0.9', '1883:31883/TCP', '300d'],
  ]);
  const nodePort = services('iot', [
    ['telemetry-ingest', 'NodePort', '10.96.4.12', '<none>', '1883:31883/TCP', '300d'],
  ]);
  const clusterIp = services('iot', [
    ['telemetry-ingest', 'ClusterIP', '10.96.4.12', '<none>', '1883/TCP', '300d'],
  ]);
  const ingestLog = (extra: string[] = []) => log('iot', INGEST, [...NETTY, ...extra]);

  it('the note names the count, the addresses and the Service, and says no action is needed', () => {
    const [note] = healthCheckNoiseAnalyzer.notes!(ctx('iot', [listed, lb, ingestLog()]));
    expect(note).toMatch(/^The 4 connection errors in the log of telemetry-ingest-5b7c9d8f6-q4w8z/);
    expect(note).toContain('from 2 addresses (100.122.64.147, 100.122.64.151)');
    expect(note).toContain('in front of Service telemetry-ingest');
    expect(note).toContain('no action is needed');
    expect(healthCheckNoiseAnalyzer.finds(ctx('iot', [listed, lb, ingestLog()]))).toEqual([]);
  });
  it('no note without a LoadBalancer or NodePort Service', () => {
    expect(healthCheckNoiseAnalyzer.notes!(ctx('iot', [listed, clusterIp, ingestLog()]))).toEqual([]);
    expect(healthCheckNoiseAnalyzer.notes!(ctx('iot', [listed, ingestLog()]))).toEqual([]);
  });
  it('app-errors stands down when every failure line is a cut and a LoadBalancer or NodePort Service exists', () => {
    expect(appErrorsAnalyzer.finds(ctx('iot', [listed, lb, ingestLog()]))).toEqual([]);
    expect(appErrorsAnalyzer.finds(ctx('iot', [listed, nodePort, ingestLog()]))).toEqual([]);
  });
  it('app-errors still reports the cuts behind a ClusterIP Service only', () => {
    const [f] = appErrorsAnalyzer.finds(ctx('iot', [listed, clusterIp, ingestLog()]));
    expect(f?.object).toBe(`pod ${INGEST}`);
  });
  it('app-errors still reports a log with an ERROR line besides the cuts', () => {
    const line =
      '2026-05-19 08:29:00.000 ERROR [writer] c.a.iot.Sink - batch write failed: timeout after 5000ms';
    const [f] = appErrorsAnalyzer.finds(ctx('iot', [listed, lb, ingestLog([line])]));
    expect(f?.cause).toContain('batch write failed');
  });
  // Found in review, fixed: (app-errors with noiseOf): noiseOf counts as failure lines only cuts and lines with the words
  // ERROR/WARN/error/warn, while app-errors' errorLines also takes "Exception", "FATAL", "panic:" and
  // 5xx access lines; such a line is not among noiseOf's `others`, so app-errors stands down although
  // a failure line is not a cut.
  it('app-errors still reports an Exception line (no ERROR word) besides the cuts', () => {
    const line =
      'Exception in thread "publisher-1" java.lang.IllegalStateException: outbound queue full (capacity 10000)';
    expect(appErrorsAnalyzer.finds(ctx('iot', [listed, lb, ingestLog([line])]))).not.toEqual([]);
  });
  // Found in review, fixed: (same): a 5xx answer in the server's access log is a failure app-errors reads, not a cut.
  it('app-errors still reports a 5xx access line besides the cuts', () => {
    const line =
      '10.0.3.4 - - [19/May/2026:08:29:01 +0000] "POST /v1/readings HTTP/1.1" 503 0 "-" "meter-fw/4.2"';
    expect(appErrorsAnalyzer.finds(ctx('iot', [listed, lb, ingestLog([line])]))).not.toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// ssh-known-hosts
// ---------------------------------------------------------------------------------------------

describe('ssh-known-hosts: an SSH client that cannot verify the server, and the Secret it reads', () => {
  const POD = 'handbook-7f5b9c6d8-z9r4k';
  const cloneLog = (line: string) =>
    log('docs', POD, ["Cloning into '/content'...", line, 'fatal: Could not read from remote repository.'], {
      container: 'git-clone',
    });
  const failed = cloneLog('Host key verification failed.');
  const described = (volumeType: 'Secret' | 'ConfigMap') =>
    describePod('docs', POD, 'handbook-7f5b9c6d8', [
      'Init Containers:',
      '  git-clone:',
      '    Image:          alpine/git:2.45.2',
      '    Args:           clone --depth=1 git@git.corp.example:platform/handbook.git /content',
      '    Mounts:',
      '      /content from content (rw)',
      '      /root/.ssh from deploy-key (ro)',
      'Containers:',
      '  nginx:',
      '    Image:          nginx:1.25.4',
      '    Mounts:',
      '      /usr/share/nginx/html from content (ro)',
      'Volumes:',
      '  content:',
      "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)",
      '    Medium:',
      '  deploy-key:',
      ...(volumeType === 'Secret'
        ? ['    Type:        Secret (a volume populated by a Secret)', '    SecretName:  handbook-deploy-key']
        : [
            '    Type:      ConfigMap (a volume populated by a ConfigMap)',
            '    Name:      handbook-deploy-key',
          ]),
      '    Optional:    false',
    ]);
  const secret = (keys: string[]) =>
    observed(
      'describe_resource',
      { kind: 'Secret', name: 'handbook-deploy-key', namespace: 'docs' },
      [
        'Name:         handbook-deploy-key',
        'Namespace:    docs',
        'Kind:         Secret (v1)',
        'Labels:       <none>',
        'Annotations:  platform.example.com/rotated-by=key-rotator (SEC-771)',
        'Age:          17h',
        'Type:         Opaque',
        '',
        'Data',
        '====',
        ...keys.map((k) => `${k}:  411 bytes`),
        'Events:  <none>',
      ].join('\n'),
    );

  it('reads the Secret mounted at the .ssh path, once', () => {
    expect(sshKnownHostsAnalyzer.reads(ctx('docs', [failed, described('Secret')]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'Secret', name: 'handbook-deploy-key', namespace: 'docs' } },
    ]);
    expect(
      sshKnownHostsAnalyzer.reads(ctx('docs', [failed, described('Secret'), secret(['id_ed25519'])])),
    ).toEqual([]);
  });
  it('a Secret with only the private key: the missing known_hosts, the Secret and its age', () => {
    const [f] = sshKnownHostsAnalyzer.finds(
      ctx('docs', [failed, described('Secret'), secret(['id_ed25519'])]),
    );
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toContain(
      'the SSH client in git-clone cannot verify the server\'s host key ("Host key verification failed.")',
    );
    expect(f?.cause).toContain(
      'it reads /root/.ssh from Secret handbook-deploy-key, recreated 17h ago, which holds only id_ed25519 and no known_hosts',
    );
    expect(f?.evidence).toContain(
      'describe_pod handbook-7f5b9c6d8-z9r4k: /root/.ssh from Secret handbook-deploy-key',
    );
  });
  it('"No ED25519 host key is known" is the same refusal', () => {
    const noKey = cloneLog(
      'No ED25519 host key is known for git.corp.example and you have requested strict checking.',
    );
    const [f] = sshKnownHostsAnalyzer.finds(
      ctx('docs', [noKey, described('Secret'), secret(['id_ed25519'])]),
    );
    expect(f?.cause).toContain('no known_hosts');
  });
  it('silent for "verification failed" when the Secret holds known_hosts', () => {
    const seen = [failed, described('Secret'), secret(['id_ed25519', 'known_hosts'])];
    expect(sshKnownHostsAnalyzer.finds(ctx('docs', seen))).toEqual([]);
  });
  it('a changed host key with known_hosts in the Secret: the recorded key is stale', () => {
    const changed = cloneLog('@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @');
    const [f] = sshKnownHostsAnalyzer.finds(
      ctx('docs', [changed, described('Secret'), secret(['id_ed25519', 'known_hosts'])]),
    );
    expect(f?.cause).toContain('refuses the server because its host key changed');
    expect(f?.cause).toContain('the known_hosts in Secret handbook-deploy-key, mounted at /root/.ssh');
  });
  it('silent when .ssh comes from a ConfigMap, and for a host key added on first use', () => {
    expect(sshKnownHostsAnalyzer.reads(ctx('docs', [failed, described('ConfigMap')]))).toEqual([]);
    const added = cloneLog(
      "Warning: Permanently added 'git.corp.example' (ED25519) to the list of known hosts.",
    );
    expect(sshKnownHostsAnalyzer.reads(ctx('docs', [added, described('Secret')]))).toEqual([]);
    expect(
      sshKnownHostsAnalyzer.finds(ctx('docs', [added, described('Secret'), secret(['id_ed25519'])])),
    ).toEqual([]);
  });
  it('silent until the Secret is described', () => {
    expect(sshKnownHostsAnalyzer.finds(ctx('docs', [failed, described('Secret')]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// netpol-ingress: undici's ConnectTimeoutError
// ---------------------------------------------------------------------------------------------

describe("netpol-ingress: a client's connections to another namespace dropped by its ingress policy", () => {
  const CLIENT = 'price-widget-7d9f8c6b5-k4x2q';
  const undici =
    '  [cause]: ConnectTimeoutError: Connect Timeout Error (attempted address: fx-rates.market-data.svc.cluster.local:8080, timeout: 10000ms)';
  const clientLog = (lines: string[]) =>
    log('storefront', CLIENT, [
      '2026-04-14T08:59:02.114Z error fx refresh failed: TypeError: fetch failed',
      ...lines,
    ]);
  const described = (labels: string[]) =>
    observed(
      'describe_pod',
      { namespace: 'storefront', name: CLIENT },
      [
        `Name:             ${CLIENT}`,
        'Namespace:        storefront',
        `Labels:           ${labels[0]}`,
        ...labels.slice(1).map((l) => `                  ${l}`),
        'Status:           Running',
        'Controlled By:    ReplicaSet/price-widget-7d9f8c6b5',
        'Containers:',
        '  widget:',
        '    Image:          storefront/price-widget:3.2.0',
      ].join('\n'),
    );
  const policy = (name: string, ingress: string[]) =>
    observed(
      'describe_resource',
      { kind: 'NetworkPolicy', name, namespace: 'market-data' },
      [
        `Name:         ${name}`,
        'Namespace:    market-data',
        'Kind:         NetworkPolicy (networking.k8s.io/v1)',
        'Age:          2h',
        'Spec:',
        '  podSelector.matchLabels.app: fx-rates',
        '  policyTypes[0]: Ingress',
        ...ingress.map((l) => `  ${l}`),
        '  ingress[0].ports[0].port: 8080',
        'Events:  <none>',
      ].join('\n'),
    );
  const byTeam = policy('allow-market-data-consumers', [
    'ingress[0].from[0].namespaceSelector.matchLabels.team: market-data',
  ]);
  const widgetLabels = ['app=price-widget', 'pod-template-hash=7d9f8c6b5'];

  it.each([
    undici,
    "    code: 'UND_ERR_CONNECT_TIMEOUT' host fx-rates.market-data.svc.cluster.local:8080",
    '2026-04-14T08:59:02Z error dial tcp fx-rates.market-data.svc:8080: i/o timeout',
  ])("a dropped connection in the client's log lists that namespace's policies: %s", (line) => {
    expect(netpolIngressAnalyzer.reads(ctx('storefront', [clientLog([line])]))).toEqual([
      { tool: 'list_resources', args: { kind: 'NetworkPolicy', namespace: 'market-data' } },
    ]);
  });
  it('a refused connection is not a dropped one: no reads', () => {
    const refused = clientLog([
      '  [cause]: Error: connect ECONNREFUSED fx-rates.market-data.svc.cluster.local:8080',
    ]);
    expect(netpolIngressAnalyzer.reads(ctx('storefront', [refused]))).toEqual([]);
  });
  it('the policy admits only namespaces by another label: named, with what it admits', () => {
    const [f] = netpolIngressAnalyzer.finds(
      ctx('storefront', [clientLog([undici]), described(widgetLabels), byTeam]),
    );
    expect(f?.weight).toBe(87);
    expect(f?.object).toBe('networkpolicy allow-market-data-consumers (namespace market-data)');
    expect(f?.cause).toContain('namespaces labeled team=market-data (a namespaceSelector)');
    expect(f?.cause).toContain(
      'the client pod price-widget-7d9f8c6b5-k4x2q in storefront carries app=price-widget',
    );
    expect(f?.cause).toContain('Connect Timeout Error');
    expect(f?.fix).toBeUndefined();
  });
  it('the policy admits the namespace by name but other pod labels: a set_labels fix', () => {
    const byPods = policy('allow-widget', [
      'ingress[0].from[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: storefront',
      'ingress[0].from[0].podSelector.matchLabels.app.kubernetes.io/name: price-widget',
    ]);
    const [f] = netpolIngressAnalyzer.finds(
      ctx('storefront', [clientLog([undici]), described(widgetLabels), byPods]),
    );
    expect(f?.cause).toContain(
      'only from pods labeled app.kubernetes.io/name=price-widget in namespace storefront',
    );
    expect(f?.fix).toEqual({
      tool: 'set_labels',
      args: {
        namespace: 'storefront',
        kind: 'Deployment',
        name: 'price-widget',
        target: 'podTemplate',
        labels: { 'app.kubernetes.io/name': 'price-widget' },
      },
      text: expect.stringContaining('add the label app.kubernetes.io/name=price-widget'),
    });
  });
  it('silent when a peer admits the namespace by name and the pod labels match', () => {
    const admitted = policy('allow-widget', [
      'ingress[0].from[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: storefront',
      'ingress[0].from[0].podSelector.matchLabels.app: price-widget',
    ]);
    expect(
      netpolIngressAnalyzer.finds(
        ctx('storefront', [clientLog([undici]), described(widgetLabels), admitted]),
      ),
    ).toEqual([]);
  });
  it('silent when a peer admits every namespace (an empty namespaceSelector)', () => {
    const any = policy('allow-all-ns', ['ingress[0].from[0].namespaceSelector: {}']);
    expect(
      netpolIngressAnalyzer.finds(ctx('storefront', [clientLog([undici]), described(widgetLabels), any])),
    ).toEqual([]);
  });
  it('silent for a policy without ingress peers (a default deny alone says nothing of who is admitted)', () => {
    const deny = observed(
      'describe_resource',
      { kind: 'NetworkPolicy', name: 'default-deny-ingress', namespace: 'market-data' },
      'Name:         default-deny-ingress\nNamespace:    market-data\nSpec:\n  podSelector: {}\n  policyTypes[0]: Ingress',
    );
    expect(
      netpolIngressAnalyzer.finds(ctx('storefront', [clientLog([undici]), described(widgetLabels), deny])),
    ).toEqual([]);
  });
  it("silent when the timed-out Service is in the client's own namespace", () => {
    const own = clientLog([
      '  [cause]: ConnectTimeoutError: Connect Timeout Error (attempted address: fx-cache.storefront.svc.cluster.local:6379, timeout: 10000ms)',
    ]);
    expect(netpolIngressAnalyzer.finds(ctx('storefront', [own, described(widgetLabels), byTeam]))).toEqual(
      [],
    );
  });
  // BUG (netpol-ingress): a namespaceSelector on a label other than kubernetes.io/metadata.name is
  // taken to exclude the client without reading the client namespace's labels. Here namespace
  // storefront carries team=web (its describe_resource is in the run) and the policy admits team=web,
  // yet the rule reports that the policy drops the client's connections.
  it.skip("silent when the client's namespace carries the label the policy's namespaceSelector admits", () => {
    const byWeb = policy('allow-web', ['ingress[0].from[0].namespaceSelector.matchLabels.team: web']);
    const namespace = observed(
      'describe_resource',
      { kind: 'Namespace', name: 'storefront' },
      'Name:         storefront\nLabels:       kubernetes.io/metadata.name=storefront,team=web\nStatus:       Active',
    );
    expect(
      netpolIngressAnalyzer.finds(
        ctx('storefront', [clientLog([undici]), described(widgetLabels), namespace, byWeb]),
      ),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// ingress-proxy: idle WebSockets cut by ingress-nginx
// ---------------------------------------------------------------------------------------------

describe("ingress-proxy: WebSockets cut by ingress-nginx's read timeout, on the Ingress the task names", () => {
  const ingress = (name: string, backend: string, annotations = '<none>', className = 'nginx') =>
    observed(
      'describe_resource',
      { kind: 'Ingress', name, namespace: 'helpdesk' },
      [
        `Name:         ${name}`,
        'Namespace:    helpdesk',
        'Kind:         Ingress (networking.k8s.io/v1)',
        'Labels:       <none>',
        `Annotations:  ${annotations}`,
        'Age:          200d',
        'Spec:',
        `  ingressClassName: ${className}`,
        `  rules[0].host: ${name}.example.com`,
        '  rules[0].http.paths[0].path: /',
        '  rules[0].http.paths[0].pathType: Prefix',
        `  rules[0].http.paths[0].backend.service.name: ${backend}`,
        '  rules[0].http.paths[0].backend.service.port.number: 80',
        'Events:  <none>',
      ].join('\n'),
    );
  const TASK =
    'The support chat in live-chat (namespace helpdesk) keeps dropping its WebSocket and reconnecting about once a minute.';
  const HINTS = [
    'support',
    'chat',
    'live-chat',
    'helpdesk',
    'keeps',
    'dropping',
    'websocket',
    'reconnecting',
    'about',
    'once',
    'minute',
  ];
  const chat = (annotations?: string) => ingress('chat-public', 'live-chat', annotations);
  const tickets = ingress('ticket-api', 'ticket-api');

  it('lists and describes the Ingresses when the task reports cut WebSockets', () => {
    const reads = ingressProxyAnalyzer.reads(hinted('helpdesk', [], TASK, HINTS));
    expect(reads).toEqual([{ tool: 'list_resources', args: { kind: 'Ingress', namespace: 'helpdesk' } }]);
  });
  it('names the Ingress whose backend the task names, with the 60 s default', () => {
    const [f] = ingressProxyAnalyzer.finds(hinted('helpdesk', [tickets, chat()], TASK, HINTS));
    expect(f?.object).toBe('ingress chat-public');
    expect(f?.cause).toMatch(/^the WebSocket connections to live-chat are closed by the Ingress controller/);
    expect(f?.cause).toContain('60 seconds by default');
    // 84, and 6 each for an Ingress name and a backend a word of the task names.
    expect(f?.weight).toBe(84 + 6 + 6);
  });
  it('an annotation below ten minutes still cuts idle WebSockets, and is quoted', () => {
    const [f] = ingressProxyAnalyzer.finds(
      hinted('helpdesk', [chat('nginx.ingress.kubernetes.io/proxy-read-timeout=300')], TASK, HINTS),
    );
    expect(f?.cause).toContain('proxy-read-timeout 300 s, set by annotation');
  });
  it('silent when the named Ingress already allows an hour, though another Ingress has the default', () => {
    const set = chat(
      'nginx.ingress.kubernetes.io/proxy-read-timeout=3600,nginx.ingress.kubernetes.io/proxy-send-timeout=3600',
    );
    expect(ingressProxyAnalyzer.finds(hinted('helpdesk', [tickets, set], TASK, HINTS))).toEqual([]);
    expect(ingressProxyAnalyzer.finds(hinted('helpdesk', [set, tickets], TASK, HINTS))).toEqual([]);
  });
  it('when the task names no Ingress or backend, an nginx Ingress with the default is named', () => {
    const task = 'Our dashboards lose their websocket connection every minute.';
    const [f] = ingressProxyAnalyzer.finds(
      hinted('helpdesk', [tickets], task, [
        'dashboards',
        'lose',
        'websocket',
        'connection',
        'every',
        'minute',
      ]),
    );
    expect(f?.object).toBe('ingress ticket-api');
  });
  it('silent for an Ingress of another class (Traefik is not ingress-nginx)', () => {
    const traefik = ingress('chat-public', 'live-chat', '<none>', 'traefik');
    expect(ingressProxyAnalyzer.finds(hinted('helpdesk', [traefik], TASK, HINTS))).toEqual([]);
  });
  it('a 504 in the task is the timeout rule, not the WebSocket one', () => {
    const task = 'Exports from live-chat return 504 after a minute and the websocket reconnects.';
    const [f] = ingressProxyAnalyzer.finds(
      hinted('helpdesk', [chat()], task, ['exports', 'live-chat', 'return', '504']),
    );
    expect(f?.cause).toMatch(/^the 504 Gateway Timeout comes from the Ingress controller/);
  });
  // Found in review, fixed: (ingress-proxy, WEBSOCKET): "reconnect" alone is read as WebSockets cut by the proxy, so a
  // client that keeps reconnecting to its database gets "the WebSocket connections to orders-api are
  // closed by the Ingress controller" for its nginx Ingress with the default read timeout.
  it('silent when what reconnects is a database client, not a WebSocket', () => {
    const task =
      'orders-api in namespace helpdesk keeps reconnecting to its Postgres database since this morning.';
    const orders = ingress('orders-api', 'orders-api');
    expect(
      ingressProxyAnalyzer.finds(
        hinted('helpdesk', [orders], task, ['orders-api', 'reconnecting', 'postgres', 'database']),
      ),
    ).toEqual([]);
  });
  it('silent when the task says nothing of WebSockets, 504s or 404s', () => {
    expect(
      ingressProxyAnalyzer.reads(hinted('helpdesk', [], 'live-chat is slow', ['live-chat', 'slow'])),
    ).toEqual([]);
    expect(
      ingressProxyAnalyzer.finds(hinted('helpdesk', [chat()], 'live-chat is slow', ['live-chat', 'slow'])),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// glosses
// ---------------------------------------------------------------------------------------------

describe('glosses: a sealed Vault, an unknown Socket.IO session, an unknown JSON field', () => {
  it('"Vault is sealed" is the server\'s own state: serverSide, not a symptom', () => {
    for (const line of [
      '2026-04-22T10:02:11Z ERROR vault login failed: Error making API request. URL: PUT http://vault.vault.svc:8200/v1/auth/kubernetes/login Code: 503. Errors: * Vault is sealed',
      '{"level":"error","msg":"secret read failed","error":"Vault is sealed"}',
    ]) {
      const g = glossOf(line);
      expect(g?.serverSide).toBe(true);
      expect(g?.symptom).toBe(false);
      expect(g?.means).toMatch(/the Vault server is sealed/);
      expect(g?.means).toMatch(/Unseal Vault/);
    }
  });
  it('no sealed gloss for an unsealed Vault or a seal status line', () => {
    expect(glossOf('2026-04-22T10:05:00Z INFO Vault is unsealed and active')).toBeUndefined();
    expect(glossOf('vault status: Sealed false, HA Mode active')).toBeUndefined();
  });
  it('Socket.IO\'s "Session ID unknown": sticky sessions across replicas', () => {
    for (const line of [
      '2026-03-14T09:12:01.331Z warn engine.io: request /socket.io/?EIO=4&transport=polling&sid=Xk2p 400 {"code":1,"message":"Session ID unknown"}',
      'Error: xhr poll error: 400 Session ID unknown',
    ]) {
      const g = glossOf(line);
      expect(g?.symptom).toBe(false);
      expect(g?.means).toMatch(/sticky sessions/);
      expect(g?.serverSide).toBeUndefined();
    }
  });
  it('no Socket.IO gloss for a session id that was issued', () => {
    expect(
      glossOf('engine.io: handshake sid=Xk2p issued, session id known to pod live-chat-0'),
    ).toBeUndefined();
  });
  it('Jackson\'s "Unrecognized field … not marked as ignorable": a producer added a field', () => {
    const g = glossOf(
      'com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException: Unrecognized field "carrierEta" (class com.acme.tracking.ShipmentEvent), not marked as ignorable (12 known properties: "id", "status"])',
    );
    expect(g?.symptom).toBe(false);
    expect(g?.means).toMatch(/FAIL_ON_UNKNOWN_PROPERTIES/);
    expect(g?.means).toMatch(/ignoreUnknown = true/);
  });
  it('no Jackson gloss for half the message', () => {
    expect(glossOf('WARN ignoring unrecognized field "carrierEta" in ShipmentEvent')).toBeUndefined();
    expect(glossOf('field carrierEta not marked as ignorable in the schema registry')).toBeUndefined();
  });
});
