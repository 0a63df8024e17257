// Rules written after held-out set 113, each general, tested here on inputs made up for the test: the names,
// hosts and namespaces are not the worlds'.
import { describe, expect, it } from 'vitest';
import { renamedVariables } from '../baseline/signatures/run/renamed-variable.js';
import { reportedClientStatus, statusFirst } from '../baseline/signatures/status-first.js';
import { forbidsRollback } from '../baseline-model.js';
import type { SeenObservation } from '../observations.js';
import { waitingOnApi } from './dns.js';
import { expectedLine } from './expected-log-lines.js';
import { ingressTlsHostsAnalyzer, tlsEntries } from './ingress-tls-hosts.js';
import { ctx, observed } from './observed.fixture.js';
import type { Change } from './rollout-diff.js';
import type { Finding } from './types.js';

describe('status-first: the cause that explains the client-error status the person reports leads', () => {
  const oom: Finding = {
    weight: 95,
    object: 'deployment thumbnailer',
    cause: 'the container is OOMKilled (exit code 137)',
    evidence: ['describe_pod thumbnailer-7c9d-abcde: Last State OOMKilled'],
  };
  const edge: Finding = {
    weight: 88,
    object: 'ingress upload-gw',
    cause: 'ingress-nginx limits a body to 1m: larger uploads are refused with 413 Request Entity Too Large',
    evidence: ['describe_resource Ingress upload-gw: no proxy-body-size'],
  };

  it('reads the status as digits or as the 413 and 431 reason phrases', () => {
    expect(reportedClientStatus('uploads to the gateway answer 413 since Monday')).toBe('413');
    expect(reportedClientStatus('people get "Payload Too Large" on big files')).toBe('413');
    expect(reportedClientStatus('the API returns HTTP 403 to the batch job')).toBe('403');
    expect(reportedClientStatus('Request Header Fields Too Large on login')).toBe('431');
  });

  it('does not read a status the person only guesses at (a hunch is not what they saw)', () => {
    expect(
      reportedClientStatus(
        'Events stopped arriving. I suspect the cluster rejects our bulk requests with 429.',
      ),
    ).toBeUndefined();
    expect(reportedClientStatus('Uploads answer 413. I think the app reset its limit.')).toBe('413');
  });

  it('does not read a port, a quantity, a ticket or a 5xx as the status', () => {
    expect(reportedClientStatus('nothing answers on port 443 any more')).toBeUndefined();
    expect(reportedClientStatus('it takes 450 ms per request')).toBeUndefined();
    expect(reportedClientStatus('since PAY-412 the queue grows')).toBeUndefined();
    expect(reportedClientStatus('the shop answers 502 Bad Gateway')).toBeUndefined();
    expect(reportedClientStatus('we run 400 pods in that namespace')).toBeUndefined();
  });

  it('moves the finding that names the status in front of one that does not', () => {
    const task = 'customers uploading scans get 413 Request Entity Too Large; small files work';
    expect(statusFirst([oom, edge], task, 65)).toEqual([edge, oom]);
  });

  it('keeps the order when the lead names the status, when none does, or when the other is weak', () => {
    const task = 'uploads get 413';
    expect(statusFirst([edge, oom], task, 65)).toEqual([edge, oom]);
    const other = [oom, { ...edge, cause: 'the Ingress has no TLS hosts' }];
    expect(statusFirst(other, task, 65)).toBe(other);
    const weak = [oom, { ...edge, weight: 40 }];
    expect(statusFirst(weak, task, 65)).toBe(weak);
    const none = [oom, edge];
    expect(statusFirst(none, 'the thumbnailer keeps restarting', 65)).toBe(none);
  });

  it('does not take a longer number or a quantity in a finding for the status', () => {
    const task = 'the client gets 413';
    const sized = [oom, { ...edge, cause: 'the body limit is 4130 bytes; 413m requested' }];
    expect(statusFirst(sized, task, 65)).toBe(sized);
  });
});

describe('ingress-tls-hosts: no TLS entry of the Ingress lists the host that gets the wrong certificate', () => {
  const NS = 'tools';
  const TASK =
    'Since yesterday https://wiki.tools.example.net shows a certificate warning: the browser gets "Kubernetes Ingress Controller Fake Certificate". Did the renewal fail?';
  const ingress = (tls: string[], host = 'wiki.tools.example.net') =>
    observed(
      'describe_resource',
      { kind: 'Ingress', namespace: NS, name: 'wiki' },
      [
        'Name:         wiki',
        `Namespace:    ${NS}`,
        'Spec:',
        '  ingressClassName: nginx',
        ...tls,
        `  rules[0].host: ${host}`,
        '  rules[0].http.paths[0].path: /',
        '  rules[0].http.paths[0].backend.service.name: wiki-web',
        '  rules[0].http.paths[0].backend.service.port.number: 80',
      ].join('\n'),
    );
  const run = (seen: SeenObservation[], task = TASK) => ingressTlsHostsAnalyzer.finds(ctx(NS, seen, task));

  it('reads the TLS entries of a description: hosts and Secret by index', () => {
    expect(
      tlsEntries(
        [
          '  tls[0].hosts[0]: a.example.net',
          '  tls[0].hosts[1]: b.example.net',
          '  tls[0].secretName: ab-tls',
          '  tls[1].secretName: c-tls',
        ].join('\n'),
      ),
    ).toEqual([
      { index: 0, hosts: ['a.example.net', 'b.example.net'], secret: 'ab-tls' },
      { index: 1, hosts: [], secret: 'c-tls' },
    ]);
    expect(tlsEntries('Spec:\n  rules[0].host: a.example.net')).toEqual([]);
  });

  it('finds a TLS entry with a Secret and no hosts, and says the certificate is not the fault', () => {
    const [f] = run([ingress(['  tls[0].secretName: wiki-tls'])]);
    expect(f?.object).toBe('ingress wiki');
    expect(f?.cause).toMatch(/names Secret wiki-tls but lists no hosts/);
    expect(f?.cause).toMatch(/default certificate/);
    expect(f?.advice).toMatch(/spec\.tls\[0\]\.hosts/);
  });

  it('finds entries that list other hosts only', () => {
    const [f] = run([
      ingress(['  tls[0].hosts[0]: docs.tools.example.net', '  tls[0].secretName: docs-tls']),
    ]);
    expect(f?.cause).toMatch(/list only docs\.tools\.example\.net, not wiki\.tools\.example\.net/);
  });

  it('finds nothing when an entry lists the host, a wildcard covers it, or there is no TLS entry', () => {
    expect(run([ingress(['  tls[0].hosts[0]: wiki.tools.example.net', '  tls[0].secretName: w'])])).toEqual(
      [],
    );
    expect(run([ingress(['  tls[0].hosts[0]: *.tools.example.net', '  tls[0].secretName: w'])])).toEqual([]);
    expect(run([ingress([])])).toEqual([]);
  });

  it('needs a certificate complaint and a URL the Ingress routes', () => {
    const bare = ingress(['  tls[0].secretName: wiki-tls']);
    expect(run([bare], 'https://wiki.tools.example.net is slow')).toEqual([]);
    expect(run([bare], 'the wiki shows a certificate warning')).toEqual([]);
    expect(run([bare], 'https://other.example.net shows a certificate warning')).toEqual([]);
    expect(ingressTlsHostsAnalyzer.reads(ctx(NS, [], 'the wiki is slow'))).toEqual([]);
    expect(ingressTlsHostsAnalyzer.reads(ctx(NS, [], TASK))[0]).toEqual({
      tool: 'list_resources',
      args: { kind: 'Ingress', namespace: NS },
    });
  });
});

describe('renamed-variable: a rollout that renamed a variable the program still reads', () => {
  const change = (
    env: string,
    before: string | undefined,
    after: string | undefined,
    container = 'app',
  ): Change => ({
    container,
    field: `env ${env}`,
    env,
    before,
    after,
  });

  it('pairs a removed variable with an added one of the same literal value in the same container', () => {
    expect(
      renamedVariables([
        change('CACHE_HOST', 'memcached', undefined),
        change('CACHE_HOSTNAME', undefined, 'memcached'),
        change('MAIL_RELAY', 'smtp-a:25', 'smtp-b:587'),
      ]),
    ).toEqual([{ container: 'app', from: 'CACHE_HOST', to: 'CACHE_HOSTNAME', value: 'memcached' }]);
  });

  it('pairs nothing across containers, for a value read from a Secret, or for an ambiguous value', () => {
    expect(
      renamedVariables([change('A', 'x', undefined, 'one'), change('B', undefined, 'x', 'two')]),
    ).toEqual([]);
    expect(
      renamedVariables([
        change('A', 'valueFrom secret s, entry k', undefined),
        change('B', undefined, 'valueFrom secret s, entry k'),
      ]),
    ).toEqual([]);
    expect(
      renamedVariables([
        change('A', 'x', undefined),
        change('B', undefined, 'x'),
        change('C', undefined, 'x'),
      ]),
    ).toEqual([]);
    expect(
      renamedVariables([
        change('A', 'x', undefined),
        change('D', 'x', undefined),
        change('B', undefined, 'x'),
      ]),
    ).toEqual([]);
    expect(renamedVariables([change('A', '', undefined), change('B', undefined, '')])).toEqual([]);
  });
});

describe('rollback ruled out: the wording and the fix that goes forward instead', () => {
  it('reads "do not roll the release back" as ruling a rollback out', () => {
    expect(forbidsRollback('please do not roll the release back, we need 2.4.0 out today')).toBe(true);
    expect(forbidsRollback("don't roll it back")).toBe(true);
    expect(forbidsRollback('we rolled the release back yesterday and it worked')).toBe(false);
  });
});

describe('CoreDNS waiting on the API server', () => {
  const WAIT = '[INFO] plugin/ready: Still waiting on: "kubernetes"';
  const DIAL =
    '[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.30.1/tools/cache/reflector.go:232: Failed to watch *v1.Namespace: failed to list *v1.Namespace: Get "https://10.43.0.1:443/api/v1/namespaces?limit=500": dial tcp 10.43.0.1:443: connect: connection refused';

  it('says the kubernetes plugin has not synced, and that the API server is not reached when the log shows it', () => {
    const said = waitingOnApi(`${WAIT}\n${DIAL}\n${WAIT}`, DIAL);
    expect(said).toMatch(/has not yet listed Services and EndpointSlices from the Kubernetes API server/);
    expect(said).toMatch(/cannot reach the API server/);
    expect(said).toMatch(/10\.43\.0\.1:443/);
    expect(waitingOnApi(WAIT, undefined)).not.toMatch(/cannot reach/);
  });

  it('says nothing without the ready plugin waiting', () => {
    expect(waitingOnApi(DIAL, DIAL)).toBeUndefined();
  });
});

describe('expected lines: client-go in-cluster config, kopf patch inconsistencies', () => {
  it("explains client-go's in-cluster notice as how a pod connects", () => {
    expect(
      expectedLine(
        'W1102 08:00:01.000001       1 client_config.go:659] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.',
      ),
    ).toMatch(/in-cluster config/);
    expect(
      expectedLine('E1102 08:00:01 failed to load inClusterConfig: unable to load in-cluster configuration'),
    ).toBe(undefined);
  });

  it("explains kopf's patch inconsistencies as pruned status fields", () => {
    expect(
      expectedLine(
        "[2026-01-02 10:00:00,000] kopf.objects [WARNING ] [ns/x] Patching failed with inconsistencies: (('remove', ('status', 'create_fn'), {'ok': 1}, None),)",
      ),
    ).toMatch(/x-kubernetes-preserve-unknown-fields/);
  });
});
