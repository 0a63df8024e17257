// Table tests of failure-settings: the failing program's own settings that speak of what fails.

import { k8sTools } from '@sre-harness/tools-k8s';
import { createSimCluster } from '@sre-harness/tools-k8s/sim';
import { describe, expect, it } from 'vitest';
import {
  configMapSettings,
  failureSettings,
  failureSettingsAnalyzer,
  podConfigMaps,
} from './failure-settings.js';
import { ctx, describedPodText, log, observed } from './observed.fixture.js';

const ns = 'streaming';
const pod = 'stock-cdc-jobmanager-jxr96gdxvf-4c87h';

/** `describe_pod` of the job manager: one container with `env`, and the ConfigMap volumes named. */
function describedPod(env: Record<string, string> = {}, configMaps: string[] = ['flink-config']): string {
  return describedPodText({ ns, name: pod, container: 'jobmanager', env, configMaps });
}

/** `describe_resource` of a ConfigMap: its files under `Data`, as kubectl prints them. */
function describedConfigMap(name: string, files: Record<string, string[]>): string {
  return [
    `Name:         ${name}`,
    `Namespace:    ${ns}`,
    'Kind:         ConfigMap (v1)',
    '',
    'Data',
    '====',
    ...Object.entries(files).flatMap(([f, lines]) => [`${f}:`, '----', ...lines, '']),
    '',
    'Events:  <none>',
  ].join('\n');
}

const flinkConf = [
  'jobmanager.rpc.address: stock-cdc-jobmanager',
  'state.checkpoints.dir: s3://flink-state/stock-cdc/checkpoints',
  'execution.checkpointing.interval: 5min',
  'execution.checkpointing.timeout: 3min',
  'execution.checkpointing.tolerable-failed-checkpoints: 0',
  'restart-strategy.fixed-delay.delay: 10s',
];
const failure =
  'org.apache.flink.util.FlinkRuntimeException: Exceeded checkpoint tolerable failure threshold.';
const failureLog = log(ns, pod, ['2026-03-18 10:02:13,118 INFO started', failure]);
const cm = (name = 'flink-config', lines = flinkConf, where = ns) =>
  observed(
    'describe_resource',
    { kind: 'ConfigMap', name, namespace: where },
    describedConfigMap(name, { 'flink-conf.yaml': lines }),
  );
const podSeen = (env?: Record<string, string>, cms?: string[]) =>
  observed('describe_pod', { namespace: ns, name: pod }, describedPod(env, cms));
const quote = `get_pod_logs ${pod}: "${failure}"`;

describe('failureSettingsAnalyzer.reads', () => {
  it('reads the ConfigMaps a pod that logs failures mounts, at most two, never the CA bundle', () => {
    const seen = [failureLog, podSeen({}, ['flink-config', 'kube-root-ca.crt', 'job-props', 'third'])];
    expect(failureSettingsAnalyzer.reads(ctx(ns, seen))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'flink-config', namespace: ns } },
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'job-props', namespace: ns } },
    ]);
  });

  it('reads nothing for a quiet log or an undescribed pod, and reads in the namespace of the log', () => {
    const quiet = log(ns, pod, ['2026-03-18 10:02:13,118 INFO all good']);
    expect(failureSettingsAnalyzer.reads(ctx(ns, [quiet, podSeen()]))).toEqual([]);
    expect(failureSettingsAnalyzer.reads(ctx(ns, [failureLog]))).toEqual([]);
    // The ConfigMaps are read in the namespace of the log that fails, whatever namespace is investigated.
    expect(failureSettingsAnalyzer.reads(ctx('other', [failureLog, podSeen()]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'flink-config', namespace: ns } },
    ]);
  });
});

describe('podConfigMaps', () => {
  it("takes a pod's ConfigMaps from its volumes, its envFrom sources and its variables' key references", async () => {
    // What the tools print, from a simulated pod that takes settings all three ways (and the CA bundle).
    const cluster = createSimCluster({
      now: '2026-03-18T10:00:00Z',
      objects: ['flink-config', 'job-env', 'limits'].map((name) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns },
        data: { 'max.tasks': '8' },
      })),
      deployments: [
        {
          name: 'stock-cdc-jobmanager',
          namespace: ns,
          containers: [
            {
              name: 'jobmanager',
              image: 'flink:1.18',
              envFrom: [{ configMapRef: { name: 'job-env' } }],
              env: [
                { name: 'MAX_TASKS', valueFrom: { configMapKeyRef: { name: 'limits', key: 'max.tasks' } } },
              ],
              volumeMounts: [{ name: 'conf', mountPath: '/opt/flink/conf' }],
            },
          ],
          volumes: [{ name: 'conf', configMap: { name: 'flink-config' } }],
        },
      ],
    });
    const tools = k8sTools(cluster);
    const list = tools.find((t) => t.name === 'list_pods')!;
    const listed = String(
      await list.execute({ namespace: ns }, { signal: AbortSignal.timeout(5000), runId: 'r', callId: 'c1' }),
    );
    const name = /stock-cdc-jobmanager-\S+/.exec(listed)?.[0];
    expect(name).toBeDefined();
    const describe = tools.find((t) => t.name === 'describe_pod')!;
    const text = String(
      await describe.execute(
        { namespace: ns, name },
        { signal: AbortSignal.timeout(5000), runId: 'r', callId: 'c2' },
      ),
    );
    expect(podConfigMaps(text)).toEqual(['flink-config', 'job-env', 'limits']);
  });

  it('reads an envFrom ConfigMap at the end of the budget and quotes its settings like a mounted one', () => {
    const envPod = observed(
      'describe_pod',
      { namespace: ns, name: pod },
      describedPodText({ ns, name: pod, container: 'jobmanager', envFrom: ['flink-env'] }),
    );
    expect(failureSettingsAnalyzer.reads(ctx(ns, [failureLog, envPod]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'ConfigMap', name: 'flink-env', namespace: ns } },
    ]);
    const said = failureSettings([failureLog, envPod, cm('flink-env')], [quote]);
    expect(said).toContain('"execution.checkpointing.tolerable-failed-checkpoints: 0" (ConfigMap flink-env)');
  });

  it('leaves out the CA bundle and names each ConfigMap once', () => {
    const text = describedPodText({
      ns,
      name: pod,
      configMaps: ['kube-root-ca.crt', 'app-config'],
      envFrom: ['app-config', 'trust-ca'],
    });
    expect(podConfigMaps(text)).toEqual(['app-config']);
  });
});

describe('failureSettings', () => {
  it('quotes the settings whose names share a stem with the failure, limits first, at most three', () => {
    const said = failureSettings([failureLog, podSeen(), cm()], [quote]);
    expect(said).toBe(
      `Settings that name what fails, for ${pod}: "execution.checkpointing.interval: 5min" (ConfigMap flink-config), "execution.checkpointing.timeout: 3min" (ConfigMap flink-config), "execution.checkpointing.tolerable-failed-checkpoints: 0" (ConfigMap flink-config). The failure says a limit was reached, and "execution.checkpointing.tolerable-failed-checkpoints: 0" is the setting that sets one: if the load is legitimate, raise it (after checking what holds the capacity it bounds).`,
    );
    expect(said).not.toContain('rpc.address');
    expect(said).not.toContain('state.checkpoints.dir');
  });

  it("quotes a container's literal variables: a switch or a quantity, never an address or a name", () => {
    const gc =
      'ERROR GET /sku/1: Error 9006 (HY000): GC life time is shorter than transaction duration (autocommit off)';
    const seen = [
      log(ns, pod, [gc]),
      podSeen({
        DB_AUTOCOMMIT: 'false',
        DB_AUTOCOMMIT_URL: 'http://autocommit.example:8080',
        TRANSACTION_TOPIC: 'orders.tx',
        TRANSACTION_RETRIES: 'three',
      }),
    ];
    const said = failureSettings(seen, [`get_pod_logs ${pod}: "${gc}"`]);
    expect(said).toContain('"DB_AUTOCOMMIT=false" (container jobmanager)');
    expect(said).toContain('TRANSACTION_RETRIES=three');
    expect(said).not.toContain('URL');
    expect(said).not.toContain('TOPIC');
  });

  it('takes the words of the lines quoted around the failure too', () => {
    const bare = 'FlinkRuntimeException: Exceeded threshold.';
    const seen = [log(ns, pod, [bare]), podSeen(), cm()];
    const entry = `get_pod_logs ${pod}: "${bare}"`;
    expect(failureSettings(seen, [entry])).toBeUndefined();
    const around = `Around it in the log of ${pod}, just before the failure: "Checkpoint 41 ran past its 180000 ms timeout".`;
    expect(failureSettings(seen, [entry], around)).toContain('execution.checkpointing.timeout: 3min');
  });

  it.each([
    ['an answer without a quoted log line', ['describe_pod x: Last State Terminated']],
    ['a quote of a pod never described', [`get_pod_logs other-pod-abcde: "${failure}"`]],
  ])('says nothing for %s', (_, evidence) => {
    expect(failureSettings([failureLog, podSeen(), cm()], evidence)).toBeUndefined();
  });

  it('reads only the ConfigMaps the pod mounts, in its own namespace, and quotes a line once', () => {
    const other = cm('other-config', ['checkpoint.max: 3']);
    expect(failureSettings([failureLog, podSeen(), other], [quote])).toBeUndefined();
    const elsewhere = cm('flink-config', flinkConf, 'staging');
    expect(failureSettings([failureLog, podSeen(), elsewhere], [quote])).toBeUndefined();
    const twice = observed(
      'describe_resource',
      { kind: 'ConfigMap', name: 'flink-config', namespace: ns },
      describedConfigMap('flink-config', {
        'a.yaml': ['checkpoint.timeout: 3min'],
        'b.yaml': ['checkpoint.timeout: 3min'],
      }),
    );
    const said = (failureSettings([failureLog, podSeen(), twice], [quote]) ?? '').split(
      ' The failure says',
    )[0]!;
    expect(said.match(/checkpoint\.timeout/g)).toHaveLength(1);
  });

  it('ties no setting to a failure by a generic word (error, failed, server)', () => {
    const generic = cm('flink-config', ['error_log: /var/log/err.log', 'server.failure.max: 3']);
    const plain = 'ERROR server failed';
    const seen = [log(ns, pod, [plain]), podSeen(), generic];
    expect(failureSettings(seen, [`get_pod_logs ${pod}: "${plain}"`])).toBeUndefined();
  });
});

describe('configMapSettings', () => {
  it('reads key: value, key=value and JSON pairs at any indent, not file headers, rules or block openers', () => {
    const text = describedConfigMap('x', {
      'app.yaml': ['spring:', '  cloud:', '    config:', '      failFast: true', 'script: |'],
      'job.properties': ['source.startup.mode=initial'],
      'settings.json': ['{ "Jobs": {', '  "ConcurrencyLockTimeoutSeconds": 600,', '} }'],
    });
    expect(configMapSettings(text).map((s) => s.key)).toEqual([
      'failFast',
      'source.startup.mode',
      'ConcurrencyLockTimeoutSeconds',
    ]);
  });

  it('stays bounded: lines past 300 characters and past the 600th are not read', () => {
    const long = `${'k'.repeat(400)}: 1`;
    const many = Array.from({ length: 700 }, (_, i) => `key${i}: ${i}`);
    const text = describedConfigMap('x', { 'a.yaml': [long, ...many] });
    const keys = configMapSettings(text).map((s) => s.key);
    expect(keys).not.toContain('k'.repeat(400));
    expect(keys.length).toBeLessThan(600);
  });
});
