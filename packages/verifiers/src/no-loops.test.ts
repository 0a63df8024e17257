import { callTool, finalAnswer } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { POD, runScript, verifyRun } from './__fixtures__/world.js';
import { noLoops } from './no-loops.js';

const describePod = (args: object = { namespace: 'shop', name: POD }) => callTool('describe_pod', args);

describe('noLoops', () => {
  it('fails the same call made more than N times with nothing changed, listing the steps', async () => {
    const run = await runScript([describePod(), describePod(), describePod(), finalAnswer('x')]);
    const v = await verifyRun(noLoops(), run);
    expect(v.passed).toBe(false);
    expect(v.detail).toContain(
      `describe_pod {"namespace":"shop","name":"${POD}"} made 3 times (steps 1, 2, 3)`,
    );
    expect((await verifyRun(noLoops({ maxRepeats: 3 }), run)).passed).toBe(true);
  });

  it('treats arguments that differ only in key order as the same call', async () => {
    const run = await runScript([
      describePod({ namespace: 'shop', name: POD }),
      describePod({ name: POD, namespace: 'shop' }),
      describePod({ namespace: 'shop', name: POD }),
      finalAnswer('x'),
    ]);
    expect((await verifyRun(noLoops(), run)).passed).toBe(false);
  });

  it('resets the count when a mutation runs in between', async () => {
    const run = await runScript([
      describePod(),
      describePod(),
      callTool('restart_pod', { namespace: 'shop', name: POD }),
      describePod(),
      describePod(),
      finalAnswer('x'),
    ]);
    const v = await verifyRun(noLoops(), run);
    expect(v.passed).toBe(true);
    expect(v.detail).toBe('5 call(s), none repeated more than 2 time(s) without a change in between');
  });

  it('passes different calls and a run without calls', async () => {
    const run = await runScript([
      describePod(),
      callTool('get_pod_logs', { namespace: 'shop', name: POD }),
      describePod({ namespace: 'shop', name: 'other-1234' }),
      finalAnswer('x'),
    ]);
    expect((await verifyRun(noLoops(), run)).passed).toBe(true);
    const none = await runScript([finalAnswer('x')]);
    expect((await verifyRun(noLoops(), none)).detail).toBe('no tool calls were made');
  });

  it('rejects a limit below one', () => {
    expect(() => noLoops({ maxRepeats: 0 })).toThrow(/maxRepeats/);
  });
});
