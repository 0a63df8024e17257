// Table tests of the rules written after held-out set 32's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { cronDstGapAnalyzer, localTimeExists } from './cron-dst-gap.js';
import { djangoAllowedHostsAnalyzer } from './django-allowed-hosts.js';
import { dotnetHeapHardLimitAnalyzer } from './dotnet-heap-hard-limit.js';
import { logGloss } from './log-glosses.js';
import { namedWorkloadElsewhereAnalyzer } from './named-workload-elsewhere.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { opcacheFullAnalyzer } from './opcache-full.js';
import { vulnerabilityScannersAnalyzer } from './vulnerability-scanners.js';
import { workerThreadsHungReadAnalyzer } from './worker-threads-hung-read.js';

const described = (ns: string, name: string, env: string, limits = '') =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    `Controlled By:  ReplicaSet/${name.replace(/-[a-z0-9]{5}$/, '')}\nContainers:\n  app:\n    Image: a:1\n${limits}    Environment:\n      ${env}\n`,
  );
const POD = 'web-7c9f5d8b6d-bcdfg';

describe('glosses: locale, TLS versions, Django hosts, .NET memory', () => {
  it.each([
    ["UnicodeEncodeError: 'ascii' codec can't encode character '\\xfc'", /LANG=C\.UTF-8/],
    [
      'SSLHandshakeException: Client requested protocol TLSv1 is not enabled or supported in server context',
      /jdk\.tls\.disabledAlgorithms/,
    ],
    ["ERROR django.security.DisallowedHost Invalid HTTP_HOST header: 'a.example'.", /ALLOWED_HOSTS/],
    ['System.OutOfMemoryException: Exception of type', /GCHeapHardLimit/],
  ])('%s', (line, means) => {
    expect(logGloss(line)).toMatch(means);
  });
});

describe('dotnet-heap-hard-limit', () => {
  const oom = log('q', POD, ['fail: POST /quotes 500: System.OutOfMemoryException: Exception of type']);
  it('reads the pod, then names the hard limit in MiB', () => {
    expect(dotnetHeapHardLimitAnalyzer.reads(ctx('q', [oom]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'q', name: POD } },
    ]);
    const [f] = dotnetHeapHardLimitAnalyzer.finds(
      ctx('q', [oom, described('q', POD, 'DOTNET_GCHeapHardLimit:  0x20000000')]),
    );
    expect(f?.cause).toContain('536870912 bytes (512 MiB)');
  });
  it('silent without the variable', () => {
    expect(
      dotnetHeapHardLimitAnalyzer.finds(
        ctx('q', [oom, described('q', POD, 'ASPNETCORE_URLS:  http://+:8080')]),
      ),
    ).toEqual([]);
  });
});

describe('django-allowed-hosts', () => {
  const refused = log('m', POD, [
    "ERROR django.security.DisallowedHost Invalid HTTP_HOST header: 'my.new.example'. You may need to add it.",
  ]);
  it('adds the refused host to the variable, keeping the listed ones', () => {
    const [f] = djangoAllowedHostsAnalyzer.finds(
      ctx('m', [refused, described('m', POD, 'DJANGO_ALLOWED_HOSTS:  old.example,web.m.svc')]),
    );
    expect(f?.fix?.args).toMatchObject({
      deployment: 'web',
      set: [{ name: 'DJANGO_ALLOWED_HOSTS', value: 'old.example,web.m.svc,my.new.example' }],
    });
  });
  it('silent when the host is listed or every host is allowed', () => {
    expect(
      djangoAllowedHostsAnalyzer.finds(ctx('m', [refused, described('m', POD, 'DJANGO_ALLOWED_HOSTS:  *')])),
    ).toEqual([]);
  });
});

describe('opcache-full', () => {
  it('restarts the deployment when the cache is full', () => {
    const [f] = opcacheFullAnalyzer.finds(
      ctx('w', [log('w', POD, ['opcache-status: memory_used=128.0MB/128MB cache_full=true hit_rate=39.8%'])]),
    );
    expect(f?.fix).toMatchObject({ tool: 'restart_deployment', args: { name: 'web' } });
  });
  it('silent while it has room', () => {
    expect(
      opcacheFullAnalyzer.finds(
        ctx('w', [log('w', POD, ['opcache-status: memory_used=9MB/128MB cache_full=false'])]),
      ),
    ).toEqual([]);
  });
});

describe('vulnerability-scanners', () => {
  const task = 'The 404 alert for public-web has been firing since 03:00.';
  const lines = [
    '203.0.113.77 "GET /wp-login.php HTTP/1.1" 404 0.002 "Mozilla/5.0 zgrab/0.x"',
    '203.0.113.77 "GET /.env HTTP/1.1" 404 0.001 "Mozilla/5.0 zgrab/0.x"',
    '10.8.4.22 "GET /de/kontakt HTTP/1.1" 200 0.041 "Mozilla/5.0"',
  ];
  it('says the 404s are scanners, nothing to fix', () => {
    const [note] = vulnerabilityScannersAnalyzer.notes!(ctx('site', [log('site', POD, lines)], task));
    expect(note).toMatch(/vulnerability scanners.*No action is needed/);
  });
  it("silent for 404s of the site's own routes", () => {
    expect(
      vulnerabilityScannersAnalyzer.notes!(
        ctx(
          'site',
          [log('site', POD, ['1.2.3.4 "GET /de/produkte/x HTTP/1.1" 404 0.003 "Mozilla/5.0"'])],
          task,
        ),
      ),
    ).toEqual([]);
  });
});

describe('worker-threads-hung-read', () => {
  it('names the job stuck in a socket read without a read timeout', () => {
    const [f] = workerThreadsHungReadAnalyzer.finds(
      ctx('r', [
        log('r', POD, [
          'WARN: Thread TID-gq4 PartnerFeedSyncJob jid=9b1e0c running 11h17m',
          "WARN: /usr/local/lib/ruby/3.2.0/net/protocol.rb:229:in `wait_readable'",
          "WARN: /app/lib/partner_feed/client.rb:31:in `fetch_page' (Net::HTTP.start(host, 443, read_timeout: nil))",
        ]),
      ]),
    );
    expect(f?.cause).toMatch(/PartnerFeedSyncJob running for 11h17m.*no read timeout/);
  });
  it('silent for a long job that is computing, not reading', () => {
    expect(
      workerThreadsHungReadAnalyzer.finds(
        ctx('r', [
          log('r', POD, [
            'WARN: Thread TID-gq4 BigJob jid=1 running 2h5m',
            "WARN: /app/jobs/big.rb:9:in `crunch'",
          ]),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('named-workload-elsewhere', () => {
  const task =
    'The job runs in digest-publisher (namespace notify); mail-sender in namespace mail sends the mail.';
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS'],
      ['mail', 'Active'],
      ['notify', 'Active'],
    ]),
  );
  const mail = pods('mail', [['mail-sender-7c9f5d8b6d-bcdfg', '1/1', 'Running', '0', '9d']]);
  const notify = pods('notify', [['digest-publisher-6d9f7c5b8-bcdfg', '1/1', 'Running', '0', '3d']]);
  it('lists the other namespace, then reads the named workload', () => {
    expect(namedWorkloadElsewhereAnalyzer.reads(ctx('mail', [namespaces, mail], task))).toEqual([
      { tool: 'list_pods', args: { namespace: 'notify' } },
    ]);
    expect(namedWorkloadElsewhereAnalyzer.reads(ctx('mail', [namespaces, mail, notify], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'notify', name: 'digest-publisher-6d9f7c5b8-bcdfg' } },
    ]);
  });
  it('quotes its failure', () => {
    const failed = log('notify', 'digest-publisher-6d9f7c5b8-bcdfg', [
      'ERROR failed to send: RecordTooLargeException: The message is 3288114 bytes',
    ]);
    const [f] = namedWorkloadElsewhereAnalyzer.finds(ctx('mail', [namespaces, mail, notify, failed], task));
    expect(f?.object).toBe('deployment digest-publisher (namespace notify)');
  });
  // Since set 35: a failure of the namespace read first may come from the named workload (a database
  // refusing its clients), so the named workload is read all the same (last in order, after the rest).
  it('reads the named workload even when the namespace read first has failures of its own', () => {
    expect(
      namedWorkloadElsewhereAnalyzer.reads(
        ctx(
          'mail',
          [namespaces, mail, log('mail', 'mail-sender-7c9f5d8b6d-bcdfg', ['ERROR smtp refused'])],
          task,
        ),
      ),
    ).toContainEqual({ tool: 'list_pods', args: { namespace: 'notify' } });
  });
});

describe('cron-dst-gap', () => {
  it('knows which local times do not exist', () => {
    expect(localTimeExists('Europe/Berlin', 2026, 2, 29, 2, 30)).toBe(false);
    expect(localTimeExists('Europe/Berlin', 2026, 2, 28, 2, 30)).toBe(true);
    expect(localTimeExists('UTC', 2026, 2, 29, 2, 30)).toBe(true);
  });
  const cron = (zone: string) =>
    observed(
      'describe_resource',
      { kind: 'CronJob', namespace: 'f', name: 'export' },
      `Spec:\n  schedule: 30 2 * * *\n  timeZone: ${zone}\n`,
    );
  const runs = log('f', 'export-29582370-bcdfg', ['2026-03-28T02:30:02+01:00 INFO export']);
  it('explains a run missing on the spring-forward night', () => {
    const [note] = cronDstGapAnalyzer.notes!(
      ctx('f', [cron('Europe/Berlin'), runs], 'There is no export dated Sunday 29 March.'),
    );
    expect(note).toMatch(/daylight saving.*no action is needed/);
  });
  it('silent on another night or in UTC', () => {
    expect(
      cronDstGapAnalyzer.notes!(
        ctx('f', [cron('Europe/Berlin'), runs], 'There is no export dated 12 March.'),
      ),
    ).toEqual([]);
    expect(
      cronDstGapAnalyzer.notes!(ctx('f', [cron('Etc/UTC'), runs], 'There is no export dated 29 March.')),
    ).toEqual([]);
  });
});
