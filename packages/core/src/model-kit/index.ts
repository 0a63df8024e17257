export { costOf, type ModelPrice, type PriceTable, priceFor } from './prices.js';
export {
  type AttemptFailure,
  abortableSleep,
  backoffMs,
  causeText,
  type HttpFailureCode,
  httpFailureCode,
  type RetryHooks,
  type RetryOptions,
  type RetryPolicy,
  retryAfterMs,
  retryPolicy,
  withRetries,
} from './retry.js';
export { DEFAULT_SYSTEM_PROMPT, describeTool, hideSecret, userMessage } from './system-prompt.js';
