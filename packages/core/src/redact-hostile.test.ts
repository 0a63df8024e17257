import { describe, expect, it } from 'vitest';
import { redactSecrets } from './index.js';
import { TOKEN_RULES } from './redact-rules.js';

// 200 KB of hostile text for every rule. A backtracking pattern (a quantified run before or
// around a keyword, a lazy scan to a missing terminator, a run that fails at its end and is
// retried from every prefix inside it) takes minutes on each of these, so a regression hangs the
// test past vitest's timeout. The assertions are about what comes out, never about time.

const SIZE = 200_000;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length));

/** The first character a rule's body class names, to build runs that rule reads. */
const bodyChar = (body: string) => body[0]!;

describe('hostile input, 200 KB per rule', () => {
  describe.each(TOKEN_RULES.map((r) => [`${r.name} (${r.prefixes[0]})`, r] as const))('%s', (_, rule) => {
    it.each(rule.prefixes)('%s repeated with near misses stays as it is', (prefix) => {
      // Each prefix followed by one character fewer than the format needs, then a stop.
      const text = fill(`${prefix}${bodyChar(rule.body).repeat(rule.min - 1)}!`);
      expect(redactSecrets(text)).toBe(text);
    });

    it.each(rule.prefixes)('%s followed by one 200 KB run', (prefix) => {
      const text = `${prefix}${bodyChar(rule.body).repeat(SIZE)}!`;
      // The run is far too long for an exact format, and a token for the others.
      expect(redactSecrets(text)).toBe(rule.max === undefined ? `<redacted:${rule.label}>!` : text);
    });

    it.each(rule.prefixes)('%s repeated back to back, then a real-format token', (prefix) => {
      const valid = `${prefix}${bodyChar(rule.body).repeat(rule.min)}`;
      const out = redactSecrets(`${fill(`${prefix}-`)} ${valid}`);
      expect(out.endsWith(` <redacted:${rule.label}>`)).toBe(true);
      expect(out).not.toContain(valid);
    });
  });

  it('private key: BEGIN lines that never END mask to the end of the text', () => {
    expect(redactSecrets(`ok\n${fill('-----BEGIN RSA PRIVATE KEY-----\n')}`)).toBe(
      'ok\n<redacted:private-key>',
    );
    const labels = fill('-----BEGIN ');
    expect(redactSecrets(labels)).toBe(labels);
    const certs = fill('-----BEGIN CERTIFICATE-----\nMIIB\n-----END PRIVATE KEY\n');
    expect(redactSecrets(certs)).toBe(certs);
  });

  it('jwt: a base64url run full of eyJ and no dots stays; repeated parts are masked in threes', () => {
    const run = fill('eyJ-');
    expect(redactSecrets(run)).toBe(run);
    const dotted = 'eyJhbGciOiJ.'.repeat(3 * 20_000);
    expect(redactSecrets(dotted)).toBe('<redacted:jwt>.'.repeat(20_000));
  });

  it('bearer token: the scheme repeated stays; one endless credential is masked', () => {
    const words = fill('Bearer ');
    expect(redactSecrets(words)).toBe(words);
    expect(redactSecrets(`Bearer ${fill('a/')}`)).toBe('Bearer <redacted>');
  });

  it('password in a URL: schemes and colons without an @ stay', () => {
    const noAt = fill('a://b:c');
    expect(redactSecrets(noAt)).toBe(noAt);
    const longPass = `x://u:${fill('p')}`;
    expect(redactSecrets(longPass)).toBe(longPass);
    expect(redactSecrets(`x://u:${fill('p@')} next`)).toBe('x://u:<redacted>@ next');
  });

  it("secret-named variable: 'auth.' repeated, the input that used to stall for minutes, stays", () => {
    const text = fill('auth.');
    expect(redactSecrets(text)).toBe(text);
    const spaced = fill('auth. ');
    expect(redactSecrets(spaced)).toBe(spaced);
  });

  it('secret-named variable: unclosed and repeated quotes', () => {
    expect(redactSecrets(`password: "${fill('p')}`)).toBe('password: "<redacted>');
    expect(redactSecrets('password: "'.repeat(20_000))).toBe('password: "<redacted>"'.repeat(10_000));
    // JSON-escaped: each \" that opens the next key closes an empty value, so nothing is masked.
    const escaped = '\\"password\\": \\"'.repeat(20_000);
    expect(redactSecrets(escaped)).toBe(escaped);
    expect(redactSecrets(`\\"password\\": \\"${fill('p')}`)).toBe('\\"password\\": \\"<redacted>');
  });

  it('secret-named variable: placeholders and names with no value stay', () => {
    for (const unit of ['token=$(', 'token: "${', 'password=<', 'secret secret ', 'pwd=pwd=']) {
      const text = fill(unit);
      expect(redactSecrets(text), unit).toBe(text);
    }
  });
});
