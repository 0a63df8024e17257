import { cutTextEnd } from '@sre-harness/core';
import { parseTable } from '../k8s-text.js';
import {
  type Analyzer,
  type AnalyzerContext,
  clip,
  clipAround,
  cutNoticeAt,
  lineStamp,
  outputs,
  podDeployment,
  programLines,
  type Read,
} from './types.js';

/**
 * Words too common to tie a log line to what a person wrote: English function words, and the words of
 * any request for help ("please", "broken", "fix"), which say nothing about the thing itself.
 */
const COMMON = new Set(
  `the and for are but not you all any can had her was one our out has his how its may new now old see two
  way who did get let put say she too use that with have this will your from they been were said each which
  their there what about would could should other into than then them these some when where while after
  before since because also just only very more most much many such even still here over under again once
  being both does doing done into like look looks seems seem think sure fairly really maybe might must
  please find fix fixed fixing broken whatever something anything everything going check safe cause causes
  issue problem wrong happen happens happening help need needs want wants know team manager engineer here
  today yesterday week monday tuesday wednesday thursday friday saturday sunday morning night since ago
  pod pods namespace namespaces service services cluster kubernetes deployment deployments container
  containers running run runs keep keeps kept shows show showed seeing saw getting got`.split(/\s+/),
);

/** At most this many lines of each log are read, and lines longer than this are passed over. */
const MAX_LINES = 2000;
/** At most this many characters of the end of each log output are read. */
const MAX_TEXT = 400_000;
const MAX_LINE = 2000;
/** A line is quoted only when it shares at least this much of the task's words (see `score`). */
const MIN_SCORE = 2;

/** A word's plain form: lowercased, a plural's final `s` dropped (`instances` is `instance`). */
const stem = (w: string) => (w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);

/** The significant words of a text: runs of three or more letters and digits that start with a letter. */
function wordsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.toLowerCase().matchAll(/[a-z][a-z0-9]{2,39}/g)) {
    const w = stem(m[0]);
    if (!COMMON.has(w) && !COMMON.has(m[0])) out.add(w);
  }
  return out;
}

/** A line's shape: its numbers aside, so the same message logged again compares equal. */
const shape = (l: string) => l.replace(/\d+(?:\.\d+)?/g, '#');

/** `key=value` figures of a line, a unit after the number kept (`reserved=20.84 GiB`). */
const FIGURE =
  /([A-Za-z_][\w.]{0,40})=(\d{1,15}(?:\.\d{1,6})?)(\s?(?:[KMGTP]i?B|[KMG]i|ms|s|%))?(?![\w.]|[,:]\d)/g;

/** The parts of a key (split at `_`, `.`, `-`) that name an amount, not an id, a port or a sequence number. */
const AMOUNT_PART =
  /^(?:size|bytes|mem|memory|heap|used|usage|count|depth|lag|backlog|pending|queue|queued|total|reserved|allocated|alloc|free|rss|load|util|utilization|latency|duration|connections|conns|sessions|active|inflight|busy|idle|open|rate|requests|mb|mib|gb|gib|kb|kib|ms|seconds|bytes)$/;
/** The parts of a key that name a version, whose `1.3` is no measurement. */
const VERSION_PART = /^(?:v|ver|version|tls|ssl|proto|protocol|http|api|schema)$/;

/** Whether a figure is a measurement: a unit, a fraction or a key that names an amount; not a version. */
function measurement(key: string, text: string, unit: string): boolean {
  const parts = key.toLowerCase().split(/[_.-]/);
  if (parts.some((p) => VERSION_PART.test(p))) return false;
  return unit !== '' || text.includes('.', key.length) || parts.some((p) => AMOUNT_PART.test(p));
}

/**
 * How a recurring line's measurements moved: those that are the same in every repeat ("steady") and
 * the range of those that are not. Only `key=value` figures with a unit, a fraction or a key that names
 * an amount (`AMOUNT_PART`) count, a version's never: an id that repeats is not a steady figure.
 */
function figures(lines: readonly string[]): { steady: string[]; varying: string[] } {
  const seen = new Map<string, { values: number[]; unit: string; text: string }>();
  for (const l of lines)
    for (const m of l.matchAll(FIGURE)) {
      const f = seen.get(m[1]!) ?? { values: [], unit: m[3] ?? '', text: `${m[1]}=${m[2]}${m[3] ?? ''}` };
      f.values.push(Number(m[2]));
      seen.set(m[1]!, f);
    }
  const steady: string[] = [];
  const varying: string[] = [];
  for (const [key, f] of seen) {
    if (f.values.length !== lines.length) continue;
    // A measurement: it has a unit, a fraction, or a key that names an amount; ids and ports do not.
    if (!measurement(key, f.text, f.unit)) continue;
    const lo = Math.min(...f.values);
    const hi = Math.max(...f.values);
    if (lo === hi) steady.push(f.text);
    else varying.push(`${key} from ${lo}${f.unit} to ${hi}${f.unit}`);
  }
  return { steady, varying };
}

/**
 * The phrases the person put in quotes (`"npm WARN deprecated"`, `“214 known-malicious domains found”`):
 * what they saw, in its own words. Lowercased, 3 to 120 characters each, at most 4.
 */
function quotedPhrases(task: string): string[] {
  return (
    [...task.slice(0, 4000).matchAll(/"([^"]{3,120})"|\u201c([^\u201d]{3,120})\u201d/g)]
      .map((m) => m[1] ?? m[2]!)
      // A quote opens and closes against its words: a part with a space at either end lies between two
      // quotes of a nested one (`"error: "db" not found"`), not inside one.
      .filter((q) => !/^\s|\s$/.test(q))
      .map((q) => q.replace(/\s+/g, ' ').toLowerCase())
      .filter((q) => q.length >= 3)
      .slice(0, 4)
  );
}

/** A line as quoted phrases are looked for in it: its spaces collapsed, lowercased. */
const flatLower = (l: string) => l.replace(/\s+/g, ' ').toLowerCase();

/**
 * Whether `lower` (a line as `flatLower` gives it) holds `phrase` as words: not inside a longer
 * word or number (`503` is not in `id=50312`).
 */
function holdsPhrase(lower: string, phrase: string): boolean {
  const edge = (c: string | undefined) => c === undefined || !/[\p{L}\p{N}_]/u.test(c);
  const wordStart = /^[\p{L}\p{N}_]/u.test(phrase);
  const wordEnd = /[\p{L}\p{N}_]$/u.test(phrase);
  for (let at = lower.indexOf(phrase); at >= 0; at = lower.indexOf(phrase, at + 1)) {
    if ((!wordStart || edge(lower[at - 1])) && (!wordEnd || edge(lower[at + phrase.length]))) return true;
  }
  return false;
}

/** The words of `line` that `phrase` (lowercased, its spaces collapsed) matched, as the line writes them. */
function asWritten(line: string, phrase: string): string {
  const flat = line.replace(/\s+/g, ' ');
  const at = flat.toLowerCase().indexOf(phrase);
  return at >= 0 && flat.length === flat.toLowerCase().length ? flat.slice(at, at + phrase.length) : phrase;
}

/** A quoted phrase's weight in a line's score: the line holds what the person saw. */
const QUOTED = 3;

/** `2026-03-20 02:12:33` of a stamped line, else undefined. */
function stampText(line: string): string | undefined {
  if (lineStamp(line) === undefined) return undefined;
  return /^\[?(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d)/.exec(line.trimStart())?.[1];
}

/**
 * The log lines that bear on what the task describes, for an answer that found no fault: of the
 * current logs read (`get_pod_logs` without `previous`, and `search_pod_logs` matches), the line that
 * shares the most of the task's significant words, where a word found in more than three quarters of
 * a log's lines counts a quarter (a program's own name, a level). So the answer shows what the thing the person
 * worries about looks like in the logs ("self-preservation is disabled (…=false)"), not only that the
 * pods are healthy. When that line recurs (the same text, its numbers aside) three times or more, the
 * answer says from when to when, which of its `key=value` figures stayed the same in every repeat
 * (steady) and over what range the others moved: whether a figure grows is what a question about a
 * leak or a backlog turns on; a warning said once among five lines or more is said to be a single
 * occurrence. At most two lines, of different logs or shapes; none that shares less
 * than two of the task's words, unless it is such a series of figures and shares one. Returns one
 * sentence, or none.
 */
export function askedLines({ task, seen }: AnalyzerContext): string[] {
  const asked = wordsOf(task.slice(0, 4000));
  if (asked.size === 0) return [];
  const quoted = quotedPhrases(task);
  const holds = (l: string): string | undefined => {
    if (quoted.length === 0) return undefined;
    const lower = flatLower(l);
    return quoted.find((q) => holdsPhrase(lower, q));
  };
  const logs: { pod: string; lines: string[]; cut?: boolean }[] = [
    ...outputs(seen, 'get_pod_logs', (o) => !o.args['previous']).map((o) => {
      const lines = cutTextEnd(o.content, MAX_TEXT).split('\n');
      // The tool cut the log to its tail, or it is longer than what is read here: not the whole log.
      const cut = cutNoticeAt(lines) >= 0 || o.content.length > MAX_TEXT || lines.length > MAX_LINES;
      return { pod: String(o.args['name'] ?? ''), lines: lines.slice(-MAX_LINES), cut };
    }),
    // Only the lines the search showed (`N:` a match, `N-` context), not the tool's own header.
    ...outputs(seen, 'search_pod_logs', (o) => !o.args['previous']).map((o) => ({
      pod: String(o.args['name'] ?? ''),
      lines: cutTextEnd(o.content, MAX_TEXT)
        .split('\n')
        .filter((l) => /^\d{1,7}[:-]/.test(l))
        .map((l) => l.replace(/^\d{1,7}[:-]/, ''))
        .slice(-MAX_LINES),
    })),
  ];
  const picked: {
    pod: string;
    line: string;
    score: number;
    at: number;
    log: string[];
    quote: string | undefined;
  }[] = [];
  for (const { pod, lines } of logs) {
    const kept = programLines(lines).filter((l) => l.trim() && l.length <= MAX_LINE);
    const words = kept.map(wordsOf);
    // How many lines of this log each of the task's words is in.
    const spread = new Map<string, number>();
    for (const ws of words) for (const w of ws) if (asked.has(w)) spread.set(w, (spread.get(w) ?? 0) + 1);
    const shapes = new Map<string, number>();
    for (const l of kept) shapes.set(shape(l), (shapes.get(shape(l)) ?? 0) + 1);
    kept.forEach((line, at) => {
      // A figure logged again and again (`cuda memory: reserved=20.84 GiB`) about a word of the task is
      // the series the question turns on, though it shares one word, and though it fills the log.
      const recurs = (shapes.get(shape(line)) ?? 0) >= 3 && /=\d/.test(line);
      let score = 0;
      for (const w of words[at]!)
        if (asked.has(w))
          score += !recurs && (spread.get(w) ?? 0) * 4 > kept.length * 3 && kept.length > 2 ? 0.25 : 1;
      const series = recurs && score >= 1;
      const quote = holds(line);
      if (quote) score += QUOTED;
      if (score >= MIN_SCORE || series)
        picked.push({ pod, line, score: series ? score + 1 : score, at, log: kept, quote });
    });
  }
  picked.sort((a, b) => b.score - a.score || b.at - a.at);
  const chosen: typeof picked = [];
  for (const p of picked) {
    if (chosen.length >= 2) break;
    // Another line of the same log only when it scores as well, or when both hold what the person quoted
    // (the same warning about another file).
    if (
      chosen.some(
        (c) =>
          shape(c.line) === shape(p.line) || (c.pod === p.pod && c.score > p.score && !(c.quote && p.quote)),
      )
    )
      continue;
    chosen.push(p);
  }
  if (chosen.length === 0) return [];
  const told = chosen.map((p) => {
    const same = p.log.filter((l) => shape(l) === shape(p.line));
    // Clipped around the longest (most specific) of the task's words it shares, so a long line keeps
    // what matched.
    const first = [...wordsOf(p.line)].filter((w) => asked.has(w)).sort((a, b) => b.length - a.length)[0];
    let text = `"${p.quote ? clipAround(p.line, p.quote, 240) : first ? clipAround(p.line, first, 240) : clip(p.line, 240)}" (${p.pod})`;
    // What the person quoted, on several lines of that log: how many.
    const quote = p.quote;
    const holding = quote ? p.log.filter((l) => holdsPhrase(flatLower(l), quote)).length : 0;
    // Said when more lines hold it than repeat this one (the count of a repeated line is said below).
    if (holding >= 2 && holding > same.length)
      text += `, one of ${holding} lines read with "${asWritten(p.line, p.quote!)}"`;
    // A warning said once among many lines of a whole log (no cut, no other read of that pod showing
    // it again, hex ids aside): a single occurrence, not a condition that persists.
    const loose = (l: string) =>
      l.replace(/\b[0-9a-f]{6,}\b|[0-9a-f]{8}-[0-9a-f-]{27}/gi, '#').replace(/\d+(?:\.\d+)?/g, '#');
    const again = Math.max(
      0,
      ...logs
        .filter((x) => x.pod === p.pod)
        .map((x) => x.lines.filter((l) => loose(l) === loose(p.line)).length),
    );
    const whole = !logs.some((x) => x.pod === p.pod && x.cut);
    // Only what was read is claimed: a log cut to its tail may hold the warning earlier too.
    if (
      same.length === 1 &&
      again <= 1 &&
      holding < 2 &&
      p.log.length >= 5 &&
      /\bWARN(?:ING)?\b/i.test(p.line)
    )
      text += whole
        ? `, logged once among the ${p.log.length} lines read (a single occurrence, not a recurring one)`
        : `, logged once in the last ${p.log.length} lines read (the log was cut to its tail, so earlier ones are not seen)`;
    if (same.length >= 3) {
      const from = stampText(same[0]!);
      const to = stampText(same[same.length - 1]!);
      const { steady, varying } = figures(same);
      text += `, a line logged ${same.length} times${from && to ? ` from ${from} to ${to}` : ''}`;
      if (steady.length > 0)
        text += `, with ${steady.slice(0, 4).join(', ')} the same in every one (steady, not growing)`;
      if (varying.length > 0)
        text += `${steady.length > 0 ? ' and' : ', with'} ${varying.slice(0, 3).join(', ')}`;
    }
    // A warning, and the same log goes on to say the work it was part of finished: it did not stop it.
    const done = finishedAfter(p.log, p.at, p.line, completed(seen, p.pod));
    if (done)
      text += `: only a warning, not an error: the run went on past it and finished ("${clip(done.trim(), 160)}", a later line of the same log; the pod Completed), so it is harmless here and can be ignored`;
    return text;
  });
  return [`What the logs I read say about what you describe: ${told.join('; ')}.`];
}

/** A line that calls itself a warning, and no failure. */
const WARNING = /\bwarn(?:ing|ings)?\b/i;
/**
 * A failure: a level or verb word, a Python or Java exception's class (`KeyError: …`, `…Exception`), npm's
 * `npm ERR!`, a non-zero exit status.
 */
const FAILURE =
  /\b(?:error|errors|fail|failed|failure|fatal|panic|exception|abort|aborted|cannot|unable|traceback)\b|[a-z](?:Error|Exception)\b|\bERR!|\bexit(?:ed)? (?:with )?(?:code|status) [1-9]/i;
/** A line that says a run or a step of it finished (`build completed in 6.0sec`, `Upgrade Complete!`). */
const FINISHED = /\b(?:complete|completed|successful|successfully|succeeded|finished|done)\b/i;
/** Words that turn a finishing word around (`did not complete`, `never finished`, `unsuccessful`). */
const NOT_FINISHED = /\b(?:not|never|didn't|incomplete|unsuccessful)\b/i;

/** Whether the latest pod list that shows `pod` says it Completed (its containers exited 0). */
function completed(seen: AnalyzerContext['seen'], pod: string): boolean {
  const lists = outputs(seen, 'list_pods', () => true);
  for (let i = lists.length - 1; i >= 0; i--) {
    const row = parseTable(lists[i]!.content.slice(0, 200_000)).find((r) => r['NAME'] === pod);
    if (row) return row['STATUS'] === 'Completed';
  }
  return false;
}

/**
 * The last line after `at` of a log that says the work finished, when the line at `at` is a warning (and
 * no failure), no failure follows it, and the pod the log came from Completed (a run that ended, exit code
 * 0; a server's per-request "completed" is no end): the warning did not stop the run. Undefined otherwise.
 */
function finishedAfter(log: readonly string[], at: number, line: string, ended: boolean): string | undefined {
  if (!ended || !WARNING.test(line) || FAILURE.test(line)) return undefined;
  const after = log.slice(at + 1);
  if (after.some((l) => FAILURE.test(l) && !WARNING.test(l))) return undefined;
  for (let i = after.length - 1; i >= 0; i--)
    if (FINISHED.test(after[i]!) && !NOT_FINISHED.test(after[i]!)) return after[i];
  return undefined;
}

/** Whether `word` occurs in `text` with no letter, digit, `-` or `_` on either side. */
function wholeWord(text: string, word: string): boolean {
  const edge = (c: string | undefined) => c === undefined || !/[\p{L}\p{N}_-]/u.test(c);
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1))
    if (edge(text[at - 1]) && edge(text[at + word.length])) return true;
  return false;
}

/** A question whether anything is wrong at all (the answer may be an all-clear). */
const ASKS_ALL_CLEAR =
  /\bif (?:nothing|everything)(?:'s| is) (?:wrong|fine|ok|okay)\b|\b(?:is|was) (?:anything|something) (?:wrong|broken)\b|\bis (?:it|this|that) (?:harmless|expected|normal|safe to ignore)\b/i;

/**
 * The phrases the person quoted that no log read in the namespace holds, searched for in the first
 * cut log of a pod there (the start-up lines of a long log are not in its tail): at most two searches, so
 * the all-clear can quote the line the person saw. Reads only; `askedLines` quotes what they find.
 */
export const quotedSearchAnalyzer: Analyzer = {
  name: 'quoted-search',
  // Before the scan's follow-ups: on an all-clear, what the person saw is the one thing left to show.
  early: true,
  reads(ctx): Read[] {
    // Only where the answer may be an all-clear (the namespace's scan found nothing), and only phrases
    // with a word in them.
    const quiet = outputs(ctx.seen, 'scan', (o) => o.args['namespace'] === ctx.ns).some((o) =>
      /no problems found/.test(o.content),
    );
    const quoted = [
      ...quotedPhrases(ctx.task),
      // A warning's, an exception's or an error's class the person names without quotes (`a DeprecationWarning
      // in the pod logs`, `an IOException`, `a TypeError`): the runtime's own word for the line, as good as a
      // quote to search for.
      ...[...ctx.task.slice(0, 4000).matchAll(/\b[A-Z][A-Za-z]{1,40}(?:Warning|Exception|Error)\b/g)].map(
        (m) => m[0].toLowerCase(),
      ),
    ]
      .filter((q, i, all) => all.indexOf(q) === i)
      .filter((q) => !q.includes('|') && q.length <= 200 && /[\p{L}\p{N}]{2}/u.test(q));
    // And only when the person asks whether anything is wrong at all ("If nothing is wrong, say so"):
    // a report of a failure has its own leads to read first.
    if (!quiet || quoted.length === 0 || !ASKS_ALL_CLEAR.test(ctx.task.slice(0, 4000))) return [];
    const logs = outputs(
      ctx.seen,
      'get_pod_logs',
      (o) => o.args['namespace'] === ctx.ns && !o.args['previous'],
    );
    const searched = outputs(ctx.seen, 'search_pod_logs', (o) => o.args['namespace'] === ctx.ns);
    const held = (q: string) =>
      [...logs, ...searched].some((o) => flatLower(o.content.slice(-200_000)).includes(q));
    // The first log the tool cut to its tail; else one of a workload the task names (the tool shows a log's
    // newest lines only, so its start-up lines may not be in what was read).
    const task = ctx.task.slice(0, 4000).toLowerCase();
    const cut =
      logs.find((o) => cutNoticeAt(o.content.split('\n', 3)) >= 0) ??
      logs.find((o) => {
        const pod = String(o.args['name'] ?? '');
        // A Deployment's pod, or a StatefulSet's (`web-ssr-0`), named as a whole word of the task.
        const run = podDeployment(pod) ?? /^([a-z0-9][a-z0-9-]{1,252})-\d{1,4}$/.exec(pod)?.[1];
        return run !== undefined && run.length >= 3 && wholeWord(task, run);
      });
    if (!cut) return [];
    // The phrase as the person wrote it (their spacing: the search matches text as written, case aside).
    const raw = (q: string) =>
      [...ctx.task.slice(0, 4000).matchAll(/"([^"]{3,120})"|\u201c([^\u201d]{3,120})\u201d/g)]
        .map((m) => m[1] ?? m[2]!)
        .find((r) => flatLower(r) === q) ??
      [...ctx.task.slice(0, 4000).matchAll(/\b[A-Z]\w{2,80}\b/g)]
        .map((m) => m[0])
        .find((w) => w.toLowerCase() === q) ??
      q;
    return quoted
      .filter((q) => !held(q))
      .slice(0, 2)
      .map((q) => raw(q))
      .map((q) => ({
        tool: 'search_pod_logs',
        args: {
          namespace: ctx.ns,
          name: String(cut.args['name'] ?? ''),
          ...(cut.args['container'] ? { container: cut.args['container'] } : {}),
          pattern: q,
          context: 0,
          maxMatches: 3,
        },
      }));
  },
  finds: () => [],
};
