/** How failed requests are retried: exponential backoff with jitter, honouring the server's retry-after. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  readonly maxRetries?: number;
  /** First backoff delay; each retry doubles it. Default 500 ms. */
  readonly baseDelayMs?: number;
  /**
   * Longest wait between attempts, the backoff's ceiling. A server asking (retry-after) for a longer
   * wait than this is not retried: the error is returned at once. Default 30 s.
   */
  readonly maxDelayMs?: number;
  /** Waits between attempts; replace it in tests to record the delays instead of sleeping. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1). Default Math.random. */
  readonly random?: () => number;
}

/** The retry settings with defaults applied. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
}

/** The callbacks waiting on one signal, and the one abort listener that calls them. */
interface Waiters {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

const waiting = new WeakMap<AbortSignal, Waiters>();

/**
 * Calls `fn` once when `signal` aborts; returns a function that stops waiting. However many sleeps
 * and requests wait on one signal at once (concurrent runs sharing a Ctrl-C signal, the retries of
 * many requests), the signal carries one abort listener for all of them, removed when the last one
 * stops waiting, so Node never warns of a listener leak (MaxListenersExceededWarning past 10).
 * On a signal already aborted, `fn` runs at once.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => {};
  }
  let w = waiting.get(signal);
  if (!w) {
    const callbacks = new Set<() => void>();
    const listener = () => {
      waiting.delete(signal);
      for (const cb of [...callbacks]) cb();
      callbacks.clear();
    };
    w = { callbacks, listener };
    waiting.set(signal, w);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks } = w;
  const entry = () => fn();
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    const current = waiting.get(signal);
    if (current?.callbacks !== callbacks) return;
    waiting.delete(signal);
    signal.removeEventListener('abort', current.listener);
  };
}

/** Sleeps, or rejects with the signal's reason as soon as it aborts; leaves no listener behind. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const stop = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
  });
}

/** Fills in defaults; returns a message naming the first bad setting instead of a policy. */
export function retryPolicy(options: RetryOptions = {}): RetryPolicy | string {
  const maxRetries = options.maxRetries ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  if (!Number.isInteger(maxRetries) || maxRetries < 0)
    return `retry.maxRetries must be a whole number of at least 0; got ${maxRetries}`;
  if (!(Number.isFinite(baseDelayMs) && baseDelayMs >= 0))
    return `retry.baseDelayMs must be a number of milliseconds; got ${baseDelayMs}`;
  if (!(Number.isFinite(maxDelayMs) && maxDelayMs >= baseDelayMs))
    return `retry.maxDelayMs must be at least retry.baseDelayMs; got ${maxDelayMs}`;
  return {
    maxRetries,
    baseDelayMs,
    maxDelayMs,
    sleep: options.sleep ?? abortableSleep,
    random: options.random ?? Math.random,
  };
}

/** Reads retry-after-ms or retry-after (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  return undefined;
}

/** The wait before retry number `retry` (1-based): the server's ask, else backoff with equal jitter. */
export function backoffMs(policy: RetryPolicy, retry: number, serverAskMs: number | undefined): number {
  if (serverAskMs !== undefined) return serverAskMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (policy.random() * ceiling) / 2);
}

/** What `withRetries` needs to know about one failed attempt. */
export interface AttemptFailure<E> {
  /** The error to report if this attempt is the last. */
  readonly error: E;
  readonly retryable: boolean;
  /** The wait the server asked for (retry-after), in milliseconds. */
  readonly serverAskMs?: number | undefined;
}

/** How `withRetries` turns failures into the adapter's own errors. */
export interface RetryHooks<T, E> {
  readonly policy: RetryPolicy;
  readonly signal: AbortSignal;
  /** One attempt (1-based). */
  attempt(n: number): Promise<T>;
  /** Classifies a failed attempt; a cancellation should be returned as not retryable. */
  classify(error: unknown, attempts: number): AttemptFailure<E>;
  /** The error for giving up on `last`, saying why (the message to append). */
  giveUp(last: E, attempts: number, why: string): E;
  /** The error for a wait between attempts cut short by the signal. */
  cancelled(attempts: number): E;
}

/**
 * Runs `attempt` until it succeeds or a failure is final: not retryable, retries used up, or a
 * server asking to wait longer than the policy's ceiling. Waits with backoff (or the server's ask)
 * between attempts; the error thrown says how many attempts were made.
 */
export async function withRetries<T, E>(hooks: RetryHooks<T, E>): Promise<T> {
  const { policy } = hooks;
  for (let attempt = 1; ; attempt++) {
    let failure: AttemptFailure<E>;
    try {
      return await hooks.attempt(attempt);
    } catch (error) {
      failure = hooks.classify(error, attempt);
    }
    if (!failure.retryable || attempt > policy.maxRetries) {
      throw attempt > 1
        ? hooks.giveUp(failure.error, attempt, `gave up after ${attempt} attempts`)
        : failure.error;
    }
    const ask = failure.serverAskMs;
    if (ask !== undefined && ask > policy.maxDelayMs) {
      throw hooks.giveUp(
        failure.error,
        attempt,
        `the server asked to retry after ${Math.ceil(ask / 1000)} s, longer than retry.maxDelayMs`,
      );
    }
    try {
      await policy.sleep(backoffMs(policy, attempt, ask), hooks.signal);
    } catch {
      throw hooks.cancelled(attempt);
    }
  }
}

/** The failure an HTTP status means to a model adapter, in the terms adapters' error codes use. */
export type HttpFailureCode =
  | 'auth'
  | 'permission'
  | 'not_found'
  | 'timeout'
  | 'rate_limited'
  | 'overloaded'
  | 'server'
  | 'bad_request';

/** Maps an HTTP error status to its failure code (503 and Anthropic's 529 mean overloaded). */
export function httpFailureCode(status: number): HttpFailureCode {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status === 529 || status === 503) return 'overloaded';
  return status >= 500 ? 'server' : 'bad_request';
}

/** The messages of an error's `cause` chain, as ` (cause (its cause))`, for one-line error text. */
export function causeText(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return ` (${cause.message}${causeText(cause)})`;
  return '';
}

/** Error codes of a connection that failed while a response was being read (Node's undici and net). */
const BODY_FAILURE_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_ABORTED',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * Whether an error is a connection lost while the response body was being read: the server sent its
 * status line and some bytes, then the connection dropped (undici throws `TypeError: terminated`
 * with a socket error as its cause). Adapters retry it like a connection failed before the
 * headers; a body that arrived whole but is not valid JSON is not this.
 */
export function isBodyReadFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && BODY_FAILURE_CODES.has(code)) return true;
    if (e instanceof TypeError && e.message === 'terminated') return true;
    if (e.message === 'other side closed' || e.message === 'aborted') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A signal for one request that follows `parent`, and `done()` to detach it afterwards. SDKs add an
 * abort listener to the signal they are given and never remove it; given the run's signal, a long
 * run piles up listeners (Node warns after 10). Given this one, each request's listener goes with it.
 */
export function requestSignal(parent: AbortSignal): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, done: () => {} };
  }
  // Concurrent requests on one parent share its one listener (see onAbort).
  const done = onAbort(parent, () => controller.abort(parent.reason));
  return { signal: controller.signal, done };
}
