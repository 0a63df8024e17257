import { canonicalJson, type Verifier } from '@sre-harness/core';
import { z } from 'zod';
import { parseOptions } from './options.js';
import { callsById, listFindings, mutatingTools, ran, safeInput, showArgs } from './trace-facts.js';

/** Options of `noLoops`. */
export interface NoLoopsOptions {
  /** How many times the same call may be made with nothing mutated in between. Default 2. */
  readonly maxRepeats?: number;
}

const optionsSchema = z.object({ maxRepeats: z.number().int().min(1).optional() });

/**
 * Passes unless the same call (tool plus canonical arguments) was made more than `maxRepeats` times
 * with no mutation running in between; refused calls count too, since a model repeating a refused call
 * is looping. A mutation resets the count, because reading again after a change is how a fix is checked.
 */
export function noLoops(options: NoLoopsOptions = {}): Verifier {
  parseOptions('noLoops', optionsSchema, options);
  const max = options.maxRepeats ?? 2;
  const name = 'no_loops';
  return {
    name,
    verify(input) {
      const { events } = safeInput(input);
      const mutating = mutatingTools(events);
      const records = callsById(events);
      const counts = new Map<string, { tool: string; args: unknown; steps: number[] }>();
      const loops = new Map<string, { tool: string; args: unknown; steps: number[] }>();
      let calls = 0;
      for (const e of events) {
        if (e.kind !== 'tool_call') continue;
        calls++;
        const key = `${e.tool}\u0000${canonicalJson(e.args)}`;
        const entry = counts.get(key) ?? { tool: e.tool, args: e.args, steps: [] };
        entry.steps.push(e.step);
        counts.set(key, entry);
        if (entry.steps.length > max) loops.set(key, entry);
        const rec = records.get(e.callId);
        if (mutating.has(e.tool) && rec && ran(rec)) counts.clear();
      }
      if (loops.size > 0) {
        const findings = [...loops.values()].map(
          (l) =>
            `${l.tool} ${showArgs(l.args, 80)} made ${l.steps.length} times (steps ${l.steps.join(', ')})`,
        );
        return {
          name,
          passed: false,
          detail: `repeated the same call more than ${max} time(s) with nothing changed in between: ${listFindings(findings)}; the repeats can only return what was already seen`,
        };
      }
      return {
        name,
        passed: true,
        detail:
          calls === 0
            ? 'no tool calls were made'
            : `${calls} call(s), none repeated more than ${max} time(s) without a change in between`,
      };
    },
  };
}
