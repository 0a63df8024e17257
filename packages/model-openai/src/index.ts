export { OpenAIModelError, type OpenAIModelErrorCode } from './errors.js';
export { OpenAIModel, type OpenAIModelOptions, openaiModel } from './openai-model.js';
export { costOf, DEFAULT_OPENAI_PRICES, type ModelPrice, type PriceTable, priceFor } from './prices.js';
export type { RetryOptions } from './retry.js';
export { DEFAULT_SYSTEM_PROMPT } from './system-prompt.js';
