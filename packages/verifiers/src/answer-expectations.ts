import { sliceText, type Verifier } from '@sre-harness/core';
import { stemmer } from 'stemmer';
import { z } from 'zod';
import { isNegated } from './claims.js';
import { parseOptions } from './options.js';
import { listFindings, safeInput } from './trace-facts.js';

/**
 * A phrase to look for: a string (case-insensitive, whitespace-tolerant, matched by word stems so
 * plurals and inflections count) or a regular expression (matched as written).
 */
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

/** A phrase compiled for matching: a regular expression as given, or a string as stemmed tokens. */
type Matcher = { readonly re: RegExp } | { readonly words: readonly string[] };

/** One token of a text: a run of letters and digits (stemmed, lower-cased) or one other visible character. */
interface Token {
  readonly key: string;
  readonly index: number;
  readonly end: number;
}

/**
 * Words whose Porter stem would merge distinct Kubernetes terms ("readiness" and "ready", "liveness"
 * and "live", "container" and "contains", "scheduler" and "schedule", "generation" and "generic",
 * "terminal" and "terminated"): each keeps a stem of its own, shared with its plural only.
 */
const KEEP: Record<string, string> = Object.fromEntries(
  [
    ['readiness', 'readiness'],
    ['liveness', 'liveness'],
    ['container', 'container'],
    ['containers', 'container'],
    ['scheduler', 'scheduler'],
    ['schedulers', 'scheduler'],
    ['generation', 'generation'],
    ['generations', 'generation'],
    ['general', 'general'],
    ['generic', 'generic'],
    ['terminal', 'terminal'],
    ['affinity', 'affinity'],
    ['status', 'status'],
    ['statuses', 'status'],
  ].map(([w, k]) => [w!, `=${k}`]),
);

/**
 * Stems of words seen so far, shared by every verifier and run: stemming is a pure function of the
 * word, and the same few hundred words recur in every answer. Cleared when full, so memory stays flat.
 */
const STEMS = new Map<string, string>();
const MAX_STEMS = 20_000;

// Linear: each character is looked at once, no backtracking.
const TOKEN_RE = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;

/**
 * Splits text into tokens. Words are lower-cased and reduced to their Porter stem (the `stemmer`
 * package, after Porter 1980), so a phrase matches its plurals and other inflections:
 * "PersistentVolumeClaim" matches "PersistentVolumeClaims", "throttl" matches "throttling".
 */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const raw = m[0];
    let key = raw;
    if (raw.length > 1 || /[\p{L}\p{N}]/u.test(raw)) {
      const lower = raw.toLowerCase();
      let stem = STEMS.get(lower);
      if (stem === undefined) {
        // Own entries only: `constructor` or `__proto__` must not read Object.prototype's members.
        stem = Object.hasOwn(KEEP, lower) ? KEEP[lower]! : stemmer(lower);
        if (STEMS.size >= MAX_STEMS) STEMS.clear();
        STEMS.set(lower, stem);
      }
      key = stem;
    }
    out.push({ key, index: m.index, end: m.index + raw.length });
  }
  return out;
}

function compile(p: Pattern): Matcher {
  if (typeof p !== 'string') return { re: new RegExp(p.source, `${p.flags.replace(/[gy]/g, '')}g`) };
  return { words: tokenize(p).map((t) => t.key) };
}

/**
 * Where a phrase occurs in the answer: `[start, end)` character offsets of each match, in order.
 * A string phrase matches whole tokens in sequence, whatever whitespace lies between them, so "OOM"
 * does not match inside "ZOOM" or "OOMKilled" while "exit code 137" matches across a line break.
 */
function* matches(m: Matcher, answer: string, tokens: readonly Token[]): Generator<[number, number]> {
  if ('re' in m) {
    m.re.lastIndex = 0;
    for (const hit of answer.matchAll(m.re)) yield [hit.index, hit.index + hit[0].length];
    return;
  }
  const n = m.words.length;
  if (n === 0) return;
  outer: for (let i = 0; i + n <= tokens.length; i++) {
    for (let j = 0; j < n; j++) if (tokens[i + j]!.key !== m.words[j]) continue outer;
    yield [tokens[i]!.index, tokens[i + n - 1]!.end];
  }
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
    res: (Array.isArray(entry) ? entry : [entry as Pattern]).map((p) => compile(p)),
  }));
  const mustNotClaim = (options.mustNotClaim ?? []).map((entry) => ({ entry, re: compile(entry) }));
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
      const tokens = tokenize(answer);
      const found = (m: Matcher) => !matches(m, answer, tokens).next().done;
      const missing = mustMention.filter((m) => !m.res.some(found));
      const claimed: string[] = [];
      for (const { entry, re } of mustNotClaim) {
        for (const [start, end] of matches(re, answer, tokens)) {
          if (negationAware && isNegated(answer, start)) continue;
          claimed.push(`${show(entry)} (at "${excerpt(answer, start, end - start)}")`);
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
