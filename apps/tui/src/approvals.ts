import {
  type ApprovalDecision,
  type ApprovalRequest,
  type Approver,
  cutText,
  type Redactor,
  redactSecrets,
} from '@sre-harness/core';

/** One call waiting for a person, as the UI shows it. */
export interface PendingApproval {
  /** Unique within the queue; stable while the request waits. */
  readonly id: number;
  /** The exact call; the answer is bound to its `argsHash`. */
  readonly request: ApprovalRequest;
  /** The call's arguments as a person reads them: pretty-printed JSON, secrets masked, capped. */
  readonly args: string;
  /**
   * What the target of the call looks like now, when the caller can tell (multi-line text),
   * secrets masked and capped like any tool output.
   */
  readonly target: string | undefined;
  readonly since: number;
}

/** Longest arguments text shown; past it the panel says where it was cut (the hash covers it all). */
export const MAX_ARGS_CHARS = 64_000;
/** Longest target description shown. */
export const MAX_TARGET_CHARS = 16_000;
// Redaction reads a little past the cut, so a secret that straddles it is still recognised.
const REDACT_MARGIN = 1024;

/** Pretty-printed JSON of a call's arguments (or their string form when JSON cannot hold them). */
export function prettyArgs(args: unknown): string {
  try {
    return JSON.stringify(args, null, 2) ?? String(args);
  } catch {
    return String(args);
  }
}

/** Text for a person's eyes: secrets masked, then cut between code points with a visible note. */
export function shownText(text: string, max: number, redact: Redactor): string {
  const masked = redact(cutText(text, max + REDACT_MARGIN));
  if (masked.length <= max && text.length <= max + REDACT_MARGIN) return masked;
  return `${cutText(masked, max)}\n… (cut: ${text.length} characters in all, ${max} shown)`;
}

/** Options of an `ApprovalQueue`. */
export interface ApprovalQueueOptions {
  /** Masks secrets in what the panel shows. Default: the harness's `redactSecrets`. */
  readonly redact?: Redactor;
}

/** Options of `interactiveApprover`. */
export interface InteractiveApproverOptions {
  /** Who decides; recorded as the decision's `by`. Default `$USER` (or `$USERNAME`), else "operator". */
  readonly person?: string;
  /** Describes the call's target as it is now (e.g. the object a patch would change). */
  readonly describeTarget?: (request: ApprovalRequest) => Promise<string | undefined> | string | undefined;
  /** Time source for `since` (tests pin it). */
  readonly now?: () => number;
  /**
   * Masks secrets in the arguments and the target before a person sees them. Default: the
   * harness's `redactSecrets`; pass the harness's own `redact` when it has a custom one.
   */
  readonly redact?: Redactor;
}

/** The person the decisions are attributed to when no name is given. */
export function defaultPerson(env: NodeJS.ProcessEnv = process.env): string {
  return env['USER'] || env['USERNAME'] || env['LOGNAME'] || 'operator';
}

/**
 * Requests waiting for a person, in arrival order. The UI subscribes and answers; each answer
 * settles the approver call of the run that asked, so other runs keep going meanwhile.
 */
export class ApprovalQueue {
  readonly person: string;
  readonly #redact: Redactor;
  #items: readonly PendingApproval[] = [];
  readonly #resolvers = new Map<number, (d: ApprovalDecision) => void>();
  readonly #listeners = new Set<() => void>();
  #nextId = 1;

  constructor(person: string, options: ApprovalQueueOptions = {}) {
    this.person = person;
    this.#redact = options.redact ?? redactSecrets;
  }

  /** The waiting requests, oldest first (a new array after every change). */
  readonly getSnapshot = (): readonly PendingApproval[] => this.#items;

  /** Calls `listener` after every change; returns the unsubscribe. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /**
   * Adds a request and resolves when a person answers or the request's signal aborts. The
   * arguments and `target` are masked and capped here, so nothing unredacted reaches the panel.
   */
  enqueue(request: ApprovalRequest, target: string | undefined, now: number): Promise<ApprovalDecision> {
    const id = this.#nextId++;
    return new Promise<ApprovalDecision>((resolve) => {
      const onAbort = () =>
        this.#settle(id, {
          granted: false,
          by: this.person,
          reason: 'the request was withdrawn (run cancelled or approval timed out) before anyone answered',
        });
      if (request.signal.aborted) {
        resolve({
          granted: false,
          by: this.person,
          reason: 'the run was cancelled before the question was asked',
        });
        return;
      }
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.#resolvers.set(id, (decision) => {
        request.signal.removeEventListener('abort', onAbort);
        resolve(decision);
      });
      const shown: PendingApproval = {
        id,
        request,
        args: shownText(prettyArgs(request.args), MAX_ARGS_CHARS, this.#redact),
        target: target === undefined ? undefined : shownText(target, MAX_TARGET_CHARS, this.#redact),
        since: now,
      };
      this.#items = [...this.#items, shown];
      this.#emit();
    });
  }

  /** Answers one waiting request; false when it is no longer waiting. */
  answer(id: number, granted: boolean, reason?: string): boolean {
    return this.#settle(id, {
      granted,
      by: this.person,
      reason: reason ?? (granted ? 'approved in the terminal UI' : 'denied in the terminal UI'),
    });
  }

  /** Denies everything still waiting (the UI is closing). */
  denyAll(reason = 'the terminal UI closed before anyone answered'): void {
    for (const item of this.#items) this.#settle(item.id, { granted: false, by: this.person, reason });
  }

  #settle(id: number, decision: ApprovalDecision): boolean {
    const resolve = this.#resolvers.get(id);
    if (!resolve) return false;
    this.#resolvers.delete(id);
    this.#items = this.#items.filter((i) => i.id !== id);
    resolve(decision);
    this.#emit();
    return true;
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }
}

/** An approver that asks a person through the TUI; `queue` is what the UI shows and answers. */
export type InteractiveApprover = Approver & { readonly queue: ApprovalQueue };

/**
 * Creates an approver that puts each mutating call in front of a person and waits for approve or
 * deny. The decision is attributed to the person; a withdrawn request (run cancelled, approval
 * timed out) is a denial, as the core expects.
 */
export function interactiveApprover(options: InteractiveApproverOptions = {}): InteractiveApprover {
  const queue = new ApprovalQueue(options.person ?? defaultPerson(), {
    ...(options.redact ? { redact: options.redact } : {}),
  });
  const now = options.now ?? Date.now;
  const approver: Approver = async (request) => {
    let target: string | undefined;
    try {
      target = await options.describeTarget?.(request);
    } catch (error) {
      target = `(could not read the target: ${error instanceof Error ? error.message : String(error)})`;
    }
    return queue.enqueue(request, target, now());
  };
  return Object.assign(approver, { queue });
}
