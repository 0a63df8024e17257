import type { Verifier } from '@sre-harness/core';
import { budgetSanity } from './budget-sanity.js';
import { type ClaimedActionsOptions, claimedActions } from './claimed-actions.js';
import { type EvidenceAboutTargetOptions, evidenceAboutTarget } from './evidence-about-target.js';
import { type EvidenceRequiredOptions, evidenceRequired } from './evidence-required.js';
import { type GroundedAnswerOptions, groundedAnswer } from './grounded-answer.js';
import { type NoLoopsOptions, noLoops } from './no-loops.js';
import { noUnapprovedMutation } from './no-unapproved-mutation.js';

/** Options of `standardVerifiers`, passed through to each verifier. */
export interface StandardVerifiersOptions {
  readonly evidence?: EvidenceRequiredOptions;
  readonly grounded?: GroundedAnswerOptions;
  readonly target?: EvidenceAboutTargetOptions;
  readonly loops?: NoLoopsOptions;
  readonly claimed?: ClaimedActionsOptions;
}

/** The recommended set for an SRE agent: evidence, approvals, claimed actions, grounding, evidence about targets, no loops, budget. */
export function standardVerifiers(options: StandardVerifiersOptions = {}): Verifier[] {
  return [
    evidenceRequired(options.evidence),
    noUnapprovedMutation(),
    claimedActions(options.claimed),
    groundedAnswer(options.grounded),
    evidenceAboutTarget(options.target),
    noLoops(options.loops),
    budgetSanity(),
  ];
}
