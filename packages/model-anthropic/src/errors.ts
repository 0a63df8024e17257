const MARKER = Symbol.for('@sre-harness/model-anthropic.error');

/** What went wrong talking to the model; `retryable` codes were retried before this was thrown. */
export type AnthropicModelErrorCode =
  | 'missing_key'
  | 'invalid_option'
  | 'auth'
  | 'permission'
  | 'bad_request'
  | 'not_found'
  | 'rate_limited'
  | 'overloaded'
  | 'server'
  | 'connection'
  | 'timeout'
  | 'empty_response'
  | 'invalid_response'
  | 'cancelled';

/** The one error class of this package; its message never holds the API key. */
export class AnthropicModelError extends Error {
  readonly [MARKER] = true;
  readonly code: AnthropicModelErrorCode;
  /** HTTP status of the last response, when there was one. */
  readonly status: number | undefined;
  /** How many HTTP attempts were made before giving up. */
  readonly attempts: number;

  constructor(
    code: AnthropicModelErrorCode,
    message: string,
    options: { status?: number; attempts?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AnthropicModelError';
    this.code = code;
    this.status = options.status;
    this.attempts = options.attempts ?? 0;
  }

  /** True for any AnthropicModelError, even one created by another copy of this package. */
  static isInstance(value: unknown): value is AnthropicModelError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
