export { AnthropicModel, type AnthropicModelOptions, anthropicModel } from './anthropic-model.js';
export { AnthropicModelError, type AnthropicModelErrorCode } from './errors.js';
export { costOf, DEFAULT_ANTHROPIC_PRICES, type ModelPrice, type PriceTable, priceFor } from './prices.js';
export type { RetryOptions } from './retry.js';
export { DEFAULT_SYSTEM_PROMPT } from './system-prompt.js';
