export { type EvidenceRequiredOptions, evidenceRequired } from './evidence-required.js';
export { noUnapprovedMutation } from './no-unapproved-mutation.js';
export { type CallRecord, callsById, mutatingTools } from './trace-facts.js';
