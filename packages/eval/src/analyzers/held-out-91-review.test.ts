// Attacker's review of held-out set 91's baseline rules, by a helper who did not write them: 28 tests here and 10
// in packages/tools-k8s/src/scan/rbac-subjects-review.test.ts, 18 of them bugs the review found (each marked
// `// Found in review, fixed:`, written as skipped tests and unskipped once fixed), the rest behaviour that held.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { SeenObservation } from '../observations.js';
import { fromScan } from '../scan-findings.js';
import { doubleSchemeAnalyzer } from './double-scheme.js';
import { envFromLacksVariableAnalyzer } from './envfrom-lacks-variable.js';
import { glossOf } from './log-glosses.js';
import {
  ctx,
  describedPodText,
  expectBounded,
  log,
  observed,
  type PodSpecText,
  table,
} from './observed.fixture.js';
import { operatorReconcileErrorAnalyzer } from './operator-reconcile-error.js';
import { webhookServiceElsewhereAnalyzer } from './webhook-service-elsewhere.js';

const described = (ns: string, name: string, extra: Partial<PodSpecText>) =>
  observed(
    'describe_pod',
    { namespace: ns, name },
    `${describedPodText({ ns, name, ...extra })}\nControlled By:  ReplicaSet/${name.replace(/-[a-z0-9]{5}$/, '')}`,
  );

describe('double-scheme', () => {
  const ns = 'inference';
  const pod = 'triton-7c6f9d8b5-4kx8p';
  const url = 's3://https://minio.ml-store.svc:9000/triton-model-repository';
  const crash = log(ns, pod, [`error: creating server: Internal - failed to stat file  ${url}`], {
    previous: true,
  });

  it('one-scheme URLs with compound schemes (git+https, jdbc:postgresql, a proxy with credentials) are no finding', () => {
    for (const v of [
      'git+https://github.com/acme/models.git',
      'jdbc:postgresql://db.data.svc:5432/app',
      'http://user:p%40ss@proxy.net.svc:3128',
    ]) {
      const d = described(ns, pod, { env: { SOURCE: v } });
      const l = log(ns, pod, [`error: failed to open ${v}: connection refused`]);
      expect(doubleSchemeAnalyzer.finds(ctx(ns, [d, l]))).toEqual([]);
    }
  });

  it('keeps the port and the whole path in the set_env value', () => {
    const v = 's3://https://minio.ml-store.svc:9443/bucket/a/b?region=us-east-1';
    const d = described(ns, pod, { container: 'triton', env: { MODEL_REPOSITORY: v } });
    const l = log(ns, pod, [`error: failed to stat file ${v}`]);
    const [f] = doubleSchemeAnalyzer.finds(ctx(ns, [d, l]));
    expect(JSON.stringify(f?.fix?.args)).toContain(
      's3://minio.ml-store.svc:9443/bucket/a/b?region=us-east-1',
    );
  });

  it('a log quoting a two-scheme URL that no variable holds is no finding', () => {
    const d = described(ns, pod, { env: { MODEL_REPOSITORY: 's3://minio.ml-store.svc:9000/other' } });
    expect(doubleSchemeAnalyzer.finds(ctx(ns, [d, crash]))).toEqual([]);
  });

  // Found in review, fixed: Triton documents `s3://https://host:port/bucket` as its way to ask for TLS to a private S3, so a failure line quoting it (a missing bucket, bad credentials) is blamed on the two schemes and the fix silently drops TLS; the rule should not take Triton's s3://https:// form as the fault.
  it("does not call Triton's documented s3://https:// form the fault", () => {
    const d = described(ns, pod, { container: 'triton', env: { MODEL_REPOSITORY: url } });
    const l = log(ns, pod, [
      `error: creating server: Internal - Could not get MetaData for bucket with name triton-model-repository: NoSuchBucket ${url}`,
    ]);
    expect(doubleSchemeAnalyzer.finds(ctx(ns, [d, l]))).toEqual([]);
  });

  // Found in review, fixed: any other variable whose value is a prefix of the quoted URL (STORAGE_TYPE=s3) also "holds" it, so two hits make loggedContainerEnv give up and the real two-scheme variable is missed; a variable should match only the whole URL, not a prefix of it.
  it('a short variable that prefixes the URL does not hide the one that holds it', () => {
    const v = 's3://http://minio.ml-store.svc:9000/models';
    const d = described(ns, pod, { env: { STORAGE_TYPE: 's3', MODEL_REPOSITORY: v } });
    const l = log(ns, pod, [`error: failed to stat file ${v}`]);
    expect(doubleSchemeAnalyzer.finds(ctx(ns, [d, l]))).toHaveLength(1);
  });

  it('stays linear on a long hostile line of scheme-like text', () => {
    const d = described(ns, pod, { env: { X: 'a' } });
    const bad = log(ns, pod, [`${'a://'.repeat(990)}`, `${'s3://https:'.repeat(360)}`]);
    const ok = log(ns, pod, ['x'.repeat(3960), 'y'.repeat(3960)]);
    expectBounded(
      () => doubleSchemeAnalyzer.finds(ctx(ns, [d, bad])),
      () => doubleSchemeAnalyzer.finds(ctx(ns, [d, ok])),
    );
  });
});

describe('webhook-service-elsewhere', () => {
  const ns = 'models';
  const line =
    'Internal error occurred: failed calling webhook "mseldondeployment.kb.io": failed to call webhook: Post "https://seldon-webhook-service.seldon-system.svc:443/mutate?timeout=30s": service "seldon-webhook-service" not found';
  const found = (rows: string[][]) =>
    observed(
      'find_objects',
      { name: 'seldon-webhook-service' },
      table([['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'], ...rows]),
    );

  it('the Service present in the namespace the webhook names is no finding, even beside one elsewhere', () => {
    const refused = log(ns, 'deploy-x-22zk4', [line]);
    expect(
      webhookServiceElsewhereAnalyzer.finds(
        ctx(ns, [
          refused,
          found([
            ['Service', 'seldon', 'seldon-webhook-service', '-', '25h'],
            ['Service', 'seldon-system', 'seldon-webhook-service', '-', '25h'],
          ]),
        ]),
      ),
    ).toEqual([]);
  });

  it('a Deployment (not a Service) of that name elsewhere is not taken for the Service', () => {
    const refused = log(ns, 'deploy-x-22zk4', [line]);
    const [f] = webhookServiceElsewhereAnalyzer.finds(
      ctx(ns, [refused, found([['Deployment', 'seldon', 'seldon-webhook-service', '1/1', '25h']])]),
    );
    expect(f?.cause).toContain('no Service of that name runs in any namespace');
  });

  it('a .svc.cluster.local URL is read as the same namespace', () => {
    const refused = log(ns, 'deploy-x-22zk4', [
      line.replace('seldon-system.svc:443', 'seldon-system.svc.cluster.local:443'),
    ]);
    const [f] = webhookServiceElsewhereAnalyzer.finds(
      ctx(ns, [refused, found([['Service', 'seldon', 'seldon-webhook-service', '-', '25h']])]),
    );
    expect(f?.object).toBe(
      'webhook mseldondeployment.kb.io for service seldon-webhook-service in seldon-system',
    );
  });

  // Found in review, fixed: a refusal logged inside a JSON or %q-quoted Go error (`failed calling webhook \"w\": … service \"svc\" not found`) is missed because CALL, NOT_FOUND and URL_HOST require bare quotes; escaped quotes should be read as quotes.
  it('reads a refusal quoted with escaped quotes in a JSON log line', () => {
    const json = `{"level":"error","msg":"create failed","error":"${line.replaceAll('"', '\\"')}"}`;
    const refused = log(ns, 'deploy-x-22zk4', [json]);
    expect(webhookServiceElsewhereAnalyzer.reads(ctx(ns, [refused]))).toEqual([
      { tool: 'find_objects', args: { name: 'seldon-webhook-service' } },
    ]);
  });

  it('stays bounded on a long line of repeated webhook words', () => {
    const bad = log(ns, 'p-abcde', [
      'failed calling webhook "a" service "b'.repeat(100),
      `https://${'a.'.repeat(1900)}`,
    ]);
    const ok = log(ns, 'p-abcde', ['x'.repeat(3700), 'y'.repeat(3800)]);
    expectBounded(
      () => webhookServiceElsewhereAnalyzer.reads(ctx(ns, [bad])),
      () => webhookServiceElsewhereAnalyzer.reads(ctx(ns, [ok])),
    );
  });
});

describe('envfrom-lacks-variable', () => {
  const ns = 'elt';
  const pod = 'airbyte-worker-5b7f9c6d48-p9w2m';
  const d = described(ns, pod, { container: 'worker', envFrom: ['airbyte-worker-env'] });
  const crash = log(
    ns,
    pod,
    ["java.lang.IllegalArgumentException: 'WEBAPP_URL' environment variable cannot be null"],
    {
      previous: true,
    },
  );
  const cm = (name: string, data: Record<string, string>, extra = '') =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', name, namespace: ns },
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  uid: 1234\n  resourceVersion: "99"\n  managedFields:\n  - manager: kubectl\n${extra}data:\n${Object.entries(
        data,
      )
        .map(([k, v]) => `  ${k}: "${v}"`)
        .join('\n')}\n`,
    );
  const listed = (names: string[]) =>
    observed(
      'list_resources',
      { kind: 'ConfigMap', namespace: ns },
      table([['NAME', 'DATA', 'AGE'], ...names.map((n) => [n, '3', '9d'])]),
    );

  it('the applied-back ConfigMap keeps every key and drops the server fields', () => {
    const seen = [
      d,
      crash,
      listed(['airbyte-env', 'airbyte-worker-env']),
      cm('airbyte-worker-env', { A: '1', B: 'two words', C: '' }),
      cm('airbyte-env', { WEBAPP_URL: 'http://airbyte-webapp.elt.svc:80/' }),
    ];
    const [f] = envFromLacksVariableAnalyzer.finds(ctx(ns, seen));
    const applied = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      data: Record<string, string>;
    };
    expect(applied.data).toEqual({
      A: '1',
      B: 'two words',
      C: '',
      WEBAPP_URL: 'http://airbyte-webapp.elt.svc:80/',
    });
    expect(Object.keys(applied.metadata).sort()).toEqual(['name', 'namespace']);
  });

  // Found in review, fixed: a variable the program only warns about (a Running, Ready container that logs "SENTRY_DSN environment variable is not set") is reported as the crash cause with a fix, though lacking() never checks that the container crashed; only a crashed or restarting container should count.
  it('a variable the running program only warns about is no finding', () => {
    const ok = described(ns, pod, { container: 'worker', envFrom: ['airbyte-worker-env'] });
    const warn = log(ns, pod, [
      'WARN SENTRY_DSN environment variable is not set; error reporting off',
      'INFO started',
    ]);
    const seen = [
      ok,
      warn,
      listed(['airbyte-env', 'airbyte-worker-env']),
      cm('airbyte-worker-env', { A: '1' }),
      cm('airbyte-env', { SENTRY_DSN: 'https://k@sentry.example/1' }),
    ];
    expect(envFromLacksVariableAnalyzer.finds(ctx(ns, seen))).toEqual([]);
  });

  // Found in review, fixed: when two ConfigMaps named like the loaded one hold the key with different values, the first one read wins and its value is applied as the fix; with holders that disagree the rule should not pick a value.
  it('two ConfigMaps named like it that disagree on the value give no fix', () => {
    const seen = [
      d,
      crash,
      listed(['airbyte-env', 'airbyte-worker-env', 'airbyte-worker-env-old']),
      cm('airbyte-worker-env', { A: '1' }),
      cm('airbyte-worker-env-old', { WEBAPP_URL: 'http://old-webapp:80/' }),
      cm('airbyte-env', { WEBAPP_URL: 'http://airbyte-webapp.elt.svc:80/' }),
    ];
    const [f] = envFromLacksVariableAnalyzer.finds(ctx(ns, seen));
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: a secret-looking value held in the other ConfigMap (DATABASE_PASSWORD) is quoted verbatim in the cause, the evidence and the fix text; it should be masked in the prose (the manifest may carry it).
  it('masks a secret-looking value in the text it writes', () => {
    const dp = described(ns, pod, { container: 'worker', envFrom: ['airbyte-worker-env'] });
    const crashPw = log(ns, pod, ['Error: environment variable DATABASE_PASSWORD is not set'], {
      previous: true,
    });
    const seen = [
      dp,
      crashPw,
      listed(['airbyte-env', 'airbyte-worker-env']),
      cm('airbyte-worker-env', { A: '1' }),
      cm('airbyte-env', { DATABASE_PASSWORD: 'hunter2-Sup3rS3cret' }),
    ];
    const [f] = envFromLacksVariableAnalyzer.finds(ctx(ns, seen));
    expect(f).toBeDefined();
    expect(`${f?.cause} ${f?.evidence.join(' ')} ${f?.fix?.text}`).not.toContain('hunter2-Sup3rS3cret');
  });

  it('malformed YAML of the loaded ConfigMap is no finding and does not throw', () => {
    const broken = observed(
      'get_resource',
      { kind: 'ConfigMap', name: 'airbyte-worker-env', namespace: ns },
      'apiVersion: v1\nkind: ConfigMap\ndata: [unclosed\n  : : :',
    );
    const seen = [
      d,
      crash,
      listed(['airbyte-env', 'airbyte-worker-env']),
      broken,
      cm('airbyte-env', { WEBAPP_URL: 'x' }),
    ];
    expect(envFromLacksVariableAnalyzer.finds(ctx(ns, seen))).toEqual([]);
  });
});

describe('operator-reconcile-error', () => {
  const ns = 'collab';
  const namespaces = (extra: string) =>
    observed(
      'list_resources',
      { kind: 'Namespace' },
      table([
        ['NAME', 'STATUS', 'AGE'],
        [ns, 'Active', '9d'],
        [extra, 'Active', '90d'],
      ]),
    );

  // Found in review, fixed: a product word of an operator namespace used as an ordinary word ("its secrets" beside external-secrets-operator) makes that namespace the task's operator and costs reads on every such run; an ordinary English word should not name the product.
  it('an ordinary word of the task does not name an operator namespace', () => {
    const task = 'The app in collab cannot read its secrets after the upgrade.';
    expect(
      operatorReconcileErrorAnalyzer.reads(ctx(ns, [namespaces('external-secrets-operator')], task)),
    ).toEqual([]);
  });

  // Found in review, fixed: the previous-log read is skipped when the current log merely contains "<ns>/" inside a longer name (`workshop/` for namespace `shop`), so a restarted operator's earlier errors are never read; the check should match the namespace as a whole word.
  it("reads the previous log when the current one names only a namespace that ends like the task's", () => {
    const at = 'shop-operator';
    const op = 'shop-operator-6d8b5c7f9-q4tzk';
    const seen = [
      namespaces(at),
      observed(
        'list_pods',
        { namespace: at },
        table([
          ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
          [op, '1/1', 'Running', '2 (5d ago)', '34d'],
        ]),
      ),
      log(at, op, ['I1020 synced workshop/cart']),
    ];
    expect(operatorReconcileErrorAnalyzer.reads(ctx('shop', seen, 'the shop cart is stuck in shop'))).toEqual(
      [{ tool: 'get_pod_logs', args: { namespace: at, name: op, previous: true } }],
    );
  });

  it('a name-first Reconciler error of another namespace is not taken for the task’s', () => {
    const at = 'mattermost-operator';
    const op = 'mattermost-operator-6d8b5c7f9-q4tzk';
    const task = 'We applied the Mattermost manifest for teamchat in namespace collab.';
    const seen = [
      namespaces(at),
      observed(
        'list_pods',
        { namespace: at },
        table([
          ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
          [op, '1/1', 'Running', '0', '34d'],
        ]),
      ),
      log(at, op, [
        '{"level":"error","msg":"Reconciler error","name":"teamchat","namespace":"collab-staging","error":"boom"}',
      ]),
    ];
    expect(operatorReconcileErrorAnalyzer.finds(ctx(ns, seen, task))).toEqual([]);
  });
});

describe('log-glosses: outsideHostGloss', () => {
  const outside = (l: string) =>
    glossOf(l)?.means.includes('a host on the internet outside the cluster') ?? false;

  it('a public host Go could not resolve through an IPv4 cluster DNS is glossed', () => {
    expect(outside('dial tcp: lookup api.openai.com on 10.96.0.10:53: no such host')).toBe(true);
  });

  // Found in review, fixed: a Service reached by `<service>.<namespace>` in a namespace named like a TLD (`postgres.app`, `api.dev`) is glossed as an internet host the cluster cannot reach; a two-label name whose last label is not a real registered domain's TLD-plus-name should not count as outside.
  it('a cluster name <service>.<namespace> with a TLD-like namespace is not an internet host', () => {
    expect(outside('Error: getaddrinfo ENOTFOUND postgres.app')).toBe(false);
    expect(
      outside(
        "HTTPConnectionPool(host='api.dev', port=80): Max retries exceeded (Caused by NewConnectionError('x'))",
      ),
    ).toBe(false);
  });

  // Found in review, fixed: a placeholder host left in configuration (`db.example.com`, RFC 2606's reserved domain) is glossed as missing internet access; the fault there is the unreplaced placeholder, not egress.
  it('an example.com placeholder host is not glossed as missing internet access', () => {
    expect(outside('Error: getaddrinfo ENOTFOUND db.example.com')).toBe(false);
  });

  // Found in review, fixed: Go's resolver error through an IPv6 cluster DNS (`lookup x on [fd00:10:96::a]:53: no such host`) is not matched because the server part excludes colons; a bracketed IPv6 address should be allowed.
  it('a public host Go could not resolve through an IPv6 cluster DNS is glossed', () => {
    expect(outside('dial tcp: lookup api.openai.com on [fd00:10:96::a]:53: no such host')).toBe(true);
  });

  it('stays bounded on a long line of repeated pool prefixes', () => {
    const bad = "HTTPSConnectionPool(host='a.com', port=1): Max retries exceeded ".repeat(60);
    const ok = 'z'.repeat(bad.length);
    expectBounded(
      () => glossOf(bad),
      () => glossOf(ok),
    );
  });
});

describe('log-glosses: minio-go endpoint entries', () => {
  it('an empty endpoint is told as empty', () => {
    expect(glossOf('Endpoint:  does not follow ip address or domain name standards.')?.means).toContain(
      'was given an empty endpoint',
    );
  });

  // Found in review, fixed: `Endpoint: :9000 does not follow …` (an empty host before the port, e.g. ${MINIO_HOST}:9000 with MINIO_HOST unset) is glossed as a URL with a scheme; minio-go rejects a scheme with "Endpoint url cannot have fully qualified paths", so this message means a bad or empty host name, not a scheme.
  it('an empty host before a port is not glossed as a scheme', () => {
    expect(
      glossOf('Endpoint: :9000 does not follow ip address or domain name standards.')?.means,
    ).not.toContain('no scheme such as https://');
  });
});

describe('scan-findings: calledFailed for a webhook refusal', () => {
  const NS = 'models';
  const scan: SeenObservation = {
    step: 1,
    tool: 'scan',
    args: { namespace: NS },
    status: 'ok',
    content: `scan of namespace ${NS}: 1 finding(s), most likely root causes first
- Job ${NS}/deploy [BackoffLimitExceeded] job deploy has reached the specified backoff limit
    evidence: failed 4, backoffLimit 3`,
  };
  const weightOf = (lines: string[]) =>
    fromScan({
      task: 'the deploy job fails',
      ns: NS,
      hints: [],
      seen: [scan, log(NS, 'deploy-abcde', lines)],
    })[0]?.weight;
  const refusal =
    'Error: failed calling webhook "m.kb.io": failed to call webhook: Post "https://wh.ops.svc:443/m": service "wh" not found';

  it("lowers the Job whose pod's log has the webhook refusal", () => {
    expect(weightOf([refusal])).toBe(weightOf(['ERROR aborted'])! - 10);
  });

  // Found in review, fixed: a refusal the Job retried past (a WARN before a later success) still lowers a Job that then failed for its own reason, as the 5xx part was fixed not to; only a refusal the run failed on should count.
  it('does not lower a Job that got past a webhook refusal and failed on its own', () => {
    const recovered = weightOf([
      `WARN ${refusal}; retrying in 5s`,
      'INFO created on retry 2',
      'ERROR open /data/manifest.json: no such file or directory',
    ]);
    expect(recovered).toBe(weightOf(['ERROR aborted']));
  });
});
