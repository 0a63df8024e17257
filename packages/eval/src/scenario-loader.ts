import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { closestName } from './did-you-mean.js';
import { type EvalIssue, EvaluationError } from './errors.js';
import { memoryFromSpec } from './memory-option.js';
import { cachedScenario, storeScenario } from './scenario-cache.js';
import { type Scenario, scenarioSchema } from './scenario-schema.js';
import { knownKeysAt } from './schema-keys.js';
import { KNOWN_TOOLS, MUTATING_TOOLS, TOOL_ARGUMENTS } from './tool-names.js';
import { pathSegments } from './value-at.js';

/** A scenario with where it came from and a content hash (its version in reports). */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly file: string;
  /** First 12 hex digits of sha256 over the file's text. */
  readonly version: string;
}

/** The outcome of parsing one file: a scenario, or every problem found in it. */
export type ParseOutcome = { ok: true; loaded: LoadedScenario } | { ok: false; issues: EvalIssue[] };

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** Largest scenario file read, in bytes; the shipped ones are a few kilobytes. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;
/** Deepest nesting (block and flow levels together) a scenario may have. */
export const MAX_SCENARIO_DEPTH = 64;

/**
 * Reads a scenario file: a regular file only (a FIFO, a device or a symlink to one is refused without
 * blocking), at most `MAX_SCENARIO_BYTES`. Returns the text, or a one-line reason it was refused.
 */
export function readScenarioText(file: string): { ok: true; text: string } | { ok: false; message: string } {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; regular files ignore it.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { ok: false, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, message: 'not a regular file' };
    if (st.size > MAX_SCENARIO_BYTES)
      return { ok: false, message: `file is larger than ${MAX_SCENARIO_BYTES} bytes (${st.size})` };
    // Read at most one byte past the limit, whatever the size said (a file can grow while read).
    const buf = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > MAX_SCENARIO_BYTES)
        return { ok: false, message: `file is larger than ${MAX_SCENARIO_BYTES} bytes` };
    }
    return { ok: true, text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    return { ok: false, message: `cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    closeSync(fd);
  }
}

/**
 * The first line where YAML text nests deeper than `max` levels, found in one pass without recursion
 * (the parser recurses per level, so a deep document must be refused before it is parsed). Block
 * levels come from indentation and leading `- `/`? ` indicators, flow levels from `[`/`{` outside
 * quotes and comments; block scalar content may count a little deeper than it is, never shallower.
 */
export function nestingTooDeep(text: string, max: number): { line: number; depth: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const end = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    let j = i;
    if (flow === 0 && quote === undefined) {
      while (j < end && text[j] === ' ') j++;
      const blank = j >= end || text[j] === '#' || text[j] === '\r';
      if (!blank) {
        const cols = [j - i];
        while (j + 1 < end && (text[j] === '-' || text[j] === '?') && text[j + 1] === ' ') {
          j += 2;
          while (j < end && text[j] === ' ') j++;
          cols.push(j - i);
        }
        while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= (cols[0] ?? 0)) indents.pop();
        indents.push(...cols);
        if (indents.length > max) return { line, depth: indents.length };
      }
    }
    for (; j < end; j++) {
      const c = text[j];
      if (quote) {
        if (quote === '"' && c === '\\') j++;
        else if (c === quote) {
          if (quote === "'" && text[j + 1] === "'") j++;
          else quote = undefined;
        }
      } else if ((c === '"' || c === "'") && startsScalar(text, i, j, flow > 0)) quote = c;
      else if (c === '#' && (j === i || text[j - 1] === ' ' || text[j - 1] === '\t')) break;
      else if (c === '[' || c === '{') {
        flow++;
        if (indents.length + flow > max) return { line, depth: indents.length + flow };
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    i = end + 1;
    line++;
  }
  return undefined;
}

/** Whether a quote at `j` opens a quoted scalar: first on its line or after an indicator, not inside a word. */
function startsScalar(text: string, lineStart: number, j: number, inFlow: boolean): boolean {
  let k = j - 1;
  while (k >= lineStart && (text[k] === ' ' || text[k] === '\t')) k--;
  if (k < lineStart) return true;
  const prev = text[k];
  if (prev === ':' || prev === '-' || prev === '?') return k < j - 1;
  return prev === '[' || prev === '{' || (inFlow && prev === ',');
}

/** Parses and validates scenario text; never throws for bad content, reports each issue with its line. */
export function parseScenario(text: string, file: string): ParseOutcome {
  if (text.length > MAX_SCENARIO_BYTES) {
    return {
      ok: false,
      issues: [{ file, path: '', message: `file is larger than ${MAX_SCENARIO_BYTES} bytes` }],
    };
  }
  const textHash = createHash('sha256').update(text).digest('hex');
  const version = textHash.slice(0, 12);
  // A text validated before by this same code (see scenario-cache.ts) is not parsed again; its other
  // checks still run, and a text they fault is parsed below, so the faults carry their lines.
  const cached = cachedScenario(textHash) as Scenario | undefined;
  if (cached && passesCrossChecks(cached)) return { ok: true, loaded: { scenario: cached, file, version } };
  const deep = nestingTooDeep(text, MAX_SCENARIO_DEPTH);
  if (deep) {
    return {
      ok: false,
      issues: [
        { file, line: deep.line, path: '', message: `YAML nests deeper than ${MAX_SCENARIO_DEPTH} levels` },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues: EvalIssue[] = [];
  const at = (offset: number | undefined): { line?: number; column?: number } => {
    if (offset === undefined) return {};
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  for (const e of doc.errors) {
    issues.push({ file, ...at(e.pos[0]), path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  if (issues.length > 0) return { ok: false, issues };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Documents that parse but cannot be built: an alias with no anchor, an alias bomb.
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return { ok: false, issues: [{ file, path: '', message: `YAML: ${message}` }] };
  }
  const parsed = scenarioSchema.safeParse(data);
  const locate = (path: readonly PropertyKey[]): { line?: number; column?: number } => {
    // The deepest node that exists along the path: a missing key points at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (isNode(node) && node.range) {
        return at(node.range[0]);
      }
      if (n === 0 && doc.contents && isNode(doc.contents) && doc.contents.range)
        return at(doc.contents.range[0]);
    }
    return {};
  };
  // An unknown key is about the key itself: its own line, not its parent's.
  const locateKey = (parent: readonly PropertyKey[], key: string): { line?: number; column?: number } => {
    const node = parent.length === 0 ? doc.contents : doc.getIn(parent as unknown[], true);
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key;
        if (isScalar(k) && String(k.value) === key && k.range) return at(k.range[0]);
      }
    }
    return locate(parent);
  };
  // A key's line is the line of its pair; getIn returns the value node, which is what the issue is about.
  if (!parsed.success) {
    for (const issue of flattenIssues(parsed.error.issues)) {
      if (issue.keys) {
        let parent: unknown = data;
        for (const step of issue.path)
          parent =
            typeof parent === 'object' && parent !== null
              ? (parent as Record<PropertyKey, unknown>)[step]
              : undefined;
        const present = new Set(
          typeof parent === 'object' && parent !== null ? Object.keys(parent) : issue.keys,
        );
        const known = knownKeysAt(scenarioSchema, issue.path).filter((k) => !present.has(k));
        for (const key of issue.keys) {
          const guess = closestName(key, known);
          issues.push({
            file,
            ...locateKey(issue.path, key),
            path: formatPath([...issue.path, key]),
            message: `unknown key \`${key}\`${guess ? `: did you mean \`${guess}\`?` : ''}`,
          });
        }
        continue;
      }
      issues.push({ file, ...locate(issue.path), path: formatPath(issue.path), message: issue.message });
    }
    return { ok: false, issues: sortIssues(issues) };
  }
  const scenario = parsed.data;
  for (const problem of crossChecks(scenario)) {
    issues.push({ file, ...locate(problem.path), path: formatPath(problem.path), message: problem.message });
  }
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  storeScenario(textHash, scenario);
  return { ok: true, loaded: { scenario, file, version } };
}

/** Issues in reading order: by file, then line and column (problems without a line first). */
export function sortIssues(issues: readonly EvalIssue[]): EvalIssue[] {
  return issues
    .map((issue, i) => ({ issue, i }))
    .sort(
      (a, b) =>
        (a.issue.file < b.issue.file ? -1 : a.issue.file > b.issue.file ? 1 : 0) ||
        (a.issue.line ?? 0) - (b.issue.line ?? 0) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.i - b.i,
    )
    .map(({ issue }) => issue);
}

interface FlatIssue {
  path: PropertyKey[];
  message: string;
  /** For an object with keys the schema does not know: those keys. */
  keys?: string[];
}

// Unions report "invalid input" with nested errors; surface the nested ones with full paths when there are few.
function flattenIssues(issues: readonly z.core.$ZodIssue[]): FlatIssue[] {
  const out: FlatIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The branch that got furthest into the value explains the problem best.
      const depth = (branch: readonly z.core.$ZodIssue[]) => Math.max(0, ...branch.map((i) => i.path.length));
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      if (depth(best) > 0) {
        for (const inner of flattenIssues(best)) {
          out.push({ ...inner, path: [...issue.path, ...inner.path] });
        }
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys') {
      out.push({ path: [...issue.path], message: issue.message, keys: [...issue.keys] });
      continue;
    }
    out.push({ path: [...issue.path], message: issue.message });
  }
  return out;
}

/** Names the scenario shows openly (its id, namespaces, object names): never secret, so never a planted secret. */
function openNames(s: Scenario): Set<string> {
  const names = new Set<string>([s.id, s.namespace]);
  const w = s.cluster as Record<string, unknown>;
  for (const ns of (w['namespaces'] as unknown[] | undefined) ?? []) {
    if (typeof ns === 'string') names.add(ns);
    else if (typeof (ns as { name?: unknown } | null)?.name === 'string')
      names.add((ns as { name: string }).name);
  }
  for (const key of ['deployments', 'pods', 'services', 'nodes']) {
    for (const o of (w[key] as { name?: unknown }[] | undefined) ?? []) {
      if (typeof o?.name === 'string') names.add(o.name);
    }
  }
  for (const o of (w['objects'] as { metadata?: { name?: unknown } }[] | undefined) ?? []) {
    if (typeof o?.metadata?.name === 'string') names.add(o.metadata.name);
  }
  return names;
}

/** An approver that hangs makes every approval wait this long at most, or a run would stall. */
const MAX_HANG_WAIT_MS = 10_000;

/** The argument a `where` key names: its path's first segment (the schema refused a malformed one already). */
function firstSegment(key: string): string {
  try {
    return pathSegments(key)[0] ?? key;
  } catch {
    return key;
  }
}

function crossChecks(s: Scenario): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  const open = openNames(s);
  s.expect.secrets.forEach((secret, i) => {
    if (open.has(secret)) {
      out.push({
        path: ['expect', 'secrets', i],
        message: `"${secret}" is a name the scenario shows openly (its id, a namespace or an object name), so it cannot be a planted secret`,
      });
    }
  });
  if (s.faults.approver.includes('hangs') && (s.budget.approvalTimeoutMs ?? 120_000) > MAX_HANG_WAIT_MS) {
    out.push({
      path: ['budget', 'approvalTimeoutMs'],
      message: `with faults.approver "hangs", set budget.approvalTimeoutMs to at most ${MAX_HANG_WAIT_MS} ms, or every hung approval stalls the run that long`,
    });
  }
  if (s.harness.memory) {
    try {
      memoryFromSpec(s.harness.memory);
    } catch (e) {
      const message = e instanceof Error ? e.message.replace(/^--memory \S+: /, '') : String(e);
      out.push({ path: ['harness', 'memory'], message });
    }
  }
  // A `where` key names an argument (dotted: a field inside one); a key no call carries never matches.
  const checkWhere = (
    tool: string,
    where: Readonly<Record<string, unknown>> | undefined,
    at: (string | number)[],
  ) => {
    const args = TOOL_ARGUMENTS.get(tool);
    if (!args || !where) return;
    for (const key of Object.keys(where)) {
      const arg = firstSegment(key);
      if (args.includes(arg)) continue;
      const guess = closestName(arg, args);
      out.push({
        path: [...at, 'where', key],
        message: `${tool} takes no argument "${arg}"${guess ? `; did you mean "${guess}"?` : ''} (its arguments: ${args.join(', ')})`,
      });
    }
  };
  s.grants.allow?.forEach((entry, i) => {
    const tool = typeof entry === 'string' ? entry : entry.tool;
    if (!KNOWN_TOOLS.has(tool)) {
      const path = typeof entry === 'string' ? ['grants', 'allow', i] : ['grants', 'allow', i, 'tool'];
      out.push({ path, message: `unknown tool "${tool}"` });
    } else if (typeof entry !== 'string') checkWhere(tool, entry.where, ['grants', 'allow', i]);
  });
  s.grants.approve.forEach((rule, i) => {
    if (!MUTATING_TOOLS.has(rule.tool)) {
      out.push({
        path: ['grants', 'approve', i, 'tool'],
        message: `"${rule.tool}" is not a mutating tool (one of ${[...MUTATING_TOOLS].join(', ')})`,
      });
    } else checkWhere(rule.tool, rule.where, ['grants', 'approve', i]);
  });
  s.expect.evidence.forEach((ev, i) => {
    const tools =
      typeof ev === 'string'
        ? [ev]
        : Array.isArray(ev)
          ? ev
          : typeof ev.tool === 'string'
            ? [ev.tool]
            : ev.tool;
    for (const t of tools) {
      if (!KNOWN_TOOLS.has(t)) out.push({ path: ['expect', 'evidence', i], message: `unknown tool "${t}"` });
    }
  });
  for (const [i, c] of s.expect.endState.entries()) {
    if ('path' in c) {
      const comparisons = ['equals', 'notEquals', 'atLeast', 'atMost', 'above', 'matches'].filter(
        (k) => (c as Record<string, unknown>)[k] !== undefined,
      );
      if (comparisons.length === 0) {
        out.push({
          path: ['expect', 'endState', i],
          message:
            'an end-state check with a path needs one of equals, notEquals, atLeast, atMost, above, matches',
        });
      }
      if (c.matches !== undefined) {
        try {
          new RegExp(c.matches);
        } catch {
          out.push({ path: ['expect', 'endState', i, 'matches'], message: 'not a valid regular expression' });
        }
      }
    }
  }
  for (const [i, rule] of s.grants.approve.entries()) {
    for (const [arg, m] of Object.entries(rule.where ?? {})) {
      if (typeof m === 'object' && 'pattern' in m) {
        try {
          new RegExp(m.pattern);
        } catch {
          out.push({
            path: ['grants', 'approve', i, 'where', arg, 'pattern'],
            message: 'not a valid regular expression',
          });
        }
      }
    }
  }
  return out;
}

/** Whether a scenario read back from the cache passes the checks beyond the schema (false if it cannot be checked). */
function passesCrossChecks(s: Scenario): boolean {
  try {
    return crossChecks(s).length === 0;
  } catch {
    return false;
  }
}

/** Reads one scenario file; throws an `EvaluationError` listing every problem with file, path and line. */
export function loadScenarioFile(file: string, displayRoot = process.cwd()): LoadedScenario {
  const shown = relative(displayRoot, file) || basename(file);
  const read = readScenarioText(file);
  if (!read.ok) throw new EvaluationError('io_error', `cannot read scenario file ${shown}: ${read.message}`);
  const out = parseScenario(read.text, shown);
  if (!out.ok) {
    throw new EvaluationError('invalid_scenario', `${out.issues.length} problem(s) in ${shown}`, {
      issues: out.issues,
    });
  }
  return out.loaded;
}

/** Lists scenario files: a directory's *.yaml / *.yml (sorted), or the files given. */
export function scenarioFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (cause) {
      throw new EvaluationError('io_error', `no such scenario file or directory: ${p}`, { cause });
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (/\.ya?ml$/.test(name)) out.push(join(p, name));
      }
    } else out.push(p);
  }
  return out;
}

/** Loads every scenario under the given paths; all problems of all files are reported at once. */
export function loadScenarios(paths: readonly string[], displayRoot = process.cwd()): LoadedScenario[] {
  const files = scenarioFiles(paths);
  const issues: EvalIssue[] = [];
  const loaded: LoadedScenario[] = [];
  const ids = new Map<string, string>();
  for (const file of files) {
    const shown = relative(displayRoot, file) || basename(file);
    const read = readScenarioText(file);
    if (!read.ok) {
      issues.push({ file: shown, path: '', message: read.message });
      continue;
    }
    const out = parseScenario(read.text, shown);
    if (!out.ok) {
      issues.push(...out.issues);
      continue;
    }
    const prior = ids.get(out.loaded.scenario.id);
    if (prior) {
      issues.push({
        file: shown,
        path: 'id',
        message: `id "${out.loaded.scenario.id}" is also used by ${prior}`,
      });
      continue;
    }
    ids.set(out.loaded.scenario.id, shown);
    loaded.push(out.loaded);
  }
  if (issues.length > 0) {
    const nFiles = new Set(issues.map((i) => i.file)).size;
    throw new EvaluationError(
      'invalid_scenario',
      `${issues.length} problem(s) in ${nFiles} scenario file(s)`,
      {
        issues: sortIssues(issues),
      },
    );
  }
  if (loaded.length === 0)
    throw new EvaluationError('no_scenarios', `no scenario files (*.yaml) found in ${paths.join(', ')}`);
  return loaded;
}
