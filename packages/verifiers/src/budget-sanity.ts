import type { Verifier } from '@sre-harness/core';
import { z } from 'zod';
import { parseOptions } from './options.js';
import { safeInput } from './trace-facts.js';

/** Options of `budgetSanity`. */
export interface BudgetSanityOptions {
  /** Also fail when the run used more decisions than this, even if it finished. */
  readonly maxSteps?: number;
  /** Also fail when the decisions' input plus output tokens exceed this. */
  readonly maxTokens?: number;
}

const optionsSchema = z.object({
  maxSteps: z.number().int().min(1).optional(),
  maxTokens: z.number().int().min(1).optional(),
});

/**
 * Passes when the run ended with an answer, not by running out of steps, a model failure or a
 * cancellation, and (when limits are given) within its step and token limits; the detail says what
 * the run was doing when it stopped.
 */
export function budgetSanity(options: BudgetSanityOptions = {}): Verifier {
  parseOptions('budgetSanity', optionsSchema, options);
  const name = 'budget_sanity';
  return {
    name,
    verify(input) {
      const { events, stoppedReason, answer } = safeInput(input);
      let steps = 0;
      let tokens = 0;
      let maxSteps: number | undefined;
      let modelError: string | undefined;
      const recent: string[] = [];
      for (const e of events) {
        if (e.kind === 'run_start') maxSteps = e.maxSteps;
        if (e.kind === 'decision') {
          steps = Math.max(steps, e.step);
          tokens += (e.usage?.inputTokens ?? 0) + (e.usage?.outputTokens ?? 0);
          if (e.type === 'invalid' && e.detail?.startsWith('model failed')) modelError = e.detail;
        }
        if (e.kind === 'tool_call') recent.push(e.tool);
      }
      const last = recent.slice(-5);
      const doing = last.length > 0 ? `; its last calls were ${last.join(', ')}` : '';
      const reason = stoppedReason ?? (answer !== null ? 'completed' : undefined);
      if (reason === 'budget_exhausted') {
        return {
          name,
          passed: false,
          detail: `the run used all ${maxSteps ?? steps} step(s) without an answer${doing}; look for repeated calls, or raise maxSteps if the task needs more`,
        };
      }
      if (reason === 'model_error') {
        return {
          name,
          passed: false,
          detail: `the model failed at step ${steps}: ${modelError ?? 'no detail in the trace'}; check the model's credentials, endpoint and rate limits`,
        };
      }
      if (reason === 'cancelled')
        return { name, passed: false, detail: `the run was cancelled after ${steps} step(s)` };
      if (reason !== 'completed') {
        return {
          name,
          passed: false,
          detail: `the run did not say how it ended (stoppedReason ${String(reason)})`,
        };
      }
      if (options.maxSteps !== undefined && steps > options.maxSteps) {
        return {
          name,
          passed: false,
          detail: `the run finished but took ${steps} step(s), more than the ${options.maxSteps} allowed${doing}`,
        };
      }
      if (options.maxTokens !== undefined && tokens > options.maxTokens) {
        return {
          name,
          passed: false,
          detail: `the run finished but its decisions used ${tokens} tokens, more than the ${options.maxTokens} allowed; a smaller context (memory budget) or fewer steps would help`,
        };
      }
      return {
        name,
        passed: true,
        detail: `the run completed in ${steps} step(s)${maxSteps ? ` of ${maxSteps}` : ''} using ${tokens} token(s)`,
      };
    },
  };
}
