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
export {
  buildReport,
  type EvalRunSet,
  EXIT,
  type FinishedEval,
  finishEval,
  reportFiles,
} from './eval-report.js';
export { formatEvent, type Tone, type TraceLine } from './format.js';
export { type MainIo, main } from './main.js';
export { decideMode, type ModeInput, type OutputMode, withoutCiEnv } from './mode.js';
export {
  outcomeKind,
  type ReportView,
  type RunOutcome,
  refusedCount,
  reportViewSchema,
  runOutcomeSchema,
} from './outcome.js';
export { safeText } from './safe-text.js';
export {
  type EvalRow,
  type EvalVerdict,
  initialState,
  MAX_RUN_LINES,
  type RowState,
  type RunStatus,
  type RunView,
  reduce,
  reduceAll,
  type ScoreLine,
  STATE_MARK,
  scoreboard,
  type TuiAction,
  type TuiState,
} from './state.js';
export { TuiStore, type TuiStoreOptions } from './store.js';
