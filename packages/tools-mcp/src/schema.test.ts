import { describe, expect, it } from 'vitest';
import { permissiveSchema, toZod } from './schema.js';

const json = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    count: { type: 'integer' },
    ratio: { type: ['number', 'null'] },
    labels: { type: 'object' },
  },
  required: ['name', 'token'],
};

describe('permissiveSchema', () => {
  const schema = permissiveSchema(json);

  it('checks required keys, including ones without a declared property', () => {
    expect(schema.safeParse({ name: 'a', token: 'x' }).success).toBe(true);
    expect(schema.safeParse({ name: 'a' }).success).toBe(false);
    expect(schema.safeParse({ token: 'x' }).success).toBe(false);
  });

  it('checks primitive types and lets unknown keys through to the server', () => {
    expect(schema.safeParse({ name: 'a', token: 1, count: 1.5 }).success).toBe(false);
    expect(schema.safeParse({ name: 'a', token: 1, ratio: null }).success).toBe(true);
    expect(schema.safeParse({ name: 'a', token: 1, ratio: 'x' }).success).toBe(false);
    expect(schema.safeParse({ name: 'a', token: 1, extra: [1] })).toMatchObject({
      success: true,
      data: { extra: [1] },
    });
  });
});

describe('toZod', () => {
  it('uses zod own converter for ordinary schemas', () => {
    const { schema, exact } = toZod({ type: 'object', properties: { n: { type: 'integer', minimum: 1 } } });
    expect(exact).toBe(true);
    expect(schema.safeParse({ n: 0 }).success).toBe(false);
    expect(schema.safeParse({ n: 2 }).success).toBe(true);
  });

  it('falls back to the permissive schema when the converter gives up', () => {
    const { schema, exact } = toZod({
      type: 'object',
      properties: { a: { $ref: 'https://example.invalid/remote.json' } },
      required: ['a'],
    });
    expect(exact).toBe(false);
    expect(schema.safeParse({}).success).toBe(false);
    expect(schema.safeParse({ a: 1 }).success).toBe(true);
  });
});
