import {
  type DecideRequest,
  type Decision,
  TOOL_OUTPUT_CLOSE,
  TOOL_OUTPUT_OPEN,
  type Usage,
} from '@sre-harness/core';

/**
 * What an offline model has seen, read from the request's transcript: every tool result (its own
 * calls' outcomes, tied to the call), then anything a text memory rendered (parsed with
 * `parseContext`), and the facts a summary kept of results it compacted away (`summaryFacts`), so
 * a model does not repeat calls whose results were folded. Oldest first.
 */
export function seenObservations(request: DecideRequest): SeenObservation[] {
  const out: SeenObservation[] = [];
  for (const m of request.transcript) {
    if (m.role !== 'user') continue;
    for (const p of m.parts) {
      if (p.type === 'tool_result') {
        const args =
          typeof p.args === 'object' && p.args !== null && !Array.isArray(p.args)
            ? (p.args as Record<string, unknown>)
            : {};
        out.push({ step: p.step, tool: p.tool, args, status: p.status, content: p.output });
      } else if (p.source === 'context') out.push(...parseContext(p.text));
      else if (p.source === 'summary') out.push(...summaryFacts(p.text));
    }
  }
  return out;
}

/**
 * The facts of a summary written by the extractive summarizer, one per line
 * (`- describe_pod shop/web-1: Reason OOMKilled (step 5)`, `- list_pods shop → error: …`), as
 * observations of the tool on that target; other lines are ignored. Linear: indexOf, no regex.
 */
export function summaryFacts(text: string): SeenObservation[] {
  const out: SeenObservation[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('- ')) continue;
    const space = line.indexOf(' ', 2);
    const colon = line.indexOf(': ', 2);
    if (space < 0 || colon < 0 || colon < space) continue;
    const tool = line.slice(2, space);
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(tool)) continue;
    let target = line.slice(space + 1, colon);
    let status = 'ok';
    const arrow = target.indexOf(' → ');
    if (arrow >= 0) {
      status = target.slice(arrow + 3).trim();
      target = target.slice(0, arrow);
      if (status === 'changed') status = 'ok';
    }
    if (target.includes(' ')) continue;
    const slash = target.indexOf('/');
    const args: Record<string, unknown> =
      slash >= 0
        ? { namespace: target.slice(0, slash), name: target.slice(slash + 1) }
        : { namespace: target };
    out.push({ step: stepOf(line), tool, args, status, content: line.slice(colon + 2) });
  }
  return out;
}

/** The last step a summary line names (`(step 5)`, `steps 4–9)`), or 0. */
function stepOf(line: string): number {
  const at = line.lastIndexOf('step');
  if (at < 0) return 0;
  const m = /\d+(?=\))/.exec(line.slice(at));
  return m ? Number(m[0]) : 0;
}

/** One tool outcome as rendered in the model's context. */
export interface SeenObservation {
  readonly step: number;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly status: string;
  readonly content: string;
}

const HEADER =
  /^\[step (\d+)\] ([A-Za-z][A-Za-z0-9_-]*)(?: (\{.*\}|\[.*\]|".*"|\S+))? → (ok|error|timeout|cancelled|refused)$/;

/**
 * Reads the tool outcomes out of a rendered context (the default memories' format: a
 * `[step N] tool {args} → status` header, then the output fenced in <tool_output>). Headers are
 * only read outside fences, so tool output cannot forge an observation. Anything else is ignored.
 */
export function parseContext(context: string): SeenObservation[] {
  const out: SeenObservation[] = [];
  const lines = context.split('\n');
  let cur:
    | { step: number; tool: string; args: Record<string, unknown>; status: string; body: string[] }
    | undefined;
  const flush = () => {
    if (cur) {
      // Blocks are joined by a blank line; drop the separator.
      while (cur.body.length > 0 && cur.body[cur.body.length - 1] === '') cur.body.pop();
      out.push({
        step: cur.step,
        tool: cur.tool,
        args: cur.args,
        status: cur.status,
        content: cur.body.join('\n'),
      });
    }
    cur = undefined;
  };
  let fenced = false;
  for (const line of lines) {
    if (fenced) {
      if (line === TOOL_OUTPUT_CLOSE) fenced = false;
      else cur?.body.push(line);
      continue;
    }
    if (line === TOOL_OUTPUT_OPEN) {
      fenced = true;
      continue;
    }
    const m = HEADER.exec(line);
    if (m) {
      flush();
      let args: Record<string, unknown> = {};
      if (m[3]) {
        try {
          const v: unknown = JSON.parse(m[3]);
          if (typeof v === 'object' && v !== null && !Array.isArray(v)) args = v as Record<string, unknown>;
        } catch {
          args = {};
        }
      }
      cur = { step: Number(m[1]), tool: m[2]!, args, status: m[4]!, body: [] };
      continue;
    }
    if (/^\[step \d+\] note: /.test(line)) {
      flush();
      continue;
    }
    cur?.body.push(line);
  }
  flush();
  return out;
}

/** The task line of a rendered context, or the request's task. */
export function taskText(request: DecideRequest): string {
  return request.task;
}

const NOT_A_NAMESPACE = new Set([
  'a',
  'an',
  'the',
  'is',
  'are',
  'was',
  'were',
  'has',
  'have',
  'had',
  'fail',
  'fails',
  'failing',
  'and',
  'or',
  'for',
  'with',
  'to',
  'since',
  'keeps',
  'keep',
  'looks',
  'seems',
  'but',
  'that',
  'this',
  'it',
  'of',
  'in',
  'on',
  'at',
  'as',
  'from',
  'into',
  'by',
  'per',
  'across',
  'between',
  'within',
  'inside',
  'outside',
  'under',
  'over',
  'via',
  'be',
  'been',
  'return',
  'returns',
  'restart',
  'restarts',
  'never',
  'not',
  'do',
  'does',
  'did',
  'return',
  'go',
  'went',
  'any',
  'each',
  'every',
  'same',
  'other',
  'which',
  'whole',
  'your',
  'my',
  'our',
  'one',
  'what',
  'ok',
  'okay',
  'fine',
  'healthy',
  'broken',
  'down',
  'up',
  // Words that qualify a namespace rather than name one ("our new namespace", "their namespace").
  'new',
  'old',
  'their',
  'his',
  'her',
  'its',
  'own',
  'another',
  'shared',
  // Words that follow "namespace" in prose without naming one ("namespace created today", "a
  // namespace audit", "namespace called x": the name comes later).
  'created',
  'deleted',
  'recreated',
  'removed',
  'migrated',
  'moved',
  'renamed',
  'called',
  'named',
  'itself',
  'today',
  'yesterday',
  'now',
  'here',
  'there',
  'too',
  'also',
  'only',
  'just',
  'then',
  'audit',
  'cleanup',
  'isolation',
  'quota',
  'quotas',
  'labels',
  'label',
  'level',
  'admin',
  'admins',
  'owner',
  'owners',
]);

/** Finds the namespace a task or alert talks about, from common phrasings; undefined if none. */
export function guessNamespace(text: string): string | undefined {
  return namespaceCandidates(text)[0];
}

/**
 * Every namespace a task's phrasing could mean, most likely first ("namespace X", "-n X", "X namespace",
 * "ns/X"): a guess to confirm against the cluster, since "the api namespace app-108" offers two.
 */
export function namespaceCandidates(text: string): readonly string[] {
  // The offline models ask about the same task and alert at every decision.
  let out = CANDIDATES.get(text);
  if (out === undefined) {
    out = Object.freeze(findNamespaceCandidates(text));
    if (CANDIDATES.size >= MAX_CANDIDATES) CANDIDATES.clear();
    CANDIDATES.set(text, out);
  }
  return out;
}

/** Namespace candidates found so far, by text; emptied when full, so memory stays flat. */
const CANDIDATES = new Map<string, readonly string[]>();
const MAX_CANDIDATES = 256;

function findNamespaceCandidates(text: string): string[] {
  const patterns = [
    /\bnamespace[=:]\s*["'`]?([a-z0-9][a-z0-9-]{0,62})\b/gi,
    /(?:^|\s)-n\s+([a-z0-9][a-z0-9-]{0,62})\b/g,
    /\b(?:the )?["'`]?([a-z0-9][a-z0-9-]{0,62})["'`]? namespace\b/gi,
    /\bnamespace\s+["'`]?([a-z0-9][a-z0-9-]{0,62})\b/gi,
    /\bns[:=/]\s*([a-z0-9][a-z0-9-]{0,62})\b/gi,
  ];
  const out: string[] = [];
  for (const p of patterns) {
    for (const m of text.matchAll(p)) {
      const ns = m[1]?.toLowerCase();
      if (ns && !NOT_A_NAMESPACE.has(ns) && !out.includes(ns)) out.push(ns);
    }
  }
  return out;
}

/** A rough token count (4 characters a token), so offline models still report what a run would cost in context. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Usage figures for an offline model's decision: the context it read and the decision it wrote. */
export function offlineUsage(request: DecideRequest, decision: unknown): Usage {
  let written = '';
  try {
    written = JSON.stringify(decision) ?? '';
  } catch {
    written = String(decision);
  }
  return { inputTokens: Math.ceil(transcriptChars(request) / 4), outputTokens: estimateTokens(written) };
}

/** Characters of what the model reads (the task, texts, outputs and its own turns), without joining them. */
function transcriptChars(request: DecideRequest): number {
  let n = 0;
  for (const m of request.transcript) {
    if (m.role === 'assistant') {
      n += (m.text?.length ?? 0) + 40 * m.calls.length;
      continue;
    }
    for (const p of m.parts) n += p.type === 'text' ? p.text.length : p.content.length + 40;
  }
  return n;
}

/** Adds offline usage to a decision. */
export function withUsage(request: DecideRequest, decision: Decision): Decision {
  return { ...decision, usage: offlineUsage(request, decision) };
}

/** A deterministic pseudo-random generator (mulberry32) for personas that vary with the seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
