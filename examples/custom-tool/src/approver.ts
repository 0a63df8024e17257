import type { ApprovalDecision, ApprovalRequest, Approver } from '@sre-harness/core';

/** Options of `killSwitchApprover`. */
export interface KillSwitchOptions {
  /** Flags the agent may turn off on its own; anything else is denied. */
  readonly killSwitches: readonly string[];
}

/**
 * An approver: may the agent turn a flag off? Only kill switches, only off, never on. Anything it
 * cannot read is a denial, because the harness treats an approver's doubt as a no.
 */
export function killSwitchApprover(options: KillSwitchOptions): Approver {
  const allowed = new Set(options.killSwitches);
  return async (request: ApprovalRequest): Promise<ApprovalDecision> => {
    const by = 'kill-switch-policy';
    if (request.tool !== 'set_flag') return { granted: false, by, reason: 'only set_flag is covered' };
    const args = request.args as { flag?: unknown; enabled?: unknown };
    if (args.enabled !== false) return { granted: false, by, reason: 'the agent may only turn flags off' };
    if (typeof args.flag !== 'string' || !allowed.has(args.flag)) {
      return { granted: false, by, reason: `${String(args.flag)} is not a kill switch` };
    }
    return { granted: true, by, reason: `${args.flag} is a kill switch` };
  };
}
