import { callTool, finalAnswer } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { POD, runScript, verifyRun } from './__fixtures__/world.js';
import { evidenceRequired } from './evidence-required.js';

describe('evidenceRequired', () => {
  it('passes when a read returned before the answer', async () => {
    const run = await runScript([callTool('list_pods', { namespace: 'shop' }), finalAnswer('x')]);
    expect(await verifyRun(evidenceRequired(), run)).toEqual({
      name: 'evidence_required',
      passed: true,
      detail: '1 read-only result(s) before the answer from list_pods',
    });
  });

  it('fails an answer with nothing observed; mutations and failed reads are not evidence', async () => {
    const run = await runScript([
      callTool('describe_pod', { namespace: 'shop', name: 'missing-1234' }),
      callTool('restart_pod', { namespace: 'shop', name: POD }),
      finalAnswer('x'),
    ]);
    const v = await verifyRun(evidenceRequired(), run);
    expect(v.passed).toBe(false);
    expect(v.detail).toContain('no read-only tool returned a result before the answer');
  });

  it('enforces a minimum count and a required tool', async () => {
    const run = await runScript([callTool('list_pods', { namespace: 'shop' }), finalAnswer('x')]);
    expect((await verifyRun(evidenceRequired({ min: 2 }), run)).detail).toBe(
      'only 1 read-only result(s) before the answer (list_pods); at least 2 required',
    );
    expect((await verifyRun(evidenceRequired({ anyOf: ['get_pod_logs', 'describe_pod'] }), run)).detail).toBe(
      'none of the required tools (get_pod_logs, describe_pod) returned a result; read: list_pods',
    );
  });

  it('requires every tool in allOf, naming the missing ones', async () => {
    const run = await runScript([
      callTool('list_pods', { namespace: 'shop' }),
      callTool('describe_pod', { namespace: 'shop', name: POD }),
      finalAnswer('x'),
    ]);
    expect((await verifyRun(evidenceRequired({ allOf: ['describe_pod', 'list_pods'] }), run)).passed).toBe(
      true,
    );
    expect(
      (await verifyRun(evidenceRequired({ allOf: ['get_pod_logs', 'describe_pod', 'get_events'] }), run))
        .detail,
    ).toBe(
      'required evidence missing: get_pod_logs, get_events returned no result before the answer; read: list_pods, describe_pod',
    );
  });

  it('rejects a minimum below one', () => {
    expect(() => evidenceRequired({ min: 0 })).toThrow(/min/);
  });
});
