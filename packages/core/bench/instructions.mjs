// Machine instructions per step of the core loop in a fresh process, counted by valgrind (callgrind),
// so builds and implementations can be compared on a shared machine where wall and CPU time move by
// ±50 % with other people's load. One process runs 1 step,
// another STEPS steps (the one-run.mjs run: a scripted model calling one read-only tool); the
// difference divided by STEPS − 1 is what a step costs in a fresh process, the interpreter, JIT
// compilation and GC (their threads included) counted. A third process only loads the package
// (0 steps): what the one-step run adds to it is a run's fixed cost (the tool defined, the harness
// created, the first step). The whole run of STEPS steps is fixed + (STEPS − 1) × per step, the
// quantity the side-by-side benchmark times. Node runs with V8's `--predictable` (no background
// compiler or GC threads, a fixed hash seed): without it the counts moved by ±40 % from run to run
// with the timing of those threads; with it, by about ±4 %. Slow: valgrind runs node ~50× slower.
//
// Usage: node bench/instructions.mjs [steps=300] [memory|jsonl] [root of another checkout]
//   With a checkout, that checkout's built package (and its bench/one-run.mjs) is measured instead.
//   REFERENCE=<checkout of the Python reference> also measures it the same way, with
//   bench/reference_run.py (its in-memory or file trace), and prints core / reference.
// Needs valgrind on the PATH (Debian: apt-get install valgrind) and the built package (pnpm build).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(
    'Usage: node bench/instructions.mjs [steps=300] [memory|jsonl] [root of another checkout]\n' +
      '  REFERENCE=<Python reference checkout> also counts the reference and prints the ratio.',
  );
  process.exit(0);
}
const steps = Number(process.argv[2] ?? 300);
const kind = process.argv[3] ?? 'memory';
if (!Number.isInteger(steps) || steps < 2)
  throw new Error(`steps must be a whole number of at least 2; got ${process.argv[2]}`);
if (kind !== 'memory' && kind !== 'jsonl') throw new Error(`the sink must be memory or jsonl; got ${kind}`);
// Another checkout (its root) runs its own one-run.mjs, package and dependencies: a fair comparison.
const checkout = process.argv[4];
const run = checkout
  ? join(checkout, 'packages/core/bench/one-run.mjs')
  : fileURLToPath(new URL('./one-run.mjs', import.meta.url));

/** Instructions the whole process executed for `argv` (run under valgrind). */
function count(argv) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', ...argv], {
    encoding: 'utf8',
    env: process.env,
  });
  if (r.error || r.status !== 0)
    throw new Error(`valgrind failed (is it installed?): ${r.error?.message ?? r.stderr}`);
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no instruction count in valgrind's output: ${r.stderr.slice(-500)}`);
  return Number(m[1]);
}

/** Fixed cost, per-step cost and whole-run cost from three processes (0, 1 and STEPS steps). */
function measure(argvFor) {
  const none = count(argvFor(0));
  const one = count(argvFor(1));
  const many = count(argvFor(steps));
  const perStep = (many - one) / (steps - 1);
  return {
    fixed: one - none,
    perStep: Math.round(perStep),
    run: Math.round(one - none + perStep * (steps - 1)),
  };
}

const core = measure((n) => [process.execPath, '--predictable', run, String(n), kind]);
console.log(JSON.stringify({ impl: 'core', build: checkout ?? 'this checkout', kind, steps, ...core }));
const reference = process.env.REFERENCE;
if (reference) {
  const script = fileURLToPath(new URL('./reference_run.py', import.meta.url));
  // The interpreter itself, not a version manager's shell shim, so valgrind counts python's work.
  const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], {
    encoding: 'utf8',
  }).stdout.trim();
  const ref = measure((n) => [python, script, reference, String(n), kind === 'jsonl' ? 'file' : 'memory']);
  console.log(
    JSON.stringify({ impl: 'python reference', kind: kind === 'jsonl' ? 'file' : 'memory', steps, ...ref }),
  );
  console.log(
    JSON.stringify({
      steps,
      kind,
      'core/reference fixed': Number((core.fixed / ref.fixed).toFixed(2)),
      'core/reference per step': Number((core.perStep / ref.perStep).toFixed(2)),
      'core/reference run': Number((core.run / ref.run).toFixed(2)),
    }),
  );
}
