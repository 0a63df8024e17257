// Attacker's review of held-out set 88's baseline rules, by a helper who did not write them: 29 tests, 18 of
// them bugs the review found (each marked `// Found in review, fixed:`, written as skipped tests and
// unskipped once fixed), the rest behaviour that held.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  appErrorsAnalyzer,
  errorLines,
  recoveredWarnings,
  recurringWarnings,
  warningsWithoutConsequence,
} from './app-errors.js';
import { netpolMissingNamespaceAnalyzer as netpol } from './netpol-missing-namespace.js';
import {
  ctx,
  describedPodText,
  describedReplicaSet,
  expectBounded,
  log,
  observed,
  pods,
  table,
} from './observed.fixture.js';
import { operatorReconcileErrorAnalyzer as operator } from './operator-reconcile-error.js';
import { splitFieldMissingAnalyzer as split } from './split-field-missing.js';
import { webhookNoEndpointsAnalyzer as webhook } from './webhook-no-endpoints.js';

describe('netpol-missing-namespace', () => {
  const NS = 'automation';
  const POD = 'flows-7d9c6b5f4-x2k8p';
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    [
      `Name:             ${POD}`,
      `Namespace:        ${NS}`,
      'Labels:           app=flows',
      '                  pod-template-hash=7d9c6b5f4',
      'Controlled By:    ReplicaSet/flows-7d9c6b5f4',
      'Status:           Running',
    ].join('\n'),
  );
  const timeout = log(NS, POD, [
    '{"level":50,"err":"ConnectTimeoutError: Connect Timeout Error","url":"https://flows.example.org/api/v1/proxy"}',
  ]);
  const describedPolicy = (namespace: string, extra: string[] = []) =>
    observed(
      'describe_resource',
      { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
      [
        'Name:         flows-egress',
        `Namespace:    ${NS}`,
        'Spec:',
        '  podSelector.matchLabels.app: flows',
        '  policyTypes[0]: Egress',
        '  egress[0].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: kube-system',
        '  egress[0].ports[0].port: 53',
        `  egress[1].to[0].namespaceSelector.matchLabels.kubernetes.io/metadata.name: ${namespace}`,
        '  egress[1].to[0].podSelector.matchLabels.app.kubernetes.io/name: ingress-nginx',
        '  egress[1].ports[0].port: 443',
        ...extra,
        'Events:  <none>',
      ].join('\n'),
    );
  const policy = observed(
    'get_resource',
    { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
    [
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata:',
      '  name: flows-egress',
      `  namespace: ${NS}`,
      '  resourceVersion: "812"',
      'spec:',
      '  podSelector: { matchLabels: { app: flows } }',
      '  policyTypes: [Egress]',
      '  egress:',
      '    - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } } }]',
      '    - to:',
      '        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ingress } }',
      '          podSelector: { matchLabels: { app.kubernetes.io/name: ingress-nginx } }',
    ].join('\n'),
  );
  const namespaces = (...names: string[]) =>
    observed(
      'list_resources',
      { kind: 'Namespace' },
      table([['NAME', 'STATUS', 'AGE'], ...[...names, 'kube-system'].map((n) => [n, 'Active', '9d'])]),
    );
  const controllers = observed(
    'list_pods',
    { namespace: 'ingress-nginx', labelSelector: 'app.kubernetes.io/name=ingress-nginx' },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      ['ingress-nginx-controller-5c8d-0', '1/1', 'Running', '0', '6d'],
    ]),
  );

  it("the fix is applied in the policy's namespace, keeps the DNS rule and drops server fields", () => {
    const [f] = netpol.finds(
      ctx(NS, [
        timeout,
        described,
        describedPolicy('ingress'),
        policy,
        namespaces(NS, 'ingress-nginx', 'kube-system'),
        controllers,
      ]),
    );
    expect(f?.fix?.args['namespace']).toBe(NS);
    const doc = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      spec: { egress: { to: { namespaceSelector: { matchLabels: Record<string, string> } }[] }[] };
    };
    expect(doc.spec.egress).toHaveLength(2);
    expect(doc.spec.egress[0]!.to[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(
      'kube-system',
    );
    expect(doc.spec.egress[1]!.to[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe(
      'ingress-nginx',
    );
    expect(doc.metadata['resourceVersion']).toBeUndefined();
  });

  // Found in review, fixed: another egress rule of the same policy allows 443 to 0.0.0.0/0, so the stale peer drops nothing and is blamed anyway; a policy that otherwise allows the traffic must not be the cause.
  it('a stale peer beside a rule that allows any address is not why the client times out', () => {
    const open = describedPolicy('ingress', [
      '  egress[2].to[0].ipBlock.cidr: 0.0.0.0/0',
      '  egress[2].ports[0].port: 443',
    ]);
    expect(netpol.finds(ctx(NS, [timeout, described, open, namespaces(NS, 'ingress-nginx')]))).toEqual([]);
  });

  // Found in review, fixed: pods were read in namespace ingress (so it exists), yet a Namespace list without it makes the rule say "the cluster has no namespace ingress"; a namespace known to exist must not be called missing.
  it('a namespace another read found objects in is not called missing', () => {
    const inIngress = pods('ingress', [['ingress-nginx-controller-5c8d-0', '1/1', 'Running', '0', '6d']]);
    expect(
      netpol.finds(ctx(NS, [timeout, described, describedPolicy('ingress'), inIngress, namespaces(NS)])),
    ).toEqual([]);
  });

  it('a peer naming a namespace that is listed, or a policy selecting other pods, is not claimed', () => {
    expect(
      netpol.finds(ctx(NS, [timeout, described, describedPolicy('ingress'), namespaces(NS, 'ingress')])),
    ).toEqual([]);
    const other = observed(
      'describe_resource',
      { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
      describedPolicy('ingress').content.replace('matchLabels.app: flows', 'matchLabels.app: other'),
    );
    expect(netpol.finds(ctx(NS, [timeout, described, other, namespaces(NS)]))).toEqual([]);
  });

  it('two candidate successors give no fix; hostile policy text stays bounded', () => {
    const [f] = netpol.finds(
      ctx(NS, [
        timeout,
        described,
        describedPolicy('ingress'),
        policy,
        namespaces(NS, 'ingress-nginx', 'ingress-public'),
        controllers,
      ]),
    );
    expect(f?.fix).toBeUndefined();
    const hostile = (n: number) =>
      observed(
        'describe_resource',
        { kind: 'NetworkPolicy', namespace: NS, name: 'flows-egress' },
        `Spec:\n  podSelector.matchLabels.app: flows\n  policyTypes[0]: Egress\n${'  egress[1].to[0].namespaceSelector.matchLabels.'.repeat(n)}(((\n`,
      );
    expectBounded(
      () => netpol.finds(ctx(NS, [timeout, described, hostile(20_000), namespaces(NS)])),
      () => netpol.finds(ctx(NS, [timeout, described, describedPolicy('ingress'), namespaces(NS)])),
    );
  });
});

describe('split-field-missing', () => {
  const NS = 'orchestration';
  const POD = 'flow-server-6f7d8c9b5-q4m2z';
  const pod = (
    env: Record<string, string> = {},
    configMaps = ['flow-server-config'],
    envFrom: string[] = [],
  ) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, configMaps, env, envFrom }).replace(
        'Status:',
        'Controlled By:    ReplicaSet/flow-server-6f7d8c9b5\nStatus:',
      ),
    );
  const javaCrash = (
    frame = 'io.example.queue.HostListSupplier.parseHostsFromConfig(HostListSupplier.java:56)',
  ) =>
    log(
      NS,
      POD,
      ['java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2', `\tat ${frame}`],
      {
        previous: true,
      },
    );
  const config = (hosts: string) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'flow-server-config' },
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: flow-server-config',
        'data:',
        '  server.properties: |',
        `    flow.redis.hosts=${hosts}`,
        '    flow.redis.availabilityZone=eu-west-1b',
      ].join('\n'),
    );

  it('a Go panic over a literal variable names the variable in the environment', () => {
    const panic = log(NS, POD, [
      'panic: runtime error: index out of range [2] with length 2',
      '',
      'goroutine 1 [running]:',
      'main.parseHosts({0xc000012345, 0xa})',
      '\t/src/main.go:41 +0x1d4',
    ]);
    const [f] = split.finds(ctx(NS, [panic, pod({ REDIS_HOSTS: 'redis:6379' }, [])]));
    expect(f?.cause).toContain("the setting REDIS_HOSTS in the container's environment");
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: Dyno's documented list separates hosts with ';', and the rule splits entries on ',' only, so it reports "2 ';'-separated fields" and gives no rack fix; hosts separated by ';' must be split first and counted by ':'.
  it("hosts separated by ';' are counted by ':' and get their rack", () => {
    const [f] = split.finds(ctx(NS, [javaCrash(), pod(), config('redis-a:6379;redis-b:6379')]));
    expect(f?.cause).toContain("has 2 ':'-separated fields per entry");
    expect(String(f?.fix?.args['manifest'])).toContain('redis-a:6379:eu-west-1b;redis-b:6379:eu-west-1b');
  });

  // Found in review, fixed: when only one host lacks its rack (`a:6379:eu-west-1a,b:6379`) no separator gives every entry 2 fields, so the culprit is missed; the entry with too few fields is what crashes.
  it('one entry of several missing its field is still the culprit', () => {
    const [f] = split.finds(ctx(NS, [javaCrash(), pod(), config('redis-a:6379:eu-west-1a,redis-b:6379')]));
    expect(f?.cause).toContain('the setting flow.redis.hosts');
  });

  // Found in review, fixed: a Go method frame (`main.(*Config).parseHosts(...)`) does not match FRAME, so the panic is never tied to the setting; receivers in Go frames must be read too.
  it('a Go method frame with a pointer receiver names the setting', () => {
    const panic = log(NS, POD, [
      'panic: runtime error: index out of range [2] with length 2',
      'goroutine 1 [running]:',
      'main.(*Config).parseHosts(0xc0000a2000)',
      '\t/src/config.go:41 +0x1d4',
    ]);
    expect(split.finds(ctx(NS, [panic, pod({ REDIS_HOSTS: 'redis:6379' }, [])]))).toHaveLength(1);
  });

  // Found in review, fixed: a crash while serving a request (after start-up, in a filter parsing a client's token) is blamed on API_TOKEN because the frame's word "token" matches it, and the secret is quoted in the evidence; a runtime crash on request data is not a setting's fault.
  it('a request-time crash whose frame word matches a secret variable is not blamed on it', () => {
    const runtime = log(NS, POD, [
      'INFO Started FlowServer in 4.1 seconds',
      'ERROR o.a.c.c.C.[.[.[/].[dispatcherServlet] Servlet.service() threw exception',
      'java.lang.ArrayIndexOutOfBoundsException: Index 1 out of bounds for length 1',
      '\tat io.example.web.BearerTokenFilter.parseToken(BearerTokenFilter.java:41)',
    ]);
    expect(split.finds(ctx(NS, [runtime, pod({ API_TOKEN: 'svc' }, [])]))).toEqual([]);
    const two = log(NS, POD, [
      'INFO Started FlowServer in 4.1 seconds',
      'java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2',
      '\tat io.example.web.BearerTokenFilter.parseToken(BearerTokenFilter.java:41)',
    ]);
    expect(split.finds(ctx(NS, [two, pod({ API_TOKEN: 'svc:s3cr3t-value' }, [])]))).toEqual([]);
  });

  // Found in review, fixed: a ConfigMap used through envFrom with one key per variable (`REDIS_HOSTS: redis:6379`) is named, but the fix looks for a `key=value` line in the value and gives none though the rack is known; the data key itself must be rewritten.
  it('an envFrom ConfigMap key gets the rack fix', () => {
    const cm = observed(
      'get_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'flow-env' },
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flow-env\ndata:\n  REDIS_HOSTS: redis:6379\n  REDIS_AVAILABILITY_ZONE: eu-west-1b\n',
    );
    const [f] = split.finds(ctx(NS, [javaCrash(), pod({}, [], ['flow-env']), cm]));
    expect(f?.cause).toContain('the setting REDIS_HOSTS');
    expect(String(f?.fix?.args['manifest'])).toContain('redis:6379:eu-west-1b');
  });

  it('JDK frames are skipped, a malformed ConfigMap does not throw, and hostile lines stay bounded', () => {
    const jdk = log(NS, POD, [
      'java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2',
      '\tat java.base/java.lang.String.split(String.java:1)',
      '\tat io.example.queue.HostListSupplier.parseHostsFromConfig(HostListSupplier.java:56)',
    ]);
    expect(split.finds(ctx(NS, [jdk, pod(), config('redis:6379')]))[0]?.cause).toContain(
      'parseHostsFromConfig',
    );
    const broken = observed(
      'get_resource',
      { kind: 'ConfigMap', namespace: NS, name: 'flow-server-config' },
      'data: [unclosed',
    );
    expect(() => split.finds(ctx(NS, [jdk, pod(), broken]))).not.toThrow();
    const hostile = log(NS, POD, [
      'java.lang.ArrayIndexOutOfBoundsException: Index 2 out of bounds for length 2',
      ...Array.from({ length: 5 }, () => `\tat ${'a.'.repeat(40_000)}`),
    ]);
    expectBounded(
      () => split.finds(ctx(NS, [hostile, pod(), config('redis:6379')])),
      () => split.finds(ctx(NS, [javaCrash(), pod(), config('redis:6379')])),
    );
  });
});

describe('app-errors: STATUS_5XX, the 200 branch and recoveredWarnings', () => {
  it('real statuses between spaces are error lines', () => {
    expect(errorLines('upstream answered 503 Service Unavailable')).toHaveLength(1);
    expect(errorLines('10.0.0.1 - - "POST /api HTTP/1.1" 502 0 "-" "curl"')).toHaveLength(1);
  });

  // Found in review, fixed: "indexed 500 in 12ms" is read as a 5xx status because "in" is on the list of words a status may precede; a count followed by "in <duration>" is an amount.
  it('a count followed by "in" and a duration is not a status', () => {
    expect(errorLines('INFO indexed 500 in 12ms')).toHaveLength(0);
  });

  // Found in review, fixed: a number at the end of a line ("pool size set to 500") passes the negative look-ahead and counts as a 5xx; a bare number at the end of a settings line is not a status.
  it('a number at the end of a line is not a status', () => {
    expect(errorLines('INFO connection pool size set to 500')).toHaveLength(0);
  });

  // Found in review, fixed: a logfmt access line (`status=500`) has no space before the number and no JSON key, so it is no error line; logfmt's status field must count like pino's.
  it("a logfmt access line's status=500 is an error line", () => {
    expect(
      errorLines('level=info msg="request" method=GET path=/api/orders status=500 duration=12ms'),
    ).toHaveLength(1);
  });

  const miss = (path: string) => [
    `WARN loader-cache: file not found: /var/cache/loaders/${path}.json`,
    '10.244.0.1 - - "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.30"',
  ];

  // Found in review, fixed: a kubelet probe's 200 on /healthz after each warning counts as the warned work going through, so warnings whose requests then fail are dismissed; only a 200 for the warned request (or subject) should count.
  it("a probe's 200 after each warning is not the warned work going through", () => {
    const text = [
      ...miss('3f9a0c1e7b2d4e56'),
      ...miss('b81e44d09c3a7f12'),
      'INFO GET /products/a 404 3ms',
    ].join('\n');
    expect(warningsWithoutConsequence(text, recurringWarnings(text))).toBe(false);
  });

  // Found in review, fixed: SERVED_200 matches any " 200 " so "evicted 200 entries" counts as a request served with 200; a count of 200 is not an HTTP answer.
  it('a count of 200 after each warning is not a 200 answer', () => {
    const text = [
      'WARN loader-cache: file not found: /var/cache/loaders/3f9a0c1e7b2d4e56.json',
      'INFO cache evicted 200 entries',
      'WARN loader-cache: file not found: /var/cache/loaders/b81e44d09c3a7f12.json',
      'INFO cache evicted 200 entries',
    ].join('\n');
    expect(warningsWithoutConsequence(text, recurringWarnings(text))).toBe(false);
  });

  const quiet = Array.from({ length: 6 }, () => 'level=INFO msg="Regenerated endpoints" count=14');
  const warn = `level=WARN logger=clustermesh msg="Unable to get remote cluster configuration" clusterName=eu-west-2 error="not found"`;

  // Found in review, fixed: the warnings and another cluster's recovery share only the logger field (`logger=clustermesh`), and that counts as the same subject; a recovery of another cluster is not these warnings' recovery.
  it("a shared logger field does not make another cluster's recovery this one's", () => {
    const text = [
      warn,
      warn,
      'level=INFO logger=clustermesh msg="Connection to remote cluster established" clusterName=us-east-1',
      ...quiet,
    ].join('\n');
    expect(recoveredWarnings(text, recurringWarnings(text))).toBeUndefined();
  });

  // Found in review, fixed: "could not be established" passes WORKS_NOW's negation look-behind (only "not " right before the word), so a line saying it still fails is read as the recovery; a negated recovery is none.
  it('"could not be established" is not a recovery', () => {
    const text = [
      warn,
      warn,
      'level=INFO msg="Connection to remote cluster could not be established, retrying" clusterName=eu-west-2',
      ...quiet,
    ].join('\n');
    expect(recoveredWarnings(text, recurringWarnings(text))).toBeUndefined();
  });

  it('warnings that came back after a recovery, then recovered again, count as recovered; the rule drops them', () => {
    const ok = 'level=INFO msg="Connection to remote cluster established" clusterName=eu-west-2';
    const text = [warn, warn, ok, ...quiet, warn, warn, ok, ...quiet].join('\n');
    expect(recoveredWarnings(text, recurringWarnings(text))?.recovery).toBe(ok);
    const ns = 'mesh';
    const name = 'agent-5b6c7d8e9-abcde';
    const seen = [pods(ns, [[name, '1/1', 'Running', '0', '2d']]), log(ns, name, text.split('\n'))];
    expect(appErrorsAnalyzer.finds(ctx(ns, seen))).toEqual([]);
  });
});

describe("operator-reconcile-error: the fallback to the task's own namespace", () => {
  const ns = 'shop';
  const op = 'prometheus-operator-6d8f7c9b4-q4m2z';
  const listed = pods(ns, [
    ['web-7f9c8d6b5-x2k8p', '0/1', 'CrashLoopBackOff', '17', '1h'],
    [op, '1/1', 'Running', '0', '12d'],
  ]);

  // Found in review, fixed: any Running operator beside any failing pod is taken to manage it: a Prometheus operator's error about shop/main is reported for a crashing web pod it does not manage; the reconciled object must be tied to the failing pod.
  it("an operator's error about an object unrelated to the failing pod is not reported", () => {
    const opLog = log(ns, op, [
      `E1204 10:00:00.000000       1 operator.go:100] error syncing '${ns}/main': creating config failed: invalid remote_write url`,
    ]);
    expect(operator.finds(ctx(ns, [listed, opLog]))).toEqual([]);
  });

  // Found in review, fixed: OPERATOR_POD needs a Deployment's two hashes, so a StatefulSet operator (ECK's elastic-operator-0) beside a failing pod is never read; an operator pod of a StatefulSet is an operator pod too.
  it("a StatefulSet operator's pod is read", () => {
    const sts = pods(ns, [
      ['quickstart-es-default-0', '0/1', 'Init:CrashLoopBackOff', '9', '1h'],
      ['elastic-operator-0', '1/1', 'Running', '0', '12d'],
    ]);
    expect(operator.reads(ctx(ns, [sts]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: ns, name: 'elastic-operator-0' } },
    ]);
  });

  it('the log of a pod beside the operator is not read as its log, and a said namespace wins', () => {
    const other = log(ns, 'web-7f9c8d6b5-x2k8p', [`E1204 error syncing '${ns}/main': boom`]);
    expect(operator.finds(ctx(ns, [listed, other]))).toEqual([]);
    expect(operator.reads(ctx(ns, [listed], 'The operator runs in monitoring-operator.'))).toEqual([
      { tool: 'list_pods', args: { namespace: 'monitoring-operator' } },
    ]);
  });
});

describe('webhook-no-endpoints', () => {
  const task =
    'Every JobSet submission fails with "Internal error occurred: failed calling webhook "mjobset.kb.io"".';
  const ns = 'ml-train';
  const at = 'jobset-system';
  const configs = (kind: string, names: string[]) =>
    observed('list_resources', { kind }, table([['NAME', 'AGE'], ...names.map((n) => [n, '142d'])]));
  const config = (kind: string, name: string, json: string) =>
    observed(
      'describe_resource',
      { kind, name },
      [`Name:         ${name}`, `Webhooks:  ${json}`, 'Events:  <none>'].join('\n'),
    );
  const hook = (n: string) =>
    `{"name":"${n}","failurePolicy":"Fail","clientConfig":{"service":{"name":"jobset-webhook-service","namespace":"${at}","path":"/x"}}}`;
  const service = observed(
    'describe_service',
    { namespace: at, name: 'jobset-webhook-service' },
    'Name:              jobset-webhook-service\nSelector:          control-plane=controller-manager\nEndpoints:         <none>',
  );
  const pod = 'jobset-controller-manager-cp99jpdnmm-9854w';
  const listed = pods(at, [[pod, '0/1', 'Pending', '0', '11h']]);
  const described = (why: string) =>
    observed(
      'describe_pod',
      { namespace: at, name: pod },
      [
        `Name:             ${pod}`,
        'Labels:           control-plane=controller-manager',
        'Status:           Pending',
        'Controlled By:    ReplicaSet/jobset-controller-manager-cp99jpdnmm',
        'Containers:',
        '  manager:',
        '    Image:          jobset/jobset:v0.8.1',
        '    Requests:',
        '      cpu: 300m',
        'Events:',
        '  Type      Reason             Age                  From                Message',
        `  Warning   FailedScheduling   4s (x701 over 11h)   default-scheduler   ${why}`,
      ].join('\n'),
    );
  const sets = observed(
    'list_resources',
    { kind: 'ReplicaSet', namespace: at },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['jobset-controller-manager-cp99jpdnmm', '0/1 ready', '11h'],
      ['jobset-controller-manager-vgb8mkjzz8', '0/0 ready', '58d'],
    ]),
  );
  const rs = (name: string, revision: number, cpu: string) =>
    describedReplicaSet(at, name, revision, [
      'containers[0].name: manager',
      `containers[0].resources.requests.cpu: ${cpu}`,
    ]);

  it('a validating webhook the task quotes is followed to its Service', () => {
    const vtask = task.replace('mjobset', 'vjobset');
    const seen = [
      configs('MutatingWebhookConfiguration', []),
      configs('ValidatingWebhookConfiguration', ['jobset-validating']),
      config('ValidatingWebhookConfiguration', 'jobset-validating', hook('vjobset.kb.io')),
    ];
    expect(webhook.reads(ctx(ns, seen, vtask))).toContainEqual({
      tool: 'describe_service',
      args: { namespace: at, name: 'jobset-webhook-service' },
    });
  });

  // Found in review, fixed: configReads describes only the first 3 configurations of a kind, so the one that registers the quoted webhook, 4th in a busy cluster's list, is never read; it must be reached (by name likeness or by reading on).
  it('the configuration that registers the webhook is read even when it is 4th', () => {
    const list = configs('MutatingWebhookConfiguration', [
      'cert-manager-webhook',
      'istio-sidecar-injector',
      'jobset-a-other',
      'jobset-mutating-webhook-configuration',
    ]);
    expect(
      webhook.reads(ctx(ns, [list, configs('ValidatingWebhookConfiguration', [])], task)),
    ).toContainEqual({
      tool: 'describe_resource',
      args: { kind: 'MutatingWebhookConfiguration', name: 'jobset-mutating-webhook-configuration' },
    });
  });

  it('a quoted webhook no configuration registers, or a regex-hostile quote, leads nowhere', () => {
    const seen = [
      configs('MutatingWebhookConfiguration', ['x']),
      configs('ValidatingWebhookConfiguration', []),
      config('MutatingWebhookConfiguration', 'x', hook('other.kb.io')),
    ];
    expect(webhook.reads(ctx(ns, seen, task)).some((r) => r.tool === 'describe_service')).toBe(false);
    expect(webhook.finds(ctx(ns, seen, task))).toEqual([]);
    const hostile = 'failed calling webhook "a.*(b[$^"';
    const broken = config(
      'MutatingWebhookConfiguration',
      'x',
      `{"name":"a.*(b[$^","clientConfig":{${'['.repeat(60_000)}`,
    );
    expect(() => webhook.finds(ctx(ns, [seen[0]!, seen[1]!, broken], hostile))).not.toThrow();
  });

  // Found in review, fixed: the CPU request is set back whenever the pod is unscheduled, even when the scheduler says node affinity, not CPU, keeps it out; the revert must need "Insufficient cpu".
  it('no CPU revert when the pod is unscheduled for another reason', () => {
    const seen = [
      configs('MutatingWebhookConfiguration', ['j']),
      configs('ValidatingWebhookConfiguration', []),
      config('MutatingWebhookConfiguration', 'j', hook('mjobset.kb.io')),
      service,
      listed,
      described("0/5 nodes are available: 5 node(s) didn't match Pod's node affinity/selector."),
      sets,
      rs('jobset-controller-manager-vgb8mkjzz8', 1, '250m'),
      rs('jobset-controller-manager-cp99jpdnmm', 2, '300m'),
    ];
    const [f] = webhook.finds(ctx(ns, seen, task));
    expect(f?.cause).toContain('Pending, FailedScheduling');
    expect(f?.fix).toBeUndefined();
  });

  it('a rollout that lowered the request gets no revert to a larger value', () => {
    const seen = [
      configs('MutatingWebhookConfiguration', ['j']),
      configs('ValidatingWebhookConfiguration', []),
      config('MutatingWebhookConfiguration', 'j', hook('mjobset.kb.io')),
      service,
      listed,
      described('0/5 nodes are available: 5 Insufficient cpu.'),
      sets,
      rs('jobset-controller-manager-vgb8mkjzz8', 1, '2'),
      rs('jobset-controller-manager-cp99jpdnmm', 2, '300m'),
    ];
    const [f] = webhook.finds(ctx(ns, seen, task));
    expect(f?.object).toBe('webhook mjobset.kb.io');
    expect(f?.fix).toBeUndefined();
  });
});
