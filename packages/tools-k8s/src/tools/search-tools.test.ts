import type { AnyTool } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { K8sError } from '../errors.js';
import { createSimCluster } from '../sim/sim-cluster.js';
import type { WorldInput } from '../sim/world-schema.js';
import { type K8sToolsOptions, k8sTools } from './k8s-tools.js';
import { searchLog, shownLine } from './log-search.js';

const ctx = { signal: new AbortController().signal, runId: 'test', callId: 'c1' };

function setup(world: WorldInput, options: K8sToolsOptions = {}) {
  const cluster = createSimCluster({ nodes: [{ name: 'node-1', cpu: '8', memory: '32Gi' }], ...world });
  const tools = new Map(k8sTools(cluster, options).map((t) => [t.name, t] as const));
  const call = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const tool = tools.get(name) as AnyTool;
    return String(await tool.execute(tool.input.parse(args), ctx));
  };
  return { cluster, call };
}

describe('searchLog', () => {
  const log = ['start', 'GET / 200', 'ERROR db timeout', 'GET / 200', 'GET / 200', 'FATAL exiting', ''].join(
    '\n',
  );

  it('numbers matches and context like grep -n -C, with -- between groups', () => {
    const r = searchLog(`${log}\n`, { pattern: 'error|fatal', context: 1 });
    expect(r).toMatchObject({ lines: 7, matches: 2, shown: 2 });
    expect(r.text).toBe(
      ['2-GET / 200', '3:ERROR db timeout', '4-GET / 200', '5-GET / 200', '6:FATAL exiting', '7-'].join('\n'),
    );
    const apart = searchLog(['a', 'x', 'b', 'c', 'd', 'x', 'e'].join('\n'), { pattern: 'x', context: 1 });
    expect(apart.text).toBe(['1-a', '2:x', '3-b', '--', '5-d', '6:x', '7-e'].join('\n'));
  });

  it('keeps the newest matches, honours case, and cuts long lines between code points', () => {
    expect(searchLog(log, { pattern: 'GET', maxMatches: 1, context: 0 }).text).toBe('5:GET / 200');
    expect(searchLog(log, { pattern: 'error', ignoreCase: false }).matches).toBe(0);
    const long = `x${'😀'.repeat(50)}`;
    const cut = searchLog(long, { pattern: 'x', maxLineChars: 20 }).text;
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('keeps the end of a long line, where a nested error names its cause, and the match when it falls between', () => {
    const line = `level=error msg="Error backing up item" error="restic backup --repo=s3:${'x'.repeat(1200)} with error: exit status 3 stderr: Warning: at least one source file could not be read" name=es-1`;
    const shown = searchLog(line, { pattern: 'Error backing up' }).text;
    expect(shown.length).toBeLessThanOrEqual(1002);
    expect(shown).toMatch(/^1:level=error msg="Error backing up item"/);
    expect(shown).toContain(' … ');
    expect(shown).toMatch(/at least one source file could not be read" name=es-1$/);
    // A match in the part a start-and-end cut leaves out is shown between them.
    const mid = `start ${'a'.repeat(300)} NEEDLE here ${'b'.repeat(300)} the end`;
    const found = searchLog(mid, { pattern: 'needle', maxLineChars: 200 }).text;
    expect(found).toContain('NEEDLE here');
    expect(found).toMatch(/^1:start a+ … .*NEEDLE here.* … b+ the end$/);
    expect(found.length - 2).toBeLessThanOrEqual(200);
  });

  it.each([
    ['start', 5],
    ['middle', 450],
    ['near the end', 860],
    ['at the end', 895],
  ])('shows a long line within its limit with the match in view (match at the %s)', (_, at) => {
    const text = `${'😀'.repeat(at / 2)}${'z'.repeat(at % 2)}MATCH${'😀'.repeat((900 - at) / 2)}`;
    const i = text.indexOf('MATCH');
    for (const max of [40, 41, 100, 257, 400]) {
      const shown = shownLine(text, max, { at: i, length: 5 });
      expect(shown.length).toBeLessThanOrEqual(max);
      expect(shown).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      if (max >= 100) expect(shown).toContain('MATCH');
    }
  });
});

describe('search_pod_logs and log generators', () => {
  const world: WorldInput = {
    namespaces: ['app'],
    deployments: [
      {
        name: 'api',
        namespace: 'app',
        containers: [
          {
            name: 'api',
            image: 'api:1',
            behavior: {
              logs: [
                'boot',
                { repeat: 'GET /healthz 200 req={i}', every: '1s', for: '20h' },
                {
                  needle: 'ERROR pool exhausted: 50/50 connections in use',
                  in: 30_000,
                  filler: ['GET /orders 200', 'GET /cart 200'],
                },
                'last line',
              ],
            },
          },
        ],
      },
    ],
  };

  it('finds one needle in 100,000 generated lines that the log tail never shows', async () => {
    const { cluster, call } = setup(world);
    const pod = cluster.listNow({ kind: 'Pod', namespace: 'app' })[0]!.metadata!.name!;
    const tail = await call('get_pod_logs', { namespace: 'app', name: pod });
    expect(tail).not.toContain('pool exhausted');
    expect(tail).toMatch(/GET \/(orders|cart) 200\nlast line$/);
    const found = await call('search_pod_logs', {
      namespace: 'app',
      name: pod,
      pattern: 'pool exhausted',
      lines: 100_000,
    });
    // 102,002 lines in all; the newest 100,000 are searched, numbered from the first of them.
    expect(found).toMatch(/^1 line\(s\) match "pool exhausted" in the newest 100000 line\(s\) read\n/);
    expect(found).toContain(`${1 + 72_000 + 12_000 - 2_002}:ERROR pool exhausted`);
    expect(
      await call('search_pod_logs', {
        namespace: 'app',
        name: pod,
        pattern: 'req=72000',
        context: 0,
        lines: 100_000,
      }),
    ).toContain(':GET /healthz 200 req=72000');
    expect(await call('search_pod_logs', { namespace: 'app', name: pod, pattern: 'panic' })).toMatch(
      /^no line matches "panic"/,
    );
  });

  it('rejects a generator that asks for too many lines, naming the field', () => {
    expect(() =>
      createSimCluster({
        deployments: [
          {
            name: 'x',
            containers: [
              { name: 'x', image: 'x:1', behavior: { logs: [{ repeat: 'y', every: '1s', for: '30d' }] } },
            ],
          },
        ],
      }),
    ).toThrow(/deployments\[0\]\.containers\[0\]\.behavior\.logs\[0\].*200000/);
    try {
      createSimCluster({
        deployments: [
          { name: 'x', containers: [{ name: 'x', image: 'x:1', behavior: { logs: [{ repeat: 'y' }] } }] },
        ],
      });
      expect.unreachable();
    } catch (error) {
      expect(K8sError.isInstance(error) && error.message).toMatch(/give times, or every and for/);
    }
  });
});

describe('find_objects', () => {
  const world: WorldInput = {
    namespaces: ['shop', 'namespace-78a', 'ops'],
    deployments: [
      { name: 'checkout', namespace: 'shop', containers: [{ name: 'c', image: 'c:1' }] },
      { name: 'checkout-worker', namespace: 'ops', containers: [{ name: 'w', image: 'w:1' }] },
    ],
    objects: [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'checkout-config', namespace: 'shop' },
        data: {},
      },
    ],
  };

  it('finds a named object in any namespace, exact names first, namespaces included', async () => {
    const { call } = setup(world);
    const text = await call('find_objects', { name: 'Checkout' });
    const rows = text.split('\n').slice(1);
    expect(rows[0]).toMatch(/^Deployment\s+shop\s+checkout\s/);
    expect(text).toMatch(/Deployment\s+ops\s+checkout-worker/);
    expect(text).toMatch(/ConfigMap\s+shop\s+checkout-config/);
    expect(text).toMatch(/Pod\s+shop\s+checkout-\S+\s+Running/);
    expect(await call('find_objects', { name: '78a' })).toMatch(/Namespace\s+-\s+namespace-78a/);
    expect(await call('find_objects', { name: 'nothing-here' })).toBe(
      'no object whose name contains "nothing-here"',
    );
  });

  it('searches the custom resources the cluster serves by default, not built-in kinds outside its list', async () => {
    const { call } = setup({
      ...world,
      objects: [
        ...(world.objects ?? []),
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'ServiceMonitor',
          metadata: { name: 'checkout', namespace: 'shop', labels: { release: 'checkout' } },
          spec: { selector: { matchLabels: { app: 'checkout' } }, endpoints: [{ port: 'metrics' }] },
        },
      ],
    });
    const text = await call('find_objects', { name: 'checkout' });
    expect(text).toMatch(/ServiceMonitor\s+shop\s+checkout\s/);
    // ReplicaSets and Endpoints are the cluster's own, not in the default list.
    expect(text).not.toMatch(/^(?:ReplicaSet|Endpoints)\s/m);
    expect(await call('find_objects', { name: 'checkout', kinds: ['Deployment'] })).not.toContain(
      'ServiceMonitor',
    );
  });

  it('stays inside the namespaces an agent is confined to, and notes kinds it could not search', async () => {
    const { call } = setup(world, { namespaces: ['shop'] });
    const text = await call('find_objects', {
      name: 'checkout',
      kinds: ['Deployment', 'Namespace', 'Widget'],
    });
    expect(text).toMatch(/Deployment\s+shop\s+checkout/);
    expect(text).not.toContain('ops');
    expect(text).toMatch(/\[not searched: Widget: /);
  });
});

describe('log reads stay bounded', () => {
  it('keeps the newest lines within the character cap, whatever the world asks for', async () => {
    const { logTail } = await import('../sim/log-lines.js');
    const lines = logTail([{ repeat: 'x'.repeat(1000), times: 200_000 }, 'last'], undefined, 100_000);
    expect(lines.at(-1)).toBe('last');
    expect(lines.join('\n').length).toBeLessThanOrEqual(100_000);
    expect(logTail(['a', { needle: 'N', in: 5, filler: ['f{i}'], at: 4 }, 'z'], 3)).toEqual(['N', 'f5', 'z']);
  });
});

describe('what an attack on the log tools found', () => {
  const many = (n: number, lines: number): WorldInput => ({
    namespaces: ['app'],
    pods: [
      {
        name: 'busy',
        namespace: 'app',
        containers: Array.from({ length: n }, (_, i) => ({
          name: `sidecar-${i}-${'z'.repeat(50)}`,
          image: 'x:1',
          behavior: { logs: [{ repeat: `line {i} ${'p'.repeat(100)}`, times: lines }] },
        })),
      },
    ],
  });

  it('keeps a multi-container pod within the output cap, the Defaulted note included', async () => {
    const { call } = setup(many(40, 1000));
    const text = await call('get_pod_logs', { namespace: 'app', name: 'busy', tail: 5000 });
    expect(text.length).toBeLessThanOrEqual(8000);
    expect(text).toMatch(/^Defaulted container "sidecar-0-z+" out of: .*, … \(40 in all\)/);
  });

  it('keeps the newest matches when the search output is cut, and says what it read', async () => {
    const { call } = setup(many(1, 1000));
    const text = await call('search_pod_logs', {
      namespace: 'app',
      name: 'busy',
      pattern: 'line',
      maxMatches: 200,
      context: 0,
    });
    expect(text.length).toBeLessThanOrEqual(8000);
    expect(text).toMatch(
      /^1000 line\(s\) match "line" in the newest 1000 line\(s\) read; the newest 200 shown\n\[output cut: older matches/,
    );
    expect(text.trimEnd().endsWith(`1000:line 1000 ${'p'.repeat(100)}`)).toBe(true);
  });

  it('refuses a pattern with no non-blank alternative', () => {
    const { cluster } = setup(many(1, 1));
    const tool = k8sTools(cluster).find((t) => t.name === 'search_pod_logs')!;
    expect(() => tool.input.parse({ namespace: 'app', name: 'busy', pattern: ' | |' })).toThrow(
      /no non-blank alternative/,
    );
  });

  it('reads a newest line longer than the read limit cut, not as nothing', async () => {
    const { logTail } = await import('../sim/log-lines.js');
    expect(logTail(['FATAL boom', 'x'.repeat(50)], undefined, 20)).toEqual(['x'.repeat(20)]);
  });

  it('rejects generators that contradict themselves, naming the field', async () => {
    const bad = (logs: unknown[]) => () =>
      createSimCluster({
        deployments: [{ name: 'x', containers: [{ name: 'x', image: 'x:1', behavior: { logs } }] }],
      } as WorldInput);
    expect(bad([{ repeat: 'y', every: 0, for: '2h' }])).toThrow(
      /logs\[0\]\.every: every must be longer than 0s/,
    );
    expect(bad([{ repeat: 'y', times: 3, every: '1s', for: '1h' }])).toThrow(/not both/);
    expect(bad([{ needle: 'N', in: 5, filler: 'f', at: 50 }])).toThrow(
      /logs\[0\]\.at: at must be at most in/,
    );
    const c = createSimCluster({
      deployments: [
        {
          name: 'x',
          containers: [
            { name: 'x', image: 'x:1', behavior: { logs: [{ repeat: 'y', every: 0.4, for: 100 }] } },
          ],
        },
      ],
    });
    const pod = c.listNow({ kind: 'Pod' })[0]!.metadata!.name!;
    const text = await c.podLogs({ namespace: 'default', name: pod, tail: 100_000 });
    expect(text.split('\n').filter(Boolean)).toHaveLength(250);
  });
});
