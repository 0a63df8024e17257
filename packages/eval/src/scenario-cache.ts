/**
 * A cache of validated scenarios on disk, so a scenario file that has not changed is not parsed and
 * validated again: parsing the YAML and checking it against the schema is most of the eval's start-up
 * (about 0.3–0.5 s for the 28 shipped scenarios in a fresh process, against a few milliseconds to read
 * them back as JSON).
 *
 * An entry is the schema's output for one file's text, keyed by a hash of that text and of the code
 * that produced it: every built (or source) file of this package and of @sre-harness/tools-k8s (the
 * world schema), and the versions of `yaml` and `zod`. Any change to them is a new key, so an entry
 * can only be read back by the same code that wrote it. Only data that reads back exactly as it was
 * written is stored. The scenario's other checks (cross-references, tool names, the memory spec)
 * still run on every load. Entries live in this package's `node_modules/.cache/sre-eval`;
 * `SRE_EVAL_CACHE=off` turns the cache off. Any failure to read or write it only means a parse.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';

/** Bumped when the entry format changes. */
const FORMAT = 1;
/** Entries kept before the cache is emptied (a few hundred scenario files; each entry is a few kB). */
const MAX_ENTRIES = 2_000;

let state: { dir: string; identity: string } | null | undefined;

/** Every code file under `dir` (no tests, declarations or source maps), by path, with its contents. */
function codeFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== '__fixtures__') codeFiles(p, out);
    } else if (/\.(m?js|ts|tsx|json)$/.test(e.name) && !/\.d\.ts$|\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The version in the package.json nearest above `file`. */
function packageVersion(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string };
      if (pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    if (dirname(dir) === dir) return '?';
  }
}

/** Where this package's caches live: its own `node_modules/.cache/sre-eval`. */
export function cacheDirectory(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.cache', 'sre-eval');
}

/**
 * A hash of the code files under each directory (their paths and contents) and of the versions of
 * the named packages (each resolved from a file of it): the code a cached result was computed by.
 */
export function codeIdentity(
  label: string,
  dirs: readonly string[],
  packages: readonly (readonly [name: string, file: string])[],
): string {
  const hash = createHash('sha256').update(`${label}\n`);
  for (const dir of dirs) {
    for (const file of codeFiles(dir).sort()) {
      hash
        .update(`${file.slice(dir.length)}\n`)
        .update(readFileSync(file))
        .update('\n');
    }
  }
  for (const [name, file] of packages) hash.update(`${name} ${packageVersion(file)}\n`);
  return hash.digest('hex');
}

function init(): { dir: string; identity: string } | null {
  if (process.env['SRE_EVAL_CACHE'] === 'off') return null;
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    const k8s = dirname(fileURLToPath(import.meta.resolve('@sre-harness/tools-k8s')));
    // Literal specifiers: a bundle of the sources (scripts/launch.mjs) resolves them when it is built.
    const deps = [
      ['yaml', fileURLToPath(import.meta.resolve('yaml'))],
      ['zod', fileURLToPath(import.meta.resolve('zod'))],
    ] as const;
    return { dir: cacheDirectory(), identity: codeIdentity(`format ${FORMAT}`, [here, k8s], deps) };
  } catch {
    return null;
  }
}

function entryPath(textHash: string): string | undefined {
  state ??= init();
  if (!state) return undefined;
  const key = createHash('sha256').update(state.identity).update(textHash).digest('hex');
  return join(state.dir, `${key.slice(0, 40)}.json`);
}

/** The validated scenario data stored for this text (by its sha256), if any. */
export function cachedScenario(textHash: string): unknown {
  const file = entryPath(textHash);
  if (!file) return undefined;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; data?: unknown };
    return entry.format === FORMAT && typeof entry.data === 'object' && entry.data !== null
      ? entry.data
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a value reaches one object twice (a YAML alias the schema kept): a JSON copy would make two. */
export function hasSharedObjects(v: unknown, seen: Set<object> = new Set()): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (seen.has(v)) return true;
  seen.add(v);
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (hasSharedObjects(x, seen)) return true;
  return false;
}

/** Stores the validated scenario data of this text, when it reads back exactly as it is. */
export function storeScenario(textHash: string, data: unknown): void {
  const file = entryPath(textHash);
  if (!file || !state) return;
  try {
    // Only plain data that a JSON copy reproduces exactly: no undefined, -0, NaN or class instances,
    // and no object reached twice (a YAML alias), which a copy would turn into two.
    if (hasSharedObjects(data, new Set())) return;
    const text = JSON.stringify({ format: FORMAT, data });
    if (!isDeepStrictEqual((JSON.parse(text) as { data: unknown }).data, data)) return;
    mkdirSync(state.dir, { recursive: true });
    if (!statSync(state.dir).isDirectory()) return;
    if (readdirSync(state.dir).length >= MAX_ENTRIES) {
      rmSync(state.dir, { recursive: true, force: true });
      mkdirSync(state.dir, { recursive: true });
    }
    // Written whole, then renamed: a reader sees the old entry, the new one, or none.
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } catch {
    // a read-only install or a full disk: no cache
  }
}
