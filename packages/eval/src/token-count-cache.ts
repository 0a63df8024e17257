/**
 * The o200k token counter of a summarizing memory (`--memory summarizer`, a world's
 * `harness.memory`), with the counts it made kept on disk: the same world's runs show the same
 * outputs in every eval, and loading the tokenizer's vocabulary alone takes about 0.2 s of a fresh
 * process. A count is read back only by the code that made it (the entries are keyed by the code of
 * @sre-harness/memory-summarizer and the gpt-tokenizer version, and by each text's sha256), so the
 * counts, and what the memory does with them, are the tokenizer's own. The file sits next to the
 * scenario cache (`node_modules/.cache/sre-eval`); `SRE_EVAL_CACHE=off` turns both off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { o200kTokenCounter, type TokenCounter } from '@sre-harness/memory-summarizer';
import { cacheDirectory, codeIdentity } from './scenario-cache.js';

/** Bumped when the file's format changes. */
const FORMAT = 1;
/** Counts kept at most (the newest); a few megabytes. */
const MAX_COUNTS = 20_000;

interface Store {
  readonly file: string;
  readonly counts: Map<string, number>;
  added: number;
}

let store: Store | null | undefined;

/** The counts saved in `file` (none when it is missing, damaged or of another format). */
function readCounts(file: string, into: Map<string, number>): void {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; counts?: unknown };
    if (saved.format !== FORMAT || typeof saved.counts !== 'object' || saved.counts === null) return;
    for (const [key, n] of Object.entries(saved.counts)) {
      if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && !into.has(key)) into.set(key, n);
    }
  } catch {
    // nothing saved yet
  }
}

/** Writes the counts, with any another process saved meanwhile, when this one made new ones. */
function save(s: Store): void {
  if (s.added === 0) return;
  try {
    readCounts(s.file, s.counts);
    const entries = [...s.counts].slice(-MAX_COUNTS);
    mkdirSync(dirname(s.file), { recursive: true });
    const tmp = `${s.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify({ format: FORMAT, counts: Object.fromEntries(entries) }));
    renameSync(tmp, s.file);
    s.added = 0;
  } catch {
    // a read-only install or a full disk: the counts are made again next time
  }
}

function open(): Store | null {
  if (process.env['SRE_EVAL_CACHE'] === 'off') return null;
  try {
    const entry = fileURLToPath(import.meta.resolve('@sre-harness/memory-summarizer'));
    const tokenizer = createRequire(entry).resolve('gpt-tokenizer/encoding/o200k_base');
    const identity = codeIdentity(`token counts ${FORMAT}`, [dirname(entry)], [['gpt-tokenizer', tokenizer]]);
    const s: Store = {
      file: join(cacheDirectory(), `token-counts-${identity.slice(0, 16)}.json`),
      counts: new Map(),
      added: 0,
    };
    readCounts(s.file, s.counts);
    process.once('exit', () => save(s));
    return s;
  } catch {
    return null;
  }
}

/** The o200k counter (`o200kTokenCounter`), each text counted once across evals. */
export function savedO200kCounter(): TokenCounter {
  const inner = o200kTokenCounter();
  return {
    name: inner.name,
    count(text: string): number {
      store ??= open();
      if (!store || text.length === 0) return inner.count(text);
      const key = createHash('sha256').update(text).digest('base64url');
      const known = store.counts.get(key);
      if (known !== undefined) return known;
      const n = inner.count(text);
      store.counts.set(key, n);
      store.added++;
      return n;
    },
  };
}
