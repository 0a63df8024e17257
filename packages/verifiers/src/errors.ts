const MARKER = Symbol.for('@sre-harness/verifiers.error');

/** Codes for broken verifier configuration; a failed check is a result, never an error. */
export type VerifierErrorCode = 'invalid_option';

/** The one error class of @sre-harness/verifiers; `isInstance` works across duplicate copies of the package. */
export class VerifierError extends Error {
  readonly [MARKER] = true;
  readonly code: VerifierErrorCode;
  readonly issues: readonly string[];

  constructor(code: VerifierErrorCode, message: string, options?: { cause?: unknown; issues?: string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VerifierError';
    this.code = code;
    this.issues = options?.issues ?? [];
  }

  /** True for any VerifierError, even one created by another copy of this package. */
  static isInstance(value: unknown): value is VerifierError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}
