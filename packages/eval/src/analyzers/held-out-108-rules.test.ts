// Rules written after held-out sets 105 (Dex), 108, 109 (and its Traefik 404, later) and 110, each general, tested here on inputs made up for
// the test: the names, namespaces and log lines are not the worlds'.
import { describe, expect, it } from 'vitest';
import { namedFirst, withoutSites } from '../baseline/signatures/named-first.js';
import { emptyBackend } from '../baseline/signatures/run/empty-backend.js';
import { donateRollback } from '../baseline/signatures/run/same-object-rollback.js';
import type { Facts, RunSignature } from '../baseline/signatures/types.js';
import type { SeenObservation } from '../observations.js';
import { appErrorsAnalyzer, LOG_LINES_ADVICE } from './app-errors.js';
import { devTagAnalyzer } from './dev-tag.js';
import { droppedCapabilitiesAnalyzer } from './dropped-capabilities.js';
import type { Finding } from './index.js';
import { ingressErrorLogAnalyzer, nginxError } from './ingress-error-log.js';
import { invalidContainerAnalyzer } from './invalid-container.js';
import { legacyTokenClaimAnalyzer } from './legacy-token-claim.js';
import { logGloss } from './log-glosses.js';
import { misconceptionsAnalyzer } from './misconceptions.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { placeholderValueAnalyzer } from './placeholder-value.js';
import { probeCause } from './probes.js';
import { servingPath } from './serving-path.js';
import { shmBusErrorAnalyzer } from './shm-bus-error.js';

// --- legacy-token-claim --------------------------------------------------------------------------------------

describe('legacy-token-claim: a program that reads a claim bound tokens no longer carry', () => {
  const NS = 'sso';
  const POD = 'idp-7c9d8b6f4-k2m8q';
  const described = (image: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'server' })
        .replace('registry.example.com/app:1.0.0', image)
        .replace('    Ready:          True', '    Ready:          False'),
    );

  it.each([
    'error: failed to inspect service account token: jwt claim "kubernetes.io/serviceaccount/namespace" not found',
    'panic: token claim kubernetes.io/serviceaccount/service-account.name is missing',
    'level=fatal msg="missing claim kubernetes.io/serviceaccount/namespace in token"',
  ])('names the legacy claim and the bound token format: %s', (line) => {
    const [f] = legacyTokenClaimAnalyzer.finds(ctx(NS, [log(NS, POD, ['starting', line])]));
    expect(f?.object).toBe(`deployment idp (pod ${POD})`);
    expect(f?.cause).toMatch(/bound \(projected\) service account tokens/);
    expect(f?.cause).toMatch(/not an RBAC refusal/);
    expect(f?.fix).toBeUndefined();
  });

  it('sets the namespace variable a program known to read it first takes, with the namespace as its value', () => {
    const line = 'failed to initialize storage: claim "kubernetes.io/serviceaccount/namespace" not found';
    const [f] = legacyTokenClaimAnalyzer.finds(
      ctx(NS, [log(NS, POD, [line]), described('ghcr.io/dexidp/dex:v2.30.0')]),
    );
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'idp',
        container: 'server',
        set: [{ name: 'KUBERNETES_POD_NAMESPACE', value: NS }],
      },
      text: expect.stringContaining('KUBERNETES_POD_NAMESPACE=sso'),
    });
    // Another program: advice only, no guessed variable.
    const [g] = legacyTokenClaimAnalyzer.finds(
      ctx(NS, [log(NS, POD, [line]), described('registry.example.com/identity:2.1')]),
    );
    expect(g?.fix).toBeUndefined();
    expect(g?.advice).toMatch(/downward API/);
  });

  it.each([
    ['a claim of a user token (an OIDC provider)', 'token rejected: claim "email" not found'],
    [
      'the API refusing the account (rbac reads it)',
      'User "system:serviceaccount:sso:idp" cannot list resource "secrets"',
    ],
    ['an expired token', 'error: token expired: exp claim is in the past'],
  ])('stays quiet on %s', (_name, line) => {
    expect(legacyTokenClaimAnalyzer.finds(ctx(NS, [log(NS, POD, [line])]))).toEqual([]);
  });

  it('reads long logs in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, () => s);
    expectBounded(
      () =>
        legacyTokenClaimAnalyzer.finds(
          ctx(NS, [log(NS, POD, many(`claim ${'kubernetes.io/'.repeat(250)}`))]),
        ),
      () => legacyTokenClaimAnalyzer.finds(ctx(NS, [log(NS, POD, many('x'.repeat(3900)))])),
    );
  });
});

// --- Vault's and OpenBao's health endpoint ------------------------------------------------------------------

describe("probes: the secrets store's health status codes", () => {
  const probe = 'Readiness: http-get http://:8200/v1/sys/health?standbyok=true delay=0s timeout=1s period=5s';
  it('501 is a store that is not initialized: a new, empty volume, or data not moved onto it', () => {
    const r = probeCause('readiness', 'HTTP probe failed with statuscode: 501', probe, '');
    expect(r.cause).toMatch(/not initialized/);
    expect(r.cause).toMatch(/a new volume \(an empty PVC\)/);
    expect(r.advice).toMatch(/restore or copy that data/);
  });
  it('503 is a sealed store', () => {
    expect(probeCause('readiness', 'HTTP probe failed with statuscode: 503', probe, '').cause).toMatch(
      /sealed/,
    );
  });
  it('another program answering 501 on another path is not read as a secrets store', () => {
    const r = probeCause(
      'readiness',
      'HTTP probe failed with statuscode: 501',
      'Readiness: http-get http://:8080/healthz delay=0s timeout=1s period=5s',
      '',
    );
    expect(r.cause).not.toMatch(/secrets store/);
  });
});

// --- a TLS client dialling an IP its server's certificate does not name (Java) -----------------------------

describe('log-glosses: a Java client that reaches its server by an IP the certificate lacks', () => {
  it('says the certificate is issued for DNS names and the port is open', () => {
    const g = logGloss(
      'SEVERE: Failed to connect to https://192.0.2.7/agents/: java.security.cert.CertificateException: No subject alternative names matching IP address 192.0.2.7 found',
    );
    expect(g).toMatch(/by IP address/);
    expect(g).toMatch(/does not cover the IP/);
  });
  it('a DNS name that does not match is not this gloss', () => {
    expect(logGloss('No subject alternative DNS name matching ci.example.com found') ?? '').not.toMatch(
      /by IP address/,
    );
  });
});

// --- placeholder-value ----------------------------------------------------------------------------------------

describe("placeholder-value: a setting that holds kubectl's <pending> instead of an address", () => {
  const NS = 'wiki';
  const POD = 'wiki-app-6f8d7c9b4-k2x7q';
  const described = (value: string, ready = 'False') =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'app', env: { PUBLIC_HOST: value } })
        .replace(
          'Status:           Running',
          'Labels:           app=wiki-app\n                  tier=web\nStatus:           Running',
        )
        .replace('    Ready:          True', `    Ready:          ${ready}`),
    );
  const services = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
      ['wiki-app', 'LoadBalancer', '10.96.3.4', '80:30080/TCP', 'app=wiki-app', '<none>', '3d'],
      ['wiki-db', 'ClusterIP', '10.96.3.5', '5432/TCP', 'app=wiki-db', '10.244.1.9:5432', '3d'],
    ]),
  );
  const ingresses = observed(
    'list_resources',
    { kind: 'Ingress', namespace: NS },
    'NAME   STATUS   AGE\nwiki   -        3d',
  );
  const ingress = observed(
    'describe_resource',
    { kind: 'Ingress', name: 'wiki', namespace: NS },
    'Name:         wiki\nSpec:\n  rules[0].host: wiki.corp.example\n  rules[0].http.paths[0].path: /\n  rules[0].http.paths[0].backend.service.name: wiki-app\n  rules[0].http.paths[0].backend.service.port.number: 80\n',
  );
  const logs = log(NS, POD, [
    'INFO base url: https://<pending>/',
    "ERROR 'https://<pending>/' is not a valid URL, aborting",
  ]);

  it('reads the Services and the Ingresses', () => {
    expect(placeholderValueAnalyzer.reads(ctx(NS, [described('https://<pending>/')]))).toEqual([
      { tool: 'list_services', args: { namespace: NS } },
      { tool: 'list_resources', args: { kind: 'Ingress', namespace: NS } },
    ]);
  });

  it('names the placeholder, the LoadBalancer and the failing line, and puts the Ingress host in its place', () => {
    const [f] = placeholderValueAnalyzer.finds(
      ctx(NS, [described('https://<pending>/'), logs, services, ingresses, ingress]),
    );
    expect(f?.object).toBe(`deployment wiki-app (pod ${POD})`);
    expect(f?.cause).toMatch(/EXTERNAL-IP column while the Service has no external IP yet/);
    expect(f?.cause).toContain('Service wiki-app, which selects this pod, is of type LoadBalancer');
    expect(f?.cause).toContain('is not a valid URL, aborting');
    expect(f?.fix?.args['set']).toEqual([{ name: 'PUBLIC_HOST', value: 'https://wiki.corp.example/' }]);
  });

  it('gives advice only when no Ingress routes to the pod', () => {
    const [f] = placeholderValueAnalyzer.finds(ctx(NS, [described('<pending>'), logs, services]));
    expect(f?.fix).toBeUndefined();
    expect(f?.advice).toMatch(/real host name/);
  });

  it.each([
    ['the container is Ready (the setting does no harm there)', [described('<pending>', 'True'), services]],
    ['the value is an address', [described('wiki.corp.example'), services]],
  ])('stays quiet when %s', (_name, seen) => {
    expect(placeholderValueAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});

// --- dropped-capabilities ---------------------------------------------------------------------------------

describe('dropped-capabilities: root without its capabilities is refused files by their mode', () => {
  const NS = 'shipping';
  const POD = 'log-agent-4kq2d';
  const spec = (sc: string) =>
    observed(
      'get_resource',
      { kind: 'Pod', name: POD, namespace: NS },
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${POD}\nspec:\n  containers:\n    - name: agent\n      image: example/agent:3\n      securityContext:\n${sc}`,
    );
  const refusedLog = log(NS, POD, [
    'level=info msg="watching /var/log/messages"',
    'level=error msg="tail failed" error="open /var/log/messages: permission denied"',
    'level=error msg="tail failed" error="open /var/log/secure: permission denied"',
  ]);
  const dropAll = '        runAsUser: 0\n        capabilities:\n          drop: [ALL]\n';

  it('reads the pod spec once a refused open is logged', () => {
    expect(droppedCapabilitiesAnalyzer.reads(ctx(NS, [refusedLog]))).toEqual([
      { tool: 'get_resource', args: { kind: 'Pod', name: POD, namespace: NS } },
    ]);
  });

  it('names root, the dropped capabilities, every refused file and the latest line', () => {
    const [f] = droppedCapabilitiesAnalyzer.finds(ctx(NS, [refusedLog, spec(dropAll)]));
    expect(f?.object).toBe(`pod ${POD}`);
    expect(f?.cause).toContain('runs as root (securityContext runAsUser: 0)');
    expect(f?.cause).toContain('/var/log/messages, /var/log/secure');
    expect(f?.cause).toContain('open /var/log/secure: permission denied');
    expect(f?.advice).toMatch(/DAC_READ_SEARCH/);
  });

  it.each([
    ['it runs as another user', '        runAsUser: 1000\n        capabilities:\n          drop: [ALL]\n'],
    ['it keeps its capabilities', '        runAsUser: 0\n'],
    ['it adds DAC_READ_SEARCH back', `${dropAll}          add: [DAC_READ_SEARCH]\n`],
  ])('stays quiet when %s', (_name, sc) => {
    expect(droppedCapabilitiesAnalyzer.finds(ctx(NS, [refusedLog, spec(sc)]))).toEqual([]);
  });

  it('survives a spec that is not YAML', () => {
    const broken = observed('get_resource', { kind: 'Pod', name: POD, namespace: NS }, 'spec: [unclosed');
    expect(droppedCapabilitiesAnalyzer.finds(ctx(NS, [refusedLog, broken]))).toEqual([]);
  });
});

// --- misconceptions: PodSecurityPolicy on a cluster that no longer serves it ------------------------------

describe('misconceptions: a PodSecurityPolicy warning on Kubernetes 1.25 or later', () => {
  const NS = 'metrics';
  const nodes = (version: string) =>
    observed(
      'list_nodes',
      {},
      table([
        ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
        ['n1', 'Ready', '<none>', '40d', version],
      ]),
    );
  const healthy = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['exporter-7x2kq', '1/1', 'Running', '0', '2d'],
    ]),
  );
  const TASK =
    'Helm warned that PodSecurityPolicy is disabled by default now. Did the exporter lose its permissions?';
  const notes = (seen: Parameters<typeof ctx>[1]) =>
    misconceptionsAnalyzer.notes?.(ctx(NS, seen, TASK)) ?? [];

  it('says the API is gone on this cluster and the warning is harmless', () => {
    const said = notes([nodes('v1.30.2'), healthy]).join(' ');
    expect(said).toMatch(/removed in Kubernetes 1\.25/);
    expect(said).toMatch(/informational and harmless/);
  });

  it('says nothing on a cluster that still serves PodSecurityPolicy, or when a pod fails', () => {
    expect(notes([nodes('v1.23.9'), healthy]).join(' ')).not.toMatch(/PodSecurityPolicy/);
    const failing = observed(
      'list_pods',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['exporter-7x2kq', '0/1', 'CrashLoopBackOff', '9', '2d'],
      ]),
    );
    expect(notes([nodes('v1.30.2'), failing]).join(' ')).not.toMatch(/PodSecurityPolicy/);
  });
});

// --- shm-bus-error: PostgreSQL's bus error on a node with huge pages ----------------------------------------

describe("shm-bus-error: PostgreSQL's bus error where the node has huge pages and the container none", () => {
  const NS = 'ledger';
  const POD = 'ledger-db-0';
  const pod = (limits = '      memory: 2Gi') =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Node:             hp-node-1/10.0.0.7',
        'Status:           Running',
        'Controlled By:    StatefulSet/ledger-db',
        'Containers:',
        '  postgres:',
        '    Image:          postgres:16.4',
        '    State:          Waiting',
        '      Reason:       CrashLoopBackOff',
        '    Last State:     Terminated',
        '      Reason:       Error',
        '      Exit Code:    1',
        '    Ready:          False',
        '    Restart Count:  7',
        '    Limits:',
        limits,
        '    Environment:    <none>',
        'Volumes:',
        'Events:  <none>',
      ].join('\n'),
    );
  const logs = log(NS, POD, [
    'The files belonging to this database system will be owned by user "postgres".',
    'running bootstrap script ... Bus error (core dumped)',
  ]);
  const node = (huge: string) =>
    observed(
      'describe_node',
      { name: 'hp-node-1' },
      `Name:               hp-node-1\nCapacity:\n  cpu: 8\n  ${huge}\nAllocatable:\n  cpu: 7900m\n  ${huge}\nSystem Info:\n`,
    );

  it('reads the node once PostgreSQL logs a bus error', () => {
    expect(shmBusErrorAnalyzer.reads(ctx(NS, [pod(), logs]))).toContainEqual({
      tool: 'describe_node',
      args: { name: 'hp-node-1' },
    });
  });

  it('names huge pages, the node and the missing hugepages limit', () => {
    const [f] = shmBusErrorAnalyzer.finds(ctx(NS, [pod(), logs, node('hugepages-2Mi: 2Gi')]));
    expect(f?.cause).toMatch(
      /because of huge pages: its node hp-node-1 has huge pages preallocated \(hugepages-2Mi: 2Gi\)/,
    );
    expect(f?.advice).toMatch(/huge_pages = off/);
  });

  it.each([
    ['the node has no huge pages', [pod(), logs, node('hugepages-2Mi: 0')]],
    [
      'the container has a hugepages limit',
      [pod('      hugepages-2Mi: 512Mi'), logs, node('hugepages-2Mi: 2Gi')],
    ],
  ])('does not blame huge pages when %s', (_name, seen) => {
    const [f] = shmBusErrorAnalyzer.finds(ctx(NS, seen));
    expect(f?.cause ?? '').not.toMatch(/because of huge pages/);
  });
});

// --- routine warnings are no fault ------------------------------------------------------------------------

describe('app-errors: recurring warnings that each flag routine work make no finding', () => {
  const NS = 'db-edge';
  const POD = 'sql-proxy-7f9b6c5d48-2hq7x';
  const running = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [POD, '1/1', 'Running', '0', '3d'],
    ]),
  );
  const warn = (n: number) =>
    `2026-03-27 09:4${n}:56 MySQL_Session.cpp:6872:unable_to_parse_set_statement(): [WARNING] Unable to parse unknown SET query from client 10.0.0.${n}:44928. Setting lock_hostgroup.`;

  it('a ProxySQL SET-parse warning, again and again, is explained and not a fault', () => {
    const seen = [running, log(NS, POD, ['ProxySQL started', warn(1), warn(2), warn(3), warn(4)])];
    expect(appErrorsAnalyzer.finds(ctx(NS, seen))).toEqual([]);
    expect(logGloss(warn(1)) ?? '').not.toMatch(/harmless/);
  });

  it('the same warning beside an error still makes a finding', () => {
    const seen = [
      running,
      log(NS, POD, [
        warn(1),
        warn(2),
        warn(3),
        'ERROR backend 10.0.0.9:3306 is SHUNNED: too many connection errors',
      ]),
    ];
    expect(appErrorsAnalyzer.finds(ctx(NS, seen)).length).toBeGreaterThan(0);
  });
});

// --- misconceptions: cert-manager's rotationPolicy notice --------------------------------------------------

describe("misconceptions: cert-manager's rotationPolicy default notice", () => {
  const NS = 'certs';
  const pods = (status: string) =>
    observed(
      'list_pods',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['webhook-5d8f7b9c6-p8z2m', status === 'Running' ? '1/1' : '0/1', status, '0', '1d'],
      ]),
    );
  const TASK =
    'The install printed "spec.privateKey.rotationPolicy: the default value changed". Is something wrong?';
  const notes = (status: string) =>
    (misconceptionsAnalyzer.notes?.(ctx(NS, [pods(status)], TASK)) ?? []).join(' ');
  it('says the notice is informational when the namespace is healthy', () => {
    expect(notes('Running')).toMatch(/rotationPolicy warning is cert-manager's admission warning/);
  });
  it('says nothing when a pod fails', () => {
    expect(notes('CrashLoopBackOff')).not.toMatch(/rotationPolicy/);
  });
});

// --- invalid-container (set 110) ----------------------------------------------------------------------------

describe('invalid-container: a program that asks for a container the target pod no longer has', () => {
  const NS = 'orders-data';
  const JOB_POD = 'ledger-dump-29602200-x7k2p';
  const target = observed(
    'describe_pod',
    { namespace: NS, name: 'ledger-db-0' },
    describedPodText({ ns: NS, name: 'ledger-db-0', container: 'db' }),
  );
  const line = 'dump failed: error in Stream: container mysql is not valid for pod ledger-db-0';

  it('reads the target pod, then names the container asked for and the ones it has', () => {
    expect(invalidContainerAnalyzer.reads(ctx(NS, [log(NS, JOB_POD, [line])]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: 'ledger-db-0' } },
    ]);
    const [f] = invalidContainerAnalyzer.finds(ctx(NS, [log(NS, JOB_POD, [line]), target]));
    expect(f?.cause).toContain('ledger-db-0 has no container named mysql: its container is named db');
    expect(f?.advice).toMatch(/point the program at container db/);
  });

  it('stays quiet when the pod does have the container (another cause)', () => {
    const same = line.replace('container mysql', 'container db');
    expect(invalidContainerAnalyzer.finds(ctx(NS, [log(NS, JOB_POD, [same]), target]))).toEqual([]);
  });
});

// --- dev-tag (set 110) ------------------------------------------------------------------------------------

describe("dev-tag: a failing container on a development build beside its publisher's release", () => {
  const NS = 'artifacts';
  const POD = 'store-api-7c9d8b6f4-k2m8q';
  const pod = (image: string, ready = 'False') =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'ctl' })
        .replace('registry.example.com/app:1.0.0', image)
        .replace('    Ready:          True', `    Ready:          ${ready}`)
        .replace(
          'Status:           Running',
          'Status:           Running\nControlled By:    ReplicaSet/store-api-7c9d8b6f4',
        ),
    );
  const deployments = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ['store-core', '2/2', '2', '2', '9d', 'acme/store-core:v3.4.1'],
      ['store-web', '1/1', '1', '1', '9d', 'acme/store-web:v3.4.1'],
    ]),
  );

  it('names the development tag and sets the release its siblings run', () => {
    const [f] = devTagAnalyzer.finds(ctx(NS, [pod('acme/store-ctl:dev'), deployments]));
    expect(f?.cause).toContain('"dev" is a development build');
    expect(f?.fix?.args).toEqual({
      namespace: NS,
      deployment: 'store-api',
      container: 'ctl',
      image: 'acme/store-ctl:v3.4.1',
    });
  });

  it.each([
    ['the container is Ready', [pod('acme/store-ctl:dev', 'True'), deployments]],
    ['its tag is a release', [pod('acme/store-ctl:v3.4.0'), deployments]],
    ['no sibling of the same publisher runs a release', [pod('other/tool:nightly'), deployments]],
  ])('stays quiet when %s', (_name, seen) => {
    expect(devTagAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });
});

// --- named-first: a URL names a site, not a workload (set 110) ---------------------------------------------

describe('named-first: the first label of a URL in the task names no workload', () => {
  const finding = (weight: number, object: string): Finding => ({
    weight,
    object,
    cause: 'it fails',
    evidence: [],
  });
  const words = (t: string) => [...new Set(t.toLowerCase().match(/[a-z0-9][a-z0-9-]{2,}/g) ?? [])];
  it('moves a sonar-relay crash behind the SonarQube the task names, though the URL says sonar', () => {
    const t =
      'Since Saturday https://sonar.example.dev answers 503; the SonarQube pod in namespace cq is never ready.';
    const relay = finding(92, 'deployment sonar-relay (pod sonar-relay-5d8f7b9c6-p8z2m)');
    const sonarqube = finding(82, 'pod sonarqube-7c9d8b6f4-k2m8q');
    expect(namedFirst([relay, sonarqube], t, 'cq', words(t), [])[0]).toBe(sonarqube);
  });
});

// --- the serving path of the task's URL (after set 109's Traefik 404) ----------------------------------------

describe("serving path: what the task's URL is routed to is the task's own object", () => {
  const NS = 'kb';
  const TASK =
    'Since this morning https://help.corp-example.net answers "404 page not found" for every path. We upgraded the proxy yesterday.';
  const ingress = (ns: string, className: string, host = 'help.corp-example.net', service = 'help-web') =>
    observed(
      'describe_resource',
      { kind: 'Ingress', namespace: ns, name: 'help' },
      [
        'Name:         help',
        `Namespace:    ${ns}`,
        'Kind:         Ingress (networking.k8s.io/v1)',
        'Spec:',
        ...(className ? [`  ingressClassName: ${className}`] : []),
        `  rules[0].host: ${host}`,
        '  rules[0].http.paths[0].path: /',
        `  rules[0].http.paths[0].backend.service.name: ${service}`,
        '  rules[0].http.paths[0].backend.service.port.number: 80',
        'Events:  <none>',
      ].join('\n'),
    );
  const services = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
      ['help-web', 'ClusterIP', '10.96.19.4', '80/TCP', 'app=help-web', '<none>', '300d'],
      ['stats', 'ClusterIP', '10.96.19.5', '80/TCP', 'app=stats', '10.0.1.4:8080', '300d'],
    ]),
  );
  const finding = (weight: number, object: string, cause = 'it fails'): Finding => ({
    weight,
    object,
    cause,
    evidence: [],
  });
  const words = (t: string) => [...new Set(t.toLowerCase().match(/[a-z0-9][a-z0-9-]{2,}/g) ?? [])];
  const pull = finding(92, 'deployment stats-collector (pod stats-collector-t7x4csgwz-dtbmj)');
  const emptyService = finding(
    80,
    'service help-web',
    'service help-web has no endpoints: its selector app=help-web matches no pod in kb, so traffic has nowhere to go',
  );
  const scaled = finding(
    70,
    'deployment help-web',
    'deployment help-web is scaled to 0 replicas, so service help-web has no pods behind it (no endpoints)',
  );

  it("names the Ingress's Service for the URL's host and the workload its selector names", () => {
    expect([...servingPath(TASK, NS, [ingress(NS, 'traefik'), services])].sort()).toEqual(['help-web']);
    const other = observed(
      'list_services',
      { namespace: NS },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'ENDPOINTS', 'AGE'],
        ['help-web', 'ClusterIP', '10.96.19.4', '80/TCP', 'app.kubernetes.io/name=helpdesk', '<none>', '1d'],
      ]),
    );
    expect([...servingPath(TASK, NS, [ingress(NS, 'traefik'), other])].sort()).toEqual([
      'help-web',
      'helpdesk',
    ]);
  });

  it('names nothing without a URL, for another host, or for an Ingress of another namespace', () => {
    expect(servingPath('the help site answers 404', NS, [ingress(NS, 'traefik'), services]).size).toBe(0);
    expect(servingPath(TASK, NS, [ingress(NS, 'traefik', 'status.corp-example.net'), services]).size).toBe(0);
    expect(servingPath(TASK, NS, [ingress('edge', 'traefik'), services]).size).toBe(0);
  });

  it("moves the finding on the URL's Service before an unrelated pull failure", () => {
    const seen = [ingress(NS, 'traefik'), services];
    expect(namedFirst([pull, emptyService, scaled], TASK, NS, words(TASK), seen)[0]).toBe(emptyService);
  });

  it('keeps the order when no Ingress read routes the host', () => {
    expect(namedFirst([pull, emptyService], TASK, NS, words(TASK), [services])[0]).toBe(pull);
  });

  it('says Traefik answers its own 404 for a backend without endpoints, ingress-nginx a 503', () => {
    const refine = (className: string, f: Finding) => {
      const copy = { ...f, evidence: [...f.evidence] };
      const seen = [ingress(NS, className), services];
      (emptyBackend as Extract<RunSignature, { refine: unknown }>).refine(
        { ...ctx(NS, seen, TASK), hints: words(TASK) } as unknown as Facts,
        [copy],
      );
      return copy.cause;
    };
    expect(refine('traefik', scaled)).toMatch(/404 page not found instead of a 503/);
    expect(refine('traefik', emptyService)).toMatch(/Traefik skips a Service without endpoints/);
    expect(refine('nginx', scaled)).toMatch(/ingress-nginx answers 503/);
    expect(refine('', scaled)).toBe(scaled.cause);
    expect(refine('traefik', pull)).toBe(pull.cause);
    // Another Service's finding is not the URL's.
    const other = finding(
      80,
      'service stats',
      'service stats has no endpoints: its selector app=stats matches no pod',
    );
    expect(refine('traefik', other)).toBe(other.cause);
  });

  it('takes a site written without a scheme for a site, and keeps the name of an in-cluster URL', () => {
    expect(withoutSites('sonar.example.dev answers 503')).not.toContain('sonar');
    expect(withoutSites('see grafana.corp-example.co.uk now')).not.toContain('grafana');
    expect(withoutSites('calls to http://checkout:8080/api time out')).toContain('checkout');
    expect(withoutSites('calls to http://checkout.shop.svc.cluster.local/api time out')).toContain(
      'checkout',
    );
    // A logger or a version is no host.
    expect(withoutSites('checkout.orderservice fails after v2.11.2')).toContain('checkout.orderservice');
  });

  it('costs a bounded time on a task of many long URLs and an Ingress of many rules', () => {
    const rules = (host: string) =>
      observed(
        'describe_resource',
        { kind: 'Ingress', namespace: NS, name: 'big' },
        Array.from(
          { length: 3000 },
          (_, i) =>
            `  rules[${i % 999}].host: ${host}\n  rules[${i % 999}].http.paths[0].backend.service.name: s${i}\n  rules[${i % 999}].http.paths[0].backend.service.port.number: 80`,
        ).join('\n'),
      );
    const bad = `${'https://help.corp-example.net/'.padEnd(1990, 'a')} `.repeat(50);
    const good = `${'plain words here '.padEnd(1990, 'a')} `.repeat(50);
    expectBounded(
      () => servingPath(bad, NS, [rules('help.corp-example.net'), services]),
      () => servingPath(good, NS, [rules('other.example.org'), services]),
    );
  });
});

// --- ingress-error-log (after set 110's nginx 502) ---------------------------------------------------------

describe("ingress-error-log: a 502 at a site ingress-nginx serves, read in the controller's error log", () => {
  const NS = 'shop';
  const CTRL = 'ingress-nginx-controller-6b9f7c8d5-x2k4p';
  const TASK =
    'Since the 3.1 release, customers who pay at https://shop.example.org get "502 Bad Gateway" after the card step. We think the payment provider is slow.';
  const ingress = (className = 'nginx', host = 'shop.example.org') =>
    observed(
      'describe_resource',
      { kind: 'Ingress', namespace: NS, name: 'storefront' },
      [
        'Name:         storefront',
        `Namespace:    ${NS}`,
        'Spec:',
        `  ingressClassName: ${className}`,
        `  rules[0].host: ${host}`,
        '  rules[0].http.paths[0].path: /',
        '  rules[0].http.paths[0].backend.service.name: storefront-web',
        '  rules[0].http.paths[0].backend.service.port.number: 80',
      ].join('\n'),
    );
  const found = observed(
    'find_objects',
    { name: 'ingress-nginx' },
    table([
      ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
      ['Namespace', '-', 'ingress-nginx', 'Active', '90d'],
      ['Deployment', 'ingress-nginx', 'ingress-nginx-controller', 'Available', '90d'],
      ['Pod', 'ingress-nginx', CTRL, 'Running', '3d'],
    ]),
  );
  const errorLine = (
    host: string,
    msg = 'upstream sent too big header while reading response header from upstream',
  ) =>
    `2026/05/02 10:14:07 [error] 38#38: *991204 ${msg}, client: 10.0.3.9, server: ${host}, request: "POST /checkout/confirm?step=3 HTTP/2.0", upstream: "http://10.244.2.7:3000/checkout/confirm?step=3", host: "${host}"`;
  const searched = (lines: string[]) =>
    observed(
      'search_pod_logs',
      { namespace: 'ingress-nginx', name: CTRL, pattern: 'shop.example.org', context: 0, maxMatches: 50 },
      `${lines.length} line(s) match "shop.example.org"\n${lines.map((l, i) => `${i + 10}:${l}`).join('\n')}`,
    );
  const run = (seen: SeenObservation[], task = TASK) => ingressErrorLogAnalyzer.finds(ctx(NS, seen, task));

  it("parses nginx's error-log line: message, host and request", () => {
    expect(nginxError(errorLine('shop.example.org'))).toMatchObject({
      message: 'upstream sent too big header while reading response header from upstream',
      host: 'shop.example.org',
      method: 'POST',
      path: '/checkout/confirm',
    });
    expect(nginxError('10.0.3.9 - - [02/May/2026:10:14:07 +0000] "GET / HTTP/2.0" 502 552')).toBeUndefined();
  });

  it("reads the Ingress, finds the controller and searches its log for the URL's host", () => {
    expect(ingressErrorLogAnalyzer.reads(ctx(NS, [], TASK))[0]).toEqual({
      tool: 'list_resources',
      args: { kind: 'Ingress', namespace: NS },
    });
    expect(ingressErrorLogAnalyzer.reads(ctx(NS, [ingress(), found], TASK))).toContainEqual({
      tool: 'search_pod_logs',
      args: {
        namespace: 'ingress-nginx',
        name: CTRL,
        pattern: 'shop.example.org',
        context: 0,
        maxMatches: 50,
      },
    });
    // No status a proxy answers, or no URL: nothing to read.
    expect(ingressErrorLogAnalyzer.reads(ctx(NS, [], 'https://shop.example.org is slow today'))).toEqual([]);
    expect(ingressErrorLogAnalyzer.reads(ctx(NS, [], 'the shop answers 502 since noon'))).toEqual([]);
  });

  it("says the 502 is the controller's answer and why, with the request it refused", () => {
    const [f] = run([
      ingress(),
      found,
      searched([errorLine('shop.example.org'), errorLine('shop.example.org')]),
    ]);
    expect(f?.object).toBe('ingress storefront');
    expect(f?.cause).toContain("the 502 is the Ingress controller's own answer");
    expect(f?.cause).toContain('logs 2 errors for POST /checkout/confirm');
    expect(f?.cause).toMatch(/proxy-buffer-size/);
    expect(f?.cause).not.toMatch(/proxy-read-timeout/);
  });

  it("stays quiet for another host's errors, an unknown message, or an Ingress of another class", () => {
    expect(run([ingress(), found, searched([errorLine('admin.example.org')])])).toEqual([]);
    expect(
      run([ingress(), found, searched([errorLine('shop.example.org', 'something odd happened')])]),
    ).toEqual([]);
    expect(run([ingress('traefik'), found, searched([errorLine('shop.example.org')])])).toEqual([]);
  });

  it('costs a bounded time on long near-miss lines', () => {
    const near = `2026/05/02 10:14:07 [error] 38#38: *1 ${'x, server: '.repeat(300)}`;
    const bad = [ingress(), found, searched(Array(1500).fill(near))];
    const good = [ingress(), found, searched(Array(1500).fill('y'.repeat(near.length)))];
    expectBounded(
      () => run(bad),
      () => run(good),
    );
  });
});

// --- the rollback of a Deployment goes to its pod's logged failure, also once named-first leads with it -------

describe('same-object rollback: a pod finding on logged failures takes its Deployment rollback', () => {
  const donor: Finding = {
    weight: 70,
    object: 'deployment wiki (pod wiki-7c9d8b6f4-k2m8q)',
    cause: 'the readiness probe fails; it started with the latest rollout (revision 3: chart 5.0.0)',
    evidence: ['get_rollout_history wiki: 3 revisions, latest 3'],
    fix: { tool: 'rollback_deployment', args: { namespace: 'docs', name: 'wiki' }, text: 'roll wiki back' },
  };
  const logged = (advice?: string): Finding => ({
    weight: 82,
    object: 'pod wiki-7c9d8b6f4-k2m8q',
    cause: 'pod wiki-7c9d8b6f4-k2m8q is Running but its program logs failures',
    evidence: [],
    ...(advice ? { advice } : {}),
  });

  it("gives a pod's logged failures (advice only where to look) the rollback of the pod's Deployment", () => {
    const top = logged(LOG_LINES_ADVICE);
    donateRollback(top, [top, donor]);
    expect(top.fix?.tool).toBe('rollback_deployment');
    expect(top.cause).toContain('it started with the latest rollout (revision 3: chart 5.0.0)');
    expect(top.evidence).toContain('get_rollout_history wiki: 3 revisions, latest 3');
  });

  it("gives none to a pod finding with advice of its own, or to another Deployment's pod", () => {
    const own = logged('turn the feature flag back off');
    donateRollback(own, [own, donor]);
    expect(own.fix).toBeUndefined();
    const other: Finding = { ...logged(LOG_LINES_ADVICE), object: 'pod wikibot-5d8f7b9c6-p8z2m' };
    donateRollback(other, [other, donor]);
    expect(other.fix).toBeUndefined();
  });
});
