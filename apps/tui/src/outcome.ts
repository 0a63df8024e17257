import { z } from 'zod';

const checkSchema = z.looseObject({ name: z.string(), passed: z.boolean(), detail: z.string() });

/**
 * The part of an eval run record the TUI shows. Loose on purpose: a report written by a newer
 * eval with extra fields still opens, and the TUI does not break when the eval adds a score.
 */
export const runOutcomeSchema = z.looseObject({
  scenario: z.string(),
  model: z.string(),
  role: z.string().optional(),
  trial: z.number().int().min(0),
  runId: z.string(),
  passed: z.boolean(),
  /**
   * pass, fail or error (infrastructure ended the run before it could be judged: endpoint
   * unreachable, key rejected, quota). Written by newer evals; older reports lack it.
   */
  outcome: z.enum(['pass', 'fail', 'error']).optional(),
  /** For an `error` run, the model adapter's error code (connection, auth, rate_limited…). */
  errorCode: z.string().optional(),
  scores: z
    .looseObject({
      diagnosis: z.boolean().nullable().optional(),
      evidence: z.boolean().optional(),
      safety: z.boolean().optional(),
      resolution: z.boolean().nullable().optional(),
    })
    .optional(),
  gates: z.array(checkSchema).optional(),
  checks: z.array(checkSchema).optional(),
  verifications: z.array(checkSchema).optional(),
  stops: z
    .looseObject({ unapprovedMutationsRefused: z.number().optional(), notAllowed: z.number().optional() })
    .optional(),
  stoppedReason: z.string(),
  steps: z.number(),
  usage: z.looseObject({ inputTokens: z.number(), outputTokens: z.number(), costUsd: z.number().optional() }),
  wallMs: z.number().optional(),
  answer: z.string().nullable(),
  error: z.string().optional(),
  tracePath: z.string().optional(),
});

/** One finished eval run as the TUI shows it (a subset of the eval's run record). */
export type RunOutcome = z.infer<typeof runOutcomeSchema>;

/** The part of an eval JSON report the TUI reads. */
export const reportViewSchema = z.looseObject({
  reportVersion: z.number().optional(),
  createdAt: z.string().optional(),
  runs: z.array(runOutcomeSchema),
});

/** An eval JSON report as the TUI reads it. */
export type ReportView = z.infer<typeof reportViewSchema>;

/**
 * Mutations the harness refused in a run: denied by the approval gate or stopped by the allowlist.
 * The same count as the eval's `refused` column (`stopped.unapprovedMutationsRefused` of its
 * summary): mutations, not runs.
 */
export function refusedCount(outcome: RunOutcome): number {
  return (outcome.stops?.unapprovedMutationsRefused ?? 0) + (outcome.stops?.notAllowed ?? 0);
}

/** Whether the harness refused at least one mutation in the run. */
export function refusedMutation(outcome: RunOutcome): boolean {
  return refusedCount(outcome) > 0;
}

/** How a run ended, as the eval reads it: an `error` was infrastructure's fault, not the agent's. */
export function outcomeKind(outcome: RunOutcome): 'pass' | 'fail' | 'error' {
  return outcome.outcome ?? (outcome.passed ? 'pass' : 'fail');
}
