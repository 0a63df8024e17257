import { describe, expect, it } from 'vitest';
import { namedOverPull } from '../baseline/signatures/run/named-over-pull.js';
import { sameObjectRollback } from '../baseline/signatures/run/same-object-rollback.js';
import type { Facts } from '../baseline/signatures/types.js';
import { toleratedWarnings } from './app-errors.js';
import { metricsPipelineAnalyzer } from './metrics-pipeline.js';
import { namespaceSettingAnalyzer } from './namespace-setting.js';
import { nodeClockAnalyzer } from './node-clock.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { labelProducts, podCreatorAnalyzer } from './pod-creator.js';
import { productImagesAnalyzer } from './product-images.js';
import { quoteInSqlAnalyzer } from './quote-in-sql.js';
import type { Finding } from './types.js';
import { unspecifiedOptionAnalyzer } from './unspecified-option.js';

// General rules written after held-out set 100's first contact (0 of 7), each with its table; the worlds'
// answers are in held-out-answers.test.ts.

/** A described pod that is not Running: a Job's failed pod, or a crash-looping one. */
const failedPodText = (ns: string, name: string, args: string, owner = 'Job/pg-health-29674725') =>
  describedPodText({ ns, name, container: 'stolonctl', args })
    .replace('Status:           Running', `Status:           Failed\nControlled By:    ${owner}`)
    .replace('    State:          Running', '    State:          Terminated\n      Reason:       Error')
    .replace('    Environment:    <none>', '    Environment:    <none>');

// --- unspecified-option ----------------------------------------------------------------------------------

describe('unspecified-option: a command line left without a setting its siblings are given', () => {
  const NS = 'pg-main';
  const JOB_POD = 'pg-health-29674725-9dwnr';
  const job = observed(
    'describe_pod',
    { namespace: NS, name: JOB_POD },
    failedPodText(NS, JOB_POD, 'stolonctl status --cluster-name=pg-main --store-backend=kubernetes'),
  );
  const proxy = observed(
    'describe_pod',
    { namespace: NS, name: 'stolon-proxy-sdbzkqlbwf-88m79' },
    describedPodText({
      ns: NS,
      name: 'stolon-proxy-sdbzkqlbwf-88m79',
      container: 'proxy',
      env: {
        STPROXY_CLUSTER_NAME: 'pg-main',
        STPROXY_STORE_BACKEND: 'kubernetes',
        STPROXY_KUBE_RESOURCE_KIND: 'configmap',
      },
    }),
  );
  const said = log(NS, JOB_POD, ['unspecified kubernetes resource kind']);

  it('names the missing flag from the sibling variable, the prefix confirmed by a flag already passed', () => {
    const [f] = unspecifiedOptionAnalyzer.finds(ctx(NS, [job, proxy, said]));
    expect(f?.object).toBe(`job pg-health-29674725 (pod ${JOB_POD})`);
    expect(f?.cause).toContain('missing the kubernetes resource kind setting');
    expect(f?.cause).toContain('STPROXY_KUBE_RESOURCE_KIND=configmap');
    expect(f?.advice).toContain('--kube-resource-kind=configmap');
  });

  it("reads cobra's required-flag error the same way", () => {
    const cobra = log(NS, JOB_POD, ['Error: required flag(s) "kube-resource-kind" not set']);
    const [f] = unspecifiedOptionAnalyzer.finds(ctx(NS, [job, proxy, cobra]));
    expect(f?.advice).toContain('--kube-resource-kind=configmap');
  });

  it('says nothing when the command line already passes the flag', () => {
    const passed = observed(
      'describe_pod',
      { namespace: NS, name: JOB_POD },
      failedPodText(
        NS,
        JOB_POD,
        'stolonctl status --store-backend=kubernetes --kube-resource-kind=configmap',
      ),
    );
    expect(unspecifiedOptionAnalyzer.finds(ctx(NS, [passed, proxy, said]))).toEqual([]);
  });

  it('says nothing when no running sibling sets it, and describes the siblings named like the command', () => {
    const listed = pods(NS, [
      [JOB_POD, '0/1', 'Error', '0', '7m'],
      ['stolon-keeper-0', '1/1', 'Running', '0', '159m'],
      ['orders-api-w6mpxtlrb-4pdv6', '1/1', 'Running', '0', '60m'],
    ]);
    const c = ctx(NS, [listed, job, said]);
    expect(unspecifiedOptionAnalyzer.finds(c)).toEqual([]);
    expect(unspecifiedOptionAnalyzer.reads(c)).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: 'stolon-keeper-0' } },
    ]);
  });

  it('takes no sibling that is not running, and no one-word setting shorter than five letters', () => {
    const stopped = observed(
      'describe_pod',
      { namespace: NS, name: 'stolon-proxy-sdbzkqlbwf-88m79' },
      proxy.content.replace('Status:           Running', 'Status:           Pending'),
    );
    expect(unspecifiedOptionAnalyzer.finds(ctx(NS, [job, stopped, said]))).toEqual([]);
    const port = observed(
      'describe_pod',
      { namespace: NS, name: 'web-1' },
      describedPodText({ ns: NS, name: 'web-1', env: { APP_PORT: '8080' } }),
    );
    expect(
      unspecifiedOptionAnalyzer.finds(ctx(NS, [job, port, log(NS, JOB_POD, ['unspecified port'])])),
    ).toEqual([]);
  });

  it('does bounded work on a long line of near matches', () => {
    const near = `unspecified ${'ab-'.repeat(130)}`;
    expectBounded(
      () => unspecifiedOptionAnalyzer.finds(ctx(NS, [job, proxy, log(NS, JOB_POD, Array(300).fill(near))])),
      () =>
        unspecifiedOptionAnalyzer.finds(
          ctx(NS, [job, proxy, log(NS, JOB_POD, Array(300).fill('x'.repeat(near.length)))]),
        ),
    );
  });
});

// --- pod-creator -----------------------------------------------------------------------------------------

describe('pod-creator: an ownerless pod that cannot run leads to the program that made it', () => {
  const NS = 'ci';
  const step = [
    'Name:             wp-01jqx-0-clone-0',
    `Namespace:        ${NS}`,
    'Labels:           step=clone',
    '                  woodpecker-ci.org/step=clone',
    '                  app.kubernetes.io/managed-by=woodpecker',
    'Annotations:      <none>',
    'Status:           Pending',
    'Controlled By:    <none>',
  ].join('\n');
  const listed = pods(NS, [
    ['wp-01jqx-0-clone-0', '0/1', 'Pending', '0', '15m'],
    ['woodpecker-agent-p4nw8xmcv-54nll', '1/1', 'Running', '0', '21h'],
    ['woodpecker-server-hlhdlx4z74-vwj8v', '1/1', 'Running', '0', '21h'],
    ['gitea-gxmddgfs5-g6h7q', '1/1', 'Running', '0', '12d'],
  ]);

  it("takes the product from a label key's domain, never Kubernetes' own", () => {
    expect(labelProducts(step)).toEqual(['woodpecker']);
    expect(
      labelProducts('Labels:           app.kubernetes.io/name=web\n                  tekton.dev/task=build'),
    ).toEqual(['tekton']);
  });

  it("reads the product's running pods' logs", () => {
    const reads = podCreatorAnalyzer.reads(
      ctx(NS, [listed, observed('describe_pod', { namespace: NS, name: 'wp-01jqx-0-clone-0' }, step)]),
    );
    expect(reads.map((r) => r.args['name'])).toEqual([
      'woodpecker-agent-p4nw8xmcv-54nll',
      'woodpecker-server-hlhdlx4z74-vwj8v',
    ]);
  });

  it('reads nothing for a pod a controller owns, or one that runs', () => {
    const owned = step.replace('Controlled By:    <none>', 'Controlled By:    ReplicaSet/wp-7d9f');
    const running = step.replace('Status:           Pending', 'Status:           Running');
    for (const text of [owned, running])
      expect(
        podCreatorAnalyzer.reads(
          ctx(NS, [listed, observed('describe_pod', { namespace: NS, name: 'x' }, text)]),
        ),
      ).toEqual([]);
  });
});

// --- node-clock ------------------------------------------------------------------------------------------

describe("node-clock: a certificate refused by a node whose clock is off the cluster's", () => {
  const NS = 'media';
  const POD = 'photoprism-22jwpwjzx-24hnp';
  const described = (line: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      [
        `Name:             ${POD}`,
        'Node:             nas-01/192.168.1.20',
        'Start Time:       2026-09-14T18:00:00Z',
        'Containers:',
        '  app:',
        '    State:          Running',
        '      Started:      2026-09-14T18:00:05Z (40m ago)',
        'Events:',
        `  Warning   Failed      4m4s (x9 over 40m)    kubelet   ${line}`,
      ].join('\n'),
    );
  const refusal = (now: string, dir: string, bound: string) =>
    `Failed to pull image "cr.example/app:1": tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ${now} is ${dir} ${bound}`;

  it("says the node is behind when the certificate is valid by the cluster's time", () => {
    const [f] = nodeClockAnalyzer.finds(
      ctx(NS, [described(refusal('2026-09-14T01:36:18-07:00', 'before', '2026-09-14T11:05:12Z'))]),
    );
    expect(f?.object).toBe('node nas-01');
    expect(f?.cause).toContain('about 10h4m behind');
    expect(f?.cause).toContain('it has not expired');
  });

  it("says the node is ahead when the certificate has not ended by the cluster's time", () => {
    const [f] = nodeClockAnalyzer.finds(
      ctx(NS, [described(refusal('2027-03-01T00:00:00Z', 'after', '2026-12-01T00:00:00Z'))]),
    );
    expect(f?.cause).toContain('ahead of');
  });

  it.each([
    ['a certificate that really expired', refusal('2026-09-14T18:36:00Z', 'after', '2026-09-01T00:00:00Z')],
    ['one not yet valid by any clock', refusal('2026-09-14T18:36:00Z', 'before', '2026-09-20T00:00:00Z')],
    ['a node a few minutes off', refusal('2026-09-14T18:31:00Z', 'before', '2026-09-14T18:33:00Z')],
  ])('says nothing for %s', (_, line) => {
    expect(nodeClockAnalyzer.finds(ctx(NS, [described(line)]))).toEqual([]);
  });
});

// --- quote-in-sql ----------------------------------------------------------------------------------------

describe('quote-in-sql: a value with a single quote written unescaped into SQL', () => {
  const NS = 'erp';
  const POD = 'odoo-rmcb4xnppd-4gktp';
  const pod = (value: string) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({
        ns: NS,
        name: POD,
        container: 'odoo',
        env: { ODOO_PASSWORD: value, ODOO_EMAIL: 'a@b' },
      }),
    );
  const pg = [
    'Error executing \'postInstallation\': ERROR:  syntax error at or near "1904"',
    "LINE 1: ...E res_users SET password='Ledger'1904!aud' WHERE login='erp-adm...",
  ];

  it("names the variable from PostgreSQL's refusal and its echo", () => {
    const [f] = quoteInSqlAnalyzer.finds(ctx(NS, [pod("Ledger'1904!aud"), log(NS, POD, pg)]));
    expect(f?.cause).toContain('ODOO_PASSWORD');
    expect(f?.cause).toContain('single quote');
    expect(f?.evidence.join('\n')).not.toContain("Ledger'1904");
  });

  it("reads MySQL's wording too", () => {
    const mysql = log(NS, POD, [
      "ERROR 1064 (42000): You have an error in your SQL syntax; check the manual near 'Brien' WHERE id=1' at line 1",
    ]);
    expect(quoteInSqlAnalyzer.finds(ctx(NS, [pod("O'Brien"), mysql]))[0]?.cause).toContain('ODOO_PASSWORD');
  });

  it.each([
    ['a value whose quote is not where parsing stopped', "Led'ger1904"],
    ['a value without a quote', 'Ledger1904!aud'],
  ])('says nothing for %s', (_, value) => {
    expect(quoteInSqlAnalyzer.finds(ctx(NS, [pod(value), log(NS, POD, pg)]))).toEqual([]);
  });
});

// --- namespace-setting -----------------------------------------------------------------------------------

describe('namespace-setting: a program set to work in a namespace it refuses', () => {
  const NS = 'kube-system';
  const POD = 'gateway-kmszxcf8x-rbtwq';
  const gateway = log(NS, POD, [
    '2026/05/12 11:52:41 List functions responded with code 401, body: unable to list within the kube-system namespace',
    '2026/05/12 11:52:41 Forwarded [GET] to /system/functions?namespace=kube-system - [401] - 0.000512s seconds',
  ]);
  const netes = log(NS, POD, ['2026/05/12 11:20:40 DefaultFunctionNamespace: kube-system'], {
    container: 'faas-netes',
  });

  it("names the setting from the other container's start-up line, not a URL's query", () => {
    const [f] = namespaceSettingAnalyzer.finds(ctx(NS, [gateway, netes]));
    expect(f?.cause).toContain('DefaultFunctionNamespace (the default function namespace) is kube-system');
    expect(f?.advice).toContain('set DefaultFunctionNamespace');
  });

  it('names a variable of the container when no log line sets it', () => {
    const d = observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, env: { function_namespace: 'kube-system' } }),
    );
    expect(namespaceSettingAnalyzer.finds(ctx(NS, [gateway, d]))[0]?.cause).toContain('function_namespace');
  });

  it('says nothing without a setting, or for a refusal of another kind', () => {
    expect(namespaceSettingAnalyzer.finds(ctx(NS, [gateway]))).toEqual([]);
    const other = log(NS, POD, ['cannot list pods: forbidden', 'DefaultFunctionNamespace: kube-system']);
    expect(namespaceSettingAnalyzer.finds(ctx(NS, [other]))).toEqual([]);
  });
});

// --- product-images --------------------------------------------------------------------------------------

describe("product-images: a named product's containers found by their images", () => {
  const NS = 'kube-system';
  const deployments = observed(
    'list_deployments',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
      [
        'gateway',
        '1/1',
        '1',
        '1',
        '3h',
        'ghcr.io/openfaas/gateway:0.27.5,ghcr.io/openfaas/faas-netes:0.18.4',
      ],
      ['coredns', '1/1', '1', '1', '4h', 'rancher/mirrored-coredns-coredns:1.11.3'],
    ]),
  );
  const listed = pods(NS, [
    ['gateway-kmszxcf8x-rbtwq', '2/2', 'Running', '0', '3h'],
    ['coredns-62f6mtf65m-rjtx7', '1/1', 'Running', '0', '4h'],
  ]);
  const task = 'We moved OpenFaaS to the new cluster and the portal shows no functions.';

  it("reads the default container first, then the one its log names at the image's place", () => {
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments, listed], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'gateway-kmszxcf8x-rbtwq' } },
    ]);
    const first = log(NS, 'gateway-kmszxcf8x-rbtwq', [
      'Defaulted container "gateway" out of: gateway, faas-netes; pass container to read another',
      'started',
    ]);
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments, listed, first], task))).toEqual([
      {
        tool: 'get_pod_logs',
        args: { namespace: NS, name: 'gateway-kmszxcf8x-rbtwq', container: 'faas-netes' },
      },
    ]);
  });

  it('reads nothing when the task names no image of the namespace, or names the Deployment itself', () => {
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments, listed], 'the portal is slow'))).toEqual([]);
    expect(productImagesAnalyzer.reads(ctx(NS, [deployments, listed], 'OpenFaaS gateway errors'))).toEqual(
      [],
    );
  });
});

// --- metrics-pipeline ------------------------------------------------------------------------------------

describe("metrics-pipeline: a program's refused metrics calls, and a client CA metrics-server did not reload", () => {
  const NS = 'fission';
  const executor = log(NS, 'executor-mtksnmg7ms-6xwl7', [
    '{"level":"error","msg":"failed to fetch pod metrics list","error":"an error on the server (\\"Internal Server Error: \\\\\\"/apis/metrics.k8s.io/v1beta1/namespaces/x/pods\\\\\\": Unauthorized\\") has prevented the request from succeeding (get pods.metrics.k8s.io)"}',
  ]);
  const found = observed(
    'find_objects',
    { name: 'metrics-server' },
    table([
      ['KIND', 'NAMESPACE', 'NAME', 'STATUS', 'AGE'],
      ['Pod', 'kube-system', 'metrics-server-ltgq9kjlc2-khzq5', 'Running', '41d'],
    ]),
  );
  const server = log('kube-system', 'metrics-server-ltgq9kjlc2-khzq5', [
    'E0520 12:59:04.061517       1 authentication.go:73] "Unable to authenticate the request" err="verifying certificate SN=1, SKID=, AKID=1F failed: x509: certificate signed by unknown authority"',
  ]);

  it("reads metrics-server after a program's own refused call", () => {
    expect(metricsPipelineAnalyzer.reads(ctx(NS, [executor]))).toContainEqual({
      tool: 'find_objects',
      args: { name: 'metrics-server' },
    });
  });

  it('restarts metrics-server that no longer trusts the client CA', () => {
    const [f] = metricsPipelineAnalyzer.finds(ctx(NS, [executor, found, server]));
    expect(f?.object).toBe('deployment metrics-server in kube-system');
    expect(f?.fix).toEqual({
      tool: 'restart_deployment',
      args: { namespace: 'kube-system', name: 'metrics-server' },
      text: 'restart deployment metrics-server in kube-system so it loads the current client CA',
    });
  });

  it('takes no other mention of the metrics API for a refusal', () => {
    const fine = log(NS, 'executor-mtksnmg7ms-6xwl7', ['using metrics.k8s.io for pool sizing']);
    expect(metricsPipelineAnalyzer.reads(ctx(NS, [fine]))).toEqual([]);
  });
});

// --- tolerated warnings ----------------------------------------------------------------------------------

describe('toleratedWarnings: data with fields the schema does not know, accepted', () => {
  const w = (t: string) =>
    `${t} WARNING (MainThread) [evohomeasync2.schemas] Response from the vendor API did not match the expected schema; continuing with the data as received: extra keys not allowed @ data['zones'][3]`;
  const lines = [
    '07:05:22 INFO (MainThread) [homeassistant.core] Starting Home Assistant',
    w('07:10:01'),
    w('07:25:01'),
    '07:40:32 INFO (MainThread) [homeassistant.components.automation] Running automation actions',
    w('07:55:01'),
  ];

  it('is harmless when the program carries on and works after it', () => {
    const t = toleratedWarnings(lines.join('\n'), [w('07:10:01'), w('07:25:01'), w('07:55:01')]);
    expect(t?.count).toBe(3);
    expect(t?.after).toContain('Running automation actions');
  });

  it.each([
    [
      'a warning that drops the data',
      (l: string) => l.replace('continuing with the data as received', 'dropping the update'),
    ],
    [
      'a warning of another kind',
      (l: string) =>
        l
          .replace('extra keys not allowed', 'value out of range')
          .replace('did not match the expected schema', 'was odd'),
    ],
  ])('is not for %s', (_, edit) => {
    const edited = lines.map((l) => (l.includes('WARNING') ? edit(l) : l));
    expect(
      toleratedWarnings(
        edited.join('\n'),
        edited.filter((l) => l.includes('WARNING')),
      ),
    ).toBeUndefined();
  });

  it('is not when nothing but the warning follows', () => {
    const only = [w('07:10:01'), w('07:25:01')];
    expect(toleratedWarnings(only.join('\n'), only)).toBeUndefined();
  });
});

// --- run signatures: a named workload over an OOM kill, and the rollback of the same Deployment --------

describe('named-over-pull for an OOM kill, and same-object-rollback', () => {
  const oom: Finding = {
    weight: 90,
    object: 'deployment invoice-mailer (pod invoice-mailer-6hxcddnxn-bf8qh)',
    cause: 'the container mailer is OOMKilled (exit code 137): it uses more memory than its limit',
    evidence: [],
  };
  const crash = (weight: number): Finding => ({
    weight,
    object: 'deployment odoo (pod odoo-rmcb4xnppd-4gktp)',
    cause: 'the container odoo crashes on start with exit code 1',
    evidence: [],
  });
  const facts = { hints: ['odoo'], seen: [] } as unknown as Facts;
  const refine = (s: typeof namedOverPull, found: Finding[]) => {
    if (!('refine' in s)) throw new Error('a refining signature');
    s.refine(facts, found);
    return found;
  };

  it("raises the named workload's crash above an unnamed workload's OOM kill", () => {
    expect(refine(namedOverPull, [{ ...oom }, crash(75)])[1]!.weight).toBe(91);
  });

  it('leaves a named workload that only logs failures (70) below it', () => {
    expect(refine(namedOverPull, [{ ...oom }, crash(70)])[1]!.weight).toBe(70);
  });

  it('gives the strongest finding the rollback a weaker one of the same Deployment carries', () => {
    const top: Finding = { ...crash(91), cause: 'a value with a quote' };
    const weak: Finding = {
      ...crash(75),
      cause: 'crashes; it started with the latest rollout (revision 2: ERP-311)',
      evidence: ['get_rollout_history odoo: 2 revisions, latest 2'],
      fix: { tool: 'rollback_deployment', args: { namespace: 'erp', name: 'odoo' }, text: 'roll odoo back' },
    };
    const [t] = refine(sameObjectRollback, [top, weak]);
    expect(t!.fix?.tool).toBe('rollback_deployment');
    expect(t!.cause).toContain('it started with the latest rollout (revision 2: ERP-311)');
    expect(t!.evidence).toContain('get_rollout_history odoo: 2 revisions, latest 2');
  });

  it('gives none to a finding that says the revision is sound or advises its own change, or to another Deployment', () => {
    const weak: Finding = {
      ...crash(75),
      fix: { tool: 'rollback_deployment', args: { namespace: 'erp', name: 'odoo' }, text: 'roll odoo back' },
    };
    const sound: Finding = { ...crash(91), revisionSound: true };
    expect(refine(sameObjectRollback, [sound, weak])[0]!.fix).toBeUndefined();
    // Its own advice (turn one setting back on) is the change it chose.
    const advised: Finding = { ...crash(91), advice: 'turn automountServiceAccountToken back on' };
    expect(refine(sameObjectRollback, [advised, weak])[0]!.fix).toBeUndefined();
    const other: Finding = { ...oom, weight: 95 };
    expect(refine(sameObjectRollback, [other, weak])[0]!.fix).toBeUndefined();
  });
});
