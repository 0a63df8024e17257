const MARKER = Symbol.for('@sre-harness/tui.error');

/** Codes for bad command-line input or unreadable files; run outcomes are data, never errors. */
export type TuiErrorCode = 'invalid_option' | 'invalid_report' | 'io_error';

/** The one error class of the TUI; `isInstance` works across duplicate copies of the package. */
export class TuiError extends Error {
  readonly [MARKER] = true;
  readonly code: TuiErrorCode;

  constructor(code: TuiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TuiError';
    this.code = code;
  }

  /** True for any TuiError, even one created by another copy of @sre-harness/tui. */
  static isInstance(value: unknown): value is TuiError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
