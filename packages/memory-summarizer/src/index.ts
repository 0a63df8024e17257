export { MemorySummarizerError, type MemorySummarizerErrorCode } from './errors.js';
export {
  ExtractiveSummarizer,
  type ExtractiveSummarizerOptions,
  extractiveSummarizer,
} from './extractive-summarizer.js';
export { ModelSummarizer, type ModelSummarizerOptions, modelSummarizer } from './model-summarizer.js';
export type { FoldRequest, Summarizer } from './summarizer.js';
export { SummarizingMemory, type SummarizingMemoryOptions, summarizingMemory } from './summarizing-memory.js';
export { estimatedTokenCounter, o200kTokenCounter, type TokenCounter } from './tokens.js';
