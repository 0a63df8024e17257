export type { RetryOptions } from '@sre-harness/core/model-kit';
export {
  costOf,
  DEFAULT_SYSTEM_PROMPT,
  type ModelPrice,
  type PriceTable,
  priceFor,
} from '@sre-harness/core/model-kit';
export { OpenAIModelError, type OpenAIModelErrorCode } from './errors.js';
export { OpenAIModel, type OpenAIModelOptions, openaiModel } from './openai-model.js';
export { DEFAULT_OPENAI_PRICES } from './prices.js';
