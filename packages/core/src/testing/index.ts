export {
  type ConformanceCheck,
  type ConformanceResult,
  deepFreeze,
  type RegisterOptions,
  registerConformance,
  runConformance,
  type TestRegistrar,
} from './conformance.js';
export {
  describeMemoryConformance,
  type MemoryConformanceOptions,
  memoryConformance,
} from './memory-conformance.js';
export { callTool, callTools, finalAnswer, ScriptedModel, type ScriptStep } from './scripted-model.js';
export {
  describeVerifierConformance,
  sampleVerifyInputs,
  type VerifierCase,
  type VerifierConformanceOptions,
  verifierConformance,
} from './verifier-conformance.js';
