import type { Verifier } from '@sre-harness/core';
import { describeVerifierConformance, sampleVerifyInputs } from '@sre-harness/core/testing';
import { describe, expect, it } from 'vitest';
import {
  answerExpectations,
  budgetSanity,
  claimedActions,
  evidenceAboutTarget,
  evidenceRequired,
  groundedAnswer,
  noLoops,
  noUnapprovedMutation,
  standardVerifiers,
} from './index.js';

const all: [string, () => Verifier][] = [
  ['evidenceRequired', () => evidenceRequired({ min: 1 })],
  ['noUnapprovedMutation', () => noUnapprovedMutation()],
  ['groundedAnswer', () => groundedAnswer()],
  ['evidenceAboutTarget', () => evidenceAboutTarget()],
  ['noLoops', () => noLoops()],
  [
    'answerExpectations',
    () => answerExpectations({ mustMention: [['OOMKilled', 'out of memory']], mustNotClaim: ['database'] }),
  ],
  ['budgetSanity', () => budgetSanity()],
  ['claimedActions', () => claimedActions()],
];

for (const [name, factory] of all) describeVerifierConformance(name, factory, { describe, it });

describe('the verifiers on the kit’s sample runs', () => {
  it('tell the good run from the bad ones', async () => {
    const [investigation, fix, confused, exhausted, modelError] = await sampleVerifyInputs();
    const verdicts = async (input: typeof investigation) =>
      Object.fromEntries(
        await Promise.all(
          standardVerifiers().map(async (v) => {
            const r = await v.verify(input!, { signal: new AbortController().signal });
            return [r.name, r.passed] as const;
          }),
        ),
      );
    expect(await verdicts(investigation)).toEqual({
      evidence_required: true,
      no_unapproved_mutation: true,
      claimed_actions: true,
      grounded_answer: true,
      evidence_about_target: true,
      no_loops: true,
      budget_sanity: true,
    });
    expect(await verdicts(fix)).toMatchObject({
      evidence_about_target: true,
      no_unapproved_mutation: true,
      claimed_actions: true,
    });
    expect(await verdicts(confused)).toMatchObject({ evidence_required: false });
    expect(await verdicts(exhausted)).toMatchObject({ no_loops: false, budget_sanity: false });
    expect(await verdicts(modelError)).toMatchObject({ budget_sanity: false });
  });
});
