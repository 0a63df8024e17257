#!/usr/bin/env node
// `pnpm test:mutants`: proves that `pnpm eval` can see a broken harness. It copies the repository to
// a temporary directory, applies each mutant of scripts/mutants/catalogue.mjs there (one at a time,
// the repository itself is never touched), runs the default eval on it, and passes only when every
// mutant makes the eval exit non-zero. It prints `caught N/N` and, for each mutant, the rails the
// eval named. Run with --help for options.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MUTANTS } from './mutants/catalogue.mjs';

const HELP = `Usage: pnpm test:mutants [options]

Applies each harness mutant of scripts/mutants/catalogue.mjs to a temporary copy of the repository
and runs the default \`pnpm eval\` on it. Passes when the eval exits non-zero for every mutant.

Options:
  --only <id,...>     run only these mutants (comma-separated ids)
  --list              list the mutants and exit
  --check             only check that every mutant still applies to the source (no eval runs)
  --jobs <n>          mutants evaluated at once (default: number of CPUs, at most 4)
  --timeout <s>       seconds one eval may take before the mutant counts as not caught (default 240)
  --keep              keep the temporary copies (their paths are printed)
  -h, --help          show this help

Exit codes: 0 every mutant caught (and the unmutated eval passes); 1 a mutant survived, a mutant
is stale (its text is no longer in the source), or the unmutated eval fails; 2 bad options.`;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function options() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        list: { type: 'boolean' },
        check: { type: 'boolean' },
        jobs: { type: 'string' },
        timeout: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`test-mutants: ${e.message}\n\n${HELP}\n`);
    process.exit(2);
  }
}

const opts = options();
if (opts.help) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}
if (opts.list) {
  for (const m of MUTANTS) process.stdout.write(`${m.id.padEnd(44)} ${m.rail.padEnd(16)} ${m.what}\n`);
  process.exit(0);
}
if (opts.check) {
  const stale = [];
  for (const m of MUTANTS) {
    for (const e of m.edits) {
      const text = readFileSync(join(root, e.file), 'utf8');
      const at = text.indexOf(e.find);
      if (at < 0 || text.indexOf(e.find, at + 1) >= 0)
        stale.push(`${m.id}: ${e.file}: the text to replace occurs ${at < 0 ? 'nowhere' : 'more than once'}`);
    }
  }
  process.stdout.write(
    stale.length === 0 ? `all ${MUTANTS.length} mutants apply\n` : `${stale.join('\n')}\n`,
  );
  process.exit(stale.length === 0 ? 0 : 1);
}
const positive = (v, name, fallback) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`test-mutants: --${name} must be a whole number of at least 1; got ${v}\n`);
    process.exit(2);
  }
  return n;
};
const jobs = positive(opts.jobs, 'jobs', Math.min(4, Math.max(1, cpus().length)));
const timeoutMs = positive(opts.timeout, 'timeout', 240) * 1000;
let selected = MUTANTS;
if (opts.only) {
  const ids = opts.only.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !MUTANTS.some((m) => m.id === id));
  if (unknown.length > 0) {
    process.stderr.write(`test-mutants: unknown mutant(s): ${unknown.join(', ')} (see --list)\n`);
    process.exit(2);
  }
  selected = MUTANTS.filter((m) => ids.includes(m.id));
}

// The source is copied; the installed dependencies are shared through one symlink (workspace
// packages link to each other by relative paths inside the copy, so the copy runs its own source).
const SKIP = new Set(['node_modules', '.git', 'dist', '.turbo', 'reports', 'coverage', '.ci']);
function makeCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'sre-mutants-'));
  const copy = (from, to) => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (SKIP.has(entry.name) && from === root) continue;
      if (entry.name === 'dist' || entry.name === '.turbo') continue;
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') {
        cpSync(src, dst, {
          recursive: true,
          verbatimSymlinks: true,
          filter: (s) => !/\/(dist|\.turbo)(\/|$)/.test(s),
        });
      } else cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
    }
  };
  copy(root, dir);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function applyEdits(dir, mutant) {
  const originals = new Map();
  for (const edit of mutant.edits) {
    const path = join(dir, edit.file);
    const text = originals.get(path) ?? readFileSync(path, 'utf8');
    if (!originals.has(path)) originals.set(path, text);
    const current = readFileSync(path, 'utf8');
    const at = current.indexOf(edit.find);
    if (at < 0 || current.indexOf(edit.find, at + 1) >= 0) {
      for (const [p, t] of originals) writeFileSync(p, t);
      return { stale: `${edit.file}: the text to replace occurs ${at < 0 ? 'nowhere' : 'more than once'}` };
    }
    writeFileSync(path, current.slice(0, at) + edit.replace + current.slice(at + edit.find.length));
  }
  return {
    restore: () => {
      for (const [p, t] of originals) writeFileSync(p, t);
    },
  };
}

function runEval(dir) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@sre-harness/source',
        'packages/eval/src/cli.ts',
        'run',
        '--quiet',
        '--no-out',
        '--concurrency',
        '1',
      ],
      {
        cwd: dir,
        env: { ...process.env, FORCE_COLOR: '0', CI: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, out, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** The rails the eval said did not hold, from its `rails:` line and its gate reasons. */
function caughtBy(out) {
  const rails = /^rails: (.*)$/m.exec(out)?.[1] ?? '';
  const failed = [...rails.matchAll(/([a-z_]+) FAILED in (\d+) run/g)].map((m) => `${m[1]} (${m[2]} runs)`);
  if (failed.length > 0) return failed.join(', ');
  const reason = /gate: FAILED\n\s+- (.*)/.exec(out)?.[1];
  return reason ? reason.slice(0, 120) : '';
}

async function main() {
  const started = Date.now();
  const copies = Array.from({ length: Math.min(jobs, selected.length + 1) }, makeCopy);
  process.stdout.write(
    `copied the repository to ${copies.length} temporary director${copies.length === 1 ? 'y' : 'ies'}\n`,
  );
  try {
    const clean = await runEval(copies[0]);
    if (clean.code !== 0) {
      process.stdout.write(
        `the unmutated eval fails (exit ${clean.code}); fix that first:\n${clean.out.slice(-2000)}\n`,
      );
      return 1;
    }
    process.stdout.write(`unmutated eval: exit 0 in ${clean.seconds.toFixed(1)} s\n`);
    const results = new Array(selected.length);
    let next = 0;
    const worker = async (dir) => {
      for (;;) {
        const i = next++;
        const mutant = selected[i];
        if (!mutant) return;
        const applied = applyEdits(dir, mutant);
        if (applied.stale) {
          results[i] = { mutant, verdict: 'STALE', detail: applied.stale };
        } else {
          const r = await runEval(dir);
          applied.restore();
          const timedOut = r.signal === 'SIGKILL';
          const caught = !timedOut && r.code !== 0 && r.code !== null;
          results[i] = {
            mutant,
            verdict: caught ? 'caught' : timedOut ? 'TIMEOUT' : 'SURVIVED',
            detail: caught
              ? caughtBy(r.out) || `exit ${r.code}`
              : timedOut
                ? `no verdict within ${timeoutMs / 1000} s`
                : 'the eval exited 0',
            seconds: r.seconds,
          };
        }
        const x = results[i];
        process.stdout.write(
          `${x.verdict.padEnd(8)} ${mutant.id.padEnd(44)} ${x.seconds === undefined ? '' : `${x.seconds.toFixed(1)} s  `}${x.detail}\n`,
        );
      }
    };
    await Promise.all(copies.map((dir) => worker(dir)));
    const caught = results.filter((r) => r.verdict === 'caught').length;
    const rails = [...new Set(selected.map((m) => m.rail))];
    const missed = rails.filter(
      (rail) => !results.some((r) => r.mutant.rail === rail && r.verdict === 'caught'),
    );
    process.stdout.write(
      `\ncaught ${caught}/${selected.length} mutants over ${rails.length} rails in ${((Date.now() - started) / 1000).toFixed(0)} s${missed.length ? `; rails with a mutant not caught: ${missed.join(', ')}` : ''}\n`,
    );
    return caught === selected.length ? 0 : 1;
  } finally {
    if (opts.keep) process.stdout.write(`kept: ${copies.join(', ')}\n`);
    else for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
