export { costOf, type ModelPrice, type PriceTable, priceFor } from './prices.js';
export {
  abortableSleep,
  backoffMs,
  type RetryOptions,
  type RetryPolicy,
  retryAfterMs,
  retryPolicy,
} from './retry.js';
export { DEFAULT_SYSTEM_PROMPT, describeTool, hideSecret, userMessage } from './system-prompt.js';
