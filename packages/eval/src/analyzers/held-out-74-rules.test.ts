// Table tests of the general rules written after held-out set 74's first contact (each reads what the
// tools print; none names a product of the set unless the product's own message text is the signal).
import { describe, expect, it } from 'vitest';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { HOSTLESS_REFUSAL, settingHosts } from '../baseline/reading.js';
import { configBackupDiffAnalyzer } from './config-backup-diff.js';
import { fixedElsewhereAnalyzer } from './fixed-elsewhere.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { shapeSettingAnalyzer } from './shape-setting.js';
import { startedWithoutDependencyAnalyzer } from './started-without-dependency.js';

describe('started-without-dependency: a server given up at start, back since', () => {
  const NS = 'graph';
  const POD = 'graphdb-45jdktf7df-tvdmh';
  const repeated = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `WARN TraversalOpProcessor - The traversal source [g] for alias [g] is not configured on the server. (request ${i})`,
    );
  const cutLog = log(NS, POD, [
    '[output cut: showing the last 8000 of 32800 characters; use tail]',
    'fragment',
    ...repeated(40),
  ]);
  const search = observed(
    'search_pod_logs',
    { namespace: NS, name: POD, pattern: 'ERROR|FATAL|SEVERE|Exception|unreachable|refused|could not' },
    [
      '3 line(s) match "ERROR|FATAL|SEVERE|Exception|unreachable|refused|could not" in the newest 729 line(s) read',
      '3:02:11:09,602 WARN ControlConnection - Error connecting to Node(endPoint=store-client.storage.svc/10.96.213.26:9042), trying next node',
      '4:02:11:09,731 ERROR CQLStoreManager - Could not open CQL session: All contact points are unreachable',
      '5:02:11:09,771 WARN DefaultGraphManager - Graph [graph] could not be instantiated and will not be available in Gremlin Server.',
    ].join('\n'),
  );
  const storage = (age: string, status = 'Running', ready = '1/1') =>
    observed(
      'list_pods',
      { namespace: 'storage' },
      table([
        ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
        ['store-0', ready, status, '0', age],
        ['store-1', ready, status, '0', age],
      ]),
    );
  const seen = [pods(NS, [[POD, '1/1', 'Running', '0', '6h49m']]), cutLog];

  it('searches the start of a log whose tail is one message, then the server it names', () => {
    expect(startedWithoutDependencyAnalyzer.reads(ctx(NS, seen))).toEqual([
      {
        tool: 'search_pod_logs',
        args: {
          namespace: NS,
          name: POD,
          pattern: 'ERROR|FATAL|SEVERE|Exception|unreachable|refused|could not',
          context: 0,
          maxMatches: 10,
        },
      },
    ]);
    expect(startedWithoutDependencyAnalyzer.reads(ctx(NS, [...seen, search]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'storage' } },
    ]);
  });

  it('restarts the program once the server it gave up is back', () => {
    const [f] = startedWithoutDependencyAnalyzer.finds(ctx(NS, [...seen, search, storage('6h46m')]));
    expect(f?.cause).toContain(
      'started while store-client in namespace storage, a server it needs, was unreachable',
    );
    expect(f?.cause).toContain('could not be instantiated');
    expect(f?.fix).toMatchObject({ tool: 'restart_deployment', args: { namespace: NS, name: 'graphdb' } });
  });

  it.each([
    ['the server is still down', storage('6h46m', 'CrashLoopBackOff', '0/1')],
    ['the server has run for days before the program started', storage('9d')],
  ])('says nothing when %s', (_, list) => {
    expect(startedWithoutDependencyAnalyzer.finds(ctx(NS, [...seen, search, list]))).toEqual([]);
  });

  it('searches nothing when the tail is varied, or the program restarted', () => {
    const varied = log(NS, POD, [
      '[output cut: x]',
      'fragment',
      ...Array.from({ length: 30 }, (_, i) => `GET /item/${'x'.repeat(i)} 200`),
    ]);
    expect(startedWithoutDependencyAnalyzer.reads(ctx(NS, [seen[0]!, varied]))).toEqual([]);
    expect(
      startedWithoutDependencyAnalyzer.reads(
        ctx(NS, [pods(NS, [[POD, '1/1', 'Running', '3 (2h ago)', '6h49m']]), cutLog]),
      ),
    ).toEqual([]);
  });
});

describe('shape-setting: data read as a list because a setting says so', () => {
  it.each([
    ['json: cannot unmarshal object into Go value of type []interface {}', 'expected a JSON list'],
    [
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
      'expected a single JSON object',
    ],
  ])('glosses %s', (line, want) => {
    expect(glossOf(line)?.means).toContain(want);
  });

  const NS = 'edge';
  const POD = 'gateway-dpxpstggw7-5fxnz';
  const seen = (flag: string) => [
    log(NS, POD, [
      '[GW] 2026/03/12 - 10:14:03.220 ▶ ERROR [ENDPOINT: /v1/loyalty/balance] json: cannot unmarshal object into Go value of type []interface {}',
    ]),
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, configMaps: ['gateway-config'] }),
    ),
    observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'gateway-config', namespace: NS },
      [
        'data:',
        '  gw.json: |',
        '    { "endpoint": "/v1/loyalty/transactions", "backend": [{ "url_pattern": "/transactions", "is_collection": true }] },',
        '    { "endpoint": "/v1/loyalty/balance",',
        `      "backend": [{ "url_pattern": "/accounts/{member}/balance", "is_collection": ${flag} }] }`,
      ].join('\n'),
    ),
  ];

  it('reads the mounted ConfigMap and names the flag of the failing path', () => {
    expect(shapeSettingAnalyzer.reads(ctx(NS, seen('true').slice(0, 2)))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'gateway-config', namespace: NS } },
    ]);
    const [f] = shapeSettingAnalyzer.finds(ctx(NS, seen('true')));
    expect(f?.cause).toContain('ConfigMap gateway-config marks it as a list');
    expect(f?.cause).toContain('/accounts/{member}/balance');
  });

  it('says nothing when the flag of that path already says a single item', () => {
    expect(shapeSettingAnalyzer.finds(ctx(NS, seen('false')))).toEqual([]);
  });
});

describe('a refusal that names no server: the server the settings name', () => {
  it.each([
    ['SQLSTATE[HY000] [2002] Connection refused', true],
    ['connect ECONNREFUSED', true],
    ['GET / 200', false],
  ])('%s is a refusal without a host: %s', (line, want) => {
    expect(HOSTLESS_REFUSAL.test(line)).toBe(want);
  });

  it('reads Service names, URLs and short hosts from the settings', () => {
    const described = describedPodText({
      ns: 'shop',
      name: 'shop-1',
      env: {
        DB_SERVER: 'shop-mysql.db.svc',
        CACHE_URL: 'redis://:secret@cache.data.svc.cluster.local:6379/0',
        QUEUE_HOST: 'rabbit',
        GREETING: 'hello',
        HOME_URL: 'https://shop.example.com/',
      },
    });
    expect(settingHosts(described).map((h) => [h.name, h.namespace])).toEqual([
      ['shop-mysql', 'db'],
      ['cache', 'data'],
      ['rabbit', undefined],
    ]);
  });

  const world = (
    cause: string,
  ) => `${scenarioHead('dep-1', 'shop', 'the shop in namespace shop answers 500 on every page; did the module update rewrite the database credentials?')}cluster:
  namespaces: [shop, db]
  nodes: [{ name: n1, memory: 32Gi }]
  deployments:
    - name: storefront
      namespace: shop
      replicas: 1
      containers:
        - name: php
          image: shop/storefront:1.7.8
          env: { DB_SERVER: shop-mysql.db.svc, DB_NAME: shop }
          behavior:
            dependencies:
              - service: shop-mysql
                namespace: db
                port: 3306
                logs:
                  - "PHP Fatal error:  Uncaught ShopException: Link to database cannot be established: SQLSTATE[HY000] [2002] Connection refused"
    - name: shop-mysql
      namespace: db
      replicas: 1
      changeCause: "${cause}"
      revisionAge: 65m
      history:
        - { image: "mysql:8.0.36", changeCause: "mysql 8.0.36" }
      containers:
        - name: mysql
          image: mysql:8.0.36
          ports: [3306]
          resources: { limits: { memory: 2Gi } }
          behavior:
            listenPorts: [3306]
            memory: { need: 3400Mi }
            failAfter: 70s
  services:
    - { name: shop-mysql, namespace: db, selector: { app: shop-mysql }, ports: [{ port: 3306 }] }
grants:
  approve:
    - tool: set_resources
      where: { namespace: db }
`;

  it('follows the setting to the database killed for memory, and fixes it in its own namespace', async () => {
    const answer = await baselineAnswer(world('DBA-57 apply my.cnf tuning (rollout restart)'));
    expect(answer).toContain('deployment shop-mysql');
    expect(answer).toContain('OOMKilled');
    expect(answer).toContain('its setting DB_SERVER=shop-mysql.db.svc names shop-mysql');
    expect(answer).toContain('says it changed what sizes its memory');
    expect(answer).toContain('Fix applied (approved)');
  });

  it('does not tie an unrelated rollout to the memory', async () => {
    expect(await baselineAnswer(world('restart after node drain'))).not.toContain('what sizes its memory');
  });
});

describe('fixed-elsewhere: a later release of the same image runs in another namespace', () => {
  const NS = 'pricing';
  const POD = 'quote-tch2tfdcks-7l6wn';
  const describedCrash = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      'Containers:',
      '  app:',
      '    Image:          registry.internal/pricing/quote:2.0.0',
      '    State:          Waiting',
      'Conditions:',
    ].join('\n'),
  );
  const found = observed(
    'find_objects',
    { name: 'quote' },
    table([
      ['KIND', 'NAMESPACE', 'NAME'],
      ['Deployment', 'pricing', 'quote'],
      ['Deployment', 'pricing-staging', 'quote'],
    ]),
  );
  const staging = (image: string, replicas: string) =>
    observed(
      'describe_deployment',
      { namespace: 'pricing-staging', name: 'quote' },
      [
        'Name:                   quote',
        'Annotations:            deployment.kubernetes.io/revision=3',
        '                        kubernetes.io/change-cause=2.0.1-rc.1 (PRC-507: Application no longer implements ApplicationEventListener<StartupEvent>)',
        `Replicas:               ${replicas}`,
        'Pod Template:',
        '  Containers:',
        '    app:',
        `      Image:          ${image}`,
      ].join('\n'),
    );
  const seen = [pods(NS, [[POD, '0/1', 'CrashLoopBackOff', '24', '2h']]), describedCrash, found];

  it("reads the other namespace's Deployment, then quotes what its later release changed", () => {
    expect(fixedElsewhereAnalyzer.reads(ctx(NS, seen))).toEqual([
      { tool: 'describe_deployment', args: { namespace: 'pricing-staging', name: 'quote' } },
    ]);
    const [f] = fixedElsewhereAnalyzer.finds(
      ctx(NS, [
        ...seen,
        staging(
          'registry.internal/pricing/quote:2.0.1-rc.1',
          '1 desired | 1 updated | 1 total | 1 available | 0 unavailable',
        ),
      ]),
    );
    expect(f?.cause).toContain('ApplicationEventListener<StartupEvent>');
    expect(f?.fix).toMatchObject({ tool: 'rollback_deployment', args: { namespace: NS, name: 'quote' } });
  });

  it.each([
    [
      'an older release',
      'registry.internal/pricing/quote:1.14.3',
      '1 desired | 1 updated | 1 total | 1 available | 0 unavailable',
    ],
    [
      'another image',
      'registry.internal/other/quote:2.0.1',
      '1 desired | 1 updated | 1 total | 1 available | 0 unavailable',
    ],
    [
      'pods not available',
      'registry.internal/pricing/quote:2.0.1-rc.1',
      '1 desired | 1 updated | 1 total | 0 available | 1 unavailable',
    ],
  ])('says nothing of %s', (_, image, replicas) => {
    expect(fixedElsewhereAnalyzer.finds(ctx(NS, [...seen, staging(image, replicas)]))).toEqual([]);
  });
});

describe('config-backup-diff: a configuration trimmed by a change, against its copy', () => {
  const NS = 'claims';
  const POD = 'portal-fh8w86nkm-g662p';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      'Containers:',
      '  payara:',
      '    Mounts:',
      '      /opt/payara/config/domain.xml from domain (rw,path="domain.xml")',
      'Volumes:',
      '  domain:',
      '    Type:      ConfigMap (a volume populated by a ConfigMap)',
      '    Name:      portal-domain',
    ].join('\n'),
  );
  const history = observed(
    'get_rollout_history',
    { namespace: NS, name: 'portal' },
    table([
      ['REVISION', 'CHANGE-CAUSE'],
      ['1', 'release 5.12.0'],
      ['2 (current)', 'INFRA-88 rollout restart to load the cleaned-up domain.xml'],
    ]),
  );
  const map = (name: string, lines: string[]) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name, namespace: NS },
      [
        'apiVersion: v1',
        'data:',
        '  domain.xml: |',
        ...lines.map((l) => `    ${l}`),
        'kind: ConfigMap',
        'metadata:',
        `  name: ${name}`,
      ].join('\n'),
    );
  const list = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: NS },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['portal-domain', '1 key(s)', '24h'],
      ['portal-domain-backup-20260310', '1 key(s)', '24h'],
    ]),
  );
  const base = [pods(NS, [[POD, '0/1', 'CrashLoopBackOff', '6', '8m']]), described, history];
  const now = map('portal-domain', [
    '<resources>',
    '<context-service jndi-name="concurrent/__defaultContextService"/>',
    '</resources>',
  ]);
  const before = map('portal-domain-backup-20260310', [
    '<resources>',
    '<context-service jndi-name="concurrent/__defaultContextService"/>',
    '<managed-executor-service jndi-name="concurrent/__defaultManagedExecutorService"/>',
    '</resources>',
  ]);

  it('reads the ConfigMap, the list and the copy, then names what the change removed', () => {
    expect(configBackupDiffAnalyzer.reads(ctx(NS, base))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'portal-domain', namespace: NS } },
    ]);
    expect(configBackupDiffAnalyzer.reads(ctx(NS, [...base, now]))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: NS } },
    ]);
    expect(configBackupDiffAnalyzer.reads(ctx(NS, [...base, now, list]))).toEqual([
      {
        tool: 'get_resource',
        args: { kind: 'ConfigMap', name: 'portal-domain-backup-20260310', namespace: NS },
      },
    ]);
    const [f] = configBackupDiffAnalyzer.finds(ctx(NS, [...base, now, list, before]));
    expect(f?.cause).toContain('no longer has 1 line: "<managed-executor-service');
    expect(f?.cause).not.toContain('name: portal-domain');
  });

  it('says nothing when the change cause names another file', () => {
    const other = observed(
      'get_rollout_history',
      { namespace: NS, name: 'portal' },
      table([
        ['REVISION', 'CHANGE-CAUSE'],
        ['1', 'release 5.12.0'],
        ['2 (current)', 'release 5.13.0'],
      ]),
    );
    expect(configBackupDiffAnalyzer.reads(ctx(NS, [base[0]!, described, other]))).toEqual([]);
  });
});
