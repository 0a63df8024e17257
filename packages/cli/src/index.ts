export { type Io, main } from './program.js';
export { type FileVerification, formatVerification, verifyFile } from './verify-command.js';
