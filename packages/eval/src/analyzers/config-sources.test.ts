import { describe, expect, it } from 'vitest';
import { missingVariable, sourceFor } from './config-sources.js';

// The variable a crash log says is missing, read the one way the crash signature reads it
// (`missingVariableSaid`), so the reads for where it should come from follow the same lines.
describe('missingVariable: the variable a crash log says is unset', () => {
  it.each([
    ['Error: required environment variable STRIPE_API_KEY is not set', 'STRIPE_API_KEY'],
    ['KeyError: \'DATABASE_URL\'\n  File "<frozen os>", line 714, in __getitem__', 'DATABASE_URL'],
    ['FATAL: REDIS_URL must be set', 'REDIS_URL'],
    [
      "/app/rails/application.rb:660:in `validate_secret_key_base': <redacted> `secret_key_base` for 'production' environment, set this string with `bin/rails credentials:edit` (ArgumentError)",
      'SECRET_KEY_BASE',
    ],
  ])('%s', (log, name) => {
    expect(missingVariable(log)).toBe(name);
  });
  it('nothing for a variable the program goes on without, or a runtime hint', () => {
    expect(
      missingVariable('WARN env RETENTION_DAYS not set, using default 400\nFATAL pq: SSL is not enabled'),
    ).toBe(undefined);
    expect(
      missingVariable(
        "thread 'main' panicked at src/main.rs:9:5\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
      ),
    ).toBe(undefined);
  });
});

describe('sourceFor: the one key holding a missing variable under another name', () => {
  const secret = (name: string, keys: string[]) => ({ kind: 'Secret' as const, name, keys });
  it('another spelling, then the whole name behind a prefix, each only when one key fits', () => {
    expect(sourceFor('STRIPE_API_KEY', [secret('loyalty', ['stripe-api-key'])])?.key).toBe('stripe-api-key');
    expect(
      sourceFor('SECRET_KEY_BASE', [secret('mailer-env', ['RAILS_SECRET_KEY_BASE', 'SMTP_HOST'])])?.key,
    ).toBe('RAILS_SECRET_KEY_BASE');
    expect(
      sourceFor('SECRET_KEY_BASE', [
        secret('a', ['RAILS_SECRET_KEY_BASE']),
        secret('b', ['APP_SECRET_KEY_BASE']),
      ]),
    ).toBe(undefined);
    // Not a prefix at a separator: MYSECRET_KEY_BASE does not hold SECRET_KEY_BASE.
    expect(sourceFor('SECRET_KEY_BASE', [secret('a', ['MYSECRET_KEY_BASEX'])])).toBe(undefined);
  });
});
