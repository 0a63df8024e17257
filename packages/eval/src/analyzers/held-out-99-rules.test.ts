import { describe, expect, it } from 'vitest';
import { ownerOf } from '../baseline/reading.js';
import { namedOverPull } from '../baseline/signatures/run/named-over-pull.js';
import type { Facts } from '../baseline/signatures/types.js';
import { configMapDirDuplicatesAnalyzer } from './configmap-dir-duplicates.js';
import { namedControllerAnalyzer, productWords } from './named-controller.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { renamedServiceHostAnalyzer } from './renamed-service-host.js';
import type { Finding } from './types.js';
import { volumePermissionsAnalyzer } from './volume-permissions.js';

// General rules written after held-out set 99's first contact (1 of 6), each with its table; the worlds'
// answers are in held-out-answers.test.ts.

const withMount = (text: string, mount: string, mode = 'rw') =>
  text.replace('Conditions:', `    Mounts:\n      ${mount} from data (${mode})\nConditions:`);

// --- volume-permissions: a chained error and a path relative to the root ---------------------------------

describe('volume-permissions: a refusal said across lines, a relative path', () => {
  const NS = 'passwords';
  const POD = 'vaultwarden-pz49gmnj8-9mc2m';
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    withMount(
      describedPodText({ ns: NS, name: POD, container: 'vaultwarden', claims: ['data'] }),
      '/data',
    ).replace(
      'Status:           Running',
      'Status:           Running\nControlled By:    ReplicaSet/vaultwarden-pz49gmnj8',
    ),
  );
  const rust = [
    "[2026-03-12 11:35:42.104][vaultwarden][ERROR] Error creating private key 'data/rsa_key.pem'",
    'Io.',
    '[CAUSE] Os {',
    '    code: 13,',
    '    kind: PermissionDenied,',
    '    message: "Permission denied",',
    '}',
  ];
  it('reads the owner spec for a chained PermissionDenied on a relative path under the mount', () => {
    const reads = volumePermissionsAnalyzer.reads(
      ctx(NS, [pod, log(NS, POD, rust, { container: 'vaultwarden', previous: true })]),
    );
    expect(reads).toContainEqual({
      tool: 'get_resource',
      args: { kind: 'Deployment', name: 'vaultwarden', namespace: NS },
    });
  });

  it.each([
    ['a path outside the mount', ["Error creating private key 'tmp/rsa_key.pem'", 'kind: PermissionDenied']],
    [
      'a cause too far below',
      ["Error creating private key 'data/rsa_key.pem'", ...Array(8).fill('.'), 'Permission denied'],
    ],
    ['an unquoted relative word', ['loading data/rsa_key.pem', 'kind: PermissionDenied']],
  ])('reads nothing for %s', (_, lines) => {
    expect(volumePermissionsAnalyzer.reads(ctx(NS, [pod, log(NS, POD, lines, { previous: true })]))).toEqual(
      [],
    );
  });
});

// --- named-over-pull --------------------------------------------------------------------------------------

describe('named-over-pull', () => {
  const pull: Finding = {
    weight: 88,
    object: 'deployment vw-exporter (pod vw-exporter-8tnk8hfrr-7bnd9)',
    cause: 'the image ghcr.io/acme-it/vw-exporter:0.6.1 does not exist in the registry — ImagePullBackOff',
    evidence: [],
  };
  const named = (): Finding => ({
    weight: 86,
    object: 'deployment vaultwarden',
    cause: 'the container runs as a non-root user and may not write its volume',
    evidence: [],
  });
  const facts = (seen: Facts['seen'], hints = ['vaultwarden']) => ({ hints, seen }) as unknown as Facts;
  const refine = (found: Finding[], f: Facts) => {
    if (!('refine' in namedOverPull)) throw new Error('a refining signature');
    namedOverPull.refine(f, found);
    return found;
  };

  it('raises the named workload above an unnamed one that cannot pull', () => {
    const out = refine([pull, named()], facts([]));
    expect(out[1]!.weight).toBe(89);
  });

  it('leaves them when the named workload mentions the other (a dependency)', () => {
    const appLog = log('passwords', 'vaultwarden-pz49gmnj8-9mc2m', [
      'dial tcp vw-exporter:9000: connection refused',
    ]);
    expect(refine([pull, named()], facts([appLog]))[1]!.weight).toBe(86);
  });

  it.each([
    ['the pulling workload is named too', ['vaultwarden', 'vw-exporter']],
    ['nothing is named', []],
  ])('leaves them when %s', (_, hints) => {
    expect(refine([pull, named()], facts([], hints))[1]!.weight).toBe(86);
  });

  it('leaves a weak named finding', () => {
    expect(refine([pull, { ...named(), weight: 60 }], facts([]))[1]!.weight).toBe(60);
  });
});

// --- renamed-service-host -------------------------------------------------------------------------------------

describe('renamed-service-host', () => {
  const NS = 'finance';
  const POD = 'firefly-iii-bngqc4m2qt-vczg4';
  const line =
    '[2026-03-11 19:21:15] production.ERROR: SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo for firefly-db failed: Name or service not known';
  const services = (names: string[]) =>
    observed(
      'list_services',
      { namespace: NS },
      table([['NAME', 'TYPE', 'CLUSTER-IP'], ...names.map((n) => [n, 'ClusterIP', '10.96.0.9'])]),
    );
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, env: { DB_HOST: 'firefly-db', DB_PORT: '3306' } }).replace(
      'Status:           Running',
      'Status:           Running\nControlled By:    ReplicaSet/firefly-iii-bngqc4m2qt',
    ),
  );
  const appLog = log(NS, POD, [line]);

  it('sets the variable to the Service that carries the name with a prefix', () => {
    const out = renamedServiceHostAnalyzer.finds(
      ctx(NS, [appLog, services(['firefly-iii', 'firefly-iii-firefly-db']), pod]),
    );
    expect(out[0]!.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'firefly-iii',
        container: 'app',
        set: [{ name: 'DB_HOST', value: 'firefly-iii-firefly-db' }],
      },
      text: expect.stringContaining('firefly-iii-firefly-db'),
    });
    expect(out[0]!.cause).toContain('does not exist');
  });

  it.each([
    ['Go', 'dial tcp: lookup firefly-db on 10.96.0.10:53: no such host'],
    ['Node', 'Error: getaddrinfo ENOTFOUND firefly-db'],
    ['libpq', 'could not translate host name "firefly-db" to address: Name or service not known'],
  ])('reads %s wording', (_, l) => {
    const out = renamedServiceHostAnalyzer.finds(
      ctx(NS, [log(NS, POD, [l]), services(['firefly-iii-firefly-db']), pod]),
    );
    expect(out).toHaveLength(1);
  });

  it.each([
    ['the Service exists (a DNS outage, not a name)', ['firefly-db', 'firefly-iii-firefly-db']],
    ['two Services carry the name', ['a-firefly-db', 'b-firefly-db']],
    ['none does', ['postgres']],
  ])('says nothing when %s', (_, names) => {
    expect(renamedServiceHostAnalyzer.finds(ctx(NS, [appLog, services(names), pod]))).toEqual([]);
  });

  it('says nothing of a temporary failure or a dotted name', () => {
    const temp = log(NS, POD, ['getaddrinfo EAI_AGAIN firefly-db']);
    expect(renamedServiceHostAnalyzer.finds(ctx(NS, [temp, services(['x-firefly-db']), pod]))).toEqual([]);
    const dotted = log(NS, POD, ['getaddrinfo ENOTFOUND db.example.com']);
    expect(renamedServiceHostAnalyzer.reads(ctx(NS, [dotted]))).toEqual([]);
  });

  it('searches the name first', () => {
    expect(renamedServiceHostAnalyzer.reads(ctx(NS, [appLog]))).toEqual([
      { tool: 'find_objects', args: { name: 'firefly-db' } },
    ]);
  });

  it('reads the namespace Services from a search for the name', () => {
    const found = observed(
      'find_objects',
      { name: 'firefly-db' },
      table([
        ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
        ['Service', NS, 'firefly-iii-firefly-db', '-', '13h'],
        ['Service', 'other', 'firefly-db', '-', '1d'],
      ]),
    );
    expect(renamedServiceHostAnalyzer.finds(ctx(NS, [appLog, found, pod]))).toHaveLength(1);
  });
});

// --- ownerOf: a CronJob's pod --------------------------------------------------------------------------------

describe("ownerOf: a name's prefix", () => {
  const deps = [{ name: 'firefly-iii', ready: '0/1', readyCount: 0, desired: 1 }] as never;
  it.each([
    ['firefly-iii-bngqc4m2qt-vczg4', 'firefly-iii'],
    ['firefly-iii-cron-29554740-j24ft', undefined],
  ])('strictly, %s', (pod, owner) => {
    expect(ownerOf(pod, deps, undefined, true)).toBe(owner);
  });

  it("by the prefix alone, as the namespace's running pods are grouped", () => {
    expect(ownerOf('firefly-iii-cron-29554740-j24ft', deps)).toBe('firefly-iii');
  });
});

// --- named-controller: a product that was (re)installed ---------------------------------------------------

describe('named-controller: an installed product', () => {
  const TASK =
    'Since the platform team reinstalled Kueue this morning, the Jobs we submit in namespace ml-research stay suspended.';
  it('counts a product the task says was reinstalled', () => {
    expect(productWords(TASK)).toEqual(['kueue']);
  });

  it('searches it, then reads its controller-manager in its own namespace', () => {
    expect(namedControllerAnalyzer.reads(ctx('ml-research', [], TASK))).toEqual([
      { tool: 'find_objects', args: { name: 'kueue' } },
    ]);
    const found = observed(
      'find_objects',
      { name: 'kueue' },
      table([
        ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
        ['Deployment', 'kueue-system', 'kueue-controller-manager', 'Available', '3h'],
        ['Pod', 'kueue-system', 'kueue-controller-manager-rklwvcm9m8-wm7j6', 'Running', '3h'],
        ['Deployment', 'kueue-system', 'kueue-visibility', 'Available', '3h'],
      ]),
    );
    expect(namedControllerAnalyzer.reads(ctx('ml-research', [found], TASK))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: 'kueue-system', name: 'kueue-controller-manager-rklwvcm9m8-wm7j6' },
      },
    ]);
  });

  it('does not take a product only named as a place or an object of another verb', () => {
    expect(productWords('The reports in Tally are stale; we restarted Tally twice.')).toEqual([]);
  });
});

// --- configmap-dir-duplicates --------------------------------------------------------------------------------

describe('configmap-dir-duplicates', () => {
  const NS = 'analytics';
  const POD = 'cube-api-zcpw2hfgb-wvrbm';
  const error = 'Error: ApplicationMembers was already defined and imported as a type, check the docs';
  const pod = (mode: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'cube', configMaps: ['model'] })
        .replace('Conditions:', `    Mounts:\n      /cube/conf/model from model (${mode})\nConditions:`)
        .replace('    Name:     model', '    Name:     cube-model'),
    );
  const map = (data: string[]) =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'cube-model', namespace: NS },
      ['Name:         cube-model', 'Data', '====', ...data, 'Events:  <none>'].join('\n'),
    );
  const once = map([
    'application_members.yml:',
    '----',
    'cubes:',
    '  - name: ApplicationMembers',
    'views.yml:',
    '----',
    '      - join_path: ApplicationMembers',
  ]);
  const crash = log(NS, POD, [error], { previous: true });

  it('blames the volume layout when the ConfigMap defines the name once', () => {
    const out = configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, pod('ro'), once]));
    expect(out[0]!.cause).toContain('..data');
    expect(out[0]!.advice).toContain('subPath');
  });

  it('reads the pod, then its ConfigMap', () => {
    expect(configMapDirDuplicatesAnalyzer.reads(ctx(NS, [crash]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    expect(configMapDirDuplicatesAnalyzer.reads(ctx(NS, [crash, pod('ro')]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'cube-model', namespace: NS } },
    ]);
  });

  it.each([
    [
      'the ConfigMap defines it twice',
      [
        crash,
        pod('ro'),
        map(['a.yml:', '  - name: ApplicationMembers', 'b.yml:', '  - name: ApplicationMembers']),
      ],
    ],
    ['the key is mounted by subPath', [crash, pod('ro,path="application_members.yml"'), once]],
    [
      'no duplicate is reported',
      [log(NS, POD, ['Error: connection refused'], { previous: true }), pod('ro'), once],
    ],
  ])('says nothing when %s', (_, seen) => {
    expect(configMapDirDuplicatesAnalyzer.finds(ctx(NS, seen))).toEqual([]);
  });

  it('stays bounded on a long ConfigMap', () => {
    const big = map(Array.from({ length: 20_000 }, (_, i) => `  - join_path: ApplicationMembers${i}`));
    const plain = map(Array.from({ length: 20_000 }, (_, i) => `  - join_path: Other${i}`));
    expectBounded(
      () => configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, pod('ro'), big])),
      () => configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, pod('ro'), plain])),
    );
  });
});
