/*
 * Pure prompt-cache arithmetic for bench/prompt-cache.ts: a request body becomes a list of units (the
 * pieces a provider's cache can cut at), and a sequence of requests becomes, per request, how many of
 * its input tokens an ideal provider cache would serve. No I/O, no workspace imports: the tests in
 * src/cache-share.test.ts feed hand-made request lists through it.
 *
 * Anthropic (Messages API): the prompt is tools -> system -> messages, each tool and each content
 * block one unit (a message whose content is a plain string is one text block). A block carrying
 * `cache_control` is a breakpoint (a top-level `cache_control`, automatic caching, marks the last
 * block); a request writes a cache entry for the prefix ending at each of its
 * breakpoints (prefixes shorter than the model's minimum are not cached). A later request reads the
 * longest prefix of itself that ends at a block boundary at or before one of its breakpoints and
 * equals a prefix some earlier request wrote. The API only looks back about 20 blocks from each
 * breakpoint before moving to the previous breakpoint, so both figures are kept: with that limit (what
 * the API does) and without it (what the layout would allow).
 *
 * OpenAI (Chat Completions): caching is automatic; every prompt is cached, and a later prompt reads the
 * longest prefix it shares with any earlier one, counted only from 1,024 tokens on and in steps of 128.
 * The main figure compares whole units (each tool, each message); a second one compares the prompt's
 * text character by character, since the real cache matches tokens and can reach into a message.
 *
 * Units are compared by a canonical JSON of their content (sorted keys, `cache_control` dropped at any
 * depth: a marker is not content). Token counts are the caller's counter applied to each unit's payload
 * text plus a small framing overhead per unit, an approximation of what the provider bills.
 */
import { createHash } from 'node:crypto';

/** Counts tokens of a text. */
export type CountTokens = (text: string) => number;

/** One piece of a prompt that a cache can end at. */
export interface Unit {
  /** Canonical identity: equal keys mean equal content at this place of the prompt. */
  readonly key: string;
  /** The text a tokenizer sees for it (payload only, no JSON punctuation of the wire format). */
  readonly text: string;
  readonly tokens: number;
  /** The unit carries a cache breakpoint (Anthropic `cache_control`). */
  readonly breakpoint: boolean;
  /** Where the unit sits, for people: `tool`, `system`, `user[2].text`, `assistant[3].tool_use`. */
  readonly label: string;
}

/** Framing tokens counted per unit on top of its payload (role markers, block delimiters). */
export const UNIT_OVERHEAD = 3;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Canonical JSON: sorted keys, `cache_control` left out wherever it appears. */
export function canonical(value: unknown): string {
  return JSON.stringify(strip(value));
}

function strip(value: unknown): Json {
  if (value === null || typeof value !== 'object') return (value ?? null) as Json;
  if (Array.isArray(value)) return value.map(strip);
  const out: { [key: string]: Json } = {};
  for (const k of Object.keys(value).sort()) {
    if (k === 'cache_control') continue;
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = strip(v);
  }
  return out;
}

function hasBreakpoint(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'cache_control' in value;
}

/** The text inside a content value: a string, or the text of each block (nested content too). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(blockText).join('\n');
  return content === undefined || content === null ? '' : canonical(content);
}

function blockText(block: unknown): string {
  if (typeof block === 'string') return block;
  if (typeof block !== 'object' || block === null) return String(block ?? '');
  const b = block as Record<string, unknown>;
  switch (b['type']) {
    case 'text':
      return String(b['text'] ?? '');
    case 'tool_use':
      return `${String(b['name'] ?? '')} ${JSON.stringify(b['input'] ?? {})}`;
    case 'tool_result':
      return contentText(b['content']);
    default:
      return canonical(block);
  }
}

function unit(key: string, text: string, breakpoint: boolean, label: string, count: CountTokens): Unit {
  return { key, text, tokens: count(text) + UNIT_OVERHEAD, breakpoint, label };
}

/** The units of an Anthropic Messages request body, in prompt order (tools, system, messages). */
export function anthropicUnits(body: unknown, count: CountTokens): Unit[] {
  const b = (body ?? {}) as Record<string, unknown>;
  const units: Unit[] = [];
  const tools = Array.isArray(b['tools']) ? b['tools'] : [];
  for (const t of tools) {
    const { cache_control: _, ...rest } = t as Record<string, unknown>;
    units.push(unit(`tool:${canonical(rest)}`, JSON.stringify(rest), hasBreakpoint(t), 'tool', count));
  }
  const system = b['system'];
  const systemBlocks =
    typeof system === 'string' ? [{ type: 'text', text: system }] : Array.isArray(system) ? system : [];
  for (const s of systemBlocks) {
    units.push(unit(`system:${canonical(s)}`, blockText(s), hasBreakpoint(s), 'system', count));
  }
  const messages = Array.isArray(b['messages']) ? b['messages'] : [];
  messages.forEach((m, i) => {
    const msg = (m ?? {}) as Record<string, unknown>;
    const role = String(msg['role'] ?? '?');
    const blocks =
      typeof msg['content'] === 'string'
        ? [{ type: 'text', text: msg['content'] }]
        : Array.isArray(msg['content'])
          ? msg['content']
          : [];
    blocks.forEach((block, j) => {
      const type = (block as { type?: unknown } | null)?.type;
      // The key says where a message starts, so [user: a, b] differs from [user: a], [user: b].
      units.push(
        unit(
          `msg:${role}:${j === 0 ? 'first' : 'next'}:${canonical(block)}`,
          blockText(block),
          hasBreakpoint(block),
          `${role}[${i}].${typeof type === 'string' ? type : 'block'}`,
          count,
        ),
      );
    });
  });
  // Automatic caching: a top-level `cache_control` puts the breakpoint on the last block.
  const last = units.at(-1);
  if (hasBreakpoint(b) && last && !last.breakpoint) units[units.length - 1] = { ...last, breakpoint: true };
  return units;
}

/** The units of an OpenAI Chat Completions request body: each tool, then each whole message. */
export function openaiUnits(body: unknown, count: CountTokens): Unit[] {
  const b = (body ?? {}) as Record<string, unknown>;
  const units: Unit[] = [];
  const tools = Array.isArray(b['tools']) ? b['tools'] : [];
  for (const t of tools) {
    const fn = (t as { function?: unknown } | null)?.function ?? t;
    units.push(unit(`tool:${canonical(t)}`, JSON.stringify(fn), false, 'tool', count));
  }
  const messages = Array.isArray(b['messages']) ? b['messages'] : [];
  messages.forEach((m, i) => {
    const msg = (m ?? {}) as Record<string, unknown>;
    const role = String(msg['role'] ?? '?');
    const parts: string[] = [];
    const text = contentText(msg['content']);
    if (text) parts.push(text);
    const calls = Array.isArray(msg['tool_calls']) ? msg['tool_calls'] : [];
    for (const c of calls) {
      const fn = ((c ?? {}) as { function?: { name?: unknown; arguments?: unknown } }).function ?? {};
      parts.push(`${String(fn.name ?? '')} ${String(fn.arguments ?? '')}`);
    }
    const label = calls.length > 0 ? `${role}[${i}].tool_calls` : `${role}[${i}]`;
    units.push(unit(`msg:${canonical(msg)}`, parts.join('\n'), false, label, count));
  });
  return units;
}

/** The text of a prompt as a tokenizer would see it, unit after unit (for character-level prefixes). */
export function promptText(units: readonly Unit[]): string {
  return units.map((u) => `\u0000${u.label.replace(/\[\d+\].*$/, '')}\u0000${u.text}`).join('');
}

/** Hash of every prefix: `prefixHashes(u)[p]` identifies units 0..p. */
export function prefixHashes(units: readonly Unit[]): string[] {
  const out: string[] = [];
  let h = '';
  for (const u of units) {
    h = createHash('sha256').update(h).update('\u0000').update(u.key).digest('hex');
    out.push(h);
  }
  return out;
}

/** Running token totals: `cumulative(u)[p]` is the tokens of units 0..p. */
export function cumulative(units: readonly Unit[]): number[] {
  const out: number[] = [];
  let t = 0;
  for (const u of units) {
    t += u.tokens;
    out.push(t);
  }
  return out;
}

/** What the cache does for one request. */
export interface CacheOutcome {
  /** All input tokens of the request. */
  readonly inputTokens: number;
  /** Tokens served from the cache: the main figure. */
  readonly cachedTokens: number;
  /** Tokens written to the cache (Anthropic bills them at the cache-write rate); 0 for OpenAI. */
  readonly writeTokens: number;
  /**
   * The second figure: for Anthropic, cached tokens without the 20-block look-back limit; for OpenAI,
   * cached tokens when the prefix is matched character by character rather than unit by unit.
   */
  readonly altCachedTokens: number;
  /** How many units the cached prefix spans, and how many the request has. */
  readonly cachedUnits: number;
  readonly units: number;
  /** Unit indexes of the request's breakpoints. */
  readonly breakpoints: readonly number[];
}

/** Options of the Anthropic cache model. */
export interface AnthropicCacheOptions {
  /** Blocks checked before each breakpoint. Default 20. */
  readonly lookback?: number;
  /** The smallest prefix the model caches, in tokens. Default 1,024 (Sonnet and Opus 4.x). */
  readonly minTokens?: number;
}

/** An Anthropic prompt cache that sees requests one after another. */
export class AnthropicCache {
  readonly #written = new Set<string>();
  readonly #lookback: number;
  readonly #min: number;

  constructor(options: AnthropicCacheOptions = {}) {
    this.#lookback = options.lookback ?? 20;
    this.#min = options.minTokens ?? 1024;
  }

  observe(units: readonly Unit[]): CacheOutcome {
    const hashes = prefixHashes(units);
    const totals = cumulative(units);
    const inputTokens = totals.at(-1) ?? 0;
    const breakpoints = units.flatMap((u, i) => (u.breakpoint ? [i] : []));
    const hit = (p: number) => this.#written.has(hashes[p]!);
    // With the look-back limit: from the last breakpoint back, each breakpoint's window in turn.
    let limited = -1;
    for (const bp of [...breakpoints].reverse()) {
      for (let p = bp; p >= Math.max(0, bp - this.#lookback); p--) {
        if (hit(p)) {
          limited = p;
          break;
        }
      }
      if (limited >= 0) break;
    }
    // Without it: any boundary at or before the last breakpoint.
    let unlimited = -1;
    for (let p = breakpoints.at(-1) ?? -1; p >= 0; p--) {
      if (hit(p)) {
        unlimited = p;
        break;
      }
    }
    const tokensAt = (p: number) => (p < 0 ? 0 : totals[p]!);
    const cachedTokens = tokensAt(limited);
    const written = breakpoints.filter((bp) => totals[bp]! >= this.#min);
    const lastWritten = written.at(-1);
    const writeTokens = lastWritten === undefined ? 0 : Math.max(0, totals[lastWritten]! - cachedTokens);
    for (const bp of written) this.#written.add(hashes[bp]!);
    return {
      inputTokens,
      cachedTokens,
      writeTokens,
      altCachedTokens: tokensAt(unlimited),
      cachedUnits: limited + 1,
      units: units.length,
      breakpoints,
    };
  }
}

/** Options of the OpenAI cache model. */
export interface OpenAICacheOptions {
  /** Prompts (and cached prefixes) shorter than this are not cached. Default 1,024. */
  readonly minTokens?: number;
  /** Cached prefixes count in steps of this many tokens. Default 128. */
  readonly step?: number;
}

/** An OpenAI prompt cache that sees requests one after another. */
export class OpenAICache {
  readonly #seen = new Set<string>();
  readonly #texts: string[] = [];
  readonly #min: number;
  readonly #step: number;
  readonly #count: CountTokens;

  /** `count` measures the character-level prefix; the same counter the units were made with. */
  constructor(count: CountTokens, options: OpenAICacheOptions = {}) {
    this.#count = count;
    this.#min = options.minTokens ?? 1024;
    this.#step = options.step ?? 128;
  }

  /** Tokens the cache serves of a shared prefix of `tokens`, in a prompt of `inputTokens`. */
  round(tokens: number, inputTokens: number): number {
    if (inputTokens < this.#min || tokens < this.#min) return 0;
    return Math.floor(Math.min(tokens, inputTokens) / this.#step) * this.#step;
  }

  /** Tokens of the first `chars` characters of a prompt's text: whole units, then part of the next one. */
  #tokensWithin(units: readonly Unit[], chars: number): number {
    let at = 0;
    let tokens = 0;
    for (const u of units) {
      const segment = promptText([u]);
      if (at + segment.length <= chars) {
        tokens += u.tokens;
        at += segment.length;
        continue;
      }
      const partial = chars - at - (segment.length - u.text.length);
      if (partial > 0) tokens += this.#count(u.text.slice(0, partial));
      break;
    }
    return tokens;
  }

  observe(units: readonly Unit[]): CacheOutcome {
    const hashes = prefixHashes(units);
    const totals = cumulative(units);
    const inputTokens = totals.at(-1) ?? 0;
    let p = units.length - 1;
    while (p >= 0 && !this.#seen.has(hashes[p]!)) p--;
    const shared = p < 0 ? 0 : totals[p]!;
    const text = promptText(units);
    let chars = 0;
    for (const earlier of this.#texts) chars = Math.max(chars, commonPrefixLength(text, earlier));
    const charTokens = this.#tokensWithin(units, chars);
    for (const h of hashes) this.#seen.add(h);
    this.#texts.push(text);
    return {
      inputTokens,
      cachedTokens: this.round(shared, inputTokens),
      writeTokens: 0,
      altCachedTokens: this.round(Math.max(charTokens, shared), inputTokens),
      cachedUnits: p + 1,
      units: units.length,
      breakpoints: [],
    };
  }
}

/** Length of the longest common prefix of two strings. */
export function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Totals of a run, over every request and over requests 2..N. */
export interface RunShare {
  readonly requests: number;
  readonly inputTokens: number;
  readonly cachedTokens: number;
  readonly share: number;
  readonly afterFirstInput: number;
  readonly afterFirstCached: number;
  readonly shareAfterFirst: number;
  readonly altShareAfterFirst: number;
}

/** Sums per-request outcomes into the run's shares. */
export function runShare(outcomes: readonly CacheOutcome[]): RunShare {
  const sum = (xs: readonly CacheOutcome[], f: (o: CacheOutcome) => number) =>
    xs.reduce((a, o) => a + f(o), 0);
  const rest = outcomes.slice(1);
  const inputTokens = sum(outcomes, (o) => o.inputTokens);
  const cachedTokens = sum(outcomes, (o) => o.cachedTokens);
  const afterFirstInput = sum(rest, (o) => o.inputTokens);
  const afterFirstCached = sum(rest, (o) => o.cachedTokens);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    requests: outcomes.length,
    inputTokens,
    cachedTokens,
    share: ratio(cachedTokens, inputTokens),
    afterFirstInput,
    afterFirstCached,
    shareAfterFirst: ratio(afterFirstCached, afterFirstInput),
    altShareAfterFirst: ratio(
      sum(rest, (o) => o.altCachedTokens),
      afterFirstInput,
    ),
  };
}
