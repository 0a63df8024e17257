// `pnpm mutation:stryker`: Stryker's mutants over the guardrail code, judged by the default offline
// eval alone (no unit tests): a mutant is killed when `pnpm eval` exits non-zero. It complements the
// hand-written catalogue of `pnpm test:mutants` (scripts/mutants/catalogue.mjs) with every mutant
// Stryker's mutators make. Slow (one eval per mutant: 350 mutants took 51 min on 2 shared cores);
// not run in CI. Reports: reports/stryker/mutation.html and mutation.json; the README section "Does
// the eval see a broken harness?" has the figures of one run. On a loaded machine an eval can exceed
// the timeout: re-run a Timeout mutant alone before counting it as detected.
//
// The sandbox is a copy of the repository in the OS temporary directory. Stryker would symlink each
// packages/*/node_modules to the original, whose workspace links (`@sre-harness/core` ->
// ../../../core) would then resolve to the original, unmutated source; so `symlinkNodeModules` is
// off and the build command (this file, run as a script inside the sandbox) copies those
// directories with their relative symlinks kept, and links only the root node_modules.
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HARNESS = 'packages/core/src/harness.ts';

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Build step, run with the sandbox as cwd: `node stryker.config.mjs --link-from <repository>`.
  const from = process.argv[process.argv.indexOf('--link-from') + 1];
  if (!from || !existsSync(join(from, 'node_modules'))) {
    process.stderr.write('stryker.config.mjs: --link-from <repository with node_modules> is required\n');
    process.exit(2);
  }
  for (const group of ['packages', 'apps', 'examples']) {
    if (!existsSync(join(from, group))) continue;
    for (const entry of readdirSync(join(from, group), { withFileTypes: true })) {
      const modules = join(group, entry.name, 'node_modules');
      if (entry.isDirectory() && existsSync(join(from, modules)) && !existsSync(modules)) {
        cpSync(join(from, modules), modules, { recursive: true, verbatimSymlinks: true });
      }
    }
  }
  if (!existsSync('node_modules')) symlinkSync(join(from, 'node_modules'), 'node_modules', 'dir');
  process.exit(0);
}

/**
 * `file:a-b` for Stryker's `mutate`: from the line that starts with `from` through the closing brace
 * of the block or member whose first line starts with `until` (default: `from`), found by its
 * indentation. Anchored on text, not line numbers, so the ranges follow edits to these files; an
 * anchor that is gone fails loudly instead of mutating other lines.
 */
function span(file, from, until = from) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const find = (text) => {
    const i = lines.findIndex((l) => l.startsWith(text));
    if (i < 0) throw new Error(`stryker.config.mjs: "${text.trim()}" is no longer in ${file}`);
    return i;
  };
  const a = find(from);
  const u = find(until);
  const close = `${/^\s*/.exec(lines[u])[0]}}`;
  const b = lines.findIndex(
    (l, i) => i > Math.max(a, u) && /^[,;]?$/.test(l.slice(close.length)) && l.startsWith(close),
  );
  if (b < 0) throw new Error(`stryker.config.mjs: no closing brace for "${until.trim()}" in ${file}`);
  return `${file}:${a + 1}-${b + 1}`;
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'command',
  commandRunner: {
    // What `pnpm eval` runs, without report files, one scenario run at a time.
    command:
      'CI=true FORCE_COLOR=0 node --import tsx --conditions=@sre-harness/source packages/eval/src/cli.ts run --quiet --no-out --concurrency 1',
  },
  // The rails, not all of each file (about 350 mutants with the mutators excluded below).
  mutate: [
    // argAt, matchesArg, matchAll (argument matchers) and Allowlist.check.
    span('packages/core/src/allowlist.ts', 'export function argAt(', 'export function matchAll('),
    span('packages/core/src/allowlist.ts', '  check(tool: string, args: unknown)'),
    // denyAll and policyApprover, the approvers the eval configures (allowExactCalls and
    // callbackApprover are not used by the eval, so their mutants would all survive).
    span('packages/core/src/approvals.ts', 'export function denyAll('),
    span('packages/core/src/approvals.ts', 'export function policyApprover('),
    // canonicalJson, normalize, frozenCopy, callHash (plainJsonProblem is left out).
    span('packages/core/src/canonical.ts', 'export function canonicalJson(', 'function normalize('),
    span('packages/core/src/canonical.ts', 'export function frozenCopy', 'export function callHash('),
    // #loop: the step budget and invalid decisions counted against it.
    span(HARNESS, '  async #loop(', '      if (!parsed.success) {'),
    // #handleCall, #approvalGate (the gate and its binding to the arguments) and #askApprover
    // (timeouts, faults, answers for another call); the allowlist step of the call checks.
    span(HARNESS, '  async #handleCall(', '  async #askApprover('),
    span('packages/core/src/call-checks.ts', '  function allowed('),
    span('packages/verifiers/src/evidence-required.ts', '  const min = options.min ?? 1;', 'export function'),
    span(
      'packages/verifiers/src/no-unapproved-mutation.ts',
      '      const { events } = safeInput(input);',
      'export function',
    ),
    span('packages/verifiers/src/claimed-actions.ts', 'export function claimedActions('),
  ],
  // Messages, trace payload shapes and list building: mostly text the eval does not compare.
  mutator: {
    excludedMutations: [
      'StringLiteral',
      'ObjectLiteral',
      'ArrayDeclaration',
      'ArrowFunction',
      'MethodExpression',
    ],
  },
  ignorePatterns: ['dist', '.turbo', 'coverage', '/reports', '/traces', '.traces', '/docs/api', '.ci/out'],
  symlinkNodeModules: false,
  buildCommand: `node stryker.config.mjs --link-from ${process.cwd().replaceAll(' ', '\\ ')}`,
  tempDirName: join(tmpdir(), 'sre-harness-stryker'),
  cleanTempDir: 'always',
  // tsx strips types without checking them, so mutants that would not type-check still run.
  disableTypeChecks: false,
  checkers: [],
  coverageAnalysis: 'off',
  concurrency: 2,
  // A mutant's eval may take this much longer than the unmutated one before it counts as a timeout
  // (a mutant that removes the step budget loops forever).
  timeoutFactor: 1.5,
  timeoutMS: 15000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/stryker/mutation.html' },
  jsonReporter: { fileName: 'reports/stryker/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
};
