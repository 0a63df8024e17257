import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from './program.js';
import { parseScenario } from './scenario-loader.js';

// Thousands of generated inputs against the scenario loader and the CLI's flags: always a clear
// answer (a scenario, a list of located problems, an exit code), never a crash or a stack trace.

const seed = readFileSync(
  fileURLToPath(new URL('../../../scenarios/oom-crashloop.yaml', import.meta.url)),
  'utf8',
);
const seedDoc = parse(seed) as unknown;

/** Every path in a JSON-like value, for mutating one at random. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return [prefix, ...v.flatMap((x, i) => paths(x, [...prefix, i]))];
  if (v && typeof v === 'object')
    return [prefix, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))];
  return [prefix];
}
const allPaths = paths(seedDoc).filter((p) => p.length > 0);

function setAt(doc: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let cur = copy;
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

const mutated = fc
  .tuple(
    fc.constantFrom(...allPaths),
    fc.oneof(fc.anything(), fc.constant(undefined), fc.string(), fc.integer()),
  )
  .map(([p, v]) => stringify(setAt(seedDoc, p, v)));

describe('fuzz: scenario loader', () => {
  it('any text gives a scenario or located problems, never an exception', () => {
    const texts = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      mutated,
      fc.json().map((j) => j),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const out = parseScenario(text, 'fuzz.yaml');
        if (!out.ok) {
          expect(out.issues.length).toBeGreaterThan(0);
          for (const i of out.issues) {
            expect(i.file).toBe('fuzz.yaml');
            expect(typeof i.path).toBe('string');
            expect(i.message.length).toBeGreaterThan(0);
            if (i.line !== undefined) expect(i.line).toBeGreaterThanOrEqual(1);
          }
        }
      }),
      { numRuns: 2000 },
    );
  }, 120_000);
});

describe('fuzz: sre-eval flags', () => {
  let output = '';
  beforeEach(() => {
    output = '';
    const capture = (chunk: unknown) => {
      output += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  });
  afterEach(() => vi.restoreAllMocks());

  it('any flags end in exit 0, 1 or 2 without a stack trace', async () => {
    const value = fc.oneof(
      fc.constantFrom(
        '0',
        '-1',
        '1.5',
        'abc',
        '',
        '3/2',
        '0/1',
        '2/2',
        'persona:nope',
        'baseline',
        'window:0',
        'summarizer:x',
        'nope:model',
        '*',
      ),
      fc.string({ maxLength: 8 }),
    );
    const flag = fc.constantFrom(
      '--trials',
      '--seed',
      '--concurrency',
      '--shard',
      '--model',
      '--persona',
      '--tag',
      '--tolerance',
      '--cost-tolerance',
      '--memory',
      '--min-pass-rate',
      '--judge',
      '--scenarios',
      '--bogus',
      '-x',
    );
    const command = fc.constantFrom('run', 'list', 'validate', 'merge', 'compare', 'schema', 'frobnicate');
    const argv = fc
      .tuple(
        command,
        fc.array(fc.tuple(flag, value), { maxLength: 4 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
      )
      // Keep runs small and side-effect free: a scenario filter that matches nothing, no report files.
      .map(([cmd, pairs, extra]) => [
        cmd,
        ...pairs.flat(),
        ...extra,
        ...(cmd === 'run' ? ['--scenario', 'zz-none', '--no-out'] : []),
      ]);
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        output = '';
        const code = await main(['node', 'sre-eval', ...args]);
        expect([0, 1, 2]).toContain(code);
        expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
      }),
      { numRuns: 1000 },
    );
  }, 180_000);
});
