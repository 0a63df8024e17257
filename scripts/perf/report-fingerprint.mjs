#!/usr/bin/env node
// Fingerprints what `pnpm eval` decides, so a speed change can show it changed nothing else: runs the
// eval CLI (this checkout's built dist, serially) over each scenario folder with the default models,
// drops the fields that measure time (`createdAt`, each run's `wallMs`) and prints one sha256 per
// folder and one over all of them. Two checkouts that print the same lines scored every run alike.
//
// Usage: node scripts/perf/report-fingerprint.mjs [folder...]   (default: every scenarios* folder)
// Needs `pnpm build` first. Exit 1 if a folder's eval could not produce a report.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('Usage: node scripts/perf/report-fingerprint.mjs [scenario-folder...]');
  process.exit(0);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const folders = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(root)
      .filter((f) => /^scenarios/.test(f) && !f.includes('.'))
      .sort();
const all = createHash('sha256');
for (const folder of folders) {
  let out;
  try {
    out = execFileSync(
      process.execPath,
      [
        join(root, 'packages/eval/dist/cli.js'),
        '--scenarios',
        join(root, folder),
        '--no-out',
        '--json',
        '--concurrency',
        '1',
      ],
      { cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, CI: '1' } },
    );
  } catch (e) {
    // A failing pass rate exits 1 but still prints the report; anything else is a real failure.
    out = e.stdout;
    if (!out) {
      console.error(`${folder}: no report (${e.message})`);
      process.exit(1);
    }
  }
  const report = JSON.parse(out);
  delete report.createdAt;
  for (const run of report.runs) delete run.wallMs;
  const text = JSON.stringify(report);
  all.update(text);
  const t = report.totals;
  console.log(
    `${folder}: ${createHash('sha256').update(text).digest('hex').slice(0, 16)} (${t.runs} runs, ${t.passed} passed)`,
  );
}
console.log(`all: ${all.digest('hex').slice(0, 16)}`);
