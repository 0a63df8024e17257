export type { RetryOptions } from '@sre-harness/core/model-kit';
export {
  costOf,
  DEFAULT_SYSTEM_PROMPT,
  type ModelPrice,
  type PriceTable,
  priceFor,
} from '@sre-harness/core/model-kit';
export { AnthropicModel, type AnthropicModelOptions, anthropicModel } from './anthropic-model.js';
export { AnthropicModelError, type AnthropicModelErrorCode } from './errors.js';
export { DEFAULT_ANTHROPIC_PRICES } from './prices.js';
