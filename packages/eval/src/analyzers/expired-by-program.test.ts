// Table test of expired-by-program: what the person lost by number, removed by the program's own expiry.
import { describe, expect, it } from 'vitest';
import { expiredByProgramAnalyzer } from './expired-by-program.js';
import { ctx, describedPodText, log, observed, table } from './observed.fixture.js';

const NS = 'notebooks';
const POD = 'gateway-9qqt4qj2z4-6ks5h';
const TASK =
  'Since Monday our notebooks lose their kernel session in the middle of long cells: the cell fails with "Session \'731\' not found". I think the gateway is crashing. Why do sessions disappear?';
const gatewayLog = (lines: string[]) => log(NS, POD, lines);
const describe_ = observed(
  'describe_pod',
  { namespace: NS, name: POD },
  describedPodText({ ns: NS, name: POD, container: 'gateway', configMaps: ['gateway-conf'] }),
);
const conf = (name: string, lines: string[]) =>
  observed(
    'get_resource',
    { kind: 'ConfigMap', name, namespace: NS },
    ['data:', '  gateway.conf: |', ...lines.map((l) => `    ${l}`)].join('\n'),
  );
const maps = observed(
  'list_resources',
  { kind: 'ConfigMap', namespace: NS },
  table([
    ['NAME', 'DATA', 'AGE'],
    ['gateway-conf', '1', '3d'],
    ['gateway-conf-before-chart', '1', '3d'],
    ['other', '1', '90d'],
  ]),
);
const REMOVAL =
  '2026-04-09 13:10:02 INFO SessionManager: Deleting session 731 because it was inactive for longer than the idle timeout.';

describe('expired-by-program', () => {
  it('reads the pod, its ConfigMap, the list and a kept copy, then names the removal and the changed limit', () => {
    const l = gatewayLog(['INFO session 731 created', REMOVAL, 'WARN Session 731 not found']);
    expect(expiredByProgramAnalyzer.reads(ctx(NS, [l], TASK))).toEqual([
      { tool: 'describe_pod', args: { namespace: NS, name: POD } },
    ]);
    expect(expiredByProgramAnalyzer.reads(ctx(NS, [l, describe_], TASK))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'gateway-conf', namespace: NS } },
    ]);
    const now = conf('gateway-conf', [
      'server.port = 8998',
      'session.idle-timeout = 1h',
      'session.timeout-check = true',
    ]);
    expect(expiredByProgramAnalyzer.reads(ctx(NS, [l, describe_, now], TASK))).toEqual([
      { tool: 'list_resources', args: { kind: 'ConfigMap', namespace: NS } },
    ]);
    expect(expiredByProgramAnalyzer.reads(ctx(NS, [l, describe_, now, maps], TASK))).toEqual([
      { tool: 'get_resource', args: { kind: 'ConfigMap', name: 'gateway-conf-before-chart', namespace: NS } },
    ]);
    const before = conf('gateway-conf-before-chart', [
      'session.idle-timeout = 12h',
      'session.timeout-check = true',
    ]);
    const [f] = expiredByProgramAnalyzer.finds(ctx(NS, [l, describe_, now, maps, before], TASK));
    expect(f?.cause).toContain('Deleting session 731 because it was inactive');
    expect(f?.cause).toContain('session.idle-timeout = 1h (ConfigMap gateway-conf)');
    expect(f?.cause).toContain(
      'gateway-conf-before-chart, a kept copy, has session.idle-timeout = 12h (now 1h)',
    );
    expect(f?.cause).not.toContain('timeout-check = true (ConfigMap');
    expect(f?.advice).toContain('set the limit back');
  });

  it.each([
    ['the task names no number', TASK.replace("'731'", "'abc'"), [REMOVAL]],
    ['the number is not said to be lost', 'Session 731 is slow to answer. Why?', [REMOVAL]],
    ['the log only says it is not found', TASK, ['WARN Session 731 not found']],
    ['a removal without a reason', TASK, ['INFO Deleting session 731']],
    ['another number removed', TASK, ['INFO Deleting session 7310 because it was inactive']],
  ])('finds nothing when %s', (_, task, lines) => {
    const c = ctx(NS, [gatewayLog(lines), describe_], task);
    expect(expiredByProgramAnalyzer.finds(c)).toEqual([]);
    expect(expiredByProgramAnalyzer.reads(c)).toEqual([]);
  });

  it('names the limit without a copy when none is kept', () => {
    const l = gatewayLog([REMOVAL]);
    const now = conf('gateway-conf', ['session.idle-timeout = 1h']);
    const list = observed(
      'list_resources',
      { kind: 'ConfigMap', namespace: NS },
      table([
        ['NAME', 'DATA', 'AGE'],
        ['gateway-conf', '1', '3d'],
      ]),
    );
    expect(expiredByProgramAnalyzer.reads(ctx(NS, [l, describe_, now, list], TASK))).toEqual([]);
    const [f] = expiredByProgramAnalyzer.finds(ctx(NS, [l, describe_, now, list], TASK));
    expect(f?.cause).toContain('session.idle-timeout = 1h');
    expect(f?.cause).not.toContain('kept copy');
    expect(f?.advice).toContain('raise the timeout');
  });
});
