// Table tests of the general rules written after held-out set 80's first contact: each reads what the tools
// print; a product is named only where its own message is the signal.
import { describe, expect, it } from 'vitest';
import { daemonSetNodeSubsetAnalyzer } from './daemonset-node-subset.js';
import { exclusiveSettingsAnalyzer } from './exclusive-settings.js';
import { glossOf } from './log-glosses.js';
import { ctx, describedPodText, expectBounded, log, observed, pods } from './observed.fixture.js';

describe('exclusive-settings: two settings refused together, both set', () => {
  const NS = 'notebooks';
  const POD = 'zeppelin-6b7c8d9f5-w6nvt';
  const crashing = pods(NS, [[POD, '0/1', 'CrashLoopBackOff', '17', '1h']]);
  const described = (env: Record<string, string>) =>
    observed(
      'describe_pod',
      { namespace: NS, name: POD },
      describedPodText({ ns: NS, name: POD, container: 'zeppelin', env }).replace(
        'Status:           Running',
        'Status:           Running\nControlled By:    ReplicaSet/zeppelin-6b7c8d9f5',
      ),
    );
  const refused = log(NS, POD, [
    'java.io.IOException: zeppelin.interpreter.include and zeppelin.interpreter.exclude can not be specified together, only one can be set.',
  ]);

  it('drops the deny list where an allow list decides', () => {
    const [f] = exclusiveSettingsAnalyzer.finds(
      ctx(NS, [
        crashing,
        described({ ZEPPELIN_INTERPRETER_INCLUDE: 'spark,md', ZEPPELIN_INTERPRETER_EXCLUDE: 'flink' }),
        refused,
      ]),
    );
    expect(f?.cause).toContain('sets both ZEPPELIN_INTERPRETER_INCLUDE and ZEPPELIN_INTERPRETER_EXCLUDE');
    expect(f?.fix).toEqual({
      tool: 'set_env',
      args: {
        namespace: NS,
        deployment: 'zeppelin',
        container: 'zeppelin',
        remove: ['ZEPPELIN_INTERPRETER_EXCLUDE'],
      },
      text: expect.stringContaining('keeping the allow list ZEPPELIN_INTERPRETER_INCLUDE'),
    });
  });

  it('two settings of another sort are named with no change; one of them unset, or "mutually exclusive" of flags, is read too', () => {
    const other = log(NS, POD, ['fatal: CACHE_REDIS and CACHE_MEMCACHED are mutually exclusive']);
    const [f] = exclusiveSettingsAnalyzer.finds(
      ctx(NS, [crashing, described({ CACHE_REDIS: 'r:6379', CACHE_MEMCACHED: 'm:11211' }), other]),
    );
    expect(f?.cause).toContain('only one of them can be set');
    expect(f?.fix).toBeUndefined();
    expect(
      exclusiveSettingsAnalyzer.finds(
        ctx(NS, [crashing, described({ ZEPPELIN_INTERPRETER_INCLUDE: 'spark' }), refused]),
      ),
    ).toEqual([]);
  });

  it('stays bounded on a long line of words before "together"', () => {
    expectBounded(
      () =>
        exclusiveSettingsAnalyzer.finds(
          ctx(NS, [crashing, described({ A: 'x' }), log(NS, POD, [`${'a'.repeat(3900)} together`])]),
        ),
      () =>
        exclusiveSettingsAnalyzer.finds(
          ctx(NS, [crashing, described({ A: 'x' }), log(NS, POD, ['b'.repeat(3909)])]),
        ),
    );
  });
});

describe('daemonset-node-subset: a DaemonSet without a nodeSelector crashes on the nodes without its device', () => {
  const NS = 'device-plugins';
  const listed = observed(
    'list_pods',
    { namespace: NS },
    [
      'NAME             READY   STATUS             RESTARTS   AGE   IP            NODE',
      'gpu-plugin-4hm8c   0/1     CrashLoopBackOff   266        22h   10.244.0.19   gen-b1',
      'gpu-plugin-k2x9d   1/1     Running            0          22h   10.244.0.17   gpu-a1',
    ].join('\n'),
  );
  const ds = (extra = '') =>
    observed(
      'describe_resource',
      { kind: 'DaemonSet', name: 'gpu-plugin', namespace: NS },
      `Name:         gpu-plugin\nKind:         DaemonSet (apps/v1)\nSpec:\n  template.spec.containers[0].name: gpu-plugin${extra}`,
    );
  const node = (name: string, labels: string[], capacity: string[]) =>
    observed(
      'describe_node',
      { name },
      [
        `Name:               ${name}`,
        `Labels:             kubernetes.io/hostname=${name}`,
        ...labels.map((l) => `                    ${l}`),
        'Capacity:',
        '  cpu: 16',
        ...capacity.map((c) => `  ${c}`),
        'Allocatable:',
        '  cpu: 15900m',
      ].join('\n'),
    );
  const gpu = node('gpu-a1', ['node-pool=gpu'], ['gpu.intel.com/i915: 2']);
  const gen = node('gen-b1', ['node-pool=general'], []);

  it('reads the DaemonSet and both kinds of node, then names the label and the device', () => {
    expect(daemonSetNodeSubsetAnalyzer.reads(ctx(NS, [listed]))).toEqual([
      { tool: 'describe_resource', args: { kind: 'DaemonSet', name: 'gpu-plugin', namespace: NS } },
    ]);
    expect(daemonSetNodeSubsetAnalyzer.reads(ctx(NS, [listed, ds()]))).toEqual([
      { tool: 'describe_node', args: { name: 'gpu-a1' } },
      { tool: 'describe_node', args: { name: 'gen-b1' } },
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'gpu-plugin-4hm8c', previous: true } },
    ]);
    const deviceLog = log(
      NS,
      'gpu-plugin-4hm8c',
      ['Device scan failed: open /sys/class/drm: no such file or directory'],
      {
        previous: true,
      },
    );
    expect(daemonSetNodeSubsetAnalyzer.reads(ctx(NS, [listed, ds(), gpu, gen]))).toEqual([
      { tool: 'get_pod_logs', args: { namespace: NS, name: 'gpu-plugin-4hm8c', previous: true } },
    ]);
    const [f] = daemonSetNodeSubsetAnalyzer.finds(ctx(NS, [listed, ds(), gpu, gen, deviceLog]));
    expect(f?.object).toBe('daemonset gpu-plugin');
    expect(f?.cause).toContain('node-pool=gpu that offer gpu.intel.com/i915');
  });

  it('a DaemonSet with a nodeSelector, or nodes that differ by no device (a kernel the driver lacks), is not it', () => {
    expect(
      daemonSetNodeSubsetAnalyzer.finds(
        ctx(NS, [listed, ds('\n  template.spec.nodeSelector.node-pool: gpu'), gpu, gen]),
      ),
    ).toEqual([]);
    const newPool = node('gpu-a1', ['node-pool=a'], []);
    expect(daemonSetNodeSubsetAnalyzer.finds(ctx(NS, [listed, ds(), newPool, gen]))).toEqual([]);
  });
});

describe('glosses written for set 80', () => {
  it.each([
    [
      "Error 0: Code: MismatchingTypes, Node Id: dn3, Description: Variable [o0] (type [blob:{}]) doesn't match expected type [simple:STRING].",
      'different type',
    ],
    [
      'java.io.IOException: Missing ledger signature while reading header for /data/index/25e.idx',
      'truncated or corrupted',
    ],
  ])('%s', (line, words) => {
    expect(glossOf(line)?.means).toContain(words);
  });
});
