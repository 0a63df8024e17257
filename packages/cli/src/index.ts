export { type KeygenResult, writeKeyPair } from './keygen-command.js';
export { type Io, main } from './program.js';
export {
  expandPaths,
  type FileVerification,
  formatVerification,
  groupTraces,
  readAnchor,
  UsageError,
  type VerifyCommandOptions,
  verifyFile,
} from './verify-command.js';
