import { callTool, finalAnswer } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import { POD, runScript, verifyRun } from './__fixtures__/world.js';
import { extractClaims } from './claims.js';
import { VerifierError } from './errors.js';
import { groundedAnswer } from './grounded-answer.js';

const investigate = [
  callTool('list_pods', { namespace: 'shop' }),
  callTool('describe_pod', { namespace: 'shop', name: POD }),
  callTool('get_pod_logs', { namespace: 'shop', name: POD }),
];

describe('extractClaims', () => {
  it('finds names, quantities, restart counts, exit codes, reasons and quotes', () => {
    const claims = extractClaims(
      'Pod checkout-7f9c4-xk2p9 is in CrashLoopBackOff after 14 restarts: the container was OOMKilled ' +
        '(exit code 137) at its 512Mi limit, CPU at 97%. Logs say "java.lang.OutOfMemoryError: Java heap space". ' +
        'See deployment/checkout.',
    );
    expect(claims.map((c) => [c.kind, c.text])).toEqual([
      ['name', 'checkout-7f9c4-xk2p9'],
      ['reason', 'CrashLoopBackOff'],
      ['restarts', '14'],
      ['reason', 'OOMKilled'],
      ['exit_code', '137'],
      ['quantity', '512Mi'],
      ['quantity', '97%'],
      ['quote', 'java.lang.OutOfMemoryError: Java heap space'],
      ['name', 'checkout'],
    ]);
  });

  it('reads a reason that is also an English word as a claim only mid-sentence', () => {
    const claims = extractClaims('Unhealthy pods:\n- api-7f9c4-xk2p9 was Evicted. Evicted pods stay listed.');
    expect(claims.filter((c) => c.kind === 'reason').map((c) => c.text)).toEqual(['Evicted']);
    expect(claims.find((c) => c.kind === 'reason')?.index).toBe(
      'Unhealthy pods:\n- api-7f9c4-xk2p9 was '.length,
    );
  });

  it('leaves out quantities that are recommended rather than observed, and quoted commands', () => {
    const claims = extractClaims(
      'The pod was OOMKilled at 512Mi. Raise the memory limit to 1Gi, or scale to 3 replicas at 250m each; ' +
        'run "kubectl set resources deploy/checkout --limits=memory=1Gi". Memory usage rose to 97%.',
    );
    expect(claims.map((c) => c.text)).toEqual(['OOMKilled', '512Mi', 'checkout', '97%']);
  });

  it('leaves out commands, plain words and negated claims', () => {
    const claims = extractClaims(
      'Run `kubectl rollout undo deployment checkout` after a read-only check. There is no sign of ' +
        'ImagePullBackOff, and the follow-up uses utf-8 logs.',
    );
    expect(claims).toEqual([]);
  });
});

describe('groundedAnswer', () => {
  it('passes an answer whose facts all come from tool output, listing them', async () => {
    const run = await runScript([
      ...investigate,
      finalAnswer(
        `${POD} is OOMKilled (exit code 137) at its 512 MiB limit and has restarted 14 times; logs show "java.lang.OutOfMemoryError: Java heap space".`,
      ),
    ]);
    const v = await verifyRun(groundedAnswer(), run);
    expect(v.passed).toBe(true);
    expect(v.detail).toContain('exit code "137"');
    expect(v.detail).toContain('quantity "512MiB"');
  });

  it('fails and names every fact that no tool returned', async () => {
    const run = await runScript([
      callTool('list_pods', { namespace: 'shop' }),
      finalAnswer(
        `${POD} was OOMKilled with exit code 139 at 1Gi; the node reports "disk full on /var/lib" and payments-6c8d9-abcde is also down.`,
      ),
    ]);
    const v = await verifyRun(groundedAnswer(), run);
    expect(v.passed).toBe(false);
    expect(v.detail).toMatch(/^5 of 6 claim\(s\) are ungrounded/);
    for (const bad of [
      'reason "OOMKilled"',
      'exit code "139"',
      'quantity "1Gi"',
      'quoted text "disk full on /var/lib"',
      'name "payments-6c8d9-abcde"',
    ])
      expect(v.detail).toContain(bad);
    expect(v.detail).not.toContain(`name "${POD}"`);
  });

  it('fails a confident answer given without any evidence, and says so', async () => {
    const run = await runScript([finalAnswer('checkout-7f9c4-xk2p9 is CrashLoopBackOff')]);
    const v = await verifyRun(groundedAnswer(), run);
    expect(v.passed).toBe(false);
    expect(v.detail).toContain('no tool returned anything');
    expect(v.detail).toContain('name "checkout-7f9c4-xk2p9"');
  });

  it('reads "503s" as a plural as well as seconds', async () => {
    const run = await runScript([
      callTool('list_pods', { namespace: 'shop' }),
      finalAnswer('the pod restarted 14 times in 47m, 14s apart'),
    ]);
    const v = await verifyRun(groundedAnswer(), run);
    expect(v.passed).toBe(true);
    expect(
      (
        await verifyRun(
          groundedAnswer(),
          await runScript([callTool('list_pods', { namespace: 'shop' }), finalAnswer('15s apart')]),
        )
      ).passed,
    ).toBe(false);
  });

  it('does not flag facts the task itself states', async () => {
    const run = await runScript([finalAnswer('checkout-7f9c4-xk2p9 was scaled to 3 replicas at 250m')], {
      task: 'checkout-7f9c4-xk2p9 runs at 250m CPU',
    });
    const v = await verifyRun(groundedAnswer(), run, 'checkout-7f9c4-xk2p9 runs at 250m CPU');
    expect(v.passed).toBe(true);
  });

  it('counts the message of a failed tool as evidence, unless told not to', async () => {
    const run = await runScript([
      callTool('describe_pod', { namespace: 'shop', name: 'cart-5b6d8-zzzzz' }),
      finalAnswer('cart-5b6d8-zzzzz does not exist: "pods "cart-5b6d8-zzzzz" not found"'),
    ]);
    expect((await verifyRun(groundedAnswer(), run)).passed).toBe(true);
    expect((await verifyRun(groundedAnswer({ includeToolErrors: false }), run)).passed).toBe(false);
  });

  it('checks only the kinds asked for and skips ignored claims', async () => {
    const run = await runScript([
      callTool('list_pods', { namespace: 'shop' }),
      finalAnswer('exit code 1 at 2Gi'),
    ]);
    expect((await verifyRun(groundedAnswer({ kinds: ['exit_code'] }), run)).detail).toContain(
      'exit code "1"',
    );
    expect((await verifyRun(groundedAnswer({ ignore: ['1', /Gi$/] }), run)).passed).toBe(true);
  });

  it('passes a run with no answer, saying there was nothing to ground', async () => {
    const v = await groundedAnswer().verify(
      { task: 't', answer: null, trace: [], runId: 'r', stoppedReason: 'budget_exhausted' },
      { signal: new AbortController().signal },
    );
    expect(v).toEqual({
      name: 'grounded_answer',
      passed: true,
      detail: 'no answer was given, so nothing to ground',
    });
  });

  it('rejects broken options at configuration time', () => {
    expect(() => groundedAnswer({ kinds: ['names' as never] })).toThrow(VerifierError);
  });
});
