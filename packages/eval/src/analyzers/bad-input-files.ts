import {
  type Analyzer,
  type AnalyzerContext,
  bonus,
  boundedLogLines,
  clip,
  type Finding,
  outputs,
  podDeployment,
} from './types.js';

/** A program saying it could not open or parse one input file. Linear: fixed words. */
const COULD_NOT_READ =
  /exception (?:when|while) (?:opening|reading|parsing)|(?:could not|cannot|can't|unable to|failed to) (?:open|parse|read|load|import)|error (?:opening|parsing|reading|loading|importing)/i;
/** What it says is wrong with the file's contents (a format problem, not access). Linear: fixed words. */
const MALFORMED =
  /\b(?:invalid|incorrect|malformed|corrupt(?:ed)?|not unique|duplicate|unexpected (?:token|end|character|element|EOF)|root level|truncated|not a valid|bad (?:header|format|magic)|checksum mismatch)\b/i;
/** Access and storage words: a refusal is not a malformed file. */
const ACCESS =
  /permission denied|EACCES|not accessible|stale file handle|ESTALE|input\/output error|EIO|no such file|too many open files|EMFILE|ENFILE|no space left|ENOSPC|cannot allocate memory|ENOMEM|timed? ?out/i;
/** A line that says the run went on and ended (a scan that processed the rest). */
const FINISHED = /\b(?:processed|finished|completed|scan (?:done|complete)|imported)\b/i;

/**
 * The file a line names: a `/path/…/name.ext` after a space, `=` or `:` (names may hold spaces: up to the
 * first `.ext` followed by a space, a colon, punctuation or the end), or a quoted one up to its closing quote.
 */
function fileIn(line: string): string | undefined {
  // At most three places a path may start: the work per line stays bounded.
  let tried = 0;
  for (let at = line.indexOf('/'); at >= 0 && tried < 3; at = line.indexOf('/', at + 1)) {
    const before = line[at - 1] ?? ' ';
    if (!` '"=:(`.includes(before)) continue;
    tried++;
    const rest = line.slice(at, at + 600);
    if (before === "'" || before === '"') {
      const end = rest.indexOf(before);
      const quoted = end > 1 ? rest.slice(0, end) : '';
      if (/\.[A-Za-z0-9]{2,5}$/.test(quoted)) return quoted;
      continue;
    }
    const m = /^\/[^\n]{0,500}?\.[A-Za-z0-9]{2,5}(?=[\s:,;)'"]|$)/.exec(rest);
    if (m) return m[0];
  }
  return undefined;
}

interface Bad {
  pod: string;
  lines: string[];
  files: string[];
  finished: string;
}

/** Per log of the namespace: the lines naming one file each that could not be read for its contents. */
function badInputs(ctx: AnalyzerContext): Bad | undefined {
  for (const o of outputs(
    ctx.seen,
    'get_pod_logs',
    (x) => (x.args['namespace'] ?? ctx.ns) === ctx.ns && !x.args['previous'],
  )) {
    const lines = boundedLogLines(o.content).filter((l) => l.length <= 4000);
    const bad: string[] = [];
    const files: string[] = [];
    let last = -1;
    lines.forEach((l, i) => {
      if (!COULD_NOT_READ.test(l) || ACCESS.test(l)) return;
      const file = fileIn(l);
      // The words of the line, not of the path (`corrupted-uploads/` is a directory's name).
      if (!file || files.includes(file) || !MALFORMED.test(l.split(file).join(' '))) return;
      bad.push(l.trim());
      files.push(file);
      last = i;
    });
    if (bad.length === 0) continue;
    const finished = lines.slice(last + 1).find((l) => FINISHED.test(l));
    if (finished) return { pod: String(o.args['name'] ?? ''), lines: bad, files, finished: finished.trim() };
  }
  return undefined;
}

/**
 * A program that processes a collection of files (a library scan, an import) and logs, for a few of
 * them, that it could not open or parse the file for its contents (`Incorrect EPUB manifest: item … is
 * not unique`, `Data at the root level is invalid`), then finishes the run: those files are malformed and
 * skipped, so they are the ones missing afterwards; the storage and its permissions are fine (the rest was
 * read). No reads of its own.
 */
export const badInputFilesAnalyzer: Analyzer = {
  name: 'bad-input-files',
  reads: () => [],
  finds(ctx) {
    const b = badInputs(ctx);
    if (!b) return [];
    const deployment = podDeployment(b.pod);
    const who = deployment ? `deployment ${deployment}` : `pod ${b.pod}`;
    const finding: Finding = {
      weight: 70 + bonus(deployment ?? b.pod, ctx.hints),
      object: who,
      cause: `${who} skips ${b.files.length} file${b.files.length === 1 ? '' : 's'} it cannot parse: they are malformed (invalid files, not readable as their format): ${b.lines
        .slice(0, 3)
        .map((l) => `"${clip(l, 260)}"`)
        .join(
          '; ',
        )}${b.files.length > 3 ? `; and ${b.files.length - 3} more` : ''}. The run went on and finished with the rest ("${clip(b.finished, 160)}"), so the storage is readable and its permissions are fine; the skipped files are the ones missing afterwards`,
      evidence: [
        ...b.lines.slice(0, 2).map((l) => `get_pod_logs ${b.pod}: "${clip(l, 200)}"`),
        `get_pod_logs ${b.pod}: "${clip(b.finished, 160)}"`,
      ],
      advice: `repair or replace the malformed files (${b.files
        .slice(0, 3)
        .map((f) => f.slice(f.lastIndexOf('/') + 1))
        .join(
          ', ',
        )}${b.files.length > 3 ? ', …' : ''}: fix what the error names, or get a good copy) and scan again; nothing needs changing on the cluster`,
    };
    return [finding];
  },
};
