import { MemorySink } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { defaultPerson, interactiveApprover } from './approvals.js';
import { runDemo } from './demo.js';

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('interactiveApprover', () => {
  it('holds a mutation until a person approves and records who did', async () => {
    const approver = interactiveApprover({
      person: 'alice',
      describeTarget: (req) => `deployment ${(req.args as { name: string }).name}: 1/3 ready`,
    });
    const sink = new MemorySink();
    const done = runDemo({ trace: sink, approver });
    await waitFor(() => approver.queue.getSnapshot().length === 1);
    const [pending] = approver.queue.getSnapshot();
    expect(pending!.request.tool).toBe('restart_deployment');
    expect(pending!.target).toBe('deployment checkout: 1/3 ready');
    // The read-only run did not wait for the person.
    expect(sink.ofKind('stop')).toHaveLength(1);
    expect(approver.queue.answer(pending!.id, true)).toBe(true);
    expect(approver.queue.answer(pending!.id, true)).toBe(false);
    await done;
    expect(sink.ofKind('approval')).toEqual([
      expect.objectContaining({ granted: true, by: 'alice', tool: 'restart_deployment' }),
    ]);
    expect(sink.ofKind('tool_result').map((e) => e.tool)).toContain('restart_deployment');
    expect(approver.queue.getSnapshot()).toEqual([]);
  });

  it('a denial refuses the call and is attributed to the person', async () => {
    const approver = interactiveApprover({ person: 'bob' });
    const sink = new MemorySink();
    const done = runDemo({ trace: sink, approver });
    await waitFor(() => approver.queue.getSnapshot().length === 1);
    approver.queue.answer(approver.queue.getSnapshot()[0]!.id, false);
    await done;
    expect(sink.ofKind('approval')[0]).toMatchObject({ granted: false, by: 'bob' });
    expect(sink.ofKind('tool_refused')[0]).toMatchObject({ reason: 'approval_denied' });
  });

  it('a cancelled run withdraws its question, and closing denies what is left', async () => {
    const approver = interactiveApprover({ person: 'carol' });
    const controller = new AbortController();
    const sink = new MemorySink();
    const done = runDemo({ trace: sink, approver, signal: controller.signal });
    await waitFor(() => approver.queue.getSnapshot().length === 1);
    controller.abort();
    await done;
    expect(approver.queue.getSnapshot()).toEqual([]);
    expect(sink.ofKind('tool_result').map((e) => e.tool)).not.toContain('restart_deployment');

    const second = interactiveApprover({ person: 'dave' });
    const sink2 = new MemorySink();
    const done2 = runDemo({ trace: sink2, approver: second });
    await waitFor(() => second.queue.getSnapshot().length === 1);
    second.queue.denyAll();
    await done2;
    expect(sink2.ofKind('approval')[0]).toMatchObject({ granted: false, by: 'dave' });
  });

  it('names the person from the environment by default', () => {
    expect(defaultPerson({ USER: 'erin' })).toBe('erin');
    expect(defaultPerson({ USERNAME: 'frank' })).toBe('frank');
    expect(defaultPerson({})).toBe('operator');
  });
});
