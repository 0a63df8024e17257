import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from './program.js';

describe('fuzz: CLI flags', () => {
  it('any argument list ends with exit 0, 1 or 2 and no stack trace', async () => {
    const word = fc.oneof(
      fc.constantFrom(
        'trace',
        'verify',
        '--json',
        '--help',
        '-h',
        '--',
        '-',
        '--nope',
        '/nonexistent/x.jsonl',
        '.',
        '',
      ),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 6 }), async (argv) => {
        const out: string[] = [];
        const code = await main(argv, { out: (s) => out.push(s), err: (s) => out.push(s) });
        expect([0, 1, 2]).toContain(code);
        expect(out.join('\n')).not.toMatch(/\n\s+at .+:\d+:\d+/);
      }),
      { numRuns: 1000 },
    );
  });
});
