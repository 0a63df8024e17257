export { BaselineSreModel } from './baseline-model.js';
export {
  type Comparison,
  compareReports,
  formatComparison,
  type MetricDiff,
  type SetDifference,
  type Tolerance,
} from './compare.js';
export { simEnvironment, snapshotView } from './environment.js';
export { type EvalIssue, EvaluationError, type EvaluationErrorCode, formatIssue } from './errors.js';
export {
  type AgentCommandOptions,
  type AgentExit,
  agentLabel,
  type ExternalAgent,
  type ExternalRunOptions,
  externalAgents,
  MAX_ANSWER_BYTES,
  planExternalRuns,
  runAgentCommand,
  runEvalWithAgents,
  runExternalAgents,
} from './external-agent.js';
export {
  DEFAULT_HARNESS,
  defineHarnessConfig,
  type HarnessConfig,
  type HarnessConfigGuardrails,
  type HarnessEntry,
  loadHarness,
  validateHarnessConfig,
} from './harness-config.js';
export { INFRASTRUCTURE_CODES, type InfrastructureCause, infrastructureCause } from './infra-error.js';
export { createJudge, judgePrompt, modelJudge, parseVerdict } from './judge.js';
export { memoryFromSpec } from './memory-option.js';
export { DEFAULT_MODELS, type ExternalModelFactory, resolveModels } from './models.js';
export {
  createPersona,
  findInstructions,
  isPersona,
  type ModelContext,
  type ModelFactory,
  PERSONA_DESCRIPTIONS,
  PERSONAS,
  type PersonaName,
} from './personas.js';
export { gateOnPlantedSecrets, LEAKED_SECRET_MASK } from './planted.js';
export { main as runCli } from './program.js';
export {
  type ErrorCause,
  type ModelSummary,
  mergeReports,
  parseReport,
  REPORT_VERSION,
  type Report,
  type RunConfig,
  type RunOutcome,
  type RunRecord,
  reportScenarios,
  reportSchema,
  reportTotals,
  runOutcome,
  type ScenarioModelSummary,
  type Summary,
  sortRuns,
  summarize,
  type Verdict,
  versions,
} from './report.js';
export { consoleSummary, consoleTable, junitXml, markdownSummary } from './reporters.js';
export {
  type ApproverContext,
  type EnvironmentFactory,
  evalVerifiers,
  grantsApprover,
  type Judge,
  type ModelEntry,
  modelLabel,
  type PlannedRun,
  type ProgressEvent,
  planRuns,
  type RunEvalOptions,
  runEval,
  type ScenarioEnvironment,
  taskFor,
} from './runner.js';
export {
  type LoadedScenario,
  loadScenarioFile,
  loadScenarios,
  type ParseOutcome,
  parseScenario,
} from './scenario-loader.js';
export {
  type EndStateCheck,
  SCENARIO_SCHEMA_VERSION,
  type Scenario,
  type ScenarioInput,
  scenarioJsonSchema,
  scenarioSchema,
} from './scenario-schema.js';
export {
  ALL_CLEAR_CLAIMS,
  allClearClaim,
  type CheckResult,
  type ClusterView,
  checkEvidence,
  checkRootCause,
  type HarnessStops,
  type JudgedRubric,
  judgedRubric,
  NEGATIVE_CONTROL_TAGS,
  scoreRun,
} from './scoring.js';
export { findScenariosDir, selectScenarios } from './selection.js';
export {
  type AuditRecord,
  type ServedMutation,
  type ServedWorld,
  type ServeScenarioOptions,
  serveScenario,
  type ToolCall,
  toolCallsFor,
} from './served-world.js';
export type { ViewInput, ViewOptions } from './view/data.js';
export { renderViewHtml } from './view/html.js';
