import type { VerifyInput } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { answerExpectations } from './answer-expectations.js';
import { VerifierError } from './errors.js';

const signal = new AbortController().signal;
const input = (answer: string | null): VerifyInput => ({
  task: 'checkout is flapping',
  answer,
  trace: [],
  runId: 'r',
  stoppedReason: answer === null ? 'budget_exhausted' : 'completed',
});

describe('answerExpectations', () => {
  it('stems words that name members of Object.prototype like any other word', () => {
    const v = answerExpectations({ mustMention: ['constructor', 'toString'] });
    const r = v.verify(
      {
        task: 't',
        answer: 'two constructors fail in toStrings',
        trace: [],
        runId: 'r',
        stoppedReason: 'completed',
      },
      { signal: new AbortController().signal },
    );
    expect(r).toMatchObject({ passed: true });
  });

  const oom = answerExpectations({
    mustMention: [['OOMKilled', 'out of memory', /\bOOM\b/], 'memory limit'],
    mustNotClaim: ['image pull', /network\s+polic(y|ies)/i],
  });

  it('passes when every expectation is met, using any synonym', async () => {
    const v = await oom.verify(input('The container ran Out Of Memory: raise its memory\nlimit.'), {
      signal,
    });
    expect(v).toEqual({
      name: 'answer_expectations',
      passed: true,
      detail: 'mentions all 2 expected item(s) and makes none of the 2 forbidden claim(s)',
    });
  });

  it('lists each missing mention and each forbidden claim, with where it was made', async () => {
    const v = await oom.verify(input('The Network Policy blocks egress; restart the pod.'), { signal });
    expect(v.passed).toBe(false);
    expect(v.detail).toBe(
      'the answer does not mention one of ["OOMKilled", "out of memory", /\\bOOM\\b/], "memory limit"; and it claims what it must not: /network\\s+polic(y|ies)/i (at "The Network Policy blocks egress; restart t…")',
    );
  });

  it('does not count a denied claim as a claim, unless asked to', async () => {
    const answer = 'OOMKilled at the memory limit; this is not an image pull problem.';
    expect((await oom.verify(input(answer), { signal })).passed).toBe(true);
    const strict = answerExpectations({ mustNotClaim: ['image pull'], negationAware: false });
    expect((await strict.verify(input(answer), { signal })).passed).toBe(false);
  });

  it('reads "nothing" and "nobody" as denials, within the clause only, and not a modal', async () => {
    const v = answerExpectations({ mustNotClaim: ['OOMKilled'] });
    const denied = [
      'Memory sits at the cap by design and nothing has been OOMKilled.',
      'Nobody reported an OOMKilled container.',
      "The heap levels off and hadn't been OOMKilled.",
    ];
    for (const a of denied) expect((await v.verify(input(a), { signal })).passed, a).toBe(true);
    // A cue in an earlier clause does not deny a later claim.
    const claimed = 'Nothing else is wrong. The worker was OOMKilled twice.';
    expect((await v.verify(input(claimed), { signal })).passed).toBe(false);
    // "cannot" states what the claim causes, it does not deny it.
    const modal = 'The worker cannot keep up because it was OOMKilled twice.';
    expect((await v.verify(input(modal), { signal })).passed).toBe(false);
  });

  it('matches whole words only, so OOM does not match inside ZOOM', async () => {
    const v = answerExpectations({ mustMention: ['OOM'] });
    expect((await v.verify(input('ZOOMED in'), { signal })).passed).toBe(false);
    expect((await v.verify(input('an OOM kill'), { signal })).passed).toBe(true);
  });

  it('matches plurals and other inflections of a phrase by word stems, not other words', async () => {
    const v = answerExpectations({ mustMention: ['PersistentVolumeClaim', ['throttl', 'CPU limit']] });
    const ok = await v.verify(input('Both PersistentVolumeClaims are Pending; the pod is being throttled.'), {
      signal,
    });
    expect(ok.passed).toBe(true);
    expect((await v.verify(input('The PersistentVolume is throttling writes'), { signal })).passed).toBe(
      false,
    );
    const probe = answerExpectations({ mustMention: ['readiness probes fail'] });
    expect((await probe.verify(input('the Readiness probe failed twice'), { signal })).passed).toBe(true);
  });

  it('keeps Kubernetes terms apart that Porter stems would merge', async () => {
    const no = answerExpectations({ mustNotClaim: ['scheduler', 'readiness', 'container limit'] });
    const ok = await no.verify(
      input(
        'The CronJob schedule is wrong; after the fix the pods became Ready and the LimitRange contains limits.',
      ),
      { signal },
    );
    expect(ok.passed).toBe(true);
    const need = answerExpectations({ mustMention: ['liveness', 'statuses'] });
    expect((await need.verify(input('The service is live again; status is fine'), { signal })).passed).toBe(
      false,
    );
    expect(
      (await need.verify(input('Liveness probes failed; both statuses show it'), { signal })).passed,
    ).toBe(true);
    expect(
      (await need.verify(input('The liveness probe failed; the status shows it'), { signal })).passed,
    ).toBe(true);
  });

  it('rejects wrong advice named in mustNotClaim, in any inflection, unless it is denied', async () => {
    const v = answerExpectations({
      mustMention: ['exec probe'],
      mustNotClaim: ['point the probe at the port', 'httpGet'],
    });
    const wrong = await v.verify(
      input('The exec probe runs a missing script; pointing the probe at the port fixes it.'),
      {
        signal,
      },
    );
    expect(wrong.passed).toBe(false);
    expect(wrong.detail).toContain('"point the probe at the port" (at "');
    const right = await v.verify(
      input(
        'The exec probe runs a script the image lacks; do not point the probe at the port, fix the command.',
      ),
      { signal },
    );
    expect(right.passed).toBe(true);
  });

  it('is stable across repeated calls with global regular expressions', async () => {
    const v = answerExpectations({ mustMention: [/oom/gi], mustNotClaim: [/disk/g] });
    for (let i = 0; i < 3; i++)
      expect((await v.verify(input('oom, not disk... disk full'), { signal })).passed).toBe(false);
  });

  it('fails a missing answer when something had to be mentioned', async () => {
    const v = await oom.verify(input(null), { signal });
    expect(v.passed).toBe(false);
    expect(v.detail).toMatch(/^no answer was given; expected it to mention/);
    expect((await answerExpectations({ mustNotClaim: ['x'] }).verify(input(null), { signal })).passed).toBe(
      true,
    );
  });

  it('passes vacuously, saying so, when no expectations are given (as a scenario may declare)', async () => {
    expect(
      await answerExpectations({ mustMention: [], mustNotClaim: [] }).verify(input('x'), { signal }),
    ).toEqual({
      name: 'answer_expectations',
      passed: true,
      detail: 'no expectations were given, so there was nothing to check',
    });
  });

  it('takes a name, and rejects malformed expectations', () => {
    expect(answerExpectations({ mustMention: ['a'], name: 'root_cause' }).name).toBe('root_cause');
    expect(() => answerExpectations({ mustMention: [''] })).toThrow(VerifierError);
    expect(() => answerExpectations({ mustMention: [[]] })).toThrow(/mustMention/);
  });
});
