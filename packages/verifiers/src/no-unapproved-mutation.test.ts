import { callHash, type TraceEvent } from '@sre-harness/core';
import { callTool, finalAnswer } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { POD, runScript, verifyRun } from './__fixtures__/world.js';
import { noUnapprovedMutation } from './no-unapproved-mutation.js';

const signal = new AbortController().signal;
const base = { v: 1, ts: '2026-11-24T08:00:00.000Z', runId: 'r' };
const args = { namespace: 'shop', name: POD };

function traceWith(approval: Partial<TraceEvent> | null, requested = true): TraceEvent[] {
  let seq = 0;
  const ev = (e: object) => ({ ...base, seq: seq++, ...e }) as TraceEvent;
  return [
    ev({
      kind: 'run_start',
      task: 't',
      tools: [{ name: 'restart_pod', mutating: true }],
      allow: [],
      maxSteps: 5,
    }),
    ev({ kind: 'tool_call', step: 1, callId: 'c1', tool: 'restart_pod', args, mutating: true }),
    ...(requested
      ? [
          ev({
            kind: 'approval_requested',
            step: 1,
            callId: 'c1',
            tool: 'restart_pod',
            args,
            argsHash: callHash('restart_pod', args),
          }),
        ]
      : []),
    ...(approval
      ? [
          ev({
            kind: 'approval',
            step: 1,
            callId: 'c1',
            tool: 'restart_pod',
            argsHash: callHash('restart_pod', args),
            granted: true,
            by: 'oncall',
            ...approval,
          }),
        ]
      : []),
    ev({
      kind: 'tool_result',
      step: 1,
      callId: 'c1',
      tool: 'restart_pod',
      output: 'deleted',
      chars: 7,
      truncated: false,
      durationMs: 1,
    }),
  ];
}

const verify = (trace: TraceEvent[]) =>
  noUnapprovedMutation().verify(
    { task: 't', answer: 'a', trace, runId: 'r', stoppedReason: 'completed' },
    { signal },
  );

describe('noUnapprovedMutation', () => {
  it('passes a real run whose mutation the approver granted', async () => {
    const run = await runScript([callTool('restart_pod', args), finalAnswer('done')]);
    expect((await verifyRun(noUnapprovedMutation(), run)).detail).toBe(
      '1 mutating call(s) ran, each with its own approval for the exact arguments',
    );
  });

  it('fails a mutation that ran without approval, naming the call and its arguments', async () => {
    const v = await verify(traceWith(null));
    expect(v.passed).toBe(false);
    expect(v.detail).toBe(
      `restart_pod {"namespace":"shop","name":"${POD}"} (call c1, step 1) ran without a granted approval`,
    );
  });

  it('fails an approval bound to other arguments, another tool, or with no request', async () => {
    expect((await verify(traceWith({ argsHash: 'sha256:other' }))).detail).toContain('hash differs');
    expect((await verify(traceWith({ tool: 'scale_deployment' }))).detail).toContain(
      'was approved as scale_deployment',
    );
    expect((await verify(traceWith({}, false))).detail).toContain('no approval_requested event');
    expect((await verify(traceWith({ granted: false }))).passed).toBe(false);
  });

  it('passes a run with no mutation', async () => {
    const run = await runScript([callTool('list_pods', { namespace: 'shop' }), finalAnswer('x')]);
    expect((await verifyRun(noUnapprovedMutation(), run)).detail).toBe('no mutating tool ran');
  });

  describe('arguments the redactor masked', () => {
    const shownArgs = { namespace: 'shop', name: POD, value: '<redacted>' };
    const realHash = callHash('restart_pod', { namespace: 'shop', name: POD, value: 'hunter2-real' });
    /** The trace with the approval request showing `shown` and carrying `shownArgsHash` (when given). */
    const masked = (shown: object, shownArgsHash?: string) =>
      traceWith({ argsHash: realHash }).map((e) =>
        e.kind === 'approval_requested'
          ? ({
              ...e,
              args: shown,
              argsHash: realHash,
              ...(shownArgsHash ? { shownArgsHash } : {}),
            } as TraceEvent)
          : e,
      );
    it('passes when the shown arguments hash to shownArgsHash', async () => {
      const v = await verify(masked(shownArgs, callHash('restart_pod', shownArgs)));
      expect(v.passed).toBe(true);
    });
    it('fails when the shown arguments were changed after the approval', async () => {
      const v = await verify(masked({ ...shownArgs, __tampered: true }, callHash('restart_pod', shownArgs)));
      expect(v.passed).toBe(false);
      expect(v.detail).toContain('(as shown, redacted) whose hash differs');
    });
    it('fails closed when masked arguments come without shownArgsHash', async () => {
      const v = await verify(masked(shownArgs));
      expect(v.passed).toBe(false);
      expect(v.detail).toContain('no shownArgsHash');
    });
  });
});
