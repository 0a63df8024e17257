import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { type EvalIssue, EvaluationError } from './errors.js';
import { type Scenario, scenarioSchema } from './scenario-schema.js';
import { KNOWN_TOOLS, MUTATING_TOOLS } from './tool-names.js';

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

/** Parses and validates scenario text; never throws for bad content, reports each issue with its line. */
export function parseScenario(text: string, file: string): ParseOutcome {
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
  // A key's line is the line of its pair; getIn returns the value node, which is what the issue is about.
  if (!parsed.success) {
    for (const issue of flattenIssues(parsed.error.issues)) {
      issues.push({ file, ...locate(issue.path), path: formatPath(issue.path), message: issue.message });
    }
    return { ok: false, issues };
  }
  const scenario = parsed.data;
  for (const problem of crossChecks(scenario)) {
    issues.push({ file, ...locate(problem.path), path: formatPath(problem.path), message: problem.message });
  }
  if (issues.length > 0) return { ok: false, issues };
  const version = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { ok: true, loaded: { scenario, file, version } };
}

// Unions report "invalid input" with nested errors; surface the nested ones with full paths when there are few.
function flattenIssues(issues: readonly z.core.$ZodIssue[]): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The branch that got furthest into the value explains the problem best.
      const depth = (branch: readonly z.core.$ZodIssue[]) => Math.max(0, ...branch.map((i) => i.path.length));
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0] ?? [];
      if (depth(best) > 0) {
        for (const inner of flattenIssues(best)) {
          out.push({ path: [...issue.path, ...inner.path], message: inner.message });
        }
        continue;
      }
    }
    out.push({ path: [...issue.path], message: issue.message });
  }
  return out;
}

function crossChecks(s: Scenario): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  s.grants.allow?.forEach((tool, i) => {
    if (!KNOWN_TOOLS.has(tool)) out.push({ path: ['grants', 'allow', i], message: `unknown tool "${tool}"` });
  });
  s.grants.approve.forEach((rule, i) => {
    if (!MUTATING_TOOLS.has(rule.tool)) {
      out.push({
        path: ['grants', 'approve', i, 'tool'],
        message: `"${rule.tool}" is not a mutating tool (one of ${[...MUTATING_TOOLS].join(', ')})`,
      });
    }
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

/** Reads one scenario file; throws an `EvaluationError` listing every problem with file, path and line. */
export function loadScenarioFile(file: string, displayRoot = process.cwd()): LoadedScenario {
  const shown = relative(displayRoot, file) || basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new EvaluationError('io_error', `cannot read scenario file ${shown}`, { cause });
  }
  const out = parseScenario(text, shown);
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
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      issues.push({ file: shown, path: '', message: 'cannot read file' });
      continue;
    }
    const out = parseScenario(text, shown);
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
        issues,
      },
    );
  }
  if (loaded.length === 0)
    throw new EvaluationError('no_scenarios', `no scenario files (*.yaml) found in ${paths.join(', ')}`);
  return loaded;
}
