// Table tests of the rules written after held-out set 26's first contact: each row is the reads one
// rule needs and what it concludes, or that it stays silent.
import { describe, expect, it } from 'vitest';
import { certificateNotIssuedAnalyzer } from './certificate-not-issued.js';
import { logGloss } from './log-glosses.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { bypassesProxy, noProxyClusterAnalyzer } from './no-proxy-cluster.js';
import { ctx, observed } from './observed.fixture.js';
import { pgWalSlotsAnalyzer } from './pg-wal-slots.js';
import { serviceMonitorSelectorAnalyzer } from './servicemonitor-selector.js';
import { sidecarStartOrderAnalyzer } from './sidecar-start-order.js';
import { springEnvCaseAnalyzer, springEnvName } from './spring-env-case.js';
import { suspendedCleanupAnalyzer } from './suspended-cleanup.js';
import { evicting } from './types.js';
import { virtualServiceShortHostAnalyzer } from './virtualservice-short-host.js';

type Seen = ReturnType<typeof observed>;

describe('suspended-cleanup: a cleanup CronJob suspended while its volume fills', () => {
  const full = observed(
    'get_pod_logs',
    { namespace: 'mail', name: 'spooler-1' },
    "ERROR spool write failed: [Errno 28] No space left on device: '/var/spool/q/1.json'",
  );
  const listed = observed(
    'list_resources',
    { namespace: 'mail', kind: 'CronJob' },
    'NAME            STATUS   AGE\nspool-janitor   -        24h\nreport          -        9d',
  );
  const described = (suspend: string, command: string) =>
    observed(
      'describe_resource',
      { namespace: 'mail', kind: 'CronJob', name: 'spool-janitor' },
      `Name:         spool-janitor\nAnnotations:  note=suspended during INC-8812\nSpec:\n  schedule: 17 * * * *\n  suspend: ${suspend}\n  jobTemplate.spec.template.spec.containers[0].command[0]: ${command}\nStatus:\n  lastSuccessfulTime: 2026-01-06T09:19:42Z`,
    );
  it('lists the CronJobs once a volume is full, then describes them', () => {
    expect(suspendedCleanupAnalyzer.reads(ctx('mail', [full]))).toEqual([
      { tool: 'list_resources', args: { kind: 'CronJob', namespace: 'mail' } },
    ]);
    expect(suspendedCleanupAnalyzer.reads(ctx('mail', [full, listed])).map((r) => r.args['name'])).toEqual([
      'spool-janitor',
      'report',
    ]);
    expect(suspendedCleanupAnalyzer.reads(ctx('mail', []))).toEqual([]);
  });
  it('a suspended cleaner: what it deletes piles up', () => {
    expect(
      suspendedCleanupAnalyzer.notes!(ctx('mail', [full, described('true', '/app/janitor')])).join(),
    ).toMatch(/CronJob spool-janitor \(\/app\/janitor\) is suspended[\s\S]*INC-8812[\s\S]*resume it/);
  });
  it('nothing when it runs, when it cleans nothing, or without a full volume', () => {
    expect(suspendedCleanupAnalyzer.notes!(ctx('mail', [full, described('false', '/app/janitor')]))).toEqual(
      [],
    );
    expect(
      suspendedCleanupAnalyzer.notes!(
        ctx('mail', [
          full,
          observed(
            'describe_resource',
            { namespace: 'mail', kind: 'CronJob', name: 'report' },
            'Name: report\nSpec:\n  suspend: true\n  jobTemplate.spec.template.spec.containers[0].command[0]: /app/monthly-report',
          ),
        ]),
      ),
    ).toEqual([]);
    expect(suspendedCleanupAnalyzer.notes!(ctx('mail', [described('true', '/app/janitor')]))).toEqual([]);
  });
});

describe('pg-wal-slots: WAL kept by inactive replication slots fills the volume', () => {
  const log = (slots: string) =>
    observed(
      'get_pod_logs',
      { namespace: 'db', name: 'pg-0' },
      `LOG:  starting PostgreSQL 16.4\n${slots}PANIC:  could not write to file "pg_wal/xlogtemp.61": No space left on device`,
    );
  it('names the inactive slots that hold the WAL', () => {
    const [f] = pgWalSlotsAnalyzer.finds(
      ctx('db', [log('LOG:  replication slot "pg_1" restart_lsn 3A/6C00A1B8, inactive\n')]),
    );
    expect(f?.cause).toMatch(/inactive replication slot pg_1 holds back WAL removal/);
    expect(f?.advice).toMatch(/pg_drop_replication_slot\('pg_1'\)[\s\S]*max_slot_wal_keep_size/);
  });
  it('nothing without an inactive slot, or when the full write is not WAL', () => {
    expect(pgWalSlotsAnalyzer.finds(ctx('db', [log('')]))).toEqual([]);
    expect(
      pgWalSlotsAnalyzer.finds(
        ctx('db', [
          observed(
            'get_pod_logs',
            { namespace: 'db', name: 'pg-0' },
            'LOG:  replication slot "pg_1" inactive\nERROR: could not extend file "base/16384/2619": No space left on device',
          ),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('glosses from set 26', () => {
  it.each([
    [
      'WARN amqp: connection.blocked received from broker: "low on disk"',
      /disk alarm is set[\s\S]*disk_free_limit/,
    ],
    ['connection.blocked: low on memory', /memory alarm[\s\S]*vm_memory_high_watermark/],
    [
      'ERROR lock cart:81240 failed: ReplyError: MOVED 7918 10.244.0.17:6379',
      /Redis Cluster[\s\S]*cluster-aware/,
    ],
  ])('%s', (line, want) => {
    expect(logGloss(line)).toMatch(want);
  });
  it('"moved" in other words is not a Redis redirection', () => {
    expect(logGloss('INFO shard moved 3 keys to node 10.0.0.1:6379')).toBeUndefined();
  });
});

describe('no-proxy-cluster: in-cluster calls sent to an egress proxy', () => {
  it.each([
    ['secrets-vault.fleet.svc', 'localhost,127.0.0.1', false],
    ['secrets-vault.fleet.svc', 'localhost,.svc', true],
    ['secrets-vault.fleet.svc.cluster.local', '.cluster.local', true],
    ['vault.svc', 'vault.svc', true],
    ['x.fleet.svc', 'fleet.svc', true],
    ['anything', '*', true],
    ['svc', '.svc', false],
  ])('%s under NO_PROXY=%s bypasses: %s', (host, list, want) => {
    expect(bypassesProxy(host, list)).toBe(want);
  });
  const describe_ = (noProxy: string) =>
    observed(
      'describe_pod',
      { namespace: 'fleet', name: 'console-5d8c7b9f4d-abcde' },
      `Name: console-5d8c7b9f4d-abcde\nControlled By:    ReplicaSet/console-5d8c7b9f4d\nContainers:\n  console:\n    Image: fleet/console:2\n    Environment:\n      HTTP_PROXY:  http://squid.netops.svc.cluster.local:3128\n${noProxy ? `      NO_PROXY:  ${noProxy}\n` : ''}`,
    );
  const logs = observed(
    'get_pod_logs',
    { namespace: 'fleet', name: 'console-5d8c7b9f4d-abcde' },
    'ERROR vault: GET http://secrets-vault.fleet.svc:8200/v1/keys 504 Gateway Timeout; Server=squid X-Squid-Error=ERR_DNS_FAIL 0',
  );
  it('a proxy set and NO_PROXY without the cluster names: add them', () => {
    const [f] = noProxyClusterAnalyzer.finds(ctx('fleet', [describe_('localhost,127.0.0.1'), logs]));
    expect(f?.cause).toMatch(/secrets-vault\.fleet\.svc go through the egress proxy/);
    expect(f?.fix?.args).toMatchObject({
      deployment: 'console',
      set: [{ name: 'NO_PROXY', value: 'localhost,127.0.0.1,.svc,.svc.cluster.local,.cluster.local' }],
    });
  });
  it('nothing when NO_PROXY covers the name', () => {
    expect(noProxyClusterAnalyzer.finds(ctx('fleet', [describe_('localhost,.svc'), logs]))).toEqual([]);
  });
});

describe('spring-env-case: a variable spelled in another case than Spring binds', () => {
  it.each([
    ['tracking.positions.queue', 'TRACKING_POSITIONS_QUEUE'],
    ['app.db-url', 'APP_DB_URL'],
  ])('%s binds from %s', (property, name) => {
    expect(springEnvName(property)).toBe(name);
  });
  const seen = (name: string) => [
    observed(
      'describe_pod',
      { namespace: 'logistics', name: 'tracker-5d8c7b9f4d-abcde' },
      `Name: tracker-5d8c7b9f4d-abcde\nControlled By:    ReplicaSet/tracker-5d8c7b9f4d\nContainers:\n  tracker:\n    Image: t:1\n    Environment:\n      ${name}:  positionQueue\n`,
    ),
    observed(
      'get_pod_logs',
      { namespace: 'logistics', name: 'tracker-5d8c7b9f4d-abcde', previous: true },
      `Caused by: java.lang.IllegalArgumentException: Could not resolve placeholder 'tracking.positions.queue' in value "$\{tracking.positions.queue}"`,
    ),
  ];
  it('Tracking_Positions_Queue does not set tracking.positions.queue', () => {
    expect(
      springEnvCaseAnalyzer.finds(ctx('logistics', seen('Tracking_Positions_Queue')))[0]?.advice,
    ).toMatch(/rename the variable Tracking_Positions_Queue to TRACKING_POSITIONS_QUEUE/);
  });
  it('nothing for the upper-case or lower-case name, or an unrelated one', () => {
    for (const name of ['TRACKING_POSITIONS_QUEUE', 'tracking_positions_queue', 'OTHER_QUEUE'])
      expect(springEnvCaseAnalyzer.finds(ctx('logistics', seen(name)))).toEqual([]);
  });
});

describe('sidecar-start-order: the app connects before its mesh proxy is ready', () => {
  const pod = (appRestarts: number, proxyRestarts: number) =>
    observed(
      'describe_pod',
      { namespace: 'payments', name: 'sync-5d8c7b9f4d-abcde' },
      `Name: sync-5d8c7b9f4d-abcde\nControlled By:    ReplicaSet/sync-5d8c7b9f4d\nContainers:\n  app:\n    Image: s:1\n    State:          Running\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n    Restart Count:  ${appRestarts}\n  istio-proxy:\n    Image: docker.io/istio/proxyv2:1.22.3\n    State:          Running\n    Restart Count:  ${proxyRestarts}\n`,
    );
  const previous = observed(
    'get_pod_logs',
    { namespace: 'payments', name: 'sync-5d8c7b9f4d-abcde', container: 'app', previous: true },
    'INFO starting\nERROR connect ledger-pg.payments-db.svc:5432: dial tcp 10.96.4.18:5432: connect: connection refused\nFATAL exiting',
  );
  it("reads the restarted container's previous log and the proxy's log", () => {
    expect(
      sidecarStartOrderAnalyzer.reads(ctx('payments', [pod(1, 0)])).map((r) => r.args['container']),
    ).toEqual(['app', 'istio-proxy']);
  });
  it('a refusal at start, the proxy never restarted: start order', () => {
    expect(sidecarStartOrderAnalyzer.finds(ctx('payments', [pod(1, 0), previous]))[0]?.advice).toMatch(
      /holdApplicationUntilProxyStarts/,
    );
  });
  it('nothing when the proxy restarted too, or without a restart', () => {
    expect(sidecarStartOrderAnalyzer.finds(ctx('payments', [pod(1, 2), previous]))).toEqual([]);
    expect(sidecarStartOrderAnalyzer.finds(ctx('payments', [pod(0, 0), previous]))).toEqual([]);
  });
});

describe('servicemonitor-selector: a ServiceMonitor no Prometheus selects', () => {
  const sm = (release: string) =>
    observed(
      'describe_resource',
      { namespace: 'edge', kind: 'ServiceMonitor', name: 'edge-proxy' },
      `Name:         edge-proxy\nKind:         ServiceMonitor (monitoring.coreos.com/v1)\nLabels:       app.kubernetes.io/name=edge-proxy,release=${release}\nSpec:\n  endpoints[0].port: metrics`,
    );
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    'NAME         STATUS   AGE\nedge         Active   9d\nmonitoring   Active   9d',
  );
  const listed = observed(
    'list_resources',
    { kind: 'Prometheus', namespace: 'monitoring' },
    'NAME        STATUS   AGE\nkube-prom   -        24h',
  );
  const prom = observed(
    'describe_resource',
    { namespace: 'monitoring', kind: 'Prometheus', name: 'kube-prom' },
    'Name:         kube-prom\nSpec:\n  serviceMonitorSelector.matchLabels.release: kube-prom\n  serviceMonitorNamespaceSelector: {}',
  );
  it('lists and describes the Prometheus of the monitoring namespace once a ServiceMonitor was described', () => {
    expect(serviceMonitorSelectorAnalyzer.reads(ctx('edge', [sm('edge-proxy'), namespaces]))[0]).toEqual({
      tool: 'list_resources',
      args: { kind: 'Prometheus', namespace: 'monitoring' },
    });
    expect(
      serviceMonitorSelectorAnalyzer.reads(ctx('edge', [sm('edge-proxy'), namespaces, listed]))[0],
    ).toEqual({
      tool: 'describe_resource',
      args: { kind: 'Prometheus', name: 'kube-prom', namespace: 'monitoring' },
    });
    expect(serviceMonitorSelectorAnalyzer.reads(ctx('edge', [namespaces]))).toEqual([]);
  });
  it('a release label the selector does not match: never scraped', () => {
    expect(serviceMonitorSelectorAnalyzer.finds(ctx('edge', [sm('edge-proxy'), prom]))[0]?.cause).toMatch(
      /not selected by Prometheus kube-prom[\s\S]*release: kube-prom[\s\S]*release: edge-proxy/,
    );
  });
  it('nothing when the labels match', () => {
    expect(serviceMonitorSelectorAnalyzer.finds(ctx('edge', [sm('kube-prom'), prom]))).toEqual([]);
  });
});

describe('virtualservice-short-host: a short destination host read in the VirtualService namespace', () => {
  const found = observed(
    'find_objects',
    { name: 'storefront' },
    'KIND             NAMESPACE       NAME         STATUS   AGE\nVirtualService   istio-ingress   storefront   -        24h\nService          shop            storefront   -        30d',
  );
  const vs = (host: string) =>
    observed(
      'describe_resource',
      { kind: 'VirtualService', name: 'storefront', namespace: 'istio-ingress' },
      `Name:         storefront\nSpec:\n  hosts[0]: shop.example.com\n  http[0].route[0].destination.host: ${host}\n  http[0].route[0].destination.port.number: 8080`,
    );
  const services = observed(
    'list_services',
    { namespace: 'istio-ingress' },
    'NAME             TYPE           CLUSTER-IP    PORT(S)\npublic-gateway   LoadBalancer   10.96.5.248   443/TCP',
  );
  it('describes the VirtualService found by name, and lists the Services of its namespace', () => {
    expect(virtualServiceShortHostAnalyzer.reads(ctx('shop', [found])).map((r) => r.tool)).toEqual([
      'describe_resource',
      'list_services',
    ]);
  });
  it('a short host with no such Service in the VirtualService namespace: the FQDN is the fix', () => {
    const [f] = virtualServiceShortHostAnalyzer.finds(ctx('shop', [found, vs('storefront'), services]));
    expect(f?.cause).toMatch(/storefront\.istio-ingress\.svc\.cluster\.local, a Service that does not exist/);
    expect(f?.advice).toMatch(/storefront\.shop\.svc\.cluster\.local/);
  });
  it('nothing for a fully qualified host', () => {
    expect(
      virtualServiceShortHostAnalyzer.finds(
        ctx('shop', [found, vs('storefront.shop.svc.cluster.local'), services]),
      ),
    ).toEqual([]);
  });
});

describe('certificate-not-issued: why cert-manager has not written the TLS secret an ingress names', () => {
  const scan = observed(
    'scan',
    { namespace: 'web' },
    '- Ingress web/site [TLSSecretNotFound] ingress site names TLS secret site-tls, which does not exist in web: cert-manager has not issued it',
  );
  const listed = observed(
    'list_resources',
    { kind: 'Certificate', namespace: 'web' },
    'NAME       STATUS        AGE\nsite-tls   Ready=False   24h\nold-tls    Ready=True    90d',
  );
  const cert = observed(
    'describe_resource',
    { kind: 'Certificate', name: 'site-tls', namespace: 'web' },
    'Name: site-tls\nSpec:\n  secretName: site-tls\nStatus:\n  conditions[0].type: Ready\n  conditions[0].status: False\n  conditions[0].message: Issuing certificate as Secret does not exist\n  conditions[1].type: Issuing\n  conditions[1].status: False\n  conditions[1].message: Failed to create Order: 429 urn:ietf:params:acme:error:rateLimited: Error creating new order :: too many certificates (50) already issued for "example.eu" in the last 168h0m0s',
  );
  it('lists the Certificates, then describes the ones not Ready', () => {
    expect(certificateNotIssuedAnalyzer.reads(ctx('web', [scan]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Certificate', namespace: 'web' } },
    ]);
    expect(certificateNotIssuedAnalyzer.reads(ctx('web', [scan, listed])).map((r) => r.args['name'])).toEqual(
      ['site-tls'],
    );
  });
  it("quotes the failing condition, and reads a rate limit as the registered domain's weekly quota", () => {
    const [f] = certificateNotIssuedAnalyzer.finds(ctx('web', [scan, cert]));
    expect(f?.cause).toMatch(
      /too many certificates \(50\)[\s\S]*50 certificates per registered domain \(example\.eu\)/,
    );
  });
  it('nothing without a missing secret', () => {
    expect(certificateNotIssuedAnalyzer.finds(ctx('web', [cert]))).toEqual([]);
  });
});

describe('pdb-at-limit: a budget at its limit with nothing draining', () => {
  const scan = observed(
    'scan',
    { namespace: 'licensing' },
    '- PodDisruptionBudget licensing/license-server [NoDisruptionsAllowed] PodDisruptionBudget license-server allows no disruptions (disruptionsAllowed 0): minAvailable 1 with 1 expected pod(s) (minAvailable equals the replica count), currentHealthy 1 of desiredHealthy 1, so the Eviction API refuses to evict any pod it covers',
  );
  const notes = (task: string, extra: Seen[] = []) =>
    misconceptionsAnalyzer.notes!(ctx('licensing', [scan, ...extra], task)).join('\n');
  it('expected, no action, while nothing drains', () => {
    expect(notes('PodDisruptionBudgetAtLimit fires for license-server, should we scale it?')).toMatch(
      /at its limit by design[\s\S]*no action is needed/,
    );
  });
  it('not while a drain runs or is asked about', () => {
    expect(notes('the node drain for the upgrade hangs on license-server')).not.toMatch(/by design/);
    expect(
      notes('PodDisruptionBudgetAtLimit fires for license-server', [
        observed(
          'get_events',
          { namespace: 'licensing' },
          "Warning  EvictionBlocked  pod/x  Cannot evict pod as it would violate the pod's disruption budget.",
        ),
      ]),
    ).not.toMatch(/by design/);
  });
  it('evicting: a drain asked about or under way', () => {
    expect(evicting({ task: 'drain node-3', seen: [] })).toBe(true);
    expect(evicting({ task: 'is the budget ok?', seen: [] })).toBe(false);
  });
});
