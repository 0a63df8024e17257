// Table tests of the general rules written for held-out set 60's misses a session after its first contact
// (each reads what the tools print; none names a product of the set unless the product's own message text
// is the signal).
import { describe, expect, it } from 'vitest';
import { settledWarnings } from './app-errors.js';
import { inotifyLimitAnalyzer } from './inotify-limit.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, log, observed, pods } from './observed.fixture.js';
import { poolsOverMaxConnectionsAnalyzer } from './pools-over-max-connections.js';
import { quietNamespaceLogsAnalyzer } from './quiet-namespace-logs.js';
import { shmBusErrorAnalyzer } from './shm-bus-error.js';
import { describedVolumes } from './types.js';
import { volumeBackingAnalyzer, volumePermissionsAnalyzer } from './volume-permissions.js';
import { nginxLocations, websocketUpgradeAnalyzer } from './websocket-upgrade.js';

/** A crashed pod's description: its last exit code, its mounts and its volumes. */
function crashedPod(ns: string, name: string, exit: number, mounts: string[], volumes: string[]) {
  return observed(
    'describe_pod',
    { namespace: ns, name },
    [
      `Name:             ${name}`,
      `Namespace:        ${ns}`,
      'Status:           Running (CrashLoopBackOff)',
      `Controlled By:    ReplicaSet/${name.split('-').slice(0, -1).join('-')}`,
      'Containers:',
      '  app:',
      '    Image:          registry.example.com/app:1.0.0',
      '    State:          Waiting',
      '      Reason:       CrashLoopBackOff',
      '    Last State:     Terminated',
      '      Reason:       Error',
      `      Exit Code:    ${exit}`,
      '    Ready:          False',
      '    Restart Count:  9',
      '    Environment:    <none>',
      '    Mounts:',
      ...mounts.map((m) => `      ${m}`),
      'Conditions:',
      '  Type              Status',
      '  Ready             False',
      'Volumes:',
      ...volumes,
      'QoS Class:        Burstable',
      'Events:  <none>',
    ].join('\n'),
  );
}

describe('shm-bus-error: a bus error from a /dev/shm too small for what the program keeps there', () => {
  const NS = 'video';
  const POD = 'recorder-5d9c8b7f5-a1b2c';
  const shm = [
    '  dshm:',
    '    Type:      EmptyDir (a temporary directory)',
    '    Medium:    Memory',
    '    SizeLimit: 64Mi',
  ];
  const crash = log(
    NS,
    POD,
    ['INFO shared memory buffers: 8 streams x 4 frames', 'Fatal Python error: Bus error'],
    { previous: true },
  );

  it('names the emptyDir at /dev/shm and its sizeLimit, and suggests a larger one', () => {
    const [f] = shmBusErrorAnalyzer.finds(
      ctx(NS, [crashedPod(NS, POD, 135, ['/dev/shm from dshm (rw)'], shm), crash]),
    );
    expect(f?.cause).toMatch(/bus error \(SIGBUS, exit code 135/);
    expect(f?.cause).toMatch(/emptyDir dshm \(medium: Memory, a tmpfs\) with sizeLimit 64Mi/);
    expect(f?.cause).toMatch(/8 streams x 4 frames/);
    expect(f?.advice).toMatch(/from 64Mi to at least 128Mi/);
  });

  it("takes the runtime's 64Mi when nothing is mounted there and the program logs shared memory", () => {
    const [f] = shmBusErrorAnalyzer.finds(ctx(NS, [crashedPod(NS, POD, 135, [], []), crash]));
    expect(f?.cause).toMatch(/container runtime's default of 64Mi/);
  });

  it('stays quiet for other exits, an OOM kill, or a bus error with no shared memory in sight', () => {
    const other = crashedPod(NS, POD, 1, ['/dev/shm from dshm (rw)'], shm);
    expect(
      shmBusErrorAnalyzer.finds(ctx(NS, [other, log(NS, POD, ['panic: boom'], { previous: true })])),
    ).toEqual([]);
    const plain = log(NS, POD, ['Bus error (core dumped)'], { previous: true });
    expect(shmBusErrorAnalyzer.finds(ctx(NS, [crashedPod(NS, POD, 135, [], []), plain]))).toEqual([]);
  });

  it('asks for the previous log of a pod that exited 135', () => {
    expect(shmBusErrorAnalyzer.reads(ctx(NS, [crashedPod(NS, POD, 135, [], [])]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: POD, previous: true } },
    ]);
  });

  it('reads the SizeLimit of an emptyDir (none when unset)', () => {
    const vols = describedVolumes(
      [
        'Volumes:',
        ...shm,
        '  tmp:',
        '    Type:      EmptyDir (a temporary directory)',
        '    SizeLimit: <unset>',
      ].join('\n'),
    );
    expect(vols.map((v) => v.sizeLimit)).toEqual(['64Mi', '']);
  });
});

describe('volume-permissions: a running program refused on its volume, and NFS behind a claim', () => {
  const NS = 'library';
  const POD = 'shelf-5gvz66dzwz-wbc48';
  const pod = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    `${describedPodText({ ns: NS, name: POD, claims: ['books'] })
      .replace(
        '    Environment:    <none>',
        '    Environment:    <none>\n    Mounts:\n      /books from books (rw)',
      )
      .replace('ClaimName:  books', 'ClaimName:  shelf-books')}\nControlled By:  ReplicaSet/shelf-5gvz66dzwz`,
  );
  const running = log(NS, POD, [
    "ERROR upload failed: PermissionError: [Errno 13] Permission denied: '/books/Ursula K. Le Guin'",
  ]);
  const spec = observed(
    'get_resource',
    { kind: 'Deployment', name: 'shelf', namespace: NS },
    'spec:\n  replicas: 1',
  );
  const claim = observed(
    'describe_resource',
    { kind: 'PersistentVolumeClaim', name: 'shelf-books', namespace: NS },
    'Spec:\n  storageClassName: nas\n  volumeName: nas-books',
  );
  const pv = observed(
    'describe_resource',
    { kind: 'PersistentVolume', name: 'nas-books' },
    'Spec:\n  nfs.server: 192.168.10.5\n  nfs.path: /export/media/books',
  );

  it("reads a running pod's Deployment, then the pod when the refused path is under a mount", () => {
    expect(volumePermissionsAnalyzer.reads(ctx(NS, [running]))).toEqual([]);
    expect(volumeBackingAnalyzer.reads(ctx(NS, [running]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'shelf' } },
    ]);
    const template = (mount: string) =>
      observed(
        'describe_deployment',
        { namespace: NS, name: 'shelf' },
        `Name: shelf\nPod Template:\n  Containers:\n    shelf:\n      Mounts:\n        ${mount} from books (rw)`,
      );
    expect(volumeBackingAnalyzer.reads(ctx(NS, [running, template('/books')]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    expect(volumeBackingAnalyzer.reads(ctx(NS, [running, template('/srv/data')]))).toEqual([]);
  });

  it('follows the claim to its PersistentVolume, and names the NFS export it finds there', () => {
    const reads = volumeBackingAnalyzer.reads(ctx(NS, [running, pod, spec, claim]));
    expect(reads).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'PersistentVolume', name: 'nas-books' },
    });
    const [f] = volumePermissionsAnalyzer.finds(ctx(NS, [running, pod, spec, claim, pv]));
    expect(f?.cause).toMatch(
      /NFS share PersistentVolume nas-books \(NFS export 192\.168\.10\.5:\/export\/media\/books/,
    );
    expect(f?.advice).toMatch(/fsGroup would not help on NFS/);
    expect(f?.evidence[0]).not.toMatch(/\(previous\)/);
  });

  it('without the PersistentVolume read, the claim is a plain volume (fsGroup advice)', () => {
    const [f] = volumePermissionsAnalyzer.finds(ctx(NS, [running, pod, spec, claim]));
    expect(f?.advice).toMatch(/set securityContext\.fsGroup/);
  });

  it("ignores a running bystander's refusal in another namespace", () => {
    const elsewhere = log('other', POD, ["open '/books/x': Permission denied"]);
    expect(volumePermissionsAnalyzer.finds(ctx(NS, [elsewhere, pod, spec]))).toEqual([]);
  });
});

describe("pools-over-max-connections: replicas × pool above the database's max_connections", () => {
  const NS = 'docs';
  const CLIENT = 'wiki-lzx5xskv5-4f2gv';
  const refusedLog = log(NS, CLIENT, [
    'error: Database Connection Error: ER_CON_COUNT_ERROR Too many connections',
  ]);
  const deployment = (pool: string) =>
    observed(
      'describe_deployment',
      { namespace: NS, name: 'wiki' },
      [
        'Name:                   wiki',
        'Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable',
        'Pod Template:',
        '  Containers:',
        '    wiki:',
        '      Environment:',
        '        DB_HOST:  wiki-db.docs.svc',
        '        DB_POOL_MIN:  2',
        `        DB_POOL_MAX:  ${pool}`,
        'Events:',
        '  Normal   ScalingReplicaSet   19h   deployment-controller   Scaled up replica set wiki-lzx5xskv5 to 3 from 1',
      ].join('\n'),
    );
  const listed = pods(NS, [
    [CLIENT, '1/1', 'Running', '0', '1d'],
    ['wiki-db-0', '1/1', 'Running', '0', '20d'],
  ]);
  const db = observed(
    'describe_pod',
    { namespace: NS, name: 'wiki-db-0' },
    describedPodText({ ns: NS, name: 'wiki-db-0', configMaps: ['wiki-db-config'] }),
  );
  const cnf = observed(
    'get_resource',
    { kind: 'ConfigMap', name: 'wiki-db-config', namespace: NS },
    'data:\n  my.cnf: |\n    [mysqld]\n    max_connections = 12\n',
  );

  it('reads the Deployment, the database pod and the ConfigMap it mounts, one at a time', () => {
    expect(poolsOverMaxConnectionsAnalyzer.reads(ctx(NS, [refusedLog]))).toEqual([
      { tool: 'describe_deployment', args: { namespace: NS, name: 'wiki' } },
    ]);
    expect(poolsOverMaxConnectionsAnalyzer.reads(ctx(NS, [refusedLog, deployment('6'), listed]))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: 'wiki-db-0' } },
    ]);
    expect(poolsOverMaxConnectionsAnalyzer.reads(ctx(NS, [refusedLog, deployment('6'), listed, db]))).toEqual(
      [{ tool: 'get_resource', args: { kind: 'ConfigMap', name: 'wiki-db-config', namespace: NS } }],
    );
  });

  it('gives the sum, the limit and the scale-up, and a pool that fits', () => {
    const [f] = poolsOverMaxConnectionsAnalyzer.finds(
      ctx(NS, [refusedLog, deployment('6'), listed, db, cnf]),
    );
    expect(f?.cause).toMatch(/max_connections = 12 \(ConfigMap wiki-db-config\)/);
    expect(f?.cause).toMatch(/3 × 6 = 18 connections, more than the 12/);
    expect(f?.cause).toMatch(/scaled up from 1 to 3 replicas/);
    expect(f?.advice).toMatch(/lower DB_POOL_MAX to 3/);
  });

  it('stays quiet when the pools fit the limit', () => {
    expect(
      poolsOverMaxConnectionsAnalyzer.finds(ctx(NS, [refusedLog, deployment('4'), listed, db, cnf])),
    ).toEqual([]);
  });
});

describe('settledWarnings: a warning flood the program copes with', () => {
  const flood = (extra: string[]) =>
    [
      "INFO feed 'release-notes': fetched https://example.org/feed.xml (200, 42 entries)",
      ...Array.from(
        { length: 5 },
        (_, i) =>
          `WARNING feed 'release-notes': more than one link found for entry ${i}, using the first link`,
      ),
      ...extra,
    ].join('\n');
  const warnings = (text: string) => text.split('\n').filter((l) => l.startsWith('WARNING'));

  it('is noise when each warning says how it was settled and its subject works after', () => {
    const text = flood(['INFO GET /api/widgets/feed?id=release-notes 200 12ms']);
    expect(settledWarnings(text, warnings(text))?.after).toMatch(/release-notes 200/);
  });

  it('is no notice when its subject does not work after, or the warning says work was lost', () => {
    const text = flood(['INFO GET /api/widgets/feed?id=other 200 12ms']);
    expect(settledWarnings(text, warnings(text))).toBeUndefined();
    const lost = [
      "WARNING feed 'x': entry 1 dropped, using the first link",
      "WARNING feed 'x': entry 2 dropped, using the first link",
      "INFO feed 'x': fetched (200, 2 entries)",
    ].join('\n');
    expect(settledWarnings(lost, warnings(lost))).toBeUndefined();
  });

  it('a count of 200 or a probe answered with 200 is not its subject working', () => {
    for (const after of [
      "INFO feed 'release-notes': parsed 200 entries",
      'INFO GET /healthz?feed=release-notes 200 1ms',
      "INFO feed 'release-notes': fetched (200, 42 entries)",
    ]) {
      const text = flood([after]);
      const found = settledWarnings(text, warnings(text));
      if (after.includes('fetched')) expect(found?.after).toBe(after);
      else expect(found).toBeUndefined();
    }
  });

  it('a fallback is not a settled warning (it may be the fault)', () => {
    const text = [
      "WARNING folder 'a': watcher failed, falling back to a rescan",
      "WARNING folder 'a': watcher failed, falling back to a rescan",
      "INFO folder 'a': scan completed",
    ].join('\n');
    expect(settledWarnings(text, warnings(text))).toBeUndefined();
  });
});

describe('inotify-limit: a watcher that cannot watch a tree larger than the watch limit', () => {
  const NS = 'sync';
  const POD = 'filesync-fmmnmvf44-wplmm';
  const logged = log(NS, POD, [
    'INFO: Completed initial scan of folder "projects": 141 322 directories, 918 004 files',
    'WARNING: Failed to start filesystem watcher for folder "projects": failed to setup inotify handler. Please increase inotify limits',
    'INFO: folder "projects": watcher unavailable, relying on periodic full rescan every 1h0m0s',
  ]);
  const cms = observed(
    'list_resources',
    { kind: 'ConfigMap', namespace: 'kube-system' },
    'NAME            DATA   AGE\ncoredns         1      90d\nnode-sysctls    1      8d',
  );
  const sysctls = observed(
    'get_resource',
    { kind: 'ConfigMap', name: 'node-sysctls', namespace: 'kube-system' },
    'data:\n  99-node.conf: |\n    fs.inotify.max_user_watches = 8192\n',
  );

  it("lists kube-system's node settings, then reads the one named for sysctls", () => {
    expect(inotifyLimitAnalyzer.reads(ctx(NS, [logged]))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: 'kube-system' } },
      { tool: 'list_resources', args: { kind: 'DaemonSet', namespace: 'kube-system' } },
    ]);
    expect(inotifyLimitAnalyzer.reads(ctx(NS, [logged, cms]))).toContainEqual({
      tool: 'get_resource',
      args: { kind: 'ConfigMap', name: 'node-sysctls', namespace: 'kube-system' },
    });
  });

  it('compares the directories watched with the limit, and names the fallback', () => {
    const [f] = inotifyLimitAnalyzer.finds(ctx(NS, [logged, cms, sysctls]));
    expect(f?.cause).toMatch(/max_user_watches \(8192 in ConfigMap kube-system\/node-sysctls/);
    expect(f?.cause).toMatch(/141 322 directories, far more than the limit/);
    expect(f?.cause).toMatch(/periodic full rescan/);
  });

  it('names the instance limit when the failure is about instances (EMFILE), with no directory count', () => {
    const crashed = log(NS, POD, [
      'INFO: started 128 of 131 rule watchers',
      'OSError: [Errno 24] inotify instance limit reached',
    ]);
    const [f] = inotifyLimitAnalyzer.finds(ctx(NS, [crashed]));
    expect(f?.cause).toMatch(/fs\.inotify\.max_user_instances/);
    expect(f?.cause).not.toMatch(/max_user_watches/);
    expect(f?.advice).toMatch(/raise fs\.inotify\.max_user_instances/);
  });

  it('stays quiet for a watcher that started, even one that names its limit', () => {
    const fine = log(NS, POD, ['INFO: inotify watcher started, limit 524288 watches']);
    expect(inotifyLimitAnalyzer.finds(ctx(NS, [fine]))).toEqual([]);
  });
});

describe('websocket-upgrade: a proxy location that does not pass Upgrade and Connection', () => {
  const NS = 'notes';
  const PROXY = 'edge-qtmpfhjzw-gcxdl';
  const proxyPod = observed(
    'describe_pod',
    { namespace: NS, name: PROXY },
    describedPodText({ ns: NS, name: PROXY, container: 'nginx', configMaps: ['edge-conf'] })
      .replace('registry.example.com/app:1.0.0', 'nginx:1.27.2')
      .concat('\nControlled By:  ReplicaSet/edge-qtmpfhjzw'),
  );
  const access = log(NS, PROXY, [
    '10.0.0.1 - - [25/Nov/2026:15:01:13 +0000] "GET /live/?id=x&transport=websocket HTTP/1.1" 400 34 "-" "Mozilla/5.0"',
  ]);
  const conf = (live: string, server = '') =>
    observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'edge-conf', namespace: NS },
      `Data\n====\ndefault.conf:\n----\nserver {\n  listen 8080;\n${server}  location / {\n    proxy_pass http://app;\n  }\n  location /live/ {\n${live}  }\n}\n`,
    );

  it('reads the ConfigMap an nginx pod mounts once a WebSocket request was refused', () => {
    expect(websocketUpgradeAnalyzer.reads(ctx(NS, [access, proxyPod]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'edge-conf', namespace: NS } },
    ]);
  });

  it('names the location and the headers it does not set', () => {
    const [f] = websocketUpgradeAnalyzer.finds(
      ctx(NS, [access, proxyPod, conf('    proxy_pass http://app;\n    proxy_set_header Host $host;\n')]),
    );
    expect(f?.object).toMatch(/^deployment edge /);
    expect(f?.cause).toMatch(
      /location \/live\/ of its nginx configuration \(ConfigMap edge-conf\), which proxies them without proxy_set_header Upgrade \$http_upgrade and proxy_set_header Connection "upgrade"/,
    );
  });

  it('is quiet when the location sets both, or inherits both because it sets none of its own', () => {
    const both =
      '    proxy_pass http://app;\n    proxy_http_version 1.1;\n    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection "upgrade";\n';
    expect(websocketUpgradeAnalyzer.finds(ctx(NS, [access, proxyPod, conf(both)]))).toEqual([]);
    const inherited = conf(
      '    proxy_pass http://app;\n',
      '  proxy_set_header Upgrade $http_upgrade;\n  proxy_set_header Connection "upgrade";\n',
    );
    expect(websocketUpgradeAnalyzer.finds(ctx(NS, [access, proxyPod, inherited]))).toEqual([]);
  });

  it('does not inherit into a location that sets a header of its own (as nginx does not)', () => {
    const own = conf(
      '    proxy_pass http://app;\n    proxy_set_header Host $host;\n',
      '  proxy_set_header Upgrade $http_upgrade;\n  proxy_set_header Connection "upgrade";\n',
    );
    expect(websocketUpgradeAnalyzer.finds(ctx(NS, [access, proxyPod, own]))).toHaveLength(1);
  });

  it('splits locations by their braces, nested blocks included', () => {
    const locs = nginxLocations(
      'server { location /a/ { if ($x) { return 403; } proxy_pass http://a; } location = /b { } }',
    );
    expect(locs.map((l) => l.path)).toEqual(['/a/', '/b']);
    expect(locs[0]!.block).toMatch(/proxy_pass http:\/\/a;/);
  });
});

describe('Laravel\'s "The MAC is invalid": data encrypted under another APP_KEY', () => {
  it('is read as a key mismatch, not damaged data', () => {
    const g = glossOf('[2026-11-27 09:11:09] production.ERROR: The MAC is invalid. {"userId":1}');
    expect(g?.means).toMatch(/encrypted with a different APP_KEY/);
    expect(g?.means).toMatch(/restoring it again changes nothing/);
  });
});

describe('quiet-namespace-logs: results that stay empty are a reported failure', () => {
  it("reads the namespace's logs when the person says the graphs are empty", () => {
    const listed = pods('netmon', [
      ['poller-ftqq6md44-zsq9z', '1/1', 'Running', '0', '2d'],
      ['web-7d9b4-kq2ls', '1/1', 'Running', '0', '30d'],
    ]);
    const reads = quietNamespaceLogsAnalyzer.reads(
      ctx('netmon', [listed], 'Since Tuesday the traffic graphs are empty for every switch.'),
    );
    expect(reads.map((r) => r.args['name'])).toContain('poller-ftqq6md44-zsq9z');
  });
});
