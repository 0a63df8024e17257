import { type ArgMatchers, matchAll } from './allowlist.js';
import { callHash } from './canonical.js';
import { HarnessError } from './errors.js';

/** What an approver is asked: one exact call of a mutating tool. */
export interface ApprovalRequest {
  readonly runId: string;
  readonly callId: string;
  readonly step: number;
  readonly tool: string;
  readonly args: unknown;
  /** sha256 of tool name and canonical arguments; the approval is bound to this hash. */
  readonly argsHash: string;
  readonly task: string;
  /** Aborted when the run is cancelled or the approval times out. */
  readonly signal: AbortSignal;
}

/** An approver's answer. `by` names who decided (a person, a policy, a rule). */
export interface ApprovalDecision {
  readonly granted: boolean;
  readonly by: string;
  readonly reason?: string;
  /**
   * The `argsHash` of the call this answer is for. Optional; when given and it is not the request's
   * hash, the answer approves some other call and the harness treats it as a denial.
   */
  readonly argsHash?: string;
}

/** Decides whether one exact mutating call may run. Throwing or timing out counts as a denial. */
export type Approver = (request: ApprovalRequest) => Promise<ApprovalDecision>;

/** The default approver: every mutation is denied. */
export function denyAll(by = 'deny-all'): Approver {
  return async () => ({
    granted: false,
    by,
    reason: 'no approver is configured; mutations are denied by default',
  });
}

/**
 * Approves only calls listed exactly (tool and arguments, compared canonically). Each listing is
 * consumed by the call it approves: once by default, `times` calls when the listing says so, so a
 * model that repeats an approved call (or sends it twice in one decision) gets one run of it.
 * The list is shared by every run of the harness it is configured on.
 */
export function allowExactCalls(
  calls: readonly { tool: string; args: unknown; times?: number }[],
  by = 'exact-call-list',
): Approver {
  const remaining = new Map<string, number>();
  calls.forEach((c, i) => {
    const times = c.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new HarnessError(
        'invalid_option',
        `allowExactCalls[${i}].times must be a whole number of at least 1`,
      );
    }
    const h = callHash(c.tool, c.args);
    remaining.set(h, (remaining.get(h) ?? 0) + times);
  });
  return async (req) => {
    const left = remaining.get(req.argsHash) ?? 0;
    if (left > 0) {
      remaining.set(req.argsHash, left - 1);
      return { granted: true, by, reason: 'call is on the approved list', argsHash: req.argsHash };
    }
    return {
      granted: false,
      by,
      reason: remaining.has(req.argsHash)
        ? 'this exact call was approved, and has already been used as often as approved'
        : 'call is not on the approved list (tool and arguments must match exactly)',
    };
  };
}

/** Wraps a function; a boolean answer becomes a decision attributed to `by`. */
export function callbackApprover(
  fn: (request: ApprovalRequest) => boolean | ApprovalDecision | Promise<boolean | ApprovalDecision>,
  by = 'callback',
): Approver {
  return async (req) => {
    const out = await fn(req);
    if (typeof out === 'boolean') return { granted: out, by };
    if (typeof out !== 'object' || out === null || typeof out.granted !== 'boolean') {
      return { granted: false, by, reason: 'approver returned something that is not a decision' };
    }
    return { granted: out.granted, by: out.by || by, ...(out.reason ? { reason: out.reason } : {}) };
  };
}

/** One policy rule: for this tool (or `*`) and these argument matchers, allow, deny or ask. */
export interface PolicyRule {
  readonly tool: string;
  readonly where?: ArgMatchers;
  readonly action: 'allow' | 'deny' | 'ask';
  readonly reason?: string;
}

/** Options of `policyApprover`. */
export interface PolicyOptions {
  readonly rules: readonly PolicyRule[];
  /** Who answers `ask` rules; without one, `ask` is a denial. */
  readonly ask?: Approver;
  /** What happens when no rule matches; deny unless said otherwise. */
  readonly fallback?: 'deny' | 'ask';
  readonly name?: string;
}

/** Rule-based approvals: the first rule whose tool and matchers fit decides. */
export function policyApprover(options: PolicyOptions): Approver {
  const name = options.name ?? 'policy';
  options.rules.forEach((r, i) => {
    if (!r || typeof r.tool !== 'string' || !['allow', 'deny', 'ask'].includes(r.action)) {
      throw new HarnessError(
        'invalid_option',
        `policy rule ${i} needs a tool and an action of allow, deny or ask`,
      );
    }
  });
  const ask = async (req: ApprovalRequest, why: string): Promise<ApprovalDecision> =>
    options.ask
      ? options.ask(req)
      : { granted: false, by: name, reason: `${why}, and no one is configured to ask` };
  return async (req) => {
    for (const [i, rule] of options.rules.entries()) {
      if (rule.tool !== '*' && rule.tool !== req.tool) continue;
      if (!matchAll(rule.where, req.args).ok) continue;
      const label = rule.reason ?? `rule ${i} (${rule.tool} → ${rule.action})`;
      if (rule.action === 'allow') return { granted: true, by: `${name}:${label}` };
      if (rule.action === 'deny') return { granted: false, by: `${name}:${label}`, reason: label };
      return ask(req, `${label} asks a person`);
    }
    if (options.fallback === 'ask') return ask(req, 'no policy rule matched');
    return { granted: false, by: name, reason: 'no policy rule matched; denied by default' };
  };
}
