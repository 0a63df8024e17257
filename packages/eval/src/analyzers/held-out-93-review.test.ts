// Review of the rules written for set 93 (and for sets 91 and 92's misses the same session), by someone who
// had not written them: 60 tests, 24 of them bugs, each fixed (marked "Found in review, fixed").
import { describe, expect, it } from 'vitest';
import { missingVariableSaid } from '../baseline/reading.js';
import { forbidsRollback } from '../baseline-model.js';
import type { SeenObservation } from '../observations.js';
import { errorLines } from './app-errors.js';
import { configNotPassedAnalyzer } from './config-not-passed.js';
import { duplicateEntryNamesAnalyzer } from './duplicate-entry-names.js';
import { hostNamespaceAnalyzer } from './host-namespace.js';
import { httpsProxyMissingAnalyzer } from './https-proxy-missing.js';
import { glossOf, passedOver } from './log-glosses.js';
import { ctx, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { podLocalFileAnalyzer } from './pod-local-file.js';
import { saTokenMissingAnalyzer } from './sa-token-missing.js';
import { seededElsewhereAnalyzer } from './seeded-elsewhere.js';
import { staleCrdAnalyzer } from './stale-crd.js';
import { twinControllersAnalyzer } from './twin-controllers.js';
import { upstreamServiceGoneAnalyzer } from './upstream-service-gone.js';

// Review of held-out set 93's rules, read as an attacker: false positives, false negatives, wrong text
// and hostile input. Tests marked BUG pin a defect (skipped until the rule is fixed).

interface Container {
  name: string;
  env?: readonly (readonly [string, string])[];
  args?: string;
  mounts?: readonly string[];
}
interface Pod {
  ns: string;
  name: string;
  owner?: string;
  containers: readonly Container[];
  /** Volume name, the type word kubectl prints, and its source (ConfigMap name, claim name). */
  volumes?: readonly (readonly [string, string, string?])[];
  lastTerminated?: boolean;
}

/** `describe_pod` as the tools print it, with mounts, several containers and an owning ReplicaSet. */
function describePod(p: Pod): SeenObservation {
  const text = [
    `Name:             ${p.name}`,
    `Namespace:        ${p.ns}`,
    ...(p.owner ? [`Controlled By:    ReplicaSet/${p.owner}-5d8f7c9b6d`] : []),
    'Status:           Running',
    'Containers:',
    ...p.containers.flatMap((c) => [
      `  ${c.name}:`,
      '    Image:          registry.example.com/app:1.0.0',
      ...(c.args ? [`    Args:           ${c.args}`] : []),
      '    State:          Running',
      ...(p.lastTerminated ? ['    Last State:     Terminated', '      Exit Code:    1'] : []),
      '    Ready:          True',
      ...(c.env?.length
        ? ['    Environment:', ...c.env.map(([k, v]) => `      ${k}:  ${v}`)]
        : ['    Environment:    <none>']),
      ...(c.mounts?.length ? ['    Mounts:', ...c.mounts.map((m) => `      ${m}`)] : []),
    ]),
    'Conditions:',
    '  Type              Status',
    '  Ready             True',
    'Volumes:',
    ...(p.volumes ?? []).flatMap(([n, type, source]) => [
      `  ${n}:`,
      `    Type:       ${type} (a volume)`,
      ...(source ? [`    ${type === 'PersistentVolumeClaim' ? 'ClaimName' : 'Name'}:  ${source}`] : []),
    ]),
    'QoS Class:        Burstable',
    'Events:  <none>',
  ].join('\n');
  return observed('describe_pod', { namespace: p.ns, name: p.name }, text);
}

const services = (ns: string, rows: string[][]) =>
  observed(
    'list_services',
    { namespace: ns },
    table([['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'], ...rows]),
  );

// ---------------------------------------------------------------------------------------------------

describe('pod-local-file: a file another pod wrote to its own filesystem', () => {
  const ns = 'etl';
  const PATH = '/tmp/dagster/storage/step_a/result';
  const reader = (lines: string[]) => log(ns, 'run-2-abcde', lines);
  const writer = (lines: string[]) => log(ns, 'run-1-fghij', lines);
  const missing = `FileNotFoundError: [Errno 2] No such file or directory: '${PATH}'`;
  const readerPod = (volumes: Pod['volumes'], mounts: string[]) =>
    describePod({ ns, name: 'run-2-abcde', containers: [{ name: 'step', mounts }], volumes });

  it('fires when the reader mounts only an emptyDir over the path', () => {
    const f = podLocalFileAnalyzer.finds(
      ctx(ns, [
        writer([`Writing output to ${PATH}`]),
        reader([missing]),
        readerPod([['scratch', 'EmptyDir']], ['/tmp from scratch (rw)']),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('another pod, run-1-fghij');
    expect(f[0]!.cause).toContain('/tmp (EmptyDir scratch)');
  });

  it('asks for the reader description first', () => {
    expect(
      podLocalFileAnalyzer.reads(ctx(ns, [writer([`Writing output to ${PATH}`]), reader([missing])])),
    ).toEqual([{ tool: 'describe_pod', args: { namespace: ns, name: 'run-2-abcde' } }]);
  });

  it('a claim mounted over the path is shared: no finding', () => {
    const f = podLocalFileAnalyzer.finds(
      ctx(ns, [
        writer([`Writing output to ${PATH}`]),
        reader([missing]),
        readerPod([['data', 'PersistentVolumeClaim', 'dagster-data']], ['/tmp/dagster from data (rw)']),
      ]),
    );
    expect(f).toEqual([]);
  });

  it('a generic ephemeral volume is per pod, not shared: still fires', () => {
    const f = podLocalFileAnalyzer.finds(
      ctx(ns, [
        writer([`Writing output to ${PATH}`]),
        reader([missing]),
        readerPod([['scratch', 'EphemeralVolume']], ['/tmp/dagster from scratch (rw)']),
      ]),
    );
    expect(f).toHaveLength(1);
  });

  // Found in review, fixed: a writer line that says the write failed ("Failed to write …: permission denied") is taken as proof the other pod wrote the file; only a successful write should count.
  it('a failed write in the other pod is not a write', () => {
    const f = podLocalFileAnalyzer.finds(
      ctx(ns, [writer([`Failed to write ${PATH}: permission denied`]), reader([missing]), readerPod([], [])]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: the written path is matched as a substring, so a missing /shared/run/1 is "written" by a line about /shared/run/12/result; the path should match whole.
  it('another path that merely starts with the missing one is not it', () => {
    const f = podLocalFileAnalyzer.finds(
      ctx(ns, [
        writer(['saved /shared/run/12/result']),
        reader(["No such file or directory: '/shared/run/1'"]),
        readerPod([], []),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: when the reader's own log says it wrote the file too (a file both pods write locally), the missing file is not another pod's output; the rule should not blame the other pod.
  it('a file the reader itself wrote is not handed over from another pod', () => {
    const f = podLocalFileAnalyzer.finds(
      ctx(ns, [
        writer(['Saved checkpoint /ckpt/run/model.pt']),
        reader(['Saved checkpoint /ckpt/run/model.pt', "No such file or directory: '/ckpt/run/model.pt'"]),
        readerPod([], []),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: a reader line naming hundreds of paths is checked path by path against every line of every other log (paths x lines x logs), unbounded; the work per line should be capped.
  it('does bounded work on lines full of paths', () => {
    const paths = Array.from({ length: 300 }, (_, j) => `/a/p${j}`).join(' ');
    const big = 'w'.repeat(3000);
    const bad = [
      log(
        ns,
        'r',
        Array.from({ length: 300 }, () => `No such file or directory ${paths}`),
      ),
      log(
        ns,
        'w',
        Array.from({ length: 2000 }, () => big),
      ),
    ];
    const plain = [
      log(
        ns,
        'r',
        Array.from({ length: 300 }, () => `Nothing missing here at all ${paths}`),
      ),
      log(
        ns,
        'w',
        Array.from({ length: 2000 }, () => big),
      ),
    ];
    expectBounded(
      () => podLocalFileAnalyzer.finds(ctx(ns, bad)),
      () => podLocalFileAnalyzer.finds(ctx(ns, plain)),
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe('config-not-passed: the program loads another config file than the mounted one', () => {
  const ns = 'llm';
  const litellm = (containers: Container[], volumes: Pod['volumes']) =>
    describePod({ ns, name: 'litellm-5d8f7c9b6d-abcde', owner: 'litellm', containers, volumes });
  const logs = (lines: string[]) => log(ns, 'litellm-5d8f7c9b6d-abcde', lines);
  const app = (args?: string): Container => ({
    name: 'litellm',
    ...(args ? { args } : {}),
    mounts: ['/app/config.yaml from litellm-config (ro,path="config.yaml")'],
  });
  const vols: Pod['volumes'] = [['litellm-config', 'ConfigMap', 'litellm-config']];

  it('fires when the log names the image default and the args pass nothing', () => {
    const f = configNotPassedAnalyzer.finds(
      ctx(ns, [
        logs(['Loading config from ./proxy_server_config.yaml']),
        litellm([app('--port 4000')], vols),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain(
      'not the config file mounted from ConfigMap litellm-config at /app/config.yaml',
    );
    expect(f[0]!.advice).toContain('"--config", "/app/config.yaml"');
  });

  it('the mounted file spelled relatively (./config.yaml) is the mounted one', () => {
    const f = configNotPassedAnalyzer.finds(
      ctx(ns, [logs(['Loading config from ./config.yaml']), litellm([app('--port 4000')], vols)]),
    );
    expect(f).toEqual([]);
  });

  it('args that pass the mounted path are fine', () => {
    const f = configNotPassedAnalyzer.finds(
      ctx(ns, [
        logs(['Using config file: /etc/litellm/defaults.yaml']),
        litellm([app('--config=/app/config.yaml --port 4000')], vols),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: a sidecar's own ConfigMap config file (fluent-bit.conf) is compared with the app container's log line, so an app that loads its mounted file is reported; only the logging container's mounts should count.
  it("a sidecar's config file is not the app's", () => {
    const f = configNotPassedAnalyzer.finds(
      ctx(ns, [
        logs(['Loading config from /app/config.yaml']),
        litellm(
          [
            app('--config /app/config.yaml'),
            {
              name: 'fluent-bit',
              mounts: ['/fluent-bit/etc/fluent-bit.conf from fluent-bit-config (ro,path="fluent-bit.conf")'],
            },
          ],
          [...vols, ['fluent-bit-config', 'ConfigMap', 'fluent-bit-config']],
        ),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: only the first "Loading config" line is read, so a program that loads its built-in defaults and then the mounted file is reported; any line naming the mounted file should clear it.
  it('defaults loaded first, then the mounted file, is not a miss', () => {
    const f = configNotPassedAnalyzer.finds(
      ctx(ns, [
        logs(['Loading config from /etc/app/defaults.yaml', 'Loading config from /app/config.yaml']),
        litellm([app()], vols),
      ]),
    );
    expect(f).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('host-namespace: a Service named in another namespace', () => {
  const ns = 'kg';
  const pod = (value: string, variable = 'CORE_URL') =>
    describePod({
      ns,
      name: 'kg-api-5d8f7c9b6d-abcde',
      owner: 'kg-api',
      containers: [{ name: 'api', env: [[variable, value]] }],
    });
  const unresolved = (host: string) =>
    log(ns, 'kg-api-5d8f7c9b6d-abcde', [`dial tcp: lookup ${host} on 10.96.0.10:53: no such host`]);
  const here = services(ns, [['kg-core', 'ClusterIP', '10.96.0.5', '8080/TCP', '3d']]);

  it('fires on .svc without .cluster.local, and fixes only the namespace', () => {
    const f = hostNamespaceAnalyzer.finds(
      ctx(ns, [pod('http://kg-core.default.svc:8080'), unresolved('kg-core.default.svc'), here]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.advice).toBe(
      'set CORE_URL to http://kg-core.kg.svc:8080, the kg-core Service of this namespace',
    );
    expect(f[0]!.fix?.tool).toBe('set_env');
  });

  it('lists the Services before concluding', () => {
    expect(
      hostNamespaceAnalyzer.reads(
        ctx(ns, [pod('kg-core.default.svc.cluster.local'), unresolved('kg-core.default.svc.cluster.local')]),
      ),
    ).toEqual([{ tool: 'list_services', args: { namespace: ns } }]);
  });

  it("the named namespace's Service exists after all: not this", () => {
    const f = hostNamespaceAnalyzer.finds(
      ctx(ns, [
        pod('kg-core.default.svc'),
        unresolved('kg-core.default.svc'),
        here,
        services('default', [['kg-core', 'ClusterIP', '10.96.1.5', '8080/TCP', '9d']]),
      ]),
    );
    expect(f).toEqual([]);
  });

  it('an unresolved external host is not a Service', () => {
    const f = hostNamespaceAnalyzer.finds(
      ctx(ns, [pod('https://api.example.com'), unresolved('api.example.com'), here]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: the fix replaces every "kg-core.default.svc" substring, so another host in the value (old-kg-core.default.svc) is rewritten too; only the host found should change.
  it('the fix leaves other hosts of the value alone', () => {
    const f = hostNamespaceAnalyzer.finds(
      ctx(ns, [
        pod('http://kg-core.default.svc:8080,http://old-kg-core.default.svc:8080'),
        unresolved('kg-core.default.svc'),
        here,
      ]),
    );
    expect(f[0]!.advice).toContain('http://kg-core.kg.svc:8080,http://old-kg-core.default.svc:8080');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('upstream-service-gone: a name that is no Service of the namespace', () => {
  const ns = 'netbox';
  const nginx = (line: string) => log(ns, 'netbox-nginx-5d8f7c9b6d-abcde', [line]);
  const svcs = services(ns, [
    ['netbox-nginx', 'ClusterIP', '10.96.0.4', '80/TCP', '400d'],
    ['postgres', 'ClusterIP', '10.96.0.5', '5432/TCP', '400d'],
    ['netbox-web', 'ClusterIP', '10.96.0.6', '8080/TCP', '2d'],
  ]);

  it('names the young look-alike Service as the replacement', () => {
    const f = upstreamServiceGoneAnalyzer.finds(
      ctx(ns, [
        nginx('[emerg] 1#1: host not found in upstream "netbox:8080" in /etc/nginx/conf.d/default.conf:2'),
        svcs,
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('no Service named netbox exists in netbox');
    expect(f[0]!.cause).toContain('netbox-web, created 2d ago');
  });

  it("Node's ENOTFOUND with the namespace's full name is the same name", () => {
    const f = upstreamServiceGoneAnalyzer.finds(
      ctx(ns, [nginx('Error: getaddrinfo ENOTFOUND netbox.netbox.svc.cluster.local'), svcs]),
    );
    expect(f[0]?.cause).toContain('cannot resolve "netbox"');
  });

  it('an unresolved external host is not a Service, and costs no read', () => {
    const l = nginx('curl: (6) Could not resolve host: api.github.com');
    expect(upstreamServiceGoneAnalyzer.reads(ctx(ns, [l]))).toEqual([]);
    expect(upstreamServiceGoneAnalyzer.finds(ctx(ns, [l, svcs]))).toEqual([]);
  });

  it('a name that is a Service here is left to DNS analyzers', () => {
    const f = upstreamServiceGoneAnalyzer.finds(
      ctx(ns, [nginx('dial tcp: lookup postgres on 10.96.0.10:53: no such host'), svcs]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: with no Services in the namespace the cause reads "(its Services: )"; it should say the namespace has none.
  it('a namespace without Services is said so, not an empty list', () => {
    const f = upstreamServiceGoneAnalyzer.finds(
      ctx(ns, [
        nginx('host not found in upstream "netbox"'),
        observed('list_services', { namespace: ns }, 'No resources found in netbox namespace.'),
      ]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).not.toContain('its Services: )');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('https-proxy-missing: HTTP_PROXY without HTTPS_PROXY', () => {
  const ns = 'ci';
  const TIMEOUT = 'Get "https://api.github.com/repos/x/y": dial tcp 140.82.112.6:443: i/o timeout';
  const agent = (env: [string, string][]) =>
    describePod({ ns, name: 'agent-5d8f7c9b6d-abcde', owner: 'agent', containers: [{ name: 'agent', env }] });
  const logs = (line = TIMEOUT) => log(ns, 'agent-5d8f7c9b6d-abcde', [line]);

  it('fires with a set_env fix that adds HTTPS_PROXY only', () => {
    const f = httpsProxyMissingAnalyzer.finds(
      ctx(ns, [agent([['HTTP_PROXY', 'http://proxy.corp:3128']]), logs()]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.fix?.tool).toBe('set_env');
    expect(JSON.stringify(f[0]!.fix)).toContain('"name":"HTTPS_PROXY","value":"http://proxy.corp:3128"');
  });

  it('lower-case https_proxy counts as set', () => {
    const f = httpsProxyMissingAnalyzer.finds(
      ctx(ns, [
        agent([
          ['http_proxy', 'http://proxy.corp:3128'],
          ['https_proxy', 'http://proxy.corp:3128'],
        ]),
        logs(),
      ]),
    );
    expect(f).toEqual([]);
  });

  it("a timeout through the proxy (proxyconnect) is the proxy's", () => {
    const f = httpsProxyMissingAnalyzer.finds(
      ctx(ns, [
        agent([['HTTP_PROXY', 'http://proxy.corp:3128']]),
        logs('Get "https://api.github.com": proxyconnect tcp: dial tcp 10.0.0.9:3128: i/o timeout'),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: HTTPS_PROXY set from a Secret or ConfigMap key ("<set to the key …>") is not seen, so the rule says it is missing; a variable set by reference is set.
  it('HTTPS_PROXY from a ConfigMap key is set', () => {
    const f = httpsProxyMissingAnalyzer.finds(
      ctx(ns, [
        agent([
          ['HTTP_PROXY', 'http://proxy.corp:3128'],
          ['HTTPS_PROXY', "<set to the key 'https_proxy' of config map 'proxy'>  Optional: false"],
        ]),
        logs(),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: a host NO_PROXY exempts (an in-cluster .svc host) goes direct by design, so a timeout to it is not a missing HTTPS_PROXY; the rule should skip hosts NO_PROXY covers.
  it('a host NO_PROXY covers is not sent through the proxy anyway', () => {
    const f = httpsProxyMissingAnalyzer.finds(
      ctx(ns, [
        agent([
          ['HTTP_PROXY', 'http://proxy.corp:3128'],
          ['NO_PROXY', '.svc,.cluster.local,10.0.0.0/8'],
        ]),
        logs('Post "https://vault.vault.svc:8200/v1/auth": dial tcp 10.96.3.3:8200: i/o timeout'),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: HTTPS_TIMEOUT's two adjacent bounded runs ([^\s"'\\]{1,300} then a lazy [^\n]{0,300}) backtrack quadratically at every "https://", so lines full of them take seconds; the match should be anchored or split.
  it('does bounded work on lines full of https://', () => {
    const bad = log(
      ns,
      'agent-5d8f7c9b6d-abcde',
      Array.from({ length: 50 }, () => 'https://'.repeat(480)),
    );
    const plain = log(
      ns,
      'agent-5d8f7c9b6d-abcde',
      Array.from({ length: 50 }, () => 'x'.repeat(3840)),
    );
    const d = agent([['HTTP_PROXY', 'http://proxy.corp:3128']]);
    expectBounded(
      () => httpsProxyMissingAnalyzer.finds(ctx(ns, [d, bad])),
      () => httpsProxyMissingAnalyzer.finds(ctx(ns, [d, plain])),
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe('sa-token-missing: the log cannot read the service account files', () => {
  const ns = 'teleport';
  const logs = (line: string) => log(ns, 'teleport-kube-0', [line]);

  it('fires on the token file missing', () => {
    const f = saTokenMissingAnalyzer.finds(
      ctx(ns, [logs('open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory')]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('cannot read /var/run/secrets/kubernetes.io/serviceaccount/token');
  });

  it('permission denied on the token is not a missing mount', () => {
    const f = saTokenMissingAnalyzer.finds(
      ctx(ns, [logs('open /var/run/secrets/kubernetes.io/serviceaccount/token: permission denied')]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: a line that quotes the token path as read fine and says another file is "not found" is taken as a missing token; the missing words must be about the service-account file.
  it('a line quoting the token path for another reason is not it', () => {
    const f = saTokenMissingAnalyzer.finds(
      ctx(ns, [
        logs(
          'using token /var/run/secrets/kubernetes.io/serviceaccount/token; /etc/teleport/extra.yaml not found, using defaults',
        ),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: the cause says no token is mounted while the pod's description shows the kube-api-access volume mounted there; the description should be read and contradict it.
  it('a pod that shows the token volume mounted is not said to lack it', () => {
    const d = describePod({
      ns,
      name: 'teleport-kube-0',
      containers: [
        {
          name: 'teleport',
          mounts: ['/var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x2x9k (ro)'],
        },
      ],
      volumes: [['kube-api-access-x2x9k', 'Projected']],
    });
    const f = saTokenMissingAnalyzer.finds(
      ctx(ns, [
        d,
        logs('open /var/run/secrets/kubernetes.io/serviceaccount/ca.crt: no such file or directory'),
      ]),
    );
    expect(f).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('twin-controllers: one controller installed twice', () => {
  const ns = 'kube-system';
  const deps = (rows: string[][]) =>
    observed(
      'list_deployments',
      { namespace: ns },
      table([['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'], ...rows]),
    );
  const list = pods(ns, [
    ['sealed-secrets-5d8f7c9b6d-abcde', '1/1', 'Running', '0', '3d'],
    ['sealed-secrets-tf-7f9c8b6d5c-fghij', '1/1', 'Running', '0', '3d'],
  ]);
  const both = deps([
    ['sealed-secrets', '1/1', '1', '1', '3d', 'bitnami/sealed-secrets-controller:0.27.1'],
    ['sealed-secrets-tf', '1/1', '1', '1', '3d', 'bitnami/sealed-secrets-controller:0.27.1'],
  ]);
  const pod = (name: string, c: Container) => describePod({ ns, name, containers: [c] });
  const logsOf = (name: string, lines: string[]) => log(ns, name, lines);
  const seen = (a: Container, b: Container) => [
    both,
    list,
    pod('sealed-secrets-5d8f7c9b6d-abcde', a),
    pod('sealed-secrets-tf-7f9c8b6d5c-fghij', b),
    logsOf('sealed-secrets-5d8f7c9b6d-abcde', ['Updated billing/ledger-db']),
    logsOf('sealed-secrets-tf-7f9c8b6d5c-fghij', [
      'Error updating billing/ledger-db, giving up: no key could decrypt secret',
    ]),
  ];

  it('fires when both run the same image and args with opposite outcomes', () => {
    const f = twinControllersAnalyzer.finds(
      ctx('billing', seen({ name: 'c', args: '--update-status' }, { name: 'c', args: '--update-status' })),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('for billing/ledger-db');
  });

  it('web and worker of one image (different args) are not twins', () => {
    const f = twinControllersAnalyzer.finds(
      ctx('billing', seen({ name: 'c', args: 'web' }, { name: 'c', args: 'worker' })),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: two Deployments of one image told apart only by a variable (ROLE=web, ROLE=worker) are called twins; the containers' environment should be compared too.
  it('web and worker told apart by a variable are not twins', () => {
    const f = twinControllersAnalyzer.finds(
      ctx('billing', seen({ name: 'c', env: [['ROLE', 'web']] }, { name: 'c', env: [['ROLE', 'worker']] })),
    );
    expect(f).toEqual([]);
  });

  // Changed after review: the two descriptions come first (web and worker of one image differ there), the
  // logs only once both run alike.
  it('reads the two descriptions first, at most four things in all', () => {
    expect(twinControllersAnalyzer.reads(ctx('billing', [both, list])).length).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('duplicate-entry-names: edge cases', () => {
  const ns = 'search';
  const es = (spec: string[]) =>
    observed(
      'describe_resource',
      { kind: 'Elasticsearch', name: 'logs', namespace: ns },
      [
        'Name:         logs',
        'Kind:         Elasticsearch (elasticsearch.k8s.elastic.co/v1)',
        'Spec:',
        ...spec,
        'Events:  <none>',
      ].join('\n'),
    );

  it('three entries of one name are counted as three', () => {
    const f = duplicateEntryNamesAnalyzer.finds(
      ctx(ns, [es(['  nodeSets[0].name: data', '  nodeSets[1].name: data', '  nodeSets[2].name: data'])]),
    );
    expect(f[0]!.cause).toContain(
      '3 entries of spec.nodeSets with the same name "data" (entries 0 and 1 and 2)',
    );
  });

  it('a long name is not quoted cut inside a surrogate pair', () => {
    const name = `${'x'.repeat(78)}😀😀😀`;
    const f = duplicateEntryNamesAnalyzer.finds(
      ctx(ns, [es([`  nodeSets[0].name: ${name}`, `  nodeSets[1].name: ${name}`])]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  // Found in review, fixed: a key ending in "Name" that refers to another object (storageClassName) is taken as the entry's name, so two entries on one storage class "clash"; only the entry's own name key should count.
  it('two entries on one storage class do not clash', () => {
    const f = duplicateEntryNamesAnalyzer.finds(
      ctx(ns, [
        es([
          '  nodeSets[0].name: hot',
          '  nodeSets[0].storageClassName: fast-ssd',
          '  nodeSets[1].name: warm',
          '  nodeSets[1].storageClassName: fast-ssd',
        ]),
      ]),
    );
    expect(f).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('stale-crd: edge cases', () => {
  const ns = 'k8ssandra';
  const refused = (line: string) => log(ns, 'op-5d8f7c9b6d-abcde', [line]);
  const crdList = (names: string[]) =>
    observed(
      'list_resources',
      { kind: 'CustomResourceDefinition' },
      table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, '-', '300d'])]),
    );
  const deps = observed(
    'list_deployments',
    { namespace: ns },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      ['cass-operator', '1/1', '1', '1', '22h', 'cr.k8ssandra.io/k8ssandra/cass-operator:v1.22.4'],
    ]),
  );
  const crd = (name: string, labels: string, annotations: string) =>
    observed(
      'describe_resource',
      { kind: 'CustomResourceDefinition', name },
      [
        `Name:         ${name}`,
        `Labels:       ${labels}`,
        `Annotations:  ${annotations}`,
        'Age:          300d',
      ].join('\n'),
    );
  const LINE = 'error: CassandraDatacenter.cassandra.datastax.com "dc1" is invalid: type: Required value';

  // Found in review, fixed: a CRD at the running operator's very version, installed by a Helm release of another namespace (a separate CRDs chart), is called "an older install"; the same version is not stale.
  it('a CRD of the same version from another release namespace is not stale', () => {
    const f = staleCrdAnalyzer.finds(
      ctx(ns, [
        refused(LINE),
        crdList(['cassandradatacenters.cassandra.datastax.com']),
        deps,
        crd(
          'cassandradatacenters.cassandra.datastax.com',
          'app.kubernetes.io/name=cass-operator,app.kubernetes.io/version=1.22.4',
          'meta.helm.sh/release-namespace=cass-crds',
        ),
      ]),
    );
    expect(f).toEqual([]);
  });

  // Found in review, fixed: every group ending in k8s.io is skipped, so the CRD-based Gateway API (gateway.networking.k8s.io) and VolumeSnapshot (snapshot.storage.k8s.io) kinds, classic stale CRDs, are never looked at; only built-in groups should be.
  it('a Gateway API refusal is a CRD kind, not a built-in', () => {
    const l = refused(
      'HTTPRoute.gateway.networking.k8s.io "web" is invalid: spec.parentRefs[0].port: Unsupported value',
    );
    expect(staleCrdAnalyzer.reads(ctx(ns, [l, deps]))).toEqual([
      { tool: 'list_resources', args: { kind: 'CustomResourceDefinition' } },
    ]);
  });

  // Found in review, fixed: the plural is guessed by prefix, so kind Policy reads policybindings.x.io when it is listed first instead of policies.x.io; an exact "-ies" plural should win.
  it('kind Policy reads policies, not policybindings', () => {
    const l = refused('Policy.kyverno.example.io "p1" is invalid: spec.rules: Required value');
    expect(
      staleCrdAnalyzer.reads(
        ctx(ns, [l, deps, crdList(['policybindings.kyverno.example.io', 'policies.kyverno.example.io'])]),
      ),
    ).toEqual([
      {
        tool: 'describe_resource',
        args: { kind: 'CustomResourceDefinition', name: 'policies.kyverno.example.io' },
      },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('seeded-elsewhere: other wordings', () => {
  const ns = 'forum';
  const DUP = log(ns, 'discourse-5d8f7c9b6d-abcde', [
    'PG::UniqueViolation: ERROR:  duplicate key value violates unique constraint "index_users_on_username_lower"',
  ]);
  const pod = (k: string, v: string) =>
    describePod({
      ns,
      name: 'discourse-5d8f7c9b6d-abcde',
      lastTerminated: true,
      containers: [{ name: 'discourse', env: [[k, v]] }],
    });

  it('a lower-case variable holding a URL to another namespace fires', () => {
    const f = seededElsewhereAnalyzer.finds(
      ctx(ns, [pod('database_url', 'postgres://u:p@postgresql.staging.svc:5432/discourse'), DUP]),
    );
    expect(f).toHaveLength(1);
    expect(f[0]!.cause).toContain('the postgresql database of another namespace (staging)');
  });

  it('a pod that never restarted is not crashing on it', () => {
    const d = describePod({
      ns,
      name: 'discourse-5d8f7c9b6d-abcde',
      containers: [{ name: 'discourse', env: [['DB_HOST', 'postgresql.staging.svc']] }],
    });
    expect(seededElsewhereAnalyzer.finds(ctx(ns, [d, DUP]))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('passedOver and the Backstage gloss', () => {
  const CHECK =
    '[2026-10-05T10:00:01,000][ERROR][o.e.b.BootstrapChecks    ] [es-0] max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]';

  it('a node that started after the warning got past it', () => {
    const text = [CHECK, '[2026-10-05T10:00:05,000][INFO ][o.e.n.Node               ] [es-0] started'].join(
      '\n',
    );
    expect(passedOver(text, CHECK)).toBe(true);
  });

  it('a node stopped by the check did not', () => {
    const text = [CHECK, 'ERROR: [1] bootstrap checks failed', '[o.e.n.Node] [es-0] stopping ...'].join('\n');
    expect(passedOver(text, CHECK)).toBe(false);
    expect(errorLines(text).filter((l) => !passedOver(text, l))).toContain(CHECK);
  });

  // Found in review, fixed: a JSON-layout node (Elasticsearch 7's default: "message": "started") that went on is not seen as past the check; the UNDONE pattern should read the JSON message too.
  it('a JSON-layout node that started got past it', () => {
    const json =
      '{"type": "server", "timestamp": "2026-10-05T10:00:01,000Z", "level": "WARN", "component": "o.e.b.BootstrapChecks", "message": "max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]" }';
    const started =
      '{"type": "server", "timestamp": "2026-10-05T10:00:05,000Z", "level": "INFO", "component": "o.e.n.Node", "message": "started" }';
    expect(passedOver([json, started].join('\n'), json)).toBe(true);
  });

  it("Backstage's production error is glossed, not its development warning", () => {
    expect(glossOf('Error: Kubernetes configuration is missing')?.means).toContain('Backstage');
    expect(
      glossOf('warn Failed to initialize kubernetes backend: valid kubernetes config is missing')?.means ??
        '',
    ).not.toContain('Backstage');
  });

  it('does bounded work on thousands of glossed lines', () => {
    const bad = Array.from({ length: 3000 }, (_, i) => `${CHECK} #${i}`).join('\n');
    const plain = Array.from(
      { length: 3000 },
      (_, i) => `${CHECK.replace('max virtual memory areas', 'maxi virtual memory zones')} #${i}`,
    ).join('\n');
    expectBounded(
      () => errorLines(bad).filter((l) => !passedOver(bad, l)),
      () => errorLines(plain).filter((l) => !passedOver(plain, l)),
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe('forbidsRollback: more wordings', () => {
  it.each([
    ["Please don't roll it back.", true],
    ['Reverting is not an option.', true],
    ['A rollback is fine if needed.', false],
  ])('%s', (task, forbids) => {
    expect(forbidsRollback(task)).toBe(forbids);
  });

  // Found in review, fixed: "Rollback is not an option" (one word, no article) is not read as ruling a rollback out; it should be.
  it('"Rollback is not an option."', () => {
    expect(forbidsRollback('Rollback is not an option.')).toBe(true);
  });

  // Found in review, fixed: "it can't be rolled back" is not read as ruling a rollback out (only "roll back"/"rolling back" are); "rolled back" should count.
  it('"This release can\'t be rolled back."', () => {
    expect(forbidsRollback("This release can't be rolled back.")).toBe(true);
  });

  // Found in review, fixed: a report that no rollback happened ("There was no rollback") is read as forbidding one; only a rule against rolling back should count.
  it('"There was no rollback; it broke by itself."', () => {
    expect(forbidsRollback('There was no rollback; it broke by itself after the node restart.')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('missingVariableSaid: NAMES_VARIABLES_ONLY', () => {
  it.each([
    ['Loading environment variables from .env', false],
    ['Checking env vars: SECRET_KEY must be set', true],
  ])('%s', (line, missing) => {
    expect(missingVariableSaid(line) !== undefined).toBe(missing);
  });

  // Found in review, fixed: "Error reading environment variable SECRET_KEY: not found" is taken for progress because of "reading"; a line reporting a failure is not progress.
  it('an error reading a variable is a report of it missing', () => {
    expect(missingVariableSaid('Error reading environment variable SECRET_KEY: not found')).toBeDefined();
  });

  // Found in review, fixed: the missing words are only looked for after the progress verb, so "DATABASE_URL must be set. Checking remaining env vars..." is dropped; words before it count too.
  it('a missing variable said before a progress word', () => {
    expect(missingVariableSaid('DATABASE_URL must be set. Checking remaining env vars...')).toBeDefined();
  });
});
