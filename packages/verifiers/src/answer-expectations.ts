import { sliceText, type Verifier } from '@sre-harness/core';
import { z } from 'zod';
import { escapeRegExp, isNegated } from './claims.js';
import { parseOptions } from './options.js';
import { listFindings, safeInput } from './trace-facts.js';

/** A phrase to look for: a string (case-insensitive, whitespace-tolerant) or a regular expression. */
export type Pattern = string | RegExp;

/** Options of `answerExpectations`. */
export interface AnswerExpectationsOptions {
  /** Each entry must appear in the answer; an array entry is a set of synonyms, any one of which will do. */
  readonly mustMention?: readonly (Pattern | readonly Pattern[])[];
  /** None of these may be claimed by the answer. */
  readonly mustNotClaim?: readonly Pattern[];
  /**
   * Ignore a `mustNotClaim` match inside a negated clause ("not an OOM kill", "no sign of OOMKilled"),
   * which denies the claim rather than making it. Default true.
   */
  readonly negationAware?: boolean;
  /** Verifier name, for several expectation sets in one run. Default `answer_expectations`. */
  readonly name?: string;
}

const pattern = z.union([z.string().min(1), z.instanceof(RegExp)]);
const optionsSchema = z.object({
  mustMention: z.array(z.union([pattern, z.array(pattern).min(1)])).optional(),
  mustNotClaim: z.array(pattern).optional(),
  negationAware: z.boolean().optional(),
  name: z.string().min(1).optional(),
});

function compile(p: Pattern, global: boolean): RegExp {
  const g = global ? 'g' : '';
  if (typeof p !== 'string') return new RegExp(p.source, `${p.flags.replace(/[gy]/g, '')}${g}`);
  const words = p.trim().split(/\s+/).map(escapeRegExp).join('\\s+');
  // Word boundaries only where the phrase starts or ends with a word character, so "5xx" or "OOM" do
  // not match inside longer words while "exit code 137" still matches across line breaks.
  const start = /^\w/.test(p.trim()) ? '(?<![\\w])' : '';
  const end = /\w$/.test(p.trim()) ? '(?![\\w])' : '';
  return new RegExp(`${start}${words}${end}`, `i${g}`);
}

function show(p: Pattern | readonly Pattern[]): string {
  if (Array.isArray(p)) return `one of [${p.map((x) => show(x)).join(', ')}]`;
  return typeof p === 'string' ? JSON.stringify(p) : String(p);
}

/**
 * Checks the answer against a scenario's or a user's expectations: phrases it must mention (with
 * synonyms) and claims it must not make; fails listing each missing mention and each forbidden claim.
 */
export function answerExpectations(options: AnswerExpectationsOptions): Verifier {
  parseOptions('answerExpectations', optionsSchema, options);
  const mustMention = (options.mustMention ?? []).map((entry) => ({
    entry,
    res: (Array.isArray(entry) ? entry : [entry as Pattern]).map((p) => compile(p, false)),
  }));
  const mustNotClaim = (options.mustNotClaim ?? []).map((entry) => ({ entry, re: compile(entry, true) }));
  const negationAware = options.negationAware ?? true;
  const name = options.name ?? 'answer_expectations';
  return {
    name,
    verify(input) {
      // Expectations often come from data (a scenario file); an empty set is vacuous, not broken.
      if (mustMention.length === 0 && mustNotClaim.length === 0) {
        return { name, passed: true, detail: 'no expectations were given, so there was nothing to check' };
      }
      const { answer } = safeInput(input);
      if (answer === null) {
        return {
          name,
          passed: mustMention.length === 0,
          detail:
            mustMention.length === 0
              ? 'no answer was given, so nothing forbidden was claimed'
              : `no answer was given; expected it to mention ${listFindings(
                  mustMention.map((m) => show(m.entry)),
                  8,
                  ', ',
                )}`,
        };
      }
      const missing = mustMention.filter((m) => !m.res.some((re) => re.test(answer)));
      const claimed: string[] = [];
      for (const { entry, re } of mustNotClaim) {
        for (const m of answer.matchAll(re)) {
          if (negationAware && isNegated(answer, m.index)) continue;
          claimed.push(`${show(entry)} (at "${excerpt(answer, m.index, m[0].length)}")`);
          break;
        }
      }
      const problems: string[] = [];
      if (missing.length > 0)
        problems.push(
          `does not mention ${listFindings(
            missing.map((m) => show(m.entry)),
            8,
            ', ',
          )}`,
        );
      if (claimed.length > 0) problems.push(`claims what it must not: ${listFindings(claimed)}`);
      if (problems.length > 0)
        return { name, passed: false, detail: `the answer ${problems.join('; and it ')}` };
      return {
        name,
        passed: true,
        detail: `mentions all ${mustMention.length} expected item(s) and makes none of the ${mustNotClaim.length} forbidden claim(s)`,
      };
    },
  };
}

/** The match with up to 25 characters either side, cut between code points, `…` where cut. */
function excerpt(text: string, index: number, length: number): string {
  const start = Math.max(0, index - 25);
  const end = Math.min(text.length, index + length + 25);
  return `${start > 0 ? '…' : ''}${sliceText(text, start, end).replace(/\s+/g, ' ')}${end < text.length ? '…' : ''}`;
}
