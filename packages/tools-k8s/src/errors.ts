const MARKER = Symbol.for('@sre-harness/tools-k8s.error');

/** Codes of @sre-harness/tools-k8s errors: Kubernetes-style API failures and broken configuration. */
export type K8sErrorCode =
  | 'not_found'
  | 'invalid'
  | 'bad_request'
  | 'forbidden'
  | 'conflict'
  | 'already_exists'
  | 'gone'
  | 'too_many'
  | 'unsupported_media'
  | 'unavailable'
  | 'unknown_kind'
  | 'invalid_world'
  | 'invalid_option'
  | 'api_error'
  | 'aborted'
  | 'too_large'
  | 'unauthorized';

/** One problem in a world description, with the dotted path of the offending field. */
export interface WorldIssue {
  readonly path: string;
  readonly message: string;
}

/** The one error class of @sre-harness/tools-k8s; `isInstance` works across duplicate copies of the package. */
export class K8sError extends Error {
  readonly [MARKER] = true;
  readonly code: K8sErrorCode;
  /** The HTTP status a Kubernetes API server would answer with, when the error is an API failure. */
  readonly status: number | undefined;
  readonly issues: readonly WorldIssue[];

  constructor(
    code: K8sErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; issues?: readonly WorldIssue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.issues = options.issues ?? [];
    // Reads like kubectl's own errors when the harness prints `name: message`.
    this.name = API_NAMES[code] ?? 'K8sError';
  }

  /** True for any K8sError, even one created by another copy of @sre-harness/tools-k8s. */
  static isInstance(value: unknown): value is K8sError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

const API_NAMES: Partial<Record<K8sErrorCode, string>> = {
  not_found: 'Error from server (NotFound)',
  invalid: 'Error from server (Invalid)',
  bad_request: 'Error from server (BadRequest)',
  forbidden: 'Error from server (Forbidden)',
  conflict: 'Error from server (Conflict)',
  already_exists: 'Error from server (AlreadyExists)',
  gone: 'Error from server (Expired)',
  unavailable: 'Error from server (ServiceUnavailable)',
  too_large: 'Error from server (RequestEntityTooLarge)',
  unauthorized: 'error: You must be logged in to the server (Unauthorized)',
};

/** Kubernetes Status reason for each API error code. */
export const STATUS_REASONS: Partial<Record<K8sErrorCode, { reason: string; code: number }>> = {
  not_found: { reason: 'NotFound', code: 404 },
  invalid: { reason: 'Invalid', code: 422 },
  bad_request: { reason: 'BadRequest', code: 400 },
  forbidden: { reason: 'Forbidden', code: 403 },
  conflict: { reason: 'Conflict', code: 409 },
  already_exists: { reason: 'AlreadyExists', code: 409 },
  gone: { reason: 'Expired', code: 410 },
  too_many: { reason: 'TooManyRequests', code: 429 },
  unsupported_media: { reason: 'UnsupportedMediaType', code: 415 },
  unavailable: { reason: 'ServiceUnavailable', code: 503 },
  unknown_kind: { reason: 'NotFound', code: 404 },
  too_large: { reason: 'RequestEntityTooLarge', code: 413 },
  unauthorized: { reason: 'Unauthorized', code: 401 },
};
