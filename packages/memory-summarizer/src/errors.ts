const MARKER = Symbol.for('@sre-harness/memory-summarizer.error');

/** Codes for broken memory configuration; compaction outcomes are trace events, never errors. */
export type MemorySummarizerErrorCode = 'invalid_option';

/** The one error class of @sre-harness/memory-summarizer; `isInstance` works across duplicate copies. */
export class MemorySummarizerError extends Error {
  readonly [MARKER] = true;
  readonly code: MemorySummarizerErrorCode;
  readonly issues: readonly string[];

  constructor(
    code: MemorySummarizerErrorCode,
    message: string,
    options?: { cause?: unknown; issues?: string[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MemorySummarizerError';
    this.code = code;
    this.issues = options?.issues ?? [];
  }

  /** True for any MemorySummarizerError, even one created by another copy of this package. */
  static isInstance(value: unknown): value is MemorySummarizerError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
