import type { z } from 'zod';
import { VerifierError } from './errors.js';

/** Schemas `{}` passed, with what it parsed to. */
const emptyChecked = new WeakMap<z.ZodType, { data: unknown }>();

/** Validates a verifier's options at configuration time and turns zod issues into a VerifierError. */
export function parseOptions<T extends z.ZodType>(verifier: string, schema: T, value: unknown): z.output<T> {
  // No options (the common case, and the eval's on every run): `{}` checks the same every time.
  const empty =
    value === undefined ||
    (typeof value === 'object' &&
      value !== null &&
      Object.getPrototypeOf(value) === Object.prototype &&
      Reflect.ownKeys(value).length === 0);
  if (empty) {
    const known = emptyChecked.get(schema);
    if (known) return known.data as z.output<T>;
  }
  const parsed = schema.safeParse(value ?? {});
  if (empty && parsed.success) emptyChecked.set(schema, { data: parsed.data });
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
  throw new VerifierError('invalid_option', `invalid options for ${verifier}: ${issues.join('; ')}`, {
    cause: parsed.error,
    issues,
  });
}
