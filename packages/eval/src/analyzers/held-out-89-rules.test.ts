// Table tests of the general rules written after held-out set 89's first contact.
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tellingLine } from '../baseline/reading.js';
import { describedConditionsAnalyzer } from './described-conditions.js';
import { embeddedDbLockAnalyzer } from './embedded-db-lock.js';
import { ctx, describedPodText, log, observed, pods, table } from './observed.fixture.js';
import { serviceLinkValueAnalyzer } from './service-links.js';
import { bareWords, tomlBareStringAnalyzer } from './toml-bare-string.js';

describe('a service link value taken as a Go listen address', () => {
  const ns = 'golang-cache';
  const pod = 'athens-proxy-jwt9n7nvd-mg9vd';
  const crash = log(ns, pod, ['listen tcp: address tcp://10.96.41.17:80: too many colons in address'], {
    previous: true,
  });
  const services = observed(
    'list_services',
    { namespace: ns },
    table([
      ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
      ['athens', 'ClusterIP', '10.96.41.17', '<none>', '80/TCP', '2h'],
    ]),
  );
  const described = observed(
    'describe_pod',
    { namespace: ns, name: pod },
    describedPodText({ ns, name: pod, container: 'athens' })
      .replace('Status:', 'Controlled By:    ReplicaSet/athens-proxy-jwt9n7nvd\nStatus:')
      .replace('    Image:', '    Port:           3000/TCP\n    Image:'),
  );

  it('lists the Services, then sets ATHENS_PORT to the listen address', () => {
    expect(serviceLinkValueAnalyzer.reads(ctx(ns, [crash]))).toEqual([
      { tool: 'list_services', args: { namespace: ns } },
    ]);
    const [f] = serviceLinkValueAnalyzer.finds(ctx(ns, [crash, services, described]));
    expect(f?.cause).toContain('ATHENS_PORT');
    expect(f?.fix?.args['set']).toEqual([{ name: 'ATHENS_PORT', value: ':3000' }]);
  });

  it('an address that is no Service of the namespace is not this', () => {
    const other = log(ns, pod, ['listen tcp: address tcp://10.96.99.1:80: too many colons in address']);
    expect(serviceLinkValueAnalyzer.finds(ctx(ns, [other, services, described]))).toEqual([]);
  });
});

describe("klog's fatal line before a goroutine dump", () => {
  it('is the telling line, not a frame named Fatal', () => {
    const text = [
      'F0923 09:18:52.402118       1 main.go:43] While parsing config: (6, 28): never reached',
      'goroutine 1 [running]:',
      'github.com/golang/glog.Fatal(0xc00015dee8, 0x1, 0x1)',
      '        /go/src/github.com/golang/glog/glog.go:1128 +0x67',
      'main.initConfig()',
    ].join('\n');
    expect(tellingLine(text)).toContain('While parsing config');
  });
});

describe('an unquoted word in a TOML value', () => {
  it.each([
    ['whitelisted_namespaces = [ staging-orders, "staging-search" ]', ['staging-orders']],
    ['mode = fast', ['fast']],
    ['ports = [ 80, 443 ]', []],
    ['enabled = true', []],
    ['when = 2026-12-06T10:00:00Z', []],
    ['name = "ok" # a comment', []],
  ])('%s', (line, words) => {
    expect(bareWords(line)).toEqual(words);
  });

  const ns = 'chaos-tools';
  const pod = 'kube-monkey-blqbp2fj5-nxd49';
  const crash = log(
    ns,
    pod,
    ['F0923 09:18:52.402118 1 main.go:43] While parsing config: (3, 28): never reached'],
    {
      previous: true,
    },
  );
  const described = observed(
    'describe_pod',
    { namespace: ns, name: pod },
    describedPodText({ ns, name: pod, configMaps: ['kube-monkey-config'] }).replace(
      'Status:',
      'Controlled By:    ReplicaSet/kube-monkey-blqbp2fj5\nStatus:',
    ),
  );
  const config = (line: string) =>
    observed(
      'get_resource',
      { kind: 'ConfigMap', namespace: ns, name: 'kube-monkey-config' },
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: kube-monkey-config',
        `  namespace: ${ns}`,
        '  resourceVersion: "91"',
        'data:',
        '  config.toml: |',
        '    [kubemonkey]',
        '    dry_run = false',
        `    ${line}`,
        '    time_zone = "Europe/Berlin"',
      ].join('\n'),
    );

  it('reads the pod and its ConfigMap, then quotes the word and applies it back', () => {
    expect(tomlBareStringAnalyzer.reads(ctx(ns, [crash]))).toEqual([
      { tool: 'describe_pod', args: { namespace: ns, name: pod } },
    ]);
    expect(tomlBareStringAnalyzer.reads(ctx(ns, [crash, described]))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'kube-monkey-config', namespace: ns } },
    ]);
    const [f] = tomlBareStringAnalyzer.finds(
      ctx(ns, [crash, described, config('whitelisted_namespaces = [ staging-orders, "staging-search" ]')]),
    );
    expect(f?.cause).toContain('`staging-orders` unquoted');
    const doc = parseYaml(String(f?.fix?.args['manifest'])) as {
      metadata: Record<string, unknown>;
      data: Record<string, string>;
    };
    expect(doc.data['config.toml']).toContain(
      'whitelisted_namespaces = [ "staging-orders", "staging-search" ]',
    );
    expect(doc.data['config.toml']).toContain('time_zone = "Europe/Berlin"');
    expect(doc.metadata['resourceVersion']).toBeUndefined();
  });

  it('a file that parses is not this', () => {
    expect(
      tomlBareStringAnalyzer.finds(
        ctx(ns, [
          crash,
          described,
          config('whitelisted_namespaces = [ "staging-orders", "staging-search" ]'),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('replicas sharing one embedded database file', () => {
  const ns = 'cluster-console';
  const listed = pods(ns, [
    ['kubepi-7c5d9f8b64-m4k2t', '1/1', 'Running', '0', '5d'],
    ['kubepi-7c5d9f8b64-qx7wd', '0/1', 'CrashLoopBackOff', '6', '2h'],
    ['kubepi-7c5d9f8b64-r9p2c', '0/1', 'CrashLoopBackOff', '6', '2h'],
  ]);
  const crash = log(
    ns,
    'kubepi-7c5d9f8b64-qx7wd',
    ['[INFO] open database /var/lib/kubepi/db/kubepi.db', 'panic: timeout', '', 'goroutine 1 [running]:'],
    { previous: true },
  );
  const described = observed(
    'describe_pod',
    { namespace: ns, name: 'kubepi-7c5d9f8b64-qx7wd' },
    describedPodText({ ns, name: 'kubepi-7c5d9f8b64-qx7wd', claims: ['kubepi-data'] }),
  );

  it('names the replicas, the file and the claim', () => {
    expect(embeddedDbLockAnalyzer.reads(ctx(ns, [listed, crash]))).toEqual([
      { tool: 'describe_pod', args: { namespace: ns, name: 'kubepi-7c5d9f8b64-qx7wd' } },
    ]);
    const [f] = embeddedDbLockAnalyzer.finds(ctx(ns, [listed, crash, described]));
    expect(f?.object).toBe('deployment kubepi');
    expect(f?.cause).toContain(
      '3 replicas that share one embedded database file /var/lib/kubepi/db/kubepi.db',
    );
    expect(f?.cause).toContain('claim kubepi-data');
    expect(f?.advice).toContain('one replica');
  });

  it('a bare panic: timeout with no database opened, or one replica, is not this', () => {
    const http = log(ns, 'kubepi-7c5d9f8b64-qx7wd', ['GET https://api.example.org', 'panic: timeout']);
    expect(embeddedDbLockAnalyzer.finds(ctx(ns, [listed, http, described]))).toEqual([]);
    const one = pods(ns, [['kubepi-7c5d9f8b64-qx7wd', '0/1', 'CrashLoopBackOff', '6', '2h']]);
    expect(embeddedDbLockAnalyzer.finds(ctx(ns, [one, crash, described]))).toEqual([]);
  });
});

describe("an admission refusal's details from the object's status", () => {
  it('are quoted beside the cut event', () => {
    const app = observed(
      'describe_resource',
      { kind: 'Application', name: 'k8s-infra', namespace: 'argocd' },
      [
        'Name:         k8s-infra',
        'Kind:         Application (argoproj.io/v1alpha1)',
        'Status:',
        '  operationState.phase: Failed',
        '  operationState.message: one or more objects failed to apply, reason: admission webhook "warden" denied the request: GKE Warden rejected the request.',
        '  Violations details: {"[denied by autogke-no-host-port]":["container otel-agent specifies host ports [4317], which are disallowed in Autopilot."]}',
        'Events:',
        '  Type     Reason              Age   From     Message',
        '  Warning  OperationCompleted  18m   argocd   Sync operation failed: admission webhook "warden" denied the request: GKE Warden rejected the …',
      ].join('\n'),
    );
    const [f] = describedConditionsAnalyzer.finds(ctx('argocd', [app]));
    expect(f?.cause).toContain('[denied by autogke-no-host-port]: container otel-agent specifies host ports');
  });
});
