import { describe, expect, it } from 'vitest';
import type { SeenObservation } from '../observations.js';
import { nodeReplacedAnalyzer, restartsFromNodeReplacement } from './node-replaced.js';

/** A kubectl table: columns padded to their widest cell and two spaces. */
const table = (rows: string[][]) =>
  rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(Math.max(...rows.map((x) => (x[i] ?? '').length)) + 2))
        .join('')
        .trimEnd(),
    )
    .join('\n');
const pods = (restarts: string, ready = '1/1'): SeenObservation => ({
  step: 1,
  tool: 'list_pods',
  args: { namespace: 'rt' },
  status: 'ok',
  content: table([
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE'],
    ['p-1', ready, 'Running', restarts, '2d', '10.0.0.1', 'n1'],
    ['p-2', '1/1', 'Running', '0', '2d', '10.0.0.2', 'n2'],
  ]),
});
const nodes = (a1: string, a2: string): SeenObservation => ({
  step: 2,
  tool: 'list_nodes',
  args: {},
  status: 'ok',
  content: table([
    ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    ['n1', 'Ready', '<none>', a1, 'v1.32.0'],
    ['n2', 'Ready', '<none>', a2, 'v1.32.0'],
  ]),
});

describe('restartsFromNodeReplacement: an old restart that came with its node', () => {
  it.each([
    // [RESTARTS, node ages, pods, every node that young]
    ['1 (2d ago)', ['2d', '2d'], ['p-1'], true],
    ['1 (47h ago)', ['2d', '90d'], ['p-1'], false],
    // The node is far older than the restart: the restart is not its replacement.
    ['1 (2d ago)', ['90d', '90d'], undefined, undefined],
    // A recent restart is not "long past" (a crash loop may be going on).
    ['4 (3m ago)', ['2d', '2d'], undefined, undefined],
  ])('%s on nodes %j', (restarts, ages, matched, all) => {
    const r = restartsFromNodeReplacement([pods(restarts), nodes(ages[0]!, ages[1]!)], 'rt');
    expect(r?.pods).toEqual(matched);
    expect(r?.allNodes).toBe(all);
  });
  it('does not read a pod that is not Ready now', () => {
    expect(restartsFromNodeReplacement([pods('1 (2d ago)', '0/1'), nodes('2d', '2d')], 'rt')).toBeUndefined();
  });
  it('asks for the nodes once an old restart is listed, and notes the replacement', () => {
    const ctx = { task: 't', ns: 'rt', hints: [], seen: [pods('1 (2d ago)')] };
    expect(nodeReplacedAnalyzer.reads(ctx)).toEqual([{ tool: 'list_nodes', args: {} }]);
    expect(
      nodeReplacedAnalyzer.notes?.({ ...ctx, seen: [pods('1 (2d ago)'), nodes('2d', '2d')] })?.[0],
    ).toMatch(/node pool was replaced.*No action needed/);
  });
});
