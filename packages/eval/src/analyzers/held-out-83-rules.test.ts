// Table tests of the general rules written after held-out set 83's first contact: each reads what the tools
// print; a product is named only where its own message is the signal.
import { describe, expect, it } from 'vitest';
import { outcomeSuperseded } from './app-errors.js';
import { imageAlternative } from './images.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { urlPathSiblingAnalyzer } from './url-path-sibling.js';
import { volumePerNodeAnalyzer } from './volume-per-node.js';

describe("outcomeSuperseded: a retry's 'ok'", () => {
  it('a failed upload that the next attempt got through is history', () => {
    const lines = [
      '2026-11-05 11:30:49 WARN upload of lint report failed: 502 Bad Gateway, retrying in 5s',
      '2026-11-05 11:30:54 INFO upload of lint report ok (attempt 2)',
    ];
    expect(outcomeSuperseded(lines.join('\n'), lines[0]!)).toBe(true);
    expect(outcomeSuperseded(lines[0]!, lines[0]!)).toBe(false);
  });
});

describe('imageAlternative: the mirror the rest of the install pulls from', () => {
  const NS = 'ml';
  const deployments = (images: string[]) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([['NAME', 'READY', 'IMAGES'], ...images.map((image, i) => [`d${i}`, '1/1', image])]),
    );
  const BAD = 'gcr.io/ml-pipeline/frontend:2.0.5';

  it('proposes the same path on the one host every sibling image comes from', () => {
    const seen = [
      deployments([
        'mirror.example.com/ml-pipeline/api-server:2.0.5',
        'mirror.example.com/ml-pipeline/cache-server:2.0.5',
        BAD,
      ]),
    ];
    expect(imageAlternative(BAD, '', seen, NS)).toMatchObject({
      image: 'mirror.example.com/ml-pipeline/frontend:2.0.5',
      kind: 'host',
      sibling: true,
    });
  });

  it.each([
    ['one sibling only', ['mirror.example.com/ml-pipeline/api-server:2.0.5']],
    [
      'siblings on two hosts',
      ['mirror.example.com/ml-pipeline/api-server:2.0.5', 'other.example.com/ml-pipeline/cache-server:2.0.5'],
    ],
    ['siblings of another organisation', ['mirror.example.com/tools/a:1', 'mirror.example.com/tools/b:1']],
  ])('proposes no mirror with %s', (_, images) => {
    expect(imageAlternative(BAD, '', [deployments([...images, BAD])], NS)?.sibling).toBeUndefined();
  });
});

describe('url-path-sibling: a URL variable that lacks the prefix its sibling has', () => {
  const NS = 'helm-repo';
  const POD = 'janitor-hpkct5d74s-qct5n';
  const describePod = (vars: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Controlled By:    ReplicaSet/janitor-hpkct5d74s',
        'Containers:',
        '  janitor:',
        '    Environment:',
        ...Object.entries(vars).map(([k, v]) => `      ${k}:  ${v}`),
      ].join('\n'),
    );
  const VARS = {
    LIST_URL: 'http://museum.repo.svc:8080/api/charts',
    DELETE_URL: 'http://museum.repo.svc:8080/charts',
  };
  const janitorLog = (lines: string[]) => log(NS, POD, lines, { previous: true });
  const LINES = [
    'INFO GET http://museum.repo.svc:8080/api/charts -> 200 (37 charts)',
    'INFO DELETE http://museum.repo.svc:8080/charts/inventory/4.2.0',
    'ERROR delete inventory 4.2.0: 404 Not Found',
  ];

  it('names the 404 and the answered sibling, and fixes the variable with set_env', () => {
    const [f] = urlPathSiblingAnalyzer.finds(ctx(NS, [describePod(VARS), janitorLog(LINES)]));
    expect(f?.cause).toContain('lacks the /api prefix');
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'janitor',
        container: 'janitor',
        set: [{ name: 'DELETE_URL', value: 'http://museum.repo.svc:8080/api/charts' }],
      },
      text: expect.stringContaining('set DELETE_URL'),
    });
  });

  it.each([
    [
      'no 404 through the short one',
      [LINES[0]!, 'INFO DELETE http://museum.repo.svc:8080/charts/inventory/4.2.0 -> 200'],
    ],
    ['no answer through the long one', LINES.slice(1)],
  ])('finds nothing with %s', (_, lines) => {
    expect(urlPathSiblingAnalyzer.finds(ctx(NS, [describePod(VARS), janitorLog(lines)]))).toEqual([]);
  });

  it('finds nothing for two servers', () => {
    const vars = { LIST_URL: 'http://a.svc:8080/api/charts', DELETE_URL: 'http://b.svc:8080/charts' };
    expect(urlPathSiblingAnalyzer.finds(ctx(NS, [describePod(vars), janitorLog(LINES)]))).toEqual([]);
  });
});

describe('volume-per-node: a volume larger than any node has free, the pool not full', () => {
  const NS = 'media';
  const event = observed(
    'get_events',
    { namespace: NS },
    'Warning   ProvisioningFailed   persistentvolumeclaim/scratch   failed to provision volume with StorageClass "fast": rpc error: code = ResourceExhausted desc = volume create failed: not enough storage in pool "default" for a volume of 120 GiB',
  );
  const sc = observed(
    'describe_resource',
    { kind: 'StorageClass', name: 'fast' },
    'Name:         fast\nProvisioner:  csi.storageos.com\nParameters:  fstype=ext4',
  );
  const nss = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      [NS, 'Active', '1d'],
      ['storageos', 'Active', '1d'],
    ]),
  );
  const storagePods = pods('storageos', [['storageos-node-7xq2c', '1/1', 'Running', '0', '41d']]);
  const managerLog = (free: number[]) =>
    log('storageos', 'storageos-node-7xq2c', [
      `level=error msg="volume create failed" size_gib=120 error="not enough storage in pool: no candidate node (${free.map((g, i) => `st-node-${i + 1} free ${g} GiB`).join(', ')})"`,
    ]);

  it("reads the class, the namespaces, the provisioner's namespace and its log, then names the shortfall", () => {
    expect(volumePerNodeAnalyzer.reads(ctx(NS, [event]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'StorageClass', name: 'fast' } },
    ]);
    expect(volumePerNodeAnalyzer.reads(ctx(NS, [event, sc]))).toEqual([
      { tool: 'list_resources', args: { kind: 'Namespace' } },
    ]);
    expect(volumePerNodeAnalyzer.reads(ctx(NS, [event, sc, nss]))).toEqual([
      { tool: 'list_pods', args: { namespace: 'storageos' } },
    ]);
    expect(volumePerNodeAnalyzer.reads(ctx(NS, [event, sc, nss, storagePods]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'storageos', name: 'storageos-node-7xq2c' } },
    ]);
    const [f] = volumePerNodeAnalyzer.finds(ctx(NS, [event, sc, nss, storagePods, managerLog([71, 78, 65])]));
    expect(f?.cause).toContain('must fit on a single node');
    expect(f?.cause).toContain('st-node-2 78 GiB');
    expect(f?.cause).toContain('the pool together has 214 GiB');
  });

  it.each([
    ['a node with room', [71, 130, 65]],
    ['a pool without room in all', [30, 40, 20]],
  ])('finds nothing with %s', (_, free) => {
    expect(volumePerNodeAnalyzer.finds(ctx(NS, [event, sc, nss, storagePods, managerLog(free)]))).toEqual([]);
  });
});
