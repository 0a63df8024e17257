// Table tests of the general rules written after held-out set 85's first contact.
import { describe, expect, it } from 'vitest';
import { takenOrUnread } from '../baseline/reading.js';
import type { SeenObservation } from '../observations.js';
import { fromScan, scanReads } from '../scan-findings.js';
import { certificateIssuerAnalyzer } from './certificate-issuer.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { poolsOverMaxConnectionsAnalyzer } from './pools-over-max-connections.js';
import { serviceLinkValueAnalyzer } from './service-links.js';

const services = (ns: string, rows: string[][]) =>
  observed(
    'list_services',
    { namespace: ns },
    table([['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], ...rows]),
  );

describe('a crash on a service link value', () => {
  const crash = [
    'Loading supertokens config.',
    'What caused the crash: com.fasterxml.jackson.databind.exc.InvalidFormatException: Cannot deserialize value of type `int` from String "tcp://10.96.141.37:80": not a valid Integer value',
    ' at [Source: (File); line: 175, column: 7] (through reference chain: io.supertokens.config.CoreConfig["port"])',
  ];
  const pod = 'supertokens-6f8d9c7b54-h7q2d';
  const described = (ports: string[]) =>
    observed(
      'describe_pod',
      { namespace: 'identity', name: pod },
      [
        `Name:             ${pod}`,
        'Namespace:        identity',
        'Controlled By:    ReplicaSet/supertokens-6f8d9c7b54',
        'Containers:',
        '  supertokens:',
        '    Image:          registry.example.com/supertokens:9.0.2',
        `    Ports:          ${ports.map((p) => `${p}/TCP`).join(', ')}`,
        '    State:          Waiting',
      ].join('\n'),
    );
  const svc = services('identity', [
    ['supertokens', 'ClusterIP', '10.96.141.37', '<none>', '80/TCP', '1d'],
    ['auth-gateway', 'ClusterIP', '10.96.8.2', '<none>', '80/TCP', '214d'],
  ]);
  const logged = log('identity', pod, crash, { container: 'supertokens', previous: true });

  it('reads the Services once a log quotes a tcp:// value it could not take', () => {
    expect(serviceLinkValueAnalyzer.reads(ctx('identity', [logged]))).toEqual([
      { tool: 'list_services', args: { namespace: 'identity' } },
    ]);
    const fine = log('identity', pod, ['connected to tcp://10.96.141.37:80']);
    expect(serviceLinkValueAnalyzer.reads(ctx('identity', [fine]))).toEqual([]);
  });

  it('names the injected <SERVICE>_PORT and sets it to the container port', () => {
    const [f] = serviceLinkValueAnalyzer.finds(ctx('identity', [logged, svc, described(['3567'])]));
    expect(f?.cause).toContain('SUPERTOKENS_PORT');
    expect(f?.cause).toContain('service link');
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: 'identity',
        deployment: 'supertokens',
        container: 'supertokens',
        set: [{ name: 'SUPERTOKENS_PORT', value: '3567' }],
      },
      text: expect.stringContaining('SUPERTOKENS_PORT=3567'),
    });
    expect(f?.revisionSound).toBe(true);
  });

  it('proposes no value when the container has several ports, and nothing for an address no Service has', () => {
    const [f] = serviceLinkValueAnalyzer.finds(ctx('identity', [logged, svc, described(['3567', '9090'])]));
    expect(f?.cause).toContain('SUPERTOKENS_PORT');
    expect(f?.fix).toBeUndefined();
    const other = services('identity', [
      ['auth-gateway', 'ClusterIP', '10.96.8.2', '<none>', '80/TCP', '214d'],
    ]);
    expect(serviceLinkValueAnalyzer.finds(ctx('identity', [logged, other, described(['3567'])]))).toEqual([]);
  });
});

describe("a pooler's configured pool against max_connections", () => {
  const pooler = 'odyssey-w6mlfllds-r5h96';
  const seen = (poolSize: number): SeenObservation[] => [
    pods('ledger-db', [
      [pooler, '1/1', 'Running', '0', '7d'],
      ['pg-ledger-0', '1/1', 'Running', '0', '420d'],
    ]),
    log('ledger-db', pooler, [
      "1 2026-08-12T10:14:02Z info [none none] (config) database 'ledger' user 'rollup'",
      `1 2026-08-12T10:14:02Z info [none none] (config)   pool_size          ${poolSize}`,
      '1 2026-08-12T10:14:02Z info [none none] (config)   storage            pg_ledger (remote pg-ledger.ledger-db.svc.cluster.local:5432)',
      '1 2026-08-19T02:00:05Z error [b388d sd1f3] (main) FATAL 53300 remaining connection slots are reserved for non-replication superuser connections',
    ]),
    observed(
      'describe_deployment',
      { namespace: 'ledger-db', name: 'odyssey' },
      'Name: odyssey\nReplicas: 1 desired | 1 updated | 1 total | 1 available\nPod Template:\n  Containers:\n   odyssey:\n    Environment:    <none>',
    ),
    observed(
      'describe_pod',
      { namespace: 'ledger-db', name: 'pg-ledger-0' },
      describedPodText({ ns: 'ledger-db', name: 'pg-ledger-0', configMaps: ['pg-ledger-config'] }),
    ),
    observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'pg-ledger-config', namespace: 'ledger-db' },
      'data:\n  postgresql.conf: |\n    max_connections = 100\n    superuser_reserved_connections = 3',
    ),
  ];

  it('a pool that takes most of the slots clients get is named, with what it leaves', () => {
    const [f] = poolsOverMaxConnectionsAnalyzer.finds(ctx('ledger-db', seen(80)));
    expect(f?.cause).toContain('max_connections = 100');
    expect(f?.cause).toContain('97 for other clients');
    expect(f?.cause).toContain('pool_size 80');
    expect(f?.cause).toContain('leaving 17');
    expect(f?.cause).toContain('remaining connection slots are reserved');
  });

  it('a pool far below the limit is not the cause', () => {
    expect(poolsOverMaxConnectionsAnalyzer.finds(ctx('ledger-db', seen(20)))).toEqual([]);
  });
});

describe('scan findings a read pod does not show', () => {
  const out = `scan of namespace tk: 2 finding(s), most likely root causes first
- Pod tk/api-5d9c7b8f6-q2lwx [EgressToDependencyDenied] Deployment/api's HTTPS_PROXY points it at egress-proxy.net-egress.svc.cluster.local, but the NetworkPolicies that govern its egress (api-egress) let no connection to namespace net-egress out
    owner: Deployment/api
    evidence: api: HTTPS_PROXY=http://egress-proxy.net-egress.svc.cluster.local:3128
    evidence: NetworkPolicy api-egress: policyTypes Egress; egress namespaces kubernetes.io/metadata.name=kube-system on port 53
- Pod tk/registry-2hqpxzgvq-rgwn2 [OOMKilled] container registry was OOMKilled (exit code 137) and restarted 1 time(s)
    owner: Deployment/registry
    evidence: State: Running; Last State: Terminated, Reason OOMKilled, Exit Code 137, Restart Count 1
    evidence: memory limit 512Mi`;
  const scanned = observed('scan', { namespace: 'tk' }, out);
  const read = observed('describe_pod', { namespace: 'tk', name: 'api-5d9c7b8f6-q2lwx' }, 'Name: api');

  it('takes the egress finding for a described pod and ranks it over a kill that recovered', () => {
    const seen = [scanned, read];
    const found = fromScan({ task: 'the UI is blank', ns: 'tk', hints: [], seen }, takenOrUnread(seen));
    expect(found[0]?.object).toBe('deployment api (pod api-5d9c7b8f6-q2lwx)');
    // The policy is the scan's reading, not something the pod's description shows.
    expect(found[0]?.evidence[1]).toMatch(/^scan Pod api-5d9c7b8f6-q2lwx: NetworkPolicy api-egress/);
    expect(found[0]?.evidence[0]).toMatch(/^describe_pod Pod api-5d9c7b8f6-q2lwx: /);
  });
});

describe('a Service that selects no pod, dialled by a failing program', () => {
  const out = `scan of namespace ai: 2 finding(s), most likely root causes first
- Pod ai/api-7d9c5b8f6-q2lwx [Restarting] container api keeps restarting (128 restarts); it last exited with code 1 (Error)
    owner: Deployment/api
    evidence: State: Running; Last State: Terminated, Reason Error, Exit Code 1, Restart Count 128
- Service ai/vespa-service [NoPodsSelected] service vespa-service has no endpoints: its selector app=vespa,app.kubernetes.io/instance=onyx-kb matches no pod in ai, so traffic has nowhere to go
    evidence: selector app=vespa,app.kubernetes.io/instance=onyx-kb; 0 pods match
    evidence: endpoints: 0 ready`;
  const base = [
    observed('scan', { namespace: 'ai' }, out),
    pods('ai', [
      ['api-7d9c5b8f6-q2lwx', '0/1', 'Running', '128', '18h'],
      ['vespa-0', '1/1', 'Running', '0', '18h'],
    ]),
    log(
      'ai',
      'api-7d9c5b8f6-q2lwx',
      [
        "ERROR: Vespa setup did not complete: HTTPConnectionPool(host='vespa-service', port=19071): Max retries exceeded ([Errno 111] Connection refused)",
      ],
      { previous: true },
    ),
  ];
  const vespa = observed(
    'describe_pod',
    { namespace: 'ai', name: 'vespa-0' },
    'Name:         vespa-0\nNamespace:    ai\nLabels:       app=vespa\n              app.kubernetes.io/instance=danswer\n              statefulset.kubernetes.io/pod-name=vespa-0\nStatus:       Running',
  );

  it('reads the pod the selector names and sets the selector from its labels', () => {
    const c = { task: 'api keeps restarting', ns: 'ai', hints: [], seen: base };
    expect(scanReads(c)).toContainEqual({ tool: 'describe_pod', args: { namespace: 'ai', name: 'vespa-0' } });
    const seen = [...base, vespa];
    const [top] = fromScan({ ...c, seen });
    expect(top?.object).toBe('service vespa-service');
    expect(top?.cause).toContain(
      'deployment api (pod api-7d9c5b8f6-q2lwx) connects to vespa-service and fails',
    );
    expect(top?.fix?.args).toEqual({
      namespace: 'ai',
      name: 'vespa-service',
      selector: { app: 'vespa', 'app.kubernetes.io/instance': 'danswer' },
    });
  });

  it('without a failing dial the Service is not lifted, and a pod lacking a key gives no selector', () => {
    const weight = (seen: SeenObservation[]) =>
      fromScan({ task: 'api keeps restarting', ns: 'ai', hints: [], seen }).find(
        (f) => f.object === 'service vespa-service',
      )?.weight;
    expect(weight([...base, vespa])! - weight([base[0]!, base[1]!, vespa])!).toBe(15);
    const bare = observed(
      'describe_pod',
      { namespace: 'ai', name: 'vespa-0' },
      'Name:         vespa-0\nLabels:       app=vespa\nStatus:       Running',
    );
    const found = fromScan({ task: 'x', ns: 'ai', hints: [], seen: [...base, bare] });
    expect(found.find((f) => f.object === 'service vespa-service')?.fix).toBeUndefined();
  });
});

describe("a mounted Secret its Certificate's issuer never writes", () => {
  const ns = 'edge';
  const mount = observed(
    'describe_pod',
    { namespace: ns, name: 'gw-5d9c7b8f6-q2lwx' },
    'Name: gw-5d9c7b8f6-q2lwx\nEvents:\n  Warning  FailedMount  2m (x61 over 2h)  kubelet  MountVolume.SetUp failed for volume "mtls" : secret "gw-mtls-tls" not found',
  );
  const certs = observed(
    'list_resources',
    { kind: 'Certificate', namespace: ns },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['gw-mtls', 'Issuing', '2h'],
    ]),
  );
  const cert = (kind: string) =>
    observed(
      'describe_resource',
      { kind: 'Certificate', name: 'gw-mtls', namespace: ns },
      `Name: gw-mtls\nSpec:\n  secretName: gw-mtls-tls\n  issuerRef.kind: ${kind}\n  issuerRef.name: internal-ca\nStatus:\n  conditions[0].type: Ready\n  conditions[0].status: False\n  conditions[0].message: Issuing certificate as Secret does not exist`,
    );
  const issuer = observed(
    'describe_resource',
    { kind: 'StepIssuer', name: 'internal-ca', namespace: ns },
    'Name: internal-ca\nSpec:\n  url: https://step-ca.pki.svc.cluster.local\nStatus:\n  conditions[0].type: Ready\n  conditions[0].status: False\n  conditions[0].message: Failed to initialize provisioner: error parsing provisioner encrypted key: go-jose/go-jose: compact JWE format must have five parts',
  );

  it('follows the Certificate to its issuer, then to the CA the issuer names', () => {
    const r = (seen: SeenObservation[]) => certificateIssuerAnalyzer.reads(ctx(ns, seen));
    expect(r([mount])).toEqual([{ tool: 'list_resources', args: { kind: 'Certificate', namespace: ns } }]);
    expect(r([mount, certs])).toEqual([
      { tool: 'describe_resource', args: { kind: 'Certificate', name: 'gw-mtls', namespace: ns } },
    ]);
    expect(r([mount, certs, cert('StepIssuer')])).toEqual([
      { tool: 'describe_resource', args: { kind: 'StepIssuer', name: 'internal-ca', namespace: ns } },
    ]);
    expect(r([mount, certs, cert('ClusterIssuer')])).toEqual([
      { tool: 'describe_resource', args: { kind: 'ClusterIssuer', name: 'internal-ca' } },
    ]);
    expect(r([mount, certs, cert('StepIssuer'), issuer])).toEqual([
      { tool: 'list_pods', args: { namespace: 'pki' } },
    ]);
  });

  it("names the issuer's condition, and the key's shape once the CA's ConfigMap is read", () => {
    const [f] = certificateIssuerAnalyzer.finds(ctx(ns, [mount, certs, cert('StepIssuer'), issuer]));
    expect(f?.object).toBe('certificate gw-mtls');
    expect(f?.cause).toContain('compact JWE format must have five parts');
    expect(f?.cause).toContain('base64');
    const ca = [
      pods('pki', [['step-ca-6f8d9c7b54-h7q2d', '1/1', 'Running', '0', '1d']]),
      observed(
        'describe_pod',
        { namespace: 'pki', name: 'step-ca-6f8d9c7b54-h7q2d' },
        describedPodText({ ns: 'pki', name: 'step-ca-6f8d9c7b54-h7q2d', configMaps: ['step-ca-config'] }),
      ),
      observed(
        'get_resource',
        { kind: 'ConfigMap', name: 'step-ca-config', namespace: 'pki' },
        'data:\n  ca.json: |\n    { "encryptedKey": "ZXlKaGJHY2lPaUpRUWtWVE1pMUlVekkxTml0QSJ9" }',
      ),
    ];
    const [g] = certificateIssuerAnalyzer.finds(ctx(ns, [mount, certs, cert('StepIssuer'), issuer, ...ca]));
    expect(g?.cause).toContain('ConfigMap step-ca-config');
    expect(g?.cause).toContain('base64-encoded once more');
    expect(g?.evidence).toContainEqual(expect.stringMatching(/^get_resource ConfigMap step-ca-config: /));
  });

  it('a Secret no Certificate writes, or an issuer that is Ready, gives nothing', () => {
    const other = observed(
      'describe_pod',
      { namespace: ns, name: 'gw-5d9c7b8f6-q2lwx' },
      'Events:\n  Warning  FailedMount  2m  kubelet  MountVolume.SetUp failed for volume "x" : secret "db-password" not found',
    );
    expect(certificateIssuerAnalyzer.finds(ctx(ns, [other, certs, cert('StepIssuer'), issuer]))).toEqual([]);
    const ready = observed(
      'describe_resource',
      { kind: 'StepIssuer', name: 'internal-ca', namespace: ns },
      'Status:\n  conditions[0].type: Ready\n  conditions[0].status: True\n  conditions[0].message: StepIssuer verified and ready to sign certificates',
    );
    expect(certificateIssuerAnalyzer.finds(ctx(ns, [mount, certs, cert('StepIssuer'), ready]))).toEqual([]);
  });

  it("glosses go-jose's five parts", () => {
    expect(glossOf('go-jose/go-jose: compact JWE format must have five parts')?.means).toContain('RFC 7516');
  });
});
