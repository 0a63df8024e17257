// Table tests of the general rules written after held-out set 61's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { askedLines } from './asked-lines.js';
import { localhostSettingAnalyzer } from './localhost-setting.js';
import { glossOf } from './log-glosses.js';
import { lowercaseNameAnalyzer } from './lowercase-name.js';
import { misroutedPathAnalyzer } from './misrouted-path.js';
import { netpolEgressAnalyzer } from './netpol-egress.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { poolLeakAnalyzer } from './pool-leak.js';
import { startTimeoutAnalyzer } from './start-timeout.js';
import { websocketUpgradeAnalyzer } from './websocket-upgrade.js';

describe('websocket-upgrade: the proxy in front may be in a namespace of its own', () => {
  const NS = 'passwords';
  const APP = 'vault-h96ks9h9f-hsdm5';
  const PROXY = 'edge-proxy-68tkfkglf-jrq5h';
  const refusedLog = log(NS, APP, [
    '[response][INFO] (anonymous_websocket_hub) GET /notifications/anonymous-hub => 400 Bad Request',
    "[notifications][WARN] anonymous-hub request without 'Upgrade: websocket' header, refusing",
  ]);
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['edge', 'Active', '30d'],
      ['passwords', 'Active', '30d'],
    ]),
  );
  const edgePods = pods('edge', [[PROXY, '1/1', 'Running', '0', '30d']]);
  const proxyPod = observed(
    'describe_pod',
    { namespace: 'edge', name: PROXY },
    describedPodText({ ns: 'edge', name: PROXY, container: 'nginx', configMaps: ['edge-proxy-conf'] })
      .replace('registry.example.com/app:1.0.0', 'nginx:1.27.3')
      .concat('\nControlled By:  ReplicaSet/edge-proxy-68tkfkglf'),
  );
  const conf = observed(
    'describe_resource',
    { kind: 'ConfigMap', name: 'edge-proxy-conf', namespace: 'edge' },
    [
      'Data',
      '====',
      'vault.conf:',
      '----',
      'server {',
      '  location = /notifications/hub {',
      '    proxy_pass http://vault:80;',
      '    proxy_set_header Upgrade $http_upgrade;',
      '    proxy_set_header Connection "upgrade";',
      '  }',
      '  location / {',
      '    proxy_pass http://vault:80;',
      '    proxy_set_header Host $host;',
      '  }',
      '}',
    ].join('\n'),
  );

  it('lists the pods of a namespace named for a proxy, then describes them, then reads their ConfigMap', () => {
    expect(websocketUpgradeAnalyzer.reads(ctx(NS, [refusedLog, namespaces]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'edge' } },
    ]);
    expect(websocketUpgradeAnalyzer.reads(ctx(NS, [refusedLog, namespaces, edgePods]))).toEqual([
      { tool: 'describe_pod', args: { namespace: 'edge', name: PROXY } },
    ]);
    expect(websocketUpgradeAnalyzer.reads(ctx(NS, [refusedLog, namespaces, edgePods, proxyPod]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'edge-proxy-conf', namespace: 'edge' } },
    ]);
  });

  it("an exact location serves only its own path: the request falls to '/', which lacks the headers", () => {
    const [f] = websocketUpgradeAnalyzer.finds(ctx(NS, [refusedLog, namespaces, edgePods, proxyPod, conf]));
    expect(f?.object).toMatch(/^deployment edge-proxy in edge/);
    expect(f?.cause).toMatch(
      /requests for \/notifications\/anonymous-hub fall to location \/ of its nginx configuration/,
    );
    // The server's own words are quoted before the access line.
    expect(f?.cause).toMatch(/without 'Upgrade: websocket' header/);
  });
});

describe('localhost-setting: no variable names the server, so the program falls back to localhost', () => {
  const NS = 'identity';
  const POD = 'sso-outpost-5psxf5fk7-4wp2c';
  const refused = log(NS, POD, [
    '{"error":"Get \\"https://localhost:9443/api/v3/outposts/instances/\\": dial tcp 127.0.0.1:9443: connect: connection refused","event":"Failed to fetch outpost configuration"}',
  ]);
  const described = (extra = '') =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Controlled By:    ReplicaSet/sso-outpost-5psxf5fk7',
        'Containers:',
        '  proxy:',
        '    Image:          ghcr.io/example/sso-proxy:2025.2.3',
        '    Environment:',
        "      AUTHENTIK_TOKEN:      <set to the key 'token' in secret 'sso-outpost-token'>  Optional: false",
        '      AUTHENTIK_INSECURE:   true',
        `      AUTHENTIK_LOG_LEVEL:  info${extra}`,
        'Conditions:',
      ].join('\n'),
    );
  const services = observed(
    'list_services',
    { namespace: NS },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
      ['sso-outpost', 'ClusterIP', '10.96.0.10', '9000/TCP', '1d'],
      ['sso-server', 'ClusterIP', '10.96.0.11', '9000/TCP,9443/TCP', '200d'],
    ]),
  );

  it('sets <prefix>HOST to the one Service that serves the refused port, scheme kept', () => {
    const [f] = localhostSettingAnalyzer.finds(ctx(NS, [refused, described(), services]));
    expect(f?.cause).toMatch(
      /its AUTHENTIK_ variables \(AUTHENTIK_TOKEN, AUTHENTIK_INSECURE, AUTHENTIK_LOG_LEVEL\)/,
    );
    expect(f?.fix?.args['set']).toEqual([
      { name: 'AUTHENTIK_HOST', value: 'https://sso-server.identity.svc:9443' },
    ]);
  });

  it('stays quiet when a host variable of the prefix is set, or two Services serve the port', () => {
    expect(
      localhostSettingAnalyzer.finds(
        ctx(NS, [refused, described('\n      AUTHENTIK_URL:  http://x'), services]),
      ),
    ).toEqual([]);
    const two = observed(
      'list_services',
      { namespace: NS },
      table([
        ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
        ['a', 'ClusterIP', '10.96.0.10', '9443/TCP', '1d'],
        ['b', 'ClusterIP', '10.96.0.11', '9443/TCP', '1d'],
      ]),
    );
    expect(localhostSettingAnalyzer.finds(ctx(NS, [refused, described(), two]))).toEqual([]);
  });
});

describe('askedLines: a warning logged once is said to be a single occurrence', () => {
  it('says so among five lines or more, and not for a warning that recurs', () => {
    const lines = [
      'INFO fetched 14 monitors from statuswatch (1)',
      'INFO fetched 14 monitors from statuswatch (2)',
      'WARNING updating state for sensor statuswatch_shop took 2.902 seconds',
      'INFO fetched 14 monitors from statuswatch (3)',
      'INFO purging events older than 10 days',
    ];
    const task = 'the statuswatch sensor state updating is slow, a warning said it took seconds';
    const [once] = askedLines(ctx('home', [log('home', 'hub-1', lines)], task));
    expect(once).toMatch(/logged once among the 5 lines read \(a single occurrence/);
    const twice = [...lines, 'WARNING updating state for sensor statuswatch_shop took 3.100 seconds'];
    const [again] = askedLines(ctx('home', [log('home', 'hub-1', twice)], task));
    expect(again ?? '').not.toMatch(/single occurrence/);
  });
});

describe('netpol-egress: the port the client dialled, and a client known only by its Deployment', () => {
  const NS = 'newsletter';
  const POD = 'listkeeper-qhvs5znxgl-hbcpd';
  const dropped = log(NS, POD, ['error sending message: dial tcp 10.96.200.64:587: i/o timeout']);
  const template = observed(
    'describe_deployment',
    { namespace: NS, name: 'listkeeper' },
    [
      'Name:                   listkeeper',
      'Labels:                 app=listkeeper',
      'Pod Template:',
      '  Containers:',
      '    app:',
      '      Environment:',
      '        SMTP_HOST:  relay.mail.svc.cluster.local',
      '        SMTP_PORT:  587',
    ].join('\n'),
  );
  const relay = observed(
    'describe_service',
    { namespace: 'mail', name: 'relay' },
    'Name:              relay\nNamespace:         mail\nSelector:          app=relay\nIP:                10.96.200.64\nPort:              smtp  25/TCP\nPort:              submission  587/TCP',
  );
  const policy = observed(
    'describe_resource',
    { kind: 'NetworkPolicy', name: 'default-egress', namespace: NS },
    [
      'Name:         default-egress',
      'Spec:',
      '  podSelector: {}',
      '  policyTypes[0]: Egress',
      '  egress[0].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: mail',
      '  egress[0].ports[0].protocol: TCP',
      '  egress[0].ports[0].port: 25',
    ].join('\n'),
  );

  it('judges the submission port the log dialled, not the Service first port the policy allows', () => {
    const [f] = netpolEgressAnalyzer.finds(ctx(NS, [dropped, template, relay, policy]));
    expect(f?.cause).toMatch(/allow no connection to relay\.mail on port 587/);
    expect(f?.cause).toMatch(/deployment listkeeper's pods/);
  });
});

describe('glosses: a URL whose password holds a reserved character', () => {
  it("reads Python's and Go's words for a port that is not a number", () => {
    expect(glossOf("ValueError: Port could not be cast to integer value as 'Tq7'")?.means).toMatch(
      /reserved character \('\/', '\?' or '#'\) that is not percent-encoded/,
    );
    expect(
      glossOf('parse "redis://default:Tq7/zW@cache:6379/0": invalid port ":Tq7" after host')?.means,
    ).toMatch(/percent-encode the password/);
  });
});

describe('start-timeout: a start-up limit the start now takes nearly all of', () => {
  const NS = 'documents';
  const POD = 'pdf-render-bgtfj8fk7-g8jbl';
  const lines = [
    '{"level":"info","logger":"chromium","msg":"chromium will start on first request (start timeout 20s)"}',
    '{"level":"error","logger":"api","msg":"convert: start process: websocket url timeout reached","latency_human":"20.031884017s"}',
    '{"level":"info","logger":"chromium","msg":"Chromium process started in 17.904s"}',
  ];

  it('names the subject, the limit, the failures at the limit and the measured start', () => {
    const [f] = startTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, lines)]));
    expect(f?.cause).toMatch(/gives Chromium 20s to start \(its Chromium start timeout/);
    expect(f?.cause).toMatch(/a start that succeeded took 17\.904s/);
    expect(f?.advice).toMatch(/raise Chromium's start timeout/);
  });

  it('stays quiet when no failure lasts the stated limit', () => {
    const other = [lines[0]!, lines[1]!.replace('20.031884017s', '3.2s'), lines[2]!];
    expect(startTimeoutAnalyzer.finds(ctx(NS, [log(NS, POD, other)]))).toEqual([]);
  });
});

describe('pool-leak: members abandoned without release, then the pool exhausted', () => {
  const NS = 'design';
  const POD = 'canvas-exporter-l6krzcnvp6-98cp5';
  it('says the pool is wedged and a restart recycles it', () => {
    const [f] = poolLeakAnalyzer.finds(
      ctx(NS, [
        log(NS, POD, [
          'WRN [browser] browser-id=3 page render exceeded 120s, abandoning page (not released)',
          'WRN [browser] browser-id=1 page render exceeded 120s, abandoning page (not released)',
          'WRN [browser] waiting for a free browser: pool exhausted (5 busy, 0 idle, 14 waiting)',
          'WRN [browser] waiting for a free browser: pool exhausted (5 busy, 0 idle, 16 waiting)',
        ]),
      ]),
    );
    expect(f?.cause).toMatch(/2 of its members were abandoned without being released/);
    expect(f?.cause).toMatch(/the queue growing from 14 to 16 waiting/);
    expect(f?.advice).toMatch(/^restart deployment canvas-exporter/);
  });
  it('stays quiet for a pool that is merely busy', () => {
    const busy = log(NS, POD, [
      'WRN [browser] waiting for a free browser: pool exhausted (5 busy, 0 idle, 2 waiting)',
    ]);
    expect(poolLeakAnalyzer.finds(ctx(NS, [busy]))).toEqual([]);
  });
});

describe('lowercase-name: a setting with capitals inside a name the server refuses', () => {
  const NS = 'support';
  const POD = 'helpdesk-searchindex-rebuild-bkjnn';
  const refusedLog = log(NS, POD, [
    'Unable to process PUT request to elasticsearch URL \'http://search-es.search.svc:9200/HelpDesk_Custom_production\'. Response: @code="400", @error="invalid_index_name_exception: Invalid index name [HelpDesk_Custom_production], must be lowercase"',
  ]);
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, container: 'rebuild', envFrom: ['helpdesk-settings'] }),
  );
  const settings = observed(
    'get_resource',
    { kind: 'ConfigMap', name: 'helpdesk-settings', namespace: NS },
    'apiVersion: v1\ndata:\n  ES_INDEX: HelpDesk_Custom\n  ES_URL: http://search-es.search.svc:9200\nkind: ConfigMap',
  );

  it('describes the pod, reads the ConfigMap it takes its environment from, and names the setting', () => {
    expect(lowercaseNameAnalyzer.reads(ctx(NS, [refusedLog]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    expect(lowercaseNameAnalyzer.reads(ctx(NS, [refusedLog, described]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'helpdesk-settings', namespace: NS } },
    ]);
    const [f] = lowercaseNameAnalyzer.finds(ctx(NS, [refusedLog, described, settings]));
    expect(f?.cause).toMatch(/ES_INDEX in ConfigMap helpdesk-settings was changed to "HelpDesk_Custom"/);
    expect(f?.advice).toMatch(/helpdesk_custom/);
  });

  it('ignores the capitals of a URL, and a refusal without a setting behind it', () => {
    const url = log(NS, POD, ["repository name must be lowercase: 'https://Registry.example.com/x'"]);
    expect(lowercaseNameAnalyzer.finds(ctx(NS, [url, described, settings]))).toEqual([]);
  });
});

describe('misrouted-path: an Ingress prefix sent to a backend that does not serve it', () => {
  const NS = 'automation';
  const ingress = observed(
    'describe_resource',
    { kind: 'Ingress', name: 'flowrunner', namespace: NS },
    [
      'Spec:',
      '  rules[0].http.paths[0].path: /webhook/',
      '  rules[0].http.paths[0].backend.service.name: flowrunner-webhook',
      '  rules[0].http.paths[1].path: /webhook-test/',
      '  rules[0].http.paths[1].backend.service.name: flowrunner-webhook',
      '  rules[0].http.paths[2].path: /',
      '  rules[0].http.paths[2].backend.service.name: flowrunner',
    ].join('\n'),
  );
  const worker = log(NS, 'flowrunner-webhook-rfkgkhgl89-2nnqq', [
    'Received request for unknown webhook: The requested webhook "POST lead-intake" is not registered. (path /webhook-test/lead-intake)',
  ]);
  const main = log(NS, 'flowrunner-9qj9tgzdz2-npggv', [
    'Test webhook registered: POST webhook-test/lead-intake (workflow 9pQx, waiting 120s for a call)',
  ]);

  it('names the prefix, the backend that refuses it and the Service that registered it', () => {
    const [f] = misroutedPathAnalyzer.finds(ctx(NS, [ingress, worker, main]));
    expect(f?.cause).toMatch(/sends the path prefix \/webhook-test\/ to Service flowrunner-webhook/);
    expect(f?.advice).toMatch(/route \/webhook-test\/ in Ingress flowrunner to Service flowrunner /);
  });

  it('stays quiet when no other Service serves the path', () => {
    expect(misroutedPathAnalyzer.finds(ctx(NS, [ingress, worker]))).toEqual([]);
  });
});
