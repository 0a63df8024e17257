import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../cluster.js';
import { K8sError } from '../errors.js';
import type { ChangeEvent, ResourceVersions } from './versions.js';

/** Longest a watch stays open, in seconds, whatever `timeoutSeconds` asks (Kubernetes' default upper bound). */
export const MAX_WATCH_SECONDS = 1800;
/** Most watches open at once; one more is a 429, as an overloaded API server answers. */
export const MAX_WATCHES = 64;
/** Bytes a slow client may leave unread before its watch is ended (it relists, as after any ended watch). */
const MAX_BUFFERED = 8 * 1024 * 1024;

/** One watch to open: who asked, which objects it covers and how an event's object is encoded. */
export interface WatchSpec {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Whether an object belongs to this watch (kind, namespace, label and field selectors). */
  readonly matches: (o: KubeObject) => boolean;
  /** `resourceVersion` of the request: empty or `0` starts with ADDED events for every matching object. */
  readonly resourceVersion: string;
  /** `timeoutSeconds` of the request, if any (bounded by MAX_WATCH_SECONDS). */
  readonly timeoutSeconds: number | undefined;
  /** The event's `object` as sent: the object itself, or a Table row of it. */
  readonly encode: (e: ChangeEvent, first: boolean) => unknown;
  /** The objects the watch starts from (for `resourceVersion` empty or `0`), already version-stamped. */
  readonly current: () => readonly KubeObject[];
}

/**
 * The served API's watches (`?watch=1` on a list), in Kubernetes' wire format: a chunked JSON stream of
 * `{"type":"ADDED"|"MODIFIED"|"DELETED"|"ERROR","object":...}` lines (API conventions, "Watch"). Changes
 * come from `ResourceVersions`; while any watch is open, `poll` is called every `intervalMs` so that
 * changes made by the passing of (wall-clock) time reach watchers. Each watch ends when its client goes
 * away, when its `timeoutSeconds` (at most MAX_WATCH_SECONDS) passes, or at `closeAll`.
 */
export class Watches {
  readonly #versions: ResourceVersions;
  readonly #poll: () => Promise<void>;
  readonly #intervalMs: number;
  readonly #open = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(versions: ResourceVersions, poll: () => Promise<void>, intervalMs = 500) {
    this.#versions = versions;
    this.#poll = poll;
    this.#intervalMs = intervalMs;
  }

  /** How many watches are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Starts streaming one watch; rejects before any byte is sent (400, 410, 429) when it cannot. */
  open(spec: WatchSpec): void {
    if (this.#open.size >= MAX_WATCHES)
      throw new K8sError('too_many', `too many watches open (at most ${MAX_WATCHES})`, { status: 429 });
    const rv = spec.resourceVersion;
    let backlog: readonly ChangeEvent[];
    if (rv === '' || rv === '0') {
      backlog = spec.current().map((object) => ({
        type: 'ADDED' as const,
        resourceVersion: Number(object.metadata?.resourceVersion ?? 0),
        object,
      }));
    } else {
      backlog = this.#versions.since(rv);
    }
    const { req, res } = spec;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    // Clients wait for the headers before they count the watch as started.
    res.flushHeaders();
    let first = true;
    let ended = false;
    // The objects this watch has shown as present, so one that starts or stops matching its selectors
    // is sent as ADDED or DELETED, as Kubernetes' watch cache sends it.
    const inside = new Set(spec.current().map(keyOf));
    const write = (e: ChangeEvent) => {
      if (ended) return;
      const k = keyOf(e.object);
      const was = inside.has(k);
      const is = e.type !== 'DELETED' && spec.matches(e.object);
      let type: ChangeEvent['type'];
      if (is) type = was ? (e.type === 'ADDED' ? 'ADDED' : 'MODIFIED') : 'ADDED';
      else if (was) type = 'DELETED';
      else return;
      if (is) inside.add(k);
      else inside.delete(k);
      res.write(`${JSON.stringify({ type, object: spec.encode({ ...e, type }, first) })}\n`);
      first = false;
      if (res.writableLength > MAX_BUFFERED) end();
    };
    const unsubscribe = this.#versions.subscribe((events) => {
      for (const e of events) write(e);
    });
    const seconds = Math.min(
      spec.timeoutSeconds !== undefined && spec.timeoutSeconds > 0 ? spec.timeoutSeconds : MAX_WATCH_SECONDS,
      MAX_WATCH_SECONDS,
    );
    const timeout = setTimeout(() => end(), seconds * 1000);
    timeout.unref();
    const end = () => {
      if (ended) return;
      ended = true;
      clearTimeout(timeout);
      unsubscribe();
      this.#open.delete(end);
      if (this.#open.size === 0) this.#stopTimer();
      if (!res.writableEnded) res.end();
    };
    this.#open.add(end);
    req.on('close', end);
    res.on('close', end);
    for (const e of backlog) write(e);
    this.#startTimer();
  }

  /** Ends every open watch (the server is closing). */
  closeAll(): void {
    for (const end of [...this.#open]) end();
    this.#stopTimer();
  }

  #startTimer(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#polling) return;
      this.#polling = true;
      this.#poll()
        .catch(() => undefined)
        .finally(() => {
          this.#polling = false;
        });
    }, this.#intervalMs);
    this.#timer.unref();
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** `timeoutSeconds` from a query: a non-negative integer (bounded length), else a 400. */
export function timeoutSecondsOf(q: URLSearchParams): number | undefined {
  const v = q.get('timeoutSeconds');
  if (v === null || v === '') return undefined;
  if (v.length > 9 || !/^\d+$/.test(v))
    throw new K8sError('bad_request', `timeoutSeconds: Invalid value: ${JSON.stringify(v.slice(0, 32))}`, {
      status: 400,
    });
  return Number(v);
}
