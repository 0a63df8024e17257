// Review of the general rules written after held-out sets 78 and 79, by a reviewer who did not write them:
// each test preceded by a `// Found in review, fixed:` line was a bug, written as the correct behaviour and
// skipped until the rule was fixed; the others are attacks the rules withstood.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../core/src/index.js';
import { baselineAnswer, scenarioHead } from '../__fixtures__/baseline-answer.js';
import { namedDetail } from '../baseline/signatures/containers/crash.js';
import { errorLines } from './app-errors.js';
import { envPathMissingAnalyzer } from './env-path-missing.js';
import { failedJobElsewhereAnalyzer } from './failed-job-elsewhere.js';
import { kanikoCleanupAnalyzer } from './kaniko-cleanup.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { offlineNodeAgentAnalyzer } from './offline-node-agent.js';
import { productNamespaceAnalyzer } from './product-namespace.js';
import { quietNamespaceLogsAnalyzer } from './quiet-namespace-logs.js';
import { versionedNameAnalyzer } from './versioned-name.js';
import { workflowArgumentNameAnalyzer } from './workflow-argument-name.js';

const namespaces = (...names: string[]) =>
  observed(
    'list_resources',
    { kind: 'Namespace' },
    table([['NAME', 'STATUS', 'AGE'], ...names.map((n) => [n, 'Active', '9d'])]),
  );

describe('env-path-missing review', () => {
  const NS = 'shop';
  const POD = 'worker-6b7c8d9f5-w6nvt';
  const listed = (pod = POD, status = 'CrashLoopBackOff') =>
    pods(NS, [
      [pod, '0/1', status, '7', '20m'],
      ['api-5d8f7c9b4-q2w3e', '1/1', 'Running', '0', '9d'],
    ]);
  // kubectl prints the pod's controller: a ReplicaSet's for a Deployment's pod.
  const described = (env: Record<string, string>, pod = POD, controlledBy = 'ReplicaSet/worker-6b7c8d9f5') =>
    observed(
      'describe_pod',
      { namespace: NS, name: pod },
      describedPodText({ ns: NS, name: pod, container: 'worker', env }).replace(
        'Status:           Running',
        `Status:           Running${controlledBy ? `\nControlled By:    ${controlledBy}` : ''}`,
      ),
    );
  const deployments = (rows: string[][]) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'], ...rows]),
    );
  const manifest = (name: string, image: string, env: Record<string, string>) =>
    observed(
      'get_resource',
      { kind: 'Deployment', name, namespace: NS },
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        `  name: ${name}`,
        `  namespace: ${NS}`,
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - env:',
        ...Object.entries(env).flatMap(([k, v]) => [`            - name: ${k}`, `              value: ${v}`]),
        `          image: ${image}`,
        `          name: ${name}`,
      ].join('\n'),
    );

  it('finds the JSON-escaped path of a Go exec error and takes the ready peer of the same image family', () => {
    const found = envPathMissingAnalyzer.finds(
      ctx(NS, [
        listed(),
        described({ PYTHON_EXE: '/opt/app/bin/python3' }),
        log(NS, POD, [
          `(E) Can't find Python exe {"error": "exec: \\"/opt/app/bin/python3\\": stat /opt/app/bin/python3: no such file or directory"}`,
        ]),
        deployments([
          ['worker', '0/1', '1', '0', '20m', 'registry.example.com/shop/worker:2.0'],
          ['api', '1/1', '1', '1', '9d', 'registry.example.com/shop/api:2.0'],
        ]),
        manifest('api', 'registry.example.com/shop/api:2.0', { PYTHON_EXE: '/usr/local/bin/python3' }),
      ]),
    );
    expect(found[0]?.fix?.args['set']).toEqual([{ name: 'PYTHON_EXE', value: '/usr/local/bin/python3' }]);
    expect(found[0]?.fix?.args['deployment']).toBe('worker');
  });

  // Found in review, fixed: "not found" anywhere on the line is read as the file missing, so a config file that exists but lacks a key ("key \"queues\" not found") is reported as "a file that does not exist in its image" and the variable is pointed at another file.
  it('a file that loads but lacks a key is not a missing file', () => {
    const found = envPathMissingAnalyzer.finds(
      ctx(NS, [
        listed(),
        described({ CONFIG_FILE: '/etc/worker/config.yaml' }),
        log(NS, POD, ['FATAL failed to load /etc/worker/config.yaml: key "queues" not found']),
        deployments([['api', '1/1', '1', '1', '9d', 'registry.example.com/shop/api:2.0']]),
        manifest('api', 'registry.example.com/shop/api:2.0', { CONFIG_FILE: '/etc/api/config.yaml' }),
      ]),
    );
    expect(found).toEqual([]);
  });

  // Found in review, fixed: the fix copies the variable's value from any ready deployment that sets a variable of the same name, so a generic name (CONFIG_FILE) gets nginx's /etc/nginx/nginx.conf from an unrelated image.
  it('a ready deployment of an unrelated image does not lend its path', () => {
    const [f] = envPathMissingAnalyzer.finds(
      ctx(NS, [
        listed(),
        described({ CONFIG_FILE: '/etc/worker/config.yaml' }),
        log(NS, POD, ['open /etc/worker/config.yaml: no such file or directory']),
        deployments([['proxy', '1/1', '1', '1', '9d', 'nginx:1.27']]),
        manifest('proxy', 'nginx:1.27', { CONFIG_FILE: '/etc/nginx/nginx.conf' }),
      ]),
    );
    expect(f?.cause).toContain('CONFIG_FILE');
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: a Job's failed pod (`migrate-x7k2p`, Controlled By Job/migrate) is named "deployment migrate" and given a set_env fix on a Deployment that does not exist.
  it("a Job's pod is not called a deployment's, and gets no set_env on a deployment", () => {
    const pod = 'migrate-x7k2p';
    const [f] = envPathMissingAnalyzer.finds(
      ctx(NS, [
        listed(pod, 'Error'),
        described({ SCHEMA_FILE: '/app/schema.sql' }, pod, 'Job/migrate'),
        log(NS, pod, ['open /app/schema.sql: no such file or directory']),
        deployments([['api', '1/1', '1', '1', '9d', 'registry.example.com/shop/api:2.0']]),
        manifest('api', 'registry.example.com/shop/api:2.0', { SCHEMA_FILE: '/srv/schema.sql' }),
      ]),
    );
    expect(f?.object).not.toMatch(/^deployment /);
    expect(f?.fix).toBeUndefined();
  });

  // Found in review, fixed: a directory variable with a trailing slash (DATA_DIR=/var/lib/worker/), which Go's error prints as given (`stat /var/lib/worker/: no such file or directory`), is never matched: the path pattern drops the slash.
  it('a directory named with its trailing slash', () => {
    const [f] = envPathMissingAnalyzer.finds(
      ctx(NS, [
        listed(),
        described({ DATA_DIR: '/var/lib/worker/' }),
        log(NS, POD, ['Error: stat /var/lib/worker/: no such file or directory']),
        deployments([]),
      ]),
    );
    expect(f?.cause).toContain('DATA_DIR');
  });

  it('stays bounded on a long line of paths', () => {
    const line = (p: string) => `${p.repeat(150)} no such file or directory`;
    expectBounded(
      () =>
        envPathMissingAnalyzer.finds(
          ctx(NS, [listed(), described({ A: '/x' }), log(NS, POD, Array(400).fill(line('/a/b.c-d/e')))]),
        ),
      () =>
        envPathMissingAnalyzer.finds(
          ctx(NS, [listed(), described({ A: '/x' }), log(NS, POD, Array(400).fill(line('aaaaaaaaaa')))]),
        ),
    );
  });
});

describe('workflow-argument-name review', () => {
  const NS = 'billing-events';
  const refusal =
    '{"level":"error","msg":"Failed to execute a trigger","sensorName":"invoice-export","triggerName":"export-invoices","error":"failed to execute submit operation for export-invoices: spec.arguments.account_id.value or spec.arguments.account_id.valueFrom is required"}';
  const sensor = (name: string, param: string) =>
    observed(
      'describe_resource',
      { kind: 'Sensor', name, namespace: NS },
      [
        `Name:         ${name}`,
        `Namespace:    ${NS}`,
        'Kind:         Sensor (argoproj.io/v1alpha1)',
        'Spec:',
        `  triggers[0].template.argoWorkflow.source.resource.spec.arguments.parameters[0].name: ${param}`,
        '  triggers[0].template.argoWorkflow.source.resource.spec.arguments.parameters[0].value: x',
        'Events:  <none>',
      ].join('\n'),
    );
  // What describe_resource prints for a CronWorkflow (its spec flattened under `workflowSpec.`).
  const cron = observed(
    'describe_resource',
    { kind: 'CronWorkflow', name: 'nightly-export', namespace: NS },
    [
      'Name:         nightly-export',
      `Namespace:    ${NS}`,
      'Kind:         CronWorkflow (argoproj.io/v1alpha1)',
      'Spec:',
      '  schedule: 0 2 * * *',
      '  workflowSpec.workflowTemplateRef.name: export-invoices',
      '  workflowSpec.arguments.parameters[0].name: customer_id',
      '  workflowSpec.arguments.parameters[0].value: all',
      'Events:  <none>',
    ].join('\n'),
  );
  const workflowLog = log(NS, 'workflow-controller-7d9c8b6f5-x2k4p', [
    `time="2026-03-16T02:00:00Z" level=error msg="Failed to submit workflow" error="spec.arguments.account_id.value or spec.arguments.account_id.valueFrom is required" cronWorkflow=${NS}/nightly-export`,
  ]);

  // Found in review, fixed: a CronWorkflow's parameters are printed as `workflowSpec.arguments.parameters[0].name`, which the lower-case `spec.arguments` pattern never matches, so the CronWorkflow submitter the rule lists and describes is never found.
  it("a CronWorkflow's renamed parameter is found", () => {
    const [f] = workflowArgumentNameAnalyzer.finds(ctx(NS, [workflowLog, cron]));
    expect(f?.object).toBe('cronworkflow nightly-export');
    expect(f?.cause).toContain('customer_id');
  });

  // Found in review, fixed: with two Sensors described, the first that does not pass the parameter is blamed, though the refusal's own sensorName (and the pod it came from) names the other one.
  it('blames the sensor the refusal names, not the first one described', () => {
    const [f] = workflowArgumentNameAnalyzer.finds(
      ctx(NS, [
        log(NS, 'invoice-export-sensor-6b7c8d9f5-w6nvt', [refusal]),
        sensor('alerts-digest', 'channel'),
        sensor('invoice-export', 'customer_id'),
      ]),
    );
    expect(f?.object).toBe('sensor invoice-export');
  });
});

describe('kaniko-cleanup review', () => {
  const NS = 'ci-builds';
  const POD = 'fleet-release-4-8-0-2gnk9';
  const describedKaniko = (args: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        `Namespace:        ${NS}`,
        'Status:           Failed (Error)',
        'Controlled By:    Job/fleet-release-4-8-0',
        'Containers:',
        '  kaniko-release:',
        '    Image:          gcr.io/kaniko-project/executor:v1.23.2-debug',
        '    State:          Terminated',
        '      Reason:       Error',
        '      Exit Code:    1',
        '    Ready:          False',
        '    Restart Count:  0',
        '    Command:        /busybox/sh -c',
        `    Args:           ${args}`,
        '    Environment:    <none>',
        'Conditions:',
        '  Type              Status',
        'Events:  <none>',
      ].join('\n'),
    );
  const first = [
    'INFO[0012] Pushing image to harbor.build.internal/fleet/edge-api:4.8.0',
    'INFO[0016] Pushed harbor.build.internal/fleet/edge-api@sha256:5f1c0a7e92d84b6c3e0f9d17a2b48c6e1d3f70a95c2e8b41d6f03a7c9e2b1d84',
    'INFO[0016] Resolved base name debian:bookworm-slim to debian:bookworm-slim',
  ];
  const snapshotFailed = [
    ...first,
    'INFO[0024] Taking snapshot of full filesystem...',
    "ERRO[0025] couldn't eval /usr/bin/touch with link /usr/bin/touch",
    "error building image: error building stage: failed to take snapshot: couldn't eval /usr/bin/touch with link /usr/bin/touch",
  ];
  const two = (a: string, b: string) =>
    `/kaniko/executor --context=dir:///workspace/edge-api --destination=harbor.build.internal/fleet/edge-api:4.8.0${a} && /kaniko/executor --context=dir:///workspace/edge-worker --destination=harbor.build.internal/fleet/edge-worker:4.8.0${b}`;

  it('two runs without --cleanup and a snapshot failure after the first push', () => {
    const [f] = kanikoCleanupAnalyzer.finds(
      ctx(NS, [describedKaniko(two('', '')), log(NS, POD, snapshotFailed)]),
    );
    expect(f?.object).toBe(`pod ${POD} (container kaniko-release)`);
  });

  // Found in review, fixed: --cleanup anywhere in the container counts, so a --cleanup on the last run only (which clears nothing before the second build, the very mistake the advice describes) hides the cause.
  it('--cleanup on the last run only does not clear the first build', () => {
    const [f] = kanikoCleanupAnalyzer.finds(
      ctx(NS, [describedKaniko(two('', ' --cleanup')), log(NS, POD, snapshotFailed)]),
    );
    expect(f?.object).toBe(`pod ${POD} (container kaniko-release)`);
  });

  // Found in review, fixed: a second build that built fine and was refused by the registry (`error pushing image: … UNAUTHORIZED`) is still blamed on leftover files, and the finding says "the registry and its credentials are not at fault".
  it("a push the registry refused is not the first build's leftover files", () => {
    const refused = [
      ...first,
      'INFO[0024] Taking snapshot of full filesystem...',
      'INFO[0026] Pushing image to harbor.build.internal/fleet/edge-worker:4.8.0',
      'error pushing image: failed to push to destination harbor.build.internal/fleet/edge-worker:4.8.0: POST https://harbor.build.internal/v2/fleet/edge-worker/blobs/uploads/: UNAUTHORIZED: unauthorized to access repository: fleet/edge-worker, action: push',
    ];
    expect(
      kanikoCleanupAnalyzer.finds(ctx(NS, [describedKaniko(two('', '')), log(NS, POD, refused)])),
    ).toEqual([]);
  });
});

describe('offline-node-agent review', () => {
  const NS = 'payments';
  const events = observed(
    'get_events',
    { namespace: NS },
    table([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      [
        '3m (x41)',
        'Warning',
        'FailedAttachVolume',
        'pod/ledger-db-1',
        'AttachVolume.Attach failed for volume "pvc-1" : rpc error: code = Internal desc = ControllerPublishVolume failed: node stor-3 is not online in LINSTOR (satellite OFFLINE)',
      ],
    ]),
  );
  const node = (rows: string[][]) =>
    observed(
      'describe_node',
      { name: 'stor-3' },
      [
        'Name: stor-3',
        `Non-terminated Pods:          (${rows.length} in total)`,
        '  Namespace   Name   CPU Requests',
        '  ---------   ----   ------------',
        ...rows.map(([ns, pod]) => `  ${ns}   ${pod}   0 (0%)`),
        'Allocated resources:',
      ].join('\n'),
    );

  // Found in review, fixed: the first crash-looping pod of any other namespace on the node is taken for the storage agent, so an unrelated app's crash (analytics, listed before piraeus-datastore) is reported as why the volume cannot attach.
  it("an unrelated app's crash on the node is not the storage agent", () => {
    const onNode = node([
      ['analytics', 'report-api-6b7c8d9f5-w6nvt'],
      ['payments', 'ledger-db-1'],
      ['piraeus-datastore', 'linstor-satellite-q7m2d'],
    ]);
    const found = offlineNodeAgentAnalyzer.finds(
      ctx(NS, [
        events,
        onNode,
        pods('analytics', [['report-api-6b7c8d9f5-w6nvt', '0/1', 'CrashLoopBackOff', '30', '2h']]),
        pods('piraeus-datastore', [['linstor-satellite-q7m2d', '0/1', 'CrashLoopBackOff', '212', '19h']]),
      ]),
    );
    expect(found[0]?.object).toBe('pod linstor-satellite-q7m2d (namespace piraeus-datastore, node stor-3)');
  });

  // Found in review, fixed: only the first four namespaces of the node's pod list are listed, so on a node that also runs the usual system namespaces (calico-system, kube-system, logging, monitoring) the storage agent's namespace is never read.
  it("the storage agent's namespace is read on a node with the usual system pods", () => {
    const rows = [
      ['calico-system', 'calico-node-x2k4p'],
      ['kube-system', 'kube-proxy-q7m2d'],
      ['logging', 'fluent-bit-b2nrr'],
      ['monitoring', 'node-exporter-w6nvt'],
      ['payments', 'ledger-db-1'],
      ['piraeus-datastore', 'linstor-satellite-q7m2d'],
    ];
    const seen = [
      events,
      node(rows),
      ...['calico-system', 'kube-system', 'logging', 'monitoring'].map((ns) =>
        pods(
          ns,
          rows.filter((r) => r[0] === ns).map((r) => [r[1]!, '1/1', 'Running', '0', '9d']),
        ),
      ),
    ];
    expect(offlineNodeAgentAnalyzer.reads(ctx(NS, seen))).toContainEqual({
      tool: 'list_pods',
      args: { namespace: 'piraeus-datastore' },
    });
  });
});

describe('failed-job-elsewhere review', () => {
  const NS = 'retail';
  const jobLog = log('edge-ops', 'enroll-gw-12-2cc2q', [
    'enroll: FATAL node gw-12 did not register within 120s',
  ]);

  // Found in review, fixed: only "job in <ns> … failed" is read; the as common "the enrollment job failed in edge-ops" names no namespace to the rule.
  it('"the job failed in <namespace>"', () => {
    expect(
      failedJobElsewhereAnalyzer.reads(
        ctx(NS, [], 'The pos pod in retail is Pending. The enrollment job failed in edge-ops this morning.'),
      ),
    ).toEqual([{ tool: 'list_pods', args: { namespace: 'edge-ops' } }]);
  });

  // Found in review, fixed: any failed pod of the namespace is taken for the job, so a crash-looping Deployment's pod listed first (gateway-6b7c8d9f5-w6nvt) is reported as "job gateway".
  it("a Deployment's crash-looping pod is not the failed job", () => {
    const task = 'The pos pod in retail is Pending. The enrollment job in edge-ops failed this morning.';
    const listed = pods('edge-ops', [
      ['gateway-6b7c8d9f5-w6nvt', '0/1', 'CrashLoopBackOff', '12', '1h'],
      ['enroll-gw-12-2cc2q', '0/1', 'Error', '0', '1h'],
    ]);
    const gatewayLog = log('edge-ops', 'gateway-6b7c8d9f5-w6nvt', [
      'FATAL: cannot bind :443: permission denied',
    ]);
    const [f] = failedJobElsewhereAnalyzer.finds(ctx(NS, [listed, gatewayLog, jobLog], task));
    expect(f?.object).toBe('job enroll-gw-12 (namespace edge-ops)');
  });
});

describe('versioned-name review', () => {
  const NS = 'orders';
  const asked = log(NS, 'checkout-6b7c8d9f5-w6nvt', [
    'level=error msg="could not find schema with name orders" subject=orders-value',
  ]);

  // Found in review, fixed: any `<name>-<digits>` is read as the versioned name, so a Kafka partition (`orders-0`) or a StatefulSet pod's ordinal in another log is reported as the name "served under the versioned name orders-0".
  it('a Kafka partition or a StatefulSet ordinal is not a version', () => {
    const consumer = log(NS, 'consumer-5d8f7c9b4-q2w3e', [
      'INFO Setting offset for partition orders-0 to the committed offset FetchPosition{offset=42}',
    ]);
    expect(versionedNameAnalyzer.finds(ctx(NS, [asked, consumer]))).toEqual([]);
  });

  // Found in review, fixed: a JSON log escapes the quotes around the name (`no plugin named \"kustomize-sops\"`), and the pattern, which allows only a bare `"`, finds no name at all.
  it('a JSON-escaped quoted name', () => {
    const json = log(NS, 'repo-server-l8lx6pl42-qb2jw', [
      '{"level":"error","msg":"finished unary call","error":"no plugin named \\"kustomize-sops\\""}',
    ]);
    const sidecar = log(NS, 'repo-server-l8lx6pl42-qb2jw', [
      'msg="argocd-cmp-server serving on /home/argocd/cmp-server/plugins/kustomize-sops-v1.0.sock"',
    ]);
    const [f] = versionedNameAnalyzer.finds(ctx(NS, [json, sidecar]));
    expect(f?.cause).toContain('kustomize-sops-v1.0');
  });
});

describe('quiet-namespace-logs review', () => {
  const NS = 'jobs';
  const healthy = pods(NS, [
    ['api-6b7c8d9f5-w6nvt', '1/1', 'Running', '0', '9d'],
    ['worker-5d8f7c9b4-q2w3e', '1/1', 'Running', '0', '9d'],
  ]);

  // Found in review, fixed: the new phrases miss their contractions: "isn't running", "aren't being created", "didn't run" report the same failure.
  it.each([
    "The nightly export isn't running since Friday.",
    "Trials aren't being created.",
    "The cleanup didn't run last night.",
  ])('reads the logs for: %s', (task) => {
    expect(quietNamespaceLogsAnalyzer.reads(ctx(NS, [healthy], task)).length).toBe(2);
  });
});

describe('namedDetail review', () => {
  // Found in review, fixed: a summary that ends in an error word rather than a name (`…: EOF`) takes an earlier, unrelated line that merely contains that word for its detail.
  it('an error word at the end of the summary names nothing', () => {
    const text = [
      'level=error msg="metrics push failed, will retry" error="Post \\"http://pushgateway:9091/metrics\\": EOF"',
      'level=info msg="loading state"',
      'Error: unable to load state from etcd: EOF',
    ].join('\n');
    expect(namedDetail(text, 'Error: unable to load state from etcd: EOF')).toBeUndefined();
  });

  // Found in review, fixed: the name is looked for as a substring, so a failure line about a longer name it prefixes (`disallow-host-paths-v2`) is taken for the detail of `disallow-host-paths`.
  it('a name that only prefixes a word on another line is not that line', () => {
    const text = [
      'ERROR policy download failed policy="disallow-host-paths-v2" error="manifest unknown"',
      'Error: could not download all the policies: disallow-host-paths',
    ].join('\n');
    expect(
      namedDetail(text, 'Error: could not download all the policies: disallow-host-paths'),
    ).toBeUndefined();
  });
});

describe('log glosses review', () => {
  // Found in review, fixed: the ENOSPC entry matches only unescaped JSON; the same PathError inside a JSON log's string (`{\"Op\":\"write\",…,\"Err\":28}`), as a client relays it, is not glossed.
  it('a JSON-escaped PathError with errno 28', () => {
    const line =
      '{"level":"error","msg":"replication failed","error":"received unexpected HTTP status: 500 Internal Server Error: {\\"errors\\":[{\\"code\\":\\"UNKNOWN\\",\\"detail\\":{\\"Op\\":\\"write\\",\\"Path\\":\\"/storage/docker/registry/v2/blobs/sha256/5f/data\\",\\"Err\\":28}}]}"}';
    expect(glossOf(line)?.means).toContain('ENOSPC');
  });

  // Found in review, fixed: Node.js spells EIO `EIO: i/o error, read`, which the entry keyed on glibc's "Input/output error" misses.
  it("Node's EIO spelling", () => {
    expect(
      glossOf("Error: EIO: i/o error, read at Object.readSync (node:fs:749:3) '/data/blob-17'")?.means,
    ).toContain('EIO');
  });

  it.each([
    ['java.io.IOException: Input/output error', 'EIO'],
    ["OSError: [Errno 5] Input/output error: '/mnt/disk4/worker/241'", 'EIO'],
    ['{"Op":"write","Path":"/var/lib/registry/x","Err":28}', 'ENOSPC'],
  ])('%s', (line, word) => {
    expect(glossOf(line)?.means).toContain(word);
  });
});

describe('app-errors review: logrus levels', () => {
  it.each([
    "ERRO[0025] couldn't eval /usr/bin/touch with link /usr/bin/touch",
    'FATA[0003] failed to load config',
  ])('%s is a failure', (line) => {
    expect(errorLines(line)).toEqual([line]);
  });

  // Found in review, fixed: logrus with colours (kaniko's default log format, the pod's TTY) prints the level between escape codes (`\x1b[31mERRO\x1b[0m[0025]`), which the `ERRO[` mark never matches.
  it("logrus' coloured level", () => {
    const line = "\u001b[31mERRO\u001b[0m[0025] couldn't eval /usr/bin/touch with link /usr/bin/touch";
    expect(errorLines(line)).toEqual([line]);
  });
});

describe('product-namespace review', () => {
  const NS = 'ml-tuning';
  const healthy = pods(NS, [['tune-tpe-b2nrrktxbt-jb5nm', '1/1', 'Running', '0', '2h']]);
  it("a controller's error about a namespace whose name only prefixes this one is not about it", () => {
    const task = 'The tune experiment (katib.kubeflow.org/experiment=tune) has zero trials.';
    const seen = [
      healthy,
      namespaces('ml-tuning', 'kubeflow'),
      pods('kubeflow', [['katib-controller-7d9c8b6f5-x2k4p', '1/1', 'Running', '0', '9d']]),
      log('kubeflow', 'katib-controller-7d9c8b6f5-x2k4p', [
        '{"level":"error","msg":"Create trial instance error","Experiment":"ml-tuning-dev/tune","namespace":"ml-tuning-dev"}',
      ]),
    ];
    expect(productNamespaceAnalyzer.finds(ctx(NS, seen, task))).toEqual([]);
  });
});

describe('redactSecrets review', () => {
  it.each([
    ['/etc/app/password: Hunter2Hunter2', '/etc/app/password: <redacted>'],
    [
      'failed to refresh token: dial tcp 10.96.0.1:443: i/o timeout',
      'failed to refresh token: dial tcp 10.96.0.1:443: i/o timeout',
    ],
    ['token=dial tcp 10.0.0.1:443: i/o timeout', 'token=<redacted> tcp 10.0.0.1:443: i/o timeout'],
    ['UNAUTHORIZED: authentication required', 'UNAUTHORIZED: authentication required'],
    [
      'cannot get credentials: externalsecrets.external-secrets.io "db" not found',
      'cannot get credentials: externalsecrets.external-secrets.io "db" not found',
    ],
  ])('%s', (text, want) => {
    expect(redactSecrets(text)).toBe(want);
  });

  // Found in review, fixed: a name right after `/` is read as a path's last part and its value kept when short or single-case, so the content of a password file or a KV key (`/etc/app/password: hunter2`, `config/app/db/password:correct-horse-battery`) is no longer masked.
  it.each([
    '/etc/app/password: hunter2',
    '/etc/app/password: correct-horse-battery-staple',
    'config/myapp/db/password:hunter2',
  ])('masks the value after a path ending in a secret name: %s', (text) => {
    expect(redactSecrets(text)).toContain('<redacted>');
  });

  // Found in review, fixed: `unauthorized`/`unauthenticated` are kept with whatever follows, so a credential a program logs after the status word (`unauthorized: 3f8a9c2e…`) is no longer masked, though the same value after a kind word is.
  it('a credential after the status word is still masked', () => {
    expect(redactSecrets('unauthorized: 3f8a9c2e1b7d4a6f0e5d9c8b')).toBe('unauthorized: <redacted>');
  });

  // Found in review, fixed: Go's url.Error wraps the net.OpError (`Post "https://…/token": dial tcp …`), the usual shape of a token refresh that cannot connect, and its method is masked as a secret.
  it("keeps Go's url.Error after a secret-named word", () => {
    const line =
      'failed to refresh token: Post "https://oauth2.googleapis.com/token": dial tcp 142.250.1.95:443: i/o timeout';
    expect(redactSecrets(line)).toBe(line);
  });

  it('stays linear on a hostile run of path-named secrets', () => {
    expectBounded(
      () => redactSecrets('/a/password: open x/'.repeat(5000)),
      () => redactSecrets('/a/passage: open x/ '.repeat(5000)),
    );
  });
});

describe('toldMissing review', () => {
  const world = (task: string) => `${scenarioHead('told-missing', 'shop', task)}cluster:
  namespaces: [shop]
  nodes: [{ name: n1 }]
  deployments:
    - name: web
      namespace: shop
      replicas: 1
      containers: [{ name: web, image: "shop/web:2" }]
`;

  it('a name the person does not say is missing is answered with there is no such object', async () => {
    const answer = await baselineAnswer(
      world('The reports-exporter cronjob in namespace shop is failing. Why?'),
    );
    expect(answer).toContain('There is no reports-exporter');
  }, 120_000);

  // Found in review, fixed: "was never created", the most common way to say it, is not among the phrases (only "never got created" and "never was created"), so the person is told back that the object does not exist.
  it('"was never created"', async () => {
    const answer = await baselineAnswer(
      world('The reports-exporter cronjob in namespace shop was never created by the chart. Why?'),
    );
    expect(answer).not.toContain('There is no reports-exporter');
  }, 120_000);

  // Found in review, fixed: a typographic apostrophe ("doesn’t exist", as chat and mail clients type it) is not read as saying the object does not exist.
  it('a typographic apostrophe', async () => {
    const answer = await baselineAnswer(
      world('The reports-exporter cronjob in namespace shop doesn’t exist after the deploy. Why?'),
    );
    expect(answer).not.toContain('There is no reports-exporter');
  }, 120_000);

  // Found in review, fixed: "is missing" about something else of the object ("reports-exporter is missing its metrics") is read as the object itself being missing, so a mistyped name is no longer pointed out.
  it('"is missing its metrics" does not say the object is missing', async () => {
    const answer = await baselineAnswer(
      world('In namespace shop, the reports-exporter cronjob is missing its metrics in Grafana. Why?'),
    );
    expect(answer).toContain('There is no reports-exporter');
  }, 120_000);
});
