export {
  type AllowCheck,
  Allowlist,
  type AllowRule,
  type ArgMatcher,
  type ArgMatchers,
  argAt,
  matchesArg,
} from './allowlist.js';
export {
  type ApprovalDecision,
  type ApprovalRequest,
  type Approver,
  allowExactCalls,
  callbackApprover,
  denyAll,
  type PolicyOptions,
  type PolicyRule,
  policyApprover,
} from './approvals.js';
export { callHash, canonicalJson } from './canonical.js';
export { describeError, HarnessError, type HarnessErrorCode } from './errors.js';
export {
  createHarness,
  type Guardrails,
  type Harness,
  type HarnessOptions,
  type RunOptions,
  type RunResult,
} from './harness.js';
export {
  fenceToolOutput,
  formatObservation,
  type Memory,
  type MemoryContext,
  type MemoryOption,
  type Observation,
  type ObservationStatus,
  type SummaryEntry,
  TOOL_OUTPUT_CLOSE,
  TOOL_OUTPUT_OPEN,
  type TranscriptEntry,
  WindowMemory,
  type WindowMemoryOptions,
  windowMemory,
} from './memory.js';
export {
  addUsage,
  type DecideRequest,
  type Decision,
  decisionSchema,
  type Model,
  reasoningPartSchema,
  type ToolCallRequest,
  type Usage,
} from './model.js';
export { REDACTION_RULES, type Redactor, redactSecrets } from './redact.js';
export { type ReplayFileOptions, ReplayModel, type ReplayModelOptions } from './replay-model.js';
export { cancelOnSignals, type SignalCancellation } from './signals.js';
export { cutText, cutTextEnd, previewText, sliceText } from './text.js';
export {
  type AnyTool,
  defineTool,
  type JsonSchema,
  type Tool,
  type ToolContext,
  type ToolDescriptor,
  ToolRegistry,
  type ToolSpec,
} from './tool.js';
export {
  type AnchorRecord,
  AsyncIterableSink,
  type CheckpointRecord,
  callbackSink,
  ed25519Key,
  JsonlFileSink,
  type JsonlSinkOptions,
  LINE_HASH_SUFFIX,
  type LinkRecord,
  lineHash,
  MemorySink,
  type RefusalReason,
  type StoppedReason,
  type ToolErrorReason,
  TRACE_VERSION,
  type TraceEnvelope,
  type TraceEvent,
  type TraceEventInput,
  type TraceEventOf,
  type TraceSink,
  teeSink,
  traceEventBodySchema,
  traceKeyId,
} from './trace.js';
export { anchorRecordSchema } from './trace-events.js';
export {
  type ParsedTrace,
  type ParseTraceOptions,
  parseTrace,
  readTraceFile,
  type TraceRun,
  traceRuns,
} from './trace-reader.js';
export {
  streamLines,
  type TraceProblem,
  type TraceVerification,
  TraceVerifier,
  type VerifyTraceOptions,
  verifyTrace,
  verifyTraceFiles,
} from './trace-verify.js';
export {
  type AssistantMessage,
  DEFAULT_SUMMARY_HEADER,
  isWireId,
  type ReasoningPart,
  resultHeader,
  stepLine,
  type TextPart,
  type ToolResultPart,
  type Transcript,
  TranscriptBuilder,
  type TranscriptCall,
  type TranscriptMessage,
  toolResults,
  toTranscript,
  transcriptText,
  type UserMessage,
  type UserPart,
} from './transcript.js';
export type { Verification, Verifier, VerifyInput } from './verifier.js';
