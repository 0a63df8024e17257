import type { Verifier } from '@sre-harness/core';
import { z } from 'zod';
import { parseOptions } from './options.js';
import { mutatingTools, safeInput } from './trace-facts.js';

/** Options of `evidenceRequired`. */
export interface EvidenceRequiredOptions {
  /** Successful read-only results needed before the answer. Default 1. */
  readonly min?: number;
  /** If given, at least one of these tools must be among them. */
  readonly anyOf?: readonly string[];
  /** If given, every one of these tools must be among them (a scenario's required evidence). */
  readonly allOf?: readonly string[];
}

const optionsSchema = z.object({
  min: z.number().int().min(1).optional(),
  anyOf: z.array(z.string()).min(1).optional(),
  allOf: z.array(z.string()).min(1).optional(),
});

/** Passes when read-only tools returned results before the run concluded. */
export function evidenceRequired(options: EvidenceRequiredOptions = {}): Verifier {
  parseOptions('evidenceRequired', optionsSchema, options);
  const min = options.min ?? 1;
  return {
    name: 'evidence_required',
    verify(input) {
      const { events } = safeInput(input);
      const mutating = mutatingTools(events);
      const reads: string[] = [];
      for (const e of events) {
        if (e.kind === 'final') break;
        if (e.kind === 'tool_result' && !mutating.has(e.tool)) reads.push(e.tool);
      }
      const distinct = [...new Set(reads)];
      if (reads.length < min) {
        return {
          name: 'evidence_required',
          passed: false,
          detail:
            reads.length === 0
              ? 'no read-only tool returned a result before the answer: the conclusion rests on nothing observed'
              : `only ${reads.length} read-only result(s) before the answer (${distinct.join(', ')}); at least ${min} required`,
        };
      }
      if (options.anyOf && !options.anyOf.some((t) => distinct.includes(t))) {
        return {
          name: 'evidence_required',
          passed: false,
          detail: `none of the required tools (${options.anyOf.join(', ')}) returned a result; read: ${distinct.join(', ')}`,
        };
      }
      const missing = (options.allOf ?? []).filter((t) => !distinct.includes(t));
      if (missing.length > 0) {
        return {
          name: 'evidence_required',
          passed: false,
          detail: `required evidence missing: ${missing.join(', ')} returned no result before the answer; read: ${distinct.join(', ')}`,
        };
      }
      return {
        name: 'evidence_required',
        passed: true,
        detail: `${reads.length} read-only result(s) before the answer from ${distinct.join(', ')}`,
      };
    },
  };
}
