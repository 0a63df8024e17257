import { describe, expect, it } from 'vitest';
import { apiserverSanAnalyzer } from './apiserver-san.js';
import { controllerCrdAnalyzer } from './controller-crd.js';
import { ctx, describedPodText, expectBounded, log, observed, pods, table } from './observed.fixture.js';
import { requestsUnderUsageAnalyzer } from './requests-under-usage.js';

// General rules written after held-out set 103's first contact (0 of 4), each with its table; the worlds'
// answers are in held-out-answers.test.ts (the full-disk pull failure is a container signature, tested
// there through the baseline's answer).

// --- apiserver-san ------------------------------------------------------------------------------------------

describe("apiserver-san: a client dialling an address the API server's certificate does not name", () => {
  const NS = 'ci';
  const task =
    'deploy dies with "Unable to connect to the server: x509: certificate is valid for 10.96.0.1, 10.40.0.11, 127.0.0.1, not 10.40.0.50". kubectl in the runner pod works.';
  const kubeconfig = observed(
    'describe_resource',
    { kind: 'ConfigMap', namespace: NS, name: 'deploy-kubeconfig' },
    [
      'Name:         deploy-kubeconfig',
      'Data',
      '====',
      'kubeconfig:',
      '----',
      'clusters:',
      '  - name: prod',
      '    cluster:',
      '      server: https://10.40.0.50:6443',
    ].join('\n'),
  );
  const kubeadm = observed(
    'describe_resource',
    { kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' },
    [
      'Name:         kubeadm-config',
      'apiServer:',
      '  certSANs:',
      '  - 127.0.0.1',
      '  - 10.40.0.11',
      '  extraArgs:',
    ].join('\n'),
  );
  const system = pods('kube-system', [
    ['haproxy-cp-1', '1/1', 'Running', '0', '2d'],
    ['keepalived-cp-1', '1/1', 'Running', '0', '2d'],
    ['kube-apiserver-cp-1', '1/1', 'Running', '0', '400d'],
  ]);

  it("reads the namespace's kubeconfig objects, kube-system's pods and kubeadm-config", () => {
    expect(apiserverSanAnalyzer.reads(ctx(NS, [], task))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: NS } },
      { tool: 'list_resources', args: { kind: 'Secret', namespace: NS } },
      { tool: 'list_pods', args: { namespace: 'kube-system' } },
      {
        tool: 'describe_resource',
        args: { kind: 'ConfigMap', namespace: 'kube-system', name: 'kubeadm-config' },
      },
    ]);
  });

  it("names the missing SAN, where clients are pointed at it, what fronts it and kubeadm's certSANs", () => {
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [kubeconfig, kubeadm, system], task));
    expect(f?.object).toBe('configmap deploy-kubeconfig');
    expect(f?.cause).toContain('does not include 10.40.0.50 among its subject alternative names');
    expect(f?.cause).toContain('https://10.40.0.50:6443');
    expect(f?.cause).toContain('keepalived-cp-1');
    expect(f?.cause).toContain('certSANs list 127.0.0.1, 10.40.0.11');
    expect(f?.cause).not.toMatch(/CA bundle/);
  });

  it.each([
    [
      'a certificate of another server (no kubernetes name in it)',
      'x509: certificate is valid for api.example.com, not api2.example.com',
    ],
    ['an untrusted certificate', 'x509: certificate signed by unknown authority'],
  ])('stays quiet for %s', (_, said) => {
    expect(apiserverSanAnalyzer.finds(ctx(NS, [kubeconfig], `the deploy fails: "${said}"`))).toEqual([]);
  });

  it('takes the refusal from a log of the namespace too', () => {
    const l = log(NS, 'deployer-7c9d8f6b5-abcde', [
      'E0513 x509: certificate is valid for kubernetes.default.svc, 10.96.0.1, not api.internal',
    ]);
    const [f] = apiserverSanAnalyzer.finds(ctx(NS, [l], 'deploys fail'));
    expect(f?.cause).toContain('does not include api.internal');
  });
});

// --- requests-under-usage ------------------------------------------------------------------------------------

describe('requests-under-usage: pods using many times their CPU request, asked as a node-packing question', () => {
  const NS = 'media';
  const task =
    'pool-b-2 is at 98% CPU, yet the descheduler (LowNodeUtilization) calls it underutilized. Stale metrics?';
  const metrics = observed(
    'get_pod_metrics',
    { namespace: NS },
    [
      'thumbnailer-t2rhddmsq4-kcpfl  restarts: 0  oomKills: 0 known',
      '  thumbnailer: cpu 1250m / request 100m / no limit; memory 612Mi / request 256Mi / limit 1Gi (60%)',
      'thumbnailer-t2rhddmsq4-nmjp4  restarts: 0  oomKills: 0 known',
      '  thumbnailer: cpu 1247m / request 100m / no limit; memory 598Mi / request 256Mi / limit 1Gi (58%)',
      'media-api-kshvvshqr-n9x5x  restarts: 0  oomKills: 0 known',
      '  api: cpu 162m / request 1 / no limit; memory 388Mi / request 512Mi / limit 1Gi (38%)',
    ].join('\n'),
  );
  const list = observed(
    'list_pods',
    { namespace: NS },
    table([
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'NODE'],
      ['thumbnailer-t2rhddmsq4-kcpfl', '1/1', 'Running', '0', '2d', 'pool-b-2'],
      ['thumbnailer-t2rhddmsq4-nmjp4', '1/1', 'Running', '0', '2d', 'pool-b-2'],
    ]),
  );

  it("reads the metrics, then the descheduler's log", () => {
    expect(requestsUnderUsageAnalyzer.reads(ctx(NS, [], task))).toEqual([
      { tool: 'get_pod_metrics', args: { namespace: NS } },
      { tool: 'list_pods', args: { namespace: 'kube-system' } },
    ]);
    const system = pods('kube-system', [['descheduler-jbd5rmm4l-4fg9v', '1/1', 'Running', '0', '70m']]);
    expect(requestsUnderUsageAnalyzer.reads(ctx(NS, [metrics, system], task))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'kube-system', name: 'descheduler-jbd5rmm4l-4fg9v' } },
    ]);
  });

  it('raises the request to the usage, rounded up to 100m', () => {
    const [f] = requestsUnderUsageAnalyzer.finds(ctx(NS, [metrics, list], task));
    expect(f?.object).toBe('deployment thumbnailer');
    expect(f?.cause).toContain('count requests, not actual usage');
    expect(f?.cause).toContain('on pool-b-2');
    expect(f?.fix?.args).toEqual({
      namespace: NS,
      deployment: 'thumbnailer',
      container: 'thumbnailer',
      requests: { cpu: '1300m' },
    });
  });

  it.each([
    ['a question that is not about packing', 'the thumbnails are slow'],
    ['usage near the request', task],
  ])('stays quiet for %s', (name, t) => {
    const seen = name.startsWith('usage')
      ? [
          observed(
            'get_pod_metrics',
            { namespace: NS },
            'web-7c9d8f6b5-abcde  restarts: 0\n  web: cpu 300m / request 250m / no limit',
          ),
        ]
      : [metrics];
    expect(requestsUnderUsageAnalyzer.finds(ctx(NS, seen, t))).toEqual([]);
  });

  it('reads a long metrics output in bounded time', () => {
    const many = (s: string) => Array.from({ length: 2000 }, (_, i) => s.replace('#', String(i))).join('\n');
    expectBounded(
      () =>
        requestsUnderUsageAnalyzer.finds(
          ctx(
            NS,
            [
              observed(
                'get_pod_metrics',
                { namespace: NS },
                many(`p-#  restarts: 0\n  c: cpu ${'9'.repeat(7)}m / request 1m / x`),
              ),
            ],
            task,
          ),
        ),
      () =>
        requestsUnderUsageAnalyzer.finds(
          ctx(
            NS,
            [observed('get_pod_metrics', { namespace: NS }, many(`p-#  restarts: 0\n  ${'x'.repeat(40)}`))],
            task,
          ),
        ),
    );
  });
});

// --- controller-crd: the release the rest of the install runs -----------------------------------------------

describe('controller-crd: a controller whose image lags the rest of its install', () => {
  const NS = 'argo';
  const POD = 'workflow-controller-5d8f9c7b6-vjmgj';
  const failing = log(NS, POD, [
    'E0310 15:02:42.918233 1 reflector.go:205] controller.go:154: Failed to list *v1.Workflow: the server could not find the requested resource (get workflows.argoproj.io)',
  ]);
  const described = observed(
    'describe_pod',
    { namespace: NS, name: POD },
    describedPodText({ ns: NS, name: POD, container: 'workflow-controller' })
      .replace('registry.example.com/app:1.0.0', 'argoproj/workflow-controller:v1.1.0')
      .replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/workflow-controller-5d8f9c7b6',
      ),
  );
  const deployments = (server: string) =>
    observed(
      'list_deployments',
      { namespace: NS },
      table([
        ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'IMAGES'],
        ['argo-server', '1/1', '1', '1', '23h', server],
        ['minio', '1/1', '1', '1', '23h', 'minio/minio:RELEASE.2019-12-30T05-45-39Z'],
        ['workflow-controller', '1/1', '1', '1', '23h', 'argoproj/workflow-controller:v1.1.0'],
      ]),
    );

  it("sets the controller's image to the release its siblings of the same owner run", () => {
    const [f] = controllerCrdAnalyzer.finds(
      ctx(NS, [failing, described, deployments('argoproj/argocli:v2.4.3')]),
    );
    expect(f?.fix).toMatchObject({
      tool: 'set_image',
      args: {
        namespace: NS,
        deployment: 'workflow-controller',
        container: 'workflow-controller',
        image: 'argoproj/workflow-controller:v2.4.3',
      },
    });
  });

  it('proposes nothing when the siblings are of another owner or at the same tag', () => {
    for (const server of ['other/argocli:v2.4.3', 'argoproj/argocli:v1.1.0', 'argoproj/argocli:latest']) {
      const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, described, deployments(server)]));
      expect(f?.fix, server).toBeUndefined();
    }
  });

  it('says the CRD is installed when a read shows it', () => {
    const crds = observed(
      'list_resources',
      { kind: 'CustomResourceDefinition' },
      table([
        ['NAME', 'STATUS', 'AGE'],
        ['workflows.argoproj.io', '-', '24h'],
      ]),
    );
    const [f] = controllerCrdAnalyzer.finds(ctx(NS, [failing, described, crds]));
    expect(f?.cause).toContain('is installed, but not in the API version this controller lists');
  });
});
