export { type AnswerExpectationsOptions, answerExpectations, type Pattern } from './answer-expectations.js';
export { type BudgetSanityOptions, budgetSanity } from './budget-sanity.js';
export {
  type ClaimedActionsOptions,
  claimedActions,
  findClaimedActions,
} from './claimed-actions.js';
export { type Claim, type ClaimKind, extractClaims } from './claims.js';
export { VerifierError, type VerifierErrorCode } from './errors.js';
export {
  type CallInfo,
  defaultTarget,
  type EvidenceAboutTargetOptions,
  evidenceAboutTarget,
  type TargetRef,
} from './evidence-about-target.js';
export { type EvidenceRequiredOptions, evidenceRequired } from './evidence-required.js';
export { type GroundedAnswerOptions, groundedAnswer } from './grounded-answer.js';
export { type NoLoopsOptions, noLoops } from './no-loops.js';
export { noUnapprovedMutation } from './no-unapproved-mutation.js';
export { type StandardVerifiersOptions, standardVerifiers } from './standard.js';
export { type CallRecord, callsById, mutatingTools, readTrace } from './trace-facts.js';
