// The core loop beside the Python reference harness (github.com/ajinb/sre-harness), as issue #20
// measures them: a fresh process per run, the run's wall time divided by its steps, the median of
// REPEATS runs, at 100, 1,000, 10,000 and 100,000 steps, with the in-memory and the file (JSONL)
// sink. Runs of the two are interleaved, so both see the same machine load; compare the ratios.
//
// Usage: node bench/side-by-side.mjs [path-to-a-checkout-of-the-python-reference]
// (pnpm --filter @sre-harness/core bench:side-by-side -- /path/to/sre-harness-python)
// Without a path only this harness runs. Needs the built package (pnpm build) and python3.
// Env: BENCH_REPEATS (default 7), BENCH_STEPS (comma list, default 100,1000,10000,100000).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const reference = process.argv[2];
const repeats = Number(process.env.BENCH_REPEATS ?? 7);
const stepsList = (process.env.BENCH_STEPS ?? '100,1000,10000,100000').split(',').map(Number);
const here = (f) => fileURLToPath(new URL(f, import.meta.url));
if (reference && !existsSync(`${reference}/src/sre_harness/harness.py`))
  throw new Error(`${reference} is not a checkout of the Python reference (no src/sre_harness/harness.py)`);

const jobs = [
  { impl: 'ts', sink: 'memory', cmd: process.execPath, args: (n) => [here('./one-run.mjs'), n, 'memory'] },
  { impl: 'ts', sink: 'jsonl', cmd: process.execPath, args: (n) => [here('./one-run.mjs'), n, 'jsonl'] },
  ...(reference
    ? [
        {
          impl: 'python',
          sink: 'memory',
          cmd: 'python3',
          args: (n) => [here('./reference_run.py'), reference, n, 'memory'],
        },
        {
          impl: 'python',
          sink: 'file',
          cmd: 'python3',
          args: (n) => [here('./reference_run.py'), reference, n, 'file'],
        },
      ]
    : []),
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `side by side: fresh process per run, µs per step (wall time of the run / steps), median of ${repeats}; node ${process.version}${reference ? `; python3 reference at ${reference}` : '; no reference path given: this harness only'}`,
);
const rows = [];
for (const steps of stepsList) {
  const times = new Map(jobs.map((j) => [j, []]));
  for (let r = 0; r < repeats; r++) {
    for (const job of jobs) {
      const out = execFileSync(job.cmd, job.args(String(steps)), { encoding: 'utf8' });
      times.get(job).push(JSON.parse(out.trim().split('\n').at(-1)).usPerStep);
    }
  }
  const m = Object.fromEntries(jobs.map((j) => [`${j.impl}/${j.sink}`, median(times.get(j))]));
  rows.push({ steps, ...m });
  const cells = jobs.map((j) => `${j.impl}/${j.sink} ${m[`${j.impl}/${j.sink}`].toFixed(1)}`).join('  ');
  const ratios = [`jsonl/memory ${(m['ts/jsonl'] / m['ts/memory']).toFixed(2)}x`];
  if (reference)
    ratios.push(
      `ts/python memory ${(m['ts/memory'] / m['python/memory']).toFixed(2)}x`,
      `jsonl/file ${(m['ts/jsonl'] / m['python/file']).toFixed(2)}x`,
    );
  console.log(`${String(steps).padStart(7)} steps: ${cells}  |  ${ratios.join('  ')}`);
}
if (process.env.BENCH_JSON) console.log(JSON.stringify(rows));
