import { describe, expect, it } from 'vitest';
import { EvaluationError } from './errors.js';
import { failureExitCode } from './program.js';

describe('whose fault an error that ends sre-eval is', () => {
  const written = (e: unknown) => {
    let text = '';
    const code = failureExitCode(e, (t) => {
      text += t;
    });
    return { code, text };
  };

  it('a bug exits 70 with its stack and asks for a report, not 2 as if the flags were bad', () => {
    const { code, text } = written(new TypeError("Cannot read properties of undefined (reading 'runs')"));
    expect(code).toBe(70);
    expect(text).toMatch(/unexpected error \(a bug in sre-eval; please report it/);
    expect(text).toMatch(/TypeError: Cannot read properties[\s\S]*\n\s+at /);
  });

  it('bad input and unreadable paths exit 2 in one line', () => {
    const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'old.json'"), {
      code: 'ENOENT',
    });
    expect(written(missing)).toEqual({
      code: 2,
      text: "sre-eval: ENOENT: no such file or directory, open 'old.json'\n",
    });
    const invalid = written(new EvaluationError('invalid_option', '--trials must be a whole number'));
    expect(invalid.code).toBe(2);
    expect(invalid.text).not.toMatch(/\n\s+at /);
  });
});
