export { costOf, type ModelPrice, type PriceTable, priceFor } from './prices.js';
export {
  type AttemptFailure,
  abortableSleep,
  backoffMs,
  causeText,
  type HttpFailureCode,
  httpFailureCode,
  isBodyReadFailure,
  onAbort,
  type RetryHooks,
  type RetryOptions,
  type RetryPolicy,
  requestSignal,
  retryAfterMs,
  retryPolicy,
  withRetries,
} from './retry.js';
export { DEFAULT_SYSTEM_PROMPT, describeTool, hideSecret, userMessage } from './system-prompt.js';
export { type AdaptedToolSchema, adaptToolSchema, type ProviderTools, providerTools } from './tool-schema.js';
