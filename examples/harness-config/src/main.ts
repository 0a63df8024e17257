// Scores the default harness and ours side by side on the shipped scenarios with the offline
// baseline model, then compares the two. The same as:
//   sre-eval run --harness default --harness mine=./harness.config.ts --model baseline --min-pass-rate 0 --out <dir>
//   sre-eval compare <dir>/eval-report.json#default <dir>/eval-report.json#mine
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '@sre-harness/eval';

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'harness-config-'));
const extra = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
const sreEval = (...args: string[]) => runCli([process.argv[0]!, 'sre-eval', ...args]);

// --min-pass-rate 0: this run compares two harnesses; only a broken rail fails it.
const ran = await sreEval(
  'run',
  '--scenarios',
  join(here, '../../../scenarios'),
  '--harness',
  'default',
  '--harness',
  `mine=${join(here, '../harness.config.ts')}`,
  '--model',
  'baseline',
  '--min-pass-rate',
  '0',
  '--out',
  out,
  ...extra,
);
if (ran !== 0) {
  process.exitCode = ran;
} else {
  const report = join(out, 'eval-report.json');
  process.stdout.write('\nwhere the two harnesses differ (mine against default):\n');
  // A regression here is the finding, not a failure of this example.
  await sreEval('compare', `${report}#default`, `${report}#mine`);
  process.exitCode = 0;
}
