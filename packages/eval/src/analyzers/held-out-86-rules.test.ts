// Table tests of the general rules written after held-out set 86's first contact.
import { describe, expect, it } from 'vitest';
import { emptyEntry } from '../baseline/signatures/containers/crash.js';
import type { SeenObservation } from '../observations.js';
import { glossOf } from './log-glosses.js';
import { ctx, log, observed, pods, table } from './observed.fixture.js';
import { sandboxRuntimeAnalyzer } from './sandbox-runtime.js';
import { webhookNoEndpointsAnalyzer } from './webhook-no-endpoints.js';

describe('an empty entry of the setting an error names', () => {
  const config = ['{', '  "logDir": "/cfs/logs",', '  "disks": [""],', '  "raftDir": ""', '}'].join('\n');
  it.each([
    [
      'Fatal: failed to start the datanode err Invalid disk configuration. Example: PATH:RESERVE_SIZE',
      'disks',
    ],
    ['invalid raftDir: must not be empty', 'raftDir'],
  ])('%s → %s', (error, key) => {
    expect(emptyEntry(error, config)?.key).toBe(key);
  });
  it('nothing when the error is about another setting, or no entry is empty', () => {
    expect(emptyEntry('invalid listen address', config)).toBeUndefined();
    expect(
      emptyEntry('Invalid disk configuration', '{ "disks": ["/cfs/disk0:1073741824"] }'),
    ).toBeUndefined();
  });
});

describe('an admission webhook whose Service has no endpoints', () => {
  const refused =
    'Error creating: Internal error occurred: failed calling webhook "objects.hnc.x-k8s.io": failed to call webhook: Post "https://hnc-webhook-service.hnc-system.svc:443/validate-objects?timeout=2s": no endpoints available for service "hnc-webhook-service"';
  const events = observed(
    'get_events',
    { namespace: 'etl' },
    table([
      ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
      ['4m', 'Warning', 'FailedCreate', 'job/compactor-1', refused],
    ]),
  );
  const manager = 'hnc-controller-manager-2jm6lzd4l4-8pgns';
  const system = pods('hnc-system', [[manager, '0/1', 'CrashLoopBackOff', '142', '15h']]);
  const described = observed(
    'describe_pod',
    { namespace: 'hnc-system', name: manager },
    [
      `Name:             ${manager}`,
      'Labels:           control-plane=controller-manager',
      'Controlled By:    ReplicaSet/hnc-controller-manager-2jm6lzd4l4',
      'Containers:',
      '  manager:',
      '    State:          Waiting',
      '      Reason:       CrashLoopBackOff',
      '    Restart Count:  142',
      '    Limits:',
      '      cpu:     50m',
      '      memory:  300Mi',
      '    Requests:',
      '      cpu:     50m',
    ].join('\n'),
  );
  const service = observed(
    'describe_service',
    { namespace: 'hnc-system', name: 'hnc-webhook-service' },
    'Name:              hnc-webhook-service\nSelector:          control-plane=controller-manager\nEndpoints:         <none>',
  );
  const crash = log(
    'hnc-system',
    manager,
    [
      '{"level":"error","msg":"problem waiting for cache sync","error":"timed out waiting for cache to be synced"}',
    ],
    { previous: true },
  );

  it("reads the webhook's namespace, then its failing pod", () => {
    expect(webhookNoEndpointsAnalyzer.reads(ctx('etl', [events]))).toEqual([
      { tool: 'describe_service', args: { namespace: 'hnc-system', name: 'hnc-webhook-service' } },
      { tool: 'list_pods', args: { namespace: 'hnc-system' } },
    ]);
    expect(webhookNoEndpointsAnalyzer.reads(ctx('etl', [events, system]))).toContainEqual({
      tool: 'describe_pod',
      args: { namespace: 'hnc-system', name: manager },
    });
  });

  it('a failing pod the webhook Service does not select is not its server', () => {
    const other = observed(
      'describe_pod',
      { namespace: 'hnc-system', name: manager },
      described.content.replace('control-plane=controller-manager', 'app=cainjector'),
    );
    expect(webhookNoEndpointsAnalyzer.finds(ctx('etl', [events, system, service, other, crash]))).toEqual([]);
  });

  it("names the webhook, its server's crash and its CPU limit", () => {
    const [f] = webhookNoEndpointsAnalyzer.finds(ctx('etl', [events, system, service, described, crash]));
    expect(f?.object).toBe('webhook objects.hnc.x-k8s.io');
    expect(f?.cause).toContain('no endpoints available for service hnc-webhook-service');
    expect(f?.cause).toContain('deployment hnc-controller-manager');
    expect(f?.cause).toContain('CrashLoopBackOff, 142 restarts');
    expect(f?.cause).toContain('its CPU limit is 50m');
    expect(f?.cause).toContain('timed out waiting for cache');
  });

  it("a webhook in the namespace itself, or a refusal that is the webhook's answer, is not this", () => {
    const own = observed(
      'get_events',
      { namespace: 'hnc-system' },
      table([
        ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
        ['4m', 'Warning', 'FailedCreate', 'job/x', refused],
      ]),
    );
    expect(webhookNoEndpointsAnalyzer.reads(ctx('hnc-system', [own]))).toEqual([]);
    const denied = observed(
      'get_events',
      { namespace: 'etl' },
      table([
        ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
        [
          '4m',
          'Warning',
          'FailedCreate',
          'job/x',
          'admission webhook "validate.kyverno.svc" denied the request: policy require-labels',
        ],
      ]),
    );
    expect(webhookNoEndpointsAnalyzer.reads(ctx('etl', [denied]))).toEqual([]);
  });
});

describe('a sandbox runtime whose parts changed version apart', () => {
  const message =
    'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create containerd task: [PUT /vsocks/{id}][400] putGuestVsockByIdBadRequest &{FaultMessage:unknown field `id`, expected one of `vsock_id`, `guest_cid`, `uds_path`}';
  const pod = observed(
    'describe_pod',
    { namespace: 'ci', name: 'build-1-abcde' },
    `Name:             build-1-abcde\nRuntime Class Name:  kata-fc\nEvents:\n  Warning   FailedCreatePodSandBox   64s (x19 over 74m)   kubelet   ${message}`,
  );
  const rc = observed(
    'describe_resource',
    { kind: 'RuntimeClass', name: 'kata-fc' },
    'Name:         kata-fc\nHandler:  kata-fc',
  );
  const namespaces = observed(
    'list_resources',
    { kind: 'Namespace' },
    table([
      ['NAME', 'STATUS', 'AGE'],
      ['ci', 'Active', '1d'],
      ['kata-system', 'Active', '1d'],
    ]),
  );
  const installers = pods('kata-system', [['kata-deploy-7lmvd', '1/1', 'Running', '0', '1d']]);
  const installed = log('kata-system', 'kata-deploy-7lmvd', [
    'kata-runtime 1.9.0-alpha0 already installed at /opt/kata/bin/kata-runtime, keeping it',
    'installing firecracker v0.18.0 to /usr/bin/firecracker (was v0.17.1)',
  ]);

  it('reads the RuntimeClass, the namespaces, the installer and its log', () => {
    const r = (seen: SeenObservation[]) => sandboxRuntimeAnalyzer.reads(ctx('ci', seen));
    expect(r([pod])).toEqual([
      { tool: 'describe_resource', args: { kind: 'RuntimeClass', name: 'kata-fc' } },
    ]);
    expect(r([pod, rc])).toEqual([{ tool: 'list_resources', args: { kind: 'Namespace' } }]);
    expect(r([pod, rc, namespaces])).toEqual([{ tool: 'list_pods', args: { namespace: 'kata-system' } }]);
    expect(r([pod, rc, namespaces, installers])).toEqual([
      { tool: 'get_pod_logs', args: { namespace: 'kata-system', name: 'kata-deploy-7lmvd' } },
    ]);
  });

  it('names the component replaced and the one kept', () => {
    const [f] = sandboxRuntimeAnalyzer.finds(ctx('ci', [pod, rc, namespaces, installers, installed]));
    expect(f?.cause).toContain('replaced firecracker 0.17.1 with 0.18.0');
    expect(f?.cause).toContain('kept kata-runtime 1.9.0-alpha0');
    expect(f?.cause).toContain('version mismatch');
  });

  it('a network plugin failure is not this', () => {
    const cni = observed(
      'describe_pod',
      { namespace: 'ci', name: 'build-1-abcde' },
      'Runtime Class Name:  kata-fc\nEvents:\n  Warning   FailedCreatePodSandBox   64s   kubelet   Failed to create pod sandbox: plugin type="calico" failed (add): error getting ClusterInformation: connection is unauthorized (networkPlugin cni failed)',
    );
    expect(sandboxRuntimeAnalyzer.finds(ctx('ci', [cni, rc, namespaces, installers, installed]))).toEqual([]);
  });

  it("glosses serde's unknown field", () => {
    expect(glossOf(message)?.means).toContain('versions that do not match');
  });
});
