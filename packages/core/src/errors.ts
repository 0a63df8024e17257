const MARKER = Symbol.for('@sre-harness/core.error');

/** Codes for broken configuration or programmer errors; expected run outcomes are data, never errors. */
export type HarnessErrorCode =
  | 'duplicate_tool'
  | 'invalid_tool_name'
  | 'invalid_tool'
  | 'invalid_schema'
  | 'invalid_option'
  | 'unknown_tool'
  | 'script_exhausted'
  | 'script_incomplete'
  | 'trace_write_failed'
  | 'invalid_trace'
  | 'replay_mismatch'
  | 'replay_exhausted'
  | 'replay_model_failed';

/** The one error class of the core family; `isInstance` works across duplicate copies of the package. */
export class HarnessError extends Error {
  readonly [MARKER] = true;
  readonly code: HarnessErrorCode;

  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
    this.code = code;
  }

  /** True for any HarnessError, even one created by another copy of @sre-harness/core. */
  static isInstance(value: unknown): value is HarnessError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** Short, single-line text for any thrown value, for observations and trace events. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message ? `${error.name}: ${error.message}` : error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
