export {
  ApprovalQueue,
  type ApprovalQueueOptions,
  defaultPerson,
  type InteractiveApprover,
  type InteractiveApproverOptions,
  interactiveApprover,
  type PendingApproval,
} from './approvals.js';
export { TuiError, type TuiErrorCode } from './errors.js';
export { formatEvent, type Tone, type TraceLine } from './format.js';
export { decideMode, type ModeInput, type OutputMode, withoutCiEnv } from './mode.js';
export { type ReportView, type RunOutcome, reportViewSchema, runOutcomeSchema } from './outcome.js';
export { safeText } from './safe-text.js';
export {
  type EvalRow,
  initialState,
  type RowState,
  type RunStatus,
  type RunView,
  reduce,
  reduceAll,
  type ScoreLine,
  scoreboard,
  type TuiAction,
  type TuiState,
} from './state.js';
export { TuiStore, type TuiStoreOptions } from './store.js';
