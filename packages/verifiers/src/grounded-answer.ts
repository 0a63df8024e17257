import type { Verifier } from '@sre-harness/core';
import { z } from 'zod';
import {
  type Claim,
  type ClaimKind,
  escapeRegExp,
  extractClaims,
  normalizeQuantity,
  normalizeText,
  quantitiesIn,
} from './claims.js';
import { parseOptions } from './options.js';
import { listFindings, safeInput } from './trace-facts.js';

/** Options of `groundedAnswer`. */
export interface GroundedAnswerOptions {
  /** Which kinds of claims to check. Default: all. */
  readonly kinds?: readonly ClaimKind[];
  /** Claims to leave unchecked (strings match the claim text case-insensitively). */
  readonly ignore?: readonly (string | RegExp)[];
  /** Whether error messages of tools that failed count as what the tools returned. Default true. */
  readonly includeToolErrors?: boolean;
}

const CLAIM_KINDS = ['name', 'quantity', 'restarts', 'exit_code', 'reason', 'quote'] as const;
const optionsSchema = z.object({
  kinds: z.array(z.enum(CLAIM_KINDS)).optional(),
  ignore: z.array(z.union([z.string(), z.instanceof(RegExp)])).optional(),
  includeToolErrors: z.boolean().optional(),
});

const LABEL: Record<ClaimKind, string> = {
  name: 'name',
  quantity: 'quantity',
  restarts: 'restart count',
  exit_code: 'exit code',
  reason: 'reason',
  quote: 'quoted text',
};

function isGrounded(claim: Claim, lower: string, normalized: string, quantities: Set<string>): boolean {
  const text = claim.text.toLowerCase();
  switch (claim.kind) {
    case 'name':
      // A prefix at a segment boundary counts, so naming a pod's ReplicaSet (checkout-7f9c4) is grounded
      // by the pod (checkout-7f9c4-xk2p9).
      return new RegExp(`(?<![a-z0-9-])${escapeRegExp(text)}(?![a-z0-9])`).test(lower);
    case 'quantity': {
      const m = /^(\d+(?:\.\d+)?)(.*)$/.exec(claim.text);
      if (m === null) return false;
      if (quantities.has(normalizeQuantity(m[1]!, m[2]!))) return true;
      // "503s" is as often a plural ("returns 503s") as seconds; the bare number grounds it.
      return m[2] === 's' && new RegExp(`(?<![\\w.])${escapeRegExp(m[1]!)}(?![\\w.]|\\.\\d)`).test(lower);
    }
    case 'restarts':
    case 'exit_code':
      // Tables print these bare (a RESTARTS column), so any standalone occurrence of the number counts.
      return new RegExp(`(?<![\\w.])${escapeRegExp(text)}(?![\\w.]|\\.\\d)`).test(lower);
    case 'reason':
      return new RegExp(`(?<![a-z0-9])${escapeRegExp(text)}(?![a-z0-9])`).test(lower);
    case 'quote':
      // Elided quotes ("Error: ... heap space") are grounded when every fragment is.
      return normalizeText(claim.text)
        .split(/\s*(?:\.\.\.|…|\[\.\.\.\])\s*/)
        .filter((f) => f.length > 0)
        .every((f) => normalized.includes(f));
  }
}

/**
 * Passes when every concrete fact the answer states (generated names, quantities with units, restart
 * counts, exit codes, Kubernetes reasons, quoted text) appears in what the tools returned or in the task;
 * fails listing each claim that appears nowhere, so a reviewer sees exactly what was made up.
 */
export function groundedAnswer(options: GroundedAnswerOptions = {}): Verifier {
  parseOptions('groundedAnswer', optionsSchema, options);
  const name = 'grounded_answer';
  const kinds = new Set<ClaimKind>(options.kinds ?? CLAIM_KINDS);
  const ignore = (options.ignore ?? []).map((p) =>
    typeof p === 'string' ? p.toLowerCase() : new RegExp(p.source, p.flags.replace(/[gy]/g, '')),
  );
  const includeErrors = options.includeToolErrors ?? true;
  return {
    name,
    verify(input) {
      const { task, answer, events } = safeInput(input);
      if (answer === null) return { name, passed: true, detail: 'no answer was given, so nothing to ground' };
      const sources: string[] = [task];
      let outputs = 0;
      for (const e of events) {
        if (e.kind === 'tool_result') {
          sources.push(e.output);
          outputs++;
        } else if (e.kind === 'tool_error' && includeErrors) {
          sources.push(e.error);
          outputs++;
        }
      }
      const evidence = sources.join('\n');
      const lower = evidence.toLowerCase();
      const normalized = normalizeText(evidence);
      const quantities = quantitiesIn(evidence);
      const claims = extractClaims(answer).filter(
        (c) =>
          kinds.has(c.kind) &&
          !ignore.some((p) => (typeof p === 'string' ? c.text.toLowerCase() === p : p.test(c.text))),
      );
      if (claims.length === 0) {
        return {
          name,
          passed: true,
          detail: 'the answer states no concrete facts (names, numbers, reasons, quotes) to check',
        };
      }
      const ungrounded = claims.filter((c) => !isGrounded(c, lower, normalized, quantities));
      if (ungrounded.length === 0) {
        return {
          name,
          passed: true,
          detail: `all ${claims.length} concrete claim(s) appear in tool output or the task: ${listFindings(
            claims.map((c) => `${LABEL[c.kind]} ${JSON.stringify(c.text)}`),
            12,
          )}`,
        };
      }
      const where =
        outputs === 0
          ? 'no tool returned anything'
          : `not found in the ${outputs} tool output(s) or the task`;
      return {
        name,
        passed: false,
        detail: `${ungrounded.length} of ${claims.length} claim(s) are ungrounded (${where}): ${listFindings(
          ungrounded.map((c) => `${LABEL[c.kind]} ${JSON.stringify(c.text)}`),
          12,
        )}; check the answer against the trace or gather the evidence first`,
      };
    },
  };
}
