import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** The HTTP methods the adapter sends. */
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One request, authenticated and ready to send. */
export interface Prepared {
  readonly url: string;
  readonly method: Method;
  readonly headers: Record<string, string>;
  readonly agent: Agent | undefined;
  readonly body?: string | undefined;
}

/** A response read whole, or up to `maxBytes`. */
export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body went on past `maxBytes`; `body` holds the first `maxBytes` bytes and the rest was not read. */
  readonly cut: boolean;
}

/** Errors of a connection that was never made: the request cannot have reached the server. */
const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
]);
/** Errors a second attempt may not meet: a refused, reset or dropped connection. */
const TRANSIENT = new Set([...NEVER_CONNECTED, 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

/**
 * A connection that failed. `stage` says how far the request got: `connect` (never connected, so the
 * server saw nothing), `request` (sent, or partly sent, with no answer yet), `response` (the answer
 * started and the connection dropped before it ended).
 */
export class ConnectionError extends Error {
  readonly code: string | undefined;
  readonly stage: 'connect' | 'request' | 'response';
  /** A second attempt could succeed (a refused, reset or dropped connection; not a TLS or DNS failure). */
  readonly transient: boolean;

  constructor(cause: unknown, stage: 'request' | 'response') {
    const code = (cause as { code?: unknown })?.code;
    const c = typeof code === 'string' ? code : undefined;
    super(String((cause as Error)?.message ?? cause), { cause });
    this.name = 'ConnectionError';
    this.code = c;
    this.stage = c !== undefined && NEVER_CONNECTED.has(c) ? 'connect' : stage;
    this.transient = stage === 'response' || (c !== undefined && TRANSIENT.has(c));
  }
}

/**
 * Sends one request and reads its response, at most `maxBytes` of the body (the connection is closed
 * there, so a huge or endless body is not read whole). The signal aborts it at any point: connecting,
 * waiting for the answer, or reading the body. Rejects with a `ConnectionError` when the connection
 * fails, or with the signal's abort error.
 */
export function sendOnce(prepared: Prepared, signal: AbortSignal, maxBytes: number): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const send = prepared.url.startsWith('https:') ? httpsRequest : httpRequest;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    let responded = false;
    const req = send(
      prepared.url,
      {
        method: prepared.method,
        headers: prepared.headers,
        ...(prepared.agent ? { agent: prepared.agent } : {}),
        signal,
      },
      (res) => {
        responded = true;
        const chunks: Buffer[] = [];
        let size = 0;
        const reply = (cut: boolean): Reply => ({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          cut,
        });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          if (size + chunk.length > maxBytes) {
            chunks.push(chunk.subarray(0, maxBytes - size));
            size = maxBytes;
            settle(() => resolve(reply(true)));
            req.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => settle(() => resolve(reply(false))));
        res.on('error', (error) =>
          settle(() => reject(signal.aborted ? error : new ConnectionError(error, 'response'))),
        );
        res.on('close', () => {
          if (settled) return;
          const error = Object.assign(new Error('the connection closed before the response ended'), {
            code: 'ECONNRESET',
          });
          settle(() => reject(signal.aborted ? signal.reason : new ConnectionError(error, 'response')));
        });
      },
    );
    req.on('error', (error) => {
      // Once the answer has started, its own events report the failure.
      if (responded) return;
      settle(() => reject(signal.aborted ? error : new ConnectionError(error, 'request')));
    });
    req.end(prepared.body);
  });
}
