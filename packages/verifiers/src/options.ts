import type { z } from 'zod';
import { VerifierError } from './errors.js';

/** Validates a verifier's options at configuration time and turns zod issues into a VerifierError. */
export function parseOptions<T extends z.ZodType>(verifier: string, schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new VerifierError('invalid_option', `invalid options for ${verifier}: ${issues.join('; ')}`, {
    cause: parsed.error,
    issues,
  });
}
