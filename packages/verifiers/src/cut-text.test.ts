import type { TraceEvent, VerifyInput } from '@sre-harness/core';
import { describe, expect, it } from 'vitest';
import { answerExpectations } from './answer-expectations.js';
import { claimedActions, findClaimedActions } from './claimed-actions.js';
import { showArgs } from './trace-facts.js';

// Verifier details quote untrusted text (the model's answer, its call arguments) and are cut to stay
// short; a cut inside an emoji would leave a lone surrogate, invalid UTF-16, in reports and traces.
const EMOJI = '😀';
const LONE_SURROGATE = /\p{Cs}/u;
const signal = new AbortController().signal;
const input = (answer: string, trace: TraceEvent[] = []): VerifyInput => ({
  task: 't',
  answer,
  trace,
  runId: 'r',
  stoppedReason: 'completed',
});

describe('verifier details never split an emoji', () => {
  it('showArgs, at every cut position', () => {
    const args = { note: EMOJI.repeat(20) };
    const json = JSON.stringify(args);
    let splitsNaively = false;
    for (let max = 9; max <= 20; max++) {
      const out = showArgs(args, max);
      expect(out, `max ${max}`).not.toMatch(LONE_SURROGATE);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out.endsWith('…')).toBe(true);
      splitsNaively ||= LONE_SURROGATE.test(json.slice(0, max - 1));
    }
    expect(splitsNaively).toBe(true);
  });

  it('claimedActions quotes an unsupported claim cut between code points', async () => {
    let splitsNaively = false;
    for (let pad = 0; pad < 3; pad++) {
      const answer = `I restarted the pooler ${'x'.repeat(pad)}${EMOJI.repeat(40)}`;
      const [claim] = findClaimedActions(answer, []);
      expect(claim).toBeDefined();
      splitsNaively ||= LONE_SURROGATE.test(claim!.text.slice(0, 80));
      const v = await claimedActions().verify(input(answer), { signal });
      expect(v.passed).toBe(false);
      expect(v.detail, `pad ${pad}`).not.toMatch(LONE_SURROGATE);
      expect(v.detail).toContain('"restarted the pooler');
    }
    expect(splitsNaively).toBe(true);
  });

  it('answerExpectations quotes a forbidden claim in an excerpt cut between code points at both ends', async () => {
    const verifier = answerExpectations({ mustNotClaim: ['network policy'] });
    let splitsNaively = false;
    for (let pad = 0; pad < 3; pad++) {
      const answer = `${EMOJI.repeat(20)}${'x'.repeat(pad)} network policy ${'y'.repeat(pad)}${EMOJI.repeat(20)}`;
      const at = answer.indexOf('network policy');
      splitsNaively ||= LONE_SURROGATE.test(answer.slice(at - 25, at + 'network policy'.length + 25));
      const v = await verifier.verify(input(answer), { signal });
      expect(v.passed).toBe(false);
      expect(v.detail, `pad ${pad}`).not.toMatch(LONE_SURROGATE);
      expect(v.detail).toMatch(/\(at "….*network policy.*…"\)/u);
    }
    expect(splitsNaively).toBe(true);
  });
});
