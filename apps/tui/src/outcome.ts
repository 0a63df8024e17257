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
  stops: z.looseObject({ unapprovedMutationsRefused: z.number().optional() }).optional(),
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

/** Whether a run had a mutation refused because no one approved it. */
export function refusedMutation(outcome: RunOutcome): boolean {
  return (outcome.stops?.unapprovedMutationsRefused ?? 0) > 0;
}
