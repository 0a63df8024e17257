const MARKER = Symbol.for('@sre-harness/eval.error');

/** Codes for broken input or configuration of the eval; run outcomes are data, never errors. */
export type EvaluationErrorCode =
  | 'invalid_scenario'
  | 'duplicate_scenario'
  | 'no_scenarios'
  | 'invalid_report'
  | 'incompatible_reports'
  | 'invalid_option'
  | 'unknown_model'
  | 'io_error'
  | 'invalid_harness';

/** One problem found in an input file, with where it is. */
export interface EvalIssue {
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  readonly column?: number;
  /** Dotted path inside the file, e.g. `expect.rootCause.mustMention[0]`. */
  readonly path: string;
  readonly message: string;
}

/** The one error class of the eval package; `isInstance` works across duplicate copies of the package. */
export class EvaluationError extends Error {
  readonly [MARKER] = true;
  readonly code: EvaluationErrorCode;
  readonly issues: readonly EvalIssue[];

  constructor(
    code: EvaluationErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly EvalIssue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EvaluationError';
    this.code = code;
    this.issues = options.issues ?? [];
  }

  /** True for any EvaluationError, even one created by another copy of @sre-harness/eval. */
  static isInstance(value: unknown): value is EvaluationError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** One line per issue: `file:line:column path: message`. */
export function formatIssue(issue: EvalIssue): string {
  const where =
    issue.line === undefined
      ? issue.file
      : `${issue.file}:${issue.line}${issue.column ? `:${issue.column}` : ''}`;
  return `${where} ${issue.path || '(file)'}: ${issue.message}`;
}
