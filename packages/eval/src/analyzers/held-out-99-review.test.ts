// Review of the rules written for held-out set 99 (volume-permissions' chained refusal and relative path,
// named-over-pull, renamed-service-host, failedOnCall's connect branch, ownerOf's name shape,
// named-controller's installed products, configmap-dir-duplicates and NOT_A_NAME's new adjectives), by
// someone who had not written them: false positives on benign or foreign inputs, false negatives on
// ordinary variations, wrong or overclaiming answers, bounded work and odd inputs. Each bug was written as
// the correct behaviour under a note; all twenty-five were fixed in the same session (the notes now start
// "Found in review, fixed").

import { describe, expect, it } from 'vitest';
import { ownerOf } from '../baseline/reading.js';
import { namedOverPull } from '../baseline/signatures/run/named-over-pull.js';
import type { Facts } from '../baseline/signatures/types.js';
import { firstSearch } from '../first-search.fixture.js';
import type { SeenObservation } from '../observations.js';
import { fromScan } from '../scan-findings.js';
import { configMapDirDuplicatesAnalyzer } from './configmap-dir-duplicates.js';
import { namedControllerAnalyzer, productWords } from './named-controller.js';
import { ctx, describedPodText, expectBounded, log, observed, table } from './observed.fixture.js';
import { renamedServiceHostAnalyzer } from './renamed-service-host.js';
import type { Finding } from './types.js';
import { volumePermissionsAnalyzer } from './volume-permissions.js';

// --- volume-permissions: a chained refusal, a path relative to the root ---------------------------------

describe('volume-permissions (review)', () => {
  const NS = 'passwords';
  const POD = 'vaultwarden-pz49gmnj8-9mc2m';
  const owned = (text: string) =>
    text.replace(
      'Status:           Running',
      'Status:           Running\nControlled By:    ReplicaSet/vaultwarden-pz49gmnj8',
    );
  const withMount = (text: string, mount: string) =>
    text.replace('Conditions:', `    Mounts:\n      ${mount} from data (rw)\nConditions:`);
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    owned(
      withMount(describedPodText({ ns: NS, name: POD, container: 'vaultwarden', claims: ['data'] }), '/data'),
    ),
  );
  const ownerRead = {
    tool: 'get_resource',
    args: { kind: 'Deployment', name: 'vaultwarden', namespace: NS },
  };
  const readsFor = (lines: string[], extra: Record<string, unknown> = { previous: true }, p = pod) =>
    volumePermissionsAnalyzer.reads(ctx(NS, [p, log(NS, POD, lines, extra)]));

  it('reads the owner for a one-line Go refusal under the mount', () => {
    expect(readsFor(['mkdir /data/attachments: permission denied'])).toContainEqual(ownerRead);
  });

  it('reads the owner for anyhow\'s "Caused by" chain (path, then the OS error two lines below)', () => {
    expect(
      readsFor([
        'Error: failed to create /data/icon_cache',
        '',
        'Caused by:',
        '    Permission denied (os error 13)',
      ]),
    ).toContainEqual(ownerRead);
  });

  it("reads the owner for Node's quoted relative path", () => {
    expect(readsFor(["Error: EACCES: permission denied, open 'data/rsa_key.pem'"])).toContainEqual(ownerRead);
  });

  it('does not join a traceback frame on the volume with a refusal of another path', () => {
    expect(
      readsFor([
        'Traceback (most recent call last):',
        '  File "/data/app/main.py", line 12, in <module>',
        '    handler = logging.FileHandler("/var/log/app/app.log")',
        "PermissionError: [Errno 13] Permission denied: '/var/log/app/app.log'",
      ]),
    ).toEqual([]);
  });

  it('does not take an unrelated denial a few lines after an info line about the volume', () => {
    expect(
      readsFor(
        [
          'INFO using data directory /data/vault',
          'INFO listening on 0.0.0.0:8080',
          'WARN could not set /proc/sys/net/core/somaxconn: permission denied',
        ],
        {},
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: an error line about the volume that already gives its own cause ("file too short") is joined with the next line's denial of another path (/proc/sys/…), and the refusal is blamed on the /data volume.
  it('does not join an error on the volume with a denial that names another path', () => {
    expect(
      readsFor(
        [
          'ERROR failed to load plugin /data/plugins/geoip.so: file too short',
          'WARN could not raise /proc/sys/net/core/somaxconn: permission denied',
        ],
        {},
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: a quoted object-store key that begins with the mount's name ("data/reports/q1.csv" in an S3 AccessDenied line) is read as a path relative to the root under the /data volume.
  it('does not read an object-store key as a path on the /data volume', () => {
    expect(
      readsFor(
        [
          '{"level":"error","msg":"upload failed: permission denied","bucket":"exports","key":"data/reports/q1.csv"}',
        ],
        {},
      ),
    ).toEqual([]);
  });

  // Found in review, fixed: Go prints a relative path unquoted (`open data/rsa_key.pem: permission denied`), its op word naming the path, and that ordinary os.PathError shape is not read as a path under /data.
  it("reads Go's unquoted relative path after its op", () => {
    expect(readsFor(['open data/rsa_key.pem: permission denied'])).toContainEqual(ownerRead);
  });

  // Found in review, fixed: Java's java.nio.file.AccessDeniedException (the JVM's EACCES) matches none of the refusal wordings, so a JVM program refused its volume is missed.
  it("reads Java's AccessDeniedException on the volume", () => {
    expect(
      readsFor(['Exception in thread "main" java.nio.file.AccessDeniedException: /data/keys/rsa_key.pem']),
    ).toContainEqual(ownerRead);
  });

  // Found in review, fixed: mounts of every container are searched, so a refusal in the app container on /data is blamed on a volume that only the sidecar mounts there.
  it('does not blame a volume another container mounts when the logging container has no mount there', () => {
    const two = owned(
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Status:           Running',
        'Containers:',
        '  vaultwarden:',
        '    Image:          vaultwarden/server:1.30.5',
        '    State:          Running',
        '    Mounts:',
        '      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access (ro)',
        '  backup:',
        '    Image:          restic/restic:0.16',
        '    State:          Running',
        '    Mounts:',
        '      /data from data (rw)',
        'Volumes:',
        '  data:',
        '    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)',
        '    ClaimName:  data',
        'Events:  <none>',
      ].join('\n'),
    );
    const p = observed('describe_pod', { namespace: NS, name: POD }, two);
    expect(
      readsFor(
        ["Error creating private key 'data/rsa_key.pem'", 'kind: PermissionDenied'],
        {
          container: 'vaultwarden',
          previous: true,
        },
        p,
      ),
    ).toEqual([]);
  });

  it('reads nothing for a database authorization refusal on the line after a volume path', () => {
    expect(
      readsFor(['loading schema from /data/schema.sql', 'ERROR: permission denied for table accounts']),
    ).toEqual([]);
  });

  it('stays bounded on many lines naming the volume, each followed by near-matches', () => {
    const hostile = Array.from({ length: 2000 }, (_, i) =>
      i % 2 ? `kind: PermissionDeniedX ${'x'.repeat(90)}` : `error stat '/data/f${i}' ${'y'.repeat(90)}`,
    );
    const plain = Array.from({ length: 2000 }, (_, i) => `line ${i} ${'z'.repeat(100)}`);
    const p2 = (lines: string[]) => () => readsFor(lines, {});
    expectBounded(p2(hostile), p2(plain));
  });

  it('does not crash on empty outputs and odd arguments', () => {
    const odd = observed('get_pod_logs', { namespace: NS, name: 42, previous: 'yes' }, '');
    const bare = observed('describe_pod', { namespace: NS, name: POD }, '');
    expect(() => volumePermissionsAnalyzer.reads(ctx(NS, [odd, bare, log(NS, POD, [''])]))).not.toThrow();
    expect(volumePermissionsAnalyzer.finds(ctx(NS, [odd, bare, log(NS, POD, [])]))).toEqual([]);
  });
});

// --- named-over-pull --------------------------------------------------------------------------------------

describe('named-over-pull (review)', () => {
  const pull: Finding = {
    weight: 88,
    object: 'deployment vw-exporter (pod vw-exporter-8tnk8hfrr-7bnd9)',
    cause: 'the image ghcr.io/acme-it/vw-exporter:0.6.1 does not exist in the registry — ImagePullBackOff',
    evidence: [],
  };
  const named = (object = 'deployment vaultwarden', weight = 86): Finding => ({
    weight,
    object,
    cause: 'the program cannot start',
    evidence: [],
  });
  const facts = (seen: SeenObservation[], hints = ['vaultwarden']) => ({ hints, seen }) as unknown as Facts;
  const refine = (found: Finding[], f: Facts) => {
    if (!('refine' in namedOverPull)) throw new Error('a refining signature');
    namedOverPull.refine(f, found);
    return found;
  };

  it("leaves them when the named pod's description names the other as its dependency", () => {
    const d = observed(
      'describe_pod',
      { namespace: 'passwords', name: 'vaultwarden-pz49gmnj8-9mc2m' },
      'Environment:\n  EXPORTER_URL:  http://vw-exporter:9000',
    );
    expect(refine([pull, named()], facts([d]))[1]!.weight).toBe(86);
  });

  it('does not crash on findings with no workload or no other finding', () => {
    expect(() => refine([], facts([]))).not.toThrow();
    expect(() => refine([{ ...pull, object: '' }, named('')], facts([]))).not.toThrow();
    expect(refine([pull], facts([]))[0]!.weight).toBe(88);
  });

  // Found in review, fixed: for a finding about a pod (`pod vaultwarden`), only reads of pods named `vaultwarden-…` are searched for a mention, so the pod's own log naming the pulling workload is never read and it is raised anyway.
  it("reads a bare pod's own log for a mention of the other", () => {
    const own = log('passwords', 'vaultwarden', ['dial tcp vw-exporter:9000: connection refused']);
    expect(refine([pull, named('pod vaultwarden')], facts([own]))[1]!.weight).toBe(86);
  });

  // Found in review, fixed: the first named finding in array order is raised, not the strongest: a weak 81 finding is put above both the pull failure and the named workload's stronger 86 finding.
  it('raises the strongest named finding, not the first listed', () => {
    const weak = named('deployment vaultwarden', 81);
    const strong = {
      ...named('deployment vaultwarden', 86),
      cause: 'runs as non-root and may not write its volume',
    };
    const out = refine([pull, weak, strong], facts([]));
    expect(strong.weight).toBeGreaterThan(weak.weight);
    expect(out.reduce((a, b) => (b.weight > a.weight ? b : a))).toBe(strong);
  });
});

// --- renamed-service-host -------------------------------------------------------------------------------------

describe('renamed-service-host (review)', () => {
  const NS = 'finance';
  const POD = 'firefly-iii-bngqc4m2qt-vczg4';
  const services = (names: string[]) =>
    observed(
      'list_services',
      { namespace: NS },
      table([['NAME', 'TYPE', 'CLUSTER-IP'], ...names.map((n) => [n, 'ClusterIP', '10.96.0.9'])]),
    );
  const described = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, env }).replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/firefly-iii-bngqc4m2qt',
      ),
    );
  const pod = described({ DB_HOST: 'firefly-db', DB_PORT: '3306' });
  const finds = (lines: string[], names = ['firefly-iii', 'firefly-iii-firefly-db'], p = pod, extra = {}) =>
    renamedServiceHostAnalyzer.finds(ctx(NS, [log(NS, POD, lines, extra), services(names), p]));

  it.each([
    ['Java', 'Caused by: java.net.UnknownHostException: firefly-db: Name or service not known'],
    ['MySQL', "ERROR 2005 (HY000): Unknown MySQL server host 'firefly-db' (-2)"],
  ])('reads %s wording', (_, l) => {
    expect(finds([l])).toHaveLength(1);
  });

  it('says nothing of a log from another namespace', () => {
    const other = log('other', POD, ['getaddrinfo ENOTFOUND firefly-db']);
    expect(renamedServiceHostAnalyzer.finds(ctx(NS, [other, services(['x-firefly-db']), pod]))).toEqual([]);
  });

  it('does not crash on an empty Service list, an empty log or a pod without variables', () => {
    expect(finds(['getaddrinfo ENOTFOUND firefly-db'], [])).toEqual([]);
    expect(finds([''])).toEqual([]);
    expect(
      renamedServiceHostAnalyzer.finds(
        ctx(NS, [
          log(NS, POD, ['getaddrinfo ENOTFOUND firefly-db']),
          services(['x-firefly-db']),
          observed('describe_pod', { namespace: NS, name: POD }, ''),
        ]),
      ),
    ).toEqual([]);
  });

  it('stays bounded on long lines of near-matches', () => {
    const hostile = Array.from({ length: 500 }, () => 'lookup a'.repeat(400));
    const plain = Array.from({ length: 500 }, () => 'xxxxxxxx'.repeat(400));
    expectBounded(
      () => renamedServiceHostAnalyzer.finds(ctx(NS, [log(NS, POD, hostile), services(['x-db']), pod])),
      () => renamedServiceHostAnalyzer.finds(ctx(NS, [log(NS, POD, plain), services(['x-db']), pod])),
    );
  });

  // Found in review, fixed: only the first failed lookup of the namespace's logs is considered, so an external dotted host that failed earlier (api.stripe.com) hides the short Service name that failed after it.
  it('is not stopped by an earlier failed lookup of an external host', () => {
    expect(finds(['getaddrinfo ENOTFOUND api.stripe.com', 'getaddrinfo ENOTFOUND firefly-db'])).toHaveLength(
      1,
    );
  });

  // Found in review, fixed: redis-py's "Error -2 connecting to firefly-redis:6379. Name or service not known." is not among the wordings read.
  it("reads redis-py's wording", () => {
    const p = described({ REDIS_HOST: 'firefly-redis' });
    expect(
      finds(
        [
          'redis.exceptions.ConnectionError: Error -2 connecting to firefly-redis:6379. Name or service not known.',
        ],
        ['firefly-iii', 'firefly-iii-firefly-redis'],
        p,
      ),
    ).toHaveLength(1);
  });

  // Found in review, fixed: only a variable whose whole value is the host counts, so the usual connection URL (DATABASE_URL=mysql://…@firefly-db:3306/…) yields no finding.
  it('reads the host inside a connection URL variable', () => {
    const p = described({ DATABASE_URL: 'mysql://firefly:secret@firefly-db:3306/firefly' });
    const out = finds(['getaddrinfo ENOTFOUND firefly-db'], undefined, p);
    expect(out).toHaveLength(1);
    expect(JSON.stringify(out[0]!.fix?.args)).toContain('@firefly-iii-firefly-db:3306/');
  });

  // Found in review, fixed: the fix targets the first container whose variable holds the name (a sidecar), not the container whose log failed the lookup, which stays broken.
  it('sets the variable on the container that logged the failed lookup', () => {
    const two = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Status:           Running',
        'Controlled By:    ReplicaSet/firefly-iii-bngqc4m2qt',
        'Containers:',
        '  db-backup:',
        '    Image:          registry.example.com/backup:1.0',
        '    Environment:',
        '      DB_HOST:  firefly-db',
        '  app:',
        '    Image:          fireflyiii/core:6.1',
        '    Environment:',
        '      DB_HOST:  firefly-db',
        'Events:  <none>',
      ].join('\n'),
    );
    const out = finds(['getaddrinfo ENOTFOUND firefly-db'], undefined, two, { container: 'app' });
    expect(out[0]?.fix?.args['container']).toBe('app');
  });

  // Found in review, fixed: any Service ending in `-<host>` is taken as the renamed one, so a generic host `db` of firefly-iii is repointed at another application's database (metabase-db) in a shared namespace.
  it("does not repoint a generic host at another application's Service", () => {
    const p = described({ DB_HOST: 'db' });
    expect(finds(['getaddrinfo ENOTFOUND db'], ['firefly-iii', 'metabase', 'metabase-db'], p)).toEqual([]);
  });
});

// --- failedOnCall: a Job that could not connect to a Service --------------------------------------------

describe('scan-findings: failedOnCall connect branch (review)', () => {
  const NS = 'shop';
  const scan: SeenObservation = {
    step: 1,
    tool: 'scan',
    args: { namespace: NS },
    status: 'ok',
    content: `scan of namespace ${NS}: 1 finding(s), most likely root causes first
- Job ${NS}/sync [BackoffLimitExceeded] job sync has reached the specified backoff limit
    evidence: failed 4, backoffLimit 3`,
  };
  const weightOf = (lines: string[]) =>
    fromScan({ task: 'the sync job fails', ns: NS, hints: [], seen: [scan, log(NS, 'sync-x7k2p', lines)] })[0]
      ?.weight;
  const own = () => weightOf(['ERROR aborted'])!;

  it("lowers the Job for curl's failure to connect to a Service of the cluster", () => {
    expect(
      weightOf([
        "curl: (7) Failed to connect to api.shop.svc.cluster.local port 80 after 2 ms: Couldn't connect to server",
      ]),
    ).toBe(own() - 10);
  });

  it('does not lower it for a failure to connect to an external host', () => {
    expect(
      weightOf(["curl: (7) Failed to connect to api.stripe.com port 443: Couldn't connect to server"]),
    ).toBe(own());
  });

  // Found in review, fixed: the namespace-qualified short form that clients use as often as the .svc one (`api.shop`) is not taken as a Service of the cluster.
  it('lowers the Job for a failure to connect to <service>.<namespace>', () => {
    expect(
      weightOf(["curl: (7) Failed to connect to api.shop port 80 after 2 ms: Couldn't connect to server"]),
    ).toBe(own() - 10);
  });

  // Found in review, fixed: Python requests' wording (`HTTPConnectionPool(host='api.shop.svc', …) … Failed to establish a new connection`) is not read as a failure to connect.
  it("lowers the Job for Python requests' connection failure", () => {
    expect(
      weightOf([
        "requests.exceptions.ConnectionError: HTTPConnectionPool(host='api.shop.svc', port=80): Max retries exceeded with url: /v1/sync (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f>: Failed to establish a new connection: [Errno 111] Connection refused'))",
      ]),
    ).toBe(own() - 10);
  });

  // Found in review, fixed: a connect failure the Job retried past (a later line says it succeeded) still lowers a Job that then failed for its own reason, as the webhook branch was fixed not to in review 91.
  it('does not lower a Job that got past a connect failure and failed on its own', () => {
    expect(
      weightOf([
        'WARN Failed to connect to api.shop.svc port 80; retrying in 5s',
        'INFO upload succeeded on retry 2',
        'ERROR open /data/manifest.json: no such file or directory',
      ]),
    ).toBe(own());
  });
});

// --- ownerOf: the name's shape ----------------------------------------------------------------------------

describe("ownerOf: a name's shape (review)", () => {
  const deps = (names: string[]) =>
    names.map((name) => ({ name, ready: '1/1', readyCount: 1, desired: 1 })) as never;

  it.each([
    ['web-5d4f8b7c9-x7k2p', ['web', 'web-api'], 'web'],
    ['web-api-5d4f8b7c9-x7k2p', ['web', 'web-api'], 'web-api'],
    // A long name cut by the name generator: one part after the Deployment's name.
    [`${'a'.repeat(57)}-x7k2p`, ['a'.repeat(57)], 'a'.repeat(57)],
  ])("%s is its Deployment's, strictly", (pod, names, owner) => {
    expect(ownerOf(pod, deps(names), undefined, true)).toBe(owner);
  });

  it('keeps the Controlled By answer when a description is given', () => {
    expect(ownerOf('web-db-0', deps(['web']), 'Controlled By:  StatefulSet/web-db')).toBeUndefined();
  });

  // Found in review, fixed: strictly, a StatefulSet's pod named after the release (firefly-iii-db-0) has exactly two parts after the Deployment's name and is still taken for the Deployment's (and not described apart from it); the second part is no ReplicaSet hash and the last no 5-character suffix.
  it("does not take a StatefulSet's ordinal pod for the Deployment's", () => {
    expect(ownerOf('firefly-iii-db-0', deps(['firefly-iii']), undefined, true)).toBeUndefined();
  });

  // Found in review, fixed: strictly, a Job's pod named after the release (firefly-iii-migrate-x7k2p, a Helm hook) is taken for the Deployment's: `migrate` has vowels and cannot be a pod-template hash.
  it("does not take a release's Job pod for the Deployment's", () => {
    expect(ownerOf('firefly-iii-migrate-x7k2p', deps(['firefly-iii']), undefined, true)).toBeUndefined();
  });
});

// --- named-controller: an installed product ----------------------------------------------------------------

describe('named-controller: installed products (review)', () => {
  it.each([
    ['The platform team upgraded Kueue yesterday and our Jobs stay suspended.', ['kueue']],
    ['After we installed the Kueue chart, our Jobs stay suspended.', ['kueue']],
    ['The numbers in Grafana are stale since this morning.', []],
  ])('%s', (task, words) => {
    expect(productWords(task)).toEqual(words);
  });

  it('does not crash on an empty task or an empty search', () => {
    expect(productWords('')).toEqual([]);
    const empty = observed('find_objects', { name: 'kueue' }, 'no object named kueue');
    expect(
      namedControllerAnalyzer.reads(ctx('ml', [empty], 'We reinstalled Kueue and Jobs stay suspended.')),
    ).toEqual([]);
  });

  // Found in review, fixed: the passive voice ("since Kueue was reinstalled this morning"), as common as the active, is not read as an installed product.
  it('counts a product said in the passive to have been reinstalled', () => {
    expect(productWords('Our Jobs stay suspended since Kueue was reinstalled this morning.')).toEqual([
      'kueue',
    ]);
  });

  // Found in review, fixed: any capitalised word after "deployed" is taken for a product, so "since we deployed Friday" searches for an object named friday.
  it('does not take a weekday after "deployed" for a product', () => {
    expect(productWords('Checkout has been failing since we deployed Friday evening.')).toEqual([]);
  });

  // Found in review, fixed: controllerName accepts -controller/-operator/-manager anywhere after the product's name, so for Argo (Rollouts) another product's controller (argo-events-controller-manager) is read instead of argo-rollouts.
  it("reads the product's own controller, not a sibling product's", () => {
    const TASK = 'Since we upgraded Argo Rollouts this morning, canaries in shop never promote.';
    const found = observed(
      'find_objects',
      { name: 'argo' },
      table([
        ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
        ['Deployment', 'argo-events', 'argo-events-controller-manager', 'Available', '30d'],
        ['Pod', 'argo-events', 'argo-events-controller-manager-7d9fbc5d6-abcde', 'Running', '30d'],
        ['Deployment', 'argo-rollouts', 'argo-rollouts', 'Available', '3h'],
        ['Pod', 'argo-rollouts', 'argo-rollouts-5b8c7d9f4-xyzwq', 'Running', '3h'],
      ]),
    );
    expect(namedControllerAnalyzer.reads(ctx('shop', [found], TASK))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'argo-rollouts', name: 'argo-rollouts-5b8c7d9f4-xyzwq' } },
    ]);
  });

  // Found in review, fixed: productWords (two regular expressions over the task per capitalised word) is recomputed for every row of every search, so a long task times a long search costs their product.
  it('stays bounded on a long task and a long search', () => {
    const rows = [
      ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
      ...Array.from({ length: 1000 }, (_, i) => ['Pod', 'x', `p-${i}`, 'Running', '1d']),
    ];
    const search = observed('find_objects', { name: 'kueue' }, table(rows));
    const head = 'We reinstalled Kueue today, ';
    const hostile = head + 'and Tally '.repeat(390);
    const plain = head + 'and tally '.repeat(390);
    expectBounded(
      () => namedControllerAnalyzer.reads(ctx('ml', [search], hostile)),
      () => namedControllerAnalyzer.reads(ctx('ml', [search], plain)),
    );
  }, 60_000);
});

// --- configmap-dir-duplicates --------------------------------------------------------------------------------

describe('configmap-dir-duplicates (review)', () => {
  const NS = 'analytics';
  const POD = 'cube-api-zcpw2hfgb-wvrbm';
  const error = 'Error: ApplicationMembers was already defined and imported as a type, check the docs';
  const crash = log(NS, POD, [error], { previous: true });
  const map = (name: string, data: string[], tool = 'describe_resource') =>
    observed(
      tool,
      { kind: 'ConfigMap', name, namespace: NS },
      tool === 'describe_resource'
        ? [`Name:         ${name}`, 'Data', '====', ...data, 'Events:  <none>'].join('\n')
        : [`kind: ConfigMap`, 'data:', ...data].join('\n'),
    );
  const podWith = (containers: { name: string; mounts: string[] }[], volumes: [string, string][]) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Controlled By:    ReplicaSet/cube-api-zcpw2hfgb',
        'Containers:',
        ...containers.flatMap((c) => [
          `  ${c.name}:`,
          '    Image:          cubejs/cube:v0.35',
          '    Mounts:',
          ...c.mounts.map((m) => `      ${m}`),
        ]),
        'Volumes:',
        ...volumes.flatMap(([v, cm]) => [
          `  ${v}:`,
          '    Type:      ConfigMap (a volume populated by a ConfigMap)',
          `    Name:      ${cm}`,
          '    Optional:  false',
        ]),
        'Events:  <none>',
      ].join('\n'),
    );
  const single = podWith(
    [{ name: 'cube', mounts: ['/cube/conf/model from model (ro)'] }],
    [['model', 'cube-model']],
  );

  it("reads get_resource's data map as well as describe's", () => {
    const got = map(
      'cube-model',
      ['  application_members.yml: |', '    cubes:', '      - name: ApplicationMembers'],
      'get_resource',
    );
    expect(configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, single, got]))[0]?.object).toBe(
      'deployment cube-api (pod cube-api-zcpw2hfgb-wvrbm)',
    );
  });

  it('says nothing when the ConfigMap does not define the name at all', () => {
    const none = map('cube-model', ['views.yml:', '----', '  - join_path: ApplicationMembers']);
    expect(configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, single, none]))).toEqual([]);
  });

  it('does not crash on an empty ConfigMap read or a pod without volumes', () => {
    const bare = observed('describe_pod', { namespace: NS, name: POD }, '');
    expect(configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, bare, map('cube-model', [])]))).toEqual([]);
    expect(() => configMapDirDuplicatesAnalyzer.reads(ctx(NS, [crash, bare]))).not.toThrow();
  });

  // Found in review, fixed: each mounted ConfigMap's count is judged alone, so a name defined once in each of two ConfigMaps mounted as directories of the same model tree (a real duplicate) is blamed on the ..data layout.
  it('counts the definitions across every ConfigMap mounted as a directory', () => {
    const two = podWith(
      [
        {
          name: 'cube',
          mounts: ['/cube/conf/model from model (ro)', '/cube/conf/model/extra from extra (ro)'],
        },
      ],
      [
        ['model', 'cube-model'],
        ['extra', 'cube-extra'],
      ],
    );
    const a = map('cube-model', ['members.yml:', '----', 'cubes:', '  - name: ApplicationMembers']);
    const b = map('cube-extra', ['legacy.yml:', '----', 'cubes:', '  - name: ApplicationMembers']);
    expect(configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, two, a, b]))).toEqual([]);
  });

  // Found in review, fixed: a definition line with a trailing YAML comment (`- name: ApplicationMembers  # moved from a.yml`) is not counted, so a ConfigMap that really defines the name twice is said to define it once.
  it('counts a definition followed by a comment', () => {
    const twice = map('cube-model', [
      'a.yml:',
      '----',
      '  - name: ApplicationMembers',
      'b.yml:',
      '----',
      '  - name: ApplicationMembers  # moved from a.yml',
    ]);
    expect(configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crash, single, twice]))).toEqual([]);
  });

  // Found in review, fixed: directory mounts of every container count, so a ConfigMap mounted as a directory only in a sidecar is blamed for the app container's duplicate while the app mounts its one key by subPath.
  it('does not blame a directory mount of another container', () => {
    const p = podWith(
      [
        {
          name: 'cube',
          mounts: ['/cube/conf/model/application_members.yml from model (ro,path="application_members.yml")'],
        },
        { name: 'exporter', mounts: ['/etc/model from model (ro)'] },
      ],
      [['model', 'cube-model']],
    );
    const once = map('cube-model', ['application_members.yml:', '----', '  - name: ApplicationMembers']);
    const crashed = log(NS, POD, [error], { previous: true, container: 'cube' });
    expect(configMapDirDuplicatesAnalyzer.finds(ctx(NS, [crashed, p, once]))).toEqual([]);
  });

  it('stays bounded on long log lines of near-matches', () => {
    const hostile = Array.from({ length: 1000 }, () => `${' aaaaaaaaa'.repeat(190)} already`);
    const plain = Array.from({ length: 1000 }, () => `${' bbbbbbbbb'.repeat(190)} nothing`);
    expectBounded(
      () => configMapDirDuplicatesAnalyzer.finds(ctx(NS, [log(NS, POD, hostile), single])),
      () => configMapDirDuplicatesAnalyzer.finds(ctx(NS, [log(NS, POD, plain), single])),
    );
  });
});

// --- NOT_A_NAME: the new adjectives ----------------------------------------------------------------------------

describe('NOT_A_NAME: hand-written and the like (review)', () => {
  it.each([
    ['Our hand-written exporter crashes since the upgrade.', 'hand-written'],
    ['The home-grown scheduler stopped picking up work.', 'home-grown'],
  ])('does not search the listed adjective: %s', async (task, word) => {
    expect(await firstSearch(task)).not.toBe(word);
  });

  it('searches the pasted name beside a listed adjective', async () => {
    expect(await firstSearch('Our hand-rolled invoice-mailer stopped sending.')).toBe('invoice-mailer');
  });

  // Found in review, fixed: the list enumerates a few words only, so equally ordinary ones ("in-house", "hand-tuned", "home-made") are still searched as object names.
  it.each([
    ['Our in-house exporter crashes since the upgrade.', 'in-house'],
    ['The hand-tuned scheduler stopped picking up work.', 'hand-tuned'],
    ['Our home-made backup script fails every night.', 'home-made'],
  ])('does not search a near adjective: %s', async (task, word) => {
    expect(await firstSearch(task)).not.toBe(word);
  });
});
