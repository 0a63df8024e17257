// Machine instructions per step of the core loop in a fresh process, counted by valgrind (callgrind),
// so two builds can be compared on a shared machine where wall and CPU time move by ±50 % with other
// people's load: the count moves by well under 1 %. One process runs 1 step, another STEPS steps (the
// one-run.mjs run: a scripted model calling one read-only tool); the difference divided by STEPS − 1
// is what a step costs in a fresh process, the interpreter, JIT compilation and GC included. A third
// process only loads the package (0 steps): what the one-step run adds to it is a run's fixed cost
// (the tool defined, the harness created, the first step). Slow: valgrind runs node ~50× slower.
//
// Usage: node bench/instructions.mjs [steps=300] [memory|jsonl] [root of another checkout]
// (needs valgrind on the PATH). With a checkout, that checkout's built package is measured instead.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.argv.includes('--help')) {
  console.log('Usage: node bench/instructions.mjs [steps=300] [memory|jsonl] [root of another checkout]');
  process.exit(0);
}
const steps = Number(process.argv[2] ?? 300);
const kind = process.argv[3] ?? 'memory';
// Another checkout (its root) runs its own one-run.mjs, package and dependencies: a fair comparison.
const checkout = process.argv[4];
const run = checkout
  ? join(checkout, 'packages/core/bench/one-run.mjs')
  : fileURLToPath(new URL('./one-run.mjs', import.meta.url));

/** Instructions the whole process executed for a run of `n` steps. */
function count(n) {
  const r = spawnSync(
    'valgrind',
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, run, String(n), kind],
    { encoding: 'utf8', env: process.env },
  );
  if (r.error || r.status !== 0)
    throw new Error(`valgrind failed (is it installed?): ${r.error?.message ?? r.stderr}`);
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no instruction count in valgrind's output: ${r.stderr.slice(-500)}`);
  return Number(m[1]);
}

const none = count(0);
const one = count(1);
const many = count(steps);
const perStep = (many - one) / (steps - 1);
console.log(
  JSON.stringify({
    build: checkout ?? 'this checkout',
    kind,
    steps,
    // Defining the tool, creating the harness and running its first step; module loading excluded.
    fixed: one - none,
    perStep: Math.round(perStep),
    // What the whole run of STEPS steps costs, as the side-by-side benchmark times it.
    run: Math.round(one - none + perStep * (steps - 1)),
  }),
);
