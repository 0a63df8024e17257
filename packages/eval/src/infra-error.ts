import { httpFailureCode } from '@sre-harness/core/model-kit';

/**
 * Model adapter error codes that mean the model never got to answer: the endpoint, the key, the quota
 * or the server failed. A run that ends on one of these is an infrastructure `error`, not the agent's
 * `fail`. Codes that mean the model answered with something unusable (`invalid_response`,
 * `empty_response`) stay the model's fault, as do invalid decisions.
 */
export const INFRASTRUCTURE_CODES: ReadonlySet<string> = new Set([
  'missing_key',
  'auth',
  'permission',
  'not_found',
  'bad_request',
  'rate_limited',
  'overloaded',
  'server',
  'connection',
  'timeout',
]);

/** Node and undici error codes of a connection that could not be made or was lost. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
]);

/** Why a run's model never answered, as an adapter's error code (and the last HTTP status). */
export interface InfrastructureCause {
  readonly code: string;
  readonly status?: number;
}

/**
 * The infrastructure failure behind a model's thrown error, or undefined when the error is the
 * model's own (an unusable response) or unknown. Reads the adapters' `code` (OpenAIModelError,
 * AnthropicModelError and adapters shaped like them), a bare HTTP error `status` (an SDK's own
 * error), and Node's network error codes, anywhere in the cause chain.
 */
export function infrastructureCause(error: unknown): InfrastructureCause | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 6 && typeof e === 'object' && e !== null; depth++) {
    const { code, status } = e as { code?: unknown; status?: unknown };
    const httpStatus = typeof status === 'number' && Number.isInteger(status) ? status : undefined;
    if (typeof code === 'string') {
      if (INFRASTRUCTURE_CODES.has(code))
        return httpStatus === undefined ? { code } : { code, status: httpStatus };
      if (NETWORK_CODES.has(code)) return { code: 'connection' };
      // An adapter that classified the failure as the model's own (an unusable response) has said so.
      if (depth === 0 && /ModelError$/.test(String((e as { name?: unknown }).name))) return undefined;
    }
    if (httpStatus !== undefined && httpStatus >= 400 && httpStatus <= 599)
      return { code: httpFailureCode(httpStatus), status: httpStatus };
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One line saying what an infrastructure error code means, for the console and reports. */
export function infrastructureHint(code: string): string {
  switch (code) {
    case 'connection':
      return 'endpoint unreachable';
    case 'timeout':
      return 'no response in time';
    case 'auth':
    case 'missing_key':
      return 'API key missing or rejected';
    case 'permission':
      return 'not permitted';
    case 'not_found':
      return 'model or endpoint not found';
    case 'rate_limited':
      return 'rate limit or quota exhausted';
    case 'overloaded':
      return 'server overloaded';
    case 'server':
      return 'server error';
    case 'bad_request':
      return 'request rejected';
    default:
      return 'infrastructure error';
  }
}
