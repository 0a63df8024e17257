import { callTool, finalAnswer } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { POD, runScript, verifyRun } from './__fixtures__/world.js';
import { defaultTarget, evidenceAboutTarget } from './evidence-about-target.js';

describe('evidenceAboutTarget', () => {
  it('passes a mutation made after describing that same object, and says which read justified it', async () => {
    const run = await runScript([
      callTool('describe_pod', { namespace: 'shop', name: POD }),
      callTool('restart_pod', { namespace: 'shop', name: POD }),
      finalAnswer('restarted'),
    ]);
    const v = await verifyRun(evidenceAboutTarget(), run);
    expect(v.passed).toBe(true);
    expect(v.detail).toContain(`after describe_pod of shop/${POD} (step 1)`);
  });

  it('fails a mutation of an object the run never looked at, naming it', async () => {
    const run = await runScript([
      callTool('describe_pod', { namespace: 'shop', name: POD }),
      callTool('restart_pod', { namespace: 'shop', name: 'cart-5b6d8-q7w2e' }),
      finalAnswer('restarted'),
    ]);
    const v = await verifyRun(evidenceAboutTarget(), run);
    expect(v.passed).toBe(false);
    expect(v.detail).toContain('changed shop/cart-5b6d8-q7w2e with no earlier successful read of it');
  });

  it('counts a listing whose output names the object, and says it was a mention', async () => {
    const run = await runScript([
      callTool('list_pods', { namespace: 'shop' }),
      callTool('restart_pod', { namespace: 'shop', name: 'cart-5b6d8-q7w2e' }),
      finalAnswer('restarted'),
    ]);
    const v = await verifyRun(evidenceAboutTarget(), run);
    expect(v.passed).toBe(true);
    expect(v.detail).toContain('after list_pods, whose output names cart-5b6d8-q7w2e (step 1)');
    expect((await verifyRun(evidenceAboutTarget({ mentions: false }), run)).passed).toBe(false);
  });

  it('does not count a listing of another namespace, or a read that failed', async () => {
    const otherNs = await runScript([
      callTool('list_pods', { namespace: 'payments' }),
      callTool('restart_pod', { namespace: 'shop', name: 'cart-5b6d8-q7w2e' }),
      finalAnswer('restarted'),
    ]);
    expect((await verifyRun(evidenceAboutTarget(), otherNs)).passed).toBe(false);
    const failedRead = await runScript([
      callTool('describe_pod', { namespace: 'shop', name: 'cart-5b6d8-q7w2e' }),
      callTool('restart_pod', { namespace: 'shop', name: 'cart-5b6d8-q7w2e' }),
      finalAnswer('restarted'),
    ]);
    expect((await verifyRun(evidenceAboutTarget(), failedRead)).passed).toBe(false);
  });

  it('counts a read of a pod named after the deployment it then changes', async () => {
    const run = await runScript([
      callTool('describe_pod', { namespace: 'shop', name: POD }),
      callTool('set_resources', {
        namespace: 'shop',
        deployment: 'checkout',
        container: 'app',
        memoryLimit: '1Gi',
      }),
      finalAnswer('raised the limit'),
    ]);
    const v = await verifyRun(evidenceAboutTarget({ mentions: false }), run);
    expect(v.passed).toBe(true);
    expect(v.detail).toContain('named after it');
    expect((await verifyRun(evidenceAboutTarget({ mentions: false, ownedByName: false }), run)).passed).toBe(
      false,
    );
  });

  it('requires the read to come before the mutation', async () => {
    const run = await runScript([
      callTool('restart_pod', { namespace: 'shop', name: POD }),
      callTool('describe_pod', { namespace: 'shop', name: POD }),
      finalAnswer('restarted'),
    ]);
    expect((await verifyRun(evidenceAboutTarget(), run)).passed).toBe(false);
  });

  it('takes a custom target function, so it works for tools that are not Kubernetes', async () => {
    const run = await runScript([
      callTool('describe_pod', { namespace: 'shop', name: POD }),
      callTool('restart_pod', { namespace: 'shop', name: POD }),
      finalAnswer('restarted'),
    ]);
    // Every call is about one fixed object, so the describe counts for anything.
    const v = await verifyRun(evidenceAboutTarget({ target: () => ({ name: 'svc-1' }) }), run);
    expect(v.passed).toBe(true);
    // A target function that throws is treated as "no target", never as a crash.
    const throwing = evidenceAboutTarget({
      target: () => {
        throw new Error('boom');
      },
    });
    expect((await verifyRun(throwing, run)).detail).toContain('could not tell the target of restart_pod');
  });

  it('reads namespace and name, deployment or pod from arguments by default', () => {
    expect(defaultTarget({ tool: 't', args: { namespace: 'a', deployment: 'b' } })).toEqual({
      namespace: 'a',
      name: 'b',
    });
    expect(defaultTarget({ tool: 't', args: { kind: 'Node', name: 'n1' } })).toEqual({ name: 'n1' });
    expect(defaultTarget({ tool: 't', args: 'x' })).toBeUndefined();
    expect(defaultTarget({ tool: 't', args: { namespace: 'a' } })).toBeUndefined();
  });
});
